//! The cross-year facts of a run, kept on disk so that memory stays flat however many
//! documents the run holds.
//!
//! Takes each document's [`YearFacts`] as it is written (a few dozen cells, a few KB in
//! memory as a map) and appends them to a file in the output's staging folder (as
//! length-prefixed bytes: the file is read back by this module only); memory
//! keeps only the agency (one copy per agency), the year and the file offset, 16 bytes
//! a document. At the end it gives the same warnings, in the same order, as
//! [`crate::years::warnings`] over all the facts in memory, reading back from the file
//! only the two reports of each pair compared.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::RunError;
use crate::model::ReviewItem;
use crate::numbers::Num;
use crate::years::{pair_warnings, FactCells, Link, YearFacts};

/// Appends `s` as its length (8 bytes, little-endian) and its bytes.
fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// One document's facts as the file holds them: `doc_id`, `agency` (strings as
/// [`put_str`] writes them), the year (2 bytes), the cells' count (8 bytes), then per
/// cell its table, row and column and its value in millionths (16 bytes), numbers
/// little-endian. Serialised as JSON it cost more than the rest of the writer thread
/// but the CSV records.
fn encode(f: &FactCells, out: &mut Vec<u8>) {
    out.clear();
    put_str(out, f.doc_id);
    put_str(out, f.agency);
    out.extend_from_slice(&f.year.to_le_bytes());
    out.extend_from_slice(&(f.cells.len() as u64).to_le_bytes());
    for &(t, r, c, v) in &f.cells {
        put_str(out, t);
        put_str(out, r);
        put_str(out, c);
        out.extend_from_slice(&v.millionths().to_le_bytes());
    }
}

/// Reads back what [`encode`] wrote.
fn decode(input: &mut impl Read) -> std::io::Result<YearFacts> {
    fn bytes<const N: usize>(input: &mut impl Read) -> std::io::Result<[u8; N]> {
        let mut b = [0; N];
        input.read_exact(&mut b)?;
        Ok(b)
    }
    fn string(input: &mut impl Read) -> std::io::Result<String> {
        let len = u64::from_le_bytes(bytes(input)?);
        // No id, agency or document name is near this long; a damaged length is
        // not to be allocated.
        let len = usize::try_from(len)
            .ok()
            .filter(|&n| n < 1 << 30)
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let mut s = vec![0; len];
        input.read_exact(&mut s)?;
        String::from_utf8(s).map_err(std::io::Error::other)
    }
    let doc_id = string(input)?;
    let agency = string(input)?;
    let year = u16::from_le_bytes(bytes(input)?);
    let count = u64::from_le_bytes(bytes(input)?);
    let mut cells = HashMap::new();
    for _ in 0..count {
        let key = (string(input)?, string(input)?, string(input)?);
        let v = i128::from_le_bytes(bytes(input)?);
        cells.insert(key, Num::from_millionths(v));
    }
    Ok(YearFacts {
        doc_id,
        agency,
        year,
        cells,
    })
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
    /// One document's bytes, put together before they are written.
    record: Vec<u8>,
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
            record: Vec::new(),
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
        encode(f, &mut self.record);
        self.file
            .write_all(&self.record)
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
        self.written += self.record.len() as u64;
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
            decode(&mut reader).map_err(err)
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
    fn a_record_reads_back_as_it_was_given() {
        let cells = vec![
            ("requests", "carried", "natural", Num::int(7)),
            ("t\n\"", "", "列", Num::from_millionths(i128::MIN)),
            ("x", "y", "z", Num::from_millionths(i128::MAX)),
            ("x", "y", "zz", Num::micro(-1_500_000)),
        ];
        let f = FactCells {
            doc_id: "d\"1,\n",
            agency: "平潭",
            year: 2021,
            cells: cells.clone(),
        };
        let mut bytes = Vec::new();
        encode(&f, &mut bytes);
        bytes.extend_from_slice(b"next");
        let mut input = &bytes[..];
        let back = decode(&mut input).unwrap();
        assert_eq!(input, b"next");
        assert_eq!(
            (back.doc_id.as_str(), back.agency.as_str(), back.year),
            (f.doc_id, f.agency, f.year)
        );
        let want: HashMap<_, _> = cells
            .into_iter()
            .map(|(t, r, c, v)| ((t.to_string(), r.to_string(), c.to_string()), v))
            .collect();
        assert_eq!(back.cells, want);
        // A record cut short is an error, not facts.
        assert!(decode(&mut &bytes[..bytes.len() - 10]).is_err());
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
