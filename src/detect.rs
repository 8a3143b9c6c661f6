//! Template version detection: a document's text → which template it follows.
//!
//! Takes the match key of the whole document, gives the template whose distinctive
//! labels (those in no other version, computed from the dictionaries) occur most.
//! The year decides only when the content does not: 2021-era reports that still
//! print a 2019-shaped row are common, so the year alone is weak evidence.

use crate::dictionary::Template;

/// Which template, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detection {
    /// Index into the template list.
    pub template: usize,
    /// `content`, `year` or `default`.
    pub method: &'static str,
    /// Distinctive labels found for the chosen template.
    pub evidence: usize,
}

/// Picks the template for a document whose whole-text match key is `doc_key`.
pub fn detect_template(doc_key: &str, year: Option<u16>, templates: &[Template]) -> Detection {
    let hits: Vec<usize> = templates
        .iter()
        .map(|t| {
            t.signature_finders
                .iter()
                // memchr's search picks the bytes it scans for by rarity; the
                // standard library's scans for a signature's first and last bytes,
                // which in Chinese text are the lead bytes of most characters.
                .filter(|f| f.find(doc_key.as_bytes()).is_some())
                .count()
        })
        .collect();
    let max = hits.iter().copied().max().unwrap_or(0);
    let leaders: Vec<usize> = (0..templates.len()).filter(|&i| hits[i] == max).collect();
    if max > 0 && leaders.len() == 1 {
        return Detection {
            template: leaders[0],
            method: "content",
            evidence: max,
        };
    }
    if let Some(y) = year {
        if let Some(&i) = leaders.iter().find(|&&i| templates[i].covers_year(y)) {
            return Detection {
                template: i,
                method: "year",
                evidence: hits[i],
            };
        }
    }
    // Nothing to go on: the newest version, which current reports use.
    let i = *leaders.last().unwrap_or(&0);
    Detection {
        template: i,
        method: "default",
        evidence: hits.get(i).copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::normalize::key;

    #[test]
    fn content_beats_year() {
        let d = Dictionaries::embedded().unwrap();
        let k = key(
            "信息内容 本年制发件数 本年废止件数 现行有效件数",
            &d.lexicon,
        );
        let det = detect_template(&k, Some(2020), &d.templates);
        assert_eq!(
            (d.templates[det.template].id.as_str(), det.method),
            ("2021", "content")
        );
        let k = key("信息内容 本年新制作数量 本年新公开数量", &d.lexicon);
        assert_eq!(
            d.templates[detect_template(&k, Some(2023), &d.templates).template].id,
            "2019"
        );
    }

    #[test]
    fn the_prebuilt_searchers_look_for_the_signatures() {
        let d = Dictionaries::embedded().unwrap();
        for t in &d.templates {
            let needles: Vec<&[u8]> = t.signature_finders.iter().map(|f| f.needle()).collect();
            let keys: Vec<&[u8]> = t.signature.iter().map(|s| s.as_bytes()).collect();
            assert_eq!(needles, keys);
        }
    }

    #[test]
    fn year_decides_when_content_is_silent() {
        let d = Dictionaries::embedded().unwrap();
        let det = detect_template("", Some(2020), &d.templates);
        assert_eq!(
            (d.templates[det.template].id.as_str(), det.method),
            ("2019", "year")
        );
        let det = detect_template("", None, &d.templates);
        assert_eq!(
            (d.templates[det.template].id.as_str(), det.method),
            ("2021", "default")
        );
    }
}
