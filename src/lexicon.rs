//! The shared lexicon (`dictionaries/lexicon.toml`): title keywords, Chinese
//! numerals, OCR stray marks, digit confusions, units and page furniture.
//!
//! Takes the TOML text, gives a [`Lexicon`] with its regexes compiled once; every
//! later stage reads its words from here rather than from literals in code.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::similarity::CharMap;

use regex::Regex;
use serde::Deserialize;

use crate::error::DictionaryError;

mod ignore_filter;
mod rule_scan;
use ignore_filter::IgnoreFilter;
use rule_scan::RuleScan;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    title_keywords: Vec<String>,
    title_prefixes: Vec<String>,
    title_agency_suffixes: Vec<String>,
    year_pattern: String,
    numerals: Vec<String>,
    ordinal_separators: Vec<String>,
    clause_prefix: String,
    cell_rules: Vec<String>,
    rule_lookalikes: Vec<String>,
    #[serde(default)]
    rule_junctions: Vec<String>,
    stray_marks: Vec<String>,
    digit_confusions: HashMap<String, String>,
    #[serde(default)]
    lone_digits: HashMap<String, String>,
    digit_misreads: Vec<[String; 2]>,
    units: RawUnits,
    ignore: RawIgnore,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnits {
    suffixes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    line_patterns: Vec<String>,
}

/// The compiled lexicon, shared read-only by every worker.
#[derive(Debug)]
pub struct Lexicon {
    /// Title keywords in match-key form (see [`crate::normalize::key`]).
    pub title_keys: Vec<String>,
    /// A searcher for each of `title_keys`, built once (the title search asks of a
    /// few lines of every report, and a searcher made for each asking cost more than
    /// the search).
    pub(crate) title_finders: Vec<memchr::memmem::Finder<'static>>,
    /// Prefixes crawler dumps put before a title, NFKC-normalised.
    pub title_prefixes: Vec<String>,
    /// Words that end the text before a title's year but are not the agency's name.
    pub title_agency_suffixes: Vec<String>,
    /// Finds the year in a title; capture group 1 holds the digits.
    pub year: Regex,
    /// Chinese numerals, in order of value starting at one.
    pub numerals: Vec<char>,
    /// Characters that may follow an ordinal (、 . ,).
    pub ordinal_separators: Vec<char>,
    /// Table rules OCR prints between cells; read as spaces.
    pub cell_rules: Vec<char>,
    /// `cell_rules` made ready for [`Lexicon::has_cell_rule`], asked of nearly every
    /// line the lexer reads.
    rule_scan: RuleScan,
    /// The first bytes of the `ordinal_separators` (deduplicated): the glued-ordinal
    /// pre-scan searches for them (vectorised, up to three) instead of for digits.
    separator_starts: Vec<u8>,
    /// Letters OCR makes of a rule glued to the end of a number.
    pub rule_lookalikes: Vec<char>,
    /// The ASCII characters that are rule marks ([`Lexicon::is_rule_mark`]) and
    /// `lone_digits` marks, bit `c` for `c`: a line's every token is asked
    /// (`numbers::lone_mark_among_numbers`), nearly all of them ASCII, and the lists
    /// and the map cost a scan and a hash each time.
    lone_rule_marks_ascii: u128,
    /// Every lone-digit rule mark is ASCII (so `lone_rule_marks_ascii` holds them all).
    lone_rule_marks_all_ascii: bool,
    /// The ASCII lone-digit rule marks as bytes: up to three are searched for
    /// (vectorised) rather than every byte of a line tested against the bits.
    lone_rule_mark_bytes: Vec<u8>,
    /// Marks OCR makes of a grid crossing, glued to a cell rule (`|-`).
    pub rule_junctions: Vec<char>,
    /// OCR marks to drop before matching.
    pub stray_marks: Vec<char>,
    /// Whether each character below [`KEY_TABLE_END`] is one of the `numerals`, one
    /// bit each: ordinals and headings ask of most lines' first characters, and the
    /// list cost a scan each time.
    numeral_bits: CharBits,
    /// Whether each character below [`KEY_TABLE_END`] may start a number (a digit,
    /// a sign, a stray mark or a digit's confusion: [`Lexicon::starts_a_word_listed`]
    /// says no), one bit each: every token the lexer reads is asked of its first
    /// character, and the lists cost a hash and a scan each time.
    number_start_bits: CharBits,
    /// Whether each character below [`KEY_TABLE_END`] is a rule mark
    /// ([`Lexicon::is_rule_mark_listed`]), one bit each.
    rule_mark_bits: CharBits,
    /// Whether each character below [`KEY_TABLE_END`] starts a token that is text in
    /// any context ([`Lexicon::starts_plain_word_listed`]), one bit each: nearly every
    /// token the lexer reads that is not plain digits is asked.
    plain_word_bits: CharBits,
    /// Whether each character below [`KEY_TABLE_END`] may end a token that reads
    /// as a number ([`Lexicon::may_end_a_number_listed`]), one bit each.
    number_end_bits: CharBits,
    /// Whether each character below [`KEY_TABLE_END`] stays in a match key, one bit
    /// each: `key` asks for every character of every line.
    key_kept: CharBits,
    /// Every CJK Unified Ideograph (U+4E00–U+9FFF) stays in a key (no stray mark is
    /// one): keys copy runs of them without asking about each.
    pub(crate) keeps_ideographs: bool,
    /// For each byte, how many bytes a key copies as they are when a character starts
    /// with it (kept ASCII that lower-casing leaves alone: 1; the lead bytes `E5`–`E9`
    /// of ideographs when `keeps_ideographs`: 3), else 0: one lookup a character.
    pub(crate) key_steps: [u8; 256],
    /// Tells this lexicon from every other one made in the process: the lexer's memo
    /// of lines is kept for one lexicon.
    pub(crate) stamp: u64,
    /// No stray mark is a digit and no unit is made of digits, so a token of ASCII
    /// digits reads as the number it spells (`numbers::parse_token` takes a shortcut).
    pub plain_digits: bool,
    /// Besides `plain_digits`, no ASCII digit is a rule mark (so no cell rule) or a
    /// lone mark read as a digit, and no rule mark or ordinal separator is a space
    /// or a digit: a token of ASCII digits is a cell and nothing else, whatever
    /// stands around it, and the lexer reads lines of them without asking what their
    /// neighbours are (a line of one, between spaces, without lexing it at all).
    pub(crate) plain_digit_cells: bool,
    /// Letter → digit confusions inside numeric cells.
    pub digit_confusions: CharMap<char>,
    /// Marks (NFKC) that are a digit when one stands alone where a number is expected.
    pub lone_digits: CharMap<char>,
    /// Digit pairs OCR confuses (either way), for repairs that the identities decide.
    pub digit_misreads: Vec<(char, char)>,
    /// Units that may trail a number, longest first so that 万元 wins over 元.
    pub unit_suffixes: Vec<String>,
    /// Lines that are page furniture (footers), matched on the NFKC line.
    pub ignore_lines: Vec<Regex>,
    /// `ignore_lines` as one alternation (None without patterns): every line of every
    /// table region is asked, and one search costs a third of three.
    ignore_any: Option<Regex>,
    /// A test derived from the same patterns that rejects most lines before the
    /// regex: its per-call set-up costs more than the short lines it is asked about.
    ignore_filter: Option<IgnoreFilter>,
    /// An arabic ordinal glued to the text before it (`不予公开1.属于`): groups 1 and 2
    /// are the two sides, to be written with a space between.
    pub glued_ordinal: Regex,
    /// A heading or group ordinal with a numeral (`三、`, `（三）`) not after the clause
    /// prefix: group 1 is the character before it, group 2 the ordinal.
    pub numeral_ordinal: Regex,
}

