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
