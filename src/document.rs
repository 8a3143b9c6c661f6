//! One document end to end: bytes → [`DocResult`].
//!
//! Decodes, normalises the lines, reads the title, detects the template version,
//! finds the sections, reads each table, checks its identities and withholds what a
//! badly read document leaves unchecked. Every problem is
//! recorded in the result; nothing here returns an error or panics on input.

use crate::decode::{decode, DecodeError};
use crate::detect::detect_template;
use crate::dictionary::{Dictionaries, Table};
use crate::flattened::{is_flattened, unflatten, Breaks};
use crate::html::{is_html, to_lines as html_lines};
use crate::infer::infer_from_identities_in;
use crate::joint::place_jointly_in;
use crate::lexicon::Lexicon;
use crate::model::{Balance, Correction, DocResult, DocStatus, ReviewItem, RowPresence};
use crate::normalize::{key_into, lines_and_key_into, normalize_line};
use crate::placement::{
    give_unconfirmed_from, infer_unconfirmed_if, place_by_table_noting, take_unique_cuts,
    zero_blanks, Readings,
};
use crate::reconcile::{
    check_identities_in, drop_misread_row_in, every_identity_held, identities_hold,
    repair_then_drop_row_in,
};
use crate::sections::{find_sections, find_title, region};
use crate::shared_columns::place_shared_columns;
use crate::soft_checks::check_soft;
use crate::solve::System;
use crate::table::{read_table, TableRead};
use crate::trust::unconfirm_unchecked;

/// Without a title, a text needs this many template rows to count as a report.
const MIN_ROWS_WITHOUT_TITLE: usize = 5;
/// A report without any known table but with this many lines that end in a number
/// prints a table of some other layout.
const MIN_NUMBER_LINES_FOR_A_TABLE: usize = 10;

/// More lines than any annual report has (they have a few thousand at most). Memory
/// per document grows by about 1 kB a line, so a file of millions of short lines is
/// refused instead of taking gigabytes.
pub const MAX_LINES: usize = 200_000;

/// Lines split at `\n`, `\r\n` and a lone `\r`: old Mac exports end lines with `\r`
/// only, and read as one huge line they would lose every table.
///
/// The same pieces as `text.lines().flat_map(|l| l.split('\r'))`, found by one
/// vectorised search for either byte instead of two searches per line.
pub(crate) fn split_lines(text: &str) -> SplitLines<'_> {
    SplitLines {
        rest: text,
        open: false,
    }
}

/// How many pieces [`split_lines`] gives, counted on the bytes: every `\n` and every
/// `\r` not followed by `\n` ends a piece, one more piece follows the last unless the
/// text ends with `\n`. One vectorised count, where walking the pieces searched once
/// a line (a search costs about seventy instructions however short the line).
pub(crate) fn count_lines(text: &str) -> usize {
    let b = text.as_bytes();
    let Some(&last) = b.last() else {
        return 0;
    };
    let newlines = crate::decode::count_bytes(b, |x| x == b'\n');
    let lone_cr = memchr::memchr_iter(b'\r', b)
        .filter(|&i| b.get(i + 1) != Some(&b'\n'))
        .count();
    newlines + lone_cr + 1 - usize::from(last == b'\n')
}

/// The line break at byte `p` of `bytes` (a `\n` or `\r` there): how many bytes it
/// takes (`\r\n` two), and whether it is a lone `\r`, after which a piece follows
/// even at the text's end (as `split('\r')` gives an empty last piece).
pub(crate) fn line_break(bytes: &[u8], p: usize) -> (usize, bool) {
    match (bytes.get(p), bytes.get(p + 1)) {
        (Some(b'\r'), Some(b'\n')) => (2, false),
        (Some(b'\r'), _) => (1, true),
        _ => (1, false),
    }
}

/// The iterator of [`split_lines`].
pub(crate) struct SplitLines<'a> {
    rest: &'a str,
    /// A lone `\r` ended the last piece: the line goes on, so a piece follows even
    /// when nothing is left (as `split('\r')` gives an empty last piece).
    open: bool,
}

