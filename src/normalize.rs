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

/// ASCII and the CJK Unified Ideographs: NFKC leaves each unchanged, and nothing
/// before one combines with it or moves past it, so a string can be normalised
/// piece by piece, split before each of them (UAX #15's boundary before a
/// character). Report text is almost all of them.
fn splits_before(c: char) -> bool {
    c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Calls `f` with each character of NFKC(`s`), normalising only the pieces that need
/// it (the NFKC iterator costs far more per character than the test that skips it).
fn for_each_nfkc(s: &str, mut f: impl FnMut(char)) {
    let mut piece = |p: &str| {
        let mut it = p.chars();
        match (it.next(), it.next()) {
            (None, _) => {}
            (Some(c), None) if splits_before(c) => f(c),
            // A full-width form alone (between splitting characters) is its ASCII twin.
            (Some(c), None) if ('\u{ff01}'..='\u{ff5e}').contains(&c) => {
                match char::from_u32(c as u32 - 0xfee0) {
                    Some(ascii) => f(ascii),
                    None => p.nfkc().for_each(&mut f),
                }
            }
            _ => p.nfkc().for_each(&mut f),
        }
    };
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if i > start && splits_before(c) {
            piece(&s[start..i]);
            start = i;
        }
    }
    piece(&s[start..]);
}

/// One text line in the form the lexer reads: NFKC, every Unicode space made an
/// ASCII space, tabs kept (they separate cells), other control characters dropped.
pub fn normalize_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for_each_nfkc(raw, |c| {
        match c {
            '\t' => out.push('\t'),
            '\r' | '\n' => {}
            c if c.is_whitespace() => out.push(' '),
            c if c.is_control() => {}
            // Zero-width and BOM characters survive NFKC and split words invisibly.
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            c => out.push(c),
        }
    });
    out
}

/// The match key of a label: letters, digits and Han characters only, ASCII lower-cased,
/// stray OCR marks removed. `1. 属于国家秘密` and `1.属于国家秘密` have the same key.
pub fn key(s: &str, lex: &Lexicon) -> String {
    let mut out = String::with_capacity(s.len());
    for_each_nfkc(s, |c| {
        if c.is_alphanumeric() && !lex.stray_marks.contains(&c) {
            out.push(c.to_ascii_lowercase());
        }
    });
    out
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

    proptest::proptest! {
        #[test]
        fn piecewise_nfkc_is_nfkc(s in "[a-e0-9 \\t.()（）１２ｅ\u{3000}一二属于\u{0301}\u{0323}\u{3099}か\u{1100}\u{1161}\u{11a8}\u{fb01}\u{2460}\u{f900}\u{ac00}\u{212b}\u{200b}é]{0,12}") {
            let mut fast = String::new();
            for_each_nfkc(&s, |c| fast.push(c));
            proptest::prop_assert_eq!(fast, nfkc(&s));
        }
    }

    #[test]
    fn piecewise_nfkc_is_nfkc_for_every_character_between_splitters() {
        let mut fast = String::new();
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            for s in [format!("a{c}"), format!("{c}\u{301}b"), format!("一{c}{c}")] {
                fast.clear();
                for_each_nfkc(&s, |c| fast.push(c));
                assert_eq!(fast, nfkc(&s), "{s:?}");
            }
        }
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
