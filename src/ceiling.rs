//! The oracle ceiling of the evaluation: a document's text and its truth → how many
//! truth cells a perfect reader could get.
//!
//! A cell **survives** when its value is in the text on its own row's lines, in
//! order: the truth rows are laid over the text's number-bearing lines in order, each
//! row over a run of at most (its cells + 3) consecutive lines and no line serving two
//! rows, and within each row the values are matched as a longest common subsequence;
//! the layout maximising the matches is taken (an oracle: it uses the truth to align).
//! A whole-document subsequence without rows would let one line of zeros stand for
//! the zeros of many rows, crediting the oracle with cells no text shows. The cells
//! the template's identities then **determine** are found by the propagation
//! reconciliation itself uses ([`crate::solve`]).

use std::collections::HashMap;

use crate::dictionary::Dictionaries;
use crate::document::split_lines;
use crate::eval::TruthDoc;
use crate::lexicon::Lexicon;
use crate::model::{RowPresence, TableResult};
use crate::normalize::normalize_line;
use crate::numbers::{cells_from_first_token, parse_cell, Num, Token};
use crate::ordinal::is_han;
use crate::sections::{find_sections, region};
use crate::solve::{Grid, System};
use std::ops::Range;

/// Lines a row's values may spread over beyond one per cell (a label wrapped
/// around them, a stray line between).
const SPREAD: usize = 3;

/// The oracle ceilings of one document: for each truth cell (in the truth's order)
/// whether it is within each ceiling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ceiling {
    /// The value survives in the text on its row's lines, in order.
    pub survives: Vec<bool>,
    /// It survives or the identities determine it from those that do.
    pub determinable: Vec<bool>,
    /// As `determinable`, but starting only from rows whose every value survives: a
    /// row that kept some of its values does not show which columns they are in (a
    /// reader can only place them where the identities do), so this estimates what the
    /// text lets a reader know without the truth's help.
    pub whole_rows: Vec<bool>,
}

impl Ceiling {
    /// Cells within each ceiling: (survive, determinable, whole rows).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |v: &[bool]| v.iter().filter(|&&k| k).count();
        (
            n(&self.survives),
            n(&self.determinable),
            n(&self.whole_rows),
        )
    }
}

/// The oracle ceilings of `text` against its truth (see the module docs).
pub fn ceiling(text: &str, truth: &TruthDoc, dict: &Dictionaries) -> Ceiling {
    let labels = row_labels(truth, dict);
    let owned: Vec<String> = split_lines(text).map(normalize_line).collect();
    let lines: Vec<&str> = owned.iter().map(String::as_str).collect();
    let known = survivors(
        &owned,
        truth,
        &labels,
        &table_regions(&lines, truth, dict),
        &dict.lexicon,
    );
    // A row is whole when every cell of it with a value survives.
    let mut whole = known.clone();
    let mut start = 0;
    while start < truth.cells.len() {
        let key = (&truth.cells[start].table, &truth.cells[start].row);
        let end = (start..truth.cells.len())
            .find(|&i| (&truth.cells[i].table, &truth.cells[i].row) != key)
            .unwrap_or(truth.cells.len());
        let complete = (start..end).all(|i| known[i] || truth.cells[i].value.is_none());
        if !complete {
            whole[start..end].iter_mut().for_each(|k| *k = false);
        }
        start = end;
    }
    Ceiling {
        determinable: determined(known.clone(), truth, dict),
        whole_rows: determined(whole, truth, dict),
        survives: known,
    }
}

