//! The naive baseline for `scripts/bench`: one strsim best match per line and the
//! numbers taken in order (`gongkai::baseline`), over every file of a folder on one
//! thread, with nothing written.
//!
//! `cargo run --release --example naive_baseline -- FOLDER`

use std::path::PathBuf;
use std::time::Instant;

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: naive_baseline FOLDER");
        return std::process::ExitCode::from(2);
    };
    let dict = match gongkai::Dictionaries::embedded() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let (mut files, mut cells) = (0usize, 0usize);
    // The same files, in the same order, as `gongkai clean FOLDER` reads.
    let Ok(globs) = gongkai::inputs::globs(&["*.txt".into()]) else {
        return std::process::ExitCode::from(2);
    };
    for input in gongkai::inputs::discover(&[dir], &globs) {
        let Ok(data) = std::fs::read(&input.path) else {
            continue;
        };
        let doc = gongkai::baseline::baseline_document(&data, "d", &dict);
        files += 1;
        cells += doc
            .tables
            .iter()
            .map(|t| t.cells.iter().map(Vec::len).sum::<usize>())
            .sum::<usize>();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{files} files, {cells} cells in {secs:.3} s");
    std::process::ExitCode::SUCCESS
}
