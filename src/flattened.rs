//! Crawler dumps → lines: tables flattened onto one long line, broken back into rows.
//!
//! Takes a document's normalised lines and the row labels of every template; when a
//! line holds many of them (a whole table run together, as crawler text dumps of HTML
//! pages have it), gives the text broken before every ordinal (`一、`, `（一）`, `1.`),
//! with a space between a label and the digits glued to it on either side. The digits
//! of one row stay one run (`640020470`): cutting them into cells is for the
//! identities to decide (see [`crate::split`]). Other documents are left as they are.

use std::sync::LazyLock;

use regex::Regex;

use crate::dictionary::Dictionaries;
use crate::lexicon::Lexicon;
use crate::normalize::key;

/// A line at least this long, holding at least this many row labels, is a flattened
/// table: OCR and PDF text lines are far shorter and hold one row each.
const FLAT_LINE_CHARS: usize = 300;
const FLAT_LINE_LABELS: usize = 5;
/// Labels shorter than this are too common in prose (其他, 规章) to count.
const MIN_LABEL_CHARS: usize = 4;

/// An arabic row ordinal (`2.其他`), also right after the previous row's digits.
static ARABIC_ORDINAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([^\n])([1-9][.、]\p{Han})").expect("static pattern"));
/// A label followed by digits (`数量640020470`, `收费35-15`).
static LABEL_DIGITS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([\p{Han}）)])([0-9-])").expect("static pattern"));
/// Digits followed by a label.
static DIGITS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9])(\p{Han}+)").expect("static pattern"));

/// Whether some line of `lines` is a table flattened onto one line: it is long and
/// holds at least `FLAT_LINE_LABELS` of `labels` (row label match keys). `labels` is
/// only asked for when a line is long enough, so ordinary text pays nothing for it.
pub fn is_flattened<'a>(
    lines: &[&str],
    labels: impl FnOnce() -> Vec<&'a str>,
    lex: &Lexicon,
) -> bool {
    let long: Vec<&&str> = lines.iter().filter(|l| long_line(l)).collect();
    if long.is_empty() {
        return false;
    }
    let labels = labels();
    long.iter().any(|l| {
        let k = key(l, lex);
        labels
            .iter()
            .filter(|lab| lab.chars().count() >= MIN_LABEL_CHARS && k.contains(*lab))
            .count()
            >= FLAT_LINE_LABELS
    })
}

/// Whether `line` holds at least [`FLAT_LINE_CHARS`] characters. A line has no more
/// characters than bytes: most lines are too short for their characters to be counted.
fn long_line(line: &str) -> bool {
    line.len() >= FLAT_LINE_CHARS && line.chars().count() >= FLAT_LINE_CHARS
}

/// What breaks a flattened table into rows besides ordinals, as match keys: the
/// labels of rows without an ordinal (规章, 行政许可 …; a line break goes before one
/// that digits follow) and the section headings (a line break goes after one).
#[derive(Debug, Default)]
pub struct Breaks<'a> {
    /// Row labels without an ordinal.
    pub labels: Vec<&'a str>,
    /// Section headings.
    pub headings: Vec<&'a str>,
}

impl<'a> Breaks<'a> {
    /// The breaks every template of `dict` gives.
    pub fn of(dict: &'a Dictionaries) -> Breaks<'a> {
        Breaks {
            labels: dict
                .templates
                .iter()
                .flat_map(|t| &t.tables)
                .flat_map(|t| &t.rows)
                .filter(|r| r.label.ordinal.is_none())
                .flat_map(|r| r.label.keys.iter().map(String::as_str))
                .collect(),
            headings: dict
                .templates
                .iter()
                .flat_map(|t| &t.sections)
                .flat_map(|s| s.label.full_keys.iter().map(String::as_str))
                .collect(),
        }
    }
}

/// The lines broken back into one row (or heading) each; short lines (the title, a
/// header block) are kept as they are.
pub fn unflatten(lines: &[&str], lex: &Lexicon, breaks: &Breaks) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        if line.chars().count() < FLAT_LINE_CHARS {
            out.push(line.to_string());
            continue;
        }
        let broken = lex.numeral_ordinal.replace_all(line, "$1\n$2");
        let broken = ARABIC_ORDINAL.replace_all(&broken, "$1\n$2");
        let broken: String = broken
            .split('\n')
            .map(|l| break_at_labels(l, lex, breaks))
            .collect::<Vec<_>>()
            .join("\n");
        let spaced = LABEL_DIGITS.replace_all(&broken, "$1 $2");
        let spaced = DIGITS_LABEL.replace_all(&spaced, |c: &regex::Captures| {
            // A unit right after its number (`5394432.52元`) stays with it.
            let han = &c[2];
            if lex.unit_suffixes.iter().any(|u| u == han) {
                format!("{}{han}", &c[1])
            } else {
                format!("{} {han}", &c[1])
            }
        });
        out.extend(spaced.split('\n').map(|s| s.trim().to_string()));
    }
    out
}

