//! Row candidates: normalised lines of a table region → label [`Segment`]s and
//! [`ValueGroup`]s.
//!
//! Takes the NFKC lines of one region, gives the label fragments and the runs of
//! numbers in reading order, with where each sits. Nothing is matched to the
//! template here; this stage only decides what is text, what is a number and what
//! is a blank cell. A label split by spaces stays one segment; a new segment starts
//! at an ordinal (`1.`, `（三）`), at a tab cell boundary, or after numbers.
//!
//! What a line gives depends only on its text, whether its neighbours make it a
//! lone cell, and the lexicon: each thread remembers the lines it lexed twice (a
//! bounded memo), and a line met again, in this report or another, is not lexed
//! again. A line that is one plain number is read without the memo.

use crate::cell_text::CellText;
pub use crate::cell_tokens::lone_glyph;
use crate::cell_tokens::{
    ascii_marks, glyph_cell_before_numbers, glyph_pair, glyphs_then_number,
    letter_cells_after_label, lone_letter, marks, marks_then_number, number_next, number_then_mark,
    offset_in, stray_mark_cell, MIN_LETTER_CELLS,
};
use crate::lexicon::Lexicon;
use crate::normalize::key_into;
use crate::numbers::{cells_from_first_token, parse_cell, parse_token, Parsed, Token};
use crate::ordinal::{
    opens_with_garbled_ordinal, split_ordinal, split_segment_ordinal, split_segment_ordinal_known,
    Ordinal, OrdinalKind,
};
use std::rc::Rc;

mod line_memo;
mod slots;
pub use slots::Slots;
mod tokens;
use line_memo::{lex_remembered, LINES};
#[cfg(test)]
use line_memo::{line_hash, seen_key, LineMemo, MAX_REMEMBERED_LINES};
use tokens::{blank, digit_row, has_tab, past_byte, single_token, SpaceSplit, TabFields, Words};

/// Segments with a longer key are prose, never a row label.
const PROSE_KEY_CHARS: usize = 60;
/// Segments with a key this short or shorter (a vertical label's single characters)
/// do not make a line "text": numbers beside them may belong to a nearby row.
const NOISE_KEY_CHARS: usize = 1;
/// Ordinals written as a bare number before a label (`1 属于…`) go up to this.
const MAX_BARE_ORDINAL: i64 = 30;

/// A run of label text on one line.
#[derive(Clone, Debug)]
pub struct Segment {
    /// Line index in the document (0-based).
    pub line: usize,
    /// The text as it stands in the NFKC line (tokens joined by one space). Shared:
    /// a line the lexer remembers gives its segments again report after report.
    pub text: Rc<str>,
    /// Its leading ordinal.
    pub ordinal: Option<Ordinal>,
    /// Match key of the text after the ordinal.
    pub body_key: Rc<str>,
    /// Too long to be a label.
    pub prose: bool,
}

impl Segment {
    /// Too short to mean anything alone (a character of a vertical label).
    pub fn is_noise(&self) -> bool {
        // No character past the first NOISE_KEY_CHARS: the whole key is not counted.
        self.ordinal.is_none() && self.body_key.chars().nth(NOISE_KEY_CHARS).is_none()
    }
}

/// One cell position in a run of numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// The token as read ("" for a blank tab cell).
    pub raw: CellText,
    /// Its line, counted from its group's first line ([`ValueGroup::line`]): a
    /// remembered line's cells serve whichever line it is met on.
    pub line_offset: usize,
    /// The value, when the token is a number.
    pub number: Option<Parsed>,
    /// A token of digits that cannot be a single cell.
    pub unreadable: bool,
    /// Index of its tab cell in the line (tab layouts only; 0 otherwise).
    pub field: usize,
    /// Byte offset of the token in the lexed line: where a spaced layout printed it
    /// (`values::spaced_cells`).
    pub at: u32,
}

impl Slot {
    /// An empty tab cell.
    pub fn is_blank(&self) -> bool {
        self.number.is_none() && !self.unreadable
    }

    /// A tab cell that held nothing but a table rule (`1\t|\t0`, from word boxes):
    /// the rule between two cells, or a cell OCR read as a rule (a `1`).
    pub fn is_rule(&self) -> bool {
        self.is_blank() && !self.raw.is_empty()
    }

    /// A cell OCR left as a glyph (`忆`) or a mark (`;`): it keeps the cells after it
    /// in their columns, but says the line is damaged.
    pub fn is_damaged(&self) -> bool {
        self.is_glyph_cell() || self.is_mark_cell() || self.is_letters_cell()
    }

    /// An unreadable cell of letters OCR makes of digits (`oo`, `lo`): its digits are
    /// lost, and the line's others may be misread as well (`| 9 | … | lo` for 94 … 101).
    pub fn is_letters_cell(&self) -> bool {
        self.unreadable && self.raw.is_ascii() && self.raw.bytes().any(|b| b.is_ascii_alphabetic())
    }

    /// An unreadable cell of one glyph or letter (`忆`, `i`).
    pub fn is_glyph_cell(&self) -> bool {
        self.unreadable
            && (lone_glyph(&self.raw) || lone_letter(&self.raw) || glyph_pair(&self.raw))
    }

    /// An unreadable cell of one or two marks (`2 0 0 0 0 0 ;`, `》`): where the run
    /// is not the row with it, it is a stray mark instead.
    pub fn is_mark_cell(&self) -> bool {
        self.unreadable && marks(&self.raw, 2)
    }

