//! Whether a line holds a table rule ([`crate::lexicon::Lexicon::has_cell_rule`]).
//!
//! Takes the lexicon's `cell_rules` once, gives a yes or no for a line. Nearly every
//! line the lexer reads is asked and nearly none holds a rule, so the answer is
//! searched for, not read off each byte: for each rule one of its bytes that report
//! text seldom holds (its anchor), found with `memchr` (vectorised, three bytes a
//! pass), and the rule checked around each hit. A byte-wise loop (about six
//! instructions a byte) remains for rule sets whose anchors need more than two passes.

/// The rules of a lexicon, ready to be searched for.
#[derive(Clone, Debug, Default)]
pub(super) struct RuleScan {
    /// Each rule in UTF-8, with where its anchor byte stands in it.
    rules: Vec<(Vec<u8>, usize)>,
    /// The distinct anchor bytes, one to three a `memchr` pass; empty when the
    /// byte-wise loop answers instead.
    passes: Vec<Vec<u8>>,
    /// Which bytes end a rule (the byte-wise loop).
    ends: Vec<bool>,
}

/// The most `memchr` passes a line is given; past them the byte-wise loop costs less.
const MAX_PASSES: usize = 2;

impl RuleScan {
    pub(super) fn new(rules: &[char]) -> RuleScan {
        let rules: Vec<(Vec<u8>, usize)> = rules
            .iter()
            .map(|r| {
                let b = r.to_string().into_bytes();
                let at = anchor_at(&b);
                (b, at)
            })
            .collect();
        let mut anchors: Vec<u8> = Vec::new();
        let mut ends = vec![false; 256];
        for (r, at) in &rules {
            if let Some(&x) = r.get(*at) {
                if !anchors.contains(&x) {
                    anchors.push(x);
                }
            }
            if let Some(&last) = r.last() {
                ends[usize::from(last)] = true;
            }
        }
        let passes: Vec<Vec<u8>> = anchors.chunks(3).map(<[u8]>::to_vec).collect();
        RuleScan {
            passes: if passes.len() <= MAX_PASSES {
                passes
            } else {
                Vec::new()
            },
            rules,
            ends,
        }
    }

    /// Whether `line` holds one of the rules (as `line.contains(rule)` for any).
    pub(super) fn found(&self, line: &str) -> bool {
        let bytes = line.as_bytes();
        if self.passes.is_empty() {
            return self.found_bytewise(bytes);
        }
        self.passes.iter().any(|pass| {
            let mut from = 0;
            while let Some(i) = bytes.get(from..).and_then(|rest| find(pass, rest)) {
                let hit = from + i;
                if self.rule_at(bytes, hit) {
                    return true;
                }
                from = hit + 1;
            }
            false
        })
    }

    /// Whether a rule stands in `bytes` with its anchor at `hit`.
    fn rule_at(&self, bytes: &[u8], hit: usize) -> bool {
        self.rules.iter().any(|(r, at)| {
            hit.checked_sub(*at)
                .and_then(|start| bytes.get(start..))
                .is_some_and(|rest| rest.starts_with(r))
        })
    }

    /// [`RuleScan::found`] a byte at a time.
    fn found_bytewise(&self, bytes: &[u8]) -> bool {
        bytes.iter().enumerate().any(|(i, &b)| {
            self.ends[usize::from(b)] && self.rules.iter().any(|(r, _)| bytes[..=i].ends_with(r))
        })
    }
}

/// Where the anchor of a rule (in UTF-8) stands: its first byte, unless that leads a
/// character of U+3000 and up (CJK text, where such lead bytes are every third byte),
/// else its last byte (a continuation byte: one in sixty-four or so of them).
fn anchor_at(rule: &[u8]) -> usize {
    match rule.first() {
        Some(&b) if b >= 0xe3 => rule.len() - 1,
        _ => 0,
    }
}

/// The first byte of `hay` that is one of `pass` (one to three bytes).
fn find(pass: &[u8], hay: &[u8]) -> Option<usize> {
    match *pass {
        [x] => memchr::memchr(x, hay),
        [x, y] => memchr::memchr2(x, y, hay),
        [x, y, z] => memchr::memchr3(x, y, z, hay),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the scan answers: whether any rule is a substring of the line.
    fn plain(rules: &[char], line: &str) -> bool {
        rules
            .iter()
            .any(|&r| line.contains(&*r.encode_utf8(&mut [0; 4])))
    }

    /// Rule sets of one and two passes (the lexicon's: `|`, `¦`, box drawings and
    /// `丨`) and one the byte-wise loop answers.
    fn rule_sets() -> Vec<Vec<char>> {
        vec![
            vec!['|', '¦', '│', '┃', '丨'],
            vec!['|'],
            vec!['丨', '┃'],
            vec!['|', '¦', '│', '丨', '目', '¥', 'Ω', '文'],
        ]
    }

    #[test]
    fn the_lexicons_rules_take_two_passes_and_the_long_set_none() {
        let sets = rule_sets();
        assert_eq!(RuleScan::new(&sets[0]).passes.len(), 2);
        assert_eq!(RuleScan::new(&sets[1]).passes.len(), 1);
        assert!(RuleScan::new(&sets[3]).passes.is_empty());
    }

    proptest::proptest! {
        /// Lines of report text, rules and characters that share a rule's anchor
        /// byte or its other bytes (`“`, `—`, `个`, `丫`, `¥`, U+00A0, `─`).
        #[test]
        fn rules_are_found_as_contains_finds_them(
            line in "[0-9a |¦│┃丨一不个丫中“”—─…¥\u{a0}\u{3000}、。，公开属于（）\t]{0,40}",
            set in 0usize..4,
        ) {
            let rules = &rule_sets()[set];
            proptest::prop_assert_eq!(RuleScan::new(rules).found(&line), plain(rules, &line));
        }
    }
}
