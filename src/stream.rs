//! Stream mode (`gongkai clean --stream`): JSON lines of documents on stdin → one JSON
//! line per document on stdout, so that Spark (`RDD.pipe`), Hadoop Streaming or a job
//! array can run gongkai as a map stage.
//!
//! Takes lines `{"doc_id": …, "text": …}` (an optional `"source"` is kept as the
//! document's source; other keys are ignored; blank lines are skipped). Gives, in input
//! order, one line per input line:
//!
//! ```text
//! {"line":N,"doc_id":…,"document":{…},"cells":[{…}],"corrections":[{…}],"review":[{…}]}
//! ```
//!
//! where `document`, each cell, correction and review item is the row that
//! documents.csv, cells.csv, corrections.csv and review.csv would hold, as an object
//! keyed by the CSV column names with the same text in each field. A line that cannot
//! be read (not JSON, no `text`, over `--max-bytes`) gives a `failed` document with the
//! reason; its `doc_id` is null when it cannot be recovered, and `line` says which
//! input line it was. A line is read when a worker is free to clean it and written
//! in input order as soon as the lines before it are (`crate::ordered`), so memory
//! stays bounded by the lines being cleaned and the results waiting. The cross-year
//! checks are not run: they need every report of an agency, which one map task does
//! not see.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::batch::{guarded, CHUNK};
use crate::dictionary::Dictionaries;
use crate::document::clean_document;
use crate::error::RunError;
use crate::model::{DocResult, DocStatus, RowPresence};
use crate::ordered::run_ordered;
use crate::output::neutralize;

/// One input line as sent.
#[derive(Deserialize)]
struct InLine {
    doc_id: String,
    text: String,
    #[serde(default)]
    source: Option<String>,
}

/// One output line.
#[derive(Serialize)]
struct OutLine<'a> {
    line: u64,
    doc_id: Option<&'a str>,
    document: DocumentRow,
    cells: Vec<CellRow>,
    corrections: Vec<CorrectionRow>,
    review: Vec<ReviewRow>,
}

/// A documents.csv row.
#[derive(Serialize)]
struct DocumentRow {
    doc_id: String,
    source: String,
    encoding: String,
    form: String,
    template: String,
    agency: String,
    year: String,
    status: String,
    label_repairs: String,
    value_repairs: String,
    flags: String,
    balance: String,
    identities_held: String,
    identities_failed: String,
    identities_undetermined: String,
    error: String,
}

/// A cells.csv row.
#[derive(Serialize)]
struct CellRow {
    doc_id: String,
    table: String,
    row_id: String,
    row_label: String,
    column_id: String,
    column_label: String,
    value: String,
    status: String,
    source_line: String,
    raw: String,
}

/// A corrections.csv row.
#[derive(Serialize)]
struct CorrectionRow {
    doc_id: String,
    source_line: String,
    kind: String,
    before: String,
    after: String,
    score: String,
    method: String,
}

/// A review.csv row.
#[derive(Serialize)]
struct ReviewRow {
    doc_id: String,
    table: String,
    row_label: String,
    column_label: String,
    problem: String,
    detail: String,
}

/// What a stream run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Output lines written.
    pub documents: usize,
    /// Lines that could not be read, or documents that failed.
    pub failed: usize,
}

