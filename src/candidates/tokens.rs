//! Tokenisers of a line: its bytes → the tokens and tab fields the lexer reads.
//!
//! Takes one line (valid UTF-8), gives its whitespace-separated tokens ([`Words`],
//! as `split_whitespace` gives them), its tokens between ASCII spaces
//! ([`SpaceSplit`]), its tab fields ([`TabFields`], as `split('\t')` gives them),
//! and whether it is blank or one token. Each finds its cuts from the bytes (eight a
//! step where runs are long) instead of decoding every character; the tests hold
//! each to the standard library's answer.

/// The length of the whitespace character (as `char::is_whitespace` says) that
/// starts at byte `i` of `b` (valid UTF-8), or 0: told from the bytes, since nearly
/// every character of a line is none.
fn whitespace_at(b: &[u8], i: usize) -> usize {
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b'\t'..=b'\r' | b' ' => 1,
        // U+0085, U+00A0.
        0xc2 if matches!(next(1), 0x85 | 0xa0) => 2,
        // U+1680.
        0xe1 if next(1) == 0x9a && next(2) == 0x80 => 3,
        // U+2000–U+200A, U+2028, U+2029, U+202F; U+205F.
        0xe2 if next(1) == 0x80 && matches!(next(2), 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf) => 3,
        0xe2 if next(1) == 0x81 && next(2) == 0x9f => 3,
        // U+3000.
        0xe3 if next(1) == 0x80 && next(2) == 0x80 => 3,
        _ => 0,
    }
}

/// Whether `line` is whitespace only (`line.trim().is_empty()`), told from its
/// bytes: nearly every line of a region starts with a character that is none, which
/// this sees at the first byte where `trim` went through a character searcher.
pub(super) fn blank(line: &str) -> bool {
    let b = line.as_bytes();
    // Spaced layouts start many lines with a run of ASCII spaces: passed eight a
    // step, and an ASCII byte after the ASCII whitespace decides at once.
    let mut i = past_byte(b, 0, b' ');
    while b.get(i).is_some_and(|c| matches!(c, b'\t'..=b'\r' | b' ')) {
        i += 1;
    }
    match b.get(i) {
        None => return true,
        Some(&c) if c < 0x80 => return false,
        Some(_) => {}
    }
    while i < b.len() {
        match whitespace_at(b, i) {
            0 => return false,
            n => i += n,
        }
    }
    true
}

/// Where the first run of digits of `line` starts and ends, when `line` is ASCII
/// digits and spaces only and holds a digit (a row of plain numbers: neither blank
/// nor, where the lexicon says so, page furniture); None for any other line.
pub(super) fn digit_row(line: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let start = past_byte(b, 0, b' ');
    let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = b.get(end..).unwrap_or_default();
    (end > start && rest.iter().all(|&c| c == b' ' || c.is_ascii_digit())).then_some((start, end))
}

/// [`whitespace_at`] of the character whose first byte `x` is `b[i]`, the bytes that
/// start no whitespace character answered at once: only ASCII whitespace and the
/// characters that start with `C2` or `E1`–`E3` are whitespace, so a scan of a line
/// (a spaced layout's runs of spaces) asks `whitespace_at` for few of its bytes.
#[inline]
fn space_len(b: &[u8], i: usize, x: u8) -> usize {
    match x {
        b'\t'..=b'\r' | b' ' => 1,
        0xc2 | 0xe1..=0xe3 => whitespace_at(b, i),
        _ => 0,
    }
}

/// The length of the UTF-8 character whose first byte is `x`.
#[inline]
fn char_len(x: u8) -> usize {
    match x {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// Whether `line` holds exactly one whitespace-separated token (as
/// `split_whitespace` counts them): it stops at the second token's first byte.
pub(super) fn single_token(line: &str) -> bool {
    // One walk of the bytes: past the leading whitespace, to the end of the first
    // token, past the whitespace after it; `Words` sliced the line at each cut and
    // decoded the next token's first character.
    let b = line.as_bytes();
    let mut i = past_whitespace(b);
    if i == b.len() {
        return false;
    }
    loop {
        i = space_candidate(b, i);
        let Some(&x) = b.get(i) else {
            return true;
        };
        if space_len(b, i, x) > 0 {
            break;
        }
        i += char_len(x);
    }
    b.get(i..)
        .is_none_or(|rest| past_whitespace(rest) == rest.len())
}

/// The first byte of `b` at or after `i` that may start a whitespace character (as
/// [`space_len`] tells them): an ASCII byte below `!`, or a lead byte `C2` or
/// `E0`–`E3`; `b.len()` if none. Eight bytes a step (a token of ideographs is three
/// bytes a character, none of them such a byte). No continuation byte is one, so
/// from a character boundary the answer is one too.
#[inline]
fn space_candidate(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = eight_at(b, i) {
        let low = w.wrapping_sub(ONES * 0x21) & !w & HIGH;
        let found =
            low | zero_bytes(w ^ (ONES * 0xc2)) | zero_bytes((w & (ONES * 0xfc)) ^ (ONES * 0xe0));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&x) = b.get(i) {
        if x < 0x21 || x == 0xc2 || x & 0xfc == 0xe0 {
            return i;
        }
        i += 1;
    }
    b.len()
}

/// The tokens of a line as `split_whitespace` gives them, found from each
/// character's first byte ([`space_len`]), where `split_whitespace` decoded every
/// character and asked whether it is whitespace.
#[derive(Clone)]
pub(super) struct Words<'a>(pub(super) &'a str);

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.0.as_bytes();
        let mut i = past_whitespace(b);
        if i == b.len() {
            self.0 = "";
            return None;
        }
        let start = i;
        loop {
            i = space_candidate(b, i);
            let Some(&x) = b.get(i) else {
                break;
            };
            if space_len(b, i, x) > 0 {
                break;
            }
            i += char_len(x);
        }
        // Both ends are at character boundaries (the loop steps whole characters).
        let word = self.0.get(start..i)?;
        self.0 = self.0.get(i..).unwrap_or_default();
        Some(word)
    }
}

