//! Soft checks: a table's values after reconciliation → the rows where a template's
//! usual-but-not-guaranteed inequality fails (对外公开总数量 ≥ 本年新公开数量), their
//! cells marked `unconfirmed` with a review item.
//!
//! Table 二 has no identities, so a misread digit there (`8` for a printed 0)
//! cannot show as a failed sum. Its soft checks are the one thing the template says
//! about such a row's values together. A failure may be what the report printed (a
//! document published and repealed within the year), so no value changes; but the
//! values it names are no longer vouched for: whichever of them is misread, a reader
//! must look at the scan.

use crate::dictionary::Table;
use crate::model::{CellStatus, ReviewItem, TableResult};
use crate::numbers::Num;

/// Checks every soft check of `table` on every row of its block where all the
/// cells it names have values; marks the `ok` and `repaired` cells of a failing row
/// `unconfirmed` and says why in `review`.
pub fn check_soft(tr: &mut TableResult, table: &Table, review: &mut Vec<ReviewItem>) {
    for check in &table.soft_checks {
        let Some(block) = table.blocks.get(check.block) else {
            continue;
        };
        for r in block.rows.clone() {
            let Some(row) = tr.cells.get_mut(r) else {
                continue;
            };
            let side = |cols: &[usize]| -> Option<Num> {
                cols.iter()
                    .map(|&c| row.get(c).and_then(|cell| cell.value))
                    .collect::<Option<Vec<Num>>>()
                    .map(Num::sum)
            };
            let (Some(large), Some(small)) = (side(&check.at_least), side(&check.than)) else {
                continue;
            };
            if large >= small {
                continue;
            }
            let names = |cols: &[usize]| {
                cols.iter()
                    .filter_map(|&c| block.columns.get(c))
                    .map(|c| c.path.as_str())
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            review.push(ReviewItem {
                table: table.id.clone(),
                row_label: table.rows[r].path.clone(),
                column_label: String::new(),
                problem: "soft_check_failed",
                detail: format!(
                    "{} does not hold: {} = {large} < {} = {small}; it usually does, so one of these values may be misread: they are given as read, unconfirmed; check them on the scan",
                    check.description,
                    names(&check.at_least),
                    names(&check.than)
                ),
            });
            for &c in check.at_least.iter().chain(&check.than) {
                if let Some(cell) = row.get_mut(c) {
                    if matches!(cell.status, CellStatus::Ok | CellStatus::Repaired) {
                        cell.status = CellStatus::Unconfirmed;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;

    #[test]
    fn a_row_that_breaks_a_soft_check_is_flagged_and_keeps_its_values() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[0].table("proactive").unwrap();
        assert_eq!(d.templates[0].id, "2019");
        let rules = t.row_index("rules").unwrap();
        let normative = t.row_index("normative").unwrap();
        // 规章 `0 8 0`: eight published this year, none public (a 0 read as 8, or
        // the reverse); 规范性文件 `2 2 30` holds.
        let mut tr = crate::solve::table_of(
            |r, c| match (r, c) {
                (r, 1) if r == rules => 8,
                (r, 0 | 1) if r == normative => 2,
                (r, 2) if r == normative => 30,
                _ => 0,
            },
            t,
        );
        let before = crate::solve::grid(&tr);
        let mut review = Vec::new();
        check_soft(&mut tr, t, &mut review);
        assert_eq!(crate::solve::grid(&tr), before);
        assert_eq!(review.len(), 1);
        assert_eq!(review[0].problem, "soft_check_failed");
        assert_eq!(review[0].row_label, t.rows[rules].path);
        let statuses = |r: usize| tr.cells[r].iter().map(|c| c.status).collect::<Vec<_>>();
        // 本年新制作数量 is not in the check.
        assert_eq!(
            statuses(rules),
            [
                CellStatus::Ok,
                CellStatus::Unconfirmed,
                CellStatus::Unconfirmed
            ]
        );
        assert!(statuses(normative).iter().all(|&s| s == CellStatus::Ok));
    }

    #[test]
    fn a_row_with_a_value_missing_is_not_judged() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("proactive").unwrap();
        let rules = t.row_index("rules").unwrap();
        // 本年制发件数 8, 现行有效件数 unknown: nothing to compare.
        let mut tr = crate::solve::table_of(|r, c| i64::from(r == rules && c == 0) * 8, t);
        tr.cells[rules][2] = crate::model::Cell::missing();
        let mut review = Vec::new();
        check_soft(&mut tr, t, &mut review);
        assert!(review.is_empty());
        assert_eq!(tr.cells[rules][0].status, CellStatus::Ok);
        // With it read as 0 and nothing repealed, the check fails.
        tr.cells[rules][2] = tr.cells[rules][1].clone();
        check_soft(&mut tr, t, &mut review);
        assert_eq!(review.len(), 1);
    }
}
