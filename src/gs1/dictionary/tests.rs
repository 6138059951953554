//! Proves the compiled tables match the dictionary files.

use super::syntax::{self, ParsedDictionary};
use super::*;

const RELEASE_TEXT: &str =
    include_str!("../../../resources/gs1/gs1-syntax-dictionary-release-2026-01-27.txt");
const NEXT_TEXT: &str = include_str!("../../../resources/gs1/gs1-syntax-dictionary.txt");

fn parsed(text: &str) -> ParsedDictionary {
    match syntax::parse_dictionary(text) {
        Ok(d) => d,
        Err(e) => panic!("dictionary does not parse: {e}"),
    }
}

fn charset_letter(c: CharSet) -> char {
    match c {
        CharSet::Numeric => 'N',
        CharSet::Cset82 => 'X',
        CharSet::Cset39 => 'Y',
        CharSet::Cset64 => 'Z',
    }
}

/// Re-parses the text with the build script's parser and compares every field of every entry.
fn assert_matches_text(dict: &Dictionary, text: &str) {
    let p = parsed(text);
    assert_eq!(Some(dict.edition), p.release.as_deref());
    assert_eq!(dict.entries.len(), p.entries.len());
    for (e, q) in dict.entries.iter().zip(&p.entries) {
        assert_eq!(e.ai, q.ai);
        assert_eq!(e.title, q.title, "{}", e.ai);
        assert_eq!(e.predefined_length, q.predefined_length, "{}", e.ai);
        assert_eq!(e.dl_data_attribute, q.dl_data_attribute, "{}", e.ai);
        assert_eq!(e.components.len(), q.components.len(), "{}", e.ai);
        for (c, qc) in e.components.iter().zip(&q.components) {
            assert_eq!(charset_letter(c.charset), qc.charset, "{}", e.ai);
            assert_eq!((c.min, c.max, c.optional), (qc.min, qc.max, qc.optional));
            let names: Vec<&str> = c.linters.iter().map(|l| l.name()).collect();
            assert_eq!(names, qc.linters, "{}", e.ai);
        }
        assert_eq!(e.req, q.req, "{}", e.ai);
        assert_eq!(e.ex, q.ex, "{}", e.ai);
        let dlpkey: Option<Vec<Vec<String>>> = e.dl_primary_key.map(|k| {
            k.iter()
                .map(|alt| alt.iter().map(|s| s.to_string()).collect())
                .collect()
        });
        assert_eq!(dlpkey, q.dl_primary_key, "{}", e.ai);
    }
}

#[test]
fn release_table_matches_its_file() {
    assert_matches_text(Dictionary::release(), RELEASE_TEXT);
}

#[test]
fn next_table_matches_its_file() {
    assert_matches_text(Dictionary::next(), NEXT_TEXT);
}

#[test]
fn ai_counts() {
    assert_eq!(Dictionary::release().entries.len(), 541);
    assert_eq!(Dictionary::release().edition, "2026-01-27");
    assert_eq!(Dictionary::next().entries.len(), 541);
    assert_eq!(Dictionary::next().edition, "UNSET");
}

#[test]
fn known_linters_are_the_implemented_ones() {
    let implemented: Vec<&str> = crate::gs1::lint::Linter::ALL
        .iter()
        .map(|l| l.name())
        .collect();
    assert_eq!(implemented, syntax::KNOWN_LINTERS);
}

fn entry(ai: &str) -> &'static AiEntry {
    match Dictionary::release().lookup(ai) {
        Some(e) => e,
        None => panic!("AI {ai} missing"),
    }
}

