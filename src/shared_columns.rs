//! Runs that lost the same columns: the short runs still open after reconciliation →
//! the cells they give if every one of them kept the same columns.
//!
//! A scan whose faint columns OCR did not read at all (a pale print, a page edge)
//! leaves many rows of one table with the same number of values: eight rows of
//! `0 0 0` for seven columns. One at a time each fits many ways, and the joint
//! placement ([`crate::joint`]) lets each row take its own. Read as the one table it
//! is, every such row kept the same k columns: each choice of those columns is
//! tried for all the runs at once, kept where the table's identities still hold,
//! and a cell is given where every kept choice gives it the same value (the total
//! row's `1 0 0` rules out every choice that leaves out 自然人, so each `0 0 0` row's
//! first 0 is its 自然人 and its 总计 follows).
//!
//! That the runs kept the same columns is an assumption the report cannot confirm,
//! so the cells are `unconfirmed`, each logged (method `shared_columns`), and the
//! review names the runs. Takes the table result, its identity system and the runs;
//! gives the log and the runs whose rows it gave values.

use crate::model::{Cell, CellStatus, Correction, TableResult};
use crate::placement::{next_combination, Row, ShortRun};
use crate::solve::{grid, Grid, System};

/// Runs that kept the same number of values, at least, for that to show a scan
/// that lost the same columns rather than rows that each lost their own.
const MIN_RUNS: usize = 3;
/// Of the rows of the runs' width that were read, at least one in this many must be
/// in the group.
const MIN_SHARE: usize = 3;
/// Values a run must have read: a line that kept one number is as often a garbled
/// line whose other cells ran into glyphs as one that lost columns.
const MIN_VALUES: usize = 2;
/// Choices of columns tried at most (7 columns choose 3 is 35; table 四's 15
/// columns choose 7 would be 6,435).
const MAX_CHOICES: usize = 500;

/// Gives the cells every consistent shared choice of columns agrees on (see the
/// module docs); returns the log and the runs that gave values.
pub fn place_shared_columns<'r>(
    tr: &mut TableResult,
    sys: &System,
    runs: &'r [ShortRun],
) -> (Vec<Correction>, Vec<&'r ShortRun>) {
    let mut log = Vec::new();
    let mut gave = Vec::new();
    // Only rows no other line filled: a row the identities filled in part still
    // counts, and so does one whose own run's zeros they placed.
    let open = |tr: &TableResult, run: &ShortRun| {
        run.columns.is_none()
            && run.values.len() >= MIN_VALUES
            && clean(&run.raw)
            && tr.cells.get(run.row).is_some_and(|row| {
                row.iter().any(|c| c.value.is_none())
                    && row.iter().all(|c| {
                        c.value.is_none()
                            || c.status == CellStatus::Inferred
                                && c.line.is_none_or(|l| l == run.line)
                    })
            })
    };
    let mut sizes: Vec<(usize, usize)> = runs
        .iter()
        .filter(|run| open(tr, run))
        .map(|run| (tr.cells[run.row].len(), run.values.len()))
        .filter(|&(n, k)| k < n)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    for (n, k) in sizes {
        let group: Vec<&ShortRun> = runs
            .iter()
            .filter(|run| open(tr, run))
            .filter(|run| tr.cells[run.row].len() == n && run.values.len() == k)
            .collect();
        // A scan that lost faint columns shows it on much of its table; a few rows
        // of one count among many read whole are rows that each lost their own.
        let rows_read = (0..tr.cells.len())
            .filter(|&r| {
                tr.cells[r].len() == n
                    && (tr.cells[r].iter().any(|c| c.line.is_some())
                        || runs.iter().any(|run| run.row == r))
            })
            .count();
        if group.len() < MIN_RUNS
            || group.len() * MIN_SHARE < rows_read
            || choices(n, k) > MAX_CHOICES
        {
            continue;
        }
        let Some(agreed) = agreed_rows(sys, &grid(tr), &group, n, k) else {
            continue;
        };
        for (run, row) in group.iter().zip(agreed) {
            let mut any = false;
            for (cell, v) in tr.cells[run.row].iter_mut().zip(row) {
                if let (None, Some(v)) = (cell.value, v) {
                    *cell = Cell {
                        value: Some(v),
                        status: CellStatus::Unconfirmed,
                        line: Some(run.line),
                        raw: run.raw.as_str().into(),
                    };
                    any = true;
                }
            }
            if any {
                log.push(Correction {
                    line: run.line,
                    kind: "inference",
                    before: run.raw.clone(),
                    after: tr.cells[run.row]
                        .iter()
                        .map(|c| c.value.map_or("?".into(), |v| v.to_string()))
                        .collect::<Vec<_>>()
                        .join(" "),
                    score: 0.5,
                    method: "shared_columns",
                });
                gave.push(*run);
            }
        }
    }
    (log, gave)
}

