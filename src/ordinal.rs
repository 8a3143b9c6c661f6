//! Ordinals that open template labels: `一、` (section), `（三）` (paren), `1.` / `1、` (arabic).
//!
//! Takes NFKC text, gives the ordinal and the rest of the label. Ordinals are the
//! strongest evidence of which row a garbled label is: OCR mangles the words far
//! more often than the short numbering in front of them.

use crate::lexicon::Lexicon;

/// How an ordinal is written; the template uses each kind at one level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrdinalKind {
    /// `一、`: top-level items and section headings.
    Section,
    /// `(一)`: second level.
    Paren,
    /// `1.` or `1、`: third level.
    Arabic,
}

/// A parsed ordinal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ordinal {
    /// How it is written.
    pub kind: OrdinalKind,
    /// Its value (one-based).
    pub n: u8,
}

/// A CJK ideograph of the basic block or extension A.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// `s` without its leading spaces and tabs (`trim_start_matches([' ', '\t'])`),
/// told from the bytes: a character searcher cost more than the rest of a token's
/// look at its ordinal.
fn skip_spaces(s: &str) -> &str {
    let n = s.bytes().take_while(|&b| b == b' ' || b == b'\t').count();
    // Spaces and tabs are one byte each, so `n` is a character boundary.
    s.get(n..).unwrap_or_default()
}

/// Splits a leading ordinal off `text` (NFKC form); returns it and the remainder.
pub fn split_ordinal<'a>(text: &'a str, lex: &Lexicon) -> Option<(Ordinal, &'a str)> {
    let t = skip_spaces(text);
    if let Some(rest) = t.strip_prefix('(') {
        let rest = skip_spaces(rest);
        let end = rest
            .find(|c: char| !lex.is_numeral(c))
            .unwrap_or(rest.len());
        let n = lex.numeral_value(&rest[..end])?;
        let rest = skip_spaces(&rest[end..]).strip_prefix(')')?;
        return Some((
            Ordinal {
                kind: OrdinalKind::Paren,
                n,
            },
            skip_spaces(rest),
        ));
    }
    let first = t.chars().next()?;
    if lex.is_numeral(first) {
        let end = t.find(|c: char| !lex.is_numeral(c)).unwrap_or(t.len());
        let n = lex.numeral_value(&t[..end])?;
        let rest = skip_spaces(&t[end..]);
        let sep = rest
            .chars()
            .next()
            .filter(|c| lex.ordinal_separators.contains(c))?;
        return Some((
            Ordinal {
                kind: OrdinalKind::Section,
                n,
            },
            skip_spaces(&rest[sep.len_utf8()..]),
        ));
    }
    if first.is_ascii_digit() {
        let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if end > 2 {
            return None;
        }
        // The template numbers its rows from 1: `0，` among numbers is a cell.
        let n: u8 = t[..end].parse().ok().filter(|&n| n > 0)?;
        // OCR often loses the dot: `1属于国家秘密`. A number glued to a Han character
        // is then the ordinal (a count in prose carries a measure word, not a label).
        if t[end..].starts_with(is_han) {
            return Some((
                Ordinal {
                    kind: OrdinalKind::Arabic,
                    n,
                },
                &t[end..],
            ));
        }
        let rest = skip_spaces(&t[end..]);
        let sep = rest
            .chars()
            .next()
            .filter(|c| lex.ordinal_separators.contains(c))?;
        let after = skip_spaces(&rest[sep.len_utf8()..]);
        // "1.5" is a decimal, not an ordinal.
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        return Some((
            Ordinal {
                kind: OrdinalKind::Arabic,
                n,
            },
            after,
        ));
    }
    None
}

/// A segment's own ordinal: [`split_ordinal`], and also `(三)` with its bracket lost
/// or misread. Only for text already cut into a segment: among a line's tokens `五)项`
/// is the end of a clause number (`第二十条第( 五)项`), not the start of a label.
pub fn split_segment_ordinal<'a>(text: &'a str, lex: &Lexicon) -> Option<(Ordinal, &'a str)> {
    paren_without_its_bracket(skip_spaces(text), lex).or_else(|| split_ordinal(text, lex))
}

/// [`split_segment_ordinal`] of a segment of one token whose [`split_ordinal`] the
/// lexer has already asked (`plain`): a segment's text is asked again when it is
/// flushed, and most segments are one token.
pub fn split_segment_ordinal_known<'a>(
    text: &'a str,
    lex: &Lexicon,
    plain: Option<(Ordinal, &'a str)>,
) -> Option<(Ordinal, &'a str)> {
    paren_without_its_bracket(skip_spaces(text), lex).or(plain)
}

/// Whether `text` opens with an arabic ordinal OCR garbled into another character
/// (`工.属于国家秘密` for `1.属于国家秘密`): one character that is no numeral, digit,
/// bracket or separator, then a separator (after a space or not), then a Han character. Such a label has
/// an ordinal of its own, though nothing can tell which.
pub fn opens_with_garbled_ordinal(text: &str, lex: &Lexicon) -> bool {
    let mut chars = skip_spaces(text).chars();
    let Some(first) = chars.next() else {
        return false;
    };
    // OCR may set the separator off by a space, as it does a digit's (`1 .`).
    let mut chars = skip_spaces(chars.as_str()).chars();
    let (Some(sep), Some(next)) = (chars.next(), chars.next()) else {
        return false;
    };
    !lex.is_numeral(first)
        && !first.is_ascii_digit()
        && !matches!(first, '(' | ')')
        && !lex.ordinal_separators.contains(&first)
        && lex.ordinal_separators.contains(&sep)
        && is_han(next)
}

