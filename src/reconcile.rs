//! Reconciliation: a table's cells → misread repairs and identity checks against the
//! template.
//!
//! Takes a [`TableResult`] and its template table. [`repair_misreads`] undoes a read
//! value only where one plausible OCR misread explains the failed identities and no
//! rival does; [`check_identities`] checks every identity wherever all of its cells
//! are known, and marks the cells of a failed identity `conflict` with a review item
//! that shows both sides (a failed identity says some value is wrong, not which),
//! except the cells another identity of read values checks where it holds others that
//! none does.
//! Filling unknown cells is [`crate::infer`]'s.

use crate::dictionary::{Block, Domain, Identity, Over, Table, Term};
use crate::lexicon::Lexicon;
use crate::model::{Balance, CellStatus, Correction, ReviewItem, RowPresence, TableResult};
use crate::numbers::Num;
use crate::solve::{grid, At, Grid, Outcome, System, Way};

/// Sums with more terms than this are shown without their zero terms.
const SHOW_ALL_TERMS: usize = 6;

/// Failed identities a single change must cure before it is taken as a repair.
const MIN_CURED: usize = 2;

/// Rounds of single-cell repairs tried on one table.
const MAX_REPAIR_ROUNDS: usize = 16;

/// Repairs read values that break identities, one cell at a time, when exactly one
/// change explains the failures: a cell whose every identity holds again after one
/// plausible OCR misread is undone (a confusable digit, a dropped or doubled digit;
/// see `digit_misreads` in the lexicon), and at least two failed identities agree on it
/// (a row total and a column total). Unknown cells take part: a misread beside a lost
/// row shows as a value the identities would force below zero, and the repair is
/// judged with the lost cells filled in as the identities force them. Two candidate
/// changes for the same failures mean no repair: those cells stay as read and become
/// `conflict`.
pub fn repair_misreads(tr: &mut TableResult, table: &Table, lex: &Lexicon) -> Vec<Correction> {
    repair_misreads_in(tr, &System::new(table, tr), lex)
}

/// [`repair_misreads`] with the table's system already built for `tr` (its rows'
/// presence, which no reconciliation step changes).
pub fn repair_misreads_in(tr: &mut TableResult, sys: &System, lex: &Lexicon) -> Vec<Correction> {
    if identities_hold(tr, sys) {
        return Vec::new();
    }
    repair(tr, sys, lex, true, true).0
}

/// [`repair_misreads_in`] of a table whose identities do not all hold as read
/// ([`identities_hold`] is false), then [`drop_misread_row_in`]: the repair's last
/// round propagated the table as it leaves it, and the row drop starts from that
/// outcome instead of propagating the table again.
pub fn repair_then_drop_row_in(
    tr: &mut TableResult,
    sys: &System,
    lex: &Lexicon,
) -> (Vec<Correction>, Option<(usize, String)>) {
    let (log, last) = repair(tr, sys, lex, true, true);
    let failing = match last {
        Some(base) => base.failing(),
        None => sys.propagate(&grid(tr)).failing(),
    };
    (log, drop_row_failing(tr, sys, lex, failing))
}

/// [`repair_misreads_in`]; `cures_only` takes a cell's alternatives from its cure
/// values alone where every cell is known, and `carry` takes a round's table and
/// outcome from the round before where every cell was known (the same repairs
/// either way).
fn repair(
    tr: &mut TableResult,
    sys: &System,
    lex: &Lexicon,
    cures_only: bool,
    carry: bool,
) -> (Vec<Correction>, Option<Outcome>) {
    let mut log = Vec::new();
    let mut repaired: Vec<At> = Vec::new();
    // Where each row's cells start among the table's cells: a round marks the cells
    // it has seen there instead of searching a list of them for every cell it meets.
    let mut starts = Vec::with_capacity(tr.cells.len());
    let mut cells = 0;
    for row in &tr.cells {
        starts.push(cells);
        cells += row.len();
    }
    let mut seen = vec![false; cells];
    // The table and its outcome after a repair where every cell was known: they are
    // the last round's with the repaired cell changed.
    let mut carried: Option<(Grid, Outcome)> = None;
    // A cell's cure values, its alternatives, and what one of them cures: reused from
    // cell to cell (a repaired table visits hundreds of cells, and their lists were
    // most of its allocations).
    let (mut cures, mut alts, mut cured) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..MAX_REPAIR_ROUNDS {
        // With every cell known nothing is forced, so a changed cell changes only the
        // instances that contain it: those are judged alone, without propagating a
        // copy of the grid for each alternative.
        let (grid, base, known) = match carried.take() {
            Some((grid, base)) => (grid, base, true),
            None => {
                let grid: Grid = grid(tr);
                let base = sys.propagate(&grid);
                let known = sys.all_known(&grid);
                (grid, base, known)
            }
        };
        let failing = base.failing();
        if failing.is_empty() {
            return (log, Some(base));
        }
        // Each failed instance's two sums, once a round: a cell's cure value is then
        // their difference with the cell taken out, not a sum of the other cells for
        // every cell visited.
        let sides = if known {
            failed_sides(sys, &base)
        } else {
            Vec::new()
        };
        // (cell, value, failed identities it cures, whether it explains them all)
        let mut fixes: Vec<(At, Num, Vec<usize>, bool)> = Vec::new();
        seen.fill(false);
        for &i in &failing {
            for x in sys.cells(i) {
                let cell = &tr.cells[x.0][x.1];
                let Some(v) = cell.value.filter(|v| v.is_integer()) else {
                    continue;
                };
                // A cell of the table (it was just read): its place is in `seen`.
                let Some(mark) = starts.get(x.0).and_then(|&s| seen.get_mut(s + x.1)) else {
                    continue;
                };
                if *mark || repaired.contains(&x) {
                    continue;
                }
                *mark = true;
                let (touching, ways) = sys.touching_ways(x);
                let has_cures =
                    known && cure_values_into(sys, &base, touching, ways, &sides, x, &mut cures);
                // With every cell known only cure values are judged, and a cure value
                // is among the alternatives exactly when it is a plausible misread of
                // the value read (the misreads `misread_values` lists are all
                // plausible, and every cure value is an implied one): so the
                // alternatives need not be listed. Their order within the cell does
                // not matter: at most one value of a cell cures all its failures.
                alts.clear();
                if has_cures && cures_only {
                    // A negative value is no misread of digits (`plausible_value`):
                    // the value read is spelled out only for a cure that may be one.
                    if cures.iter().all(|c| c.is_negative()) {
                        continue;
                    }
                    spelled(v, |read| {
                        for &c in &cures {
                            if !alts.contains(&c) && plausible_value(lex, read, c) {
                                alts.push(c);
                            }
                        }
                    });
                } else {
                    alternatives_into(sys, &base, touching, x, v, lex, &mut alts);
                }
                for &alt in &alts {
                    // A change that cures nothing is no fix and no rival: with every
                    // cell known, only a failed identity's own implied value cures it.
                    if has_cures && !cures.contains(&alt) {
                        continue;
                    }
                    // With every cell known, only the instances that contain the cell
                    // can change from `base`: they alone are judged, and what the
                    // change does is read from them.
                    let judged = if known {
                        judge_known_into(sys, &grid, &base, touching, x, alt, &mut cured)
                    } else {
                        None
                    };
                    let Judged {
                        introduces,
                        still_failing,
                        confirmed,
                    } = match judged {
                        Some(judged) => judged,
                        // Most alternatives break an identity of known cells that held:
                        // told from its sums, without a copy of the grid propagated.
                        None if breaks_held(sys, &grid, &base, touching, x, alt) => continue,
                        None => {
                            let mut g = grid.clone();
                            g[x.0][x.1] = Some(alt);
                            let out = sys.propagate_owned(g);
                            // One failed identity can be balanced by changing any of its
                            // cells: a repair needs two identities that the same change
                            // cures and that then hold with every cell known.
                            let confirmed = touching
                                .iter()
                                .filter(|&&j| sys.holds(j, &out.values) == Some(true))
                                .count();
                            let failed = out.failed;
                            cured.clear();
                            cured.extend(failing.iter().copied().filter(|&j| !failed[j]));
                            Judged {
                                introduces: (0..failed.len()).any(|j| failed[j] && !base.failed[j]),
                                still_failing: touching.iter().any(|&j| failed[j]),
                                confirmed,
                            }
                        }
                    };
                    if introduces || cured.is_empty() {
                        continue;
                    }
                    // None of its identities may still fail. A change that cures less is
                    // still a rival explanation.
                    let whole =
                        !still_failing && cured.len() >= MIN_CURED && confirmed >= MIN_CURED;
                    fixes.push((x, alt, cured.clone(), whole));
                }
            }
        }
        // A failure that two different changes would cure is ambiguous: neither is made.
        let unique = fixes.iter().find(|(x, v, cured, whole)| {
            *whole
                && !fixes.iter().any(|(y, w, other, _)| {
                    (y, w) != (x, v) && other.iter().any(|j| cured.contains(j))
                })
        });
        let Some(&((r, c), fixed, _, _)) = unique else {
            return (log, Some(base));
        };
        let cell = &mut tr.cells[r][c];
        log.push(Correction {
            line: cell.line.unwrap_or(0),
            kind: "value",
            before: cell.raw.to_string(),
            after: fixed.to_string(),
            score: 0.9,
            method: "identities",
        });
        cell.value = Some(fixed);
        cell.status = CellStatus::Repaired;
        repaired.push((r, c));
        if known && carry {
            carried = changed_known(sys, grid, base, sys.touching((r, c)), (r, c), fixed);
        }
    }
    // The rounds ran out after a repair: the table as left was not propagated.
    (log, None)
}

