//! Sections and title: normalised lines → the report's title (agency, year), its
//! section headings (一 … 六) and the line range that holds each table.
//!
//! Headings are aligned to the template's section list in order, as table rows are
//! (lines that keep their `一、` by [`align_headings`], which gives `align_rows`'
//! matches without a `Segment` a line), so a garbled heading is still found when
//! its ordinal and its neighbours agree; a heading that is not found widens the region of the
//! table before it instead of losing the table.

use std::ops::Range;
use std::rc::Rc;

use crate::align::{align_headings, align_rows, Heading};
use crate::candidates::Segment;
use crate::dictionary::{Label, Template};
use crate::lexicon::Lexicon;
use crate::normalize::{key, key_into};
use crate::ordinal::{split_ordinal, Ordinal, OrdinalKind};
use crate::similarity::GlyphCosts;

/// Headings are short; a longer line is prose.
const MAX_HEADING_KEY: usize = 40;
/// A heading match below this is not trusted.
const MIN_HEADING_SCORE: f64 = 0.6;
/// The title is near the top.
const TITLE_SEARCH_LINES: usize = 40;
/// An agency name on the line above the title is short.
const MAX_AGENCY_CHARS: usize = 40;

/// What the title says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Title {
    /// The issuing agency, as printed.
    pub agency: String,
    /// The report year.
    pub year: Option<u16>,
    /// The title's line (0-based), if one was found.
    pub line: Option<usize>,
}

/// Finds the report title near the top and reads the agency and year from it.
pub fn find_title(lines: &[&str], lex: &Lexicon) -> Title {
    for (i, line) in lines.iter().enumerate().take(TITLE_SEARCH_LINES) {
        // A title may wrap onto the next line (…关于2021年政府信息 / 公开工作年度报告).
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        let keyword = |t: &str| {
            let k = key(t, lex);
            let mut finders = lex.title_keys.iter().zip(&lex.title_finders);
            finders.find(|(_, f)| f.find(k.as_bytes()).is_some())
        };
        // The joined lines are read only when the line alone holds no keyword.
        let joined;
        let (kw, line) = match keyword(line) {
            Some((kw, _)) => (kw, *line),
            None => {
                joined = format!("{}{next}", line.trim());
                match keyword(&joined) {
                    // The keyword's own searcher, built once, instead of `contains`'
                    // set-up on every call.
                    Some((kw, f))
                        if !next.is_empty() && f.find(key(next, lex).as_bytes()).is_none() =>
                    {
                        (kw, joined.as_str())
                    }
                    _ => continue,
                }
            }
        };
        let mut text = line.trim();
        for p in &lex.title_prefixes {
            text = text.strip_prefix(p.as_str()).unwrap_or(text).trim();
        }
        let (mut agency, mut year) = match lex.year.captures(text) {
            Some(c) => {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                let mut before = text[..whole.start].trim();
                for s in &lex.title_agency_suffixes {
                    before = before.strip_suffix(s.as_str()).unwrap_or(before).trim();
                }
                // The year first (2019年上海市人民政府办公厅政府信息公开…): the agency
                // is what stands between the year and the keyword.
                let agency = if before.is_empty() {
                    before_keyword(&text[whole.end..], kw, lex)
                } else {
                    before.to_string()
                };
                (agency, c.get(1).and_then(|y| y.as_str().parse().ok()))
            }
            None => (before_keyword(text, kw, lex), None),
        };
        // OCR strews marks before a title (`。 陆良县…`, `” 常德市…`).
        agency = agency
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if agency.is_empty() {
            agency = agency_above(lines, i, lex);
        }
        if year.is_none() {
            year = lines[i.saturating_sub(1)..(i + 2).min(lines.len())]
                .iter()
                .find_map(|l| {
                    lex.year
                        .captures(l)
                        .and_then(|c| c.get(1)?.as_str().parse().ok())
                });
        }
        return Title {
            agency,
            year,
            line: Some(i),
        };
    }
    Title::default()
}

/// The text of a title line before its keyword (when it carries no year).
fn before_keyword(text: &str, kw: &str, lex: &Lexicon) -> String {
    // Walk characters until the key of the prefix reaches the keyword.
    for (pos, _) in text.char_indices() {
        if key(&text[pos..], lex).starts_with(kw) {
            return text[..pos].trim().to_string();
        }
    }
    String::new()
}

