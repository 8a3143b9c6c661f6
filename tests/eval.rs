//! `gongkai eval` on a small corpus built from the golden samples.

mod common;

use std::fs;

use common::{gongkai, read_truth, root};

#[test]
fn eval_scores_gongkai_above_the_naive_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path();
    fs::create_dir_all(corpus.join("truth")).unwrap();
    let mut docs = String::from("doc_id,template,agency,year,layout,level,noise\n");
    let mut cells = String::from("doc_id,table,row_id,column_id,value\n");
    for stem in [
        "huaian-2024-tabbed",
        "hongze-2023-spaced",
        "pingtan-2021-cellperline",
    ] {
        fs::copy(
            root().join(format!("samples/{stem}.txt")),
            corpus.join(format!("{stem}.txt")),
        )
        .unwrap();
        let layout = stem.rsplit('-').next().unwrap();
        docs.push_str(&format!("{stem},2021,,,{layout},1,labels\n"));
        for ((t, r, c), v) in read_truth(&root().join(format!("tests/golden/{stem}.truth.csv"))) {
            cells.push_str(&format!("{stem},{t},{r},{c},{v}\n"));
        }
    }
    fs::write(corpus.join("truth/documents.csv"), docs).unwrap();
    fs::write(corpus.join("truth/cells.csv"), cells).unwrap();
    let run = gongkai(&["eval", corpus.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = String::from_utf8(run.stdout).unwrap();
    let all: Vec<&str> = out.lines().filter(|l| l.starts_with("| **all**")).collect();
    assert_eq!(all.len(), 2, "{out}");
    let field = |line: &str, i: usize| line.split('|').map(str::trim).nth(i).unwrap().to_string();
    // Columns: 1 layout, 2 level, 3 docs, 4 system, 5 row recall, 6 row recall of the
    // rows left in the text, 7 cell accuracy, 8 silent errors.
    assert_eq!(field(all[0], 4), "gongkai");
    assert_eq!(field(all[0], 7), "100.00%", "{out}");
    assert_eq!(field(all[0], 8), "0.00%");
    assert_eq!(field(all[1], 4), "baseline");
    let base: f64 = field(all[1], 7).trim_end_matches('%').parse().unwrap();
    assert!(base < 100.0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains("| gongkai |")).count(),
        4,
        "three layouts and the total"
    );
}

#[test]
fn eval_without_truth_is_an_error_that_says_what_is_needed() {
    let tmp = tempfile::tempdir().unwrap();
    let run = gongkai(&["eval", tmp.path().to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("truth/documents.csv"));
}
