//! Per-document time on pathological inputs at two sizes, to show it grows about
//! linearly. Slow in debug, so ignored; run it with
//! `cargo test --release --test hostile_timing -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use common::{dict, root};
use gongkai::clean_document;

fn seed() -> String {
    std::fs::read_to_string(root().join("samples/yanchi-2019-seed.txt")).unwrap()
}

/// The pathological inputs, each built at scale `n` (1 = the size the issue names).
fn cases(n: usize) -> Vec<(&'static str, String)> {
    let seed = seed();
    let row = "(三)不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n";
    let mut out = Vec::new();
    // 10 MB on one line: the report with its line breaks lost, repeated.
    let flat = seed.replace('\n', " ");
    out.push((
        "10 MB single line",
        flat.repeat(10 * n * 1_000_000 / flat.len() + 1),
    ));
    // The same with a title keyword but no year on the line (the title search path).
    let no_year = seed.replace("2019 年度", "").replace('\n', " ");
    out.push((
        "10 MB single line, title without year",
        no_year.repeat(10 * n * 1_000_000 / no_year.len() + 1),
    ));
    // 1,000,000 lines: the report's lines again and again.
    let lines: Vec<&str> = seed.lines().collect();
    let mut many = String::new();
    for i in 0..n * 1_000_000 {
        many.push_str(lines[i % lines.len()]);
        many.push('\n');
    }
    out.push(("1M lines", many));
    // 1M short lines of digits (a run of one cell per line).
    out.push(("1M lines of one number", "0\n".repeat(n * 1_000_000)));
    // One label repeated 100,000 times under a real title and heading.
    let head: String = seed.lines().take(40).collect::<Vec<_>>().join("\n");
    out.push((
        "one label x100,000",
        format!("{head}\n{}", row.repeat(n * 100_000)),
    ));
    out.push((
        "one label x100,000 no values",
        format!("{head}\n{}", "1.属于国家秘密\n".repeat(n * 100_000)),
    ));
    out.push((
        "\\r line endings",
        seed.replace('\n', "\r").repeat(n * 1000),
    ));
    out
}

#[test]
#[ignore]
fn per_document_time_grows_about_linearly() {
    let d = dict();
    let (small, big) = (cases(1), cases(2));
    for ((name, a), (_, b)) in small.iter().zip(&big) {
        let t = Instant::now();
        let da = clean_document(a.as_bytes(), "a", "a", &d);
        let ta = t.elapsed();
        let t = Instant::now();
        let db = clean_document(b.as_bytes(), "b", "b", &d);
        let tb = t.elapsed();
        println!(
            "{name:40} {:>6.1} MB {:>8.2?} ({}) | x2: {:>8.2?} ({}) ratio {:.2}",
            a.len() as f64 / 1e6,
            ta,
            da.status.as_str(),
            tb,
            db.status.as_str(),
            tb.as_secs_f64() / ta.as_secs_f64()
        );
    }
}