/// The grid and outcome of [`System::propagate`] once cell `x` of `grid` (of which
/// [`System::all_known`] holds, `base` its outcome) is `v`: with every cell still
/// known nothing is forced, and only the instances that contain `x` (`touching`) are
/// judged again. None if one of them cannot be judged so.
fn changed_known(
    sys: &System,
    mut grid: Grid,
    mut base: Outcome,
    touching: &[usize],
    x: At,
    v: Num,
) -> Option<(Grid, Outcome)> {
    for &j in touching {
        base.failed[j] = sys.judge_changed(j, &grid, x, v)?.0;
    }
    grid[x.0][x.1] = Some(v);
    base.values[x.0][x.1] = Some(v);
    Some((grid, base))
}

/// [`System::touching_ways`] of every cell of a table found afresh from its instances
/// (what the shape's lists must agree with).
#[cfg(test)]
struct Touching {
    /// Where each row's cells start among `start`.
    row_start: Vec<usize>,
    /// Where each cell's instances start in `instances` (one more entry at the end).
    start: Vec<usize>,
    instances: Vec<usize>,
    /// Beside each of `instances`: how it holds the cell.
    ways: Vec<Way>,
}

#[cfg(test)]
impl Touching {
    fn new(sys: &System, tr: &TableResult) -> Touching {
        let mut row_start = Vec::with_capacity(tr.cells.len());
        let mut n = 0;
        for row in &tr.cells {
            row_start.push(n);
            n += row.len();
        }
        let flat = |(r, c): At| row_start[r] + c;
        // Counted first (an instance that holds a cell twice counts once), then placed.
        let mut last = vec![usize::MAX; n];
        let mut start = vec![0; n + 1];
        for i in 0..sys.instances.len() {
            for x in sys.cells(i) {
                let f = flat(x);
                if last[f] != i {
                    last[f] = i;
                    start[f + 1] += 1;
                }
            }
        }
        for f in 0..n {
            start[f + 1] += start[f];
        }
        let mut next = start.clone();
        let mut instances = vec![0; start[n]];
        let mut ways = vec![(true, true); start[n]];
        last.fill(usize::MAX);
        for (i, (_, _, l, r)) in sys.instances.iter().enumerate() {
            let sided = l.iter().map(|&x| (x, true));
            for (x, left) in sided.chain(r.iter().map(|&x| (x, false))) {
                let f = flat(x);
                if last[f] != i {
                    last[f] = i;
                    instances[next[f]] = i;
                    ways[next[f]].1 = left;
                    next[f] += 1;
                } else {
                    ways[next[f] - 1].0 = false;
                }
            }
        }
        Touching {
            row_start,
            start,
            instances,
            ways,
        }
    }

    /// The instances that contain a cell, and how each holds it.
    fn of(&self, (r, c): At) -> (&[usize], &[Way]) {
        let f = self.row_start[r] + c;
        let span = self.start[f]..self.start[f + 1];
        (&self.instances[span.clone()], &self.ways[span])
    }
}

/// Whether an instance of `touching` (those that contain `x`) that held in `base`
/// has every cell of `grid` known and its sums disagree once `x` is `v`: propagation
/// never rewrites a known cell, so it would mark the instance failed, and the change
/// introduces a failure (no fix, no rival).
fn breaks_held(
    sys: &System,
    grid: &Grid,
    base: &Outcome,
    touching: &[usize],
    x: At,
    v: Num,
) -> bool {
    touching.iter().any(|&j| {
        !base.failed[j]
            && sys
                .judge_changed(j, grid, x, v)
                .is_some_and(|(fails, _)| fails)
    })
}

/// What one changed cell does to a table's failures (the failed instances that then
/// hold are listed beside it, in a buffer of the caller's).
struct Judged {
    /// An instance that held fails.
    introduces: bool,
    /// An instance with the cell still fails.
    still_failing: bool,
    /// Instances with the cell that hold with every cell known.
    confirmed: usize,
}

/// [`Judged`] of cell `x` read as `v` in `grid`, of which [`System::all_known`] holds:
/// only the instances that contain `x` (`touching`) can change from `base`, so the
/// others keep their verdicts, and each of these is judged by its own sums
/// ([`System::judge_changed`]). None if one of them cannot be judged so. The failed
/// instances that then hold go to `cured`, in order.
fn judge_known_into(
    sys: &System,
    grid: &Grid,
    base: &Outcome,
    touching: &[usize],
    x: At,
    v: Num,
    cured: &mut Vec<usize>,
) -> Option<Judged> {
    let mut judged = Judged {
        introduces: false,
        still_failing: false,
        confirmed: 0,
    };
    cured.clear();
    for &j in touching {
        let (fails, holds) = sys.judge_changed(j, grid, x, v)?;
        judged.introduces |= fails && !base.failed[j];
        // `touching` ascends, as the failed instances are listed.
        if base.failed[j] && !fails {
            cured.push(j);
        }
        judged.still_failing |= fails;
        judged.confirmed += usize::from(holds);
    }
    Some(judged)
}

/// With every cell of `base` known: the values of cell `x` that would make one of
/// its failed instances (`touching` those that contain it, held as `ways` says) hold,
/// each instance's other cells as they are. None where an instance holds `x` more
/// than once (its value is then not simply the difference of the sides) or lacks a
/// sum. `sides` has the [`exact_sides`] of the failed instances (by instance; None,
/// or none at all, where the other cells are summed afresh).
#[cfg(test)]
fn cure_values(
    sys: &System,
    base: &Outcome,
    touching: &[usize],
    ways: &[Way],
    sides: &[Option<(Num, Num)>],
    x: At,
) -> Option<Vec<Num>> {
    let mut cures = Vec::new();
    cure_values_into(sys, base, touching, ways, sides, x, &mut cures).then_some(cures)
}

