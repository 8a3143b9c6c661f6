//! Template alignment: label segments → template rows, by dynamic programming.
//!
//! Takes a region's segments in reading order and the template's rows in their
//! fixed order, gives for each row the run of segments that spell its label (or
//! none). Rows keep their order, so an ordinal or a well-read neighbour pins down a
//! garbled label; segments may be skipped (headers, group cells, prose, vertical
//! letters), rows may be missing, and a label wrapped over several lines is one
//! match of consecutive segments.
//!
//! A segment's scores against a table's labels depend on nothing but the keys of
//! the runs that start at it, its ordinal, the labels and the glyph table, and a
//! report prints most labels as every other report of its template does: each
//! thread keeps the scores it found, by those inputs (a bounded memo), and a
//! segment seen before is not scored again. A run's scores depend on its keys alone,
//! so each run is remembered too: a segment whose later runs are new (a misread
//! segment among the next few) scores only those.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::candidates::Segment;
use crate::dictionary::Label;
use crate::ordinal::Ordinal;
use crate::similarity::{label_gate_held as held, label_gate_holds as holds};
use crate::similarity::{
    label_memo, number_keys, score_label, GlyphCosts, LabelGate, LabelMemo, LabelScore, Runs,
    SegmentNames, NO_NAME,
};

/// A label may be wrapped over at most this many segments …
const MAX_PIECES: usize = 5;
/// … spread over at most this many lines after its first.
const MAX_SPAN_LINES: usize = 4;
/// A match must score at least this to be taken; the DP maximises Σ(score − ACCEPT).
pub const ACCEPT: f64 = 0.5;

/// Which segments spell a row's label, and how well.
#[derive(Clone, Debug, PartialEq)]
pub struct RowMatch {
    /// First segment index.
    pub first: usize,
    /// Last segment index (inclusive).
    pub last: usize,
    /// The score of the joined segments against the row label.
    pub score: LabelScore,
}

/// How the best path reached a DP cell.
#[derive(Clone, Copy)]
enum Step {
    Start,
    SkipSegment,
    SkipRow,
    /// A match of this many segments.
    Match(u8),
}

/// Sets cell `to` of the table to `value` if that is better than what it holds (the
/// first of equal values stays); whether it was.
fn relax(best: &mut [f64], to: usize, value: f64) -> bool {
    let better = value > best[to];
    if better {
        best[to] = value;
    }
    better
}

/// The step that set cell `cell` (row `i`, column `j`) of the finished table, told
/// from the values alone, so that no step is written while the table is filled. A
/// cell is relaxed in one order: the matches that end in it (from earlier rows), then
/// the skip of a segment from the cell above, then the skip of a row from the cell
/// to its left; each only when strictly better, so the step is the first in that
/// order whose value is the cell's. `last_match` is the last match recorded for the
/// cell (the best of its matches, each recorded when it was better), with the value
/// it gave.
fn step_at(best: &[f64], w: usize, i: usize, j: usize, last_match: Option<(u8, f64)>) -> Step {
    let value = best[i * w + j];
    if value == f64::NEG_INFINITY {
        return Step::Start;
    }
    match last_match {
        Some((k, v)) if v == value => Step::Match(k),
        _ if i > 0 && best[(i - 1) * w + j] == value => Step::SkipSegment,
        _ if j > 0 && best[i * w + j - 1] == value => Step::SkipRow,
        _ => Step::Start,
    }
}

thread_local! {
    static RUNS: std::cell::RefCell<Runs> = std::cell::RefCell::new(Runs::default());
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
    static MATCHED: std::cell::RefCell<Matched> = std::cell::RefCell::new(Matched::default());
    static DECODED: std::cell::RefCell<Decoded> = std::cell::RefCell::new(Decoded::default());
}

/// The most characters [`Decoded`] keeps (4 MB); past this it starts again.
const MAX_DECODED: usize = 1 << 20;

/// The characters of the segment keys a thread has numbered, each key decoded when a
/// run first needs it and kept while its number stands for it (one generation of the
/// names): a missed segment's runs take the keys of up to five segments, a misread
/// segment misses the segments before it too, and a template's reports print the
/// same keys, so a key was decoded many times.
#[derive(Default)]
struct Decoded {
    chars: Vec<char>,
    /// By key number: where its characters are in `chars`, None until decoded.
    at: Vec<Option<(usize, usize)>>,
    /// The generation of the names the numbers are of.
    generation: u64,
}

impl Decoded {
    /// Forgets every key when `names` are of another generation than those kept.
    fn take_names_of(&mut self, names: &SegmentNames) {
        if self.generation != names.generation {
            self.generation = names.generation;
            self.forget();
        }
    }

