//! Short runs placed together: the short runs no identity places one at a time →
//! the cells every consistent placement of all of them agrees on.
//!
//! Takes a table after the runs that could be placed alone were placed (see
//! [`crate::placement::place_by_table`]) and the runs still waiting. A run alone is
//! often undecided because the column identity that would decide it also crosses
//! another waiting run: two runs of `0 0 0 0 0 1` in one table each fit several
//! ways, but only some pairs of ways keep every column total. This stage finds, for
//! each way of each run, whether some way of placing every other run keeps all the
//! identities (a depth-first search that propagates the identities after each choice
//! and prunes any that breaks one), and keeps a cell only when every feasible way of
//! its run gives it the same value, and every count those ways put (a 0 aside) is
//! checked: by an identity whose cells were all read or placed, or because the
//! identities give it from what was read and the runs that have one way to be placed
//! alone. A cell the identities derive is kept only where they derive it without the
//! read values of identities the table already breaks. A run whose row an earlier
//! step partly filled (its zeros) still waits for the rest. The search is bounded; a
//! run it could not decide places nothing.
//!
//! It rests on the counts it places: with every run read right it never places a
//! wrong value (tests/short_runs.rs), but one misread count can rule out another
//! run's true way, and that is not always caught.

use crate::dictionary::Table;
use crate::model::{Cell, CellStatus, Correction, TableResult};
use crate::numbers::Num;
use crate::placement::{ways_to_place, Row, ShortRun};
use crate::solve::{grid, Grid, Outcome, RowTrials, System};

/// Propagations tried at most per search; a run the search had not decided by then
/// is placed nowhere.
const MAX_STEPS: usize = 4000;
/// Tables with more waiting runs than this are left to the later steps: a table that
/// lost that many rows' cells is too damaged for the search to decide much in time.
const MAX_RUNS: usize = 20;

/// Places what every consistent combination of the waiting runs agrees on (status
/// `inferred`, method `joint_table_placement`); returns the log and the rows filled
/// completely.
pub fn place_jointly(
    tr: &mut TableResult,
    table: &Table,
    runs: &[ShortRun],
) -> (Vec<Correction>, Vec<usize>) {
    place_jointly_in(tr, &System::new(table, tr), runs)
}

/// [`place_jointly`] with the table's system already built for `tr`.
pub fn place_jointly_in(
    tr: &mut TableResult,
    sys: &System,
    runs: &[ShortRun],
) -> (Vec<Correction>, Vec<usize>) {
    place_jointly_as(tr, sys, runs, true)
}

