//! Row completion from the row identities: cells of one row → the cells the row's own
//! identities determine.
//!
//! Takes the values read for one row (some positions unknown, or a run shorter than
//! the row whose positions are unknown) and the identities that hold along the row
//! (总计 = the cells before it), gives the full row when, and only when, every way of
//! reading it that the identities and the domains allow gives the same values. A
//! blank beside a total that already equals the sum of the rest is a 0; a run of six
//! zeros in a seven-column row is seven zeros. Anything less certain is left unknown.

use crate::cell_text::CellText;
use crate::dictionary::{Domain, Over, Table, Term};
use crate::model::{Cell, CellStatus, Correction, TableResult};
use crate::numbers::Num;
use crate::solve::{grid, Grid, Outcome, RowTrials, System};

/// Placements of a short run tried at most; beyond it the row is left unknown.
const MAX_PLACEMENTS: usize = 5000;

/// One identity along a row: Σ lhs columns = Σ rhs columns.
#[derive(Clone, Debug)]
pub struct RowIdentity {
    lhs: Vec<usize>,
    rhs: Vec<usize>,
}

impl RowIdentity {
    /// The columns summed on the left.
    pub fn lhs(&self) -> &[usize] {
        &self.lhs
    }

    /// The columns summed on the right.
    pub fn rhs(&self) -> &[usize] {
        &self.rhs
    }
}

/// The identities that hold along every row of `block` of `table`.
pub fn row_identities(table: &Table, block: usize) -> Vec<RowIdentity> {
    let items = |terms: &[Term]| -> Option<Vec<usize>> {
        terms
            .iter()
            .map(|t| match t {
                Term::Item(c) => Some(*c),
                Term::Group { .. } => None,
            })
            .collect()
    };
    table
        .identities
        .iter()
        .filter(|id| id.over == Over::Rows && id.block == block)
        .filter_map(|id| {
            Some(RowIdentity {
                lhs: items(&id.lhs)?,
                rhs: items(&id.rhs)?,
            })
        })
        .collect()
}

/// Fills what the identities force. None when the known values already contradict
/// them (that is for reconciliation to report, not for this step to mend).
pub fn complete(
    values: &[Option<Num>],
    ids: &[RowIdentity],
    domains: &[Domain],
) -> Option<Vec<Option<Num>>> {
    let mut v = values.to_vec();
    let non_negative = |c: usize| domains.get(c).is_some_and(|d| *d != Domain::Signed);
    loop {
        let mut changed = false;
        for id in ids {
            let known = |cs: &[usize], v: &[Option<Num>]| Num::sum(cs.iter().filter_map(|&c| v[c]));
            // What the unknown cells of the lhs must sum to, minus those of the rhs.
            let need = known(&id.rhs, &v) - known(&id.lhs, &v);
            let unknown_l: Vec<usize> =
                id.lhs.iter().copied().filter(|&c| v[c].is_none()).collect();
            let unknown_r: Vec<usize> =
                id.rhs.iter().copied().filter(|&c| v[c].is_none()).collect();
            match (unknown_l.as_slice(), unknown_r.as_slice()) {
                ([], []) if need != Num::default() => return None,
                ([], []) => {}
                ([c], []) => {
                    if non_negative(*c) && need.is_negative() {
                        return None;
                    }
                    v[*c] = Some(need);
                    changed = true;
                }
                ([], [c]) => {
                    let value = Num::default() - need;
                    if non_negative(*c) && value.is_negative() {
                        return None;
                    }
                    v[*c] = Some(value);
                    changed = true;
                }
                (side, []) | ([], side) => {
                    // Several unknowns on one side: only their sum is known. Zero (or a
                    // negative sum) settles non-negative cells.
                    let sum = if unknown_r.is_empty() {
                        need
                    } else {
                        Num::default() - need
                    };
                    if side.iter().all(|&c| non_negative(c)) {
                        if sum.is_negative() {
                            return None;
                        }
                        if sum == Num::default() {
                            side.iter().for_each(|&c| v[c] = Some(Num::default()));
                            changed = true;
                        }
                    }
                }
                _ => {}
            }
        }
        if !changed {
            return Some(v);
        }
    }
}

/// Places a run of `read` values that is shorter than the `n` columns. Some(row) when
/// every placement the identities allow is complete, fills the lost cells with 0 (a
/// lost cell is a blank that OCR dropped; a run that needs a non-zero lost cell more
/// likely misread a number, and is left alone) and all give the same row.
pub fn place_short_run(
    read: &[Num],
    n: usize,
    ids: &[RowIdentity],
    domains: &[Domain],
) -> Option<Vec<Num>> {
    let k = read.len();
    if k > n || ids.is_empty() {
        return None;
    }
    let mut positions: Vec<usize> = (0..k).collect();
    let mut answer: Option<Vec<Num>> = None;
    let mut tried = 0;
    loop {
        tried += 1;
        if tried > MAX_PLACEMENTS {
            return None;
        }
        let mut v = vec![None; n];
        for (i, &p) in positions.iter().enumerate() {
            v[p] = Some(read[i]);
        }
        let gaps: Vec<usize> = (0..n).filter(|c| v[*c].is_none()).collect();
        let filled = complete(&v, ids, domains).filter(|f| {
            gaps.iter()
                .all(|&c| f[c].is_none_or(|x| x == Num::default()))
        });
        if let Some(filled) = filled {
            let row: Option<Vec<Num>> = filled.into_iter().collect();
            match (row, &answer) {
                (None, _) => return None,
                (Some(r), None) => answer = Some(r),
                (Some(r), Some(a)) if &r == a => {}
                (Some(_), Some(_)) => return None,
            }
        }
        if !next_combination(&mut positions, n) {
            return answer;
        }
    }
}

