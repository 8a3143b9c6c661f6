//! A table as a system of linear identities: propagation over known and unknown cells.
//!
//! Takes a table's identity instances and a grid of values (`None` = unknown) and gives
//! what the identities force: every unknown that an identity with one unknown determines,
//! the zeros of non-negative unknowns that must sum to 0, and the instances that cannot
//! hold (a complete side that disagrees, or a forced value outside its domain). It only
//! answers "what follows if these values are right"; reconciliation decides what to
//! believe.

use crate::dictionary::{Domain, Table};
use crate::model::{RowPresence, TableResult};
use crate::numbers::Num;
use crate::reconcile::{identity_instances, Instance};
use std::rc::Rc;

/// A table's cell values; `None` is unknown.
pub type Grid = Vec<Vec<Option<Num>>>;

/// A (row, column) cell.
pub type At = (usize, usize);

/// The values of a table as read so far.
pub fn grid(tr: &TableResult) -> Grid {
    tr.cells
        .iter()
        .map(|r| r.iter().map(|c| c.value).collect())
        .collect()
}

/// A table whose every cell was read as `values(row, column)` (rows the template
/// marks optional left out): the starting point of reconciliation tests.
#[cfg(test)]
pub fn table_of(values: impl Fn(usize, usize) -> i64, t: &Table) -> TableResult {
    use crate::model::{Cell, CellStatus, RowPresence};
    TableResult {
        table: 0,
        rows: t
            .rows
            .iter()
            .map(|r| {
                if r.optional {
                    RowPresence::Omitted
                } else {
                    RowPresence::Found
                }
            })
            .collect(),
        cells: t
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                (0..t.blocks[row.block].columns.len())
                    .map(|c| Cell {
                        value: Some(Num::int(values(r, c))),
                        status: CellStatus::Ok,
                        line: Some(1),
                        raw: crate::cell_text::CellText::new(),
                    })
                    .collect()
            })
            .collect(),
    }
}

/// One of every embedded template's tables (by `which`, wrapping), every cell read as
/// `base` but the cells `set` gives (row, column, value; positions wrap; a value
/// below 0 leaves the cell unknown): the start of the property tests over tables.
#[cfg(test)]
pub fn scattered(
    d: &crate::dictionary::Dictionaries,
    which: usize,
    base: i64,
    set: Vec<(usize, usize, i64)>,
) -> (&Table, TableResult) {
    let all: Vec<&Table> = d.templates.iter().flat_map(|t| &t.tables).collect();
    let t = all[which % all.len()];
    let mut tr = table_of(|_, _| base, t);
    for (r, c, v) in set {
        let r = r % tr.cells.len();
        let c = c % tr.cells[r].len();
        tr.cells[r][c].value = (v >= 0).then(|| Num::int(v));
    }
    (t, tr)
}

/// The identities of one table, applied to the rows of one reading of it.
pub struct System {
    /// Every identity instance.
    pub instances: Rc<[Instance]>,
    domains: Rc<[Vec<Domain>]>,
    touch: Rc<Touch>,
}

/// The instances that contain each cell, so that propagation looks again only at the
/// instances whose cells changed.
struct Touch {
    /// Where each row's cells start in `instances`.
    starts: Vec<usize>,
    /// Per cell, row by row: the instances that contain it.
    instances: Vec<Vec<usize>>,
    /// Beside each of `instances`: how the instance holds the cell (kept with the
    /// shape: the misread repair asks it of every cell it looks at, and building it
    /// per repaired table cost a pass over every instance).
    ways: Vec<Vec<Way>>,
    /// Whether every cell of every instance is in its row's domains (and so in the
    /// lists): only then do the lists tell which cells the instances hold.
    all_placed: bool,
}

/// How an instance holds a cell: only once, and on its left side (where it first
/// holds it).
pub type Way = (bool, bool);

impl Touch {
    fn new(instances: &[Instance], domains: &[Vec<Domain>]) -> Touch {
        let mut starts = Vec::with_capacity(domains.len());
        let mut n = 0;
        for row in domains {
            starts.push(n);
            n += row.len();
        }
        let mut touch = Touch {
            starts,
            instances: vec![Vec::new(); n],
            ways: vec![Vec::new(); n],
            all_placed: true,
        };
        for (i, (_, _, l, r)) in instances.iter().enumerate() {
            let sided = l.iter().map(|&x| (x, true));
            for (x, left) in sided.chain(r.iter().map(|&x| (x, false))) {
                let Some(at) = touch.place(x) else {
                    touch.all_placed = false;
                    continue;
                };
                let (list, ways) = (&mut touch.instances[at], &mut touch.ways[at]);
                // A cell on both sides of an instance (or twice on one) is listed once.
                if list.last() != Some(&i) {
                    list.push(i);
                    ways.push((true, left));
                } else if let Some(way) = ways.last_mut() {
                    way.0 = false;
                }
            }
        }
        touch
    }

