//! A necessary condition for the page-furniture patterns (`ignore.line_patterns`),
//! derived from the patterns themselves when the lexicon is loaded.
//!
//! Takes the patterns' source text, gives an [`IgnoreFilter`] that rejects most lines
//! with one pass over their characters, before the regex is asked. A line the filter
//! passes still goes to the regex; a line it rejects cannot match, so the answer is
//! the regex's own. Patterns the derivation does not understand give no filter.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A range wider than this is not enumerated: every non-ASCII byte is taken as
/// possible for it, which keeps the test a necessary condition.
const ENUMERATED: u32 = 1 << 16;

/// Marks in `table` (with `bit`) the UTF-8 bytes of the characters in `ranges`: all
/// of their bytes, or only the first when `lead_only`.
fn mark_bytes(table: &mut [u8; 256], ranges: &[(char, char)], bit: u8, lead_only: bool) {
    for &(lo, hi) in ranges {
        if u32::from(hi) - u32::from(lo) >= ENUMERATED {
            for b in u32::from(lo).min(0x80)..=u32::from(hi).min(0x7f) {
                table[b as usize] |= bit;
            }
            table[0x80..].iter_mut().for_each(|t| *t |= bit);
            continue;
        }
        for c in (u32::from(lo)..=u32::from(hi)).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let bytes = if lead_only { &bytes[..1] } else { bytes };
            for &b in bytes {
                table[usize::from(b)] |= bit;
            }
        }
    }
}

/// Set in [`IgnoreFilter`]'s table for a byte of a character a whole-line match may
/// consume.
const ALLOWED: u8 = 1;
/// Set for the first byte of a character every match holds one of.
const REQUIRED: u8 = 2;

/// What every match of the patterns must satisfy, asked of the line's bytes: the line
/// holds the first byte of a character every match holds one of, and (when every
/// pattern is anchored at both ends of the text, so that a match is the whole line)
/// each of its bytes belongs to a character some match may consume. Bytes, not
/// characters, so that the common case is one table load a byte.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreFilter {
    table: [u8; 256],
}

impl IgnoreFilter {
    /// The filter of `patterns` (each as the regex crate reads it with default flags),
    /// or None when one of them is outside what the derivation understands.
    pub(crate) fn new(patterns: &[String]) -> Option<IgnoreFilter> {
        let mut required = Vec::new();
        let mut allowed = Some(Vec::new());
        for p in patterns {
            let hir = regex_syntax::parse(p).ok()?;
            required.extend(required_chars(&hir)?);
            let props = hir.properties();
            let whole_line = props.look_set_prefix().contains(Look::Start)
                && props.look_set_suffix().contains(Look::End);
            allowed = match (allowed, whole_line) {
                (Some(mut all), true) => {
                    all_chars(&hir, &mut all)?;
                    Some(all)
                }
                _ => None,
            };
        }
        let mut table = [0; 256];
        match allowed {
            Some(all) => mark_bytes(&mut table, &all, ALLOWED, false),
            None => table.iter_mut().for_each(|t| *t |= ALLOWED),
        }
        mark_bytes(&mut table, &required, REQUIRED, true);
        Some(IgnoreFilter { table })
    }

    /// [`IgnoreFilter::may_match`] a byte at a time: what the fast path is checked against.
    #[cfg(test)]
    fn may_match_plain(&self, line: &str) -> bool {
        let mut seen = 0;
        for &b in line.as_bytes() {
            let t = self.table[usize::from(b)];
            if t & ALLOWED == 0 {
                return false;
            }
            seen |= t;
        }
        seen & REQUIRED != 0
    }

    /// Whether no line of ASCII digits and spaces only gets past [`IgnoreFilter::may_match`]:
    /// none of those bytes is the first byte of a character every match holds, so such
    /// a line is turned away whether or not its bytes are all allowed.
    pub(crate) fn turns_away_digit_rows(&self) -> bool {
        b"0123456789 "
            .iter()
            .all(|&b| self.table[usize::from(b)] & REQUIRED == 0)
    }