    fn forget(&mut self) {
        self.chars.clear();
        self.at.clear();
    }

    /// The characters of segment `i`'s key; `names` numbers the segments' keys.
    fn chars(&mut self, segments: &[Segment], names: &[u32], i: usize) -> &[char] {
        let key = &segments[i].body_key;
        if self.chars.len() + key.len() > MAX_DECODED {
            self.forget();
        }
        // A key without a number (prose, in no run) is decoded and not kept.
        let number = names.get(i).copied().filter(|&n| n != NO_NAME);
        let Some(number) = number.map(|n| n as usize) else {
            let start = self.chars.len();
            self.chars.extend(key.chars());
            return &self.chars[start..];
        };
        if self.at.len() <= number {
            self.at.resize(number + 1, None);
        }
        let (start, end) = match self.at[number] {
            Some(span) => span,
            None => {
                let start = self.chars.len();
                self.chars.extend(key.chars());
                self.at[number] = Some((start, self.chars.len()));
                (start, self.chars.len())
            }
        };
        &self.chars[start..end]
    }
}

/// The matches that set cells of the table when they were relaxed, by cell, in the
/// order set, with their segment counts and scores: a cell's last entry is its best
/// match (a push costs a fraction of a hash insert, and the way back looks up only
/// the cells of the path).
type Matched = Vec<(u64, u8, LabelScore)>;

/// Label sets a thread remembers scores for (a run reads a few templates' tables
/// and section lists); past this the memo starts again.
const MAX_LABEL_SETS: usize = 16;
/// Segments and runs remembered per label set; past this the set keeps its most-used
/// entries ([`make_room`]).
const MAX_REMEMBERED: usize = 32_768;
/// What a thread remembers: the scores by label set, keyed by the numbers of the
/// segment keys ([`number_segments`]) of one generation.
#[derive(Default)]
struct Memo {
    sets: Vec<LabelSet>,
    /// The generation of the names the sets' keys are made of.
    generation: u64,
    /// The names of a table's segments, kept with its room ([`align_rows`]).
    names_buf: SegmentNames,
}

impl Memo {
    /// Forgets every score when `names` are of another generation than those
    /// remembered (their numbers may then stand for other keys).
    fn take_names_of(&mut self, names: &SegmentNames) {
        if self.generation != names.generation {
            self.generation = names.generation;
            for set in &mut self.sets {
                set.found.clear();
            }
        }
    }

    #[cfg(test)]
    fn clear(&mut self) {
        self.sets.clear();
    }
}

/// Numbers the keys of `segments` (none for prose, which no run holds): a key is
/// hashed once per table instead of once per run it is in, and the stages after the
/// alignment that remember answers by key ([`crate::similarity::BestLabel`]) take
/// the same numbers.
pub fn number_segments(segments: &[Segment], out: &mut SegmentNames) {
    number_keys(
        segments.iter().map(|s| (!s.prose).then_some(&s.body_key)),
        out,
    );
}

/// What a segment's scores depend on besides the labels and the glyph table: its
/// ordinal, and the keys of its runs' segments, by their numbers ([`number_segments`];
/// NO_NAME past the last). A run remembered on its own has `run` set, so that it is
/// never taken for a segment whose last run it is.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SegmentKey {
    ordinal: Option<Ordinal>,
    pieces: [u32; MAX_PIECES],
    run: bool,
}

impl SegmentKey {
    /// The key of the segment at `i` (its runs' `pieces`), as numbered in `names`.
    fn of(segments: &[Segment], names: &[u32], i: usize, pieces: usize) -> SegmentKey {
        let mut key = SegmentKey {
            ordinal: segments.get(i).and_then(|s| s.ordinal),
            pieces: [NO_NAME; MAX_PIECES],
            run: false,
        };
        key.pieces[..pieces].copy_from_slice(&names[i..i + pieces]);
        key
    }

    /// The key of its run of the first `pieces` segments.
    fn run(&self, pieces: usize) -> SegmentKey {
        let mut key = SegmentKey { run: true, ..*self };
        // A select for each of the fixed five: a fill of a length known only here is
        // a call to `memset`, dearer (asked for every run of every missed segment).
        for (k, n) in key.pieces.iter_mut().enumerate() {
            *n = if k < pieces { *n } else { NO_NAME };
        }
        key
    }
}

