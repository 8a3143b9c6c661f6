//! A label set's length gate: which labels a segment's runs cannot reach a floor
//! against by their lengths alone, told for the whole set at once.
//!
//! Takes a set of labels, the glyph table and the floor, once per set; gives, for a
//! segment's ordinal and the lengths of its runs, the labels against which
//! [`Runs::score_at_least`] could find any score, as one mask (or one per way
//! their ordinals agree with the segment's). Against the others
//! (most of a table: their keys are far longer or shorter than the runs, or the
//! ordinals contradict and no key is as long as a run) the caller need not ask, nor
//! visit them.

use std::rc::Rc;

use super::{agreement, GlyphCosts, Label, Ordinal, Runs, AGREEMENTS, GATE_RUNS, WEIGHTS};
use crate::myers::Targets;
use crate::ordinal::OrdinalKind;

/// The most labels a set's masks hold (a template table has a few dozen rows).
pub(crate) const GATED_LABELS: usize = 128;

/// The run lengths each label of a set may be found at, by ordinal agreement.
#[derive(Debug)]
pub(crate) struct LabelGate {
    floor: f64,
    stamp: u64,
    /// By run length (below 64), by agreement, the labels (bit
    /// `j`: label `j`) open at that length. Empty past [`GATED_LABELS`] labels.
    by_length: Vec<[u128; AGREEMENTS]>,
    /// Each label's ordinal, and the labels that have one.
    ordinals: Vec<Option<Ordinal>>,
    numbered: u128,
    /// The labels with an ordinal by its number (index), and by its kind (the
    /// kind's place in [`OrdinalKind`]): a segment's agreements by mask, not by
    /// label. Empty past [`GATED_LABELS`] labels.
    by_number: Vec<u128>,
    by_kind: [u128; 3],
    /// The characters of the labels' keys, for [`Runs::within`].
    pub(crate) targets: Rc<Targets>,
}

/// Whether bit `j` of `labels` is set; every label past [`GATED_LABELS`] is.
pub(crate) fn holds(labels: u128, j: usize) -> bool {
    j >= GATED_LABELS || labels >> j & 1 != 0
}

/// The labels of a set of `m` that `labels` holds ([`holds`]), ascending: a caller
/// that visits only those walks the set bits instead of asking of every label.
pub(crate) fn held(labels: u128, m: usize) -> impl Iterator<Item = usize> {
    let mut bits = match u32::try_from(m).ok().and_then(|m| 1u128.checked_shl(m)) {
        Some(past) => labels & (past - 1),
        None => labels,
    };
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let j = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            j
        })
    })
    .chain(GATED_LABELS..m)
}

/// The place of `kind` in [`LabelGate`]'s masks by kind.
fn kind_index(kind: OrdinalKind) -> usize {
    match kind {
        OrdinalKind::Section => 0,
        OrdinalKind::Paren => 1,
        OrdinalKind::Arabic => 2,
    }
}

impl LabelGate {
    /// The gate of `labels` scored with `g` at `floor`.
    pub(crate) fn new(labels: &[&Label], g: &GlyphCosts, floor: f64) -> LabelGate {
        let open: Vec<[u64; AGREEMENTS]> = labels
            .iter()
            .map(|l| std::array::from_fn(|a| Runs::open_lengths(l, g, floor, a)))
            .collect();
        let mut by_length = Vec::new();
        let mut numbered = 0;
        let mut by_number = Vec::new();
        let mut by_kind = [0u128; 3];
        if labels.len() <= GATED_LABELS {
            by_length = (0..64)
                .map(|lr| {
                    std::array::from_fn(|a| {
                        (open.iter().enumerate())
                            .filter(|(_, o): &(usize, &[u64; AGREEMENTS])| o[a] >> lr & 1 != 0)
                            .fold(0u128, |bits, (j, _)| bits | 1 << j)
                    })
                })
                .collect();
            for (j, l) in labels.iter().enumerate() {
                if let Some(o) = l.ordinal {
                    numbered |= 1u128 << j;
                    let n = usize::from(o.n);
                    if by_number.len() <= n {
                        by_number.resize(n + 1, 0);
                    }
                    by_number[n] |= 1u128 << j;
                    by_kind[kind_index(o.kind)] |= 1u128 << j;
                }
            }
        }
        // A key not made of key characters only is never compared by masks.
        let ids: Vec<Vec<u16>> = (labels.iter())
            .flat_map(|l| l.key_chars.iter().filter_map(|k| g.ids_of(k)))
            .collect();
        LabelGate {
            floor,
            stamp: g.stamp(),
            by_length,
            ordinals: labels.iter().map(|l| l.ordinal).collect(),
            numbered,
            by_number,
            by_kind,
            targets: Rc::new(Targets::new(g, ids.iter().map(Vec::as_slice))),
        }
    }

