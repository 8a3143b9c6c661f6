//! Rows whose labels OCR garbled past recognition, pinned down by position.
//!
//! Takes a table's label segments and the alignment's matches, and adds matches for
//! rows the alignment left out when their place between found rows leaves no choice:
//! by its ordinal (`1站人类` for 1.本机关不掌握相关政府信息), or by order, when the lines
//! there whose numbers fill a row are exactly as many as the rows missing (`观竟` for
//! 规章, `(天) 总由` for （七）总计). Such matches score low, so they are logged and listed
//! for review.

use crate::align::RowMatch;
use crate::candidates::Candidates;
use crate::dictionary::Table;
use crate::similarity::{score_label, GlyphCosts};

/// Whether segment `s` already spells some row's label.
pub fn segment_used(matches: &[Option<RowMatch>], s: usize) -> bool {
    matches
        .iter()
        .flatten()
        .any(|m| (m.first..=m.last).contains(&s))
}

/// Row `r` is segment `s` (scored, for the log and the review).
fn pin(
    matches: &mut [Option<RowMatch>],
    r: usize,
    s: usize,
    cands: &Candidates,
    table: &Table,
    glyphs: &GlyphCosts,
) {
    let seg = &cands.segments[s];
    let score = score_label(seg.ordinal, &seg.body_key, &table.rows[r].label, glyphs);
    matches[r] = Some(RowMatch {
        first: s,
        last: s,
        score,
    });
}

/// A row whose label OCR garbled past recognition (`1站人类` for
/// 1.本机关不掌握相关政府信息) is still pinned down when, between the rows found before
/// and after it, exactly one unused segment carries its ordinal. Such a match scores
/// low, so it is logged as `ordinal_and_order` and listed for review.
pub fn pin_by_ordinal(
    table: &Table,
    cands: &Candidates,
    matches: &mut [Option<RowMatch>],
    glyphs: &GlyphCosts,
) {
    for r in 0..table.rows.len() {
        let row = &table.rows[r];
        let Some(ord) = row.label.ordinal else {
            continue;
        };
        if matches[r].is_some() || row.optional || row.label.keys[0].is_empty() {
            continue;
        }
        let before = matches[..r].iter().flatten().map(|m| m.last).max();
        let after = matches[r + 1..].iter().flatten().map(|m| m.first).min();
        let (Some(lo), Some(hi)) = (before, after) else {
            continue;
        };
        // Only rows between the two found ones compete for the segments between them.
        let rivals: Vec<usize> = (0..table.rows.len())
            .filter(|&x| x != r && matches[x].is_none() && table.rows[x].label.ordinal == Some(ord))
            .filter(|&x| matches[..x].iter().flatten().map(|m| m.last).max() == Some(lo))
            .collect();
        if !rivals.is_empty() {
            continue;
        }
        let candidates: Vec<usize> = (lo + 1..hi)
            .filter(|&s| {
                cands.segments[s]
                    .ordinal
                    .is_some_and(|o| o.n == ord.n && o.kind == ord.kind)
                    && !segment_used(matches, s)
            })
            .collect();
        if let [s] = candidates.as_slice() {
            pin(matches, r, *s, cands, table, glyphs);
        }
    }
}

/// Rows whose labels OCR garbled past recognition (`观竟` for 规章, `(天) 总由` for
/// （七）总计, ordinal and all) are pinned down in order when the rows around them in
/// the template are found (or they open the table and the next one is found), and
/// between those exactly as many unused segments as rows missing have a run of numbers
/// on their line that fills the row, none with another row's ordinal. Logged and
/// listed for review like any low-scoring match.
pub fn pin_by_order(
    table: &Table,
    cands: &Candidates,
    matches: &mut [Option<RowMatch>],
    glyphs: &GlyphCosts,
) {
    // The rows missing since the last found one, and the first segment after it.
    let mut gap: Vec<usize> = Vec::new();
    let mut lo = Some(0);
    for r in 0..table.rows.len() {
        let row = &table.rows[r];
        if let Some(m) = &matches[r] {
            let (first, last) = (m.first, m.last);
            if let Some(lo) = lo {
                pin_gap(table, cands, matches, glyphs, &gap, lo..first);
            }
            gap.clear();
            lo = Some(last + 1);
        } else if row.label.keys[0].is_empty() {
            // A row no text can name breaks the order the pins rest on.
            gap.clear();
            lo = None;
        } else if !row.optional {
            gap.push(r);
        }
    }
}

/// Pins the rows of `gap` to the segments of `between`, in order, when they pair off
/// exactly (see [`pin_by_order`]).
fn pin_gap(
    table: &Table,
    cands: &Candidates,
    matches: &mut [Option<RowMatch>],
    glyphs: &GlyphCosts,
    gap: &[usize],
    between: std::ops::Range<usize>,
) {
    if gap.is_empty() {
        return;
    }
    let fills = |s: usize, r: usize| {
        let n = table.blocks[table.rows[r].block].columns.len();
        cands.groups.iter().any(|g| {
            g.after_segment == Some(s) && g.slots.iter().filter(|x| !x.is_blank()).count() == n
        })
    };
    let candidates: Vec<usize> = between
        .filter(|&s| {
            !cands.segments[s].prose
                && !segment_used(matches, s)
                && gap.iter().any(|&r| fills(s, r))
        })
        .collect();
    if candidates.len() != gap.len() {
        return;
    }
    // A row with an ordinal whose ordinal OCR garbled too may take a segment without
    // one, and one with another only where no row of its group that has that ordinal
    // is still to be found: it is found elsewhere (`5要人At` between 2.重复申请 and
    // 4.无正当理由…, with 5.要求行政机关确认… found below: a 3 read as 5), or there is
    // none (`(十) 总下` for （七）总计 in a group of （一）–（七）). A group's label there
    // (`(三) 总由`, （三）不予公开 a group of rows) is never found as a row.
    let taken_elsewhere = |r: usize, o: crate::ordinal::Ordinal| {
        let group = table.rows[r].group;
        let names = |l: &crate::dictionary::Label| {
            l.ordinal.is_some_and(|w| w.n == o.n && w.kind == o.kind)
        };
        let unfound_row = table
            .rows
            .iter()
            .zip(matches.iter())
            .any(|(other, m)| other.group == group && names(&other.label) && m.is_none());
        let sibling_group = group.is_some()
            && table
                .groups
                .iter()
                .any(|g| g.parent == group && names(&g.label));
        !unfound_row && !sibling_group
    };
    let fits = |r: usize, s: usize| {
        let ordinal_fits = match (table.rows[r].label.ordinal, cands.segments[s].ordinal) {
            (Some(want), Some(o)) => {
                (o.n == want.n && o.kind == want.kind) || taken_elsewhere(r, o)
            }
            _ => true,
        };
        ordinal_fits && fills(s, r)
    };
    if gap.iter().zip(&candidates).all(|(&r, &s)| fits(r, s)) {
        for (&r, &s) in gap.iter().zip(&candidates) {
            pin(matches, r, s, cands, table, glyphs);
        }
    }
}
