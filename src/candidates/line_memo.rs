//! The line memo: what each thread remembers of the lines it lexed, so that a line
//! met again, in this report or another, is replayed instead of lexed.
//!
//! Takes a line, its index, the lexicon and whether a neighbour is a line of
//! numbers; gives what [`super::lex_line_in`] gives for it, into the same
//! [`Candidates`]. Bounded: see [`MAX_REMEMBERED_LINES`].

use super::{
    lex_line_in, plain_number_line, single_token, Candidates, Scratch, Segment, Slots, ValueGroup,
};
use crate::lexicon::Lexicon;

/// Lines a thread remembers the lexing of, and segments and cells in all; past
/// either the memo keeps only the lines replayed since it was last full, and starts
/// again where those fill half of it. With lines of at most [`MAX_REMEMBERED_LINE`]
/// bytes that bounds it at about 14 MB, whatever the documents hold (a few MB for
/// ordinary tables). Only lines lexed twice are remembered ([`LineMemo::seen`]), so
/// the memo fills more slowly than it did at 4,096 lines.
pub(super) const MAX_REMEMBERED_LINES: usize = 8_192;
const MAX_REMEMBERED_ITEMS: usize = 65_536;
/// Longer lines are lexed but not remembered (a table line is far shorter).
const MAX_REMEMBERED_LINE: usize = 512;
/// Slots of [`LineMemo::seen`] (8 bytes each, 512 kB a thread), as a power of two.
const SEEN_BITS: u32 = 16;

/// What [`lex_line`] added for a line, with the line's own index left out: the
/// segments, and the groups with `after_segment` counted from the line's first
/// segment.
pub(super) struct Lexed {
    /// The line's text (the memo is keyed by its hash).
    text: Box<str>,
    /// The line may take the numeric hint ([`hint_may_apply`]).
    hintable: bool,
    segments: Vec<Segment>,
    groups: Vec<ValueGroup>,
    /// Replayed since the memo was last full.
    replayed: std::cell::Cell<bool>,
}

impl Lexed {
    /// Its segments and cells, as the memo's bound counts them.
    fn items(&self) -> usize {
        self.segments.len() + self.groups.iter().map(|g| g.slots.len()).sum::<usize>()
    }
}

/// The lines one lexicon lexed, by text: without and with the numeric hint.
#[derive(Default)]
pub(super) struct LineMemo {
    stamp: u64,
    /// Segments and cells remembered.
    items: usize,
    /// By [`line_hash`] of the text: a line is hashed once, whether it is found,
    /// marked seen or remembered.
    pub(super) lines: [std::collections::HashMap<
        u64,
        Lexed,
        std::hash::BuildHasherDefault<crate::similarity::CharHasher>,
    >; 2],
    /// Hashes of the lines (with their hint) lexed once and not remembered: a line
    /// is remembered when it is lexed a second time. Most lines of a report's table
    /// are its own numbers, never met again (26,868 of the 33,166 distinct lines the
    /// 2,000 bench reports lex), and copying each into the memo cost more than
    /// lexing the few that come back once more. One slot a hash, by its top bits,
    /// a newer hash taking the slot of an older: a hash set cost about 300
    /// instructions a mark (hashing, growing, clearing), a slot a few. A line whose
    /// mark was taken over is lexed once more; a stale mark (another lexicon, or a
    /// line of the same hash) only remembers a line at its first lexing. Either way
    /// what a line gives is unchanged. Empty until first marked.
    seen: Vec<u64>,
}

/// A hash of a line's text: its key in [`LineMemo::lines`] (two lines with one
/// hash are told apart by the text the entry keeps).
pub(super) fn line_hash(line: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::similarity::CharHasher::default();
    h.write(line.as_bytes());
    h.write_u32(0xff);
    h.finish()
}

/// What [`LineMemo::seen`] holds for a line: its hash and hint (two lines with one
/// key only make the second remembered at once).
pub(super) fn seen_key(hash: u64, hint: bool) -> u64 {
    // The top bit, so that the two readings of a line take two slots.
    hash ^ (u64::from(hint) << 63)
}

/// Whether the numeric hint may apply to `line`: one token that is not one plain
/// number (such a line reads among numbers whatever its neighbours are; two thirds
/// of the lines of one token on the bench reports).
fn hint_may_apply(line: &str, lex: &Lexicon) -> bool {
    single_token(line) && !plain_number_line(line, lex)
}

/// What a look in the memo without the hint found.
#[derive(PartialEq)]
enum Found {
    /// The line, which takes no hint: replayed.
    Replayed,
    /// The line, which may take the hint: the hint decides.
    Hintable,
    /// Nothing.
    Missing,
}

impl LineMemo {
    /// Marks `key` seen; whether its slot held it already.
    pub(super) fn mark_seen(&mut self, key: u64) -> bool {
        if self.seen.is_empty() {
            self.seen = vec![0; 1 << SEEN_BITS];
        }
        let slot = usize::try_from(key >> (64 - SEEN_BITS)).unwrap_or(0);
        match self.seen.get_mut(slot) {
            Some(held) if *held == key => true,
            Some(held) => {
                *held = key;
                false
            }
            None => false,
        }
    }

