//! Rows whose labels OCR garbled past recognition, pinned down by position.
//!
//! Takes a table's label segments and the alignment's matches, and adds a match for a
//! row the alignment left out when its place between found rows leaves exactly one
//! candidate segment: by its ordinal (`1站人类` for 1.本机关不掌握相关政府信息), or by
//! being the one line there whose numbers fill the row (`观竟` for 规章, `(天) 总由` for
//! （七）总计). Such matches score low, so they are logged and listed for review.

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

/// A row whose label OCR garbled past recognition (`观竟` for 规章, `(天) 总由` for
/// （七）总计, ordinal and all) is pinned down when the rows beside it in the template
/// are found (or it is the table's first row and the next one is), and between them
/// exactly one unused segment has a run of numbers on its line that fills the row. Logged and listed for
/// review like any low-scoring match.
pub fn pin_by_order(
    table: &Table,
    cands: &Candidates,
    matches: &mut [Option<RowMatch>],
    glyphs: &GlyphCosts,
) {
    for r in 0..table.rows.len() {
        let row = &table.rows[r];
        if matches[r].is_some() || row.optional || row.label.keys[0].is_empty() {
            continue;
        }
        let lo = match r.checked_sub(1) {
            None => 0,
            Some(p) => match &matches[p] {
                Some(m) => m.last + 1,
                None => continue,
            },
        };
        let Some(hi) = matches.get(r + 1).and_then(|m| m.as_ref()).map(|m| m.first) else {
            continue;
        };
        let n = table.blocks[row.block].columns.len();
        let fills = |s: usize| {
            cands.groups.iter().any(|g| {
                g.after_segment == Some(s) && g.slots.iter().filter(|x| !x.is_blank()).count() == n
            })
        };
        // A row with an ordinal whose ordinal OCR garbled too (`(天) 总由` for
        // （七）总计) may take a segment without one, never one with another.
        let ordinal_fits = |s: usize| match (row.label.ordinal, cands.segments[s].ordinal) {
            (Some(want), Some(o)) => o.n == want.n && o.kind == want.kind,
            _ => true,
        };
        let candidates: Vec<usize> = (lo..hi)
            .filter(|&s| {
                !cands.segments[s].prose && !segment_used(matches, s) && fills(s) && ordinal_fits(s)
            })
            .collect();
        if let [s] = candidates.as_slice() {
            pin(matches, r, *s, cands, table, glyphs);
        }
    }
}
