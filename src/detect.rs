//! Template version detection: a document's text → which template it follows.
//!
//! Takes the match key of the whole document, gives the template whose distinctive
//! labels (those in no other version, computed from the dictionaries) occur most.
//! The year decides only when the content does not: 2021-era reports that still
//! print a 2019-shaped row are common, so the year alone is weak evidence.

use crate::dictionary::{Dictionaries, Template};

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

/// Bytes in a window of [`Signatures`].
const WINDOW: usize = 4;
/// Bits of a window's hash: 4,096 buckets for a few hundred windows.
const BUCKET_BITS: u32 = 12;

/// Every template's signature keys, found in a document's key by one pass instead of
/// one search a signature (seventeen searches of the whole key a report). The pass
/// hashes the key's four-byte window at every `step`-th byte only, where `step` is
/// the shortest signature's length less three: an occurrence of a signature then
/// holds a sampled window whole, at an offset in the signature that is fixed, modulo
/// `step`, by where the occurrence starts. So a signature's windows are filed under
/// their hash at one offset of each class modulo `step` (sampling as in Wu and
/// Manber's search), the one whose bucket the templates' label keys' windows fall in
/// least (reports are mostly those labels: a window inside `本年` or `数量` would
/// match the key at nearly every sample), and a filed window says where the
/// signature would start.
#[derive(Debug)]
pub struct Signatures {
    /// Bytes between sampled windows.
    step: usize,
    /// Bit `h` is set when bucket `h` holds a window: most of the key's windows
    /// are in none, which one load tells.
    occupied: Vec<u64>,
    /// Bucket `h`'s windows are `windows[starts[h]..starts[h + 1]]`.
    starts: Vec<u32>,
    /// The windows, by bucket.
    windows: Vec<Window>,
    /// The template of each signature, and its key.
    keys: Vec<(usize, String)>,
    /// The signatures shorter than a window (none, as signatures have four or more
    /// characters), searched for whole.
    short: Vec<usize>,
}

/// A window of a signature.
#[derive(Debug)]
struct Window {
    /// Which signature.
    signature: u32,
    /// The window's offset in it.
    offset: u32,
    /// The signature's first eight bytes, if it has that many: compared before the
    /// whole, as windows inside common words (`本年`, `数量`) match the key often.
    head: Option<[u8; 8]>,
}

/// The bucket of a window: a multiplicative hash's top bits.
fn bucket(w: [u8; WINDOW]) -> usize {
    (u32::from_le_bytes(w).wrapping_mul(0x9e37_79b1) >> (32 - BUCKET_BITS)) as usize
}

impl Signatures {
    /// The index of every template's `signature`; `labels` are the templates' label
    /// keys, whose windows are the common ones.
    pub fn new<'a>(templates: &[Template], labels: impl Iterator<Item = &'a str>) -> Signatures {
        let keys: Vec<(usize, String)> = templates
            .iter()
            .enumerate()
            .flat_map(|(t, tp)| tp.signature.iter().map(move |k| (t, k.clone())))
            .collect();
        let short: Vec<usize> = (0..keys.len())
            .filter(|&s| keys[s].1.len() < WINDOW)
            .collect();
        let step = keys
            .iter()
            .map(|(_, k)| k.len())
            .filter(|&n| n >= WINDOW)
            .min()
            .map_or(1, |n| n + 1 - WINDOW);
        // How often the labels' windows fall in each bucket: what a sample of a
        // report's key costs in a bucket is the windows of the key that fall in it.
        let mut common = vec![0u32; 1 << BUCKET_BITS];
        for k in labels {
            for w in k.as_bytes().windows(WINDOW) {
                if let Ok(w) = <[u8; WINDOW]>::try_from(w) {
                    common[bucket(w)] += 1;
                }
            }
        }
        let mut filed: Vec<(usize, u32, u32)> = Vec::new();
        for (s, (_, k)) in keys.iter().enumerate() {
            let windows: Vec<[u8; WINDOW]> = k
                .as_bytes()
                .windows(WINDOW)
                .filter_map(|w| w.try_into().ok())
                .collect();
            for class in 0..step.min(windows.len()) {
                let rarest = (class..windows.len())
                    .step_by(step)
                    .min_by_key(|&o| (common[bucket(windows[o])], o));
                if let Some(o) = rarest {
                    filed.push((bucket(windows[o]), s as u32, o as u32));
                }
            }
        }
        filed.sort_unstable();
        let mut starts = vec![0u32; (1 << BUCKET_BITS) + 1];
        for &(h, _, _) in &filed {
            starts[h + 1] += 1;
        }
        let mut occupied = vec![0u64; (1 << BUCKET_BITS) / 64];
        for h in 0..1 << BUCKET_BITS {
            if starts[h + 1] > 0 {
                occupied[h / 64] |= 1 << (h % 64);
            }
            starts[h + 1] += starts[h];
        }
        let window = |(_, s, offset): (usize, u32, u32)| Window {
            signature: s,
            offset,
            head: keys[s as usize].1.as_bytes().first_chunk().copied(),
        };
        Signatures {
            step,
            occupied,
            starts,
            windows: filed.into_iter().map(window).collect(),
            keys,
            short,
        }
    }

    /// Marks the signatures whose windows in bucket `h` place them in `b` so that
    /// the window at `q` is theirs.
    fn probe(&self, b: &[u8], q: usize, h: usize, found: &mut [bool]) {
        let (from, to) = (self.starts[h] as usize, self.starts[h + 1] as usize);
        for w in self.windows.get(from..to).unwrap_or_default() {
            let (s, off) = (w.signature as usize, w.offset as usize);
            if found[s] || q < off {
                continue;
            }
            let at = &b[q - off..];
            if w.head.is_some_and(|h| at.first_chunk() != Some(&h)) {
                continue;
            }
            found[s] = at.starts_with(self.keys[s].1.as_bytes());
        }
    }

    /// How many of each template's signatures occur in `doc_key`, by template index
    /// (`templates` of them).
    pub fn hits(&self, doc_key: &(impl AsRef<[u8]> + ?Sized), templates: usize) -> Vec<usize> {
        self.hits_in(doc_key.as_ref(), templates)
    }

    // Out of line: inlined into the generic `detect_template`, the sampling loop
    // was compiled worse (22.3 -> 27.2 M on the 2,000).
    #[inline(never)]
    fn hits_in(&self, b: &[u8], templates: usize) -> Vec<usize> {
        let mut found = vec![false; self.keys.len()];
        for &s in &self.short {
            found[s] = memchr::memmem::find(b, self.keys[s].1.as_bytes()).is_some();
        }
        let mut q = 0;
        while let Some(&w) = b.get(q..).and_then(|r| r.first_chunk::<WINDOW>()) {
            let h = bucket(w);
            if self.occupied[h / 64] >> (h % 64) & 1 == 1 {
                self.probe(b, q, h, &mut found);
            }
            q += self.step;
        }
        let mut hits = vec![0; templates];
        for (s, &(t, _)) in self.keys.iter().enumerate() {
            if found[s] {
                hits[t] += 1;
            }
        }
        hits
    }
}

