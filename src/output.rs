//! CSV records: [`DocResult`]s → the files in OUT_DIR.
//!
//! cells.csv, documents.csv, corrections.csv, review.csv, and one wide table per
//! template table (proactive.csv, requests.csv, appeals.csv).
//!
//! Every file is written into a staging folder, `OUT_DIR/.gongkai.partial/`, and only
//! when all of them are complete and synced to disk does [`OutputSet::finish`] move
//! them into OUT_DIR. An interrupted or failed run removes the staging folder (or
//! the next run does, if the process was killed) and leaves OUT_DIR as it was.
//!
//! Moving several files is not one atomic step, so the moves follow a journal:
//! `OUT_DIR/.gongkai-commit` lists them and is written, synced, before the first
//! move and removed after the last. If the process dies between the two (a kill or
//! a power cut during a few renames), the journal says that the staged files are
//! complete, and the next run into OUT_DIR finishes the moves before anything else;
//! while the journal is there, OUT_DIR may hold a mix of old and new files. A lock
//! file, `OUT_DIR/.gongkai.lock`, keeps a second run out while one is writing.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cell_records::{self, Parts};
use crate::csv_row;
use crate::dictionary::Dictionaries;
use crate::error::RunError;
use crate::model::{CellStatus, DocResult, ReviewItem, RowPresence};
use crate::writeback::Writeback;

const CELLS: &[&str] = &[
    "doc_id",
    "table",
    "row_id",
    "row_label",
    "column_id",
    "column_label",
    "value",
    "status",
    "source_line",
    "raw",
];
const DOCUMENTS: &[&str] = &[
    "doc_id",
    "source",
    "encoding",
    "form",
    "template",
    "agency",
    "year",
    "status",
    "label_repairs",
    "value_repairs",
    "flags",
    "balance",
    "identities_held",
    "identities_failed",
    "identities_undetermined",
    "error",
];
const CORRECTIONS: &[&str] = &[
    "doc_id",
    "source_line",
    "kind",
    "before",
    "after",
    "score",
    "method",
];
const REVIEW: &[&str] = &[
    "doc_id",
    "table",
    "row_label",
    "column_label",
    "problem",
    "detail",
];

/// Makes OCR text safe to open in a spreadsheet: line breaks and tabs become spaces,
/// other control characters and invisible direction overrides go, and a cell that
/// would start a formula (= + - @, also full-width) is prefixed with `'`, unless it is
/// a plain number or a run of them such as `-185` or `0 -1 2`. Canonical labels and
/// numbers never start with such a character, so they pass unchanged.
pub fn neutralize(text: &str) -> String {
    neutral(text).into_owned()
}

/// [`neutralize`] without a copy when the text is safe as it is (almost always).
pub(crate) fn neutral(text: &str) -> Cow<'_, str> {
    // Without an early exit the compiler tests many bytes at once; text without a
    // suspect byte (nearly all) is passed without decoding its characters.
    let suspect = text.bytes().fold(false, |s, b| s | suspect(b));
    let changed = suspect && text.chars().any(changes);
    if !changed && !starts_formula(text) {
        return Cow::Borrowed(text);
    }
    let clean: String = text
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            // Direction marks and overrides can make a cell display other than it reads.
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let plain_numbers = clean.split_whitespace().all(|t| {
        t.parse::<f64>().is_ok()
            && t.bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
    });
    if starts_formula(&clean) && !plain_numbers {
        Cow::Owned(format!("'{clean}"))
    } else {
        Cow::Owned(clean)
    }
}

/// Appends the field `neutral(text)` as [`csv_row::write_fields`] writes it. Text
/// with none of the bytes [`neutral`] or quoting look for, that cannot start a
/// formula, is copied as it is after one pass over its bytes: `neutral` and the
/// quoting test each passed over them, a correction's text cost about 400
/// instructions in all.
fn push_neutral_field(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !any_odd(bytes) && !may_start_formula(text) {
        out.extend_from_slice(bytes);
    } else {
        csv_row::push_field(out, neutral(text).as_bytes());
    }
}

