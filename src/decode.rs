//! Decoding: a file's bytes → text and the name of its encoding.
//!
//! UTF-8 (with or without BOM), UTF-16 with BOM, and legacy encodings guessed by
//! chardetng (GB18030/GBK for most Chinese archives, Big5 for some). Bytes that are
//! not text (scans saved as .txt, archives) are refused rather than decoded into
//! noise, with a reason the user can act on.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// Share of control or replacement characters above which decoded text is taken to
/// be binary.
const MAX_GARBAGE_SHARE: f64 = 0.02;

/// Decoded text: the file's own bytes when they are UTF-8 without a BOM (most
/// reports), not a copy of them.
#[derive(Debug, PartialEq)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Encoding name (`UTF-8`, `UTF-16LE`, `GBK` …).
    pub encoding: &'static str,
}

/// Why bytes were not decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Zero bytes, or only whitespace.
    Empty,
    /// Not text.
    Binary(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "the file is empty"),
            DecodeError::Binary(why) => write!(
                f,
                "not a text file ({why}); if it is a scan, run OCR on it first"
            ),
        }
    }
}

/// Detects the encoding of `bytes` and decodes them.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(Cow::Owned(text.into_owned()), enc.name(), had_errors, None);
    }
    // A NUL is one of the control codes that the garbage share counts, so text
    // without any (every report) is not searched for one; the count is the one
    // that the share takes when the bytes are UTF-8.
    let controls = ascii_garbage(bytes);
    if controls > 0 && memchr::memchr(0, bytes).is_some() {
        return Err(DecodeError::Binary("it contains NUL bytes".into()));
    }
    // Most reports are UTF-8: checked a vector register at a time.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return finish(Cow::Borrowed(text), "UTF-8", false, Some(controls));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let enc = detector.guess(None, false);
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    finish(Cow::Owned(text.into_owned()), enc.name(), had_errors, None)
}

/// The decoded text, or why it is not text. `controls` is [`ascii_garbage`] of the
/// text when already counted.
fn finish<'a>(
    text: Cow<'a, str>,
    encoding: &'static str,
    had_errors: bool,
    controls: Option<usize>,
) -> Result<Decoded<'a>, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    // Without garbage the share is 0 whatever the total, which is not counted then.
    let b = text.as_bytes();
    let garbage = controls.unwrap_or_else(|| ascii_garbage(b)) + other_garbage(b);
    let total = if garbage > 0 { chars(&text) } else { 0 };
    if garbage as f64 > total as f64 * MAX_GARBAGE_SHARE {
        let why = if had_errors {
            format!("{garbage} of {total} characters do not decode as {encoding}")
        } else {
            format!("{garbage} of {total} characters are control codes")
        };
        return Err(DecodeError::Binary(why));
    }
    Ok(Decoded { text, encoding })
}

