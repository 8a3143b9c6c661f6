//! Bit-parallel edit distances (Myers 1999, in Hyyrö's 2003 form): one OCR run of
//! label text against many template keys, a few word operations per key character.
//!
//! Takes a pattern of at most [`MAX_PATTERN`] characters whose prefixes end at given
//! lengths (the runs of one to five segments that start at one segment share their
//! characters), and a key; gives, for each of those prefixes, the unit-cost edit
//! distance to the key and to the key's first characters of the same count, once
//! exactly and once counting look-alike characters as equal. The two bracket the
//! glyph-weighted distance of [`crate::similarity`] (insertions and deletions cost 1
//! there too, and substitutions between 0 and 1), so most pairs are settled here
//! without the weighted table. Cheaper still, [`Pattern::floor`] counts the key's
//! characters that nothing in a prefix equals or looks like, and the prefix's that
//! nothing in the key does, a floor under both that rules out most pairs before the
//! distances are computed.

use crate::similarity::GlyphCosts;

/// The longest pattern: one bit per character in a machine word.
pub const MAX_PATTERN: usize = 64;

/// Edit distances of one pair: unit cost, and with look-alikes counted as equal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    /// Every substitution costs 1.
    pub unit: u32,
    /// Substituting a look-alike costs 0.
    pub relaxed: u32,
}

/// For one prefix of the pattern: against the whole key, and against the key cut to
/// the prefix's length (None when the key is not longer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrefixBounds {
    /// Against the whole key.
    pub full: Bounds,
    /// Against the key's first characters, as many as the prefix has.
    pub cut: Option<Bounds>,
}

/// A pattern prepared for [`Pattern::distances`]: for each numbered character
/// (`GlyphCosts::id`), the positions it matches exactly and loosely.
#[derive(Debug, Default)]
pub struct Pattern {
    /// By character number: what the pattern holds of it ([`Entry`]), side by side
    /// so that a key character costs one cache line.
    masks: Vec<Entry>,
    /// The pattern prepared, counted from 1.
    generation: u32,
    /// Prefix lengths asked for, ascending, each at most [`MAX_PATTERN`].
    ends: Vec<usize>,
}

/// What a pattern holds of one character number.
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    /// The positions it equals, and equals or looks like.
    masks: [u64; 2],
    /// The pattern they were set for: an entry of an earlier pattern holds none of
    /// this one's, so nothing is cleared between patterns.
    set_for: u32,
    /// The first prefix that holds a position of the loose mask. Positions are set
    /// in ascending order, so the one that starts an entry is its lowest: the
    /// prefix is known then, and the label gate reads it with the mask in one
    /// look-up instead of working it out from the mask's lowest bit.
    first: u32,
}

impl Pattern {
    /// Prepares `chars[..ends.last()]`; `ends` must ascend and stay within
    /// [`MAX_PATTERN`] and `chars`. The buffers are kept for the next pattern.
    pub fn prepare(&mut self, chars: &[char], ends: &[usize], g: &GlyphCosts) {
        self.prepare_with(chars, ends, g, |id| (true, g.near_keys(id)));
    }

    /// [`Pattern::prepare`] for the keys of one label set only: the masks of the
    /// characters `targets` was made for are those [`Pattern::prepare`] gives; those
    /// of any other character are left empty (no key of the set asks for them).
    pub fn prepare_in(
        &mut self,
        chars: &[char],
        ends: &[usize],
        g: &GlyphCosts,
        targets: &Targets,
    ) {
        self.prepare_with(chars, ends, g, |id| targets.of(id));
    }