    /// False when no pattern can match `line`; true when one may.
    #[inline]
    pub(crate) fn may_match(&self, line: &str) -> bool {
        let mut bytes = line.as_bytes();
        let mut seen = 0;
        // Table lines open with the layout's spaces (about half the bytes read here):
        // eight at a time while they last, as eight reads of the table would take them.
        let space = self.table[usize::from(b' ')];
        if space & ALLOWED != 0 {
            while let Some((word, rest)) = bytes.split_first_chunk::<8>() {
                if *word != [b' '; 8] {
                    break;
                }
                bytes = rest;
                seen = space;
            }
        }
        for &b in bytes {
            let t = self.table[usize::from(b)];
            if t & ALLOWED == 0 {
                return false;
            }
            seen |= t;
        }
        seen & REQUIRED != 0
    }
}

/// The characters of one Unicode class, or None for a byte class.
fn class_ranges(class: &Class) -> Option<Vec<(char, char)>> {
    match class {
        Class::Unicode(u) => Some(u.iter().map(|r| (r.start(), r.end())).collect()),
        Class::Bytes(_) => None,
    }
}

/// Characters one of which every match of `hir` holds; None when a match may be
/// empty of them (or when `hir` is outside what is understood). The smallest set among
/// a concatenation's parts is taken: any one of them is a necessary condition.
fn required_chars(hir: &Hir) -> Option<Vec<(char, char)>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            Some(vec![(c, c)])
        }
        HirKind::Class(class) => class_ranges(class),
        HirKind::Repetition(rep) if rep.min > 0 => required_chars(&rep.sub),
        HirKind::Repetition(_) => None,
        HirKind::Capture(cap) => required_chars(&cap.sub),
        HirKind::Concat(parts) => parts.iter().filter_map(required_chars).min_by_key(|set| {
            set.iter()
                .map(|&(lo, hi)| u32::from(hi) - u32::from(lo) + 1)
                .sum::<u32>()
        }),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(required_chars(alt)?);
            }
            Some(all)
        }
    }
}