/// Which truth cells are `known` or determined from those by the identities (a cell
/// without a value never counts).
fn determined(mut known: Vec<bool>, truth: &TruthDoc, dict: &Dictionaries) -> Vec<bool> {
    for (k, c) in known.iter_mut().zip(&truth.cells) {
        *k &= c.value.is_some();
    }
    let Some(template) = dict.templates.iter().find(|t| t.id == truth.template) else {
        return known;
    };
    let index: HashMap<(&str, &str, &str), usize> = truth
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.table.as_str(), c.row.as_str(), c.column.as_str()), i))
        .collect();
    for table in &template.tables {
        let rows = table
            .rows
            .iter()
            .map(|r| {
                if truth
                    .cells
                    .iter()
                    .any(|c| c.table == table.id && c.row == r.id)
                {
                    RowPresence::Found
                } else {
                    RowPresence::Omitted
                }
            })
            .collect();
        let tr = TableResult {
            table: 0,
            rows,
            cells: Vec::new(),
        };
        let at = |r: usize, c: usize| {
            index
                .get(&(
                    table.id.as_str(),
                    table.rows[r].id.as_str(),
                    table.blocks[table.rows[r].block]
                        .columns
                        .get(c)
                        .map_or("", |x| x.id.as_str()),
                ))
                .copied()
        };
        // What the identities force from the surviving cells, by the same propagation
        // reconciliation uses (single unknowns, and non-negative unknowns summing to 0).
        let grid: Grid = table
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                (0..table.blocks[row.block].columns.len())
                    .map(|c| {
                        at(r, c)
                            .filter(|&i| known[i])
                            .and_then(|i| truth.cells[i].value)
                    })
                    .collect()
            })
            .collect();
        let forced = System::new(table, &tr).propagate(&grid);
        for (r, row) in forced.values.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let Some(i) = at(r, c) {
                    if v.is_some() && *v == truth.cells[i].value {
                        known[i] = true;
                    }
                }
            }
        }
    }
    known
}

/// Weight of one surviving value against the label evidence: a layout's score is
/// matches × this + the rows' label scores (each at most [`LABEL_POINTS`]), so the
/// labels only choose among layouts with equally many matches (at most 40 rows × 100 <
/// 10,000).
const MATCH_WEIGHT: u64 = 10_000;
/// Label score of a row whose label characters are all in its lines' text.
const LABEL_POINTS: u64 = 100;

/// The characters of each truth cell's row label (canonical match key), by
/// (table, row) id; empty where the template does not know the row.
fn row_labels(truth: &TruthDoc, dict: &Dictionaries) -> HashMap<(String, String), Vec<char>> {
    let mut out = HashMap::new();
    let Some(template) = dict.templates.iter().find(|t| t.id == truth.template) else {
        return out;
    };
    for table in &template.tables {
        for row in &table.rows {
            let key = row.label.keys.first().map_or(Vec::new(), |k| {
                let mut cs: Vec<char> = k.chars().filter(|c| !c.is_whitespace()).collect();
                cs.sort_unstable();
                cs.dedup();
                cs
            });
            out.insert((table.id.clone(), row.id.clone()), key);
        }
    }
    out
}

/// How much of a row's label shows in `text`: the share of its distinct characters
/// found there, in [`LABEL_POINTS`].
fn label_points(label: &[char], text: &str) -> u64 {
    if label.is_empty() {
        return 0;
    }
    let hits = label.iter().filter(|c| text.contains(**c)).count();
    hits as u64 * LABEL_POINTS / label.len() as u64
}

/// The values a line holds, read as the pipeline reads a line's cells (a lone `]` is
/// a 1 only right after a number, or in a line of nothing but cells), less a label's
/// ordinal that lost its mark (`3 其他` for `3.其他`): a line's first number, 1 to 9,
/// with words right after it and none before it. The template prints no cell before
/// its row's label, so such a number is not a value, and the oracle must not credit
/// it as one (a `3 其他` line stood for a total row's 3).
fn line_values(norm: &str, lex: &Lexicon) -> Vec<Num> {
    let words = |t: &&str| t.chars().take_while(|&c| is_han(c)).count() >= 2;
    let cells_only = cells_from_first_token(norm.split_whitespace(), lex);
    let tokens: Vec<&str> = norm.split_whitespace().collect();
    let mut after_number = false;
    let mut first = true;
    let mut nums = Vec::new();
    for (k, tok) in tokens.iter().enumerate() {
        let read = parse_cell(tok, lex, true, after_number || cells_only);
        after_number = matches!(read, Token::Number(_));
        if let Token::Number(p) = read {
            let ordinal = first
                && (1..=9).any(|n| p.value == Num::int(n))
                && tokens.get(k + 1).is_some_and(words)
                && !tokens[..k]
                    .iter()
                    .any(|t| t.chars().filter(|&c| is_han(c)).count() >= 2);
            first = false;
            if !ordinal {
                nums.push(p.value);
            }
        }
    }
    nums
}

