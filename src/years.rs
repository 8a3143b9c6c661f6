//! Across an archive: reports of one agency in consecutive years → warnings where the
//! soft identities between them fail (`dictionaries/links.toml`).
//!
//! Takes each cleaned document's agency, year and the few cells the links name (so
//! that what is kept per document stays small at any archive size) and gives review
//! items for the later report of each pair. Nothing is changed: a report may restate
//! last year's figures, or the agency may have been reorganised.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::dictionary::Dictionaries;
use crate::model::{CellStatus, DocResult, ReviewItem};
use crate::numbers::Num;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLinks {
    links: Vec<RawLink>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    id: String,
    description: String,
    left: Vec<String>,
    right: Vec<String>,
}

/// One soft identity between this year's report and last year's.
#[derive(Clone, Debug)]
pub struct Link {
    /// Stable id, shown in the warning.
    pub id: String,
    /// What it says, shown in the warning.
    pub description: String,
    left: Vec<Term>,
    right: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq)]
struct Term {
    last: bool,
    negative: bool,
    table: String,
    row: String,
    column: String,
}

const ANY: &str = "*";

impl Term {
    /// Whether this term names the cell at these ids (`*` names every row or column).
    fn names(&self, table: &str, row: &str, column: &str) -> bool {
        self.table == table
            && (self.row == ANY || self.row == row)
            && (self.column == ANY || self.column == column)
    }
}

/// Parses `links.toml`.
pub fn parse_links(text: &str) -> Result<Vec<Link>, String> {
    let raw: RawLinks = toml::from_str(text).map_err(|e| e.to_string())?;
    raw.links
        .into_iter()
        .map(|l| {
            let terms = |ts: &[String]| ts.iter().map(|t| term(t)).collect::<Result<Vec<_>, _>>();
            Ok(Link {
                left: terms(&l.left).map_err(|e| format!("link {}: {e}", l.id))?,
                right: terms(&l.right).map_err(|e| format!("link {}: {e}", l.id))?,
                id: l.id,
                description: l.description,
            })
        })
        .collect()
}

fn term(text: &str) -> Result<Term, String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let negative = words.first() == Some(&"-");
    if negative {
        words.remove(0);
    }
    let [year, path] = words.as_slice() else {
        return Err(format!("{text:?} is not `[-] this|last TABLE/ROW/COLUMN`"));
    };
    let last = match *year {
        "this" => false,
        "last" => true,
        other => return Err(format!("{other:?} in {text:?} is neither this nor last")),
    };
    let parts: Vec<&str> = path.split('/').collect();
    let [table, row, column] = parts.as_slice() else {
        return Err(format!("{path:?} is not TABLE/ROW/COLUMN"));
    };
    Ok(Term {
        last,
        negative,
        table: table.to_string(),
        row: row.to_string(),
        column: column.to_string(),
    })
}

/// What one document brings to the cross-year checks.
#[derive(Clone, Debug)]
pub struct YearFacts {
    /// Its id in the outputs.
    pub doc_id: String,
    /// The agency, as its title names it.
    pub agency: String,
    /// The report year.
    pub year: u16,
    pub(crate) cells: HashMap<(String, String, String), Num>,
}

/// [`YearFacts`] as the run's store writes them: the cells ordered by (table, row,
/// column), their ids borrowed from the dictionaries (no strings copied per cell).
pub(crate) struct FactCells<'a> {
    pub doc_id: &'a str,
    pub agency: &'a str,
    pub year: u16,
    pub cells: Vec<(&'a str, &'a str, &'a str, Num)>,
}

/// The facts of `doc`, or None when it has no agency, year or tables.
pub fn facts(doc: &DocResult, dict: &Dictionaries) -> Option<YearFacts> {
    let f = fact_cells(doc, dict)?;
    Some(YearFacts {
        doc_id: f.doc_id.to_string(),
        agency: f.agency.to_string(),
        year: f.year,
        cells: f
            .cells
            .into_iter()
            .map(|(t, r, c, v)| ((t.to_string(), r.to_string(), c.to_string()), v))
            .collect(),
    })
}

