//! Archives: a `.zip`, `.tar`, `.tar.gz` or `.tgz` file → its members, each a document,
//! read one after another without unpacking anything to disk.
//!
//! Takes the archive's path, its `doc_id` (the archive's path relative to its input
//! root, without the archive extension), the globs that select members (as they select
//! files in folders) and the per-document size limit. Gives each selected member in the
//! archive's own order (tar and zip keep the order the members were added in; it is not
//! sorted, since a compressed tar can only be read front to back) as a [`Member`]: its
//! `doc_id` (the archive's, `/`, the member's path without extension) and its bytes, or
//! the reason it could not be read. A member is never decompressed past the limit, so a
//! zip bomb costs at most `max_bytes`. A damaged archive gives a member named after the
//! archive whose reason says so, after the members read before the damage.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use globset::GlobSet;

/// The archive formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `.zip`
    Zip,
    /// `.tar`
    Tar,
    /// `.tar.gz` or `.tgz`
    TarGz,
}

/// Extensions, longest first so that `.tar.gz` is not taken for `.gz`.
const EXTENSIONS: &[(&str, Kind)] = &[
    (".tar.gz", Kind::TarGz),
    (".tgz", Kind::TarGz),
    (".tar", Kind::Tar),
    (".zip", Kind::Zip),
];

/// The archive kind of a file, by its name (any case), or None for other files.
pub fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    EXTENSIONS
        .iter()
        .find(|(ext, _)| name.len() > ext.len() && name.ends_with(ext))
        .map(|&(_, k)| k)
}

/// `rel` without its archive extension (`a/b.tar.gz` → `a/b`), `/`-separated.
pub fn id_of(rel: &Path) -> String {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_lowercase();
    let stem = EXTENSIONS
        .iter()
        .find(|(ext, _)| lower.len() > ext.len() && lower.ends_with(ext))
        .map_or(name.as_str(), |(ext, _)| &name[..name.len() - ext.len()]);
    let mut parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.push(stem.to_string());
    parts.join("/")
}

/// One member of an archive.
#[derive(Debug)]
pub struct Member {
    /// The archive's id, `/`, the member's path without extension.
    pub doc_id: String,
    /// The archive's path, `/`, the member's path.
    pub source: String,
    /// Its bytes, or why they could not be read.
    pub bytes: Result<Vec<u8>, String>,
}

/// A member's stored name as text: UTF-8, else GB18030 (zips made on Chinese Windows
/// store names in the local code page without saying so).
fn name_text(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    }
}

/// The member path as a relative path: `./`, leading `/` and `..` dropped, since it
/// only names a document.
fn member_path(name: &str) -> PathBuf {
    name.split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect()
}

/// Reads what the archive says is a member of `declared` bytes, refusing it unread
/// when that is over `max_bytes` and stopping at `max_bytes` + 1 whatever it says.
fn read_member(mut r: impl Read, declared: u64, max_bytes: u64) -> Result<Vec<u8>, String> {
    let too_big = |n: u64| {
        format!("skipped: {n} bytes is over the --max-bytes limit of {max_bytes}; raise the limit to read it")
    };
    if declared > max_bytes {
        return Err(too_big(declared));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    (&mut r)
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read this member of the archive: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "skipped: it unpacks to more than the --max-bytes limit of {max_bytes} (the archive said {declared} bytes); raise the limit to read it"
        ));
    }
    Ok(bytes)
}

/// Where the members go, and what selects them.
struct Sink<'a> {
    path: &'a Path,
    id: &'a str,
    globs: &'a GlobSet,
    max_bytes: u64,
    each: &'a mut dyn FnMut(Member) -> bool,
    /// Entries seen, selected or not.
    seen: usize,
}

impl Sink<'_> {
    /// Whether a member named `name` is read; counts it.
    fn wants(&mut self, name: &Path) -> bool {
        self.seen += 1;
        self.globs.is_match(name)
    }

    fn member(&self, name: &Path, bytes: Result<Vec<u8>, String>) -> Member {
        let id = crate::inputs::id_of(name);
        Member {
            doc_id: format!("{}/{id}", self.id),
            source: format!("{}/{}", self.path.display(), name.display()),
            bytes,
        }
    }

    /// Gives a member on; false when the caller wants no more.
    fn give(&mut self, name: &Path, bytes: Result<Vec<u8>, String>) -> bool {
        let m = self.member(name, bytes);
        (self.each)(m)
    }

    /// The archive as a whole could not be read (further).
    fn damaged(&mut self, why: String) {
        let bytes = Err(if self.seen == 0 {
            format!("cannot read this archive: {why}")
        } else {
            format!(
                "the archive is damaged after its first {} entries (those it selected have rows of their own); the rest cannot be read: {why}",
                self.seen
            )
        });
        let m = Member {
            doc_id: self.id.to_string(),
            source: self.path.display().to_string(),
            bytes,
        };
        (self.each)(m);
    }
}