#[test]
fn spot_checks() {
    let gtin = entry("01");
    assert_eq!(gtin.title, "GTIN");
    assert!(gtin.predefined_length && gtin.dl_data_attribute);
    assert_eq!(gtin.components.len(), 1);
    let c = gtin.components[0];
    assert_eq!(
        (c.charset, c.min, c.max, c.optional),
        (CharSet::Numeric, 14, 14, false)
    );
    assert_eq!(c.linters, [Linter::Csum, Linter::Gcppos2]);
    assert_eq!(
        gtin.dl_primary_key,
        Some(&[&["22", "10", "21"][..], &["235"][..]][..])
    );
    assert_eq!(gtin.ex, ["255", "37"]);
    assert!(gtin.req.is_empty());

    let batch = entry("10");
    assert!(!batch.predefined_length && batch.dl_data_attribute);
    let c = batch.components[0];
    assert_eq!((c.charset, c.min, c.max), (CharSet::Cset82, 1, 20));
    assert!(c.linters.is_empty());
    assert_eq!(
        batch.req,
        [&[&["01"][..], &["02"], &["03"], &["8006"], &["8026"]][..]]
    );

    let gsrn = entry("8018");
    assert_eq!(gsrn.title, "GSRN - RECIPIENT");
    assert_eq!(gsrn.ex, ["8017"]);
    assert_eq!(gsrn.dl_primary_key, Some(&[&["8019"][..]][..]));
    assert_eq!(gsrn.components[0].linters, [Linter::Csum, Linter::Gcppos1]);

    let weight = entry("3103");
    assert_eq!(weight.title, "NET WEIGHT (kg)");
    assert!(weight.predefined_length);
    assert_eq!(weight.ex, ["310n"]);
    assert_eq!(weight.req, [&[&["01"][..], &["02"]][..]]);

    let temp = entry("4330");
    assert_eq!(temp.components.len(), 2);
    let opt = temp.components[1];
    assert_eq!(
        (opt.charset, opt.min, opt.max, opt.optional),
        (CharSet::Cset82, 1, 1, true)
    );
    assert_eq!(opt.linters, [Linter::Hyphen]);

    let sig = entry("8030");
    let c = sig.components[0];
    assert_eq!((c.charset, c.min, c.max), (CharSet::Cset64, 1, 90));
    assert_eq!(sig.req.len(), 1);
    let alts = sig.req[0];
    assert_eq!(alts.len(), 10);
    assert!(alts.contains(&&["01", "21"][..]));
    assert!(alts.contains(&&["8010", "8011"][..]));
    assert!(alts.contains(&&["00"][..]));

    // Repeated keys: each `req=` must hold.
    assert_eq!(
        entry("37").req,
        [&[&["00"][..]][..], &[&["02"][..], &["8026"]][..]]
    );
    // `dlpkey` without qualifiers.
    assert_eq!(entry("00").dl_primary_key, Some(&[&[][..]][..]));
    assert_eq!(entry("10").dl_primary_key, None);
    // Ranges.
    assert_eq!(entry("91").title, "INTERNAL");
    assert_eq!(entry("99").components[0].max, 90);
    assert!(Dictionary::release().lookup("3106").is_none());
    // No title.
    assert_eq!(entry("8110").title, "");
    // The next release's `+` form.
    let next = Dictionary::next();
    let potency = next.lookup("7004").map(|e| e.req);
    assert_eq!(
        potency,
        Some(&[&[&["01", "10"][..], &["03", "10"]][..]][..])
    );
}

#[test]
fn ais_are_prefix_free_and_lookup_is_exact() {
    for dict in [Dictionary::release(), Dictionary::next()] {
        for a in dict.entries {
            for b in dict.entries {
                if a.ai != b.ai {
                    assert!(!b.ai.starts_with(a.ai), "{} is a prefix of {}", a.ai, b.ai);
                }
            }
            assert_eq!(dict.lookup(a.ai).map(|e| e.ai), Some(a.ai));
            let mut data = a.ai.as_bytes().to_vec();
            data.extend_from_slice(b"0123");
            assert_eq!(dict.match_prefix(&data).map(|e| e.ai), Some(a.ai));
            assert_eq!(dict.match_prefix(a.ai.as_bytes()).map(|e| e.ai), Some(a.ai));
            assert_eq!(dict.ai_length(a.ai.as_bytes()), Some(a.ai.len()));
        }
        // Every 2-, 3- and 4-digit string: found exactly when it is an AI.
        for n in 0..10_000u32 {
            for width in 2..=4usize {
                if n >= 10u32.pow(width as u32) {
                    continue;
                }
                let s = format!("{n:0width$}");
                let expect = dict.entries.iter().find(|e| e.ai == s).map(|e| e.ai);
                assert_eq!(dict.lookup(&s).map(|e| e.ai), expect, "{s}");
            }
        }
        for bad in ["", "0", "x1", "0x", "31x0", "310", "1"] {
            assert!(dict.lookup(bad).is_none(), "{bad}");
        }
        assert!(dict.match_prefix(b"310").is_none());
        assert!(dict.match_prefix(b"31a3").is_none());
    }
}

#[test]
fn syntax_errors_name_the_line() {
    let bad = [
        ("01  *!  N14  # X", "unknown flag"),
        ("01  *  N14,nosuch  # X", "unknown linter"),
        ("01  *  Q14  # X", "unknown component type"),
        ("01  *  N14  foo=1  # X", "unknown attribute"),
        (
            "01  *  [N2] N3  # X",
            "mandatory component follows an optional",
        ),
        ("01  *  N..2 N3  # X", "only the final component"),
        ("3105-3100  *  N6  # X", "ascending"),
    ];
    for (line, message) in bad {
        let text = format!("# header\n{line}\n");
        match syntax::parse_dictionary(&text) {
            Err(e) => {
                assert_eq!(e.line, 2, "{line}");
                assert!(e.message.contains(message), "{line}: {}", e.message);
            }
            Ok(_) => panic!("accepted {line:?}"),
        }
    }
    let inconsistent = "01 * N14\n011 * N14\n";
    assert!(syntax::parse_dictionary(inconsistent).is_err());
}