/// [`facts`] in the store's form.
pub(crate) fn fact_cells<'a>(doc: &'a DocResult, dict: &'a Dictionaries) -> Option<FactCells<'a>> {
    FactIndex::new(dict).cells(doc, dict)
}

/// The cells some link term names, per template table: found once per run, not by
/// comparing every term's ids with every table, row and column of every document.
pub(crate) struct FactIndex {
    /// `[template][table]`.
    named: Vec<Vec<Named>>,
}

/// The cells some link term names in one template table.
struct Named {
    /// The (row, column) of each, in order of their ids (row id, then column id; for
    /// equal ids, rows then columns in order).
    cells: Vec<(usize, usize)>,
    /// Whether two of them have the same ids.
    twice: bool,
}

impl FactIndex {
    /// The named cells of every table of `dict`'s templates.
    pub(crate) fn new(dict: &Dictionaries) -> FactIndex {
        let terms: Vec<&Term> = dict
            .links
            .iter()
            .flat_map(|l| l.left.iter().chain(&l.right))
            .collect();
        let named = dict.per_table(|table| {
            let mut cells = Vec::new();
            for (r, row) in table.rows.iter().enumerate() {
                for (c, col) in table.blocks[row.block].columns.iter().enumerate() {
                    if terms.iter().any(|x| x.names(&table.id, &row.id, &col.id)) {
                        cells.push((r, c));
                    }
                }
            }
            let ids = |&(r, c): &(usize, usize)| {
                let row = &table.rows[r];
                (&row.id, &table.blocks[row.block].columns[c].id)
            };
            // Stable: cells of equal ids keep their order.
            cells.sort_by_key(ids);
            let twice = cells.windows(2).any(|w| ids(&w[0]) == ids(&w[1]));
            Named { cells, twice }
        });
        FactIndex { named }
    }

    /// The store's form of `doc`'s facts, or None when it has no agency, year or
    /// tables.
    pub(crate) fn cells<'a>(
        &self,
        doc: &'a DocResult,
        dict: &'a Dictionaries,
    ) -> Option<FactCells<'a>> {
        let t = doc.template?;
        let template = &dict.templates[t];
        let year = doc.year?;
        if doc.agency.is_empty() || dict.links.is_empty() {
            return None;
        }
        // The tables in order of their ids (stable), so that their cells, each table's
        // in order already, come out in order of (table, row, column).
        let mut tables: Vec<_> = doc.tables.iter().collect();
        tables.sort_by_key(|tr| &template.tables[tr.table].id);
        // Sized for the cells a report's linked rows hold, so that it does not grow
        // step by step.
        let mut cells = Vec::with_capacity(64);
        for tr in &tables {
            let table = &template.tables[tr.table];
            for &(r, c) in &self.named[t][tr.table].cells {
                let cell = &tr.cells[r][c];
                let known = !matches!(cell.status, CellStatus::Missing | CellStatus::Unconfirmed);
                if let (Some(v), true) = (cell.value, known) {
                    let row = &table.rows[r];
                    let col = &table.blocks[row.block].columns[c];
                    cells.push((table.id.as_str(), row.id.as_str(), col.id.as_str(), v));
                }
            }
        }
        // Two tables of one id would interleave: then sorted as a whole (stable, so
        // that cells of equal ids keep the order they were met in).
        let shared = tables
            .windows(2)
            .any(|w| template.tables[w[0].table].id == template.tables[w[1].table].id);
        if shared {
            cells.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        }
        // A cell named twice counts once, with its last value (as a map keeps it).
        // Looked for only where a cell can be named twice: in one table, where the
        // index found two of the same ids, or across tables of one id. The pass over
        // every cell's ids cost about 64 instructions a cell.
        let twice = shared || tables.iter().any(|tr| self.named[t][tr.table].twice);
        if twice {
            dedup_cells(&mut cells);
        }
        Some(FactCells {
            doc_id: &doc.doc_id,
            agency: &doc.agency,
            year,
            cells,
        })
    }
}

/// Drops each cell that has the ids of the one after it, keeping the value of the
/// last (as a map keeps it); `cells` sorted by ids.
fn dedup_cells(cells: &mut Vec<(&str, &str, &str, Num)>) {
    cells.dedup_by(|next, kept| {
        let same = (next.0, next.1, next.2) == (kept.0, kept.1, kept.2);
        if same {
            *kept = *next;
        }
        same
    });
}