/// [`cure_values`] into `cures` (cleared first): whether there are any to tell
/// (`cures` is then what `cure_values` gives; otherwise it is not to be read).
fn cure_values_into(
    sys: &System,
    base: &Outcome,
    touching: &[usize],
    ways: &[Way],
    sides: &[Option<(Num, Num)>],
    x: At,
    cures: &mut Vec<Num>,
) -> bool {
    cures.clear();
    for (&j, &(once, left)) in touching.iter().zip(ways) {
        if !base.failed[j] {
            continue;
        }
        if !once {
            return false;
        }
        let cure = match sides.get(j).copied().flatten() {
            // No sum saturates: the other cells' sum is the side's less the cell.
            Some((ls, rs)) => match base.values[x.0][x.1] {
                Some(v) if left => rs - (ls - v),
                Some(v) => ls - (rs - v),
                None => return false,
            },
            None => match implied(sys, base, j, x) {
                Some(v) => v,
                None => return false,
            },
        };
        cures.push(cure);
    }
    true
}

/// Magnitude below which a cell's value takes part in [`exact_sides`]: sums of a
/// few thousand such values stay far inside `Num`'s range.
const EXACT_BELOW: u128 = 1 << 100;

/// The sums of instance `j`'s two sides in `base`, where every cell is known and
/// below [`EXACT_BELOW`] and the instance is short: then no sum of any of its cells,
/// in any order, saturates, so taking one cell out of a side's sum gives exactly
/// what [`implied`] adds up without it.
fn exact_sides(sys: &System, base: &Outcome, j: usize) -> Option<(Num, Num)> {
    let (_, _, l, r) = &sys.instances[j];
    if l.len() + r.len() > 1 << 16 {
        return None;
    }
    let side = |cs: &[At]| -> Option<Num> {
        let mut sum = Num::default();
        for &(a, b) in cs {
            let v = base.values[a][b]?;
            if v.millionths().unsigned_abs() >= EXACT_BELOW {
                return None;
            }
            sum = sum + v;
        }
        Some(sum)
    };
    Some((side(l)?, side(r)?))
}

/// The [`exact_sides`] of each failed instance of `base`, by instance (None for the
/// others).
fn failed_sides(sys: &System, base: &Outcome) -> Vec<Option<(Num, Num)>> {
    (0..base.failed.len())
        .map(|j| base.failed[j].then(|| exact_sides(sys, base, j)).flatten())
        .collect()
}

/// [`cure_values`] with every instance's other cells summed afresh (what
/// `exact_sides` must agree with).
#[cfg(test)]
fn cure_values_summed(sys: &System, base: &Outcome, touching: &[usize], x: At) -> Option<Vec<Num>> {
    let mut cures = Vec::new();
    for &j in touching.iter().filter(|&&j| base.failed[j]) {
        if sys.cells(j).filter(|&y| y == x).count() != 1 {
            return None;
        }
        cures.push(implied(sys, base, j, x)?);
    }
    Some(cures)
}

/// The value of cell `x` that makes instance `j` hold, its other cells as `base` has
/// them (None while one is unknown), for an `x` the instance holds once. Summed in
/// order, as `Num::sum` adds, without collecting the terms.
fn implied(sys: &System, base: &Outcome, j: usize, x: At) -> Option<Num> {
    let (_, _, l, r) = &sys.instances[j];
    let side = |cs: &[At]| -> Option<Num> {
        let mut sum = Num::default();
        for &(a, b) in cs.iter().filter(|&&y| y != x) {
            sum = sum + base.values[a][b]?;
        }
        Some(sum)
    };
    let (ls, rs) = (side(l)?, side(r)?);
    Some(if l.contains(&x) { rs - ls } else { ls - rs })
}

/// Whether every identity instance of `sys` is complete and holds on `tr` (most
/// tables), told from the sides' sums alone: propagation would then force nothing
/// and find no failure, so there is no misread to repair and no misread row to drop
/// ([`repair_misreads_in`] and [`drop_misread_row_in`] would change nothing).
pub fn identities_hold(tr: &TableResult, sys: &System) -> bool {
    let holds = |l: &[At], r: &[At]| {
        crate::infer::complete_sum(tr, l)
            .zip(crate::infer::complete_sum(tr, r))
            .is_some_and(|(a, b)| b - a == Num::default())
    };
    sys.instances.iter().all(|(_, _, l, r)| holds(l, r))
}

/// A row whose read values break the identities beyond what one plausible misread
/// explains (`0 9 9 9 9 9 9` for a row of zeros: each 9 fails its column, and the row
/// fails its own total). Its read values are dropped, to be filled by the identities,
/// when without them
/// - no identity of the table fails, and at least two of those that failed
///   now hold, the row's cells derived from the other rows;
/// - every value so derived that differs from the one read is a plausible misread of
///   it (a confusable digit, or one dropped or doubled; see `digit_misreads`), or a
///   `1` where the row's 0 was lost and a table rule read in its place: a
///   printed total that disagrees with its parts otherwise (a report's own arithmetic
///   error) stays as printed, a conflict;
/// - no other row's values could be dropped with the same effect.
///
/// Returns the row and its values as read.
pub fn drop_misread_row_in(
    tr: &mut TableResult,
    sys: &System,
    lex: &Lexicon,
) -> Option<(usize, String)> {
    let failing = sys.propagate(&grid(tr)).failing();
    drop_row_failing(tr, sys, lex, failing)
}

/// [`drop_misread_row_in`] given the instances that fail when `tr` is propagated.
fn drop_row_failing(
    tr: &mut TableResult,
    sys: &System,
    lex: &Lexicon,
    failing: Vec<usize>,
) -> Option<(usize, String)> {
    let r = misread_row(&grid(tr), &failing, sys, lex, true)?;
    let mut read = Vec::new();
    for cell in tr.cells[r].iter_mut() {
        let Some(v) = cell.value.take() else {
            read.push("?".to_string());
            continue;
        };
        read.push(v.to_string());
        cell.status = CellStatus::Missing;
    }
    Some((r, read.join(" ")))
}

/// The row [`drop_misread_row_in`] drops from grid `g`, if any; `prune` rules out
/// before propagating them the rows that cannot be it (the same row either way).
fn misread_row(
    g: &Grid,
    failing: &[usize],
    sys: &System,
    lex: &Lexicon,
    prune: bool,
) -> Option<usize> {
    if failing.len() < MIN_CURED {
        return None;
    }
    let mut rows: Vec<usize> = failing
        .iter()
        .flat_map(|&i| sys.cells(i))
        .filter(|&(r, c)| g[r][c].is_some())
        .map(|(r, _)| r)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    // A failed instance with every cell known keeps failing when a row it has no cell
    // in is dropped (its sums are unchanged, and propagation never rewrites a known
    // cell): such a row cannot be the one, and is ruled out before its propagation.
    let complete: Vec<usize> = failing
        .iter()
        .copied()
        .filter(|&i| sys.cells(i).all(|(r, c)| g[r][c].is_some()))
        .collect();
    if prune {
        rows.retain(|&r| complete.iter().all(|&i| sys.cells(i).any(|(a, _)| a == r)));
    }
    let mut cures = rows.into_iter().filter(|&r| {
        let mut without = g.clone();
        without[r].iter_mut().for_each(|v| *v = None);
        let out = sys.propagate_owned(without);
        let holding = failing
            .iter()
            .filter(|&&j| sys.holds(j, &out.values) == Some(true))
            .count();
        let misread = |c: usize| match (g[r][c], out.values[r][c]) {
            // A table rule read as `1` where a faint 0 was lost (`0 0 0 0 0 1 0`).
            (Some(read), Some(derived)) if read == Num::int(1) && derived == Num::default() => true,
            (Some(read), Some(derived)) if read != derived => {
                lex.plausible_misread(&read.to_string(), &derived.to_string())
            }
            _ => true,
        };
        out.failing().is_empty() && holding >= MIN_CURED && (0..g[r].len()).all(misread)
    });
    match (cures.next(), cures.next()) {
        (Some(r), None) => Some(r),
        _ => None,
    }
}

