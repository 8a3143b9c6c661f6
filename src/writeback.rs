//! Writeback: an output file that has the kernel start writing its pages to disk as
//! the run goes, so that the sync at the end of a run waits for the last few MB and
//! not for the whole output.
//!
//! A run's outputs are synced before they are moved into place (a crash never leaves
//! half a result). Left alone, the kernel holds written pages in memory for up to
//! half a minute or until a share of RAM is dirty, so that final sync would wait for
//! almost every byte of the run at once: about a tenth of a short run's time, and
//! gigabytes' worth for a large archive. Every [`STEP`] bytes this starts the disk
//! writing what was written so far, without waiting for it (on Linux,
//! `sync_file_range` with `SYNC_FILE_RANGE_WRITE`; elsewhere nothing is done and the
//! final sync does it all, as before).

use std::fs::File;
use std::io::{self, Write};

/// Bytes written between two requests to start writing to disk.
pub const STEP: u64 = 8 * 1024 * 1024;

/// A file whose written bytes are sent to disk in the background, [`STEP`] at a time.
#[derive(Debug)]
pub struct Writeback {
    file: File,
    /// Bytes written so far.
    written: u64,
    /// Where the last request to write to disk ended.
    started: u64,
}

impl Writeback {
    /// Wraps a file opened for writing at its start.
    pub fn new(file: File) -> Writeback {
        Writeback {
            file,
            written: 0,
            started: 0,
        }
    }

    /// The file, for its final sync.
    pub fn into_file(self) -> File {
        self.file
    }

    fn start_writing(&mut self) {
        // Best effort: when it cannot be done, the final sync writes these bytes.
        start_writing(&self.file, self.started, self.written - self.started);
        self.started = self.written;
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= STEP {
            self.start_writing();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(target_os = "linux")]
fn start_writing(file: &File, from: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(from), Ok(len)) = (libc::off64_t::try_from(from), libc::off64_t::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is open for as long as `file` is borrowed, and this call
    // reads no memory of ours.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), from, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writing(_file: &File, _from: u64, _len: u64) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufWriter, Read};

    #[test]
    fn what_is_written_is_in_the_file_whole_and_in_order() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("out");
        let mut w = BufWriter::new(Writeback::new(File::create(&path).expect("a file")));
        let mut expected = Vec::new();
        // Past two steps, in pieces that do not line up with them.
        let mut i = 0u32;
        while (expected.len() as u64) < 2 * STEP + 12_345 {
            let piece = format!("{i},{}\n", i.wrapping_mul(2_654_435_761));
            w.write_all(piece.as_bytes()).expect("written");
            expected.extend_from_slice(piece.as_bytes());
            i += 1;
        }
        let wb = w.into_inner().expect("flushed");
        assert_eq!(wb.written, expected.len() as u64);
        assert!(
            wb.started >= 2 * STEP,
            "writing to disk was started at {}",
            wb.started
        );
        wb.into_file().sync_all().expect("synced");
        let mut got = Vec::new();
        File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut got))
            .expect("read back");
        assert!(got == expected, "the file differs from what was written");
    }
}