    /// The remembered lexing of `line` (hashed `key`) with or without the hint.
    fn find(&self, key: u64, line: &str, hint: bool, lex: &Lexicon) -> Option<&Lexed> {
        if self.stamp != lex.stamp {
            return None;
        }
        self.lines[usize::from(hint)]
            .get(&key)
            .filter(|l| *l.text == *line)
    }
}

thread_local! {
    pub(super) static LINES: std::cell::RefCell<LineMemo> = std::cell::RefCell::new(LineMemo::default());
}

/// [`lex_line`], or what it gave for the same text and hint before (reports of a
/// template print most of their table lines alike): what a line gives depends on
/// nothing else but the lexicon and the line's index, which is set again here.
/// `among_numbers` says whether a neighbour is a line of numbers: asked only of a
/// line the hint may apply to, and not of a remembered line it does not.
pub(super) fn lex_remembered(
    memo: &mut LineMemo,
    line: &str,
    idx: usize,
    lex: &Lexicon,
    among_numbers: impl FnOnce() -> bool,
    out: &mut Candidates,
    scratch: &mut Scratch,
) {
    let (first_seg, first_group) = (out.segments.len(), out.groups.len());
    let key = line_hash(line);
    // Most lines met again are no lone token: found without the hint, they are
    // replayed before it is worked out.
    let found = match memo.find(key, line, false, lex) {
        Some(lexed) if !lexed.hintable => {
            lexed.replayed.set(true);
            replay(lexed, idx, out);
            Found::Replayed
        }
        Some(_) => Found::Hintable,
        None => Found::Missing,
    };
    if found == Found::Replayed {
        return;
    }
    let hintable = found == Found::Hintable || hint_may_apply(line, lex);
    let hint = hintable && among_numbers();
    if hintable {
        if let Some(lexed) = memo.find(key, line, hint, lex) {
            lexed.replayed.set(true);
            replay(lexed, idx, out);
            return;
        }
    }
    lex_line_in(line, idx, lex, hint, out, scratch);
    if line.len() > MAX_REMEMBERED_LINE {
        return;
    }
    {
        if memo.stamp != lex.stamp {
            memo.lines
                .iter_mut()
                .for_each(std::collections::HashMap::clear);
            memo.items = 0;
            memo.stamp = lex.stamp;
        }
        if !memo.mark_seen(seen_key(key, hint)) {
            return;
        }
        // A group follows a segment of its own line, if any.
        if out.groups[first_group..]
            .iter()
            .any(|g| g.after_segment.is_some_and(|s| s < first_seg))
        {
            return;
        }
        // The memo and the line's groups share their cells from here on.
        let groups: Vec<ValueGroup> = out.groups[first_group..]
            .iter_mut()
            .map(|g| ValueGroup {
                line: g.line,
                last_line: g.last_line,
                slots: g.slots.share(),
                tabbed: g.tabbed,
                after_segment: g.after_segment.map(|s| s - first_seg),
                standalone: g.standalone,
                cell_per_line: g.cell_per_line,
                text_after: g.text_after,
                ruled: g.ruled.as_mut().map(Slots::share),
            })
            .collect();
        let full = |memo: &LineMemo| {
            memo.lines[0].len() + memo.lines[1].len() >= MAX_REMEMBERED_LINES
                || memo.items >= MAX_REMEMBERED_ITEMS
        };
        if full(memo) {
            // A template's lines come back report after report, most others never:
            // the lines replayed since the memo was last full are kept, the rest let
            // go (on the 2,000 bench reports, lines lexed 52,370 -> 43,722).
            for lines in &mut memo.lines {
                lines.retain(|_, lexed| lexed.replayed.replace(false));
            }
            memo.items = memo
                .lines
                .iter()
                .flat_map(|l| l.values())
                .map(Lexed::items)
                .sum();
            // Kept lines that fill half the memo would leave it full again soon.
            if memo.lines[0].len() + memo.lines[1].len() >= MAX_REMEMBERED_LINES / 2
                || memo.items >= MAX_REMEMBERED_ITEMS / 2
            {
                memo.lines
                    .iter_mut()
                    .for_each(std::collections::HashMap::clear);
                memo.items = 0;
            }
        }
        let lexed = Lexed {
            text: line.into(),
            hintable,
            segments: out.segments[first_seg..].to_vec(),
            groups,
            replayed: std::cell::Cell::new(false),
        };
        memo.items += lexed.items();
        // Another line of the same hash gives way to this one.
        if let Some(other) = memo.lines[usize::from(hint)].insert(key, lexed) {
            memo.items = memo.items.saturating_sub(other.items());
        }
    }
}

/// Adds what `lexed` remembers to `out`, as given for line `idx`. Out of line so
/// that a profile shows the copying apart from the memo's lookup.
#[inline(never)]
fn replay(lexed: &Lexed, idx: usize, out: &mut Candidates) {
    let first_seg = out.segments.len();
    out.segments.extend(lexed.segments.iter().map(|s| Segment {
        line: idx,
        ..s.clone()
    }));
    out.groups.extend(lexed.groups.iter().map(|g| {
        let mut g = g.clone();
        g.line = idx;
        g.last_line = idx;
        g.after_segment = g.after_segment.map(|s| s + first_seg);
        g
    }));
}