/// The characters whose place in a match key is looked up in a table (ASCII, CJK
/// punctuation, the CJK Unified Ideographs); others are decided when met.
const KEY_TABLE_END: usize = 0xa000;

// The table starts from the one build.rs computes.
const _: () = assert!(crate::dictionary::ALPHANUMERIC_BELOW_A000.len() * 64 == KEY_TABLE_END);

fn one_char(s: &str, what: &str) -> Result<char, DictionaryError> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(DictionaryError::invalid(
            "lexicon.toml",
            format!("{what} entry {s:?} must be exactly one character"),
        )),
    }
}

/// A table of one character → one digit (`from` in the form `key` gives).
fn digit_map(
    raw: &HashMap<String, String>,
    what: &str,
    key: impl Fn(&str) -> String,
) -> Result<CharMap<char>, DictionaryError> {
    let mut map = CharMap::default();
    for (from, to) in raw {
        let to = one_char(to, what)?;
        if !to.is_ascii_digit() {
            return Err(DictionaryError::invalid(
                "lexicon.toml",
                format!("{what} maps {from:?} to {to:?}, which is not a digit"),
            ));
        }
        map.insert(one_char(&key(from), what)?, to);
    }
    Ok(map)
}

fn regex(src: &str) -> Result<Regex, DictionaryError> {
    Regex::new(src)
        .map_err(|e| DictionaryError::invalid("lexicon.toml", format!("bad pattern {src:?}: {e}")))
}

