//! One table: a region's lines → a [`TableResult`] with its corrections and review items.
//!
//! Runs the per-table stages in order: lex the region into candidates, align label
//! segments to the template's rows, give each row its values, fit values to
//! columns. Identities are checked afterwards, by [`crate::reconcile`].

use std::ops::Range;

use crate::align::{align_named, number_segments, RowMatch};
use crate::candidates::{lex_lines, lone_glyph, Candidates, Slot, ValueGroup};
use crate::dictionary::{Dictionaries, Domain, Label, Over, Table, Template};
use crate::lexicon::Lexicon;
use crate::model::{Cell, CellStatus, Correction, ReviewItem, RowPresence, TableResult};
use crate::numbers::Num;
use crate::pin::{pin_by_order, pin_by_ordinal, segment_used};
use crate::placement::{complete, place_short_run, row_identities, Row, ShortRun};
use crate::ruled::cut_ruled_runs;
use crate::similarity::{BestLabel, GlyphCosts, SegmentNames};
use crate::split::{cut_runs, Cuts};
use crate::values::{assign_groups, fit_columns, learn_value_field, Fit, Groups, Span};

/// A row label matched below this score goes to review.
const CONFIDENT_LABEL: f64 = 0.7;
/// Text similarity from which a repair is called `fuzzy` rather than resting on
/// ordinal and order.
const FUZZY_SIM: f64 = 0.75;
/// Candidate cuts of a glued run listed in a review item: every one the search keeps.
const SHOWN_CUTS: usize = crate::split::MAX_READINGS;
/// A header or group fragment is logged as repaired from this score on.
const HEADER_REPAIR: f64 = 0.75;

/// What reading one table gave.
#[derive(Debug)]
pub struct TableRead {
    /// The cells.
    pub result: TableResult,
    /// Label and value repairs.
    pub corrections: Vec<Correction>,
    /// Problems found while reading.
    pub review: Vec<ReviewItem>,
    /// Runs too short for their row that the row alone could not place.
    pub short: Vec<ShortRun>,
}

