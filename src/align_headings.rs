//! [`align_rows`](super::align_rows) for section headings that each open with their
//! own ordinal (`一、…`): takes the candidates' ordinals and keys (borrowed from one
//! buffer, no [`Segment`](crate::candidates::Segment) made), gives the same matches.
//!
//! Every candidate carries an ordinal, so no run joins two of them: each candidate
//! is a run of one, and its match with a label ends in the cell diagonally below.
//! The table is filled, and read back, with the values and tie-breaks of
//! [`align_named`](super::align_named); only the scores are remembered in a plainer
//! way, by the candidate's ordinal and key, per section list (a report has about ten
//! such lines and prints most of them as every report of its template does).

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use super::{relax, skip_along, step_at, RowMatch, Step, ACCEPT, MAX_LABEL_SETS};
use crate::dictionary::Label;
use crate::ordinal::Ordinal;
use crate::similarity::LabelGate;
use crate::similarity::{label_memo, score_labels_reaching, GlyphCosts, LabelMemo, LabelScore};

/// A heading candidate: its ordinal and where its key is in the keys' buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct Heading {
    /// Its ordinal (`一、`).
    pub ordinal: Ordinal,
    /// Its key's bytes in the keys' buffer.
    pub key: Range<usize>,
}

/// Candidates' scores remembered per section list; past this a list starts again.
const MAX_HEADING_KEYS: usize = 8_192;

/// A candidate's matches with a list's labels at [`ACCEPT`] (label, score; labels
/// ascending, those below left out), by its ordinal and key ([`memo_key`]).
type HeadingScores = LabelMemo<Box<[u8]>, Box<[(u32, LabelScore)]>>;

/// What a thread keeps between calls: the scores by section list, and the room of
/// the table, of the matches that set its cells and of a memo key.
#[derive(Default)]
struct Kept {
    sets: Vec<HeadingScores>,
    best: Vec<f64>,
    matched: Vec<Option<LabelScore>>,
    bytes: Vec<u8>,
    fresh: Vec<(u32, LabelScore)>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// The memo key of a candidate, in `out`: its ordinal's two bytes, then its key.
fn memo_key(ordinal: Ordinal, key: &str, out: &mut Vec<u8>) {
    out.clear();
    out.push(ordinal.kind as u8);
    out.push(ordinal.n);
    out.extend_from_slice(key.as_bytes());
}

/// [`align_rows`](super::align_rows) of `heads` (keys in `keys`) against `labels`:
/// the same matches, with `first` and `last` the candidate's position in `heads`.
/// A range of `keys` that is not a character boundary reads as an empty key.
pub fn align_headings(
    keys: &str,
    heads: &[Heading],
    labels: &[&Label],
    glyphs: &GlyphCosts,
) -> Vec<Option<RowMatch>> {
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        align_kept(&mut kept, keys, heads, labels, glyphs)
    })
}