/// Blank cells of a source that leaves a cell empty for 0 (an HTML table): in each row
/// whose own identities hold with its blanks read as 0, they become 0 (`inferred`,
/// logged). A row that would not balance keeps its blanks unknown: there the blank is
/// an unfilled cell (an unwritten 总计), not a 0.
pub fn zero_blanks(tr: &mut TableResult, table: &Table) -> Vec<Correction> {
    let mut log = Vec::new();
    for r in 0..table.rows.len() {
        let blank: Vec<usize> = (0..tr.cells[r].len())
            .filter(|&c| tr.cells[r][c].value.is_none() && tr.cells[r][c].raw.is_empty())
            .collect();
        if blank.is_empty() || tr.rows[r] != crate::model::RowPresence::Found {
            continue;
        }
        let ids = row_identities(table, table.rows[r].block);
        let row: Vec<Num> = tr.cells[r]
            .iter()
            .map(|c| c.value.unwrap_or_default())
            .collect();
        let unknown_elsewhere = tr.cells[r]
            .iter()
            .enumerate()
            .any(|(c, cell)| cell.value.is_none() && !blank.contains(&c));
        let balances = ids.iter().all(|id| {
            Num::sum(id.lhs.iter().map(|&c| row[c])) == Num::sum(id.rhs.iter().map(|&c| row[c]))
        });
        if ids.is_empty() || unknown_elsewhere || !balances {
            continue;
        }
        for c in blank {
            let cell = &mut tr.cells[r][c];
            cell.value = Some(Num::default());
            cell.status = CellStatus::Inferred;
            log.push(Correction {
                line: cell.line.unwrap_or(0),
                kind: "inference",
                before: String::new(),
                after: "0".into(),
                score: 1.0,
                method: "blank_as_zero",
            });
        }
    }
    log
}

/// A run of values read for a row, shorter than the row, that the row's own
/// identities could not place: left for the whole table's identities.
#[derive(Clone, Debug)]
pub struct ShortRun {
    /// The template row.
    pub row: usize,
    /// The values, in the order read (empty when a token reads as no number).
    pub values: Vec<Num>,
    /// Whole-row readings of digits that ran together ([`crate::split::cut_runs`]).
    pub readings: Vec<Vec<Num>>,
    /// The values in their columns, where the line shows where each stands (cells
    /// OCR turned into glyphs keep the others in place): then the run's one way to
    /// be placed. None when only their order is known.
    pub columns: Option<Row>,
    /// Other readings of `columns` in which a number's leading `1` that touches a
    /// table rule is taken for the rule's other half (`80|120|` for 80 and 20): tried
    /// only when the run as read contradicts the table.
    pub ruled: Vec<Row>,
    /// 1-based line of the run.
    pub line: usize,
    /// The run as read.
    pub raw: String,
}

/// Places short runs by every identity of the table: a run is placed when exactly
/// one way of putting its values into the row's columns (in order), or one of its
/// readings as cells that ran together, leaves the table free of new contradictions,
/// or when every such way gives the row the same values once the identities have
/// filled its gaps. Placed values are `inferred`; gaps stay
/// unknown for reconciliation. Returns the log and the rows placed.
pub fn place_by_table(
    tr: &mut TableResult,
    table: &Table,
    runs: &[ShortRun],
) -> (Vec<Correction>, Vec<usize>) {
    place_by_table_in(tr, &System::new(table, tr), runs)
}

/// [`place_by_table`] with the table's system already built for `tr`.
pub fn place_by_table_in(
    tr: &mut TableResult,
    sys: &System,
    runs: &[ShortRun],
) -> (Vec<Correction>, Vec<usize>) {
    place_by_table_noting(tr, sys, runs, &mut Readings::default())
}

/// The consistent readings of each run of a table (by its place among the runs) as
/// last worked out, with the grid they were worked out on: [`give_unconfirmed_from`]
/// takes them up where the table has not changed since [`place_by_table_noting`]
/// judged the run, instead of propagating every placement again.
#[derive(Default)]
pub struct Readings(Vec<Option<(Grid, Option<Vec<Reading>>)>>);

