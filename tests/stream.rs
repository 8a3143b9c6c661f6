//! `gongkai clean --stream`: JSON lines in, one JSON line per document out, with the
//! rows that the CSV mode writes for the same texts; a malformed line gets a line with
//! its reason and the stream goes on; output bytes do not depend on the thread count;
//! options that only shape CSV files are refused.

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::{gongkai, gongkai_stdin, read_csv, root};
use serde_json::{json, Value};

type Row = BTreeMap<String, String>;

/// The bundled samples and the real corpus: (doc_id as a folder run names it, text).
fn texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["samples", "tests/data/real"] {
        let mut paths: Vec<_> = fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "html"))
            .collect();
        paths.sort();
        for p in paths {
            let id = format!("{dir}/{}", p.file_stem().unwrap().to_string_lossy());
            out.push((id, fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

fn stream(input: &str, extra: &[&str]) -> (Vec<Value>, Vec<u8>) {
    let mut args = vec!["clean", "--stream", "-q"];
    args.extend(extra);
    let run = gongkai_stdin(&args, input);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let lines = String::from_utf8(run.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (lines, run.stdout)
}

fn rows(v: &Value) -> Vec<Row> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()
        })
        .collect()
}

fn jsonl(texts: &[(String, String)]) -> String {
    texts
        .iter()
        .map(|(id, text)| json!({"doc_id": id, "text": text}).to_string() + "\n")
        .collect()
}

#[test]
fn a_stream_gives_the_rows_that_the_csv_mode_gives_for_the_same_texts() {
    let texts = texts();
    assert!(texts.len() >= 15);
    // The CSV run reads the same texts as files, under the same ids.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    for (id, text) in &texts {
        let ext = if text.contains("<table") {
            "html"
        } else {
            "txt"
        };
        let path = input.join(format!("{id}.{ext}"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let out = tmp.path().join("out");
    let run = gongkai(&[
        "clean",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(run.status.success());
    let (lines, _) = stream(&jsonl(&texts), &[]);
    assert_eq!(lines.len(), texts.len());
    let mut docs = Vec::new();
    let (mut cells, mut corrections, mut review) = (Vec::new(), Vec::new(), Vec::new());
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["line"], i + 1);
        assert_eq!(l["doc_id"], texts[i].0);
        let mut doc: Row = rows(&json!([l["document"]])).remove(0);
        assert_eq!(doc["source"], format!("stdin:{}", i + 1));
        doc.remove("source");
        docs.push(doc);
        cells.extend(rows(&l["cells"]));
        corrections.extend(rows(&l["corrections"]));
        review.extend(rows(&l["review"]));
    }
    let without_source = |mut r: Row| {
        r.remove("source");
        r
    };
    let csv_docs: Vec<Row> = read_csv(&out.join("documents.csv"))
        .into_iter()
        .map(without_source)
        .collect();
    assert_eq!(docs, csv_docs);
    assert!(cells.len() > 2000, "{}", cells.len());
    assert_eq!(cells, read_csv(&out.join("cells.csv")));
    assert!(!corrections.is_empty());
    assert_eq!(corrections, read_csv(&out.join("corrections.csv")));
    // The stream runs no cross-year checks; every other review row is the same.
    let csv_review: Vec<Row> = read_csv(&out.join("review.csv"))
        .into_iter()
        .filter(|r| r["problem"] != "cross_year")
        .collect();
    assert!(!review.is_empty());
    assert_eq!(review, csv_review);
}

#[test]
fn a_malformed_line_gets_a_line_with_its_reason_and_the_stream_goes_on() {
    let texts = texts();
    let good = |i: usize| json!({"doc_id": texts[i].0, "text": texts[i].1}).to_string();
    let input = [
        good(0),
        "{\"doc_id\": \"cut\", \"text\": \"un".to_string(),
        "not json at all".to_string(),
        String::new(),
        json!({"doc_id": "no-text"}).to_string(),
        json!({"doc_id": "big", "text": "x".repeat(200_000)}).to_string(),
        json!({"doc_id": 7, "text": "numbers are not ids"}).to_string(),
        good(1),
    ]
    .join("\n");
    let (lines, _) = stream(&input, &["--max-bytes", "150000"]);
    // The blank line gives nothing; every other line gives one, in order.
    let got: Vec<(u64, Value, String)> = lines
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["doc_id"].clone(),
                l["document"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let failed = |line: u64, id: Value| (line, id, "failed".to_string());
    assert_eq!(got.len(), 7, "{got:?}");
    assert_eq!(got[0].1, json!(texts[0].0));
    assert_ne!(got[0].2, "failed");
    assert_eq!(got[1], failed(2, Value::Null));
    assert_eq!(got[2], failed(3, Value::Null));
    assert_eq!(got[3], failed(5, json!("no-text")));
    assert_eq!(got[4], failed(6, json!("big")));
    assert_eq!(got[5], failed(7, Value::Null));
    assert_eq!((got[6].0, &got[6].1), (8, &json!(texts[1].0)));
    assert_ne!(got[6].2, "failed");
    let error = |i: usize| lines[i]["document"]["error"].as_str().unwrap().to_string();
    assert!(error(1).contains("line 2 is not"), "{}", error(1));
    assert!(error(3).contains("missing field `text`"), "{}", error(3));
    assert!(
        error(4).contains("--max-bytes limit of 150000"),
        "{}",
        error(4)
    );
    assert!(lines[1..6].iter().all(|l| l["cells"] == json!([])));
}

#[test]
fn stream_output_bytes_are_the_same_at_one_and_two_threads() {
    let input = jsonl(&texts());
    let (lines, one) = stream(&input, &["--jobs", "1"]);
    let (_, two) = stream(&input, &["--jobs", "2"]);
    assert!(lines.len() >= 15);
    assert!(one == two, "the stream differs between 1 and 2 threads");
}

#[test]
fn options_that_only_shape_csv_files_are_refused_with_stream() {
    // Refused before any input is read.
    for extra in [&["--bom"][..], &["--glob", "*.md"]] {
        let mut args = vec!["clean", "--stream"];
        args.extend(extra);
        let run = gongkai(&args);
        assert_eq!(run.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("cannot be used with"), "{err}");
        assert!(run.stdout.is_empty());
    }
}
