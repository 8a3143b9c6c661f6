//! The `gongkai` command: parses arguments, runs the library, reports.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use gongkai::{globs, run_discovered, BatchOptions, Dictionaries, RunError};

/// Cleaning a report makes thousands of small allocations; mimalloc serves them from
/// per-thread pages at a fraction of the system allocator's cost per call (asked
/// through its plain entry points: `gongkai::allocator`).
#[global_allocator]
static ALLOC: gongkai::allocator::Mimalloc = gongkai::allocator::Mimalloc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "Clean OCR text of 政府信息公开工作年度报告 into checked CSV tables"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clean reports (files, folders, archives, or - for a list of paths on stdin) into
    /// CSVs in --out; or, with --stream, JSON lines on stdin into JSON lines on stdout.
    Clean {
        /// Files, folders or archives (.zip, .tar, .tar.gz, .tgz) to read; `-` reads a
        /// list of paths, one per line, from stdin.
        #[arg(required_unless_present = "stream", conflicts_with = "stream")]
        paths: Vec<PathBuf>,
        /// Output folder (created if missing).
        #[arg(
            short,
            long,
            required_unless_present = "stream",
            conflicts_with = "stream"
        )]
        out: Option<PathBuf>,
        /// Read JSON lines {"doc_id": …, "text": …} on stdin and write one JSON line per
        /// document (its documents.csv row, cells, corrections and review items) on
        /// stdout, in input order. No cross-year checks.
        #[arg(long)]
        stream: bool,
        /// Which files in folders and archives to read (repeatable; default: text and
        /// HTML files).
        #[arg(
            long = "glob",
            default_values = ["*.txt", "*.htm", "*.html"],
            conflicts_with = "stream"
        )]
        globs: Vec<String>,
        /// Worker threads (default: one per core). Output is identical at any count.
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Start every CSV with a UTF-8 BOM so that Excel and WPS read it as UTF-8.
        #[arg(long, conflicts_with = "stream")]
        bom: bool,
        /// No progress bar and no summary.
        #[arg(short, long)]
        quiet: bool,
        /// Read dictionaries from this folder instead of the built-in ones.
        #[arg(long)]
        dictionaries: Option<PathBuf>,
        /// Skip, unread, files (archive members, stream texts) larger than this many
        /// bytes (each gets a `failed` row saying so). Default: 16 MiB.
        #[arg(long, value_name = "BYTES")]
        max_bytes: Option<u64>,
    },
    /// Score gongkai and a naive baseline on corpus folders with ground truth
    /// (each holds *.txt and truth/documents.csv, truth/cells.csv); prints Markdown.
    Eval {
        /// Corpus folders.
        #[arg(required = true)]
        corpora: Vec<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Read dictionaries from this folder instead of the built-in ones.
        #[arg(long)]
        dictionaries: Option<PathBuf>,
        /// Exit with status 1 when gongkai's cell accuracy over all documents is below
        /// this percentage (a floor for CI).
        #[arg(long, value_name = "PERCENT")]
        min_accuracy: Option<f64>,
        /// Exit with status 1 when gongkai's silent error rate over all documents is
        /// above this percentage.
        #[arg(long, value_name = "PERCENT")]
        max_silent: Option<f64>,
        /// Also write every document's own figures to this CSV file (to find the
        /// documents that lose the most).
        #[arg(long, value_name = "FILE")]
        documents: Option<PathBuf>,
        /// Also write every truth cell to this CSV file: the truth, gongkai's value and
        /// status, which ceilings hold it, and the baseline's value.
        #[arg(long, value_name = "FILE")]
        cells: Option<PathBuf>,
    },
}

/// Floors that `gongkai eval` enforces.
struct Floors {
    min_accuracy: Option<f64>,
    max_silent: Option<f64>,
}

fn load(dictionaries: Option<PathBuf>) -> Result<Dictionaries, String> {
    match dictionaries {
        Some(dir) => Dictionaries::from_dir(&dir),
        None => Dictionaries::embedded(),
    }
    .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Clean {
            stream: true,
            jobs,
            quiet,
            dictionaries,
            max_bytes,
            ..
        } => stream(jobs, max_bytes, quiet, dictionaries),
        Command::Clean {
            paths,
            out,
            globs,
            jobs,
            bom,
            quiet,
            dictionaries,
            max_bytes,
            ..
        } => match out {
            Some(out) => clean(
                paths,
                out,
                globs,
                BatchOptions {
                    jobs,
                    progress: false,
                    bom,
                    max_bytes,
                    cancel: None,
                    members: None,
                },
                quiet,
                dictionaries,
            ),
            None => fail("--out OUT_DIR is needed (or --stream)"),
        },
        Command::Eval {
            corpora,
            jobs,
            dictionaries,
            min_accuracy,
            max_silent,
            documents,
            cells,
        } => eval(
            corpora,
            jobs,
            dictionaries,
            (documents, cells),
            Floors {
                min_accuracy,
                max_silent,
            },
        ),
    }
}