/// Whether a byte of `bytes` is [`suspect`] or needs quotes (`,` `"`), told a block
/// of [`ODD_BLOCK`] bytes at a time: the last block overlaps the one before it, and
/// shorter text is read as two overlapping halves. A fold over the bytes ran in
/// 8-byte steps and its tail byte by byte (17 instructions a byte).
fn any_odd(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len >= ODD_BLOCK {
        let last = bytes.last_chunk::<ODD_BLOCK>().is_some_and(odd_block);
        return last
            || bytes
                .chunks_exact(ODD_BLOCK)
                .any(|c| <&[u8; ODD_BLOCK]>::try_from(c).is_ok_and(odd_block));
    }
    // Bytes read twice, or filled in as `a` (not odd), change no answer. Each
    // case spelled out: as a loop over the halves' sizes, the halves were copy calls.
    let mut block = [b'a'; ODD_BLOCK];
    if len >= 16 {
        block[..16].copy_from_slice(&bytes[..16]);
        block[16..].copy_from_slice(&bytes[len - 16..]);
    } else if len >= 8 {
        block[..8].copy_from_slice(&bytes[..8]);
        block[8..16].copy_from_slice(&bytes[len - 8..]);
    } else if len >= 4 {
        block[..4].copy_from_slice(&bytes[..4]);
        block[4..8].copy_from_slice(&bytes[len - 4..]);
    } else if len > 0 {
        block[0] = bytes[0];
        block[1] = bytes[len / 2];
        block[2] = bytes[len - 1];
    }
    odd_block(&block)
}

/// [`any_odd`]'s block: 32 bytes, told as two vectors of 16 when the fold has no
/// early exit and [`suspect`]'s tests none either (at 16 bytes, the compiler made
/// it shuffles of single bytes).
const ODD_BLOCK: usize = 32;

/// [`any_odd`] of one block.
fn odd_block(block: &[u8; ODD_BLOCK]) -> bool {
    block
        .iter()
        .fold(false, |s, &b| s | suspect(b) | (b == b',') | (b == b'"'))
}

/// A field that is one of the code's words (a correction's kind or its method), and
/// whether it needs quotes, told once while the records that follow have the same
/// word (most do): told for every record, it cost about 110 instructions.
#[derive(Default)]
struct Word {
    last: Option<(&'static str, bool)>,
}

impl Word {
    /// Appends `word` as [`csv_row::push_field`] does.
    fn push(&mut self, out: &mut Vec<u8>, word: &'static str) {
        let quote = match self.last {
            Some((w, quote)) if std::ptr::eq(w, word) => quote,
            _ => {
                let quote = csv_row::needs_quotes(word.as_bytes());
                self.last = Some((word, quote));
                quote
            }
        };
        if quote {
            csv_row::push_field(out, word.as_bytes());
        } else {
            out.extend_from_slice(word.as_bytes());
        }
    }
}

/// Whether `text` may start a formula past leading white space: its first character
/// is white space or starts one (told without a search past it).
fn may_start_formula(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_whitespace() || FORMULA_STARTS.contains(&c))
}

/// Whether [`neutral`] drops `c` or makes it a space.
fn changes(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || c.is_control()
}

/// Whether `b` may be a byte of a character that [`changes`]: each is a control
/// character (a byte below 0x20, 0x7f, or U+0080–U+009F, led by 0xc2) or a direction
/// mark (led by 0xe2); a test checks every character.
fn suspect(b: u8) -> bool {
    // Without `||`'s early exits, so that folds over blocks of bytes are vectors.
    (b < 0x20) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2)
}

/// The characters that start a formula (also full-width).
const FORMULA_STARTS: [char; 8] = [
    '=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
];

fn starts_formula(text: &str) -> bool {
    text.trim_start().starts_with(FORMULA_STARTS)
}

