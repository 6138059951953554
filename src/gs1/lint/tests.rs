//! Runs every vector of `tests/data/gs1-linter-vectors.json` (harvested from the reference
//! linters' own unit tests) through [`lint`].

use super::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct VectorFile {
    count: usize,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    linter: String,
    input: String,
    expect: Expect,
    source: String,
    #[serde(default)]
    requires_mock_gcp_lookup: bool,
}

#[derive(Deserialize)]
struct Expect {
    ok: bool,
    error_code: Option<String>,
    highlight: Option<String>,
}

/// The vectors come from C strings: each JSON character stands for one byte (Latin-1).
fn latin1_bytes(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// The reference's rendering of a finding: the span wrapped in `*`, bytes shown as Latin-1.
fn highlight(b: &[u8], e: &LintError) -> String {
    let mut out = String::with_capacity(b.len() + 2);
    let mut push = |bytes: &[u8]| out.extend(bytes.iter().map(|&x| char::from(x)));
    push(&b[..e.pos]);
    push(b"*");
    push(&b[e.pos..e.pos + e.len]);
    push(b"*");
    push(&b[e.pos + e.len..]);
    out
}

#[test]
fn every_reference_linter_vector_passes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/gs1-linter-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("linter vectors file is readable");
    let file: VectorFile = serde_json::from_str(&text).expect("linter vectors file is valid JSON");
    assert_eq!(file.vectors.len(), file.count, "vector count");

    let mut mismatches = Vec::new();
    let mut passed = 0;
    let mut mocked = 0;
    for v in &file.vectors {
        let Some(linter) = Linter::from_name(&v.linter) else {
            mismatches.push(format!("{}: unknown linter {:?}", v.source, v.linter));
            continue;
        };
        let Some(input) = latin1_bytes(&v.input) else {
            mismatches.push(format!("{}: input is not Latin-1", v.source));
            continue;
        };
        let got = lint(linter, &input);
        if let Err(e) = &got {
            // A span outside the input would be a bug in itself.
            if e.pos + e.len > input.len() {
                mismatches.push(format!("{}: span {e:?} outside {:?}", v.source, v.input));
                continue;
            }
        }
        let expected = if v.requires_mock_gcp_lookup {
            // These vectors expect a mocked GCP lookup reporting "invalid"/"offline"; with no
            // lookup source configured the reference (and this crate) report OK.
            mocked += 1;
            None
        } else if v.expect.ok {
            None
        } else {
            Some((
                v.expect.error_code.clone().unwrap_or_default(),
                v.expect.highlight.clone().unwrap_or_default(),
            ))
        };
        let actual = got
            .err()
            .map(|e| (e.code.as_str().to_string(), highlight(&input, &e)));
        if actual == expected {
            passed += 1;
        } else {
            mismatches.push(format!(
                "{} {}({:?}): expected {:?}, got {:?}",
                v.source, v.linter, v.input, expected, actual
            ));
        }
    }
    assert_eq!(mocked, 12, "vectors needing the mocked GCP lookup");
    assert!(
        mismatches.is_empty(),
        "{} of {} linter vectors mismatch ({} pass):\n{}",
        mismatches.len(),
        file.vectors.len(),
        passed,
        mismatches.join("\n")
    );
    assert_eq!(passed, 5671);
}

#[test]
fn names_round_trip() {
    for &l in Linter::ALL {
        assert_eq!(Linter::from_name(l.name()), Some(l));
    }
    assert_eq!(Linter::from_name("nosuchlinter"), None);
}

#[test]
fn codes_have_reference_names_and_descriptions() {
    for &c in LintErrorCode::ALL {
        assert!(c.as_str().starts_with("GS1_LINTER_"));
        assert!(!c.description().is_empty());
    }
}

/// Never panics and never reports a span outside the input, whatever the bytes.
#[test]
fn arbitrary_input_is_safe() {
    use proptest::prelude::*;
    proptest!(|(data in proptest::collection::vec(any::<u8>(), 0..120))| {
        for &l in Linter::ALL {
            if let Err(e) = lint(l, &data) {
                prop_assert!(e.pos + e.len <= data.len(), "{l}: {e:?}");
            }
        }
    });
}