/// `(三)` whose `(` OCR lost (`三) 不予公开`) or read as another mark (`6一)`, `{四)`,
/// `\一)`): a numeral closed by `)` is a paren ordinal when nothing or one ASCII mark
/// stands before it (OCR reads the bracket as a digit, a brace or a slash; a Han
/// character or a symbol such as `△` there belongs to the text around it).
fn paren_without_its_bracket<'a>(t: &'a str, lex: &Lexicon) -> Option<(Ordinal, &'a str)> {
    let mut chars = t.chars();
    let first = chars.next()?;
    let body = if lex.is_numeral(first) {
        t
    } else if !first.is_ascii_graphic() {
        return None;
    } else {
        let rest = &t[first.len_utf8()..];
        rest.starts_with(|c: char| lex.is_numeral(c))
            .then_some(rest)?
    };
    let end = body
        .find(|c: char| !lex.is_numeral(c))
        .unwrap_or(body.len());
    let n = lex.numeral_value(&body[..end])?;
    let rest = skip_spaces(&body[end..]).strip_prefix(')')?;
    Some((
        Ordinal {
            kind: OrdinalKind::Paren,
            n,
        },
        skip_spaces(rest),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        crate::dictionary::embedded_lexicon().unwrap()
    }

    #[test]
    fn parses_the_three_kinds() {
        let lex = lex();
        let (o, rest) = split_ordinal("(三) 不予公开", &lex).unwrap();
        assert_eq!((o.kind, o.n, rest), (OrdinalKind::Paren, 3, "不予公开"));
        let (o, rest) = split_ordinal("一、本年新收", &lex).unwrap();
        assert_eq!((o.kind, o.n, rest), (OrdinalKind::Section, 1, "本年新收"));
        let (o, rest) = split_ordinal("1. 属于国家秘密", &lex).unwrap();
        assert_eq!(
            (o.kind, o.n, rest),
            (OrdinalKind::Arabic, 1, "属于国家秘密")
        );
        let (o, rest) = split_ordinal("5属于三类内部事务", &lex).unwrap();
        assert_eq!(
            (o.kind, o.n, rest),
            (OrdinalKind::Arabic, 5, "属于三类内部事务")
        );
        let (o, _) = split_ordinal("3、其他", &lex).unwrap();
        assert_eq!((o.kind, o.n), (OrdinalKind::Arabic, 3));
    }

    #[test]
    fn a_paren_ordinal_keeps_its_kind_when_ocr_lost_or_misread_its_bracket() {
        let lex = lex();
        for text in [
            "6一) 予以公开",
            "{四) 无法提供",
            "\\一)予以公开",
            "一 ) 予以公开",
            "5六 ) 其他处理",
        ] {
            let (o, rest) = split_segment_ordinal(text, &lex).unwrap();
            assert_eq!(o.kind, OrdinalKind::Paren, "{text}");
            assert!(rest.chars().next().is_some_and(is_han), "{text}: {rest}");
        }
        let (o, _) = split_segment_ordinal("6一) 予以公开", &lex).unwrap();
        assert_eq!(o.n, 1);
        // A mark before a numeral without `)` is not a paren ordinal.
        let misread = split_segment_ordinal("6一 予以公开", &lex);
        assert!(misread.is_none_or(|(o, _)| o.kind != OrdinalKind::Paren));
        assert!(split_segment_ordinal("x三类", &lex).is_none());
        assert!(split_segment_ordinal("△六)项", &lex).is_none());
        // Among tokens a bare `五)` ends a clause number.
        assert!(split_ordinal("五)项", &lex).is_none());
    }

    proptest::proptest! {
        #[test]
        fn spaces_are_skipped_as_trim_start_matches_skips_them(s in "[ \t\u{3000}a一]{0,12}") {
            proptest::prop_assert_eq!(skip_spaces(&s), s.trim_start_matches([' ', '\t']));
        }
    }

    proptest::proptest! {
        /// Given the token's own split, the segment's split is what it was.
        #[test]
        fn a_known_split_gives_the_segments_split(
            s in "[ \t(){}\\\\.,、，1-9一二三十四x属于予以公开]{0,10}"
        ) {
            let lex = lex();
            proptest::prop_assert_eq!(
                split_segment_ordinal_known(&s, &lex, split_ordinal(&s, &lex)),
                split_segment_ordinal(&s, &lex)
            );
        }
    }

    #[test]
    fn leaves_non_ordinals_alone() {
        let lex = lex();
        assert!(split_ordinal("1.5", &lex).is_none());
        assert!(split_ordinal("三类内部事务", &lex).is_none());
        assert!(split_ordinal("2019年", &lex).is_none());
        assert!(split_ordinal("规章", &lex).is_none());
        assert!(split_ordinal("", &lex).is_none());
        assert!(split_ordinal("(", &lex).is_none());
    }
}
