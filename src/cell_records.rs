//! cells.csv's and the wide tables' records, put together from parts quoted once.
//!
//! A run writes millions of cells, and each record repeats its table, row and column,
//! which the dictionaries fix. Those parts are quoted (as [`csv_row`] quotes a field)
//! once, when the outputs open; a cell's record is then its row's and column's parts
//! copied into one buffer with its value, status, line and raw text, which is the only
//! field that needs looking at. The bytes are those of [`csv_row::write_record`] over
//! the fields one by one (tests below).

use crate::cell_text::INLINE_BYTES;
use crate::csv_row;
use crate::dictionary::{Dictionaries, Table, Template};
use crate::model::{Cell, CellStatus};
use crate::numbers::Num;
use crate::output::neutral;

/// The quoted parts of one template table's records.
pub struct TableParts {
    /// Per row, per column of its block: `table,row_id,row_label,column_id,column_label,`
    /// (a cell's record between its `doc_id,` and its value).
    pub cells: Vec<Vec<Vec<u8>>>,
    /// Per row: `template,row_id,row_label` (a wide record after its `doc_id,`).
    pub wide_rows: Vec<Vec<u8>>,
}

/// Every template table's parts, `[template][table]`.
pub struct Parts(Vec<Vec<TableParts>>);

/// `fields` quoted and joined by commas.
fn quoted(fields: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a vector cannot fail.
    let _ = csv_row::write_fields(&mut out, fields);
    out
}

impl TableParts {
    fn new(template: &Template, table: &Table) -> TableParts {
        let with_comma = |mut part: Vec<u8>| {
            part.push(b',');
            part
        };
        let cells = table
            .rows
            .iter()
            .map(|r| {
                let row = with_comma(quoted(&[&table.id, &r.id, &r.path]));
                table.blocks[r.block]
                    .columns
                    .iter()
                    .map(|c| [&row[..], &with_comma(quoted(&[&c.id, &c.path]))].concat())
                    .collect()
            })
            .collect();
        TableParts {
            cells,
            wide_rows: table
                .rows
                .iter()
                .map(|r| quoted(&[&template.id, &r.id, &r.path]))
                .collect(),
        }
    }
}

impl Parts {
    /// Quotes the parts of every table of `dict`'s templates.
    pub fn new(dict: &Dictionaries) -> Parts {
        Parts(
            dict.templates
                .iter()
                .map(|t| {
                    t.tables
                        .iter()
                        .map(|table| TableParts::new(t, table))
                        .collect()
                })
                .collect(),
        )
    }

    /// The room [`push_row`] needs for the records of any row of these tables: each
    /// cell's id block, part and largest end.
    pub fn row_room(&self) -> usize {
        self.0
            .iter()
            .flatten()
            .flat_map(|t| &t.cells)
            .map(|row| row.iter().map(|p| ID_BLOCK + p.len() + END_BYTES).sum())
            .max()
            .unwrap_or(0)
    }

    /// The parts of table `table` of template `template`.
    pub fn table(&self, template: usize, table: usize) -> &TableParts {
        &self.0[template][table]
    }
}

/// The room for a document's part of its cell records.
const ID_BLOCK: usize = 32;

/// A document's part of each of its cell records, `doc_id,` quoted, also held in a
/// block of [`ID_BLOCK`] bytes when it fits (nearly every id does), so that it is
/// put in by constant-size stores and cut back rather than by a copy call.
pub struct IdPart {
    block: [u8; ID_BLOCK],
    bytes: Vec<u8>,
}

impl IdPart {
    /// The part of a document whose id, quoted, is `quoted_id`.
    pub fn new(quoted_id: &[u8]) -> IdPart {
        let bytes = [quoted_id, b","].concat();
        let mut block = [0; ID_BLOCK];
        if let Some(room) = block.get_mut(..bytes.len()) {
            room.copy_from_slice(&bytes);
        }
        IdPart { block, bytes }
    }

    /// Writes the part at the start of `buf` and returns its length; `buf` holds at
    /// least [`ID_BLOCK`] bytes and the part.
    fn put(&self, buf: &mut [u8]) -> usize {
        let len = self.bytes.len();
        match buf.first_chunk_mut::<ID_BLOCK>() {
            Some(block) if len <= ID_BLOCK => *block = self.block,
            _ => buf[..len].copy_from_slice(&self.bytes),
        }
        len
    }

