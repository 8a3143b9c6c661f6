//! Values to rows and columns: value groups + aligned rows → each row's cells.
//!
//! Takes the lexer's value groups and which segments each row matched, gives each
//! row its run of numbers and then each column its slot. A number run on the same
//! line as a row's label belongs to that row; a run on a line of its own (PDF
//! layouts print it above or between the lines of a wrapped label, one-cell-per-line
//! layouts below it) goes to the nearest row still without values, in order. A run
//! whose length does not fit the columns is never shifted into place: its cells
//! stay unknown.

use crate::candidates::{Candidates, Slot, ValueGroup};
use crate::cell_text::CellText;
use std::borrow::Cow;

/// A number run further than this many lines from a row is not that row's.
const MAX_FLOAT_DISTANCE: usize = 3;
/// Cost of leaving a stand-alone run unused (more than any allowed distance).
const UNUSED_RUN: f64 = MAX_FLOAT_DISTANCE as f64 + 1.0;
/// Runs printed above their label are a little less usual than below.
const ABOVE_PENALTY: f64 = 0.1;

/// The lines a matched row's label occupies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First line (0-based).
    pub first: usize,
    /// Last line (0-based).
    pub last: usize,
}

/// The value groups of one row, in the order given. Nearly every row has one or
/// none: up to two are kept in place, more in a list, so that giving each of a
/// table's rows its run (about 11 a table) allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    inline: [usize; 2],
    len: usize,
    spill: Vec<usize>,
}

impl Groups {
    /// A row with the one group `g`.
    pub fn one(g: usize) -> Groups {
        Groups {
            inline: [g, 0],
            len: 1,
            spill: Vec::new(),
        }
    }

    /// Adds group `g` after the others.
    pub fn push(&mut self, g: usize) {
        if self.spill.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = g;
                self.len += 1;
                return;
            }
            self.spill.extend_from_slice(&self.inline);
        }
        self.spill.push(g);
    }
}

impl std::ops::Deref for Groups {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

impl<'a> IntoIterator for &'a Groups {
    type Item = &'a usize;
    type IntoIter = std::slice::Iter<'a, usize>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq<Vec<usize>> for Groups {
    fn eq(&self, other: &Vec<usize>) -> bool {
        **self == other[..]
    }
}

/// For each row, the value groups that belong to it (same-line groups first).
///
/// `seg_row[s]` is the row whose label uses segment `s`; `spans[r]` is where row `r`'s
/// label is, for matched rows. A run after text that is no row's label (the second
/// line of a wrapped group cell such as `办理结果`) is placed like a stand-alone run;
/// a run after prose, or after an unrecognised label with an ordinal, is left alone.
pub fn assign_groups(
    cands: &mut Candidates,
    seg_row: &[Option<usize>],
    spans: &[Option<Span>],
    required: &[bool],
    width: impl Fn(usize) -> usize,
) -> Vec<Groups> {
    let mut out = attach_same_line(&cands.groups, seg_row, spans.len());
    // A short run continued on the next line is joined before anything floats.
    join_split_runs(cands, &mut out, width);
    let (groups, segments) = (&cands.groups, &cands.segments);
    let mut taken = vec![false; groups.len()];
    out.iter().flatten().for_each(|&gi| taken[gi] = true);
    let mut floating = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        if taken[gi] || g.slots.is_empty() {
            continue;
        }
        match g.after_segment {
            Some(s) => match seg_row.get(s).copied().flatten() {
                Some(_) => {}
                // Text with an ordinal is a row label nobody recognised: its numbers
                // are that row's, not a neighbour's.
                None if !segments
                    .get(s)
                    .is_some_and(|x| x.prose || x.ordinal.is_some()) =>
                {
                    floating.push(gi)
                }
                None => {}
            },
            None if g.standalone || g.cell_per_line => floating.push(gi),
            None => {}
        }
    }
    // A run between two found rows with a required row not found between them may
    // be that row's (its label lost): giving it to a neighbour would be a guess.
    // Unless the table's layout settles it: when every other stand-alone run sits
    // below its label (or every one above), the run right below the row before (or
    // right above the row after) is that row's.
    let gaps = lost_row_gaps(spans, required);
    // Most tables lose no required row, and most have no run to float: neither list
    // is then made.
    let (beside_lost, clear): (Vec<usize>, Vec<usize>) = if gaps.is_empty() {
        (Vec::new(), floating)
    } else {
        floating
            .into_iter()
            .partition(|&gi| beside_a_lost_row(&groups[gi], &gaps))
    };
    let waiting: Vec<usize> = if clear.is_empty() {
        Vec::new()
    } else {
        (0..spans.len())
            .filter(|&r| spans[r].is_some() && out[r].is_empty())
            .collect()
    };
    let placed = match_in_order(groups, &clear, &waiting, spans);
    let below = placed
        .iter()
        .filter(|&&(g, r)| spans[r].is_some_and(|s| groups[g].line > s.last))
        .count();
    let above = placed
        .iter()
        .filter(|&&(g, r)| spans[r].is_some_and(|s| groups[g].last_line < s.first))
        .count();
    for &(gi, r) in &placed {
        out[r].push(gi);
    }
    let consistent = |n: usize| n >= MIN_LAYOUT_EVIDENCE && n == placed.len();
    for gi in beside_lost {
        let g = &groups[gi];
        let row = if consistent(below) {
            // The nearest found row above, if nothing else lies between it and the run.
            (0..spans.len())
                .filter(|&r| spans[r].is_some_and(|s| s.last < g.line))
                .max_by_key(|&r| spans[r].map(|s| s.last))
        } else if consistent(above) {
            (0..spans.len())
                .filter(|&r| spans[r].is_some_and(|s| s.first > g.last_line))
                .min_by_key(|&r| spans[r].map(|s| s.first))
        } else {
            None
        };
        let Some(r) = row.filter(|&r| out[r].is_empty()) else {
            continue;
        };
        let Some(s) = spans[r] else { continue };
        let (from, to) = if s.last < g.line {
            (s.last, g.line)
        } else {
            (g.last_line, s.first)
        };
        let runs_between = groups
            .iter()
            .any(|o| o.line > from && o.last_line < to && !o.slots.is_empty());
        if !runs_between && distance(g, s).is_some() {
            out[r].push(gi);
        }
    }
    out
}