fn agency_above(lines: &[&str], title: usize, lex: &Lexicon) -> String {
    for l in lines[..title].iter().rev().take(3) {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let short = t.chars().count() <= MAX_AGENCY_CHARS;
        let no_digits = !t.chars().any(|c| c.is_ascii_digit());
        if short && no_digits && !lex.title_prefixes.iter().any(|p| t.starts_with(p.as_str())) {
            return t.to_string();
        }
        break;
    }
    String::new()
}

/// The line (0-based) of each of the template's section headings, if found.
pub fn find_sections(
    lines: &[&str],
    template: &Template,
    lex: &Lexicon,
    glyphs: &GlyphCosts,
) -> Vec<Option<usize>> {
    let labels: Vec<&Label> = template.sections.iter().map(|s| &s.label).collect();
    let align = |segs: &[Segment]| -> Vec<Option<usize>> {
        align_rows(segs, &labels, glyphs)
            .into_iter()
            .map(|m| {
                m.filter(|m| m.score.score >= MIN_HEADING_SCORE)
                    .map(|m| segs[m.first].line)
            })
            .collect()
    };
    // Most headings keep their `一、`: try those lines alone first (no other line's
    // key is needed then), and read every short line only when one is missing (a
    // heading whose ordinal OCR lost).
    let leads = numeral_leads(lex);
    // Their keys one after another, borrowed by the search instead of a `Segment`
    // (two strings) each: about ten such lines a report.
    let mut keys = String::new();
    let mut numbered = Vec::with_capacity(16);
    let mut numbered_lines = Vec::with_capacity(16);
    for (i, line) in lines.iter().enumerate() {
        // Only a line that starts with a numeral can open with `一、` (split_ordinal
        // reads `(` first, as a paren ordinal): the others are not parsed.
        let Some(start) = numeral_start(line, &leads, lex) else {
            continue;
        };
        let text = start.trim_end();
        let Some((o, rest)) = split_ordinal(text, lex) else {
            continue;
        };
        if o.kind == OrdinalKind::Section {
            let at = keys.len();
            key_into(rest, lex, &mut keys);
            if is_heading_key(keys.get(at..).unwrap_or_default()) {
                numbered.push(Heading {
                    ordinal: o,
                    key: at..keys.len(),
                });
                numbered_lines.push(i);
            } else {
                keys.truncate(at);
            }
        }
    }
    let quick: Vec<Option<usize>> = align_headings(&keys, &numbered, &labels, glyphs)
        .into_iter()
        .map(|m| {
            m.filter(|m| m.score.score >= MIN_HEADING_SCORE)
                .and_then(|m| numbered_lines.get(m.first).copied())
        })
        .collect();
    if quick.iter().all(Option::is_some) {
        return quick;
    }
    // One key buffer for every candidate: most keys are dropped at once (too long).
    let mut body_key = String::new();
    // The search reads only a candidate's line, ordinal and key: its text is left
    // empty, one string for all, instead of a copy of the line each.
    let no_text: Rc<str> = Rc::from("");
    let segs: Vec<Segment> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let text = line.trim();
            match split_ordinal(text, lex) {
                Some((o, rest)) => segment(i, &no_text, Some(o), rest, lex, &mut body_key),
                None => segment(i, &no_text, None, text, lex, &mut body_key),
            }
        })
        .collect();
    align(&segs)
}

/// A line as a heading candidate: short once reduced to its key (made in `buf`).
fn segment(
    i: usize,
    text: &Rc<str>,
    ordinal: Option<Ordinal>,
    body: &str,
    lex: &Lexicon,
    buf: &mut String,
) -> Option<Segment> {
    buf.clear();
    key_into(body, lex, buf);
    is_heading_key(buf).then(|| Segment {
        line: i,
        text: Rc::clone(text),
        ordinal,
        body_key: buf.as_str().into(),
        prose: false,
    })
}

/// Whether a line whose key is `key` may be a heading: short, and not empty.
fn is_heading_key(key: &str) -> bool {
    // A character takes one to four bytes: the count is needed only in between.
    let short = key.len() <= MAX_HEADING_KEY
        || key.len() <= 4 * MAX_HEADING_KEY && key.chars().count() <= MAX_HEADING_KEY;
    !key.is_empty() && short
}