    /// A lone ASCII mark read as a digit (`]` for a 1): the lexicon reads only rule
    /// look-alikes so, and only among numbers, so it may as well be the rule.
    pub fn is_mark_read_as_digit(&self) -> bool {
        self.number.is_some() && ascii_marks(&self.raw, 1)
    }
}

/// A run of numeric cells, possibly over several lines (one cell per line).
#[derive(Clone, Debug)]
pub struct ValueGroup {
    /// First line (0-based).
    pub line: usize,
    /// Last line (0-based).
    pub last_line: usize,
    /// The cells in order, blanks included when the layout shows them.
    pub slots: Slots,
    /// From a tab-separated line: blank cells are real and positions count.
    pub tabbed: bool,
    /// The segment just before it on the same line.
    pub after_segment: Option<usize>,
    /// Its line(s) hold no label text of substance.
    pub standalone: bool,
    /// Built from lines that each hold one number and nothing else.
    pub cell_per_line: bool,
    /// A label follows it on its line (the row after it starts there).
    pub text_after: bool,
    /// For a tab line with table rules among its cells: its cells as the rules
    /// alone part them (`| 0 | 0 | o | |\t|\t| 。`, where word boxes put tabs among
    /// the rules), when that reading differs ([`crate::values::fit_columns`] takes it
    /// where the tab cells do not fit the row and it does).
    pub ruled: Option<Slots>,
}

impl ValueGroup {
    /// A group on lines of its own (no label text beside it), untabbed.
    pub fn standalone(line: usize, last_line: usize, slots: Vec<Slot>) -> ValueGroup {
        ValueGroup {
            line,
            last_line,
            slots: slots.into(),
            tabbed: false,
            after_segment: None,
            standalone: true,
            cell_per_line: false,
            text_after: false,
            ruled: None,
        }
    }
}

/// Everything the lexer found in a region.
#[derive(Debug, Default)]
pub struct Candidates {
    /// Label segments in reading order.
    pub segments: Vec<Segment>,
    /// Value groups in reading order.
    pub groups: Vec<ValueGroup>,
}

/// What a token of a line is. Text stays where it is in the line until its
/// segment is joined: most text tokens are only looked at, never kept alone.
enum Event {
    Text {
        token: Span,
        new_cell: bool,
    },
    Value(Slot),
    /// An empty tab cell (its text: empty, or the rule it held alone).
    Blank(usize, CellText),
}

/// Lexes lines `lines[range]` (NFKC form) into segments and value groups.
pub fn lex_lines(lines: &[&str], range: std::ops::Range<usize>, lex: &Lexicon) -> Candidates {
    lex_lines_in::<true>(lines, range, lex)
}

/// [`lex_lines`], its one-cell-per-line runs joined as each line's groups are made
/// (`JOIN`) or, the plain construction the property test checks that against, in
/// a pass over all the groups at the end ([`merge_one_cell_lines`]). Joined as they
/// come, a plain number's line adds its cell to the run without a group (and a
/// `Vec`) of its own, and no group is moved a second time.
fn lex_lines_in<const JOIN: bool>(
    lines: &[&str],
    range: std::ops::Range<usize>,
    lex: &Lexicon,
) -> Candidates {
    let mut out = Candidates::default();
    let skippable = |i: usize| lines.get(i).is_none_or(|l| blank(l) || lex.is_ignored(l));
    let kept = kept_lines(lines, range, lex);
    // Room for a group and a segment per kept line, about what a region gives: grown
    // from nothing, the two vectors were moved some 50,000 times on the bench reports.
    out.groups.reserve(kept.len());
    out.segments.reserve(kept.len());
    let mut scratch = Scratch::default();
    // Whether each kept line is numbers only, once asked: a line between two lone
    // tokens is asked by both, and a plain number is known to be one.
    let mut numeric: Vec<Option<bool>> = vec![None; kept.len()];
    // `0` is most of the lines of one plain number: read once a region, not a line.
    let zero = plain_digits_number("0", lex).map(|p| (CellText::from("0"), p));
    // One borrow of the thread's memo for the region, not three a line: nothing the
    // lexing of a line calls looks in the memo.
    LINES.with(|memo| {
        let mut memo = memo.borrow_mut();
        for (k, &(idx, shape)) in kept.iter().enumerate() {
            let line = &lines[idx];
            // Two in five kept lines are one plain number (`0`, most of them): its group
            // is made at once, neither looked up in the memo (a hash and a copy cost
            // more) nor kept there (where it crowded out lines that cost a lexing).
            let plain = match shape {
                Shape::Plain(start, end) => plain_slot_at(line, lex, zero.as_ref(), start, end),
                Shape::Other => None,
                Shape::Unknown => plain_number_slot(line, lex, zero.as_ref()),
            };
            if let Some(slot) = plain {
                if JOIN {
                    push_plain_cell(&mut out.groups, idx, slot, &skippable);
                } else {
                    out.groups
                        .push(ValueGroup::standalone(idx, idx, vec![slot]));
                }
                numeric[k] = Some(true);
                continue;
            }
            // A lone `O` or `l` between lines of numbers (one cell per line) is a digit.
            let mut asked = |j: usize| match numeric.get_mut(j) {
                Some(known) => *known.get_or_insert_with(|| numbers_only(lines[kept[j].0], lex)),
                None => false,
            };
            let among_numbers = || (k > 0 && asked(k - 1)) || asked(k + 1);
            let first_group = out.groups.len();
            lex_remembered(
                &mut memo,
                line,
                idx,
                lex,
                among_numbers,
                &mut out,
                &mut scratch,
            );
            // Most such lines give a label and no group: nothing to join.
            if JOIN && out.groups.len() > first_group {
                join_new_groups(&mut out.groups, first_group, &skippable);
            }
        }
    });
    if !JOIN {
        merge_one_cell_lines(&mut out.groups, skippable);
    }
    out
}