/// Reads table `ti` of `template` from `lines[region]`; None when none of its rows
/// is there.
pub fn read_table(
    lines: &[&str],
    region: Range<usize>,
    template: &Template,
    ti: usize,
    dict: &Dictionaries,
) -> Option<TableRead> {
    let lex = &dict.lexicon;
    let table = &template.tables[ti];
    let mut cands = lex_lines(lines, region, lex);
    let labelled: Vec<usize> = (0..table.rows.len())
        .filter(|&r| !table.rows[r].label.keys[0].is_empty())
        .collect();
    let labels: Vec<&Label> = labelled.iter().map(|&r| &table.rows[r].label).collect();
    // Asked of every row several times: a flag, not a search of `labelled`.
    let mut is_labelled = vec![false; table.rows.len()];
    labelled.iter().for_each(|&r| is_labelled[r] = true);
    let mut matches = vec![None; table.rows.len()];
    // The keys are numbered once for the alignment's memo and the header repairs'.
    let mut names = SegmentNames::default();
    number_segments(&cands.segments, &mut names);
    for (m, &r) in align_named(&cands.segments, &labels, &dict.glyphs, &names)
        .into_iter()
        .zip(&labelled)
    {
        matches[r] = m;
    }
    pin_by_ordinal(table, &cands, &mut matches, &dict.glyphs);
    pin_by_order(table, &cands, &mut matches, &dict.glyphs);
    // A one-line total and the rows it stands for exclude each other: when any member
    // row is there, the total's label is the group cell above them, not a row.
    for (t, row) in table.rows.iter().enumerate() {
        let members_found = row.total_of.is_some_and(|g| {
            (0..table.rows.len()).any(|m| table.rows[m].group == Some(g) && matches[m].is_some())
        });
        if members_found {
            matches[t] = None;
        }
    }
    let mut seg_row = vec![None; cands.segments.len()];
    let mut spans = vec![None; table.rows.len()];
    for (r, m) in matches.iter().enumerate() {
        if let Some(m) = m {
            seg_row[m.first..=m.last]
                .iter_mut()
                .for_each(|s| *s = Some(r));
            spans[r] = Some(Span {
                first: cands.segments[m.first].line,
                last: cands.segments[m.last].line,
            });
        }
    }
    // Rows a lost label may hide: not optional, and not the sub-rows of a group whose
    // one-line total was found (the report prints the 2019 shape).
    let total_found = |g: usize| {
        (0..table.rows.len()).any(|t| table.rows[t].total_of == Some(g) && matches[t].is_some())
    };
    let required: Vec<bool> = table
        .rows
        .iter()
        .map(|r| !r.optional && !r.label.keys[0].is_empty() && !r.group.is_some_and(total_found))
        .collect();
    let width = |r: usize| table.blocks[table.rows[r].block].columns.len();
    let mut groups_of = assign_groups(&mut cands, &seg_row, &spans, &required, width);
    let value_field = learn_value_field(
        groups_of
            .iter()
            .enumerate()
            .flat_map(|(r, gs)| gs.iter().map(move |&g| (g, r)))
            .map(|(g, r)| (&cands.groups[g], width(r))),
    );
    // An optional row that got no values was a group cell, not the row.
    for r in 0..table.rows.len() {
        if table.rows[r].optional && groups_of[r].is_empty() && matches[r].is_some() {
            matches[r] = None;
        }
    }
    // A row without a label (table 四) is the stand-alone run of numbers that fits it.
    let unlabelled = (0..table.rows.len()).filter(|&r| !is_labelled[r]);
    let used: Vec<usize> = match unlabelled.clone().next() {
        Some(_) => groups_of.iter().flatten().copied().collect(),
        None => Vec::new(),
    };
    for r in unlabelled {
        let n = table.blocks[table.rows[r].block].columns.len();
        // Alone on its line, or after header text that is no row's label when it is
        // the whole row (a crawler dump keeps the header and the row on one line; a
        // number in prose is neither).
        let whole_row = |g: &ValueGroup| {
            matches!(fit_columns(g, n, value_field), Fit::Cells(_))
                || !glued_readings(table, r, &g.slots, None).0.is_empty()
        };
        let free: Vec<usize> = (0..cands.groups.len())
            .filter(|&g| {
                let group = &cands.groups[g];
                let after_header = group
                    .after_segment
                    .is_some_and(|s| !segment_used(&matches, s));
                (group.standalone || (after_header && whole_row(group))) && !used.contains(&g)
            })
            .collect();
        let exact = free
            .iter()
            .copied()
            .find(|&g| matches!(fit_columns(&cands.groups[g], n, value_field), Fit::Cells(_)));
        let biggest = free
            .iter()
            .copied()
            .max_by_key(|&g| (cands.groups[g].slots.len(), std::cmp::Reverse(g)));
        if let Some(g) = exact.or(biggest) {
            groups_of[r] = Groups::one(g);
        }
    }
    let found: Vec<bool> = (0..table.rows.len())
        .map(|r| matches[r].is_some() || (!is_labelled[r] && !groups_of[r].is_empty()))
        .collect();
    if !found.iter().any(|&f| f) {
        return None;
    }
    let presence = presence(table, &found);
    let mut read = TableRead {
        result: TableResult {
            table: ti,
            rows: presence.clone(),
            cells: Vec::with_capacity(table.rows.len()),
        },
        corrections: Vec::new(),
        review: Vec::new(),
        short: Vec::new(),
    };
    for (r, row) in table.rows.iter().enumerate() {
        let columns = &table.blocks[row.block].columns;
        // Each cell made in place: `vec![cell; n]` clones one cell n - 1 times.
        let mut cells = Vec::with_capacity(columns.len());
        cells.resize_with(columns.len(), Cell::missing);
        match presence[r] {
            RowPresence::Omitted => {}
            RowPresence::NotFound => read.review(
                table,
                r,
                "",
                "row_not_found",
                "no line of the table matches this row; its cells are missing unless the identities determine them (status inferred)".into(),
            ),
            RowPresence::Found => {
                if let Some(m) = &matches[r] {
                    log_row_label(&mut read, table, r, m, &cands);
                }
                match groups_of[r].first() {
                    None => read.review(
                        table,
                        r,
                        "",
                        "no_values",
                        "the row's label was found but no numbers beside it".into(),
                    ),
                    Some(&g) => {
                        let group = &cands.groups[g];
                        let fit = fit_columns(group, columns.len(), value_field);
                        // A run on its label's line, or opening the line after it, is
                        // the row's own; one the order alone gave it is weaker evidence.
                        // A row without a label (table 四) has only its run to go by.
                        // A glyph in a tab cell of its own between the label and the
                        // numbers (a cell OCR read as 下) is a segment of its own, but
                        // the run is still the label's.
                        let glyph_after = |m: &RowMatch, s: usize| {
                            s == m.last + 1
                                && cands.segments.get(s).is_some_and(|g| {
                                    g.line == cands.segments[m.last].line
                                        && lone_glyph(g.text.trim())
                                })
                        };
                        let anchored = !is_labelled[r]
                            || matches[r].as_ref().is_some_and(|m| {
                                group.after_segment.is_some_and(|s| {
                                    (m.first..=m.last).contains(&s) || glyph_after(m, s)
                                }) || group.line == cands.segments[m.last].line + 1
                            });
                        let row = RowOf {
                            table,
                            r,
                            lex,
                            lines,
                            first_line: group.line,
                        };
                        fill_cells(&mut read, row, &group.slots, fit, &mut cells, anchored);
                    }
                }
                if groups_of[r].len() > 1 {
                    let extra: Vec<String> = groups_of[r][1..]
                        .iter()
                        .map(|&g| slots_text(&cands.groups[g].slots))
                        .collect();
                    read.review(table, r, "", "extra_values", format!("more numbers than the row holds were found near it and left unused: {}", extra.join(" | ")));
                }
            }
        }
        read.result.cells.push(cells);
    }
    log_header_repairs(&mut read, table, &cands, &names, &seg_row, &dict.glyphs);
    Some(read)
}

impl TableRead {
    fn review(
        &mut self,
        table: &Table,
        r: usize,
        column: &str,
        problem: &'static str,
        detail: String,
    ) {
        self.review.push(ReviewItem {
            table: table.id.clone(),
            row_label: table.rows[r].path.clone(),
            column_label: column.to_string(),
            problem,
            detail,
        });
    }
}

