//! The cross-year facts of a run, kept on disk so that memory stays flat however many
//! documents the run holds.
//!
//! Takes each document's [`YearFacts`] as it is written (a few dozen cells, a few KB in
//! memory as a map) and appends them to a file in the output's staging folder; memory
//! keeps only the agency (one copy per agency), the year and the file offset, 16 bytes
//! a document. At the end it gives the same warnings, in the same order, as
//! [`crate::years::warnings`] over all the facts in memory, reading back from the file
//! only the two reports of each pair compared.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::RunError;
use crate::model::ReviewItem;
use crate::numbers::Num;
use crate::years::{pair_warnings, FactCells, Link, YearFacts};

/// One document's facts as a line of the file.
#[derive(Serialize, Deserialize)]
struct Stored {
    doc_id: String,
    agency: String,
    year: u16,
    /// (table, row, column, value in millionths as text: JSON numbers stop at 64 bits).
    cells: Vec<(String, String, String, String)>,
}

/// [`Stored`] as written, borrowing the facts' strings (the same JSON: serde writes
/// a borrowed string as it writes an owned one).
#[derive(Serialize)]
struct StoredRef<'a> {
    doc_id: &'a str,
    agency: &'a str,
    year: u16,
    cells: Vec<(&'a str, &'a str, &'a str, String)>,
}

/// Where one document's facts are.
struct Entry {
    agency: u32,
    year: u16,
    offset: u64,
}

/// The facts of a run so far.
pub struct YearStore {
    path: PathBuf,
    file: BufWriter<File>,
    written: u64,
    agencies: HashMap<String, u32>,
    entries: Vec<Entry>,
}

impl YearStore {
    /// Creates the file at `path` (inside the staging folder, which goes with it).
    pub fn create(path: &Path) -> Result<YearStore, RunError> {
        let file = File::create(path).map_err(|e| output_error(path, e))?;
        Ok(YearStore {
            path: path.to_path_buf(),
            file: BufWriter::new(file),
            written: 0,
            agencies: HashMap::new(),
            entries: Vec::new(),
        })
    }

    /// Appends one document's facts.
    pub fn add(&mut self, f: &YearFacts) -> Result<(), RunError> {
        let mut cells: Vec<_> = f
            .cells
            .iter()
            .map(|((t, r, c), v)| (t.as_str(), r.as_str(), c.as_str(), *v))
            .collect();
        cells.sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        self.add_cells(&FactCells {
            doc_id: &f.doc_id,
            agency: &f.agency,
            year: f.year,
            cells,
        })
    }

    /// Appends one document's facts, given in order of (table, row, column), each once.
    pub(crate) fn add_cells(&mut self, f: &FactCells) -> Result<(), RunError> {
        // The map's order varies from run to run; the file need not, so it does not.
        let cells: Vec<_> = f
            .cells
            .iter()
            .map(|&(t, r, c, v)| (t, r, c, v.millionths().to_string()))
            .collect();
        let stored = StoredRef {
            doc_id: f.doc_id,
            agency: f.agency,
            year: f.year,
            cells,
        };
        let mut line =
            serde_json::to_vec(&stored).map_err(|e| output_error(&self.path, e.into()))?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .map_err(|e| output_error(&self.path, e))?;
        let next = self.agencies.len() as u32;
        let agency = match self.agencies.get(f.agency) {
            Some(&a) => a,
            None => {
                self.agencies.insert(f.agency.to_string(), next);
                next
            }
        };
        self.entries.push(Entry {
            agency,
            year: f.year,
            offset: self.written,
        });
        self.written += line.len() as u64;
        Ok(())
    }

