//! The cells of a value group, owned or shared with the line memo.
//!
//! Takes the slots a group is built from; gives them as a slice. A group the memo
//! replays shares its cells with the memo's copy instead of copying them: a line
//! met again gives the same cells, and a slot's line is counted from its group's
//! first line ([`super::Slot::line_offset`]), so the same cells serve every
//! replay. A group whose cells change (runs joined, cells dropped) copies them
//! first.

use super::Slot;
use std::rc::Rc;

/// A group's cells in order.
#[derive(Clone)]
pub enum Slots {
    /// Built here and not shared.
    Owned(Vec<Slot>),
    /// Shared with the line memo (and the other replays of the line).
    Shared(Rc<[Slot]>),
}

impl Default for Slots {
    fn default() -> Slots {
        Slots::Owned(Vec::new())
    }
}

impl From<Vec<Slot>> for Slots {
    fn from(slots: Vec<Slot>) -> Slots {
        Slots::Owned(slots)
    }
}

impl std::ops::Deref for Slots {
    type Target = [Slot];

    #[inline]
    fn deref(&self) -> &[Slot] {
        match self {
            Slots::Owned(v) => v,
            Slots::Shared(s) => s,
        }
    }
}

/// As the cells alone: shared cells and owned ones read alike.
impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Slots {
    fn eq(&self, other: &Slots) -> bool {
        **self == **other
    }
}

impl Slots {
    /// The cells to change: shared ones are copied first.
    #[inline]
    pub fn to_mut(&mut self) -> &mut Vec<Slot> {
        if let Slots::Shared(_) = self {
            self.unshare();
        }
        match self {
            Slots::Owned(v) => v,
            // Made owned just above.
            Slots::Shared(_) => unreachable!("shared cells were copied"),
        }
    }

    /// Copies shared cells to own them. Out of line: most groups changed own their
    /// cells (a run's, every plain number's), and [`Slots::to_mut`] is then a test.
    #[cold]
    #[inline(never)]
    fn unshare(&mut self) {
        if let Slots::Shared(s) = self {
            *self = Slots::Owned(s.to_vec());
        }
    }

    /// Moves the cells (copies shared ones) onto the end of `to`, their lines
    /// counted `down` lines further (`to` belongs to a group that starts that many
    /// lines before this one's).
    #[inline]
    pub fn append_to(self, to: &mut Vec<Slot>, down: usize) {
        let from = to.len();
        match self {
            Slots::Owned(mut v) => to.append(&mut v),
            Slots::Shared(s) => to.extend_from_slice(&s),
        }
        for s in &mut to[from..] {
            s.line_offset += down;
        }
    }

    /// The same cells, to be shared from now on (copied once if owned).
    pub fn share(&mut self) -> Slots {
        if let Slots::Owned(v) = self {
            *self = Slots::Shared(Rc::from(std::mem::take(v)));
        }
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell_text::CellText;

    fn slot(line_offset: usize, field: usize) -> Slot {
        Slot {
            raw: CellText::from(field.to_string().as_str()),
            line_offset,
            number: None,
            unreadable: field % 2 == 0,
            field,
            at: 0,
        }
    }

    proptest::proptest! {
        /// Appending owned or shared cells gives what copying them one by one,
        /// each moved `down` lines, gives; a copy made to change shared cells
        /// leaves the other holders' cells as they were.
        #[test]
        fn appended_cells_are_the_cells_moved_down(
            to in proptest::collection::vec((0usize..4, 0usize..9), 0..6),
            from in proptest::collection::vec((0usize..4, 0usize..9), 0..6),
            down in 0usize..5,
            shared: bool,
        ) {
            let to: Vec<Slot> = to.iter().map(|&(l, f)| slot(l, f)).collect();
            let from: Vec<Slot> = from.iter().map(|&(l, f)| slot(l, f)).collect();
            let mut plain = to.clone();
            plain.extend(from.iter().map(|s| Slot { line_offset: s.line_offset + down, ..s.clone() }));
            let mut cells = Slots::from(from.clone());
            let other = if shared { Some(cells.share()) } else { None };
            let mut into = Slots::from(to);
            let held = into.share();
            cells.append_to(into.to_mut(), down);
            proptest::prop_assert_eq!(&*into, plain.as_slice());
            proptest::prop_assert_eq!(&*held, &plain[..held.len()]);
            if let Some(other) = other {
                proptest::prop_assert_eq!(&*other, from.as_slice());
            }
        }
    }
}
