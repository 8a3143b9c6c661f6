//! Normalisation: raw text lines → NFKC lines for lexing, and labels → match keys.
//!
//! Two forms are kept apart on purpose. The *line* form (NFKC, whitespace unified,
//! control characters dropped) is what the lexer reads and what the correction
//! log quotes, so a reader still sees the OCR's own marks (`△涉切关`). The *key*
//! form drops everything but letters, digits and Han characters, and is only ever
//! compared, never written out.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use crate::lexicon::Lexicon;

/// NFKC: folds full-width forms (（一） → (一), ０ → 0, ． → .) and compatibility characters.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// NFKC of the characters that report text is almost all made of (ASCII, the CJK
/// Unified Ideographs, full-width forms, the ideographic space, CJK brackets and
/// quotes, and the marks OCR strews: the geometric shapes, `¦` and `·`), or None.
/// Each is, or decomposes to, one character that nothing before it combines with or
/// moves past, so a string may be normalised piece by piece, split before each of
/// them (UAX #15's boundary before a character).
fn direct(c: char) -> Option<char> {
    match c {
        '\0'..='\u{7f}' | '\u{4e00}'..='\u{9fff}' => Some(c),
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0),
        '\u{3000}' => Some(' '),
        '\u{3001}' | '\u{3002}' | '\u{3008}'..='\u{3011}' | '\u{2018}'..='\u{201d}' => Some(c),
        '\u{25a0}'..='\u{25ff}' | '\u{a6}' | '\u{b7}' => Some(c),
        _ => None,
    }
}

/// Calls `f` with each character of NFKC(`s`), normalising only the pieces that need
/// it (the NFKC iterator costs far more per character than the table that skips it).
fn for_each_nfkc(s: &str, mut f: impl FnMut(char)) {
    // The pending piece: from byte `start`, and while it is one character, its NFKC.
    let mut start = 0;
    let mut single = None;
    for (i, c) in s.char_indices() {
        let d = direct(c);
        if i == start {
            single = d;
            continue;
        }
        if d.is_none() {
            single = None;
            continue;
        }
        match single {
            Some(x) => f(x),
            None => s[start..i].nfkc().for_each(&mut f),
        }
        start = i;
        single = d;
    }
    match single {
        Some(x) => f(x),
        None => s[start..].nfkc().for_each(&mut f),
    }
}

/// One text line in the form the lexer reads: NFKC, every Unicode space made an
/// ASCII space, tabs kept (they separate cells), other control characters dropped.
pub fn normalize_line(raw: &str) -> String {
    let own = own_form_prefix(raw.as_bytes());
    if own == raw.len() {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    if direct_line(raw, own, &mut out) {
        return out;
    }
    out.clear();
    line_into(raw, &mut out);
    out
}

/// `split_lines(text).map(normalize_line)` (see `document::split_lines`), appended to
/// `lines`, and the lines' keys ([`key_into`] of each in turn), appended to `key`.
///
/// A line that is its own line form is a slice of `text`; the others are written
/// one after another into `made` (cleared first) and given as slices of it: no line
/// is a `String` of its own (an allocation and a free a line, 278,034 lines on the
/// bench reports).
///
/// Each line is read once, by the scan that keys it, which also tells where the line
/// ends and what its line form changes. A line whose characters [`direct`] all
/// normalises (nearly every line) has as its line form the line with the few changes
/// that scan notes (full-width forms and the ideographic space folded to ASCII,
/// controls dropped or made spaces), copied in runs between them, and has the key
/// of its line form (what the line form drops or makes a space are ASCII controls and
/// whitespace, in no key); only the other lines are normalised and keyed on their
/// own. A lexicon that keeps ASCII controls or spaces in keys (none does) has its
/// lines split, normalised and keyed one by one.
pub(crate) fn lines_and_key_into<'a>(
    text: &'a str,
    lex: &Lexicon,
    made: &'a mut String,
    lines: &mut Vec<&'a str>,
    key: &mut Vec<u8>,
) {
    made.clear();
    // Made lines are at most the text's length but for what NFKC widens (rare): room
    // made once instead of growing (about a dozen copies a report).
    made.reserve(text.len());
    // Where each made line lies in `made` (which grows until every line is made, so
    // is borrowed after): `lines` holds an empty stand-in for it until then. About a
    // third of the lines are made.
    let mut spans: Vec<(usize, Range<usize>)> =
        Vec::with_capacity(lines.capacity().saturating_sub(lines.len()) / 2);
    if !key_keeps_no_ascii_space(lex) {
        for raw in crate::document::split_lines(text) {
            let line = normalize_line(raw);
            push_key_of(key, &line, lex);
            let at = made.len();
            made.push_str(&line);
            spans.push((lines.len(), at..made.len()));
            lines.push("");
        }
    } else {
        let mut scan = LineScan {
            text,
            made: &mut *made,
            lines: &mut *lines,
            spans,
            edits: Vec::new(),
            start: 0,
            mark: key.len(),
            open: false,
        };
        direct_key_to::<true, _>(text, lex, key, Some(&mut scan));
        scan.finish();
        spans = scan.spans;
    }
    let made: &'a String = made;
    for (i, span) in spans {
        // Each span is a whole line pushed onto `made`, so on character boundaries.
        if let (Some(slot), Some(line)) = (lines.get_mut(i), made.get(span)) {
            *slot = line;
        }
    }
}