/// Rows not found are missing, unless the report's shape leaves them out: an
/// optional row, or the sub-rows of a group printed as one total row.
fn presence(table: &Table, found: &[bool]) -> Vec<RowPresence> {
    (0..table.rows.len())
        .map(|r| {
            let row = &table.rows[r];
            if found[r] {
                return RowPresence::Found;
            }
            if row.optional {
                return RowPresence::Omitted;
            }
            let collapsed = row.group.is_some_and(|g| {
                let total_found =
                    (0..table.rows.len()).any(|t| table.rows[t].total_of == Some(g) && found[t]);
                let members_found =
                    (0..table.rows.len()).any(|m| table.rows[m].group == Some(g) && found[m]);
                total_found && !members_found
            });
            if collapsed {
                RowPresence::Omitted
            } else {
                RowPresence::NotFound
            }
        })
        .collect()
}

fn slots_text(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| {
            if s.raw.is_empty() {
                "␣"
            } else {
                s.raw.as_str()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which row of which table a run is read for, and the lexicon to read it with.
#[derive(Clone, Copy)]
struct RowOf<'a> {
    table: &'a Table,
    r: usize,
    lex: &'a Lexicon,
    /// The table's lines as lexed, which the slots' offsets point into.
    lines: &'a [&'a str],
    /// The run's first line, which its slots count their lines from.
    first_line: usize,
}

fn fill_cells(
    read: &mut TableRead,
    row: RowOf,
    all: &[Slot],
    fit: Fit<'_>,
    cells: &mut [Cell],
    anchored: bool,
) {
    let RowOf {
        table,
        r,
        lex,
        first_line,
        ..
    } = row;
    let columns = &table.blocks[table.rows[r].block].columns;
    let slots = match fit {
        Fit::Cells(s) => s,
        Fit::Short(k) => {
            if place_run(read, table, r, all, first_line, cells) {
                return;
            }
            // Only a run read cleanly is worth placing by the table: a letter read as
            // a digit in a line that already lost cells is too weak a reading.
            let values = clean_values(all.iter());
            let (readings, cuts) = glued_readings(table, r, all, Some(lex));
            if anchored && (values.is_some() || !readings.is_empty()) {
                read.short.push(ShortRun {
                    row: r,
                    values: values.unwrap_or_default(),
                    readings,
                    columns: None,
                    ruled: Vec::new(),
                    line: all.first().map_or(0, |s| first_line + s.line_offset + 1),
                    raw: slots_text(all),
                });
            }
            if let Cuts::Readings(all_cuts) = &cuts {
                if all_cuts.len() >= 2 {
                    let shown: Vec<String> = all_cuts
                        .iter()
                        .take(SHOWN_CUTS)
                        .map(|c| c.iter().map(Num::to_string).collect::<Vec<_>>().join("|"))
                        .collect();
                    let more = all_cuts.len().saturating_sub(SHOWN_CUTS);
                    let detail = format!(
                        "{} ran together; it can be cut into {} cells {} ways: {}{}; unless the table's identities leave one, all are left missing",
                        slots_text(all),
                        columns.len(),
                        all_cuts.len(),
                        shown.join(", "),
                        if more > 0 { format!(" and {more} more") } else { String::new() }
                    );
                    return read.review(table, r, "", "ambiguous_split", detail);
                }
            }
            let detail = format!("read {k} values for {} columns ({}); which cells are blank cannot be told, so all are left missing", columns.len(), slots_text(all));
            return read.review(table, r, "", "short_row", detail);
        }
        Fit::Long(k) => {
            // Cells OCR turned into glyphs may be cells or noise (`4 0 0 0 下 0 叶 4`
            // for seven): where the numbers alone are no more than the columns, they
            // are a run that lost cells, placed in order as the table allows.
            if anchored && all.iter().any(Slot::is_damaged) {
                if let Some(values) = clean_values(all.iter().filter(|s| !s.is_damaged())) {
                    if values.len() <= columns.len() {
                        read.short.push(ShortRun {
                            row: r,
                            values,
                            readings: Vec::new(),
                            columns: None,
                            ruled: Vec::new(),
                            line: all.first().map_or(0, |s| first_line + s.line_offset + 1),
                            raw: slots_text(all),
                        });
                    }
                }
            }
            let detail = format!(
                "read {k} values for {} columns ({}); all are left missing",
                columns.len(),
                slots_text(all)
            );
            return read.review(table, r, "", "long_row", detail);
        }
        Fit::Ambiguous(k) => {
            let detail = format!("{k} cells for {} columns ({}) with empty cells at both ends; which are blank values cannot be told, so all are left missing", columns.len(), slots_text(all));
            return read.review(table, r, "", "ambiguous_blanks", detail);
        }
    };
    if slots.iter().any(Slot::is_damaged) {
        // A mark that the identities place as a lost 0 (`0 0 0 0 0 0 ,`) was no cell.
        let marks_only = slots
            .iter()
            .filter(|s| s.is_damaged())
            .all(Slot::is_mark_cell);
        if marks_only {
            let without: Vec<Slot> = slots
                .iter()
                .filter(|s| !s.is_mark_cell())
                .cloned()
                .collect();
            if place_run(read, table, r, &without, first_line, cells) {
                return;
            }
        }
        return leave_damaged_row(read, row, &slots, anchored);
    }
    for (c, slot) in slots.iter().enumerate() {
        let line = Some(first_line + slot.line_offset + 1);
        let Some(p) = &slot.number else {
            if slot.unreadable {
                read.review(
                    table,
                    r,
                    &columns[c].path,
                    "unreadable_cell",
                    format!("cannot read {:?} as one number", slot.raw),
                );
            }
            cells[c] = Cell {
                value: None,
                status: CellStatus::Missing,
                line: slot.unreadable.then_some(first_line + slot.line_offset + 1),
                raw: slot.raw.clone(),
            };
            continue;
        };
        let mut status = CellStatus::Ok;
        if let Some(fixed) = &p.repaired {
            status = CellStatus::Repaired;
            read.corrections.push(Correction {
                line: first_line + slot.line_offset + 1,
                kind: "value",
                before: slot.raw.to_string(),
                after: fixed.clone(),
                score: 0.9,
                method: "ocr_digit",
            });
        }
        let out_of_domain = match columns[c].domain {
            Domain::Count => p.value.is_negative() || !p.value.is_integer(),
            Domain::Signed => !p.value.is_integer(),
            Domain::Decimal => p.value.is_negative(),
        };
        if out_of_domain {
            status = CellStatus::Conflict;
            read.review(
                table,
                r,
                &columns[c].path,
                "out_of_domain",
                format!("{} is not a valid value for this column", p.value),
            );
        }
        cells[c] = Cell {
            value: Some(p.value),
            status,
            line,
            raw: slot.raw.clone(),
        };
    }
    infer_blanks(read, table, r, cells);
}

/// The values of a run's slots when each that is not blank is a number read as
/// printed (no letter read as a digit, no unit); None otherwise.
fn clean_values<'s>(slots: impl Iterator<Item = &'s Slot>) -> Option<Vec<Num>> {
    slots
        .filter(|s| !s.is_blank())
        .map(|s| {
            s.number
                .as_ref()
                .filter(|p| p.repaired.is_none() && p.unit.is_none())
                .map(|p| p.value)
        })
        .collect()
}