    /// [`Pattern::prepare`] with `targets` giving, for a run character's number,
    /// whether its own entry is wanted and the look-alikes whose entries are.
    #[inline(always)]
    fn prepare_with<'t>(
        &mut self,
        chars: &[char],
        ends: &[usize],
        g: &GlyphCosts,
        targets: impl Fn(u16) -> (bool, &'t [u16]),
    ) {
        let n = g.alphabet_len();
        if self.masks.len() != n || self.generation == u32::MAX {
            self.masks = vec![Entry::default(); n];
            self.generation = 0;
        }
        self.generation += 1;
        let generation = self.generation;
        self.ends.clear();
        self.ends.extend_from_slice(ends);
        let len = ends.last().copied().unwrap_or(0).min(MAX_PATTERN);
        // The first prefix that includes the position at hand, and where it ends.
        let mut k = 0u32;
        let mut end = ends.first().copied().unwrap_or(usize::MAX);
        // A character without a number is in no key and looks like none of theirs; the
        // keys' characters are all numbered (GlyphCosts::ids_of), so only they and
        // their look-alikes need a mask.
        for (p, &c) in chars[..len.min(chars.len())].iter().enumerate() {
            while end <= p {
                k += 1;
                end = ends.get(k as usize).copied().unwrap_or(usize::MAX);
            }
            let Some(id) = g.id(c) else { continue };
            let bit = 1u64 << p;
            let mut set = |n: u16, exact: bool| {
                if let Some(e) = self.masks.get_mut(usize::from(n)) {
                    if e.set_for != generation {
                        *e = Entry {
                            masks: [0; 2],
                            set_for: generation,
                            first: k,
                        };
                    }
                    if exact {
                        e.masks[0] |= bit;
                    }
                    e.masks[1] |= bit;
                }
            };
            let (own, near) = targets(id);
            if own {
                set(id, true);
            }
            for &n in near {
                set(n, false);
            }
        }
    }

    /// The positions character number `c` equals, and equals or looks like, in the
    /// pattern (bit `i`: its character `i`); none for a character it does not hold.
    #[inline]
    pub fn masks(&self, c: u16) -> [u64; 2] {
        match self.masks.get(usize::from(c)) {
            Some(e) if e.set_for == self.generation => e.masks,
            _ => [0; 2],
        }
    }

    /// Distances of every prepared prefix to the key whose characters have the
    /// numbers `key`, in the order of `ends`.
    pub fn distances(&self, key: &[u16], out: &mut Vec<PrefixBounds>) {
        out.clear();
        out.resize(self.ends.len(), PrefixBounds::default());
        let (mut vp, mut vn) = ([!0u64; 2], [0u64; 2]);
        let mut next_cut = 0;
        for (j, &c) in key.iter().enumerate() {
            let eqs = self.masks(c);
            for (t, eq) in eqs.into_iter().enumerate() {
                let d0 = (((eq & vp[t]).wrapping_add(vp[t])) ^ vp[t]) | eq | vn[t];
                let hp = vn[t] | !(d0 | vp[t]);
                let hn = d0 & vp[t];
                // Row 0 of the table is 0, 1, 2 … (the whole key must be matched).
                let hp = (hp << 1) | 1;
                let hn = hn << 1;
                vp[t] = hn | !(d0 | hp);
                vn[t] = hp & d0;
            }
            // A prefix as long as the key's characters so far: its cut comparison.
            while next_cut < self.ends.len() && self.ends[next_cut] <= j + 1 {
                if self.ends[next_cut] == j + 1 && j + 1 < key.len() {
                    out[next_cut].cut = Some(at_row(&vp, &vn, j + 1, j + 1));
                }
                next_cut += 1;
            }
        }
        for (k, &m) in self.ends.iter().enumerate() {
            out[k].full = at_row(&vp, &vn, m, key.len());
        }
    }
}

impl Pattern {
    /// How many of the characters of `key` (numbers, as for [`Pattern::distances`])
    /// neither equal nor look like any of the pattern's first `len` characters: every
    /// alignment pays at least 1 for each, so the count is a lower bound of both
    /// distances that costs a fraction of them.
    pub fn unmatched(&self, key: &[u16], len: usize) -> u32 {
        let mask = low_bits(len);
        let seen = |&c: &u16| self.masks(c)[1] & mask != 0;
        key.iter().filter(|c| !seen(c)).count() as u32
    }