/// Lines as the stages take them: tests that make lines of their own own them.
#[cfg(test)]
pub(crate) fn as_strs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

/// A change the line form makes to a line of characters that [`direct`] normalises:
/// the character at byte `at`, `len` bytes long, replaced by the ASCII byte `by` or
/// dropped.
#[derive(Clone, Copy, Debug)]
struct Edit {
    at: usize,
    len: usize,
    by: Option<u8>,
}

/// Where [`direct_key_to`] writes a key: a `String`, or the bytes of a document's
/// key, appended to without the checks that each piece of a `String` starts and ends
/// on a character boundary (they are, and the document's key is only searched as
/// bytes: about 0.9 M pieces on the bench reports).
trait KeyOut {
    fn len(&self) -> usize;
    /// Appends `s[range]` (whose ends are character boundaries).
    fn push_run(&mut self, s: &str, range: Range<usize>);
    fn push_char(&mut self, c: char);
    /// [`LineScan::general`], where the text's lines are split as the key is made.
    fn general_line(&mut self, lines: &mut LineScan<'_, '_>, lex: &Lexicon) -> Option<usize>;
}

impl KeyOut for String {
    fn len(&self) -> usize {
        self.len()
    }

    fn push_run(&mut self, s: &str, range: Range<usize>) {
        self.push_str(&s[range]);
    }

    fn push_char(&mut self, c: char) {
        self.push(c);
    }

    fn general_line(&mut self, _: &mut LineScan<'_, '_>, _: &Lexicon) -> Option<usize> {
        // Only a document's key is made as its lines are split.
        None
    }
}

impl KeyOut for Vec<u8> {
    fn len(&self) -> usize {
        self.len()
    }

    // Called about 0.9 M times on the bench reports: left to the codegen units'
    // partitioning, it went out of line after changes elsewhere (+12.7 M).
    #[inline]
    fn push_run(&mut self, s: &str, range: Range<usize>) {
        self.extend_from_slice(&s.as_bytes()[range]);
    }

    fn push_char(&mut self, c: char) {
        self.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }

    fn general_line(&mut self, lines: &mut LineScan<'_, '_>, lex: &Lexicon) -> Option<usize> {
        Some(lines.general(lex, self))
    }
}

/// [`key_into`] of `s`, appended to a document's key.
fn push_key_of(key: &mut Vec<u8>, s: &str, lex: &Lexicon) {
    let mut k = String::new();
    key_into(s, lex, &mut k);
    key.extend_from_slice(k.as_bytes());
}