    /// Appends the part (`doc_id,`).
    pub fn push(&self, out: &mut Vec<u8>) {
        if self.bytes.len() <= ID_BLOCK {
            let at = out.len();
            out.extend_from_slice(&self.block);
            out.truncate(at + self.bytes.len());
        } else {
            out.extend_from_slice(&self.bytes);
        }
    }
}

/// Where cells.csv's records are put together and held until they are written: bytes
/// made once (zeroed when the room first grows to them), with a cursor. Records go
/// in by constant-size stores (the id's block, the end's fields), each cut back to
/// what it took, and the file is written from here: put together in a room of their
/// own, a row's records were then copied into the output's buffer (a copy call and
/// a capacity check a row, every byte of cells.csv copied twice).
pub struct Room {
    buf: Vec<u8>,
    used: usize,
    /// Bytes kept free past the cursor at a row's start: the most any row of the
    /// tables takes by constant-size stores ([`Parts::row_room`]).
    row: usize,
    /// A cell that is not put together by stores, appended field by field.
    spill: Vec<u8>,
}

impl Room {
    /// A room for rows of at most `row` bytes of stores, sized to hold `hold` bytes
    /// of records before it grows.
    pub fn new(row: usize, hold: usize) -> Room {
        Room {
            buf: vec![0; hold + row],
            used: 0,
            row,
            spill: Vec::new(),
        }
    }

    /// The records held.
    pub fn records(&self) -> &[u8] {
        &self.buf[..self.used]
    }