impl Readings {
    fn note(&mut self, k: usize, grid: Grid, readings: Option<Vec<Reading>>) {
        if self.0.len() <= k {
            self.0.resize_with(k + 1, || None);
        }
        self.0[k] = Some((grid, readings));
    }

    /// The readings of run `k` noted on a grid equal to `grid`, taken out.
    fn take(&mut self, k: usize, grid: &Grid) -> Option<Option<Vec<Reading>>> {
        let slot = self.0.get_mut(k)?;
        match slot {
            Some((noted, _)) if noted == grid => slot.take().map(|(_, readings)| readings),
            _ => None,
        }
    }
}

/// [`place_by_table_in`], noting in `noted` the readings it works out.
pub fn place_by_table_noting(
    tr: &mut TableResult,
    sys: &System,
    runs: &[ShortRun],
    noted: &mut Readings,
) -> (Vec<Correction>, Vec<usize>) {
    let mut log = Vec::new();
    let mut placed = Vec::new();
    loop {
        let mut progress = false;
        for (k, run) in runs.iter().enumerate() {
            if placed.contains(&run.row) || tr.cells[run.row].iter().any(|c| c.value.is_some()) {
                continue;
            }
            let grid = grid(tr);
            let base = sys.propagate(&grid);
            let readings = consistent_readings(sys, &grid, &base, run);
            let one = readings
                .as_deref()
                .and_then(|readings| one_reading(sys, &grid, &base, run, readings));
            noted.note(k, grid, readings);
            let Some((row, method)) = one else {
                continue;
            };
            log.push(Correction {
                line: run.line,
                kind: "inference",
                before: run.raw.clone(),
                after: row
                    .iter()
                    .map(|v| v.map_or("?".into(), |v| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(" "),
                // Reading a digit as a rule is a repair of what was read, not only
                // a placement of it.
                score: if method == "rule_read_as_one" {
                    0.9
                } else {
                    1.0
                },
                method,
            });
            for (cell, v) in tr.cells[run.row].iter_mut().zip(row) {
                if let Some(v) = v {
                    *cell = Cell {
                        value: Some(v),
                        status: CellStatus::Inferred,
                        line: Some(run.line),
                        raw: run.raw.as_str().into(),
                    };
                }
            }
            placed.push(run.row);
            progress = true;
        }
        if !progress {
            return (log, placed);
        }
    }
}

/// Gives the cells that short runs read and that reconciliation left unknown their
/// values as read, `unconfirmed`: a damaged line's counts in their columns
/// ([`ShortRun::columns`]), and the values of a run that lost cells, where the table
/// allows one way to place them (or every way it allows puts them in the same
/// cells) but no identity checks them all (`1 0 0 0` for `1 0 0 0 0 0 1`, its 0s known
/// from the column totals). A count on such a line
/// may be misread, but it is what the report printed there, and a reader is better
/// served by it flagged than by a blank. Run after every identity is checked, so that
/// no inference rests on these values. Returns the runs without known columns that
/// gave values (their rows' review items still say they were left missing).
pub fn give_unconfirmed<'r>(
    tr: &mut TableResult,
    sys: &System,
    runs: &'r [ShortRun],
) -> Vec<&'r ShortRun> {
    give_unconfirmed_from(tr, sys, runs, &mut Readings::default()).0
}

/// [`give_unconfirmed`] with the readings [`place_by_table_noting`] noted (a run's
/// are taken up where the table is as they were worked out on), and whether any cell
/// was given.
pub fn give_unconfirmed_from<'r>(
    tr: &mut TableResult,
    sys: &System,
    runs: &'r [ShortRun],
    noted: &mut Readings,
) -> (Vec<&'r ShortRun>, bool) {
    let mut placed_in_order = Vec::new();
    let mut any = false;
    for (k, run) in runs.iter().enumerate() {
        if tr.cells.get(run.row).is_none() {
            continue;
        }
        let read = match &run.columns {
            Some(read) => read.clone(),
            // A row that a line filled is settled; one the identities filled in part
            // is not (`1 0 0 0` where they gave the 0s).
            None if tr.cells[run.row].iter().all(|c| {
                c.value.is_none() || c.status == CellStatus::Inferred && c.line.is_none()
            }) =>
            {
                let grid = grid(tr);
                let readings = match noted.take(k, &grid) {
                    Some(readings) => readings,
                    None => consistent_readings(sys, &grid, &sys.propagate(&grid), run),
                };
                match readings.as_deref() {
                    Some([first, rest @ ..]) => agreed(&first.0, rest),
                    _ => continue,
                }
            }
            None => continue,
        };
        let mut gave = false;
        for (cell, v) in tr.cells[run.row].iter_mut().zip(&read) {
            if let (None, Some(v)) = (cell.value, v) {
                *cell = Cell {
                    value: Some(*v),
                    status: CellStatus::Unconfirmed,
                    line: Some(run.line),
                    raw: run.raw.as_str().into(),
                };
                gave = true;
            }
        }
        any |= gave;
        if gave && run.columns.is_none() {
            placed_in_order.push(run);
        }
    }
    (placed_in_order, any)
}