    /// Where cell `x`'s list is, if `x` is in its row's domains.
    fn place(&self, (r, c): At) -> Option<usize> {
        let start = *self.starts.get(r)?;
        let end = self
            .starts
            .get(r + 1)
            .copied()
            .unwrap_or(self.instances.len());
        (start + c < end).then_some(start + c)
    }

    /// The instances that contain `x`; None for a cell outside the rows' domains.
    fn at(&self, x: At) -> Option<&[usize]> {
        Some(self.instances.get(self.place(x)?)?.as_slice())
    }

    /// Marks the instances that contain `x`. A cell outside the rows' domains is in
    /// no list: every instance is marked, as if all of them held it.
    fn mark(&self, x: At, dirty: &mut [bool]) {
        match self.at(x) {
            Some(list) => list.iter().for_each(|&j| dirty[j] = true),
            None => dirty.iter_mut().for_each(|d| *d = true),
        }
    }
}

/// The instances and cell domains of a table's shapes met lately, by the table's
/// stamp and which rows its reading leaves out (all they depend on): a report forms
/// those of its three tables, which are nearly always of a shape met before, and
/// forming them took about 100 allocations a table.
#[derive(Default)]
struct Shapes(Vec<Shape>);

/// A table's stamp, its rows' presence, and what its system holds for them.
type Shape = (
    u64,
    Vec<RowPresence>,
    Rc<[Instance]>,
    Rc<[Vec<Domain>]>,
    Rc<Touch>,
);

/// Shapes a thread keeps; past it they are formed again from nothing.
const MAX_SHAPES: usize = 64;

thread_local! {
    static SHAPES: std::cell::RefCell<Shapes> = std::cell::RefCell::new(Shapes::default());
}

/// What propagation gives.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The grid with every forced value filled in.
    pub values: Grid,
    /// Per instance: it cannot hold with these values.
    pub failed: Vec<bool>,
    /// Per instance: it forced a value (so holding says nothing new about its cells).
    pub derived: Vec<bool>,
}

impl Outcome {
    /// Whether an instance fails here that does not fail in `base`: what a change to
    /// `base`'s grid broke.
    #[inline]
    pub fn breaks_beyond(&self, base: &Outcome) -> bool {
        (0..self.failed.len()).any(|j| self.failed[j] && !base.failed[j])
    }

    /// Indices of the instances that cannot hold.
    pub fn failing(&self) -> Vec<usize> {
        (0..self.failed.len()).filter(|&i| self.failed[i]).collect()
    }

    /// Whether instance `i` is a check: it holds with every cell known and forced none
    /// of them, so its cells agree with the rest of the table independently.
    pub fn checks(&self, sys: &System, i: usize) -> bool {
        !self.derived[i] && sys.holds(i, &self.values) == Some(true)
    }
}

impl System {
    /// The system of `table` as `tr` was read (rows the report leaves out have no instances).
    pub fn new(table: &Table, tr: &TableResult) -> System {
        let kept = SHAPES.with(|shapes| {
            shapes
                .borrow()
                .0
                .iter()
                .find(|(stamp, rows, _, _, _)| *stamp == table.stamp && *rows == tr.rows)
                .map(|(_, _, instances, domains, touch)| System {
                    instances: Rc::clone(instances),
                    domains: Rc::clone(domains),
                    touch: Rc::clone(touch),
                })
        });
        if let Some(sys) = kept {
            return sys;
        }
        let sys = System::formed(table, tr);
        SHAPES.with(|shapes| {
            let mut shapes = shapes.borrow_mut();
            if shapes.0.len() >= MAX_SHAPES {
                shapes.0.clear();
            }
            shapes.0.push((
                table.stamp,
                tr.rows.clone(),
                Rc::clone(&sys.instances),
                Rc::clone(&sys.domains),
                Rc::clone(&sys.touch),
            ));
        });
        sys
    }