/// Stand-alone runs that must agree on one side of their labels before that side
/// decides a run next to a lost row.
const MIN_LAYOUT_EVIDENCE: usize = 3;

/// Runs that follow a row's label on its own line.
fn attach_same_line(groups: &[ValueGroup], seg_row: &[Option<usize>], rows: usize) -> Vec<Groups> {
    // Made in place: `vec![x; n]` clones one row's groups n - 1 times.
    let mut out = Vec::with_capacity(rows);
    out.resize_with(rows, Groups::default);
    for (gi, g) in groups.iter().enumerate() {
        if let Some(r) = g
            .after_segment
            .and_then(|s| seg_row.get(s).copied().flatten())
        {
            if let Some(list) = out.get_mut(r) {
                list.push(gi);
            }
        }
    }
    out
}

/// The lines strictly between two consecutive found rows that have a required row
/// not found between them (the last line of the one, the first of the other): most
/// tables have none, and a run is tested against these alone.
fn lost_row_gaps(spans: &[Option<Span>], required: &[bool]) -> Vec<(usize, usize)> {
    // One pass carrying the last found row, with no list of the found rows: the
    // gaps' list is then made only where there is one.
    let mut gaps = Vec::new();
    let mut before: Option<(usize, Span)> = None;
    for (r, s) in spans.iter().enumerate() {
        let Some(s) = *s else { continue };
        if let Some((p, ps)) = before {
            if (p + 1..r).any(|q| required.get(q).copied().unwrap_or(false)) {
                gaps.push((ps.last, s.first));
            }
        }
        before = Some((r, s));
    }
    gaps
}

fn beside_a_lost_row(g: &ValueGroup, gaps: &[(usize, usize)]) -> bool {
    gaps.iter()
        .any(|&(after, before)| after < g.line && g.last_line < before)
}

/// How far a run lies from a label (None beyond [`MAX_FLOAT_DISTANCE`] lines).
fn distance(g: &ValueGroup, s: Span) -> Option<f64> {
    // The limit told on the whole lines (most pairs of [`match_in_order`]'s table are
    // too far apart) before any float is made: the penalty is less than a line.
    if g.last_line < s.first {
        let lines = s.first - g.last_line;
        (lines <= MAX_FLOAT_DISTANCE).then_some(lines as f64 + ABOVE_PENALTY)
    } else if g.line > s.last {
        let lines = g.line - s.last;
        (lines <= MAX_FLOAT_DISTANCE).then_some(lines as f64)
    } else {
        Some(0.0)
    }
}

/// Order-preserving assignment of stand-alone runs to rows without values, at least cost.
///
/// Each state takes the cheapest of its three ways in, the first of equals in the
/// order: pairing run and row, leaving the run, passing the row.
fn match_in_order(
    groups: &[ValueGroup],
    floating: &[usize],
    rows: &[usize],
    spans: &[Option<Span>],
) -> Vec<(usize, usize)> {
    let (n, m) = (floating.len(), rows.len());
    // No run or no row: nothing to pair (the table of steps would lead back to none).
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let w = m + 1;
    let mut back = vec![0u8; (n + 1) * w];
    let row_spans: Vec<Option<Span>> = rows.iter().map(|&r| spans[r]).collect();
    // The costs of the states with `a - 1` and with `a` runs behind.
    let mut prev = vec![f64::INFINITY; w];
    let mut cur = vec![f64::INFINITY; w];
    cur[0] = 0.0;
    for b in 1..=m {
        if cur[b - 1] < f64::INFINITY {
            cur[b] = cur[b - 1];
            back[b] = 2;
        }
    }
    for a in 1..=n {
        std::mem::swap(&mut prev, &mut cur);
        let run = &groups[floating[a - 1]];
        let back_row = &mut back[a * w..(a + 1) * w];
        let mut best = f64::INFINITY;
        let leave = prev[0] + UNUSED_RUN;
        if leave < best {
            best = leave;
            back_row[0] = 1;
        }
        cur[0] = best;
        // Walked by iterators, carrying the states before (`diag`, `left`), so that
        // no index is checked against its bounds in the table's inner loop.
        let (mut diag, mut left) = (prev[0], best);
        let ways = row_spans.iter().zip(&prev[1..]);
        for ((span, &up), (c, st)) in ways.zip(cur[1..].iter_mut().zip(&mut back_row[1..])) {
            let (mut best, mut step) = (f64::INFINITY, 0);
            if let Some(d) = span.and_then(|s| distance(run, s)) {
                let pair = diag + d;
                if pair < best {
                    (best, step) = (pair, 3);
                }
            }
            let leave = up + UNUSED_RUN;
            if leave < best {
                (best, step) = (leave, 1);
            }
            if left < best {
                (best, step) = (left, 2);
            }
            *c = best;
            *st = step;
            (diag, left) = (up, best);
        }
    }
    matched_pairs(&back, floating, rows)
}

