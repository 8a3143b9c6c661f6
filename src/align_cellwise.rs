//! The alignment's table as it was filled before the sweeps of [`super::align_rows`]:
//! every relaxation of a cell made while that cell is visited. Kept to test that the
//! sweeps find the same alignment, ties included.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::*;
use crate::similarity::CharHasher;

/// [`super::align_rows`], one cell at a time.
pub(super) fn align_rows_cellwise(
    segments: &[Segment],
    labels: &[&Label],
    glyphs: &GlyphCosts,
) -> Vec<Option<RowMatch>> {
    let (n, m) = (segments.len(), labels.len());
    let w = m + 1;
    let mut best = vec![f64::NEG_INFINITY; (n + 1) * w];
    let mut back = vec![Step::Start; (n + 1) * w];
    best[0] = 0.0;
    // The runs' buffers (their pattern tables are alphabet-sized) are kept per thread.
    let mut runs = RUNS.with(std::cell::RefCell::take);
    let mut found = Vec::new();
    // The score of the match that a cell's `Step::Match` stands for, kept when it is
    // set (the cells reached by a match are few): the way back then reads it instead
    // of scoring the run against the label again. Beside `back`, not in it, so that
    // the table keeps its two bytes a cell.
    let mut matched: HashMap<u64, LabelScore, BuildHasherDefault<CharHasher>> = HashMap::default();
    let mut memo = MEMO.with(std::cell::RefCell::take);
    let mut names = SegmentNames::default();
    number_segments(segments, &mut names);
    memo.take_names_of(&names);
    let set = label_memo(
        &mut memo.sets,
        labels,
        glyphs,
        0,
        (MAX_LABEL_SETS, MAX_REMEMBERED),
    );
    let mut fresh: Found = Vec::new();
    for i in 0..=n {
        // Every run of segments from `i` that may form one label; only needed while
        // row `i` of the table is relaxed, and only when its scores are not known.
        let pieces = if i < n { pieces_from(segments, i) } else { 0 };
        let key = SegmentKey::of(segments, &names.numbers, i, pieces);
        let known = set.found.get(&key).map(|(found, _)| found);
        runs.clear();
        if known.is_none() && i < n {
            for s in &segments[i..i + pieces] {
                runs.push(&s.body_key);
            }
        }
        runs.prepare();
        let has_runs = pieces > 0;
        fresh.clear();
        // Whether every label was scored (only then are the scores worth keeping).
        let mut whole = true;
        let mut next_known = 0;
        for j in 0..=m {
            let here = best[i * w + j];
            if here == f64::NEG_INFINITY {
                whole = false;
                continue;
            }
            let mut relax = |to: usize, value: f64, step: Step| {
                let better = value > best[to];
                if better {
                    best[to] = value;
                    back[to] = step;
                }
                better
            };
            if i < n {
                relax((i + 1) * w + j, here, Step::SkipSegment);
            }
            if j < m {
                relax(i * w + j + 1, here, Step::SkipRow);
                if !has_runs {
                    continue;
                }
                if let Some(known) = known {
                    // The matches remembered for this label, in the order found.
                    while let Some(&(l, k, s)) = known.get(next_known) {
                        if l as usize > j {
                            break;
                        }
                        next_known += 1;
                        if (l as usize) < j {
                            // A label this row did not reach.
                            continue;
                        }
                        let to = (i + usize::from(k) + 1) * w + j + 1;
                        if relax(to, here + s.score - ACCEPT, Step::Match(k + 1)) {
                            matched.insert(to as u64, s);
                        }
                    }
                    continue;
                }
                runs.score_at_least(
                    segments[i].ordinal,
                    labels[j],
                    // The dictionaries numbered the label's keys (Label::key_ids).
                    None,
                    glyphs,
                    ACCEPT,
                    &mut found,
                );
                for (k, s) in found.iter().enumerate() {
                    if let Some(s) = s {
                        // k < MAX_PIECES, so it fits in a byte; j < labels.len().
                        fresh.push((j as u32, k as u8, *s));
                        let to = (i + k + 1) * w + j + 1;
                        if relax(to, here + s.score - ACCEPT, Step::Match((k + 1) as u8)) {
                            matched.insert(to as u64, *s);
                        }
                    }
                }
            }
        }
        if known.is_none() && has_runs && whole {
            set.found.insert(key, (fresh.clone(), Hits::default()));
        }
    }
    MEMO.with(|cell| cell.replace(memo));
    RUNS.with(|r| r.replace(runs));
    let mut out = vec![None; m];
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        match back[i * w + j] {
            Step::Start => break,
            Step::SkipSegment => i -= 1,
            Step::SkipRow => j -= 1,
            Step::Match(k) => {
                let k = k as usize;
                let first = i - k;
                let score = match matched.get(&((i * w + j) as u64)) {
                    Some(&s) => s,
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
    out
}
