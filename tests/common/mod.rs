//! Test harness: run the binary on a temp folder, read CSVs, render synthetic reports.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gongkai::dictionary::{Table, Template};
use gongkai::model::{Cell, CellStatus, RowPresence, TableResult};
use gongkai::numbers::Num;
use gongkai::Dictionaries;

/// Runs `gongkai` with `args`; returns the process output.
pub fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .expect("run gongkai")
}

/// Runs `gongkai clean` with stdin text.
pub fn gongkai_stdin(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn gongkai");
    // Written from a thread of its own, as a map stage's driver does: gongkai writes
    // each result as soon as it is ready, so a caller that read nothing until it had
    // written everything would fill the output pipe and wait on it for ever.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_string();
    let writer = std::thread::spawn(move || input.write_all(stdin.as_bytes()));
    let out = child.wait_with_output().unwrap();
    // A run that refuses its options stops without reading: the broken pipe is then
    // expected, and the exit status tells the test what happened.
    let _ = writer.join();
    out
}

/// A CSV file as header → value maps, in order.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The project's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A truth file: (table,row_id,column_id) → value.
pub fn read_truth(path: &Path) -> Vec<((String, String, String), String)> {
    read_csv(path)
        .into_iter()
        .map(|r| {
            (
                (
                    r["table"].clone(),
                    r["row_id"].clone(),
                    r["column_id"].clone(),
                ),
                r["value"].clone(),
            )
        })
        .collect()
}

/// Values of one synthetic report: table id → row id → one value per column.
pub type Values = BTreeMap<String, BTreeMap<String, Vec<i64>>>;

/// How a synthetic table is laid out.
#[derive(Clone, Copy, Debug)]
pub enum Layout {
    /// Cells separated by tabs.
    Tabbed,
    /// Cells separated by runs of spaces.
    Spaced,
    /// The label on one line, then each number on its own line.
    CellPerLine,
}

fn sep(layout: Layout) -> &'static str {
    match layout {
        Layout::Tabbed => "\t",
        Layout::Spaced => "   ",
        Layout::CellPerLine => "\n",
    }
}

fn row_line(label: &str, values: &[i64], layout: Layout) -> String {
    let nums: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let s = sep(layout);
    if label.is_empty() {
        nums.join(s)
    } else {
        format!("{label}{s}{}", nums.join(s))
    }
}

fn group_chain(table: &Table, group: Option<usize>) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut g = group;
    while let Some(i) = g {
        chain.push(i);
        g = table.groups[i].parent;
    }
    chain.reverse();
    chain
}

fn render_table(
    table: &Table,
    values: &BTreeMap<String, Vec<i64>>,
    layout: Layout,
    out: &mut String,
) {
    let s = sep(layout);
    let mut block_seen = usize::MAX;
    let mut prev_chain: Vec<usize> = Vec::new();
    for row in &table.rows {
        let Some(v) = values.get(&row.id) else {
            continue;
        };
        let block = &table.blocks[row.block];
        let caption = table.rows[block.rows.clone()]
            .iter()
            .all(|r| r.group == row.group)
            && row.group.is_some();
        if row.block != block_seen {
            block_seen = row.block;
            if caption {
                out.push_str(&table.groups[row.group.unwrap()].label.text);
                out.push('\n');
            }
            let mut header: Vec<&str> = table
                .header_labels
                .iter()
                .map(|h| h.text.as_str())
                .collect();
            header.extend(block.columns.iter().map(|c| c.label.text.as_str()));
            out.push_str(&header.join(s));
            out.push('\n');
        }
        let chain = if caption {
            Vec::new()
        } else {
            group_chain(table, row.group)
        };
        let mut label = String::new();
        for (i, g) in chain.iter().enumerate() {
            if prev_chain.get(i) != Some(g) {
                label.push_str(&table.groups[*g].label.text);
                label.push_str(s);
            }
        }
        prev_chain = chain;
        label.push_str(&row.label.text);
        out.push_str(&row_line(label.trim_end_matches(s), v, layout));
        out.push('\n');
    }
}