/// [`place_jointly_in`]; `lone` lets a lone run's way go straight to the search's
/// leaf ([`Search::complete`]; false only to test that against the full search).
fn place_jointly_as(
    tr: &mut TableResult,
    sys: &System,
    runs: &[ShortRun],
    lone: bool,
) -> (Vec<Correction>, Vec<usize>) {
    let waiting: Vec<&ShortRun> = runs
        .iter()
        .filter(|r| tr.cells[r.row].iter().any(|c| c.value.is_none()))
        .collect();
    // A single waiting run goes through here too: the cells all its consistent
    // ways agree on are placed even where the ways differ elsewhere in the row.
    if waiting.is_empty() || waiting.len() > MAX_RUNS {
        return (Vec::new(), Vec::new());
    }
    let start = grid(tr);
    let base = sys.propagate(&start);
    // The table without the read values of the identities it already breaks: a cell
    // the identities derive is placed only where they derive it without those, as
    // one of them is misread (a total read 90 for 96 would give the row below 7).
    let failing = base.failing();
    let mut unsuspected = start.clone();
    for &i in &failing {
        for (r, c) in sys.cells(i) {
            unsuspected[r][c] = None;
        }
    }
    let clean = sys.propagate_owned(unsuspected);
    let mut placeable = Vec::new();
    let mut row = Vec::new();
    for run in waiting {
        let n = start[run.row].len();
        let Some(ways) = ways_to_place(run, n) else {
            return (Vec::new(), Vec::new());
        };
        // A run's ways are tried one after another on the same grid: the tries reuse
        // one outcome instead of a copied grid and fresh lists a way.
        let mut trials = RowTrials::new(&base.values, run.row);
        // What each way implies on its own; a way that breaks an identity on its own
        // is no way at all.
        let ways: Vec<Way> = ways
            .into_iter()
            .filter_map(|(put, _)| {
                row.clone_from(&base.values[run.row]);
                put_cells(&mut row, &put);
                let out = trials.try_row(sys, &row);
                if out.breaks_beyond(&base) {
                    return None;
                }
                // A table that breaks nothing is its own clean table.
                let clean = if failing.is_empty() {
                    out.values[run.row].clone()
                } else {
                    let g = with_row(&clean.values, run.row, &put);
                    sys.propagate_owned(g).values[run.row].clone()
                };
                Some(Way {
                    alone: out.values[run.row].clone(),
                    clean,
                    put,
                    feasible: None,
                    trusted: false,
                })
            })
            .collect();
        // A run that fits nowhere is misread or misplaced: no evidence for others.
        if !ways.is_empty() {
            placeable.push((run, ways));
        }
    }
    if placeable.is_empty() {
        return (Vec::new(), Vec::new());
    }
    placeable.sort_by_key(|(run, ways)| (ways.len(), run.row));
    let agreed = agreement(sys, &base, &start, &placeable, lone);
    let mut log = Vec::new();
    let mut filled = Vec::new();
    for ((run, _), agreed) in placeable.iter().zip(agreed) {
        // Cells an earlier step filled keep their value and its account.
        let agreed: Row = agreed
            .into_iter()
            .zip(&tr.cells[run.row])
            .map(|(v, cell)| v.filter(|_| cell.value.is_none()))
            .collect();
        if agreed.iter().all(Option::is_none) {
            continue;
        }
        log.push(Correction {
            line: run.line,
            kind: "inference",
            before: run.raw.clone(),
            after: agreed
                .iter()
                .map(|v| v.map_or("?".into(), |v| v.to_string()))
                .collect::<Vec<_>>()
                .join(" "),
            score: 1.0,
            method: "joint_table_placement",
        });
        for (cell, v) in tr.cells[run.row].iter_mut().zip(&agreed) {
            if let Some(v) = v {
                *cell = Cell {
                    value: Some(*v),
                    status: CellStatus::Inferred,
                    line: Some(run.line),
                    raw: run.raw.as_str().into(),
                };
            }
        }
        if tr.cells[run.row].iter().all(|c| c.value.is_some()) {
            filled.push(run.row);
        }
    }
    (log, filled)
}

/// The propagated grid when `g` breaks no identity the table as read did not (`g` is
/// propagated in place: every caller builds it for this alone).
fn consistent(sys: &System, base: &Outcome, g: Grid) -> Option<Outcome> {
    let out = sys.propagate_owned(g);
    (!out.breaks_beyond(base)).then_some(out)
}

/// For each run, the cells every consistent combination of `runs` gives the same
/// value, where each way giving it is checked; all unknown when the search ran out
/// of steps before deciding the run.
fn agreement(
    sys: &System,
    base: &Outcome,
    start: &Grid,
    runs: &[(&ShortRun, Vec<Way>)],
    lone: bool,
) -> Vec<Vec<Option<Num>>> {
    // The runs with one way only: they are where they are whatever the others do.
    let mut fixed = start.clone();
    for (run, ways) in runs {
        if let [only] = ways.as_slice() {
            put_row(&mut fixed, run.row, &only.put);
        }
    }
    let mut search = Search {
        sys,
        base,
        start,
        fixed,
        runs: runs.to_vec(),
        steps: 0,
        lone,
    };
    let mut undecided = vec![false; runs.len()];
    for i in 0..runs.len() {
        for w in 0..runs[i].1.len() {
            if search.runs[i].1[w].feasible.is_some() {
                continue;
            }
            match search.complete(i, w) {
                Some(found) => search.record(&found),
                None => search.runs[i].1[w].feasible = Some(false),
            }
            if search.steps > MAX_STEPS {
                undecided[i] = true;
            }
        }
    }
    search
        .runs
        .iter()
        .zip(undecided)
        .map(|((run, ways), undecided)| {
            let n = search.start[run.row].len();
            let possible: Vec<&Way> = ways.iter().filter(|w| w.feasible == Some(true)).collect();
            (0..n)
                .map(|c| {
                    let v = possible.first()?.alone[c]?;
                    // A way with a read count that no identity checks vouches for
                    // nothing in the row: what the row derives from that count may be
                    // wrong, and so may the count.
                    let sure = |w: &&Way| {
                        w.alone[c] == Some(v)
                            && w.trusted
                            && (w.put[c].is_some() || w.clean[c] == Some(v))
                    };
                    (!undecided && possible.iter().all(sure)).then_some(v)
                })
                .collect()
        })
        .collect()
}

