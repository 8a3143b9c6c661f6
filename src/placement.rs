//! Row completion from the row identities: cells of one row → the cells the row's own
//! identities determine.
//!
//! Takes the values read for one row (some positions unknown, or a run shorter than
//! the row whose positions are unknown) and the identities that hold along the row
//! (总计 = the cells before it), gives the full row when, and only when, every way of
//! reading it that the identities and the domains allow gives the same values. A
//! blank beside a total that already equals the sum of the rest is a 0; a run of six
//! zeros in a seven-column row is seven zeros. Anything less certain is left unknown.

use crate::dictionary::{Domain, Over, Table, Term};
use crate::numbers::Num;

/// Placements of a short run tried at most; beyond it the row is left unknown.
const MAX_PLACEMENTS: usize = 5000;

/// One identity along a row: Σ lhs columns = Σ rhs columns.
#[derive(Clone, Debug)]
pub struct RowIdentity {
    lhs: Vec<usize>,
    rhs: Vec<usize>,
}

/// The identities that hold along every row of `block` of `table`.
pub fn row_identities(table: &Table, block: usize) -> Vec<RowIdentity> {
    let items = |terms: &[Term]| -> Option<Vec<usize>> {
        terms
            .iter()
            .map(|t| match t {
                Term::Item(c) => Some(*c),
                Term::Group { .. } => None,
            })
            .collect()
    };
    table
        .identities
        .iter()
        .filter(|id| id.over == Over::Rows && id.block == block)
        .filter_map(|id| {
            Some(RowIdentity {
                lhs: items(&id.lhs)?,
                rhs: items(&id.rhs)?,
            })
        })
        .collect()
}

/// Fills what the identities force. None when the known values already contradict
/// them (that is for reconciliation to report, not for this step to mend).
pub fn complete(
    values: &[Option<Num>],
    ids: &[RowIdentity],
    domains: &[Domain],
) -> Option<Vec<Option<Num>>> {
    let mut v = values.to_vec();
    let non_negative = |c: usize| domains.get(c).is_some_and(|d| *d != Domain::Signed);
    loop {
        let mut changed = false;
        for id in ids {
            let known = |cs: &[usize], v: &[Option<Num>]| Num::sum(cs.iter().filter_map(|&c| v[c]));
            // What the unknown cells of the lhs must sum to, minus those of the rhs.
            let need = known(&id.rhs, &v) - known(&id.lhs, &v);
            let unknown_l: Vec<usize> =
                id.lhs.iter().copied().filter(|&c| v[c].is_none()).collect();
            let unknown_r: Vec<usize> =
                id.rhs.iter().copied().filter(|&c| v[c].is_none()).collect();
            match (unknown_l.as_slice(), unknown_r.as_slice()) {
                ([], []) if need != Num::default() => return None,
                ([], []) => {}
                ([c], []) => {
                    if non_negative(*c) && need.is_negative() {
                        return None;
                    }
                    v[*c] = Some(need);
                    changed = true;
                }
                ([], [c]) => {
                    let value = Num::default() - need;
                    if non_negative(*c) && value.is_negative() {
                        return None;
                    }
                    v[*c] = Some(value);
                    changed = true;
                }
                (side, []) | ([], side) => {
                    // Several unknowns on one side: only their sum is known. Zero (or a
                    // negative sum) settles non-negative cells.
                    let sum = if unknown_r.is_empty() {
                        need
                    } else {
                        Num::default() - need
                    };
                    if side.iter().all(|&c| non_negative(c)) {
                        if sum.is_negative() {
                            return None;
                        }
                        if sum == Num::default() {
                            side.iter().for_each(|&c| v[c] = Some(Num::default()));
                            changed = true;
                        }
                    }
                }
                _ => {}
            }
        }
        if !changed {
            return Some(v);
        }
    }
}