/// The lines (0-based, as [`crate::document`] numbers them) that may hold each
/// table's values, by table id: from the table's section heading to the next heading
/// found, as the reader finds them. A value under another table's heading is not this
/// table's value surviving, though the oracle's alignment would take it: one stray 0
/// from table 二 laid on table 三's total would let the identities credit the whole
/// table. A heading not found widens the region (see [`crate::sections::region`]).
fn table_regions(
    lines: &[&str],
    truth: &TruthDoc,
    dict: &Dictionaries,
) -> HashMap<String, Range<usize>> {
    let Some(template) = dict.templates.iter().find(|t| t.id == truth.template) else {
        return HashMap::new();
    };
    let headings = find_sections(lines, template, &dict.lexicon, &dict.glyphs);
    template
        .tables
        .iter()
        .map(|t| (t.id.clone(), region(&headings, t.section, lines.len())))
        .collect()
}

/// Which truth cells survive in `text` (see the module docs). Among the layouts with
/// the most surviving values the one whose lines read most like their rows' labels is
/// taken: without it a row whose line lost its numbers could borrow its neighbour's
/// line of zeros whenever both rows are all zeros, and the identities would then
/// credit the oracle with values no reader could place.
fn survivors(
    text_lines: &[String],
    truth: &TruthDoc,
    labels: &HashMap<(String, String), Vec<char>>,
    regions: &HashMap<String, Range<usize>>,
    lex: &Lexicon,
) -> Vec<bool> {
    // Each number-bearing line, with its own text and that of the lines since the
    // previous one (a label wrapped above its numbers).
    let mut lines: Vec<Vec<Num>> = Vec::new();
    let mut context: Vec<(String, String)> = Vec::new();
    let mut at_line: Vec<usize> = Vec::new();
    let mut pending = String::new();
    for (i, norm) in text_lines.iter().enumerate() {
        let nums = line_values(norm, lex);
        if nums.is_empty() {
            pending.push_str(norm);
        } else {
            lines.push(nums);
            at_line.push(i);
            context.push((norm.clone(), std::mem::take(&mut pending)));
        }
    }
    // The truth's rows in order: the index and value of each cell with a value.
    let mut rows: Vec<Vec<(usize, Num)>> = Vec::new();
    let mut row_label: Vec<&[char]> = Vec::new();
    let mut row_region: Vec<Option<&Range<usize>>> = Vec::new();
    let mut last: Option<(&str, &str)> = None;
    for (i, c) in truth.cells.iter().enumerate() {
        let key = (c.table.as_str(), c.row.as_str());
        if last != Some(key) {
            rows.push(Vec::new());
            row_label.push(
                labels
                    .get(&(c.table.clone(), c.row.clone()))
                    .map_or(&[], |v| v.as_slice()),
            );
            row_region.push(regions.get(&c.table));
            last = Some(key);
        }
        if let Some(v) = c.value {
            if let Some(row) = rows.last_mut() {
                row.push((i, v));
            }
        }
    }
    let (n_rows, n_lines) = (rows.len(), lines.len());
    // best[r][l]: best score for rows r.. over lines l..; how[r][l]: the choice.
    let mut best = vec![vec![0u64; n_lines + 1]; n_rows + 1];
    let mut how = vec![vec![Step::SkipRow; n_lines + 1]; n_rows + 1];
    for r in (0..n_rows).rev() {
        let want: Vec<Num> = rows[r].iter().map(|&(_, v)| v).collect();
        for l in (0..=n_lines).rev() {
            let (mut b, mut h) = (best[r + 1][l], Step::SkipRow);
            if l < n_lines && best[r][l + 1] > b {
                (b, h) = (best[r][l + 1], Step::SkipLine);
            }
            // Longest common subsequence of the row with lines l..=e, grown line by line.
            let mut lcs = vec![0usize; want.len() + 1];
            let (mut own, mut above) = (String::new(), String::new());
            for e in l..n_lines.min(l + want.len() + SPREAD) {
                let inside = |k: usize| row_region[r].is_none_or(|g| g.contains(&at_line[k]));
                if !inside(l) || !inside(e) {
                    break;
                }
                own.push_str(&context[e].0);
                above.push_str(&context[e].1);
                for &t in &lines[e] {
                    let mut diag = 0;
                    for k in 1..=want.len() {
                        let up = lcs[k];
                        lcs[k] = if want[k - 1] == t {
                            diag + 1
                        } else {
                            lcs[k].max(lcs[k - 1])
                        };
                        diag = up;
                    }
                }
                let matched = lcs[want.len()] as u64;
                // A label on the row's own lines counts fully, one on the lines above
                // them half (those may be the end of the row before's wrapped label).
                let label = if matched > 0 {
                    label_points(row_label[r], &own).max(label_points(row_label[r], &above) / 2)
                } else {
                    0
                };
                let total = matched * MATCH_WEIGHT + label + best[r + 1][e + 1];
                if total > b {
                    (b, h) = (total, Step::Lines(e));
                }
            }
            best[r][l] = b;
            how[r][l] = h;
        }
    }
    let mut known = vec![false; truth.cells.len()];
    let (mut r, mut l) = (0, 0);
    while r < n_rows {
        match how[r][l] {
            Step::SkipRow => r += 1,
            Step::SkipLine => l += 1,
            Step::Lines(e) => {
                let seq: Vec<Num> = lines[l..=e].iter().flatten().copied().collect();
                let want: Vec<Num> = rows[r].iter().map(|&(_, v)| v).collect();
                for (k, hit) in lcs_matches(&want, &seq).into_iter().enumerate() {
                    known[rows[r][k].0] = hit;
                }
                r += 1;
                l = e + 1;
            }
        }
    }
    known
}