impl Lexicon {
    /// Parses and compiles the lexicon from its TOML text.
    pub fn from_toml(text: &str) -> Result<Lexicon, DictionaryError> {
        let raw: RawLexicon = toml::from_str(text)
            .map_err(|e| DictionaryError::invalid("lexicon.toml", e.to_string()))?;
        let digit_confusions =
            digit_map(&raw.digit_confusions, "digit_confusions", |s| s.to_string())?;
        let lone_digits = digit_map(&raw.lone_digits, "lone_digits", crate::normalize::nfkc)?;
        let mut unit_suffixes: Vec<String> = raw
            .units
            .suffixes
            .iter()
            .map(|s| crate::normalize::nfkc(s))
            .collect();
        unit_suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        let separators: Vec<char> = raw
            .ordinal_separators
            .iter()
            .map(|s| one_char(&crate::normalize::nfkc(s), "ordinal_separators"))
            .collect::<Result<_, _>>()?;
        let escaped: String = separators
            .iter()
            .map(|c| regex::escape(&c.to_string()))
            .collect();
        let glued_ordinal = regex(&format!(
            r"([\p{{Han}})\]])([0-9]{{1,2}}[{escaped}]\p{{Han}})"
        ))?;
        let numerals: String = raw.numerals.iter().map(|n| regex::escape(n)).collect();
        let first_separator = separators
            .first()
            .map_or(String::new(), |c| regex::escape(&c.to_string()));
        let numeral_ordinal = regex(&format!(
            r"([^{}\n])([{numerals}]{first_separator}|[(（][{numerals}][)）])",
            regex::escape(&raw.clause_prefix)
        ))?;
        let mut lex = Lexicon {
            title_keys: Vec::new(),
            title_finders: Vec::new(),
            title_agency_suffixes: raw.title_agency_suffixes.clone(),
            title_prefixes: raw
                .title_prefixes
                .iter()
                .map(|s| crate::normalize::nfkc(s))
                .collect(),
            year: regex(&raw.year_pattern)?,
            numerals: raw
                .numerals
                .iter()
                .map(|s| one_char(s, "numerals"))
                .collect::<Result<_, _>>()?,
            ordinal_separators: separators,
            cell_rules: raw
                .cell_rules
                .iter()
                .map(|s| one_char(s, "cell_rules"))
                .collect::<Result<_, _>>()?,
            rule_lookalikes: raw
                .rule_lookalikes
                .iter()
                .map(|s| one_char(s, "rule_lookalikes"))
                .collect::<Result<_, _>>()?,
            rule_junctions: raw
                .rule_junctions
                .iter()
                .map(|s| one_char(s, "rule_junctions"))
                .collect::<Result<_, _>>()?,
            stray_marks: raw
                .stray_marks
                .iter()
                .map(|s| one_char(s, "stray_marks"))
                .collect::<Result<_, _>>()?,
            digit_confusions,
            lone_digits,
            digit_misreads: raw
                .digit_misreads
                .iter()
                .map(|[a, b]| {
                    Ok((
                        one_char(a, "digit_misreads")?,
                        one_char(b, "digit_misreads")?,
                    ))
                })
                .collect::<Result<_, DictionaryError>>()?,
            unit_suffixes,
            ignore_lines: raw
                .ignore
                .line_patterns
                .iter()
                .map(|p| regex(p))
                .collect::<Result<_, _>>()?,
            glued_ordinal,
            numeral_ordinal,
            rule_scan: RuleScan::default(),
            lone_rule_marks_ascii: 0,
            lone_rule_marks_all_ascii: false,
            lone_rule_mark_bytes: Vec::new(),
            separator_starts: Vec::new(),
            key_kept: CharBits::default(),
            numeral_bits: CharBits::default(),
            number_start_bits: CharBits::default(),
            rule_mark_bits: CharBits::default(),
            plain_word_bits: CharBits::default(),
            number_end_bits: CharBits::default(),
            keeps_ideographs: false,
            key_steps: [0; 256],
            stamp: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            plain_digits: false,
            plain_digit_cells: false,
            ignore_any: None,
            ignore_filter: None,
        };
        if !raw.ignore.line_patterns.is_empty() {
            // Each pattern in a group of its own keeps its anchors and flags to itself.
            let any: Vec<String> = raw
                .ignore
                .line_patterns
                .iter()
                .map(|p| format!("(?:{p})"))
                .collect();
            lex.ignore_any = Some(regex(&any.join("|"))?);
            lex.ignore_filter = IgnoreFilter::new(&raw.ignore.line_patterns);
        }
        lex.rule_scan = RuleScan::new(&lex.cell_rules);
        for c in &lex.ordinal_separators {
            let first = c.to_string().as_bytes()[0];
            if !lex.separator_starts.contains(&first) {
                lex.separator_starts.push(first);
            }
        }
        for c in (0..128u8).map(char::from) {
            if lex.is_rule_mark_listed(c) && lex.lone_digits.contains_key(&c) {
                lex.lone_rule_marks_ascii |= 1 << u32::from(c);
                lex.lone_rule_mark_bytes.push(c as u8);
            }
        }
        lex.lone_rule_marks_all_ascii = lex
            .lone_digits
            .keys()
            .filter(|&&c| lex.is_rule_mark_listed(c))
            .all(char::is_ascii);
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        lex.plain_digits = !lex.stray_marks.iter().any(char::is_ascii_digit)
            && !lex.unit_suffixes.iter().any(|u| digits(u));
        lex.plain_digit_cells = lex.plain_digits
            && !('0'..='9').any(|d| lex.is_rule_mark(d) || lex.lone_digits.contains_key(&d))
            && !lex.is_rule_mark(' ')
            && !lex
                .ordinal_separators
                .iter()
                .any(|&c| c == ' ' || c.is_ascii_digit());
        // Letters and digits (from build.rs), less the stray marks.
        let mut kept = CharBits(crate::dictionary::ALPHANUMERIC_BELOW_A000.to_vec());
        for &c in &lex.stray_marks {
            kept.set(c, false);
        }
        lex.key_kept = kept;
        lex.numeral_bits = CharBits::of(lex.numerals.iter().copied());
        // From the lists themselves: each test is a membership in one of them.
        lex.number_start_bits = CharBits::of(
            ('0'..='9')
                .chain(['.', ',', '-', '\u{2212}', '+'])
                .chain(lex.digit_confusions.keys().copied())
                .chain(lex.stray_marks.iter().copied()),
        );
        lex.rule_mark_bits =
            CharBits::of(lex.rule_lookalikes.iter().chain(&lex.cell_rules).copied());
        // Word by word from the two tables (asking the lists of every character took
        // about 4 M instructions at each start).
        let mut plain = CharBits(
            lex.number_start_bits
                .0
                .iter()
                .zip(&lex.rule_mark_bits.0)
                .map(|(&number, &rule)| !number & !rule)
                .collect(),
        );
        for &c in lex.lone_digits.keys() {
            plain.set(c, false);
        }
        lex.plain_word_bits = plain;
        lex.number_end_bits = CharBits::of(
            lex.stray_marks
                .iter()
                .chain(&lex.rule_lookalikes)
                .chain(&lex.cell_rules)
                .copied()
                .chain(
                    lex.unit_suffixes
                        .iter()
                        .filter_map(|u| u.chars().next_back()),
                ),
        );
        lex.keeps_ideographs = ('\u{4e00}'..='\u{9fff}').all(|c| lex.keeps_in_key(c));
        for x in 0..=255u8 {
            let c = char::from(x);
            lex.key_steps[usize::from(x)] = if x.is_ascii() {
                u8::from(lex.keeps_in_key(c) && !c.is_ascii_uppercase())
            } else if lex.keeps_ideographs && matches!(x, 0xe5..=0xe9) {
                3
            } else {
                0
            };
        }
        lex.title_keys = raw
            .title_keywords
            .iter()
            .map(|k| crate::normalize::key(k, &lex))
            .collect();
        lex.title_finders = lex
            .title_keys
            .iter()
            .map(|k| memchr::memmem::Finder::new(k).into_owned())
            .collect();
        Ok(lex)
    }

