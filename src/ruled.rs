//! Runs read with a table's rules among the digits → cells: the ways to cut
//! `0|10|10o01o0o1o1o010` (seven zeros and the rules between them) into a row's cells.
//!
//! Takes the tokens of one run as OCR of a ruled table wrote them, the number of
//! cells, the identities along the row and the columns' domains; gives every reading
//! in which each rule look-alike separates cells, each `1` is a digit or a rule, a
//! letter read for 0 is 0, and a run of zeros between two rules may be one 0 the scan
//! smeared, cut as [`crate::split::cut_runs`] cuts (no cell across a token, no leading
//! zero, every row identity holding). A depth-first search over the characters, so a
//! run with many `1`s costs what its readings cost, not two to the number of `1`s.

use crate::dictionary::Domain;
use crate::lexicon::Lexicon;
use crate::numbers::Num;
use crate::placement::RowIdentity;
use crate::split::{balances, cell, forced, Cuts, MAX_READINGS};

/// Characters a run read with its rules may have: a row of a report is far shorter.
const MAX_RULED_CHARS: usize = 64;
/// Bound on the search, so that a long run cannot stall a document.
const MAX_STEPS: usize = 2_000_000;

/// One character of a run as OCR of a ruled table may have written it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mark {
    Digit(char),
    /// A table rule: separates cells.
    Rule,
    /// A `1` (or a letter read for one) that may be a digit or a rule.
    OneOrRule,
}

/// The marks of `tokens` and, per position, whether a token starts there (one more
/// entry for the end); None when a character is neither digit nor rule.
fn marks(tokens: &[&str], lex: &Lexicon) -> Option<(Vec<Mark>, Vec<bool>)> {
    let (mut marks, mut starts) = (Vec::new(), Vec::new());
    for t in tokens {
        for (i, c) in t.chars().enumerate() {
            let c = lex
                .digit_confusions
                .get(&c)
                .copied()
                .filter(|&d| d == '0')
                .unwrap_or(c);
            marks.push(match c {
                '1' => Mark::OneOrRule,
                d if d.is_ascii_digit() => Mark::Digit(d),
                r if lex.rule_lookalikes.contains(&r) || lex.cell_rules.contains(&r) => {
                    if lex.digit_confusions.get(&r) == Some(&'1') {
                        Mark::OneOrRule
                    } else {
                        Mark::Rule
                    }
                }
                _ => return None,
            });
            starts.push(i == 0);
        }
    }
    starts.push(true);
    Some((marks, starts))
}

/// The readings of `tokens` as `n` cells (see the module docs). A liberal reading:
/// the caller tries it only where the digits as read give none, and leaves the choice
/// among several to the whole table.
pub fn cut_ruled_runs(
    tokens: &[&str],
    n: usize,
    ids: &[RowIdentity],
    domains: &[Domain],
    lex: &Lexicon,
) -> Cuts {
    let Some((marks, starts)) = marks(tokens, lex) else {
        return Cuts::Readings(Vec::new());
    };
    if marks.len() > MAX_RULED_CHARS {
        return Cuts::TooMany;
    }
    if n == 0 || domains.len() < n {
        return Cuts::Readings(Vec::new());
    }
    // From each position on: how many stretches between rules (and token breaks) hold
    // a digit. Each needs a cell of its own, which bounds the cells still to cut.
    let mut clusters = vec![0; marks.len() + 1];
    let mut counted = false;
    for q in (0..marks.len()).rev() {
        if marks[q] == Mark::Rule {
            counted = false;
        }
        let new = matches!(marks[q], Mark::Digit(_)) && !counted;
        counted |= new;
        clusters[q] = clusters[q + 1] + usize::from(new);
        if starts[q] {
            counted = false;
        }
    }
    let mut search = Search {
        marks: &marks,
        starts: &starts,
        clusters: &clusters,
        n,
        ids,
        domains,
        parts: Vec::with_capacity(n),
        out: Vec::new(),
        steps: 0,
    };
    if search.go(0, true) {
        Cuts::Readings(search.out)
    } else {
        Cuts::TooMany
    }
}

