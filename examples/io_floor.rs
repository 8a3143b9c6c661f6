//! The I/O floor for `scripts/bench`: reads every file under a folder, in name order,
//! and counts its lines; what any cleaner of the same files must at least spend.
//!
//! `cargo run --release --example io_floor -- FOLDER`

use std::path::PathBuf;
use std::time::Instant;

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: io_floor FOLDER");
        return std::process::ExitCode::from(2);
    };
    let start = Instant::now();
    let (mut files, mut bytes, mut lines) = (0usize, 0usize, 0usize);
    // The same files, in the same order, as `gongkai clean FOLDER` reads.
    let Ok(globs) = gongkai::inputs::globs(&["*.txt".into()]) else {
        return std::process::ExitCode::from(2);
    };
    for input in gongkai::inputs::discover(&[dir], &globs) {
        let Ok(data) = std::fs::read(&input.path) else {
            continue;
        };
        files += 1;
        bytes += data.len();
        lines += data.iter().filter(|&&b| b == b'\n').count();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{files} files, {bytes} bytes, {lines} lines in {secs:.3} s");
    std::process::ExitCode::SUCCESS
}