    /// Whether this is the gate of its labels with `g` at `floor` (the labels are the
    /// caller's to tell).
    pub(crate) fn fits(&self, g: &GlyphCosts, floor: f64) -> bool {
        self.stamp == g.stamp() && self.floor.to_bits() == floor.to_bits()
    }

    /// The labels (bit `j`: label `j`) that may score at least the floor against a
    /// segment with `ordinal` whose runs have `lengths` ([`Runs::lengths`]): a label
    /// left out is one for which [`Runs::score_at_least`] would find nothing for any
    /// of the runs. None past [`GATED_LABELS`] labels.
    pub(crate) fn reachable(&self, ordinal: Option<Ordinal>, lengths: u64) -> Option<u128> {
        let groups = self.reachable_by(ordinal, lengths)?;
        Some(groups.into_iter().fold(0, |all, group| all | group))
    }

    /// [`LabelGate::reachable`] by agreement: entry `a` holds the labels it gives
    /// whose ordinal agrees with `ordinal` as [`agreement`] `a` says, for
    /// [`Runs::reaching_in`] (the masks are at hand here, where its caller would
    /// otherwise tell each label's agreement one by one).
    pub(crate) fn reachable_by(
        &self,
        ordinal: Option<Ordinal>,
        lengths: u64,
    ) -> Option<[u128; AGREEMENTS]> {
        if self.by_length.is_empty() && !self.ordinals.is_empty() {
            return None;
        }
        let mut open = [0u128; AGREEMENTS];
        let mut rest = lengths;
        while rest != 0 {
            let at = &self.by_length[rest.trailing_zeros() as usize];
            for (o, a) in open.iter_mut().zip(at) {
                *o |= a;
            }
            rest &= rest - 1;
        }
        // The labels in each agreement with the segment's ordinal (see `agreement`).
        let plain = !self.numbered;
        Some(match ordinal {
            None => [0, 0, 0, self.numbered & open[3], 0, plain & open[5]],
            Some(s) => {
                let with_n = self.by_number.get(usize::from(s.n)).copied().unwrap_or(0);
                let same = with_n & self.by_kind[kind_index(s.kind)];
                let same_n = with_n & !same;
                let other = self.numbered & !same & !same_n;
                [
                    same & open[0],
                    same_n & open[1],
                    other & open[2],
                    0,
                    plain & open[4],
                    0,
                ]
            }
        })
    }
}

impl Runs {
    /// Of the labels `candidates` holds (bit `j`: `labels[j]`), those that
    /// [`Runs::score_at_least`] at `floor` against a segment with `ordinal` may find
    /// a score for: a label left out is one it rules out ([`Runs::ruled_out`]) and
    /// so scores nothing for any run, and so is one `live` refuses (the caller has no
    /// use for its scores). Bits past `labels` stay as they are. A missed
    /// segment's runs rule out most of the labels its gate leaves open; told here
    /// for all of them at once, the labels are taken by agreement, one similarity
    /// after another, and the runs' checks are made once a row, not once a label.
    /// Kept out of line: the caller's row loop stays small enough for its memo's
    /// look-ups to be inlined.
    #[inline(never)]
    pub(crate) fn reaching(
        &mut self,
        labels: &[&Label],
        candidates: u128,
        ordinal: Option<Ordinal>,
        g: &GlyphCosts,
        floor: f64,
        live: impl Fn(usize) -> bool,
    ) -> u128 {
        let n = self.ends.len();
        if g.is_empty() || n == 0 || n > GATE_RUNS {
            return candidates;
        }
        // The labels by their agreement with the segment's ordinal: one similarity each.
        let mut by_agreement = [0u128; AGREEMENTS];
        let mut open = candidates;
        let mut rest = candidates;
        while rest != 0 {
            let j = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let Some(label) = labels.get(j) else { continue };
            if live(j) {
                by_agreement[agreement(label.ordinal, ordinal)] |= 1 << j;
            } else {
                open &= !(1u128 << j);
            }
        }
        self.rule_out(labels, by_agreement, open, g, floor, live)
    }