impl Hash for SegmentKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Folded into one word here: `CharHasher` takes a word a step. The numbers
        // fit 32 bits (the ordinal and the run flag 18), so two go in a word, each
        // word mixed in by a multiplication of its own: three, not five.
        let ordinal = self
            .ordinal
            .map_or(0, |o| 1 + ((o.kind as u64) << 8 | u64::from(o.n)));
        let tag = ordinal << 1 | u64::from(self.run);
        let [a, b, c, d, e] = self.pieces.map(u64::from);
        let mut h = 0u64;
        for w in [tag | a << 32, b | c << 32, d | e << 32] {
            h = (h.rotate_left(26) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        state.write_u64(h);
    }
}

/// A segment's matches against a label set: (label, segments in the run − 1, score),
/// in the order they were found (labels ascending, then runs); a run's own, with 0
/// for its segments.
type Found = Vec<(u32, u8, LabelScore)>;

/// The scores found against one label set with one glyph table.
type LabelSet = LabelMemo<SegmentKey, (Found, Hits)>;

/// How often an entry was looked up since the memo last made room (saturating).
type Hits = std::cell::Cell<u8>;

/// Counts a look-up of a memo entry.
fn hit((found, hits): &(Found, Hits)) -> &Found {
    hits.set(hits.get().saturating_add(1));
    found
}

/// Makes room in a full set's memo: keeps the entries looked up most since room was
/// last made (a template's own label lines, met report after report), fewer than
/// half the bound, and halves their counts, so that what stops being met goes in
/// time. Emptying the whole memo lost the common lines with the rare ones (most
/// entries are a report's own misreads, never met again).
fn make_room(found: &mut HashMap<SegmentKey, (Found, Hits), impl std::hash::BuildHasher>) {
    let mut least = 1u8;
    loop {
        found.retain(|_, (_, hits)| hits.get() >= least);
        if found.len() < MAX_REMEMBERED / 2 {
            break;
        }
        if least == u8::MAX {
            found.clear();
            break;
        }
        least = least.saturating_mul(2);
    }
    for (_, hits) in found.values() {
        hits.set(hits.get() / 2);
    }
}

/// The skips of one row of the table, in one pass: each cell the best of itself,
/// the cell `above` it (none on the first row: a segment skipped) and the cell to its
/// left (a label skipped), the best so far carried in a register.
#[inline]
fn skip_along(above: Option<&[f64]>, cells: &mut [f64]) {
    let mut carry = f64::NEG_INFINITY;
    match above {
        Some(above) => {
            for (&up, cell) in above.iter().zip(cells) {
                let v = if up > *cell { up } else { *cell };
                carry = if carry > v { carry } else { v };
                *cell = carry;
            }
        }
        None => {
            for cell in cells {
                carry = if carry > *cell { carry } else { *cell };
                *cell = carry;
            }
        }
    }
}

/// Aligns `segments` to `labels` (template order). Returns one entry per label.
pub fn align_rows(
    segments: &[Segment],
    labels: &[&Label],
    glyphs: &GlyphCosts,
) -> Vec<Option<RowMatch>> {
    let mut names = MEMO.with(|memo| std::mem::take(&mut memo.borrow_mut().names_buf));
    number_segments(segments, &mut names);
    let out = align_named(segments, labels, glyphs, &names);
    MEMO.with(|memo| memo.borrow_mut().names_buf = names);
    out
}