    /// The first byte `p` of `bytes` where an ordinal separator may start (one of
    /// `separator_starts`, found by a vectorised search for up to three) and `at(p)`
    /// says yes; every byte is looked at when there are more than three.
    fn find_at_separator(&self, bytes: &[u8], mut at: impl FnMut(usize) -> bool) -> Option<usize> {
        match self.separator_starts[..] {
            [] => None,
            [a] => memchr::memchr_iter(a, bytes).find(|&p| at(p)),
            [a, b] => memchr::memchr2_iter(a, b, bytes).find(|&p| at(p)),
            [a, b, c] => memchr::memchr3_iter(a, b, c, bytes).find(|&p| at(p)),
            _ => (0..bytes.len()).find(|&p| at(p)),
        }
    }

    /// `line` with the spaces OCR put between a row label's arabic ordinal and its
    /// separator taken out (`度  6 .属于四类过程性信息` → `度  6.属于…`), where the
    /// ordinal follows other text and a space, and a Han character follows the
    /// separator: such a group cell's remnant before it would otherwise leave the `6`
    /// a value and the label without its ordinal.
    pub fn join_spaced_ordinals<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let bytes = line.as_bytes();
        // Only a separator right after a space may qualify: most lines have none,
        // found by a vectorised search for the separators' first bytes.
        match self.find_at_separator(bytes, |p| self.spaced_at(line, p).is_some()) {
            Some(first) => Cow::Owned(self.join_spaced_from(line, first)),
            None => Cow::Borrowed(line),
        }
    }

    /// Where the spaces before the separator at byte `p` of `line` start, if they
    /// follow a standalone number of one or two digits after text and a Han character
    /// follows the separator ([`Lexicon::join_spaced_ordinals`]).
    fn spaced_at(&self, line: &str, p: usize) -> Option<usize> {
        let bytes = line.as_bytes();
        if p == 0 || bytes.get(p - 1) != Some(&b' ') {
            return None;
        }
        let rest = line.get(p..)?;
        let mut chars = rest.chars();
        let sep = chars.next()?;
        if !self.ordinal_separators.contains(&sep)
            || !chars
                .next()
                .is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        {
            return None;
        }
        let before = &bytes[..p];
        let spaces = before.iter().rev().take_while(|&&b| b == b' ').count();
        let digits = before[..p - spaces]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let start = p - spaces - digits;
        // After text, not at the line's start (there the lexer takes a bare
        // number before a label as its ordinal) nor after another number (the
        // cells of a row before it, merged onto the line: `2    3 .要求`).
        let before_number = before[..start].trim_ascii_end();
        let after_text = before_number.len() < start
            && before_number.last().is_some_and(|b| !b.is_ascii_digit());
        (spaces > 0 && (1..=2).contains(&digits) && after_text).then_some(p - spaces)
    }

    /// `line` with the spaces taken out before every separator from byte `first` on
    /// that [`Lexicon::spaced_at`] qualifies (`first` is the first).
    fn join_spaced_from(&self, line: &str, first: usize) -> String {
        let mut out = String::with_capacity(line.len());
        let mut copied = 0;
        for p in first..line.len() {
            if let Some(from) = self.spaced_at(line, p) {
                out.push_str(&line[copied..from]);
                copied = p;
            }
        }
        out.push_str(&line[copied..]);
        out
    }

    /// `line` with a space put between a row label's arabic ordinal and the text it is
    /// glued to (`glued_ordinal`). A match needs one or two digits right before an
    /// ordinal separator, after a Han character or a bracket and before a Han
    /// character; most lines have none, and are returned without the search.
    pub fn split_glued_ordinals<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let bytes = line.as_bytes();
        if self
            .find_at_separator(bytes, |p| self.glued_at(line, p))
            .is_none()
        {
            return Cow::Borrowed(line);
        }
        self.glued_ordinal.replace_all(line, "$1 $2")
    }

    /// Whether the `glued_ordinal` pattern may match with its separator at byte `p`
    /// of `line`. An ASCII digit is one byte, so a separator right after one starts
    /// at the byte after it: the places where a separator may start are searched
    /// for, and the bytes around each looked at. Most digits before a separator are a
    /// decimal's or a count's (`1.5`, `12,000`, a row's `1.` at the line's start),
    /// which the pattern's Han character on either side rules out: told from the
    /// bytes (every Han character is at or above U+2E80, so three bytes or more,
    /// from a lead byte of 0xE2 or above, and ends with a byte of 0x80 or above).
    fn glued_at(&self, line: &str, p: usize) -> bool {
        let bytes = line.as_bytes();
        let digits = bytes[..p.min(bytes.len())]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let Some(sep) = line.get(p..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        (1..=2).contains(&digits)
            && p > digits
            && matches!(bytes[p - digits - 1], 0x80..|b')'| b']')
            && bytes.get(p + sep.len_utf8()).is_some_and(|&b| b >= 0xe2)
            && self.ordinal_separators.contains(&sep)
    }

    /// [`Lexicon::split_glued_ordinals`] of [`Lexicon::join_spaced_ordinals`] of
    /// `line`, the lexer's two rewrites of a line's ordinals, with one search for the
    /// separators' first bytes where both find nothing to do (nearly every line).
    pub fn rewrite_ordinals<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let bytes = line.as_bytes();
        let (mut spaced, mut glued) = (false, false);
        let mut look = |p: usize| {
            if self.spaced_at(line, p).is_some() {
                spaced = true;
            } else if !glued {
                glued = self.glued_at(line, p);
            }
            spaced
        };
        // The search stops at the first separator the join takes.
        let _ = self.find_at_separator(bytes, &mut look);
        if spaced {
            return match self.split_glued_ordinals(&self.join_spaced_ordinals(line)) {
                Cow::Owned(s) => Cow::Owned(s),
                Cow::Borrowed(s) => Cow::Owned(s.to_owned()),
            };
        }
        if glued {
            return self.glued_ordinal.replace_all(line, "$1 $2");
        }
        Cow::Borrowed(line)
    }

    /// Whether `c` is a table rule or what OCR makes of one (`|`, `]`, `l` …).
    pub fn is_rule_mark(&self, c: char) -> bool {
        match self.rule_mark_bits.get(c) {
            Some(bit) => bit,
            None => self.is_rule_mark_listed(c),
        }
    }

    /// [`Lexicon::is_rule_mark`] from the lists.
    fn is_rule_mark_listed(&self, c: char) -> bool {
        self.rule_lookalikes.contains(&c) || self.cell_rules.contains(&c)
    }

    /// Whether a character of `line` is a lone-digit rule mark
    /// ([`Lexicon::is_lone_rule_mark`]): told from its bytes alone where every such
    /// mark is ASCII, since a line of a table is asked whether a token of it is one
    /// (`numbers::cells_from_first_token`) and hardly any holds one.
    pub fn has_lone_rule_mark(&self, line: &str) -> bool {
        if self.lone_rule_marks_all_ascii {
            let b = line.as_bytes();
            match self.lone_rule_mark_bytes.as_slice() {
                [] => false,
                &[x] => memchr::memchr(x, b).is_some(),
                &[x, y] => memchr::memchr2(x, y, b).is_some(),
                &[x, y, z] => memchr::memchr3(x, y, z, b).is_some(),
                _ => b
                    .iter()
                    .any(|&b| b < 128 && self.lone_rule_marks_ascii >> b & 1 == 1),
            }
        } else {
            line.chars().any(|c| self.is_lone_rule_mark(c))
        }
    }

    /// Whether `c` is a rule mark ([`Lexicon::is_rule_mark`]) that `lone_digits` reads
    /// as a digit when it stands alone.
    pub fn is_lone_rule_mark(&self, c: char) -> bool {
        match u32::from(c) {
            n @ 0..128 => self.lone_rule_marks_ascii >> n & 1 == 1,
            _ => self.lone_digits.contains_key(&c) && self.is_rule_mark_listed(c),
        }
    }

    /// Whether `line` holds one of the `cell_rules` (as `line.contains(rule)` for
    /// any of them).
    pub fn has_cell_rule(&self, line: &str) -> bool {
        self.rule_scan.found(line)
    }

    /// Whether `line` is page furniture: one of `ignore_lines` matches it.
    pub fn is_ignored(&self, line: &str) -> bool {
        self.ignore_any.as_ref().is_some_and(|r| {
            self.ignore_filter
                .as_ref()
                .is_none_or(|f| f.may_match(line))
                && r.is_match(line)
        })
    }

    /// Whether [`Lexicon::is_ignored`] says no to every line of ASCII digits and spaces
    /// only that holds a digit (a row of plain numbers): then the kept-line filter need
    /// not ask it of such lines, two in five of a region's.
    pub fn keeps_digit_rows(&self) -> bool {
        self.ignore_any.is_none()
            || self
                .ignore_filter
                .as_ref()
                .is_some_and(IgnoreFilter::turns_away_digit_rows)
    }

    /// Whether `c` stays in a match key: letters, digits and Han characters, except the
    /// stray marks.
    #[inline]
    pub fn keeps_in_key(&self, c: char) -> bool {
        match self.key_kept.get(c) {
            Some(bit) => bit,
            None => self.keeps_rare(c),
        }
    }

    /// [`Lexicon::keeps_in_key`] of every ASCII character at once, bit `c` for `c`:
    /// keys test a line's ASCII bytes against it without a call per byte.
    pub(crate) fn ascii_kept(&self) -> u128 {
        match self.key_kept.0.get(..2) {
            Some(&[low, high]) => u128::from(low) | u128::from(high) << 64,
            _ => (0..128u8)
                .filter(|&b| self.keeps_rare(char::from(b)))
                .fold(0, |bits, b| bits | 1 << b),
        }
    }

    /// [`Lexicon::keeps_in_key`] of a character past the table, apart so that the
    /// table lookup itself is small enough to be inlined where keys are made.
    #[cold]
    fn keeps_rare(&self, c: char) -> bool {
        c.is_alphanumeric() && !self.stray_marks.contains(&c)
    }

    /// The value of a Chinese numeral string such as 三 or 十二 (1..=99), if it is one.
    pub fn numeral_value(&self, s: &str) -> Option<u8> {
        // At most three characters read as a numeral: held in an array, not a vector
        // made for every ordinal a lexed token may start with.
        let mut held = ['\0'; 3];
        let mut n = 0;
        for c in s.chars() {
            *held.get_mut(n)? = c;
            n += 1;
        }
        self.numeral_of(&held[..n])
    }

    /// [`Lexicon::numeral_value`] of a numeral's characters.
    fn numeral_of(&self, cs: &[char]) -> Option<u8> {
        let digit = |c: char| {
            self.numerals
                .iter()
                .position(|&n| n == c)
                .map(|i| i as u8 + 1)
        };
        let ten = *self.numerals.get(9)?;
        match cs {
            [a] => digit(*a),
            [t, b] if *t == ten => Some(10 + digit(*b).filter(|&d| d < 10)?),
            [a, t] if *t == ten => Some(digit(*a).filter(|&d| d < 10)? * 10),
            [a, t, b] if *t == ten => {
                Some(digit(*a).filter(|&d| d < 10)? * 10 + digit(*b).filter(|&d| d < 10)?)
            }
            _ => None,
        }
    }

    /// Whether `b` is what OCR may print for the integer `a`: one digit misread as a
    /// confusable one, or one digit dropped or doubled.
    pub fn plausible_misread(&self, a: &str, b: &str) -> bool {
        // Read as bytes: once both are ASCII digits, a byte is a character, and no
        // list of either's characters is made (the repairs ask for every candidate).
        let (x, y) = (a.as_bytes(), b.as_bytes());
        if !x.iter().chain(y).all(u8::is_ascii_digit) || x == y {
            return false;
        }
        let confusable = |p: u8, q: u8| {
            let (p, q) = (char::from(p), char::from(q));
            self.digit_misreads
                .iter()
                .any(|&(m, n)| (m, n) == (p, q) || (n, m) == (p, q))
        };
        if x.len() == y.len() {
            let mut diffs = (0..x.len()).filter(|&i| x[i] != y[i]);
            return match (diffs.next(), diffs.next()) {
                (Some(i), None) => confusable(x[i], y[i]),
                _ => false,
            };
        }
        // One digit more or less: removing one digit from the longer gives the shorter.
        let (long, short) = if x.len() > y.len() { (x, y) } else { (y, x) };
        long.len() == short.len() + 1
            && (0..long.len()).any(|i| long[..i] == short[..i] && long[i + 1..] == short[i..])
    }

    /// The readings `a` may be a misread of, by the confusions [`Self::plausible_misread`]
    /// accepts: one confusable digit swapped, one digit dropped, one digit doubled.
    pub fn misread_alternatives(&self, a: &str) -> Vec<String> {
        let x: Vec<char> = a.chars().collect();
        if x.is_empty() || !x.iter().all(char::is_ascii_digit) {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let mut push = |v: Vec<char>| {
            let s: String = v.into_iter().collect();
            // A reading with a leading zero is not how a count is printed.
            if !s.is_empty() && (s.len() == 1 || !s.starts_with('0')) && s != a && !out.contains(&s)
            {
                out.push(s);
            }
        };
        for i in 0..x.len() {
            for &(m, n) in &self.digit_misreads {
                for (p, q) in [(m, n), (n, m)] {
                    if x[i] == p {
                        let mut v = x.clone();
                        v[i] = q;
                        push(v);
                    }
                }
            }
            if x.len() > 1 {
                let mut v = x.clone();
                v.remove(i);
                push(v);
            }
            let mut v = x.clone();
            v.insert(i, x[i]);
            push(v);
        }
        out
    }

    /// The values of [`Self::misread_alternatives`] of `a` that are integers of an
    /// `i64`, in its order, each made in a buffer on the stack and read as a number:
    /// the repairs ask for every read cell of a failing identity, and each reading as
    /// a string was an allocation.
    pub fn misread_values(&self, a: &str) -> Vec<i64> {
        const MAX: usize = 40;
        let x = a.as_bytes();
        if x.is_empty() || !x.iter().all(u8::is_ascii_digit) {
            return Vec::new();
        }
        if x.len() >= MAX {
            return self
                .misread_alternatives(a)
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect();
        }
        let mut out: Vec<i64> = Vec::new();
        // Without leading zeros, two readings are the same string exactly when they
        // are the same number, so the values are told apart as the strings were.
        let mut push = |v: &[u8]| {
            // A reading with a leading zero is not how a count is printed.
            if v.is_empty() || (v.len() > 1 && v[0] == b'0') || v == x {
                return;
            }
            let value = v.iter().try_fold(0i64, |n, &d| {
                n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
            });
            if let Some(value) = value {
                if !out.contains(&value) {
                    out.push(value);
                }
            }
        };
        let n = x.len();
        let mut v = [0u8; MAX];
        for i in 0..n {
            for &(m, k) in &self.digit_misreads {
                for (p, q) in [(m, k), (k, m)] {
                    if char::from(x[i]) == p && q.is_ascii_digit() {
                        v[..n].copy_from_slice(x);
                        v[i] = q as u8;
                        push(&v[..n]);
                    }
                }
            }
            if n > 1 {
                v[..i].copy_from_slice(&x[..i]);
                v[i..n - 1].copy_from_slice(&x[i + 1..]);
                push(&v[..n - 1]);
            }
            v[..=i].copy_from_slice(&x[..=i]);
            v[i + 1..=n].copy_from_slice(&x[i..]);
            push(&v[..=n]);
        }
        out
    }

    /// Whether a token that starts with `c` is text outside a row's numbers, whatever
    /// follows: `c` is no digit, nothing a digit is read from, no sign and no stray
    /// mark (`numbers::parse_token` without the numeric context reads such a token as
    /// text).
    #[inline]
    pub fn starts_a_word(&self, c: char) -> bool {
        match self.number_start_bits.get(c) {
            Some(bit) => !bit,
            None => self.starts_a_word_listed(c),
        }
    }

    /// [`Lexicon::starts_a_word`] from the lists.
    fn starts_a_word_listed(&self, c: char) -> bool {
        let digitish =
            c.is_ascii_digit() || c == '.' || c == ',' || self.digit_confusions.contains_key(&c);
        let sign = matches!(c, '-' | '\u{2212}' | '+');
        !digitish && !sign && !self.stray_marks.contains(&c)
    }

    /// Whether a token that starts with `c` is text in every context, whatever
    /// follows (`numbers::parse_cell` reads it so): `c` starts a word
    /// ([`Lexicon::starts_a_word`]), is no rule mark (among a row's numbers a token
    /// may start with a rule OCR read) and no lone digit (`。` alone is a 0).
    #[inline]
    pub fn starts_plain_word(&self, c: char) -> bool {
        match self.plain_word_bits.get(c) {
            Some(bit) => bit,
            None => self.starts_plain_word_listed(c),
        }
    }

    /// [`Lexicon::starts_plain_word`] from the lists.
    fn starts_plain_word_listed(&self, c: char) -> bool {
        self.starts_a_word_listed(c)
            && !self.is_rule_mark_listed(c)
            && !self.lone_digits.contains_key(&c)
    }

    /// Whether a token ending with `c` may be trimmed, cut or read otherwise at its
    /// end (`numbers::parse_other_cell`): `c` is a stray mark, a rule mark or the
    /// last character of a unit.
    #[inline]
    pub fn may_end_a_number(&self, c: char) -> bool {
        match self.number_end_bits.get(c) {
            Some(bit) => bit,
            None => self.may_end_a_number_listed(c),
        }
    }

    /// [`Lexicon::may_end_a_number`] from the lists.
    fn may_end_a_number_listed(&self, c: char) -> bool {
        self.stray_marks.contains(&c)
            || self.is_rule_mark_listed(c)
            || self.unit_suffixes.iter().any(|u| u.ends_with(c))
    }

    /// Whether `c` is one of the Chinese numerals.
    pub fn is_numeral(&self, c: char) -> bool {
        match self.numeral_bits.get(c) {
            Some(bit) => bit,
            None => self.numerals.contains(&c),
        }
    }
}

