//! Inputs: paths on the command line (files, folders, or `-` for a list on stdin) →
//! the documents to read, each with a stable `doc_id`, in a deterministic order.
//!
//! A folder is walked recursively in name order; its files are kept when their path
//! relative to the folder matches one of the globs. A path that cannot be walked
//! (permission denied, broken symlink, symlink loop) becomes a document that failed,
//! with the reason, so that it shows in documents.csv instead of stopping the run.
//!
//! An archive (`.zip`, `.tar`, `.tar.gz`, `.tgz`), given on its own or found in a
//! folder whatever the globs, is one input here, named without its archive extension;
//! the batch reads its members (`crate::archive`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::archive;

/// The files read from folders (and archives) when no `--glob` is given.
pub const DEFAULT_GLOBS: &[&str] = &["*.txt", "*.htm", "*.html"];

/// One document to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Where it is.
    pub path: PathBuf,
    /// Its path relative to its input root, without extension, `/`-separated.
    pub doc_id: String,
    /// Set when it cannot be read at all; the reason.
    pub problem: Option<String>,
}

/// Builds the glob matcher; an invalid pattern is a usage error.
pub fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("invalid --glob {p:?}: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

/// `rel` without extension, `/`-separated: a document's id.
pub(crate) fn id_of(rel: &Path) -> String {
    let no_ext = rel.with_extension("");
    no_ext
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The id of a file: an archive loses its whole archive extension (`.tar.gz`).
fn doc_id(rel: &Path) -> String {
    match archive::kind_of(rel) {
        Some(_) => archive::id_of(rel),
        None => id_of(rel),
    }
}

/// Expands `roots` into documents. Explicit files are always taken; folder contents
/// only when they match `globs`.
pub fn discover(roots: &[PathBuf], globs: &GlobSet) -> Vec<Input> {
    Discovery::new(roots, globs).collect()
}

/// The documents of [`discover`], in the same order with the same ids, found one at a
/// time as they are needed, so that a run over millions of files does not hold a list
/// of them all.
pub struct Discovery<'a> {
    roots: std::slice::Iter<'a, PathBuf>,
    globs: &'a GlobSet,
    walk: Option<(&'a Path, walkdir::IntoIter)>,
    /// None when only counting: the ids are left empty.
    ids: Option<Ids>,
}

impl<'a> Discovery<'a> {
    /// Starts at the first of `roots`.
    pub fn new(roots: &'a [PathBuf], globs: &'a GlobSet) -> Discovery<'a> {
        Discovery {
            roots: roots.iter(),
            globs,
            walk: None,
            ids: Some(Ids::new(roots.len() > 1)),
        }
    }

    /// The same documents as [`Discovery::new`] with empty ids, for counting them:
    /// making the ids (a string from each path, a map of those seen) would be work
    /// for nothing.
    pub fn counting(roots: &'a [PathBuf], globs: &'a GlobSet) -> Discovery<'a> {
        Discovery {
            ids: None,
            ..Discovery::new(roots, globs)
        }
    }

    /// The next document of the folder being walked, if any.
    fn next_in_folder(&mut self) -> Option<Input> {
        let (root, walker) = self.walk.as_mut()?;
        let root = *root;
        for entry in walker.by_ref() {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => {
                    let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                    if self.globs.is_match(rel) || archive::kind_of(rel).is_some() {
                        // Reading a pipe would wait forever, a device could be endless.
                        let problem = (!e.file_type().is_file()).then(|| {
                            "not a regular file (a pipe, socket or device); skipped".to_string()
                        });
                        return Some(Input {
                            path: e.path().to_path_buf(),
                            doc_id: match self.ids {
                                Some(_) => doc_id(rel),
                                None => String::new(),
                            },
                            problem,
                        });
                    }
                }
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.to_path_buf());
                    let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                    let link = std::fs::symlink_metadata(&path);
                    let is_dir = link.as_ref().is_ok_and(|m| m.is_dir());
                    let broken = link.is_ok_and(|m| m.file_type().is_symlink())
                        && std::fs::metadata(&path).is_err();
                    let why = if err.loop_ancestor().is_some() {
                        "a symlink loop (a link to a folder that contains it); skipped".to_string()
                    } else if broken {
                        "a broken symlink (its target does not exist); skipped".to_string()
                    } else {
                        format!("cannot read: {err}")
                    };
                    // A loop or an unreadable folder may hide matching files, so it is
                    // always reported; a file only when it would have been read.
                    if err.loop_ancestor().is_some() || is_dir || self.globs.is_match(&rel) {
                        return Some(Input {
                            path,
                            doc_id: id_of(&rel),
                            problem: Some(why),
                        });
                    }
                }
            }
        }
        self.walk = None;
        None
    }
}

impl Iterator for Discovery<'_> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some(mut input) = self.next_in_folder() {
                if let Some(ids) = &mut self.ids {
                    input.doc_id = ids.unique(input.doc_id);
                }
                return Some(input);
            }
            let root = self.roots.next()?;
            if root.is_dir() {
                let walker = walkdir::WalkDir::new(root)
                    .follow_links(true)
                    // Siblings' paths are their folder's path followed by their
                    // names, so they sort as their names do, without the name parsed
                    // out of each path at every comparison (`sort_by_file_name`).
                    .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()));
                self.walk = Some((root, walker.into_iter()));
                continue;
            }
            // A path given on its own is its own document, named by its file name.
            let problem = (!root.is_file()).then(|| match std::fs::symlink_metadata(root) {
                Ok(_) => "a broken symlink or not a regular file or folder".to_string(),
                Err(e) => format!("cannot open: {e}"),
            });
            let name = root
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| root.clone());
            return Some(Input {
                path: root.clone(),
                doc_id: match &mut self.ids {
                    Some(ids) => ids.unique(doc_id(&name)),
                    None => String::new(),
                },
                problem,
            });
        }
    }
}

