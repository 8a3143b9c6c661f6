//! Errors that stop a run (bad dictionaries, an output folder that cannot be
//! written, Ctrl-C); none leaves a half-written output. Per-document problems are not errors: they become rows in
//! documents.csv and review.csv.

use std::{fmt, io, path::PathBuf};

/// A dictionary file that cannot be used.
#[derive(Debug)]
pub struct DictionaryError {
    /// The file (or embedded name) at fault.
    pub file: String,
    /// What is wrong, phrased so that the user can fix the file.
    pub message: String,
}

impl DictionaryError {
    pub(crate) fn invalid(file: impl Into<String>, message: impl Into<String>) -> Self {
        DictionaryError {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DictionaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dictionary {}: {}", self.file, self.message)
    }
}

impl std::error::Error for DictionaryError {}

/// A run-level failure: the output cannot be written or the setup is unusable.
#[derive(Debug)]
pub enum RunError {
    /// Dictionaries failed to load.
    Dictionary(DictionaryError),
    /// Writing an output file failed.
    Output {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The run was stopped (Ctrl-C) before its outputs were complete.
    Interrupted {
        /// Documents cleaned before the stop.
        done: usize,
        /// Documents in the run.
        total: usize,
    },
    /// Writing the results of `--stream` to standard output failed.
    Stream {
        /// What the system said.
        source: io::Error,
    },
    /// Reading the list of inputs failed (for example stdin).
    Input {
        /// What was being read.
        what: String,
        /// What the system said.
        source: io::Error,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Dictionary(e) => write!(f, "{e}"),
            RunError::Output { path, source } => {
                let hint = match source.kind() {
                    io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                        "the disk is full: free some space or choose another --out"
                    }
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                        "the folder is not writable: fix its permissions or choose another --out"
                    }
                    io::ErrorKind::ResourceBusy => {
                        "wait for the other run to finish, or choose another --out"
                    }
                    io::ErrorKind::NotADirectory | io::ErrorKind::AlreadyExists => {
                        "part of that path is a file, not a folder: choose another --out"
                    }
                    _ => "check that the folder is writable and the disk has space, or choose another --out",
                };
                write!(
                    f,
                    "cannot write {}: {source} ({hint}); the previous results in the output folder, if any, are unchanged",
                    path.display()
                )
            }
            RunError::Interrupted { done, total } => write!(
                f,
                "interrupted after {done} of {total} documents; the output folder keeps its previous results, if any; run again to finish"
            ),
            RunError::Input { what, source } => write!(f, "cannot read {what}: {source}"),
            RunError::Stream { source } => write!(
                f,
                "cannot write to standard output: {source} (the reader of the output stopped; the lines written before are complete)"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl From<DictionaryError> for RunError {
    fn from(e: DictionaryError) -> Self {
        RunError::Dictionary(e)
    }
}