/// A choice of the row layout.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// The row takes no line.
    SkipRow,
    /// The line serves no row.
    SkipLine,
    /// The row takes the lines up to this one.
    Lines(usize),
}

/// Which of `want` appear in `seq` in order (a longest common subsequence).
fn lcs_matches(want: &[Num], seq: &[Num]) -> Vec<bool> {
    let (n, m) = (want.len(), seq.len());
    let w = m + 1;
    let mut dp = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i * w + j] = if want[i] == seq[j] {
                dp[(i + 1) * w + j + 1] + 1
            } else {
                dp[(i + 1) * w + j].max(dp[i * w + j + 1])
            };
        }
    }
    let mut out = vec![false; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if want[i] == seq[j] && dp[i * w + j] == dp[(i + 1) * w + j + 1] + 1 {
            out[i] = true;
            i += 1;
            j += 1;
        } else if dp[(i + 1) * w + j] >= dp[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcs_finds_values_in_order_and_skips_noise() {
        let n = |v: &[i64]| v.iter().map(|&x| Num::int(x)).collect::<Vec<_>>();
        assert_eq!(
            lcs_matches(&n(&[1, 2, 3]), &n(&[9, 1, 3, 2, 3])),
            [true, true, true]
        );
        assert_eq!(
            lcs_matches(&n(&[1, 2, 3]), &n(&[3, 2, 1])),
            [false, false, true]
        );
        assert_eq!(lcs_matches(&n(&[5]), &n(&[])), [false]);
    }

    fn doc(rows: &[(&str, &[i64])]) -> TruthDoc {
        let cells = rows
            .iter()
            .flat_map(|(row, values)| {
                values
                    .iter()
                    .enumerate()
                    .map(|(c, &v)| crate::eval::TruthCell {
                        table: "requests".into(),
                        row: (*row).into(),
                        column: c.to_string(),
                        value: Some(Num::int(v)),
                    })
            })
            .collect();
        TruthDoc {
            template: "2021".into(),
            layout: "ocr-text".into(),
            level: "0".into(),
            cells,
            lost_rows: Vec::new(),
        }
    }

    fn lines(text: &str) -> Vec<String> {
        split_lines(text).map(normalize_line).collect()
    }

    #[test]
    fn one_line_of_zeros_survives_for_one_row_only() {
        let lex = Dictionaries::embedded().unwrap().lexicon;
        let truth = doc(&[("a", &[0, 0, 0]), ("b", &[0, 0, 0]), ("c", &[0, 0, 0])]);
        // Rows a and b lost their numbers; c's line is all that is left.
        let known = survivors(
            &lines("a\nb\nc 0 0 0\n"),
            &truth,
            &HashMap::new(),
            &HashMap::new(),
            &lex,
        );
        assert_eq!(known.iter().filter(|&&k| k).count(), 3);
        assert!(known[6..9].iter().all(|&k| k) || known[0..3].iter().all(|&k| k));
    }

    #[test]
    fn a_label_ordinal_that_lost_its_mark_is_not_a_value() {
        let lex = Dictionaries::embedded().unwrap().lexicon;
        let n = |v: &[i64]| v.iter().map(|&x| Num::int(x)).collect::<Vec<_>>();
        for (line, want) in [
            ("3 其他 0 0 5", n(&[0, 0, 5])),
            ("(四) | 2 没有现成信息 1", n(&[1])),
            // A value after its label, a 0 (no ordinal), a number followed by a glyph.
            ("行政许可 2 第二十条第(六)项", n(&[2])),
            ("0 第二十条第(八)项", n(&[0])),
            ("1 0 0 0 0 生", n(&[1, 0, 0, 0, 0])),
            ("3 1 其他", n(&[3, 1])),
        ] {
            assert_eq!(line_values(&normalize_line(line), &lex), want, "{line}");
        }
    }

    #[test]
    fn rows_on_their_lines_survive_and_a_lost_value_does_not() {
        let lex = Dictionaries::embedded().unwrap().lexicon;
        let truth = doc(&[("a", &[4, 0, 4]), ("b", &[7, 1, 8])]);
        let known = survivors(
            &lines("a 4 | 0 4\nprose 2021\nb 7 8\n"),
            &truth,
            &HashMap::new(),
            &HashMap::new(),
            &lex,
        );
        assert_eq!(known, [true, true, true, true, false, true]);
    }

    #[test]
    fn equal_layouts_are_decided_by_the_rows_labels() {
        let lex = Dictionaries::embedded().unwrap().lexicon;
        let truth = doc(&[("a", &[0, 0, 0]), ("b", &[0, 0, 0]), ("c", &[0, 0, 0])]);
        let labels: HashMap<(String, String), Vec<char>> =
            [("a", "新收"), ("b", "结转"), ("c", "总计")]
                .into_iter()
                .map(|(r, l)| (("requests".to_string(), r.to_string()), l.chars().collect()))
                .collect();
        // Row b's line lost its numbers: the two lines left are a's and c's, as their
        // labels say, though b could take either with as many matches.
        let known = survivors(
            &lines("新收 0 0 0\n结转\n总计 0 0 0\n"),
            &truth,
            &labels,
            &HashMap::new(),
            &lex,
        );
        assert_eq!(
            known,
            [true, true, true, false, false, false, true, true, true]
        );
        let known = survivors(
            &lines("新收 0 0 0\n结转 0 0 0\n总计\n"),
            &truth,
            &labels,
            &HashMap::new(),
            &lex,
        );
        assert_eq!(
            known,
            [true, true, true, true, true, true, false, false, false]
        );
    }

    #[test]
    fn the_whole_row_ceiling_starts_only_from_rows_that_kept_every_value() {
        let dict = Dictionaries::embedded().unwrap();
        let truth = doc(&[("a", &[4, 0, 4]), ("b", &[7, 1, 8])]);
        let c = ceiling("a 4 0 4\nb 7 8\n", &truth, &dict);
        assert_eq!(c.counts(), (5, 5, 3));
        assert_eq!(c.whole_rows, [true, true, true, false, false, false]);
    }
}