    /// A lower bound of both distances of the pattern's first `len` characters (at
    /// most [`MAX_PATTERN`]) against `key`, as cheap as [`Pattern::unmatched`] and at
    /// least as high. In any alignment, each key character that nothing in the prefix
    /// equals or looks like is inserted or substituted, and each prefix character that
    /// no key character equals or looks like is deleted or substituted; a substitution
    /// covers one of each. With `u` and `v` those counts, `s` substitutions, `i`
    /// insertions and `d` deletions: `u <= s + i`, `v <= s + d` and `d - i = len −
    /// key.len()`, so the cost `s + i + d` is at least `u + (len − key.len())` and
    /// `v + (key.len() − len)`, each difference counted when positive.
    pub fn floor(&self, key: &[u16], len: usize) -> u32 {
        let len = len.min(MAX_PATTERN);
        let mask = low_bits(len);
        let (mut missing, mut covered) = (0u32, 0u64);
        for &c in key {
            let seen = self.masks(c)[1] & mask;
            covered |= seen;
            missing += u32::from(seen == 0);
        }
        floor_of(missing, covered, len, key.len())
    }

    /// The positions character number `c` equals or looks like, in the pattern (the
    /// second of [`Pattern::masks`]).
    #[inline]
    pub fn loose(&self, c: u16) -> u64 {
        self.masks(c)[1]
    }

    /// The first prepared prefix (an index into the `ends` given to
    /// [`Pattern::prepare`]) that holds a character equal to or looking like key
    /// character `c`, or the number of prefixes when none does. The key characters
    /// past prefix `k` are [`Pattern::unmatched`] of that prefix: one look at each key
    /// character tells it for every prefix (a key is compared with up to five).
    #[inline]
    pub fn first_prefix(&self, c: u16) -> usize {
        self.first_and_loose(c).0
    }

    /// [`Pattern::first_prefix`] and [`Pattern::loose`] of `c` in one look-up.
    #[inline]
    pub fn first_and_loose(&self, c: u16) -> (usize, u64) {
        match self.masks.get(usize::from(c)) {
            Some(e) if e.set_for == self.generation => (e.first as usize, e.masks[1]),
            _ => (self.ends.len(), 0),
        }
    }
}

/// The characters the keys of one label set are made of, for
/// [`Pattern::prepare_in`]: a run character's entry, and those of its look-alikes,
/// are set only when a key of the set holds them (a table's labels hold a part of
/// the template's alphabet, and most look-alikes of a run character are in none).
#[derive(Debug, Default)]
pub struct Targets {
    /// By character number: where its look-alikes that the set holds are in `near`,
    /// and whether the set holds it.
    of: Vec<(u32, u16, bool)>,
    near: Vec<u16>,
}

impl Targets {
    /// The targets of keys whose characters have the numbers in `keys` (numbers
    /// past the glyph table's alphabet are left out).
    pub fn new<'k>(g: &GlyphCosts, keys: impl IntoIterator<Item = &'k [u16]>) -> Targets {
        let mut held = vec![false; g.alphabet_len()];
        for key in keys {
            for &c in key {
                if let Some(h) = held.get_mut(usize::from(c)) {
                    *h = true;
                }
            }
        }
        let mut t = Targets::default();
        for (id, &own) in held.iter().enumerate() {
            let start = t.near.len();
            let near = g.near_keys(id as u16).iter();
            t.near
                .extend(near.filter(|&&n| held.get(usize::from(n)) == Some(&true)));
            // At most as many look-alikes as there are numbers (u16).
            t.of.push((start as u32, (t.near.len() - start) as u16, own));
        }
        t
    }

    /// Whether the set holds character number `id`, and its look-alikes that it holds.
    #[inline]
    fn of(&self, id: u16) -> (bool, &[u16]) {
        match self.of.get(usize::from(id)) {
            Some(&(start, len, own)) => {
                let start = start as usize;
                (
                    own,
                    self.near
                        .get(start..start + usize::from(len))
                        .unwrap_or(&[]),
                )
            }
            None => (false, &[]),
        }
    }
}

