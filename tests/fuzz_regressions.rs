//! Replays every input kept in tests/fuzz-regressions/<target>/ (crashes the fuzzers
//! found, once fixed, and a few seeds) through the same checks the fuzz targets run.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{dict, root};
use gongkai::clean_document;
use gongkai::fuzzing::{check_document, check_token};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("tests/fuzz-regressions").join(target);
    let mut out: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs in {}", dir.display());
    out
}

#[test]
fn document_cleaner_regressions_replay_clean() {
    let d = dict();
    for (path, bytes) in inputs("clean_document") {
        let doc = clean_document(&bytes, "fuzz", &path.display().to_string(), &d);
        check_document(&doc, &d);
    }
}

#[test]
fn number_parser_regressions_replay_clean() {
    let d = dict();
    for (_, bytes) in inputs("parse_token") {
        check_token(&bytes, &d.lexicon);
    }
}