/// What a read value `v` at `x` may have been printed as: its plausible misreads, and
/// the value a failed identity implies for it where that is a plausible misread too;
/// added to `out`.
fn alternatives_into(
    sys: &System,
    base: &Outcome,
    touching: &[usize],
    x: At,
    v: Num,
    lex: &Lexicon,
    out: &mut Vec<Num>,
) {
    spelled(v, |read| {
        out.extend(lex.misread_values(read).into_iter().map(Num::int));
        for &j in touching {
            let Some(implied) = implied(sys, base, j, x) else {
                continue;
            };
            if !out.contains(&implied) && plausible_value(lex, read, implied) {
                out.push(implied);
            }
        }
    })
}

/// Whether `value` is a plausible misread of the digits `read`.
fn plausible_value(lex: &Lexicon, read: &str, value: Num) -> bool {
    // Only digits are a misread of digits: a negative value (as most cure values
    // of a misread total are) is none, and need not be written out to be told so.
    !value.is_negative() && spelled(value, |digits| lex.plausible_misread(read, digits))
}

/// `f` of `v` as written: a count's digits are written without allocating (a
/// repaired table asks for every cell's).
fn spelled<R>(v: Num, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0; 20];
    match v.count_digits(&mut buf) {
        Some(digits) => f(digits),
        None => f(&v.to_string()),
    }
}

/// Checks every identity of `table` on `tr`; marks conflicts and returns review items.
/// A failed identity's item lists the single misreads that would make it hold (each is
/// only a candidate: one identity cannot tell them apart).
pub fn check_identities(
    tr: &mut TableResult,
    table: &Table,
    lex: &Lexicon,
) -> (Balance, Vec<ReviewItem>) {
    let instances = identity_instances(table, tr);
    check_identities_in(tr, table, &instances, lex)
}

/// [`check_identities`] with the table's instances already formed for `tr`.
pub fn check_identities_in(
    tr: &mut TableResult,
    table: &Table,
    instances: &[Instance],
    lex: &Lexicon,
) -> (Balance, Vec<ReviewItem>) {
    let mut balance = Balance::default();
    let mut review = Vec::new();
    let verdicts: Vec<Option<bool>> = instances
        .iter()
        .map(|&(id, _, ref l, ref r)| verdict(tr, &table.blocks[table.identities[id].block], l, r))
        .collect();
    // Only a failed identity asks which of its cells another identity vouches for.
    let vouched = if verdicts.contains(&Some(false)) {
        vouched(tr, instances, &verdicts)
    } else {
        Vec::new()
    };
    for (i, &(id, inst, ref lhs, ref rhs)) in instances.iter().enumerate() {
        let id = &table.identities[id];
        let block = &table.blocks[id.block];
        match verdicts[i] {
            None => {
                balance.undetermined += 1;
                continue;
            }
            Some(true) => {
                balance.held += 1;
                continue;
            }
            Some(false) => {}
        }
        balance.failed += 1;
        let ((l, lc), (r, rc)) = (side(tr, lhs), side(tr, rhs));
        let suspects = lhs
            .iter()
            .chain(rhs)
            .any(|&(r, c)| tr.cells[r][c].value.is_some() && !vouched[r][c]);
        for &(row, col) in lhs.iter().chain(rhs) {
            if tr.cells[row][col].value.is_some() && !(suspects && vouched[row][col]) {
                tr.cells[row][col].status = CellStatus::Conflict;
            }
        }
        let describe = |cs: &[(usize, usize)]| -> String {
            let named: Vec<(String, Option<Num>)> = cs
                .iter()
                .map(|&(row, col)| {
                    let name = match id.over {
                        Over::Rows => block.columns[col].label.text.clone(),
                        Over::Columns => table.rows[row].label.text.clone(),
                    };
                    (name, tr.cells[row][col].value)
                })
                .collect();
            let show = |(n, v): &(String, Option<Num>)| {
                format!("{n} {}", v.map_or("?".into(), |v| v.to_string()))
            };
            // Long sums list only the terms that are not zero; the zeros are counted.
            if named.len() <= SHOW_ALL_TERMS {
                return named.iter().map(show).collect::<Vec<_>>().join(" + ");
            }
            let (zero, rest): (Vec<_>, Vec<_>) =
                named.iter().partition(|(_, v)| *v == Some(Num::int(0)));
            let mut parts: Vec<String> = rest.into_iter().map(show).collect();
            if !zero.is_empty() {
                parts.push(format!("{} more rows of 0", zero.len()));
            }
            parts.join(" + ")
        };
        // A lone total on one side: the value the other side implies, as a suggestion
        // for the person checking (never applied).
        let name_of = |(row, col): (usize, usize)| match id.over {
            Over::Rows => block.columns[col].label.text.clone(),
            Over::Columns => table.rows[row].label.text.clone(),
        };
        let mut suggestion = match (lhs.as_slice(), rhs.as_slice()) {
            ([x], _) if rc => format!("; the other side implies {} = {r}", name_of(*x)),
            (_, [x]) if lc => format!("; the other side implies {} = {l}", name_of(*x)),
            _ => String::new(),
        };
        if lc && rc {
            let fixes: Vec<String> = lhs
                .iter()
                .chain(rhs)
                .filter_map(|&x| {
                    let v = tr.cells[x.0][x.1].value?;
                    let fixed = if lhs.contains(&x) {
                        v + (r - l)
                    } else {
                        v + (l - r)
                    };
                    let (a, b) = (v.to_string(), fixed.to_string());
                    lex.plausible_misread(&a, &b)
                        .then(|| format!("{} {a}→{b}", name_of(x)))
                })
                .collect();
            suggestion.push_str(&if fixes.is_empty() {
                "; no single misread digit explains it".to_string()
            } else {
                format!("; candidate fixes, one misread each: {}", fixes.join(", "))
            });
        }
        let (row_label, column_label) = match id.over {
            Over::Rows => (
                table.rows[inst].path.clone(),
                lhs.first()
                    .map_or(String::new(), |&(_, c)| block.columns[c].path.clone()),
            ),
            Over::Columns => (String::new(), block.columns[inst].path.clone()),
        };
        review.push(ReviewItem {
            table: table.id.clone(),
            row_label,
            column_label,
            problem: "identity_failed",
            detail: format!(
                "{} does not hold: {} = {l}{}, but {} = {r}{}{} ({})",
                id.id,
                describe(lhs),
                if lc { "" } else { " or more" },
                describe(rhs),
                if rc { "" } else { " or more" },
                suggestion,
                id.description
            ),
        });
    }
    (balance, review)
}

