//! Property tests: every rendering parses back to the same elements, for messages generated from
//! the dictionary itself; and no input, however malformed, makes the parser panic.

use std::sync::OnceLock;

use proptest::prelude::*;

use super::dictionary::{AiEntry, CharSet, Dictionary, ValueError};
use super::lint::LintErrorCode;
use super::*;

/// Characters of each set, to draw values from.
fn alphabet(cs: CharSet) -> &'static [u8] {
    match cs {
        CharSet::Numeric => b"0123456789",
        CharSet::Cset82 => {
            b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        }
        CharSet::Cset39 => b"#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        CharSet::Cset64 => b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
    }
}

/// A small deterministic generator (xorshift), so the pool is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn candidate(entry: &AiEntry, rng: &mut Rng) -> Vec<u8> {
    let mut v = Vec::new();
    for (i, c) in entry.components.iter().enumerate() {
        if c.optional && rng.below(2) == 0 && i + 1 == entry.components.len() {
            break;
        }
        let len = if c.min == c.max {
            usize::from(c.max)
        } else {
            usize::from(c.min) + rng.below(usize::from(c.max - c.min) + 1)
        };
        let a = alphabet(c.charset);
        v.extend((0..len).map(|_| a[rng.below(a.len())]));
    }
    v
}

/// Up to four valid values per AI, found by random search with check-digit repair. AIs whose
/// linters random data almost never satisfies are simply left out of the pool.
fn pool() -> &'static Vec<(&'static AiEntry, Vec<String>)> {
    static POOL: OnceLock<Vec<(&'static AiEntry, Vec<String>)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut out = Vec::new();
        for entry in Dictionary::release().entries {
            // A signature must cover a serialised key; keep the pool free of that coupling.
            if entry.ai == "8030" {
                continue;
            }
            let mut values = Vec::new();
            for _ in 0..400 {
                let mut v = candidate(entry, &mut rng);
                for _ in 0..4 {
                    match entry.validate(&v) {
                        Err(ValueError::Lint(e))
                            if e.code == LintErrorCode::IncorrectCheckDigit && e.pos < v.len() =>
                        {
                            let start = entry
                                .component_at(v.len(), e.pos)
                                .map_or(0, |(_, r)| r.start);
                            if let Some(d) = parse::gs1_check_digit(&v[start..e.pos]) {
                                v[e.pos] = b'0' + d;
                            }
                        }
                        _ => break,
                    }
                }
                if entry.validate(&v).is_ok() {
                    if let Ok(s) = String::from_utf8(v) {
                        if !values.contains(&s) {
                            values.push(s);
                        }
                    }
                }
                if values.len() == 4 {
                    break;
                }
            }
            if !values.is_empty() {
                out.push((entry, values));
            }
        }
        out
    })
}

/// Messages of one to six distinct AIs with valid values.
fn message() -> impl Strategy<Value = Vec<Element>> {
    let n = pool().len();
    prop::collection::vec((0..n, 0..4usize), 1..7).prop_map(|picks| {
        let mut elements: Vec<Element> = Vec::new();
        for (i, j) in picks {
            let (entry, values) = &pool()[i];
            if elements.iter().any(|e| e.ai == entry.ai) {
                continue;
            }
            elements.push(Element {
                ai: entry.ai.into(),
                value: values[j % values.len()].as_str().into(),
            });
        }
        elements
    })
}

fn sorted(mut v: Vec<Element>) -> Vec<Element> {
    v.sort_by(|a, b| a.ai.cmp(&b.ai));
    v
}

