//! Batch: inputs → cleaned documents, in parallel, written in input order.
//!
//! Documents are cleaned on a rayon pool and written in input order as they finish
//! (`crate::ordered`), so output bytes do not depend on the thread count and memory
//! stays bounded by how far cleaning may run ahead of writing. The chunks come from
//! `crate::feed` on a thread of its own: files are found as the run goes
//! ([`crate::inputs::Discovery`]) and archives read member by member, so nothing is
//! held per document but the 16 bytes of its cross-year facts' place on disk
//! (`crate::year_store`). A document that panics
//! is caught and recorded as failed; the run goes on. A file over the size limit is
//! recorded as skipped without being read. When the caller's cancel flag is set
//! (Ctrl-C), no new document starts, the run stops with [`RunError::Interrupted`] and
//! OUT_DIR keeps its previous results.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use globset::GlobSet;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::dictionary::Dictionaries;
use crate::document::clean_document;
use crate::error::RunError;
use crate::feed::{feed, is_archive, Job, Source};
use crate::inputs::{globs, Discovery, Input, DEFAULT_GLOBS};
use crate::model::{DocResult, DocStatus};
use crate::ordered::run_ordered;
use crate::output::OutputSet;
use crate::output::STAGING;
use crate::year_store::YearStore;
use crate::years::FactIndex;

/// Documents the feed hands over at once, and the most that are cleaned but not yet
/// written.
pub(crate) const CHUNK: usize = 512;

/// The cross-year facts' file in the staging folder.
const YEAR_FACTS: &str = "year-facts";

/// Default `--max-bytes`: a report's text is well under 1 MB; a file many times that
/// is an export of something else, and cleaning it would only cost time.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// How to run a batch.
#[derive(Clone, Debug, Default)]
pub struct BatchOptions {
    /// Worker threads; None = one per core.
    pub jobs: Option<usize>,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Start every CSV with a UTF-8 BOM.
    pub bom: bool,
    /// Files larger than this are skipped unread; None = [`DEFAULT_MAX_BYTES`].
    pub max_bytes: Option<u64>,
    /// Set from elsewhere (a Ctrl-C handler) to stop the run; None = never.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Which members of archives to read; None = [`DEFAULT_GLOBS`], as in folders.
    pub members: Option<GlobSet>,
}

fn default_globs() -> GlobSet {
    let patterns: Vec<String> = DEFAULT_GLOBS.iter().map(|g| g.to_string()).collect();
    // The built-in patterns are valid; an empty set would read no member at all.
    globs(&patterns).unwrap_or_else(|_| GlobSet::empty())
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
        self.label_repairs += d.label_repairs();
        self.flags += d.review.len();
    }
}