/// What the kept-line filter learnt of a kept line: whether it is ASCII spaces around
/// one run of ASCII digits, the line [`plain_number_slot`] reads.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// Not looked at: the lexicon may take a row of digits for page furniture, so the
    /// filter asked it as it asks any line.
    Unknown,
    /// Spaces, the digits at `start..end`, spaces.
    Plain(usize, usize),
    /// Any other line.
    Other,
}

/// The lines of `lines[range]` that are neither blank nor page furniture
/// ([`Lexicon::is_ignored`]), with their [`Shape`]. A row of digits and spaces (two in
/// five kept lines, most of them one plain number) is neither when the lexicon says
/// so ([`Lexicon::keeps_digit_rows`]): it is kept from its bytes, without the two
/// tests, and its shape comes from that same look.
fn kept_lines(lines: &[&str], range: std::ops::Range<usize>, lex: &Lexicon) -> Vec<(usize, Shape)> {
    let keeps_rows = lex.keeps_digit_rows();
    let end = range.end.min(lines.len());
    let mut kept = Vec::with_capacity(end.saturating_sub(range.start));
    for (i, &line) in lines.iter().enumerate().take(end).skip(range.start) {
        let row = if keeps_rows { digit_row(line) } else { None };
        if row.is_none() && (blank(line) || lex.is_ignored(line)) {
            continue;
        }
        let b = line.as_bytes();
        let shape = match row {
            Some((start, end)) if past_byte(b, end, b' ') == b.len() => Shape::Plain(start, end),
            // A plain number's line is a row of digits: every other line is none.
            _ if keeps_rows => Shape::Other,
            _ => Shape::Unknown,
        };
        kept.push((i, shape));
    }
    kept
}

/// Whether `line` is one token of ASCII digits that reads as a clean number: the
/// lexer reads such a line among numbers whether or not its neighbours are numbers
/// (the numeric hint changes nothing for it).
fn plain_number_line(line: &str, lex: &Lexicon) -> bool {
    plain_digits_number(line.trim_ascii(), lex).is_some()
}

/// The number that `token`, ASCII digits only, reads as when it reads as a clean
/// one and the lexicon makes such a token a cell and nothing else; None otherwise.
fn plain_digits_number(token: &str, lex: &Lexicon) -> Option<Parsed> {
    if !lex.plain_digit_cells || token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match parse_token(token, lex, false) {
        Token::Number(p) if p.repaired.is_none() => Some(p),
        _ => None,
    }
}

/// The cell of a line that is ASCII spaces around one token of ASCII digits
/// reading as a clean number: [`lex_line`] gives a stand-alone group of that one
/// cell for it. None for any other line. Such a line has no tab, no rule and no ordinal
/// separator (`Lexicon::plain_digit_cells`), so its lexed text is the line itself,
/// and the hint changes nothing for it.
///
/// `zero` is the cell text `0` and what [`plain_digits_number`] gives for it.
fn plain_number_slot(line: &str, lex: &Lexicon, zero: Option<&(CellText, Parsed)>) -> Option<Slot> {
    if !lex.plain_digit_cells {
        return None;
    }
    // Told from the bytes (`trim_matches(' ')` went through a character searcher for
    // every kept line): spaces, digits, spaces; most lines fail at their first byte.
    let b = line.as_bytes();
    let start = past_byte(b, 0, b' ');
    let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || past_byte(b, start + digits, b' ') != b.len() {
        return None;
    }
    plain_slot_at(line, lex, zero, start, start + digits)
}

/// [`plain_number_slot`] of a line known to be spaces, the digits at `start..end`
/// and spaces. Inlined, as [`push_plain_cell`] is, so that the cell is built where it
/// is kept rather than moved there twice.
#[inline(always)]
fn plain_slot_at(
    line: &str,
    lex: &Lexicon,
    zero: Option<&(CellText, Parsed)>,
    start: usize,
    end: usize,
) -> Option<Slot> {
    if !lex.plain_digit_cells {
        return None;
    }
    let token = line.get(start..end)?;
    let (raw, p) = match zero {
        Some(z) if token == "0" => z.clone(),
        _ => (token.into(), plain_digits_number(token, lex)?),
    };
    Some(Slot {
        raw,
        line_offset: 0,
        number: Some(p),
        unreadable: false,
        field: 0,
        at: u32::try_from(start).unwrap_or(u32::MAX),
    })
}

/// The group [`lex_line`] gives for a line [`plain_number_slot`] reads.
#[cfg(test)]
fn plain_number_group(
    line: &str,
    idx: usize,
    lex: &Lexicon,
    zero: Option<&(CellText, Parsed)>,
) -> Option<ValueGroup> {
    plain_number_slot(line, lex, zero).map(|slot| ValueGroup::standalone(idx, idx, vec![slot]))
}

