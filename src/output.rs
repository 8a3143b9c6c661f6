//! CSV records: [`DocResult`]s → the files in OUT_DIR.
//!
//! cells.csv, documents.csv, corrections.csv, review.csv, and one wide table per
//! template table (proactive.csv, requests.csv, appeals.csv). Files are written
//! under temporary names and renamed into place by [`OutputSet::finish`], so an
//! interrupted run never leaves a half-written CSV under a final name.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::dictionary::Dictionaries;
use crate::error::RunError;
use crate::model::{CellStatus, DocResult, RowPresence};

const CELLS: &[&str] = &[
    "doc_id",
    "table",
    "row_id",
    "row_label",
    "column_id",
    "column_label",
    "value",
    "status",
    "source_line",
    "raw",
];
const DOCUMENTS: &[&str] = &[
    "doc_id",
    "source",
    "encoding",
    "form",
    "template",
    "agency",
    "year",
    "status",
    "label_repairs",
    "value_repairs",
    "flags",
    "balance",
    "identities_held",
    "identities_failed",
    "identities_undetermined",
    "error",
];
const CORRECTIONS: &[&str] = &[
    "doc_id",
    "source_line",
    "kind",
    "before",
    "after",
    "score",
    "method",
];
const REVIEW: &[&str] = &[
    "doc_id",
    "table",
    "row_label",
    "column_label",
    "problem",
    "detail",
];

/// Makes OCR text safe to open in a spreadsheet: control characters go, and a cell
/// that would start a formula (= + - @) is prefixed with `'`, unless it is a plain
/// number such as `-185`.
pub fn neutralize(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    let plain_number = clean.parse::<f64>().is_ok()
        && clean
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'.');
    if clean.starts_with(['=', '+', '-', '@']) && !plain_number {
        format!("'{clean}")
    } else {
        clean
    }
}

struct Out {
    tmp: PathBuf,
    dest: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
}

/// A wide table's columns: canonical column paths across every template, in order.
struct Wide {
    table: String,
    columns: Vec<String>,
    out: Out,
}

/// The open output files of one run.
pub struct OutputSet<'d> {
    dict: &'d Dictionaries,
    cells: Out,
    documents: Out,
    corrections: Out,
    review: Out,
    wide: Vec<Wide>,
}

fn open(dir: &Path, name: &str, header: &[String], bom: bool) -> Result<Out, RunError> {
    let dest = dir.join(name);
    let tmp = dir.join(format!(".{name}.partial"));
    let err = |source| RunError::Output {
        path: tmp.clone(),
        source,
    };
    let mut file = BufWriter::new(File::create(&tmp).map_err(err)?);
    if bom {
        file.write_all("\u{feff}".as_bytes()).map_err(err)?;
    }
    let mut csv = csv::Writer::from_writer(file);
    csv.write_record(header).map_err(|e| RunError::Output {
        path: tmp.clone(),
        source: e.into(),
    })?;
    Ok(Out { tmp, dest, csv })
}

