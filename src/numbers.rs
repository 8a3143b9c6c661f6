//! Numeric cells: OCR token → [`Num`], with letter-for-digit repairs and units.
//!
//! Takes one whitespace- or tab-delimited token, gives its value or says it is not
//! a number. Values are exact fixed-point (millionths), so sums of money and counts
//! never pick up floating-point error.

use std::borrow::Cow;
use std::fmt;

use crate::lexicon::Lexicon;

const SCALE: i128 = 1_000_000;
/// [`SCALE`] as an `i64`.
const SCALE_64: i64 = 1_000_000;
const MAX_INT_DIGITS: usize = 15;
const MAX_FRAC_DIGITS: usize = 6;

/// An exact decimal value, stored in millionths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Num(i128);

impl Num {
    /// The integer `n`.
    pub fn int(n: i64) -> Num {
        Num(n as i128 * SCALE)
    }

    /// `n` millionths.
    pub fn micro(n: i64) -> Num {
        Num(n as i128)
    }

    /// The value in millionths, exactly (for storing it elsewhere).
    pub fn millionths(self) -> i128 {
        self.0
    }

    /// The value of `n` millionths.
    pub fn from_millionths(n: i128) -> Num {
        Num(n)
    }

    /// Whether the value has no fractional part.
    pub fn is_integer(self) -> bool {
        // Nearly every value fits in 64 bits, where the remainder by a constant is a
        // multiply and a shift; the 128-bit one is a call into the runtime.
        match i64::try_from(self.0) {
            Ok(v) => v % SCALE_64 == 0,
            Err(_) => self.0 % SCALE == 0,
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Sum of values (saturating: sums of 15-digit cells cannot overflow i128 in practice).
    pub fn sum<I: IntoIterator<Item = Num>>(it: I) -> Num {
        Num(it.into_iter().fold(0i128, |a, n| a.saturating_add(n.0)))
    }
}

// Saturating, as `i128::saturating_add` and `saturating_sub` are, but with the
// saturation out of line: the sums of reconciliation (a few hundred per table, in
// every identity check and propagation) never overflow in practice, and the plain
// saturating forms work out the bound for every sum.
impl std::ops::Add for Num {
    type Output = Num;
    #[inline]
    fn add(self, o: Num) -> Num {
        match self.0.checked_add(o.0) {
            Some(s) => Num(s),
            // Only two values of one sign overflow, in the direction of their sign.
            None => Num::saturated(o.0 > 0),
        }
    }
}

impl std::ops::Sub for Num {
    type Output = Num;
    #[inline]
    fn sub(self, o: Num) -> Num {
        match self.0.checked_sub(o.0) {
            Some(s) => Num(s),
            // Taking away a negative value can only overflow upwards, a positive one
            // downwards.
            None => Num::saturated(o.0 < 0),
        }
    }
}

impl Num {
    /// The bound a saturating operation stops at: the largest value when `up`.
    #[cold]
    #[inline(never)]
    fn saturated(up: bool) -> Num {
        Num(if up { i128::MAX } else { i128::MIN })
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        // Cell values fit in 64 bits: their division is far cheaper than 128-bit.
        if let Ok(small) = u64::try_from(abs) {
            let (int, frac) = (small / SCALE as u64, small % SCALE as u64);
            if frac == 0 {
                f.write_str(sign)?;
                return write_digits(f, int);
            }
        }
        let (int, frac) = (abs / SCALE as u128, abs % SCALE as u128);
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{int}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl Num {
    /// The number as a count: a non-negative integer that fits 64 bits (nearly every
    /// cell), else None.
    pub(crate) fn as_count(self) -> Option<u64> {
        let m = u64::try_from(self.0).ok()?;
        (m % SCALE as u64 == 0).then_some(m / SCALE as u64)
    }

    /// The digits of [`Num::as_count`], written into `buf` without allocating: what
    /// `to_string` gives for it.
    pub(crate) fn count_digits(self, buf: &mut [u8; 20]) -> Option<&str> {
        Some(decimal(self.as_count()?, buf))
    }
}

/// `n` in decimal, without the formatting machinery.
fn write_digits(f: &mut fmt::Formatter<'_>, n: u64) -> fmt::Result {
    f.write_str(decimal(n, &mut [0; 20]))
}

/// `n` in decimal, written into the end of `buf` (a `u64` has at most 20 digits).
pub(crate) fn decimal(n: u64, buf: &mut [u8; 20]) -> &str {
    // Only ASCII digits were written.
    std::str::from_utf8(decimal_bytes(n, buf)).unwrap_or_default()
}

/// [`decimal`]'s digits as bytes (a run writes hundreds of thousands of line numbers).
pub(crate) fn decimal_bytes(n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let at = decimal_back(n, buf, 20);
    &buf[at..]
}

/// The two digits of 00–99, one pair after the other.
pub(crate) const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Writes `n` in decimal so that it ends at `buf[end]` and returns where it starts:
/// two digits at a time from the last, from a table of the pairs 00–99. `buf[..end]`
/// must have room for the digits (at most 20).
pub(crate) fn decimal_back(mut n: u64, buf: &mut [u8], end: usize) -> usize {
    let mut at = end;
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        buf[at] = b'0' + n as u8;
    }
    at
}

/// What a token turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A number.
    Number(Parsed),
    /// Digits that cannot be one cell (too long: cells glued together); kept as raw text.
    Unreadable,
    /// Not a number at all (a label fragment).
    Text,
}

/// A parsed numeric token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The value.
    pub value: Num,
    /// Set when OCR letters were read as digits: the token with the repair applied.
    pub repaired: Option<String>,
    /// A unit that followed the number inside the cell (元, 万元 …).
    pub unit: Option<String>,
}

/// Classifies one NFKC token. `numeric_context` says the token stands where a number
/// is expected (a tab cell or a line that already holds numbers); only then may a lone
/// confusable letter such as `O` be read as a digit.
pub fn parse_token(token: &str, lex: &Lexicon, numeric_context: bool) -> Token {
    parse_cell(token, lex, numeric_context, false)
}

/// [`parse_token`] for a token right after a number, or of a line whose every token
/// is a cell (`among_numbers`): only there is a lone mark that is
/// also a rule look-alike (`]`) read as the digit of `lone_digits` rather than as
/// a rule (before a label or in a header it is the table's border).
#[inline]
pub fn parse_cell(token: &str, lex: &Lexicon, numeric_context: bool, among_numbers: bool) -> Token {
    // Most numbers are plain digits (`0`, `1288`): told where the token is read,
    // before a call to the rest (whose frame cost as much as reading the digits).
    if lex.plain_digits && !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
        return plain_digits(token);
    }
    // Most of the rest are words, told from their first character before the call
    // (`parse_other_cell` decoded it twice and asked two tables and a hash first).
    if token
        .chars()
        .next()
        .is_some_and(|c| lex.starts_plain_word(c))
    {
        return Token::Text;
    }
    parse_other_cell(token, lex, numeric_context, among_numbers)
}