/// One bit for each character below [`KEY_TABLE_END`] (bit `c % 64` of word `c / 64`):
/// a class of the lexicon's characters that is asked of nearly every character or
/// token, told without a hash or a list scan; above the table, `get` says nothing and
/// the lists answer.
#[derive(Debug, Default)]
struct CharBits(Vec<u64>);

impl CharBits {
    /// The characters of `chars` (those below the table's end).
    fn of(chars: impl IntoIterator<Item = char>) -> CharBits {
        let mut bits = CharBits(vec![0; KEY_TABLE_END / 64]);
        for c in chars {
            bits.set(c, true);
        }
        bits
    }

    fn set(&mut self, c: char, on: bool) {
        if let Some(w) = self.0.get_mut(c as usize / 64) {
            let bit = 1 << (c as usize % 64);
            if on {
                *w |= bit;
            } else {
                *w &= !bit;
            }
        }
    }

    /// Whether `c` is in the class, if it is below the table's end.
    #[inline]
    fn get(&self, c: char) -> Option<bool> {
        let i = c as usize;
        self.0.get(i / 64).map(|w| w >> (i % 64) & 1 == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_starts_by_bits_are_the_listed_ones() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            assert_eq!(lex.starts_a_word(c), lex.starts_a_word_listed(c), "{c:?}");
            assert_eq!(
                lex.starts_plain_word(c),
                lex.starts_plain_word_listed(c),
                "{c:?}"
            );
            assert_eq!(
                lex.may_end_a_number(c),
                lex.may_end_a_number_listed(c),
                "{c:?}"
            );
        }
    }