/// [`align_rows`] of segments whose keys were numbered before: `names` is
/// [`number_segments`] of `segments`.
pub fn align_named(
    segments: &[Segment],
    labels: &[&Label],
    glyphs: &GlyphCosts,
    names: &SegmentNames,
) -> Vec<Option<RowMatch>> {
    let (n, m) = (segments.len(), labels.len());
    let w = m + 1;
    let mut best = vec![f64::NEG_INFINITY; (n + 1) * w];
    best[0] = 0.0;
    // The runs' buffers (their pattern tables are alphabet-sized) are kept per thread.
    let mut runs = RUNS.with(std::cell::RefCell::take);
    let mut found = Vec::new();
    // The matches that set cells, kept when they do (the cells reached by a match are
    // few): the way back tells from them which cells a match set ([`step_at`]) and
    // reads their scores instead of scoring the runs against the labels again; the
    // table itself holds values only.
    // Kept per thread with its room.
    let mut matched = MATCHED.with(std::cell::RefCell::take);
    matched.clear();
    let mut memo = MEMO.with(std::cell::RefCell::take);
    memo.take_names_of(names);
    let set = label_memo(
        &mut memo.sets,
        labels,
        glyphs,
        0,
        (MAX_LABEL_SETS, usize::MAX),
    );
    if set.found.len() >= MAX_REMEMBERED {
        make_room(&mut set.found);
    }
    // Most labels are out of reach of a missed segment's runs by their lengths alone:
    // the set's gate tells them without asking for their scores.
    if !set.gate.as_ref().is_some_and(|g| g.fits(glyphs, ACCEPT)) {
        set.gate = Some(LabelGate::new(labels, glyphs, ACCEPT));
    }
    let gate = set.gate.take();
    // Every label scored here is of the set: the runs' patterns need only the masks
    // of its characters.
    runs.within(gate.as_ref().map(|g| std::rc::Rc::clone(&g.targets)));
    let mut fresh: Found = Vec::new();
    // On a miss, every run's score against every label (label by label, run by run),
    // and which runs were remembered on their own. Every slot written is of a label
    // visited below, and a visited label's slots are left empty as they are read, so
    // each miss finds them all empty without clearing them all (a label set has
    // dozens of labels, a miss visits a few).
    let mut scores: Vec<Option<LabelScore>> = vec![None; m * MAX_PIECES];
    let mut remembered = [false; MAX_PIECES];
    // The labels that runs remembered on their own have scores for (bit `j`: label
    // `j`; every bit past GATED_LABELS labels).
    let mut remembered_labels: u128 = 0;
    let mut decoded = DECODED.with(std::cell::RefCell::take);
    decoded.take_names_of(names);
    // The rows a match set a cell of: bit 0 the row at hand, bit `k` the `k`th after
    // it; shifted as a row is taken, so that its matches, `k + 1` segments long, set
    // bit `k` (a run is at most MAX_PIECES segments).
    let mut pending: u32 = 0;
    for i in 0..=n {
        // Every run of segments from `i` that may form one label (segments `i` up to
        // `i + pieces`); only needed while row `i` of the table is relaxed, and only
        // when its scores are not known.
        let pieces = if i < n { pieces_from(segments, i) } else { 0 };
        let key = SegmentKey::of(segments, &names.numbers, i, pieces);
        let known = set.found.get(&key).map(hit);
        runs.clear();
        if known.is_none() && i < n {
            // A segment's key misses mostly for a later segment of its runs (each
            // misread segment is in the runs of the four before it), so each run's
            // scores are also remembered on their own, and only the runs not seen
            // before are scored.
            remembered_labels = 0;
            for k in 0..pieces {
                let piece = decoded.chars(segments, &names.numbers, i + k);
                match set.found.get(&key.run(k + 1)).map(hit) {
                    Some(found) => {
                        runs.extend_chars(piece);
                        for &(l, _, s) in found {
                            scores[l as usize * MAX_PIECES + k] = Some(s);
                            remembered_labels |= 1u128.checked_shl(l).unwrap_or(0);
                        }
                        remembered[k] = true;
                    }
                    None => {
                        runs.push_chars(piece);
                        remembered[k] = false;
                    }
                }
            }
        }
        runs.prepare();
        let lengths = runs.lengths();
        let has_runs = pieces > 0;
        fresh.clear();
        let row = i * w;
        // Row `i` of the table is final once each cell's left neighbour is: the rows
        // before it are done (the matches ending in it relaxed), then the segment
        // skipped from the row above, then a skipped label, the only step within a
        // row. One pass does both skips; the best so far along the row is carried in
        // a register (the relaxations in turn, each from the cell just set).
        let (done, rest) = best.split_at_mut(row);
        let cells = &mut rest[..w];
        let set_here = pending & 1 != 0;
        pending >>= 1;
        if i > 0 && !set_here {
            // No match set a cell of this row, so each cell is the one above: the row
            // above never falls along its length, so the pass below would copy it.
            cells.copy_from_slice(&done[row - w..]);
        } else {
            skip_along((i > 0).then(|| &done[row - w..]), cells);
        }
        // Whether every label was scored (only then are the scores worth keeping): the
        // row now never falls, so its first cell is its least.
        let whole = best[row] != f64::NEG_INFINITY;
        // Matches before skipped segments: a cell of the next row gets the match that
        // ends in it (from the cell before its column) ahead of the skip from above
        // (made when that row is finished), the order a cell-by-cell pass relaxed them
        // in. An unreachable cell starts nothing (no score is asked for it).
        if let (Some(known), true) = (known, has_runs) {
            // The matches remembered, in the order found (labels ascending).
            for &(l, k, s) in known {
                let j = l as usize;
                let here = best[row + j];
                if here == f64::NEG_INFINITY {
                    continue;
                }
                let to = (i + usize::from(k) + 1) * w + j + 1;
                let value = here + s.score - ACCEPT;
                if relax(&mut best, to, value) {
                    matched.push((to as u64, k + 1, s));
                    pending |= 1 << k;
                }
            }
        } else if has_runs {
            // The labels the runs may reach (the gate leaves out those they cannot by
            // their lengths), and those a remembered run has a score for: the others
            // have no score here and are not visited.
            let groups = match (&gate, lengths) {
                (Some(gate), Some(lengths)) => gate.reachable_by(segments[i].ordinal, lengths),
                _ => None,
            };
            // Of those, the labels the runs' floors do not rule out, told for the row at
            // once (most are, and then score nothing); an unreachable cell needs none.
            let live = |j: usize| best[row + j] != f64::NEG_INFINITY;
            let reach = match (groups, runs.is_empty()) {
                (Some(groups), false) => runs.reaching_in(labels, groups, glyphs, ACCEPT, live),
                (Some(groups), true) => groups.into_iter().fold(0, |all, group| all | group),
                (None, false) => {
                    runs.reaching(labels, !0, segments[i].ordinal, glyphs, ACCEPT, live)
                }
                (None, true) => !0,
            };
            let visit = reach | remembered_labels;
            for j in held(visit, m) {
                let here = best[row + j];
                let label_scores = &mut scores[j * MAX_PIECES..j * MAX_PIECES + pieces];
                if here == f64::NEG_INFINITY {
                    label_scores.fill(None);
                    continue;
                }
                if !runs.is_empty() && holds(reach, j) {
                    runs.score_reached(segments[i].ordinal, labels[j], glyphs, ACCEPT, &mut found);
                    if found.len() == label_scores.len() {
                        // No run remembered on its own (most misses).
                        label_scores.copy_from_slice(&found);
                    } else {
                        let unknown = label_scores
                            .iter_mut()
                            .zip(&remembered)
                            .filter(|(_, &r)| !r)
                            .map(|(s, _)| s);
                        for (s, f) in unknown.zip(&found) {
                            *s = *f;
                        }
                    }
                }
                for (k, s) in label_scores.iter_mut().enumerate() {
                    if let Some(s) = s.take() {
                        // k < MAX_PIECES, so it fits in a byte; j < labels.len().
                        fresh.push((j as u32, k as u8, s));
                        let to = (i + k + 1) * w + j + 1;
                        if relax(&mut best, to, here + s.score - ACCEPT) {
                            matched.push((to as u64, (k + 1) as u8, s));
                            pending |= 1 << k;
                        }
                    }
                }
            }
        }
        if known.is_none() && has_runs && whole {
            set.found.insert(key, (fresh.clone(), Hits::default()));
            // A new run's own scores are the segment's matches of its length: every
            // label was visited (`whole`), and `fresh` holds each score found, labels
            // ascending, so it is read instead of every label's slot of `scores`.
            for k in (0..pieces).filter(|&k| !remembered[k]) {
                let own = (fresh.iter())
                    .filter(|&&(_, pk, _)| usize::from(pk) == k)
                    .map(|&(j, _, s)| (j, 0, s))
                    .collect();
                set.found.insert(key.run(k + 1), (own, Hits::default()));
            }
        }
    }
    set.gate = gate;
    DECODED.with(|cell| cell.replace(decoded));
    MEMO.with(|cell| cell.replace(memo));
    runs.within(None);
    RUNS.with(|r| r.replace(runs));
    // Stable: a cell's entries stay in the order set.
    matched.sort_by_key(|&(cell, _, _)| cell);
    let mut out = vec![None; m];
    let (mut i, mut j) = (n, m);
    // The entries of the cells the way back has not passed (every step leaves a
    // higher cell for a lower one).
    let mut ahead = matched.len();
    while i > 0 || j > 0 {
        let cell = (i * w + j) as u64;
        let last = last_set(&matched, &mut ahead, cell);
        // The value the match gave: the cell it came from is final since.
        let last_match = last.map(|(_, k, s)| {
            let from = (i - usize::from(k)) * w + j - 1;
            (k, best[from] + s.score - ACCEPT)
        });
        match step_at(&best, w, i, j, last_match) {
            Step::Start => break,
            Step::SkipSegment => i -= 1,
            Step::SkipRow => j -= 1,
            Step::Match(k) => {
                let k = k as usize;
                let first = i - k;
                let score = match last {
                    Some((_, _, s)) => s,
                    None => {
                        let joined = &runs_from(segments, first)[k - 1];
                        score_label(segments[first].ordinal, joined, labels[j - 1], glyphs)
                    }
                };
                debug_assert_eq!(
                    score,
                    score_label(
                        segments[first].ordinal,
                        &runs_from(segments, first)[k - 1],
                        labels[j - 1],
                        glyphs
                    )
                );
                out[j - 1] = Some(RowMatch {
                    first,
                    last: i - 1,
                    score,
                });
                i -= k;
                j -= 1;
            }
        }
    }
    MATCHED.with(|cell| cell.replace(matched));
    out
}