/// Fills the cells that the identities determine once the `unconfirmed` values are
/// taken as read (`3 0 1 1 局` gives 局 = 5 from the unconfirmed 3, 1, 1), as
/// `unconfirmed` too, each logged: they are no surer than the values they rest on.
pub fn infer_unconfirmed(tr: &mut TableResult, sys: &System) -> Vec<Correction> {
    let any = tr
        .cells
        .iter()
        .flatten()
        .any(|c| c.status == CellStatus::Unconfirmed);
    infer_unconfirmed_if(tr, sys, any)
}

/// [`infer_unconfirmed`] where the caller knows whether any cell is `unconfirmed`
/// (`any`): with none there is nothing to infer from.
pub fn infer_unconfirmed_if(tr: &mut TableResult, sys: &System, any: bool) -> Vec<Correction> {
    if !any {
        return Vec::new();
    }
    let out = sys.propagate_owned(grid(tr));
    let mut log = Vec::new();
    for (r, row) in tr.cells.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            let (None, Some(v)) = (cell.value, out.values[r][c]) else {
                continue;
            };
            if sys.touching((r, c)).iter().any(|&j| out.failed[j]) {
                continue;
            }
            log.push(Correction {
                line: 0,
                kind: "inference",
                before: String::new(),
                after: v.to_string(),
                score: 0.5,
                method: "unconfirmed_inference",
            });
            *cell = Cell {
                value: Some(v),
                status: CellStatus::Unconfirmed,
                line: None,
                raw: CellText::default(),
            };
        }
    }
    log
}

/// The cells that every reading places the same read value in (`1 0 0 0` before
/// five known 0s: the 1 is the first cell's in all of them, each 0 in some).
fn agreed(first: &Row, rest: &[Reading]) -> Row {
    first
        .iter()
        .enumerate()
        .map(|(c, v)| v.filter(|_| rest.iter().all(|r| r.0[c] == *v)))
        .collect()
}

/// Runs of a source whose cells are glued as a rule (a crawler dump): a run that its
/// row's identities cut exactly one way is taken as that cut (`repaired`, method
/// `split`) before the table is consulted, so that a table that does not balance as
/// published shows as a conflict rather than as cells left unknown.
pub fn take_unique_cuts(tr: &mut TableResult, runs: &[ShortRun]) -> (Vec<Correction>, Vec<usize>) {
    let mut log = Vec::new();
    let mut taken = Vec::new();
    for run in runs {
        let [row] = run.readings.as_slice() else {
            continue;
        };
        if tr.cells[run.row].iter().any(|c| c.value.is_some()) {
            continue;
        }
        log.push(Correction {
            line: run.line,
            kind: "value",
            before: run.raw.clone(),
            after: row.iter().map(Num::to_string).collect::<Vec<_>>().join(" "),
            score: 0.9,
            method: "split",
        });
        for (cell, &v) in tr.cells[run.row].iter_mut().zip(row) {
            *cell = Cell {
                value: Some(v),
                status: CellStatus::Repaired,
                line: Some(run.line),
                raw: run.raw.as_str().into(),
            };
        }
        taken.push(run.row);
    }
    (log, taken)
}

/// One row's cells, `None` unknown.
pub type Row = Vec<Option<Num>>;

/// Every way to put `run` into a row of `n` cells, with how each reads it: its
/// values in order in any `k` of the columns (`table_identity_placement`), then each
/// reading of cells that ran together (`split`). None when there are too many.
pub fn ways_to_place(run: &ShortRun, n: usize) -> Option<Vec<(Row, &'static str)>> {
    if let Some(row) = &run.columns {
        return Some(vec![(row.clone(), "table_identity_placement")]);
    }
    let k = run.values.len();
    // A run with too many placements is told from their count, before any is built
    // (they were built up to the limit, each a row, and then thrown away).
    if combinations_exceed(n, k, MAX_PLACEMENTS) {
        return None;
    }
    let mut ways = Vec::new();
    let mut positions: Vec<usize> = (0..k).collect();
    if k > 0 && k <= n {
        loop {
            if ways.len() >= MAX_PLACEMENTS {
                return None;
            }
            let mut placed = vec![None; n];
            for (i, &p) in positions.iter().enumerate() {
                placed[p] = Some(run.values[i]);
            }
            ways.push((placed, "table_identity_placement"));
            if !next_combination(&mut positions, n) {
                break;
            }
        }
    }
    for row in &run.readings {
        ways.push((row.iter().copied().map(Some).collect(), "split"));
    }
    Some(ways)
}

/// Whether there are more than `max` ways to choose `k` of `n` columns (none when
/// `k` is 0 or above `n`, as [`ways_to_place`] makes them).
fn combinations_exceed(n: usize, k: usize, max: usize) -> bool {
    if k == 0 || k > n {
        return false;
    }
    // C(n, i) grows with i up to n / 2, so past `max` on the way to the smaller of
    // k and n - k it stays past it; each step's quotient is exact.
    let (k, mut c) = (k.min(n - k), 1u128);
    for i in 0..k {
        c = c * (n - i) as u128 / (i + 1) as u128;
        if c > max as u128 {
            return true;
        }
    }
    // The one way of choosing all or none of the rest, past a `max` of 0.
    c > max as u128
}

