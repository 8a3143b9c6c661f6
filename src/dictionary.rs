//! Template dictionaries (`dictionaries/templates/*.toml`) → compiled [`Template`]s.
//!
//! Takes the TOML of each template version, checks it (unique ids, references that
//! resolve, identities over one block) and gives every label in two forms: the
//! canonical text that goes into the CSVs and the match keys that OCR text is
//! compared with. The schema is documented in `dictionaries/README.md`.

use std::{collections::HashMap, fs, path::Path};

use serde::Deserialize;

use crate::error::DictionaryError;
use crate::lexicon::Lexicon;
use crate::normalize::{key, nfkc};
use crate::ordinal::{split_ordinal, Ordinal};
use crate::similarity::GlyphCosts;

include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));

/// The lexicon compiled into the binary.
pub fn embedded_lexicon() -> Result<Lexicon, DictionaryError> {
    Lexicon::from_toml(include_str!("../dictionaries/lexicon.toml"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    name: String,
    first_year: Option<u16>,
    last_year: Option<u16>,
    sections: Vec<RawLabel>,
    tables: Vec<RawTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabel {
    id: String,
    label: String,
    #[serde(default)]
    variants: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    id: String,
    section: String,
    #[serde(default)]
    header_labels: Vec<String>,
    #[serde(default)]
    groups: Vec<RawGroup>,
    blocks: Vec<RawBlock>,
    #[serde(default)]
    identities: Vec<RawIdentity>,
    #[serde(default)]
    soft_checks: Vec<RawSoftCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoftCheck {
    id: String,
    description: String,
    at_least: Vec<String>,
    than: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: String,
    label: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    id: String,
    group: Option<String>,
    columns: Vec<RawColumn>,
    rows: Vec<RawRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    id: String,
    label: String,
    group: Option<String>,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    domain: Domain,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    id: String,
    label: String,
    group: Option<String>,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    optional: bool,
    total_of: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    id: String,
    description: String,
    over: Over,
    lhs: Vec<String>,
    rhs: Vec<String>,
}

/// What values a column admits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    /// Non-negative integers (the default).
    #[default]
    Count,
    /// Integers that may be negative (本年增/减).
    Signed,
    /// Non-negative decimals (amounts of money).
    Decimal,
}

/// Whether an identity holds along each row or down each column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Over {
    /// For every row of the block; terms name columns.
    Rows,
    /// For every column of the block; terms name rows (or `@group`).
    Columns,
}

/// A label as the template prints it and as OCR text is compared with it.
#[derive(Clone, Debug)]
pub struct Label {
    /// The canonical text, written to the CSVs exactly.
    pub text: String,
    /// Its leading ordinal, if it has one.
    pub ordinal: Option<Ordinal>,
    /// Match keys of the label body (after the ordinal): canonical first, then variants.
    pub keys: Vec<String>,
    /// Match keys of the whole label, ordinal included: canonical first, then variants.
    pub full_keys: Vec<String>,
    /// `keys` as characters, for the edit distance (split once, not per comparison).
    pub key_chars: Vec<Vec<char>>,
    /// `key_chars` as the glyph table's character numbers (`GlyphCosts::ids_of`), set
    /// once the dictionaries are loaded: every comparison of a label needs them, and
    /// they depend on the dictionaries alone. Empty until then (a label made alone).
    pub key_ids: Vec<Option<Vec<u16>>>,
    /// Tells its ordinal and keys from those of every other label made in the process
    /// (a clone keeps it, and nothing changes a label's keys once it is made): the
    /// similarity memos tell a label set by its labels' stamps instead of comparing
    /// every key of every label.
    pub(crate) stamp: u64,
}

impl Label {
    fn new(text: &str, variants: &[String], lex: &Lexicon) -> Label {
        let body_key = |s: &str| {
            let n = nfkc(s);
            match split_ordinal(&n, lex) {
                Some((_, rest)) => key(rest, lex),
                None => key(&n, lex),
            }
        };
        let n = nfkc(text);
        let ordinal = split_ordinal(&n, lex).map(|(o, _)| o);
        let mut keys = vec![body_key(text)];
        let mut full_keys = vec![key(text, lex)];
        for v in variants {
            let k = body_key(v);
            if !keys.contains(&k) {
                keys.push(k);
            }
            full_keys.push(key(v, lex));
        }
        Label {
            text: text.to_string(),
            ordinal,
            key_chars: keys.iter().map(|k| k.chars().collect()).collect(),
            key_ids: Vec::new(),
            keys,
            full_keys,
            stamp: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }
}

#[cfg(test)]
impl Label {
    pub(crate) fn for_tests(text: &str, lex: &Lexicon) -> Label {
        Label::new(text, &[], lex)
    }
}

/// A section heading (一 … 六).
#[derive(Debug)]
pub struct Section {
    /// Stable ASCII id.
    pub id: String,
    /// The heading.
    pub label: Label,
}

/// A numeric column of a block.
#[derive(Debug)]
pub struct Column {
    /// Stable ASCII id (unique within its block).
    pub id: String,
    /// The column's own header label.
    pub label: Label,
    /// Canonical labels of its groups and itself, outermost first, joined with `/`.
    pub path: String,
    /// What values it admits.
    pub domain: Domain,
}

/// A data row of a table.
#[derive(Debug)]
pub struct Row {
    /// Stable ASCII id (unique within its table).
    pub id: String,
    /// The row's own label (empty for table 四's single row).
    pub label: Label,
    /// Canonical labels of its groups and itself, outermost first, joined with `/`.
    pub path: String,
    /// Index of its block in [`Table::blocks`].
    pub block: usize,
    /// A row that many reports leave out; its absence is not a problem.
    pub optional: bool,
    /// For a row that prints the total of a group's rows on one line: that group's index.
    pub total_of: Option<usize>,
    /// Index of its innermost group in [`Table::groups`], if any.
    pub group: Option<usize>,
}

/// A group of rows or columns (a merged cell in the printed table).
#[derive(Debug)]
pub struct Group {
    /// Stable ASCII id.
    pub id: String,
    /// The group's label.
    pub label: Label,
    /// Index of the enclosing group.
    pub parent: Option<usize>,
}

/// A block: rows that share one set of columns (table 二 has several).
#[derive(Debug)]
pub struct Block {
    /// Stable ASCII id.
    pub id: String,
    /// Its numeric columns in printed order.
    pub columns: Vec<Column>,
    /// Indices of its rows in [`Table::rows`] (a contiguous range in template order).
    pub rows: std::ops::Range<usize>,
}

/// One side's term of an identity, resolved to indices.
#[derive(Clone, Debug)]
pub enum Term {
    /// A single row (Over::Columns) or column (Over::Rows).
    Item(usize),
    /// Every row of a group; `total` is a row that may stand in for all of them.
    Group {
        /// The member rows, in order.
        members: Vec<usize>,
        /// A one-line total row for the group, when the template allows one.
        total: Option<usize>,
    },
}

/// An arithmetic identity of a table.
#[derive(Debug)]
pub struct Identity {
    /// Stable id (e.g. `T3-row`).
    pub id: String,
    /// Human description, quoted in review.csv.
    pub description: String,
    /// Along rows or down columns.
    pub over: Over,
    /// The block it applies to.
    pub block: usize,
    /// Left-hand terms (summed).
    pub lhs: Vec<Term>,
    /// Right-hand terms (summed).
    pub rhs: Vec<Term>,
}

/// A within-row inequality that usually holds but is not guaranteed (对外公开总数量 ≥
/// 本年新公开数量): in every row of its block, the sum of the `at_least` columns is at
/// least the sum of the `than` columns. A failure changes no value; it marks the
/// cells it names as not vouched for.
#[derive(Clone, Debug)]
pub struct SoftCheck {
    /// Stable id (e.g. `T2-public`).
    pub id: String,
    /// Human description, quoted in review.csv.
    pub description: String,
    /// The block it applies to.
    pub block: usize,
    /// Columns (indices in the block) of the larger side, summed.
    pub at_least: Vec<usize>,
    /// Columns of the smaller side, summed.
    pub than: Vec<usize>,
}

/// One table (二, 三 or 四) of a template version.
#[derive(Debug)]
pub struct Table {
    /// Stable id: `proactive`, `requests` or `appeals`.
    pub id: String,
    /// Index of the section that holds it.
    pub section: usize,
    /// Labels that only occur in its header.
    pub header_labels: Vec<Label>,
    /// Row and column groups.
    pub groups: Vec<Group>,
    /// Its blocks.
    pub blocks: Vec<Block>,
    /// Every data row in template order.
    pub rows: Vec<Row>,
    /// Its identities.
    pub identities: Vec<Identity>,
    /// Its soft checks: within-row inequalities that usually hold.
    pub soft_checks: Vec<SoftCheck>,
    /// Per row, per column: whether an identity covers the cell ([`Table::covered`]).
    covered: Vec<Vec<bool>>,
    /// Tells this table from every other one compiled in the process: the identity
    /// instances formed for a shape of it are kept by it (`solve::System::new`).
    pub(crate) stamp: u64,
}

impl Table {
    /// Index of the row with this id.
    pub fn row_index(&self, id: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    /// Per row, per column of the row's block: whether some identity of the table
    /// takes the cell as a term, so that a misread there could show as a failure.
    /// Worked out once, when the table is compiled: every report asks.
    pub fn covered(&self) -> &[Vec<bool>] {
        &self.covered
    }

    /// [`Table::covered`] from the table's identities.
    fn covering(blocks: &[Block], rows: &[Row], identities: &[Identity]) -> Vec<Vec<bool>> {
        let mut out: Vec<Vec<bool>> = rows
            .iter()
            .map(|r| vec![false; blocks[r.block].columns.len()])
            .collect();
        for id in identities {
            let block = &blocks[id.block];
            for term in id.lhs.iter().chain(&id.rhs) {
                let rows: Vec<usize> = match (id.over, term) {
                    (Over::Rows, _) => block.rows.clone().collect(),
                    (Over::Columns, Term::Item(r)) => vec![*r],
                    (Over::Columns, Term::Group { members, total }) => {
                        members.iter().chain(total).copied().collect()
                    }
                };
                let cols: Vec<usize> = match (id.over, term) {
                    (Over::Rows, Term::Item(c)) => vec![*c],
                    _ => (0..block.columns.len()).collect(),
                };
                for r in rows {
                    for &c in &cols {
                        if let Some(cell) = out.get_mut(r).and_then(|row| row.get_mut(c)) {
                            *cell = true;
                        }
                    }
                }
            }
        }
        out
    }
}

/// One template version, compiled.
#[derive(Debug)]
pub struct Template {
    /// Stable id (`2019`, `2021`).
    pub id: String,
    /// The notice that issued it.
    pub name: String,
    /// First report year it is used for.
    pub first_year: Option<u16>,
    /// Last report year it is used for.
    pub last_year: Option<u16>,
    /// Section headings in order.
    pub sections: Vec<Section>,
    /// Tables in order.
    pub tables: Vec<Table>,
    /// Match keys of labels found in no other template: evidence for detection.
    pub signature: Vec<String>,
}

impl Template {
    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// Whether the template is in use for reports of `year`.
    pub fn covers_year(&self, year: u16) -> bool {
        self.first_year.is_none_or(|y| year >= y) && self.last_year.is_none_or(|y| year <= y)
    }

    /// Sets [`Label::key_ids`] of every label, after the glyph table has learned the
    /// alphabet of the keys.
    fn number_keys(&mut self, g: &GlyphCosts) {
        let number = |l: &mut Label| {
            l.key_ids = l.key_chars.iter().map(|k| g.ids_of(k)).collect();
        };
        self.sections.iter_mut().for_each(|s| number(&mut s.label));
        for t in &mut self.tables {
            t.header_labels.iter_mut().for_each(number);
            t.groups.iter_mut().for_each(|g| number(&mut g.label));
            for b in &mut t.blocks {
                b.columns.iter_mut().for_each(|c| number(&mut c.label));
            }
            t.rows.iter_mut().for_each(|r| number(&mut r.label));
        }
    }

    /// Every canonical label of the template with its variants, as match keys with ordinals.
    fn all_label_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |l: &Label| out.extend(l.full_keys.iter().cloned());
        for t in &self.tables {
            t.header_labels.iter().for_each(&mut push);
            t.groups.iter().for_each(|g| push(&g.label));
            for b in &t.blocks {
                b.columns.iter().for_each(|c| push(&c.label));
            }
            t.rows.iter().for_each(|r| push(&r.label));
        }
        out
    }
}

/// The cross-year soft identities (dictionaries/links.toml).
const EMBEDDED_LINKS: &str = include_str!("../dictionaries/links.toml");

/// Every template version plus the lexicon: everything the cleaner knows.
#[derive(Debug)]
pub struct Dictionaries {
    /// The shared lexicon.
    pub lexicon: Lexicon,
    /// Template versions, in file-name order.
    pub templates: Vec<Template>,
    /// Every template's signature, indexed for detection.
    pub signatures: crate::detect::Signatures,
    /// Substitution costs of look-alike characters.
    pub glyphs: GlyphCosts,
    /// Soft identities between consecutive years of one agency.
    pub links: Vec<crate::years::Link>,
}

impl Dictionaries {
    /// `f` of every table of every template, by template and then table index: the
    /// shape of the tables that outputs plan for once a run.
    pub fn per_table<T>(&self, mut f: impl FnMut(&Table) -> T) -> Vec<Vec<T>> {
        self.templates
            .iter()
            .map(|template| template.tables.iter().map(&mut f).collect())
            .collect()
    }

    /// The match keys of every row label of every template.
    pub fn row_keys(&self) -> Vec<&str> {
        self.templates
            .iter()
            .flat_map(|t| &t.tables)
            .flat_map(|t| &t.rows)
            .filter_map(|r| r.label.keys.first().map(String::as_str))
            .collect()
    }

    /// The dictionaries compiled into the binary.
    pub fn embedded() -> Result<Dictionaries, DictionaryError> {
        let lexicon = embedded_lexicon()?;
        let files: Vec<(String, String)> = EMBEDDED_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let glyphs = GlyphCosts::from_tsv(EMBEDDED_GLYPHS)
            .map_err(|m| DictionaryError::invalid("glyph_confusions.tsv", m))?;
        let links = crate::years::parse_links(EMBEDDED_LINKS)
            .map_err(|m| DictionaryError::invalid("links.toml", m))?;
        Dictionaries::build(lexicon, &files, glyphs, links)
    }

    /// Loads `lexicon.toml` and `templates/*.toml` from a folder (for new template versions
    /// without rebuilding).
    pub fn from_dir(dir: &Path) -> Result<Dictionaries, DictionaryError> {
        let read = |p: &Path| {
            fs::read_to_string(p)
                .map_err(|e| DictionaryError::invalid(p.display().to_string(), e.to_string()))
        };
        let lexicon = Lexicon::from_toml(&read(&dir.join("lexicon.toml"))?)?;
        let tdir = dir.join("templates");
        let entries = fs::read_dir(&tdir)
            .map_err(|e| DictionaryError::invalid(tdir.display().to_string(), e.to_string()))?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            files.push((p.display().to_string(), read(&p)?));
        }
        let gpath = dir.join("glyph_confusions.tsv");
        let glyphs = if gpath.exists() {
            GlyphCosts::from_tsv(&read(&gpath)?)
                .map_err(|m| DictionaryError::invalid(gpath.display().to_string(), m))?
        } else {
            GlyphCosts::default()
        };
        // Cross-year links are optional: a folder without them checks none.
        let lpath = dir.join("links.toml");
        let links = if lpath.exists() {
            crate::years::parse_links(&read(&lpath)?)
                .map_err(|m| DictionaryError::invalid(lpath.display().to_string(), m))?
        } else {
            Vec::new()
        };
        Dictionaries::build(lexicon, &files, glyphs, links)
    }

    fn build(
        lexicon: Lexicon,
        files: &[(String, String)],
        mut glyphs: GlyphCosts,
        links: Vec<crate::years::Link>,
    ) -> Result<Dictionaries, DictionaryError> {
        if files.is_empty() {
            return Err(DictionaryError::invalid(
                "templates/",
                "no template dictionaries (*.toml) found",
            ));
        }
        let mut templates = Vec::new();
        for (name, text) in files {
            let raw: RawTemplate =
                toml::from_str(text).map_err(|e| DictionaryError::invalid(name, e.to_string()))?;
            templates.push(compile(raw, &lexicon).map_err(|m| DictionaryError::invalid(name, m))?);
        }
        let all: Vec<Vec<String>> = templates.iter().map(|t| t.all_label_keys()).collect();
        for (i, t) in templates.iter_mut().enumerate() {
            let mut sig = Vec::new();
            for k in &all[i] {
                let elsewhere = all
                    .iter()
                    .enumerate()
                    .any(|(j, ks)| j != i && ks.iter().any(|o| o.contains(k.as_str())));
                if k.chars().count() >= 4 && !elsewhere && !sig.contains(k) {
                    sig.push(k.clone());
                }
            }
            t.signature = sig;
        }
        // Keys of numbered characters are compared bit-parallel first (similarity.rs).
        glyphs.learn_alphabet(all.iter().flatten().flat_map(|k| k.chars()));
        let headings = templates.iter().flat_map(|t| &t.sections);
        glyphs.learn_alphabet(headings.flat_map(|s| s.label.keys.iter().flat_map(|k| k.chars())));
        for t in &mut templates {
            t.number_keys(&glyphs);
        }
        let signatures =
            crate::detect::Signatures::new(&templates, all.iter().flatten().map(String::as_str));
        Ok(Dictionaries {
            lexicon,
            signatures,
            templates,
            glyphs,
            links,
        })
    }
}

fn compile(raw: RawTemplate, lex: &Lexicon) -> Result<Template, String> {
    let sections: Vec<Section> = raw
        .sections
        .iter()
        .map(|s| Section {
            id: s.id.clone(),
            label: Label::new(&s.label, &s.variants, lex),
        })
        .collect();
    let mut tables = Vec::new();
    for t in raw.tables {
        let section = sections
            .iter()
            .position(|s| s.id == t.section)
            .ok_or_else(|| format!("table {} names unknown section {:?}", t.id, t.section))?;
        tables.push(compile_table(t, section, lex)?);
    }
    Ok(Template {
        id: raw.id,
        name: raw.name,
        first_year: raw.first_year,
        last_year: raw.last_year,
        sections,
        tables,
        signature: Vec::new(),
    })
}

fn compile_table(t: RawTable, section: usize, lex: &Lexicon) -> Result<Table, String> {
    let gidx: HashMap<&str, usize> = t
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    if gidx.len() != t.groups.len() {
        return Err(format!("table {}: duplicate group id", t.id));
    }
    let find_group = |id: &str| {
        gidx.get(id)
            .copied()
            .ok_or_else(|| format!("table {}: unknown group {id:?}", t.id))
    };
    let mut groups = Vec::new();
    for g in &t.groups {
        let parent = g.parent.as_deref().map(find_group).transpose()?;
        groups.push(Group {
            id: g.id.clone(),
            label: Label::new(&g.label, &[], lex),
            parent,
        });
    }
    let path_of = |group: Option<usize>, own: &str| {
        let mut parts = vec![own.to_string()];
        let mut g = group;
        let mut guard = 0;
        while let Some(i) = g {
            parts.push(groups[i].label.text.clone());
            g = groups[i].parent;
            guard += 1;
            if guard > groups.len() {
                break;
            }
        }
        parts.reverse();
        parts.retain(|p| !p.is_empty());
        parts.join("/")
    };
    let mut rows = Vec::new();
    let mut blocks = Vec::new();
    for (bi, b) in t.blocks.iter().enumerate() {
        let block_group = b.group.as_deref().map(find_group).transpose()?;
        let mut columns = Vec::new();
        for c in &b.columns {
            if columns.iter().any(|x: &Column| x.id == c.id) {
                return Err(format!(
                    "table {} block {}: duplicate column id {:?}",
                    t.id, b.id, c.id
                ));
            }
            let group = c.group.as_deref().map(find_group).transpose()?;
            columns.push(Column {
                id: c.id.clone(),
                label: Label::new(&c.label, &c.variants, lex),
                path: path_of(group, &c.label),
                domain: c.domain,
            });
        }
        let start = rows.len();
        for r in &b.rows {
            if rows.iter().any(|x: &Row| x.id == r.id) {
                return Err(format!("table {}: duplicate row id {:?}", t.id, r.id));
            }
            let group = r
                .group
                .as_deref()
                .map(find_group)
                .transpose()?
                .or(block_group);
            rows.push(Row {
                id: r.id.clone(),
                label: Label::new(&r.label, &r.variants, lex),
                path: path_of(group, &r.label),
                block: bi,
                optional: r.optional,
                total_of: r.total_of.as_deref().map(find_group).transpose()?,
                group,
            });
        }
        if columns.is_empty() || rows.len() == start {
            return Err(format!(
                "table {} block {}: needs at least one row and one column",
                t.id, b.id
            ));
        }
        blocks.push(Block {
            id: b.id.clone(),
            columns,
            rows: start..rows.len(),
        });
    }
    let mut identities = Vec::new();
    for id in &t.identities {
        identities.push(compile_identity(id, &t.id, &blocks, &rows, &groups)?);
    }
    let mut soft_checks = Vec::new();
    for check in &t.soft_checks {
        soft_checks.push(compile_soft_check(check, &t.id, &blocks)?);
    }
    let covered = Table::covering(&blocks, &rows, &identities);
    Ok(Table {
        id: t.id,
        section,
        header_labels: t
            .header_labels
            .iter()
            .map(|h| Label::new(h, &[], lex))
            .collect(),
        groups,
        blocks,
        rows,
        identities,
        soft_checks,
        covered,
        stamp: {
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        },
    })
}

fn compile_soft_check(
    check: &RawSoftCheck,
    table: &str,
    blocks: &[Block],
) -> Result<SoftCheck, String> {
    let err = |m: String| format!("table {table} soft check {}: {m}", check.id);
    let first = check
        .at_least
        .first()
        .ok_or_else(|| err("empty at_least".into()))?;
    let block = blocks
        .iter()
        .position(|b| b.columns.iter().any(|c| &c.id == first))
        .ok_or_else(|| err(format!("unknown column {first:?}")))?;
    let resolve = |names: &[String]| -> Result<Vec<usize>, String> {
        names
            .iter()
            .map(|name| {
                blocks[block]
                    .columns
                    .iter()
                    .position(|c| &c.id == name)
                    .ok_or_else(|| {
                        err(format!(
                            "unknown column {name:?} in block {}",
                            blocks[block].id
                        ))
                    })
            })
            .collect()
    };
    let (at_least, than) = (resolve(&check.at_least)?, resolve(&check.than)?);
    if than.is_empty() {
        return Err(err("empty than".into()));
    }
    Ok(SoftCheck {
        id: check.id.clone(),
        description: check.description.clone(),
        block,
        at_least,
        than,
    })
}

fn compile_identity(
    id: &RawIdentity,
    table: &str,
    blocks: &[Block],
    rows: &[Row],
    groups: &[Group],
) -> Result<Identity, String> {
    let err = |m: String| format!("table {table} identity {}: {m}", id.id);
    let terms = id.lhs.iter().chain(&id.rhs);
    let block = match id.over {
        Over::Rows => {
            let first = id.lhs.first().ok_or_else(|| err("empty lhs".into()))?;
            blocks
                .iter()
                .position(|b| b.columns.iter().any(|c| &c.id == first))
                .ok_or_else(|| err(format!("unknown column {first:?}")))?
        }
        Over::Columns => {
            let first = terms
                .clone()
                .find(|t| !t.starts_with('@'))
                .ok_or_else(|| err("no row term".into()))?;
            rows.iter()
                .find(|r| &r.id == first)
                .map(|r| r.block)
                .ok_or_else(|| err(format!("unknown row {first:?}")))?
        }
    };
    let resolve = |name: &String| -> Result<Term, String> {
        match (id.over, name.strip_prefix('@')) {
            (Over::Rows, None) => blocks[block]
                .columns
                .iter()
                .position(|c| &c.id == name)
                .map(Term::Item)
                .ok_or_else(|| {
                    err(format!(
                        "unknown column {name:?} in block {}",
                        blocks[block].id
                    ))
                }),
            (Over::Rows, Some(_)) => Err(err("groups of columns are not supported".into())),
            (Over::Columns, None) => rows
                .iter()
                .position(|r| &r.id == name && r.block == block)
                .map(Term::Item)
                .ok_or_else(|| {
                    err(format!(
                        "unknown row {name:?} in block {}",
                        blocks[block].id
                    ))
                }),
            (Over::Columns, Some(g)) => {
                let gi = groups
                    .iter()
                    .position(|x| x.id == g)
                    .ok_or_else(|| err(format!("unknown group {g:?}")))?;
                let members: Vec<usize> = (0..rows.len())
                    .filter(|&r| rows[r].group == Some(gi))
                    .collect();
                if members.is_empty() {
                    return Err(err(format!("group {g:?} has no rows")));
                }
                let total = rows.iter().position(|r| r.total_of == Some(gi));
                Ok(Term::Group { members, total })
            }
        }
    };
    Ok(Identity {
        id: id.id.clone(),
        description: id.description.clone(),
        over: id.over,
        block,
        lhs: id.lhs.iter().map(resolve).collect::<Result<_, _>>()?,
        rhs: id.rhs.iter().map(resolve).collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_compile_with_the_official_shape() {
        let d = Dictionaries::embedded().unwrap();
        let ids: Vec<&str> = d.templates.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["2019", "2021"]);
        for t in &d.templates {
            let req = t.table("requests").unwrap();
            assert_eq!(req.blocks[0].columns.len(), 7);
            let app = t.table("appeals").unwrap();
            assert_eq!(app.blocks[0].columns.len(), 15);
            assert_eq!(app.rows.len(), 1);
            assert!(
                !t.signature.is_empty(),
                "template {} has no distinctive labels",
                t.id
            );
        }
        let t19 = &d.templates[0];
        let req = t19.table("requests").unwrap();
        assert_eq!(req.rows.len(), 23);
        let r = req.rows.iter().find(|r| r.id == "refused_safety").unwrap();
        assert_eq!(
            r.path,
            "三、本年度办理结果/（三）不予公开/3.危及“三安全一稳定”"
        );
        let c = &req.blocks[0].columns[1];
        assert_eq!(c.path, "法人或其他组织/商业企业");
        let t21 = &d.templates[1];
        let req21 = t21.table("requests").unwrap();
        assert_eq!(req21.rows.iter().filter(|r| !r.optional).count(), 25);
        let app = t21.table("appeals").unwrap();
        assert_eq!(
            app.blocks[0].columns[7].path,
            "行政诉讼/未经复议直接起诉/其他结果"
        );
    }

    #[test]
    fn signatures_tell_the_versions_apart() {
        let d = Dictionaries::embedded().unwrap();
        let lex = &d.lexicon;
        let has = |t: &Template, s: &str| t.signature.contains(&key(s, lex));
        assert!(has(&d.templates[0], "本年新制作数量"));
        assert!(has(&d.templates[1], "本年制发件数"));
        assert!(!has(&d.templates[0], "规范性文件"));
    }

    /// The error of loading the 2019 template, as `broken.toml`, with `from` made `to`.
    fn broken_2019(from: &str, to: &str) -> DictionaryError {
        let text = EMBEDDED_TEMPLATES[0].1.replace(from, to);
        Dictionaries::build(
            embedded_lexicon().unwrap(),
            &[("broken.toml".into(), text)],
            GlyphCosts::default(),
            Vec::new(),
        )
        .unwrap_err()
    }

    #[test]
    fn bad_references_are_reported_with_the_file() {
        let err = broken_2019("lhs = [\"results_total\"]", "lhs = [\"no_such_row\"]");
        assert_eq!(err.file, "broken.toml");
        assert!(err.message.contains("no_such_row"), "{}", err.message);
    }

    #[test]
    fn soft_checks_compile_and_a_bad_column_is_reported() {
        let d = Dictionaries::embedded().unwrap();
        for t in &d.templates {
            let proactive = t.table("proactive").unwrap();
            assert_eq!(proactive.soft_checks.len(), 1, "template {}", t.id);
            let check = &proactive.soft_checks[0];
            assert_eq!(proactive.blocks[check.block].id, "art20_1");
        }
        let err = broken_2019("than = [\"published\"]", "than = [\"no_such_column\"]");
        assert!(err.message.contains("no_such_column"), "{}", err.message);
    }
}