/// Renders a clean report in `template`'s canonical labels.
pub fn render_report(
    template: &Template,
    agency: &str,
    year: u16,
    values: &Values,
    layout: Layout,
) -> String {
    let mut out = format!("{agency}\n{year}年政府信息公开工作年度报告\n");
    for (si, section) in template.sections.iter().enumerate() {
        out.push_str(&section.label.text);
        out.push('\n');
        let tables: Vec<&Table> = template.tables.iter().filter(|t| t.section == si).collect();
        if tables.is_empty() {
            out.push_str("本年度工作情况说明。\n");
        }
        for t in tables {
            if let Some(v) = values.get(&t.id) {
                render_table(t, v, layout, &mut out);
            }
        }
    }
    out
}

/// The embedded dictionaries.
pub fn dict() -> Dictionaries {
    Dictionaries::embedded().unwrap()
}

/// A small deterministic generator (xorshift64*), so that a proptest seed fixes a report.
pub struct Rng(pub u64);

impl Rng {
    /// The next raw value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value in 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A realistic count: mostly 0, sometimes small, now and then hundreds or thousands.
    pub fn count(&mut self) -> i64 {
        match self.below(20) {
            0..=11 => 0,
            12..=16 => self.below(10) as i64,
            17..=18 => self.below(300) as i64,
            _ => self.below(5000) as i64,
        }
    }
}

/// Random values for every (non-optional) row of `template` that satisfy its identities.
pub fn consistent_values(template: &Template, rng: &mut Rng) -> Values {
    let mut out = Values::new();
    for t in &template.tables {
        let mut rows: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        match t.id.as_str() {
            "requests" => {
                let total_col = 6;
                let results: Vec<&str> = t
                    .rows
                    .iter()
                    .filter(|r| !r.optional && r.group.is_some() && r.id != "results_total")
                    .map(|r| r.id.as_str())
                    .collect();
                let mut sums = vec![0i64; 7];
                for id in &results {
                    let mut v: Vec<i64> = (0..6).map(|_| rng.count()).collect();
                    v.push(v.iter().sum());
                    for c in 0..7 {
                        sums[c] += v[c];
                    }
                    rows.insert(id.to_string(), v);
                }
                let mut carried = vec![0i64; 7];
                let mut forward = vec![0i64; 7];
                let mut new = vec![0i64; 7];
                for c in 0..6 {
                    carried[c] = (rng.count() / 3).min(sums[c] + 5);
                    forward[c] = rng.count() / 3;
                    new[c] = sums[c] + forward[c] - carried[c];
                    if new[c] < 0 {
                        forward[c] -= new[c];
                        new[c] = 0;
                    }
                }
                for v in [&mut carried, &mut forward, &mut new] {
                    v[total_col] = v[..6].iter().sum();
                }
                rows.insert("results_total".into(), sums);
                rows.insert("new".into(), new);
                rows.insert("carried".into(), carried);
                rows.insert("carry_forward".into(), forward);
            }
            "appeals" => {
                let mut v = Vec::new();
                for _ in 0..3 {
                    let block: Vec<i64> = (0..4).map(|_| rng.count() / 10).collect();
                    let total = block.iter().sum();
                    v.extend(block);
                    v.push(total);
                }
                rows.insert("all".into(), v);
            }
            _ => {
                for r in t.rows.iter().filter(|r| !r.optional) {
                    let n = t.blocks[r.block].columns.len();
                    let mut v: Vec<i64> = (0..n).map(|_| rng.count()).collect();
                    // A report keeps its template's soft checks too (what was
                    // published is among what is public).
                    for check in t.soft_checks.iter().filter(|k| k.block == r.block) {
                        let sum = |cols: &[usize]| cols.iter().map(|&c| v[c]).sum::<i64>();
                        let short = sum(&check.than) - sum(&check.at_least);
                        if short > 0 {
                            v[check.at_least[0]] += short;
                        }
                    }
                    rows.insert(r.id.clone(), v);
                }
            }
        }
        out.insert(t.id.clone(), rows);
    }
    out
}