/// One way the table allows a run to be read: the values as placed, the row once
/// the identities filled its gaps, how it was read, and whether an identity checks
/// every count placed.
type Reading = (Row, Row, &'static str, bool);

/// Every reading of `run` that adds no failed identity to `base`; a run's readings
/// with its rules ([`ShortRun::ruled`]) only when none as read is consistent. None
/// when the run has too many ways to place.
fn consistent_readings(
    sys: &System,
    grid: &Grid,
    base: &Outcome,
    run: &ShortRun,
) -> Option<Vec<Reading>> {
    let n = grid[run.row].len();
    let mut readings = Vec::new();
    let mut trials = RowTrials::new(grid, run.row);
    let mut judge = |placed: Row, how: &'static str| {
        let out = trials.try_row(sys, &placed);
        let contradicts = out.breaks_beyond(base);
        // A value read on a line that lost cells may itself be misread (94 read as
        // 9): each placed count must be checked by an identity it did not help force.
        // A read 0 is what such lines keep best (it is what they mostly lose, too).
        let checked = placed.iter().enumerate().all(|(p, v)| {
            v.is_none_or(|v| v == Num::default())
                || sys
                    .touching((run.row, p))
                    .iter()
                    .any(|&j| out.checks(sys, j))
        });
        (!contradicts).then(|| (placed, out.values[run.row].clone(), how, checked))
    };
    for (placed, how) in ways_to_place(run, n)? {
        readings.extend(judge(placed, how));
    }
    if readings.is_empty() {
        for placed in &run.ruled {
            readings.extend(judge(placed.clone(), "rule_read_as_one"));
        }
    }
    Some(readings)
}

/// The row `run` gives when the table allows one reading of it (gaps as `None`), and
/// how it was read (`table_identity_placement`, or `split` for a value cut in two);
/// `readings` are its [`consistent_readings`] on `grid`.
fn one_reading(
    sys: &System,
    grid: &Grid,
    base: &Outcome,
    run: &ShortRun,
    readings: &[Reading],
) -> Option<(Row, &'static str)> {
    // Every consistent reading is a possibility, checked or not: leaving an unchecked
    // one out would favour readings that let the identities force more.
    if !readings.iter().all(|r| r.3) {
        return match (readings, &run.columns) {
            ([(placed, _, how, _)], Some(_)) => checked_part(sys, grid, base, run.row, placed, how),
            _ => None,
        };
    }
    match readings {
        [(placed, _, how, _)] => Some((placed.clone(), how)),
        [(_, first, _, _), rest @ ..]
            if first.iter().all(Option::is_some) && rest.iter().all(|(_, f, _, _)| f == first) =>
        {
            Some((first.clone(), "table_identity_placement"))
        }
        _ => None,
    }
}

/// Of a row whose columns are known (a line that kept every cell, some unreadable),
/// the zeros and the counts an identity of read and placed cells checks, when they
/// break nothing: the counts nothing checks stay unknown, not the whole row.
fn checked_part(
    sys: &System,
    grid: &Grid,
    base: &Outcome,
    r: usize,
    placed: &Row,
    how: &'static str,
) -> Option<(Row, &'static str)> {
    let mut g = grid.clone();
    g[r] = placed.clone();
    let part: Row = placed
        .iter()
        .enumerate()
        .map(|(c, v)| {
            v.filter(|&v| {
                v == Num::default()
                    || sys
                        .touching((r, c))
                        .iter()
                        .any(|&j| sys.holds(j, &g) == Some(true))
            })
        })
        .collect();
    if part.iter().all(Option::is_none) {
        return None;
    }
    g[r] = part.clone();
    let out = sys.propagate(&g);
    let contradicts = out.breaks_beyond(base);
    (!contradicts).then_some((part, how))
}