/// The lines of a text as [`direct_key_to`] scans it whole: where the line it is in
/// started, and where each finished line goes (see [`lines_and_key_into`]).
struct LineScan<'a, 'b> {
    text: &'a str,
    made: &'b mut String,
    lines: &'b mut Vec<&'a str>,
    /// The made lines' stand-ins in `lines` and their bytes in `made`.
    spans: Vec<(usize, Range<usize>)>,
    /// What the line form changes in the current line, by offsets in `text`.
    edits: Vec<Edit>,
    /// Where the current line starts in `text`, and the key's length there.
    start: usize,
    mark: usize,
    /// The last line break was a lone `\r`, after which a piece follows even at the
    /// text's end (as `split('\r')` gives an empty last piece).
    open: bool,
}

impl LineScan<'_, '_> {
    /// Ends the current line at `end` (a line break or the text's end), all of whose
    /// characters [`direct`] normalises: its slice, or its line form made. Inlined
    /// into the scan: four lines in five are their slice, and a call a line (278,034
    /// on the bench reports) cost more than pushing the slice does.
    #[inline(always)]
    fn push_line(&mut self, end: usize) {
        if self.edits.is_empty() {
            self.lines
                .push(self.text.get(self.start..end).unwrap_or_default());
            return;
        }
        self.push_made(end);
    }

    /// [`LineScan::push_line`] of a line that its line form changes: made in `made`.
    #[inline(never)]
    fn push_made(&mut self, end: usize) {
        let at = self.made.len();
        let mut run = self.start;
        // Each edit is of a whole character, so its ends are character boundaries.
        for e in &self.edits {
            self.made
                .push_str(self.text.get(run..e.at).unwrap_or_default());
            if let Some(x) = e.by {
                self.made.push(char::from(x));
            }
            run = e.at + e.len;
        }
        self.made
            .push_str(self.text.get(run..end).unwrap_or_default());
        self.edits.clear();
        self.stand_in(at);
    }

    /// The line made last in `made`, from `at`, given a stand-in in `lines`.
    fn stand_in(&mut self, at: usize) {
        self.spans.push((self.lines.len(), at..self.made.len()));
        self.lines.push("");
    }

    /// Starts the next line past the line break at `at`, the key `key_len` bytes long
    /// then: where it starts.
    fn next_line(&mut self, at: usize, key_len: usize) -> usize {
        let (skip, lone_cr) = crate::document::line_break(self.text.as_bytes(), at);
        self.open = lone_cr;
        self.start = at + skip;
        self.mark = key_len;
        self.start
    }

    /// Ends the current line, which holds a character that [`direct`] does not
    /// normalise, by the general path: its line form made and keyed in place of
    /// what the scan wrote of its key. Where the next line starts (or the text's end).
    #[cold]
    #[inline(never)]
    fn general(&mut self, lex: &Lexicon, key: &mut Vec<u8>) -> usize {
        key.truncate(self.mark);
        self.edits.clear();
        let rest = self.text.get(self.start..).unwrap_or_default();
        let end = memchr::memchr2(b'\n', b'\r', rest.as_bytes()).unwrap_or(rest.len());
        let line = normalize_line(rest.get(..end).unwrap_or_default());
        push_key_of(key, &line, lex);
        let at = self.made.len();
        self.made.push_str(&line);
        self.stand_in(at);
        let end = self.start + end;
        if end < self.text.len() {
            return self.next_line(end, key.len());
        }
        self.start = end;
        self.open = false;
        end
    }

    /// Ends the last line at the text's end: the line that no break ended, or after
    /// a lone `\r` an empty one.
    fn finish(&mut self) {
        if self.start < self.text.len() {
            self.push_line(self.text.len());
        } else if self.open {
            self.lines.push("");
        }
    }
}

/// [`normalize_line`] by the general path, appended to `out`.
fn line_into(raw: &str, out: &mut String) {
    for_each_nfkc(raw, |c| {
        match c {
            // Printable ASCII and the ideographs are most of a report: kept as they are.
            '!'..='~' | '\u{4e00}'..='\u{9fff}' => out.push(c),
            '\t' => out.push('\t'),
            '\r' | '\n' => {}
            c if c.is_whitespace() => out.push(' '),
            c if c.is_control() => {}
            // Zero-width and BOM characters survive NFKC and split words invisibly.
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            c => out.push(c),
        }
    });
}