/// Adds every character a match of `hir` can consume to `out`; None when `hir` is
/// outside what is understood (byte classes, literals that are not UTF-8).
fn all_chars(hir: &Hir, out: &mut Vec<(char, char)>) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => {
            out.extend(std::str::from_utf8(&lit.0).ok()?.chars().map(|c| (c, c)));
        }
        HirKind::Class(class) => out.extend(class_ranges(class)?),
        HirKind::Repetition(rep) => all_chars(&rep.sub, out)?,
        HirKind::Capture(cap) => all_chars(&cap.sub, out)?,
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            for part in parts {
                all_chars(part, out)?;
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::IgnoreFilter;
    use regex::Regex;
    use unicode_normalization::UnicodeNormalization;

    /// Pattern sets the derivation must stay exact on: the embedded ones, unanchored
    /// and multi-line ones (only the required test applies), case-insensitive ones,
    /// literals of several characters and alternations.
    const PATTERN_SETS: &[&[&str]] = &[
        &[
            r"^\s*[-—–一]\s*[0-9]+\s*[-—–一]\s*$",
            r"^\s*第\s*[0-9]+\s*页(\s*[,，/]?\s*共\s*[0-9]+\s*页)?\s*$",
            r"^\s*[0-9]+\s*/\s*[0-9]+\s*$",
        ],
        &[r"第\s*[0-9]+\s*页", r"^\s*[0-9]+\s*/\s*[0-9]+\s*$"],
        &[r"(?m)^\s*-\s*[0-9]+\s*-\s*$"],
        &[r"(?i)^\s*page\s*[0-9]+\s*$", r"^(ab|第页)+x?$"],
        &[r"^\s*(?:共|第)[0-9]{1,3}\s*页\s*$", r"^.{2,4}页$"],
    ];

    /// Each pattern set compiled once: its regexes and its filter.
    fn compiled() -> Vec<(Vec<Regex>, Option<IgnoreFilter>)> {
        PATTERN_SETS
            .iter()
            .map(|set| {
                let owned: Vec<String> = set.iter().map(|p| p.to_string()).collect();
                let regexes = owned.iter().map(|p| Regex::new(p).unwrap()).collect();
                (regexes, IgnoreFilter::new(&owned))
            })
            .collect()
    }

    /// Whether every set's filter passes `line` when one of the set's regexes matches.
    fn check(sets: &[(Vec<Regex>, Option<IgnoreFilter>)], line: &str) -> Result<(), String> {
        for (regexes, filter) in sets {
            let any = regexes.iter().any(|r| r.is_match(line));
            if any && filter.as_ref().is_some_and(|f| !f.may_match(line)) {
                return Err(format!("{regexes:?} rejected {line:?}, which matches"));
            }
        }
        Ok(())
    }

    #[test]
    fn the_embedded_patterns_give_a_filter() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        assert!(lex.ignore_filter.is_some());
    }

    #[test]
    fn patterns_beyond_the_derivation_give_none() {
        for p in [r"^\s*$", r"(?-u:\xff)", r"^[0-9]*$", "("] {
            assert!(IgnoreFilter::new(&[p.to_string()]).is_none(), "{p:?}");
        }
    }

    #[test]
    fn every_corpus_line_is_judged_as_the_regexes_judge_it() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        let sets = compiled();
        let mut lines = 0;
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                for raw in text.lines() {
                    for line in [raw.to_string(), raw.nfkc().collect::<String>()] {
                        let any = lex.ignore_lines.iter().any(|r| r.is_match(&line));
                        assert_eq!(lex.is_ignored(&line), any, "{line:?}");
                        check(&sets, &line).unwrap();
                        lines += 1;
                    }
                }
            }
        }
        assert!(lines > 1000, "{lines}");
    }

    proptest::proptest! {
        /// Leading spaces taken eight at a time leave the answer a byte at a time
        /// gives, whatever follows them and whatever the patterns allow.
        #[test]
        fn spaces_skipped_in_words_leave_the_answer(
            spaces in 0usize..40,
            tail in "[ \t\u{3000}0-9\\-—一第页/共xa行]{0,12}",
            junk in proptest::prelude::any::<String>(),
        ) {
            let sets = compiled();
            for rest in [&tail, &junk] {
                let line = format!("{}{rest}", " ".repeat(spaces));
                for (_, filter) in &sets {
                    if let Some(f) = filter {
                        proptest::prop_assert_eq!(f.may_match(&line), f.may_match_plain(&line), "{:?}", line);
                    }
                }
            }
        }

        #[test]
        fn the_filter_never_rejects_a_match(
            line in "[ \t\u{3000}\u{a0}\u{2003}0-9\\-—–一二第页,，/共xPpAaBb行\u{ff10}]{0,14}",
            junk in proptest::prelude::any::<String>(),
            at in 0usize..16,
        ) {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            let sets = compiled();
            let mut hostile = line.clone();
            let cut = hostile.char_indices().map(|(i, _)| i).nth(at).unwrap_or(hostile.len());
            hostile.insert_str(cut, &junk);
            for l in [&line, &junk, &hostile] {
                let any = lex.ignore_lines.iter().any(|r| r.is_match(l));
                proptest::prop_assert_eq!(lex.is_ignored(l), any, "{:?}", l);
                proptest::prop_assert_eq!(check(&sets, l), Ok(()));
            }
        }

        /// A filter that says it turns away every row of digits and spaces
        /// (`turns_away_digit_rows`, which lets the kept-line filter skip asking) is
        /// right: no pattern of its set matches such a row. Sets that do match rows of
        /// digits are among those asked, so that the test can fail.
        #[test]
        fn digit_rows_turned_away_match_no_pattern(
            row in "[ ]{0,3}[0-9]{1,4}([ ]{1,3}[0-9]{1,4}){0,4}[ ]{0,3}",
        ) {
            let digit_sets: &[&[&str]] = &[&[r"^[0-9]+( +[0-9]+)*$"], &[r"^\s*[0-9]+\s*$"], &[r"[0-9]"]];
            for set in PATTERN_SETS.iter().chain(digit_sets) {
                let owned: Vec<String> = set.iter().map(|p| p.to_string()).collect();
                if IgnoreFilter::new(&owned).is_some_and(|f| f.turns_away_digit_rows()) {
                    for p in &owned {
                        proptest::prop_assert!(!Regex::new(p).unwrap().is_match(&row), "{:?} {:?}", p, row);
                    }
                }
            }
        }
    }

    #[test]
    fn digit_rows_are_told_apart_by_their_patterns() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        assert!(lex.keeps_digit_rows());
        for p in [r"^[0-9]+( +[0-9]+)*$", r"^\s*[0-9]+\s*$", r"[0-9]"] {
            let f = IgnoreFilter::new(&[p.to_string()]).unwrap();
            assert!(!f.turns_away_digit_rows(), "{p:?}");
        }
    }
}