mod validate {
    use super::entry;
    use crate::gs1::dictionary::ValueError;
    use crate::gs1::lint::{expected_check_digit, LintError, LintErrorCode as C};

    fn lint_err(code: C, pos: usize, len: usize) -> Result<(), ValueError> {
        Err(ValueError::Lint(LintError { code, pos, len }))
    }

    fn check(ai: &str, value: &str) -> Result<(), ValueError> {
        entry(ai).validate(value.as_bytes())
    }

    /// `body` followed by its correct GS1 check digit.
    fn with_check_digit(body: &str) -> String {
        let mut s = format!("{body}0");
        let d = expected_check_digit(s.as_bytes()).map(char::from);
        s.pop();
        s.push(d.unwrap_or('?'));
        s
    }

    #[test]
    fn gtin() {
        assert_eq!(check("01", "09506000134352"), Ok(()));
        assert_eq!(
            check("01", "09506000134353"),
            lint_err(C::IncorrectCheckDigit, 13, 1)
        );
        assert_eq!(expected_check_digit(b"09506000134353"), Some(b'2'));
        assert_eq!(check("01", "0950600013435"), Err(ValueError::TooShort));
        // Too long wins over the check digit.
        assert_eq!(check("01", "095060001343520"), Err(ValueError::TooLong));
        assert_eq!(
            check("01", "0950600013435A"),
            Err(ValueError::InvalidCharacter { pos: 13 })
        );
        assert_eq!(check("01", ""), Err(ValueError::TooShort));
    }

    #[test]
    fn dates() {
        assert_eq!(check("17", "261231"), Ok(()));
        // Day 00: last day of the month, allowed in expiry dates.
        assert_eq!(check("17", "261200"), Ok(()));
        assert_eq!(check("17", "261332"), lint_err(C::IllegalMonth, 2, 2));
        assert_eq!(check("17", "260230"), lint_err(C::IllegalDay, 4, 2));
        assert_eq!(check("17", "240229"), Ok(())); // leap year
        assert_eq!(check("17", "250229"), lint_err(C::IllegalDay, 4, 2));
        assert_eq!(check("17", "2612"), Err(ValueError::TooShort));
        assert_eq!(
            check("17", "26-231"),
            Err(ValueError::InvalidCharacter { pos: 2 })
        );
        // 7006 is YYMMDD: day 00 is illegal.
        assert_eq!(check("7006", "261200"), lint_err(C::IllegalDay, 4, 2));
    }

    #[test]
    fn optional_hyphen() {
        assert_eq!(check("4330", "001234"), Ok(()));
        assert_eq!(check("4330", "001234-"), Ok(()));
        assert_eq!(check("4330", "001234+"), lint_err(C::NotHyphen, 6, 1));
        assert_eq!(check("4330", "00123"), Err(ValueError::TooShort));
        assert_eq!(check("4330", "001234--"), Err(ValueError::TooLong));
        assert_eq!(
            check("4330", "00123A-"),
            Err(ValueError::InvalidCharacter { pos: 5 })
        );
    }

    #[test]
    fn grai_with_and_without_serial() {
        assert_eq!(check("8003", "09506000134352"), Ok(()));
        assert_eq!(check("8003", "09506000134352ABC-123"), Ok(()));
        assert_eq!(
            check("8003", "09506000134353ABC"),
            lint_err(C::IncorrectCheckDigit, 13, 1)
        );
        assert_eq!(check("8003", "19506000134352"), lint_err(C::NotZero, 0, 1));
        assert_eq!(
            check("8003", "09506000134352ABC 123"),
            Err(ValueError::InvalidCharacter { pos: 17 })
        );
        assert_eq!(
            check("8003", "09506000134352ABCDEFGHIJKLMNOPQ"),
            Err(ValueError::TooLong)
        );
    }

    #[test]
    fn harvest_date_with_optional_second_date() {
        assert_eq!(check("7007", "260101"), Ok(()));
        assert_eq!(check("7007", "260101260131"), Ok(()));
        assert_eq!(
            check("7007", "260101260132"),
            lint_err(C::IllegalDay, 10, 2)
        );
        // A started optional component must be complete.
        assert_eq!(check("7007", "2601012601"), Err(ValueError::TooShort));
    }

