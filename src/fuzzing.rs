//! Invariants that hold for any input, checked by the fuzz targets (`fuzz/`) and by
//! the test that replays their regression inputs (`tests/fuzz_regressions.rs`).
//!
//! Takes a cleaned document or a raw token; panics, with what broke, when an
//! invariant fails, so that a fuzzer records the input as a crash.

use crate::dictionary::Dictionaries;
use crate::lexicon::Lexicon;
use crate::model::{DocResult, DocStatus};
use crate::numbers::{parse_token, Token};

/// Panics unless `doc` is consistent enough to be written: a document without tables
/// says why, and every table has one cell per template row and column.
pub fn check_document(doc: &DocResult, dict: &Dictionaries) {
    let no_tables = matches!(
        doc.status,
        DocStatus::Failed
            | DocStatus::NotAReport
            | DocStatus::UnknownTemplate
            | DocStatus::NoTables
    );
    if no_tables {
        assert!(doc.tables.is_empty(), "{:?} with tables", doc.status);
        assert!(!doc.error.is_empty(), "{:?} without a reason", doc.status);
    }
    if doc.tables.is_empty() {
        return;
    }
    let Some(t) = doc.template else {
        panic!("tables without a template");
    };
    let template = &dict.templates[t];
    for tr in &doc.tables {
        let table = &template.tables[tr.table];
        assert_eq!(tr.rows.len(), table.rows.len(), "rows of {}", table.id);
        assert_eq!(
            tr.cells.len(),
            table.rows.len(),
            "cell rows of {}",
            table.id
        );
        for (r, row) in table.rows.iter().enumerate() {
            let columns = table.blocks[row.block].columns.len();
            assert_eq!(tr.cells[r].len(), columns, "cells of {}", row.id);
        }
    }
}

/// Parses `data` (first byte: whether a number is expected; the rest: the token as
/// UTF-8) and panics unless a number it reads reads back as the same value.
pub fn check_token(data: &[u8], lex: &Lexicon) {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let Ok(token) = std::str::from_utf8(rest) else {
        return;
    };
    if let Token::Number(p) = parse_token(token, lex, flag & 1 == 1) {
        let printed = p.value.to_string();
        match parse_token(&printed, lex, true) {
            Token::Number(q) => assert_eq!(q.value, p.value, "{token:?} printed as {printed}"),
            other => panic!("{token:?} read as {printed}, which reads back as {other:?}"),
        }
    }
}