/// The run and row paired along the cheapest way back from the last state of
/// [`match_in_order`]'s table of steps (`back`: 1 leaves a run, 2 passes a row, 3
/// pairs them), in order.
fn matched_pairs(back: &[u8], floating: &[usize], rows: &[usize]) -> Vec<(usize, usize)> {
    let (n, m) = (floating.len(), rows.len());
    let w = m + 1;
    let mut pairs = Vec::new();
    let (mut a, mut b) = (n, m);
    while a > 0 || b > 0 {
        match back[a * w + b] {
            1 => a -= 1,
            2 => b -= 1,
            3 => {
                pairs.push((floating[a - 1], rows[b - 1]));
                a -= 1;
                b -= 1;
            }
            _ => break,
        }
    }
    pairs.reverse();
    pairs
}

/// A row's run cut over two lines (`0 0 0` / `0 0 0 0`, or one value on the label's
/// line and the rest one per line below): when a row's run is short, the next run is
/// on the following line with no label before it and belongs to no row, and the two
/// together fill the row exactly, they are joined.
pub fn join_split_runs(
    cands: &mut Candidates,
    groups_of: &mut [Groups],
    width: impl Fn(usize) -> usize,
) {
    for r in 0..groups_of.len() {
        let Some(&g0) = groups_of[r].first() else {
            continue;
        };
        let g1 = g0 + 1;
        let (Some(a), Some(b)) = (cands.groups.get(g0), cands.groups.get(g1)) else {
            continue;
        };
        let fills = a.slots.len() < width(r) && a.slots.len() + b.slots.len() == width(r);
        let next_line = b.line > a.last_line && b.after_segment.is_none();
        // The scans last: most rows' runs already fill them.
        if fills
            && next_line
            && a.tabbed == b.tabbed
            && !groups_of.iter().any(|gs| gs.contains(&g1))
            && !cands
                .segments
                .iter()
                .any(|s| s.line > a.last_line && s.line < b.line)
        {
            let (next, last) = (b.line, b.last_line);
            let tail = std::mem::take(&mut cands.groups[g1].slots);
            let joined = &mut cands.groups[g0];
            let down = next.saturating_sub(joined.line);
            tail.append_to(joined.slots.to_mut(), down);
            joined.last_line = last;
        }
    }
}

/// How a value run fits a row of `n` columns.
#[derive(Clone, Debug, PartialEq)]
pub enum Fit<'g> {
    /// One slot per column (blank slots are unknown cells): the run's own slots where
    /// it fits as it stands, made ones where a reading changed it.
    Cells(Cow<'g, [Slot]>),
    /// Fewer values than columns, and nothing says which are missing.
    Short(usize),
    /// More values than columns.
    Long(usize),
    /// Empty cells at both ends and more slots than columns: which empty cells are
    /// structure and which are blank values cannot be told.
    Ambiguous(usize),
}

/// The ways a run can be placed: offsets `i` such that dropping `i` leading and the
/// rest trailing slots drops only blank cells (an offset no further than the leading
/// blanks, leaving no more than the trailing blanks after the row).
pub fn placements(g: &ValueGroup, n: usize) -> std::ops::Range<usize> {
    let len = g.slots.len();
    if len < n {
        return 0..0;
    }
    let leading = g.slots.iter().take_while(|s| s.is_blank()).count();
    let trailing = g.slots.iter().rev().take_while(|s| s.is_blank()).count();
    (len - n).saturating_sub(trailing)..leading.min(len - n) + 1
}