    #[test]
    fn production_time_with_optional_minutes_and_seconds() {
        assert_eq!(check("8008", "26010112"), Ok(()));
        assert_eq!(check("8008", "2601011230"), Ok(()));
        assert_eq!(check("8008", "260101123059"), Ok(()));
        assert_eq!(check("8008", "26010124"), lint_err(C::IllegalHour, 6, 2));
        assert_eq!(
            check("8008", "260101126000"),
            lint_err(C::IllegalMinute, 8, 2)
        );
        assert_eq!(
            check("8008", "260101123060"),
            lint_err(C::IllegalSecond, 10, 2)
        );
    }

    #[test]
    fn digital_signature_base64url() {
        assert_eq!(check("8030", "abc-_XYZ09"), Ok(()));
        assert_eq!(check("8030", "abcd=="), Ok(()));
        assert_eq!(
            check("8030", "abc+/"),
            Err(ValueError::InvalidCharacter { pos: 3 })
        );
        assert_eq!(
            check("8030", "ab=="),
            lint_err(C::InvalidCset64Padding, 2, 2)
        );
        assert_eq!(check("8030", &"A".repeat(91)), Err(ValueError::TooLong));
    }

    #[test]
    fn cset82_batch() {
        assert_eq!(check("10", "ABC123"), Ok(()));
        assert_eq!(check("10", "!\"%&'()*+,-./:;<=>?_"), Ok(()));
        assert_eq!(check("10", &"A".repeat(20)), Ok(()));
        assert_eq!(check("10", &"A".repeat(21)), Err(ValueError::TooLong));
        // Space, '~', '#', '@' and non-ASCII are outside CSET 82.
        for (value, pos) in [
            ("ABC 1", 3),
            ("AB~", 2),
            ("AB#", 2),
            ("@", 0),
            ("A\u{e9}", 1),
        ] {
            assert_eq!(
                check("10", value),
                Err(ValueError::InvalidCharacter { pos }),
                "{value:?}"
            );
        }
        assert_eq!(check("10", ""), Err(ValueError::TooShort));
    }

    #[test]
    fn cset39_and_alpha_check_pair() {
        assert_eq!(check("8010", "9506#-/ABC"), Ok(()));
        assert_eq!(
            check("8010", "9506abc"),
            Err(ValueError::InvalidCharacter { pos: 4 })
        );
        // GS1 General Specifications example GMN with check pair "DL"? Use the computed one.
        assert_eq!(check("8013", "1987654Ad4X4bL5ttr2310c2K"), Ok(()));
        assert_eq!(
            check("8013", "1987654Ad4X4bL5ttr2310c2X"),
            lint_err(C::IncorrectCheckPair, 23, 2)
        );
    }

    #[test]
    fn country_lists_and_gsrn() {
        assert_eq!(check("423", "826"), Ok(()));
        assert_eq!(check("423", "826276250"), Ok(()));
        assert_eq!(check("423", "8262"), Err(ValueError::TooShort));
        assert_eq!(check("423", "826999"), lint_err(C::NotIso3166, 3, 3));
        let gsrn = with_check_digit("95060001343500000");
        assert_eq!(check("8018", &gsrn), Ok(()));
        assert_eq!(check("8017", &gsrn), Ok(()));
        assert_eq!(check("3103", "001250"), Ok(()));
        assert_eq!(check("3911", "978123"), Ok(()));
        assert_eq!(check("3911", "998123"), lint_err(C::NotIso4217, 0, 3));
    }

    #[test]
    fn component_at_maps_positions() {
        let e = entry("8003");
        assert_eq!(e.component_at(20, 0), Some((0, 0..1)));
        assert_eq!(e.component_at(20, 13), Some((1, 1..14)));
        assert_eq!(e.component_at(20, 15), Some((2, 14..20)));
        assert_eq!(e.component_at(14, 14), None);
    }

    /// Every AI accepts arbitrary bytes without panicking, and spans stay inside the value.
    #[test]
    fn arbitrary_values_are_safe() {
        use proptest::prelude::*;
        let entries = crate::gs1::dictionary::Dictionary::release().entries;
        proptest!(|(i in 0..entries.len(), data in proptest::collection::vec(any::<u8>(), 0..100))| {
            let e = &entries[i];
            if let Err(err) = e.validate(&data) {
                if let Some((pos, len)) = err.span() {
                    prop_assert!(pos + len <= data.len(), "{}: {err:?}", e.ai);
                }
            }
        });
    }
}