/// [`parse_cell`] for a token that is not plain digits.
fn parse_other_cell(
    token: &str,
    lex: &Lexicon,
    numeric_context: bool,
    among_numbers: bool,
) -> Token {
    if digits_then_word(token, lex) {
        return Token::Text;
    }
    read_other_cell(token, lex, numeric_context, among_numbers)
}

/// [`parse_other_cell`] on its whole path: a lone digit, or the general reading.
fn read_other_cell(
    token: &str,
    lex: &Lexicon,
    numeric_context: bool,
    among_numbers: bool,
) -> Token {
    if let Some(digit) = lone_digit(token, lex, numeric_context, among_numbers) {
        return digit;
    }
    match parse_general(token, lex, numeric_context) {
        // Letters OCR makes of digits, after a number, that no count is printed as
        // (`0 oo ol` for 0 00 0|): like `00`, a cell that cannot be read, not a word.
        Token::Text if among_numbers && numeric_context && misread_digits(token, lex) => {
            Token::Unreadable
        }
        read => read,
    }
}

/// Whether `token` is text on every path of [`parse_other_cell`], told from two
/// characters: the first after its leading ASCII digits, points and commas starts a
/// word in any context ([`Lexicon::starts_plain_word`]: no digit, point, comma,
/// sign, stray mark, rule or digit's confusion), and its last is none that a trim, a
/// unit or a rule cut takes off ([`Lexicon::may_end_a_number`]). That character then
/// stays in every reading tried and none of them reads it: a row's label with its
/// ordinal (`1.属于国家秘密`) or a year (`2023年`): 22,495 of the 31,883 tokens of
/// the bench reports that reached `read_number` had been tried against every unit
/// and the rule cuts first.
fn digits_then_word(token: &str, lex: &Lexicon) -> bool {
    let lead = token
        .bytes()
        .take_while(|&b| b.is_ascii_digit() || b == b'.' || b == b',')
        .count();
    let Some(c) = token.get(lead..).and_then(|rest| rest.chars().next()) else {
        return false;
    };
    lex.starts_plain_word(c)
        && token
            .chars()
            .next_back()
            .is_some_and(|e| !lex.may_end_a_number(e))
}