/// Places a run of `read` values that is shorter than the `n` columns. Some(row) when
/// every placement the identities allow is complete, fills the lost cells with 0 (a
/// lost cell is a blank that OCR dropped; a run that needs a non-zero lost cell more
/// likely misread a number, and is left alone) and all give the same row.
pub fn place_short_run(
    read: &[Num],
    n: usize,
    ids: &[RowIdentity],
    domains: &[Domain],
) -> Option<Vec<Num>> {
    let k = read.len();
    if k > n || ids.is_empty() {
        return None;
    }
    let mut positions: Vec<usize> = (0..k).collect();
    let mut answer: Option<Vec<Num>> = None;
    let mut tried = 0;
    loop {
        tried += 1;
        if tried > MAX_PLACEMENTS {
            return None;
        }
        let mut v = vec![None; n];
        for (i, &p) in positions.iter().enumerate() {
            v[p] = Some(read[i]);
        }
        let gaps: Vec<usize> = (0..n).filter(|c| v[*c].is_none()).collect();
        let filled = complete(&v, ids, domains).filter(|f| {
            gaps.iter()
                .all(|&c| f[c].is_none_or(|x| x == Num::default()))
        });
        if let Some(filled) = filled {
            let row: Option<Vec<Num>> = filled.into_iter().collect();
            match (row, &answer) {
                (None, _) => return None,
                (Some(r), None) => answer = Some(r),
                (Some(r), Some(a)) if &r == a => {}
                (Some(_), Some(_)) => return None,
            }
        }
        if !next_combination(&mut positions, n) {
            return answer;
        }
    }
}

/// Advances `pos` (strictly increasing, values below `n`) to the next combination.
fn next_combination(pos: &mut [usize], n: usize) -> bool {
    let k = pos.len();
    for i in (0..k).rev() {
        if pos[i] < n - k + i {
            pos[i] += 1;
            for j in i + 1..k {
                pos[j] = pos[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;

    fn requests_ids() -> (Vec<RowIdentity>, Vec<Domain>) {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[0].table("requests").unwrap();
        (
            row_identities(t, 0),
            t.blocks[0].columns.iter().map(|c| c.domain).collect(),
        )
    }

    fn nums(v: &[i64]) -> Vec<Num> {
        v.iter().map(|&x| Num::int(x)).collect()
    }

    #[test]
    fn blanks_beside_a_total_that_already_balances_are_zero() {
        let (ids, dom) = requests_ids();
        let v = [
            Some(Num::int(2)),
            None,
            Some(Num::int(0)),
            None,
            None,
            None,
            Some(Num::int(2)),
        ];
        let got = complete(&v, &ids, &dom).unwrap();
        assert!(got.iter().all(|x| x.is_some()));
        assert_eq!(got[1], Some(Num::int(0)));
        // One blank and a total that does not balance: the blank is the difference.
        let v = [
            Some(Num::int(2)),
            None,
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(5)),
        ];
        assert_eq!(complete(&v, &ids, &dom).unwrap()[1], Some(Num::int(3)));
        // Two blanks that must share 3: left unknown.
        let v = [
            Some(Num::int(2)),
            None,
            None,
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(5)),
        ];
        let got = complete(&v, &ids, &dom).unwrap();
        assert_eq!((got[1], got[2]), (None, None));
        // Known cells that already exceed the total: a contradiction, not a repair.
        let v = [
            Some(Num::int(9)),
            None,
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(0)),
            Some(Num::int(5)),
        ];
        assert!(complete(&v, &ids, &dom).is_none());
    }

    #[test]
    fn a_short_run_is_placed_only_when_every_placement_agrees() {
        let (ids, dom) = requests_ids();
        assert_eq!(
            place_short_run(&nums(&[0, 0, 0, 0, 0, 0]), 7, &ids, &dom),
            Some(nums(&[0; 7]))
        );
        // 1 … 1 could be 自然人 or 商业企业: two rows, so no answer.
        assert_eq!(
            place_short_run(&nums(&[1, 0, 0, 0, 0, 1]), 7, &ids, &dom),
            None
        );
        // 6 0 0 3 0 7 fits only as a total of 16: a lost digit, not a lost blank.
        assert_eq!(
            place_short_run(&nums(&[6, 0, 0, 3, 0, 7]), 7, &ids, &dom),
            None
        );
        // Without identities nothing is placed.
        assert_eq!(place_short_run(&nums(&[0, 0]), 3, &[], &dom), None);
    }

    #[test]
    fn combinations_are_enumerated_in_order() {
        let mut p = vec![0, 1];
        let mut all = vec![p.clone()];
        while next_combination(&mut p, 4) {
            all.push(p.clone());
        }
        assert_eq!(all, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    }
}
