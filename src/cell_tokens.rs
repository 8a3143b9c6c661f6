//! What a token among a row's numbers may be: the shapes OCR gives a table's cells
//! when it garbles them (marks, lone glyphs, letters read for digits) and what
//! follows a token on its line.
//!
//! Takes tokens (slices of a lexed line, see [`crate::candidates`]) and answers yes
//! or no; holds no state. The lexer decides from these answers which tokens are
//! cells it cannot read and which are text.

use crate::lexicon::Lexicon;
use crate::numbers::{parse_token, Parsed, Token};

/// Tokens that a line of nothing but letters read for digits (`O  O  O`) needs
/// before it counts as a row of cells.
pub(crate) const MIN_LETTER_CELLS: usize = 3;

/// One or two marks that are not table rules (`;`, `:>`, `》`).
pub(crate) fn stray_mark_cell(tok: &str, lex: &Lexicon) -> bool {
    marks(tok, 2) && !tok.chars().any(|c| lex.is_rule_mark(c))
}

/// One to `most` punctuation marks, ASCII or CJK (`;`, `》`, `，`), and nothing else.
pub(crate) fn marks(tok: &str, most: usize) -> bool {
    let mark = |c: char| {
        c.is_ascii_punctuation()
            || ('\u{3001}'..='\u{303f}').contains(&c)
            || ('\u{ff01}'..='\u{ff0f}').contains(&c)
            || ('\u{ff1a}'..='\u{ff20}').contains(&c)
    };
    let n = tok.chars().count();
    (1..=most).contains(&n) && tok.chars().all(mark)
}

/// One to `most` ASCII punctuation marks and nothing else.
pub(crate) fn ascii_marks(tok: &str, most: usize) -> bool {
    (1..=most).contains(&tok.len()) && tok.bytes().all(|b| b.is_ascii_punctuation())
}

/// A CJK unified ideograph (the basic block, where report text lives).
pub(crate) fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Two CJK characters and nothing else: one cell OCR garbled into two glyphs
/// (`0\t0 下曲\t0`), where it stands between a row's numbers.
pub(crate) fn glyph_pair(tok: &str) -> bool {
    let mut chars = tok.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(a), Some(b), None) if is_han(a) && is_han(b))
}

/// One CJK character and nothing else.
pub fn lone_glyph(tok: &str) -> bool {
    let mut chars = tok.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_han(c))
}

/// Whether the tokens after the last one holding a Han character (the label's) read,
/// where a number is expected, as at least [`MIN_LETTER_CELLS`] numbers: a row whose
/// cells OCR read as letters and rules only.
pub(crate) fn letter_cells_after_label(line: &str, lex: &Lexicon) -> bool {
    let Some(label_end) = line.rfind(is_han) else {
        return false;
    };
    line[label_end..]
        .split_whitespace()
        .skip(1)
        .filter(|t| matches!(parse_token(t, lex, true), Token::Number(_)))
        .nth(MIN_LETTER_CELLS - 1)
        .is_some()
}

/// Whether `tok` (in `field` of the lexed `line`) stands in a cell of its own after a
/// row's label (two or more Han characters before it on the line, more than a group
/// cell's glyph) with, after it, more lone glyphs or letters and then a number.
pub(crate) fn glyph_cell_before_numbers(
    line: &str,
    field: &str,
    tok: &str,
    tabbed: bool,
    lex: &Lexicon,
) -> bool {
    let at = offset_in(line, tok);
    let (Some(before), Some(after)) = (line.get(..at), line.get(at + tok.len()..)) else {
        return false;
    };
    let own_cell = if tabbed {
        field.trim() == tok
    } else {
        before.ends_with("  ")
    };
    own_cell
        && before.chars().filter(|&c| is_han(c)).nth(1).is_some()
        && after
            .split_whitespace()
            .find(|t| !(lone_glyph(t) || lone_letter(t)))
            .is_some_and(|t| matches!(parse_token(t, lex, true), Token::Number(_)))
}

/// Where `tok`, a slice of `line` (a token of one of its fields), starts in it.
pub(crate) fn offset_in(line: &str, tok: &str) -> usize {
    (tok.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize)
}

/// One ASCII letter and nothing else.
pub(crate) fn lone_letter(tok: &str) -> bool {
    tok.len() == 1 && tok.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `tok` as plain digits and one stray mark glued after them (`0，`, `5;`): the
/// digits, read, and the mark.
pub(crate) fn number_then_mark<'t>(
    tok: &'t str,
    lex: &Lexicon,
) -> Option<((&'t str, Parsed), &'t str)> {
    let split = tok.find(|c: char| !c.is_ascii_digit()).filter(|&i| i > 0)?;
    let (digits, mark) = tok.split_at(split);
    if !stray_mark_cell(mark, lex) || mark.chars().count() != 1 {
        return None;
    }
    match parse_token(digits, lex, true) {
        Token::Number(p) => Some(((digits, p), mark)),
        _ => None,
    }
}

/// Whether the tokens after a mark on the line (in `rest` of its field, then in the
/// fields after it) are more such marks and then a number.
pub(crate) fn marks_then_number<'a>(
    rest: impl Iterator<Item = &'a str>,
    fields_after: &[&'a str],
    lex: &Lexicon,
) -> bool {
    let next = rest
        .chain(fields_after.iter().flat_map(|f| f.split_whitespace()))
        .find(|t| !stray_mark_cell(t, lex));
    next.is_some_and(|t| matches!(parse_token(t, lex, true), Token::Number(_)))
}

/// Whether the next token on the line, in `rest` of its field or else in the fields
/// after it, reads as a number.
pub(crate) fn number_next<'a>(
    mut rest: impl Iterator<Item = &'a str>,
    fields_after: &[&str],
    lex: &Lexicon,
) -> bool {
    let next = rest.next().or_else(|| {
        fields_after
            .iter()
            .find_map(|f| f.split_whitespace().next())
    });
    next.is_some_and(|t| matches!(parse_token(t, lex, true), Token::Number(_)))
}

/// Whether `rest` (the tokens after a lone glyph) is more lone glyphs and then a
/// number, or nothing: the glyph stands among a row's cells, not before a label.
pub(crate) fn glyphs_then_number<'a>(
    mut rest: impl Iterator<Item = &'a str>,
    lex: &Lexicon,
) -> bool {
    match rest.find(|t| !lone_glyph(t)) {
        None => true,
        Some(t) => matches!(parse_token(t, lex, true), Token::Number(_)),
    }
}
