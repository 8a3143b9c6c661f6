//! The result of cleaning one document: cells by template position, the
//! correction log and the review list. Output writers turn these into CSV rows.

use crate::cell_text::CellText;
use crate::numbers::Num;

/// How far a cell's value can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CellStatus {
    /// Read as printed.
    Ok,
    /// Read after an OCR repair (logged in corrections.csv).
    Repaired,
    /// Not read but determined by the template's identities.
    Inferred,
    /// Unknown: blank, unreadable, or its position could not be told.
    Missing,
    /// Read, but the identities say some value involved is wrong.
    Conflict,
    /// Read on a line OCR damaged (some of its cells came out as glyphs), and no
    /// identity checks it: the value as printed there, for a person to confirm. It
    /// takes no part in the identities, so no other cell rests on it.
    Unconfirmed,
}

impl CellStatus {
    /// Every status, in the order of their discriminants.
    pub const ALL: [CellStatus; 6] = [
        CellStatus::Ok,
        CellStatus::Repaired,
        CellStatus::Inferred,
        CellStatus::Missing,
        CellStatus::Conflict,
        CellStatus::Unconfirmed,
    ];

    /// The word written to cells.csv.
    pub const fn as_str(self) -> &'static str {
        match self {
            CellStatus::Ok => "ok",
            CellStatus::Repaired => "repaired",
            CellStatus::Inferred => "inferred",
            CellStatus::Missing => "missing",
            CellStatus::Conflict => "conflict",
            CellStatus::Unconfirmed => "unconfirmed",
        }
    }
}

/// One numeric cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Its value, if known.
    pub value: Option<Num>,
    /// How sure.
    pub status: CellStatus,
    /// 1-based line of the text it came from.
    pub line: Option<usize>,
    /// The OCR text it came from.
    pub raw: CellText,
}

impl Cell {
    /// A cell with nothing read.
    pub fn missing() -> Cell {
        Cell {
            value: None,
            status: CellStatus::Missing,
            line: None,
            raw: CellText::new(),
        }
    }
}

/// Whether a template row is in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowPresence {
    /// Its label was found.
    Found,
    /// Expected but not found: its cells are written as missing.
    NotFound,
    /// Not part of this report's shape (an optional row, or sub-rows printed as one
    /// total row): no cells are written.
    Omitted,
}

/// One table of a document, by template position.
#[derive(Clone, Debug)]
pub struct TableResult {
    /// Index of the table in its template.
    pub table: usize,
    /// Per template row: whether it was found.
    pub rows: Vec<RowPresence>,
    /// Per template row, per column of the row's block: the cell.
    pub cells: Vec<Vec<Cell>>,
}

/// A change the cleaner made to what the OCR text said.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// 1-based line.
    pub line: usize,
    /// `row_label`, `column_label` or `value`.
    pub kind: &'static str,
    /// The OCR text.
    pub before: String,
    /// What it became.
    pub after: String,
    /// Confidence in [0, 1].
    pub score: f64,
    /// How it was decided (`fuzzy`, `variant`, `ordinal_and_order`, `ocr_digit` …).
    pub method: &'static str,
}

/// Something a person must look at.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewItem {
    /// Table id, or empty for the whole document.
    pub table: String,
    /// Canonical row label path, or empty.
    pub row_label: String,
    /// Canonical column label path, or empty.
    pub column_label: String,
    /// A short code: `row_not_found`, `identity_failed`, …
    pub problem: &'static str,
    /// What was seen, in words.
    pub detail: String,
}

/// The outcome of a document as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocStatus {
    /// Tables found, nothing to review.
    Ok,
    /// Tables found, with items in review.csv.
    Flagged,
    /// A report without recognisable tables.
    NoTables,
    /// Not a report of this kind (a news article, an empty file …).
    NotAReport,
    /// A report, but not one of the known template versions: nothing is forced into
    /// a table.
    UnknownTemplate,
    /// Could not be read at all (see `error`).
    Failed,
}