/// Appends `x` as `{:.3}` writes it (three decimals, rounded half to even on its
/// exact binary value), for a non-negative `x` below 9·10^12; false, having appended
/// nothing, for any other. Formatting a float cost about 700 instructions a
/// correction.
fn fixed3(x: f64, out: &mut Vec<u8>) -> bool {
    if !(x.is_sign_positive() && x < 9.0e12) {
        return false;
    }
    let bits = x.to_bits();
    let (frac, exp) = (bits & ((1 << 52) - 1), (bits >> 52) as i32 & 0x7ff);
    // x = m·2^e exactly.
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | 1 << 52, exp - 1075)
    };
    let scaled = u128::from(m) * 1000;
    let thousandths = if e >= 0 {
        scaled << e
    } else if e > -127 {
        let shift = e.unsigned_abs();
        let (whole, rest, half) = (
            scaled >> shift,
            scaled & ((1 << shift) - 1),
            1 << (shift - 1),
        );
        whole + u128::from(rest > half || (rest == half && whole & 1 == 1))
    } else if scaled == 0 {
        0
    } else {
        return false;
    };
    let Ok(k) = u64::try_from(thousandths) else {
        return false;
    };
    cell_records::push_decimal(out, k / 1000);
    let frac = k % 1000;
    let digit = |d: u64| b'0' + d as u8;
    out.extend_from_slice(&[
        b'.',
        digit(frac / 100),
        digit(frac / 10 % 10),
        digit(frac % 10),
    ]);
    true
}

/// Appends documents.csv's record of `doc`, `id` its id made safe: the fields as
/// [`csv_row::write_record`] writes them (a test holds the two together), put in
/// one by one rather than made into sixteen strings first.
fn push_document(out: &mut Vec<u8>, doc: &DocResult, id: &str, template: Option<&str>) {
    let count = |out: &mut Vec<u8>, n: usize| {
        cell_records::push_decimal(out, n as u64);
        out.push(b',');
    };
    let field = |out: &mut Vec<u8>, text: &str| {
        csv_row::push_field(out, text.as_bytes());
        out.push(b',');
    };
    field(out, id);
    push_neutral_field(out, &doc.source);
    out.push(b',');
    field(out, &doc.encoding);
    field(out, doc.form);
    field(out, template.unwrap_or(""));
    push_neutral_field(out, &doc.agency);
    out.push(b',');
    if let Some(y) = doc.year {
        cell_records::push_decimal(out, u64::from(y));
    }
    out.push(b',');
    field(out, doc.status.as_str());
    count(out, doc.label_repairs());
    count(out, doc.count_corrections("value"));
    count(out, doc.review.len());
    field(out, doc.balance.verdict());
    count(out, doc.balance.held);
    count(out, doc.balance.failed);
    count(out, doc.balance.undetermined);
    push_neutral_field(out, &doc.error);
    out.push(b'\n');
}

/// The staging folder inside OUT_DIR (same file system, so a rename moves a file).
pub const STAGING: &str = ".gongkai.partial";
/// The journal of a commit in progress.
pub const JOURNAL: &str = ".gongkai-commit";

/// Held while a run writes into OUT_DIR: two runs sharing the staging folder and the
/// journal could leave a mix.
pub const LOCK: &str = ".gongkai.lock";

/// The lock file, removed when dropped.
struct Lock(PathBuf);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Whether process `pid` is running; where that cannot be told, it is taken to be.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Takes OUT_DIR's lock, or says which run holds it. A lock left by a run that was
/// killed is taken over.
fn lock(dir: &Path) -> Result<Lock, RunError> {
    let path = dir.join(LOCK);
    let err = |source| RunError::Output {
        path: path.clone(),
        source,
    };
    let me = std::process::id();
    for _ in 0..2 {
        match File::options().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(me.to_string().as_bytes()).map_err(err)?;
                return Ok(Lock(path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(&path)
                    .ok()
                    .and_then(|s| s.trim().parse().ok());
                match holder {
                    Some(pid) if pid != me && alive(pid) => {
                        return Err(err(std::io::Error::new(
                            std::io::ErrorKind::ResourceBusy,
                            format!("another gongkai run (process {pid}) is writing into this folder; if none is, delete {}", path.display()),
                        )));
                    }
                    // Stale: its run is gone.
                    _ => fs::remove_file(&path).map_err(err)?,
                }
            }
            Err(e) => return Err(err(e)),
        }
    }
    Err(err(std::io::Error::new(
        std::io::ErrorKind::ResourceBusy,
        "another gongkai run keeps taking this folder's lock",
    )))
}

/// Removes the staging folder when dropped, unless the outputs were committed.
struct Staging(Option<PathBuf>);

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            // Best effort: a leftover is removed by the next run anyway.
            let _ = fs::remove_dir_all(p);
        }
    }
}