impl Words<'_> {
    /// The first character of the next word, with the whitespace before it passed
    /// (the word itself is left for `next`); None when no word is left.
    #[inline]
    pub(super) fn next_start(&mut self) -> Option<char> {
        let i = past_whitespace(self.0.as_bytes());
        // `i` is at a character boundary (whole whitespace characters were passed).
        self.0 = self.0.get(i..).unwrap_or_default();
        self.0.chars().next()
    }
}

/// Where the whitespace at the start of `b` (valid UTF-8) ends: `b.len()` if it is
/// all whitespace. Runs of ASCII spaces (a spaced layout's gaps between cells) are
/// passed eight bytes a step.
#[inline]
fn past_whitespace(b: &[u8]) -> usize {
    let mut i = 0;
    loop {
        i = past_byte(b, i, b' ');
        let Some(&x) = b.get(i) else {
            return b.len();
        };
        match space_len(b, i, x) {
            0 => return i,
            n => i += n,
        }
    }
}

/// Whether `line` holds a tab: a byte search (`contains('\t')` went through a
/// character searcher, about 200 instructions a line).
pub(super) fn has_tab(line: &str) -> bool {
    memchr::memchr(b'\t', line.as_bytes()).is_some()
}

/// The fields of a line between its tabs, as `split('\t')` gives them, found by a
/// byte search (a tab is one byte, so every cut is at a character boundary).
pub(super) struct TabFields<'a>(pub(super) Option<&'a str>);

impl<'a> Iterator for TabFields<'a> {
    type Item = &'a str;

    // Inlined into `events_of`'s walk, as it was when both sat in one module (out
    // of line, a call a token: about 1 M instructions more on the bench reports).
    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        // Fields are short (a cell's number, a label): a call of `memchr` a field
        // cost more than looking at their bytes.
        let p = find_byte(rest.as_bytes(), 0, b'\t');
        if p < rest.len() {
            self.0 = rest.get(p + 1..);
            rest.get(..p)
        } else {
            self.0.take()
        }
    }
}

/// The tokens of a line between ASCII spaces (`split(' ')` less the empty ones),
/// found by looking at each byte once instead of one `memchr` call per token.
#[derive(Clone)]
pub(super) struct SpaceSplit<'a>(pub(super) &'a str);

impl<'a> Iterator for SpaceSplit<'a> {
    type Item = &'a str;

    // Inlined into `events_of`'s walk, as it was when both sat in one module (out
    // of line, a call a token: about 1 M instructions more on the bench reports).
    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.0.as_bytes();
        let start = past_byte(bytes, 0, b' ');
        if start == bytes.len() {
            self.0 = "";
            return None;
        }
        let end = find_byte(bytes, start, b' ');
        // A space is one byte, so both ends are character boundaries.
        let token = self.0.get(start..end)?;
        self.0 = self.0.get(end..).unwrap_or_default();
        Some(token)
    }
}

/// A byte of ones in each of a word's eight bytes, and their top bits.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of `v` that is zero: exact for the lowest such byte (a borrow
/// only runs upward from a zero byte), which is all the searches below ask.
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGH
}

