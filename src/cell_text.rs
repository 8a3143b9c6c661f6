//! [`CellText`]: the text of one cell as OCR read it, kept inline when short.
//!
//! A report of about 200 cells made about 550 heap strings for their text: one per
//! token the lexer read as a cell, one per copy the lexer's memo replayed, one per
//! run fitted to a row, each freed again. Nearly every cell reads a few bytes (`0`,
//! `1288`, `忆`), so those are held in the value itself and copied as such; longer text
//! (a cell OCR ran together with its neighbours) still goes to the heap.

use std::fmt;
use std::ops::Deref;

/// Bytes held inline: the value is then as large as a `String` (24 bytes).
pub const INLINE_BYTES: usize = 22;

/// The text of a cell; reads as a `str`.
#[derive(Clone)]
pub struct CellText(Repr);

#[derive(Clone)]
enum Repr {
    /// The first `len` bytes are the text (a whole `str`, copied at its boundaries).
    Inline {
        len: u8,
        bytes: [u8; INLINE_BYTES],
    },
    Heap(Box<str>),
}

impl CellText {
    /// The empty text.
    pub const fn new() -> CellText {
        CellText(Repr::Inline {
            len: 0,
            bytes: [0; INLINE_BYTES],
        })
    }

    /// The text as a `str`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // The bytes were copied whole from a `str`, so they are valid UTF-8 and
            // the fallback is never taken.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }

    /// The text's bytes, without checking them as a `str` again.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    /// For a short text: its bytes padded with zeros to [`INLINE_BYTES`], and its
    /// length, so that it can be copied as a block of known size.
    pub fn padded(&self) -> Option<(&[u8; INLINE_BYTES], usize)> {
        match &self.0 {
            Repr::Inline { len, bytes } => Some((bytes, usize::from(*len))),
            Repr::Heap(_) => None,
        }
    }

    /// Whether the text is empty, without reading it as a `str`.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Inline { len, .. } => *len == 0,
            Repr::Heap(s) => s.is_empty(),
        }
    }
}

impl Default for CellText {
    fn default() -> CellText {
        CellText::new()
    }
}

impl From<&str> for CellText {
    fn from(s: &str) -> CellText {
        let b = s.as_bytes();
        if b.len() <= INLINE_BYTES {
            let mut bytes = [0; INLINE_BYTES];
            bytes[..b.len()].copy_from_slice(b);
            // At most INLINE_BYTES (22) bytes: the length fits a byte.
            let len = b.len() as u8;
            CellText(Repr::Inline { len, bytes })
        } else {
            CellText(Repr::Heap(s.into()))
        }
    }
}

impl From<String> for CellText {
    fn from(s: String) -> CellText {
        if s.len() <= INLINE_BYTES {
            CellText::from(s.as_str())
        } else {
            CellText(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<&CellText> for String {
    fn from(t: &CellText) -> String {
        t.as_str().to_string()
    }
}

impl Deref for CellText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for CellText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for CellText {
    fn eq(&self, other: &CellText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CellText {}

impl PartialEq<str> for CellText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CellText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// As a `String` prints: reviews quote a cell's text with `{:?}`.
impl fmt::Debug for CellText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for CellText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_and_boundaries() {
        assert_eq!(
            std::mem::size_of::<CellText>(),
            std::mem::size_of::<String>()
        );
        for s in [
            "",
            "0",
            "1288",
            "忆",
            "||",
            &"9".repeat(22),
            &"9".repeat(23),
            "一二三四五六七八",
        ] {
            let t = CellText::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t.is_empty(), s.is_empty());
            assert_eq!(CellText::from(s.to_string()), t);
        }
        assert!(CellText::default().is_empty());
        assert_eq!(CellText::new().as_str(), "");
    }

    proptest! {
        /// Reads, compares and prints as the `String` it was made from, inline or not.
        #[test]
        fn behaves_as_the_string(a in ".{0,30}", b in ".{0,30}") {
            let (ta, tb) = (CellText::from(a.as_str()), CellText::from(b.clone()));
            prop_assert_eq!(ta.as_str(), a.as_str());
            prop_assert_eq!(tb.as_str(), b.as_str());
            prop_assert_eq!(ta.is_empty(), a.is_empty());
            prop_assert_eq!(ta.len(), a.len());
            prop_assert_eq!(ta.as_bytes(), a.as_bytes());
            if let Some((padded, len)) = ta.padded() {
                prop_assert_eq!(&padded[..len], a.as_bytes());
                prop_assert!(padded[len..].iter().all(|&b| b == 0));
            } else {
                prop_assert!(a.len() > INLINE_BYTES);
            }
            prop_assert_eq!(ta == tb, a == b);
            prop_assert_eq!(ta.clone(), ta.clone());
            prop_assert_eq!(format!("{ta:?}"), format!("{a:?}"));
            prop_assert_eq!(format!("{ta}"), a.clone());
            prop_assert_eq!(String::from(&ta), a);
        }
    }
}