/// The last entry of `matched` (sorted by cell) for `cell`, if any, the entries of
/// the cells above `cell` being dropped from `matched[..*ahead]`: the way back asks
/// for falling cells, so each entry is passed over once instead of searched for at
/// every step (a search was about 26 instructions a step).
fn last_set(matched: &Matched, ahead: &mut usize, cell: u64) -> Option<(u64, u8, LabelScore)> {
    while let Some(at) = ahead.checked_sub(1).filter(|&at| matched[at].0 > cell) {
        *ahead = at;
    }
    let last = ahead.checked_sub(1).map(|at| matched[at]);
    last.filter(|&(c, _, _)| c == cell)
}

/// Keys of the runs of segments starting at `i` that may be one wrapped label: the
/// first may carry an ordinal, the others may not, and all sit within a few lines.
fn runs_from(segments: &[Segment], i: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &segments[i..i + pieces_from(segments, i)] {
        let joined = out.last().map_or(String::new(), |l| l.clone()) + &s.body_key;
        out.push(joined);
    }
    out
}

/// How many segments from `i` the runs from `i` take (each run is the one before
/// followed by the next segment's key): none, or up to [`MAX_PIECES`].
fn pieces_from(segments: &[Segment], i: usize) -> usize {
    let first = &segments[i];
    if first.prose || first.body_key.is_empty() && first.ordinal.is_none() {
        return 0;
    }
    let rest = segments[i + 1..].iter().take(MAX_PIECES - 1);
    1 + rest
        .take_while(|s| !(s.ordinal.is_some() || s.prose || s.line > first.line + MAX_SPAN_LINES))
        .count()
}