/// Whether every token of `line` (as `split_whitespace` gives them) reads as a clean
/// number: a line a lone cell's neighbour reads among numbers. A token whose first
/// character starts a word ([`Lexicon::starts_a_word`]) answers no before its end is looked
/// for (most neighbours asked are labels).
fn numbers_only(line: &str, lex: &Lexicon) -> bool {
    let mut words = Words(line);
    while let Some(c) = words.next_start() {
        if lex.starts_a_word(c) {
            return false;
        }
        let Some(t) = words.next() else {
            return true;
        };
        if !matches!(parse_token(t, lex, false), Token::Number(p) if p.repaired.is_none()) {
            return false;
        }
    }
    true
}

/// Stands, in a line's lexed text, for a cell that two rules enclose with nothing
/// between them (`| 1 | | 1`); a private-use character no report prints.
const EMPTY_CELL: char = '\u{E000}';

/// `line` with its table rules made spaces and a row label glued to the group cell
/// before it cut at its ordinal: the text [`events_of`] splits into tokens.
fn lexed_text<'a>(line: &'a str, lex: &Lexicon) -> std::borrow::Cow<'a, str> {
    // Ruled tables come out of OCR with the rules as characters between cells.
    let unruled: std::borrow::Cow<str> = if lex.has_cell_rule(line) {
        let mut out = String::with_capacity(line.len() + 8);
        // Tab layouts keep their own empty cells.
        let tabbed = has_tab(line);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if !lex.cell_rules.contains(&c) {
                out.push(c);
                continue;
            }
            // A grid crossing read as a dash glued to the rule (` -|`, `|- `) is
            // rule too, not a cell of its own that would cut the row's run.
            let before = out.chars().next_back();
            if before.is_some_and(|d| lex.rule_junctions.contains(&d)) {
                let rest = &out[..out.len() - before.map_or(0, char::len_utf8)];
                if rest.is_empty() || rest.ends_with([' ', '\t']) {
                    out.truncate(rest.len());
                }
            }
            let mut ahead = chars.clone();
            if ahead.next_if(|d| lex.rule_junctions.contains(d)).is_some()
                && ahead
                    .peek()
                    .is_none_or(|d| matches!(d, ' ' | '\t') || lex.cell_rules.contains(d))
            {
                chars.next();
            }
            out.push(' ');
            if tabbed {
                continue;
            }
            // Two rules with nothing between them hold a cell OCR found empty.
            let mut ahead = chars.clone();
            while ahead.next_if(|c| *c == ' ').is_some() {}
            if ahead.peek().is_some_and(|c| lex.cell_rules.contains(c)) {
                out.push(EMPTY_CELL);
                out.push(' ');
            }
        }
        out.into()
    } else {
        line.into()
    };
    // An ordinal OCR set off from its separator is joined to it again, and a row label
    // glued to the group cell before it starts at its ordinal.
    let rewritten = match lex.rewrite_ordinals(&unruled) {
        std::borrow::Cow::Owned(s) => Some(s),
        std::borrow::Cow::Borrowed(_) => None,
    };
    rewritten.map_or(unruled, std::borrow::Cow::Owned)
}

/// Whether a token of `line` reads as a clean number, or `line` is at least
/// [`MIN_LETTER_CELLS`] tokens that all read as numbers where numbers are expected (a
/// row of zeros scanned as letters, `O  O  O  O`). One walk of the tokens: the two
/// tests walked them up to three times, and a line of text to its end each time.
fn numeric_tokens(line: &str, lex: &Lexicon) -> bool {
    let mut count = 0;
    let mut all_cells = true;
    for t in Words(line) {
        if matches!(parse_token(t, lex, false), Token::Number(p) if p.repaired.is_none()) {
            return true;
        }
        count += 1;
        all_cells = all_cells && matches!(parse_token(t, lex, true), Token::Number(_));
    }
    all_cells && count >= MIN_LETTER_CELLS
}

