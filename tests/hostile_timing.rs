//! Per-document time on pathological inputs at half and full size, to show it grows
//! about linearly. Slow in debug, so ignored; run it with
//! `cargo test --release --test hostile_timing -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use common::{dict, root};
use gongkai::clean_document;

fn seed() -> String {
    std::fs::read_to_string(root().join("samples/yanchi-2019-seed.txt")).unwrap()
}

/// The pathological inputs at scale `n` of 2: at `n` = 2 each is the size issue 6
/// names, except that a file of many lines stays under the line limit
/// (`document::MAX_LINES`); the million-line files are refused, at once.
fn cases(n: usize) -> Vec<(&'static str, String)> {
    let seed = seed();
    let row = "(三)不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n";
    let mut out = Vec::new();
    // 10 MB on one line: the report with its line breaks lost, repeated.
    let flat = seed.replace('\n', " ");
    out.push((
        "10 MB single line",
        flat.repeat(5 * n * 1_000_000 / flat.len() + 1),
    ));
    // The same with a title keyword but no year on the line (the title search path).
    let no_year = seed.replace("2019 年度", "").replace('\n', " ");
    out.push((
        "10 MB single line, title without year",
        no_year.repeat(5 * n * 1_000_000 / no_year.len() + 1),
    ));
    let lines: Vec<&str> = seed.lines().collect();
    let repeat_lines = |count: usize| {
        let mut many = String::new();
        for i in 0..count {
            many.push_str(lines[i % lines.len()]);
            many.push('\n');
        }
        many
    };
    out.push(("180,000 lines (the report's)", repeat_lines(n * 90_000)));
    out.push(("180,000 lines of one number", "0\n".repeat(n * 90_000)));
    out.push(("1,000,000 lines (the report's)", repeat_lines(n * 500_000)));
    out.push(("1,000,000 lines of one number", "0\n".repeat(n * 500_000)));
    // One label repeated 100,000 times under a real title and heading.
    let head: String = seed.lines().take(40).collect::<Vec<_>>().join("\n");
    out.push((
        "one label x100,000",
        format!("{head}\n{}", row.repeat(n * 50_000)),
    ));
    out.push((
        "one label x100,000 no values",
        format!("{head}\n{}", "1.属于国家秘密\n".repeat(n * 50_000)),
    ));
    out.push(("\\r line endings", seed.replace('\n', "\r").repeat(n * 500)));
    out
}

#[test]
#[ignore]
fn per_document_time_grows_about_linearly() {
    let d = dict();
    let (half, full) = (cases(1), cases(2));
    for ((name, a), (_, b)) in half.iter().zip(&full) {
        let t = Instant::now();
        let da = clean_document(a.as_bytes(), "a", "a", &d);
        let ta = t.elapsed();
        let t = Instant::now();
        let db = clean_document(b.as_bytes(), "b", "b", &d);
        let tb = t.elapsed();
        println!(
            "{name:40} half {:>6.1} MB {:>8.2?} ({}) | full {:>6.1} MB {:>8.2?} ({}) ratio {:.2}",
            a.len() as f64 / 1e6,
            ta,
            da.status.as_str(),
            b.len() as f64 / 1e6,
            tb,
            db.status.as_str(),
            tb.as_secs_f64() / ta.as_secs_f64()
        );
    }
}
