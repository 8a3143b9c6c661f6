//! Evaluation: a corpus with ground truth → accuracy figures for gongkai and for the
//! naive [`crate::baseline`], side by side, by layout (noise source) and level.
//!
//! A corpus folder holds `*.txt` documents and `truth/documents.csv`
//! (`doc_id,template,…,layout,level,…`) plus `truth/cells.csv`
//! (`doc_id,table,row_id,column_id,value`). Besides the scores it estimates a
//! ceiling: the share of truth cells whose value survives in the text in the right
//! order (an oracle that uses the truth to align), and the share the template's
//! identities could then determine.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::baseline::baseline_document;
use crate::ceiling::{ceiling, Ceiling};
use crate::decode::decode;
use crate::dictionary::Dictionaries;
use crate::document::clean_document;
use crate::lexicon::Lexicon;
use crate::model::{Cell, CellStatus, DocResult, RowPresence};
use crate::numbers::{parse_token, Num, Token};

/// One truth cell.
#[derive(Clone, Debug)]
pub struct TruthCell {
    /// Table id.
    pub table: String,
    /// Row id.
    pub row: String,
    /// Column id.
    pub column: String,
    /// The value (None when the source leaves it unknown).
    pub value: Option<Num>,
}

/// The truth of one document.
#[derive(Clone, Debug, Default)]
pub struct TruthDoc {
    /// Template id.
    pub template: String,
    /// Noise source / layout (`tabbed`, `ocr-text` …).
    pub layout: String,
    /// Noise level.
    pub level: String,
    /// Every cell, in template order.
    pub cells: Vec<TruthCell>,
    /// (table, row) of the rows the noise removed from the text entirely, where the
    /// corpus logs its noise (`truth/noise.csv`, kind `lost_row`).
    pub lost_rows: Vec<(String, String)>,
}

/// Counts for one document or a group of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Documents.
    pub docs: usize,
    /// Documents with every known truth cell right.
    pub docs_right: usize,
    /// Truth rows.
    pub rows: usize,
    /// Truth rows found.
    pub rows_found: usize,
    /// Truth rows the noise removed from the text (no reader can find them).
    pub rows_lost: usize,
    /// Truth cells with a known value.
    pub cells: usize,
    /// Cells with the right value.
    pub right: usize,
    /// Of those, cells marked ok, repaired or inferred: right and usable without a
    /// look (a `conflict` cell may hold the right value, but says a value is wrong).
    pub trusted: usize,
    /// Cells with a wrong value marked ok, repaired or inferred.
    pub silent_wrong: usize,
    /// Of those, cells that no identity covers (a misread there cannot be detected).
    pub silent_uncovered: usize,
    /// Cells not right but marked missing or conflict, or not emitted.
    pub flagged: usize,
    /// Cells whose value survives in the text in order (oracle).
    pub survive: usize,
    /// Cells that survive or that the identities determine from those that do.
    pub determinable: usize,
    /// Cells the identities determine from the rows that survive whole.
    pub whole_rows: usize,
}

impl Tally {
    /// Cells with the right value, in percent of the truth cells.
    pub fn accuracy(&self) -> f64 {
        100.0 * self.right as f64 / self.cells.max(1) as f64
    }

    /// Wrong values marked ok, repaired or inferred, in percent of the truth cells.
    pub fn silent_rate(&self) -> f64 {
        100.0 * self.silent_wrong as f64 / self.cells.max(1) as f64
    }

    fn add(&mut self, o: &Tally) {
        self.docs += o.docs;
        self.docs_right += o.docs_right;
        self.rows += o.rows;
        self.rows_found += o.rows_found;
        self.rows_lost += o.rows_lost;
        self.cells += o.cells;
        self.right += o.right;
        self.trusted += o.trusted;
        self.silent_wrong += o.silent_wrong;
        self.silent_uncovered += o.silent_uncovered;
        self.flagged += o.flagged;
        self.survive += o.survive;
        self.determinable += o.determinable;
        self.whole_rows += o.whole_rows;
    }
}

fn column(headers: &csv::StringRecord, name: &str, file: &Path) -> Result<usize, String> {
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .ok_or_else(|| format!("{}: no column {name:?}", file.display()))
}

