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
/// Bound on the search (calls and texts tried), so that a long run cannot stall a
/// document.
const MAX_STEPS: usize = 200_000;
/// The longest text [`cell`] reads: a sign, the 19 digits an `i64` holds (a 20th
/// without a leading zero overflows it) and a point with six decimals. A text that
/// is longer, or holds a character outside ASCII, is no cell, and neither is any
/// text it begins.
const MAX_CELL_CHARS: usize = 1 + 19 + 1 + 6;

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
        // The cell's text, grown one character a time: a long run costs each step
        // at most MAX_CELL_CHARS tries, not a scan and a copy of the whole run a try.
        let mut text = [0u8; MAX_CELL_CHARS];
        for end in pos + 1..=self.chars.len() {
            let len = end - pos;
            if len > 1 && self.boundary[end - 1] {
                break;
            }
            let ch = self.chars[end - 1];
            // Neither this text nor any longer one is a cell (see MAX_CELL_CHARS).
            if len > MAX_CELL_CHARS || !ch.is_ascii() {
                break;
            }
            text[len - 1] = ch as u8;
            // Each text tried is a step too, so that the bound is on the work.
            self.steps += 1;
            if !self.boundary[end] && end == self.chars.len() {
                continue;
            }
            if forced.is_some_and(|n| len != n) {
                continue;
            }
            let Some(v) = std::str::from_utf8(&text[..len])
                .ok()
                .and_then(|t| cell(t, self.domains[col]))
            else {
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

    /// Every cut of every token into whole cells, in the search's order, kept when
    /// each cell reads in its column and the row balances: no bound, no pruning.
    fn every_reading(tokens: &[&str], ids: &[RowIdentity], domains: &[Domain]) -> Vec<Vec<Num>> {
        fn go(
            tokens: &[Vec<char>],
            at: usize,
            from: usize,
            row: &mut Vec<String>,
            out: &mut Vec<Vec<String>>,
        ) {
            let Some(token) = tokens.get(at) else {
                out.push(row.clone());
                return;
            };
            for end in from + 1..=token.len() {
                // A `-` begins a cell; it never sits inside one.
                if token[from + 1..end].contains(&'-') {
                    break;
                }
                row.push(token[from..end].iter().collect());
                if end == token.len() {
                    go(tokens, at + 1, 0, row, out);
                } else {
                    go(tokens, at, end, row, out);
                }
                row.pop();
            }
        }
        let chars: Vec<Vec<char>> = tokens.iter().map(|t| t.chars().collect()).collect();
        let mut texts = Vec::new();
        go(&chars, 0, 0, &mut Vec::new(), &mut texts);
        texts
            .iter()
            .filter(|row| row.len() == domains.len())
            .filter_map(|row| {
                let cells: Option<Vec<Num>> =
                    row.iter().zip(domains).map(|(t, &d)| cell(t, d)).collect();
                cells.filter(|c| balances(ids, c))
            })
            .collect()
    }

    proptest::proptest! {
        // The search's pruning (forced totals, no text past MAX_CELL_CHARS or a
        // character outside ASCII) loses no reading that trying every cut finds.
        #[test]
        fn the_search_finds_what_trying_every_cut_finds(
            tokens in proptest::collection::vec("[0-9.一-]{1,6}", 1..4),
            which in 0usize..64,
        ) {
            let d = Dictionaries::embedded().unwrap();
            let rows: Vec<(Vec<RowIdentity>, Vec<Domain>)> = d
                .templates
                .iter()
                .flat_map(|t| &t.tables)
                .flat_map(|t| (0..t.blocks.len()).map(move |b| (t, b)))
                .map(|(t, b)| {
                    let domains = t.blocks[b].columns.iter().map(|c| c.domain).collect();
                    (row_identities(t, b), domains)
                })
                .collect();
            let (ids, domains) = &rows[which % rows.len()];
            let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
            let want = every_reading(&refs, ids, domains);
            if want.len() <= MAX_READINGS {
                proptest::prop_assert_eq!(
                    cut_runs(&refs, domains.len(), ids, domains),
                    Cuts::Readings(want)
                );
            }
        }
    }

    proptest::proptest! {
        // What lets the search stop growing a cell's text: past MAX_CELL_CHARS, or
        // with a character outside ASCII, no text is a cell, whatever follows.
        #[test]
        fn no_text_past_the_limit_or_outside_ascii_is_a_cell(
            text in "[0-9.-]{28,40}|[0-9.-]{0,12}[一-龥０-９][0-9.-]{0,12}",
        ) {
            for d in [Domain::Count, Domain::Signed, Domain::Decimal] {
                proptest::prop_assert_eq!(cell(&text, d), None);
            }
            let long = format!("{}{}", "9".repeat(MAX_CELL_CHARS + 1), text);
            proptest::prop_assert_eq!(cell(&long, Domain::Decimal), None);
        }
    }

    #[test]
    fn a_long_run_too_many_ways_to_try_is_left_unknown() {
        // The run a fuzzer found (each step once scanned and copied the whole run).
        let run = format!(
            "0{}{}{}1439191205732965125",
            "2".repeat(22),
            ".".repeat(70),
            "0".repeat(58)
        );
        assert_eq!(readings(&[&run], "requests"), Cuts::TooMany);
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