/// Gives repeated ids `~2`, `~3` … in order: two roots can hold the same relative
/// path, and one folder `a.txt` and `a.htm`.
struct Ids {
    /// With several roots any two ids can meet: every id is kept.
    all: Option<HashMap<String, usize>>,
    /// With one root, equal ids are in one folder (the id keeps the folders), and a
    /// folder's files come before the walk leaves it for good: only the ids of the
    /// folders being walked are kept, by their folder part.
    open: Vec<(String, HashMap<String, usize>)>,
}

impl Ids {
    fn new(several_roots: bool) -> Ids {
        Ids {
            all: several_roots.then(HashMap::new),
            open: Vec::new(),
        }
    }

    fn unique(&mut self, id: String) -> String {
        let seen = match &mut self.all {
            Some(all) => all,
            None => {
                let folder = id.rsplit_once('/').map_or("", |(f, _)| f);
                // Folders that are neither this one nor one that holds it are done.
                while let Some((top, _)) = self.open.last() {
                    let holds = top.is_empty()
                        || (folder.starts_with(top.as_str())
                            && folder[top.len()..].starts_with('/'));
                    if top == folder || holds {
                        break;
                    }
                    self.open.pop();
                }
                if self.open.last().is_none_or(|(top, _)| top != folder) {
                    self.open.push((folder.to_string(), HashMap::new()));
                }
                match self.open.last_mut() {
                    Some((_, seen)) => seen,
                    None => return id,
                }
            }
        };
        let n = seen.entry(id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            format!("{id}~{n}")
        } else {
            id
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_walk_in_order_with_relative_ids() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        for f in ["b/c/z.txt", "a.txt", "b/y.TXT", "b/x.txt", "notes.md"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let got = discover(&[root.to_path_buf()], &globs(&["*.txt".into()]).unwrap());
        let ids: Vec<&str> = got.iter().map(|i| i.doc_id.as_str()).collect();
        assert_eq!(ids, ["a", "b/c/z", "b/x"]);
        let again = discover(
            &[root.to_path_buf(), root.join("a.txt")],
            &globs(&["*.txt".into()]).unwrap(),
        );
        assert_eq!(again.last().unwrap().doc_id, "a~2");
    }

    #[test]
    fn ids_found_one_at_a_time_are_deduplicated_as_over_the_whole_list() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.txt",
            "a.htm",
            "a.html",
            "a.s/a.txt",
            "a.s/a.htm",
            "b/a.txt",
            "b/c/a.txt",
            "b/c/a.htm",
            "b/a.htm",
            "b.txt",
            "b.zip",
            "c/d.txt",
            "c.tar.gz",
        ] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let g = globs(&["*.txt".into(), "*.htm*".into()]).unwrap();
        // Every id over the whole list, numbered in order: what the ids must be.
        let whole = |inputs: Vec<Input>| -> Vec<String> {
            let mut seen: HashMap<String, usize> = HashMap::new();
            inputs
                .into_iter()
                .map(|i| {
                    let base = i.doc_id.split('~').next().unwrap().to_string();
                    let n = seen.entry(base.clone()).or_insert(0);
                    *n += 1;
                    match *n {
                        1 => base,
                        n => format!("{base}~{n}"),
                    }
                })
                .collect()
        };
        for roots in [
            vec![root.to_path_buf()],
            vec![root.to_path_buf(), root.join("b")],
        ] {
            let got = discover(&roots, &g);
            let ids: Vec<String> = got.iter().map(|i| i.doc_id.clone()).collect();
            assert!(ids.contains(&"a~3".to_string()), "{ids:?}");
            assert!(ids.contains(&"b/c/a~2".to_string()), "{ids:?}");
            assert!(ids.contains(&"b~2".to_string()), "{ids:?}");
            let unique: std::collections::HashSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "{ids:?}");
            // Counting finds the same documents, in the same order.
            let counted: Vec<(PathBuf, Option<String>)> = Discovery::counting(&roots, &g)
                .map(|i| (i.path, i.problem))
                .collect();
            let found: Vec<(PathBuf, Option<String>)> = got
                .iter()
                .map(|i| (i.path.clone(), i.problem.clone()))
                .collect();
            assert_eq!(counted, found, "{roots:?}");
            assert_eq!(ids, whole(got), "{roots:?}");
        }
    }

    #[test]
    fn folders_walk_in_the_order_of_file_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.txt",
            "a b.txt",
            "a-.txt",
            "ab.txt",
            "a/x.txt",
            "a.b/x.txt",
            "A.txt",
            "é.txt",
            "z.txt",
            "a0.txt",
            "a.txt.txt",
        ] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let g = globs(&["*.txt".into()]).unwrap();
        let ours: Vec<PathBuf> = discover(&[root.to_path_buf()], &g)
            .into_iter()
            .map(|i| i.path)
            .collect();
        let by_name: Vec<PathBuf> = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        assert_eq!(ours, by_name);
    }

    #[test]
    fn missing_paths_become_failed_inputs() {
        let got = discover(
            &[PathBuf::from("/no/such/dir/report.txt")],
            &globs(&["*.txt".into()]).unwrap(),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].doc_id, "report");
        assert!(got[0].problem.as_deref().unwrap().contains("cannot open"));
    }
}
