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

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
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
        let n: u8 = t[..end].parse().ok()?;
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
