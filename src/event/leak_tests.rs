//! No patient data leaves in clear, whatever the scan looks like (the issue on leaks: every case
//! it lists, then a property test over generated wristband data, valid and corrupted, mixed
//! with product data). Each scan goes through the real GS1 parser and the real event builder
//! with the default `[privacy]` settings, and its JSON (what the outbox stores, MQTT carries and
//! `stdout` echoes) is searched for the secrets.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use time::macros::datetime;

use super::privacy::{contains_nhs_number, nhs_number_spans};
use super::test_support::patient_gsrn;
use super::*;
use crate::gs1::ParseOptions;
use crate::source::{framing::split_aim, RawScan, SourceKind};

const KEY: &[u8; 32] = b"0123456789abcdef0123456789abcdef";
/// Test-range NHS number (never issued).
const NHS: &str = "9990000018";

fn builder_with(config: PrivacyConfig) -> EventBuilder {
    let key = PseudonymKey::from_bytes(KEY, Path::new("test-key")).unwrap();
    EventBuilder::new("gw", Privacy::with_key(&config, Some(key)).unwrap())
}

fn builder() -> EventBuilder {
    builder_with(PrivacyConfig::default())
}

/// A scan as a `stdin` source delivers it (AIM identifier split off), through the real parser.
fn event_of(b: &EventBuilder, input: &str) -> ScanEvent {
    let (symbology, data) = split_aim(input.as_bytes());
    let scan = RawScan {
        source_id: "stdin".into(),
        kind: SourceKind::Stdin,
        received_at: datetime!(2026-07-02 00:30 +01:00),
        data: data.to_vec(),
        symbology: symbology.map(str::to_owned),
    };
    let parsed = crate::gs1::parse(input.as_bytes(), &ParseOptions::default());
    b.build(&scan, parsed.as_ref(), 1)
}

fn json(e: &ScanEvent) -> String {
    serde_json::to_string(e).unwrap()
}

fn assert_clear_of(e: &ScanEvent, secrets: &[&str]) {
    let j = json(e);
    for s in secrets {
        assert!(!j.contains(s), "{s:?} leaked: {j}");
    }
}

#[test]
fn nhs_number_detector_finds_bounded_runs_and_spaced_groups() {
    assert_eq!(nhs_number_spans("9990000018"), vec![0..10]);
    assert_eq!(nhs_number_spans("NHS:999 000 0018!"), vec![4..16]);
    assert_eq!(nhs_number_spans("x999-000-0018"), vec![1..13]);
    // Part of a longer digit run, a mixed separator, a failing check: not an NHS number.
    assert!(nhs_number_spans("19990000018").is_empty());
    assert!(nhs_number_spans("99900000180").is_empty());
    assert!(nhs_number_spans("999 000-0018").is_empty());
    assert!(nhs_number_spans("9990000017").is_empty());
    assert!(contains_nhs_number("ab9434765919cd"));
}

#[test]
fn code_128_holding_only_an_nhs_number_is_withheld() {
    for input in [
        format!("]C0{NHS}"),
        NHS.to_owned(),
        "]C0999 000 0018".to_owned(),
    ] {
        let e = event_of(&builder(), &input);
        assert_clear_of(&e, &[NHS, "999 000 0018"]);
        let w = e.raw_withheld.as_ref().unwrap_or_else(|| panic!("{input}"));
        assert_eq!(
            w.length,
            input.len() - if input.starts_with(']') { 3 } else { 0 }
        );
        assert!(w.hash.as_deref().unwrap().starts_with("hmac-sha256:"));
    }
    // Without an identifier it parses as AI 99: the element is withheld too.
    let e = event_of(&builder(), NHS);
    assert!(e.elements.is_empty(), "{:?}", e.elements);
    assert_eq!(e.redactions[0].action, RedactionAction::Withheld);
    assert!(!json(&e).contains("90000018"), "{}", json(&e));
}