/// [`normalize_line`] of a line made only of characters that [`direct`] normalises
/// (nearly every line of a report), into `out`; false (and `out` partly written) at
/// the first other character (or OCR mark, which [`direct3`] leaves out). Such a
/// string's NFKC is [`direct`] of each character ([`for_each_nfkc`] splits before
/// every one of them), so the line form is the same, here without the general
/// path's per-character calls. Told from the bytes:
/// the characters kept as they are (printable ASCII, tabs, the ideographs, CJK
/// punctuation and quotes) are copied in runs, one copy per run. `raw[..own]` is
/// known to be its own form already ([`own_form_prefix`]): it is not looked at again.
fn direct_line(raw: &str, own: usize, out: &mut String) -> bool {
    let b = raw.as_bytes();
    let (mut run, mut i) = (0, own);
    while let Some(&x) = b.get(i) {
        match x {
            b' '..=b'~' | b'\t' => {
                i = past_printable(b, i + 1);
                continue;
            }
            // The ideographs U+4E00–U+9FFF.
            0xe5..=0xe9 => {
                i += 3;
                continue;
            }
            0xe4 if b.get(i + 1).is_some_and(|&y| y >= 0xb8) => {
                i += 3;
                continue;
            }
            _ => {}
        }
        let Some(d) = direct3(b, i) else {
            return false;
        };
        i += 3;
        // CJK punctuation and quotes are their own form; full-width forms fold to
        // printable ASCII, the ideographic space to a space.
        if !d.is_ascii() {
            continue;
        }
        out.push_str(&raw[run..i - 3]);
        out.push(d);
        run = i;
    }
    out.push_str(&raw[run..]);
    true
}

/// [`direct`] of the character that starts at `b[i]` (valid UTF-8) when it is one of
/// the three-byte characters besides the ideographs that [`direct`] normalises (CJK
/// punctuation and quotes, full-width forms, the ideographic space; the rarer marks
/// are left to the general path), else None: told from its lead bytes, which every
/// such character shares with few others.
fn direct3(b: &[u8], i: usize) -> Option<char> {
    let (x, y, z) = (*b.get(i)?, *b.get(i + 1)?, *b.get(i + 2)?);
    if !matches!((x, y), (0xe2 | 0xe3, 0x80) | (0xef, 0xbc | 0xbd)) {
        return None;
    }
    let c = (u32::from(x & 0x0f) << 12) | (u32::from(y & 0x3f) << 6) | u32::from(z & 0x3f);
    direct(char::from_u32(c)?)
}

/// The length of the longest prefix of `b` (valid UTF-8) that is its own line form:
/// printable ASCII, spaces, tabs and CJK ideographs only (most lines of a report are
/// so whole), told from the bytes (in UTF-8 an ideograph U+4E00–U+9FFF starts with
/// `E4 B8`–`E4 BF` or `E5`–`E9`).
fn own_form_prefix(b: &[u8]) -> usize {
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        match x {
            b' '..=b'~' | b'\t' => i = past_printable(b, i + 1),
            0xe5..=0xe9 => i += 3,
            0xe4 if b.get(i + 1).is_some_and(|&y| y >= 0xb8) => i += 3,
            _ => return i,
        }
    }
    i
}

/// Bytes `0x01` and `0x80` in every lane of a word.
const LOW_BITS: u64 = u64::from_le_bytes([0x01; 8]);
const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);

/// Whether all eight bytes of `w` are printable ASCII (`0x20`–`0x7E`), by the usual
/// lane tests: a byte below `0x20` or equal to `0x7F` borrows into its high bit.
fn printable8(w: u64) -> bool {
    let below_space = w.wrapping_sub(0x20 * LOW_BITS) & !w;
    let del = w ^ (0x7f * LOW_BITS);
    let is_del = del.wrapping_sub(LOW_BITS) & !del;
    (w | below_space | is_del) & HIGH_BITS == 0
}

/// `i` moved past the printable ASCII that follows it eight bytes at a time (spaced
/// layouts set cells apart with long runs of spaces); the bytes after it are left to
/// the caller's loop.
fn past_printable(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        if !printable8(u64::from_le_bytes(w)) {
            break;
        }
        i += 8;
    }
    i
}