/// Warnings for every report whose agency has exactly one report of the year before
/// (and exactly one of its own year), by position in `facts`.
pub fn warnings(facts: &[YearFacts], links: &[Link]) -> Vec<(usize, ReviewItem)> {
    let mut by_year: BTreeMap<(&str, u16), Vec<usize>> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        by_year.entry((&f.agency, f.year)).or_default().push(i);
    }
    let one = |agency: &str, year: u16| match by_year.get(&(agency, year)).map(Vec::as_slice) {
        Some([i]) => Some(*i),
        _ => None,
    };
    let mut out = Vec::new();
    for (i, this) in facts.iter().enumerate() {
        let Some(prev) = this
            .year
            .checked_sub(1)
            .filter(|_| one(&this.agency, this.year) == Some(i))
            .and_then(|y| one(&this.agency, y))
        else {
            continue;
        };
        out.extend(
            pair_warnings(this, &facts[prev], links)
                .into_iter()
                .map(|w| (i, w)),
        );
    }
    out
}

/// The warnings for `this` report against `last` year's report of the same agency.
pub(crate) fn pair_warnings(this: &YearFacts, last: &YearFacts, links: &[Link]) -> Vec<ReviewItem> {
    let mut out = Vec::new();
    for link in links {
        for (at, left, right) in instances(link, this, last) {
            if left != right {
                out.push(ReviewItem {
                    table: link.left.first().map_or(String::new(), |t| t.table.clone()),
                    row_label: String::new(),
                    column_label: String::new(),
                    problem: "cross_year",
                    detail: format!(
                        "{} ({at}): {left} in this report, but {right} with {} ({}); {}",
                        link.id, last.doc_id, last.year, link.description
                    ),
                });
            }
        }
    }
    out
}