/// The events of `line` (from [`lexed_text`] of `original`, the line as read), and
/// whether it is tab-separated.
fn events_of(
    original: &str,
    line: &str,
    lex: &Lexicon,
    numeric_hint: bool,
    events: &mut Vec<Event>,
) -> bool {
    let tabbed = has_tab(line);
    let tokens = || Words(line);
    let numeric_context = numeric_hint
        || tabbed
        || numeric_tokens(line, lex)
        // Nothing but cells after its label (`4保护第三方合法权益 | ol oj oj ol %| | 。`).
        || letter_cells_after_label(line, lex);
    // A line of nothing but cells reads a lone `]` as its digit from the first token.
    let cells_only =
        numeric_context && lex.has_lone_rule_mark(line) && cells_from_first_token(tokens(), lex);
    // A line without tabs is its one field, with no vector made for it; a tab line's
    // fields get room for a row at once (collected, they grew from four).
    let split: Vec<&str>;
    let fields: &[&str] = if tabbed {
        let mut v = Vec::with_capacity(16);
        v.extend(TabFields(Some(line)));
        split = v;
        &split
    } else {
        std::slice::from_ref(&line)
    };
    let mut seen_value = false;
    // Whether the token before was a number (a lone `]` after one is its cell's 1).
    let mut after_number = false;
    for (fi, &field) in fields.iter().enumerate() {
        let fields_after = fields.get(fi + 1..).unwrap_or_default();
        let mut new_cell = true;
        let mut any = false;
        let mut toks = SpaceSplit(field);
        while let Some(tok) = toks.next() {
            any = true;
            if tok.starts_with(EMPTY_CELL) && tok.len() == EMPTY_CELL.len_utf8() {
                // Only among a row's numbers: before them the rules frame its label.
                if seen_value {
                    events.push(Event::Blank(fi, "||".into()));
                }
                after_number = false;
                continue;
            }
            let slot = |number, unreadable| Slot {
                raw: tok.into(),
                line_offset: 0,
                number,
                unreadable,
                field: fi,
                at: u32::try_from(offset_in(line, tok)).unwrap_or(u32::MAX),
            };
            // A number with a mark glued after it among a row's numbers (`0 0 0，
            // 1`): the mark is the next cell, which OCR read as the mark, set off by
            // nothing; the two are read apart.
            if numeric_context && seen_value {
                if let Some((number, mark)) = number_then_mark(tok, lex)
                    .filter(|_| marks_then_number(toks.clone(), fields_after, lex))
                {
                    let at = offset_in(line, tok);
                    let part = |raw: &str, number, unreadable, from: usize| Slot {
                        raw: raw.into(),
                        line_offset: 0,
                        number,
                        unreadable,
                        field: fi,
                        at: u32::try_from(at + from).unwrap_or(u32::MAX),
                    };
                    events.push(Event::Value(part(number.0, Some(number.1), false, 0)));
                    events.push(Event::Value(part(mark, None, true, number.0.len())));
                    after_number = false;
                    new_cell = false;
                    continue;
                }
            }
            // A cell of letters OCR made of digits keeps the run going as a number
            // does (`0|0|1o|lo|lo|o0o|0`).
            let after_letters =
                matches!(events.last(), Some(Event::Value(s)) if s.is_letters_cell());
            let among = after_number || after_letters || cells_only;
            let read = match parse_cell(tok, lex, numeric_context, among) {
                // A digit OCR turned into one CJK glyph (`0` read as 忆) between the
                // numbers of a row: a cell that cannot be read, not text, so that the
                // cells after it keep their columns.
                Token::Text
                    if numeric_context
                        && seen_value
                        && (lone_glyph(tok)
                            || tabbed
                                && glyph_pair(tok)
                                && within_numbers(events, fi, toks.clone(), fields_after, lex))
                        && glyphs_then_number(toks.clone(), lex) =>
                {
                    Token::Unreadable
                }
                // A cell of its own (a tab cell, or set off by a wide gap), after the
                // label, holding one glyph or letter before the row's numbers
                // (`重复申请\ti\t0\t0`, `总计      二    0    0`): OCR's reading of a
                // digit, so a cell that cannot be read. Without a label before it,
                // the glyph is what is left of the label (`三\t人\t36\t3`).
                Token::Text
                    if numeric_context
                        && match events.last() {
                            Some(Event::Text { .. } | Event::Blank(..)) => true,
                            Some(Event::Value(s)) => s.is_glyph_cell(),
                            _ => false,
                        }
                        && (lone_glyph(tok) || lone_letter(tok))
                        && glyph_cell_before_numbers(line, field, tok, tabbed, lex) =>
                {
                    Token::Unreadable
                }
                // A mark where a row's last cell should be (`2 0 0 0 0 0 ;`), or
                // between two of its numbers, alone or with more marks (`0 6 1 , 0`,
                // `0 , , , 0`): that cell, unreadable (dropped again where the run is
                // not then the row).
                Token::Text
                    if numeric_context
                        && (after_number
                            || matches!(events.last(), Some(Event::Value(s)) if s.is_mark_cell()))
                        && stray_mark_cell(tok, lex)
                        && (after_number && toks.clone().next().is_none()
                            || marks_then_number(toks.clone(), fields_after, lex)) =>
                {
                    Token::Unreadable
                }
                read => read,
            };
            after_number = matches!(read, Token::Number(_));
            match read {
                Token::Number(p) => {
                    seen_value = true;
                    events.push(Event::Value(slot(Some(p), false)))
                }
                Token::Unreadable => events.push(Event::Value(slot(None, true))),
                Token::Text => events.push(Event::Text {
                    token: Span::of(line, tok),
                    new_cell,
                }),
            }
            new_cell = false;
        }
        if tabbed && !any {
            // Rules and glued ordinals never add or remove a tab, so the field of the
            // line as read lines up with this one: did it hold nothing but rules?
            let rule = TabFields(Some(original))
                .nth(fi)
                .map(str::trim)
                .filter(|f| {
                    f.chars()
                        .all(|c| c.is_whitespace() || lex.cell_rules.contains(&c))
                })
                .unwrap_or_default();
            events.push(Event::Blank(fi, rule.into()));
        }
    }
    // Nor after them: a rule doubled at the row's end is its border.
    while matches!(events.last(), Some(Event::Blank(_, raw)) if raw == "||") {
        events.pop();
    }
    tabbed
}