/// Reads at most `max_bytes` + 1 bytes: the size is checked before reading, and the
/// bound holds even if the file grows meanwhile or reports no size (a device).
fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    let too_big = |n: u64| {
        format!("skipped: {n} bytes is over the --max-bytes limit of {max_bytes}; raise the limit to read it")
    };
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file (a folder, device or pipe); skipped".into());
    }
    if meta.len() > max_bytes {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads and cleans one input with the default size limit; never panics.
pub fn process(input: &Input, dict: &Dictionaries) -> DocResult {
    process_limited(input, dict, DEFAULT_MAX_BYTES)
}

/// Reads and cleans one input, skipping it unread when it is over `max_bytes`;
/// never panics.
pub fn process_limited(input: &Input, dict: &Dictionaries, max_bytes: u64) -> DocResult {
    let source = input.path.display().to_string();
    if let Some(why) = &input.problem {
        return DocResult::failed(&input.doc_id, &source, DocStatus::Failed, why.clone());
    }
    let bytes = match read_bounded(&input.path, max_bytes) {
        Ok(b) => b,
        Err(why) => return DocResult::failed(&input.doc_id, &source, DocStatus::Failed, why),
    };
    guarded(&input.doc_id, &source, || {
        clean_document(&bytes, &input.doc_id, &source, dict)
    })
}

/// Cleans one job of the feed: a file is read first; a member was read by the feed.
fn run_job(job: &Job, dict: &Dictionaries, max_bytes: u64) -> DocResult {
    match job {
        Job::File(input) => process_limited(input, dict, max_bytes),
        Job::Listed(input) => process_limited(input, dict, max_bytes),
        Job::Member(m) => match &m.bytes {
            Ok(bytes) => guarded(&m.doc_id, &m.source, || {
                clean_document(bytes, &m.doc_id, &m.source, dict)
            }),
            Err(why) => DocResult::failed(&m.doc_id, &m.source, DocStatus::Failed, why.clone()),
        },
    }
}

/// Runs `clean`, turning a panic into a failed document that names the file.
pub(crate) fn guarded(doc_id: &str, source: &str, clean: impl FnOnce() -> DocResult) -> DocResult {
    match catch_unwind(AssertUnwindSafe(clean)) {
        Ok(d) => d,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            DocResult::failed(
                doc_id,
                source,
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
    let files = inputs.iter().filter(|i| !is_archive(i)).count() as u64;
    run(
        inputs.iter().map(Source::Listed),
        files,
        dict,
        out_dir,
        opts,
    )
}

/// Cleans the documents under `roots` (as [`crate::inputs::discover`] finds them, with
/// `globs` also selecting archive members unless `opts.members` says otherwise) and
/// writes the outputs into `out_dir`. The files are found as the run goes, so memory
/// does not grow with their number.
pub fn run_discovered(
    roots: &[PathBuf],
    globs: &GlobSet,
    dict: &Dictionaries,
    out_dir: &Path,
    opts: &BatchOptions,
) -> Result<Summary, RunError> {
    // The progress bar and an interruption tell the total: a first walk keeps only the
    // count (a fraction of a second for 300,000 files; archives' members are added as
    // they are read).
    let files = Discovery::counting(roots, globs)
        .filter(|i| !is_archive(i))
        .count() as u64;
    let mut opts = opts.clone();
    opts.members.get_or_insert_with(|| globs.clone());
    let found = Discovery::new(roots, globs).map(Source::Found);
    run(found, files, dict, out_dir, &opts)
}

/// Runs a batch over `inputs`; `files` is the count of its documents that are not in
/// archives, for the progress bar (members are added as they are read).
fn run<'a>(
    inputs: impl Iterator<Item = Source<'a>> + Send,
    files: u64,
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
        ProgressBar::new(files)
    } else {
        ProgressBar::with_draw_target(Some(files), ProgressDrawTarget::hidden())
    };
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} documents  {elapsed_precise} (eta {eta})",
    ) {
        bar.set_style(style);
    }
    let max_bytes = opts.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    let members = match &opts.members {
        Some(g) => g.clone(),
        None => default_globs(),
    };
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::SeqCst))
    };
    let mut out = OutputSet::create(out_dir, opts.bom, dict)?;
    let mut summary = Summary::default();
    // The few cells each document lends the cross-year checks, kept on disk (with the
    // other staged files) so that memory does not grow with the archive.
    let mut year_facts = YearStore::create(&out_dir.join(STAGING).join(YEAR_FACTS))?;
    let fact_index = FactIndex::new(dict);
    // Archives are read front to back on a thread of their own, a chunk ahead of the
    // cleaning; the channel holds one chunk, so memory stays bounded.
    std::thread::scope(|scope| -> Result<(), RunError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Job>>(1);
        let feeder_bar = bar.clone();
        let members = &members;
        scope.spawn(move || {
            feed(
                inputs,
                members,
                max_bytes,
                CHUNK,
                &|| cancelled(),
                &|| feeder_bar.inc_length(1),
                &mut |c| tx.send(c).is_ok(),
            )
        });
        let mut chunk = Vec::new().into_iter();
        // Dropping the receiver when the run ends early stops the feed.
        let next_job = move || loop {
            if let Some(job) = chunk.next() {
                return Some(job);
            }
            chunk = rx.recv().ok()?.into_iter();
        };
        let clean = |job: Job| {
            let d = run_job(&job, dict, max_bytes);
            bar.inc(1);
            d
        };
        // Documents are written in input order by whichever worker finishes the next
        // one, so writing needs no thread of its own and no worker waits for a chunk's
        // slowest document.
        let write = |d: DocResult| -> Result<(), RunError> {
            out.write(&d)?;
            summary.add(&d);
            if let Some(f) = fact_index.cells(&d, dict) {
                year_facts.add_cells(&f)?;
            }
            Ok(())
        };
        run_ordered(&pool, CHUNK, next_job, clean, write, cancelled)
    })?;
    if cancelled() {
        // Dropping `out` removes the partial files; OUT_DIR is untouched.
        bar.finish_and_clear();
        return Err(RunError::Interrupted {
            done: summary.documents,
            total: bar.length().unwrap_or(0) as usize,
        });
    }
    // Across the archive: consecutive years of one agency (warnings only).
    year_facts.warnings(&dict.links, &mut |doc_id, item| {
        summary.flags += 1;
        out.write_review(doc_id, item)
    })?;
    out.finish()?;
    bar.finish_and_clear();
    summary.elapsed = start.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_cleaning_becomes_a_failed_document() {
        let d = guarded("bad", "bad.txt", || panic!("index out of bounds"));
        assert_eq!((d.doc_id.as_str(), d.status), ("bad", DocStatus::Failed));
        assert!(
            d.error.contains("index out of bounds") && d.error.contains("report it"),
            "{}",
            d.error
        );
        let ok = guarded("good", "good.txt", || {
            DocResult::failed("good", "good.txt", DocStatus::Ok, "")
        });
        assert_eq!(ok.status, DocStatus::Ok);
    }
}
