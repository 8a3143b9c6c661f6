//! gongkai: clean OCR text of Chinese government information-disclosure annual
//! reports (政府信息公开工作年度报告) into canonical, checked tables.
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! bytes ─decode─▶ text ─normalize─▶ lines ─sections─▶ table regions
//!   ─candidates─▶ segments + value groups ─align─▶ rows ─values─▶ cells
//!   ─reconcile─▶ checked cells ─output─▶ CSV records
//! ```
//!
//! [`clean_document`] runs the pipeline on one document; [`run_batch`] runs it over
//! many in parallel (files, folders and archives) and writes the CSVs; [`run_stream`]
//! runs it over JSON lines and writes JSON lines, for distributed engines. The templates and every word the cleaner
//! looks for live in `dictionaries/` ([`Dictionaries`]).

#![deny(missing_docs)]

pub mod align;
pub mod allocator;
pub mod archive;
pub mod baseline;
pub mod batch;
pub mod candidates;
pub mod ceiling;
mod cell_records;
pub mod cell_text;
mod cell_tokens;
pub mod csv_row;
pub mod decode;
pub mod detect;
pub mod dictionary;
pub mod document;
pub mod error;
pub mod eval;
pub mod feed;
pub mod flattened;
pub mod fuzzing;
pub mod html;
pub mod infer;
pub mod inputs;
pub mod joint;
pub mod lexicon;
pub mod model;
pub mod myers;
pub mod normalize;
pub mod numbers;
pub mod ordered;
pub mod ordinal;
pub mod output;
pub mod pin;
pub mod placement;
pub mod reconcile;
pub mod ruled;
pub mod sections;
pub mod shared_columns;
pub mod similarity;
pub mod soft_checks;
pub mod solve;
pub mod split;
pub mod stream;
pub mod table;
pub mod trust;
pub mod values;

pub mod writeback;
pub mod year_store;
pub mod years;

pub use batch::{
    process, process_limited, run_batch, run_discovered, BatchOptions, Summary, DEFAULT_MAX_BYTES,
};
pub use dictionary::Dictionaries;
pub use document::clean_document;
pub use error::{DictionaryError, RunError};
pub use inputs::{discover, globs, Discovery, Input, DEFAULT_GLOBS};
pub use model::{Cell, CellStatus, DocResult, DocStatus};
pub use stream::{run_stream, StreamSummary};