    /// Bytes of records held.
    pub fn len(&self) -> usize {
        self.used
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Drops the records held (once written).
    pub fn clear(&mut self) {
        self.used = 0;
    }

    /// Makes sure a row's stores starting at `at` stay inside the bytes made.
    fn keep_free(&mut self, at: usize) {
        self.make_free(at, self.row);
    }

    /// Makes sure `need` bytes from `at` are inside the bytes made.
    fn make_free(&mut self, at: usize, need: usize) {
        if self.buf.len() < at + need {
            self.buf.resize(at + need, 0);
        }
    }
}

/// Appends the records of a row's cells to `room`, `parts` their row's and columns'
/// parts ([`TableParts::cells`]) in the same order; true when any cell's status is
/// not ok (its wide record then has flags).
pub fn push_row(room: &mut Room, id: &IdPart, parts: &[Vec<u8>], cells: &[Cell]) -> bool {
    // Told in the loop that writes the cells rather than by a pass of its own (seven
    // instructions a cell).
    let mut flagged = false;
    room.keep_free(room.used);
    let mut n = room.used;
    let mut rest = cells.iter().zip(parts);
    loop {
        // The room's bytes as a slice of their own while cells go in by stores, so
        // that its start and length stay in registers.
        let buf = &mut room.buf[..];
        let mut other = None;
        for (cell, part) in &mut rest {
            flagged |= cell.status != CellStatus::Ok;
            match buf.get_mut(n..).and_then(|r| put_cell(r, id, part, cell)) {
                Some(len) => n += len,
                None => {
                    other = Some((cell, part));
                    break;
                }
            }
        }
        let Some((cell, part)) = other else {
            break;
        };
        // Any other cell (about one in three hundred), or a long id: appended field
        // by field, then copied in.
        room.spill.clear();
        push_cell(&mut room.spill, id, part, cell);
        let len = room.spill.len();
        room.keep_free(n + len);
        room.buf[n..n + len].copy_from_slice(&room.spill);
        n += len;
    }
    room.used = n;
    flagged
}

/// Writes a cell's record at the start of `buf` and returns its length, for a cell
/// as nearly every one is ([`put_cell_end`]) of a document whose id fits its block;
/// None, with what it wrote to be dropped, for any other.
#[inline(always)]
fn put_cell(buf: &mut [u8], id: &IdPart, part: &[u8], cell: &Cell) -> Option<usize> {
    let id_len = id.bytes.len();
    if id_len > ID_BLOCK {
        return None;
    }
    // The record's room told once: the id's block, the part and the end are inside
    // it by their sizes, without a check each.
    let record = buf.get_mut(..ID_BLOCK + part.len() + END_BYTES)?;
    *record.first_chunk_mut::<ID_BLOCK>()? = id.block;
    let rest = record.get_mut(id_len..)?;
    rest.get_mut(..part.len())?.copy_from_slice(part);
    let end = rest.get_mut(part.len()..)?.first_chunk_mut::<END_BYTES>()?;
    Some(id_len + part.len() + put_cell_end(end, cell)?)
}

/// Appends a cell's record field by field: `id` the document's part, `cell_part`
/// the row's and column's ([`TableParts::cells`]); what [`push_row`] writes.
fn push_cell(out: &mut Vec<u8>, id: &IdPart, cell_part: &[u8], cell: &Cell) {
    id.push(out);
    out.extend_from_slice(cell_part);
    push_cell_end_appending(out, cell);
}
/// The statuses' words, padded to a block of [`STATUS_BYTES`]: room for the longest
/// (`unconfirmed`; a longer word would not compile).
const STATUS_BYTES: usize = 16;

/// Every status, in the order of their discriminants.
const STATUSES: [CellStatus; 6] = CellStatus::ALL;

/// The padded words and their lengths by `status as usize`, made when compiled: made
/// for each cell, the padding was a `memset` and the word a `memcpy` call.
const STATUS_WORDS: [([u8; STATUS_BYTES], usize); STATUSES.len()] = {
    let mut words = [([0; STATUS_BYTES], 0); STATUSES.len()];
    let mut i = 0;
    while i < STATUSES.len() {
        let word = STATUSES[i].as_str().as_bytes();
        let at = STATUSES[i] as usize;
        let mut j = 0;
        while j < word.len() {
            words[at].0[j] = word[j];
            j += 1;
        }
        words[at].1 = word.len();
        i += 1;
    }
    words
};

fn status_word(s: CellStatus) -> ([u8; STATUS_BYTES], usize) {
    STATUS_WORDS[s as usize]
}

/// The end of a cell's record at most: two numbers of 20 digits, a status word, the
/// raw text and four marks.
const END_BYTES: usize = 2 * 20 + STATUS_BYTES + INLINE_BYTES + 4;

/// Writes the end of a cell's record (`value,status,line,raw` and the newline) at
/// the start of `buf` and returns its length, for a cell as nearly every one is (a
/// whole non-negative value, raw text that is short and plain): constant-size
/// stores, not copy calls. None, for any other cell.
#[inline(always)]
fn put_cell_end(buf: &mut [u8; END_BYTES], cell: &Cell) -> Option<usize> {
    let (raw, raw_len) = cell.raw.padded()?;
    if !plain(&raw[..raw_len]) {
        return None;
    }
    let value = match cell.value {
        None => None,
        // Nearly nine values in ten are 0: told without the division.
        Some(v) if v == Num::default() => Some(0),
        Some(v) => Some(v.as_count()?),
    };
    let mut n = 0;
    if let Some(v) = value {
        n = put_decimal(buf, n, v);
    }
    buf[n] = b',';
    n += 1;
    let (word, len) = status_word(cell.status);
    buf[n..n + STATUS_BYTES].copy_from_slice(&word);
    // Every word is shorter than its block (a test): masked, the length is known to
    // be, and the stores that follow need fewer checks.
    n += len & (STATUS_BYTES - 1);
    buf[n] = b',';
    n += 1;
    if let Some(l) = cell.line {
        n = put_decimal(buf, n, l as u64);
    }
    buf[n] = b',';
    n += 1;
    buf[n..n + INLINE_BYTES].copy_from_slice(raw);
    n += raw_len;
    buf[n] = b'\n';
    Some(n + 1)
}

/// Writes `v` in decimal at `buf[at..]` and returns where it ends. Most cells'
/// values have one digit and their lines two or three, which are written here; the
/// rest count their digits, then write them from the last.
#[inline(always)]
fn put_decimal(buf: &mut [u8], at: usize, v: u64) -> usize {
    use crate::numbers::{decimal_back, PAIRS};
    match v {
        0..=9 => {
            buf[at] = b'0' + v as u8;
            at + 1
        }
        10..=99 => {
            let pair = v as usize * 2;
            buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
            at + 2
        }
        // A fifth of the lines: counting their digits and the loop that writes them
        // took about 80 instructions.
        100..=999 => {
            let pair = (v % 100) as usize * 2;
            buf[at] = b'0' + (v / 100) as u8;
            buf[at + 1..at + 3].copy_from_slice(&PAIRS[pair..pair + 2]);
            at + 3
        }
        _ => {
            let end = at + v.ilog10() as usize + 1;
            decimal_back(v, buf, end);
            end
        }
    }
}

/// [`put_cell_end`] field by field, for any cell.
fn push_cell_end_appending(out: &mut Vec<u8>, cell: &Cell) {
    if let Some(v) = cell.value {
        push_num(out, v);
    }
    out.push(b',');
    // The statuses are words that need no quotes.
    out.extend_from_slice(cell.status.as_str().as_bytes());
    out.push(b',');
    if let Some(l) = cell.line {
        push_decimal(out, l as u64);
    }
    out.push(b',');
    push_text(out, &cell.raw);
    out.push(b'\n');
}

/// A wide column's place in a row's cells ([`push_wide`]) when the row's block has no
/// such column: past any row's cells, it needs no test of its own. As an
/// `Option<usize>` (16 bytes), each column was a test of the option and one of the
/// index.
pub const NO_CELL: usize = usize::MAX;

/// The most bytes a value takes in a wide record, its comma included: `Num`'s
/// `Display` of any value (a sign, 33 digits, a point and six decimals) fits.
const WIDE_VALUE_BYTES: usize = 48;

/// Appends a wide table's record to `room`: `id` the document's part, `row` the
/// row's part ([`TableParts::wide_rows`]), then the values (a number needs no quotes)
/// of `cells` at each wide column's place in them (`columns`, [`NO_CELL`] for none)
/// and the flags. Put together as cells.csv's records are, by stores into bytes made
/// once: pushed onto a vector, each of a row's ten or so fields checked the capacity
/// and stored the length, and the id and the row's part were copy calls.
pub fn push_wide(
    room: &mut Room,
    id: &IdPart,
    row: &[u8],
    (columns, cells): (&[usize], &[Cell]),
    flags: &str,
) {
    let at = room.used;
    let need = id.bytes.len().max(ID_BLOCK)
        + row.len()
        + columns.len() * WIDE_VALUE_BYTES
        + 2 * flags.len()
        + 4;
    room.make_free(at, need);
    let buf = &mut room.buf[at..];
    let mut n = id.put(buf);
    buf[n..n + row.len()].copy_from_slice(row);
    n += row.len();
    for &c in columns {
        buf[n] = b',';
        n += 1;
        let Some(v) = cells.get(c).and_then(|cell| cell.value) else {
            continue;
        };
        if v == Num::default() {
            buf[n] = b'0';
            n += 1;
            continue;
        }
        n = match v.as_count() {
            Some(c) => put_decimal(buf, n, c),
            None => put_display(buf, n, v),
        };
    }
    buf[n] = b',';
    n += 1;
    // Most rows have no flags, and an empty field is written as nothing.
    if !flags.is_empty() {
        let mut rest = &mut buf[n..];
        let free = rest.len();
        // The room holds the field quoted (at most twice its bytes and two quotes).
        let _ = csv_row::write_fields(&mut rest, &[flags]);
        n += free - rest.len();
    }
    buf[n] = b'\n';
    room.used = at + n + 1;
}

/// Writes `v` as `{v}` writes it at `buf[at..]` (which holds [`WIDE_VALUE_BYTES`])
/// and returns where it ends.
#[cold]
fn put_display(buf: &mut [u8], at: usize, v: Num) -> usize {
    use std::io::Write;
    let mut rest = &mut buf[at..];
    let free = rest.len();
    let _ = write!(rest, "{v}");
    at + free - rest.len()
}

/// Appends OCR text made safe ([`neutral`]) and quoted as needed.
pub fn push_text(out: &mut Vec<u8>, text: &str) {
    if plain(text.as_bytes()) {
        out.extend_from_slice(text.as_bytes());
    } else {
        let _ = csv_row::write_fields(out, &[neutral(text).as_ref()]);
    }
}

/// Whether neither [`neutral`] nor quoting would change `text`, told from its bytes:
/// printable ASCII without `,` or `"` that starts with none of ` = + - @` (nearly
/// every raw cell: digits). By table: the tests one by one took about 20
/// instructions for a cell of one digit.
fn plain(text: &[u8]) -> bool {
    match text.split_first() {
        None => true,
        Some((&first, rest)) => {
            PLAIN[usize::from(first)] & PLAIN_START != 0
                && rest
                    .iter()
                    .all(|&b| PLAIN[usize::from(b)] & PLAIN_BYTE != 0)
        }
    }
}

/// [`PLAIN`]'s mark of a byte that may be in plain text.
const PLAIN_BYTE: u8 = 1;
/// [`PLAIN`]'s mark of a byte that may start it.
const PLAIN_START: u8 = 2;

/// Per byte, its marks for [`plain`], made when compiled from [`plain_by_tests`].
const PLAIN: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let (inside, start) = plain_by_tests(b as u8);
        table[b] = if inside { PLAIN_BYTE } else { 0 } | if start { PLAIN_START } else { 0 };
        b += 1;
    }
    table
};