    /// [`Runs::reaching`] of the labels [`LabelGate::reachable_by`] gives, by
    /// agreement with the segment's ordinal: the same labels are left out among
    /// those `live` takes (the others may be kept or not: the caller does not
    /// visit them). Out of line for the same reason.
    #[inline(never)]
    pub(crate) fn reaching_in(
        &mut self,
        labels: &[&Label],
        by_agreement: [u128; AGREEMENTS],
        g: &GlyphCosts,
        floor: f64,
        live: impl Fn(usize) -> bool,
    ) -> u128 {
        let open = by_agreement.into_iter().fold(0, |all, group| all | group);
        let n = self.ends.len();
        if g.is_empty() || n == 0 || n > GATE_RUNS {
            return open;
        }
        self.rule_out(labels, by_agreement, open, g, floor, live)
    }

    /// `open` without the labels of `by_agreement` (bit `j`: `labels[j]`) that `live`
    /// takes and the runs' floors rule out at `floor` (the runs are gated).
    #[inline(always)]
    fn rule_out(
        &mut self,
        labels: &[&Label],
        by_agreement: [u128; AGREEMENTS],
        mut open: u128,
        g: &GlyphCosts,
        floor: f64,
        live: impl Fn(usize) -> bool,
    ) -> u128 {
        for (a, mut group) in by_agreement.into_iter().enumerate() {
            let (weight, bonus) = WEIGHTS[a];
            let min_sim = (floor - bonus) / weight;
            // Outside (0, 1) `score_at_least` does not rule out by floors.
            if group == 0 || !(min_sim > 0.0 && min_sim < 1.0) {
                continue;
            }
            while group != 0 {
                let j = group.trailing_zeros() as usize;
                group &= group - 1;
                let Some(label) = labels.get(j) else { continue };
                if !live(j) {
                    open &= !(1u128 << j);
                    continue;
                }
                // As `score_at_least` takes them: the dictionaries numbered the keys.
                let key_ids = (!label.key_ids.is_empty()).then_some(label.key_ids.as_slice());
                if self.ruled_out_by::<true>(label, key_ids, g, min_sim) {
                    open &= !(1u128 << j);
                }
            }
        }
        open
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        agreement, finish, keep_best, text_similarity_at_least, weighting, LabelScore,
    };
    use super::*;
    use crate::dictionary::Dictionaries;
    use crate::ordinal::OrdinalKind;

    /// The row labels of one table of an embedded template (`table` wraps).
    fn table_labels(d: &Dictionaries, template: usize, table: usize) -> Vec<&Label> {
        let tables = &d.templates[template].tables;
        let t = &tables[table % tables.len()];
        t.rows.iter().map(|r| &r.label).collect()
    }

    /// The runs of `pieces` of the labels' keys (see [`key_piece`]), edit 3 with a
    /// character no key holds, 4 empty, 5 reversed (its characters held, in no order).
    fn runs_of_pieces(labels: &[&Label], pieces: &[(usize, usize, usize, usize)]) -> Runs {
        let mut runs = Runs::default();
        for &(l, from, len, edit) in pieces {
            let mut key = key_piece(labels, l, from, len, edit);
            match edit {
                3 => key.push('Ω'),
                4 => key.clear(),
                5 => key.reverse(),
                _ => {}
            }
            runs.push_chars(&key);
        }
        runs.prepare();
        runs
    }