/// Makes renames and removals in `dir` durable; best effort, since not every system
/// can sync a folder.
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Finishes the commit that the journal in `dir` describes, if any: moves each staged
/// file that is still there into place, then removes the journal and the staging folder.
pub fn recover(dir: &Path) -> Result<(), RunError> {
    let journal = dir.join(JOURNAL);
    let err = |path: &Path, source| RunError::Output {
        path: path.to_path_buf(),
        source,
    };
    let staging = dir.join(STAGING);
    match fs::read_to_string(&journal) {
        Ok(list) => {
            for name in list
                .lines()
                .filter(|n| !n.is_empty() && !n.contains(['/', '\\']))
            {
                let from = staging.join(name);
                if from.exists() {
                    fs::rename(&from, dir.join(name)).map_err(|e| err(&from, e))?;
                }
            }
            sync_dir(dir);
            fs::remove_file(&journal).map_err(|e| err(&journal, e))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(&journal, e)),
    }
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| err(&staging, e))?;
    }
    Ok(())
}

/// Bytes of records an output holds before it writes them to its file: cells.csv
/// takes about 30 KB a report, and 64 KB writes make an eighth of the system calls of
/// 8 KB ones.
const WRITE_AT: usize = 64 * 1024;

struct Out {
    tmp: PathBuf,
    dest: PathBuf,
    file: Writeback,
    /// Records not yet written. Records are put together here, in place, rather than
    /// in a buffer of their own that a `BufWriter` then copied (a copy of every byte
    /// of cells.csv, about a hundredth of a run's instructions).
    pending: Vec<u8>,
    /// The header's length: every record has as many fields.
    fields: usize,
}

/// A wide table's columns: canonical column paths across every template, in order.
struct Wide {
    table: String,
    columns: Vec<String>,
    out: Out,
    /// The records put together and held until written, as cells.csv's are.
    room: cell_records::Room,
}

/// Where a template table's rows go in the wide tables: which one, and per block,
/// which of the block's columns each wide column is (found when the outputs open, not
/// by comparing the paths again for every document).
struct WidePlan {
    wide: usize,
    /// Per block, per wide column, its place in the block's columns, or
    /// [`cell_records::NO_CELL`].
    at: Vec<Vec<usize>>,
}

/// The open output files of one run.
pub struct OutputSet<'d> {
    dict: &'d Dictionaries,
    cells: Out,
    documents: Out,
    corrections: Out,
    review: Out,
    wide: Vec<Wide>,
    /// `[template][table]`.
    plans: Vec<Vec<Option<WidePlan>>>,
    /// The quoted parts of every table's records.
    parts: Parts,
    /// cells.csv's records, put together and held until written
    /// ([`cell_records::push_row`], [`Out::write_room`]).
    cell_room: cell_records::Room,
    dir: PathBuf,
    // Dropped in this order: the staging folder goes before the lock is released.
    staging: Staging,
    _lock: Lock,
}

fn open(dir: &Path, name: &str, header: &[String], bom: bool) -> Result<Out, RunError> {
    let dest = dir.join(name);
    let tmp = dir.join(STAGING).join(name);
    let err = |source| RunError::Output {
        path: tmp.clone(),
        source,
    };
    let file = Writeback::new(File::create(&tmp).map_err(err)?);
    let mut out = Out::new(tmp, dest, file, header.len());
    if bom {
        out.pending.extend_from_slice("\u{feff}".as_bytes());
    }
    out.row(header)?;
    Ok(out)
}