/// Reads `dir/truth/documents.csv` and `dir/truth/cells.csv`.
pub fn load_truth(dir: &Path, lex: &Lexicon) -> Result<BTreeMap<String, TruthDoc>, String> {
    let docs_path = dir.join("truth/documents.csv");
    let mut r =
        csv::Reader::from_path(&docs_path).map_err(|e| format!("{}: {e}", docs_path.display()))?;
    let h = r.headers().map_err(|e| e.to_string())?.clone();
    let (id, tpl, layout, level) = (
        column(&h, "doc_id", &docs_path)?,
        column(&h, "template", &docs_path)?,
        column(&h, "layout", &docs_path)?,
        column(&h, "level", &docs_path)?,
    );
    let mut out = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", docs_path.display()))?;
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        out.insert(
            get(id),
            TruthDoc {
                template: get(tpl),
                layout: get(layout),
                level: get(level),
                cells: Vec::new(),
                lost_rows: Vec::new(),
            },
        );
    }
    let cells_path = dir.join("truth/cells.csv");
    let mut r = csv::Reader::from_path(&cells_path)
        .map_err(|e| format!("{}: {e}", cells_path.display()))?;
    let h = r.headers().map_err(|e| e.to_string())?.clone();
    let cols: Vec<usize> = ["doc_id", "table", "row_id", "column_id", "value"]
        .iter()
        .map(|n| column(&h, n, &cells_path))
        .collect::<Result<_, _>>()?;
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", cells_path.display()))?;
        let get = |i: usize| rec.get(cols[i]).unwrap_or("").to_string();
        let value = match parse_token(&get(4), lex, false) {
            Token::Number(p) => Some(p.value),
            _ => None,
        };
        if let Some(doc) = out.get_mut(&get(0)) {
            doc.cells.push(TruthCell {
                table: get(1),
                row: get(2),
                column: get(3),
                value,
            });
        }
    }
    load_lost_rows(&dir.join("truth/noise.csv"), &mut out)?;
    Ok(out)
}

/// Reads the `lost_row` entries of a noise log (`doc_id,kind,where,detail`, where =
/// `table/row`), if the corpus has one.
fn load_lost_rows(path: &Path, docs: &mut BTreeMap<String, TruthDoc>) -> Result<(), String> {
    if !path.is_file() {
        return Ok(());
    }
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let h = r.headers().map_err(|e| e.to_string())?.clone();
    let (id, kind, at) = (
        column(&h, "doc_id", path)?,
        column(&h, "kind", path)?,
        column(&h, "where", path)?,
    );
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |i: usize| rec.get(i).unwrap_or("");
        if field(kind) != "lost_row" {
            continue;
        }
        if let (Some(doc), Some((t, row))) = (docs.get_mut(field(id)), field(at).split_once('/')) {
            doc.lost_rows.push((t.to_string(), row.to_string()));
        }
    }
    Ok(())
}

/// The (table, row, column) ids of every cell some identity of `template` covers.
fn covered(
    template: &crate::dictionary::Template,
) -> std::collections::HashSet<(String, String, String)> {
    let mut out = std::collections::HashSet::new();
    for table in &template.tables {
        for (r, row) in table.covered().iter().enumerate() {
            let block = &table.blocks[table.rows[r].block];
            for (c, _) in row.iter().enumerate().filter(|(_, &on)| on) {
                out.insert((
                    table.id.clone(),
                    table.rows[r].id.clone(),
                    block.columns[c].id.clone(),
                ));
            }
        }
    }
    out
}

/// A result's cells by (table, row, column) id, with their row's presence.
type CellMap<'a> = HashMap<(&'a str, &'a str, &'a str), (&'a Cell, RowPresence)>;

fn result_cells<'a>(result: &'a DocResult, dict: &'a Dictionaries) -> CellMap<'a> {
    let mut cells = HashMap::new();
    if let Some(t) = result.template {
        let template = &dict.templates[t];
        for tr in &result.tables {
            let table = &template.tables[tr.table];
            for (r, row) in table.rows.iter().enumerate() {
                for (c, col) in table.blocks[row.block].columns.iter().enumerate() {
                    cells.insert(
                        (table.id.as_str(), row.id.as_str(), col.id.as_str()),
                        (&tr.cells[r][c], tr.rows[r]),
                    );
                }
            }
        }
    }
    cells
}

/// Every truth cell of one document as CSV lines: the truth, gongkai's value and
/// status, whether each ceiling holds it, and the baseline's value (see
/// [`render_cells_header`]).
fn cell_lines(
    id: &str,
    truth: &TruthDoc,
    (result, baseline): (&DocResult, &DocResult),
    ceiling: &Ceiling,
    dict: &Dictionaries,
) -> String {
    let cells = result_cells(result, dict);
    let base = result_cells(baseline, dict);
    let flag = |v: &[bool], i: usize| u8::from(v.get(i).copied().unwrap_or(false));
    let mut out = String::new();
    for (i, tc) in truth.cells.iter().enumerate() {
        let key = (tc.table.as_str(), tc.row.as_str(), tc.column.as_str());
        let (value, status) = match cells.get(&key) {
            Some((cell, _)) => (
                cell.value.map_or(String::new(), |v| v.to_string()),
                cell.status.as_str(),
            ),
            None => (String::new(), "absent"),
        };
        let base = base
            .get(&key)
            .and_then(|(cell, _)| cell.value)
            .map_or(String::new(), |v| v.to_string());
        out.push_str(&format!(
            "{id},{},{},{},{},{},{},{value},{status},{},{},{},{base}\n",
            truth.layout,
            truth.level,
            tc.table,
            tc.row,
            tc.column,
            tc.value.map_or(String::new(), |v| v.to_string()),
            flag(&ceiling.survives, i),
            flag(&ceiling.determinable, i),
            flag(&ceiling.whole_rows, i),
        ));
    }
    out
}

/// The header of `eval --cells`.
pub fn render_cells_header() -> &'static str {
    "doc_id,layout,level,table,row_id,column_id,truth,value,status,survives,determinable,whole_rows,baseline\n"
}