/// The line `doc` makes: the same fields, with the same text, as the CSV rows that
/// `crate::output` writes for it (the stream round-trip test holds the two together).
fn shape<'a>(
    line: u64,
    doc_id: Option<&'a str>,
    doc: &DocResult,
    dict: &Dictionaries,
) -> OutLine<'a> {
    let id = neutralize(&doc.doc_id);
    let template = doc.template.map(|t| &dict.templates[t]);
    let label_repairs = doc.label_repairs();
    let document = DocumentRow {
        doc_id: id.clone(),
        source: neutralize(&doc.source),
        encoding: doc.encoding.clone(),
        form: doc.form.into(),
        template: template.map_or(String::new(), |t| t.id.clone()),
        agency: neutralize(&doc.agency),
        year: doc.year.map_or(String::new(), |y| y.to_string()),
        status: doc.status.as_str().into(),
        label_repairs: label_repairs.to_string(),
        value_repairs: doc.count_corrections("value").to_string(),
        flags: doc.review.len().to_string(),
        balance: doc.balance.verdict().into(),
        identities_held: doc.balance.held.to_string(),
        identities_failed: doc.balance.failed.to_string(),
        identities_undetermined: doc.balance.undetermined.to_string(),
        error: neutralize(&doc.error),
    };
    let mut cells = Vec::new();
    for tr in template.map_or(&[][..], |_| &doc.tables[..]) {
        let Some(table) = template.map(|t| &t.tables[tr.table]) else {
            break;
        };
        for (r, row) in table.rows.iter().enumerate() {
            if tr.rows[r] == RowPresence::Omitted {
                continue;
            }
            for (c, col) in table.blocks[row.block].columns.iter().enumerate() {
                let cell = &tr.cells[r][c];
                cells.push(CellRow {
                    doc_id: id.clone(),
                    table: table.id.clone(),
                    row_id: row.id.clone(),
                    row_label: row.path.clone(),
                    column_id: col.id.clone(),
                    column_label: col.path.clone(),
                    value: cell.value.map_or(String::new(), |v| v.to_string()),
                    status: cell.status.as_str().into(),
                    source_line: cell.line.map_or(String::new(), |l| l.to_string()),
                    raw: neutralize(&cell.raw),
                });
            }
        }
    }
    let corrections = doc
        .corrections
        .iter()
        .map(|c| CorrectionRow {
            doc_id: id.clone(),
            source_line: c.line.to_string(),
            kind: c.kind.into(),
            before: neutralize(&c.before),
            after: neutralize(&c.after),
            score: format!("{:.3}", c.score),
            method: c.method.into(),
        })
        .collect();
    let review = doc
        .review
        .iter()
        .map(|r| ReviewRow {
            doc_id: id.clone(),
            table: r.table.clone(),
            row_label: r.row_label.clone(),
            column_label: r.column_label.clone(),
            problem: r.problem.into(),
            detail: neutralize(&r.detail),
        })
        .collect();
    OutLine {
        line,
        doc_id,
        document,
        cells,
        corrections,
        review,
    }
}

/// One input line read: its number and bytes, or the reason it was not kept.
struct Read {
    line: u64,
    bytes: Result<Vec<u8>, String>,
}

/// Reads one line of at most `limit` bytes. A longer line is read to its end but not
/// kept. None at the end of the input.
fn read_line(
    input: &mut impl BufRead,
    limit: usize,
) -> std::io::Result<Option<Result<Vec<u8>, u64>>> {
    let mut buf = Vec::new();
    let mut over: u64 = 0;
    let mut any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], i + 1),
            None => (available, available.len()),
        };
        if over == 0 && buf.len() + part.len() <= limit {
            buf.extend_from_slice(part);
        } else {
            over += (buf.len() + part.len()) as u64;
            buf = Vec::new();
        }
        let newline = done > part.len();
        input.consume(done);
        if newline {
            break;
        }
    }
    Ok(match (any, over) {
        (false, _) => None,
        (true, 0) => Some(Ok(buf)),
        (true, n) => Some(Err(n)),
    })
}

/// Reads the next non-blank line; None at the end of the input.
fn read_next(
    input: &mut impl BufRead,
    next_line: &mut u64,
    line_limit: usize,
) -> Result<Option<Read>, RunError> {
    loop {
        let got = read_line(input, line_limit).map_err(|source| RunError::Input {
            what: "standard input".into(),
            source,
        })?;
        let Some(got) = got else { return Ok(None) };
        *next_line += 1;
        let line = *next_line;
        match got {
            Ok(b) if b.iter().all(u8::is_ascii_whitespace) => {}
            Ok(b) => return Ok(Some(Read { line, bytes: Ok(b) })),
            Err(n) => {
                return Ok(Some(Read {
                    line,
                    bytes: Err(format!(
                        "skipped: the line has over {n} bytes, more than a document of --max-bytes can take; raise the limit to read it"
                    )),
                }))
            }
        }
    }
}

/// An output line, and whether its document failed.
type Cleaned = (String, bool);

