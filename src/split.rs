//! Digit runs → cells: the ways to cut digits that ran together into a row's cells.
//!
//! Takes the tokens of one run as read (`640020470`, or `230 000023`), the number of
//! cells in the row, the identities along the row and the columns' domains, and gives
//! every reading that puts each token's characters into one or more whole cells, in
//! order, such that no cell is written with a leading zero, a `-` only starts a cell
//! of a signed column, a `.` only sits in a decimal column, and every row identity
//! holds. Choosing among several readings is for the whole table (see
//! [`crate::placement::place_by_table`]).

use crate::dictionary::Domain;
use crate::numbers::Num;
use crate::placement::RowIdentity;

/// More readings than this are not worth listing: the run is left unknown.
pub const MAX_READINGS: usize = 64;
/// Bound on the search, so that a long run cannot stall a document.
const MAX_STEPS: usize = 200_000;

/// What cutting a run gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Cuts {
    /// Every reading the identities allow (possibly none).
    Readings(Vec<Vec<Num>>),
    /// Too many to tell apart or to list.
    TooMany,
}

/// The readings of `tokens` as `n` cells; see the module docs.
pub fn cut_runs(tokens: &[&str], n: usize, ids: &[RowIdentity], domains: &[Domain]) -> Cuts {
    let mut chars: Vec<char> = Vec::new();
    // A cell may not reach across a token boundary, nor across a `-`.
    let mut boundary: Vec<bool> = Vec::new();
    for t in tokens {
        for (i, ch) in t.chars().enumerate() {
            boundary.push(i == 0 || ch == '-');
            chars.push(ch);
        }
    }
    boundary.push(true);
    if n == 0 || chars.len() < n || domains.len() < n {
        return Cuts::Readings(Vec::new());
    }
    let mut search = Search {
        chars: &chars,
        boundary: &boundary,
        n,
        ids,
        domains,
        parts: Vec::with_capacity(n),
        out: Vec::new(),
        steps: 0,
    };
    if search.go(0) {
        Cuts::Readings(search.out)
    } else {
        Cuts::TooMany
    }
}

struct Search<'a> {
    chars: &'a [char],
    boundary: &'a [bool],
    n: usize,
    ids: &'a [RowIdentity],
    domains: &'a [Domain],
    parts: Vec<Num>,
    out: Vec<Vec<Num>>,
    steps: usize,
}

impl Search<'_> {
    /// Extends the cells from `pos`; false when the search grew too large.
    fn go(&mut self, pos: usize) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.out.len() > MAX_READINGS {
            return false;
        }
        let col = self.parts.len();
        let left = self.chars.len() - pos;
        if col == self.n {
            if left == 0 && self.balances() {
                self.out.push(self.parts.clone());
            }
            return true;
        }
        if left < self.n - col {
            return true;
        }
        // A total whose parts are all read must be their sum: one length to try.
        let forced = self.forced(col).map(|v| v.to_string().chars().count());
        for end in pos + 1..=self.chars.len() {
            if self.boundary[pos + 1..end].iter().any(|&b| b) {
                break;
            }
            if !self.boundary[end] && end == self.chars.len() {
                continue;
            }
            if forced.is_some_and(|len| end - pos != len) {
                continue;
            }
            let text: String = self.chars[pos..end].iter().collect();
            let Some(v) = cell(&text, self.domains[col]) else {
                continue;
            };
            self.parts.push(v);
            let ok = self.go(end);
            self.parts.pop();
            if !ok {
                return false;
            }
        }
        true
    }

    fn forced(&self, col: usize) -> Option<Num> {
        forced(self.ids, &self.parts, col)
    }

    fn balances(&self) -> bool {
        balances(self.ids, &self.parts)
    }
}

/// The value column `col` must have when an identity has it alone on one side and
/// every cell of the other side is among `parts` (the cells cut so far).
pub(crate) fn forced(ids: &[RowIdentity], parts: &[Num], col: usize) -> Option<Num> {
    let done = |cs: &[usize]| cs.iter().all(|&c| c < col);
    ids.iter().find_map(|id| {
        let (lhs, rhs) = (id.lhs(), id.rhs());
        let sum = |cs: &[usize]| Num::sum(cs.iter().map(|&c| parts[c]));
        match (lhs, rhs) {
            ([c], r) if *c == col && done(r) => Some(sum(r)),
            (l, [c]) if *c == col && done(l) => Some(sum(l)),
            _ => None,
        }
    })
}