#[test]
fn corrupted_wristband_with_names_is_withheld() {
    let gsrn = patient_gsrn("5012345", NHS, true);
    for input in [
        format!("]C18018{gsrn}\u{1d}93SMITH JOHN"),
        format!("]d28018{gsrn}\u{1d}93SMITH/JOHN"),
        format!("(8018){gsrn}(93)SMITH JOHN"),
        format!("https://id.gs1.org/8018/{gsrn}?93=SMITH%20JOHN"),
    ] {
        let e = event_of(&builder(), &input);
        assert!(!e.valid, "{input}");
        assert_clear_of(&e, &[NHS, &gsrn, "SMITH", "JOHN"]);
        assert!(e.raw_withheld.is_some(), "{input}");
    }
}

#[test]
fn names_in_data_that_does_not_parse_are_withheld() {
    let gsrn = patient_gsrn("5012345", NHS, true);
    for (input, reason) in [
        ("93SMITH JOHN".to_owned(), Some("wristband_data_pattern")),
        ("]C193SMITH JOHN".to_owned(), Some("wristband_data_pattern")),
        (
            format!("]C17253SMITH\u{1d}7254JOHN\u{1d}8018{gsrn}"),
            Some("patient_gsrn_pattern"),
        ),
        // Parses (person data dropped, `req` only warns): nothing withheld, nothing left.
        ("]C17253SMITH\u{1d}7254JOHN".to_owned(), None),
        (
            "]C10109506000134352\u{1d}7253SMITH JOHN".to_owned(),
            Some("person_data_pattern"),
        ),
        ("]C0SMITH JOHN 01/02/1980".to_owned(), Some("free_text")),
        ("]C0SMITH".to_owned(), Some("not_gs1_or_hibc")),
        ("]Q1Mr John Smith".to_owned(), Some("free_text")),
    ] {
        let e = event_of(&builder(), &input);
        assert_clear_of(&e, &["SMITH", "JOHN", "Smith", "John", NHS]);
        assert_eq!(
            e.raw_withheld.as_ref().map(|w| w.reason.as_str()),
            reason,
            "{input}: {}",
            json(&e)
        );
    }
}

#[test]
fn parsed_product_scans_are_unaffected() {
    // A batch and a serial that happen to pass the NHS mod-11 check are product data.
    for input in [
        format!("]d201095060001343521726123110{NHS}\u{1d}21{NHS}"),
        format!("(01)09506000134352(10){NHS}"),
        "]E09506000134352".to_owned(),
        "]C1414950600013436925412".to_owned(),
    ] {
        let e = event_of(&builder(), &input);
        assert!(e.valid, "{input}");
        assert!(e.raw_withheld.is_none(), "{input}: {}", json(&e));
        assert!(!e.raw.is_empty());
        assert!(e.redactions.is_empty());
    }
    let e = event_of(&builder(), &format!("(01)09506000134352(10){NHS}"));
    assert_eq!(e.batch.as_deref(), Some(NHS));
    // An invalid product scan with no patient pattern keeps its raw and the error's span.
    let e = event_of(&builder(), "]d20109506000134353");
    assert_eq!(e.raw, "0109506000134353");
    assert!(e.error.as_ref().unwrap().span.is_some());
    // But an internal AI on a product label is free text: an NHS number there is withheld.
    let e = event_of(&builder(), &format!("]d20109506000134352\u{1d}99{NHS}"));
    assert_clear_of(&e, &[NHS]);
    assert_eq!(e.gtin.as_deref(), Some("09506000134352"));
}

#[test]
fn publishing_nhs_numbers_still_drops_names() {
    let b = builder_with(PrivacyConfig {
        publish_nhs_number: true,
        ..PrivacyConfig::default()
    });
    let e = event_of(&b, &format!("]C0{NHS}"));
    // Plain text may still be a name; the NHS number itself is allowed.
    assert!(e.raw_withheld.is_some());
    let e = event_of(&b, "93SMITH JOHN");
    assert_clear_of(&e, &["SMITH"]);
    let e = event_of(&b, NHS);
    assert!(json(&e).contains("90000018"));
}

