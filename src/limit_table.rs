//! The label gate's distance limits as whole-number thresholds, kept per similarity.
//!
//! Takes a run length, a key length and a similarity (0 < min < 1); gives, for the
//! whole key's comparison and for its prefix's, the least whole distance that
//! [`super::limits`] rules out (0: the comparison is not made or the lengths alone
//! rule it out). The gate compares whole-number floors with these limits, so a
//! floor `f` is within a limit exactly when it is below the threshold. A segment's
//! runs are gated against every label at a few similarities (one per floor and
//! ordinal agreement), so each pair of lengths is worked out once per similarity
//! rather than in floating point on every call.

use super::limits;

/// Lengths below this are kept in a table; longer ones are worked out each time.
const SIDE: usize = 64;

/// A table cell not yet worked out (no threshold of a length below [`SIDE`] is 255).
const UNSET: u16 = u16::MAX;

/// At most this many similarities are kept; past it the oldest table is reused.
const KEPT: usize = 16;

/// The least whole number that [`super::over`] finds over `max` (0 for None: every
/// floor, 0 included, is then treated as over).
pub(super) fn threshold(max: Option<f64>) -> u32 {
    let Some(max) = max else { return 0 };
    let m = max + 1e-9;
    if m < 0.0 {
        return 0;
    }
    // `u > m` for a whole `u` exactly when `u > floor(m)`. Past u32 (never at these
    // lengths) the threshold saturates, which only makes the gate rule out less.
    let t = m.floor() + 1.0;
    if t >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        t as u32
    }
}

/// The thresholds of both comparisons of a run of `lr` against a key of `lk` at
/// `min`, computed afresh: (whole key, prefix).
pub(super) fn thresholds(lr: usize, lk: usize, min: f64) -> (u32, u32) {
    let (full, cut) = limits(lr, lk, min);
    (threshold(full), threshold(cut))
}

/// Thresholds already worked out, by similarity (as bits) and lengths.
#[derive(Debug, Default)]
pub(super) struct LimitTables {
    tables: Vec<(u64, Box<[u16]>)>,
    /// The table last used, and where the next new one goes once [`KEPT`] are held.
    last: usize,
    next: usize,
}

impl LimitTables {
    /// The table of `min`, started if it is new.
    #[inline]
    pub(super) fn of(&mut self, min: f64) -> Table<'_> {
        let bits = min.to_bits();
        // A segment's labels are mostly gated at one similarity after another.
        let at = if self.tables.get(self.last).is_some_and(|t| t.0 == bits) {
            self.last
        } else {
            self.find(bits)
        };
        Table {
            min,
            cells: &mut self.tables[at].1,
        }
    }

    /// Where the table of `bits` is, once it is not the last one used.
    #[inline(never)]
    fn find(&mut self, bits: u64) -> usize {
        let at = if let Some(i) = self.tables.iter().position(|t| t.0 == bits) {
            i
        } else if self.tables.len() < KEPT {
            self.tables
                .push((bits, vec![UNSET; SIDE * SIDE].into_boxed_slice()));
            self.tables.len() - 1
        } else {
            let i = self.next;
            self.next = (self.next + 1) % KEPT;
            self.tables[i].0 = bits;
            self.tables[i].1.fill(UNSET);
            i
        };
        self.last = at;
        at
    }
}

/// The thresholds at one similarity.
pub(super) struct Table<'a> {
    min: f64,
    cells: &'a mut [u16],
}

impl Table<'_> {
    /// [`thresholds`] of `lr` and `lk` at this table's similarity.
    #[inline]
    pub(super) fn get(&mut self, lr: usize, lk: usize) -> (u32, u32) {
        if lr < SIDE && lk < SIDE {
            if let Some(&cell) = self.cells.get(lr * SIDE + lk) {
                if cell != UNSET {
                    return (u32::from(cell & 0xFF), u32::from(cell >> 8));
                }
            }
        }
        self.fill(lr, lk)
    }

    /// [`Table::get`] of a pair not yet worked out (or too long to keep).
    #[inline(never)]
    fn fill(&mut self, lr: usize, lk: usize) -> (u32, u32) {
        let (full, cut) = thresholds(lr, lk, self.min);
        if lr < SIDE && lk < SIDE {
            if let Some(cell) = self.cells.get_mut(lr * SIDE + lk) {
                // At these lengths a limit is below 64, so both fit a byte.
                *cell = (full.min(254) as u16) | (cut.min(254) as u16) << 8;
            }
        }
        (full, cut)
    }
}

#[cfg(test)]
mod tests {
    use super::super::over;
    use super::*;

    proptest::proptest! {
        /// A threshold says of every whole floor what [`over`] says of it against the
        /// limit, and 0 exactly for a comparison not made.
        #[test]
        fn a_threshold_reads_as_the_limit(
            lr in 0usize..100,
            lk in 0usize..100,
            min in 0.0001f64..0.9999,
        ) {
            let (full, cut) = limits(lr, lk, min);
            let (t_full, t_cut) = thresholds(lr, lk, min);
            proptest::prop_assert_eq!(t_full == 0, full.is_none());
            proptest::prop_assert_eq!(t_cut == 0, cut.is_none());
            for u in 0..260u32 {
                proptest::prop_assert_eq!(u < t_full, full.is_some_and(|m| !over(u, m)));
                proptest::prop_assert_eq!(u < t_cut, cut.is_some_and(|m| !over(u, m)));
            }
        }

        /// The tables give what is worked out afresh, across more similarities than
        /// are kept (so tables are reused) and lengths on both sides of the table's.
        #[test]
        fn the_tables_give_the_fresh_thresholds(
            mins in proptest::collection::vec(0.0001f64..0.9999, 1..24),
            asks in proptest::collection::vec((0usize..24, 0usize..80, 0usize..80), 1..400),
        ) {
            let mut tables = LimitTables::default();
            for (m, lr, lk) in asks {
                let min = mins[m % mins.len()];
                let got = tables.of(min).get(lr, lk);
                proptest::prop_assert_eq!(got, thresholds(lr, lk, min));
            }
        }
    }

    /// The similarities the gate asks about in practice are fractions such as
    /// (0.5 − 0.15) / 0.7: the thresholds agree there at every length.
    #[test]
    fn thresholds_agree_at_the_usual_similarities() {
        for min in [0.5, 0.3 / 0.7, 0.35 / 0.7, 0.75, 0.25 / 0.7, 0.6] {
            let mut tables = LimitTables::default();
            for lr in 0..SIDE {
                for lk in 0..SIDE {
                    let (full, cut) = limits(lr, lk, min);
                    let got = tables.of(min).get(lr, lk);
                    assert_eq!(got, thresholds(lr, lk, min));
                    for u in 0..130u32 {
                        assert_eq!(u < got.0, full.is_some_and(|m| !over(u, m)));
                        assert_eq!(u < got.1, cut.is_some_and(|m| !over(u, m)));
                    }
                }
            }
        }
    }
}