/// Whether every row identity holds on a complete row.
pub(crate) fn balances(ids: &[RowIdentity], parts: &[Num]) -> bool {
    ids.iter().all(|id| {
        Num::sum(id.lhs().iter().map(|&c| parts[c])) == Num::sum(id.rhs().iter().map(|&c| parts[c]))
    })
}

/// One cell's text as a value of its column, if it is written as one.
pub(crate) fn cell(text: &str, domain: Domain) -> Option<Num> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    if body.is_empty() || (neg && domain != Domain::Signed) {
        return None;
    }
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) if domain == Domain::Decimal && !f.is_empty() => (i, Some(f)),
        Some(_) => return None,
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) || !frac.is_none_or(digits) {
        return None;
    }
    let n: i64 = int.parse().ok()?;
    let mut v = Num::int(n);
    if let Some(f) = frac {
        let padded = format!("{f:0<6}");
        let micro: i64 = padded.get(..6)?.parse().ok()?;
        if f.len() > 6 {
            return None;
        }
        v = v + Num::micro(micro);
    }
    Some(if neg { Num::default() - v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::placement::row_identities;

    fn readings(tokens: &[&str], table: &str) -> Cuts {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table(table).unwrap();
        let ids = row_identities(t, 0);
        let domains: Vec<Domain> = t.blocks[0].columns.iter().map(|c| c.domain).collect();
        cut_runs(tokens, domains.len(), &ids, &domains)
    }

    fn nums(v: &[i64]) -> Vec<Num> {
        v.iter().map(|&x| Num::int(x)).collect()
    }

    #[test]
    fn a_run_that_one_cut_balances_gives_one_reading() {
        // 一、本年新收 640020470: 64 0 0 2 0 4 | 70.
        assert_eq!(
            readings(&["640020470"], "requests"),
            Cuts::Readings(vec![nums(&[64, 0, 0, 2, 0, 4, 70])])
        );
        // A space the dump kept is a cut that must be made.
        assert_eq!(
            readings(&["230", "000023"], "requests"),
            Cuts::Readings(vec![nums(&[23, 0, 0, 0, 0, 0, 23])])
        );
        // Table 四, 15 cells in three groups: 1 0 2 0 3 | 12 0 0 0 12 | 0 0 0 0 0.
        assert_eq!(
            readings(&["10203120001200000"], "appeals"),
            Cuts::Readings(vec![nums(&[1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0])])
        );
    }

    #[test]
    fn runs_that_several_cuts_balance_give_them_all() {
        // `110000011`: 1 10 0 0 0 0 | 11 or 11 0 0 0 0 0 | 11.
        assert_eq!(
            readings(&["110000011"], "requests"),
            Cuts::Readings(vec![
                nums(&[1, 10, 0, 0, 0, 0, 11]),
                nums(&[11, 0, 0, 0, 0, 0, 11])
            ])
        );
    }

    #[test]
    fn no_leading_zeros_no_stray_signs_and_nothing_that_does_not_balance() {
        assert_eq!(
            readings(&["0500005"], "requests"),
            Cuts::Readings(vec![nums(&[0, 5, 0, 0, 0, 0, 5])])
        );
        assert_eq!(readings(&["1234567"], "requests"), Cuts::Readings(vec![]));
        assert_eq!(readings(&["12-3"], "requests"), Cuts::Readings(vec![]));
        assert_eq!(readings(&["1"], "requests"), Cuts::Readings(vec![]));
    }

    #[test]
    fn signed_and_decimal_cells_are_read_in_their_own_columns() {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[0].table("proactive").unwrap();
        let r = t.row_index("penalty").unwrap();
        let block = t.rows[r].block;
        let domains: Vec<Domain> = t.blocks[block].columns.iter().map(|c| c.domain).collect();
        // 行政处罚 2648-18538 (上一年项目数量, 本年增/减, 处理决定数量): no identity,
        // so every reading is listed, each with a negative 本年增/减.
        let Cuts::Readings(r) = cut_runs(&["2648-18538"], 3, &[], &domains) else {
            panic!()
        };
        assert!(
            r.contains(&vec![Num::int(2648), Num::int(-18), Num::int(538)]),
            "{r:?}"
        );
        assert!(r.iter().all(|x| x[1].is_negative()));
    }
}
