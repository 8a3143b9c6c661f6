//! How alike an OCR label is to a template label: a glyph-aware edit similarity
//! combined with ordinal agreement.
//!
//! Takes match keys and ordinals, gives a score in [0, 1]. Substituting a character
//! by one that looks like it (息→自, 案→安, from `dictionaries/glyph_confusions.tsv`)
//! costs less than by an unrelated one, so a label that OCR misread stays closer to
//! its own row than to a row that merely shares words with it. Most pairs are settled
//! before the weighted table by two bit-parallel distances ([`crate::myers`]) that
//! bracket it, and most labels before any pair, when the length and the characters
//! that a run and a key lack of each other rule out every key for every run at once;
//! the scores are the same as the table's alone. The best of a set of labels for a
//! segment ([`best_label_at_least`]) is remembered per thread, by the segment's
//! ordinal and key.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::dictionary::Label;
use crate::myers::{Bounds, Pattern, PrefixBounds, Targets, MAX_PATTERN};
use crate::ordinal::Ordinal;

/// A multiplicative hash for `char` keys (FxHash's step): the glyph table is looked
/// up once per character compared, and its keys come from the dictionaries, so
/// SipHash's defence against chosen keys buys nothing here.
#[derive(Clone, Copy, Debug, Default)]
pub struct CharHasher(u64);

impl Hasher for CharHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes a step: the memos hash whole keys of label text.
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut word = [0; 8];
            word.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(word));
        }
        for &b in words.remainder() {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by character, with [`CharHasher`].
pub type CharMap<V> = HashMap<char, V, BuildHasherDefault<CharHasher>>;

/// Code points below this (ASCII to the CJK unified ideographs) are numbered by
/// array: 80 kB.
const DENSE_IDS: usize = 0xA000;
/// No number, in [`GlyphCosts::dense`].
const NO_ID: u16 = u16::MAX;

/// Substitution costs between characters that look alike, in (0, 1].
#[derive(Debug, Default)]
pub struct GlyphCosts {
    /// For each character, its look-alikes in both directions: one hash lookup per
    /// character of a label instead of one per pair in the edit-distance table.
    by_char: CharMap<Vec<(char, f32)>>,
    /// A small number for every character of the table and of the labels: the
    /// bit-parallel distances index arrays with them.
    ids: CharMap<u16>,
    /// `ids` by code point below [`DENSE_IDS`] ([`NO_ID`] for none): every character
    /// of a run is looked up when its pattern is built, and nearly all are in this
    /// range, where an array costs a fraction of a hash lookup.
    dense: Vec<u16>,
    /// By number: whether template keys hold the character …
    is_key: Vec<bool>,
    /// … and its look-alikes that they hold.
    near_keys: Vec<Vec<u16>>,
    pairs: usize,
    /// Changes whenever the table does (parsed, or its alphabet learned), so that a
    /// memo of scores made with one table is never read with another; 0 for the
    /// empty table.
    stamp: u64,
    /// The cheapest substitution in the table.
    min_cost: f64,
    /// Every cost is 0 or well above rounding error: a pair whose unit and look-alike
    /// distances agree has exactly that weighted distance (any look-alike step would
    /// cost at least `min_cost` more).
    settles: bool,
}

impl GlyphCosts {
    /// Parses the TSV table (`a<TAB>b<TAB>cost`, `#` comments, one header line).
    pub fn from_tsv(text: &str) -> Result<GlyphCosts, String> {
        // Keyed by the dictionary's own characters: the multiplicative hash suffices.
        let mut pairs: HashMap<(char, char), f32, BuildHasherDefault<CharHasher>> =
            HashMap::with_capacity_and_hasher(text.len() / 8, BuildHasherDefault::default());
        for (no, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') || line.starts_with("a\tb\t") {
                continue;
            }
            let bad = || {
                format!(
                    "glyph_confusions.tsv line {}: expected a<TAB>b<TAB>cost, got {line:?}",
                    no + 1
                )
            };
            let mut f = line.split('\t');
            let (Some(a), Some(b), Some(c)) = (f.next(), f.next(), f.next()) else {
                return Err(bad());
            };
            let one = |s: &str| {
                let mut it = s.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            };
            let (Some(a), Some(b), Ok(cost)) = (one(a), one(b), parse_cost(c.trim())) else {
                return Err(bad());
            };
            if !(0.0..=1.0).contains(&cost) {
                return Err(bad());
            }
            let e = pairs.entry((a, b)).or_insert(cost);
            *e = e.min(cost);
        }
        let mut by_char: CharMap<Vec<(char, f32)>> = CharMap::default();
        for (&(a, b), &cost) in &pairs {
            for (x, y) in [(a, b), (b, a)] {
                let list = by_char.entry(x).or_default();
                match list.iter_mut().find(|(c, _)| *c == y) {
                    Some(e) => e.1 = e.1.min(cost),
                    None => list.push((y, cost)),
                }
            }
        }
        for list in by_char.values_mut() {
            list.sort_by_key(|p| p.0);
        }
        let min_cost = pairs.values().fold(1.0f32, |m, &c| m.min(c));
        let mut g = GlyphCosts {
            by_char,
            pairs: pairs.len(),
            min_cost: f64::from(min_cost),
            settles: pairs.values().all(|&c| c == 0.0 || c >= 1e-3),
            ..GlyphCosts::default()
        };
        let mut chars: Vec<char> = g.by_char.keys().copied().collect();
        chars.sort_unstable();
        g.number(chars);
        g.stamp = next_stamp();
        Ok(g)
    }

    fn number(&mut self, chars: impl IntoIterator<Item = char>) {
        for c in chars {
            let next = self.is_key.len();
            // NO_ID itself is never a number.
            if self.ids.contains_key(&c) || next >= usize::from(NO_ID) {
                continue;
            }
            self.ids.insert(c, next as u16);
            self.is_key.push(false);
            if (c as usize) < DENSE_IDS {
                if self.dense.is_empty() {
                    self.dense = vec![NO_ID; DENSE_IDS];
                }
                self.dense[c as usize] = next as u16;
            }
        }
    }

    /// Marks the characters that template keys are made of, so that keys of them are
    /// compared bit-parallel before the weighted table (a key with any other character
    /// is compared by the table alone).
    pub fn learn_alphabet(&mut self, chars: impl IntoIterator<Item = char>) {
        let chars: Vec<char> = chars.into_iter().collect();
        self.number(chars.iter().copied());
        for c in chars {
            if let Some(&id) = self.ids.get(&c) {
                self.is_key[usize::from(id)] = true;
            }
        }
        // A pattern needs only the look-alikes that a key can hold.
        let mut near_keys = vec![Vec::new(); self.is_key.len()];
        for (c, near) in &self.by_char {
            if let Some(&id) = self.ids.get(c) {
                near_keys[usize::from(id)] = near
                    .iter()
                    .filter_map(|(n, _)| self.ids.get(n).copied())
                    .filter(|&n| self.is_key[usize::from(n)])
                    .collect();
            }
        }
        self.near_keys = near_keys;
        self.stamp = next_stamp();
    }

    /// Tells this table from every other one, and from itself before it last
    /// changed.
    pub(crate) fn stamp(&self) -> u64 {
        self.stamp
    }

    /// The number of a character, if it has one.
    pub(crate) fn id(&self, c: char) -> Option<u16> {
        match self.dense.get(c as usize) {
            Some(&NO_ID) => None,
            Some(&id) => Some(id),
            None if (c as usize) < DENSE_IDS => None,
            None => self.ids.get(&c).copied(),
        }
    }

    /// The numbers of a key's characters; None unless all are key characters.
    pub(crate) fn ids_of(&self, key: &[char]) -> Option<Vec<u16>> {
        let mut out = Vec::with_capacity(key.len());
        self.ids_into(key, &mut out).then_some(out)
    }

    /// [`GlyphCosts::ids_of`] appended to `out`; false (and `out` partly filled) unless
    /// all are key characters.
    pub(crate) fn ids_into(&self, key: &[char], out: &mut Vec<u16>) -> bool {
        for &c in key {
            match self.id(c).filter(|&id| self.is_key[usize::from(id)]) {
                Some(id) => out.push(id),
                None => return false,
            }
        }
        true
    }

    /// The look-alikes of character number `id` that keys may hold, by number.
    pub(crate) fn near_keys(&self, id: u16) -> &[u16] {
        self.near_keys
            .get(usize::from(id))
            .map_or(&[], Vec::as_slice)
    }

    /// How many characters have numbers.
    pub(crate) fn alphabet_len(&self) -> usize {
        self.is_key.len()
    }

    /// The look-alikes of `a` with their costs, sorted by character.
    pub(crate) fn neighbours(&self, a: char) -> &[(char, f32)] {
        self.by_char.get(&a).map_or(&[], Vec::as_slice)
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.pairs
    }

    /// Whether the table is empty (plain edit distance).
    pub fn is_empty(&self) -> bool {
        self.pairs == 0
    }

    /// The cost of reading `b` where `a` is printed (or the reverse).
    pub fn cost(&self, a: char, b: char) -> f64 {
        if a == b {
            return 0.0;
        }
        substitution(self.neighbours(a), b)
    }
}

/// A cost of the table: `0.dd`, as the generator writes every one of them, from its
/// digits (the division rounds the exact quotient to the nearest `f32`, as parsing
/// does; a test checks all hundred), anything else by `str::parse`.
fn parse_cost(text: &str) -> Result<f32, std::num::ParseFloatError> {
    match *text.as_bytes() {
        [b'0', b'.', a @ b'0'..=b'9', b @ b'0'..=b'9'] => {
            Ok(f32::from((a - b'0') * 10 + (b - b'0')) / 100.0)
        }
        _ => text.parse(),
    }
}

/// A new stamp for a glyph table.
fn next_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn substitution(near: &[(char, f32)], b: char) -> f64 {
    near.binary_search_by(|p| p.0.cmp(&b))
        .map_or(1.0, |i| f64::from(near[i].1))
}

/// What the bit-parallel distances tell of a pair before the weighted table.
pub(crate) enum Settled {
    /// The weighted distance itself.
    Distance(f64),
    /// Certainly over the limit.
    Over,
    /// Only the table can tell.
    Open,
}