/// Places a run's slots into `n` columns. Tab layouts keep blank cells in place;
/// empty cells beyond the columns (merged label columns, a trailing tab) are dropped
/// when only one placement is possible, or when `value_field` (the tab cell where the
/// table's values start, learned from its unambiguous rows) picks one.
pub fn fit_columns(g: &ValueGroup, n: usize, value_field: Option<usize>) -> Fit<'_> {
    if let Some(ruled) = &g.ruled {
        // Word boxes put tabs among a ruled row's cells: where its tab cells do not
        // fit the row, the cells the rules part may.
        let as_tabbed = ValueGroup {
            ruled: None,
            ..g.clone()
        };
        let fit = owned(fit_columns(&as_tabbed, n, value_field));
        if matches!(fit, Fit::Cells(_)) || ruled.len() != n {
            return fit;
        }
        let as_ruled = ValueGroup {
            slots: ruled.clone(),
            tabbed: false,
            ..as_tabbed
        };
        return match owned(fit_columns(&as_ruled, n, None)) {
            cells @ Fit::Cells(_) => cells,
            _ => fit,
        };
    }
    let len = g.slots.len();
    // A tab cell that held only a rule is a blank cell when the run then fills the
    // row exactly (OCR read a `1` as the rule); otherwise it is the rule between
    // cells, and counting it would shift the cells after it.
    if len != n && g.slots.iter().any(Slot::is_rule) {
        return owned(fit_columns(&without(g, Slot::is_rule), n, value_field));
    }
    // A mark read where the row's last cell should be is that cell only where the run
    // is then the row (`2 0 0 0 0 0 ;`); otherwise it is a stray mark.
    if len != n && g.slots.iter().any(Slot::is_mark_cell) {
        return owned(fit_columns(&without(g, Slot::is_mark_cell), n, value_field));
    }
    // Likewise a `]` read as a 1 is the rule when the run is then exactly the row
    // (`0 0 o o ] o 。 。` for seven zeros).
    if len > n && g.slots.iter().any(Slot::is_mark_read_as_digit) {
        let rest = without(g, Slot::is_mark_read_as_digit);
        if rest.slots.len() == n {
            return owned(fit_columns(&rest, n, value_field));
        }
    }
    // Glyphs before a row's numbers in tab cells of their own are misread digits
    // where the run is then the row, and what is left of a label where the run is
    // too long with them (`收费\t上\t二\t0` for one column).
    if len > n && g.slots[..len - n].iter().all(Slot::is_glyph_cell) {
        let mut rest = g.clone();
        rest.slots.to_mut().drain(..len - n);
        return owned(fit_columns(&rest, n, value_field));
    }
    // A cell OCR garbled into two glyphs a space apart (`0 下 曲 0`) is one cell
    // where the run is then the row and no other pair could be it.
    if len == n + 1 {
        let mut pairs = (0..len - 1).filter(|&i| split_glyph(&g.slots[i], &g.slots[i + 1]));
        if let (Some(i), None) = (pairs.next(), pairs.next()) {
            let mut rest = g.clone();
            rest.slots.to_mut().remove(i + 1);
            return owned(fit_columns(&rest, n, value_field));
        }
    }
    if len < n {
        if let Some(cells) = spaced_cells(g, n) {
            return Fit::Cells(Cow::Owned(cells));
        }
        return Fit::Short(g.slots.iter().filter(|s| !s.is_blank()).count());
    }
    let mut options = placements(g, n);
    let chosen = match options.len() {
        0 => return Fit::Long(len),
        1 => options.start,
        _ => match options.find(|&i| g.tabbed && Some(g.slots[i].field) == value_field) {
            Some(i) => i,
            None => return Fit::Ambiguous(len),
        },
    };
    Fit::Cells(Cow::Borrowed(&g.slots[chosen..chosen + n]))
}