/// The code point of the CJK ideograph (U+4E00–U+9FFF) whose UTF-8 starts at `b[i]`,
/// if one does (`b` is valid UTF-8).
fn ideograph_at(b: &[u8], i: usize) -> Option<u32> {
    let (x, y, z) = (*b.get(i)?, *b.get(i + 1)?, *b.get(i + 2)?);
    let c = (u32::from(x & 0x0f) << 12) | (u32::from(y & 0x3f) << 6) | u32::from(z & 0x3f);
    (matches!(x, 0xe4..=0xe9) && (0x4e00..=0x9fff).contains(&c)).then_some(c)
}

/// [`key_into`] of a string made only of characters that [`direct`] normalises;
/// false (and `out` partly written) at the first other character. What the key keeps
/// as it is (the ideographs when the lexicon keeps them all, kept ASCII that
/// lower-casing leaves alone: digits, lower-case letters) is copied in runs, one copy
/// a run; a run of spaces is passed over at once (spaced layouts put many between
/// cells).
fn direct_key(s: &str, lex: &Lexicon, out: &mut String) -> bool {
    direct_key_to::<false, _>(s, lex, out, None).is_some()
}

/// [`direct_key`], None where it gives false. With `LINE` (and `lines`), the key of
/// every line of `s` in turn, `s` split as `document::split_lines` splits it, and
/// the lines given to `lines`: the changes a line's form makes ([`Edit`]) are told in
/// the branches that the characters changed take anyway, and a line with a character
/// that [`direct`] does not normalise is made and keyed by the general path. One scan
/// of the whole text, where one a line cost a call and its set-up each (278,034 on
/// the bench reports).
fn direct_key_to<const LINE: bool, K: KeyOut>(
    s: &str,
    lex: &Lexicon,
    out: &mut K,
    mut lines: Option<&mut LineScan<'_, '_>>,
) -> Option<()> {
    let b = s.as_bytes();
    let kept = lex.ascii_kept();
    let spaces_kept = kept >> b' ' & 1 == 1;
    let ideographs = lex.keeps_ideographs;
    // The pending run: from byte `run` to `i`. An ideograph starts with `E4 B8`–`E4
    // BF` (told here) or `E5`–`E9` (the steps; the text is valid UTF-8).
    let (mut run, mut i) = (0, 0);
    while let Some(&x) = b.get(i) {
        let step = lex.key_steps[usize::from(x)];
        if step != 0 {
            i += usize::from(step);
            continue;
        }
        if x == 0xe4 && ideographs && b.get(i + 1).is_some_and(|&y| y >= 0xb8) {
            i += 3;
            continue;
        }
        if run < i {
            out.push_run(s, run..i);
        }
        if x == b' ' && !spaces_kept {
            i = past_spaces(b, i + 1);
        } else if x < 0x80 {
            if let Some(l) = lines.as_deref_mut().filter(|_| LINE) {
                if matches!(x, b'\n' | b'\r') {
                    l.push_line(i);
                    i = l.next_line(i, out.len());
                    run = i;
                    continue;
                }
                // Other controls are dropped, or made spaces if they are whitespace.
                if !matches!(x, b' '..=b'~' | b'\t') {
                    let by = char::from(x).is_whitespace().then_some(b' ');
                    l.edits.push(Edit { at: i, len: 1, by });
                }
            }
            if kept >> x & 1 == 1 {
                out.push_char(char::from(x).to_ascii_lowercase());
            }
            i += 1;
        } else if let Some(d) = punct3(b, i) {
            // As below, without decoding the character and matching it against each
            // of `direct`'s ranges (about one a line).
            let kept = match u8::try_from(d) {
                Ok(x) if x.is_ascii() => {
                    if let Some(l) = lines.as_deref_mut().filter(|_| LINE) {
                        l.edits.push(Edit {
                            at: i,
                            len: 3,
                            by: Some(x),
                        });
                    }
                    kept >> x & 1 == 1
                }
                _ => lex.keeps_in_key(d),
            };
            if kept {
                out.push_char(d.to_ascii_lowercase());
            }
            i += 3;
        } else if let Some(c) = ideograph_at(b, i) {
            if char::from_u32(c).is_some_and(|c| lex.keeps_in_key(c)) {
                out.push_run(s, i..i + 3);
            }
            i += 3;
        } else {
            let Some((c, d)) = s[i..].chars().next().and_then(|c| Some((c, direct(c)?))) else {
                let l = lines.as_deref_mut().filter(|_| LINE)?;
                i = out.general_line(l, lex)?;
                run = i;
                continue;
            };
            // Full-width forms fold to printable ASCII and the ideographic space to
            // a space, as the line form keeps them; the CJK punctuation and quotes
            // and the marks are their own line form.
            if let Some(l) = lines.as_deref_mut().filter(|_| LINE && d.is_ascii()) {
                l.edits.push(Edit {
                    at: i,
                    len: c.len_utf8(),
                    by: u8::try_from(d).ok(),
                });
            }
            if lex.keeps_in_key(d) {
                out.push_char(d.to_ascii_lowercase());
            }
            i += c.len_utf8();
        }
        run = i;
    }
    out.push_run(s, run..s.len());
    Some(())
}

