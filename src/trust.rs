//! How far a whole document's reading can be trusted where nothing checks it.
//!
//! Takes a document's reconciled tables and the verdicts of their identities; gives
//! back the cells it no longer vouches for, with a review item for each.
//!
//! A count that no identity of the template covers (table 二 has none) is taken as
//! read: one misread digit there cannot show. That is sound where the identities that
//! can be checked mostly hold, and not where they hardly ever could (a scan whose
//! tables OCR garbled throughout): on the development corpus's real OCR, in documents
//! whose identities held for under a tenth of their instances, 6 of the 10 non-zero
//! uncovered counts read were wrong (`6` for a printed 0, `7` for 377), against 4
//! of 278 where at least half held; their zeros were all right (22 of 22). Such a
//! document's uncovered non-zero counts are therefore not vouched for, as a damaged
//! row's are ([`crate::table`]): they keep the value read, marked `unconfirmed`, and
//! go to review.
//!
//! Likewise where the identities caught the scan misreading digits (a repaired
//! misread, or a row's values dropped as misread): the same scan printed table 二,
//! and there nothing would catch it. On the modelled corpus 7 of the 322 uncovered
//! non-zero counts in such documents were misread (2.2%), against 3 of 687 in the
//! others (0.4%); table 二 holds about a seventh of a report's cells, so at 2.2% its
//! misreads alone would pass the 0.1% of all cells that may be wrong unmarked.

use crate::dictionary::Template;
use crate::model::{Balance, Cell, CellStatus, ReviewItem, TableResult};
use crate::numbers::Num;

/// Below this share of identity instances that hold (of those formed), a document's
/// reading is not trusted where no identity checks it.
const MIN_HELD_SHARE: f64 = 0.1;

/// Whether `balance` says the identities confirmed too little of the document for
/// its unchecked counts to be taken. A document whose tables formed no instance at
/// all (only table 二 found) gives no evidence either way and is trusted.
pub fn untrusted(balance: &Balance) -> bool {
    let formed = balance.held + balance.failed + balance.undetermined;
    formed > 0 && (balance.held as f64) < MIN_HELD_SHARE * formed as f64
}

/// Marks `unconfirmed` every non-zero count read in `tables` that no identity
/// covers, when [`untrusted`] says so or the identities caught `misreads` misread
/// digits (at least one); each goes to `review`.
pub fn unconfirm_unchecked(
    tables: &mut [TableResult],
    template: &Template,
    balance: &Balance,
    misreads: usize,
    review: &mut Vec<ReviewItem>,
) {
    let formed = balance.held + balance.failed + balance.undetermined;
    let why = if untrusted(balance) {
        format!(
            "this report's identities held for only {} of their {formed} instances (its OCR misread or lost most numbers)",
            balance.held
        )
    } else if misreads > 0 {
        format!("the identities caught this scan misreading digits ({misreads} in the tables they check)")
    } else {
        return;
    };
    for result in tables.iter_mut() {
        let Some(table) = template.tables.get(result.table) else {
            continue;
        };
        let covered = table.covered();
        for (r, row) in result.cells.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                let checked = covered.get(r).and_then(|v| v.get(c)).copied();
                if checked != Some(false) || !is_unchecked_count(cell) {
                    continue;
                }
                let read = cell.raw.to_string();
                review.push(ReviewItem {
                    table: table.id.clone(),
                    row_label: table.rows[r].path.clone(),
                    column_label: table.blocks[table.rows[r].block].columns[c].path.clone(),
                    problem: "unconfirmed_value",
                    detail: format!(
                        "read {read:?}, given as unconfirmed: {why}, and none checks this cell; check the value on the scan"
                    ),
                });
                cell.status = CellStatus::Unconfirmed;
            }
        }
    }
}

