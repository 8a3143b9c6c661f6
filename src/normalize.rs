//! Normalisation: raw text lines → NFKC lines for lexing, and labels → match keys.
//!
//! Two forms are kept apart on purpose. The *line* form (NFKC, whitespace unified,
//! control characters dropped) is what the lexer reads and what the correction
//! log quotes, so a reader still sees the OCR's own marks (`△涉切关`). The *key*
//! form drops everything but letters, digits and Han characters, and is only ever
//! compared, never written out.

use unicode_normalization::UnicodeNormalization;

use crate::lexicon::Lexicon;

/// NFKC: folds full-width forms (（一） → (一), ０ → 0, ． → .) and compatibility characters.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// One text line in the form the lexer reads: NFKC, every Unicode space made an
/// ASCII space, tabs kept (they separate cells), other control characters dropped.
pub fn normalize_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.nfkc() {
        match c {
            '\t' => out.push('\t'),
            '\r' | '\n' => {}
            c if c.is_whitespace() => out.push(' '),
            c if c.is_control() => {}
            // Zero-width and BOM characters survive NFKC and split words invisibly.
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The match key of a label: letters, digits and Han characters only, ASCII lower-cased,
/// stray OCR marks removed. `1. 属于国家秘密` and `1.属于国家秘密` have the same key.
pub fn key(s: &str, lex: &Lexicon) -> String {
    s.nfkc()
        .filter(|c| c.is_alphanumeric() && !lex.stray_marks.contains(c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        crate::dictionary::embedded_lexicon().unwrap()
    }

    #[test]
    fn line_form_folds_width_and_keeps_tabs_and_marks() {
        assert_eq!(normalize_line("（一）　予以公开\t２\r"), "(一) 予以公开\t2");
        assert_eq!(
            normalize_line("4.保护第三方 △涉切关"),
            "4.保护第三方 △涉切关"
        );
        assert_eq!(normalize_line("a\u{200b}b\u{7}c"), "abc");
    }

    #[test]
    fn key_form_ignores_spacing_punctuation_and_marks() {
        let lex = lex();
        assert_eq!(key("1. 属于国家秘密", &lex), key("1.属于国家秘密", &lex));
        assert_eq!(key("4.保护第三方 △涉切关", &lex), "4保护第三方涉切关");
        assert_eq!(key("危及“三安全一稳定”", &lex), "危及三安全一稳定");
        assert_eq!(key("本年增/减", &lex), "本年增减");
        assert_eq!(key("ＡＢｃ", &lex), "abc");
    }
}