/// A row whose line has cells OCR turned into glyphs (`4 0 0 0 0 0 生`): the line
/// keeps every cell's column, but a line that garbled some digits may have misread
/// the others (`1` as `4`), so its values go to the table as a run with known
/// columns, of which only the zeros and the counts the identities check are placed;
/// the rest end `unconfirmed` if nothing else settles them
/// ([`crate::placement::give_unconfirmed`]).
fn leave_damaged_row(read: &mut TableRead, row: RowOf, slots: &[Slot], anchored: bool) {
    let RowOf {
        table,
        r,
        lex,
        lines,
        first_line,
    } = row;
    let columns = &table.blocks[table.rows[r].block].columns;
    for (c, slot) in slots.iter().enumerate() {
        if slot.unreadable {
            read.review(
                table,
                r,
                &columns[c].path,
                "unreadable_cell",
                format!("cannot read {:?} as a number; of the row's other values its zeros and the counts the table's identities check are taken, the rest given as read but unconfirmed (a line that garbled one cell may have misread another)", slot.raw),
            );
        }
    }
    let placed: Row = slots
        .iter()
        .map(|s| s.number.as_ref().map(|p| p.value))
        .collect();
    if anchored {
        let ruled = rule_one_readings(&placed, slots, &lines[first_line.min(lines.len())..], lex);
        read.short.push(ShortRun {
            row: r,
            values: placed.iter().flatten().copied().collect(),
            readings: Vec::new(),
            columns: Some(placed),
            ruled,
            line: slots.first().map_or(0, |s| first_line + s.line_offset + 1),
            raw: slots_text(slots),
        });
    }
}

/// Numbers of a damaged line that may carry a table rule as their leading `1`, at most:
/// more than this many is a line too garbled to read its rules out of.
const MAX_RULE_ONES: usize = 3;

/// `placed` read with some of its numbers' leading `1`s taken for table rules: a
/// number of two digits or more that starts with `1` and touches a rule look-alike on
/// either side (`80|120|`, ` 1149|`), as a scan's cell border often reads as `|1`.
/// Every combination of such numbers, each reading without its `1`; empty when there
/// are none or too many. Which reading (if any) stands is left to the identities.
/// `lines` start at the run's first line, as its slots count theirs.
fn rule_one_readings(placed: &Row, slots: &[Slot], lines: &[&str], lex: &Lexicon) -> Vec<Row> {
    let touches_rule = |s: &Slot| {
        let Some(line) = lines.get(s.line_offset) else {
            return false;
        };
        let at = s.at as usize;
        if line.get(at..at + s.raw.len()) != Some(s.raw.as_str()) {
            return false;
        }
        let before = line[..at].chars().next_back();
        let after = line[at + s.raw.len()..].chars().next();
        before.into_iter().chain(after).any(|c| lex.is_rule_mark(c))
    };
    let ones: Vec<(usize, Num)> = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.number
                .as_ref()
                .is_some_and(|p| p.repaired.is_none() && p.unit.is_none())
        })
        .filter_map(|(c, s)| {
            let rest = s.raw.strip_prefix('1')?;
            let plain = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
            // `105` without its `1` would be a number with a leading zero: no cell.
            let whole = rest == "0" || !rest.starts_with('0');
            let v: i64 = rest.parse().ok()?;
            (plain && whole && touches_rule(s)).then_some((c, Num::int(v)))
        })
        .collect();
    if ones.is_empty() || ones.len() > MAX_RULE_ONES {
        return Vec::new();
    }
    (1..1usize << ones.len())
        .map(|mask| {
            let mut row = placed.clone();
            for (i, &(c, v)) in ones.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    row[c] = Some(v);
                }
            }
            row
        })
        .collect()
}