/// A run that read `values` in order on (1-based) `line`, nothing else known: the
/// start of placement tests.
#[cfg(test)]
pub(crate) fn short_run(row: usize, values: &[i64], line: usize) -> ShortRun {
    ShortRun {
        row,
        values: values.iter().map(|&v| Num::int(v)).collect(),
        readings: Vec::new(),
        columns: None,
        ruled: Vec::new(),
        line,
        raw: values
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Advances `pos` (strictly increasing, values below `n`) to the next combination.
pub(crate) fn next_combination(pos: &mut [usize], n: usize) -> bool {
    let k = pos.len();
    for i in (0..k).rev() {
        if pos[i] < n - k + i {
            pos[i] += 1;
            for j in i + 1..k {
                pos[j] = pos[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use proptest::prelude::*;

    /// The combinations [`next_combination`] walks, counted one by one up to `cap`.
    fn combinations_walked(n: usize, k: usize, cap: usize) -> usize {
        if k == 0 || k > n {
            return 0;
        }
        let mut pos: Vec<usize> = (0..k).collect();
        let mut count = 1;
        while count < cap && next_combination(&mut pos, n) {
            count += 1;
        }
        count
    }

    proptest! {
        #[test]
        fn too_many_combinations_are_told_from_their_count(
            n in 0usize..70,
            k in 0usize..72,
            max in prop_oneof![0usize..40, Just(MAX_PLACEMENTS), 0usize..12_000],
        ) {
            prop_assert_eq!(
                combinations_exceed(n, k, max),
                combinations_walked(n, k, max + 1) > max
            );
        }
    }

    fn requests_ids() -> (Vec<RowIdentity>, Vec<Domain>) {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[0].table("requests").unwrap();
        (
            row_identities(t, 0),
            t.blocks[0].columns.iter().map(|c| c.domain).collect(),
        )
    }

    fn nums(v: &[i64]) -> Vec<Num> {
        v.iter().map(|&x| Num::int(x)).collect()
    }

    #[test]
    fn blanks_beside_a_total_that_already_balances_are_zero() {
        let (ids, dom) = requests_ids();
        let row = |xs: [Option<i64>; 7]| xs.map(|x| x.map(Num::int));
        let v = row([Some(2), None, Some(0), None, None, None, Some(2)]);
        let got = complete(&v, &ids, &dom).unwrap();
        assert!(got.iter().all(|x| x.is_some()));
        assert_eq!(got[1], Some(Num::int(0)));
        // One blank and a total that does not balance: the blank is the difference.
        let v = row([Some(2), None, Some(0), Some(0), Some(0), Some(0), Some(5)]);
        assert_eq!(complete(&v, &ids, &dom).unwrap()[1], Some(Num::int(3)));
        // Two blanks that must share 3: left unknown.
        let v = row([Some(2), None, None, Some(0), Some(0), Some(0), Some(5)]);
        let got = complete(&v, &ids, &dom).unwrap();
        assert_eq!((got[1], got[2]), (None, None));
        // Known cells that already exceed the total: a contradiction, not a repair.
        let v = row([Some(9), None, Some(0), Some(0), Some(0), Some(0), Some(5)]);
        assert!(complete(&v, &ids, &dom).is_none());
    }

    #[test]
    fn a_short_run_is_placed_only_when_every_placement_agrees() {
        let (ids, dom) = requests_ids();
        assert_eq!(
            place_short_run(&nums(&[0, 0, 0, 0, 0, 0]), 7, &ids, &dom),
            Some(nums(&[0; 7]))
        );
        // 1 … 1 could be 自然人 or 商业企业: two rows, so no answer.
        assert_eq!(
            place_short_run(&nums(&[1, 0, 0, 0, 0, 1]), 7, &ids, &dom),
            None
        );
        // 6 0 0 3 0 7 fits only as a total of 16: a lost digit, not a lost blank.
        assert_eq!(
            place_short_run(&nums(&[6, 0, 0, 3, 0, 7]), 7, &ids, &dom),
            None
        );
        // Without identities nothing is placed.
        assert_eq!(place_short_run(&nums(&[0, 0]), 3, &[], &dom), None);
    }

    fn one_request_granted(t: &Table) -> TableResult {
        let r = |id: &str| t.row_index(id).unwrap();
        let ones = [r("new"), r("granted"), r("results_total")];
        crate::solve::table_of(
            |row, c| i64::from(ones.contains(&row) && (c == 0 || c == 6)),
            t,
        )
    }

    #[test]
    fn a_short_run_goes_where_the_column_totals_allow_it() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let granted = t.row_index("granted").unwrap();
        let mut tr = one_request_granted(t);
        // OCR kept `1 1` of `1 0 0 0 0 0 1`: every column but 自然人 and 总计 sums to 0.
        tr.cells[granted] = vec![Cell::missing(); 7];
        let run = short_run(granted, nums(&[1, 1]), Vec::new(), "1 1");
        let (log, placed) = place_by_table(&mut tr, t, &[run]);
        assert_eq!(placed, [granted]);
        assert_eq!(log[0].method, "table_identity_placement");
        let got: Vec<Option<Num>> = tr.cells[granted].iter().map(|c| c.value).collect();
        assert_eq!(got[0], Some(Num::int(1)));
        assert_eq!(got[6], Some(Num::int(1)));
        assert_eq!(tr.cells[granted][0].status, CellStatus::Inferred);
    }

    #[test]
    fn a_run_the_table_places_one_way_but_nothing_checks_is_unconfirmed() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (granted, new, total) = (r("granted"), r("new"), r("results_total"));
        let mut tr = one_request_granted(t);
        // `1 0 0 0 0 0` of `1 0 0 0 0 0 1`, with 自然人 and 总计 lost in every row that
        // could check it: the 0s can only be the five 法人 columns, but no identity
        // confirms the 1.
        tr.cells[granted] = vec![Cell::missing(); 7];
        for row in [new, total] {
            tr.cells[row][0] = Cell::missing();
            tr.cells[row][6] = Cell::missing();
        }
        let run = short_run(
            granted,
            nums(&[1, 0, 0, 0, 0, 0]),
            Vec::new(),
            "1 0 0 0 0 0",
        );
        let sys = System::new(t, &tr);
        let (_, placed) = place_by_table_in(&mut tr, &sys, std::slice::from_ref(&run));
        assert!(placed.is_empty());
        give_unconfirmed(&mut tr, &sys, std::slice::from_ref(&run));
        let cell = &tr.cells[granted][0];
        assert_eq!(
            (cell.value, cell.status),
            (Some(Num::int(1)), CellStatus::Unconfirmed)
        );
        assert!(tr.cells[granted][1..6]
            .iter()
            .all(|c| c.value == Some(Num::int(0)) && c.status == CellStatus::Unconfirmed));
        // The total is not read: it stays unknown.
        assert_eq!(tr.cells[granted][6].value, None);
        // `1 1` could be any of several columns' pairs: nothing is given.
        let mut tr = one_request_granted(t);
        tr.cells[granted] = vec![Cell::missing(); 7];
        for row in [new, total] {
            tr.cells[row] = vec![Cell::missing(); 7];
        }
        let run = short_run(granted, nums(&[1, 1]), Vec::new(), "1 1");
        let sys = System::new(t, &tr);
        give_unconfirmed(&mut tr, &sys, std::slice::from_ref(&run));
        assert!(tr.cells[granted].iter().all(|c| c.value.is_none()));
    }

    /// A table of the `requests` template with the cells `values` gives (the rows of
    /// `blank` missing in `lost` columns, row `row` missing whole) and a run that read
    /// `kept` of that row's values in order.
    fn with_run(
        values: &[i64],
        row: usize,
        kept: &[bool],
        blank: &[(usize, usize)],
    ) -> (&'static Table, TableResult, ShortRun) {
        static DICT: std::sync::OnceLock<Dictionaries> = std::sync::OnceLock::new();
        let d = DICT.get_or_init(|| Dictionaries::embedded().unwrap());
        let t = d.templates[1].table("requests").unwrap();
        let mut tr = crate::solve::table_of(|r, c| values[(r * 7 + c) % values.len()], t);
        let row = row % tr.cells.len();
        let read: Vec<Num> = tr.cells[row]
            .iter()
            .zip(kept.iter().cycle())
            .filter(|(_, &k)| k)
            .filter_map(|(c, _)| c.value)
            .collect();
        tr.cells[row] = vec![Cell::missing(); tr.cells[row].len()];
        for &(r, c) in blank {
            let r = r % tr.cells.len();
            if let Some(cell) = tr.cells[r].get_mut(c) {
                *cell = Cell::missing();
            }
        }
        let raw = read
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        (t, tr, short_run(row, read, Vec::new(), &raw))
    }

    proptest! {
        #[test]
        fn noted_readings_give_what_fresh_ones_give(
            values in prop::collection::vec(0i64..4, 1..30),
            row in 0usize..40,
            kept in prop::collection::vec(any::<bool>(), 7),
            blank in prop::collection::vec((0usize..40, 0usize..7), 0..12),
            changed in prop::option::of((0usize..40, 0usize..7, 0i64..3)),
        ) {
            let (t, tr, run) = with_run(&values, row, &kept, &blank);
            let runs = std::slice::from_ref(&run);
            let sys = System::new(t, &tr);
            let (mut noting, mut fresh) = (tr.clone(), tr);
            let mut noted = Readings::default();
            let a = place_by_table_noting(&mut noting, &sys, runs, &mut noted);
            let b = place_by_table_in(&mut fresh, &sys, runs);
            prop_assert_eq!(a, b);
            // A table changed in between must not take up the noted readings.
            if let Some((r, c, v)) = changed {
                let r = r % noting.cells.len();
                for tr in [&mut noting, &mut fresh] {
                    if let Some(cell) = tr.cells[r].get_mut(c) {
                        cell.value = Some(Num::int(v));
                    }
                }
            }
            let (given, gave) = give_unconfirmed_from(&mut noting, &sys, runs, &mut noted);
            let given: Vec<usize> = given.iter().map(|run| run.row).collect();
            let was = fresh.cells.clone();
            let plain: Vec<usize> = give_unconfirmed(&mut fresh, &sys, runs)
                .iter()
                .map(|run| run.row)
                .collect();
            prop_assert_eq!(given, plain);
            prop_assert_eq!(gave, fresh.cells != was);
            prop_assert_eq!(&noting.cells, &fresh.cells);
        }
    }

    #[test]
    fn a_short_run_that_fits_nowhere_is_left_alone() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let granted = t.row_index("granted").unwrap();
        let mut tr = one_request_granted(t);
        tr.cells[granted] = vec![Cell::missing(); 7];
        // A 5 cannot stand in any column whose total is 1 or 0.
        let run = short_run(granted, nums(&[5]), Vec::new(), "5");
        let (log, placed) = place_by_table(&mut tr, t, &[run]);
        assert!(log.is_empty() && placed.is_empty());
        assert!(tr.cells[granted].iter().all(|c| c.value.is_none()));
    }

    #[test]
    fn a_line_with_unreadable_cells_gives_its_zeros_and_checked_counts_only() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("appeals").unwrap();
        // 行政复议 0 0 0 0 0 | 直接起诉 0 0 0 0 0 | 复议后起诉 忆 0 0 0 1: the 1 (复议后
        // 总计) could only be checked through the glyph, so it stays unknown.
        let mut tr = crate::solve::table_of(|_, _| 0, t);
        tr.cells[0] = vec![Cell::missing(); 15];
        let mut placed_row: Row = vec![Some(Num::int(0)); 15];
        placed_row[10] = None;
        placed_row[14] = Some(Num::int(1));
        let mut run = short_run(
            0,
            placed_row.iter().flatten().copied().collect(),
            Vec::new(),
            "0 …",
        );
        run.columns = Some(placed_row);
        place_by_table(&mut tr, t, &[run]);
        let got: Vec<Option<Num>> = tr.cells[0].iter().map(|c| c.value).collect();
        assert!(got[..10].iter().all(|v| *v == Some(Num::int(0))), "{got:?}");
        assert_eq!((got[10], got[14]), (None, None));
        assert_eq!(got[11], Some(Num::int(0)));
    }

    /// A run read on line 9 of the report.
    fn short_run(row: usize, values: Vec<Num>, readings: Vec<Vec<Num>>, raw: &str) -> ShortRun {
        ShortRun {
            row,
            values,
            readings,
            columns: None,
            ruled: Vec::new(),
            line: 9,
            raw: raw.into(),
        }
    }

    /// The readings of a run of table 三 as cells that ran together.
    fn glued(t: &Table, raw: &str) -> Vec<Vec<Num>> {
        let tokens: Vec<&str> = raw.split(' ').collect();
        let domains: Vec<Domain> = t.blocks[0].columns.iter().map(|c| c.domain).collect();
        match crate::split::cut_runs(&tokens, 7, &row_identities(t, 0), &domains) {
            crate::split::Cuts::Readings(r) => r,
            crate::split::Cuts::TooMany => Vec::new(),
        }
    }

    #[test]
    fn two_cells_run_together_are_cut_apart_when_the_table_allows_one_reading() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (new, granted, total) = (r("new"), r("granted"), r("results_total"));
        // 11 requests from people and 3 from others, all granted.
        let mut tr = crate::solve::table_of(
            |row, c| match (row == new || row == granted || row == total, c) {
                (true, 0) => 11,
                (true, 5) => 3,
                (true, 6) => 14,
                _ => 0,
            },
            t,
        );
        tr.cells[granted] = vec![Cell::missing(); 7];
        // `11 0 0 0 0 3 14` read with the last two cells run together.
        let run = short_run(
            granted,
            nums(&[11, 0, 0, 0, 0, 314]),
            glued(t, "11 0 0 0 0 314"),
            "11 0 0 0 0 314",
        );
        let (log, placed) = place_by_table(&mut tr, t, std::slice::from_ref(&run));
        assert_eq!(placed, [granted]);
        assert_eq!(log[0].method, "split");
        let got: Vec<Option<Num>> = tr.cells[granted].iter().map(|c| c.value).collect();
        assert_eq!(
            got,
            nums(&[11, 0, 0, 0, 0, 3, 14])
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>()
        );
        // `111 0 0 0 0 12`: 1|11 and 11|1 both balance the row, and with the column
        // totals unknown nothing tells them apart: nothing is placed.
        let mut open = crate::solve::table_of(|_, _| 0, t);
        for row in [new, granted, total] {
            open.cells[row] = vec![Cell::missing(); 7];
        }
        let twice = short_run(
            granted,
            nums(&[111, 0, 0, 0, 0, 12]),
            glued(t, "111 0 0 0 0 12"),
            "111 0 0 0 0 12",
        );
        let (log, placed) = place_by_table(&mut open, t, &[twice]);
        assert!(log.is_empty() && placed.is_empty(), "{log:?}");
        // With a column total that the cut contradicts, nothing is placed.
        let mut tr = crate::solve::table_of(|row, c| i64::from(row == total && c == 5), t);
        tr.cells[granted] = vec![Cell::missing(); 7];
        let (log, placed) = place_by_table(&mut tr, t, &[run]);
        assert!(log.is_empty() && placed.is_empty());
    }

    #[test]
    fn combinations_are_enumerated_in_order() {
        let mut p = vec![0, 1];
        let mut all = vec![p.clone()];
        while next_combination(&mut p, 4) {
            all.push(p.clone());
        }
        assert_eq!(all, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    }
}
