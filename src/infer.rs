//! Inference: a table's cells with some unknown → the unknown cells its identities
//! determine, filled as `inferred` and logged.
//!
//! Takes a [`TableResult`] after reading, repairs and placement, and the table's
//! identity instances; gives the table with what the identities force filled in, and a
//! correction per filled cell. What makes a fill stand is said on
//! [`infer_from_identities`].

use crate::dictionary::{Domain, Table};
use crate::model::{CellStatus, Correction, TableResult};
use crate::numbers::Num;
use crate::reconcile::{identity_instances, Instance};
use crate::solve::At;

/// Fills unknown cells that the table's identities determine, across rows and columns
/// (a lost row under a column total, a lost total beside its parts), and logs each.
///
/// Nothing is derived from a cell of an identity that already fails: where a read value
/// is wrong, propagating it would hide the error in new cells. Afterwards every
/// identity that touches a filled cell is checked again and, if one fails, nothing is
/// kept. Each filled cell must also take part in another identity that now holds, so
/// that no value rests on one equation alone: cells without such a check are left
/// unknown and the rest is derived again without them. The one exception is a 0 that
/// non-negative cells summing to 0 force: it stands when every read cell it rests on
/// (a column total of 0, say) is confirmed by another identity of read cells, since
/// the row it sits in may have lost the cells its own identity would need.
pub fn infer_from_identities(tr: &mut TableResult, table: &Table) -> Vec<Correction> {
    infer_from_identities_in(tr, table, &identity_instances(table, tr))
}

/// [`infer_from_identities`] with the table's instances already formed for `tr`.
pub fn infer_from_identities_in(
    tr: &mut TableResult,
    table: &Table,
    instances: &[Instance],
) -> Vec<Correction> {
    // Nothing to fill where every cell of every identity is known: a round would
    // judge every identity only to fill nothing and log nothing.
    let known = |&(r, c): &At| tr.cells[r][c].value.is_some();
    if instances
        .iter()
        .all(|(_, _, l, r)| l.iter().all(known) && r.iter().all(known))
    {
        return Vec::new();
    }
    let mut barred: Vec<(usize, usize)> = Vec::new();
    loop {
        match infer_once(tr, table, instances, &barred) {
            Ok(log) => return log,
            Err(unchecked) => barred.extend(unchecked),
        }
    }
}

/// The sum of an identity side whose every cell is known (None otherwise), without a
/// list of its values: every instance is judged so on every round of inference.
pub(crate) fn complete_sum(tr: &TableResult, side: &[(usize, usize)]) -> Option<Num> {
    // One pass, adding in order as Num::sum does.
    let mut sum = Num::default();
    for &(r, c) in side {
        sum = sum + tr.cells[r][c].value?;
    }
    Some(sum)
}

/// Whether an identity with sides `l` and `r`, whose complete sums are `sums`
/// ([`complete_sum`]), cannot hold as read: two complete sides that differ, or a
/// side whose read cells already exceed a complete other side when its unknowns
/// are non-negative (as `check_identities` judges it). Two complete sides cannot
/// exceed each other without differing, so each side is summed once.
fn fails_as_read(
    tr: &TableResult,
    table: &Table,
    l: &[At],
    r: &[At],
    sums: (Option<Num>, Option<Num>),
) -> bool {
    let exceeds = |side: &[At], o: Num| {
        side.iter().all(|&(a, b)| {
            tr.cells[a][b].value.is_some()
                || table.blocks[table.rows[a].block].columns[b].domain != Domain::Signed
        }) && Num::sum(side.iter().filter_map(|&(a, b)| tr.cells[a][b].value)) > o
    };
    match sums {
        (Some(a), Some(b)) => a != b,
        (None, Some(o)) => exceeds(l, o),
        (Some(o), None) => exceeds(r, o),
        (None, None) => false,
    }
}