/// Two or more characters, each one OCR makes of a digit (`oo`, `lo`), none inside
/// the token a rule's look-alike (`olo` may be two cells, `0|0`).
fn misread_digits(token: &str, lex: &Lexicon) -> bool {
    let mut inner = token.chars();
    inner.next();
    inner.next_back();
    token.chars().nth(1).is_some()
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || lex.digit_confusions.contains_key(&c))
        && !inner.any(|c| lex.rule_lookalikes.contains(&c))
}

/// Whether `token` is a lone mark that `lone_digits` reads only among numbers (`]`).
pub fn lone_mark_among_numbers(token: &str, lex: &Lexicon) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if lex.is_lone_rule_mark(c))
}

/// Whether a line reads a lone `]` as its digit from its first token: it holds such a
/// mark ([`lone_mark_among_numbers`]) and every token is a cell, a number or such a
/// mark (`] 0 0 0 ] ]`). The pipeline and the eval's ceiling read lines alike by it.
pub fn cells_from_first_token<'a>(
    tokens: impl Iterator<Item = &'a str> + Clone,
    lex: &Lexicon,
) -> bool {
    tokens.clone().any(|t| lone_mark_among_numbers(t, lex)) && { tokens }
        .all(|t| matches!(parse_cell(t, lex, true, true), Token::Number(_)))
}

/// What [`read_number`] gives for a token of ASCII digits (no stray mark to trim, no
/// unit to cut: see `Lexicon::plain_digits`), without its steps for letters, signs,
/// separators and units.
#[inline]
fn plain_digits(t: &str) -> Token {
    // Digits no count is printed as (`007`), or too many for one cell.
    if t.len() > MAX_INT_DIGITS || (t.len() > 1 && t.starts_with('0')) {
        return Token::Unreadable;
    }
    let v = t.bytes().fold(0i128, |v, b| v * 10 + i128::from(b - b'0'));
    Token::Number(Parsed {
        value: Num(v * SCALE),
        repaired: None,
        unit: None,
    })
}

/// [`parse_token`] for any token.
fn parse_general(token: &str, lex: &Lexicon, numeric_context: bool) -> Token {
    // Most tokens are words: one whose first character is no stray mark (so stays
    // first after trimming), no sign and nothing a digit is read from is text, with
    // or without a trailing rule, before the trimming and the units are tried.
    if let Some(c) = token.chars().next() {
        // Among a row's numbers a token may start with a rule OCR read (`]1`, `io0i`).
        let rule = numeric_context && lex.is_rule_mark(c);
        if !rule && lex.starts_a_word(c) {
            return Token::Text;
        }
    }
    parse_trimmed(token, lex, numeric_context)
}

/// A mark OCR makes of a digit (`。` for a small printed 0, `]` for a serifed 1),
/// standing alone where a number is expected. Not inside a longer token: there it is
/// punctuation after a word, or a rule beside a number.
fn lone_digit(
    token: &str,
    lex: &Lexicon,
    numeric_context: bool,
    among_numbers: bool,
) -> Option<Token> {
    let mut chars = token.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let rule = lex.is_rule_mark(c);
    let digit = *lex
        .lone_digits
        .get(&c)
        .filter(|_| numeric_context && (among_numbers || !rule))?;
    let value = i128::from(digit.to_digit(10)?);
    Some(Token::Number(Parsed {
        value: Num(value * SCALE),
        repaired: Some(digit.to_string()),
        unit: None,
    }))
}