impl DocStatus {
    /// The word written to documents.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Flagged => "flagged",
            DocStatus::NoTables => "no_tables",
            DocStatus::NotAReport => "not_a_report",
            DocStatus::UnknownTemplate => "unknown_template",
            DocStatus::Failed => "failed",
        }
    }
}

/// Everything gongkai learned from one document.
#[derive(Clone, Debug)]
pub struct DocResult {
    /// The source path relative to its input root, without extension.
    pub doc_id: String,
    /// The source path as given.
    pub source: String,
    /// The detected text encoding.
    pub encoding: String,
    /// The text form: `text` (lines, as OCR or a PDF text layer give them), `html`,
    /// or `flattened` (a crawler dump: tables flattened onto long lines).
    pub form: &'static str,
    /// Index of the detected template version.
    pub template: Option<usize>,
    /// The issuing agency, from the title.
    pub agency: String,
    /// The report year, from the title.
    pub year: Option<u16>,
    /// Overall outcome.
    pub status: DocStatus,
    /// Why it failed or is not a report.
    pub error: String,
    /// Tables found, in template order.
    pub tables: Vec<TableResult>,
    /// Every change made.
    pub corrections: Vec<Correction>,
    /// What a person must check.
    pub review: Vec<ReviewItem>,
    /// The identity checks over all tables after reconciliation.
    pub balance: Balance,
}

/// The outcome of checking a table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    /// Identity instances that hold.
    pub held: usize,
    /// Identity instances that fail.
    pub failed: usize,
    /// Identity instances with an unknown cell.
    pub undetermined: usize,
    /// Tables of the template not found in the report (their identities go unchecked).
    pub missing_tables: usize,
}

impl Balance {
    /// Adds another table's counts.
    pub fn add(&mut self, o: Balance) {
        self.held += o.held;
        self.failed += o.failed;
        self.undetermined += o.undetermined;
        self.missing_tables += o.missing_tables;
    }

    /// `balanced` (every identity holds), `unbalanced` (one fails) or `incomplete`
    /// (none fails, but unknown cells or a table not found leave some unchecked);
    /// empty without tables.
    pub fn verdict(&self) -> &'static str {
        if self.failed > 0 {
            "unbalanced"
        } else if self.undetermined > 0 || self.missing_tables > 0 {
            "incomplete"
        } else if self.held > 0 {
            "balanced"
        } else {
            ""
        }
    }
}

impl DocResult {
    /// A document that produced nothing, with the reason.
    pub fn failed(
        doc_id: &str,
        source: &str,
        status: DocStatus,
        error: impl Into<String>,
    ) -> DocResult {
        DocResult {
            doc_id: doc_id.to_string(),
            source: source.to_string(),
            encoding: String::new(),
            form: "",
            template: None,
            agency: String::new(),
            year: None,
            status,
            error: error.into(),
            tables: Vec::new(),
            corrections: Vec::new(),
            review: Vec::new(),
            balance: Balance::default(),
        }
    }

    /// Number of corrections of one kind.
    pub fn count_corrections(&self, kind: &str) -> usize {
        self.corrections.iter().filter(|c| c.kind == kind).count()
    }

    /// Repairs of row, column, group and header labels (the `label_repairs` column).
    pub fn label_repairs(&self) -> usize {
        self.corrections
            .iter()
            .filter(|c| c.kind.ends_with("_label"))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::Balance;

    #[test]
    fn a_report_balances_only_when_every_identity_of_every_table_was_checked() {
        let b = |held, failed, undetermined, missing_tables| Balance {
            held,
            failed,
            undetermined,
            missing_tables,
        };
        assert_eq!(b(40, 0, 0, 0).verdict(), "balanced");
        assert_eq!(b(39, 1, 3, 0).verdict(), "unbalanced");
        assert_eq!(b(30, 0, 10, 0).verdict(), "incomplete");
        assert_eq!(b(30, 0, 0, 1).verdict(), "incomplete");
        assert_eq!(b(0, 0, 0, 0).verdict(), "");
    }
}