struct Search<'a> {
    marks: &'a [Mark],
    starts: &'a [bool],
    /// Per position: stretches with a digit from there on (see `cut_ruled_runs`).
    clusters: &'a [usize],
    n: usize,
    ids: &'a [RowIdentity],
    domains: &'a [Domain],
    parts: Vec<Num>,
    out: Vec<Vec<Num>>,
    steps: usize,
}

impl Search<'_> {
    /// Reads on from position `p`; `after_rule` says a rule or the run's start is
    /// right before it. False when the search grew too large.
    fn go(&mut self, p: usize, after_rule: bool) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.out.len() > MAX_READINGS {
            return false;
        }
        let len = self.marks.len();
        if self.parts.len() == self.n {
            // What is left must be rules.
            if self.marks[p..].iter().all(|m| !matches!(m, Mark::Digit(_)))
                && balances(self.ids, &self.parts)
                && !self.out.contains(&self.parts)
            {
                self.out.push(self.parts.clone());
            }
            return true;
        }
        if p == len || self.clusters[p] > self.n - self.parts.len() {
            return true;
        }
        let separated = after_rule || self.starts[p];
        match self.marks[p] {
            Mark::Rule => return self.go(p + 1, true),
            Mark::OneOrRule => {
                if !self.go(p + 1, true) {
                    return false;
                }
            }
            Mark::Digit(_) => {}
        }
        // A cell starting here, a `1` read as a digit.
        let col = self.parts.len();
        let must = forced(self.ids, &self.parts, col);
        let mut text = String::new();
        for e in p + 1..=len {
            if e - 1 > p && self.starts[e - 1] {
                break;
            }
            match self.marks[e - 1] {
                Mark::Rule => break,
                Mark::Digit(d) => text.push(d),
                Mark::OneOrRule => text.push('1'),
            }
            if let Some(v) = cell(&text, self.domains[col]).filter(|v| must.is_none_or(|m| m == *v))
            {
                self.parts.push(v);
                let ok = self.go(e, false);
                self.parts.pop();
                if !ok {
                    return false;
                }
            }
            // Zeros from one rule to the next may be one 0 the scan smeared.
            let zeros = text.len() > 1 && text.bytes().all(|b| b == b'0');
            if zeros && separated && must.is_none_or(|m| m == Num::default()) {
                let next = match self.marks.get(e) {
                    None => Some(e),
                    Some(_) if self.starts[e] => Some(e),
                    Some(Mark::Rule | Mark::OneOrRule) => Some(e + 1),
                    Some(Mark::Digit(_)) => None,
                };
                if let Some(next) = next {
                    self.parts.push(Num::default());
                    let ok = self.go(next, true);
                    self.parts.pop();
                    if !ok {
                        return false;
                    }
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::placement::row_identities;
    use crate::split::cut_runs;

    fn nums(v: &[i64]) -> Vec<Num> {
        v.iter().map(|&x| Num::int(x)).collect()
    }

    fn ruled(tokens: &[&str]) -> Cuts {
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("requests").unwrap();
        let ids = row_identities(t, 0);
        let domains: Vec<Domain> = t.blocks[0].columns.iter().map(|c| c.domain).collect();
        cut_ruled_runs(tokens, 7, &ids, &domains, &d.lexicon)
    }

    #[test]
    fn rules_read_as_characters_among_the_digits_are_read_as_rules() {
        // Seven zeros between rules OCR read as 1, |, l and o.
        assert_eq!(
            ruled(&["0", "10", "10o01o0o1o1o010"]),
            Cuts::Readings(vec![nums(&[0; 7])])
        );
        // Where a 1 may be a digit or a rule, every reading that balances is listed,
        // for the table to choose from.
        for (run, truth) in [
            (&["1", "0101o1o1o0", "1"][..], [1, 0, 0, 0, 0, 0, 1]),
            (
                &["4", "0", "0", "0", "1", "1015"][..],
                [4, 0, 0, 0, 1, 0, 5],
            ),
        ] {
            let Cuts::Readings(r) = ruled(run) else {
                panic!("too many")
            };
            assert!(r.contains(&nums(&truth)) && r.len() > 1, "{r:?}");
        }
        // Text is no run.
        assert_eq!(ruled(&["0", "年"]), Cuts::Readings(Vec::new()));
    }

    const MAX_RULE_MASKS: usize = 1024;

    /// The first implementation, every reading of the `1`s tried in turn: the oracle
    /// for the search.
    fn by_masks(
        tokens: &[&str],
        n: usize,
        ids: &[RowIdentity],
        domains: &[Domain],
        lex: &Lexicon,
    ) -> Cuts {
        // The marks per token, as the search reads them.
        let Some((flat, starts)) = marks(tokens, lex) else {
            return Cuts::Readings(Vec::new());
        };
        let mut marked: Vec<Vec<Mark>> = Vec::new();
        for (m, &start) in flat.iter().zip(&starts) {
            match marked.last_mut() {
                Some(last) if !start => last.push(*m),
                _ => marked.push(vec![*m]),
            }
        }
        let choices = marked
            .iter()
            .flatten()
            .filter(|&&m| m == Mark::OneOrRule)
            .count();
        let chars: usize = marked.iter().map(Vec::len).sum();
        if choices > MAX_RULE_MASKS.ilog2() as usize || chars > MAX_RULED_CHARS {
            return Cuts::TooMany;
        }
        let mut tried = 0;
        let mut out: Vec<Vec<Num>> = Vec::new();
        for mask in 0..1usize << choices {
            let mut bit = 0;
            let mut clusters: Vec<String> = Vec::new();
            for m in &marked {
                let mut cur = String::new();
                for &x in m {
                    let digit = match x {
                        Mark::Digit(d) => Some(d),
                        Mark::Rule => None,
                        Mark::OneOrRule => {
                            bit += 1;
                            (mask >> (bit - 1) & 1 == 1).then_some('1')
                        }
                    };
                    match digit {
                        Some(d) => cur.push(d),
                        None => clusters.push(std::mem::take(&mut cur)),
                    }
                }
                clusters.push(cur);
            }
            clusters.retain(|c| !c.is_empty());
            // Each cluster is at least one cell.
            if clusters.len() > n {
                continue;
            }
            let smeared: Vec<usize> = (0..clusters.len())
                .filter(|&i| clusters[i].len() > 1 && clusters[i].bytes().all(|b| b == b'0'))
                .collect();
            if smeared.len() > 6 {
                return Cuts::TooMany;
            }
            for collapse in 0..1usize << smeared.len() {
                let mut parts = clusters.clone();
                for (k, &i) in smeared.iter().enumerate() {
                    if collapse >> k & 1 == 1 {
                        parts[i] = "0".into();
                    }
                }
                tried += 1;
                if tried > MAX_RULE_MASKS {
                    return Cuts::TooMany;
                }
                let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
                match cut_runs(&refs, n, ids, domains) {
                    Cuts::TooMany => return Cuts::TooMany,
                    Cuts::Readings(rs) => {
                        for r in rs {
                            if !out.contains(&r) {
                                out.push(r);
                            }
                        }
                    }
                }
                if out.len() > MAX_READINGS {
                    return Cuts::TooMany;
                }
            }
        }
        Cuts::Readings(out)
    }

    /// The same readings, in any order.
    fn same(a: &Cuts, b: &Cuts) -> bool {
        match (a, b) {
            (Cuts::Readings(x), Cuts::Readings(y)) => {
                x.len() == y.len() && x.iter().all(|r| y.contains(r))
            }
            _ => false,
        }
    }

    proptest::proptest! {
        #[test]
        fn the_search_finds_what_trying_every_reading_of_the_ones_finds(
            tokens in proptest::collection::vec("[0o1l|2-5]{1,7}", 1..5),
            template in 0usize..2,
        ) {
            let d = Dictionaries::embedded().unwrap();
            let t = d.templates[template].table("requests").unwrap();
            let ids = row_identities(t, 0);
            let domains: Vec<Domain> = t.blocks[0].columns.iter().map(|c| c.domain).collect();
            let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
            let old = by_masks(&refs, 7, &ids, &domains, &d.lexicon);
            if let Cuts::Readings(_) = old {
                let new = cut_ruled_runs(&refs, 7, &ids, &domains, &d.lexicon);
                proptest::prop_assert!(same(&old, &new), "{refs:?}: {old:?} vs {new:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_search_agrees_with_every_reading_tried_on_ruled_rows(
            values in proptest::collection::vec(0i64..12, 6),
            seps in proptest::collection::vec(0usize..5, 8),
            zeros in proptest::collection::vec(proptest::bool::ANY, 7),
        ) {
            // A consistent row of table 三 (总计 = the six), written with rules read
            // as |, l or 1, zeros read as o, and token breaks.
            let mut row = values.clone();
            row.push(values.iter().sum());
            let mut text = String::new();
            for (i, v) in row.iter().enumerate() {
                text.push_str(["", "|", "l", "1", " "][seps[i]]);
                let digits = v.to_string();
                text.push_str(&if zeros[i] { digits.replace('0', "o") } else { digits });
            }
            text.push_str(["", "|", "l", "1", " "][seps[7]]);
            let tokens: Vec<&str> = text.split(' ').filter(|t| !t.is_empty()).collect();
            let d = Dictionaries::embedded().unwrap();
            let t = d.templates[1].table("requests").unwrap();
            let ids = row_identities(t, 0);
            let domains: Vec<Domain> = t.blocks[0].columns.iter().map(|c| c.domain).collect();
            let old = by_masks(&tokens, 7, &ids, &domains, &d.lexicon);
            let new = cut_ruled_runs(&tokens, 7, &ids, &domains, &d.lexicon);
            if let Cuts::Readings(_) = old {
                proptest::prop_assert!(same(&old, &new), "{tokens:?}: {old:?} vs {new:?}");
            }
            // Nothing the first way read is lost, and the row as printed is among the
            // readings wherever a rule stands between every two cells.
            if let Cuts::Readings(r) = &new {
                let nums: Vec<Num> = row.iter().map(|&v| Num::int(v)).collect();
                if seps[1..7].iter().all(|&k| k == 1 || k == 2 || k == 4) {
                    proptest::prop_assert!(r.contains(&nums), "{tokens:?}: {r:?}");
                }
            }
        }
    }

    #[test]
    fn a_run_with_more_ones_than_readings_is_still_read() {
        // Table 四 with its rules read as 1s (14 of them): 85 12 30 22 149 | 67 19 30
        // 10 126 | 0 0 0 0 0.
        let d = Dictionaries::embedded().unwrap();
        let t = d.templates[1].table("appeals").unwrap();
        let ids = row_identities(t, 0);
        let domains: Vec<Domain> = t.blocks[0].columns.iter().map(|c| c.domain).collect();
        let run = [
            "85", "12", "130122", "149", "167", "1119", "130110", "1126", "1", "0", "0", "0", "0",
            "0",
        ];
        let Cuts::Readings(r) = cut_ruled_runs(&run, 15, &ids, &domains, &d.lexicon) else {
            panic!("too many")
        };
        assert!(
            r.contains(&nums(&[
                85, 12, 30, 22, 149, 67, 19, 30, 10, 126, 0, 0, 0, 0, 0
            ])),
            "{r:?}"
        );
    }
}