fn strings(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

impl Out {
    fn row(&mut self, record: &[String]) -> Result<(), RunError> {
        self.csv.write_record(record).map_err(|e| RunError::Output {
            path: self.tmp.clone(),
            source: e.into(),
        })
    }

    fn finish(self) -> Result<(), RunError> {
        let err = |p: &Path, source| RunError::Output {
            path: p.to_path_buf(),
            source,
        };
        let file = self
            .csv
            .into_inner()
            .map_err(|e| err(&self.tmp, e.into_error()))?;
        let file = file
            .into_inner()
            .map_err(|e| err(&self.tmp, e.into_error()))?;
        file.sync_all().map_err(|e| err(&self.tmp, e))?;
        fs::rename(&self.tmp, &self.dest).map_err(|e| err(&self.dest, e))
    }
}

impl<'d> OutputSet<'d> {
    /// Creates OUT_DIR if needed and opens every output under a temporary name.
    pub fn create(
        dir: &Path,
        bom: bool,
        dict: &'d Dictionaries,
    ) -> Result<OutputSet<'d>, RunError> {
        fs::create_dir_all(dir).map_err(|source| RunError::Output {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut layout: Vec<(String, Vec<String>)> = Vec::new();
        for t in dict.templates.iter().flat_map(|t| &t.tables) {
            let idx = match layout.iter().position(|(id, _)| id == &t.id) {
                Some(i) => i,
                None => {
                    layout.push((t.id.clone(), Vec::new()));
                    layout.len() - 1
                }
            };
            for c in t.blocks.iter().flat_map(|b| &b.columns) {
                if !layout[idx].1.contains(&c.path) {
                    layout[idx].1.push(c.path.clone());
                }
            }
        }
        let mut wide = Vec::new();
        for (table, columns) in layout {
            let mut header = strings(&["doc_id", "template", "row_id", "row_label"]);
            header.extend(columns.iter().cloned());
            header.push("flags".into());
            let out = open(dir, &format!("{table}.csv"), &header, bom)?;
            wide.push(Wide {
                table,
                columns,
                out,
            });
        }
        Ok(OutputSet {
            dict,
            cells: open(dir, "cells.csv", &strings(CELLS), bom)?,
            documents: open(dir, "documents.csv", &strings(DOCUMENTS), bom)?,
            corrections: open(dir, "corrections.csv", &strings(CORRECTIONS), bom)?,
            review: open(dir, "review.csv", &strings(REVIEW), bom)?,
            wide,
        })
    }

    /// Writes every record of one document.
    pub fn write(&mut self, doc: &DocResult) -> Result<(), RunError> {
        let id = neutralize(&doc.doc_id);
        let template = doc.template.map(|t| &self.dict.templates[t]);
        let label_repairs = doc
            .corrections
            .iter()
            .filter(|c| c.kind.ends_with("_label"))
            .count();
        self.documents.row(&[
            id.clone(),
            neutralize(&doc.source),
            doc.encoding.clone(),
            doc.form.into(),
            template.map_or(String::new(), |t| t.id.clone()),
            neutralize(&doc.agency),
            doc.year.map_or(String::new(), |y| y.to_string()),
            doc.status.as_str().into(),
            label_repairs.to_string(),
            doc.count_corrections("value").to_string(),
            doc.review.len().to_string(),
            doc.balance.verdict().into(),
            doc.balance.held.to_string(),
            doc.balance.failed.to_string(),
            doc.balance.undetermined.to_string(),
            neutralize(&doc.error),
        ])?;
        let Some(template) = template else {
            return Ok(());
        };
        for tr in &doc.tables {
            let table = &template.tables[tr.table];
            let wide = self.wide.iter_mut().find(|w| w.table == table.id);
            let mut wide_rows = Vec::new();
            for (r, row) in table.rows.iter().enumerate() {
                if tr.rows[r] == RowPresence::Omitted {
                    continue;
                }
                let columns = &table.blocks[row.block].columns;
                let mut flags = Vec::new();
                for (c, col) in columns.iter().enumerate() {
                    let cell = &tr.cells[r][c];
                    let value = cell.value.map_or(String::new(), |v| v.to_string());
                    if cell.status != CellStatus::Ok {
                        flags.push(format!("{}={}", col.id, cell.status.as_str()));
                    }
                    self.cells.row(&[
                        id.clone(),
                        table.id.clone(),
                        row.id.clone(),
                        row.path.clone(),
                        col.id.clone(),
                        col.path.clone(),
                        value,
                        cell.status.as_str().into(),
                        cell.line.map_or(String::new(), |l| l.to_string()),
                        neutralize(&cell.raw),
                    ])?;
                }
                wide_rows.push((r, flags));
            }
            if let Some(w) = wide {
                for (r, flags) in wide_rows {
                    let row = &table.rows[r];
                    let columns = &table.blocks[row.block].columns;
                    let mut rec = vec![
                        id.clone(),
                        template.id.clone(),
                        row.id.clone(),
                        row.path.clone(),
                    ];
                    for path in &w.columns {
                        let v = columns
                            .iter()
                            .position(|c| &c.path == path)
                            .and_then(|c| tr.cells[r][c].value);
                        rec.push(v.map_or(String::new(), |v| v.to_string()));
                    }
                    rec.push(flags.join(";"));
                    w.out.row(&rec)?;
                }
            }
        }
        for c in &doc.corrections {
            self.corrections.row(&[
                id.clone(),
                c.line.to_string(),
                c.kind.into(),
                neutralize(&c.before),
                c.after.clone(),
                format!("{:.3}", c.score),
                c.method.into(),
            ])?;
        }
        for r in &doc.review {
            self.review.row(&[
                id.clone(),
                r.table.clone(),
                r.row_label.clone(),
                r.column_label.clone(),
                r.problem.into(),
                neutralize(&r.detail),
            ])?;
        }
        Ok(())
    }

    /// Flushes every file and renames it into place.
    pub fn finish(self) -> Result<(), RunError> {
        for out in [self.cells, self.documents, self.corrections, self.review] {
            out.finish()?;
        }
        for w in self.wide {
            w.out.finish()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::neutralize;

    #[test]
    fn formulas_are_defused_but_numbers_and_labels_kept() {
        assert_eq!(neutralize("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralize("@cmd"), "'@cmd");
        assert_eq!(neutralize("+1+2"), "'+1+2");
        assert_eq!(neutralize("-185"), "-185");
        assert_eq!(neutralize("-2+3"), "'-2+3");
        assert_eq!(neutralize("4.保护第三方 △涉切关"), "4.保护第三方 △涉切关");
        assert_eq!(neutralize("a\u{7}b\nc"), "abc");
    }
}