/// Whether a token in tab cell `field` stands well inside a row's numbers: at least
/// two numbers just before it (one may be a label's bare ordinal, `7 和人`), the last
/// in its own tab cell (word boxes set a cell's glyphs beside its neighbour's number
/// when the gap between them is narrow), and a number next on the line, in `rest`
/// of its field or else in the fields after it.
fn within_numbers<'a>(
    events: &[Event],
    field: usize,
    rest: impl Iterator<Item = &'a str>,
    fields_after: &[&str],
    lex: &Lexicon,
) -> bool {
    let numbers_before = events
        .iter()
        .rev()
        .take_while(|e| matches!(e, Event::Value(s) if s.number.is_some()))
        .count();
    let same_cell = matches!(events.last(), Some(Event::Value(s)) if s.field == field);
    numbers_before >= 2 && same_cell && number_next(rest, fields_after, lex)
}

/// Buffers the lines of a region are lexed in, emptied and kept from line to line
/// (made afresh, they cost about four allocations a line).
#[derive(Default)]
struct Scratch {
    /// The room of a line's events and of a segment's tokens, held empty.
    events: Vec<Event>,
    seg: Vec<Span>,
    /// A segment's text joined from its tokens, and its key.
    joined: String,
    body_key: String,
}

/// Where a token stands in a line's lexed text: events and segments hold these,
/// not slices, so that their buffers outlive the line ([`Scratch`]).
#[derive(Clone, Copy)]
struct Span {
    at: usize,
    len: usize,
}

impl Span {
    /// Where `token`, a slice of `line`, stands in it.
    fn of(line: &str, token: &str) -> Span {
        Span {
            at: offset_in(line, token),
            len: token.len(),
        }
    }

    /// The token in `line`, the text it was found in.
    fn text(self, line: &str) -> &str {
        line.get(self.at..self.at + self.len).unwrap_or_default()
    }
}

/// [`lex_line_in`] with buffers of its own.
#[cfg(test)]
fn lex_line(line: &str, idx: usize, lex: &Lexicon, numeric_hint: bool, out: &mut Candidates) {
    lex_line_in(line, idx, lex, numeric_hint, out, &mut Scratch::default());
}