    /// [`System::new`] formed from nothing.
    pub fn formed(table: &Table, tr: &TableResult) -> System {
        let domains = table
            .rows
            .iter()
            .map(|row| {
                table.blocks[row.block]
                    .columns
                    .iter()
                    .map(|c| c.domain)
                    .collect()
            })
            .collect::<Vec<Vec<Domain>>>();
        let instances = identity_instances(table, tr);
        System {
            touch: Rc::new(Touch::new(&instances, &domains)),
            instances: instances.into(),
            domains: domains.into(),
        }
    }

    /// The instances that contain `x`, in order (the shape's list: an instance holds
    /// only cells of its rows' domains, so a cell outside them is in none).
    pub fn touching(&self, x: At) -> &[usize] {
        self.touch.at(x).unwrap_or_default()
    }

    /// [`System::touching`] of `x`, and beside each instance how it holds `x`.
    pub fn touching_ways(&self, x: At) -> (&[usize], &[Way]) {
        match self.touch.place(x) {
            Some(at) => (&self.touch.instances[at], &self.touch.ways[at]),
            None => (&[], &[]),
        }
    }

    /// Every cell of instance `i`, left side first.
    pub fn cells(&self, i: usize) -> impl Iterator<Item = At> + '_ {
        let (_, _, l, r) = &self.instances[i];
        l.iter().chain(r).copied()
    }

    /// Whether instance `i` holds: `None` while one of its cells is unknown.
    pub fn holds(&self, i: usize, g: &Grid) -> Option<bool> {
        let (_, _, l, r) = &self.instances[i];
        // Added in order with no list of the values (as Num::sum adds them): the
        // placement of a short run asks it of every instance of every placement.
        let side = |cs: &[At]| -> Option<Num> {
            let mut sum = Num::default();
            for &(r, c) in cs {
                sum = sum + g[r][c]?;
            }
            Some(sum)
        };
        Some(side(l)? == side(r)?)
    }

    /// Whether every cell of every instance is known in `g`. Propagating such a grid
    /// forces nothing (no instance has an unknown to fill), so each instance fails or
    /// holds by its own sums alone, and a change to one cell can change only the
    /// instances that contain it ([`System::judge_changed`]).
    pub fn all_known(&self, g: &Grid) -> bool {
        // A table's cells are fewer than its instances' cells (each cell is in a row's
        // and a column's identities): the unknown cells are looked up in the shape's
        // lists, once each, instead.
        if !self.touch.all_placed {
            return self.all_known_plain(g);
        }
        g.iter().enumerate().all(|(r, row)| {
            row.iter()
                .enumerate()
                .all(|(c, v)| v.is_some() || self.touching((r, c)).is_empty())
        })
    }

    /// [`System::all_known`] by a pass over every instance's cells.
    fn all_known_plain(&self, g: &Grid) -> bool {
        self.instances
            .iter()
            .all(|(_, _, l, r)| l.iter().chain(r).all(|&(a, b)| g[a][b].is_some()))
    }

    /// For a grid of which [`System::all_known`] holds, with cell `x` read as `v`
    /// instead: whether [`System::propagate_owned`] would mark instance `i` failed,
    /// and [`System::holds`] of `i` in its outcome (the sums are added in the same
    /// order as there). None if a cell of `i` is unknown after all.
    pub fn judge_changed(&self, i: usize, g: &Grid, x: At, v: Num) -> Option<(bool, bool)> {
        let (_, _, l, r) = &self.instances[i];
        let side = |cs: &[At]| -> Option<Num> {
            let mut sum = Num::default();
            for &(a, b) in cs {
                sum = sum + if (a, b) == x { v } else { g[a][b]? };
            }
            Some(sum)
        };
        let (sl, sr) = (side(l)?, side(r)?);
        Some((sr - sl != Num::default(), sl == sr))
    }

    fn allows(&self, (r, c): At, v: Num) -> bool {
        match self.domains[r][c] {
            Domain::Signed => v.is_integer(),
            Domain::Decimal => !v.is_negative(),
            _ => !v.is_negative() && v.is_integer(),
        }
    }

    fn non_negative(&self, (r, c): At) -> bool {
        self.domains[r][c] != Domain::Signed
    }

    /// Fills what the identities force, to a fixed point, and marks what cannot hold.
    /// An instance that fails contributes nothing further.
    pub fn propagate(&self, grid: &Grid) -> Outcome {
        self.propagate_owned(grid.clone())
    }

    /// [`System::propagate`] of a grid the caller no longer needs (one copy fewer: a
    /// repair tries a changed copy of the table for every candidate value).
    pub fn propagate_owned(&self, grid: Grid) -> Outcome {
        let mut out = Outcome {
            values: grid,
            failed: vec![false; self.instances.len()],
            derived: vec![false; self.instances.len()],
        };
        self.settle(&mut out, &mut vec![true; self.instances.len()]);
        out
    }

    /// [`System::propagate`] of `grid` with row `r` read as `row`, into `out` (its
    /// buffers reused, `dirty` a scratch list): the placement of a short run tries
    /// thousands of rows in one table, and a fresh grid and outcome each cost an
    /// allocation a row.
    pub fn propagate_with_row(
        &self,
        grid: &Grid,
        r: usize,
        row: &[Option<Num>],
        out: &mut Outcome,
        dirty: &mut Vec<bool>,
    ) {
        let n = self.instances.len();
        out.values.clone_from(grid);
        if let Some(cells) = out.values.get_mut(r) {
            cells.clear();
            cells.extend_from_slice(row);
        }
        for flags in [&mut out.failed, &mut out.derived] {
            flags.clear();
            flags.resize(n, false);
        }
        dirty.clear();
        dirty.resize(n, true);
        self.settle(out, dirty);
    }

    /// Propagation of `out`'s values with the instances `dirty` marks to look at.
    fn settle(&self, out: &mut Outcome, dirty: &mut [bool]) {
        // An instance is looked at again only once one of its cells has changed: with
        // the same values it would find what it found before, which changed nothing (an
        // instance that fills or fails changes its own cell or is done).
        loop {
            let mut changed = false;
            for i in 0..self.instances.len() {
                if out.failed[i] || !dirty[i] {
                    continue;
                }
                dirty[i] = false;
                changed |= self.apply(i, out, dirty);
            }
            if !changed {
                break;
            }
        }
    }

    /// Looks at instance `i` with `out`'s values and does what it finds: fails it, or
    /// fills what it forces (marking in `dirty` the instances that contain a filled
    /// cell). Whether a value was filled.
    fn apply(&self, i: usize, out: &mut Outcome, dirty: &mut [bool]) -> bool {
        let g = &mut out.values;
        match self.look(i, g) {
            Look::Nothing => return false,
            Look::Fails => {
                out.failed[i] = true;
                return false;
            }
            Look::Fills(x, v) => {
                g[x.0][x.1] = Some(v);
                self.touch.mark(x, dirty);
            }
            Look::Zeros => {
                let (_, _, lhs, rhs) = &self.instances[i];
                for &(r, c) in lhs.iter().chain(rhs) {
                    if g[r][c].is_none() {
                        g[r][c] = Some(Num::default());
                        self.touch.mark((r, c), dirty);
                    }
                }
            }
        }
        out.derived[i] = true;
        true
    }

    /// What instance `i` says of `g`'s unknown cells.
    fn look(&self, i: usize, g: &Grid) -> Look {
        let (_, _, lhs, rhs) = &self.instances[i];
        // Each side's known sum (added in order, as Num::sum does) and the unknown
        // cells (how many, and the first) in one pass, without a list per instance:
        // most looks at most instances end here.
        let mut first = None;
        let mut known = |cs: &[At]| {
            let (mut sum, mut unknowns) = (Num::default(), 0usize);
            for &(r, c) in cs {
                match g[r][c] {
                    Some(v) => sum = sum + v,
                    None => {
                        unknowns += 1;
                        first = first.or(Some((r, c)));
                    }
                }
            }
            (sum, unknowns)
        };
        let (known_lhs, on_left) = known(lhs);
        let (known_rhs, on_right) = known(rhs);
        let unknowns = on_left + on_right;
        let need = known_rhs - known_lhs;
        match (unknowns, first) {
            (0, _) if need != Num::default() => Look::Fails,
            (0, _) => Look::Nothing,
            (1, Some(x)) => {
                // The one unknown is on the left iff the left side's pass met it (were
                // it on both sides, both passes would have counted it).
                let v = if on_left == 1 {
                    need
                } else {
                    Num::default() - need
                };
                if self.allows(x, v) {
                    Look::Fills(x, v)
                } else {
                    Look::Fails
                }
            }
            _ => {
                let mut many = lhs
                    .iter()
                    .chain(rhs)
                    .copied()
                    .filter(|&(r, c)| g[r][c].is_none());
                // A side that met no unknown holds them all on the other side; only
                // a cell on both sides needs the lists searched.
                let all_lhs = on_right == 0 || many.clone().all(|x| lhs.contains(&x));
                let all_rhs = on_left == 0 || many.clone().all(|x| rhs.contains(&x));
                if !(all_lhs || all_rhs) || !many.all(|x| self.non_negative(x)) {
                    return Look::Nothing;
                }
                Look::making_up(if all_lhs { need } else { Num::default() - need })
            }
        }
    }
}