#[test]
fn publish_unparsed_raw_opt_in_keeps_plain_data_without_patterns() {
    let b = builder_with(PrivacyConfig {
        publish_unparsed_raw: true,
        ..PrivacyConfig::default()
    });
    assert_eq!(event_of(&b, "]C0STOCK-123").raw, "STOCK-123");
    let e = event_of(&b, &format!("]C0{NHS}"));
    assert_clear_of(&e, &[NHS]);
    assert_clear_of(&event_of(&b, "]C0SMITH JOHN"), &["SMITH"]);
}

/// Every string in the JSON of a fully populated event is shown to the guard's visitor, so a
/// field added to [`ScanEvent`] without [`ScanEvent::visit_text_mut`] fails here.
#[test]
fn every_string_of_the_json_is_visited() {
    let mut e = event_of(
        &builder(),
        "]d2010950600013435217261231109434765919\u{1d}21S1",
    );
    let s = || Some("X".to_owned());
    e.raw_hex = s();
    e.raw_withheld = Some(WithheldRaw {
        length: 1,
        hash: s(),
        reason: "X".into(),
    });
    e.error = Some(EventError {
        kind: "X".into(),
        message: "X".into(),
        ai: s(),
        span: None,
    });
    (e.hri, e.digital_link, e.gtin, e.batch, e.serial) = (s(), s(), s(), s(), s());
    (e.gsrn, e.nhs_number, e.srin, e.gln, e.gln_extension) = (s(), s(), s(), s(), s());
    (e.sscc, e.giai, e.grai, e.symbology) = (s(), s(), s(), s());
    e.warnings = vec!["X".into()];
    e.hibc = Some(HibcInfo {
        structure: "X".into(),
        labeler: s(),
        product: s(),
        unit_of_measure: Some(1),
        device_identifier: s(),
        expiry: s(),
        link: s(),
        check: "X".into(),
        linked_primary: None,
    });
    let r = ContextRef {
        id: "X".into(),
        extension: s(),
        srin: s(),
        event_id: e.event_id,
        since: e.scanned_at,
    };
    e.context = Some(ScanContext {
        patient: Some(r.clone()),
        staff: Some(r.clone()),
        location: Some(r),
    });
    e.alerts = vec![Alert {
        kind: AlertKind::Expired,
        severity: AlertSeverity::Critical,
        message: "X".into(),
        gtin: "X".into(),
        hibc_di: s(),
        batch: s(),
        serial: s(),
        expiry: None,
        days_to_expiry: None,
        reason: s(),
        reference: s(),
    }];
    e.redactions = vec![Redaction {
        ai: "X".into(),
        action: RedactionAction::Dropped,
    }];
    e.visit_text_mut(&mut |_, t| *t = "VISITED".into());
    // Strings that are not free text: typed values rendered as strings.
    let typed = [
        "event_id",
        "schema",
        "source",
        "scanned_at",
        "kind",
        "since",
        "severity",
        "action",
        "linked_primary",
        "linked_scan",
        "expiry",
        "best_before",
        "production_date",
    ];
    fn walk(v: &Value, key: &str, typed: &[&str], unvisited: &mut Vec<String>) {
        match v {
            Value::String(s) if s != "VISITED" && !typed.contains(&key) => {
                unvisited.push(format!("{key}={s}"))
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, key, typed, unvisited)),
            Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, k, typed, unvisited)),
            _ => {}
        }
    }
    let mut unvisited = Vec::new();
    walk(
        &serde_json::to_value(&e).unwrap(),
        "",
        &typed,
        &mut unvisited,
    );
    assert!(unvisited.is_empty(), "not visited: {unvisited:?}");
}