/// The readings of a short run as digits of several cells that ran together (a
/// crawler dump's `640020470`), as far as the row's own identities allow them. With
/// `ruled` (OCR text), a run the digits as read cannot cut is also read with the
/// table's rules that OCR wrote among its digits ([`cut_ruled_runs`]).
fn glued_readings(
    table: &Table,
    r: usize,
    all: &[Slot],
    ruled: Option<&Lexicon>,
) -> (Vec<Vec<Num>>, Cuts) {
    // A unit written after a number (`5394432.52元`) is no part of its digits.
    let tokens: Vec<&str> = all
        .iter()
        .filter(|s| !s.is_blank())
        .map(|s| s.raw.trim_end_matches(|c: char| !c.is_ascii_digit()))
        .collect();
    let n = table.blocks[table.rows[r].block].columns.len();
    let ids = row_identities(table, table.rows[r].block);
    let domains = row_domains(table, r);
    let mut cuts = cut_runs(&tokens, n, &ids, &domains);
    if let (Cuts::Readings(none), Some(lex)) = (&cuts, ruled) {
        if none.is_empty() && !ids.is_empty() {
            let raw: Vec<&str> = all
                .iter()
                .filter(|s| !s.is_blank())
                .map(|s| s.raw.as_str())
                .collect();
            cuts = cut_ruled_runs(&raw, n, &ids, &domains, lex);
        }
    }
    let usable = match &cuts {
        // Without an identity only a run that the digits alone cut one way (`000`
        // into three cells) is read; any choice among several would be a guess.
        Cuts::Readings(readings) if !ids.is_empty() || readings.len() == 1 => readings.clone(),
        _ => Vec::new(),
    };
    (usable, cuts)
}

fn row_domains(table: &Table, r: usize) -> Vec<Domain> {
    table.blocks[table.rows[r].block]
        .columns
        .iter()
        .map(|c| c.domain)
        .collect()
}

/// Blank or unreadable cells that the row's own identities determine are filled
/// (status `inferred`) and logged. Where no column identity crosses the row (table
/// 四), nothing could catch a misread elsewhere in the row that the filled cell would
/// absorb: there only a 0 is filled (the row already balances without the blank),
/// and another value the row implies goes to review as a suggestion.
fn infer_blanks(read: &mut TableRead, table: &Table, r: usize, cells: &mut [Cell]) {
    if cells.iter().all(|c| c.value.is_some()) {
        return;
    }
    let ids = row_identities(table, table.rows[r].block);
    let values: Vec<Option<Num>> = cells.iter().map(|c| c.value).collect();
    let Some(filled) = complete(&values, &ids, &row_domains(table, r)) else {
        return;
    };
    let block = table.rows[r].block;
    let columns = &table.blocks[block].columns;
    let crossed = table
        .identities
        .iter()
        .any(|id| id.over == Over::Columns && id.block == block);
    let line = cells.iter().find_map(|c| c.line).unwrap_or(0);
    for (c, v) in filled.into_iter().enumerate() {
        if let (None, Some(v)) = (cells[c].value, v) {
            if !crossed && v != Num::default() {
                read.review(
                    table,
                    r,
                    &columns[c].path,
                    "unchecked_inference",
                    format!("the row's identity implies {v}, but no other identity can check it, so it is left missing"),
                );
                continue;
            }
            read.corrections.push(Correction {
                line,
                kind: "inference",
                before: cells[c].raw.to_string(),
                after: v.to_string(),
                score: 1.0,
                method: "row_identity",
            });
            read.review.retain(|x| {
                !(x.problem == "unreadable_cell"
                    && x.column_label == columns[c].path
                    && x.row_label == table.rows[r].path)
            });
            cells[c] = Cell {
                value: Some(v),
                status: CellStatus::Inferred,
                line: cells[c].line,
                raw: cells[c].raw.clone(),
            };
        }
    }
}

/// A run shorter than its row, placed when the row identities leave one reading.
fn place_run(
    read: &mut TableRead,
    table: &Table,
    r: usize,
    all: &[Slot],
    first_line: usize,
    cells: &mut [Cell],
) -> bool {
    let values: Option<Vec<Num>> = all
        .iter()
        .filter(|s| !s.is_blank())
        .map(|s| s.number.as_ref().map(|p| p.value))
        .collect();
    let Some(values) = values else { return false };
    let ids = row_identities(table, table.rows[r].block);
    let Some(row) = place_short_run(&values, cells.len(), &ids, &row_domains(table, r)) else {
        return false;
    };
    let line = all.first().map_or(0, |s| first_line + s.line_offset + 1);
    let text = slots_text(all);
    read.corrections.push(Correction {
        line,
        kind: "inference",
        before: text.clone(),
        after: row.iter().map(Num::to_string).collect::<Vec<_>>().join(" "),
        score: 1.0,
        method: "row_identity_placement",
    });
    for (cell, v) in cells.iter_mut().zip(row) {
        *cell = Cell {
            value: Some(v),
            status: CellStatus::Inferred,
            line: Some(line),
            raw: text.as_str().into(),
        };
    }
    true
}