/// [`Runs::ruled_out`] works on at most this many runs (a label is wrapped over at
/// most five segments).
const GATE_RUNS: usize = 8;

/// Which comparison of a pair: the whole label key, or its prefix cut to the OCR
/// key's length.
#[derive(Clone, Copy)]
enum Part {
    Full,
    Cut,
}

/// A lower bound of the weighted distance already over the limit `max`.
fn over(low: u32, max: f64) -> bool {
    // The margin keeps rounding in the table from ever making a rejected pair pass.
    f64::from(low) > max + 1e-9
}

impl GlyphCosts {
    /// Every alignment costs at least `min_cost` per look-alike substitution, so the
    /// weighted distance is at least the mix of the unit and look-alike distances.
    fn settle(&self, b: Bounds, max: f64) -> Settled {
        if over(b.relaxed, max) {
            return Settled::Over;
        }
        if b.relaxed == b.unit && self.settles {
            return Settled::Distance(f64::from(b.unit));
        }
        let low = (1.0 - self.min_cost) * f64::from(b.relaxed) + self.min_cost * f64::from(b.unit);
        // The margin keeps rounding in the table from ever making a rejected pair pass.
        if low > max + 1e-9 {
            Settled::Over
        } else {
            Settled::Open
        }
    }
}

thread_local! {
    /// The two rows of the weighted table, kept between comparisons.
    static ROWS: RefCell<(Vec<f64>, Vec<f64>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Edit distance with glyph-aware substitution costs (insertions and deletions cost 1),
/// or None as soon as it must exceed `max` (every later row of the table only grows,
/// so most unrelated pairs stop after a few characters).
fn weighted_distance(a: &[char], b: &[char], g: &GlyphCosts, max: f64) -> Option<f64> {
    weighted_table(a, b, max, |i, _, &cb| {
        let ca = a[i];
        if ca == cb {
            0.0
        } else {
            substitution(g.neighbours(ca), cb)
        }
    })
}

/// [`weighted_distance`] of a run `a` that a [`Pattern`] holds from its first
/// position and a key `b` whose characters' masks in it are `masks`: the same table,
/// the same sums in the same order, but whether two characters are equal or look
/// alike is read from the masks (bit `i` of a key character's masks: it equals, or
/// equals or looks like, the run's character `i`), so only a look-alike pair looks
/// its cost up. None when `a` is longer than a pattern.
fn weighted_distance_in(
    a: &[char],
    b: &[char],
    masks: &[[u64; 2]],
    g: &GlyphCosts,
    max: f64,
) -> Option<f64> {
    if a.len() > MAX_PATTERN || b.len() != masks.len() {
        return weighted_distance(a, b, g, max);
    }
    weighted_table(a, masks, max, |i, j, m| {
        let bit = 1u64 << i;
        if m[0] & bit != 0 {
            0.0
        } else if m[1] & bit == 0 {
            1.0
        } else {
            substitution(g.neighbours(a[i]), b[j])
        }
    })
}

/// The weighted edit table of `a` against a key of `cols.len()` characters, with
/// `cost(i, j, &cols[j])` the substitution cost of their characters `i` and `j`, two
/// rows kept per thread; None as soon as a row's lowest entry exceeds `max`.
#[inline(always)]
fn weighted_table<T>(
    a: &[char],
    cols: &[T],
    max: f64,
    mut cost: impl FnMut(usize, usize, &T) -> f64,
) -> Option<f64> {
    let b_len = cols.len();
    ROWS.with(|rows| {
        let mut rows = rows.borrow_mut();
        let (prev, cur) = &mut *rows;
        prev.clear();
        prev.extend((0..=b_len).map(|j| j as f64));
        cur.clear();
        cur.resize(b_len + 1, 0.0);
        for i in 0..a.len() {
            // Every entry is a sum of costs in [0, 1] (no NaN, no −0), so a comparison
            // picks what `f64::min` picks, without its NaN handling; the entry to the
            // left is kept in a register; the rows are cut to the key's length so that
            // no index is checked. About a fifth of the instructions a cell.
            // The columns, the row above and the row walked together (no index is
            // checked); the entry above-left is carried in a register like the left one.
            let (above, row) = (&prev[..=b_len], &mut cur[..=b_len]);
            let mut left = (i + 1) as f64;
            row[0] = left;
            let mut lowest = left;
            let mut diagonal = above[0];
            let cells = cols.iter().zip(&above[1..]).zip(&mut row[1..]);
            for (j, ((col, &above_j), out)) in cells.enumerate() {
                let sub = diagonal + cost(i, j, col);
                diagonal = above_j;
                let up = above_j + 1.0;
                let side = left + 1.0;
                let mut v = if up < sub { up } else { sub };
                if side < v {
                    v = side;
                }
                *out = v;
                left = v;
                if v < lowest {
                    lowest = v;
                }
            }
            if lowest > max {
                return None;
            }
            std::mem::swap(prev, cur);
        }
        Some(prev[b_len]).filter(|&d| d <= max)
    })
}

/// The distance limits of a run of `lr` characters against a key of `lk` at
/// similarity `min` (0 < min < 1): the whole key's, and its prefix's when that
/// comparison is made, None for a comparison that is not made or that the lengths
/// alone rule out. The same expressions as [`chars_similarity_at_least`] and
/// [`weighted_similarity`], so the same numbers. Both keys empty (equal) count as
/// a limit of 0, which nothing is over.
fn limits(lr: usize, lk: usize, min: f64) -> (Option<f64>, Option<f64>) {
    let longest = lr.max(lk);
    let max = (1.0 - min) * longest as f64;
    let full = (lr.abs_diff(lk) as f64 <= max).then_some(max);
    let cut = if lr < lk && lr * 2 >= lk && lr >= 4 {
        let discount = 0.5 + 0.5 * lr as f64 / lk as f64;
        let max = (1.0 - min / discount) * lr as f64;
        (max >= 0.0).then_some(max)
    } else {
        None
    };
    (full, cut)
}

/// Similarity of two keys, or None when it is below `min`. `settle` says what the
/// bit-parallel distances tell for a limit on the distance; it is asked only when the
/// lengths allow a match.
fn weighted_similarity(
    a: &[char],
    b: &[char],
    g: &GlyphCosts,
    min: f64,
    settle: impl FnOnce(f64) -> Settled,
) -> Option<f64> {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return Some(1.0);
    }
    if g.is_empty() {
        let (x, y): (String, String) = (a.iter().collect(), b.iter().collect());
        return Some(strsim::normalized_levenshtein(&x, &y)).filter(|&s| s >= min);
    }
    let max = (1.0 - min) * longest as f64;
    // A length difference alone costs that many insertions.
    if (a.len().abs_diff(b.len()) as f64) > max {
        return None;
    }
    let d = match settle(max) {
        Settled::Distance(d) => Some(d).filter(|&d| d <= max),
        Settled::Over => None,
        Settled::Open => weighted_distance(a, b, g, max),
    };
    d.map(|d| 1.0 - d / longest as f64)
}

/// Weight of the text in a label's score when the template label has an ordinal.
const TEXT_WEIGHT: f64 = 0.65;
/// Ordinal credit when OCR lost the segment's ordinal: neither evidence for nor against.
const LOST_ORDINAL: f64 = 0.4;
/// Penalty for an ordinal that contradicts the template's.
const WRONG_ORDINAL: f64 = 0.15;

/// Normalised edit similarity of two match keys. A key cut short by a narrow cell
/// (`部分公开区分处理的只计这一情`) is also compared with the label's prefix of the
/// same length, discounted by how much is missing.
pub fn text_similarity(a: &str, b: &str, g: &GlyphCosts) -> f64 {
    text_similarity_at_least(a, b, g, 0.0).unwrap_or(0.0)
}

/// [`text_similarity`] when it is at least `min`, else None (computed only as far as
/// needed to tell).
pub fn text_similarity_at_least(a: &str, b: &str, g: &GlyphCosts, min: f64) -> Option<f64> {
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    chars_similarity_at_least(&ca, &cb, g, min, |_, _| Settled::Open)
}

/// [`text_similarity_at_least`] of keys already split into characters; `settle` as
/// for [`weighted_similarity`], for the whole key or its cut prefix.
fn chars_similarity_at_least(
    ca: &[char],
    cb: &[char],
    g: &GlyphCosts,
    min: f64,
    mut settle: impl FnMut(Part, f64) -> Settled,
) -> Option<f64> {
    if ca == cb {
        return Some(1.0);
    }
    if ca.is_empty() || cb.is_empty() {
        return Some(0.0).filter(|_| min <= 0.0);
    }
    let full = weighted_similarity(ca, cb, g, min, |max| settle(Part::Full, max));
    let (la, lb) = (ca.len(), cb.len());
    let prefix = if la < lb && la * 2 >= lb && la >= 4 {
        let discount = 0.5 + 0.5 * la as f64 / lb as f64;
        weighted_similarity(ca, &cb[..la], g, min / discount, |max| {
            settle(Part::Cut, max)
        })
        .map(|s| s * discount)
        .filter(|&s| s >= min)
    } else {
        None
    };
    match (full, prefix) {
        (Some(f), Some(p)) => Some(f.max(p)),
        (f, p) => f.or(p),
    }
}

/// A label score and what produced it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelScore {
    /// Combined score in [0, 1].
    pub score: f64,
    /// Text similarity alone.
    pub sim: f64,
    /// Which key matched best: 0 = canonical, else the variant's position.
    pub variant: usize,
}

/// Scores OCR text (its ordinal and body key) against a template label.
pub fn score_label(
    ordinal: Option<Ordinal>,
    body_key: &str,
    label: &Label,
    g: &GlyphCosts,
) -> LabelScore {
    score_label_at_least(ordinal, body_key, label, g, f64::NEG_INFINITY).unwrap_or(LabelScore {
        score: 0.0,
        sim: 0.0,
        variant: 0,
    })
}