/// One way to place a run.
#[derive(Clone)]
struct Way {
    /// The run's values where this way puts them.
    put: Row,
    /// The run's row once the identities have filled what this way alone forces.
    alone: Row,
    /// The same without the read values of identities the table already breaks.
    clean: Row,
    /// Whether some way of placing every other run keeps the table consistent
    /// beside this one (None: not known yet).
    feasible: Option<bool>,
    /// Whether, in the first such combination found, every count this way put (a 0
    /// aside) is checked by an identity whose cells were all read or placed, none
    /// filled in by another identity, which would absorb any error in it.
    trusted: bool,
}

struct Search<'a> {
    sys: &'a System,
    base: &'a Outcome,
    /// The table as read, before any waiting run was placed.
    start: &'a Grid,
    /// `start` with the runs that have one way to be placed put there.
    fixed: Grid,
    /// Each waiting run with its ways to place, fewest ways first.
    runs: Vec<(&'a ShortRun, Vec<Way>)>,
    steps: usize,
    /// Whether a lone run's way goes straight to the leaf ([`Search::complete`]).
    lone: bool,
}

impl Search<'_> {
    /// [`consistent`], counting a step.
    fn consistent(&mut self, g: Grid) -> Option<Outcome> {
        self.steps += 1;
        consistent(self.sys, self.base, g)
    }

    /// A way for every run, with way `w` for run `fixed`, that keeps the table
    /// consistent; None when there is none or the search ran out of steps.
    fn complete(&mut self, fixed: usize, w: usize) -> Option<Vec<usize>> {
        let mut chosen = vec![usize::MAX; self.runs.len()];
        chosen[fixed] = w;
        let (run, ways) = &self.runs[fixed];
        // A lone run's way goes straight to the leaf, which judges the table afresh:
        // the table with the way alone is then not needed, and it is consistent (it
        // is how the way was kept), so only the step is counted.
        if self.lone && self.runs.len() == 1 {
            self.steps += 1;
            return self.extend(0, Vec::new(), &mut chosen).then_some(chosen);
        }
        let g = with_row(&self.base.values, run.row, &ways[w].put);
        let out = self.consistent(g)?;
        self.extend(0, out.values, &mut chosen).then_some(chosen)
    }

    /// Chooses ways for the runs from `i` on (skipping the fixed one); true when a
    /// consistent combination was found, `chosen` then holds it.
    fn extend(&mut self, i: usize, g: Grid, chosen: &mut [usize]) -> bool {
        if self.steps > MAX_STEPS {
            return false;
        }
        if i == self.runs.len() {
            // Judged afresh from the table as read, so that an identity that forced a
            // cell on the way down is not taken for a check of it.
            let mut leaf = self.start.clone();
            for (k, (run, ways)) in self.runs.iter().enumerate() {
                put_row(&mut leaf, run.row, &ways[chosen[k]].put);
            }
            return self.consistent(leaf).is_some();
        }
        if chosen[i] != usize::MAX {
            return self.extend(i + 1, g, chosen);
        }
        let row = self.runs[i].0.row;
        for w in 0..self.runs[i].1.len() {
            let put = &self.runs[i].1[w].put;
            // Cells the identities already forced must match what the way puts there.
            if g[row]
                .iter()
                .zip(put)
                .any(|(have, put)| matches!((have, put), (Some(a), Some(b)) if a != b))
            {
                continue;
            }
            let next = with_row(&g, row, put);
            if let Some(out) = self.consistent(next) {
                chosen[i] = w;
                if self.extend(i + 1, out.values, chosen) {
                    return true;
                }
                chosen[i] = usize::MAX;
            }
        }
        false
    }

    /// Marks every way of a consistent combination feasible, with which of the
    /// counts it put are checked there: by an identity whose every cell was read or
    /// placed, none filled in by another identity (which would absorb any error), or
    /// by what the identities give from `fixed` alone ([`implied`]). A count read on a
    /// line that lost cells may itself be misread: 94 read as 9.
    fn record(&mut self, chosen: &[usize]) {
        let mut leaf = self.start.clone();
        for (k, (run, ways)) in self.runs.iter().enumerate() {
            put_row(&mut leaf, run.row, &ways[chosen[k]].put);
        }
        for (k, &w) in chosen.iter().enumerate() {
            let (run, ways) = &self.runs[k];
            if ways[w].feasible == Some(true) {
                continue;
            }
            let own = with_row(&self.fixed, run.row, &ways[w].put);
            let trusted = ways[w].put.iter().enumerate().all(|(c, v)| {
                v.is_none_or(|v| {
                    v == Num::default()
                        || self
                            .sys
                            .touching((run.row, c))
                            .iter()
                            .any(|&j| self.sys.holds(j, &leaf) == Some(true))
                        || implied(self.sys, &own, (run.row, c), v)
                })
            });
            let way = &mut self.runs[k].1[w];
            way.feasible = Some(true);
            way.trusted = trusted;
        }
    }
}