/// A non-zero value taken as read (or after a lexical repair), not one the
/// identities gave.
fn is_unchecked_count(cell: &Cell) -> bool {
    matches!(cell.status, CellStatus::Ok | CellStatus::Repaired)
        && cell.value.is_some_and(|v| v != Num::int(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::model::RowPresence;

    fn balance(held: usize, failed: usize, undetermined: usize) -> Balance {
        Balance {
            held,
            failed,
            undetermined,
            missing_tables: 0,
        }
    }

    fn read(value: i64) -> Cell {
        Cell {
            value: Some(Num::int(value)),
            status: CellStatus::Ok,
            line: Some(7),
            raw: value.to_string().into(),
        }
    }

    /// Every table of the 2021 template with every cell read as `value`.
    fn tables(template: &Template, value: i64) -> Vec<TableResult> {
        template
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| TableResult {
                table: i,
                rows: vec![RowPresence::Found; t.rows.len()],
                cells: t
                    .rows
                    .iter()
                    .map(|r| vec![read(value); t.blocks[r.block].columns.len()])
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn trust_needs_a_tenth_of_the_formed_instances_to_hold() {
        assert!(!untrusted(&balance(0, 0, 0)));
        assert!(!untrusted(&balance(4, 0, 36)));
        assert!(untrusted(&balance(3, 0, 37)));
        assert!(untrusted(&balance(0, 2, 30)));
        assert!(!untrusted(&balance(40, 0, 0)));
    }

    #[test]
    fn only_uncovered_non_zero_counts_are_unconfirmed_and_each_is_reviewed() {
        let d = Dictionaries::embedded().unwrap();
        let template = d.templates.iter().find(|t| t.id == "2021").unwrap();
        for value in [0, 5] {
            let before = tables(template, value);
            for b in [balance(1, 0, 39), balance(20, 0, 20)] {
                let mut after = before.clone();
                let mut review = Vec::new();
                unconfirm_unchecked(&mut after, template, &b, 0, &mut review);
                let mut withheld = 0;
                for (t, (x, y)) in before.iter().zip(&after).enumerate() {
                    let covered = template.tables[t].covered();
                    for (r, (rx, ry)) in x.cells.iter().zip(&y.cells).enumerate() {
                        for (c, (cx, cy)) in rx.iter().zip(ry).enumerate() {
                            if cx == cy {
                                continue;
                            }
                            assert!(untrusted(&b) && value != 0 && !covered[r][c]);
                            assert_eq!((cy.status, cy.value), (CellStatus::Unconfirmed, cx.value));
                            assert_eq!((cy.line, cy.raw.as_str()), (Some(7), "5"));
                            withheld += 1;
                        }
                    }
                }
                assert_eq!(review.len(), withheld);
                // Table 二 has no identity: an untrusted reading vouches for none of
                // its counts.
                assert_eq!(withheld > 0, untrusted(&b) && value != 0);
            }
        }
    }

    #[test]
    fn a_scan_caught_misreading_digits_vouches_for_no_uncovered_count() {
        let d = Dictionaries::embedded().unwrap();
        let template = d.templates.iter().find(|t| t.id == "2021").unwrap();
        let before = tables(template, 5);
        for misreads in [0, 1] {
            let mut after = before.clone();
            let mut review = Vec::new();
            unconfirm_unchecked(
                &mut after,
                template,
                &balance(40, 0, 0),
                misreads,
                &mut review,
            );
            let proactive = template
                .tables
                .iter()
                .position(|t| t.id == "proactive")
                .unwrap();
            let unconfirmed = after[proactive]
                .cells
                .iter()
                .flatten()
                .filter(|c| c.status == CellStatus::Unconfirmed)
                .count();
            let all: usize = after[proactive].cells.iter().map(Vec::len).sum();
            assert_eq!(unconfirmed, if misreads > 0 { all } else { 0 });
            assert_eq!(review.len(), unconfirmed);
            assert!(review
                .iter()
                .all(|x| x.detail.contains("misreading digits")));
        }
    }
}