#[path = "align_headings.rs"]
mod headings;
pub use headings::{align_headings, Heading};

#[cfg(test)]
#[path = "align_cellwise.rs"]
mod cellwise;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidates::lex_lines;
    use crate::dictionary::Dictionaries;
    use crate::normalize::{as_strs, normalize_line};
    use crate::similarity::CharHasher;
    use std::hash::BuildHasherDefault;
    use std::rc::Rc;

    fn align_text(text: &str, template: usize) -> Vec<Option<String>> {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[template].table("requests").unwrap();
        let lines: Vec<String> = text.lines().map(normalize_line).collect();
        let c = lex_lines(&as_strs(&lines), 0..lines.len(), &d.lexicon);
        let labels: Vec<&Label> = table.rows.iter().map(|r| &r.label).collect();
        align_rows(&c.segments, &labels, &d.glyphs)
            .into_iter()
            .map(|m| {
                m.map(|m| {
                    c.segments[m.first..=m.last]
                        .iter()
                        .map(|s| &*s.text)
                        .collect::<Vec<_>>()
                        .join("|")
                })
            })
            .collect()
    }

    proptest::proptest! {
        /// A key's characters kept by its number are its key's, table after table,
        /// across generations of the names and past the bound on what is kept
        /// (keys of up to 3,000 characters, a number seen again with the key it was
        /// given, a key without one).
        #[test]
        fn kept_characters_are_the_keys(
            tables in proptest::collection::vec(
                (proptest::collection::vec((0usize..40, 0usize..3_000), 1..12), proptest::bool::ANY),
                1..40,
            ),
        ) {
            let text: Vec<char> = "属于国家秘密行政执法a1".chars().collect();
            let key_of = |n: usize, len: usize| -> Rc<str> {
                let len = if n % 3 == 0 { len } else { len % 40 };
                (0..len).map(|i| text[(n + i) % text.len()]).collect::<String>().into()
            };
            let mut decoded = Decoded::default();
            let mut generation = 1;
            // Within a generation a number stands for one key.
            let mut lengths: HashMap<usize, usize> = HashMap::new();
            for (keys, new_generation) in &tables {
                if *new_generation {
                    generation += 1;
                    lengths.clear();
                }
                let segments: Vec<Segment> = keys
                    .iter()
                    .map(|&(n, len)| Segment {
                        line: 0,
                        text: Rc::from(""),
                        ordinal: None,
                        body_key: key_of(n, *lengths.entry(n).or_insert(len)),
                        prose: false,
                    })
                    .collect();
                let names = SegmentNames {
                    numbers: keys
                        .iter()
                        .map(|&(n, _)| if n == 39 { NO_NAME } else { n as u32 })
                        .collect(),
                    generation,
                };
                decoded.take_names_of(&names);
                for (i, s) in segments.iter().enumerate().rev() {
                    let want: Vec<char> = s.body_key.chars().collect();
                    proptest::prop_assert_eq!(decoded.chars(&segments, &names.numbers, i), &want[..]);
                }
            }
        }
    }

    proptest::proptest! {
        /// The memo changes no alignment: a table aligned with the scores other
        /// regions left behind is the table aligned from nothing.
        #[test]
        fn remembered_scores_align_as_fresh_ones(
            picks in proptest::collection::vec((0usize..40, 0usize..4, proptest::bool::ANY), 1..14),
            warm in proptest::collection::vec((0usize..40, 0usize..4, proptest::bool::ANY), 0..14),
            template in 0usize..2,
            swap in (0usize..14, 0usize..40),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let table = d.templates[template].table("requests").unwrap();
            let labels: Vec<&Label> = table.rows.iter().map(|r| &r.label).collect();
            // Lines of label texts, some cut short or with their ordinal dropped.
            let text = |picks: &[(usize, usize, bool)]| -> Vec<String> {
                picks
                    .iter()
                    .map(|&(r, cut, keep_ordinal)| {
                        let label = &labels[r % labels.len()].text;
                        let chars: Vec<char> = label.chars().collect();
                        let kept = &chars[..chars.len() - cut.min(chars.len() / 2)];
                        let line: String = kept.iter().collect();
                        let line = if keep_ordinal {
                            line
                        } else {
                            line.trim_start_matches(|c: char| !c.is_alphabetic() || c.is_ascii())
                                .to_string()
                        };
                        normalize_line(&format!("{line} 1 0 2"))
                    })
                    .collect()
            };
            let align = |lines: &[String]| {
                let c = lex_lines(&as_strs(lines), 0..lines.len(), &d.lexicon);
                align_rows(&c.segments, &labels, &d.glyphs)
            };
            let lines = text(&picks);
            MEMO.with(|m| m.borrow_mut().clear());
            let fresh = align(&lines);
            MEMO.with(|m| m.borrow_mut().clear());
            align(&text(&warm));
            let remembered = align(&lines);
            proptest::prop_assert_eq!(&remembered, &fresh);
            // And again, every segment now remembered.
            proptest::prop_assert_eq!(&align(&lines), &fresh);
            // After the same lines with one of them changed: the segments before it
            // miss, but their first runs are remembered on their own.
            let mut varied = picks.clone();
            let at = swap.0 % varied.len();
            varied[at].0 = swap.1;
            varied[at].2 = !varied[at].2;
            MEMO.with(|m| m.borrow_mut().clear());
            align(&text(&varied));
            proptest::prop_assert_eq!(&align(&lines), &fresh);
        }
    }

    proptest::proptest! {
        /// Each cell of a falling walk finds in `matched` the entry a binary search
        /// of the whole list finds (its last entry, or none), whatever was passed
        /// before it.
        #[test]
        fn falling_walk_finds_what_a_search_finds(
            mut cells in proptest::collection::vec(0u64..200, 0..120),
            mut walk in proptest::collection::vec(0u64..210, 0..80),
        ) {
            cells.sort_unstable();
            let matched: Matched = cells
                .iter()
                .enumerate()
                .map(|(at, &c)| {
                    let score = LabelScore { score: at as f64, sim: 0.0, variant: at };
                    (c, (at % 5) as u8, score)
                })
                .collect();
            walk.sort_unstable_by(|a, b| b.cmp(a));
            walk.dedup();
            let mut ahead = matched.len();
            for &cell in &walk {
                let searched = matched.partition_point(|&(c, _, _)| c <= cell);
                let searched = searched.checked_sub(1).map(|at| matched[at]);
                let searched = searched.filter(|&(c, _, _)| c == cell);
                proptest::prop_assert_eq!(last_set(&matched, &mut ahead, cell), searched);
            }
        }
    }

    proptest::proptest! {
        /// The table filled by sweeps is the table filled cell by cell: the same
        /// alignment, the same tie broken the same way, the same scores asked for.
        #[test]
        fn sweeps_align_as_the_cellwise_table(
            picks in proptest::collection::vec((0usize..60, 0usize..4, 0usize..3), 0..16),
            template in 0usize..2,
            table in 0usize..3,
            remembered in proptest::bool::ANY,
        ) {
            let d = Dictionaries::embedded().unwrap();
            let t = &d.templates[template].tables[table % d.templates[template].tables.len()];
            let labels: Vec<&Label> = t.rows.iter().map(|r| &r.label).collect();
            // Label texts, some cut short, some without their ordinal, some repeated
            // on one line with numbers after them (ties between rows).
            let lines: Vec<String> = picks
                .iter()
                .map(|&(r, cut, form)| {
                    let label = &labels[r % labels.len()].text;
                    let chars: Vec<char> = label.chars().collect();
                    let line: String = chars[..chars.len() - cut.min(chars.len() / 2)].iter().collect();
                    let line = match form {
                        0 => line,
                        1 => line
                            .trim_start_matches(|c: char| !c.is_alphabetic() || c.is_ascii())
                            .to_string(),
                        _ => format!("{line} {line}"),
                    };
                    normalize_line(&format!("{line} 1 0 2"))
                })
                .collect();
            let c = lex_lines(&as_strs(&lines), 0..lines.len(), &d.lexicon);
            MEMO.with(|m| m.borrow_mut().clear());
            if remembered {
                align_rows(&c.segments, &labels, &d.glyphs);
            }
            let cellwise = cellwise::align_rows_cellwise(&c.segments, &labels, &d.glyphs);
            if !remembered {
                MEMO.with(|m| m.borrow_mut().clear());
            }
            proptest::prop_assert_eq!(align_rows(&c.segments, &labels, &d.glyphs), cellwise);
        }
    }

    proptest::proptest! {
        /// Room is made by keeping the entries looked up most (every entry looked up
        /// at least as often as one kept is kept), fewer than half the bound, with
        /// their counts halved.
        #[test]
        fn room_keeps_the_entries_looked_up_most(
            counts in proptest::collection::vec(0u8..=255, MAX_REMEMBERED..MAX_REMEMBERED + 64),
            common in 0u8..=255,
            share in 0usize..=MAX_REMEMBERED,
        ) {
            // Some share of the entries all looked up equally often.
            let counts: Vec<u8> = counts
                .iter()
                .enumerate()
                .map(|(i, &c)| if i < share { common } else { c })
                .collect();
            let key = |i: usize| SegmentKey {
                ordinal: None,
                pieces: [i as u32, NO_NAME, NO_NAME, NO_NAME, NO_NAME],
                run: false,
            };
            let mut found: HashMap<SegmentKey, (Found, Hits), BuildHasherDefault<CharHasher>> =
                (counts.iter().enumerate())
                    .map(|(i, &c)| (key(i), (Vec::new(), Hits::new(c))))
                    .collect();
            make_room(&mut found);
            proptest::prop_assert!(found.len() < MAX_REMEMBERED / 2);
            let kept = |i: usize| found.contains_key(&key(i));
            let least_kept = (0..counts.len()).filter(|&i| kept(i)).map(|i| counts[i]).min();
            for (i, &c) in counts.iter().enumerate() {
                proptest::prop_assert_eq!(kept(i), c > 0 && least_kept.is_some_and(|l| c >= l));
                if kept(i) {
                    proptest::prop_assert_eq!(found[&key(i)].1.get(), c / 2);
                }
            }
        }
    }

    #[test]
    fn garbled_refusal_rows_align_in_order() {
        let text = "\t\t3.危及“三安全 稳定”\t0\n\t\t4.保护第三方 △涉切关\t0\n\t\t5.属于三类内 部重名位自\t0\n\t\t6.属于四类过 和性位自\t0\n\t\t7.属于行政执 法安类\t0\n\t\t8.属于行政查 治重违\t0";
        let got = align_text(text, 0);
        assert_eq!(got[6].as_deref(), Some("3.危及“三安全 稳定”"));
        assert_eq!(got[9].as_deref(), Some("6.属于四类过 和性位自"));
        assert_eq!(got[11].as_deref(), Some("8.属于行政查 治重违"));
        assert!(got[4].is_none() && got[12].is_none());
    }

    #[test]
    fn wrapped_label_with_numbers_between_is_one_row() {
        let text = "（一）予以公开 1288 21 0 0 50 3 1362\n（二）部分公开（区分处理的，只计这一情\n447 7 0 0 0 0 454\n形，不计其他情形）\n1.属于国家秘密 2 0 0 0 0 0 2";
        let got = align_text(text, 1);
        assert_eq!(
            got[3].as_deref(),
            Some("(二)部分公开(区分处理的,只计这一情|形,不计其他情形)")
        );
        assert_eq!(got[4].as_deref(), Some("1.属于国家秘密"));
    }

    #[test]
    fn header_words_do_not_steal_rows() {
        let text = "自然人 总计\n商业企业 科研机构\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n（七）总计 1 0 0 0 0 0 1";
        let got = align_text(text, 1);
        assert_eq!(got[0].as_deref(), Some("一、本年新收政府信息公开申请数量"));
        let total = got.len() - 2;
        assert_eq!(got[total].as_deref(), Some("(七)总计"));
    }
}