/// A byte that opens a numeral's UTF-8 form ([`numeral_leads`]).
const NUMERAL_LEAD: u8 = 1;
/// A byte that may open a whitespace character (every one starts with one of these).
const SPACE_LEAD: u8 = 2;

/// Which bytes open a numeral's UTF-8 form or may open whitespace (bits
/// [`NUMERAL_LEAD`], [`SPACE_LEAD`]).
fn numeral_leads(lex: &Lexicon) -> [u8; 256] {
    let mut leads = [0; 256];
    for b in (0x09..=0x0d).chain([b' ', 0xc2]).chain(0xe1..=0xe3) {
        leads[usize::from(b)] = SPACE_LEAD;
    }
    for c in &lex.numerals {
        let mut utf8 = [0; 4];
        if let Some(&b) = c.encode_utf8(&mut utf8).as_bytes().first() {
            leads[usize::from(b)] |= NUMERAL_LEAD;
        }
    }
    leads
}

/// `line` from its first character on (its leading whitespace gone) when that is a
/// numeral other than `(`; `leads` is [`numeral_leads`]. A line whose first byte opens
/// neither a numeral nor whitespace (most: prose, numbers) is passed over at once, and
/// one whose first byte after its whitespace opens no numeral is not decoded.
fn numeral_start<'a>(line: &'a str, leads: &[u8; 256], lex: &Lexicon) -> Option<&'a str> {
    if leads[usize::from(*line.as_bytes().first()?)] == 0 {
        return None;
    }
    let start = trim_start(line);
    if leads[usize::from(*start.as_bytes().first()?)] & NUMERAL_LEAD == 0 {
        return None;
    }
    start
        .chars()
        .next()
        .is_some_and(|c| c != '(' && lex.is_numeral(c))
        .then_some(start)
}

/// `s.trim_start()`, the spaces and tabs that open many lines of spaced layouts
/// passed over eight or one at a time first (the general trim decodes each character
/// and asks whether it is whitespace).
fn trim_start(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = crate::normalize::past_spaces(b, 0);
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    // Both are ASCII bytes, so `i` is a character boundary.
    let rest = s.get(i..).unwrap_or_default();
    // Every whitespace character starts with one of these bytes: a line that opens
    // with another (a Han character, a digit) is not decoded to be asked.
    match rest.as_bytes().first() {
        Some(0x09..=0x0d | b' ' | 0xc2 | 0xe1..=0xe3) => rest.trim_start(),
        _ => rest,
    }
}