/// Bytes `b` holds eight at a time from `i` (its low byte the first), or None past
/// the last whole eight.
#[inline]
fn eight_at(b: &[u8], i: usize) -> Option<u64> {
    let chunk = b.get(i..i + 8)?;
    let mut word = [0; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// The first byte of `b` at or after `i` that is `x`, or `b.len()`: eight bytes a
/// step (a label's token is tens of bytes; a loop a byte cost about four
/// instructions each).
#[inline]
fn find_byte(b: &[u8], mut i: usize, x: u8) -> usize {
    while let Some(w) = eight_at(b, i) {
        let found = zero_bytes(w ^ (ONES * u64::from(x)));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&y) = b.get(i) {
        if y == x {
            return i;
        }
        i += 1;
    }
    b.len()
}

/// The first byte of `b` at or after `i` that is not `x`, or `b.len()`: eight bytes
/// a step (a spaced layout's gaps run to tens of spaces).
#[inline]
pub(super) fn past_byte(b: &[u8], mut i: usize, x: u8) -> usize {
    while let Some(w) = eight_at(b, i) {
        // The lowest set bit is in the first byte that is not `x`.
        let other = w ^ (ONES * u64::from(x));
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&y) = b.get(i) {
        if y != x {
            return i;
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_whitespace() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("a{c}b"),
                format!(" {c} "),
                format!("a {c}"),
                format!("{c}{c}一 {c}"),
                format!("\u{3000}{c}\u{85}x\u{2029}"),
            ] {
                let words: Vec<&str> = Words(&s).collect();
                assert_eq!(words, s.split_whitespace().collect::<Vec<_>>(), "{s:?}");
            }
        }
    }

    proptest::proptest! {
        /// Long lines, so that the eight-byte steps of `space_candidate` meet every
        /// kind of byte at every place in a word.
        #[test]
        fn words_of_long_lines_are_split_whitespace(
            s in "[ a一。·\u{85}\u{a0}\u{800}\u{2028}\u{2029}\u{3000}\u{1680}\u{2000}\u{202f}\u{205f}\u{1}\t\n“\u{10000}]{0,40}",
        ) {
            let words: Vec<&str> = Words(&s).collect();
            proptest::prop_assert_eq!(words, s.split_whitespace().collect::<Vec<_>>());
            let mut t = s.split_whitespace();
            proptest::prop_assert_eq!(single_token(&s), t.next().is_some() && t.next().is_none());
        }
    }

    #[test]
    fn single_tokens_are_told_as_split_whitespace_tells_them() {
        let std = |s: &str| {
            let mut t = s.split_whitespace();
            t.next().is_some() && t.next().is_none()
        };
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("a{c}b"),
                format!(" {c} "),
                format!("a {c}"),
                format!("{c}{c}一"),
                format!("\u{3000}{c}\u{85}"),
            ] {
                assert_eq!(single_token(&s), std(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn blank_lines_are_told_as_trim_tells_them() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!(" {c} "),
                format!("{c}a"),
                format!("\u{3000}{c}\u{85}"),
                format!("{c}{c}\u{2029}"),
            ] {
                assert_eq!(blank(&s), s.trim().is_empty(), "{s:?}");
            }
        }
        assert!(blank(""));
    }

    proptest::proptest! {
        #[test]
        fn space_split_is_split_on_spaces_less_the_empty_tokens(s in "[ a1一\t\u{3000}|]{0,12}") {
            let ours: Vec<&str> = SpaceSplit(&s).collect();
            let std: Vec<&str> = s.split(' ').filter(|t| !t.is_empty()).collect();
            proptest::prop_assert_eq!(ours, std);
        }

        #[test]
        fn space_split_and_tab_fields_of_long_lines_are_split_alike(
            s in "[ a1一\t\u{3000}|\u{a0}\u{80}]{0,80}",
            runs in proptest::collection::vec((0usize..20, 0usize..80), 0..4),
        ) {
            // Runs of spaces and of other bytes longer than a step of eight.
            let mut s = s;
            for (n, at) in runs {
                let at = (0..=at.min(s.len())).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
                s.insert_str(at, &" ".repeat(n));
                s.insert_str(at, &"一a".repeat(n / 3));
            }
            let ours: Vec<&str> = SpaceSplit(&s).collect();
            let std: Vec<&str> = s.split(' ').filter(|t| !t.is_empty()).collect();
            proptest::prop_assert_eq!(ours, std);
            let ours: Vec<&str> = TabFields(Some(&s)).collect();
            let std: Vec<&str> = s.split('\t').collect();
            proptest::prop_assert_eq!(ours, std);
            for i in 0..=s.len() {
                let b = s.as_bytes();
                let plain = |x: u8, eq: bool| {
                    b[i..].iter().position(|&y| (y == x) == eq).map_or(b.len(), |n| i + n)
                };
                proptest::prop_assert_eq!(find_byte(b, i, b' '), plain(b' ', true));
                proptest::prop_assert_eq!(find_byte(b, i, b'\t'), plain(b'\t', true));
                proptest::prop_assert_eq!(past_byte(b, i, b' '), plain(b' ', false));
            }
        }

        #[test]
        fn tab_fields_are_split_on_tabs(s in "[ a1一\t\u{3000}|]{0,16}") {
            let ours: Vec<&str> = TabFields(Some(&s)).collect();
            let std: Vec<&str> = s.split('\t').collect();
            proptest::prop_assert_eq!(ours, std);
            proptest::prop_assert_eq!(has_tab(&s), s.contains('\t'));
        }
    }
}