/// What [`check_identities_in`] finds where every instance holds with every cell
/// known ([`identities_hold`]): each held, no review item, no cell marked.
pub fn every_identity_held(instances: &[Instance]) -> (Balance, Vec<ReviewItem>) {
    let balance = Balance {
        held: instances.len(),
        ..Balance::default()
    };
    (balance, Vec::new())
}

/// The cells an identity of read values checks. Where a failed identity also holds
/// cells no such identity checks, the misread is among those, and only they are marked
/// `conflict` (a column total that fails beside rows that each balance points at the
/// rows that do not, or at the total). An identity with cells in two failed ones
/// vouches for nothing: two misreads in one row (`0 8 … 8`) cancel out in its total.
fn vouched(tr: &TableResult, instances: &[Instance], verdicts: &[Option<bool>]) -> Vec<Vec<bool>> {
    let blank = || -> Vec<Vec<usize>> { tr.cells.iter().map(|r| vec![0; r.len()]).collect() };
    let mut in_failed = blank();
    for (i, (_, _, lhs, rhs)) in instances.iter().enumerate() {
        if verdicts[i] == Some(false) {
            lhs.iter()
                .chain(rhs)
                .for_each(|&(r, c)| in_failed[r][c] += 1);
        }
    }
    let read =
        |&(r, c): &At| matches!(tr.cells[r][c].status, CellStatus::Ok | CellStatus::Repaired);
    let mut out: Vec<Vec<bool>> = tr.cells.iter().map(|r| vec![false; r.len()]).collect();
    for (i, (_, _, lhs, rhs)) in instances.iter().enumerate() {
        let cells = || lhs.iter().chain(rhs);
        let touched = cells().filter(|&&(r, c)| in_failed[r][c] > 0).count();
        if verdicts[i] == Some(true) && touched <= 1 && cells().all(read) {
            cells().for_each(|&(r, c)| out[r][c] = true);
        }
    }
    out
}

/// One side of an identity on `tr`: the sum of its known cells, and whether every
/// cell is known.
fn side(tr: &TableResult, cells: &[At]) -> (Num, bool) {
    // One pass: the known cells summed in order (as `Num::sum` adds them).
    let (mut known, mut complete) = (Num::default(), true);
    for &(r, c) in cells {
        match tr.cells[r][c].value {
            Some(v) => known = known + v,
            None => complete = false,
        }
    }
    (known, complete)
}

/// Whether one identity instance holds on `tr` (None: unknown cells leave it open).
fn verdict(tr: &TableResult, block: &Block, lhs: &[At], rhs: &[At]) -> Option<bool> {
    let ((l, lc), (r, rc)) = (side(tr, lhs), side(tr, rhs));
    // Asked only where one side is complete and the other is not.
    let non_negative = || {
        lhs.iter()
            .chain(rhs)
            .all(|&(_, c)| block.columns[c].domain != Domain::Signed)
    };
    match (lc, rc) {
        (true, true) => Some(l == r),
        // Unknown cells can only add to their side: a complete side already smaller
        // than the other's known part cannot be made equal.
        (true, false) if r > l && non_negative() => Some(false),
        (false, true) if l > r && non_negative() => Some(false),
        _ => None,
    }
}

/// One identity applied to one row or column: (the identity's index in its table's
/// `identities`, instance index, lhs cells, rhs cells). An index, not a reference, so
/// that the instances of a table's shape can be kept from one report to the next.
pub type Instance = (usize, usize, Vec<(usize, usize)>, Vec<(usize, usize)>);

/// Every identity instance of `table` that can be formed with the rows present in `tr`
/// (an instance that needs a row the report's shape leaves out is skipped).
pub fn identity_instances(table: &Table, tr: &TableResult) -> Vec<Instance> {
    let mut out = Vec::new();
    for (k, id) in table.identities.iter().enumerate() {
        let block = &table.blocks[id.block];
        let instances: Vec<usize> = match id.over {
            Over::Rows => block
                .rows
                .clone()
                // A row not found still has its identity: it checks cells inferred for it.
                .filter(|&r| tr.rows[r] != RowPresence::Omitted)
                .collect(),
            Over::Columns => (0..block.columns.len()).collect(),
        };
        for inst in instances {
            if let (Some(lhs), Some(rhs)) = (
                cells_of(id, &id.lhs, inst, tr),
                cells_of(id, &id.rhs, inst, tr),
            ) {
                out.push((k, inst, lhs, rhs));
            }
        }
    }
    out
}