/// The lines that hold the table of section `s`: after its heading up to the next
/// heading found. A heading not found falls back to the one before it.
pub fn region(headings: &[Option<usize>], s: usize, n_lines: usize) -> Range<usize> {
    let start = headings[..=s.min(headings.len().saturating_sub(1))]
        .iter()
        .rev()
        .find_map(|h| *h)
        .map_or(0, |h| h + 1);
    let end = headings
        .iter()
        .skip(s + 1)
        .find_map(|h| *h)
        .filter(|&e| e >= start)
        .unwrap_or(n_lines);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::normalize::normalize_line;

    /// The normalised lines of `text`, leaked (a test's few lines) so that they can
    /// be handed out as the pipeline hands them: as `&str`.
    fn lines(text: &str) -> Vec<&'static str> {
        text.lines().map(|l| &*normalize_line(l).leak()).collect()
    }

    proptest::proptest! {
        /// A line whose ordinal is a section's starts with a numeral, other than `(`,
        /// once its leading whitespace is gone: the lines the heading search skips
        /// unparsed hold none.
        #[test]
        fn section_ordinals_start_with_a_numeral(line in "[ \t\u{3000}(（)）一二三十、.,1２a属]{0,8}") {
            let d = Dictionaries::embedded().unwrap();
            let lex = &d.lexicon;
            let section = split_ordinal(line.trim(), lex).is_some_and(|(o, _)| o.kind == OrdinalKind::Section);
            let first = line.trim_start().chars().next();
            proptest::prop_assert!(!section || first.is_some_and(|c| c != '(' && lex.is_numeral(c)));
        }
    }

    proptest::proptest! {
        /// The lead-byte test passes over exactly the lines whose first character,
        /// decoded after the general trim, is no numeral (or is `(`).
        #[test]
        fn numeral_start_is_the_decoded_test(line in "[ \t\u{b}\u{3000}\u{a0}\u{2003}\u{1680}(（)）一二三十、.,1２a属五九]{0,8}") {
            let d = Dictionaries::embedded().unwrap();
            let lex = &d.lexicon;
            let start = line.trim_start();
            let plain = start
                .chars()
                .next()
                .is_some_and(|c| c != '(' && lex.is_numeral(c))
                .then_some(start);
            proptest::prop_assert_eq!(numeral_start(&line, &numeral_leads(lex), lex), plain);
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_start_is_the_general_trim(s in "[ \t\u{3000}\u{b}\u{a0}a一]{0,40}") {
            proptest::prop_assert_eq!(trim_start(&s), s.trim_start());
        }
    }

    #[test]
    fn every_whitespace_character_opens_with_a_space_lead() {
        let d = Dictionaries::embedded().unwrap();
        let leads = numeral_leads(&d.lexicon);
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let mut utf8 = [0; 4];
            let first = c.encode_utf8(&mut utf8).as_bytes()[0];
            let lead = leads[usize::from(first)];
            assert!(!c.is_whitespace() || lead & SPACE_LEAD != 0, "{c:?}");
            assert!(
                !d.lexicon.is_numeral(c) || lead & NUMERAL_LEAD != 0,
                "{c:?}"
            );
        }
    }

    #[test]
    fn trim_start_is_the_general_trim_for_every_character() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            for s in [format!("{c}a"), format!("  \t{c}{c}")] {
                assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
            }
        }
    }

    #[test]
    fn title_on_two_lines() {
        let d = Dictionaries::embedded().unwrap();
        let t = find_title(
            &lines("\n盐池县政府办公室\n\n2019 年度政府信息公开工作年度报告\n依据"),
            &d.lexicon,
        );
        assert_eq!(
            (t.agency.as_str(), t.year, t.line),
            ("盐池县政府办公室", Some(2019), Some(3))
        );
    }

    #[test]
    fn a_title_that_starts_with_its_year_or_wraps_onto_the_next_line() {
        let d = Dictionaries::embedded().unwrap();
        let t = find_title(
            &lines("2019年上海市人民政府办公厅政府信息公开工作年度报告"),
            &d.lexicon,
        );
        assert_eq!(
            (t.agency.as_str(), t.year),
            ("上海市人民政府办公厅", Some(2019))
        );
        let t = find_title(
            &lines("临朐县西顺河镇人民政府关于2021 年政府信息\n公开工作年度报告\n正文"),
            &d.lexicon,
        );
        assert_eq!(
            (t.agency.as_str(), t.year, t.line),
            ("临朐县西顺河镇人民政府", Some(2021), Some(0))
        );
    }

    #[test]
    fn title_with_crawler_prefix() {
        let d = Dictionaries::embedded().unwrap();
        let t = find_title(
            &lines("标题: 平潭综合实验区2019年度政府信息公开工作年度报告"),
            &d.lexicon,
        );
        assert_eq!((t.agency.as_str(), t.year), ("平潭综合实验区", Some(2019)));
        assert_eq!(
            find_title(&lines("今日天气晴"), &d.lexicon),
            Title::default()
        );
    }

    #[test]
    fn headings_found_in_order_and_regions_span_to_the_next() {
        let d = Dictionaries::embedded().unwrap();
        let text = "一、总体情况\n正文\n二、主动公开政府信息情况\n规章 0 0 0\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1\n四、结转下年度继续办理 0\n四、政府信息公开行政复议、行政诉讼情况\n0 0\n五、存在的主要问题及改进情况\n六、其他需要报告的事项";
        let h = find_sections(&lines(text), &d.templates[1], &d.lexicon, &d.glyphs);
        assert_eq!(h, [Some(0), Some(2), Some(4), Some(7), Some(9), Some(10)]);
        assert_eq!(region(&h, 2, 11), 5..7);
        let missing = [Some(0), Some(2), None, Some(7), Some(9), Some(10)];
        assert_eq!(region(&missing, 2, 11), 3..7);
    }
}
