//! HTML pages and fragments → text lines.
//!
//! Takes decoded text that is HTML (a saved page, or a fragment of one) and gives the
//! lines the rest of the pipeline reads, as if the page had been printed: block
//! elements end a line, and every table row is one line with its cells joined by tabs,
//! one field per cell as the row has them. Spans are not laid out on a grid: publishers
//! put `colspan` on different cells in a header and in its data rows, so a row's own
//! cells, label first and values in order, are what it means; an empty cell is a blank
//! field (kept, also at the end of a row). `<br>` inside a cell joins its text.

use scraper::node::Node;
use scraper::{ElementRef, Html};

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "header",
    "footer",
    "title",
    "blockquote",
    "pre",
];

/// Elements whose text is never part of the report.
const SKIPPED: &[&str] = &["script", "style", "head", "noscript", "template"];

/// Whether `text` is HTML rather than plain text: it opens with markup and has
/// paragraph or table elements.
pub fn is_html(text: &str) -> bool {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if !start.starts_with('<') {
        return false;
    }
    let lower: String = start
        .chars()
        .take(200_000)
        .collect::<String>()
        .to_lowercase();
    ["<table", "<p", "<div", "<html", "<body", "<br"]
        .iter()
        .any(|t| lower.contains(t))
}

/// The page as lines of text, tables as tab-separated rows.
pub fn to_lines(text: &str) -> Vec<String> {
    let doc = Html::parse_document(text);
    let mut out = Lines::default();
    walk(doc.root_element(), &mut out);
    out.end_line();
    out.lines
}

#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    current: String,
}

impl Lines {
    fn push_text(&mut self, t: &str) {
        let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return;
        }
        if !self.current.is_empty() && t.starts_with(char::is_whitespace) {
            self.current.push(' ');
        }
        self.current.push_str(&collapsed);
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.current);
        if !line.trim().is_empty() {
            self.lines.push(line.trim().to_string());
        }
    }
}

fn walk(el: ElementRef, out: &mut Lines) {
    let name = el.value().name();
    if SKIPPED.contains(&name) {
        return;
    }
    if name == "table" {
        out.end_line();
        out.lines.extend(table_lines(el));
        return;
    }
    let block = BLOCKS.contains(&name);
    if block {
        out.end_line();
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_text(t),
            Node::Element(_) => {
                if let Some(e) = ElementRef::wrap(child) {
                    walk(e, out);
                }
            }
            _ => {}
        }
    }
    if block {
        out.end_line();
    }
}

/// The text of a table cell on one line (`<br>` and paragraphs inside it joined).
fn cell_text(el: ElementRef) -> String {
    el.text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
        // The tab is the cell separator of the lines this stage gives.
        .replace('\t', " ")
}

/// The rows of one table (nested tables' rows are their own), one line each.
fn table_lines(table: ElementRef) -> Vec<String> {
    table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr")
        .filter(|tr| nearest_table(*tr).is_some_and(|t| t.id() == table.id()))
        .map(|tr| {
            tr.children()
                .filter_map(ElementRef::wrap)
                .filter(|e| matches!(e.value().name(), "td" | "th"))
                .map(cell_text)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .filter(|line| !line.trim().is_empty())
        .collect()
}

fn nearest_table(el: ElementRef) -> Option<ElementRef> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_lines_and_tables_are_tab_separated_rows() {
        let html = "<p>一、总体情况</p><p>正文<b>加粗</b>继续</p>\
            <table><tr><td rowspan=\"2\">行政复议</td><td>结果<br/>维持</td><td colspan=\"2\">x</td></tr>\
            <tr><td>1</td><td>&nbsp;</td><td>3</td></tr><tr><td>&nbsp;</td></tr></table><p>五、问题</p>";
        assert!(is_html(html));
        assert_eq!(
            to_lines(html),
            [
                "一、总体情况",
                "正文加粗继续",
                "行政复议\t结果 维持\tx",
                "1\t\t3",
                "五、问题"
            ]
        );
    }

    #[test]
    fn plain_text_is_not_html() {
        assert!(!is_html("一、总体情况\n规章\t0\t0"));
        assert!(!is_html("a < b and <p> later"));
    }
}