/// A status that presents the value as right.
fn trusted(status: CellStatus) -> bool {
    matches!(
        status,
        CellStatus::Ok | CellStatus::Repaired | CellStatus::Inferred
    )
}

/// Scores one result against its truth (without the ceiling).
pub fn score(result: &DocResult, truth: &TruthDoc, dict: &Dictionaries) -> Tally {
    let covered = dict
        .templates
        .iter()
        .find(|t| t.id == truth.template)
        .map(covered)
        .unwrap_or_default();
    let cells = result_cells(result, dict);
    let mut t = Tally {
        docs: 1,
        ..Tally::default()
    };
    let mut rows: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for tc in &truth.cells {
        let got = cells.get(&(tc.table.as_str(), tc.row.as_str(), tc.column.as_str()));
        let found = got.is_some_and(|(_, p)| *p == RowPresence::Found);
        *rows.entry((&tc.table, &tc.row)).or_default() |= found;
        let Some(want) = tc.value else { continue };
        t.cells += 1;
        match got {
            Some((cell, _)) if cell.value == Some(want) => {
                t.right += 1;
                if trusted(cell.status) {
                    t.trusted += 1;
                }
            }
            Some((cell, _)) if cell.value.is_some() && trusted(cell.status) => {
                t.silent_wrong += 1;
                let key = (tc.table.clone(), tc.row.clone(), tc.column.clone());
                if !covered.contains(&key) {
                    t.silent_uncovered += 1;
                }
            }
            _ => t.flagged += 1,
        }
    }
    t.rows = rows.len();
    t.rows_found = rows.values().filter(|&&f| f).count();
    t.rows_lost = rows
        .keys()
        .filter(|(table, row)| truth.lost_rows.iter().any(|(t, r)| t == table && r == row))
        .count();
    t.docs_right = usize::from(t.right == t.cells);
    t
}

/// Scores for gongkai and the baseline, per (layout, level).
#[derive(Debug, Default)]
pub struct EvalReport {
    /// (layout, level) → (gongkai, baseline).
    pub groups: BTreeMap<(String, String), (Tally, Tally)>,
    /// Documents that were in the truth but not found as files.
    pub missing_files: Vec<String>,
    /// Every document's own figures: (doc_id, layout, level, gongkai, baseline), in
    /// doc_id order within each corpus folder.
    pub documents: Vec<(String, String, String, Tally, Tally)>,
    /// With [`evaluate_cells`]: every truth cell as a CSV line (see
    /// [`render_cells_header`]), in document order.
    pub cells: String,
}

impl EvalReport {
    /// (gongkai, baseline) over every document.
    pub fn totals(&self) -> (Tally, Tally) {
        let mut total = (Tally::default(), Tally::default());
        for (ours, base) in self.groups.values() {
            total.0.add(ours);
            total.1.add(base);
        }
        total
    }
}

/// Evaluates every corpus folder in `dirs`.
pub fn evaluate(dirs: &[PathBuf], dict: &Dictionaries) -> Result<EvalReport, String> {
    evaluate_cells(dirs, dict, false)
}