/// [`parse_general`] without its shortcut for words.
fn parse_trimmed(token: &str, lex: &Lexicon, numeric_context: bool) -> Token {
    let t = token.trim_matches(|c: char| lex.stray_marks.contains(&c));
    let read = read_number(t, lex, numeric_context);
    // A table rule glued to the end of a number (`0|` read as `ol`): where the token is
    // no number as it stands, the number without its last letter is the cell.
    if numeric_context && !matches!(read, Token::Number(_)) {
        if let Some(body) = t.strip_suffix(|c: char| lex.rule_lookalikes.contains(&c)) {
            if let Token::Number(mut p) = read_number(body, lex, true) {
                let cell = p.repaired.take().unwrap_or_else(|| body.to_string());
                p.repaired = Some(cell);
                return Token::Number(p);
            }
        }
        if ruled_digits(t, lex) {
            return Token::Unreadable;
        }
    }
    read
}

/// Digits with table rules read among them (`1ololo1io1` for `|0|0|0|0|`): several
/// cells in one token, to be cut with their rules ([`crate::split::cut_ruled_runs`]),
/// not text. Needs a real digit and a rule look-alike before the token's end (one at
/// the end alone is the glued rule [`parse_token`] already strips).
fn ruled_digits(t: &str, lex: &Lexicon) -> bool {
    let rule = |c: char| lex.is_rule_mark(c);
    let body = t.trim_end_matches(rule);
    body.bytes().any(|b| b.is_ascii_digit())
        && body.chars().any(rule)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || rule(c) || lex.digit_confusions.contains_key(&c))
}

fn read_number(t: &str, lex: &Lexicon, numeric_context: bool) -> Token {
    let numeric = |c: char| {
        c.is_ascii_digit() || c == '.' || c == ',' || lex.digit_confusions.contains_key(&c)
    };
    // Most tokens are words, ruled out by their first character before the units are
    // tried: a unit only shortens the token at its end, so the character after the
    // sign is the first of the digits either way.
    let signed = t.strip_prefix(['-', '\u{2212}', '+']).unwrap_or(t);
    if signed.chars().next().is_some_and(|c| !numeric(c)) {
        return Token::Text;
    }
    let mut unit = None;
    let mut body = t;
    for u in &lex.unit_suffixes {
        if let Some(b) = t.strip_suffix(u.as_str()) {
            if !b.is_empty() {
                body = b;
                unit = Some(u.clone());
                break;
            }
        }
    }
    let (neg, digits) = match body.chars().next() {
        Some('-') | Some('\u{2212}') => {
            (true, &body[body.chars().next().map_or(0, char::len_utf8)..])
        }
        Some('+') => (false, &body[1..]),
        _ => (false, body),
    };
    if digits.is_empty() {
        return Token::Text;
    }
    if !digits.chars().all(numeric) {
        return Token::Text;
    }
    let mut real_digits = 0;
    let mut confused = 0;
    // Most numbers are printed right: read in place, a copy only for a repair.
    let fixed: Cow<str> = if digits
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        real_digits = digits.bytes().filter(u8::is_ascii_digit).count();
        Cow::Borrowed(digits)
    } else {
        let mut fixed = String::with_capacity(digits.len());
        for c in digits.chars() {
            if c.is_ascii_digit() {
                real_digits += 1;
                fixed.push(c);
            } else if c == '.' || c == ',' {
                fixed.push(c);
            } else if let Some(&d) = lex.digit_confusions.get(&c) {
                confused += 1;
                fixed.push(d);
            } else {
                return Token::Text;
            }
        }
        Cow::Owned(fixed)
    };
    // A lone letter can be a digit where a number is expected; two or more letters
    // and no digit (`oo`, `ol`) are OCR debris from table rules, not a number.
    if confused > 0
        && real_digits == 0
        && !(numeric_context && confused == 1 && digits.chars().count() == 1)
    {
        return Token::Text;
    }
    let Some(value) = parse_decimal(&fixed, neg) else {
        // Digits no count is printed as (`01`, `007`): a cell, but not one number.
        let leading_zero =
            fixed.len() > 1 && fixed.starts_with('0') && fixed.bytes().all(|b| b.is_ascii_digit());
        return if real_digits > MAX_INT_DIGITS || leading_zero {
            Token::Unreadable
        } else {
            Token::Text
        };
    };
    let repaired = (confused > 0).then(|| format!("{}{fixed}", if neg { "-" } else { "" }));
    Token::Number(Parsed {
        value,
        repaired,
        unit,
    })
}