/// A table's cells from its rows' values (rows without values omitted).
pub fn table_result(table: &Table, values: &BTreeMap<String, Vec<i64>>) -> TableResult {
    let rows = table
        .rows
        .iter()
        .map(|r| {
            if values.contains_key(&r.id) {
                RowPresence::Found
            } else {
                RowPresence::Omitted
            }
        })
        .collect();
    let cells = table
        .rows
        .iter()
        .map(|r| {
            let n = table.blocks[r.block].columns.len();
            (0..n)
                .map(|c| match values.get(&r.id) {
                    Some(v) => Cell {
                        value: Some(Num::int(v[c])),
                        status: CellStatus::Ok,
                        line: Some(1),
                        raw: v[c].to_string().into(),
                    },
                    None => Cell::missing(),
                })
                .collect()
        })
        .collect();
    TableResult {
        table: 0,
        rows,
        cells,
    }
}

/// One value's digit changed to a confusable one, as a value and as read (`035`);
/// None when it has none.
pub fn misread(v: Num, d: &Dictionaries, rng: &mut Rng) -> Option<(Num, String)> {
    let text = v.to_string();
    let options: Vec<(usize, char)> = text
        .char_indices()
        .filter_map(|(p, ch)| {
            d.lexicon
                .digit_misreads
                .iter()
                .find_map(|&(a, b)| (ch == a).then_some((p, b)).or((ch == b).then_some((p, a))))
        })
        .collect();
    if options.is_empty() {
        return None;
    }
    let (p, to) = options[rng.below(options.len() as u64) as usize];
    let mut s: Vec<char> = text.chars().collect();
    s[p] = to;
    let read: String = s.into_iter().collect();
    Some((Num::int(read.parse().ok()?), read))
}

/// What reconciliation made of the corrupted cells of a table, and of the rest.
#[derive(Default, Debug)]
pub struct CellScore {
    /// Cells corrupted.
    pub corrupted: usize,
    /// Corrupted cells that came out right.
    pub recovered: usize,
    /// Of those, the ones marked `unconfirmed` (the value as read, which nothing
    /// checks).
    pub recovered_unconfirmed: usize,
    /// Corrupted cells given a wrong value marked `unconfirmed` (part of `flagged`).
    pub wrong_unconfirmed: usize,
    /// Corrupted cells left `missing`, or given a wrong value marked `conflict` or
    /// `unconfirmed`.
    pub flagged: usize,
    /// Wrong values marked `ok` (anywhere in the table).
    pub wrong_ok: usize,
    /// Wrong values marked `inferred` or `repaired` (anywhere in the table).
    pub wrong_trusted: usize,
}

impl CellScore {
    /// Scores `got` against `truth`; `corrupted(r, c)` tells the cells the test spoiled.
    pub fn of(
        truth: &TableResult,
        got: &TableResult,
        corrupted: impl Fn(usize, usize) -> bool,
    ) -> CellScore {
        let mut out = CellScore::default();
        for (r, row) in got.cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let right = cell.value == truth.cells[r][c].value;
                if corrupted(r, c) {
                    out.corrupted += 1;
                    let unconfirmed = cell.status == CellStatus::Unconfirmed;
                    if right {
                        out.recovered += 1;
                        out.recovered_unconfirmed += usize::from(unconfirmed);
                    } else if matches!(
                        cell.status,
                        CellStatus::Missing | CellStatus::Conflict | CellStatus::Unconfirmed
                    ) {
                        out.flagged += 1;
                        out.wrong_unconfirmed += usize::from(unconfirmed);
                    }
                }
                if !right && matches!(cell.status, CellStatus::Inferred | CellStatus::Repaired) {
                    out.wrong_trusted += 1;
                }
                if !right && cell.status == CellStatus::Ok {
                    out.wrong_ok += 1;
                }
            }
        }
        out
    }

    /// Adds another table's score.
    pub fn add(&mut self, o: &CellScore) {
        self.corrupted += o.corrupted;
        self.recovered += o.recovered;
        self.recovered_unconfirmed += o.recovered_unconfirmed;
        self.wrong_unconfirmed += o.wrong_unconfirmed;
        self.flagged += o.flagged;
        self.wrong_ok += o.wrong_ok;
        self.wrong_trusted += o.wrong_trusted;
    }
}