thread_local! {
    /// The last key [`score_label_at_least`] scored, prepared: its callers score one
    /// segment against many labels in turn.
    static LAST: RefCell<(String, Runs, Vec<Option<LabelScore>>)> =
        RefCell::new((String::new(), Runs::default(), Vec::new()));
}

/// [`score_label`] when the score is at least `floor`, else None: the alignment only
/// takes matches above a threshold, and most pairs it tries are far below it.
pub fn score_label_at_least(
    ordinal: Option<Ordinal>,
    body_key: &str,
    label: &Label,
    g: &GlyphCosts,
    floor: f64,
) -> Option<LabelScore> {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let (key, runs, out) = &mut *last;
        prepare_for(key, runs, body_key);
        runs.within(None);
        runs.score_at_least(ordinal, label, None, g, floor, out);
        out.pop().flatten()
    })
}

/// Makes the per-thread `runs` those of `body_key`, unless they already are (`key`
/// says whose they are).
fn prepare_for(key: &mut String, runs: &mut Runs, body_key: &str) {
    if key != body_key {
        key.clear();
        key.push_str(body_key);
        runs.clear();
        runs.push(body_key);
        runs.prepare();
    }
}

/// [`score_label_at_least`] of one segment against each of `labels` in turn, with
/// `each` given each label's position and score: the segment is prepared once and
/// the per-thread runs borrowed once, not once per label. `each` must not score.
pub fn score_labels_at_least<'l>(
    ordinal: Option<Ordinal>,
    body_key: &str,
    labels: impl IntoIterator<Item = &'l Label>,
    g: &GlyphCosts,
    floor: f64,
    each: impl FnMut(usize, Option<LabelScore>),
) {
    score_labels_reaching(ordinal, body_key, labels, g, floor, (!0, None), each);
}

/// [`score_labels_at_least`] of the labels in `reach` (bit `i`: the `i`th label;
/// [`label_gate::holds`]); the others are given None unscored, which is their
/// score when `reach` is [`LabelGate::reachable`] of the segment. `targets`, if
/// any, are those of the set's gate ([`Runs::within`]).
pub(crate) fn score_labels_reaching<'l>(
    ordinal: Option<Ordinal>,
    body_key: &str,
    labels: impl IntoIterator<Item = &'l Label>,
    g: &GlyphCosts,
    floor: f64,
    (reach, targets): (u128, Option<Rc<Targets>>),
    mut each: impl FnMut(usize, Option<LabelScore>),
) {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let (key, runs, out) = &mut *last;
        prepare_for(key, runs, body_key);
        runs.within(targets);
        for (i, label) in labels.into_iter().enumerate() {
            if !label_gate::holds(reach, i) {
                each(i, None);
                continue;
            }
            runs.score_at_least(ordinal, label, None, g, floor, out);
            each(i, out.pop().flatten());
        }
    })
}

/// Label sets [`best_label_at_least`] remembers answers for, and answers per set.
const MAX_BEST_SETS: usize = 16;
const MAX_BEST_ANSWERS: usize = 2_048;

/// What a thread remembers of one label set scored with one glyph table (and one
/// `extra` setting, such as a floor): answers by a key of the segment. The answers
/// depend on the labels' ordinals and keys and on the glyph costs, so a memo serves
/// only the same set, told by [`label_memo`].
pub(crate) struct LabelMemo<K, V> {
    stamp: u64,
    extra: u64,
    /// What scoring reads of each label, its ordinal and its keys, by the label's
    /// stamp (which tells them apart).
    labels: Vec<u64>,
    pub(crate) found: HashMap<K, V, BuildHasherDefault<CharHasher>>,
    /// The set's gate, made by the first caller that wants one.
    pub(crate) gate: Option<LabelGate>,
}

impl<K, V> LabelMemo<K, V> {
    /// Whether this memo is the one of `labels` with `g` and `extra`.
    pub(crate) fn holds(&self, labels: &[&Label], g: &GlyphCosts, extra: u64) -> bool {
        self.stamp == g.stamp()
            && self.extra == extra
            && self.labels.len() == labels.len()
            && self.labels.iter().zip(labels).all(|(&s, l)| s == l.stamp)
    }
}

/// The memo of `labels` with `g` and `extra` in `sets`, made if there is none. Both
/// are bounded: past `max_sets` the sets start again, and a set holding `max_found`
/// answers is emptied before it is given out.
pub(crate) fn label_memo<'a, K, V>(
    sets: &'a mut Vec<LabelMemo<K, V>>,
    labels: &[&Label],
    g: &GlyphCosts,
    extra: u64,
    (max_sets, max_found): (usize, usize),
) -> &'a mut LabelMemo<K, V> {
    let (at, _) = memo_place(sets, labels, g, extra, max_sets);
    let set = &mut sets[at];
    if set.found.len() >= max_found {
        set.found.clear();
    }
    set
}

/// The place in `sets` of the memo of `labels` with `g` and `extra`, made if there
/// is none, and whether it was made (past `max_sets` the others are dropped first,
/// so every place found before is then stale).
fn memo_place<K, V>(
    sets: &mut Vec<LabelMemo<K, V>>,
    labels: &[&Label],
    g: &GlyphCosts,
    extra: u64,
    max_sets: usize,
) -> (usize, bool) {
    if let Some(at) = sets.iter().position(|s| s.holds(labels, g, extra)) {
        return (at, false);
    }
    if sets.len() >= max_sets {
        sets.clear();
    }
    sets.push(LabelMemo {
        stamp: g.stamp(),
        extra,
        labels: labels.iter().map(|l| l.stamp).collect(),
        found: HashMap::default(),
        gate: None,
    });
    (sets.len() - 1, true)
}

/// Segment keys numbered per thread; past this the numbers start again, under a new
/// generation.
const MAX_NAMES: usize = 1 << 16;
/// The number of no segment key (a prose segment's, which no label run holds).
pub(crate) const NO_NAME: u32 = u32::MAX;

/// A segment key's number: the same key has the same number within one generation of
/// the thread's names, and no other key has it. A memo keyed by names keeps the
/// generation its keys are from and forgets them when it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Name {
    generation: u64,
    number: u32,
}

/// Hashes a segment key by its length and at most three of its words (its first,
/// middle and last eight bytes): every key of every table is numbered, and keys
/// that agree in all four are rare enough that telling them apart by comparing the
/// keys costs less than hashing every byte of every key.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        // Eight bytes from `at`, read as one word when there are eight (every word of
        // a key of eight bytes or more): a copy of a length known only at run time is
        // a call to `memcpy`. A shorter key's one word is padded with zeros.
        let word = |at: usize| match bytes.get(at..at + 8) {
            Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) => {
                u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7])
            }
            _ => {
                let mut w = [0; 8];
                let part = &bytes[at.min(n)..(at + 8).min(n)];
                w[..part.len()].copy_from_slice(part);
                u64::from_le_bytes(w)
            }
        };
        let mut h = self.0 ^ n as u64;
        let mut mix = |w: u64| h = (h.rotate_left(26) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
        mix(word(0));
        if n > 8 {
            mix(word(n - 8));
        }
        if n > 16 {
            mix(word(n / 2 - 4));
        }
        self.0 = h;
    }
    fn write_u8(&mut self, _: u8) {
        // The end mark `str` hashes after its bytes: the map's keys are whole strings,
        // never parts of a longer key, so it tells nothing here.
    }
}

/// Each segment key a thread has seen, numbered from 0: a key is hashed once per
/// table, and the memos of the alignment and of [`BestLabel`] look numbers up.
struct Names {
    numbers: HashMap<Rc<str>, u32, BuildHasherDefault<KeyHasher>>,
    generation: u64,
}

impl Names {
    /// Starts the numbers again when `more` keys could run past [`MAX_NAMES`].
    fn make_room(&mut self, more: usize) {
        if self.numbers.len() + more > MAX_NAMES {
            self.numbers.clear();
            self.generation = next_stamp();
        }
    }

    fn number(&mut self, key: &Rc<str>) -> u32 {
        // Looked up before an entry is made: most keys were seen before, and an
        // entry's key is a clone of the `Rc` even when it is there.
        if let Some(&n) = self.numbers.get(&**key) {
            return n;
        }
        let next = self.numbers.len() as u32;
        self.numbers.insert(Rc::clone(key), next);
        next
    }
}

thread_local! {
    static NAMES: RefCell<Names> = RefCell::new(Names {
        numbers: HashMap::default(),
        generation: next_stamp(),
    });
}

/// The numbers of a table's segment keys ([`number_keys`]), shared by the stages that
/// remember answers by segment key.
#[derive(Clone, Debug, Default)]
pub struct SegmentNames {
    pub(crate) numbers: Vec<u32>,
    pub(crate) generation: u64,
}

impl SegmentNames {
    /// The name of key `i`, None for a key left unnumbered.
    pub fn name(&self, i: usize) -> Option<Name> {
        let number = *self.numbers.get(i)?;
        (number != NO_NAME).then_some(Name {
            generation: self.generation,
            number,
        })
    }
}

/// Numbers `keys` into `out` (NO_NAME for None), all under one generation.
pub(crate) fn number_keys<'a>(
    keys: impl ExactSizeIterator<Item = Option<&'a Rc<str>>>,
    out: &mut SegmentNames,
) {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        names.make_room(keys.len());
        out.numbers.clear();
        out.numbers
            .extend(keys.map(|k| k.map_or(NO_NAME, |k| names.number(k))));
        out.generation = names.generation;
    });
}

/// The name of one key.
fn name_of(key: &str) -> Name {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        names.make_room(1);
        let number = match names.numbers.get(key) {
            Some(&n) => n,
            None => names.number(&Rc::from(key)),
        };
        Name {
            generation: names.generation,
            number,
        }
    })
}

/// What an answer of [`best_label_at_least`] depends on besides the label set: the
/// segment's ordinal and key (by its number).
#[derive(Clone, Copy, PartialEq, Eq)]
struct AnswerKey {
    ordinal: Option<Ordinal>,
    number: u32,
}

impl std::hash::Hash for AnswerKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // One word: `CharHasher` mixes a word a step.
        let ordinal = self
            .ordinal
            .map_or(0, |o| 1 + ((o.kind as u64) << 8 | u64::from(o.n)));
        state.write_u64(ordinal << 32 | u64::from(self.number));
    }
}