    /// A piece of label `l`'s first key (`l` wraps): `len` characters from `from`, or
    /// from its beginning when `from` is 30 or more (the cut comparison's case), with
    /// a character dropped (`edit` 1) or doubled (`edit` 2); other edits are the
    /// caller's.
    fn key_piece(labels: &[&Label], l: usize, from: usize, len: usize, edit: usize) -> Vec<char> {
        let key = &labels[l % labels.len()].key_chars[0];
        let from = if from >= 30 { 0 } else { from.min(key.len()) };
        let mut key = key[from..(from + len).min(key.len())].to_vec();
        match edit {
            1 if key.len() > 1 => {
                key.remove(key.len() / 2);
            }
            2 if !key.is_empty() => key.insert(0, key[0]),
            _ => {}
        }
        key
    }

    /// An ordinal of kind `k` (section, paren, arabic) and number `n`.
    fn ordinal_of((k, n): (usize, u8)) -> Ordinal {
        Ordinal {
            kind: [
                OrdinalKind::Section,
                OrdinalKind::Paren,
                OrdinalKind::Arabic,
            ][k],
            n,
        }
    }

    proptest::proptest! {
        /// The labels `held` walks are those `holds` says the mask holds, in order,
        /// for sets shorter and longer than the mask.
        #[test]
        fn held_walks_the_labels_holds_tells(
            high in proptest::num::u64::ANY,
            low in proptest::num::u64::ANY,
            m in 0usize..300,
        ) {
            let labels = u128::from(high) << 64 | u128::from(low);
            let plain: Vec<usize> = (0..m).filter(|&j| holds(labels, j)).collect();
            proptest::prop_assert_eq!(held(labels, m).collect::<Vec<_>>(), plain);
        }
    }

    proptest::proptest! {
        /// A label the gate leaves out is one that every run scores nothing against,
        /// and the mask is each label's own lengths at its agreement with the
        /// segment's ordinal.
        #[test]
        fn a_label_left_out_scores_nothing(
            template in 0usize..2,
            table in 0usize..4,
            pieces in proptest::collection::vec((0usize..60, 0usize..30, 0usize..12), 1..5),
            ordinal in proptest::option::of((0usize..3, 1u8..12)),
            floor in proptest::sample::select(vec![0.5, 0.3, 0.75]),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let labels = table_labels(&d, template, table);
            let ordinal = ordinal.map(ordinal_of);
            // Runs of pieces of label keys: a label's own key, cut, or two run together.
            let mut runs = Runs::default();
            for &(l, from, len) in &pieces {
                let key: Vec<char> = labels[l % labels.len()].key_chars[0].clone();
                let from = from.min(key.len());
                let piece: String = key[from..(from + len).min(key.len())].iter().collect();
                runs.push(&piece);
            }
            runs.prepare();
            let gate = LabelGate::new(&labels, &d.glyphs, floor);
            let Some(lengths) = runs.lengths() else { return Ok(()) };
            let reach = gate.reachable(ordinal, lengths).unwrap();
            let mut out: Vec<Option<LabelScore>> = Vec::new();
            for (j, label) in labels.iter().enumerate() {
                let a = agreement(label.ordinal, ordinal);
                let own = Runs::open_lengths(label, &d.glyphs, floor, a) & lengths != 0;
                proptest::prop_assert_eq!(reach >> j & 1 != 0, own);
                if !own {
                    runs.score_at_least(ordinal, label, None, &d.glyphs, floor, &mut out);
                    proptest::prop_assert!(out.iter().all(Option::is_none), "{}", label.text);
                }
            }
        }
    }

