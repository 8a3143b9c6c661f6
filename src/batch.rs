//! Batch: inputs → cleaned documents, in parallel, written in input order.
//!
//! Documents are cleaned on a rayon pool in chunks; each chunk's results are written
//! in input order before the next starts, so output bytes do not depend on the
//! thread count and memory stays bounded by the chunk size. A document that panics
//! is caught and recorded as failed; the run goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::dictionary::Dictionaries;
use crate::document::clean_document;
use crate::error::RunError;
use crate::inputs::Input;
use crate::model::{DocResult, DocStatus};
use crate::output::OutputSet;

/// Documents cleaned between writes.
const CHUNK: usize = 512;

/// How to run a batch.
#[derive(Clone, Debug, Default)]
pub struct BatchOptions {
    /// Worker threads; None = one per core.
    pub jobs: Option<usize>,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Start every CSV with a UTF-8 BOM.
    pub bom: bool,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents seen.
    pub documents: usize,
    /// Documents with tables and nothing to review.
    pub ok: usize,
    /// Documents with tables and review items.
    pub flagged: usize,
    /// Documents that are not reports or have no tables.
    pub skipped: usize,
    /// Documents that could not be read.
    pub failed: usize,
    /// Tables found.
    pub tables: usize,
    /// Label repairs.
    pub label_repairs: usize,
    /// Value repairs.
    pub value_repairs: usize,
    /// Review items.
    pub flags: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl Summary {
    fn add(&mut self, d: &DocResult) {
        self.documents += 1;
        match d.status {
            DocStatus::Ok => self.ok += 1,
            DocStatus::Flagged => self.flagged += 1,
            DocStatus::NoTables | DocStatus::NotAReport | DocStatus::UnknownTemplate => {
                self.skipped += 1
            }
            DocStatus::Failed => self.failed += 1,
        }
        self.tables += d.tables.len();
        self.value_repairs += d.count_corrections("value");
        self.label_repairs += d.corrections.len() - d.count_corrections("value");
        self.flags += d.review.len();
    }
}

/// Reads and cleans one input; never panics.
pub fn process(input: &Input, dict: &Dictionaries) -> DocResult {
    let source = input.path.display().to_string();
    if let Some(why) = &input.problem {
        return DocResult::failed(&input.doc_id, &source, DocStatus::Failed, why.clone());
    }
    let bytes = match std::fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => {
            return DocResult::failed(
                &input.doc_id,
                &source,
                DocStatus::Failed,
                format!("cannot read: {e}"),
            )
        }
    };
    match catch_unwind(AssertUnwindSafe(|| {
        clean_document(&bytes, &input.doc_id, &source, dict)
    })) {
        Ok(d) => d,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            DocResult::failed(
                &input.doc_id,
                &source,
                DocStatus::Failed,
                format!("internal error while cleaning ({msg}); please report it with this file"),
            )
        }
    }
}

/// Cleans every input and writes the outputs into `out_dir`.
pub fn run_batch(
    inputs: &[Input],
    dict: &Dictionaries,
    out_dir: &Path,
    opts: &BatchOptions,
) -> Result<Summary, RunError> {
    let start = Instant::now();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = opts.jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| RunError::Input {
        what: "a thread pool".into(),
        source: std::io::Error::other(e),
    })?;
    let bar = if opts.progress {
        ProgressBar::new(inputs.len() as u64)
    } else {
        ProgressBar::with_draw_target(Some(inputs.len() as u64), ProgressDrawTarget::hidden())
    };
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} documents  {elapsed_precise} (eta {eta})",
    ) {
        bar.set_style(style);
    }
    let mut out = OutputSet::create(out_dir, opts.bom, dict)?;
    let mut summary = Summary::default();
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<DocResult> = pool.install(|| {
            chunk
                .par_iter()
                .map(|i| {
                    let d = process(i, dict);
                    bar.inc(1);
                    d
                })
                .collect()
        });
        for d in &results {
            out.write(d)?;
            summary.add(d);
        }
    }
    out.finish()?;
    bar.finish_and_clear();
    summary.elapsed = start.elapsed();
    Ok(summary)
}