/// The answers [`best_label_at_least`] found for one label set, floor (the memo's
/// `extra`) and glyph table, by [`AnswerKey`] of the segment.
type BestAnswers = LabelMemo<AnswerKey, Option<(usize, LabelScore)>>;

/// What a thread remembers for [`best_label_at_least`]: the answers by label set, the
/// generation of the names the answers are keyed by, and the sets' generation,
/// changed whenever a set is made or the sets dropped (so a place in `sets` found
/// under one generation is the same set while it lasts).
struct BestMemo {
    sets: Vec<BestAnswers>,
    names: u64,
    generation: u64,
}

impl BestMemo {
    /// Forgets every answer when `name` is of another generation of names than
    /// those remembered (its number may then stand for another key).
    fn take_names_of(&mut self, name: Name) {
        if self.names != name.generation {
            self.names = name.generation;
            for set in &mut self.sets {
                set.found.clear();
            }
        }
    }
}

thread_local! {
    static BEST: RefCell<BestMemo> = RefCell::new(BestMemo {
        sets: Vec::new(),
        names: 0,
        generation: next_stamp(),
    });
}

/// The first of the labels that scores highest against a segment, if any reaches
/// `floor`: [`score_label_at_least`] of each label, kept while strictly better. Each
/// thread remembers the answer by the segment's ordinal and key for the label set
/// (told by the labels' ordinals and keys, the floor and the glyph table's stamp):
/// the header and group cells of a template are printed alike in its reports.
/// [`BestLabel`] asks the same of many segments against one set.
pub fn best_label_at_least(
    ordinal: Option<Ordinal>,
    body_key: &str,
    labels: &[&Label],
    g: &GlyphCosts,
    floor: f64,
) -> Option<(usize, LabelScore)> {
    BestLabel::new(labels, g, floor).best(ordinal, body_key)
}

/// [`best_label_at_least`] of one label set, glyph table and floor for segment after
/// segment: the set's memo is told apart from the others (by its labels' stamps)
/// once, not once per segment.
pub struct BestLabel<'a> {
    labels: &'a [&'a Label],
    g: &'a GlyphCosts,
    floor: f64,
    /// The set's place in this thread's memo, and the memo's generation then.
    /// Generations are drawn from one counter for all threads, so a place found on
    /// another thread never passes for one here.
    place: Option<(u64, usize)>,
}

impl<'a> BestLabel<'a> {
    /// Answers against `labels`, scored with `g`, from `floor` up.
    pub fn new(labels: &'a [&'a Label], g: &'a GlyphCosts, floor: f64) -> BestLabel<'a> {
        BestLabel {
            labels,
            g,
            floor,
            place: None,
        }
    }

    /// The set's place in `memo`, if it has one, found again only when the memo's
    /// sets changed since it was last found.
    fn place_in(&mut self, memo: &BestMemo) -> Option<usize> {
        if let Some((generation, at)) = self.place {
            if generation == memo.generation {
                return Some(at);
            }
        }
        let extra = self.floor.to_bits();
        let at = memo
            .sets
            .iter()
            .position(|s| s.holds(self.labels, self.g, extra))?;
        self.place = Some((memo.generation, at));
        Some(at)
    }

    /// [`best_label_at_least`] of the segment with `ordinal` and `body_key`.
    pub fn best(
        &mut self,
        ordinal: Option<Ordinal>,
        body_key: &str,
    ) -> Option<(usize, LabelScore)> {
        self.best_named(ordinal, body_key, name_of(body_key))
    }

    /// [`Self::best`] of a segment whose key was numbered before (`name` is the
    /// name of `body_key`): the memo is looked up without hashing the key again.
    pub fn best_named(
        &mut self,
        ordinal: Option<Ordinal>,
        body_key: &str,
        name: Name,
    ) -> Option<(usize, LabelScore)> {
        let key = AnswerKey {
            ordinal,
            number: name.number,
        };
        // A miss asks only the labels the set's gate says the key may reach.
        let remembered = BEST.with(|memo| {
            let mut memo = memo.borrow_mut();
            memo.take_names_of(name);
            let Some(at) = self.place_in(&memo) else {
                return Err((!0, None));
            };
            let set = &mut memo.sets[at];
            if let Some(&answer) = set.found.get(&key) {
                return Ok(answer);
            }
            if !set
                .gate
                .as_ref()
                .is_some_and(|g| g.fits(self.g, self.floor))
            {
                set.gate = Some(LabelGate::new(self.labels, self.g, self.floor));
            }
            let len = body_key.chars().count();
            let reach = (set.gate.as_ref())
                .filter(|_| len < 64)
                .and_then(|gate| gate.reachable(ordinal, 1 << len));
            let targets = set.gate.as_ref().map(|gate| Rc::clone(&gate.targets));
            Err((reach.unwrap_or(!0), targets))
        });
        let reach = match remembered {
            Ok(answer) => return answer,
            Err(reach) => reach,
        };
        let mut answer: Option<(usize, LabelScore)> = None;
        score_labels_reaching(
            ordinal,
            body_key,
            self.labels.iter().copied(),
            self.g,
            self.floor,
            reach,
            |t, score| {
                if let Some(s) = score {
                    if !answer.is_some_and(|b| b.1.score >= s.score) {
                        answer = Some((t, s));
                    }
                }
            },
        );
        BEST.with(|memo| {
            let mut memo = memo.borrow_mut();
            let at = match self.place_in(&memo) {
                Some(at) => at,
                None => {
                    let extra = self.floor.to_bits();
                    let (at, made) =
                        memo_place(&mut memo.sets, self.labels, self.g, extra, MAX_BEST_SETS);
                    if made {
                        memo.generation = next_stamp();
                    }
                    self.place = Some((memo.generation, at));
                    at
                }
            };
            // The names' generation was taken before the scoring, and only numbering
            // keys changes it: this thread numbered none since.
            let set = &mut memo.sets[at];
            if set.found.len() >= MAX_BEST_ANSWERS {
                set.found.clear();
            }
            set.found.insert(key, answer);
        });
        answer
    }
}

/// How many ways a segment's ordinal can agree with a label's ([`agreement`]).
const AGREEMENTS: usize = 6;

/// The text weight and the ordinal bonus of a score by [`agreement`]: score =
/// weight · sim + bonus.
const WEIGHTS: [(f64, f64); AGREEMENTS] = [
    (TEXT_WEIGHT, 1.0 - TEXT_WEIGHT),
    (TEXT_WEIGHT, (1.0 - TEXT_WEIGHT) * 0.5),
    (TEXT_WEIGHT, -WRONG_ORDINAL),
    (TEXT_WEIGHT, (1.0 - TEXT_WEIGHT) * LOST_ORDINAL),
    (1.0, -WRONG_ORDINAL),
    (1.0, 0.0),
];

/// How a segment's ordinal agrees with its label's: the same, the same number of
/// another kind, another, lost by the segment, not in the label, neither has one.
fn agreement(label: Option<Ordinal>, segment: Option<Ordinal>) -> usize {
    match (label, segment) {
        (Some(l), Some(s)) if l == s => 0,
        (Some(l), Some(s)) if l.n == s.n => 1,
        (Some(_), Some(_)) => 2,
        (Some(_), None) => 3,
        (None, Some(_)) => 4,
        (None, None) => 5,
    }
}

/// The text weight and the ordinal bonus of a score: score = weight · sim + bonus.
fn weighting(label: &Label, ordinal: Option<Ordinal>) -> (f64, f64) {
    WEIGHTS[agreement(label.ordinal, ordinal)]
}

/// The best of the variants' similarities, the first on a tie.
fn keep_best(best: &mut Option<(usize, f64)>, variant: usize, sim: Option<f64>) {
    if let Some(s) = sim {
        if !best.is_some_and(|b| b.1 >= s) {
            *best = Some((variant, s));
        }
    }
}

fn finish(best: Option<(usize, f64)>, weight: f64, bonus: f64, floor: f64) -> Option<LabelScore> {
    let (variant, sim) = best?;
    let score = (weight * sim + bonus).clamp(0.0, 1.0);
    Some(LabelScore {
        score,
        sim,
        variant,
    })
    .filter(|s| s.score >= floor)
}

/// Runs of label text that start at one segment (one to five segments joined), each
/// a prefix of the next, prepared once to be scored against every label.
#[derive(Debug, Default)]
pub struct Runs {
    chars: Vec<char>,
    ends: Vec<usize>,
    pattern: Pattern,
    /// How many runs the pattern holds (the rest are longer than a machine word).
    prepared: usize,
    bounds: Vec<PrefixBounds>,
    /// Whether `pattern` holds the current runs.
    pattern_ready: bool,
    /// Buffers of [`Runs::score_at_least`].
    best: Vec<Option<(usize, f64)>>,
    ids: Vec<u16>,
    /// The pattern's masks of a key's characters, for [`weighted_distance_in`].
    key_masks: Vec<[u64; 2]>,
    /// The characters of the label set scored, when the caller scores one set only
    /// ([`Runs::within`]).
    targets: Option<Rc<Targets>>,
    /// [`Runs::ruled_out`]'s limits, by similarity.
    limit_tables: limit_table::LimitTables,
}

impl Runs {
    /// Starts a new set of runs.
    pub fn clear(&mut self) {
        self.chars.clear();
        self.ends.clear();
        self.prepared = 0;
        self.pattern_ready = false;
    }

    /// Adds a run: the previous one followed by `key`.
    pub fn push(&mut self, key: &str) {
        self.chars.extend(key.chars());
        self.ends.push(self.chars.len());
    }

    /// [`Runs::push`] of a key already split into characters (a caller that takes a
    /// key into several sets of runs splits it once).
    pub fn push_chars(&mut self, key: &[char]) {
        self.chars.extend_from_slice(key);
        self.ends.push(self.chars.len());
    }