/// One round of [`infer_from_identities`] that fills no cell in `barred`: the log, or
/// the filled cells no second identity checks (after undoing every fill).
fn infer_once(
    tr: &mut TableResult,
    table: &Table,
    instances: &[Instance],
    barred: &[(usize, usize)],
) -> Result<Vec<Correction>, Vec<(usize, usize)>> {
    let value = |tr: &TableResult, (r, c): (usize, usize)| tr.cells[r][c].value;
    let holds = |tr: &TableResult,
                 lhs: &[(usize, usize)],
                 rhs: &[(usize, usize)]|
     -> Option<bool> { Some(complete_sum(tr, lhs)? == complete_sum(tr, rhs)?) };
    let non_negative = |(r, c): (usize, usize)| {
        table.blocks[table.rows[r].block].columns[c].domain != Domain::Signed
    };
    // Each instance's complete side sums, found once for the judgements below.
    let sums: Vec<(Option<Num>, Option<Num>)> = instances
        .iter()
        .map(|(_, _, l, r)| (complete_sum(tr, l), complete_sum(tr, r)))
        .collect();
    // Cells of an identity that already fails may hold the misread value: nothing is
    // derived from them.
    let failing: Vec<bool> = instances
        .iter()
        .zip(&sums)
        .map(|((_, _, l, r), &sum)| fails_as_read(tr, table, l, r, sum))
        .collect();
    let tainted: Vec<(usize, usize)> = instances
        .iter()
        .zip(&failing)
        .filter(|(_, f)| **f)
        .flat_map(|((_, _, l, r), _)| l.iter().chain(r).copied())
        .collect();
    // A read cell that an identity of read cells confirms: if it were the misread one,
    // that identity would fail too. (A cell an earlier round inferred confirms
    // nothing: it was made to fit.)
    let inferred: Vec<Vec<bool>> = tr
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| c.status == CellStatus::Inferred)
                .collect()
        })
        .collect();
    let read = |(r, c): (usize, usize)| !inferred[r][c];
    let sound: Vec<(usize, usize)> = instances
        .iter()
        .zip(failing.iter().zip(&sums))
        .filter(|((_, _, l, r), (f, sum))| {
            let holds = matches!(sum, (Some(a), Some(b)) if a == b);
            !**f && holds && l.iter().chain(r).all(|&x| read(x))
        })
        .flat_map(|((_, _, l, r), _)| l.iter().chain(r).copied())
        .collect();
    let integer = |(r, c): (usize, usize)| {
        table.blocks[table.rows[r].block].columns[c].domain != Domain::Decimal
    };
    let mut filled: Vec<((usize, usize), &str)> = Vec::new();
    // Zero fills: (cell, the read cells it rests on).
    let mut zero_basis: Vec<(At, Vec<At>)> = Vec::new();
    loop {
        let mut changed = false;
        for (id, _, lhs, rhs) in instances {
            let id = &table.identities[*id];
            let unknown: Vec<(usize, usize)> = lhs
                .iter()
                .chain(rhs)
                .copied()
                .filter(|&x| value(tr, x).is_none())
                .collect();
            if unknown.is_empty() || unknown.iter().any(|x| barred.contains(x)) {
                continue;
            }
            let known_sum =
                |cs: &[(usize, usize)]| Num::sum(cs.iter().filter_map(|&x| value(tr, x)));
            let need = known_sum(rhs) - known_sum(lhs);
            // The zero rule: non-negative unknowns all on one side that must sum to 0
            // are 0. Such a fill rests on the instance's read cells; where the other
            // side sums to 0 and this side is all non-negative, on the other side
            // alone (every cell here is 0 whatever its read cells say, so a failed
            // identity elsewhere on this side does not matter).
            let own = if unknown.iter().all(|x| lhs.contains(x)) {
                Some((lhs, rhs, need))
            } else if unknown.iter().all(|x| rhs.contains(x)) {
                Some((rhs, lhs, Num::default() - need))
            } else {
                None
            };
            if let Some((own, other, must)) = own {
                // Non-negative cells whose other side is a confirmed 0 are all 0,
                // whatever is read among them: a failure of this identity is then a
                // misread on this side, and the unknowns here are 0 all the same.
                if own.iter().all(|&c| non_negative(c))
                    && known_sum(other) == Num::default()
                    && other.iter().all(|x| sound.contains(x))
                    && must != Num::default()
                {
                    for &x in &unknown {
                        tr.cells[x.0][x.1].value = Some(Num::default());
                        filled.push((x, id.id.as_str()));
                        zero_basis.push((x, other.clone()));
                        changed = true;
                    }
                    continue;
                }
                if must == Num::default() && unknown.iter().all(|&x| non_negative(x)) {
                    let alone =
                        own.iter().all(|&c| non_negative(c)) && known_sum(other) == Num::default();
                    let basis: Vec<(usize, usize)> = if alone {
                        other.clone()
                    } else {
                        lhs.iter()
                            .chain(rhs)
                            .copied()
                            .filter(|&x| value(tr, x).is_some())
                            .collect()
                    };
                    if basis.iter().any(|x| tainted.contains(x)) {
                        continue;
                    }
                    // A cell of a failed identity stays unknown: filling it would only
                    // complete a failure that is already there.
                    for &x in unknown.iter().filter(|x| !tainted.contains(x)) {
                        tr.cells[x.0][x.1].value = Some(Num::default());
                        filled.push((x, id.id.as_str()));
                        zero_basis.push((x, basis.clone()));
                        changed = true;
                    }
                    continue;
                }
            }
            // Cells of an identity that already fails may hold the misread value.
            if lhs.iter().chain(rhs).any(|x| tainted.contains(x)) {
                continue;
            }
            if let [x] = unknown.as_slice() {
                let v = if lhs.contains(x) {
                    need
                } else {
                    Num::default() - need
                };
                if (non_negative(*x) && v.is_negative()) || (integer(*x) && !v.is_integer()) {
                    return Ok(revert(tr, &filled));
                }
                tr.cells[x.0][x.1].value = Some(v);
                filled.push((*x, id.id.as_str()));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Every identity must still hold, and every filled cell must be checked by an
    // identity other than the one that produced it.
    let touches = |l: &[(usize, usize)], r: &[(usize, usize)]| {
        filled.iter().any(|(x, _)| l.contains(x) || r.contains(x))
    };
    // An identity that failed before anything was filled fails for its read cells.
    let consistent = instances
        .iter()
        .zip(&failing)
        .filter(|((_, _, l, r), f)| !**f && touches(l, r))
        .all(|((_, _, l, r), _)| holds(tr, l, r) != Some(false));
    if !consistent {
        return Ok(revert(tr, &filled));
    }
    let checked = |x: (usize, usize), by: &str| {
        instances.iter().any(|&(id, _, ref l, ref r)| {
            table.identities[id].id != by
                && (l.contains(&x) || r.contains(&x))
                && holds(tr, l, r) == Some(true)
        })
    };
    // A read cell that an identity of read cells alone confirms.
    let confirmed = |x: (usize, usize), by: &str| {
        !filled.iter().any(|(f, _)| *f == x)
            && instances.iter().any(|&(id, _, ref l, ref r)| {
                table.identities[id].id != by
                    && (l.contains(&x) || r.contains(&x))
                    && !touches(l, r)
                    && holds(tr, l, r) == Some(true)
            })
    };
    // A zero fill stands when every read cell it rests on is confirmed by another
    // identity of read cells, even where no identity of its own row can check it yet
    // (that row lost other cells).
    let from_confirmed_zero = |x: (usize, usize), by: &str| {
        zero_basis
            .iter()
            .find(|(f, _)| *f == x)
            .is_some_and(|(_, basis)| basis.iter().all(|&b| confirmed(b, by)))
    };
    let unchecked: Vec<(usize, usize)> = filled
        .iter()
        .filter(|&&(x, by)| !checked(x, by) && !from_confirmed_zero(x, by))
        .map(|&(x, _)| x)
        .collect();
    if !unchecked.is_empty() {
        revert(tr, &filled);
        return Err(unchecked);
    }
    let mut log = Vec::new();
    for &((r, c), _) in &filled {
        let cell = &mut tr.cells[r][c];
        cell.status = CellStatus::Inferred;
        log.push(Correction {
            line: cell.line.unwrap_or(0),
            kind: "inference",
            before: cell.raw.to_string(),
            after: cell.value.map_or(String::new(), |v| v.to_string()),
            score: 1.0,
            method: "identities",
        });
    }
    Ok(log)
}

fn revert(tr: &mut TableResult, filled: &[((usize, usize), &str)]) -> Vec<Correction> {
    for &((r, c), _) in filled {
        tr.cells[r][c].value = None;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::model::Cell;
    use crate::reconcile::check_identities;
    use crate::solve::table_of;

    #[test]
    fn a_lost_row_is_recovered_from_the_column_totals_and_checked_by_its_row_total() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (secret, total, new) = (r("refused_secret"), r("results_total"), r("new"));
        // One request from a person, refused as a state secret.
        let mut tr = table_of(
            |row, c| {
                if (row == secret || row == total || row == new) && (c == 0 || c == 6) {
                    1
                } else {
                    0
                }
            },
            t,
        );
        for c in 0..7 {
            tr.cells[secret][c] = Cell::missing();
        }
        let log = infer_from_identities(&mut tr, t);
        assert_eq!(log.len(), 7);
        assert_eq!(tr.cells[secret][0].value, Some(Num::int(1)));
        assert_eq!(tr.cells[secret][6].status, CellStatus::Inferred);
        let (b, _) = check_identities(&mut tr, t, &d.lexicon);
        assert_eq!(b.failed, 0);
    }

    #[test]
    fn a_confirmed_zero_total_zeroes_its_column_in_rows_that_lost_other_cells() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let (mut tr, repeat) = repeat_row_that_lost_cells(t);
        infer_from_identities(&mut tr, t);
        // 科研机构 … 其他 of （七）总计 are 0 and its row adds up: those columns are 0.
        for c in 2..=5 {
            assert_eq!(tr.cells[repeat][c].value, Some(Num::int(0)), "column {c}");
            assert_eq!(tr.cells[repeat][c].status, CellStatus::Inferred);
        }
        assert_eq!(check_identities(&mut tr, t, &d.lexicon).0.failed, 0);
    }

    #[test]
    fn a_zero_total_that_nothing_confirms_zeroes_nothing() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (mut tr, repeat) = repeat_row_that_lost_cells(t);
        // （七）总计 lost its row total and 一 its 科研机构 cell: the total row's 0s
        // are checked by no identity of read cells, so they zero nothing.
        tr.cells[r("results_total")][6] = Cell::missing();
        for row in ["new", "carried", "carry_forward"] {
            tr.cells[r(row)][2] = Cell::missing();
        }
        let log = infer_from_identities(&mut tr, t);
        assert_eq!(tr.cells[repeat][2].value, None, "{log:#?}");
    }

    #[test]
    fn a_misread_row_does_not_stop_zero_totals_from_zeroing_the_columns() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (lost, query) = (r("partial"), r("refused_query"));
        let mut tr = table_of(|_, _| 0, t);
        for c in 0..7 {
            tr.cells[lost][c] = Cell::missing();
        }
        // 其他 of 8.属于行政查询事项 printed 0, read 1: its row and column 其他 fail,
        // and every column crosses that row. The totals are 0 all the same (their own
        // row and 一+二 = 总计+四 confirm them), so the lost row is 0 throughout, and
        // the 1 stays as read, for review.
        tr.cells[query][5].value = Some(Num::int(1));
        infer_from_identities(&mut tr, t);
        for c in 0..7 {
            assert_eq!(tr.cells[lost][c].value, Some(Num::int(0)), "column {c}");
        }
        assert_eq!(tr.cells[query][5].value, Some(Num::int(1)));
    }

    #[test]
    fn a_confirmed_zero_total_zeroes_its_column_beside_a_row_of_misread_zeros() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (lost, misread) = (r("partial"), r("not_processed_confirmation"));
        let mut tr = table_of(|_, _| 0, t);
        for c in 0..7 {
            tr.cells[lost][c] = Cell::missing();
        }
        // `0 9 9 9 9 9 9` for a row of zeros: its row and six columns fail, but the
        // （七）总计 zeros, which their own row and 一+二 = 总计+四 confirm, still say
        // every cell of those columns is 0.
        for c in 1..7 {
            tr.cells[misread][c].value = Some(Num::int(9));
        }
        infer_from_identities(&mut tr, t);
        assert!(
            tr.cells[lost].iter().all(|c| c.value == Some(Num::int(0))),
            "{:?}",
            tr.cells[lost]
        );
        assert_eq!(tr.cells[misread][1].value, Some(Num::int(9)));
    }

    #[test]
    fn nothing_is_derived_from_an_identity_that_already_fails() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let r = |id: &str| t.row_index(id).unwrap();
        let (secret, granted) = (r("refused_secret"), r("granted"));
        let mut tr = table_of(|_, _| 0, t);
        // A misread 8 in 自然人 of （一）, and 自然人 of 1.属于国家秘密 lost: its row total
        // says 0, but with it column 自然人 fails, and the column's total 0 is
        // confirmed by nothing else (its row lost its 总计, 一 its 自然人), so nothing
        // is kept.
        tr.cells[granted][0].value = Some(Num::int(8));
        tr.cells[secret][0] = Cell::missing();
        tr.cells[r("results_total")][6] = Cell::missing();
        tr.cells[r("new")][0] = Cell::missing();
        let log = infer_from_identities(&mut tr, t);
        assert_eq!(tr.cells[secret][0].value, None, "{log:?}");
    }

    /// Eight requests from people, in （五）2.重复申请, which kept only its 商业企业
    /// cell; with 自然人 and 总计 of （一） lost too, neither column can be solved, so
    /// the row cannot be completed and checked by its own total. Gives the table and
    /// that row.
    fn repeat_row_that_lost_cells(t: &Table) -> (TableResult, usize) {
        let r = |id: &str| t.row_index(id).unwrap();
        let (repeat, total, new) = (r("not_processed_repeat"), r("results_total"), r("new"));
        let mut tr = table_of(
            |row, c| {
                if (row == repeat || row == total || row == new) && (c == 0 || c == 6) {
                    8
                } else {
                    0
                }
            },
            t,
        );
        for c in [0, 2, 3, 4, 5, 6] {
            tr.cells[repeat][c] = Cell::missing();
        }
        tr.cells[r("granted")][0] = Cell::missing();
        tr.cells[r("granted")][6] = Cell::missing();
        (tr, repeat)
    }

    proptest::proptest! {
        /// A table whose every identity cell is known is left as the rounds would
        /// leave it: nothing filled, nothing logged.
        #[test]
        fn a_known_table_gets_what_the_rounds_give(
            which in 0usize..64,
            set in proptest::collection::vec((0usize..64, 0usize..16, 0i64..4), 0..12),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let (t, mut tr) = crate::solve::scattered(&d, which, 1, set);
            let instances = identity_instances(t, &tr);
            let mut rounds = tr.clone();
            let mut barred: Vec<(usize, usize)> = Vec::new();
            let log = loop {
                match infer_once(&mut rounds, t, &instances, &barred) {
                    Ok(log) => break log,
                    Err(unchecked) => barred.extend(unchecked),
                }
            };
            let got = infer_from_identities_in(&mut tr, t, &instances);
            proptest::prop_assert_eq!(got.len(), log.len());
            proptest::prop_assert_eq!(format!("{:?}", tr), format!("{:?}", rounds));
        }

        /// The judgement from each side's sum taken once is the one that summed the
        /// sides for every question.
        #[test]
        fn failing_as_read_is_holds_false_or_a_side_exceeding(
            which in 0usize..64,
            set in proptest::collection::vec((0usize..64, 0usize..16, -1i64..4), 0..12),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let (t, tr) = crate::solve::scattered(&d, which, 1, set);
            let value = |x: At| tr.cells[x.0][x.1].value;
            let non_negative =
                |(r, c): At| t.blocks[t.rows[r].block].columns[c].domain != Domain::Signed;
            let exceeds = |side: &[At], other: &[At]| {
                complete_sum(&tr, other).is_some_and(|o| {
                    side.iter().all(|&x| value(x).is_some() || non_negative(x))
                        && Num::sum(side.iter().filter_map(|&x| value(x))) > o
                })
            };
            for (_, _, l, r) in &identity_instances(t, &tr) {
                let holds = complete_sum(&tr, l)
                    .zip(complete_sum(&tr, r))
                    .map(|(a, b)| a == b);
                let old = holds == Some(false) || exceeds(l, r) || exceeds(r, l);
                let sums = (complete_sum(&tr, l), complete_sum(&tr, r));
                proptest::prop_assert_eq!(fails_as_read(&tr, t, l, r, sums), old);
            }
        }
    }

    #[test]
    fn a_complete_sum_is_the_sum_of_the_values_collected() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let mut tr = table_of(|r, c| (r * 7 + c) as i64, t);
        // Every pattern of unknowns over a side of four cells, and the empty side.
        let side = [(0, 0), (1, 2), (2, 1), (3, 3)];
        for mask in 0..16u32 {
            for (i, &(r, c)) in side.iter().enumerate() {
                tr.cells[r][c].value = (mask >> i & 1 == 0).then(|| Num::int((r * 7 + c) as i64));
            }
            for n in 0..=side.len() {
                let cells = &side[..n];
                let collected: Option<Vec<Num>> =
                    cells.iter().map(|&(r, c)| tr.cells[r][c].value).collect();
                assert_eq!(
                    complete_sum(&tr, cells),
                    collected.map(Num::sum),
                    "{mask} {n}"
                );
            }
        }
    }
}