/// D[m][n] from the vertical deltas of column n (D[0][n] = n).
fn at_row(vp: &[u64; 2], vn: &[u64; 2], m: usize, n: usize) -> Bounds {
    let mask = low_bits(m);
    let d = |t: usize| {
        let up = (vp[t] & mask).count_ones() as i64;
        let down = (vn[t] & mask).count_ones() as i64;
        (n as i64 + up - down).max(0) as u32
    };
    Bounds {
        unit: d(0),
        relaxed: d(1),
    }
}

/// The lowest `n` bits set (all of them from 64 on): a prefix of `n` positions.
#[inline]
fn low_bits(n: usize) -> u64 {
    if n >= 64 {
        !0
    } else {
        (1u64 << n) - 1
    }
}

/// [`Pattern::floor`] from its counts: `missing` key characters that nothing in a run
/// of `len` characters equals or looks like, `covered` the run positions some key
/// character (of `key_len`) does. Shared with the label gate, which counts them for
/// several prefixes at once.
pub fn floor_of(missing: u32, covered: u64, len: usize, key_len: usize) -> u32 {
    let mask = low_bits(len);
    let lacking = len as u32 - (covered & mask).count_ones();
    let longer = len.saturating_sub(key_len) as u32;
    let shorter = key_len.saturating_sub(len) as u32;
    (missing + longer).max(lacking + shorter)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain dynamic programme, unit cost, `near` deciding what counts as equal.
    fn table(a: &[char], b: &[char], near: impl Fn(char, char) -> bool) -> u32 {
        let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
        for (i, &ca) in a.iter().enumerate() {
            let mut cur = vec![i as u32 + 1; b.len() + 1];
            for (j, &cb) in b.iter().enumerate() {
                let sub = prev[j] + u32::from(!(ca == cb || near(ca, cb)));
                cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    proptest::proptest! {
        /// The floor is never above the look-alike distance (nor below the count of
        /// unmatched key characters), for random runs and keys over characters with
        /// look-alikes among them and one that no key holds.
        #[test]
        fn the_floor_is_under_the_distance(
            run in proptest::collection::vec(0usize..12, 0..24),
            key in proptest::collection::vec(0usize..11, 0..24),
            end in 0usize..25,
        ) {
            let (g, alphabet) = look_alike_alphabet();
            let near = |a: char, b: char| g.cost(a, b) < 1.0;
            let a: Vec<char> = run.iter().map(|&i| alphabet[i]).collect();
            let b: Vec<char> = key.iter().map(|&i| alphabet[i]).collect();
            let end = end.min(a.len());
            let Some(ids) = g.ids_of(&b) else {
                return Ok(());
            };
            let mut p = Pattern::default();
            p.prepare(&a, &[end], &g);
            let floor = p.floor(&ids, end);
            proptest::prop_assert!(p.unmatched(&ids, end) <= floor);
            proptest::prop_assert!(floor <= table(&a[..end], &b, near), "{a:?}[..{end}] {b:?}");
        }
    }

    /// Glyph costs with three look-alike pairs, and an alphabet of eleven characters it
    /// has learnt and one (`x`) it has not.
    fn look_alike_alphabet() -> (GlyphCosts, Vec<char>) {
        let mut g = GlyphCosts::from_tsv("息\t自\t0.3\n案\t安\t0.4\n自\t目\t0.5\n").unwrap();
        let alphabet: Vec<char> = "信息自案安卷属于目公开x".chars().collect();
        g.learn_alphabet(alphabet[..11].iter().copied());
        (g, alphabet)
    }

    proptest::proptest! {
        /// A character's first prefix and loose mask, read from its entry, are the
        /// plain ones: the positions of the run it equals or looks like, and the first
        /// prefix that ends past the lowest of them (the number of prefixes for none),
        /// on a pattern prepared over an earlier one.
        #[test]
        fn the_first_prefix_is_the_first_that_holds_the_character(
            before in proptest::collection::vec(0usize..12, 0..24),
            run in proptest::collection::vec(0usize..12, 0..70),
            cuts in proptest::collection::vec(0usize..71, 0..7),
        ) {
            let (g, alphabet) = look_alike_alphabet();
            let near = |a: char, b: char| a == b || g.cost(a, b) < 1.0;
            let a: Vec<char> = run.iter().map(|&i| alphabet[i]).collect();
            let b: Vec<char> = before.iter().map(|&i| alphabet[i]).collect();
            let mut ends: Vec<usize> = cuts.iter().map(|&e| e.min(a.len()).min(MAX_PATTERN)).collect();
            ends.sort_unstable();
            let mut p = Pattern::default();
            p.prepare(&b, &[b.len().min(MAX_PATTERN)], &g);
            p.prepare(&a, &ends, &g);
            let len = ends.last().copied().unwrap_or(0);
            for id in 0..=g.alphabet_len() as u16 {
                let c = alphabet.iter().copied().find(|&c| g.id(c) == Some(id));
                let loose = c.map_or(0, |c| {
                    (a[..len].iter().enumerate())
                        .filter(|&(_, &x)| near(x, c))
                        .fold(0u64, |m, (i, _)| m | 1 << i)
                });
                let first = (0..len)
                    .find(|&i| loose >> i & 1 != 0)
                    .map_or(ends.len(), |i| ends.iter().filter(|&&e| e <= i).count());
                proptest::prop_assert_eq!(p.first_and_loose(id), (first, loose), "{:?}", c);
                proptest::prop_assert_eq!(p.loose(id), loose);
            }
        }
    }

    proptest::proptest! {
        /// A pattern prepared for one set's keys reads, for every character of those
        /// keys, as the pattern prepared for all: the same masks and first prefixes,
        /// also when prepared over a pattern of either kind.
        #[test]
        fn a_pattern_for_a_set_reads_as_the_whole_one_for_its_keys(
            before in proptest::collection::vec(0usize..12, 0..24),
            run in proptest::collection::vec(0usize..12, 0..70),
            cuts in proptest::collection::vec(0usize..71, 0..7),
            keys in proptest::collection::vec(proptest::collection::vec(0usize..11, 0..8), 0..4),
            first_whole in proptest::bool::ANY,
        ) {
            let (g, alphabet) = look_alike_alphabet();
            let chars = |v: &[usize]| v.iter().map(|&i| alphabet[i]).collect::<Vec<char>>();
            let (a, b) = (chars(&run), chars(&before));
            let ids: Vec<Vec<u16>> = keys.iter().filter_map(|k| g.ids_of(&chars(k))).collect();
            let targets = Targets::new(&g, ids.iter().map(Vec::as_slice));
            let mut ends: Vec<usize> = cuts.iter().map(|&e| e.min(a.len()).min(MAX_PATTERN)).collect();
            ends.sort_unstable();
            let (mut whole, mut set) = (Pattern::default(), Pattern::default());
            let b_end = [b.len().min(MAX_PATTERN)];
            if first_whole {
                set.prepare(&b, &b_end, &g);
            } else {
                set.prepare_in(&b, &b_end, &g, &targets);
            }
            whole.prepare(&a, &ends, &g);
            set.prepare_in(&a, &ends, &g, &targets);
            for &c in ids.iter().flatten() {
                proptest::prop_assert_eq!(set.masks(c), whole.masks(c), "{}", c);
                proptest::prop_assert_eq!(set.first_and_loose(c), whole.first_and_loose(c));
            }
        }
    }

    #[test]
    fn a_reused_pattern_reads_as_a_fresh_one() {
        let mut g = GlyphCosts::from_tsv("息\t自\t0.3\n案\t安\t0.4\n").unwrap();
        g.learn_alphabet("属于三类内部事务信息重名位行政执法卷".chars());
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        let (a, b, c) = (
            chars("属于行政执法安类"),
            chars("自自息息"),
            chars("内部事务信息"),
        );
        let mut fresh = Pattern::default();
        fresh.prepare(&a, &[3, a.len()], &g);
        let mut reused = Pattern::default();
        reused.prepare(&b, &[b.len()], &g);
        // Up to the last generation, and past it (every entry set again).
        reused.generation = u32::MAX - 1;
        reused.prepare(&c, &[c.len()], &g);
        for _ in 0..2 {
            reused.prepare(&a, &[3, a.len()], &g);
            for id in 0..=g.alphabet_len() as u16 {
                assert_eq!(reused.masks(id), fresh.masks(id), "{id}");
                assert_eq!(reused.first_prefix(id), fresh.first_prefix(id), "{id}");
            }
        }
    }

    #[test]
    fn matches_the_dynamic_programme_for_every_prefix() {
        let mut g = GlyphCosts::from_tsv("息\t自\t0.3\n案\t安\t0.4\n").unwrap();
        g.learn_alphabet("属于三类内部事务信息重名位行政执法卷".chars());
        let near = |a: char, b: char| g.cost(a, b) < 1.0;
        let words = [
            "属于三类内部事务信息",
            "属于三类内部重名位自",
            "属于行政执法安类",
            "属于行政执法案卷",
            "信",
            "自自息息",
            "属于国家秘密",
            "",
        ];
        let mut p = Pattern::default();
        let mut out = Vec::new();
        for a in words {
            let a: Vec<char> = a.chars().collect();
            let ends: Vec<usize> = (1..=a.len()).collect();
            p.prepare(&a, &ends, &g);
            for b in words {
                let b: Vec<char> = b.chars().collect();
                // Keys are made of numbered characters (the labels'); patterns need not be.
                let Some(ids) = g.ids_of(&b) else { continue };
                p.distances(&ids, &mut out);
                for (k, &m) in ends.iter().enumerate() {
                    let full = Bounds {
                        unit: table(&a[..m], &b, |_, _| false),
                        relaxed: table(&a[..m], &b, near),
                    };
                    assert_eq!(out[k].full, full, "{a:?}[..{m}] {b:?}");
                    let cut = (m < b.len()).then(|| Bounds {
                        unit: table(&a[..m], &b[..m], |_, _| false),
                        relaxed: table(&a[..m], &b[..m], near),
                    });
                    assert_eq!(out[k].cut, cut, "{a:?}[..{m}] {b:?} cut");
                }
                for (k, &m) in ends.iter().enumerate() {
                    let past = ids.iter().filter(|&&c| p.first_prefix(c) > k).count();
                    assert_eq!(
                        past as u32,
                        p.unmatched(&ids, m),
                        "{a:?}[..{m}] {b:?} firsts"
                    );
                }
                for (k, &m) in ends.iter().enumerate() {
                    let lacking = |key: &[char]| {
                        let seen = |c: char| a[..m].iter().any(|&x| x == c || near(x, c));
                        key.iter().filter(|&&c| !seen(c)).count() as u32
                    };
                    let floor = p.unmatched(&ids, m);
                    assert_eq!(floor, lacking(&b), "{a:?}[..{m}] {b:?} floor");
                    assert!(floor <= out[k].full.relaxed);
                    let higher = p.floor(&ids, m);
                    assert!(floor <= higher && higher <= out[k].full.relaxed);
                    if let Some(cut) = out[k].cut {
                        assert!(p.floor(&ids[..m], m) <= cut.relaxed, "{a:?}[..{m}] {b:?}");
                    }
                    if m < b.len() {
                        let cut = p.unmatched(&ids[..m], m);
                        assert_eq!(cut, lacking(&b[..m]), "{a:?}[..{m}] {b:?} cut floor");
                    }
                }
            }
        }
    }
}