/// Whether `c` is not text: the replacement character, or a control code other than
/// a line break, tab or form feed.
#[cfg(test)]
fn is_garbage(c: char) -> bool {
    c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

/// How many characters of `text` are not text (see `is_garbage`), counted on its
/// bytes rather than on decoded characters: such a character is one ASCII byte, or
/// starts with `C2` (the C1 controls, `C2 80`–`C2 9F`), or is `EF BF BD` (U+FFFD),
/// and neither lead byte is ever inside another character. The count is a pass that
/// the compiler vectorises and `memchr` searches for bytes that Chinese text hardly
/// holds, not one step per character.
#[cfg(test)]
fn garbage(text: &str) -> usize {
    ascii_garbage(text.as_bytes()) + other_garbage(text.as_bytes())
}

/// The ASCII control codes of `b` but tab, line feed, form feed and carriage return,
/// and DEL: the one-byte characters of [`garbage`].
fn ascii_garbage(b: &[u8]) -> usize {
    count_bytes(b, |x| {
        (x < 0x20 && !matches!(x, b'\t' | b'\n' | 0x0c | b'\r')) | (x == 0x7f)
    })
}

/// The C1 controls and replacement characters of `b`: the rest of [`garbage`].
fn other_garbage(b: &[u8]) -> usize {
    let c1 = memchr::memchr_iter(0xc2, b)
        .filter(|&i| matches!(b.get(i + 1), Some(0x80..=0x9f)))
        .count();
    let replacement = memchr::memmem::find_iter(b, "\u{fffd}".as_bytes()).count();
    c1 + replacement
}

/// How many characters `text` has: its bytes that do not continue another
/// (10xxxxxx), counted as [`garbage`] counts.
fn chars(text: &str) -> usize {
    count_bytes(text.as_bytes(), |x| (x as i8) >= -0x40)
}

/// How many bytes of `b` `f` holds for: counted in byte-wide lanes over pieces of
/// 192 bytes, which the compiler turns into vector additions (a lane holds up to 255;
/// 192 is three of the unrolled loop's 64-byte steps, where 255 left 63 bytes of each
/// piece to shorter steps and a byte-at-a-time tail).
pub(crate) fn count_bytes(b: &[u8], f: impl Fn(u8) -> bool) -> usize {
    b.chunks(192)
        .map(|piece| usize::from(piece.iter().fold(0u8, |n, &x| n + u8::from(f(x)))))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // The vectorised check accepts exactly what the standard library's does, on
        // text (CJK, ASCII, the odd byte) and around cut characters.
        #[test]
        fn the_utf8_check_agrees_with_std(
            text in "[a-z0-9 \u{4e00}-\u{4e20}。，|\u{10000}-\u{10010}]{0,80}",
            cut in 0usize..400,
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..4),
        ) {
            let mut bytes = text.into_bytes();
            bytes.truncate(cut.min(bytes.len()));
            bytes.extend(junk);
            proptest::prop_assert_eq!(
                simdutf8::basic::from_utf8(&bytes).is_ok(),
                std::str::from_utf8(&bytes).is_ok()
            );
        }
    }

    #[test]
    fn garbage_is_counted_on_the_bytes_as_on_the_characters() {
        // Every character alone, then between others.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let one = c.to_string();
            assert_eq!(
                (garbage(&one), chars(&one)),
                (usize::from(is_garbage(c)), 1),
                "{c:?}"
            );
            let among = format!("a{c}\u{fffd}\u{80}五\u{ff}{c}");
            let want = among.chars().filter(|&c| is_garbage(c)).count();
            assert_eq!(
                (garbage(&among), chars(&among)),
                (want, among.chars().count()),
                "{c:?}"
            );
        }
        // Texts longer than the counting pieces, cut anywhere.
        let long: String = (0..3000u32)
            .filter_map(|i| {
                char::from_u32([0x41, 0x7, 0x4e00 + i, 0x85, 0xfffd, 0x9][i as usize % 6])
            })
            .collect();
        for end in (0..long.len())
            .filter(|&e| long.is_char_boundary(e))
            .step_by(7)
        {
            let text = &long[..end];
            let want = text.chars().filter(|&c| is_garbage(c)).count();
            assert_eq!(
                (garbage(text), chars(text)),
                (want, text.chars().count()),
                "{end}"
            );
        }
    }

    const SAMPLE: &str =
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t2\t0\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(SAMPLE.as_bytes()).unwrap().encoding, "UTF-8");
        let mut b = vec![0xef, 0xbb, 0xbf];
        b.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!((&*d.text, d.encoding), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xff, 0xfe];
        b.extend(SAMPLE.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode(&b).unwrap();
        assert_eq!((&*d.text, d.encoding), (SAMPLE, "UTF-16LE"));
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = encoding_rs::GB18030.encode(SAMPLE);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, "GBK");
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\t"), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary(_))
        ));
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x01)
            .collect();
        assert!(
            matches!(decode(&noise), Err(DecodeError::Binary(_))),
            "{:?}",
            decode(&noise).map(|d| d.encoding)
        );
    }
}