/// Picks the template for a document whose whole-text match key is `doc_key`.
pub fn detect_template(
    doc_key: &(impl AsRef<[u8]> + ?Sized),
    year: Option<u16>,
    dict: &Dictionaries,
) -> Detection {
    let templates = &dict.templates;
    let hits = dict.signatures.hits(doc_key, templates.len());
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
        let det = detect_template(&k, Some(2020), &d);
        assert_eq!(
            (d.templates[det.template].id.as_str(), det.method),
            ("2021", "content")
        );
        let k = key("信息内容 本年新制作数量 本年新公开数量", &d.lexicon);
        assert_eq!(
            d.templates[detect_template(&k, Some(2023), &d).template].id,
            "2019"
        );
    }

    /// Each template's signatures found by searching for each whole.
    fn searched(doc_key: &str, templates: &[Template]) -> Vec<usize> {
        templates
            .iter()
            .map(|t| {
                t.signature
                    .iter()
                    .filter(|k| doc_key.contains(k.as_str()))
                    .count()
            })
            .collect()
    }

    proptest::proptest! {
        /// The sampled pass finds what whole searches find, in keys pieced together
        /// from the signatures' characters (cut anywhere), their whole keys, digits
        /// and other ideographs.
        #[test]
        fn the_index_finds_what_searching_finds(
            pieces in proptest::collection::vec((0usize..1000, 0usize..1000, 0usize..12, 0usize..4), 0..40),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let all: Vec<&str> = d.templates.iter().flat_map(|t| &t.signature).map(String::as_str).collect();
            let mut doc_key = String::new();
            for (which, from, len, kind) in pieces {
                let sig: Vec<char> = all[which % all.len()].chars().collect();
                match kind {
                    0 => doc_key.push_str(all[which % all.len()]),
                    1 => doc_key.push_str(&["1", "2019", "一", "年", "本"][which % 5].repeat(len % 3)),
                    _ => {
                        let from = from % sig.len();
                        doc_key.extend(&sig[from..(from + len).min(sig.len())]);
                    }
                }
            }
            proptest::prop_assert_eq!(
                d.signatures.hits(&doc_key, d.templates.len()),
                searched(&doc_key, &d.templates)
            );
        }
    }

    #[test]
    fn signatures_are_found_at_either_end_of_a_key_and_alone() {
        let d = Dictionaries::embedded().unwrap();
        for k in d.templates.iter().flat_map(|t| &t.signature) {
            // At every offset modulo the sampling step, and at either end.
            let starts = (0..2 * d.signatures.step).map(|n| format!("{}{k}", "1".repeat(n)));
            let around = [format!("年{k}"), format!("{k}1"), format!("一二三{k}四五")];
            for doc_key in starts.chain(around) {
                assert_eq!(
                    d.signatures.hits(&doc_key, d.templates.len()),
                    searched(&doc_key, &d.templates),
                    "{doc_key}"
                );
            }
            // One character short of the whole signature is not a hit.
            let cut = &k[..k.char_indices().last().map_or(0, |(i, _)| i)];
            assert_eq!(
                d.signatures.hits(cut, d.templates.len()),
                searched(cut, &d.templates)
            );
        }
    }

    #[test]
    fn year_decides_when_content_is_silent() {
        let d = Dictionaries::embedded().unwrap();
        let det = detect_template("", Some(2020), &d);
        assert_eq!(
            (d.templates[det.template].id.as_str(), det.method),
            ("2019", "year")
        );
        let det = detect_template("", None, &d);
        assert_eq!(
            (d.templates[det.template].id.as_str(), det.method),
            ("2021", "default")
        );
    }
}