/// The rows of `group` as every choice of `k` of the `n` columns, shared by all the
/// runs, leaves them once the identities have filled what they force, a cell kept
/// where every choice that breaks no identity gives it the same value; None when no
/// choice holds.
fn agreed_rows(
    sys: &System,
    start: &Grid,
    group: &[&ShortRun],
    n: usize,
    k: usize,
) -> Option<Vec<Row>> {
    let base = sys.propagate(start);
    let mut agreed: Option<Vec<Row>> = None;
    let mut columns: Vec<usize> = (0..k).collect();
    loop {
        let mut g = start.clone();
        let fits = group.iter().all(|run| {
            columns.iter().zip(&run.values).all(|(&c, &v)| {
                let cell = &mut g[run.row][c];
                let fits = cell.is_none_or(|known| known == v);
                *cell = Some(v);
                fits
            })
        });
        if fits {
            let out = sys.propagate(&g);
            let breaks = out.breaks_beyond(&base);
            if !breaks {
                let rows: Vec<Row> = group
                    .iter()
                    .map(|run| out.values[run.row].clone())
                    .collect();
                agreed = Some(match agreed {
                    None => rows,
                    Some(mut before) => {
                        for (b, r) in before.iter_mut().zip(&rows) {
                            for (x, y) in b.iter_mut().zip(r) {
                                if x != y {
                                    *x = None;
                                }
                            }
                        }
                        before
                    }
                });
            }
        }
        if !next_combination(&mut columns, n) {
            return agreed;
        }
    }
}

/// Whether a run was read as nothing but plain numbers (`0 0 0`): a line with
/// glyphs or marks among its numbers lost its cells to garbling, not to faint
/// columns, and which it lost is its own.
fn clean(raw: &str) -> bool {
    raw.split(' ')
        .all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
}

/// n choose k, saturating.
fn choices(n: usize, k: usize) -> usize {
    (0..k).fold(1usize, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::{Dictionaries, Table};

    /// Table 三 with one request from a person, granted; every other count 0.
    fn one_request(t: &Table) -> TableResult {
        let r = |id: &str| t.row_index(id).unwrap();
        let ones = [r("new"), r("granted"), r("results_total")];
        crate::solve::table_of(
            |row, c| i64::from(ones.contains(&row) && (c == 0 || c == 6)),
            t,
        )
    }

    fn run(row: usize, values: &[i64], line: usize) -> ShortRun {
        crate::placement::short_run(row, values, line)
    }

    /// The table with `lost` rows read as their first three values only (自然人 and
    /// two 法人 columns: the scan lost the rest), each a run.
    fn lost_columns(t: &Table, lost: &[&str]) -> (TableResult, Vec<ShortRun>) {
        let mut tr = one_request(t);
        let mut runs = Vec::new();
        for (i, id) in lost.iter().enumerate() {
            let r = t.row_index(id).unwrap();
            let kept: Vec<i64> = tr.cells[r][..3]
                .iter()
                .map(|c| c.value.unwrap().to_string().parse().unwrap())
                .collect();
            tr.cells[r] = vec![Cell::missing(); 7];
            runs.push(run(r, &kept, 10 + i));
        }
        (tr, runs)
    }

    const ROWS: [&str; 10] = [
        "granted",
        "partial",
        "refused_secret",
        "refused_law",
        "refused_safety",
        "refused_third_party",
        "refused_internal",
        "refused_process",
        "results_total",
        "carry_forward",
    ];

    #[test]
    fn rows_that_kept_the_same_columns_give_what_every_choice_agrees_on() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let (mut tr, runs) = lost_columns(t, &ROWS);
        let truth = one_request(t);
        let sys = System::new(t, &tr);
        let (log, gave) = place_shared_columns(&mut tr, &sys, &runs);
        assert_eq!(gave.len(), ROWS.len());
        assert!(log.iter().all(|c| c.method == "shared_columns"));
        for id in ROWS {
            let r = t.row_index(id).unwrap();
            for (c, cell) in tr.cells[r].iter().enumerate() {
                // Each value given is the truth, and marked as resting on the guess.
                if let Some(v) = cell.value {
                    assert_eq!(Some(v), truth.cells[r][c].value, "{id} column {c}");
                    assert_eq!(cell.status, CellStatus::Unconfirmed);
                }
            }
            // 自然人 and 总计 follow in every row: the total row's `1 0 0` puts the
            // kept columns at 自然人 first.
            assert!(tr.cells[r][0].value.is_some() && tr.cells[r][6].value.is_some());
        }
    }

    #[test]
    fn a_few_short_rows_among_many_read_whole_are_left_alone() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let (mut tr, runs) = lost_columns(t, &ROWS[..3]);
        let sys = System::new(t, &tr);
        let before = tr.clone();
        let (log, gave) = place_shared_columns(&mut tr, &sys, &runs);
        assert!(log.is_empty() && gave.is_empty());
        assert_eq!(crate::solve::grid(&tr), crate::solve::grid(&before));
    }

    #[test]
    fn choices_count_and_run_through_every_subset() {
        assert_eq!(choices(7, 3), 35);
        assert_eq!(choices(15, 7), 6435);
        let mut pos = vec![0, 1, 2];
        let mut seen = 1;
        while next_combination(&mut pos, 7) {
            seen += 1;
        }
        assert_eq!(seen, 35);
        assert_eq!(pos, [4, 5, 6]);
    }
}