    proptest::proptest! {
        /// `reachable_by` gives `reachable`'s labels, each at its own agreement with
        /// the segment's ordinal (labels numbered or not, ordinals of every kind, some
        /// numbers no label has); `reaching_in` of those leaves out, among the labels
        /// `live` takes, those `reaching` leaves out of `reachable`'s.
        #[test]
        fn reachable_by_groups_the_labels_by_agreement(
            template in 0usize..2,
            table in 0usize..4,
            pieces in proptest::collection::vec(
                (0usize..60, 0usize..60, 0usize..14, 0usize..5), 1..10),
            ordinal in proptest::option::of((0usize..3, 0u8..40)),
            floor in proptest::sample::select(vec![0.5, 0.3, 0.75, 0.0, 1.0, -0.1]),
            live in proptest::num::u64::ANY,
        ) {
            let d = Dictionaries::embedded().unwrap();
            let labels = table_labels(&d, template, table);
            let ordinal = ordinal.map(ordinal_of);
            let mut runs = runs_of_pieces(&labels, &pieces);
            let gate = LabelGate::new(&labels, &d.glyphs, floor);
            let Some(lengths) = runs.lengths() else { return Ok(()) };
            let reach = gate.reachable(ordinal, lengths).unwrap();
            let groups = gate.reachable_by(ordinal, lengths).unwrap();
            for (j, label) in labels.iter().enumerate() {
                let a = agreement(label.ordinal, ordinal);
                for (b, group) in groups.iter().enumerate() {
                    let want = b == a && reach >> j & 1 != 0;
                    proptest::prop_assert_eq!(group >> j & 1 != 0, want, "{}", label.text);
                }
            }
            let past = u32::try_from(labels.len()).ok().and_then(|m| 1u128.checked_shl(m));
            let beyond = past.map_or(0, |p| !(p - 1));
            let all = groups.iter().fold(0, |all, group| all | group);
            proptest::prop_assert_eq!(all & beyond, 0);
            let is_live = |j: usize| live >> (j % 64) & 1 != 0;
            let plain = runs.reaching(&labels, reach, ordinal, &d.glyphs, floor, is_live);
            let fast = runs.reaching_in(&labels, groups, &d.glyphs, floor, is_live);
            for j in (0..labels.len()).filter(|&j| is_live(j)) {
                proptest::prop_assert_eq!(fast >> j & 1, plain >> j & 1, "{}", labels[j].text);
            }
        }
    }

    proptest::proptest! {
        /// A key's characters counted only until enough are held by no open run rule
        /// out the same labels as all of them counted: runs of pieces of keys, edited,
        /// with foreign characters, or too many to gate, at floors across the range.
        #[test]
        fn counting_stops_early_with_the_same_answer(
            template in 0usize..2,
            table in 0usize..4,
            pieces in proptest::collection::vec(
                (0usize..60, 0usize..60, 0usize..14, 0usize..6), 1..10),
            ordinal in proptest::option::of((0usize..3, 1u8..12)),
            floor in proptest::sample::select(vec![0.5, 0.3, 0.75, 0.6, 0.9, 0.05]),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let labels = table_labels(&d, template, table);
            let ordinal = ordinal.map(ordinal_of);
            let mut runs = runs_of_pieces(&labels, &pieces);
            if runs.is_empty() || runs.len() > GATE_RUNS {
                return Ok(());
            }
            for label in &labels {
                let (weight, bonus) = weighting(label, ordinal);
                let min_sim = (floor - bonus) / weight;
                if !(min_sim > 0.0 && min_sim < 1.0) {
                    continue;
                }
                let key_ids = (!label.key_ids.is_empty()).then_some(label.key_ids.as_slice());
                let early = runs.ruled_out_by::<true>(label, key_ids, &d.glyphs, min_sim);
                let plain = runs.ruled_out_by::<false>(label, key_ids, &d.glyphs, min_sim);
                proptest::prop_assert_eq!(early, plain, "{}", label.text);
            }
        }
    }