/// Propagations of one grid with one row replaced, one way of reading the row after
/// another (the placement of a short run tries every way). Propagation fills only
/// unknown cells, so after a try the values differ from the grid only in that row and
/// in the grid's unknown cells: those are reset instead of the whole grid copied again.
pub struct RowTrials<'g> {
    grid: &'g Grid,
    r: usize,
    /// The grid's unknown cells outside row `r`.
    holes: Vec<At>,
    /// Whether `out` holds a try of this grid.
    primed: bool,
    out: Outcome,
    dirty: Vec<bool>,
}

impl<'g> RowTrials<'g> {
    /// Tries of `grid` with row `r` replaced.
    pub fn new(grid: &'g Grid, r: usize) -> RowTrials<'g> {
        let holes = grid
            .iter()
            .enumerate()
            .filter(|&(a, _)| a != r)
            .flat_map(|(a, row)| {
                row.iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_none())
                    .map(move |(b, _)| (a, b))
            })
            .collect();
        RowTrials {
            grid,
            r,
            holes,
            primed: false,
            out: Outcome {
                values: Vec::new(),
                failed: Vec::new(),
                derived: Vec::new(),
            },
            dirty: Vec::new(),
        }
    }

    /// [`System::propagate`] of the grid with row `r` read as `row`.
    pub fn try_row(&mut self, sys: &System, row: &[Option<Num>]) -> &Outcome {
        if !self.primed {
            self.primed = true;
            sys.propagate_with_row(self.grid, self.r, row, &mut self.out, &mut self.dirty);
            return &self.out;
        }
        let values = &mut self.out.values;
        for &(a, b) in &self.holes {
            if let Some(v) = values.get_mut(a).and_then(|cells| cells.get_mut(b)) {
                *v = None;
            }
        }
        if let Some(cells) = values.get_mut(self.r) {
            cells.clear();
            cells.extend_from_slice(row);
        }
        let n = sys.instances.len();
        for flags in [&mut self.out.failed, &mut self.out.derived] {
            flags.clear();
            flags.resize(n, false);
        }
        self.dirty.clear();
        self.dirty.resize(n, true);
        sys.settle(&mut self.out, &mut self.dirty);
        &self.out
    }
}