/// [`direct`] of the character that starts at `b[i]` (valid UTF-8) when it is a
/// full-width form, the ideographic space, one of the CJK brackets and stops that
/// [`direct`] keeps, or a curly quote (the three-byte characters of a report besides
/// the ideographs), else None: told from its bytes. Full-width forms are
/// `EF BC 81`–`EF BD 9E` (U+FF01–U+FF5E), the CJK symbols `E3 80 xx` (U+3000–U+303F)
/// and the quotes `E2 80 98`–`E2 80 9D`.
fn punct3(b: &[u8], i: usize) -> Option<char> {
    let (x, y, z) = (*b.get(i)?, *b.get(i + 1)?, *b.get(i + 2)?);
    let low = (u32::from(y & 0x3f) << 6) | u32::from(z & 0x3f);
    let c = match (x, y) {
        (0xef, 0xbc | 0xbd) => 0xf000 | low,
        (0xe3 | 0xe2, 0x80) => (u32::from(x & 0x0f) << 12) | low,
        _ => return None,
    };
    match c {
        0xff01..=0xff5e => char::from_u32(c - 0xfee0),
        0x3000 => Some(' '),
        0x3001 | 0x3002 | 0x3008..=0x3011 | 0x2018..=0x201d => char::from_u32(c),
        _ => None,
    }
}