    /// Calls `each` with every warning, in the order of [`crate::years::warnings`]:
    /// by document, then by link.
    pub fn warnings(
        self,
        links: &[Link],
        each: &mut dyn FnMut(&str, &ReviewItem) -> Result<(), RunError>,
    ) -> Result<(), RunError> {
        let path = self.path;
        self.file
            .into_inner()
            .map_err(|e| output_error(&path, e.into_error()))?;
        // Per agency and year: the one document, or None when there are several.
        let mut by_year: HashMap<(u32, u16), Option<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            by_year
                .entry((e.agency, e.year))
                .and_modify(|one| *one = None)
                .or_insert(Some(i));
        }
        let one = |agency: u32, year: u16| by_year.get(&(agency, year)).copied().flatten();
        let mut reader = BufReader::new(File::open(&path).map_err(|e| output_error(&path, e))?);
        let mut read = |offset: u64| -> Result<YearFacts, RunError> {
            let err = |e: std::io::Error| output_error(&path, e);
            reader.seek(SeekFrom::Start(offset)).map_err(err)?;
            let mut line = String::new();
            reader.read_line(&mut line).map_err(err)?;
            let s: Stored = serde_json::from_str(&line).map_err(|e| err(e.into()))?;
            let mut cells = HashMap::new();
            for (t, r, c, v) in s.cells {
                let v = v
                    .parse::<i128>()
                    .map_err(|e| err(std::io::Error::other(e)))?;
                cells.insert((t, r, c), Num::from_millionths(v));
            }
            Ok(YearFacts {
                doc_id: s.doc_id,
                agency: s.agency,
                year: s.year,
                cells,
            })
        };
        for (i, e) in self.entries.iter().enumerate() {
            if one(e.agency, e.year) != Some(i) {
                continue;
            }
            let Some(prev) = e.year.checked_sub(1).and_then(|y| one(e.agency, y)) else {
                continue;
            };
            let this = read(e.offset)?;
            let last = read(self.entries[prev].offset)?;
            for w in pair_warnings(&this, &last, links) {
                each(&this.doc_id, &w)?;
            }
        }
        Ok(())
    }
}

fn output_error(path: &Path, source: std::io::Error) -> RunError {
    RunError::Output {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_borrowed_record_is_written_as_the_stored_one() {
        let cells = vec![("requests", "carried", "natural", "1000000".to_string())];
        let borrowed = StoredRef {
            doc_id: "d\"1",
            agency: "平潭",
            year: 2021,
            cells: cells.clone(),
        };
        let owned = Stored {
            doc_id: "d\"1".into(),
            agency: "平潭".into(),
            year: 2021,
            cells: cells
                .into_iter()
                .map(|(t, r, c, v)| (t.into(), r.into(), c.into(), v))
                .collect(),
        };
        assert_eq!(
            serde_json::to_vec(&borrowed).unwrap(),
            serde_json::to_vec(&owned).unwrap()
        );
    }
    use crate::years::{parse_links, warnings};

    fn facts_of(doc_id: &str, agency: &str, year: u16, carried: i64) -> YearFacts {
        let mut cells = HashMap::new();
        for (row, v) in [("carried", carried), ("carry_forward", 7)] {
            cells.insert(
                ("requests".into(), row.into(), "total".into()),
                Num::micro(v),
            );
        }
        YearFacts {
            doc_id: doc_id.into(),
            agency: agency.into(),
            year,
            cells,
        }
    }

    #[test]
    fn the_store_gives_the_warnings_that_the_facts_in_memory_give() {
        let links = parse_links(include_str!("../dictionaries/links.toml")).unwrap();
        let facts = vec![
            facts_of("a19", "A", 2019, 1),
            facts_of("b20", "B", 2020, 7),
            facts_of("a20", "A", 2020, 8),
            facts_of("b21", "B", 2021, 7),
            facts_of("a21", "A", 2021, 7),
            facts_of("c21", "C", 2021, 1),
            facts_of("c22", "C", 2022, 9),
            facts_of("c22b", "C", 2022, 9),
        ];
        let want: Vec<(String, ReviewItem)> = warnings(&facts, &links)
            .into_iter()
            .map(|(i, w)| (facts[i].doc_id.clone(), w))
            .collect();
        assert_eq!(want.len(), 1, "{want:?}");
        let dir = tempfile::tempdir().unwrap();
        let mut store = YearStore::create(&dir.path().join("facts")).unwrap();
        for f in &facts {
            store.add(f).unwrap();
        }
        let mut got = Vec::new();
        store
            .warnings(&links, &mut |id, w| {
                got.push((id.to_string(), w.clone()));
                Ok(())
            })
            .unwrap();
        assert_eq!(got, want);
    }
}