/// Whether the identities give `v` at `x` from the other cells of `g` alone: with `x`
/// unknown, what they force there is `v`. A count the rest of the table implies
/// is checked even where the identity checking it needs cells the identities fill,
/// as long as those are filled without it. `g` holds only what was read and the runs
/// that have one way to be placed: runs that could go elsewhere would follow the
/// count, misread or not, and so vouch for nothing.
fn implied(sys: &System, g: &Grid, x: (usize, usize), v: Num) -> bool {
    let mut without = g.clone();
    without[x.0][x.1] = None;
    sys.propagate_owned(without).values[x.0][x.1] == Some(v)
}

/// `g` with `way`'s values written into row `r` (its gaps keep what `g` had).
fn with_row(g: &Grid, r: usize, way: &Row) -> Grid {
    let mut next = g.clone();
    put_row(&mut next, r, way);
    next
}

/// Puts the cells of `way` into row `r` of `g` (its gaps leave what is there).
fn put_row(g: &mut Grid, r: usize, way: &Row) {
    put_cells(&mut g[r], way);
}

/// Puts the cells of `way` into `row` (its gaps leave what is there).
fn put_cells(row: &mut [Option<Num>], way: &Row) {
    for (cell, put) in row.iter_mut().zip(way) {
        if put.is_some() {
            *cell = *put;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::placement::place_by_table;

    /// Table 三 with one request from a person (granted) and one from a company
    /// (partly granted), every other count 0.
    fn two_requests(t: &Table) -> TableResult {
        let r = |id: &str| t.row_index(id).unwrap();
        let (new, granted, partial, total) =
            (r("new"), r("granted"), r("partial"), r("results_total"));
        crate::solve::table_of(
            |row, c| {
                let person = (row == granted || row == new || row == total) && c == 0;
                let company = (row == partial || row == new || row == total) && c == 1;
                let sum = match row {
                    x if x == new || x == total => 2,
                    x if x == granted || x == partial => 1,
                    _ => 0,
                };
                if c == 6 {
                    sum
                } else {
                    i64::from(person || company)
                }
            },
            t,
        )
    }

    proptest::proptest! {
        /// A lone run's ways sent straight to the search's leaf place what the full
        /// search places: tables of every template with a row lost and read short
        /// (its values, some of them misread), other cells unknown or misread.
        #[test]
        fn a_lone_run_places_what_the_full_search_places(
            which in 0usize..64,
            set in proptest::collection::vec((0usize..64, 0usize..16, -2i64..4), 0..8),
            lost in 0usize..64,
            values in proptest::collection::vec(0i64..4, 1..6),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let (_, mut tr) = crate::solve::scattered(&d, which, 0, set);
            let (t, _) = crate::solve::scattered(&d, which, 0, Vec::new());
            let lost = lost % tr.cells.len();
            for cell in &mut tr.cells[lost] {
                cell.value = None;
            }
            let sys = System::new(t, &tr);
            let runs = [run(lost, &values)];
            let (mut fast, mut full) = (tr.clone(), tr);
            let got = place_jointly_as(&mut fast, &sys, &runs, true);
            let want = place_jointly_as(&mut full, &sys, &runs, false);
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert_eq!(fast.cells, full.cells);
        }
    }

    fn run(row: usize, values: &[i64]) -> ShortRun {
        crate::placement::short_run(row, values, 9)
    }

    fn row(tr: &TableResult, r: usize) -> Vec<Option<i64>> {
        tr.cells[r]
            .iter()
            .map(|c| c.value.map(|v| v.to_string().parse().unwrap()))
            .collect()
    }

    #[test]
    fn what_every_combination_of_two_runs_agrees_on_is_placed_and_no_more() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let (granted, partial) = (
            t.row_index("granted").unwrap(),
            t.row_index("partial").unwrap(),
        );
        let mut tr = two_requests(t);
        // Each line lost its 1: `0 0 0 0 0 1`. Alone, either 1 may be the person's
        // or the company's; together, the column totals leave the two rows
        // interchangeable, so the 0s and 总计 are certain and the 1s are not.
        tr.cells[granted] = vec![Cell::missing(); 7];
        tr.cells[partial] = vec![Cell::missing(); 7];
        let runs = [
            run(granted, &[0, 0, 0, 0, 0, 1]),
            run(partial, &[0, 0, 0, 0, 0, 1]),
        ];
        let (log, placed) = place_by_table(&mut tr, t, &runs);
        assert!(log.is_empty() && placed.is_empty(), "{log:?}");
        let (log, filled) = place_jointly(&mut tr, t, &runs);
        assert_eq!(log.len(), 2);
        assert!(log.iter().all(|c| c.method == "joint_table_placement"));
        assert!(filled.is_empty());
        for r in [granted, partial] {
            assert_eq!(
                row(&tr, r),
                [None, None, Some(0), Some(0), Some(0), Some(0), Some(1)]
            );
            assert_eq!(tr.cells[r][6].status, CellStatus::Inferred);
        }
    }

    #[test]
    fn a_row_whose_zeros_were_placed_still_gives_its_counts_where_the_table_implies_them() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let (new, total) = (
            t.row_index("new").unwrap(),
            t.row_index("results_total").unwrap(),
        );
        let mut tr = two_requests(t);
        // 总计 read `1 工 0 0 0 0 2`: its columns are known, its zeros were placed, but
        // its 1 and 2 wait for a check. 一、本年新收 read `下 1 0 0 0 0 2`: 下 may be
        // label text, so the run `1 0 0 0 0 2` fits several ways.
        tr.cells[new] = vec![Cell::missing(); 7];
        for c in [0, 1, 6] {
            tr.cells[total][c] = Cell::missing();
        }
        let n = |v: i64| Some(Num::int(v));
        let glyph_row = ShortRun {
            columns: Some(vec![n(1), None, n(0), n(0), n(0), n(0), n(2)]),
            ruled: Vec::new(),
            ..run(total, &[1, 0, 0, 0, 0, 2])
        };
        let runs = [run(new, &[1, 0, 0, 0, 0, 2]), glyph_row];
        let (log, mut filled) = place_jointly(&mut tr, t, &runs);
        assert_eq!(log.len(), 2, "{log:?}");
        filled.sort_unstable();
        assert_eq!(filled, [new, total]);
        for r in [new, total] {
            let want = [1, 1, 0, 0, 0, 0, 2].map(Some);
            assert_eq!(row(&tr, r), want);
        }
    }

    #[test]
    fn a_combination_whose_read_counts_nothing_checks_places_nothing() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let mut tr = two_requests(t);
        // With the 总计 row lost too, the 1s read are checked by no identity whose
        // cells were all read: a misread 1 would go unnoticed, so nothing is placed.
        for x in [r("granted"), r("partial"), r("results_total")] {
            tr.cells[x] = vec![Cell::missing(); 7];
        }
        let runs = [
            run(r("granted"), &[0, 0, 0, 0, 0, 1]),
            run(r("partial"), &[0, 0, 0, 0, 0, 1]),
        ];
        let (log, filled) = place_jointly(&mut tr, t, &runs);
        assert!(log.is_empty() && filled.is_empty(), "{log:?}");
        assert!(row(&tr, r("granted")).iter().all(Option::is_none));
    }
}