fn lex_line_in(
    line: &str,
    idx: usize,
    lex: &Lexicon,
    numeric_hint: bool,
    out: &mut Candidates,
    scratch: &mut Scratch,
) {
    let lexed = lexed_text(line, lex);
    let mut events = std::mem::take(&mut scratch.events);
    // Room for a row's label and cells: growing from nothing took three reallocations.
    events.reserve(16);
    let tabbed = events_of(line, &lexed, lex, numeric_hint, &mut events);
    // A bare number right before a label that has no ordinal of its own is the label's
    // ordinal with its dot lost (`1 属于国家秘密`), not a value.
    let mut forced: Option<Ordinal> = None;
    if let [Event::Value(s), Event::Text { token, .. }, ..] = events.as_slice() {
        let token = token.text(&lexed);
        if let Some(p) = &s.number {
            let small = p.value.is_integer()
                && p.value >= crate::numbers::Num::int(1)
                && p.value <= crate::numbers::Num::int(MAX_BARE_ORDINAL);
            if small
                && p.repaired.is_none()
                && p.unit.is_none()
                && s.raw.len() <= 2
                && split_ordinal(token, lex).is_none()
            {
                // Unless the label opens with a paren ordinal short of its `(`
                // (`6 一) 予以公开`): then the number is that bracket, misread. Nor
                // is it the ordinal of a label that has one OCR garbled (`2  工.属于
                // 国家秘密`): there it is a stray of the cells to the left.
                let bracket = s.raw.len() == 1
                    && split_segment_ordinal(token, lex)
                        .is_some_and(|(o, _)| o.kind == OrdinalKind::Paren);
                // The ordinal's separator may be a token of its own (`工 .属于`).
                let garbled = opens_with_garbled_ordinal(token, lex)
                    || match events.get(2) {
                        Some(Event::Text { token: next, .. }) if token.chars().count() == 1 => {
                            let next = next.text(&lexed);
                            opens_with_garbled_ordinal(&format!("{token}{next}"), lex)
                        }
                        _ => false,
                    };
                if !bracket && !garbled {
                    let n = s.raw.parse::<u8>().unwrap_or(0);
                    forced = Some(Ordinal {
                        kind: OrdinalKind::Arabic,
                        n,
                    });
                }
                events.remove(0);
            }
        }
    }
    let first_seg = out.segments.len();
    let first_group = out.groups.len();
    // Room for a label's words and a row's cells at once (each grew from nothing).
    let mut seg = std::mem::take(&mut scratch.seg);
    seg.reserve(8);
    // Whether `seg` is one token that is an ordinal alone (`1.`): its label follows.
    let mut seg_bare = false;
    let mut group: Option<ValueGroup> = None;
    let mut last_seg: Option<usize> = None;
    // The text and key of a segment are built in these, reused for every segment of
    // the line, and copied once each into the segment's `Rc<str>`s: a segment the key
    // drops costs no allocation at all.
    let Scratch {
        joined, body_key, ..
    } = &mut *scratch;
    // The split ordinal of a segment's first token, asked when it was read: a segment
    // of that one token need not be asked again.
    let mut first_ordinal: Option<(Ordinal, &str)> = None;
    let mut flush_seg = |seg: &mut Vec<Span>,
                         forced: &mut Option<Ordinal>,
                         first_ordinal: Option<(Ordinal, &str)>,
                         out: &mut Candidates,
                         last: &mut Option<usize>| {
        let one_token = seg.len() == 1;
        let text: &str = match *seg.as_slice() {
            [] => return,
            [token] => token.text(&lexed),
            [first, ref rest @ ..] => {
                joined.clear();
                joined.reserve(rest.iter().map(|t| t.len + 1).sum::<usize>() + first.len);
                joined.push_str(first.text(&lexed));
                for token in rest {
                    joined.push(' ');
                    joined.push_str(token.text(&lexed));
                }
                joined.as_str()
            }
        };
        seg.clear();
        let (ordinal, body) = match forced.take() {
            Some(o) => (Some(o), text),
            None => match if one_token {
                split_segment_ordinal_known(text, lex, first_ordinal)
            } else {
                split_segment_ordinal(text, lex)
            } {
                Some((o, rest)) => (Some(o), rest),
                None => (None, text),
            },
        };
        body_key.clear();
        // Room for the key of nearly every text (NFKC seldom lengthens one).
        body_key.reserve(body.len());
        key_into(body, lex, body_key);
        if body_key.is_empty() && ordinal.is_none() {
            return;
        }
        let prose = is_prose(body_key);
        let text: Rc<str> = text.into();
        // Most labels without an ordinal are their own key (Han characters only):
        // then one allocation serves both.
        let body_key: Rc<str> = if *body_key == *text {
            Rc::clone(&text)
        } else {
            body_key.as_str().into()
        };
        out.segments.push(Segment {
            line: idx,
            text,
            ordinal,
            body_key,
            prose,
        });
        *last = Some(out.segments.len() - 1);
    };
    let flush_group = |group: &mut Option<ValueGroup>, out: &mut Candidates| {
        if let Some(g) = group.take() {
            if g.slots.iter().any(|s| !s.is_blank()) {
                out.groups.push(g);
            }
        }
    };
    let mut prev_was_value = false;
    for ev in events.drain(..) {
        match ev {
            Event::Text {
                token: span,
                new_cell,
            } => {
                let token = span.text(&lexed);
                if let Some(g) = group.as_mut() {
                    g.text_after = true;
                }
                flush_group(&mut group, out);
                // One look at the token's ordinal. A bare one (`（三）`, standing alone
                // before its label as in `（三） 不予公开`) keeps its label with it,
                // unless that label has an ordinal of its own: then it was a group cell
                // (`（三）| 4.保护第三方合法权益`).
                let ordinal = split_ordinal(token, lex);
                let starts_ordinal = ordinal.is_some();
                let bare = matches!(ordinal, Some((_, rest)) if rest.is_empty());
                let continues_bare = seg.len() == 1 && seg_bare && !starts_ordinal;
                if !seg.is_empty()
                    && !continues_bare
                    && ((tabbed && new_cell) || starts_ordinal || prev_was_value)
                {
                    flush_seg(&mut seg, &mut forced, first_ordinal, out, &mut last_seg);
                }
                seg_bare = seg.is_empty() && bare;
                if seg.is_empty() {
                    first_ordinal = ordinal;
                }
                seg.push(span);
                prev_was_value = false;
            }
            Event::Value(slot) => {
                // Most values follow another value: nothing to flush, no call.
                if !seg.is_empty() {
                    flush_seg(&mut seg, &mut forced, first_ordinal, out, &mut last_seg);
                }
                group
                    .get_or_insert_with(|| new_group(idx, tabbed, last_seg))
                    .slots
                    .to_mut()
                    .push(slot);
                prev_was_value = true;
            }
            Event::Blank(field, raw) => {
                if !seg.is_empty() {
                    flush_seg(&mut seg, &mut forced, first_ordinal, out, &mut last_seg);
                }
                group
                    .get_or_insert_with(|| new_group(idx, tabbed, last_seg))
                    .slots
                    .to_mut()
                    .push(Slot {
                        raw,
                        line_offset: 0,
                        number: None,
                        unreadable: false,
                        field,
                        at: u32::MAX,
                    });
                prev_was_value = true;
            }
        }
    }
    flush_seg(&mut seg, &mut forced, first_ordinal, out, &mut last_seg);
    flush_group(&mut group, out);
    seg.clear();
    scratch.seg = seg;
    scratch.events = events;
    if tabbed && out.groups.len() == first_group + 1 && lex.has_cell_rule(line) {
        // The same line with its tabs as spaces: one run after the same labels.
        let mut ruled = Candidates::default();
        lex_line_in(
            &line.replace('\t', " "),
            idx,
            lex,
            numeric_hint,
            &mut ruled,
            scratch,
        );
        let same_labels = ruled.segments.len() == out.segments.len() - first_seg
            && ruled
                .segments
                .iter()
                .zip(&out.segments[first_seg..])
                .all(|(a, b)| a.body_key == b.body_key);
        if let ([alt], true) = (ruled.groups.as_mut_slice(), same_labels) {
            let g = &mut out.groups[first_group];
            if alt.slots.len() != g.slots.len()
                && alt.after_segment.is_some() == g.after_segment.is_some()
            {
                g.ruled = Some(std::mem::take(&mut alt.slots));
            }
        }
    }
    let substantive = out.segments[first_seg..].iter().any(|s| !s.is_noise());
    for g in &mut out.groups[first_group..] {
        g.standalone = !substantive;
    }
}