/// What one look at an instance finds.
#[cfg_attr(test, derive(Debug, PartialEq))]
enum Look {
    /// Nothing to do with these values.
    Nothing,
    /// It cannot hold.
    Fails,
    /// Its one unknown cell must be this value.
    Fills(At, Num),
    /// Its unknown cells, all on one side and none signed, must all be zero.
    Zeros,
}

impl Look {
    /// What non-negative unknown cells, all on one side, say when together they must
    /// make up `sum`: a negative sum cannot be, a zero one makes each of them zero.
    fn making_up(sum: Num) -> Look {
        if sum.is_negative() {
            Look::Fails
        } else if sum == Num::default() {
            Look::Zeros
        } else {
            Look::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;

    #[test]
    fn every_table_compiled_has_its_own_stamp() {
        let sets = [
            Dictionaries::embedded().unwrap(),
            Dictionaries::embedded().unwrap(),
        ];
        let mut stamps: Vec<u64> = sets
            .iter()
            .flat_map(|d| d.templates.iter().flat_map(|t| &t.tables))
            .map(|t| t.stamp)
            .collect();
        let n = stamps.len();
        stamps.sort_unstable();
        stamps.dedup();
        assert_eq!(stamps.len(), n);
    }

    /// Propagation as it was before it looked again only at changed instances: every
    /// instance on every pass.
    fn propagate_plain(sys: &System, grid: Grid) -> Outcome {
        let mut out = Outcome {
            values: grid,
            failed: vec![false; sys.instances.len()],
            derived: vec![false; sys.instances.len()],
        };
        let mut ignored = vec![false; sys.instances.len()];
        loop {
            let mut changed = false;
            for i in 0..sys.instances.len() {
                if !out.failed[i] {
                    changed |= sys.apply(i, &mut out, &mut ignored);
                }
            }
            if !changed {
                break;
            }
        }
        out
    }

    /// [`System::look`] as it was before each side counted its own unknowns: the
    /// side of one unknown, and of many, found by searching the sides' lists.
    fn look_plain(sys: &System, i: usize, g: &Grid) -> Look {
        let (_, _, lhs, rhs) = &sys.instances[i];
        let unknown: Vec<At> = lhs
            .iter()
            .chain(rhs)
            .copied()
            .filter(|&(r, c)| g[r][c].is_none())
            .collect();
        let known = |cs: &[At]| Num::sum(cs.iter().filter_map(|&(r, c)| g[r][c]));
        let need = known(rhs) - known(lhs);
        match unknown.as_slice() {
            [] if need != Num::default() => Look::Fails,
            [] => Look::Nothing,
            [x] => {
                let v = if lhs.contains(x) {
                    need
                } else {
                    Num::default() - need
                };
                if sys.allows(*x, v) {
                    Look::Fills(*x, v)
                } else {
                    Look::Fails
                }
            }
            many => {
                let all_lhs = many.iter().all(|x| lhs.contains(x));
                let all_rhs = many.iter().all(|x| rhs.contains(x));
                if !(all_lhs || all_rhs) || !many.iter().all(|&x| sys.non_negative(x)) {
                    return Look::Nothing;
                }
                Look::making_up(if all_lhs { need } else { Num::default() - need })
            }
        }
    }

    /// [`System::holds`] by a list of each side's values.
    fn holds_plain(sys: &System, i: usize, g: &Grid) -> Option<bool> {
        let (_, _, l, r) = &sys.instances[i];
        let side = |cs: &[At]| -> Option<Num> {
            cs.iter()
                .map(|&(r, c)| g[r][c])
                .collect::<Option<Vec<_>>>()
                .map(Num::sum)
        };
        Some(side(l)? == side(r)?)
    }

    /// `scattered`'s table as its system and grid, with the cell `huge` names (if
    /// any) set past the end of `Num`'s range: where the propagation property tests
    /// start.
    fn scattered_system(
        which: usize,
        base: i64,
        set: Vec<(usize, usize, i64)>,
        huge: Option<(usize, usize)>,
    ) -> (System, Grid) {
        let d = Dictionaries::embedded().unwrap();
        let (t, tr) = scattered(&d, which, base, set);
        let sys = System::new(t, &tr);
        let mut g = grid(&tr);
        if let Some((r, c)) = huge {
            let r = r % g.len();
            let c = c % g[r].len();
            g[r][c] = Some(Num::micro(i64::MAX) + Num::micro(i64::MAX));
        }
        (sys, g)
    }

    proptest::proptest! {
        /// Looking again only at the instances whose cells changed propagates as
        /// looking at every instance on every pass does: tables with cells unknown,
        /// zero, or read with other values (which break identities, or force values
        /// outside a column's domain), values near the ends of `Num`'s range too.
        #[test]
        fn propagation_looks_again_only_where_cells_changed(
            which in 0usize..64,
            base in 0i64..3,
            set in proptest::collection::vec((0usize..64, 0usize..16, -6i64..12), 0..40),
            huge in proptest::option::of((0usize..64, 0usize..16)),
        ) {
            let (sys, g) = scattered_system(which, base, set, huge);
            let fast = sys.propagate(&g);
            let plain = propagate_plain(&sys, g);
            proptest::prop_assert_eq!(fast.values, plain.values);
            proptest::prop_assert_eq!(fast.failed, plain.failed);
            proptest::prop_assert_eq!(fast.derived, plain.derived);
        }

        /// Each side counting its own unknowns looks at an instance as searching
        /// the sides' lists for them does, and a side summed in place holds as its
        /// list of values does: every instance of tables with cells unknown, zero,
        /// or read with other values, values near the ends of `Num`'s range too.
        #[test]
        fn an_instance_is_looked_at_and_held_as_by_its_lists(
            which in 0usize..64,
            base in 0i64..3,
            set in proptest::collection::vec((0usize..64, 0usize..16, -6i64..12), 0..40),
            huge in proptest::option::of((0usize..64, 0usize..16)),
        ) {
            let (sys, g) = scattered_system(which, base, set, huge);
            for i in 0..sys.instances.len() {
                proptest::prop_assert_eq!(sys.look(i, &g), look_plain(&sys, i, &g));
                proptest::prop_assert_eq!(sys.holds(i, &g), holds_plain(&sys, i, &g));
            }
        }

        /// Propagating a grid with one row replaced into reused buffers gives what
        /// propagating a fresh copy of it gives, whatever the buffers held before
        /// (the rows of one table tried one after another, unknown cells among them).
        #[test]
        fn a_row_propagated_into_reused_buffers_is_propagated_afresh(
            which in 0usize..64,
            base in 0i64..3,
            set in proptest::collection::vec((0usize..64, 0usize..16, -6i64..12), 0..40),
            rows in proptest::collection::vec(
                (0usize..64, proptest::collection::vec(-2i64..6, 0..16)),
                1..6,
            ),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let (t, tr) = scattered(&d, which, base, set);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            let mut out = Outcome {
                values: Vec::new(),
                failed: Vec::new(),
                derived: Vec::new(),
            };
            let mut dirty = Vec::new();
            for (r, values) in rows {
                let r = r % g.len();
                let row: Vec<Option<Num>> = (0..g[r].len())
                    .map(|c| values.get(c).copied().filter(|&v| v >= 0).map(Num::int))
                    .collect();
                sys.propagate_with_row(&g, r, &row, &mut out, &mut dirty);
                let mut fresh = g.clone();
                fresh[r] = row;
                let fresh = sys.propagate_owned(fresh);
                proptest::prop_assert_eq!(&out.values, &fresh.values);
                proptest::prop_assert_eq!(&out.failed, &fresh.failed);
                proptest::prop_assert_eq!(&out.derived, &fresh.derived);
            }
        }

        /// Tries of one grid with one row read in turn in different ways give what
        /// propagating a fresh copy of each gives (unknown cells among the grid's
        /// other rows, which the tries fill and must find unknown again).
        #[test]
        fn row_trials_are_fresh_propagations(
            which in 0usize..64,
            base in 0i64..3,
            set in proptest::collection::vec((0usize..64, 0usize..16, -6i64..12), 0..40),
            r in 0usize..64,
            rows in proptest::collection::vec(proptest::collection::vec(-2i64..6, 0..16), 1..8),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let (t, tr) = scattered(&d, which, base, set);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            let r = r % g.len();
            let mut trials = RowTrials::new(&g, r);
            for values in rows {
                let row: Vec<Option<Num>> = (0..g[r].len())
                    .map(|c| values.get(c).copied().filter(|&v| v >= 0).map(Num::int))
                    .collect();
                let mut fresh = g.clone();
                fresh[r] = row.clone();
                let fresh = sys.propagate_owned(fresh);
                let out = trials.try_row(&sys, &row);
                proptest::prop_assert_eq!(&out.values, &fresh.values);
                proptest::prop_assert_eq!(&out.failed, &fresh.failed);
                proptest::prop_assert_eq!(&out.derived, &fresh.derived);
            }
        }

        /// A system of a shape kept from before is the one formed from nothing, with
        /// other tables and shapes (of this set of dictionaries and of another, made
        /// afresh) met between, past the number of shapes kept.
        #[test]
        fn kept_shapes_are_the_shapes_formed(
            tables in proptest::collection::vec((0usize..64, proptest::collection::vec(0u8..3, 0..40)), 1..90),
        ) {
            use crate::model::RowPresence;
            let sets = [Dictionaries::embedded().unwrap(), Dictionaries::embedded().unwrap()];
            let all: Vec<&Table> = sets
                .iter()
                .flat_map(|d| d.templates.iter().flat_map(|t| &t.tables))
                .collect();
            for (which, presence) in tables {
                let t = all[which % all.len()];
                let mut tr = table_of(|_, _| 0, t);
                for (r, &p) in presence.iter().enumerate().take(tr.rows.len()) {
                    tr.rows[r] = [RowPresence::Found, RowPresence::NotFound, RowPresence::Omitted][usize::from(p)];
                }
                let (kept, formed) = (System::new(t, &tr), System::formed(t, &tr));
                proptest::prop_assert_eq!(&kept.instances[..], &formed.instances[..]);
                proptest::prop_assert_eq!(&kept.domains[..], &formed.domains[..]);
            }
        }

        /// The instances a cell's list gives are those that hold the cell, for every
        /// cell of tables with rows found, missing or left out, and for cells past a
        /// row's end.
        #[test]
        fn a_cells_instances_are_those_that_hold_it(
            which in 0usize..64,
            presence in proptest::collection::vec(0u8..3, 0..40),
        ) {
            use crate::model::RowPresence;
            let d = Dictionaries::embedded().unwrap();
            let all: Vec<&Table> = d.templates.iter().flat_map(|t| &t.tables).collect();
            let t = all[which % all.len()];
            let mut tr = table_of(|_, _| 0, t);
            for (r, &p) in presence.iter().enumerate().take(tr.rows.len()) {
                tr.rows[r] = [RowPresence::Found, RowPresence::NotFound, RowPresence::Omitted][usize::from(p)];
            }
            let sys = System::formed(t, &tr);
            for (r, row) in tr.cells.iter().enumerate() {
                for c in 0..=row.len() {
                    let holding: Vec<usize> = (0..sys.instances.len())
                        .filter(|&i| sys.cells(i).any(|y| y == (r, c)))
                        .collect();
                    proptest::prop_assert_eq!(sys.touching((r, c)), &holding[..]);
                }
            }
        }

        /// Whether every instance's cells are known, told from the shape's lists of
        /// the cells the instances hold, is what a pass over the instances tells
        /// (unknown cells scattered over tables with rows found, missing or left out).
        #[test]
        fn known_cells_by_the_lists_are_known_by_the_instances(
            which in 0usize..64,
            presence in proptest::collection::vec(0u8..3, 0..40),
            set in proptest::collection::vec((0usize..64, 0usize..16, -1i64..2), 0..4),
        ) {
            use crate::model::RowPresence;
            let d = Dictionaries::embedded().unwrap();
            let (t, mut tr) = scattered(&d, which, 0, set);
            for (r, &p) in presence.iter().enumerate().take(tr.rows.len()) {
                tr.rows[r] = [RowPresence::Found, RowPresence::NotFound, RowPresence::Omitted][usize::from(p)];
            }
            let sys = System::formed(t, &tr);
            proptest::prop_assert!(sys.touch.all_placed);
            let g = grid(&tr);
            proptest::prop_assert_eq!(sys.all_known(&g), sys.all_known_plain(&g));
        }

        /// The repairs judge a changed cell of a fully known grid by the instances
        /// that contain it alone: the same as propagating the changed grid.
        #[test]
        fn a_changed_cell_of_a_known_grid_is_judged_as_propagation_judges_it(
            which in 0usize..64,
            set in proptest::collection::vec((0usize..64, 0usize..16, 0i64..3), 0..5),
            x in (0usize..64, 0usize..16),
            alt in 0i64..3,
        ) {
            let d = Dictionaries::embedded().unwrap();
            let (t, tr) = scattered(&d, which, 0, set);
            let sys = System::new(t, &tr);
            let g = grid(&tr);
            proptest::prop_assert!(sys.all_known(&g));
            let r = x.0 % tr.cells.len();
            let x = (r, x.1 % tr.cells[r].len());
            let mut changed = g.clone();
            changed[x.0][x.1] = Some(Num::int(alt));
            let out = sys.propagate_owned(changed);
            for i in 0..sys.instances.len() {
                let (fails, holds) = sys.judge_changed(i, &g, x, Num::int(alt)).unwrap();
                proptest::prop_assert_eq!(fails, out.failed[i]);
                proptest::prop_assert_eq!(Some(holds), sys.holds(i, &out.values));
            }
        }
    }

    #[test]
    fn a_lost_row_of_zeros_is_forced_and_nothing_fails() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let mut tr = table_of(|_, _| 0, t);
        let r = t.row_index("refused_secret").unwrap();
        for c in 0..7 {
            tr.cells[r][c].value = None;
        }
        let sys = System::new(t, &tr);
        let out = sys.propagate(&grid(&tr));
        assert!(out.failing().is_empty());
        assert!(out.values[r].iter().all(|v| *v == Some(Num::int(0))));
    }

    #[test]
    fn a_misread_beside_a_lost_row_forces_a_negative_and_fails() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let mut tr = table_of(|_, _| 0, t);
        let (lost, granted) = (
            t.row_index("refused_secret").unwrap(),
            t.row_index("granted").unwrap(),
        );
        for c in 0..7 {
            tr.cells[lost][c].value = None;
        }
        tr.cells[granted][2].value = Some(Num::int(8));
        let sys = System::new(t, &tr);
        let out = sys.propagate(&grid(&tr));
        assert!(!out.failing().is_empty());
        assert!(out.values[lost]
            .iter()
            .all(|v| v.is_none_or(|v| !v.is_negative())));
    }
}