/// Whether byte `b` may be in plain text, and whether it may start it.
const fn plain_by_tests(b: u8) -> (bool, bool) {
    let inside = matches!(b, b' '..=b'~') && b != b',' && b != b'"';
    let start = inside && !matches!(b, b' ' | b'=' | b'+' | b'-' | b'@');
    (inside, start)
}

/// Appends `n` in decimal, as `{n}` writes it.
pub fn push_decimal(out: &mut Vec<u8>, n: u64) {
    // Most cells are a single digit (most of all, 0).
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    out.extend_from_slice(crate::numbers::decimal_bytes(n, &mut [0; 20]));
}

/// Appends `v` as `{v}` writes it: a whole non-negative number (nearly every cell) by
/// [`push_decimal`], any other by its `Display`.
pub fn push_num(out: &mut Vec<u8>, v: Num) {
    match v.as_count() {
        Some(n) => push_decimal(out, n),
        None => {
            use std::io::Write;
            let _ = write!(out, "{v}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dict() -> &'static Dictionaries {
        static D: std::sync::OnceLock<Dictionaries> = std::sync::OnceLock::new();
        D.get_or_init(|| Dictionaries::embedded().unwrap())
    }

    /// A cell's record as the writer made it before: every field quoted on its own.
    fn plain_cell(id: &str, t: usize, table: usize, r: usize, c: usize, cell: &Cell) -> Vec<u8> {
        let table = &dict().templates[t].tables[table];
        let (row, col) = (
            &table.rows[r],
            &table.blocks[table.rows[r].block].columns[c],
        );
        let value = cell.value.map_or(String::new(), |v| v.to_string());
        let line = cell.line.map_or(String::new(), |l| l.to_string());
        let mut out = Vec::new();
        let fields = [
            &*neutral(id),
            &table.id,
            &row.id,
            &row.path,
            &col.id,
            &col.path,
            &value,
            cell.status.as_str(),
            &line,
            &neutral(&cell.raw),
        ];
        csv_row::write_record(&mut out, &fields).unwrap();
        out
    }

    fn ours(id: &str, t: usize, table: usize, r: usize, c: usize, cell: &Cell) -> Vec<u8> {
        let parts = Parts::new(dict());
        let part = parts.table(t, table);
        let id = IdPart::new(&quoted(&[&neutral(id)]));
        let mut room = Room::new(parts.row_room(), 0);
        push_row(
            &mut room,
            &id,
            std::slice::from_ref(&part.cells[r][c]),
            std::slice::from_ref(cell),
        );
        room.records().to_vec()
    }

    #[test]
    fn every_status_word_fits_its_block() {
        for s in STATUSES {
            // A status added to the enum stops this compiling: add it to CellStatus::ALL too.
            match s {
                CellStatus::Ok
                | CellStatus::Repaired
                | CellStatus::Inferred
                | CellStatus::Missing
                | CellStatus::Conflict
                | CellStatus::Unconfirmed => {}
            }
            let (word, n) = status_word(s);
            assert_eq!(&word[..n], s.as_str().as_bytes());
            // put_cell_end masks the length by the block's size less one.
            assert!(n < STATUS_BYTES, "{s:?}");
        }
    }

    #[test]
    fn numbers_are_pushed_as_display_writes_them() {
        let mut values: Vec<Num> = [0, 1, 9, 10, 99, 1234567, -1, -30, i64::MAX / 1_000_000]
            .into_iter()
            .map(Num::int)
            .collect();
        values.extend([1, 500_000, -2_500_000, 123_456_789].map(Num::micro));
        values.extend([i128::MAX, i128::MIN, 1 << 70].map(Num::from_millionths));
        for v in values {
            let mut out = b"x".to_vec();
            push_num(&mut out, v);
            assert_eq!(out, format!("x{v}").into_bytes());
        }
        let powers = (0..20).flat_map(|k| {
            let p = 10u64.pow(k);
            [p - 1, p, p + 1]
        });
        for n in [0, 7, 10, 4096, u64::MAX].into_iter().chain(powers) {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
            let mut buf = [b'x'; 24];
            let end = put_decimal(&mut buf, 2, n);
            assert_eq!(&buf[2..end], n.to_string().as_bytes());
            assert_eq!(buf[end..], [b'x'; 24][end..]);
        }
    }

    #[test]
    fn every_value_fits_its_room_in_a_wide_record() {
        for v in [i128::MIN, i128::MAX, i128::MIN + 1, -1, 1 - (1 << 100)] {
            let v = Num::from_millionths(v);
            // The value and its comma.
            assert!(v.to_string().len() < WIDE_VALUE_BYTES, "{v}");
        }
    }

    #[test]
    fn every_template_cell_as_the_fields_quoted_one_by_one() {
        let cell = Cell {
            value: Some(Num::int(12)),
            status: CellStatus::Ok,
            line: Some(7),
            raw: "12".into(),
        };
        for (t, template) in dict().templates.iter().enumerate() {
            for (i, table) in template.tables.iter().enumerate() {
                for (r, row) in table.rows.iter().enumerate() {
                    for c in 0..table.blocks[row.block].columns.len() {
                        assert_eq!(
                            ours("d,1", t, i, r, c, &cell),
                            plain_cell("d,1", t, i, r, c, &cell)
                        );
                    }
                }
            }
        }
    }

    /// [`plain`] as it was written before its table.
    fn plain_one_by_one(text: &[u8]) -> bool {
        if let Some(b' ' | b'=' | b'+' | b'-' | b'@') = text.first() {
            return false;
        }
        text.iter()
            .all(|&b| matches!(b, b' '..=b'~') && b != b',' && b != b'"')
    }

    #[test]
    fn every_byte_alone_and_after_a_digit_is_plain_as_told_one_by_one() {
        for b in 0..=255u8 {
            assert_eq!(plain(&[b]), plain_one_by_one(&[b]), "{b}");
            assert_eq!(plain(&[b'1', b]), plain_one_by_one(&[b'1', b]), "{b}");
        }
        assert!(plain(b""));
    }

    proptest! {
        #[test]
        fn any_text_is_plain_as_told_one_by_one(text in prop::collection::vec(any::<u8>(), 0..8), digits in "[0-9 a@=,-]{0,5}") {
            prop_assert_eq!(plain(&text), plain_one_by_one(&text));
            prop_assert_eq!(plain(digits.as_bytes()), plain_one_by_one(digits.as_bytes()));
        }

        #[test]
        fn any_cell_as_the_fields_quoted_one_by_one(
            id in "[a=\",\n -]{0,4}|[a-z0/_-]{28,34}",
            value in prop::option::of(prop_oneof![
                (0i64..30).prop_map(Num::int),
                any::<i64>().prop_map(Num::int),
                any::<i64>().prop_map(Num::micro),
                any::<i128>().prop_map(Num::from_millionths),
            ]),
            status in 0usize..6,
            line in prop::option::of(0usize..100_000),
            raw in "[0-9 a=+@\",\r\n\t\u{7}\u{85}\u{202e}\u{ff0d}\u{3000}␣-]{0,6}|[0-9a ]{18,26}",
            pick in 0usize..10_000,
        ) {
            let cell = Cell { value, status: STATUSES[status], line, raw: raw.into() };
            let t = pick % dict().templates.len();
            let tables = &dict().templates[t].tables;
            let i = pick / 7 % tables.len();
            let r = pick / 11 % tables[i].rows.len();
            let c = pick / 13 % tables[i].blocks[tables[i].rows[r].block].columns.len();
            prop_assert_eq!(ours(&id, t, i, r, c, &cell), plain_cell(&id, t, i, r, c, &cell));
            // The end put together at once is the end appended field by field.
            let mut slow = Vec::new();
            push_cell_end_appending(&mut slow, &cell);
            let mut fast = [b'x'; END_BYTES];
            if let Some(n) = put_cell_end(&mut fast, &cell) {
                prop_assert_eq!(&fast[..n], &slow[..]);
            }
        }

        #[test]
        fn a_row_as_its_cells_appended_one_by_one(
            id in "[a-z0/_-]{0,4}|[a-z0/_-]{28,40}",
            cells in prop::collection::vec((
                prop::option::of(prop_oneof![
                    (0i64..200).prop_map(Num::int),
                    any::<i64>().prop_map(Num::micro),
                ]),
                0usize..6,
                prop::option::of(0usize..100_000),
                "[0-9 a=+\",\n\u{3000}-]{0,3}|[0-9a ]{20,26}",
            ), 0..12),
            pick in 0usize..10_000,
            hold in 0usize..600,
        ) {
            let t = pick % dict().templates.len();
            let tables = &dict().templates[t].tables;
            let i = pick / 7 % tables.len();
            let r = pick / 11 % tables[i].rows.len();
            let parts = Parts::new(dict());
            let parts = &parts.table(t, i).cells[r];
            let cells: Vec<Cell> = cells
                .into_iter()
                .map(|(value, status, line, raw)| Cell { value, status: STATUSES[status], line, raw: raw.into() })
                .take(parts.len())
                .collect();
            let id = IdPart::new(&quoted(&[&neutral(&id)]));
            // Rows after others, in a room that holds less than they take: the
            // room grows under the records already in it.
            let mut room = Room::new(Parts::new(dict()).row_room(), hold);
            let mut theirs = Vec::new();
            for _ in 0..3 {
                let flagged = push_row(&mut room, &id, parts, &cells);
                prop_assert_eq!(flagged, cells.iter().any(|c| c.status != CellStatus::Ok));
                for (cell, part) in cells.iter().zip(parts) {
                    push_cell(&mut theirs, &id, part, cell);
                }
            }
            prop_assert_eq!(room.records(), &theirs[..]);
            room.clear();
            prop_assert!(room.is_empty());
        }

        #[test]
        fn a_wide_record_as_the_fields_quoted_one_by_one(
            id in "[a=\",\n -]{0,4}|[a-z0/_-]{28,40}",
            values in prop::collection::vec(prop::option::of(prop_oneof![
                (0i64..3).prop_map(Num::int),
                (0i64..2000).prop_map(Num::int),
                any::<u64>().prop_map(|n| Num::from_millionths(i128::from(n) * 1_000_000)),
                any::<i128>().prop_map(Num::from_millionths),
                Just(Num::from_millionths(i128::MIN)),
            ]), 0..20),
            flags in "[a=;\",]{0,5}|[a=;\",]{40,90}",
            pick in 0usize..10_000,
            hold in 0usize..600,
        ) {
            let t = pick % dict().templates.len();
            let template = &dict().templates[t];
            let i = pick / 7 % template.tables.len();
            let r = pick / 11 % template.tables[i].rows.len();
            let row = &template.tables[i].rows[r];
            let parts = Parts::new(dict());
            let id = neutral(&id);
            let id_part = IdPart::new(&quoted(&[&id]));
            // Records after others, in a room that holds less than they take.
            let mut room = Room::new(0, hold);
            // The row's cells hold the values; the wide columns take them last to
            // first, then a column with no cell and one past the row's cells.
            let cells: Vec<Cell> = values
                .iter()
                .map(|&value| Cell { value, ..Cell::missing() })
                .collect();
            let mut columns: Vec<usize> = (0..values.len()).rev().collect();
            columns.extend([NO_CELL, values.len()]);
            let mut fields = vec![id.to_string(), template.id.clone(), row.id.clone(), row.path.clone()];
            fields.extend(values.iter().rev().map(|v| v.map_or(String::new(), |v| v.to_string())));
            fields.extend([String::new(), String::new()]);
            fields.push(flags.clone());
            let mut theirs = Vec::new();
            for _ in 0..3 {
                push_wide(&mut room, &id_part, &parts.table(t, i).wide_rows[r], (&columns, &cells), &flags);
                csv_row::write_record(&mut theirs, &fields).unwrap();
            }
            prop_assert_eq!(room.records(), &theirs[..]);
        }
    }
}