/// Calls `each` with every member of the archive at `path` that `globs` selects, in the
/// archive's order, until it returns false. Never fails: whatever cannot be read is
/// given as a member with its reason.
pub fn read_members(
    path: &Path,
    kind: Kind,
    id: &str,
    globs: &GlobSet,
    max_bytes: u64,
    each: &mut dyn FnMut(Member) -> bool,
) {
    let mut sink = Sink {
        path,
        id,
        globs,
        max_bytes,
        each,
        seen: 0,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return sink.damaged(e.to_string()),
    };
    match kind {
        Kind::Zip => zip_members(file, &mut sink),
        Kind::Tar => tar_members(BufReader::new(file), &mut sink),
        Kind::TarGz => tar_members(
            flate2::read::MultiGzDecoder::new(BufReader::new(file)),
            &mut sink,
        ),
    }
}

fn tar_members(r: impl Read, sink: &mut Sink) {
    let mut archive = tar::Archive::new(r);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return sink.damaged(e.to_string()),
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => return sink.damaged(e.to_string()),
        };
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() {
            continue;
        }
        let name = member_path(&name_text(&entry.path_bytes()));
        if !sink.wants(&name) {
            continue;
        }
        let bytes = if kind.is_file() || kind.is_contiguous() {
            let declared = entry.size();
            read_member(entry, declared, sink.max_bytes)
        } else {
            Err("a link or special file inside the archive, not a file; skipped".into())
        };
        if !sink.give(&name, bytes) {
            return;
        }
    }
    if sink.seen == 0 {
        sink.damaged("it holds no members (an empty archive, or not a tar archive)".into());
    }
}

fn zip_members(file: File, sink: &mut Sink) {
    let mut archive = match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(a) => a,
        Err(e) => return sink.damaged(e.to_string()),
    };
    for i in 0..archive.len() {
        // Taken first: reading the member borrows the archive.
        let stored = archive.name_for_index(i).map(str::to_string);
        let (name, bytes) = match archive.by_index(i) {
            Ok(f) => {
                if f.is_dir() {
                    continue;
                }
                let name = member_path(&name_text(f.name_raw()));
                if !sink.wants(&name) {
                    continue;
                }
                let bytes = if f.is_symlink() {
                    Err("a link inside the archive, not a file; skipped".into())
                } else {
                    let declared = f.size();
                    read_member(f, declared, sink.max_bytes)
                };
                (name, bytes)
            }
            Err(e) => {
                let name = member_path(&stored.unwrap_or_default());
                if !sink.wants(&name) {
                    continue;
                }
                (
                    name,
                    Err(format!("cannot read this member of the archive: {e}")),
                )
            }
        };
        if !sink.give(&name, bytes) {
            return;
        }
    }
    if archive.is_empty() {
        sink.damaged("it holds no members (an empty archive)".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_kinds_and_ids_come_from_the_name() {
        assert_eq!(kind_of(Path::new("a/B.TAR.GZ")), Some(Kind::TarGz));
        assert_eq!(kind_of(Path::new("x.tgz")), Some(Kind::TarGz));
        assert_eq!(kind_of(Path::new("x.zip")), Some(Kind::Zip));
        assert_eq!(kind_of(Path::new("x.txt")), None);
        assert_eq!(kind_of(Path::new(".tar")), None);
        assert_eq!(id_of(Path::new("a/b.tar.gz")), "a/b");
        assert_eq!(id_of(Path::new("reports.ZIP")), "reports");
        assert_eq!(member_path("./x/../y//z.txt"), PathBuf::from("x/y/z.txt"));
    }

    #[test]
    fn a_member_is_never_read_past_the_limit_whatever_its_header_says() {
        let data = [b'x'; 100];
        assert!(read_member(&data[..], 100, 100).is_ok());
        let lied = read_member(&data[..], 10, 50).unwrap_err();
        assert!(
            lied.contains("more than the --max-bytes limit of 50"),
            "{lied}"
        );
        let said = read_member(&data[..], 100, 50).unwrap_err();
        assert!(said.contains("100 bytes is over"), "{said}");
    }
}