#[test]
fn the_pool_covers_most_of_the_dictionary() {
    let known = Dictionary::release().entries.len();
    assert!(
        pool().len() * 10 >= known * 8,
        "{} of {known} AIs",
        pool().len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn bracketed_round_trips(elements in message()) {
        let m = Gs1Message { symbology: None, elements, warnings: vec![], dl_path_len: 0 };
        let back = parse(m.hri().as_bytes(), &ParseOptions::default());
        prop_assert!(back.is_ok(), "{}: {:?}", m.hri(), back);
        prop_assert_eq!(back.unwrap().elements, m.elements);
    }

    #[test]
    fn element_string_round_trips(elements in message()) {
        let m = Gs1Message { symbology: None, elements, warnings: vec![], dl_path_len: 0 };
        let data = format!("\u{1d}{}", m.element_string());
        let back = parse(data.as_bytes(), &ParseOptions::default());
        prop_assert!(back.is_ok(), "{:?}: {:?}", data, back);
        prop_assert_eq!(back.unwrap().elements, m.elements);
    }

    #[test]
    fn scanner_data_round_trips(elements in message(), sym in prop::sample::select(vec!["]d2", "]C1", "]Q3", "]e0", "]J1"])) {
        let m = Gs1Message { symbology: Some(sym.into()), elements, warnings: vec![], dl_path_len: 0 };
        let data = m.scanner_data(sym).unwrap();
        let back = parse(data.as_bytes(), &ParseOptions::default());
        prop_assert!(back.is_ok(), "{:?}: {:?}", data, back);
        let back = back.unwrap();
        prop_assert_eq!(back.symbology.as_deref(), Some(sym));
        prop_assert_eq!(back.elements, m.elements);
    }

    #[test]
    fn digital_link_round_trips(elements in message()) {
        let m = Gs1Message { symbology: None, elements, warnings: vec![], dl_path_len: 0 };
        if let Ok(uri) = m.digital_link("https://example.com/some/stem") {
            let back = parse(uri.as_bytes(), &ParseOptions::default());
            prop_assert!(back.is_ok(), "{}: {:?}", uri, back);
            let back = back.unwrap();
            prop_assert_eq!(sorted(back.elements.clone()), sorted(m.elements.clone()));
            // Canonical: rendering the parsed URI gives the same URI.
            prop_assert_eq!(back.digital_link("https://example.com/some/stem").unwrap(), uri);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..200), flags in 0u8..8) {
        // The fuzz target's property (fuzz/README.md), in the normal test run: any bytes, any
        // option set; no panic, and an error's span lies inside the input.
        let o = ParseOptions {
            strict: flags & 1 != 0,
            permit_unknown_ais: flags & 2 != 0,
            permit_zero_suppressed_gtin: flags & 4 != 0,
            dictionary: None,
        };
        if let Err(e) = parse(&data, &o) {
            if let Some((s, t)) = e.span {
                prop_assert!(s <= t && t <= data.len(), "span {:?} outside input of {} bytes", e.span, data.len());
            }
        }
    }

    #[test]
    fn near_valid_inputs_never_panic(
        prefix in prop::sample::select(vec!["]d2", "]C1", "]E0", "]E4", "]Q1https://a/", "(", "https://id.gs1.org/", "^", "\u{1d}", ""]),
        body in "[0-9()\\\\/?&=%A-Za-z\u{1d}^|#+]{0,80}",
    ) {
        let data = format!("{prefix}{body}");
        for permit in [false, true] {
            let o = ParseOptions { permit_unknown_ais: permit, permit_zero_suppressed_gtin: permit, ..ParseOptions::default() };
            match parse(data.as_bytes(), &o) {
                Ok(m) => {
                    // Whatever parses renders, and its bracketed form parses back.
                    let _ = (m.element_string(), m.digital_link(DEFAULT_STEM), m.scanner_data("]d2"));
                    let back = parse(m.hri().as_bytes(), &o);
                    prop_assert!(back.is_ok(), "{:?} -> {} -> {:?}", data, m.hri(), back);
                    prop_assert_eq!(back.unwrap().elements, m.elements);
                }
                Err(e) => {
                    if let Some((s, t)) = e.span {
                        prop_assert!(s <= t && t <= data.len(), "span {:?} outside input of {} bytes", e.span, data.len());
                    }
                }
            }
        }
    }
}