/// [`align_headings`] with the thread's `kept` memo and room.
fn align_kept(
    kept: &mut Kept,
    keys: &str,
    heads: &[Heading],
    labels: &[&Label],
    glyphs: &GlyphCosts,
) -> Vec<Option<RowMatch>> {
    let Kept {
        sets,
        best,
        matched,
        bytes,
        fresh,
    } = kept;
    let (n, m) = (heads.len(), labels.len());
    let w = m + 1;
    best.clear();
    best.resize((n + 1) * w, f64::NEG_INFINITY);
    best[0] = 0.0;
    // The match that set each cell (a cell is reached by one match at most: from the
    // cell diagonally above it).
    matched.clear();
    matched.resize((n + 1) * w, None);
    let set = label_memo(sets, labels, glyphs, 0, (MAX_LABEL_SETS, MAX_HEADING_KEYS));
    for i in 0..=n {
        let row = i * w;
        // The row's skips, as `align_named` makes them.
        let (done, rest) = best.split_at_mut(row);
        skip_along((i > 0).then(|| &done[row - w..]), &mut rest[..w]);
        let Some(head) = heads.get(i) else {
            break;
        };
        let key = keys.get(head.key.clone()).unwrap_or_default();
        memo_key(head.ordinal, key, bytes);
        fresh.clear();
        match set.found.get(&bytes[..]) {
            Some(found) => fresh.extend_from_slice(found),
            None => {
                // Only the labels the set's gate lets the key's length reach are
                // scored (the others score nothing at the floor), with the patterns
                // of the set's characters alone.
                if !set.gate.as_ref().is_some_and(|g| g.fits(glyphs, ACCEPT)) {
                    set.gate = Some(LabelGate::new(labels, glyphs, ACCEPT));
                }
                let len = key.chars().count();
                let reach = (set.gate.as_ref())
                    .filter(|_| len < 64)
                    .and_then(|gate| gate.reachable(Some(head.ordinal), 1 << len));
                let targets = set.gate.as_ref().map(|gate| Rc::clone(&gate.targets));
                // j < labels.len(), which a template's list keeps far below u32::MAX.
                let each = |j: usize, s: Option<LabelScore>| {
                    fresh.extend(s.map(|s| (j as u32, s)));
                };
                score_labels_reaching(
                    Some(head.ordinal),
                    key,
                    labels.iter().copied(),
                    glyphs,
                    ACCEPT,
                    (reach.unwrap_or(!0), targets),
                    each,
                );
                set.found
                    .insert(bytes.as_slice().into(), fresh.as_slice().into());
            }
        }
        for &(j, s) in fresh.iter() {
            let j = j as usize;
            let here = best[row + j];
            if here == f64::NEG_INFINITY {
                continue;
            }
            let to = row + w + j + 1;
            if relax(best, to, here + s.score - ACCEPT) {
                matched[to] = Some(s);
            }
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let cell = i * w + j;
        let last = matched[cell];
        let last_match = last.map(|s| (1, best[cell - w - 1] + s.score - ACCEPT));
        match step_at(best, w, i, j, last_match) {
            Step::Start => break,
            Step::SkipSegment => i -= 1,
            Step::SkipRow => j -= 1,
            Step::Match(_) => {
                if let Some(score) = last {
                    out[j - 1] = Some(RowMatch {
                        first: i - 1,
                        last: i - 1,
                        score,
                    });
                }
                i -= 1;
                j -= 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::align_rows;
    use crate::candidates::Segment;
    use crate::dictionary::Dictionaries;
    use crate::ordinal::OrdinalKind;

    /// A candidate's key: a piece of a section label's key (a garbled or cut heading)
    /// with stray characters put in, or stray characters alone.
    type Pick = (usize, usize, usize, String, usize, u8);

    fn pick() -> impl proptest::strategy::Strategy<Value = Pick> {
        (
            0usize..8,
            0usize..6,
            0usize..16,
            "[一二三情况公开政府信息申请主动年度问题其他的、a1 ]{0,3}",
            0usize..16,
            1u8..9,
        )
    }

    proptest::proptest! {
        /// The heading path gives `align_rows`' matches, scores and tie-breaks
        /// included: on garbled, cut, repeated and misnumbered headings, against
        /// every template's section list, with the memos warm and cold.
        #[test]
        fn headings_align_as_their_segments(
            picks in proptest::collection::vec(pick(), 0..14),
            template in 0usize..8,
            cold in proptest::bool::ANY,
        ) {
            let d = Dictionaries::embedded().unwrap();
            let t = &d.templates[template % d.templates.len()];
            let labels: Vec<&Label> = t.sections.iter().map(|s| &s.label).collect();
            let mut keys = String::new();
            let mut heads = Vec::new();
            let mut segments = Vec::new();
            for (line, (label, start, len, stray, at, n)) in picks.into_iter().enumerate() {
                let from: Vec<char> = match labels.get(label) {
                    Some(l) => l.keys[0].chars().skip(start).take(len).collect(),
                    None => Vec::new(),
                };
                let at = at.min(from.len());
                let key: String = from[..at].iter().chain(&stray.chars().collect::<Vec<_>>()).chain(&from[at..]).collect();
                let ordinal = Ordinal { kind: OrdinalKind::Section, n };
                let begin = keys.len();
                keys.push_str(&key);
                heads.push(Heading { ordinal, key: begin..keys.len() });
                segments.push(Segment {
                    line,
                    text: Rc::from(""),
                    ordinal: Some(ordinal),
                    body_key: key.into(),
                    prose: false,
                });
            }
            if cold {
                KEPT.with(|k| k.borrow_mut().sets.clear());
            }
            let fast = align_headings(&keys, &heads, &labels, &d.glyphs);
            proptest::prop_assert_eq!(fast, align_rows(&segments, &labels, &d.glyphs));
        }
    }
}