/// A fit of a group made here, which does not outlive the call.
fn owned(fit: Fit<'_>) -> Fit<'static> {
    match fit {
        Fit::Cells(cells) => Fit::Cells(Cow::Owned(cells.into_owned())),
        Fit::Short(k) => Fit::Short(k),
        Fit::Long(k) => Fit::Long(k),
        Fit::Ambiguous(k) => Fit::Ambiguous(k),
    }
}

/// Cells of a spaced row stand apart by at least this many characters for the gaps
/// between them to tell where cells were lost (one space tells nothing).
const MIN_PITCH: i64 = 3;

/// A spaced row that lost cells between its first and last (`0   0   0       1` for
/// four columns): OCR keeps the spaces between a line's cells, which stand at one
/// pitch, so a gap of two pitches held one lost cell, of three two. Only where the
/// gaps account for exactly the cells lost, every gap is within a quarter pitch of a
/// whole number of pitches, and at least three cells were read; the lost cells are
/// blanks, left to the identities. Cells lost at the row's ends leave no gap: such a
/// run stays short.
fn spaced_cells(g: &ValueGroup, n: usize) -> Option<Vec<Slot>> {
    let s = &g.slots;
    let line = s.first()?.line_offset;
    if g.tabbed
        || g.cell_per_line
        || s.len() < 3
        || s.iter()
            .any(|x| x.line_offset != line || x.is_blank() || x.at == u32::MAX)
    {
        return None;
    }
    // Twice each cell's centre, in characters from the first cell's start: only
    // spaces lie between a spaced line's cells.
    let width = |x: &Slot| i64::try_from(x.raw.chars().count()).unwrap_or(0);
    let mut start = 0;
    let mut centres = Vec::with_capacity(s.len());
    for (i, x) in s.iter().enumerate() {
        if i > 0 {
            let prev = &s[i - 1];
            let bytes = i64::try_from(prev.raw.len()).unwrap_or(0);
            let spaces = i64::from(x.at) - i64::from(prev.at) - bytes;
            if spaces < 1 {
                return None;
            }
            start += width(prev) + spaces;
        }
        centres.push(2 * start + width(x));
    }
    let steps: Vec<i64> = centres.windows(2).map(|w| w[1] - w[0]).collect();
    let pitch = *steps.iter().min()?;
    if pitch < 2 * MIN_PITCH {
        return None;
    }
    let mut cells = Vec::with_capacity(n);
    for (x, &step) in s.iter().zip(&steps) {
        cells.push(x.clone());
        let pitches = (step + pitch / 2) / pitch;
        if (step - pitches * pitch).abs() * 4 > pitch || cells.len() + pitches as usize > n {
            return None;
        }
        for _ in 1..pitches {
            cells.push(Slot {
                raw: CellText::new(),
                line_offset: line,
                number: None,
                unreadable: false,
                field: 0,
                at: u32::MAX,
            });
        }
    }
    cells.push(s.last()?.clone());
    (cells.len() == n).then_some(cells)
}

/// `g` without the slots `drop` picks.
/// Two glyph cells one space apart in one tab cell: one garbled cell, by their
/// spacing, which is narrower than any gap between cells.
fn split_glyph(a: &Slot, b: &Slot) -> bool {
    a.is_glyph_cell()
        && b.is_glyph_cell()
        && a.line_offset == b.line_offset
        && a.field == b.field
        && u64::from(b.at) == u64::from(a.at) + a.raw.len() as u64 + 1
}

fn without(g: &ValueGroup, drop: impl Fn(&Slot) -> bool) -> ValueGroup {
    let mut rest = g.clone();
    rest.slots.to_mut().retain(|s| !drop(s));
    rest
}

/// The tab cell where values start in most of a table's rows that can be placed in
/// only one way; None when no position is in the majority.
pub fn learn_value_field<'a>(runs: impl Iterator<Item = (&'a ValueGroup, usize)>) -> Option<usize> {
    // (field, rows): a table has a few positions, and at most one is a majority.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    let mut total = 0;
    for (g, n) in runs {
        let options = placements(g, n);
        if g.tabbed && options.len() == 1 {
            let field = g.slots[options.start].field;
            match counts.iter_mut().find(|(f, _)| *f == field) {
                Some((_, c)) => *c += 1,
                None => counts.push((field, 1)),
            }
            total += 1;
        }
    }
    counts
        .into_iter()
        .find(|&(_, c)| c * 2 > total)
        .map(|(f, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidates::lex_lines;
    use crate::normalize::{as_strs, normalize_line};

    fn cands(text: &str) -> Candidates {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let lines: Vec<String> = text.lines().map(normalize_line).collect();
        lex_lines(&as_strs(&lines), 0..lines.len(), &lex)
    }

    fn groups(text: &str) -> Vec<ValueGroup> {
        cands(text).groups
    }

    #[test]
    fn tab_runs_drop_structural_blanks_only() {
        let g = groups("一、本年新收\t\t2\t0\t0\t0\t0\t0\t2");
        assert!(matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[0].raw == "2"));
        let g = groups("(一) 予以公开\t2\t\t0\t\t\t\t2");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[1].is_blank() && c[2].raw == "0")
        );
        let g = groups("1. 属于国家秘密\t0\t0\t0\t0\t0\t0");
        assert_eq!(fit_columns(&g[0], 7, None), Fit::Short(6));
        let g = groups("行政事业性收费\t0\t0\t");
        assert!(matches!(fit_columns(&g[0], 2, None), Fit::Cells(_)));
    }

    #[test]
    fn two_glyphs_a_space_apart_are_one_cell_where_the_run_is_then_the_row() {
        let g = groups("1.属于国家秘密    0    0    0    0 下 曲    0    0");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[4].raw == "下" && c[4].is_damaged() && c[5].raw == "0")
        );
        // Set apart like the cells, they are two cells.
        let g = groups("1.属于国家秘密    0    0    0    0    下    曲    0    0");
        assert_eq!(fit_columns(&g[0], 7, None), Fit::Long(8));
        // Two such pairs leave the cell they make unknown.
        let g = groups("1.属于国家秘密    0    0 下 曲    0 下 曲    0");
        assert_eq!(fit_columns(&g[0], 7, None), Fit::Long(8));
    }

    #[test]
    fn a_mark_after_a_rows_numbers_is_its_last_cell_only_where_the_run_is_then_the_row() {
        let g = groups("(一) 予以公开 2 0 0 0 0 0 ;");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[6].is_mark_cell() && c[6].is_damaged())
        );
        let g = groups("(一) 予以公开 2 0 0 0 0 0 》");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[6].is_mark_cell() && c[6].raw == "》")
        );
        let g = groups("(一) 予以公开 2 0 0 0 0 0 2 .");
        assert!(matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[6].raw == "2"));
        // Not before the numbers, and not where more follows.
        let g = groups("(一) 予以公开 ; 2 0 0");
        assert_eq!(g[0].slots.len(), 3);
    }

    #[test]
    fn a_bracket_read_as_one_is_the_rule_where_the_run_is_one_too_long() {
        let g = groups("3.补正后申请内容仍不明确| 0 | 0 | o | o ] o | 。 | 。");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c.iter().all(|s| s.raw != "]"))
        );
        // Where the run is the row with it, it is the row's 1.
        let g = groups("(七) 总计 5 0 2 1 8 ]");
        assert!(matches!(fit_columns(&g[0], 6, None), Fit::Cells(c) if c[5].raw == "]"));
    }

    #[test]
    fn a_tab_cell_of_a_rule_alone_is_a_cell_only_where_it_fills_the_row() {
        // Rules between the cells, as word boxes give them: not cells.
        let g = groups("规章\t|\t1\t|\t0\t|");
        assert_eq!(fit_columns(&g[0], 3, None), Fit::Short(2));
        let g = groups("规章\t|\t1\t|\t0\t|\t5");
        assert!(
            matches!(fit_columns(&g[0], 3, None), Fit::Cells(c) if c.iter().map(|s| s.raw.as_str()).eq(["1", "0", "5"]))
        );
        // A `1` read as a rule: with it the run fills the row, so it is an unknown cell.
        let g = groups("2.重复申请\t|\t0\t0\t0\t0\t0\t1");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[0].is_blank() && c[6].raw == "1")
        );
    }

    #[test]
    fn glyphs_in_tab_cells_before_the_numbers_are_cells_only_where_they_fill_the_row() {
        // A `1` read as a letter in a cell of its own: the run is the row with it.
        let g = groups("2 .重复申请\ti\t0\t0\t0\t0\t0\t1");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[0].is_glyph_cell() && c[6].raw == "1")
        );
        // What is left of a label: the run is too long with the glyphs.
        let g = groups("行政事业性收费\t上\t二\t0");
        assert!(
            matches!(fit_columns(&g[0], 1, None), Fit::Cells(c) if c.len() == 1 && c[0].raw == "0")
        );
    }

    #[test]
    fn a_tab_line_whose_rules_part_its_cells_is_read_by_the_rules_where_the_tabs_do_not_fit() {
        // Word boxes put tabs among the rules: three tab cells hold four rules.
        let g = groups("2.其他法律行政法规禁止公开 | 0 | 0 | o | |\t|\t| 。");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c.iter().map(|s| s.raw.as_str()).eq(["0", "0", "o", "||", "||", "||", "。"]))
        );
        // Where the tab cells fit the row, they stand (a rule alone in a tab cell is a
        // cell there).
        let g = groups("4 保护第三方合法权益 | 0\t| 0\t| 0\t|\t0\t|\t0");
        assert!(
            matches!(fit_columns(&g[0], 7, None), Fit::Cells(c) if c[3].is_rule() && c[4].raw == "0")
        );
    }

    #[test]
    fn a_spaced_row_places_the_cells_it_lost_inside_by_the_gaps() {
        let text = |cells: &str| format!("四、结转下年度继续办理         {cells}");
        let raws = |f: Fit| match f {
            Fit::Cells(c) => c
                .iter()
                .map(|s| s.raw.as_str())
                .collect::<Vec<_>>()
                .join(","),
            other => format!("{other:?}"),
        };
        let g = groups(&text("0   0   0   0   0       1"));
        assert_eq!(raws(fit_columns(&g[0], 7, None)), "0,0,0,0,0,,1");
        let g = groups(&text("0   。   0           0   0"));
        assert_eq!(raws(fit_columns(&g[0], 7, None)), "0,。,0,,,0,0");
        // Gaps that are no whole number of pitches, one space between cells, or more
        // cells lost than the gaps hold: which cells are lost cannot be told.
        for cells in [
            "0   0   0   0   0     1",
            "0 0 0 0 0  1",
            "0   0   0       1",
        ] {
            let g = groups(&text(cells));
            assert!(
                matches!(fit_columns(&g[0], 7, None), Fit::Short(_)),
                "{cells}"
            );
        }
    }

    #[test]
    fn spaced_runs_must_fit_exactly() {
        let g = groups("规章 1 0");
        assert_eq!(fit_columns(&g[0], 3, None), Fit::Short(2));
        let g = groups("规章 1 0 11 4");
        assert_eq!(fit_columns(&g[0], 3, None), Fit::Long(4));
    }

    #[test]
    fn blanks_at_both_ends_are_placed_by_the_tables_value_column_or_not_at_all() {
        // A blank 总计 at the end and an empty label cell at the start.
        let text = "三、本年度办理结果\t(一) 予以公开\t\t258\t12\t0\t0\t1\t1\t\n\t\t2.其他\t0\t0\t0\t0\t0\t0\t0\n\t\t3.危及\t1\t0\t0\t0\t0\t0\t1";
        let g = groups(text);
        assert_eq!(fit_columns(&g[0], 7, None), Fit::Ambiguous(8));
        let field = learn_value_field(g.iter().map(|g| (g, 7)));
        assert_eq!(field, Some(3));
        match fit_columns(&g[0], 7, field) {
            Fit::Cells(c) => {
                assert_eq!(c[0].raw, "258");
                assert!(c[6].is_blank());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stand_alone_runs_go_to_the_nearest_waiting_row_in_order() {
        // Lines: 0 run A, 1 row 0, 2 row 1 (same-line run), 3 run B, 4 row 2.
        let mut c = cands("1 0 0\nx\ny 5 5 5\n0 0 0\nz");
        let spans = [
            Some(Span { first: 1, last: 1 }),
            Some(Span { first: 2, last: 2 }),
            Some(Span { first: 4, last: 4 }),
        ];
        // Segments: "x" (0), "y" (1), "z" (2).
        let seg_row = [Some(0), Some(1), Some(2)];
        let got = assign_groups(&mut c, &seg_row, &spans, &[true; 3], |_| 3);
        assert_eq!(got, vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn a_run_cut_over_two_lines_is_joined_only_when_it_fills_the_row() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let lines: Vec<String> = ["四、结转下年度继续办理 1 0 0", "0 0 0 1", "二、x 5"]
            .iter()
            .map(|l| normalize_line(l))
            .collect();
        let mut c = lex_lines(&as_strs(&lines), 0..lines.len(), &lex);
        let mut groups_of = vec![Groups::one(0)];
        join_split_runs(&mut c, &mut groups_of, |_| 7);
        let got: Vec<&str> = c.groups[0].slots.iter().map(|s| s.raw.as_str()).collect();
        assert_eq!(got, ["1", "0", "0", "0", "0", "0", "1"]);
        assert!(c.groups[1].slots.is_empty());
        // Three plus four is not eight: left alone.
        let mut c = lex_lines(&as_strs(&lines), 0..lines.len(), &lex);
        join_split_runs(&mut c, &mut groups_of, |_| 8);
        assert_eq!(c.groups[0].slots.len(), 3);
    }

    #[test]
    fn a_run_where_a_lost_row_may_be_is_left_alone() {
        // Row 0 found (line 0), row 1 lost, row 2 found (line 2) without values: the
        // run on line 1 may be row 1's.
        let mut c = cands("x 1 1 1\n5 5 5\nz");
        let spans = [
            Some(Span { first: 0, last: 0 }),
            None,
            Some(Span { first: 2, last: 2 }),
        ];
        let seg_row = [Some(0), Some(2)];
        let got = assign_groups(&mut c, &seg_row, &spans, &[true; 3], |_| 3);
        assert_eq!(got, vec![vec![0], vec![], vec![]]);
        // If the row between is optional, the run goes to its nearest neighbour.
        let got = assign_groups(&mut c, &seg_row, &spans, &[true, false, true], |_| 3);
        assert_eq!(got, vec![vec![0], vec![], vec![1]]);
    }

    /// Every offset that drops only blank slots at both ends, tried one by one.
    fn placements_by_trial(g: &ValueGroup, n: usize) -> Vec<usize> {
        let len = g.slots.len();
        if len < n {
            return Vec::new();
        }
        (0..=len - n)
            .filter(|&i| {
                g.slots[..i].iter().all(Slot::is_blank)
                    && g.slots[i + n..].iter().all(Slot::is_blank)
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn placements_are_the_offsets_that_drop_only_blanks(
            filled in proptest::collection::vec(proptest::bool::ANY, 0..12),
            n in 0usize..14,
        ) {
            let slots = filled
                .iter()
                .enumerate()
                .map(|(i, &f)| Slot {
                    raw: CellText::new(),
                    line_offset: 0,
                    number: None,
                    unreadable: f,
                    field: i,
                    at: 0,
                })
                .collect();
            let g = ValueGroup {
                tabbed: true,
                ..ValueGroup::standalone(0, 0, slots)
            };
            proptest::prop_assert_eq!(
                placements(&g, n).collect::<Vec<_>>(),
                placements_by_trial(&g, n)
            );
        }
    }

    /// [`match_in_order`] as first written: each state passes its cost on.
    fn match_in_order_by_relaxing(
        groups: &[ValueGroup],
        floating: &[usize],
        rows: &[usize],
        spans: &[Option<Span>],
    ) -> Vec<(usize, usize)> {
        let (n, m) = (floating.len(), rows.len());
        let w = m + 1;
        let mut cost = vec![f64::INFINITY; (n + 1) * w];
        let mut back = vec![0u8; (n + 1) * w];
        cost[0] = 0.0;
        let row_spans: Vec<Option<Span>> = rows.iter().map(|&r| spans[r]).collect();
        for a in 0..=n {
            let run = floating.get(a).map(|&g| &groups[g]);
            for b in 0..=m {
                let here = cost[a * w + b];
                if here.is_infinite() {
                    continue;
                }
                let mut relax = |to: usize, v: f64, step: u8| {
                    if v < cost[to] {
                        cost[to] = v;
                        back[to] = step;
                    }
                };
                if a < n {
                    relax((a + 1) * w + b, here + UNUSED_RUN, 1);
                }
                if b < m {
                    relax(a * w + b + 1, here, 2);
                    if let Some(run) = run {
                        if let Some(d) = row_spans[b].and_then(|s| distance(run, s)) {
                            relax((a + 1) * w + b + 1, here + d, 3);
                        }
                    }
                }
            }
        }
        matched_pairs(&back, floating, rows)
    }

    /// [`distance`] told on the float it makes, as it was first written.
    fn distance_by_float(g: &ValueGroup, s: Span) -> Option<f64> {
        let d = if g.last_line < s.first {
            (s.first - g.last_line) as f64 + ABOVE_PENALTY
        } else if g.line > s.last {
            (g.line - s.last) as f64
        } else {
            0.0
        };
        (d <= MAX_FLOAT_DISTANCE as f64 + ABOVE_PENALTY).then_some(d)
    }

    /// [`lost_row_gaps`] from the list of found rows, pair by pair.
    fn lost_row_gaps_by_pairs(spans: &[Option<Span>], required: &[bool]) -> Vec<(usize, usize)> {
        let found: Vec<(usize, Span)> = spans
            .iter()
            .enumerate()
            .filter_map(|(r, s)| s.map(|s| (r, s)))
            .collect();
        found
            .windows(2)
            .filter(|w| (w[0].0 + 1..w[1].0).any(|r| required.get(r).copied().unwrap_or(false)))
            .map(|w| (w[0].1.last, w[1].1.first))
            .collect()
    }

    proptest::proptest! {
        /// A row's groups kept in place, then in a list, read back as a list of
        /// the same pushes does, after each push (rows of one to many runs).
        #[test]
        fn a_rows_groups_read_as_a_list_of_them(
            first in proptest::option::of(0usize..100),
            pushed in proptest::collection::vec(0usize..100, 0..7),
        ) {
            let (mut groups, mut list) = match first {
                Some(g) => (Groups::one(g), vec![g]),
                None => (Groups::default(), Vec::new()),
            };
            proptest::prop_assert_eq!(&groups, &list);
            for g in pushed {
                groups.push(g);
                list.push(g);
                proptest::prop_assert_eq!(&groups[..], &list[..]);
                proptest::prop_assert_eq!((&groups).into_iter().copied().collect::<Vec<_>>(), list.clone());
            }
        }

        /// The gaps of lost rows found in one pass are those of the found rows
        /// taken pair by pair (rows found or not, required or not, a list of
        /// required rows shorter or longer than the rows).
        #[test]
        fn lost_row_gaps_are_those_of_pairs_of_found_rows(
            spans in proptest::collection::vec(proptest::option::of((0usize..40, 0usize..3)), 0..12),
            required in proptest::collection::vec(proptest::bool::ANY, 0..14),
        ) {
            let spans: Vec<Option<Span>> = spans
                .into_iter()
                .map(|s| s.map(|(first, n)| Span { first, last: first + n }))
                .collect();
            proptest::prop_assert_eq!(
                lost_row_gaps(&spans, &required),
                lost_row_gaps_by_pairs(&spans, &required)
            );
        }

        #[test]
        fn distance_is_the_float_limit(
            line in 0usize..40,
            extra in 0usize..4,
            first in 0usize..40,
            span in 0usize..4,
            far in 0u8..3,
        ) {
            // Runs and labels far apart as well, where a float's rounding could matter.
            let (run_shift, span_shift) = match far {
                0 => (0, 0),
                1 => (usize::MAX / 2, 0),
                _ => (0, usize::MAX / 2),
            };
            let g = ValueGroup::standalone(
                line + run_shift,
                line + extra + run_shift,
                Vec::new(),
            );
            let s = Span { first: first + span_shift, last: first + span + span_shift };
            proptest::prop_assert_eq!(distance(&g, s), distance_by_float(&g, s));
        }

        #[test]
        fn match_in_order_is_the_relaxing_order(
            runs in proptest::collection::vec((0usize..30, 0usize..3, proptest::bool::ANY), 0..9),
            labels in proptest::collection::vec(proptest::option::of((0usize..30, 0usize..3)), 0..9),
        ) {
            let groups: Vec<ValueGroup> = runs
                .iter()
                .map(|&(line, extra, _)| ValueGroup::standalone(line, line + extra, Vec::new()))
                .collect();
            let floating: Vec<usize> = (0..runs.len()).filter(|&g| runs[g].2).collect();
            let spans: Vec<Option<Span>> = labels
                .iter()
                .map(|l| l.map(|(first, extra)| Span { first, last: first + extra }))
                .collect();
            let rows: Vec<usize> = (0..spans.len()).filter(|&r| spans[r].is_some()).collect();
            proptest::prop_assert_eq!(
                match_in_order(&groups, &floating, &rows, &spans),
                match_in_order_by_relaxing(&groups, &floating, &rows, &spans)
            );
        }
    }
}