/// Parses `123`, `1,234`, `12.5` (no sign); None when malformed or out of range.
fn parse_decimal(s: &str, neg: bool) -> Option<Num> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_digits: Cow<str> = if int.contains(',') {
        // Thousands separators only in their proper places: 1,234,567.
        let groups: Vec<&str> = int.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..]
                .iter()
                .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return None;
        }
        groups.concat().into()
    } else {
        int.into()
    };
    if int_digits.is_empty()
        || int_digits.len() > MAX_INT_DIGITS
        || (int_digits.len() > 1 && int_digits.starts_with('0'))
        || !int_digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut v: i128 = int_digits.parse().ok()?;
    v *= SCALE;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > MAX_FRAC_DIGITS || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Millionths: the digits as written, scaled as if padded with zeros to six.
        let short = u32::try_from(MAX_FRAC_DIGITS - f.len()).ok()?;
        v += f.parse::<i128>().ok()? * 10i128.pow(short);
    }
    Some(Num(if neg { -v } else { v }))
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    #[test]
    fn count_digits_are_what_display_writes() {
        let mut buf = [0; 20];
        for n in [0, 7, 10, 4243, i64::MAX / 1_000_000] {
            assert_eq!(
                Num::int(n).count_digits(&mut buf),
                Some(n.to_string().as_str())
            );
        }
        assert_eq!(Num::int(-3).count_digits(&mut buf), None);
        assert_eq!(Num::micro(1_500_000).count_digits(&mut buf), None);
    }

    fn lex() -> Lexicon {
        crate::dictionary::embedded_lexicon().unwrap()
    }

    fn num(t: &str) -> Parsed {
        match parse_token(t, &lex(), true) {
            Token::Number(p) => p,
            other => panic!("{t:?} gave {other:?}"),
        }
    }

    #[test]
    fn lone_marks_read_as_digits_only_where_the_lexicon_allows() {
        let lex = lex();
        let one = |among| parse_cell("]", &lex, true, among);
        assert!(
            matches!(one(true), Token::Number(p) if p.value == Num::int(1) && p.repaired.as_deref() == Some("1"))
        );
        assert!(!matches!(one(false), Token::Number(_)));
        assert!(!matches!(
            parse_cell("]", &lex, false, true),
            Token::Number(_)
        ));
        // `。` is no rule look-alike: a 0 wherever a number is expected.
        assert!(
            matches!(parse_token("。", &lex, true), Token::Number(p) if p.value == Num::int(0))
        );
        assert!(!matches!(parse_token("。", &lex, false), Token::Number(_)));
        // Inside a longer token `]` stays a rule.
        assert!(
            matches!(parse_cell("0]", &lex, true, true), Token::Number(p) if p.value == Num::int(0))
        );
        assert!(cells_from_first_token(["]", "0", "o"].into_iter(), &lex));
        assert!(!cells_from_first_token(["]", "总计"].into_iter(), &lex));
    }

    #[test]
    fn letters_for_digits_after_a_number_are_an_unreadable_cell() {
        let lex = lex();
        for t in ["oo", "lo", "OO", "o0"] {
            assert_eq!(parse_cell(t, &lex, true, true), Token::Unreadable, "{t}");
        }
        // Not before the numbers, nor as a word of prose, nor with a rule inside.
        assert_eq!(parse_cell("oo", &lex, true, false), Token::Text);
        assert_eq!(parse_cell("oo", &lex, false, true), Token::Text);
        assert_eq!(parse_cell("olo", &lex, true, true), Token::Text);
    }

    #[test]
    fn decimals_as_display_writes_them() {
        let mut buf = [0; 20];
        for n in (0..200_000).chain([u64::MAX, u64::MAX - 1, 10u64.pow(19), 10u64.pow(19) - 1]) {
            assert_eq!(decimal(n, &mut buf), n.to_string());
        }
        for p in 0..20 {
            let n = 10u64.pow(p);
            assert_eq!(decimal(n - 1, &mut buf), (n - 1).to_string());
            assert_eq!(decimal(n, &mut buf), n.to_string());
        }
    }

    /// Values a sum may meet: ordinary ones, and each bound with its neighbours.
    fn any_millionths() -> impl Strategy<Value = i128> {
        prop_oneof![
            any::<i128>(),
            -1_000_000_000_000i128..1_000_000_000_000,
            prop::sample::select(vec![
                i128::MIN,
                i128::MIN + 1,
                -1,
                0,
                1,
                i128::MAX - 1,
                i128::MAX,
            ]),
            (0..4i128).prop_map(|k| i128::MAX - k),
            (0..4i128).prop_map(|k| i128::MIN + k),
        ]
    }

    proptest! {
        #[test]
        fn sums_and_differences_saturate_as_i128_does(
            a in any_millionths(),
            b in any_millionths(),
        ) {
            prop_assert_eq!((Num(a) + Num(b)).0, a.saturating_add(b));
            prop_assert_eq!((Num(a) - Num(b)).0, a.saturating_sub(b));
        }

        #[test]
        fn is_integer_is_the_128_bit_remainder(a in any_millionths(), near in -3i128..3, whole: bool) {
            // Values beside the 64-bit bounds, and whole ones, as well as any.
            for v in [a, i128::from(i64::MAX) + near, i128::from(i64::MIN) + near, a / SCALE * SCALE] {
                let v = if whole { v / SCALE * SCALE } else { v };
                prop_assert_eq!(Num(v).is_integer(), v % SCALE == 0);
            }
        }

        #[test]
        fn any_decimal_as_display_writes_it(n: u64) {
            let mut buf = [0; 20];
            prop_assert_eq!(decimal(n, &mut buf), n.to_string());
        }

        #[test]
        fn words_are_told_as_the_whole_path_tells_them(
            t in "[a-zO0-9l|I.,+\\-\u{2212}△·_~元件万一属于开。 ]{0,6}",
            context: bool,
        ) {
            let lex = lex();
            prop_assert_eq!(parse_general(&t, &lex, context), parse_trimmed(&t, &lex, context));
        }

        #[test]
        fn cells_are_read_as_the_whole_path_reads_them(
            t in "[a-zO0-9lDI|\\]\\[!j.,+\\-\u{2212}△·_~元件万一属于开。〇丨│ ]{0,6}",
            context: bool,
            among: bool,
        ) {
            let lex = lex();
            let plain = lex.plain_digits && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            let whole = if plain {
                plain_digits(&t)
            } else {
                read_other_cell(&t, &lex, context, among)
            };
            prop_assert_eq!(parse_cell(&t, &lex, context, among), whole);
        }

        #[test]
        fn tokens_told_text_by_two_characters_are_text_on_every_path(
            t in "[0-9.,△·]{0,4}[a-zO0-9lDI|\\]\\[!j.,+\\-\u{2212}△·_~元件万一年属于开。〇丨│ ]{1,5}",
            context: bool,
            among: bool,
        ) {
            let lex = lex();
            if digits_then_word(&t, &lex) {
                prop_assert_eq!(read_other_cell(&t, &lex, context, among), Token::Text);
            }
        }

        #[test]
        fn plain_digits_read_as_the_general_path_reads_them(t in "[0-9]{1,20}", context: bool) {
            let lex = lex();
            prop_assert!(lex.plain_digits);
            prop_assert_eq!(plain_digits(&t), parse_general(&t, &lex, context));
        }
    }

    #[test]
    fn plain_signed_decimal_and_units() {
        assert_eq!(num("0").value, Num::int(0));
        assert_eq!(num("-185").value, Num::int(-185));
        assert_eq!(num("96171.6").value.to_string(), "96171.6");
        assert_eq!(num("24252.311082").value.to_string(), "24252.311082");
        let p = num("251000元");
        assert_eq!((p.value, p.unit.as_deref()), (Num::int(251000), Some("元")));
        assert_eq!(num("1,234").value, Num::int(1234));
    }

    #[test]
    fn ocr_letters_are_repaired_and_reported() {
        let p = num("1O");
        assert_eq!((p.value, p.repaired.as_deref()), (Num::int(10), Some("10")));
        assert_eq!(num("O").value, Num::int(0));
        assert_eq!(num("l").value, Num::int(1));
        // Out of a numeric context a lone letter stays text.
        assert_eq!(parse_token("O", &lex(), false), Token::Text);
        assert_eq!(parse_token("oo", &lex(), true), Token::Text);
        assert_eq!(parse_token("ol", &lex(), false), Token::Text);
        // A small 0 read as a full stop is a 0 only alone in a cell.
        let p = num("。");
        assert_eq!((p.value, p.repaired.as_deref()), (Num::int(0), Some("0")));
        assert_eq!(parse_token("。", &lex(), false), Token::Text);
        assert_eq!(parse_token("0。", &lex(), true), Token::Text);
    }

    #[test]
    fn a_table_rule_glued_to_a_number_is_dropped_only_where_nothing_else_reads() {
        // `0|` read as `ol`, `oj`, `0l`: a 0 and a rule.
        for t in ["ol", "oj", "0l", "0]"] {
            let p = num(t);
            assert_eq!(
                (p.value, p.repaired.as_deref()),
                (Num::int(0), Some("0")),
                "{t}"
            );
        }
        // `1l` reads as 11 (l is also a 1), so the rule reading is not taken.
        assert_eq!(num("1l").value, Num::int(11));
        assert_eq!(num("25I").value, Num::int(251));
    }

    #[test]
    fn digits_with_rules_among_them_are_cells_to_cut_not_text() {
        // `|0|0|0|0|` with its rules read as 1, l and i, in a row of numbers.
        for t in ["1ololo1io1", "io0i", "0i0li", "1o1|0"] {
            assert_eq!(parse_token(t, &lex(), true), Token::Unreadable, "{t}");
        }
        // Outside a row of numbers, and without a digit or a rule, it stays text.
        assert_eq!(parse_token("1ololo1io1", &lex(), false), Token::Text);
        assert_eq!(parse_token("oo", &lex(), true), Token::Text);
        assert_eq!(parse_token("lil", &lex(), true), Token::Text);
    }

    #[test]
    fn a_leading_zero_is_no_count() {
        assert_eq!(parse_token("01", &lex(), true), Token::Unreadable);
        assert_eq!(parse_token("007", &lex(), true), Token::Unreadable);
        assert_eq!(num("0").value, Num::int(0));
        assert_eq!(num("0.5").value.to_string(), "0.5");
    }

    #[test]
    fn text_and_glued_runs_are_not_numbers() {
        let lex = lex();
        assert_eq!(parse_token("规章", &lex, true), Token::Text);
        assert_eq!(parse_token("2019年度", &lex, true), Token::Text);
        assert_eq!(parse_token("1.属于", &lex, true), Token::Text);
        assert_eq!(parse_token("-", &lex, true), Token::Text);
        assert_eq!(parse_token("1,23", &lex, true), Token::Text);
        assert_eq!(parse_token("1.2345678", &lex, true), Token::Text);
        assert_eq!(
            parse_token("10203120001200000", &lex, true),
            Token::Unreadable
        );
    }

    proptest! {
        #[test]
        fn every_printed_value_reads_back(v in -10_000_000_000i64..10_000_000_000i64, frac in 0u32..1_000_000) {
            let n = Num(v as i128 * SCALE + if v < 0 { -(frac as i128) } else { frac as i128 });
            let text = n.to_string();
            prop_assert_eq!(num(&text).value, n);
        }
    }
}