/// Cleans one input line into its output line.
fn clean_line(read: &Read, dict: &Dictionaries, max_bytes: u64) -> Cleaned {
    let failed = |doc_id: Option<&str>, why: String| {
        let doc = DocResult::failed(doc_id.unwrap_or(""), "", DocStatus::Failed, why);
        (render(&shape(read.line, doc_id, &doc, dict)), true)
    };
    let bytes = match &read.bytes {
        Ok(b) => b,
        Err(why) => return failed(None, why.clone()),
    };
    let doc: InLine = match serde_json::from_slice(bytes) {
        Ok(d) => d,
        Err(e) => {
            // The id, if the line is JSON with one, names the failure.
            let value: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
            let id = value
                .as_ref()
                .and_then(|v| v.get("doc_id"))
                .and_then(|v| v.as_str());
            return failed(
                id,
                format!(
                    "line {} is not {{\"doc_id\": string, \"text\": string}}: {e}",
                    read.line
                ),
            );
        }
    };
    if doc.text.len() as u64 > max_bytes {
        return failed(
            Some(&doc.doc_id),
            format!(
                "skipped: {} bytes is over the --max-bytes limit of {max_bytes}; raise the limit to read it",
                doc.text.len()
            ),
        );
    }
    let source = doc
        .source
        .clone()
        .unwrap_or_else(|| format!("stdin:{}", read.line));
    let result = guarded(&doc.doc_id, &source, || {
        clean_document(doc.text.as_bytes(), &doc.doc_id, &source, dict)
    });
    let failed = result.status == DocStatus::Failed;
    (
        render(&shape(read.line, Some(&doc.doc_id), &result, dict)),
        failed,
    )
}

fn render(line: &OutLine) -> String {
    // Strings and vectors of them always serialise; the fallback only keeps the line.
    serde_json::to_string(line).unwrap_or_else(|e| {
        serde_json::json!({"line": line.line, "error": e.to_string()}).to_string()
    })
}

/// Reads JSON lines from `input`, cleans them on a pool of `jobs` threads (None = one
/// per core) and writes one JSON line per document to `output`, in input order, each
/// flushed every [`CHUNK`] documents and at the end. `max_bytes` limits a document's
/// text.
pub fn run_stream(
    mut input: impl BufRead + Send,
    mut output: impl Write + Send,
    dict: &Dictionaries,
    jobs: Option<usize>,
    max_bytes: u64,
) -> Result<StreamSummary, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| RunError::Input {
        what: "a thread pool".into(),
        source: std::io::Error::other(e),
    })?;
    // JSON escapes a character in at most 6 bytes (\uXXXX, or 12 for a surrogate pair
    // standing for 4 UTF-8 bytes), so a text within the limit fits in this.
    let line_limit = usize::try_from(max_bytes.saturating_mul(6).saturating_add(64 * 1024))
        .unwrap_or(usize::MAX);
    let mut summary = StreamSummary::default();
    let mut line = 0;
    let mut spent = false;
    // A line is read when a worker is free for it, so only the lines being cleaned
    // are held; a read error ends the input and, in its turn, the run.
    let next = || {
        if spent {
            return None;
        }
        let got = read_next(&mut input, &mut line, line_limit).transpose();
        spent = !matches!(got, Some(Ok(_)));
        got
    };
    let clean = |read: Result<Read, RunError>| read.map(|r| clean_line(&r, dict, max_bytes));
    let write_err = |source| RunError::Stream { source };
    let write = |cleaned: Result<Cleaned, RunError>| -> Result<(), RunError> {
        let (l, failed) = cleaned?;
        output.write_all(l.as_bytes()).map_err(write_err)?;
        output.write_all(b"\n").map_err(write_err)?;
        summary.documents += 1;
        summary.failed += usize::from(failed);
        if summary.documents % CHUNK == 0 {
            output.flush().map_err(write_err)?;
        }
        Ok(())
    };
    run_ordered(&pool, CHUNK, next, clean, write, || false)?;
    output.flush().map_err(write_err)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_read_to_their_end_but_not_kept() {
        let mut input = &b"abc\n0123456789\nxy"[..];
        assert_eq!(read_line(&mut input, 5).unwrap(), Some(Ok(b"abc".to_vec())));
        assert_eq!(read_line(&mut input, 5).unwrap(), Some(Err(10)));
        assert_eq!(read_line(&mut input, 5).unwrap(), Some(Ok(b"xy".to_vec())));
        assert_eq!(read_line(&mut input, 5).unwrap(), None);
    }
}