/// As [`evaluate`]; with `keep_cells`, the report also lists every truth cell.
pub fn evaluate_cells(
    dirs: &[PathBuf],
    dict: &Dictionaries,
    keep_cells: bool,
) -> Result<EvalReport, String> {
    let mut jobs = Vec::new();
    let mut report = EvalReport::default();
    for dir in dirs {
        for (id, truth) in load_truth(dir, &dict.lexicon)? {
            let path = dir.join(format!("{id}.txt"));
            if path.is_file() {
                jobs.push((id, path, truth));
            } else {
                report.missing_files.push(path.display().to_string());
            }
        }
    }
    let results: Vec<(String, String, String, Tally, Tally, String)> = jobs
        .par_iter()
        .map(|(id, path, truth)| {
            let bytes = std::fs::read(path).unwrap_or_default();
            let result = clean_document(&bytes, id, id, dict);
            let mut ours = score(&result, truth, dict);
            let baseline = baseline_document(&bytes, id, dict);
            let base = score(&baseline, truth, dict);
            let c = match decode(&bytes) {
                Ok(d) => ceiling(&d.text, truth, dict),
                Err(_) => Ceiling::default(),
            };
            (ours.survive, ours.determinable, ours.whole_rows) = c.counts();
            let lines = if keep_cells {
                cell_lines(id, truth, (&result, &baseline), &c, dict)
            } else {
                String::new()
            };
            let (layout, level) = (truth.layout.clone(), truth.level.clone());
            (id.clone(), layout, level, ours, base, lines)
        })
        .collect();
    for (id, layout, level, ours, base, lines) in results {
        report.cells.push_str(&lines);
        report.documents.push((id, layout, level, ours, base));
    }
    for (_, layout, level, ours, base) in &report.documents {
        let g = report
            .groups
            .entry((layout.clone(), level.clone()))
            .or_default();
        g.0.add(ours);
        g.1.add(base);
    }
    Ok(report)
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.2}%", 100.0 * a as f64 / b as f64)
    }
}

/// The report as a Markdown table.
pub fn render_markdown(report: &EvalReport) -> String {
    let mut out = String::from(
        "| layout | level | docs | system | row recall | row recall, rows left in the text | cell accuracy | right and unflagged | silent errors | of which no identity covers | flagged share of not-right | docs entirely right | ceiling: in text | ceiling: + identities | accuracy / ceiling | ceiling: whole rows + identities | accuracy / whole-row ceiling |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for ((layout, level), (ours, base)) in &report.groups {
        row(&mut out, layout, level, ours, base);
    }
    let total = report.totals();
    row(&mut out, "**all**", "", &total.0, &total.1);
    out
}

/// Every document's figures as CSV, to find where the losses are: cells, right,
/// silent errors and flagged for gongkai and the baseline, and the two ceilings.
pub fn render_documents_csv(report: &EvalReport) -> String {
    let mut out = String::from(
        "doc_id,layout,level,cells,right,silent,flagged,rows,rows_found,survive,determinable,whole_rows,baseline_right,baseline_silent,trusted\n",
    );
    for (id, layout, level, ours, base) in &report.documents {
        out.push_str(&format!(
            "{id},{layout},{level},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            ours.cells,
            ours.right,
            ours.silent_wrong,
            ours.flagged,
            ours.rows,
            ours.rows_found,
            ours.survive,
            ours.determinable,
            ours.whole_rows,
            base.right,
            base.silent_wrong,
            ours.trusted
        ));
    }
    out
}

fn row(out: &mut String, layout: &str, level: &str, ours: &Tally, base: &Tally) {
    for (name, t) in [("gongkai", ours), ("baseline", base)] {
        let ceiling = if name == "gongkai" {
            (
                pct(ours.survive, ours.cells),
                pct(ours.determinable, ours.cells),
                pct(t.right, ours.determinable.max(1)),
                pct(ours.whole_rows, ours.cells),
            )
        } else {
            (
                String::new(),
                String::new(),
                pct(t.right, ours.determinable.max(1)),
                String::new(),
            )
        };
        out.push_str(&format!(
            "| {layout} | {level} | {} | {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            t.docs,
            pct(t.rows_found, t.rows),
            pct(t.rows_found, t.rows - t.rows_lost),
            pct(t.right, t.cells),
            pct(t.trusted, t.cells),
            pct(t.silent_wrong, t.cells),
            pct(t.silent_uncovered, t.cells),
            pct(t.flagged, t.cells - t.right),
            pct(t.docs_right, t.docs),
            ceiling.0,
            ceiling.1,
            ceiling.2,
            ceiling.3,
            pct(t.right, ours.whole_rows.max(1))
        ));
    }
}
