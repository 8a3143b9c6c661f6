//! `gongkai eval` on a small corpus built from the golden samples.

mod common;

use std::fs;

use common::{gongkai, read_csv, read_truth, root};

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
    // rows left in the text, 7 cell accuracy, 8 right and unflagged, 9 silent errors.
    assert_eq!(field(all[0], 4), "gongkai");
    assert_eq!(field(all[0], 7), "100.00%", "{out}");
    // The seed's printed total row of zeros is a conflict: right values, flagged.
    let unflagged: f64 = field(all[0], 8).trim_end_matches('%').parse().unwrap();
    assert!(unflagged < 100.0, "{out}");
    assert_eq!(field(all[0], 9), "0.00%");
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

/// Copies every `every`-th document of a corpus (by its order in the truth) and its
/// truth rows into `dest`.
fn slice(corpus: &std::path::Path, every: usize, dest: &std::path::Path) -> usize {
    fs::create_dir_all(dest.join("truth")).unwrap();
    let docs = fs::read_to_string(corpus.join("truth/documents.csv")).unwrap();
    let mut lines = docs.lines();
    let mut kept_docs = format!("{}\n", lines.next().unwrap());
    let mut ids = std::collections::HashSet::new();
    for (_, line) in lines.enumerate().filter(|(i, _)| i % every == 0) {
        let id = line.split(',').next().unwrap().to_string();
        fs::copy(
            corpus.join(format!("{id}.txt")),
            dest.join(format!("{id}.txt")),
        )
        .unwrap();
        kept_docs.push_str(line);
        kept_docs.push('\n');
        ids.insert(id);
    }
    fs::write(dest.join("truth/documents.csv"), kept_docs).unwrap();
    for name in ["cells.csv", "noise.csv"] {
        let Ok(text) = fs::read_to_string(corpus.join("truth").join(name)) else {
            continue;
        };
        let mut lines = text.lines();
        let mut kept = format!("{}\n", lines.next().unwrap());
        for line in lines.filter(|l| ids.contains(l.split(',').next().unwrap())) {
            kept.push_str(line);
            kept.push('\n');
        }
        fs::write(dest.join("truth").join(name), kept).unwrap();
    }
    ids.len()
}

/// CI's accuracy floor: a slice of each development corpus must keep the accuracy
/// and silent error rate committed in tests/corpus/floors.csv.
#[test]
fn accuracy_on_a_slice_of_the_corpus_stays_above_the_committed_floor() {
    let floors = read_csv(&root().join("tests/corpus/floors.csv"));
    assert!(!floors.is_empty());
    for f in floors {
        let tmp = tempfile::tempdir().unwrap();
        let every: usize = f["every"].parse().unwrap();
        let n = slice(
            &root().join("tests/corpus").join(&f["corpus"]),
            every,
            tmp.path(),
        );
        assert!(n >= 10, "{}: only {n} documents in the slice", f["corpus"]);
        let run = gongkai(&[
            "eval",
            tmp.path().to_str().unwrap(),
            "--min-accuracy",
            &f["min_accuracy"],
            "--max-silent",
            &f["max_silent"],
        ]);
        assert!(
            run.status.success(),
            "{} (every {every}th document): {}\n{}",
            f["corpus"],
            String::from_utf8_lossy(&run.stderr),
            String::from_utf8_lossy(&run.stdout)
        );
    }
}