fn eval(
    corpora: Vec<PathBuf>,
    jobs: Option<usize>,
    dictionaries: Option<PathBuf>,
    (documents, cells): (Option<PathBuf>, Option<PathBuf>),
    floors: Floors,
) -> ExitCode {
    let dict = match load(dictionaries) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build();
    let report = match pool {
        Ok(pool) => {
            pool.install(|| gongkai::eval::evaluate_cells(&corpora, &dict, cells.is_some()))
        }
        Err(e) => return fail(&e.to_string()),
    };
    match report {
        Ok(r) => {
            for m in &r.missing_files {
                eprintln!("gongkai: warning: {m} is in the truth but not on disk");
            }
            print!("{}", gongkai::eval::render_markdown(&r));
            let extra = [
                (documents, gongkai::eval::render_documents_csv(&r)),
                (
                    cells,
                    format!("{}{}", gongkai::eval::render_cells_header(), r.cells),
                ),
            ];
            for (path, text) in extra {
                let Some(path) = path else { continue };
                if let Err(e) = std::fs::write(&path, text) {
                    return fail(&format!(
                        "cannot write {}: {e} (check that its folder exists and is writable)",
                        path.display()
                    ));
                }
            }
            let (ours, _) = r.totals();
            let mut ok = true;
            if let Some(min) = floors.min_accuracy.filter(|&m| ours.accuracy() < m) {
                eprintln!(
                    "gongkai: cell accuracy {:.2}% is below the floor of {min}%",
                    ours.accuracy()
                );
                ok = false;
            }
            if let Some(max) = floors.max_silent.filter(|&m| ours.silent_rate() > m) {
                eprintln!(
                    "gongkai: silent error rate {:.2}% is above the limit of {max}%",
                    ours.silent_rate()
                );
                ok = false;
            }
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => fail(&format!(
            "{e} (an eval corpus folder needs truth/documents.csv and truth/cells.csv)"
        )),
    }
}

/// Exit status after Ctrl-C, as shells report a process ended by SIGINT.
const INTERRUPTED: u8 = 130;

/// Ctrl-C asks the run to stop; a second Ctrl-C ends the process at once (the next run
/// into the same folder clears what that leaves).
fn cancel_on_ctrl_c(quiet: bool) -> Option<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = flag.clone();
    let set = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::SeqCst) {
            std::process::exit(INTERRUPTED.into());
        }
        if !quiet {
            eprintln!(
                "gongkai: stopping after the documents in progress (Ctrl-C again to quit now)"
            );
        }
    });
    // Without a handler Ctrl-C still ends the run, and the staging scheme still keeps
    // OUT_DIR whole; only the message is lost.
    set.ok().map(|_| flag)
}

fn clean(
    paths: Vec<PathBuf>,
    out: PathBuf,
    patterns: Vec<String>,
    mut opts: BatchOptions,
    quiet: bool,
    dictionaries: Option<PathBuf>,
) -> ExitCode {
    let dict = match load(dictionaries) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let matcher = match globs(&patterns) {
        Ok(m) => m,
        Err(e) => return fail(&e),
    };
    let mut roots = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            for line in std::io::stdin().lock().lines() {
                match line {
                    Ok(l) if !l.trim().is_empty() => {
                        roots.push(PathBuf::from(l.trim_end_matches(['\r', '\n'])))
                    }
                    Ok(_) => {}
                    Err(e) => return fail(&format!("cannot read the list of paths on stdin: {e}")),
                }
            }
        } else {
            roots.push(p);
        }
    }

    opts.progress = !quiet && std::io::stderr().is_terminal();
    opts.cancel = cancel_on_ctrl_c(quiet);
    match run_discovered(&roots, &matcher, &dict, &out, &opts) {
        Ok(s) => {
            if !quiet {
                eprintln!(
                    "gongkai: {} documents ({} ok, {} flagged, {} not reports or without tables, {} failed), {} tables, {} label repairs, {} value repairs, {} review items in {:.2?} → {}",
                    s.documents, s.ok, s.flagged, s.skipped, s.failed, s.tables, s.label_repairs, s.value_repairs, s.flags, s.elapsed, out.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e @ RunError::Interrupted { .. }) => {
            eprintln!("gongkai: {e}");
            ExitCode::from(INTERRUPTED)
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn stream(
    jobs: Option<usize>,
    max_bytes: Option<u64>,
    quiet: bool,
    dictionaries: Option<PathBuf>,
) -> ExitCode {
    let dict = match load(dictionaries) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let input = std::io::BufReader::new(std::io::stdin());
    let output = std::io::BufWriter::new(std::io::stdout());
    let max_bytes = max_bytes.unwrap_or(gongkai::DEFAULT_MAX_BYTES);
    match gongkai::run_stream(input, output, &dict, jobs, max_bytes) {
        Ok(s) => {
            if !quiet {
                eprintln!(
                    "gongkai: {} documents ({} failed) → stdout",
                    s.documents, s.failed
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("gongkai: error: {msg}");
    ExitCode::from(2)
}