fn log_row_label(
    read: &mut TableRead,
    table: &Table,
    r: usize,
    m: &crate::align::RowMatch,
    cands: &Candidates,
) {
    let row = &table.rows[r];
    let segs = &cands.segments[m.first..=m.last];
    let joined: String = segs.iter().map(|s| &*s.body_key).collect();
    let same_ordinal = segs[0].ordinal == row.label.ordinal;
    if joined == row.label.keys[0] && same_ordinal {
        return;
    }
    let before = segs.iter().map(|s| &*s.text).collect::<Vec<_>>().join(" ");
    let method = if m.score.sim >= 1.0 && m.score.variant > 0 {
        "variant"
    } else if m.score.sim >= FUZZY_SIM {
        "fuzzy"
    } else {
        "ordinal_and_order"
    };
    read.corrections.push(Correction {
        line: segs[0].line + 1,
        kind: "row_label",
        before: before.clone(),
        after: row.label.text.clone(),
        score: round3(m.score.score),
        method,
    });
    if m.score.score < CONFIDENT_LABEL {
        read.review(
            table,
            r,
            "",
            "low_confidence_label",
            format!(
                "{before:?} was read as this row (score {:.2}, by {method})",
                m.score.score
            ),
        );
    }
}

/// Header words and group cells that OCR garbled: logged as repaired when they are
/// close to a column, group or header label of the table.
fn log_header_repairs(
    read: &mut TableRead,
    table: &Table,
    cands: &Candidates,
    names: &SegmentNames,
    seg_row: &[Option<usize>],
    glyphs: &GlyphCosts,
) {
    let mut targets: Vec<(&'static str, &Label)> = Vec::new();
    for b in &table.blocks {
        targets.extend(b.columns.iter().map(|c| ("column_label", &c.label)));
    }
    targets.extend(table.groups.iter().map(|g| ("group_label", &g.label)));
    targets.extend(table.header_labels.iter().map(|h| ("header_label", h)));
    let labels: Vec<&Label> = targets.iter().map(|(_, l)| *l).collect();
    let mut chooser = BestLabel::new(&labels, glyphs, HEADER_REPAIR);
    for (s, seg) in cands.segments.iter().enumerate() {
        if seg_row[s].is_some() || seg.prose || seg.is_noise() {
            continue;
        }
        // Only a match at HEADER_REPAIR or above is logged: weaker ones need not be
        // scored. The first of the best scores wins.
        let best = match names.name(s) {
            Some(name) => chooser.best_named(seg.ordinal, &seg.body_key, name),
            None => chooser.best(seg.ordinal, &seg.body_key),
        };
        let Some((kind, label, score)) = best.map(|(t, s)| (&targets[t].0, &targets[t].1, s))
        else {
            continue;
        };
        if score.score < HEADER_REPAIR
            || *label.keys[0] == *seg.body_key && seg.ordinal == label.ordinal
        {
            continue;
        }
        let method = if score.sim >= 1.0 && score.variant > 0 {
            "variant"
        } else {
            "fuzzy"
        };
        read.corrections.push(Correction {
            line: seg.line + 1,
            kind,
            before: seg.text.to_string(),
            after: label.text.clone(),
            score: round3(score.score),
            method,
        });
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{as_strs, normalize_line};

    fn read(text: &str, d: &Dictionaries) -> TableRead {
        read_in(text, d, "requests")
    }

    fn read_in(text: &str, d: &Dictionaries, table: &str) -> TableRead {
        let lines: Vec<String> = text.lines().map(normalize_line).collect();
        let ti = d.templates[1]
            .tables
            .iter()
            .position(|t| t.id == table)
            .unwrap();
        read_table(&as_strs(&lines), 0..lines.len(), &d.templates[1], ti, d).unwrap()
    }

    #[test]
    fn a_row_with_digits_read_as_glyphs_is_left_to_the_table() {
        let d = Dictionaries::embedded().unwrap();
        // 纠正 read as 忆: the other cells keep their columns, but their values are
        // no longer taken as read; the table places them (see joint placement).
        let t = read_in("1 忆 0 0 3 0 0 0 0 0 0 0 0 0 0", &d, "appeals");
        assert!(t.result.cells[0].iter().all(|c| c.value.is_none()));
        let run = &t.short[0];
        assert_eq!(run.columns.as_ref().map(|c| c[0]), Some(Some(Num::int(1))));
        assert_eq!(run.columns.as_ref().map(|c| c[1]), Some(None));
        assert_eq!(run.columns.as_ref().map(|c| c[4]), Some(Some(Num::int(3))));
        assert!(t.review.iter().any(|x| x.problem == "unreadable_cell"));
    }

    #[test]
    fn a_leading_one_that_touches_a_rule_may_be_the_rule() {
        let d = Dictionaries::embedded().unwrap();
        let line = "3 0 1 1 局 80|120| 29 20 1149| 16 5 习 6 32";
        let t = read_in(line, &d, "appeals");
        let run = &t.short[0];
        // 120 and 1149 touch rules; 16 does not, and 0 and 1 are one digit.
        assert_eq!(run.ruled.len(), 3);
        let n = |v: i64| Some(Num::int(v));
        let both = &run.ruled[2];
        assert_eq!((both[6], both[9]), (n(20), n(149)));
        assert_eq!((both[5], both[10]), (n(80), n(16)));
        // A leading 1 before a 0 would leave a number with a leading zero.
        let t = read_in("3 0 1 1 局 80|105| 29 20 1149| 16 5 习 6 32", &d, "appeals");
        assert_eq!(t.short[0].ruled.len(), 1);
        let t = read_in("3 0 1 1 局 80 120 29 20 1149 16 5 习 6 32", &d, "appeals");
        assert!(t.short[0].ruled.is_empty());
    }

    #[test]
    fn the_identities_choose_whether_a_leading_one_was_a_rule() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("appeals").unwrap();
        let value = |line: &str| {
            let mut t = read_in(line, &d, "appeals");
            crate::document::reconcile_table(&mut t, table, &d.lexicon, "text");
            let row = &t.result.cells[0];
            let read: Vec<(Option<String>, CellStatus)> = row
                .iter()
                .map(|c| (c.value.map(|v| v.to_string()), c.status))
                .collect();
            (read, t.corrections)
        };
        let s = |v: &str, st: CellStatus| (Some(v.to_string()), st);
        let inferred = |v: &str| s(v, CellStatus::Inferred);
        // 80 + 120 + 29 + 20 is not 1149, but 80 + 20 + 29 + 20 is 149: the only reading
        // that holds. The other groups lost a cell to a glyph, so their counts are
        // checked by nothing: they are given as read but unconfirmed, and so are the
        // glyphs' cells that the identities then determine from them; their zero is
        // taken.
        let (row, log) = value("3 0 1 1 局 80|120| 29 20 1149| 16 5 习 6 32");
        let group = ["80", "20", "29", "20", "149"].map(inferred);
        assert_eq!(&row[5..10], &group);
        assert_eq!(row[0], s("3", CellStatus::Unconfirmed));
        assert_eq!(row[1], inferred("0"));
        assert_eq!(row[4], s("5", CellStatus::Unconfirmed));
        assert_eq!(row[12], s("5", CellStatus::Unconfirmed));
        assert_eq!(row[10], s("16", CellStatus::Unconfirmed));
        assert!(log.iter().any(|c| c.method == "rule_read_as_one"));
        assert_eq!(
            log.iter()
                .filter(|c| c.method == "unconfirmed_inference")
                .count(),
            2
        );
        // As read, 80 + 120 + 29 + 20 = 249 holds: the rules are not consulted.
        let (row, log) = value("3 0 1 1 局 80|120| 29 20 249| 16 5 习 6 32");
        let group = ["80", "120", "29", "20", "249"].map(inferred);
        assert_eq!(&row[5..10], &group);
        assert!(!log.iter().any(|c| c.method == "rule_read_as_one"));
    }

    #[test]
    fn a_glyph_in_a_tab_cell_of_its_own_keeps_the_run_on_its_label() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("requests").unwrap();
        let new = table.row_index("new").unwrap();
        // 自然人 read as 下 in a tab cell of its own: the six numbers after it are the
        // row's own short run, for the table to place, whether or not 下 is a cell.
        let text = "一、本年新收政府信息公开申请数量\t下\t2\t0\t0\t0\t0\t3\n\
                    二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0";
        let t = read(text, &d);
        let run = t.short.iter().find(|s| s.row == new).unwrap();
        assert_eq!(run.values.len(), 6);
    }

    #[test]
    fn a_long_run_with_glyphs_is_its_numbers_for_the_table_to_place() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("requests").unwrap();
        let new = table.row_index("new").unwrap();
        let run_of = |first: &str| {
            let text = format!("{first}\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0");
            let t = read(&text, &d);
            t.short.iter().find(|s| s.row == new).cloned()
        };
        // Eight cells for seven: either glyph may be a lost 0 or noise, so the six
        // numbers are placed in order, as a run that lost a cell.
        let run = run_of("一、本年新收政府信息公开申请数量 4 0 0 0 下 0 叶 4").unwrap();
        assert_eq!(run.values, [4, 0, 0, 0, 0, 4].map(Num::int));
        assert!(run.columns.is_none());
        // More numbers than columns say nothing about where each belongs.
        assert!(run_of("一、本年新收政府信息公开申请数量 4 0 0 0 下 0 0 0 4").is_none());
    }

    #[test]
    fn a_blank_in_table_four_is_filled_only_when_its_row_already_balances() {
        let d = Dictionaries::embedded().unwrap();
        // 复议: 维持 blank, 纠正 0, 其他 0, 尚未 0, 总计 2: the blank would be 2, but no
        // other identity could tell a misread 总计 from it.
        let rest = "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0";
        let t = read_in(&format!("\t0\t0\t0\t2{rest}"), &d, "appeals");
        assert_eq!(t.result.cells[0][0].value, None);
        assert!(t
            .review
            .iter()
            .any(|x| x.problem == "unchecked_inference" && x.detail.contains("implies 2")));
        // 总计 0: the blank is 0.
        let t = read_in(&format!("\t0\t0\t0\t0{rest}"), &d, "appeals");
        assert_eq!(t.result.cells[0][0].value, Some(Num::int(0)));
        assert_eq!(t.result.cells[0][0].status, CellStatus::Inferred);
    }

    #[test]
    fn a_row_whose_ordinal_is_garbled_too_is_pinned_by_order_but_not_onto_another_ordinal() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("requests").unwrap();
        let r = table.row_index("results_total").unwrap();
        let before = "3.其他 0 1 0 0 0 0 1\n";
        let after = "\n四、结转下年度继续办理 0 0 0 0 0 0 0";
        let t = read(&format!("{before}(天) 总由 34 5 0 0 0 0 39{after}"), &d);
        assert_eq!(t.result.rows[r], RowPresence::Found);
        assert_eq!(t.result.cells[r][6].value, Some(Num::int(39)));
        // A line with another row's (or group's) ordinal is that one's, however
        // garbled; one whose ordinal names nothing in the group is garbled too.
        let t = read(&format!("{before}(三) 总由 34 5 0 0 0 0 39{after}"), &d);
        assert_ne!(t.result.rows[r], RowPresence::Found);
        let t = read(&format!("{before}(十) 总由 34 5 0 0 0 0 39{after}"), &d);
        assert_eq!(t.result.rows[r], RowPresence::Found);
    }

    #[test]
    fn a_misread_ordinal_whose_own_row_is_found_elsewhere_does_not_stop_a_pin() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("requests").unwrap();
        let r = table.row_index("not_processed_publication").unwrap();
        let before = "1.信访举报投诉类申请 0 0 0 0 0 0 0\n2.重复申请 0 0 0 0 0 0 0\n";
        let garbled = "5要人At 0 0 0 0 0 1 1\n4.无正当理由大量反复申请 0 0 0 0 0 0 0\n";
        let fifth = "5.要求行政机关确认或重新出具已获取信息 2 0 0 0 0 0 2";
        let t = read(&format!("{before}{garbled}{fifth}"), &d);
        assert_eq!(t.result.rows[r], RowPresence::Found);
        assert_eq!(t.result.cells[r][6].value, Some(Num::int(1)));
        // While row 5 has no line of its own, the line may be row 5's.
        let t = read(&format!("{before}{garbled}"), &d);
        assert_ne!(t.result.rows[r], RowPresence::Found);
    }

    #[test]
    fn consecutive_garbled_rows_are_pinned_in_order_when_the_lines_pair_off() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("requests").unwrap();
        let (law, safety) = (
            table.row_index("refused_law").unwrap(),
            table.row_index("refused_safety").unwrap(),
        );
        let before = "1.属于国家秘密 0 0 0 0 0 0 0\n";
        let after = "4.保护第三方合法权益 0 0 0 0 0 0 0";
        let t = read(
            &format!("{before}某某某 1 0 0 0 0 0 1\n甲乙丙 2 0 0 0 0 0 2\n{after}"),
            &d,
        );
        assert_eq!(t.result.cells[law][0].value, Some(Num::int(1)));
        assert_eq!(t.result.cells[safety][0].value, Some(Num::int(2)));
        // Three lines for two rows: which line is whose cannot be told.
        let t = read(
            &format!(
                "{before}某某某 1 0 0 0 0 0 1\n甲乙丙 2 0 0 0 0 0 2\n丁戊己 3 0 0 0 0 0 3\n{after}"
            ),
            &d,
        );
        assert_ne!(t.result.rows[law], RowPresence::Found);
        assert_ne!(t.result.rows[safety], RowPresence::Found);
    }

    #[test]
    fn a_garbled_label_without_ordinal_is_pinned_by_order_when_one_line_fits() {
        let d = Dictionaries::embedded().unwrap();
        let table = d.templates[1].table("proactive").unwrap();
        let r = table.row_index("rules").unwrap();
        let head = "第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n";
        let t = read_in(
            &format!("{head}观竟 3 0 12\n行政规范性文件 0 0 5"),
            &d,
            "proactive",
        );
        assert_eq!(t.result.rows[r], RowPresence::Found);
        assert_eq!(t.result.cells[r][2].value, Some(Num::int(12)));
        assert!(t
            .review
            .iter()
            .any(|x| x.problem == "low_confidence_label" && x.row_label == table.rows[r].path));
        // Two lines that could be it: neither is taken.
        let t = read_in(
            &format!("{head}观竟 3 0 12\n某某 1 1 1\n行政规范性文件 0 0 5"),
            &d,
            "proactive",
        );
        assert_eq!(t.result.rows[r], RowPresence::NotFound);
    }

    #[test]
    fn a_label_garbled_past_recognition_is_pinned_by_its_ordinal_between_found_rows() {
        let text = "8.属于行政查询事项 0 0 0 0 0 0 0\n1站人类 288 8 0 0 6 0 302\n2.没有现成信息需要另行制作 0 0 0 0 0 0 0";
        let d = Dictionaries::embedded().unwrap();
        let t = read(text, &d);
        let table = d.templates[1].table("requests").unwrap();
        let r = table.row_index("unavailable_not_held").unwrap();
        assert_eq!(t.result.rows[r], RowPresence::Found);
        assert_eq!(t.result.cells[r][6].value, Some(Num::int(302)));
        assert!(t
            .review
            .iter()
            .any(|x| x.problem == "low_confidence_label" && x.row_label == table.rows[r].path));
    }

    #[test]
    fn without_found_rows_on_both_sides_an_ordinal_alone_pins_nothing() {
        let text = "1站人类 288 8 0 0 6 0 302\n2.没有现成信息需要另行制作 0 0 0 0 0 0 0";
        let d = Dictionaries::embedded().unwrap();
        let t = read(text, &d);
        let table = d.templates[1].table("requests").unwrap();
        let r = table.row_index("unavailable_not_held").unwrap();
        assert_eq!(t.result.rows[r], RowPresence::NotFound);
    }
}
