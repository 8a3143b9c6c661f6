//! Feed: the inputs of a batch → chunks of jobs, in input order, with every archive
//! opened into its members.
//!
//! Takes the discovered inputs, the globs that select archive members and the
//! per-document size limit; gives chunks of at most `chunk` jobs. A file is passed on
//! unread (a worker reads it); an archive is read here, one member after another, so
//! that its bytes arrive in order, and a chunk is closed early once its members hold
//! [`CHUNK_BYTES`]: the memory a chunk takes stays bounded however the archive is made.

use globset::GlobSet;

use crate::archive::{self, Member};
use crate::inputs::Input;

/// Member bytes in one chunk before it is closed (a chunk of ordinary reports holds a
/// few MB; this bounds one of very large members).
pub const CHUNK_BYTES: usize = 32 * 1024 * 1024;

/// One document to clean.
#[derive(Debug)]
pub enum Job<'a> {
    /// A file, read by the worker that cleans it.
    File(Input),
    /// A file of the caller's list.
    Listed(&'a Input),
    /// An archive member, already read (or the reason it could not be).
    Member(Member),
}

impl Job<'_> {
    fn bytes(&self) -> usize {
        match self {
            Job::File(_) | Job::Listed(_) => 0,
            Job::Member(m) => m.bytes.as_ref().map_or(0, Vec::len),
        }
    }
}

/// An input, owned (found as the run goes) or the caller's.
pub enum Source<'a> {
    /// Found by the run ([`crate::inputs::Discovery`]).
    Found(Input),
    /// Listed by the caller.
    Listed(&'a Input),
}

impl<'a> Source<'a> {
    fn input(&self) -> &Input {
        match self {
            Source::Found(i) => i,
            Source::Listed(i) => i,
        }
    }

    fn into_job(self) -> Job<'a> {
        match self {
            Source::Found(i) => Job::File(i),
            Source::Listed(i) => Job::Listed(i),
        }
    }
}

/// Whether an input is an archive whose members are the documents.
pub fn is_archive(input: &Input) -> bool {
    input.problem.is_none() && archive::kind_of(&input.path).is_some()
}

/// Sends every job of `inputs` in order, in chunks, until `send` returns false (the
/// receiver has stopped) or `stop` returns true. `seen` is called once per member
/// read out of an archive, for the progress count (files are counted beforehand).
pub fn feed<'a>(
    inputs: impl Iterator<Item = Source<'a>>,
    members: &GlobSet,
    max_bytes: u64,
    chunk: usize,
    stop: &dyn Fn() -> bool,
    seen: &dyn Fn(),
    send: &mut dyn FnMut(Vec<Job<'a>>) -> bool,
) {
    let chunk = chunk.max(1);
    let mut jobs: Vec<Job<'a>> = Vec::with_capacity(chunk);
    let mut bytes = 0;
    // Adds one job, sending the chunk when it is full; false to stop.
    let mut push = |job: Job<'a>, jobs: &mut Vec<Job<'a>>| -> bool {
        bytes += job.bytes();
        jobs.push(job);
        if jobs.len() >= chunk || bytes >= CHUNK_BYTES {
            bytes = 0;
            let full = std::mem::replace(jobs, Vec::with_capacity(chunk));
            return !stop() && send(full);
        }
        true
    };
    for source in inputs {
        let input = source.input();
        let go_on = match archive::kind_of(&input.path).filter(|_| is_archive(input)) {
            None => push(source.into_job(), &mut jobs),
            Some(kind) => {
                let mut go_on = true;
                archive::read_members(
                    &input.path,
                    kind,
                    &input.doc_id,
                    members,
                    max_bytes,
                    &mut |m| {
                        seen();
                        go_on = push(Job::Member(m), &mut jobs);
                        go_on
                    },
                );
                go_on
            }
        };
        if !go_on {
            return;
        }
    }
    if !jobs.is_empty() && !stop() {
        send(jobs);
    }
}