    /// [`Lexicon::plausible_misread`] as it was written, over lists of characters.
    fn plausible_misread_by_chars(lex: &Lexicon, a: &str, b: &str) -> bool {
        let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        if !x.iter().chain(&y).all(char::is_ascii_digit) || x == y {
            return false;
        }
        let confusable = |p: char, q: char| {
            lex.digit_misreads
                .iter()
                .any(|&(m, n)| (m, n) == (p, q) || (n, m) == (p, q))
        };
        if x.len() == y.len() {
            let diffs: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
            return matches!(diffs.as_slice(), [i] if confusable(x[*i], y[*i]));
        }
        let (long, short) = if x.len() > y.len() {
            (&x, &y)
        } else {
            (&y, &x)
        };
        long.len() == short.len() + 1
            && (0..long.len()).any(|i| {
                let mut l = long.clone();
                l.remove(i);
                &l == short
            })
    }

    proptest::proptest! {
        /// Read as bytes, a misread is plausible exactly when it was as characters.
        #[test]
        fn plausible_misreads_by_bytes_are_those_by_chars(
            a in "[0-9]{0,5}|[0-9a一]{0,3}",
            edit in proptest::collection::vec((0usize..6, 0u8..4, "[0-9a一]"), 0..3),
        ) {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            // Near readings of `a` (a digit changed, dropped or doubled) as well as others.
            let mut b: Vec<char> = a.chars().collect();
            for (at, how, c) in edit {
                let at = at % (b.len() + 1);
                let c = c.chars().next().unwrap_or('0');
                match how {
                    0 if at < b.len() => b[at] = c,
                    1 if at < b.len() => { b.remove(at); }
                    2 if at < b.len() => b.insert(at, b[at]),
                    _ => b.insert(at, c),
                }
            }
            let b: String = b.into_iter().collect();
            proptest::prop_assert_eq!(lex.plausible_misread(&a, &b), plausible_misread_by_chars(&lex, &a, &b));
            proptest::prop_assert_eq!(lex.plausible_misread(&b, &a), plausible_misread_by_chars(&lex, &b, &a));
        }

        /// The values are those of the strings that read as an `i64`, in order.
        #[test]
        fn misread_values_are_the_alternatives_read(a in "[0-9]{1,21}|[0-9]{38,41}|[0-9a]{1,3}") {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            let read: Vec<i64> = lex
                .misread_alternatives(&a)
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect();
            proptest::prop_assert_eq!(lex.misread_values(&a), read);
        }
    }