/// Wristband-like data: valid and corrupted GSRNs, NHS numbers alone (plain, spaced), names
/// with spaces and punctuation, dates of birth, in every input form, mixed with product data.
fn wristband_input() -> impl Strategy<Value = (String, Vec<String>)> {
    let nhs = (0u32..1_000_000_000).prop_filter_map("mod 11 gives 10", |n| {
        let body = format!("{n:09}");
        let sum: u32 = body
            .bytes()
            .zip((2..=10u32).rev())
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        match 11 - sum % 11 {
            10 => None,
            11 => Some(format!("{body}0")),
            c => Some(format!("{body}{c}")),
        }
    });
    let family = "[A-Z]{2}[A-Z' -]{0,12}[A-Z]";
    let given = "[A-Z][a-z]{1,10}";
    (
        nhs,
        family,
        given,
        any::<bool>(),
        0u8..12,
        0u8..4,
        "[0-9]{0,6}",
    )
        .prop_map(|(nhs, family, given, corrupt, form, mix, srin)| {
            let gsrn = patient_gsrn("5012345", &nhs, corrupt);
            let spaced = format!("{} {} {}", &nhs[..3], &nhs[3..6], &nhs[6..]);
            let names = format!("{family}/{given}");
            let product = match mix {
                0 => String::new(),
                1 => "0109506000134352\u{1d}".into(),
                2 => "010950600013435217261231\u{1d}".into(),
                _ => "10LOT1\u{1d}".into(),
            };
            let input = match form {
                0 => format!("]d2{product}8018{gsrn}\u{1d}8019{srin}\u{1d}93{names}"),
                1 => format!("]C1{product}8018{gsrn}\u{1d}93{family} {given}"),
                2 => format!("]C0{nhs}"),
                3 => nhs.clone(),
                4 => format!("]C0{spaced}"),
                5 => format!("]C0{family} {given} {spaced}"),
                6 => format!("(8018){gsrn}(93){names}"),
                7 => format!(
                    "https://id.gs1.org/8018/{gsrn}?93={}",
                    names.replace('/', "%2F")
                ),
                8 => format!("]C1{product}7253{family}\u{1d}7254{given}\u{1d}8018{gsrn}"),
                9 => format!("{family} {given}"),
                10 => format!("]d2{product}91{nhs}\u{1d}93{names}"),
                _ => format!("]C193{family}, {given}\u{1d}{product}"),
            };
            let mut secrets = vec![nhs, gsrn, spaced];
            // Names too short to be told from other text are left out of the search.
            for n in [family, given] {
                if n.len() >= 4 {
                    secrets.push(n);
                }
            }
            (input, secrets)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_patient_data_leaves_in_clear((input, secrets) in wristband_input()) {
        let e = event_of(&builder(), &input);
        let j = json(&e);
        for s in &secrets {
            prop_assert!(!j.contains(s.as_str()), "{:?} leaked from {:?}: {}", s, input, j);
        }
        // Whatever is left: no NHS-number pattern in any text outside pseudonyms and hashes.
        let b = builder();
        let mut probe = e.clone();
        let mut leaked = Vec::new();
        probe.visit_text_mut(&mut |_, t| {
            if b.privacy().leaks_nhs_number(t, &[]) {
                leaked.push(t.clone());
            }
        });
        prop_assert!(leaked.is_empty(), "{:?} in {}", leaked, j);
    }

    #[test]
    fn guard_never_panics_on_any_text(data in "\\PC{0,60}", sym in "(\\][A-Za-z][0-9])?") {
        let e = event_of(&builder(), &format!("{sym}{data}"));
        let _ = json(&e);
    }
}

#[test]
fn a_patient_gsrn_inside_internal_data_is_withheld() {
    let gsrn = patient_gsrn("5012345", NHS, false);
    let other = patient_gsrn("5012345", "9434765919", false);
    // AI 94 = 00 + the GSRN of another patient than the band's own.
    let e = event_of(&builder(), &format!("]d28018{gsrn}\u{1d}9400{other}"));
    assert_clear_of(&e, &[&other, "9434765919", &gsrn, NHS]);
    assert!(e
        .redactions
        .iter()
        .any(|r| r.ai == "94" && r.action == RedactionAction::Withheld));
    // No wristband AI at all: an unidentified scan with a GSRN in internal data.
    let e = event_of(&builder(), &format!("]d29400{other}"));
    assert_clear_of(&e, &[&other, "9434765919"]);
}