    /// Adds `key` (split into characters) to the text of the runs that follow
    /// without making a run of it: a run whose scores the caller knows still begins
    /// the longer ones. A run's scores depend on its own characters alone, not on
    /// which other runs are held.
    pub fn extend_chars(&mut self, key: &[char]) {
        self.chars.extend_from_slice(key);
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Scores only labels whose keys `targets` was made for ([`LabelGate`]'s), until
    /// called again: the pattern then holds the masks of their characters alone.
    /// None: any label.
    pub(crate) fn within(&mut self, targets: Option<Rc<Targets>>) {
        // The pattern stays if it was prepared for the same characters (a set held
        // here keeps its targets alive, so another set's are never at their address).
        let same = match (&self.targets, &targets) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        if !same {
            self.targets = targets;
            self.pattern_ready = false;
        }
    }

    /// Prepares the pattern of the runs that fit one.
    fn prepare_pattern(
        pattern: &mut Pattern,
        targets: Option<&Targets>,
        chars: &[char],
        ends: &[usize],
        g: &GlyphCosts,
    ) {
        match targets {
            Some(t) => pattern.prepare_in(chars, ends, g, t),
            None => pattern.prepare(chars, ends, g),
        }
    }

    /// Readies the runs for scoring (after the last [`Runs::push`]).
    pub fn prepare(&mut self) {
        self.prepared = self.ends.iter().take_while(|&&e| e <= MAX_PATTERN).count();
        // The pattern itself is built when a pair first needs it: at many segments
        // every label is ruled out by length alone.
        self.pattern_ready = false;
    }

    /// The run lengths (bit `l`: runs of `l` characters, `l` < 64) at which
    /// [`Runs::score_at_least`] of `label` at `floor` may find a score for a segment
    /// whose ordinal agrees with the label's as `agreement` says: at any other length
    /// it finds none, by the length alone (an identical key is needed and none is that
    /// long, or [`Runs::ruled_out`]'s limits leave no comparison open).
    fn open_lengths(label: &Label, g: &GlyphCosts, floor: f64, agreement: usize) -> u64 {
        let (weight, bonus) = WEIGHTS[agreement];
        let min_sim = (floor - bonus) / weight;
        let mut open = 0u64;
        if min_sim >= 1.0 && g.min_cost > 0.0 {
            for key in label.key_chars.iter().filter(|k| k.len() < 64) {
                open |= 1 << key.len();
            }
        } else if !(min_sim > 0.0 && min_sim < 1.0) || g.is_empty() {
            open = !0;
        } else {
            for lr in 0..64 {
                let reach = |key: &Vec<char>| limits(lr, key.len(), min_sim) != (None, None);
                if label.key_chars.iter().any(reach) {
                    open |= 1 << lr;
                }
            }
        }
        open
    }

    /// The lengths of the runs as bits for [`LabelGate`], or None when a run is 64
    /// characters or longer or there are more runs than [`Runs::ruled_out`] gates.
    pub(crate) fn lengths(&self) -> Option<u64> {
        if self.ends.len() > GATE_RUNS {
            return None;
        }
        self.ends
            .iter()
            .try_fold(0u64, |bits, &e| (e < 64).then(|| bits | 1 << e))
    }

    /// Whether no run can reach `min_sim` against any key of `label`, by the floors
    /// that [`Runs::score_at_least`] would find pair by pair (the length difference,
    /// and the key characters that nothing in the run equals or looks like), counted
    /// here once per key for all runs. Most labels are ruled out so, and then the
    /// result (nothing) is the same without the per-pair work. False whenever a pair
    /// is not settled by these floors alone.
    fn ruled_out(
        &mut self,
        label: &Label,
        key_ids: Option<&[Option<Vec<u16>>]>,
        g: &GlyphCosts,
        min_sim: f64,
    ) -> bool {
        let n = self.ends.len();
        // At a similarity of 0 or below an empty key passes; at 1 or above only an
        // identical key does, which the caller tells more cheaply.
        if !(min_sim > 0.0 && min_sim < 1.0) || g.is_empty() || n == 0 || n > GATE_RUNS {
            return false;
        }
        self.ruled_out_by::<true>(label, key_ids, g, min_sim)
    }

    /// [`Runs::ruled_out`] of runs it gates (some, at most [`GATE_RUNS`]) at a
    /// similarity strictly between 0 and 1, with `g` not empty. Inlined into both
    /// callers: the label gate asks it of several labels a row at one similarity
    /// after another, and then its limit table is always the last one used. With
    /// `EARLY`, a key's characters are counted only until enough of them are held by
    /// no open run to rule it out (the answer is the same; without, for its tests).
    #[inline(always)]
    fn ruled_out_by<const EARLY: bool>(
        &mut self,
        label: &Label,
        key_ids: Option<&[Option<Vec<u16>>]>,
        g: &GlyphCosts,
        min_sim: f64,
    ) -> bool {
        // Each run's limits as thresholds: a floor is within a limit when below it,
        // and 0 stands for a comparison that is not made.
        let mut lims = [(0u32, 0u32); GATE_RUNS];
        let mut table = self.limit_tables.of(min_sim);
        'keys: for (i, key) in label.key_chars.iter().enumerate() {
            // The limits of each run, as `chars_similarity_at_least` computes them.
            let mut open = false;
            let mut past = false;
            // The last open run, and how many key characters that no prefix up to it
            // holds rule the key out whatever the others are: each raises every open
            // run's floor, so once the floors' first part settles all the limits
            // below, so would the whole count (most keys are ruled out so, and most
            // of their characters are held by no run).
            let (mut last_open, mut need) = (0, 0u32);
            for (k, (l, &lr)) in lims.iter_mut().zip(&self.ends).enumerate() {
                // A run at least as long as the key that the length alone rules out:
                // so does it every longer run (the excess grows by a whole character
                // per character, the limit by 1 − min of one), and no cut comparison
                // is made for them.
                if past {
                    *l = (0, 0);
                    continue;
                }
                *l = table.get(lr, key.len());
                let (full, cut) = *l;
                if full | cut != 0 {
                    open = true;
                    last_open = k;
                    let excess = lr.saturating_sub(key.len()) as u32;
                    let cut_off = key.len().saturating_sub(lr) as u32;
                    need = need.max(full.saturating_sub(excess));
                    if cut != 0 {
                        need = need.max(cut.saturating_add(cut_off).saturating_sub(excess));
                    }
                }
                past = lr >= key.len() && l.0 == 0;
            }
            if !open {
                continue;
            }
            let Some(ids) = key_ids
                .and_then(|all| all.get(i))
                .and_then(Option::as_deref)
            else {
                return false;
            };
            if !self.pattern_ready && self.prepared > 0 {
                Runs::prepare_pattern(
                    &mut self.pattern,
                    self.targets.as_deref(),
                    &self.chars,
                    &self.ends[..self.prepared],
                    g,
                );
                self.pattern_ready = true;
            }
            // How many key characters each prefix is the first to hold (the last
            // entry: none holds them), and the run positions some key character
            // equals or looks like.
            let mut firsts = [0u32; GATE_RUNS + 1];
            let mut covered = 0u64;
            // A run too long for the pattern keeps the label below, whatever is counted.
            if !EARLY || last_open >= self.prepared || ids.len() != key.len() {
                need = u32::MAX;
            }
            let mut beyond = 0u32;
            for &c in ids {
                let (first, loose) = self.pattern.first_and_loose(c);
                firsts[first] += 1;
                covered |= loose;
                if first > last_open {
                    beyond += 1;
                    if beyond >= need {
                        continue 'keys;
                    }
                }
            }
            // The key characters that no prefix up to k holds, from the prefixes' counts
            // (none is past the pattern's runs) less those up to k.
            let mut missing = ids.len() as u32;
            for (k, (&lr, &(full, cut))) in self.ends.iter().zip(&lims).enumerate() {
                missing = missing.wrapping_sub(firsts[k]);
                if full | cut == 0 {
                    continue;
                }
                // A run too long for the pattern has no floor.
                if k >= self.prepared {
                    return false;
                }
                // The floor is the larger of two parts (`myers::floor_of`); the part
                // that counts uncovered run positions is worked out only when the
                // other part alone does not settle the limits.
                let by_missing = missing + lr.saturating_sub(ids.len()) as u32;
                let cut_off = ids.len().saturating_sub(lr) as u32;
                let floor_full = if by_missing >= full
                    && (cut == 0 || by_missing.saturating_sub(cut_off) >= cut)
                {
                    by_missing
                } else {
                    crate::myers::floor_of(missing, covered, lr, ids.len())
                };
                if floor_full < full {
                    return false;
                }
                if cut != 0 {
                    // Only the key's first `lr` characters count for the cut comparison
                    // (made when the run is the shorter): its floor is at most the whole
                    // key's (its missing characters are among the key's, its run
                    // positions left uncovered are the key's and at most those the cut
                    // characters alone covered, `cut_off` of them or fewer), and at least
                    // that less `cut_off`; counted only when those bounds do not tell.
                    if floor_full < cut {
                        return false;
                    }
                    if floor_full.saturating_sub(cut_off) >= cut {
                        continue;
                    }
                    let (mut missing_cut, mut covered_cut) = (0, 0u64);
                    for &c in &ids[..lr.min(ids.len())] {
                        let (first, loose) = self.pattern.first_and_loose(c);
                        missing_cut += u32::from(first > k);
                        covered_cut |= loose;
                    }
                    let floor_cut =
                        crate::myers::floor_of(missing_cut, covered_cut, lr, lr.min(ids.len()));
                    if floor_cut < cut {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// `score_chars_at_least` of every run against `label`, into `out` (one entry
    /// per run). `key_ids` holds `GlyphCosts::ids_of` of each of its keys, if the
    /// caller keeps them; else they are found when needed.
    pub fn score_at_least(
        &mut self,
        ordinal: Option<Ordinal>,
        label: &Label,
        key_ids: Option<&[Option<Vec<u16>>]>,
        g: &GlyphCosts,
        floor: f64,
        out: &mut Vec<Option<LabelScore>>,
    ) {
        self.score_runs::<true>(ordinal, label, key_ids, g, floor, out);
    }

    /// [`Runs::score_at_least`] without [`Runs::ruled_out`], for a label that
    /// [`Runs::reaching`] kept at `floor` with these runs and `ordinal` (its floors
    /// were counted there and would not rule it out again; they change no score, so
    /// any other label scores the same too, only more slowly).
    pub(crate) fn score_reached(
        &mut self,
        ordinal: Option<Ordinal>,
        label: &Label,
        g: &GlyphCosts,
        floor: f64,
        out: &mut Vec<Option<LabelScore>>,
    ) {
        self.score_runs::<false>(ordinal, label, None, g, floor, out);
    }

    /// [`Runs::score_at_least`], asking [`Runs::ruled_out`] first when `GATE`.
    fn score_runs<const GATE: bool>(
        &mut self,
        ordinal: Option<Ordinal>,
        label: &Label,
        key_ids: Option<&[Option<Vec<u16>>]>,
        g: &GlyphCosts,
        floor: f64,
        out: &mut Vec<Option<LabelScore>>,
    ) {
        let (weight, bonus) = weighting(label, ordinal);
        let min_sim = (floor - bonus) / weight;
        // The dictionaries number their labels' keys once (Label::key_ids).
        let key_ids = key_ids.or((!label.key_ids.is_empty()).then_some(label.key_ids.as_slice()));
        // A perfect similarity is needed (an ordinal that contradicts the label's):
        // with no free substitution only an identical key has it, and the first
        // identical key is the best (a later one only ties). The gate below says
        // nothing at this similarity.
        if min_sim >= 1.0 && g.min_cost > 0.0 {
            out.clear();
            for &end in &self.ends {
                let run = &self.chars[..end];
                let first = label.key_chars.iter().position(|key| run == &key[..]);
                out.push(first.and_then(|i| finish(Some((i, 1.0)), weight, bonus, floor)));
            }
            return;
        }
        if GATE && self.ruled_out(label, key_ids, g, min_sim) {
            out.clear();
            out.resize(self.ends.len(), None);
            return;
        }
        self.best.clear();
        self.best.resize(self.ends.len(), None);
        for (i, key) in label.key_chars.iter().enumerate() {
            // What the key's numbers allow, when a run first needs it: None = not yet,
            // Some(false) = the key cannot be compared so; then the cheap floor of
            // every run, then (only if the floor does not rule a pair out) the
            // bit-parallel distances of every run, each in one pass.
            let mut usable: Option<bool> = None;
            let mut measured = false;
            for (k, &end) in self.ends.iter().enumerate() {
                let (pattern, bounds, prepared) =
                    (&mut self.pattern, &mut self.bounds, self.prepared);
                let (ids, ready, chars, ends, key_masks, targets) = (
                    &mut self.ids,
                    &mut self.pattern_ready,
                    &self.chars,
                    &self.ends,
                    &mut self.key_masks,
                    self.targets.as_deref(),
                );
                let settle = |part: Part, max: f64| {
                    if k >= prepared {
                        return Settled::Open;
                    }
                    let ok = *usable.get_or_insert_with(|| {
                        if key_ids.is_none() {
                            ids.clear();
                            if !g.ids_into(key, ids) {
                                return false;
                            }
                        }
                        let found = key_ids.map_or(Some(ids.as_slice()), |all| {
                            all.get(i).and_then(Option::as_deref)
                        });
                        if found.is_some() && !*ready {
                            Runs::prepare_pattern(pattern, targets, chars, &ends[..prepared], g);
                            *ready = true;
                        }
                        found.is_some()
                    });
                    let found = key_ids.map_or(Some(ids.as_slice()), |all| {
                        all.get(i).and_then(Option::as_deref)
                    });
                    let Some(found) = found.filter(|_| ok) else {
                        return Settled::Open;
                    };
                    let part_len = match part {
                        Part::Full => found.len(),
                        Part::Cut => end.min(found.len()),
                    };
                    if over(pattern.floor(&found[..part_len], end), max) {
                        return Settled::Over;
                    }
                    if !measured {
                        pattern.distances(found, bounds);
                        measured = true;
                    }
                    let b = bounds.get(k).and_then(|b| match part {
                        Part::Full => Some(b.full),
                        Part::Cut => b.cut,
                    });
                    match b.map_or(Settled::Open, |b| g.settle(b, max)) {
                        // The pattern holds the run: the table reads which pairs are
                        // equal or look alike from its masks.
                        Settled::Open => {
                            key_masks.clear();
                            key_masks.extend(found[..part_len].iter().map(|&c| pattern.masks(c)));
                            let run = &chars[..end];
                            weighted_distance_in(run, &key[..part_len], key_masks, g, max)
                                .map_or(Settled::Over, Settled::Distance)
                        }
                        settled => settled,
                    }
                };
                let sim = chars_similarity_at_least(&chars[..end], key, g, min_sim, settle);
                keep_best(&mut self.best[k], i, sim);
            }
        }
        out.clear();
        out.extend(self.best.iter().map(|&b| finish(b, weight, bonus, floor)));
    }
}

#[path = "limit_table.rs"]
mod limit_table;

#[path = "label_gate.rs"]
mod label_gate;
pub(crate) use label_gate::{held as label_gate_held, holds as label_gate_holds, LabelGate};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ordinal::OrdinalKind;

    #[test]
    fn identical_keys_score_one_and_unrelated_score_low() {
        let g = GlyphCosts::default();
        assert_eq!(text_similarity("属于国家秘密", "属于国家秘密", &g), 1.0);
        assert!(text_similarity("属于国家秘密", "行政许可", &g) < 0.2);
        assert_eq!(text_similarity("", "行政许可", &g), 0.0);
    }

    #[test]
    fn garbled_seed_labels_stay_closest_to_their_own_row() {
        let g = GlyphCosts::default();
        let rows = [
            "属于国家秘密",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ];
        for (ocr, want) in [
            ("属于三类内部重名位自", 1),
            ("属于四类过和性位自", 2),
            ("属于行政执法安类", 3),
            ("属于行政查治重违", 4),
        ] {
            let best = (0..rows.len())
                .max_by(|&a, &b| {
                    text_similarity(ocr, rows[a], &g).total_cmp(&text_similarity(ocr, rows[b], &g))
                })
                .unwrap();
            assert_eq!(best, want, "{ocr}");
        }
    }

    #[test]
    fn a_run_the_length_rules_out_rules_out_every_longer_run() {
        for min in [
            0.01,
            0.2308,
            0.3,
            0.5,
            0.615_384_6,
            0.65,
            0.75,
            0.9,
            0.94,
            0.999,
        ] {
            for lk in 0..70 {
                for lr in lk..70 {
                    if limits(lr, lk, min).0.is_some() {
                        continue;
                    }
                    for longer in lr + 1..80 {
                        assert_eq!(
                            limits(longer, lk, min),
                            (None, None),
                            "{min} {lk} {lr} {longer}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_contradicting_ordinal_scores_only_identical_keys_the_first_first() {
        let d = crate::dictionary::Dictionaries::embedded().unwrap();
        let g = &d.glyphs;
        let labels: Vec<&Label> = d
            .templates
            .iter()
            .flat_map(|t| &t.tables)
            .flat_map(|t| t.rows.iter().map(|r| &r.label))
            .filter(|l| l.ordinal.is_some())
            .collect();
        let mut runs = Runs::default();
        let mut out = Vec::new();
        for label in labels.iter().take(40) {
            let Some(o) = label.ordinal else { continue };
            let wrong = Some(Ordinal {
                kind: o.kind,
                n: o.n + 1,
            });
            // Runs that are a key, a key's prefix, and a key with another after it.
            for key in &label.keys {
                for (a, b) in [
                    (key.as_str(), ""),
                    (&key[..key.len() / 3 * 3], ""),
                    (key, "公开"),
                ] {
                    runs.clear();
                    runs.push(a);
                    runs.push(b);
                    runs.prepare();
                    for floor in [0.5, 0.75] {
                        let (weight, bonus) = weighting(label, wrong);
                        assert!((floor - bonus) / weight >= 1.0);
                        runs.score_at_least(wrong, label, None, g, floor, &mut out);
                        let chars: Vec<char> = a.chars().chain(b.chars()).collect();
                        let ends = [a.chars().count(), chars.len()];
                        let want: Vec<Option<LabelScore>> = ends
                            .iter()
                            .map(|&end| {
                                let mut best = None;
                                for (i, key) in label.key_chars.iter().enumerate() {
                                    let same = chars[..end] == key[..];
                                    keep_best(&mut best, i, same.then_some(1.0));
                                }
                                finish(best, weight, bonus, floor)
                            })
                            .collect();
                        assert_eq!(out, want, "{a:?} {b:?} {floor}");
                    }
                }
            }
        }
    }

    #[test]
    fn scoring_one_segment_against_many_labels_is_scoring_each() {
        let d = crate::dictionary::Dictionaries::embedded().unwrap();
        let labels: Vec<&Label> = d
            .templates
            .iter()
            .flat_map(|t| &t.tables)
            .flat_map(|t| {
                t.blocks
                    .iter()
                    .flat_map(|b| b.columns.iter().map(|c| &c.label))
                    .chain(t.groups.iter().map(|g| &g.label))
                    .chain(&t.header_labels)
                    .chain(t.rows.iter().map(|r| &r.label))
            })
            .collect();
        for text in [
            "自然人",
            "法人或其他组织",
            "商业企业",
            "属于国家秘密",
            "总计",
            "政府信自公开",
        ] {
            for floor in [0.5, 0.75] {
                let mut got = Vec::new();
                score_labels_at_least(
                    None,
                    text,
                    labels.iter().copied(),
                    &d.glyphs,
                    floor,
                    |i, s| got.push((i, s)),
                );
                let want: Vec<_> = labels
                    .iter()
                    .map(|l| score_label_at_least(None, text, l, &d.glyphs, floor))
                    .enumerate()
                    .collect();
                assert_eq!(got, want, "{text} {floor}");
                // The best of them, found then remembered.
                let first_best =
                    want.iter()
                        .fold(None, |b: Option<(usize, LabelScore)>, &(i, s)| match s {
                            Some(s) if !b.is_some_and(|b| b.1.score >= s.score) => Some((i, s)),
                            _ => b,
                        });
                for _ in 0..2 {
                    let best = best_label_at_least(None, text, &labels, &d.glyphs, floor);
                    assert_eq!(best, first_best, "{text} {floor}");
                }
                let ordinal = Some(Ordinal {
                    kind: crate::ordinal::OrdinalKind::Paren,
                    n: 2,
                });
                let want = labels.iter().enumerate().fold(
                    None,
                    |b: Option<(usize, LabelScore)>, (i, l)| match score_label_at_least(
                        ordinal, text, l, &d.glyphs, floor,
                    ) {
                        Some(s) if !b.is_some_and(|b| b.1.score >= s.score) => Some((i, s)),
                        _ => b,
                    },
                );
                for _ in 0..2 {
                    assert_eq!(
                        best_label_at_least(ordinal, text, &labels, &d.glyphs, floor),
                        want
                    );
                }
            }
        }
    }

    #[test]
    fn one_chooser_for_many_segments_answers_as_each_call_does() {
        let d = crate::dictionary::Dictionaries::embedded().unwrap();
        let sets: Vec<Vec<&Label>> = d
            .templates
            .iter()
            .flat_map(|t| &t.tables)
            .map(|t| {
                t.blocks
                    .iter()
                    .flat_map(|b| b.columns.iter().map(|c| &c.label))
                    .chain(t.groups.iter().map(|g| &g.label))
                    .chain(&t.header_labels)
                    .collect()
            })
            .collect();
        let texts = [
            "自然人",
            "商业企业",
            "科研机构",
            "总计",
            "其他",
            "法人或其他组织",
            "x",
        ];
        let fresh = |labels: &[&Label], text: &str, floor: f64| {
            labels
                .iter()
                .enumerate()
                .fold(
                    None,
                    |b: Option<(usize, LabelScore)>, (i, l)| match score_label_at_least(
                        None, text, l, &d.glyphs, floor,
                    ) {
                        Some(s) if !b.is_some_and(|b| b.1.score >= s.score) => Some((i, s)),
                        _ => b,
                    },
                )
        };
        for (n, labels) in sets.iter().enumerate() {
            let mut chooser = BestLabel::new(labels, &d.glyphs, 0.6);
            for (k, text) in texts.iter().enumerate() {
                assert_eq!(
                    chooser.best(None, text),
                    fresh(labels, text, 0.6),
                    "{n} {text}"
                );
                // Other sets and floors in between, enough of them to make the
                // thread's memo drop its sets and start again.
                for m in 0..(k * 7) {
                    let other = &sets[(n + m) % sets.len()];
                    let floor = 0.5 + m as f64 / 100.0;
                    assert_eq!(
                        best_label_at_least(None, text, other, &d.glyphs, floor),
                        fresh(other, text, floor)
                    );
                }
                assert_eq!(
                    chooser.best(None, text),
                    fresh(labels, text, 0.6),
                    "{n} {text}"
                );
            }
        }
    }

    /// The weighted table as it was written first: `f64::min` and indexed rows.
    fn weighted_distance_by_min(a: &[char], b: &[char], g: &GlyphCosts, max: f64) -> Option<f64> {
        let mut prev: Vec<f64> = (0..=b.len()).map(|j| j as f64).collect();
        let mut cur = vec![0.0; b.len() + 1];
        for (i, &ca) in a.iter().enumerate() {
            cur[0] = (i + 1) as f64;
            let mut lowest = cur[0];
            for j in 0..b.len() {
                let cost = if ca == b[j] {
                    0.0
                } else {
                    substitution(g.neighbours(ca), b[j])
                };
                let sub = prev[j] + cost;
                cur[j + 1] = sub.min(prev[j + 1] + 1.0).min(cur[j] + 1.0);
                lowest = lowest.min(cur[j + 1]);
            }
            if lowest > max {
                return None;
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        Some(prev[b.len()]).filter(|&d| d <= max)
    }

    proptest::proptest! {
        /// The table picking by comparison is the table picking by `f64::min`, to the
        /// bit, early stops included.
        #[test]
        fn the_compared_table_is_the_min_table(
            run in proptest::collection::vec(0usize..24, 0..24),
            key in proptest::collection::vec(0usize..24, 0..24),
            max in 0.0f64..16.0,
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let alphabet: Vec<char> = "信息自案安卷属于国家秘密行政执法查询事项其他公开总计x".chars().collect();
            let a: Vec<char> = run.iter().map(|&i| alphabet[i % alphabet.len()]).collect();
            let b: Vec<char> = key.iter().map(|&i| alphabet[i % alphabet.len()]).collect();
            proptest::prop_assert_eq!(
                weighted_distance(&a, &b, &d.glyphs, max).map(f64::to_bits),
                weighted_distance_by_min(&a, &b, &d.glyphs, max).map(f64::to_bits)
            );
        }
    }

    proptest::proptest! {
        /// The table that reads equal and look-alike pairs from a pattern's masks is
        /// the table that compares the characters, to the bit.
        #[test]
        fn the_masked_table_is_the_weighted_table(
            run in proptest::collection::vec(0usize..24, 0..20),
            key in proptest::collection::vec(0usize..24, 1..20),
            max in 0.0f64..12.0,
        ) {
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            // Key characters with look-alikes among them (信息/自, 案/安 …), and one
            // that no key holds.
            let alphabet: Vec<char> = "信息自案安卷属于国家秘密行政执法查询事项其他公开总计x".chars().collect();
            proptest::prop_assert!(d.glyphs.cost('息', '自') < 1.0 && d.glyphs.cost('案', '安') < 1.0);
            let a: Vec<char> = run.iter().map(|&i| alphabet[i % alphabet.len()]).collect();
            let b: Vec<char> = key.iter().map(|&i| alphabet[i % alphabet.len()]).collect();
            let Some(ids) = d.glyphs.ids_of(&b) else {
                return Ok(());
            };
            let mut p = Pattern::default();
            p.prepare(&a, &[a.len()], &d.glyphs);
            let masks: Vec<[u64; 2]> = ids.iter().map(|&c| p.masks(c)).collect();
            proptest::prop_assert_eq!(
                weighted_distance_in(&a, &b, &masks, &d.glyphs, max).map(f64::to_bits),
                weighted_distance(&a, &b, &d.glyphs, max).map(f64::to_bits)
            );
        }
    }

    /// `key` as OCR might misread it, by `edits` of (where, what, which): what 0 drops
    /// the character there, 1 reads it as one of its look-alikes in `g`, 2 as a
    /// character of `alphabet`, anything else adds a character of `alphabet` there.
    fn misread(
        key: &str,
        edits: &[(usize, usize, usize)],
        alphabet: &[char],
        g: &GlyphCosts,
    ) -> Vec<char> {
        let mut key: Vec<char> = key.chars().collect();
        for &(at, op, c) in edits {
            let at = at % (key.len() + 1);
            match op {
                0 if at < key.len() => {
                    key.remove(at);
                }
                1 if at < key.len() => {
                    let near = g.neighbours(key[at]);
                    if !near.is_empty() {
                        key[at] = near[c % near.len()].0;
                    }
                }
                2 if at < key.len() => key[at] = alphabet[c % alphabet.len()],
                _ => key.insert(at, alphabet[c % alphabet.len()]),
            }
        }
        key
    }

    /// A table's header labels (its columns', groups' and header rows'), as a header
    /// chooser sees them, and the characters of their keys to misread them with.
    fn header_labels(table: &crate::dictionary::Table) -> (Vec<&Label>, Vec<char>) {
        let mut labels: Vec<&Label> = Vec::new();
        for b in &table.blocks {
            labels.extend(b.columns.iter().map(|c| &c.label));
        }
        labels.extend(table.groups.iter().map(|g| &g.label));
        labels.extend(table.header_labels.iter());
        let alphabet = labels.iter().flat_map(|l| l.keys[0].chars()).collect();
        (labels, alphabet)
    }

    proptest::proptest! {
        /// The runs' scores, with every floor and bound that settles pairs before the
        /// weighted table, are the plain table's, for misread labels of the
        /// dictionaries (characters read as their look-alikes of the glyph table, as
        /// other key characters, dropped or added) wrapped over up to three segments.
        #[test]
        fn the_runs_score_as_the_plain_table_does(
            ti in 0usize..64,
            li in 0usize..64,
            edits in proptest::collection::vec((0usize..64, 0usize..4, 0usize..4096), 0..6),
            cuts in proptest::collection::vec(0usize..64, 0..3),
            with_ordinal in proptest::bool::ANY,
            fi in 0usize..4,
        ) {
            let floor = [0.5, 0.6, 0.75, 0.9][fi];
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let g = &d.glyphs;
            let tables: Vec<_> = d.templates.iter().flat_map(|t| &t.tables).collect();
            let table = tables[ti % tables.len()];
            let labels: Vec<&Label> = table.rows.iter().map(|r| &r.label).collect();
            let alphabet: Vec<char> = labels.iter().flat_map(|l| l.keys[0].chars()).collect();
            if labels.is_empty() || alphabet.is_empty() {
                return Ok(());
            }
            let label = labels[li % labels.len()];
            let key = misread(&label.keys[0], &edits, &alphabet, g);
            // Pieces of the misread key, as a wrapped label's segments.
            let mut at: Vec<usize> = cuts.iter().map(|&c| c % (key.len() + 1)).collect();
            at.sort_unstable();
            at.push(key.len());
            let mut runs = Runs::default();
            let mut from = 0;
            for &to in &at {
                let piece: String = key[from..to].iter().collect();
                runs.push(&piece);
                from = to;
            }
            runs.prepare();
            let ordinal = if with_ordinal { label.ordinal } else { None };
            let mut out = Vec::new();
            for l in &labels {
                runs.score_at_least(ordinal, l, None, g, floor, &mut out);
                let (weight, bonus) = weighting(l, ordinal);
                let min_sim = (floor - bonus) / weight;
                let want: Vec<Option<LabelScore>> = at
                    .iter()
                    .map(|&end| {
                        let mut best = None;
                        for (i, k) in l.key_chars.iter().enumerate() {
                            let sim = chars_similarity_at_least(&key[..end], k, g, min_sim, |_, _| {
                                Settled::Open
                            });
                            keep_best(&mut best, i, sim);
                        }
                        finish(best, weight, bonus, floor)
                    })
                    .collect();
                proptest::prop_assert_eq!(&out, &want, "{:?} {:?} {}", key, at, l.text);
            }
        }
    }

    proptest::proptest! {
        /// A miss asking only the labels the gate lets through gives the answer of
        /// asking them all, for keys near a table's header labels.
        #[test]
        fn the_gated_best_label_is_the_best_of_all(
            ti in 0usize..16,
            li in 0usize..64,
            edits in proptest::collection::vec((0usize..40, 0usize..4, 0usize..400), 0..4),
            with_ordinal in proptest::bool::ANY,
            fi in 0usize..5,
        ) {
            let floor = [0.5, 0.7, 0.8, 0.85, 0.9][fi];
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let tables = &d.templates[1].tables;
            let (labels, alphabet) = header_labels(&tables[ti % tables.len()]);
            if labels.is_empty() || alphabet.is_empty() {
                return Ok(());
            }
            let label = labels[li % labels.len()];
            let key: String = misread(&label.keys[0], &edits, &alphabet, &d.glyphs)
                .into_iter()
                .collect();
            let ordinal = if with_ordinal { label.ordinal } else { None };
            let mut all: Option<(usize, LabelScore)> = None;
            score_labels_at_least(ordinal, &key, labels.iter().copied(), &d.glyphs, floor, |t, score| {
                if let Some(s) = score {
                    if !all.is_some_and(|b| b.1.score >= s.score) {
                        all = Some((t, s));
                    }
                }
            });
            let mut chooser = BestLabel::new(&labels, &d.glyphs, floor);
            // The set's first miss makes its place in the memo and asks every label;
            // the gate answers the misses after it.
            chooser.best(None, "\u{3}");
            proptest::prop_assert_eq!(chooser.best(ordinal, &key), all);
            proptest::prop_assert_eq!(chooser.best(ordinal, &key), all);
        }

        /// Answers looked up by a table's key numbers are those of asking every label,
        /// whatever the mix of numbered and plain calls, repeats and ordinals; keys
        /// share a number exactly when they are equal.
        #[test]
        fn answers_by_key_numbers_are_the_answers_of_every_label(
            ti in 0usize..16,
            picks in proptest::collection::vec((0usize..64, proptest::collection::vec((0usize..40, 0usize..4, 0usize..400), 0..3), 0usize..3, proptest::bool::ANY), 1..12),
            fi in 0usize..3,
        ) {
            let floor = [0.5, 0.7, 0.85][fi];
            let d = crate::dictionary::Dictionaries::embedded().unwrap();
            let tables = &d.templates[1].tables;
            let (labels, alphabet) = header_labels(&tables[ti % tables.len()]);
            if labels.is_empty() || alphabet.is_empty() {
                return Ok(());
            }
            let segments: Vec<(Option<Ordinal>, Rc<str>, bool)> = picks
                .iter()
                .map(|(li, edits, oi, plain)| {
                    let label = labels[li % labels.len()];
                    let key: String = misread(&label.keys[0], edits, &alphabet, &d.glyphs)
                        .into_iter()
                        .collect();
                    let ordinal = [None, label.ordinal, Some(Ordinal { kind: crate::ordinal::OrdinalKind::Arabic, n: 1 })][*oi];
                    (ordinal, Rc::from(key), *plain)
                })
                .collect();
            let mut names = SegmentNames::default();
            number_keys(segments.iter().map(|(_, k, _)| Some(k)), &mut names);
            let mut chooser = BestLabel::new(&labels, &d.glyphs, floor);
            for (i, (ordinal, key, plain)) in segments.iter().enumerate() {
                for (j, (_, other, _)) in segments.iter().enumerate() {
                    proptest::prop_assert_eq!(names.name(i) == names.name(j), key == other);
                }
                let mut all: Option<(usize, LabelScore)> = None;
                score_labels_at_least(*ordinal, key, labels.iter().copied(), &d.glyphs, floor, |t, score| {
                    if let Some(s) = score {
                        if !all.is_some_and(|b| b.1.score >= s.score) {
                            all = Some((t, s));
                        }
                    }
                });
                let got = match names.name(i) {
                    Some(name) if !plain => chooser.best_named(*ordinal, key, name),
                    _ => chooser.best(*ordinal, key),
                };
                proptest::prop_assert_eq!(got, all);
            }
        }
    }

    proptest::proptest! {
        /// A key's words read whole (eight bytes there) hash as the words copied
        /// into a zeroed buffer, the plain reading, for keys of every length.
        #[test]
        fn key_words_read_whole_hash_as_copied_words(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..48),
        ) {
            let plain = {
                let n = bytes.len();
                let word = |at: usize| {
                    let mut w = [0; 8];
                    let part = &bytes[at..(at + 8).min(n)];
                    w[..part.len()].copy_from_slice(part);
                    u64::from_le_bytes(w)
                };
                let mut h = n as u64;
                let mut mix = |w: u64| h = (h.rotate_left(26) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
                mix(word(0));
                if n > 8 {
                    mix(word(n - 8));
                }
                if n > 16 {
                    mix(word(n / 2 - 4));
                }
                h
            };
            let mut hasher = KeyHasher::default();
            hasher.write(&bytes);
            proptest::prop_assert_eq!(hasher.finish(), plain);
        }
    }

    /// A label set's memo is told by its labels' stamps: two labels with one stamp
    /// (a label and its clones) have the same ordinal and keys, what scoring reads.
    #[test]
    fn labels_with_one_stamp_score_alike() {
        let d = crate::dictionary::Dictionaries::embedded().unwrap();
        let mut all: Vec<Label> = (d.templates.iter())
            .flat_map(|t| &t.tables)
            .flat_map(|t| {
                let rows = t.rows.iter().map(|r| &r.label);
                let columns = t
                    .blocks
                    .iter()
                    .flat_map(|b| b.columns.iter().map(|c| &c.label));
                let groups = t.groups.iter().map(|g| &g.label);
                rows.chain(columns).chain(groups).chain(&t.header_labels)
            })
            .cloned()
            .collect();
        all.extend(all.clone());
        let mut by_stamp: HashMap<u64, &Label> = HashMap::new();
        for l in &all {
            let first = by_stamp.entry(l.stamp).or_insert(l);
            assert_eq!(first.ordinal, l.ordinal, "{}", l.text);
            assert_eq!(first.key_chars, l.key_chars, "{}", l.text);
        }
        let lex = &d.lexicon;
        let (a, b) = (Label::for_tests("其他", lex), Label::for_tests("其他", lex));
        assert_ne!(a.stamp, b.stamp);
        // The same labels gathered again find their set's memo; another set does not.
        let labels: Vec<&Label> = all.iter().take(6).collect();
        let again: Vec<&Label> = all.iter().take(6).collect();
        let mut sets: Vec<BestAnswers> = Vec::new();
        let (at, made) = memo_place(&mut sets, &labels, &d.glyphs, 0, 4);
        assert!(made);
        assert_eq!(memo_place(&mut sets, &again, &d.glyphs, 0, 4), (at, false));
        let other: Vec<&Label> = all.iter().skip(1).take(6).collect();
        assert!(memo_place(&mut sets, &other, &d.glyphs, 0, 4).1);
    }

    #[test]
    fn keys_that_hash_alike_keep_their_own_numbers() {
        use std::hash::BuildHasher;
        // Forty bytes that differ only outside the three words KeyHasher reads.
        let a: Rc<str> = Rc::from("abcdefgh-1-xxxxxijklmnop-2-yyyyyqrstuvwx");
        let b: Rc<str> = Rc::from("abcdefgh-3-xxxxxijklmnop-4-yyyyyqrstuvwx");
        let hasher = BuildHasherDefault::<KeyHasher>::default();
        assert_eq!(hasher.hash_one(&*a), hasher.hash_one(&*b));
        let mut names = SegmentNames::default();
        number_keys([Some(&a), Some(&b), None, Some(&a)].into_iter(), &mut names);
        assert_eq!(names.name(0), names.name(3));
        assert_ne!(names.name(0), names.name(1));
        assert_eq!(names.name(2), None);
        assert_eq!(name_of(&b), names.name(1).unwrap());
    }

    #[test]
    fn costs_of_two_decimals_are_parsed_as_str_parse_parses_them() {
        for n in 0..100 {
            let text = format!("0.{n:02}");
            assert_eq!(
                parse_cost(&text).map(f32::to_bits),
                text.parse::<f32>().map(f32::to_bits)
            );
        }
        for text in ["1", "1.0", "0.5", "0.125", "x", "", "0.1x"] {
            assert_eq!(parse_cost(text).ok(), text.parse::<f32>().ok(), "{text}");
        }
    }

    #[test]
    fn look_alike_characters_cost_less_than_unrelated_ones() {
        let g = GlyphCosts::from_tsv("# test\na\tb\tcost\n息\t自\t0.3\n").unwrap();
        assert_eq!(g.len(), 1);
        let near = text_similarity("政府信自", "政府信息", &g);
        let far = text_similarity("政府信口", "政府信息", &g);
        assert!(near > far && near > 0.9, "{near} {far}");
        assert_eq!(g.cost('自', '息'), g.cost('息', '自'));
        assert!(GlyphCosts::from_tsv("息\t自\t2").is_err());
        assert!(GlyphCosts::from_tsv("息自\t自\t0.2").is_err());
    }

    #[test]
    fn ordinals_weigh_in() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let label = Label::for_tests("4.保护第三方合法权益", &lex);
        let g = GlyphCosts::default();
        let four = Some(Ordinal {
            kind: OrdinalKind::Arabic,
            n: 4,
        });
        let five = Some(Ordinal {
            kind: OrdinalKind::Arabic,
            n: 5,
        });
        let right = score_label(four, "保护第三方涉切关", &label, &g);
        let wrong = score_label(five, "保护第三方涉切关", &label, &g);
        let lost = score_label(None, "保护第三方涉切关", &label, &g);
        assert!(
            right.score > lost.score && lost.score > wrong.score,
            "{right:?} {lost:?} {wrong:?}"
        );
    }
}
