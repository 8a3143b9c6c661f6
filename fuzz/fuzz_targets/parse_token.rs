//! Arbitrary text as one numeric token: parsing must never panic, and a number it
//! reads must read back as the same value.
#![no_main]

use std::sync::OnceLock;

use gongkai::Dictionaries;
use libfuzzer_sys::fuzz_target;

fn dict() -> &'static Dictionaries {
    static D: OnceLock<Dictionaries> = OnceLock::new();
    D.get_or_init(|| Dictionaries::embedded().expect("embedded dictionaries load"))
}

fuzz_target!(|data: &[u8]| {
    gongkai::fuzzing::check_token(data, &dict().lexicon);
});