/// `i` moved past the spaces that follow it, eight at a time while it can: in the
/// word where they stop, the first byte that is not a space is told by its lowest
/// set bit (a run of spaces in a spaced layout is about eleven long, so nearly every
/// run ends inside a word; stepped a byte at a time, that took about 4 M
/// instructions on the bench reports).
pub(crate) fn past_spaces(b: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let other = u64::from_le_bytes(w) ^ SPACES;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// The match key of a label: letters, digits and Han characters only, ASCII lower-cased,
/// stray OCR marks removed. `1. 属于国家秘密` and `1.属于国家秘密` have the same key.
pub fn key(s: &str, lex: &Lexicon) -> String {
    let mut out = String::with_capacity(s.len());
    key_into(s, lex, &mut out);
    out
}

/// Appends the match key of `s` to `out` (a whole document's key without a string
/// per line).
pub fn key_into(s: &str, lex: &Lexicon, out: &mut String) {
    let start = out.len();
    if direct_key(s, lex, out) {
        return;
    }
    out.truncate(start);
    key_general(s, lex, out);
}

/// Whether the lexicon keeps in a key no ASCII control character and no space, which
/// [`lines_and_key_into`] relies on: the line form drops or changes only such
/// characters of a line that [`direct`] normalises, and they are the bytes that
/// [`direct_key_to`] tells line breaks and another line form by, as they take its
/// slower branch only when not kept.
fn key_keeps_no_ascii_space(lex: &Lexicon) -> bool {
    let kept = lex.ascii_kept();
    (0..=b' ').chain([0x7f]).all(|x| kept >> x & 1 == 0)
}

/// [`key_into`] by the general path.
fn key_general(s: &str, lex: &Lexicon, out: &mut String) {
    for_each_nfkc(s, |c| {
        if lex.keeps_in_key(c) {
            out.push(c.to_ascii_lowercase());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        crate::dictionary::embedded_lexicon().unwrap()
    }

    #[test]
    fn eight_printable_bytes_are_told_as_one_at_a_time() {
        let bytewise = |w: [u8; 8]| w.iter().all(|b| (0x20..=0x7e).contains(b));
        let check =
            |w: [u8; 8]| assert_eq!(printable8(u64::from_le_bytes(w)), bytewise(w), "{w:?}");
        // Every byte value in every lane, and pairs of boundary values (a borrow from
        // one lane must not hide or fake another's).
        let edges = [
            0x00, 0x01, 0x09, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xff,
        ];
        for p in 0..8 {
            for v in 0..=255u8 {
                let mut w = *b"a1 Z~ !x";
                w[p] = v;
                check(w);
            }
            for q in 0..8 {
                for &x in &edges {
                    for &y in &edges {
                        let mut w = [b' '; 8];
                        w[p] = x;
                        w[q] = y;
                        check(w);
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Long lines (eight bytes at a time) give the general path's line form.
        #[test]
        fn long_lines_take_the_general_form(s in "[ -~\t\u{7f}\u{1}\u{1f}一属，。（）１\u{3000}\u{a0}]{0,80}") {
            let mut general = String::new();
            line_into(&s, &mut general);
            proptest::prop_assert_eq!(normalize_line(&s), general);
        }
    }

    proptest::proptest! {
        /// Splitting, normalising and keying in one scan gives the pieces of
        /// `split_lines`, each normalised, and the keys of those lines.
        #[test]
        fn lines_and_key_are_the_split_lines_normalised_and_keyed(s in "[aB1 .\t\r\n一，。、“（１ｅ\u{3000}\u{7}\u{b}\u{1c}\u{7f}\u{0}\u{301}\u{a0}\u{200b}△□¦·]{0,40}") {
            let lex = lex();
            let (mut made, mut lines, mut key) = (String::from("stale"), vec!["kept"], b"x".to_vec());
            lines_and_key_into(&s, &lex, &mut made, &mut lines, &mut key);
            let lines = lines.split_off(1);
            let plain: Vec<String> = crate::document::split_lines(&s).map(normalize_line).collect();
            let mut plain_key = String::from("x");
            plain.iter().for_each(|l| key_into(l, &lex, &mut plain_key));
            proptest::prop_assert_eq!(lines, plain);
            proptest::prop_assert_eq!(key, plain_key.into_bytes());
        }
    }

    #[test]
    fn punctuation_told_from_bytes_is_direct_for_every_character() {
        for c in (0x800..0x1_0000).filter_map(char::from_u32) {
            let s = format!("{c}");
            let want = direct(c).filter(|_| matches!(c, '\u{3000}'..='\u{3011}' | '\u{2018}'..='\u{201d}' | '\u{ff01}'..='\u{ff5e}'));
            assert_eq!(punct3(s.as_bytes(), 0), want, "{c:?}");
            // Cut short, it is not read past the end.
            assert_eq!(punct3(&s.as_bytes()[..2], 0), None, "{c:?}");
        }
    }

    proptest::proptest! {
        /// Passing spaces by words stops where passing them a byte at a time does,
        /// wherever the run starts and ends in a word.
        #[test]
        fn spaces_are_passed_as_one_at_a_time(s in "[ a\t一]{0,40}", from in 0usize..48) {
            let b = s.as_bytes();
            let mut plain = from;
            while b.get(plain) == Some(&b' ') {
                plain += 1;
            }
            proptest::prop_assert_eq!(past_spaces(b, from), plain);
        }
    }

    /// Characters of every kind, weighted towards those the direct paths tell from
    /// their bytes and those that end them.
    fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let special = prop::sample::select(vec![
            ' ',
            '\t',
            '\r',
            '\n',
            '\u{0}',
            '\u{7}',
            '\u{b}',
            '\u{c}',
            '\u{1c}',
            '\u{7f}',
            '\u{85}',
            '\u{a0}',
            '\u{a6}',
            '\u{b7}',
            '\u{301}',
            '\u{3099}',
            '\u{200b}',
            '\u{2018}',
            '\u{201d}',
            '\u{2028}',
            '\u{25b3}',
            '\u{3000}',
            '\u{3001}',
            '\u{3002}',
            '\u{3003}',
            '\u{3007}',
            '\u{3008}',
            '\u{3011}',
            '\u{3012}',
            '\u{302a}',
            '\u{303f}',
            '\u{4dff}',
            '\u{4e00}',
            '\u{4e88}',
            '\u{9fff}',
            '\u{fb01}',
            '\u{feff}',
            '\u{ff00}',
            '\u{ff01}',
            '\u{ff08}',
            '\u{ff10}',
            '\u{ff21}',
            '\u{ff41}',
            '\u{ff5e}',
            '\u{ff5f}',
            '\u{ffe5}',
            '\u{1f600}',
            'A',
            'z',
            '0',
            '.',
            '(',
        ]);
        prop::collection::vec(prop_oneof![3 => special, 1 => any::<char>()], 0..60)
            .prop_map(|cs| cs.into_iter().collect())
    }

    proptest::proptest! {
        /// On any text (full Unicode, controls, CJK, full-width forms, combining
        /// marks, CR/LF mixes), the scan that splits, normalises and keys lines gives
        /// the plain path's lines and key, and the key's direct path the general one.
        #[test]
        fn hostile_text_takes_the_plain_forms(s in hostile_text()) {
            let lex = lex();
            let (mut made, mut lines, mut key) = (String::new(), Vec::new(), Vec::new());
            lines_and_key_into(&s, &lex, &mut made, &mut lines, &mut key);
            let plain: Vec<String> = crate::document::split_lines(&s).map(normalize_line).collect();
            let mut plain_key = String::new();
            plain.iter().for_each(|l| key_into(l, &lex, &mut plain_key));
            proptest::prop_assert_eq!(lines, plain);
            proptest::prop_assert_eq!(key, plain_key.into_bytes());
            let (mut fast, mut slow) = (String::new(), String::new());
            key_into(&s, &lex, &mut fast);
            key_general(&s, &lex, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
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
        fn piecewise_nfkc_is_nfkc(s in "[a-e0-9 \\t.()（）１２ｅ\u{3000}一二属于\u{0301}\u{0323}\u{3099}か\u{1100}\u{1161}\u{11a8}\u{fb01}\u{2460}\u{f900}\u{ac00}\u{212b}\u{200b}é、。“”「】\u{302a}]{0,12}") {
            let mut fast = String::new();
            for_each_nfkc(&s, |c| fast.push(c));
            proptest::prop_assert_eq!(fast, nfkc(&s));
        }
    }

    proptest::proptest! {
        #[test]
        fn direct_paths_equal_the_general_ones(s in "[a-zA-Z0-9 \t\r\n\u{7}\u{b}\u{1f}\u{7f}.,()（）、。，：１ｅＡ\u{3000}\u{3008}\u{3011}\u{2018}\u{201d}\u{2019}一二属于△\u{0301}\u{200b}\u{feff}é\u{ff5e}\u{ff01}\u{ff5f}\u{fee0}\u{a0}]{0,16}") {
            let lex = lex();
            let mut general = String::new();
            line_into(&s, &mut general);
            proptest::prop_assert_eq!(normalize_line(&s), general);
            let (mut fast, mut slow) = (String::from("x"), String::from("x"));
            key_into(&s, &lex, &mut fast);
            key_general(&s, &lex, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn direct_paths_equal_the_general_ones_for_every_character() {
        let lex = lex();
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            for s in [format!("a{c}"), format!("{c}一\t{c}")] {
                let mut general = String::new();
                line_into(&s, &mut general);
                assert_eq!(normalize_line(&s), general, "{s:?}");
                let (mut fast, mut slow) = (String::new(), String::new());
                key_into(&s, &lex, &mut fast);
                key_general(&s, &lex, &mut slow);
                assert_eq!(fast, slow, "{s:?}");
            }
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