fn strings(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

impl Out {
    fn new(tmp: PathBuf, dest: PathBuf, file: Writeback, fields: usize) -> Out {
        Out {
            tmp,
            dest,
            file,
            pending: Vec::with_capacity(2 * WRITE_AT),
            fields,
        }
    }

    fn row<T: AsRef<[u8]>>(&mut self, record: &[T]) -> Result<(), RunError> {
        if record.len() != self.fields {
            return Err(self.output_error(self.misfit(record.len())));
        }
        csv_row::write_record(&mut self.pending, record).map_err(|e| self.output_error(e))?;
        self.write_full()
    }

    /// Writes the pending records once they are [`WRITE_AT`] bytes or more; records
    /// are appended to `pending` directly (by [`cell_records`]) before this is called.
    fn write_full(&mut self) -> Result<(), RunError> {
        if self.pending.len() < WRITE_AT {
            return Ok(());
        }
        self.write_pending()
    }

    fn write_pending(&mut self) -> Result<(), RunError> {
        let wrote = self.file.write_all(&self.pending);
        self.pending.clear();
        wrote.map_err(|e| self.output_error(e))
    }

    /// Writes the records held in `room` once they are `at_least` bytes or more,
    /// after the pending ones (the header).
    fn write_room(
        &mut self,
        room: &mut cell_records::Room,
        at_least: usize,
    ) -> Result<(), RunError> {
        if room.len() < at_least || room.is_empty() {
            return Ok(());
        }
        if !self.pending.is_empty() {
            self.write_pending()?;
        }
        let wrote = self.file.write_all(room.records());
        room.clear();
        wrote.map_err(|e| self.output_error(e))
    }

    fn output_error(&self, source: std::io::Error) -> RunError {
        RunError::Output {
            path: self.tmp.clone(),
            source,
        }
    }

    fn misfit(&self, got: usize) -> std::io::Error {
        // A shifted column would go unnoticed by anyone reading the file.
        std::io::Error::other(format!(
            "a record of {got} fields where the header has {}",
            self.fields
        ))
    }

    /// Flushes and syncs the staged file; it is moved into place later, with the others.
    fn complete(mut self) -> Result<(PathBuf, PathBuf), RunError> {
        self.write_pending()?;
        let file = self.file.into_file();
        file.sync_all().map_err(|source| RunError::Output {
            path: self.tmp.clone(),
            source,
        })?;
        Ok((self.tmp, self.dest))
    }
}

impl<'d> OutputSet<'d> {
    /// Creates OUT_DIR if needed, finishes or clears what an earlier run left, and
    /// opens every output in the staging folder.
    pub fn create(
        dir: &Path,
        bom: bool,
        dict: &'d Dictionaries,
    ) -> Result<OutputSet<'d>, RunError> {
        fs::create_dir_all(dir).map_err(|source| RunError::Output {
            path: dir.to_path_buf(),
            source,
        })?;
        let lock = lock(dir)?;
        recover(dir)?;
        let staging_dir = dir.join(STAGING);
        fs::create_dir(&staging_dir).map_err(|source| RunError::Output {
            path: staging_dir.clone(),
            source,
        })?;
        let staging = Staging(Some(staging_dir));
        let mut layout: Vec<(String, Vec<String>)> = Vec::new();
        for t in dict.templates.iter().flat_map(|t| &t.tables) {
            let idx = match layout.iter().position(|(id, _)| id == &t.id) {
                Some(i) => i,
                None => {
                    layout.push((t.id.clone(), Vec::new()));
                    layout.len() - 1
                }
            };
            for c in t.blocks.iter().flat_map(|b| &b.columns) {
                if !layout[idx].1.contains(&c.path) {
                    layout[idx].1.push(c.path.clone());
                }
            }
        }
        let mut wide = Vec::new();
        for (table, columns) in layout {
            let mut header = strings(&["doc_id", "template", "row_id", "row_label"]);
            header.extend(columns.iter().cloned());
            header.push("flags".into());
            let out = open(dir, &format!("{table}.csv"), &header, bom)?;
            wide.push(Wide {
                table,
                columns,
                out,
                room: cell_records::Room::new(0, WRITE_AT),
            });
        }
        let plans = dict.per_table(|table| {
            let w = wide.iter().position(|w| w.table == table.id)?;
            let at = table
                .blocks
                .iter()
                .map(|b| {
                    wide[w]
                        .columns
                        .iter()
                        .map(|path| {
                            b.columns
                                .iter()
                                .position(|c| &c.path == path)
                                .unwrap_or(cell_records::NO_CELL)
                        })
                        .collect()
                })
                .collect();
            Some(WidePlan { wide: w, at })
        });
        let parts = Parts::new(dict);
        Ok(OutputSet {
            dict,
            plans,
            cells: open(dir, "cells.csv", &strings(CELLS), bom)?,
            documents: open(dir, "documents.csv", &strings(DOCUMENTS), bom)?,
            corrections: open(dir, "corrections.csv", &strings(CORRECTIONS), bom)?,
            review: open(dir, "review.csv", &strings(REVIEW), bom)?,
            wide,
            cell_room: cell_records::Room::new(parts.row_room(), WRITE_AT),
            parts,
            dir: dir.to_path_buf(),
            staging,
            _lock: lock,
        })
    }

    /// Writes every record of one document.
    pub fn write(&mut self, doc: &DocResult) -> Result<(), RunError> {
        let id = neutral(&doc.doc_id);
        let id = id.as_ref();
        let template = doc.template.map(|t| &self.dict.templates[t]);
        push_document(
            &mut self.documents.pending,
            doc,
            id,
            template.map(|t| &t.id[..]),
        );
        self.documents.write_full()?;
        let (Some(t), Some(template)) = (doc.template, template) else {
            return Ok(());
        };
        let mut quoted_id = Vec::new();
        let _ = csv_row::write_fields(&mut quoted_id, &[id]);
        let id_part = cell_records::IdPart::new(&quoted_id);
        // A wide row's flags (`col=status;…`), for a row with a cell not ok.
        let mut flags = String::new();
        for tr in &doc.tables {
            let table = &template.tables[tr.table];
            let parts = self.parts.table(t, tr.table);
            let plan = self.plans[t][tr.table].as_ref();
            for (r, row) in table.rows.iter().enumerate() {
                if tr.rows[r] == RowPresence::Omitted {
                    continue;
                }
                let row_cells = &tr.cells[r];
                let columns = &table.blocks[row.block].columns;
                flags.clear();
                let flagged = cell_records::push_row(
                    &mut self.cell_room,
                    &id_part,
                    &parts.cells[r],
                    row_cells,
                );
                if flagged {
                    for (cell, col) in row_cells.iter().zip(columns) {
                        if cell.status != CellStatus::Ok {
                            if !flags.is_empty() {
                                flags.push(';');
                            }
                            flags.push_str(&col.id);
                            flags.push('=');
                            flags.push_str(cell.status.as_str());
                        }
                    }
                }
                if let Some(plan) = plan {
                    cell_records::push_wide(
                        &mut self.wide[plan.wide].room,
                        &id_part,
                        &parts.wide_rows[r],
                        (&plan.at[row.block], row_cells),
                        &flags,
                    );
                }
            }
            if let Some(plan) = plan {
                let wide = &mut self.wide[plan.wide];
                wide.out.write_room(&mut wide.room, WRITE_AT)?;
            }
        }
        self.cells.write_room(&mut self.cell_room, WRITE_AT)?;
        // corrections.csv's records, put together as cells.csv's are: the id quoted
        // once, the line and score (digits and a point) as they are.
        let mut score = String::new();
        let out = &mut self.corrections.pending;
        let (mut kind, mut method) = (Word::default(), Word::default());
        for c in &doc.corrections {
            id_part.push(out);
            cell_records::push_decimal(out, c.line as u64);
            out.push(b',');
            kind.push(out, c.kind);
            out.push(b',');
            push_neutral_field(out, &c.before);
            out.push(b',');
            push_neutral_field(out, &c.after);
            out.push(b',');
            // Written in place: a score is digits and a point (or, from `Display`,
            // NaN or inf), never quoted.
            if !fixed3(c.score, out) {
                score.clear();
                let _ = write!(score, "{:.3}", c.score);
                csv_row::push_field(out, score.as_bytes());
            }
            out.push(b',');
            method.push(out, c.method);
            out.push(b'\n');
        }
        self.corrections.write_full()?;
        for r in &doc.review {
            self.write_review(id, r)?;
        }
        Ok(())
    }

    /// Appends one review item of document `doc_id` (cross-document warnings come
    /// after every document's own rows).
    pub fn write_review(&mut self, doc_id: &str, r: &ReviewItem) -> Result<(), RunError> {
        self.review.row(&[
            &*neutral(doc_id),
            &r.table,
            &r.row_label,
            &r.column_label,
            r.problem,
            &neutral(&r.detail),
        ])
    }

    /// Completes every file, then moves them all into place under the journal.
    pub fn finish(mut self) -> Result<(), RunError> {
        self.cells.write_room(&mut self.cell_room, 0)?;
        let mut done = Vec::new();
        for out in [self.cells, self.documents, self.corrections, self.review] {
            done.push(out.complete()?);
        }
        for mut w in self.wide {
            w.out.write_room(&mut w.room, 0)?;
            done.push(w.out.complete()?);
        }
        let names: Vec<String> = done
            .iter()
            .filter_map(|(_, dest)| dest.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        let journal = self.dir.join(JOURNAL);
        let partial = self.dir.join(STAGING).join(JOURNAL);
        let err = |source| RunError::Output {
            path: journal.clone(),
            source,
        };
        // Written in the staging folder and renamed, so a journal is never half there.
        let mut f = File::create(&partial).map_err(err)?;
        f.write_all(names.join("\n").as_bytes()).map_err(err)?;
        f.sync_all().map_err(err)?;
        fs::rename(&partial, &journal).map_err(err)?;
        sync_dir(&self.dir);
        // From here the journal makes the new results the committed ones.
        self.staging.0 = None;
        recover(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk: /dev/full fails every write with ENOSPC. The error names the file
    /// and tells the user what to do.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_a_clear_error() {
        let file = File::options().write(true).open("/dev/full").unwrap();
        let mut out = Out::new(
            PathBuf::from("/dev/full"),
            PathBuf::from("/nowhere/cells.csv"),
            Writeback::new(file),
            10,
        );
        let row = vec!["x".repeat(1000); 10];
        // Rows go to buffers first; the failure shows at a flush or at the end.
        let wrote = (0..100).try_for_each(|_| out.row(&row));
        let err = match wrote {
            Err(e) => e,
            Ok(()) => out.complete().expect_err("writing to /dev/full fails"),
        };
        let msg = err.to_string();
        assert!(
            msg.contains("/dev/full") && msg.contains("disk is full"),
            "{msg}"
        );
    }

    #[test]
    fn every_character_that_changes_has_a_suspect_byte() {
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| changes(c))
        {
            let mut b = [0; 4];
            assert!(c.encode_utf8(&mut b).bytes().any(suspect), "{c:?}");
        }
    }

    #[test]
    fn scores_are_written_as_display_writes_them() {
        let mut xs = vec![0.0, 0.0625, 0.1875, 0.0005, 0.9995, 1.0, 1e-9, 8.9e12];
        xs.extend((0..20_000).map(|i| f64::from(i) / 2000.0));
        xs.extend((0..2_000).map(|i| f64::from(i) / 16.0));
        let mut s = Vec::new();
        for x in xs {
            s.clear();
            assert!(fixed3(x, &mut s));
            assert_eq!(s, format!("{x:.3}").as_bytes());
        }
        // Negative, not finite, too large, or too far below a thousandth for the
        // shift: left to `Display`.
        for x in [-0.0, -1.0, f64::NAN, f64::INFINITY, 9.0e12, 5e-324, 1e-300] {
            assert!(!fixed3(x, &mut s));
        }
    }

    #[test]
    fn every_character_that_starts_a_formula_is_told_by_the_first() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("{c}="), format!("{c}a")] {
                if starts_formula(&text) {
                    assert!(may_start_formula(&text), "{text:?}");
                }
            }
        }
    }

    /// documents.csv's record as the writer made it before: sixteen strings, then
    /// the record.
    fn document_as_strings(doc: &DocResult, id: &str, template: Option<&str>) -> Vec<u8> {
        let fields = [
            id.to_string(),
            neutralize(&doc.source),
            doc.encoding.clone(),
            doc.form.into(),
            template.map_or(String::new(), String::from),
            neutralize(&doc.agency),
            doc.year.map_or(String::new(), |y| y.to_string()),
            doc.status.as_str().into(),
            doc.label_repairs().to_string(),
            doc.count_corrections("value").to_string(),
            doc.review.len().to_string(),
            doc.balance.verdict().into(),
            doc.balance.held.to_string(),
            doc.balance.failed.to_string(),
            doc.balance.undetermined.to_string(),
            neutralize(&doc.error),
        ];
        assert_eq!(fields.len(), DOCUMENTS.len());
        let mut out = Vec::new();
        csv_row::write_record(&mut out, &fields).unwrap();
        out
    }

    fn a_document() -> &'static DocResult {
        static D: std::sync::OnceLock<DocResult> = std::sync::OnceLock::new();
        D.get_or_init(|| {
            let dict = Dictionaries::embedded().unwrap();
            crate::document::clean_document(b"x", "d", "d.txt", &dict)
        })
    }

    #[test]
    fn words_as_push_field_writes_them() {
        let words: [&'static str; 6] = ["fuzzy", "a,b", "fuzzy", "", "say \"x\"", "value"];
        let mut memo = Word::default();
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        // Each word after each other, the same one twice in a row too.
        for a in words {
            for b in words {
                memo.push(&mut ours, a);
                memo.push(&mut ours, b);
                csv_row::push_field(&mut theirs, a.as_bytes());
                csv_row::push_field(&mut theirs, b.as_bytes());
            }
        }
        assert_eq!(ours, theirs);
    }

    proptest::proptest! {
        #[test]
        fn a_document_record_as_its_fields_as_strings(
            text in proptest::collection::vec("[a1,\"\n\t =+@\\-五（\u{3000}\u{ff1d}\u{200e}\u{85}]{0,8}|[a五]{14,30}", 5),
            year in proptest::option::of(proptest::prelude::any::<u16>()),
            counts in proptest::collection::vec(0usize..100_000, 3),
            template in proptest::option::of("[a,\"五]{0,4}"),
        ) {
            let mut doc = a_document().clone();
            doc.source = text[0].clone();
            doc.encoding = text[1].clone();
            doc.agency = text[2].clone();
            doc.error = text[3].clone();
            doc.year = year;
            doc.balance.held = counts[0];
            doc.balance.failed = counts[1];
            doc.balance.undetermined = counts[2];
            let id = neutral(&text[4]);
            let mut ours = Vec::new();
            push_document(&mut ours, &doc, &id, template.as_deref());
            proptest::prop_assert_eq!(ours, document_as_strings(&doc, &id, template.as_deref()));
        }

        #[test]
        fn any_text_field_as_neutral_then_quoted(
            text in "[a1,\"\n\t =+@\\-五（\u{3000}\u{ff1d}\u{200e}\u{85}\u{a0}]{0,12}|[a五（]{5,15}[,\"\n\u{200e}\u{85}]?[a五（]{0,15}"
        ) {
            let mut fast = b"x,".to_vec();
            push_neutral_field(&mut fast, &text);
            let mut plain = b"x,".to_vec();
            let _ = csv_row::write_fields(&mut plain, &[&*neutral(&text)]);
            proptest::prop_assert_eq!(fast, plain);
        }

        #[test]
        fn any_bytes_odd_as_told_one_by_one(
            text in proptest::collection::vec(proptest::sample::select(b"a1 ,\"\n\x00\x1f\x7f\xc2\xe2\xc3\xff-".to_vec()), 0..70),
            clean in 0usize..70,
        ) {
            let one_by_one = |t: &[u8]| t.iter().any(|&b| suspect(b) || b == b',' || b == b'"');
            // Mostly clean text with at most one odd byte left, anywhere.
            let mut few = vec![b'x'; clean];
            if let Some(&b) = text.first() {
                few.insert(text.len() % (clean + 1), b);
            }
            for t in [&text[..], &few[..]] {
                proptest::prop_assert_eq!(any_odd(t), one_by_one(t));
            }
        }

        #[test]
        fn any_score_as_display_writes_it(x in 0.0..9.0e12f64, unit in 0.0..1.0f64, bits: u64) {
            let any = f64::from_bits(bits);
            for x in [x, unit, any] {
                let mut s = Vec::new();
                if fixed3(x, &mut s) {
                    proptest::prop_assert_eq!(s, format!("{x:.3}").into_bytes());
                }
            }
        }
    }

    #[test]
    fn formulas_are_defused_but_numbers_and_labels_kept() {
        assert_eq!(neutralize("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralize("@cmd"), "'@cmd");
        assert_eq!(neutralize("+1+2"), "'+1+2");
        assert_eq!(neutralize("-185"), "-185");
        assert_eq!(neutralize("-2+3"), "'-2+3");
        assert_eq!(neutralize("4.保护第三方 △涉切关"), "4.保护第三方 △涉切关");
        assert_eq!(neutralize("a\u{7}b\nc"), "ab c");
        assert_eq!(neutralize("0\t-1\t2"), "0 -1 2");
        assert_eq!(neutralize(" =1+1"), "' =1+1");
        assert_eq!(neutralize("\u{ff1d}1+1"), "'\u{ff1d}1+1");
        assert_eq!(neutralize("\u{202e}gnp.exe"), "gnp.exe");
        assert_eq!(neutralize("\u{0}=x"), "'=x");
    }
}