/// Whether a segment with this body key is prose (over [`PROSE_KEY_CHARS`]
/// characters): a key of no more bytes than that has no more characters either, and
/// is not counted (nearly every label's key).
fn is_prose(body_key: &str) -> bool {
    body_key.len() > PROSE_KEY_CHARS && body_key.chars().count() > PROSE_KEY_CHARS
}

fn new_group(line: usize, tabbed: bool, after_segment: Option<usize>) -> ValueGroup {
    ValueGroup {
        line,
        last_line: line,
        slots: Vec::with_capacity(8).into(),
        tabbed,
        after_segment,
        standalone: false,
        cell_per_line: false,
        text_after: false,
        ruled: None,
    }
}

/// Whether `g` may open a run of one cell per line.
fn starts_run(g: &ValueGroup) -> bool {
    g.standalone && !g.tabbed && g.slots.len() == 1 && g.after_segment.is_none()
}

/// Whether a group on line `line` goes on the run `last` (the group before it, its
/// runs joined): `opens_line` when nothing precedes it on its line and it is
/// untabbed, `starts_run` as [`starts_run`] tells it.
fn continues_run(
    last: &ValueGroup,
    line: usize,
    opens_line: bool,
    starts_run: bool,
    skippable: &impl Fn(usize) -> bool,
) -> bool {
    // OCR merging a run's first two lines leaves it opening with several
    // values: a lone value on the next line shows the run goes on.
    let merged_opening = !last.cell_per_line
        && last.standalone
        && !last.tabbed
        && last.after_segment.is_none()
        && !last.text_after
        && last.line == last.last_line
        && starts_run;
    (last.cell_per_line || merged_opening)
        && opens_line
        && line > last.last_line
        && (last.last_line + 1..line).all(skippable)
}

/// Moves the cells of `g`, which goes on the run `last`, onto its end.
#[inline]
fn join_onto(last: &mut ValueGroup, g: &mut ValueGroup) {
    last.last_line = g.line;
    let down = g.line.saturating_sub(last.line);
    std::mem::take(&mut g.slots).append_to(last.slots.to_mut(), down);
    // A label after the numbers starts the next row: the run ends here.
    last.cell_per_line = !g.text_after;
}

/// Cells a plain number's new group has room for.
const RUN_CELLS: usize = 8;

/// Adds a plain number's cell (line `line`, nothing else on it) to `groups`, whose
/// runs are joined: onto the last run when it goes on, else as a new group that
/// may start one. What [`merge_one_cell_lines`] makes of its one-cell group.
#[inline(always)]
fn push_plain_cell(
    groups: &mut Vec<ValueGroup>,
    line: usize,
    mut slot: Slot,
    skippable: &impl Fn(usize) -> bool,
) {
    if let Some(last) = groups.last_mut() {
        // Most plain numbers go on a run from the line before: told before the general
        // test (a call), which gives the same answer for them.
        let next_line = last.cell_per_line && line.checked_sub(1) == Some(last.last_line);
        if next_line || continues_run(last, line, true, true, skippable) {
            last.last_line = line;
            slot.line_offset = line.saturating_sub(last.line);
            last.slots.to_mut().push(slot);
            // No label after a plain number: the run goes on.
            last.cell_per_line = true;
            return;
        }
    }
    // Room for the run it may start (some six cells on the bench reports): grown
    // from one cell, a run's cells were moved twice on the way.
    let mut slots = Vec::with_capacity(RUN_CELLS);
    slots.push(slot);
    let mut g = ValueGroup::standalone(line, line, slots);
    g.cell_per_line = true;
    groups.push(g);
}

/// Joins the groups of one line (`groups[first..]`, done) to the runs before them
/// (`groups[..first]`, joined): [`merge_one_cell_lines`] carried on by one line.
fn join_new_groups(groups: &mut Vec<ValueGroup>, first: usize, skippable: &impl Fn(usize) -> bool) {
    let mut kept = first;
    for i in first..groups.len() {
        let (joined, rest) = groups.split_at_mut(i);
        let g = &mut rest[0];
        let starts = starts_run(g);
        if let Some(last) = joined[..kept].last_mut() {
            let opens_line = g.after_segment.is_none() && !g.tabbed;
            if continues_run(last, g.line, opens_line, starts, skippable) {
                join_onto(last, g);
                continue;
            }
        }
        g.cell_per_line = starts;
        if kept != i {
            groups.swap(kept, i);
        }
        kept += 1;
    }
    groups.truncate(kept);
}

/// One cell per line: a line holding a single number and nothing else starts a run,
/// and the numbers that open each following line (alone, several, or before the next
/// row's label when OCR merged two lines) continue it. Blank lines and page footers
/// between them do not count. The plain construction, in one pass over a region's
/// groups: [`lex_lines`] joins them line by line instead.
fn merge_one_cell_lines(groups: &mut Vec<ValueGroup>, skippable: impl Fn(usize) -> bool) {
    let mut merged: Vec<ValueGroup> = Vec::with_capacity(groups.len());
    for mut g in groups.drain(..) {
        if let Some(last) = merged.last_mut() {
            let opens_line = g.after_segment.is_none() && !g.tabbed;
            if continues_run(last, g.line, opens_line, starts_run(&g), &skippable) {
                join_onto(last, &mut g);
                continue;
            }
        }
        g.cell_per_line = starts_run(&g);
        merged.push(g);
    }
    *groups = merged;
}

#[cfg(test)]
mod tests;
