//! Arbitrary bytes through every parser option set and every renderer: no panic, spans inside
//! the input, and whatever parses renders and parses back to the same elements.
#![no_main]

use gs1_gateway::gs1::{parse, ParseOptions, DEFAULT_STEM};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let options = ParseOptions {
        strict: flags & 1 != 0,
        permit_unknown_ais: flags & 2 != 0,
        permit_zero_suppressed_gtin: flags & 4 != 0,
        ..ParseOptions::default()
    };
    match parse(input, &options) {
        Ok(m) => {
            let hri = m.hri();
            let back = parse(hri.as_bytes(), &options).expect("HRI of a valid message parses");
            assert_eq!(back.elements, m.elements);
            let _ = m.element_string();
            let _ = m.digital_link(DEFAULT_STEM);
            let _ = m.scanner_data("]d2");
        }
        Err(e) => {
            if let Some((s, t)) = e.span {
                assert!(s <= t && t <= input.len());
            }
        }
    }
});