impl<'a> Iterator for SplitLines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return std::mem::take(&mut self.open).then_some("");
        }
        let bytes = self.rest.as_bytes();
        let Some(p) = memchr::memchr2(b'\n', b'\r', bytes) else {
            self.open = false;
            return Some(std::mem::take(&mut self.rest));
        };
        // Both ends are ASCII bytes, so character boundaries.
        let piece = self.rest.get(..p).unwrap_or_default();
        let (skip, open) = line_break(bytes, p);
        self.rest = self.rest.get(p + skip..).unwrap_or_default();
        self.open = open;
        Some(piece)
    }
}

/// Why a report whose title was found but none of whose tables were is of another
/// template, or None when its tables are simply absent (images, cut off). Conservative:
/// only a year that no known template covers, or a table of numbers with no known
/// distinctive label in the whole text, counts.
fn unknown_template(
    lines: &[&str],
    year: Option<u16>,
    evidence: usize,
    dict: &Dictionaries,
) -> Option<String> {
    let known = || {
        dict.templates
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(y) = year.filter(|&y| !dict.templates.iter().any(|t| t.covers_year(y))) {
        return Some(format!(
            "a {y} report, a year that none of the known templates ({}) covers; add its template to the dictionaries to read it",
            known()
        ));
    }
    let number_lines = lines
        .iter()
        .filter(|l| l.trim_end().ends_with(|c: char| c.is_ascii_digit()))
        .count();
    (evidence == 0 && number_lines >= MIN_NUMBER_LINES_FOR_A_TABLE).then(|| {
        format!(
            "a report with {number_lines} lines of numbers but no row of the known templates ({}); add its template to the dictionaries to read it",
            known()
        )
    })
}

/// Rounds of placing short runs and inferring from the identities, at most.
pub const MAX_ROUNDS: usize = 3;

/// Reconciles one table as read: blanks the source writes for 0 (HTML), runs its
/// row cuts one way (crawler dumps), repairs,
/// short runs placed by the table (one at a time, then together), inference, checks.
/// Review items that a later step made moot (a short or empty row now complete) are
/// dropped. Public so that tests can run the same steps on tables they corrupt.
pub fn reconcile_table(
    read: &mut TableRead,
    table: &Table,
    lex: &Lexicon,
    form: &str,
) -> (Balance, Vec<ReviewItem>) {
    if form == "html" {
        read.corrections
            .extend(zero_blanks(&mut read.result, table));
    }
    let mut placed = Vec::new();
    if form == "flattened" {
        let (log, taken) = take_unique_cuts(&mut read.result, &read.short);
        read.corrections.extend(log);
        placed.extend(taken);
    }
    // The identity instances depend only on which rows the report leaves out, which
    // none of the steps below changes: they are formed once for all of them.
    let sys = System::new(table, &read.result);
    // A table whose identities all hold as read (most) has no misread to explain.
    let held = identities_hold(&read.result, &sys);
    if !held {
        let (log, dropped) = repair_then_drop_row_in(&mut read.result, &sys, lex);
        read.corrections.extend(log);
        note_dropped_row(read, table, dropped);
    }
    // Cells the identities fill can settle short runs that were open before, and
    // what those runs then give can fill more: a few rounds reach the fixed point.
    let mut noted = Readings::default();
    for _ in 0..MAX_ROUNDS {
        let (log, by_table) =
            place_by_table_noting(&mut read.result, &sys, &read.short, &mut noted);
        placed.extend(by_table);
        read.corrections.extend(log);
        let (log, jointly) = place_jointly_in(&mut read.result, &sys, &read.short);
        placed.extend(jointly);
        read.corrections.extend(log);
        // Placement and inference only fill unknown cells: where every identity cell
        // was known and held as read, they still are and still do, with their values
        // as read, and inference has nothing to fill.
        let inferred = if held {
            Vec::new()
        } else {
            infer_from_identities_in(&mut read.result, table, &sys.instances)
        };
        let more = !inferred.is_empty();
        read.corrections.extend(inferred);
        if !more {
            break;
        }
    }
    drop_moot_review(read, table, &placed);
    let checked = if held {
        every_identity_held(&sys.instances)
    } else {
        check_identities_in(&mut read.result, table, &sys.instances, lex)
    };
    let (log, shared) = place_shared_columns(&mut read.result, &sys, &read.short);
    // A table as read has no unconfirmed cell: only the shared columns and the runs
    // given below make them, so what they did tells whether there is any.
    let mut unconfirmed = !log.is_empty();
    read.corrections.extend(log);
    let shared: Vec<(usize, String, usize)> = shared
        .into_iter()
        .map(|run| (run.row, run.raw.clone(), run.line))
        .collect();
    note_shared_columns(read, table, &shared);
    let (given, gave) = give_unconfirmed_from(&mut read.result, &sys, &read.short, &mut noted);
    unconfirmed |= gave;
    let given: Vec<(usize, String, usize)> = given
        .into_iter()
        .map(|run| (run.row, run.raw.clone(), run.line))
        .collect();
    note_unconfirmed_runs(read, table, &given);
    let log = infer_unconfirmed_if(&mut read.result, &sys, unconfirmed);
    read.corrections.extend(log);
    check_soft(&mut read.result, table, &mut read.review);
    checked
}

/// Drops a row whose read values OCR garbled as a whole ([`drop_misread_row_in`]),
/// with its correction and a review item.
pub fn drop_misread_row(read: &mut TableRead, table: &Table, sys: &System, lex: &Lexicon) {
    let dropped = drop_misread_row_in(&mut read.result, sys, lex);
    note_dropped_row(read, table, dropped);
}

/// The correction and review item of a row dropped by [`drop_misread_row_in`] (the
/// row and its values as read), if one was.
fn note_dropped_row(read: &mut TableRead, table: &Table, dropped: Option<(usize, String)>) {
    let Some((r, values)) = dropped else {
        return;
    };
    let line = read.result.cells[r]
        .iter()
        .find_map(|c| c.line)
        .unwrap_or(0);
    read.corrections.push(Correction {
        line,
        kind: "row_values",
        before: values.clone(),
        after: vec!["?"; read.result.cells[r].len()].join(" "),
        score: 0.9,
        method: "identities",
    });
    read.review.push(ReviewItem {
        table: table.id.clone(),
        row_label: table.rows[r].path.clone(),
        column_label: String::new(),
        problem: "misread_row",
        detail: format!("read as {values}, against identities that every other row satisfies with each differing value one misread digit off (or a table rule read as 1 where a 0 was lost); its values are left to the identities"),
    });
}

/// Replaces the review items that say a run was left missing (`short_row`,
/// `long_row`, `ambiguous_split`) with `unconfirmed_value` for the runs `given` (row,
/// run as read, line), each with the `detail` for its run.
fn note_given_runs(
    read: &mut TableRead,
    table: &Table,
    given: &[(usize, String, usize)],
    detail: impl Fn(&str, usize) -> String,
) {
    for (r, raw, line) in given {
        let path = &table.rows[*r].path;
        read.review.retain(|x| {
            &x.row_label != path
                || !matches!(x.problem, "short_row" | "long_row" | "ambiguous_split")
        });
        read.review.push(ReviewItem {
            table: table.id.clone(),
            row_label: path.clone(),
            column_label: String::new(),
            problem: "unconfirmed_value",
            detail: detail(raw, *line),
        });
    }
}

/// [`note_given_runs`] for the runs whose values [`give_unconfirmed`] gave.
pub fn note_unconfirmed_runs(
    read: &mut TableRead,
    table: &Table,
    given: &[(usize, String, usize)],
) {
    note_given_runs(read, table, given, |raw, line| {
        format!("read {raw:?} on line {line}, which lost cells or garbled some into glyphs: every placement of its numbers the table's identities allow puts them in the same cells, but no identity checks them; given as unconfirmed, check them on the scan")
    });
}

/// [`note_given_runs`] for the runs that [`place_shared_columns`] placed as if they
/// kept the same columns.
pub fn note_shared_columns(read: &mut TableRead, table: &Table, given: &[(usize, String, usize)]) {
    let n = given.len();
    note_given_runs(read, table, given, |raw, line| {
        format!("read {raw:?} on line {line}, one of {n} rows of this table that read as many values, fewer than their columns: placed as if all lost the same columns (a scan whose faint columns OCR missed), in the cells every such placement the identities allow agrees on; that they did is not shown by the report, so given as unconfirmed, check them on the scan")
    });
}

/// Drops the review items of rows a later step completed: a short or empty row that
/// was `placed`, or whose cells are all known now.
pub fn drop_moot_review(read: &mut TableRead, table: &Table, placed: &[usize]) {
    let result = &read.result;
    read.review.retain(|x| {
        let moot = |r: usize| {
            table.rows[r].path == x.row_label
                && (placed.contains(&r) || result.cells[r].iter().all(|c| c.value.is_some()))
        };
        !matches!(
            x.problem,
            "short_row" | "long_row" | "no_values" | "ambiguous_split"
        ) || !(0..table.rows.len()).any(moot)
    });
}

/// Cleans one document. `doc_id` names it in the outputs; `source` is its path as given.
pub fn clean_document(bytes: &[u8], doc_id: &str, source: &str, dict: &Dictionaries) -> DocResult {
    let decoded = match decode(bytes) {
        Ok(d) => d,
        // An empty file is readable and simply holds no report.
        Err(e @ DecodeError::Empty) => {
            return DocResult::failed(doc_id, source, DocStatus::NotAReport, e.to_string());
        }
        Err(e @ DecodeError::Binary(_)) => {
            return DocResult::failed(doc_id, source, DocStatus::Failed, e.to_string());
        }
    };
    let lex = &dict.lexicon;
    let n_lines = count_lines(&decoded.text);
    if n_lines > MAX_LINES {
        let why = format!("skipped: {n_lines} lines is more than the {MAX_LINES} that one document may have (an annual report has a few thousand); check what the file is, or split it");
        let mut failed = DocResult::failed(doc_id, source, DocStatus::Failed, why);
        failed.encoding = decoded.encoding.to_string();
        return failed;
    }
    // The match key of the whole document, used to detect the template. A key keeps
    // at most a line's bytes (spaces and marks drop out; a character that
    // normalisation widens is rare), so the text's length is room enough for nearly
    // every report, where growing the key copied it about nine times.
    let mut doc_key = Vec::with_capacity(decoded.text.len());
    // Lines are normalised (and keyed) as they are split: a copy of each raw line is
    // not needed. A text's lines are slices of the decoded text or of `made`; the
    // other forms' lines are owned by `owned`.
    let mut made = String::new();
    let mut owned: Vec<String> = Vec::new();
    let mut form = "text";
    let mut lines: Vec<&str> = Vec::new();
    if is_html(&decoded.text) {
        owned = html_lines(&decoded.text)
            .iter()
            .map(|l| normalize_line(l))
            .collect();
        form = "html";
    } else {
        // The lines were counted above: the vector is made at its size once
        // instead of growing (and copying) about a dozen times a report.
        lines.reserve_exact(n_lines);
        lines_and_key_into(&decoded.text, lex, &mut made, &mut lines, &mut doc_key);
        if is_flattened(&lines, || dict.row_keys(), lex) {
            let breaks = Breaks::of(dict);
            owned = unflatten(&lines, lex, &breaks);
            form = "flattened";
            // The key is of the lines the stages read: the unflattened ones.
            doc_key.clear();
        }
    }
    if form != "text" {
        lines = owned.iter().map(String::as_str).collect();
        let mut key = String::new();
        lines.iter().for_each(|l| key_into(l, lex, &mut key));
        doc_key.extend_from_slice(key.as_bytes());
    }
    let title = find_title(&lines, lex);
    let detection = detect_template(&doc_key, title.year, dict);
    let template = &dict.templates[detection.template];
    let headings = find_sections(&lines, template, lex, &dict.glyphs);

    let mut doc = DocResult::failed(doc_id, source, DocStatus::Ok, "");
    doc.encoding = decoded.encoding.to_string();
    doc.form = form;
    doc.agency = title.agency.clone();
    doc.year = title.year;
    doc.template = Some(detection.template);
    let mut missing_tables = Vec::new();
    for (ti, table) in template.tables.iter().enumerate() {
        let range = region(&headings, table.section, lines.len());
        match read_table(&lines, range, template, ti, dict) {
            Some(mut read) => {
                let (balance, identity_review) = reconcile_table(&mut read, table, lex, form);
                doc.balance.add(balance);
                doc.corrections.append(&mut read.corrections);
                doc.review.append(&mut read.review);
                doc.review.extend(identity_review);
                doc.tables.push(read.result);
            }
            None => missing_tables.push(table.id.clone()),
        }
    }
    // Misread digits the identities caught: a repaired cell, or a row's values dropped.
    let misreads = doc
        .corrections
        .iter()
        .filter(|c| c.method == "identities" && matches!(c.kind, "value" | "row_values"))
        .count();
    unconfirm_unchecked(
        &mut doc.tables,
        template,
        &doc.balance,
        misreads,
        &mut doc.review,
    );
    let rows_found: usize = doc
        .tables
        .iter()
        .map(|t| t.rows.iter().filter(|&&p| p == RowPresence::Found).count())
        .sum();
    if title.line.is_none() && rows_found < MIN_ROWS_WITHOUT_TITLE {
        let why = format!("no report title and only {rows_found} table rows recognised; not an information-disclosure annual report");
        let mut failed = DocResult::failed(doc_id, source, DocStatus::NotAReport, why);
        failed.encoding = doc.encoding;
        failed.form = doc.form;
        return failed;
    }
    if doc.tables.is_empty() {
        if let Some(why) = unknown_template(&lines, title.year, detection.evidence, dict) {
            let mut other = DocResult::failed(doc_id, source, DocStatus::UnknownTemplate, why);
            other.encoding = doc.encoding;
            other.agency = doc.agency;
            other.year = doc.year;
            return other;
        }
        doc.status = DocStatus::NoTables;
        doc.error = "the report's title was found but none of its tables; if the tables are images, OCR them first".into();
        doc.template = None;
        return doc;
    }
    doc.balance.missing_tables = missing_tables.len();
    for id in missing_tables {
        doc.review.push(ReviewItem {
            table: id,
            row_label: String::new(),
            column_label: String::new(),
            problem: "table_not_found",
            detail: "no row of this table was recognised in the report".into(),
        });
    }
    if detection.method == "default" {
        doc.review.push(ReviewItem {
            table: String::new(),
            row_label: String::new(),
            column_label: String::new(),
            problem: "template_uncertain",
            detail: format!(
                "neither the content nor the year tells the template version; {} was assumed",
                template.id
            ),
        });
    }
    doc.status = if doc.review.is_empty() {
        DocStatus::Ok
    } else {
        DocStatus::Flagged
    };
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_lines_gives_the_pieces_of_lines_then_split_at_cr_and_count_lines_counts_them() {
        // Every text of up to eight characters from a, \r and \n.
        let alphabet = ['a', '\r', '\n'];
        for len in 0..=8u32 {
            for mut n in 0..3usize.pow(len) {
                let mut text = String::new();
                for _ in 0..len {
                    text.push(alphabet[n % 3]);
                    n /= 3;
                }
                let ours: Vec<&str> = split_lines(&text).collect();
                let std: Vec<&str> = text.lines().flat_map(|l| l.split('\r')).collect();
                assert_eq!(ours, std, "{text:?}");
                assert_eq!(count_lines(&text), std.len(), "{text:?}");
            }
        }
    }
}
