//! The naive baseline that [`crate::eval`] compares gongkai with: what a researcher
//! writes in an afternoon. Each line is matched on its own to the template row with
//! the best strsim similarity, and its numbers are taken in order. No template order,
//! no wrapped labels, no blank cells, no OCR repairs, no identities.
//!
//! It shares the decoder and template detection with gongkai so that the comparison
//! measures the table reading alone.

use crate::decode::decode;
use crate::detect::detect_template;
use crate::dictionary::Dictionaries;
use crate::model::{Cell, CellStatus, DocResult, DocStatus, RowPresence, TableResult};
use crate::normalize::{key, normalize_line};
use crate::numbers::{parse_token, Token};
use crate::sections::find_title;

/// The baseline's similarity threshold for taking a line as a row.
const MIN_SIM: f64 = 0.5;
/// A line of this many numbers and no text is table 四's row.
const MIN_BARE_NUMBERS: usize = 10;

/// Reads one document the naive way.
pub fn baseline_document(bytes: &[u8], doc_id: &str, dict: &Dictionaries) -> DocResult {
    let Ok(decoded) = decode(bytes) else {
        return DocResult::failed(doc_id, doc_id, DocStatus::Failed, "unreadable");
    };
    let lex = &dict.lexicon;
    let owned: Vec<String> = decoded.text.lines().map(normalize_line).collect();
    let lines: Vec<&str> = owned.iter().map(String::as_str).collect();
    let title = find_title(&lines, lex);
    let doc_key: String = lines.iter().map(|l| key(l, lex)).collect();
    let ti = detect_template(&doc_key, title.year, dict).template;
    let template = &dict.templates[ti];
    let mut tables: Vec<TableResult> = template
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| TableResult {
            table: i,
            rows: vec![RowPresence::NotFound; t.rows.len()],
            cells: t
                .rows
                .iter()
                .map(|r| vec![Cell::missing(); t.blocks[r.block].columns.len()])
                .collect(),
        })
        .collect();
    for (no, line) in lines.iter().enumerate() {
        let mut text = String::new();
        let mut numbers = Vec::new();
        for tok in line.split_whitespace() {
            match parse_token(tok, lex, false) {
                Token::Number(p) if p.repaired.is_none() => {
                    numbers.push((p.value, tok.to_string()))
                }
                _ => text.push_str(tok),
            }
        }
        if numbers.is_empty() {
            continue;
        }
        let text_key = key(&text, lex);
        let mut best: Option<(f64, usize, usize)> = None;
        for (t, table) in template.tables.iter().enumerate() {
            for (r, row) in table.rows.iter().enumerate() {
                let sim = if row.label.text.is_empty() {
                    if text_key.is_empty() && numbers.len() >= MIN_BARE_NUMBERS {
                        1.0
                    } else {
                        0.0
                    }
                } else {
                    strsim::normalized_levenshtein(&text_key, &row.label.full_keys[0])
                };
                if sim >= MIN_SIM && best.is_none_or(|b| sim > b.0) {
                    best = Some((sim, t, r));
                }
            }
        }
        let Some((_, t, r)) = best else { continue };
        if tables[t].rows[r] == RowPresence::Found {
            continue;
        }
        tables[t].rows[r] = RowPresence::Found;
        for (cell, (value, raw)) in tables[t].cells[r].iter_mut().zip(numbers) {
            *cell = Cell {
                value: Some(value),
                status: CellStatus::Ok,
                line: Some(no + 1),
                raw: raw.into(),
            };
        }
    }
    let mut doc = DocResult::failed(doc_id, doc_id, DocStatus::Ok, "");
    doc.template = Some(ti);
    doc.tables = tables
        .into_iter()
        .filter(|t| t.rows.contains(&RowPresence::Found))
        .collect();
    doc
}
