//! How alike an OCR label is to a template label: text similarity (strsim) combined
//! with ordinal agreement.
//!
//! Takes match keys and ordinals, gives a score in [0, 1]. Kept apart from the
//! alignment so that a better text measure (glyph-aware costs) can replace
//! [`text_similarity`] without touching how rows are aligned.

use crate::dictionary::Label;
use crate::ordinal::Ordinal;

/// Weight of the text in a label's score when the template label has an ordinal.
const TEXT_WEIGHT: f64 = 0.65;
/// Ordinal credit when OCR lost the segment's ordinal: neither evidence for nor against.
const LOST_ORDINAL: f64 = 0.4;
/// Penalty for an ordinal that contradicts the template's.
const WRONG_ORDINAL: f64 = 0.15;

/// Normalised edit similarity of two match keys. A key cut short by a narrow cell
/// (`部分公开区分处理的只计这一情`) is also compared with the label's prefix of the
/// same length, discounted by how much is missing.
pub fn text_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let full = strsim::normalized_levenshtein(a, b);
    let (la, lb) = (a.chars().count(), b.chars().count());
    let prefix = if la < lb && la * 2 >= lb && la >= 4 {
        let p: String = b.chars().take(la).collect();
        strsim::normalized_levenshtein(a, &p) * (0.5 + 0.5 * la as f64 / lb as f64)
    } else {
        0.0
    };
    full.max(prefix)
}

/// A label score and what produced it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelScore {
    /// Combined score in [0, 1].
    pub score: f64,
    /// Text similarity alone.
    pub sim: f64,
    /// Which key matched best: 0 = canonical, else the variant's position.
    pub variant: usize,
}

/// Scores OCR text (its ordinal and body key) against a template label.
pub fn score_label(ordinal: Option<Ordinal>, body_key: &str, label: &Label) -> LabelScore {
    let (variant, sim) = label
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (i, text_similarity(body_key, k)))
        .fold(
            (0, -1.0),
            |best, cur| if cur.1 > best.1 { cur } else { best },
        );
    let score = match (label.ordinal, ordinal) {
        (Some(l), Some(s)) if l == s => TEXT_WEIGHT * sim + (1.0 - TEXT_WEIGHT),
        (Some(l), Some(s)) if l.n == s.n => TEXT_WEIGHT * sim + (1.0 - TEXT_WEIGHT) * 0.5,
        (Some(_), Some(_)) => TEXT_WEIGHT * sim - WRONG_ORDINAL,
        (Some(_), None) => TEXT_WEIGHT * sim + (1.0 - TEXT_WEIGHT) * LOST_ORDINAL,
        (None, Some(_)) => sim - WRONG_ORDINAL,
        (None, None) => sim,
    };
    LabelScore {
        score: score.clamp(0.0, 1.0),
        sim,
        variant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ordinal::OrdinalKind;

    #[test]
    fn identical_keys_score_one_and_unrelated_score_low() {
        assert_eq!(text_similarity("属于国家秘密", "属于国家秘密"), 1.0);
        assert!(text_similarity("属于国家秘密", "行政许可") < 0.2);
        assert_eq!(text_similarity("", "行政许可"), 0.0);
    }

    #[test]
    fn garbled_seed_labels_stay_closest_to_their_own_row() {
        let rows = [
            "属于国家秘密",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ];
        for (ocr, want) in [
            ("属于三类内部重名位自", 1),
            ("属于四类过和性位自", 2),
            ("属于行政执法安类", 3),
            ("属于行政查治重违", 4),
        ] {
            let best = (0..rows.len())
                .max_by(|&a, &b| {
                    text_similarity(ocr, rows[a]).total_cmp(&text_similarity(ocr, rows[b]))
                })
                .unwrap();
            assert_eq!(best, want, "{ocr}");
        }
    }

    #[test]
    fn ordinals_weigh_in() {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let label = Label::for_tests("4.保护第三方合法权益", &lex);
        let four = Some(Ordinal {
            kind: OrdinalKind::Arabic,
            n: 4,
        });
        let five = Some(Ordinal {
            kind: OrdinalKind::Arabic,
            n: 5,
        });
        let right = score_label(four, "保护第三方涉切关", &label);
        let wrong = score_label(five, "保护第三方涉切关", &label);
        let lost = score_label(None, "保护第三方涉切关", &label);
        assert!(
            right.score > lost.score && lost.score > wrong.score,
            "{right:?} {lost:?} {wrong:?}"
        );
    }
}