    proptest::proptest! {
        /// The labels `reaching` leaves out of a row are the candidates `live` refuses
        /// and those `ruled_out` rules out one by one (each scoring nothing); those it
        /// keeps score without the floors what they score with them; bits past the
        /// labels stay. Runs are pieces of keys, edited, with foreign characters, or too
        /// many to gate; floors include the ends of the range.
        #[test]
        fn reaching_keeps_the_labels_ruled_out_keeps(
            template in 0usize..2,
            table in 0usize..4,
            pieces in proptest::collection::vec(
                (0usize..60, 0usize..60, 0usize..14, 0usize..5), 1..10),
            ordinal in proptest::option::of((0usize..3, 1u8..12)),
            floor in proptest::sample::select(vec![0.5, 0.3, 0.75, 0.0, 1.0, 1.2, -0.1]),
            (high, low) in (proptest::num::u64::ANY, proptest::num::u64::ANY),
            live in proptest::num::u64::ANY,
            plain_glyphs in proptest::bool::weighted(0.1),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let plain_g = GlyphCosts::default();
            let g = if plain_glyphs { &plain_g } else { &d.glyphs };
            let labels = table_labels(&d, template, table);
            let ordinal = ordinal.map(ordinal_of);
            let mut runs = runs_of_pieces(&labels, &pieces);
            // Some candidates past the labels, and a few labels not candidates.
            let candidates = u128::from(high) << 64 | u128::from(low) | u128::from(live);
            let is_live = |j: usize| live.rotate_left(7) >> (j % 64) & 1 != 0 || j % 3 == 0;
            let open = runs.reaching(&labels, candidates, ordinal, g, floor, is_live);
            let past = u32::try_from(labels.len()).ok().and_then(|m| 1u128.checked_shl(m));
            let beyond = past.map_or(0, |p| !(p - 1));
            proptest::prop_assert_eq!(open & beyond, candidates & beyond);
            let (mut plain, mut reached) = (Vec::new(), Vec::new());
            for (j, label) in labels.iter().enumerate().take(GATED_LABELS) {
                let kept = open >> j & 1 != 0;
                let asked = candidates >> j & 1 != 0;
                if !asked {
                    proptest::prop_assert!(!kept);
                    continue;
                }
                runs.score_at_least(ordinal, label, None, g, floor, &mut plain);
                if !is_live(j) {
                    // The label was neither kept nor counted (unless no row is gated).
                    continue;
                }
                let (weight, bonus) = weighting(label, ordinal);
                let min_sim = (floor - bonus) / weight;
                let key_ids = (!label.key_ids.is_empty()).then_some(label.key_ids.as_slice());
                let out = runs.ruled_out(label, key_ids, g, min_sim);
                proptest::prop_assert_eq!(kept, !out, "{}", label.text);
                if kept {
                    runs.score_reached(ordinal, label, g, floor, &mut reached);
                    proptest::prop_assert_eq!(&reached, &plain, "{}", label.text);
                } else {
                    proptest::prop_assert!(plain.iter().all(Option::is_none), "{}", label.text);
                }
            }
        }
    }

    proptest::proptest! {
        /// The floors that rule labels out before any pair (lengths, characters no run
        /// holds, the cut comparison's bounds) change no score: every run scores
        /// against every label what the weighted table alone gives.
        #[test]
        fn gated_scores_are_the_tables_scores(
            template in 0usize..2,
            table in 0usize..4,
            pieces in proptest::collection::vec((0usize..60, 0usize..60, 0usize..14, 0usize..4), 1..5),
            ordinal in proptest::option::of((0usize..3, 1u8..12)),
            floor in proptest::sample::select(vec![0.5, 0.3, 0.75]),
        ) {
            let d = Dictionaries::embedded().unwrap();
            let labels = table_labels(&d, template, table);
            let ordinal = ordinal.map(ordinal_of);
            // Pieces of label keys, some with a character dropped or doubled.
            let mut runs = Runs::default();
            let mut texts: Vec<String> = Vec::new();
            for &(l, from, len, edit) in &pieces {
                // Half of them a key's beginning (its cut comparison).
                let mut key = key_piece(&labels, l, from, len, edit);
                if edit == 3 {
                    // A key's first three fifths: only its cut comparison can match.
                    key = labels[l % labels.len()].key_chars[0].clone();
                    key.truncate((key.len() * 3 / 5).max(4));
                }
                let piece: String = key.iter().collect();
                runs.push(&piece);
                let run = texts.last().cloned().unwrap_or_default() + &piece;
                texts.push(run);
            }
            runs.prepare();
            let mut out: Vec<Option<LabelScore>> = Vec::new();
            for label in &labels {
                runs.score_at_least(ordinal, label, None, &d.glyphs, floor, &mut out);
                let (weight, bonus) = weighting(label, ordinal);
                let min_sim = (floor - bonus) / weight;
                for (run, got) in texts.iter().zip(&out) {
                    let mut best = None;
                    for (i, key) in label.keys.iter().enumerate() {
                        keep_best(&mut best, i, text_similarity_at_least(run, key, &d.glyphs, min_sim));
                    }
                    let want = finish(best, weight, bonus, floor);
                    proptest::prop_assert_eq!(*got, want, "{} against {}", run, label.text);
                }
            }
        }
    }
}