    proptest::proptest! {
        /// A line has a lone-digit rule mark exactly when a character of it is one,
        /// and without one no line reads its cells from its first token.
        #[test]
        fn lone_rule_marks_are_found_by_bytes(line in "[0-9a-z \\]\\[|¦│丨一二忆。，]{0,16}") {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            let has = lex.has_lone_rule_mark(&line);
            proptest::prop_assert_eq!(has, line.chars().any(|c| lex.is_lone_rule_mark(c)));
            if !has {
                proptest::prop_assert!(!crate::numbers::cells_from_first_token(line.split_whitespace(), &lex));
            }
        }
    }

    #[test]
    fn numerals_by_bits_are_the_listed_ones() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(lex.is_numeral(c), lex.numerals.contains(&c), "{c:?}");
        }
        assert!(!lex.numerals.is_empty());
    }

    #[test]
    fn rule_marks_by_bits_are_the_listed_ones() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let listed = lex.rule_lookalikes.contains(&c) || lex.cell_rules.contains(&c);
            assert_eq!(lex.is_rule_mark(c), listed, "{c:?}");
            let lone = lex.lone_digits.contains_key(&c) && listed;
            assert_eq!(lex.is_lone_rule_mark(c), lone, "{c:?}");
        }
        // The test is not empty: the lexicon reads some ASCII marks so.
        assert!(lex.lone_rule_marks_ascii != 0);
    }

    proptest::proptest! {
        /// The one search of both ordinal rewrites gives what the two in turn give, on
        /// lines of spaced and glued ordinals, decimals and separators after spaces.
        #[test]
        fn ordinal_rewrites_in_one_search_are_the_two_in_turn(
            line in "[0-9 、.,，)\\]a度属于公开（）\t]{0,24}"
        ) {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            let joined = lex.join_spaced_ordinals(&line);
            let both = lex.split_glued_ordinals(&joined).into_owned();
            proptest::prop_assert_eq!(lex.rewrite_ordinals(&line).into_owned(), both);
        }
    }

    proptest::proptest! {
        /// The byte scans find what the character-wise searches they replace found.
        #[test]
        fn byte_scans_equal_the_character_searches(
            line in "[0-9a 、.,，|¦│┃丨一不予公开属于（）()\t]{0,14}"
        ) {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            let has_rule = lex
                .cell_rules
                .iter()
                .any(|&r| line.contains(&*r.encode_utf8(&mut [0; 4])));
            proptest::prop_assert_eq!(lex.has_cell_rule(&line), has_rule);
            let split = lex.glued_ordinal.replace_all(&line, "$1 $2");
            proptest::prop_assert_eq!(lex.split_glued_ordinals(&line), split);
        }
    }

    #[test]
    fn spaced_ordinals_are_joined_to_their_separator_after_text_only() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for (line, want) in [
            (
                "度   6 .属于四类过程性信息  1 0",
                "度   6.属于四类过程性信息  1 0",
            ),
            (
                "(三  4  、保护第三方 | 7 .属于",
                "(三  4、保护第三方 | 7.属于",
            ),
            // At the start the lexer reads a bare number as the ordinal itself.
            ("6 .属于四类过程性信息", "6 .属于四类过程性信息"),
            // After a number it may be a merged row's last cell.
            ("2    3 .要求提供公开出版物", "2    3 .要求提供公开出版物"),
            // Not a decimal, not glued, not three digits, not before a digit.
            ("度 123 .属于", "度 123 .属于"),
            ("度 1 .5", "度 1 .5"),
            ("度 x6 .属于", "度 x6 .属于"),
            ("", ""),
        ] {
            assert_eq!(lex.join_spaced_ordinals(line), want, "{line:?}");
        }
    }

    #[test]
    fn glued_ordinals_are_split_only_where_the_pattern_matches() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for line in [
            "(四)无法提供1.本机关不掌握相关政府信息 0 0",
            "不予公开1.属于 3 4",
            "收到申请2件,答复1.5万元",
            "12.5 3,4 5、6",
            "一、本年新收 12 0",
            "规章]2、属于",
            "",
        ] {
            let all = lex.glued_ordinal.replace_all(line, "$1 $2");
            assert_eq!(lex.split_glued_ordinals(line), all, "{line:?}");
        }
    }

    #[test]
    fn ignored_lines_are_those_a_pattern_matches() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for line in [
            "- 4 -",
            " 第 3 页 ",
            "第3页,共12页",
            "12 / 30",
            "一 7 一",
            "4",
            "第3页共",
            "x - 4 -",
            "",
            "（一）予以公开 4",
        ] {
            let any = lex.ignore_lines.iter().any(|r| r.is_match(line));
            assert_eq!(lex.is_ignored(line), any, "{line:?}");
        }
    }

    /// [`Lexicon::numeral_value`] as it read a numeral before, from a vector of its
    /// characters.
    fn numeral_value_by_vec(lex: &Lexicon, s: &str) -> Option<u8> {
        lex.numeral_of(&s.chars().collect::<Vec<char>>())
    }

    proptest::proptest! {
        #[test]
        fn numerals_read_as_from_a_vector(s in "[一二三四五六七八九十百0a]{0,5}") {
            let lex = crate::dictionary::embedded_lexicon().unwrap();
            proptest::prop_assert_eq!(lex.numeral_value(&s), numeral_value_by_vec(&lex, &s));
        }
    }

    #[test]
    fn the_key_table_is_the_unicode_rule() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        for c in (0..KEY_TABLE_END as u32).filter_map(char::from_u32) {
            let rule = c.is_alphanumeric() && !lex.stray_marks.contains(&c);
            assert_eq!(lex.keeps_in_key(c), rule, "{c:?}");
        }
    }

    #[test]
    fn embedded_lexicon_parses_and_reads_numerals() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        assert_eq!(lex.numeral_value("三"), Some(3));
        assert_eq!(lex.numeral_value("十"), Some(10));
        assert_eq!(lex.numeral_value("十二"), Some(12));
        assert_eq!(lex.numeral_value("二十"), Some(20));
        assert_eq!(lex.numeral_value("三三"), None);
        assert_eq!(lex.digit_confusions.get(&'O'), Some(&'0'));
        assert_eq!(
            lex.unit_suffixes[0].chars().count(),
            2,
            "longest unit first"
        );
    }

    #[test]
    fn rejects_a_confusion_that_is_not_a_digit() {
        let text =
            include_str!("../dictionaries/lexicon.toml").replace("\"O\" = \"0\"", "\"O\" = \"x\"");
        let err = Lexicon::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("not a digit"), "{err}");
    }
}
