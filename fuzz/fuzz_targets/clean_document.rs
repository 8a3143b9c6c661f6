//! Arbitrary bytes as a document: cleaning must never panic, and what it returns must
//! be consistent enough to write (a failed document says why; tables need a template).
#![no_main]

use std::sync::OnceLock;

use gongkai::{clean_document, Dictionaries};
use libfuzzer_sys::fuzz_target;

fn dict() -> &'static Dictionaries {
    static D: OnceLock<Dictionaries> = OnceLock::new();
    D.get_or_init(|| Dictionaries::embedded().expect("embedded dictionaries load"))
}

fuzz_target!(|data: &[u8]| {
    let doc = clean_document(data, "fuzz", "fuzz", dict());
    gongkai::fuzzing::check_document(&doc, dict());
});