/// One broken line, further broken after a heading it starts with and before each
/// row label that digits follow (the longest label where two overlap).
fn break_at_labels(line: &str, lex: &Lexicon, breaks: &Breaks) -> String {
    // The line's match key, and for each key character its byte offset in the line.
    let mut key_chars: Vec<(char, usize)> = Vec::new();
    for (i, ch) in line.char_indices() {
        let k = key(&ch.to_string(), lex);
        key_chars.extend(k.chars().map(|c| (c, i)));
    }
    let k: Vec<char> = key_chars.iter().map(|&(c, _)| c).collect();
    let find = |needle: &[char], from: usize| -> Option<usize> {
        (from..=k.len().checked_sub(needle.len())?).find(|&i| k[i..i + needle.len()] == *needle)
    };
    let mut cuts: Vec<usize> = Vec::new();
    for h in &breaks.headings {
        let h: Vec<char> = h.chars().collect();
        if !h.is_empty() && k.starts_with(&h) {
            if let Some(&(_, at)) = key_chars.get(h.len()) {
                cuts.push(at);
            }
        }
    }
    let mut labels: Vec<Vec<char>> = breaks.labels.iter().map(|l| l.chars().collect()).collect();
    labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for lab in labels.iter().filter(|l| !l.is_empty()) {
        let mut from = 0;
        while let Some(i) = find(lab, from) {
            let end = i + lab.len();
            from = i + 1;
            let digits_follow = k.get(end).is_some_and(|c| c.is_ascii_digit());
            let overlaps = taken.iter().any(|&(a, b)| i < b && a < end);
            if digits_follow && !overlaps && i > 0 {
                taken.push((i, end));
                cuts.push(key_chars[i].1);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::with_capacity(line.len() + cuts.len());
    let mut last = 0;
    for c in cuts {
        out.push_str(&line[last..c]);
        out.push('\n');
        last = c;
    }
    out.push_str(&line[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A line is long exactly when it has enough characters, counted or not.
        #[test]
        fn long_lines_are_those_with_enough_characters(
            ascii in 0usize..400,
            han in 0usize..200,
            other in 0usize..100,
        ) {
            let line = format!("{}{}{}", "a".repeat(ascii), "属".repeat(han), "é".repeat(other));
            proptest::prop_assert_eq!(long_line(&line), line.chars().count() >= FLAT_LINE_CHARS);
        }
    }

    #[test]
    fn a_flattened_table_is_broken_into_rows_with_its_digit_runs_apart() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let line = "规章 000规范性文件898989第二十条第（五）项信息内容行政许可3960181一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000政府集中采购13575394432.52元四、政府信息公开行政复议、行政诉讼情况 行政复议结果维持总计10203120001200000";
        let prose = "五、存在的主要问题及改进情况".to_string() + &"二是加强政策解读".repeat(30);
        let breaks = Breaks {
            labels: vec![
                "规章",
                "规范性文件",
                "行政规范性文件",
                "行政许可",
                "政府集中采购",
            ],
            headings: vec!["四政府信息公开行政复议行政诉讼情况"],
        };
        let got = unflatten(&[format!("{line}{prose}").as_str()], &lex, &breaks);
        assert_eq!(
            got,
            [
                "规章 000",
                "规范性文件 898989 第二十条第（五）项信息内容",
                "行政许可 3960181",
                "一、本年新收政府信息公开申请数量 640020470",
                "二、上年结转政府信息公开申请数量 0000000",
                "（三）不予公开",
                "1.属于国家秘密 0000000",
                "2.其他法律行政法规禁止公开 0000000",
                "政府集中采购 13575394432.52元",
                "四、政府信息公开行政复议、行政诉讼情况",
                "行政复议结果维持总计 10203120001200000",
                &prose,
            ]
        );
    }

    #[test]
    fn only_long_lines_full_of_row_labels_count_as_flattened() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let labels = [
            "本年新收政府信息公开申请数量",
            "属于国家秘密",
            "予以公开",
            "重复申请",
            "其他处理",
        ];
        let row = |l: &str| format!("{l}0000000");
        let flat: String = labels.iter().map(|l| row(l)).collect::<String>().repeat(6);
        assert!(is_flattened(&[flat.as_str()], || labels.to_vec(), &lex));
        let lines: Vec<String> = labels.iter().map(|l| row(l)).collect();
        assert!(!is_flattened(
            &crate::normalize::as_strs(&lines),
            || labels.to_vec(),
            &lex
        ));
    }
}