/// Each binding of the link's `*` that both reports have every cell for:
/// (the binding, left sum, right sum).
fn instances(link: &Link, this: &YearFacts, last: &YearFacts) -> Vec<(String, Num, Num)> {
    let terms = || link.left.iter().chain(&link.right);
    let Some(first) = link.left.first() else {
        return Vec::new();
    };
    // The ids `*` can stand for: those the first term's report has.
    let mut ids: Vec<&str> = {
        let facts = if first.last { last } else { this };
        facts
            .cells
            .keys()
            .filter(|(t, r, c)| {
                *t == first.table
                    && (first.row == ANY || *r == first.row)
                    && (first.column == ANY || *c == first.column)
            })
            .map(|(_, r, c)| {
                if first.row == ANY {
                    r.as_str()
                } else {
                    c.as_str()
                }
            })
            .collect()
    };
    ids.sort_unstable();
    ids.dedup();
    let wild = terms().any(|t| t.row == ANY || t.column == ANY);
    if !wild {
        ids = vec![""];
    }
    let mut out = Vec::new();
    for id in ids {
        let value = |t: &Term| -> Option<Num> {
            let facts = if t.last { last } else { this };
            let row = if t.row == ANY { id } else { &t.row };
            let column = if t.column == ANY { id } else { &t.column };
            let v = *facts
                .cells
                .get(&(t.table.clone(), row.to_string(), column.to_string()))?;
            Some(if t.negative { Num::default() - v } else { v })
        };
        let side = |ts: &[Term]| -> Option<Num> {
            ts.iter()
                .map(value)
                .collect::<Option<Vec<_>>>()
                .map(Num::sum)
        };
        if let (Some(l), Some(r)) = (side(&link.left), side(&link.right)) {
            out.push((
                if wild {
                    id.to_string()
                } else {
                    link.id.clone()
                },
                l,
                r,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, RowPresence, TableResult};

    fn facts_of(doc_id: &str, year: u16, cells: &[(&str, &str, &str, i64)]) -> YearFacts {
        YearFacts {
            doc_id: doc_id.into(),
            agency: "平潭综合实验区".into(),
            year,
            cells: cells
                .iter()
                .map(|&(t, r, c, v)| ((t.into(), r.into(), c.into()), Num::int(v)))
                .collect(),
        }
    }

    /// Whether a term of `dict`'s links names this cell, as the facts were first
    /// gathered: every cell against every term.
    fn some_term_names(dict: &Dictionaries, table: &str, row: &str, column: &str) -> bool {
        dict.links
            .iter()
            .flat_map(|l| l.left.iter().chain(&l.right))
            .any(|x| x.names(table, row, column))
    }

    #[test]
    fn the_named_cells_are_those_some_term_names() {
        let dict = Dictionaries::embedded().unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/modelled");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let mut compared = 0;
        for path in paths.iter().step_by(7) {
            let bytes = std::fs::read(path).unwrap();
            let doc = crate::document::clean_document(&bytes, "d", "s", &dict);
            let Some(got) = facts(&doc, &dict) else {
                continue;
            };
            // Every known cell against every term, as the facts were first gathered.
            let template = &dict.templates[doc.template.unwrap()];
            let mut want = HashMap::new();
            for tr in &doc.tables {
                let table = &template.tables[tr.table];
                for (r, row) in table.rows.iter().enumerate() {
                    for (c, col) in table.blocks[row.block].columns.iter().enumerate() {
                        let cell = &tr.cells[r][c];
                        let named = some_term_names(&dict, &table.id, &row.id, &col.id);
                        if let (Some(v), true) = (
                            cell.value,
                            !matches!(cell.status, CellStatus::Missing | CellStatus::Unconfirmed),
                        ) {
                            if named {
                                want.insert((table.id.clone(), row.id.clone(), col.id.clone()), v);
                            }
                        }
                    }
                }
            }
            assert_eq!(got.cells, want, "{path:?}");
            // The store's form: the same cells, each once, in order of their ids, as
            // when every known cell was listed and the list sorted.
            let listed = fact_cells(&doc, &dict).unwrap().cells;
            let mut all = Vec::new();
            for tr in &doc.tables {
                let table = &template.tables[tr.table];
                for (r, row) in table.rows.iter().enumerate() {
                    for (c, col) in table.blocks[row.block].columns.iter().enumerate() {
                        let key = (table.id.clone(), row.id.clone(), col.id.clone());
                        if let Some(&v) = want.get(&key) {
                            if tr.cells[r][c].value == Some(v) {
                                all.push((table.id.as_str(), row.id.as_str(), col.id.as_str(), v));
                            }
                        }
                    }
                }
            }
            all.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            all.dedup_by(|b, a| (a.0, a.1, a.2) == (b.0, b.1, b.2));
            assert_eq!(listed, all, "{path:?}");
            assert!(listed
                .windows(2)
                .all(|w| (w[0].0, w[0].1, w[0].2) < (w[1].0, w[1].1, w[1].2)));
            assert_eq!(listed.len(), want.len());
            compared += usize::from(!want.is_empty());
        }
        assert!(compared > 0);
    }

    #[test]
    fn the_embedded_links_parse() {
        let links = parse_links(include_str!("../dictionaries/links.toml")).unwrap();
        assert!(links.iter().any(|l| l.id == "carry-over"));
        assert!(
            parse_links("[[links]]\nid='x'\ndescription=''\nleft=['now a/b/c']\nright=[]").is_err()
        );
    }

    #[test]
    fn a_carry_over_that_does_not_match_last_year_is_a_warning_and_only_that() {
        let links = parse_links(include_str!("../dictionaries/links.toml")).unwrap();
        let y2021 = facts_of(
            "p2021",
            2021,
            &[
                ("requests", "carry_forward", "natural", 1),
                ("requests", "carry_forward", "total", 1),
            ],
        );
        let y2022 = facts_of(
            "p2022",
            2022,
            &[
                ("requests", "carried", "natural", 1),
                ("requests", "carried", "total", 2),
            ],
        );
        let w = warnings(&[y2021, y2022], &links);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].0, 1);
        assert_eq!(w[0].1.problem, "cross_year");
        assert!(
            w[0].1
                .detail
                .contains("carry-over (total): 2 in this report, but 1 with p2021 (2021)"),
            "{}",
            w[0].1.detail
        );
    }

    #[test]
    fn in_force_continues_from_last_year_by_this_years_issued_and_repealed() {
        let links = parse_links(include_str!("../dictionaries/links.toml")).unwrap();
        let a = facts_of("a", 2022, &[("proactive", "normative", "in_force", 665)]);
        let b = facts_of(
            "b",
            2023,
            &[
                ("proactive", "normative", "in_force", 700),
                ("proactive", "normative", "issued", 40),
                ("proactive", "normative", "repealed", 5),
            ],
        );
        assert!(warnings(&[a.clone(), b], &links).is_empty());
        let wrong = facts_of(
            "b",
            2023,
            &[
                ("proactive", "normative", "in_force", 701),
                ("proactive", "normative", "issued", 40),
                ("proactive", "normative", "repealed", 5),
            ],
        );
        assert_eq!(warnings(&[a, wrong], &links).len(), 1);
    }

    #[test]
    fn two_reports_of_one_agency_and_year_are_not_compared() {
        let links = parse_links(include_str!("../dictionaries/links.toml")).unwrap();
        let last = facts_of("a", 2021, &[("requests", "carry_forward", "total", 1)]);
        let this = facts_of("b", 2022, &[("requests", "carried", "total", 5)]);
        let twin = facts_of("c", 2022, &[("requests", "carried", "total", 5)]);
        assert!(warnings(&[last, this, twin], &links).is_empty());
    }

    proptest::proptest! {
        /// Facts of any tables of a template, some twice, with any values and statuses:
        /// as when every named known cell is listed, sorted by ids and each kept once
        /// (its last value), whether or not the index had them looked for twice.
        #[test]
        fn any_tables_facts_as_every_named_cell_listed_sorted_and_kept_once(
            pick in 0usize..1000,
            tables in proptest::collection::vec(0usize..1000, 0..6),
            values in proptest::collection::vec((proptest::option::of(0i64..4), 0usize..6), 1..80),
        ) {
            static D: std::sync::OnceLock<Dictionaries> = std::sync::OnceLock::new();
            let dict = D.get_or_init(|| Dictionaries::embedded().unwrap());
            let statuses = CellStatus::ALL;
            let t = pick % dict.templates.len();
            let template = &dict.templates[t];
            let mut doc = crate::document::clean_document(b"x", "d", "d.txt", dict);
            doc.template = Some(t);
            doc.agency = "a".into();
            doc.year = Some(2022);
            let mut at = 0;
            doc.tables = tables
                .iter()
                .map(|&i| {
                    let i = i % template.tables.len();
                    let table = &template.tables[i];
                    let cells = table
                        .rows
                        .iter()
                        .map(|row| {
                            (0..table.blocks[row.block].columns.len())
                                .map(|_| {
                                    at += 1;
                                    let (v, s) = values[at % values.len()];
                                    Cell {
                                        value: v.map(Num::int),
                                        status: statuses[s],
                                        ..Cell::missing()
                                    }
                                })
                                .collect()
                        })
                        .collect();
                    TableResult {
                        table: i,
                        rows: vec![RowPresence::Found; table.rows.len()],
                        cells,
                    }
                })
                .collect();
            let got = FactIndex::new(dict).cells(&doc, dict).map(|f| f.cells);
            let mut all = Vec::new();
            for tr in &doc.tables {
                let table = &template.tables[tr.table];
                for (r, row) in table.rows.iter().enumerate() {
                    for (c, col) in table.blocks[row.block].columns.iter().enumerate() {
                        let named = some_term_names(dict, &table.id, &row.id, &col.id);
                        let cell = &tr.cells[r][c];
                        let known =
                            !matches!(cell.status, CellStatus::Missing | CellStatus::Unconfirmed);
                        if let (Some(v), true, true) = (cell.value, known, named) {
                            all.push((table.id.as_str(), row.id.as_str(), col.id.as_str(), v));
                        }
                    }
                }
            }
            all.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            let mut once: Vec<(&str, &str, &str, Num)> = Vec::new();
            for cell in all {
                match once.last_mut() {
                    Some(last) if (last.0, last.1, last.2) == (cell.0, cell.1, cell.2) => *last = cell,
                    _ => once.push(cell),
                }
            }
            proptest::prop_assert_eq!(got, Some(once));
        }
    }
}