/// The (row, column) cells an identity side covers for one instance, or None when
/// a row it needs is not in this report's shape.
fn cells_of(
    id: &Identity,
    terms: &[Term],
    inst: usize,
    tr: &TableResult,
) -> Option<Vec<(usize, usize)>> {
    // Sized once: a side is built for every instance of every identity, several times
    // per table, and growing it cost more than filling it.
    let most = terms
        .iter()
        .map(|t| match t {
            Term::Item(_) => 1,
            Term::Group { members, .. } => members.len().max(1),
        })
        .sum();
    let mut out = Vec::with_capacity(most);
    for t in terms {
        match (id.over, t) {
            (Over::Rows, Term::Item(c)) => out.push((inst, *c)),
            (Over::Columns, Term::Item(r)) => {
                if tr.rows[*r] == RowPresence::Omitted {
                    return None;
                }
                out.push((*r, inst));
            }
            (Over::Columns, Term::Group { members, total }) => {
                let all_omitted = members.iter().all(|&m| tr.rows[m] == RowPresence::Omitted);
                match total {
                    Some(t) if all_omitted && tr.rows[*t] == RowPresence::Found => {
                        out.push((*t, inst))
                    }
                    _ if all_omitted => return None,
                    _ => out.extend(
                        members
                            .iter()
                            .filter(|&&m| tr.rows[m] != RowPresence::Omitted)
                            .map(|&m| (m, inst)),
                    ),
                }
            }
            (Over::Rows, Term::Group { .. }) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Complete identity sides that all agree are what propagation finds no
        /// failure in (the repairs' shortcut), and differing ones are what it does.
        #[test]
        fn complete_agreeing_sides_are_no_failure(
            which in 0usize..64,
            set in proptest::collection::vec((0usize..64, 0usize..16, 0i64..3), 0..4),
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, tr) = crate::solve::scattered(&d, which, 0, set);
            let sys = System::new(t, &tr);
            let out = sys.propagate(&grid(&tr));
            for (i, (_, _, l, r)) in sys.instances.iter().enumerate() {
                let (a, b) = (
                    crate::infer::complete_sum(&tr, l).unwrap(),
                    crate::infer::complete_sum(&tr, r).unwrap(),
                );
                proptest::prop_assert_eq!(out.failed[i], b - a != Num::default());
            }
            // So a table whose identities all hold has nothing to repair or drop.
            proptest::prop_assert_eq!(identities_hold(&tr, &sys), out.failing().is_empty());
            if identities_hold(&tr, &sys) {
                let mut changed = tr.clone();
                proptest::prop_assert!(repair_misreads_in(&mut changed, &sys, &d.lexicon).is_empty());
                proptest::prop_assert!(drop_misread_row_in(&mut changed, &sys, &d.lexicon).is_none());
            }
        }
    }
    /// Whether a table with `set` scattered over it repairs (log and cells) with cure
    /// values alone and rounds carried over as it does with `other`'s (cure values
    /// alone, rounds carried) flags.
    fn repairs_alike(
        which: usize,
        base: i64,
        set: Vec<(usize, usize, i64)>,
        other: (bool, bool),
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let d = crate::dictionary::Dictionaries::embedded().unwrap();
        let (t, tr) = crate::solve::scattered(&d, which, base, set);
        let sys = System::new(t, &tr);
        let (mut usual, mut plain) = (tr.clone(), tr);
        let log = repair(&mut usual, &sys, &d.lexicon, true, true).0;
        proptest::prop_assert_eq!(
            log,
            repair(&mut plain, &sys, &d.lexicon, other.0, other.1).0
        );
        proptest::prop_assert_eq!(usual.cells, plain.cells);
        Ok(())
    }

    /// A table with misread and unknown cells scattered over it
    /// ([`crate::solve::scattered`]) and, given `row`, one row garbled: its first
    /// cell `base`, every other `v`.
    fn with_garbled_row(
        d: &crate::dictionary::Dictionaries,
        which: usize,
        base: i64,
        set: Vec<(usize, usize, i64)>,
        row: Option<(usize, i64)>,
    ) -> (&Table, TableResult) {
        let (t, mut tr) = crate::solve::scattered(d, which, base, set);
        if let Some((r, v)) = row {
            let r = r % tr.cells.len();
            for (c, cell) in tr.cells[r].iter_mut().enumerate() {
                cell.value = Some(Num::int(if c == 0 { base } else { v }));
            }
        }
        (t, tr)
    }

    proptest::proptest! {
        /// The rows ruled out before their propagation change nothing: the row to drop
        /// is the one the search over every candidate row finds (tables with misread
        /// and unknown cells scattered, a row of them now and then).
        #[test]
        fn pruned_rows_are_never_the_misread_row(
            which in 0usize..64,
            base in 0i64..3,
            set in proptest::collection::vec((0usize..64, 0usize..16, -1i64..10), 0..8),
            row in proptest::option::of((0usize..64, 0i64..10)),
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, tr) = with_garbled_row(&d, which, base, set, row);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            let failing = sys.propagate(&g).failing();
            proptest::prop_assert_eq!(
                misread_row(&g, &failing, &sys, &d.lexicon, true),
                misread_row(&g, &failing, &sys, &d.lexicon, false)
            );
        }

        /// The repair hands the row drop the outcome of propagating the table as it
        /// leaves it: the same repairs, and the same row dropped, as the two steps
        /// run apart, each propagating afresh (misread and unknown cells scattered, a
        /// garbled row now and then).
        #[test]
        fn the_repairs_last_outcome_drops_the_row_a_fresh_one_drops(
            which in 0usize..64,
            base in 0i64..3,
            set in proptest::collection::vec((0usize..64, 0usize..16, -1i64..10), 0..8),
            row in proptest::option::of((0usize..64, 0i64..10)),
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, mut tr) = with_garbled_row(&d, which, base, set, row);
            let sys = System::new(t, &tr);
            let mut apart = tr.clone();
            let log = repair_misreads_in(&mut apart, &sys, &d.lexicon);
            let fresh = sys.propagate(&grid(&apart)).failing();
            if let (_, Some(last)) = repair(&mut tr.clone(), &sys, &d.lexicon, true, true) {
                proptest::prop_assert_eq!(last.failing(), fresh);
            }
            let dropped = drop_misread_row_in(&mut apart, &sys, &d.lexicon);
            let together = repair_then_drop_row_in(&mut tr, &sys, &d.lexicon);
            proptest::prop_assert_eq!(together, (log, dropped));
            proptest::prop_assert_eq!(tr.cells, apart.cells);
        }

        /// Taking a cell's alternatives from its cure values alone repairs what
        /// listing every plausible misread repairs (misread values scattered over
        /// tables of 0s, 1s and 10s, some cells unknown).
        #[test]
        fn cure_values_alone_repair_as_every_alternative_does(
            which in 0usize..64,
            base in proptest::sample::select(vec![0i64, 1, 10]),
            set in proptest::collection::vec(
                (0usize..64, 0usize..16, proptest::sample::select(vec![-1i64, 0, 1, 2, 3, 6, 8, 9, 10, 11, 18, 100])),
                1..6,
            ),
        ) {
            // The full list of alternatives, rounds carried over.
            repairs_alike(which, base, set, (false, true))?;
        }

        /// A known cell changed in a table whose cells are all known gives the grid
        /// and outcome that propagating the changed table afresh gives (large,
        /// negative and misread values scattered, the cell in any instance or none).
        #[test]
        fn a_changed_known_cell_is_judged_as_propagation_judges_it(
            which in 0usize..64,
            base in proptest::sample::select(vec![0i64, 1, 10, 999_999]),
            set in proptest::collection::vec(
                (0usize..64, 0usize..16, proptest::sample::select(vec![0i64, 1, 2, 9, 100, i64::MAX / 2])),
                0..6,
            ),
            at in (0usize..64, 0usize..16),
            v in proptest::sample::select(vec![-7i64, 0, 1, 3, 10, 1_000_000, i64::MAX]),
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, tr) = crate::solve::scattered(&d, which, base, set);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            proptest::prop_assert!(sys.all_known(&g));
            let r = at.0 % tr.cells.len();
            let x = (r, at.1 % tr.cells[r].len());
            let (v, touching) = (Num::int(v), sys.touching(x));
            let changed = changed_known(&sys, g.clone(), sys.propagate(&g), touching, x, v);
            let mut fresh = g;
            fresh[x.0][x.1] = Some(v);
            let out = sys.propagate(&fresh);
            let (grid, carried) = changed.unwrap();
            proptest::prop_assert_eq!(grid, fresh);
            proptest::prop_assert_eq!(carried.values, out.values);
            proptest::prop_assert_eq!(carried.failed, out.failed);
            proptest::prop_assert_eq!(carried.derived, out.derived);
        }

        /// A round after a repair of a table whose cells are all known, carried over
        /// from the round before, repairs what a round that propagates the table
        /// afresh does (misread values, some large, scattered over complete tables,
        /// several to a table so that a repair is followed by more rounds).
        #[test]
        fn carried_rounds_repair_as_fresh_ones_do(
            which in 0usize..64,
            base in proptest::sample::select(vec![0i64, 1, 10, 999_999]),
            set in proptest::collection::vec(
                (0usize..64, 0usize..16, proptest::sample::select(vec![0i64, 1, 2, 3, 6, 8, 9, 10, 11, 18, 100, 9_999_999, i64::MAX / 2])),
                1..8,
            ),
        ) {
            // Cure values alone, rounds propagated afresh.
            repairs_alike(which, base, set, (true, false))?;
        }

        /// A value is a plausible misread exactly when its written form is, negative
        /// values (told without writing them) included.
        #[test]
        fn plausible_values_are_those_written_plausible(
            read in "-?[0-9]{0,6}(\\.[0-9]{1,2})?",
            value in proptest::prop_oneof![
                -2_000_000i64..2_000_000,
                proptest::sample::select(vec![i64::MIN, -1, 0, 1, i64::MAX]),
            ],
            micro: bool,
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let value = if micro { Num::micro(value) } else { Num::int(value) };
            proptest::prop_assert_eq!(
                plausible_value(&d.lexicon, &read, value),
                d.lexicon.plausible_misread(&read, &value.to_string())
            );
        }

        /// Every misread `misread_values` lists is a plausible misread.
        #[test]
        fn listed_misreads_are_plausible(n in 0i64..100_000) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let read = n.to_string();
            for v in d.lexicon.misread_values(&read) {
                proptest::prop_assert!(plausible_value(&d.lexicon, &read, Num::int(v)), "{} {}", read, v);
            }
        }

        /// A cell's cure values taken from its failed instances' side sums are those
        /// summed afresh from the instances' other cells (large and small values
        /// scattered, a cell now and then in an instance twice).
        #[test]
        fn cure_values_from_side_sums_are_those_summed(
            which in 0usize..64,
            base in proptest::sample::select(vec![0i64, 1, 10, 999_999_999]),
            set in proptest::collection::vec(
                (0usize..64, 0usize..16, proptest::sample::select(vec![0i64, 1, 8, 100, 123_456_789_012, i64::MAX / 3, i64::MAX])),
                1..8,
            ),
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, tr) = crate::solve::scattered(&d, which, base, set);
            let sys = System::new(t, &tr);
            let base = sys.propagate(&grid(&tr));
            let sides = failed_sides(&sys, &base);
            let touching_cell = Touching::new(&sys, &tr);
            for (r, row) in tr.cells.iter().enumerate() {
                for c in 0..row.len() {
                    let (touching, ways) = sys.touching_ways((r, c));
                    // The shape's lists are those found from this table's instances.
                    proptest::prop_assert_eq!((touching, ways), touching_cell.of((r, c)));
                    proptest::prop_assert_eq!(
                        cure_values(&sys, &base, touching, ways, &sides, (r, c)),
                        cure_values_summed(&sys, &base, touching, (r, c))
                    );
                }
            }
        }

        /// A change [`breaks_held`] rules out is one propagation finds introducing a
        /// failure, over scattered tables with unknown cells and huge values.
        #[test]
        fn changes_ruled_out_by_their_sums_introduce_a_failure(
            which in 0usize..64,
            base in proptest::sample::select(vec![0i64, 1, 10, 999_999_999]),
            set in proptest::collection::vec(
                (0usize..64, 0usize..16, proptest::sample::select(vec![-1i64, 0, 1, 8, 100, i64::MAX])),
                1..8,
            ),
            at in (0usize..64, 0usize..16),
            v in proptest::sample::select(vec![0i64, 1, 2, 9, 11, 1000, i64::MAX]),
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, tr) = crate::solve::scattered(&d, which, base, set);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            let out = sys.propagate(&g);
            let r = at.0 % g.len();
            let x = (r, at.1 % g[r].len());
            let v = Num::int(v);
            if breaks_held(&sys, &g, &out, sys.touching(x), x, v) {
                let mut changed = g.clone();
                changed[x.0][x.1] = Some(v);
                let after = sys.propagate_owned(changed);
                proptest::prop_assert!((0..after.failed.len()).any(|j| after.failed[j] && !out.failed[j]));
            }
        }

        /// With every cell known, a value cures a failed identity of a cell exactly
        /// when it is one of the cell's cure values (the repairs judge no other).
        #[test]
        fn only_cure_values_cure(
            which in 0usize..64,
            set in proptest::collection::vec((0usize..64, 0usize..16, 0i64..3), 1..4),
            tried in 0i64..6,
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let (t, tr) = crate::solve::scattered(&d, which, 0, set);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            let base = sys.propagate(&g);
            proptest::prop_assert!(sys.all_known(&g));
            for (r, row) in g.iter().enumerate() {
                for c in 0..row.len() {
                    let touching = sys.touching((r, c));
                    let Some(cures) = cure_values_summed(&sys, &base, touching, (r, c)) else {
                        continue;
                    };
                    let v = Num::int(tried);
                    let cures_one = touching.iter().any(|&j| {
                        base.failed[j] && sys.judge_changed(j, &g, (r, c), v) == Some((false, true))
                    });
                    proptest::prop_assert_eq!(cures.contains(&v), cures_one, "cell {:?}", (r, c));
                }
            }
        }
    }
    use crate::dictionary::Dictionaries;
    use crate::infer::infer_from_identities;
    use crate::model::Cell;
    use crate::solve::table_of;

    #[test]
    fn an_all_zero_table_balances() {
        let d = Dictionaries::embedded().unwrap();
        for tpl in &d.templates {
            for t in &tpl.tables {
                let mut tr = table_of(|_, _| 0, t);
                let (b, review) = check_identities(&mut tr, t, &d.lexicon);
                assert_eq!((b.failed, review.len()), (0, 0), "{} {}", tpl.id, t.id);
            }
        }
    }

    #[test]
    fn the_seeds_zero_total_row_is_a_conflict_on_both_sides() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[0].table("requests").unwrap();
        let granted = t.row_index("granted").unwrap();
        let new = t.row_index("new").unwrap();
        // 一 = 2 and （一）予以公开 = 2 in 自然人 and 总计, (七)总计 all zero.
        let mut tr = table_of(
            |r, c| {
                if (r == granted || r == new) && (c == 0 || c == 6) {
                    2
                } else {
                    0
                }
            },
            t,
        );
        let (b, review) = check_identities(&mut tr, t, &d.lexicon);
        assert_eq!(
            b.failed, 4,
            "T3-sum and T3-col fail in 自然人 and 总计: {review:#?}"
        );
        assert!(review.iter().all(|r| r.problem == "identity_failed"));
        assert!(review[0].detail.contains("T3-sum"));
        assert_eq!(tr.cells[granted][0].status, CellStatus::Conflict);
        assert_eq!(tr.cells[granted][1].status, CellStatus::Ok);
    }

    #[test]
    fn a_row_of_misread_zeros_is_dropped_and_refilled_by_the_identities() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let garbled = t.row_index("results_total").unwrap() - 2;
        // An all-zero table whose one row OCR read as `0 9 9 9 9 9 9`.
        let mut tr = table_of(|r, c| if r == garbled && c > 0 { 9 } else { 0 }, t);
        let sys = System::new(t, &tr);
        let (r, read) = drop_misread_row_in(&mut tr, &sys, &d.lexicon).unwrap();
        assert_eq!((r, read.as_str()), (garbled, "0 9 9 9 9 9 9"));
        assert!(tr.cells[r].iter().all(|c| c.value.is_none()));
        infer_from_identities(&mut tr, t);
        assert!(tr.cells[r].iter().all(|c| c.value == Some(Num::int(0))));
        let (b, _) = check_identities(&mut tr, t, &d.lexicon);
        assert_eq!(b.failed, 0);
    }

    #[test]
    fn a_rule_read_as_1_among_zeros_is_dropped_but_a_0_read_for_1_is_not() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let query = t.row_index("refused_query").unwrap();
        // `0 0 0 0 0 1 0` in an all-zero table: a rule read as 1 where a 0 was lost.
        let mut tr = table_of(|r, c| i64::from(r == query && c == 5), t);
        let sys = System::new(t, &tr);
        let dropped = drop_misread_row_in(&mut tr, &sys, &d.lexicon);
        assert_eq!(dropped.map(|(r, _)| r), Some(query));
        // The other way round is no rule misread: one request in 其他, refused as a
        // 行政查询事项, whose row reads 0 there. The row stays as read.
        let (new, total) = (
            t.row_index("new").unwrap(),
            t.row_index("results_total").unwrap(),
        );
        let one = |r: usize, c: usize| i64::from([new, total, query].contains(&r) && c >= 5);
        let mut tr = table_of(one, t);
        tr.cells[query][5].value = Some(Num::int(0));
        let sys = System::new(t, &tr);
        assert!(!sys.propagate(&grid(&tr)).failing().is_empty());
        assert_eq!(drop_misread_row_in(&mut tr, &sys, &d.lexicon), None);
    }

    #[test]
    fn no_row_is_dropped_for_a_total_that_disagrees_by_more_than_a_misread_or_for_two_bad_rows() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[0].table("requests").unwrap();
        let (new, granted) = (t.row_index("new").unwrap(), t.row_index("granted").unwrap());
        // The seed: parts of 2, a printed total row of zeros (0 for 2 is no misread).
        let two = |r: usize, c: usize| (r == granted || r == new) && (c == 0 || c == 6);
        let mut tr = table_of(|r, c| if two(r, c) { 2 } else { 0 }, t);
        let sys = System::new(t, &tr);
        assert_eq!(drop_misread_row_in(&mut tr, &sys, &d.lexicon), None);
        // Two rows with 9s for zeros: no one row explains the failures.
        let mut tr = table_of(|r, c| if (r == 4 || r == 6) && c > 0 { 9 } else { 0 }, t);
        assert_eq!(drop_misread_row_in(&mut tr, &sys, &d.lexicon), None);
        assert!(tr.cells[4][1].value.is_some());
    }

    #[test]
    fn a_failed_total_marks_the_rows_that_do_not_balance_not_those_that_do() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let (granted, secret) = (
            t.row_index("granted").unwrap(),
            t.row_index("refused_secret").unwrap(),
        );
        // An all-zero table but for 予以公开's 自然人 read 4 with its row total still 0:
        // no plausible misread of 4 gives 0, so nothing is repaired.
        let mut tr = table_of(|r, c| i64::from(r == granted && c == 0) * 4, t);
        assert!(repair_misreads(&mut tr, t, &d.lexicon).is_empty());
        let (b, _) = check_identities(&mut tr, t, &d.lexicon);
        assert!(b.failed >= 2);
        // It fails its row and its column; every other cell of those is checked by an
        // identity of read values that holds (the row's 0 total by the 总计 column),
        // so the 4 alone is marked.
        assert_eq!(tr.cells[granted][0].status, CellStatus::Conflict);
        let conflicts = tr.cells.iter().flatten();
        let conflicts = conflicts
            .filter(|c| c.status == CellStatus::Conflict)
            .count();
        assert_eq!(conflicts, 1);
        assert_eq!(tr.cells[granted][6].status, CellStatus::Ok);
        assert_eq!(tr.cells[secret][0].status, CellStatus::Ok);
    }

    #[test]
    fn unknown_cells_leave_an_identity_undetermined() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("appeals").unwrap();
        let mut tr = table_of(
            |_, c| match c {
                4 => 9,
                9 => 4,
                _ => 1,
            },
            t,
        );
        tr.cells[0][0] = Cell::missing();
        let (b, _) = check_identities(&mut tr, t, &d.lexicon);
        assert_eq!((b.undetermined, b.failed, b.held), (1, 1, 1));
    }

    #[test]
    fn a_complete_side_below_the_known_part_of_the_other_fails_even_with_unknowns() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("appeals").unwrap();
        // 复议: total 0 while 结果维持 alone is 3 and 结果纠正 is unknown.
        let mut tr = table_of(|_, c| if c == 0 { 3 } else { 0 }, t);
        tr.cells[0][1] = Cell::missing();
        let (b, review) = check_identities(&mut tr, t, &d.lexicon);
        assert_eq!(b.failed, 1);
        assert!(review[0].detail.contains("or more"), "{}", review[0].detail);
        assert_eq!(tr.cells[0][1].status, CellStatus::Missing);
        assert_eq!(tr.cells[0][0].status, CellStatus::Conflict);
    }

    #[test]
    fn one_misread_digit_that_explains_every_failure_is_repaired() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let total = t.row_index("results_total").unwrap();
        let mut tr = table_of(|_, _| 0, t);
        // （七）总计 社会公益组织 printed 0, read 8: T3-row, T3-sum and T3-col all fail.
        tr.cells[total][3].value = Some(Num::int(8));
        let log = repair_misreads(&mut tr, t, &d.lexicon);
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(
            (tr.cells[total][3].value, tr.cells[total][3].status),
            (Some(Num::int(0)), CellStatus::Repaired)
        );
        assert_eq!(check_identities(&mut tr, t, &d.lexicon).0.failed, 0);
    }

    #[test]
    fn a_misread_beside_a_lost_row_is_repaired_and_the_row_recovered() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (lost, granted) = (r("refused_secret"), r("granted"));
        let mut tr = table_of(|_, _| 0, t);
        for c in 0..7 {
            tr.cells[lost][c] = Cell::missing();
        }
        // 科研机构 of （一） printed 0, read 8: its row total fails, and its column
        // would need -8 in the lost row.
        tr.cells[granted][2].value = Some(Num::int(8));
        let log = repair_misreads(&mut tr, t, &d.lexicon);
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(tr.cells[granted][2].value, Some(Num::int(0)));
        assert_eq!(infer_from_identities(&mut tr, t).len(), 7);
        assert_eq!(check_identities(&mut tr, t, &d.lexicon).0.failed, 0);
    }

    #[test]
    fn a_change_that_explains_only_part_of_a_failure_still_counts_as_a_rival() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (new, partial, petition, total) = (
            r("new"),
            r("partial"),
            r("not_processed_petition"),
            r("results_total"),
        );
        // 8 requests from 其他, partly granted. Misread: （二） 自然人 0→8 and 信访举报
        // 其他 0→8, and 信访举报 自然人 reads 1. Changing （二） 其他 8→0 balances its
        // row and its column; the true repair, （二） 自然人 8→0, balances the row but
        // leaves 自然人 failing. Two explanations of the row: neither is made.
        let mut tr = table_of(
            |row, c| match (row, c) {
                (x, 5 | 6) if x == new || x == partial || x == total => 8,
                _ => 0,
            },
            t,
        );
        tr.cells[partial][0].value = Some(Num::int(8));
        tr.cells[petition][5].value = Some(Num::int(8));
        tr.cells[petition][0].value = Some(Num::int(1));
        let log = repair_misreads(&mut tr, t, &d.lexicon);
        assert_eq!(tr.cells[partial][5].value, Some(Num::int(8)), "{log:?}");
        assert_eq!(tr.cells[partial][5].status, CellStatus::Ok);
    }

    #[test]
    fn a_dropped_or_doubled_digit_is_repaired() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (new, granted, total) = (r("new"), r("granted"), r("results_total"));
        // 10 requests from people, all granted.
        let ten = |row, c| {
            i64::from((row == new || row == granted || row == total) && (c == 0 || c == 6)) * 10
        };
        for (read, why) in [(1, "a dropped 0"), (100, "a doubled 0")] {
            let mut tr = table_of(ten, t);
            tr.cells[granted][0].value = Some(Num::int(read));
            let log = repair_misreads(&mut tr, t, &d.lexicon);
            assert_eq!(log.len(), 1, "{why}: {log:?}");
            assert_eq!(tr.cells[granted][0].value, Some(Num::int(10)), "{why}");
            assert_eq!(tr.cells[granted][0].status, CellStatus::Repaired);
        }
    }

    #[test]
    fn two_equally_good_repairs_mean_no_repair() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("appeals").unwrap();
        // 复议: 1 + 0 + 0 + 0 but 总计 7. Either 总计 7→1 or 结果维持 1→7 explains it.
        let mut tr = table_of(
            |_, c| match c {
                0 => 1,
                4 => 7,
                _ => 0,
            },
            t,
        );
        assert!(repair_misreads(&mut tr, t, &d.lexicon).is_empty());
        assert_eq!(tr.cells[0][4].value, Some(Num::int(7)));
        let (b, review) = check_identities(&mut tr, t, &d.lexicon);
        assert_eq!(b.failed, 1);
        // Both explanations go to the person checking, neither is applied.
        let detail = &review[0].detail;
        assert!(
            detail.contains("candidate fixes") && detail.contains("总计 7→1"),
            "{detail}"
        );
        assert!(detail.contains("结果维持 1→7"), "{detail}");
    }
}
