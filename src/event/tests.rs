//! Unit tests of the event stage: builder, privacy end to end, context, alerts, recall lists and
//! the JSON schema (validated against real builder output with the `jsonschema` crate).
//!
//! Test identities: NHS number 943 476 5919 (a published valid example) and numbers from the
//! never-issued 999 000 0000–999 999 9999 range; GS1 keys from GS1's example prefix 950600013.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use time::macros::{date, datetime};
use time::OffsetDateTime;

use super::*;
use crate::gs1::{Element, Gs1Message, ParseError};
use crate::source::{RawScan, SourceKind};

const GATEWAY: &str = "theatre-3-edge-1";
const KEY: &[u8; 32] = b"0123456789abcdef0123456789abcdef";
/// 7-digit prefix + NHS number 9434765919 + GS1 check digit.
const PATIENT_GSRN: &str = "501234594347659191";
const NHS: &str = "9434765919";
/// Test-range NHS number 999 000 0018 in a GSRN.
const PATIENT2_GSRN: &str = "501234599900000182";
const STAFF_GSRN: &str = "950600013436900013";
const GTIN: &str = "09506000134352";
const GLN: &str = "9506000134369";
const SSCC: &str = "395060001343528755";
const T0: OffsetDateTime = datetime!(2026-11-26 10:15:30.123 UTC);

fn key() -> PseudonymKey {
    PseudonymKey::from_bytes(KEY, Path::new("test-key")).unwrap()
}

fn privacy_with(config: PrivacyConfig) -> Privacy {
    Privacy::with_key(&config, Some(key())).unwrap()
}

fn builder() -> EventBuilder {
    EventBuilder::new(GATEWAY, privacy_with(PrivacyConfig::default()))
}

fn pseudo(gsrn: &str) -> String {
    key().pseudonym(gsrn)
}

fn scan_at(scanner: &str, data: &[u8], at: OffsetDateTime) -> RawScan {
    RawScan {
        source_id: scanner.into(),
        kind: SourceKind::Serial,
        received_at: at,
        data: data.to_vec(),
        symbology: Some("]d2".into()),
    }
}

fn scan(data: &str) -> RawScan {
    scan_at("bay-1", data.as_bytes(), T0)
}

fn msg(elements: &[(&str, &str)]) -> Gs1Message {
    Gs1Message {
        symbology: Some("]d2".into()),
        elements: elements
            .iter()
            .map(|(ai, value)| Element {
                ai: (*ai).into(),
                value: (*value).into(),
            })
            .collect(),
        warnings: Vec::new(),
        dl_path_len: 0,
    }
}

/// Element string with GS after every variable-length element but the last.
fn element_string(elements: &[(&str, &str)]) -> String {
    let fixed = ["00", "01", "02", "11", "15", "17", "414"];
    let mut s = String::new();
    for (i, (ai, v)) in elements.iter().enumerate() {
        s.push_str(ai);
        s.push_str(v);
        if i + 1 < elements.len() && !fixed.contains(ai) {
            s.push('\u{1d}');
        }
    }
    s
}

fn build(elements: &[(&str, &str)]) -> ScanEvent {
    builder().build(&scan(&element_string(elements)), Ok(&msg(elements)), 7)
}

fn product() -> [(&'static str, &'static str); 4] {
    [
        ("01", GTIN),
        ("17", "261231"),
        ("10", "ABC123"),
        ("21", "S1"),
    ]
}

// ---------------------------------------------------------------- builder

#[test]
fn product_scan_has_every_contract_field() {
    let e = build(&product());
    assert_eq!(e.schema, SCAN_EVENT_SCHEMA);
    assert_eq!(e.gateway_id, GATEWAY);
    assert_eq!(e.scanner_id, "bay-1");
    assert_eq!(e.source, SourceKind::Serial);
    assert_eq!(e.scanned_at, T0);
    assert_eq!(e.sequence, 7);
    assert_eq!(e.symbology.as_deref(), Some("]d2"));
    assert_eq!(
        e.raw,
        "010950600013435217261231".to_owned() + "10ABC123\u{1d}21S1"
    );
    assert!(e.valid);
    assert_eq!(e.kind, ScanKind::Product);
    assert_eq!(e.gtin.as_deref(), Some(GTIN));
    assert_eq!(e.batch.as_deref(), Some("ABC123"));
    assert_eq!(e.serial.as_deref(), Some("S1"));
    assert_eq!(e.expiry, Some(date!(2026 - 12 - 31)));
    assert_eq!(
        e.hri.as_deref(),
        Some("(01)09506000134352(17)261231(10)ABC123(21)S1")
    );
    assert_eq!(
        e.digital_link.as_deref(),
        Some("https://id.gs1.org/01/09506000134352/10/ABC123/21/S1?17=261231")
    );
    let titles: Vec<_> = e.elements.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles, ["GTIN", "USE BY or EXPIRY", "BATCH/LOT", "SERIAL"]);
    assert!(e.error.is_none() && e.redactions.is_empty() && e.alerts.is_empty());
    assert!(e.context.is_none(), "context is attached by the tracker");
}

#[test]
fn event_id_is_uuidv7_stamped_with_the_scan_time() {
    let e = build(&product());
    assert_eq!(e.event_id.get_version_num(), 7);
    let (secs, nanos) = e.event_id.get_timestamp().unwrap().to_unix();
    assert_eq!(secs, T0.unix_timestamp() as u64);
    assert_eq!(nanos / 1_000_000, 123);
    assert_ne!(e.event_id, build(&product()).event_id);
}

#[test]
fn json_field_names_match_the_issue_contract() {
    let mut e = build(&product());
    e.context = Some(ScanContext::default());
    e.alerts = AlertChecker::new(&AlertConfig::default()).check(
        &ScanEvent {
            scanned_at: datetime!(2027-01-05 09:00 UTC),
            ..e.clone()
        },
        &RecallList::new(),
    );
    let v = serde_json::to_value(&e).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "event_id",
        "schema",
        "gateway_id",
        "scanner_id",
        "source",
        "scanned_at",
        "sequence",
        "symbology",
        "raw",
        "valid",
        "kind",
        "elements",
        "hri",
        "digital_link",
        "warnings",
        "gtin",
        "batch",
        "expiry",
        "serial",
        "context",
        "alerts",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected);
    assert_eq!(v["schema"], "gs1-gateway/scan-event/1");
    assert_eq!(v["scanned_at"], "2026-11-26T10:15:30.123Z");
    assert_eq!(v["source"], "serial");
    assert_eq!(v["kind"], "product");
    assert_eq!(v["expiry"], "2026-12-31");
    assert_eq!(
        v["elements"][0],
        json!({"ai": "01", "title": "GTIN", "value": GTIN})
    );
    assert_eq!(v["alerts"][0]["kind"], "expired");
    assert_eq!(v["alerts"][0]["severity"], "critical");
    // Round trip.
    let back: ScanEvent = serde_json::from_value(v).unwrap();
    assert_eq!(back, e);
}

#[test]
fn scanned_at_is_utc_with_milliseconds_whatever_the_offset() {
    let mut s = scan(&element_string(&product()));
    s.received_at = datetime!(2026-06-01 01:02:03.4567 +01:00);
    let e = builder().build(&s, Ok(&msg(&product())), 0);
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["scanned_at"], "2026-06-01T00:02:03.456Z");
}

#[test]
fn expiry_day_00_is_the_last_day_of_the_month() {
    let e = build(&[("01", GTIN), ("17", "270200"), ("10", "B")]);
    assert_eq!(e.expiry, Some(date!(2027 - 02 - 28)));
    let e = build(&[("01", GTIN), ("17", "280200"), ("10", "B")]);
    assert_eq!(e.expiry, Some(date!(2028 - 02 - 29)));
    let e = build(&[
        ("01", GTIN),
        ("11", "250100"),
        ("15", "261100"),
        ("30", "12"),
    ]);
    assert_eq!(e.production_date, Some(date!(2025 - 01 - 31)));
    assert_eq!(e.best_before, Some(date!(2026 - 11 - 30)));
    assert_eq!(e.quantity, Some(12));
}

#[test]
fn every_kind_is_classified_with_its_typed_fields() {
    let e = build(&[("8017", STAFF_GSRN), ("8019", "42")]);
    assert_eq!(e.kind, ScanKind::Staff);
    assert_eq!(
        e.gsrn.as_deref(),
        Some(STAFF_GSRN),
        "staff GSRNs are not patient data"
    );
    assert_eq!(e.srin.as_deref(), Some("42"));
    assert!(e.redactions.is_empty());

    let e = build(&[("414", GLN), ("254", "THEATRE3")]);
    assert_eq!(e.kind, ScanKind::Location);
    assert_eq!(e.gln.as_deref(), Some(GLN));
    assert_eq!(e.gln_extension.as_deref(), Some("THEATRE3"));
    assert_eq!(
        e.digital_link.as_deref(),
        Some("https://id.gs1.org/414/9506000134369/254/THEATRE3")
    );

    let e = build(&[("8004", "950600013436PUMP17")]);
    assert_eq!(e.kind, ScanKind::Asset);
    assert_eq!(e.giai.as_deref(), Some("950600013436PUMP17"));

    let e = build(&[("8003", "09506000134369SET1")]);
    assert_eq!(e.kind, ScanKind::Asset);
    assert_eq!(e.grai.as_deref(), Some("09506000134369SET1"));

    let e = build(&[("00", SSCC), ("02", GTIN), ("37", "10")]);
    assert_eq!(e.kind, ScanKind::Logistic);
    assert_eq!(e.sscc.as_deref(), Some(SSCC));

    let e = build(&[("8018", PATIENT_GSRN)]);
    assert_eq!(e.kind, ScanKind::Patient);

    let e = build(&[("90", "LOCAL-THING")]);
    assert_eq!(e.kind, ScanKind::Unknown);
    assert!(e.valid);
    assert_eq!(e.digital_link, None);
}

#[test]
fn classification_prefers_patient_then_staff_then_logistic() {
    let el = |pairs: &[(&str, &str)]| msg(pairs).elements;
    assert_eq!(
        classify(&el(&[("414", GLN), ("8018", PATIENT_GSRN)])),
        ScanKind::Patient
    );
    assert_eq!(
        classify(&el(&[("8017", STAFF_GSRN), ("414", GLN)])),
        ScanKind::Staff
    );
    assert_eq!(
        classify(&el(&[("00", SSCC), ("01", GTIN)])),
        ScanKind::Logistic
    );
    assert_eq!(
        classify(&el(&[("01", GTIN), ("414", GLN)])),
        ScanKind::Product
    );
    assert_eq!(
        classify(&el(&[("02", GTIN), ("37", "4")])),
        ScanKind::Logistic
    );
    assert_eq!(classify(&[]), ScanKind::Unknown);
}

#[test]
fn invalid_scan_is_still_an_event_with_the_parse_error() {
    let err = ParseError {
        kind: "bad_check_digit".into(),
        message: "AI (01): check digit should be 2".into(),
        ai: Some("01".into()),
        span: Some((2, 16)),
        symbology: None,
    };
    let e = builder().build(&scan("0109506000134353"), Err(&err), 3);
    assert!(!e.valid);
    assert_eq!(e.kind, ScanKind::Unknown);
    assert_eq!(e.raw, "0109506000134353");
    assert!(e.elements.is_empty() && e.hri.is_none() && e.gtin.is_none());
    let er = e.error.as_ref().unwrap();
    assert_eq!(er.kind, "bad_check_digit");
    assert_eq!(er.ai.as_deref(), Some("01"));
    assert_eq!(er.span, Some([2, 16]));
    assert_eq!(e.sequence, 3);
}

#[test]
fn non_utf8_data_is_kept_exactly_in_raw_hex() {
    let err = ParseError {
        kind: "bad_character".into(),
        message: "not GS1 data".into(),
        ai: None,
        span: Some((2, 3)),
        symbology: None,
    };
    let s = scan_at("bay-1", b"AB\xff\x1dC", T0);
    let e = builder().build(&s, Err(&err), 1);
    assert_eq!(e.raw, "AB\u{fffd}\u{1d}C");
    assert_eq!(e.raw_hex.as_deref(), Some("4142ff1d43"));
    assert!(e.warnings.iter().any(|w| w.contains("raw_hex")));
    let e = build(&product());
    assert!(e.raw_hex.is_none());
}

#[test]
fn gs_is_serialised_as_u001d() {
    let e = build(&product());
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains(r#"10ABC123\u001d21S1"#), "{json}");
}

// ---------------------------------------------------------------- privacy

fn wristband() -> [(&'static str, &'static str); 4] {
    [
        ("8018", PATIENT_GSRN),
        ("8019", "1234"),
        ("91", "RA7:MRN0012345"),
        ("93", "SMITH/JANE/19800101"),
    ]
}

fn assert_no_patient_data(v: &Value) {
    let json = v.to_string();
    for secret in [PATIENT_GSRN, NHS, "SMITH", "JANE", "19800101", "MRN0012345"] {
        assert!(!json.contains(secret), "{secret} leaked in {json}");
    }
}

#[test]
fn wristband_is_pseudonymised_and_names_dropped_everywhere() {
    let raw = element_string(&wristband());
    let e = builder().build(&scan(&raw), Ok(&msg(&wristband())), 9);
    let p = pseudo(PATIENT_GSRN);
    assert!(p.starts_with("pseudo:hmac-sha256:") && p.len() == 19 + 64);
    assert_eq!(e.kind, ScanKind::Patient);
    assert_eq!(e.gsrn.as_deref(), Some(p.as_str()));
    assert_eq!(e.srin.as_deref(), Some("1234"));
    assert_eq!(e.nhs_number, None);
    assert_eq!(e.raw, format!("8018{p}\u{1d}80191234"));
    assert_eq!(
        e.hri.as_deref(),
        Some(format!("(8018){p}(8019)1234").as_str())
    );
    assert_eq!(e.digital_link, None);
    let ais: Vec<_> = e.elements.iter().map(|x| x.ai.as_str()).collect();
    assert_eq!(ais, ["8018", "8019"]);
    assert_eq!(e.elements[0].value, p);
    assert_eq!(
        e.redactions,
        [
            Redaction {
                ai: "8018".into(),
                action: RedactionAction::Pseudonymised
            },
            Redaction {
                ai: "91".into(),
                action: RedactionAction::Dropped
            },
            Redaction {
                ai: "93".into(),
                action: RedactionAction::Dropped
            },
        ]
    );
    assert_no_patient_data(&serde_json::to_value(&e).unwrap());
}

#[test]
fn wristband_redaction_keeps_gs_structure_when_names_come_first() {
    let els = [("8018", PATIENT_GSRN), ("93", "SMITH/JANE"), ("8019", "12")];
    let raw = format!("8018{PATIENT_GSRN}\u{1d}93SMITH/JANE\u{1d}801912");
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    assert_eq!(e.raw, format!("8018{}\u{1d}801912", pseudo(PATIENT_GSRN)));
    // Names last: the GS before them goes too.
    let els = [("8018", PATIENT_GSRN), ("93", "SMITH/JANE")];
    let raw = format!("8018{PATIENT_GSRN}\u{1d}93SMITH/JANE");
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    assert_eq!(e.raw, format!("8018{}", pseudo(PATIENT_GSRN)));
}

#[test]
fn redaction_works_on_bracketed_and_digital_link_input() {
    let els = [("8018", PATIENT_GSRN), ("8019", "7"), ("93", "SMITH JANE")];
    let raw = format!("(8018){PATIENT_GSRN}(8019)7(93)SMITH JANE");
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    assert_eq!(e.raw, format!("(8018){}(8019)7", pseudo(PATIENT_GSRN)));

    let raw = format!("https://id.gs1.org/8018/{PATIENT_GSRN}/8019/7?93=SMITH%20JANE");
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    let enc = pseudo(PATIENT_GSRN).replace(':', "%3A");
    assert_eq!(e.raw, format!("https://id.gs1.org/8018/{enc}/8019/7"));

    let els = [
        ("8018", PATIENT_GSRN),
        ("93", "SMITH"),
        ("7250", "19800101"),
        ("8019", "7"),
    ];
    let raw = format!("https://id.gs1.org/8018/{PATIENT_GSRN}?93=SMITH&7250=19800101&8019=7");
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    assert_eq!(e.raw, format!("https://id.gs1.org/8018/{enc}?8019=7"));
    assert_no_patient_data(&serde_json::to_value(&e).unwrap());
}

#[test]
fn person_data_ais_are_dropped_from_any_scan() {
    let els = [("8017", STAFF_GSRN), ("7253", "NURSE"), ("7254", "ANNA")];
    let raw = element_string(&els);
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    assert_eq!(e.raw, format!("8017{STAFF_GSRN}"));
    assert_eq!(e.elements.len(), 1);
    assert_eq!(e.redactions.len(), 2);
    assert!(
        e.digital_link.is_some(),
        "nothing pseudonymised: the URI still resolves"
    );
}

#[test]
fn publishing_nhs_numbers_is_opt_in() {
    let cfg = PrivacyConfig {
        publish_nhs_number: true,
        nhs_company_prefix: Some("5012345".into()),
        ..PrivacyConfig::default()
    };
    let b = EventBuilder::new(GATEWAY, Privacy::with_key(&cfg, None).unwrap());
    let raw = element_string(&wristband());
    let e = b.build(&scan(&raw), Ok(&msg(&wristband())), 1);
    assert_eq!(e.gsrn.as_deref(), Some(PATIENT_GSRN));
    assert_eq!(e.nhs_number.as_deref(), Some(NHS));
    // Without the NHS prefix the digits are not taken for an NHS number.
    let cfg = PrivacyConfig {
        publish_nhs_number: true,
        ..PrivacyConfig::default()
    };
    let b0 = EventBuilder::new(GATEWAY, Privacy::with_key(&cfg, None).unwrap());
    let e0 = b0.build(&scan(&raw), Ok(&msg(&wristband())), 1);
    assert_eq!(e0.gsrn.as_deref(), Some(PATIENT_GSRN));
    assert_eq!(e0.nhs_number, None);
    assert_eq!(
        e.raw,
        format!("8018{PATIENT_GSRN}\u{1d}80191234"),
        "names still dropped"
    );
    assert_eq!(
        e.digital_link.as_deref(),
        Some("https://id.gs1.org/8018/501234594347659191/8019/1234")
    );

    let cfg = PrivacyConfig {
        publish_nhs_number: true,
        keep_wristband_data: true,
        ..PrivacyConfig::default()
    };
    let b = EventBuilder::new(GATEWAY, Privacy::with_key(&cfg, None).unwrap());
    let e = b.build(&scan(&raw), Ok(&msg(&wristband())), 1);
    assert_eq!(e.raw, raw);
    assert!(e.redactions.is_empty());
}

#[test]
fn kept_wristband_data_never_shows_the_nhs_number_in_clear() {
    let cfg = PrivacyConfig {
        keep_wristband_data: true,
        ..PrivacyConfig::default()
    };
    let b = EventBuilder::new(GATEWAY, privacy_with(cfg));
    let els = [("8018", PATIENT_GSRN), ("91", "NHS9434765919")];
    let e = b.build(&scan(&element_string(&els)), Ok(&msg(&els)), 1);
    let p = pseudo(PATIENT_GSRN);
    assert_eq!(e.elements[1].value, format!("NHS{p}"));
    assert_eq!(e.raw, format!("8018{p}\u{1d}91NHS{p}"));
    assert_no_patient_data(&serde_json::to_value(&e).unwrap());
}

#[test]
fn unlocatable_patient_data_falls_back_to_the_redacted_hri() {
    // The raw data does not contain the elements as the parser reported them (e.g. a scanner
    // quirk the parser repaired): the builder must not guess.
    let els = [("8018", PATIENT_GSRN), ("93", "SMITH")];
    let raw = format!("8018 {PATIENT_GSRN} 93 SMITH");
    let e = builder().build(&scan(&raw), Ok(&msg(&els)), 1);
    assert_eq!(e.raw, format!("(8018){}", pseudo(PATIENT_GSRN)));
    assert!(e.warnings.iter().any(|w| w.contains("re-rendered")));
    assert_no_patient_data(&serde_json::to_value(&e).unwrap());
}

#[test]
fn invalid_wristband_scan_is_withheld_whole() {
    let bad = "501234594347659190"; // wrong GSRN check digit
    let err = ParseError {
        kind: "bad_check_digit".into(),
        message: "AI (8018) has a bad check digit".into(),
        ai: Some("8018".into()),
        span: Some((4, 22)),
        symbology: None,
    };
    let raw = format!("8018{bad}\u{1d}93SMITH");
    let e = builder().build(&scan(&raw), Err(&err), 1);
    assert_eq!(e.raw, "");
    let w = e.raw_withheld.as_ref().expect("withheld");
    assert_eq!(w.length, raw.len());
    assert_eq!(w.reason, "patient_gsrn_pattern");
    assert!(w
        .hash
        .as_deref()
        .is_some_and(|h| h.starts_with("hmac-sha256:")));
    let er = e.error.as_ref().unwrap();
    assert_eq!(er.kind, "bad_check_digit");
    assert_eq!(er.span, None, "offsets into withheld data are withheld");
    assert_no_patient_data(&serde_json::to_value(&e).unwrap());
    // Bracketed form, and a GSRN whose digits 8-17 are no NHS number: still a patient GSRN.
    let e = builder().build(&scan(&format!("(8018){bad}")), Err(&err), 1);
    assert_eq!(e.raw, "");
    let e = builder().build(&scan("(8018)501234512345678901"), Err(&err), 1);
    assert_eq!(
        e.raw_withheld.map(|w| w.reason),
        Some("patient_gsrn_pattern".into())
    );
    // Not a patient: untouched, with the error's span.
    let e = builder().build(&scan("0109506000134353"), Err(&err), 1);
    assert_eq!(e.raw, "0109506000134353");
    assert!(e.raw_withheld.is_none());
}

#[test]
fn same_patient_same_pseudonym_different_patient_different() {
    let a = build(&[("8018", PATIENT_GSRN)]);
    let b = build(&[("8018", PATIENT_GSRN)]);
    let c = build(&[("8018", PATIENT2_GSRN)]);
    assert_eq!(a.gsrn, b.gsrn);
    assert_ne!(a.gsrn, c.gsrn);
}

// ---------------------------------------------------------------- with the real GS1 parser

/// Parses scanner output as the daemon does: the AIM identifier travels in `symbology`.
fn real(input: &str) -> (RawScan, Result<Gs1Message, ParseError>) {
    let parsed = crate::gs1::parse(input.as_bytes(), &crate::gs1::ParseOptions::default());
    let (symbology, data) = match input.strip_prefix(']') {
        Some(rest) if rest.len() >= 2 => (Some(format!("]{}", &rest[..2])), &rest[2..]),
        _ => (None, input),
    };
    let mut s = scan_at("bay-1", data.as_bytes(), T0);
    s.symbology = symbology;
    (s, parsed)
}

#[test]
fn real_parser_output_in_every_input_form() {
    let v = validator(None);
    for (input, kind) in [
        (
            "]d2010950600013435217261231".to_owned() + "10ABC123\u{1d}21S1",
            ScanKind::Product,
        ),
        (
            "(01)09506000134352(17)261231(10)ABC123".to_owned(),
            ScanKind::Product,
        ),
        (
            "https://id.gs1.org/01/09506000134352/10/ABC123?17=261231".to_owned(),
            ScanKind::Product,
        ),
        (format!("]d28017{STAFF_GSRN}"), ScanKind::Staff),
        (format!("]C1414{GLN}254THEATRE3"), ScanKind::Location),
        (format!("]C100{SSCC}"), ScanKind::Logistic),
        ("]d28004950600013436PUMP17".to_owned(), ScanKind::Asset),
    ] {
        let (s, parsed) = real(&input);
        let msg = parsed.unwrap_or_else(|e| panic!("{input}: {e}"));
        let e = builder().build(&s, Ok(&msg), 1);
        assert!(e.valid, "{input}");
        assert_eq!(e.kind, kind, "{input}");
        assert_eq!(e.raw.as_bytes(), s.data.as_slice(), "raw is exact: {input}");
        assert!(e.digital_link.is_some(), "{input}");
        assert_valid(&v, &serde_json::to_value(&e).unwrap());
        if kind == ScanKind::Product {
            assert_eq!(e.gtin.as_deref(), Some(GTIN));
            assert_eq!(e.batch.as_deref(), Some("ABC123"));
            assert_eq!(e.expiry, Some(date!(2026 - 12 - 31)));
        }
    }
}

#[test]
fn real_wristband_is_redacted_in_every_input_form() {
    let v = validator(None);
    let p = pseudo(PATIENT_GSRN);
    for input in [
        format!("]d28018{PATIENT_GSRN}\u{1d}80191234\u{1d}93SMITH/JANE/19800101"),
        format!("(8018){PATIENT_GSRN}(8019)1234(93)SMITH/JANE/19800101"),
        format!("https://id.gs1.org/8018/{PATIENT_GSRN}/8019/1234?93=SMITH%2FJANE%2F19800101"),
    ] {
        let (s, parsed) = real(&input);
        let msg = parsed.unwrap_or_else(|e| panic!("{input}: {e}"));
        let e = builder().build(&s, Ok(&msg), 1);
        assert_eq!(e.kind, ScanKind::Patient, "{input}");
        assert_eq!(e.gsrn.as_deref(), Some(p.as_str()));
        assert_eq!(e.srin.as_deref(), Some("1234"));
        assert!(
            !e.warnings.iter().any(|w| w.contains("re-rendered")),
            "{input}: {:?}",
            e.warnings
        );
        let j = serde_json::to_value(&e).unwrap();
        assert_no_patient_data(&j);
        assert_valid(&v, &j);
    }
}

#[test]
fn real_parse_errors_become_invalid_events() {
    let v = validator(None);
    for input in ["]d20109506000134353", "(01)0950600013435", "hello", "]d2"] {
        let (s, parsed) = real(input);
        let err = parsed.expect_err(input);
        let e = builder().build(&s, Err(&err), 1);
        assert!(!e.valid && e.error.is_some(), "{input}");
        if input == "hello" {
            // Plain text: nothing shows it is not a wristband's name.
            assert_eq!(e.raw, "");
            assert_eq!(e.raw_withheld.as_ref().unwrap().reason, "not_gs1_or_hibc");
        } else {
            assert_eq!(e.raw.as_bytes(), s.data.as_slice());
        }
        assert_valid(&v, &serde_json::to_value(&e).unwrap());
    }
}

// ---------------------------------------------------------------- context

fn tracker(config: ContextConfig) -> ContextTracker {
    ContextTracker::new(GATEWAY, &config).unwrap()
}

fn ev(scanner: &str, at: OffsetDateTime, elements: &[(&str, &str)]) -> ScanEvent {
    builder().build(
        &scan_at(scanner, element_string(elements).as_bytes(), at),
        Ok(&msg(elements)),
        0,
    )
}

fn mins(n: i64) -> time::Duration {
    time::Duration::minutes(n)
}

#[test]
fn product_carries_patient_staff_and_location() {
    let mut t = tracker(ContextConfig::default());
    let mut staff = ev("bay-1", T0, &[("8017", STAFF_GSRN)]);
    let c1 = t.apply(&mut staff);
    let mut patient = ev(
        "bay-1",
        T0 + mins(1),
        &[("8018", PATIENT_GSRN), ("8019", "5")],
    );
    let c2 = t.apply(&mut patient);
    let mut place = ev("bay-1", T0 + mins(2), &[("414", GLN), ("254", "T3")]);
    let c3 = t.apply(&mut place);
    assert_eq!((c1.len(), c2.len(), c3.len()), (1, 1, 1));
    assert_eq!(c2[0].role, ContextRole::Patient);
    assert_eq!(c2[0].reason, ContextChangeReason::Set);
    assert_eq!(c2[0].scan_event_id, Some(patient.event_id));
    assert_eq!(c3[0].context.staff.as_ref().unwrap().id, STAFF_GSRN);

    let mut p = ev("bay-1", T0 + mins(3), &product());
    assert!(t.apply(&mut p).is_empty());
    let ctx = p.context.unwrap();
    let pat = ctx.patient.unwrap();
    assert_eq!(
        pat.id,
        pseudo(PATIENT_GSRN),
        "context carries the pseudonym"
    );
    assert_eq!(pat.srin.as_deref(), Some("5"));
    assert_eq!(pat.event_id, patient.event_id);
    assert_eq!(pat.since, T0 + mins(1));
    assert_eq!(ctx.staff.unwrap().id, STAFF_GSRN);
    let loc = ctx.location.unwrap();
    assert_eq!(
        (loc.id.as_str(), loc.extension.as_deref()),
        (GLN, Some("T3"))
    );
    // Patient and staff scans themselves carry no context.
    assert!(patient.context.is_none() && staff.context.is_none());
}

#[test]
fn product_without_context_carries_an_empty_one() {
    let mut t = tracker(ContextConfig::default());
    let mut p = ev("bay-1", T0, &product());
    t.apply(&mut p);
    assert_eq!(p.context, Some(ScanContext::default()));
    assert_eq!(serde_json::to_value(&p).unwrap()["context"], json!({}));
}

#[test]
fn slots_time_out_against_the_scan_timestamp() {
    let mut t = tracker(ContextConfig::default());
    t.apply(&mut ev("bay-1", T0, &[("8018", PATIENT_GSRN)]));
    t.apply(&mut ev("bay-1", T0 + mins(10), &[("8017", STAFF_GSRN)]));
    let mut p = ev("bay-1", T0 + mins(14), &product());
    assert!(t.apply(&mut p).is_empty());
    assert!(p.context.as_ref().unwrap().patient.is_some());

    let mut p = ev("bay-1", T0 + mins(16), &product());
    let changes = t.apply(&mut p);
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(
        (c.role, c.reason),
        (ContextRole::Patient, ContextChangeReason::Timeout)
    );
    assert_eq!(c.changed_at, T0 + mins(15));
    assert_eq!(c.previous.as_ref().unwrap().id, pseudo(PATIENT_GSRN));
    assert!(c.current.is_none() && c.scan_event_id.is_none());
    assert!(c.context.patient.is_none() && c.context.staff.is_some());
    let ctx = p.context.unwrap();
    assert!(ctx.patient.is_none());
    assert!(ctx.staff.is_some(), "staff scanned at +10 lives until +25");
}

#[test]
fn rescanning_the_same_identifier_restarts_its_timeout_without_a_change() {
    let mut t = tracker(ContextConfig::default());
    t.apply(&mut ev("bay-1", T0, &[("8018", PATIENT_GSRN)]));
    assert!(t
        .apply(&mut ev("bay-1", T0 + mins(10), &[("8018", PATIENT_GSRN)]))
        .is_empty());
    let mut p = ev("bay-1", T0 + mins(20), &product());
    assert!(t.apply(&mut p).is_empty());
    let pat = p.context.unwrap().patient.unwrap();
    assert_eq!(pat.since, T0, "since is when it was first set");
}

#[test]
fn another_patient_replaces_and_another_location_clears_the_patient() {
    let mut t = tracker(ContextConfig::default());
    t.apply(&mut ev("bay-1", T0, &[("414", GLN)]));
    t.apply(&mut ev("bay-1", T0, &[("8018", PATIENT_GSRN)]));
    let c = t.apply(&mut ev("bay-1", T0 + mins(1), &[("8018", PATIENT2_GSRN)]));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].reason, ContextChangeReason::Replaced);
    assert_eq!(c[0].previous.as_ref().unwrap().id, pseudo(PATIENT_GSRN));
    assert_eq!(c[0].current.as_ref().unwrap().id, pseudo(PATIENT2_GSRN));

    let c = t.apply(&mut ev(
        "bay-1",
        T0 + mins(2),
        &[("414", GLN), ("254", "BED2")],
    ));
    let kinds: Vec<_> = c.iter().map(|c| (c.role, c.reason)).collect();
    assert_eq!(
        kinds,
        [
            (ContextRole::Patient, ContextChangeReason::LocationChanged),
            (ContextRole::Location, ContextChangeReason::Replaced),
        ]
    );
    assert!(c[0].context.patient.is_none());
    assert_eq!(
        c[0].context.location.as_ref().unwrap().extension.as_deref(),
        Some("BED2")
    );

    let mut t = tracker(ContextConfig {
        location_change_clears_patient: false,
        ..ContextConfig::default()
    });
    t.apply(&mut ev("bay-1", T0, &[("414", GLN)]));
    t.apply(&mut ev("bay-1", T0, &[("8018", PATIENT_GSRN)]));
    let c = t.apply(&mut ev("bay-1", T0, &[("414", GLN), ("254", "BED2")]));
    assert_eq!(c.len(), 1);
}

#[test]
fn scanners_in_a_group_share_one_context() {
    let cfg: ContextConfig = toml::from_str(
        r#"
        patient_timeout = "15min"
        [[group]]
        name = "theatre-3"
        scanners = ["t3-a", "t3-b"]
        patient_timeout = "4h"
        "#,
    )
    .unwrap();
    let mut t = tracker(cfg);
    assert_eq!(t.group_of("t3-b"), Some("theatre-3"));
    let c = t.apply(&mut ev("t3-a", T0, &[("8018", PATIENT_GSRN)]));
    assert_eq!(c[0].group.as_deref(), Some("theatre-3"));
    let mut p = ev("t3-b", T0 + mins(90), &product());
    t.apply(&mut p);
    assert!(p.context.unwrap().patient.is_some(), "4 h group timeout");
    let mut other = ev("bay-1", T0 + mins(1), &product());
    t.apply(&mut other);
    assert!(other.context.unwrap().patient.is_none());
    assert_eq!(
        t.current("t3-a", T0 + mins(239)).patient.unwrap().id,
        pseudo(PATIENT_GSRN)
    );
    assert!(t.current("t3-a", T0 + mins(240)).patient.is_none());
}

#[test]
fn a_reload_carries_context_over_where_its_group_or_scanner_still_applies() {
    let grouped: ContextConfig = toml::from_str(
        r#"
        [[group]]
        name = "theatre-3"
        scanners = ["t3-a", "t3-b"]
        [[group]]
        name = "theatre-4"
        scanners = ["t4-a"]
        "#,
    )
    .unwrap();
    let mut old = tracker(grouped);
    old.apply(&mut ev("t3-a", T0, &[("8018", PATIENT_GSRN)]));
    old.apply(&mut ev("t4-a", T0, &[("8017", STAFF_GSRN)]));
    old.apply(&mut ev("bay-1", T0, &[("414", GLN)]));
    old.apply(&mut ev("bay-2", T0, &[("414", GLN)]));

    // theatre-4 is gone and bay-2 joins a new group: both contexts go; the rest stay.
    let reloaded: ContextConfig = toml::from_str(
        r#"
        patient_timeout = "1h"
        [[group]]
        name = "theatre-3"
        scanners = ["t3-a", "t3-b", "t3-c"]
        [[group]]
        name = "bays"
        scanners = ["bay-2"]
        "#,
    )
    .unwrap();
    let mut new = tracker(reloaded);
    assert_eq!(new.carry_over(old), 2);
    let now = T0 + mins(20);
    assert_eq!(
        new.current("t3-c", now).patient.unwrap().id,
        pseudo(PATIENT_GSRN),
        "a new member of a kept group sees its context, under the new 1 h time-out"
    );
    assert!(new.current("t4-a", now).staff.is_none());
    // Locations keep the default 15 min time-out.
    let soon = T0 + mins(10);
    assert_eq!(new.current("bay-1", soon).location.unwrap().id, GLN);
    assert!(new.current("bay-2", soon).location.is_none());
}

#[test]
fn tick_publishes_timeouts_when_nobody_scans() {
    let mut t = tracker(ContextConfig::default());
    t.apply(&mut ev("bay-1", T0, &[("8018", PATIENT_GSRN)]));
    t.apply(&mut ev("bay-2", T0, &[("8017", STAFF_GSRN)]));
    assert!(t.tick(T0 + mins(14)).is_empty());
    let c = t.tick(T0 + mins(15));
    assert_eq!(c.len(), 2);
    assert!(c.iter().all(|c| c.reason == ContextChangeReason::Timeout));
    let scanners: Vec<_> = c.iter().map(|c| c.scanner_id.as_str()).collect();
    assert_eq!(scanners, ["bay-1", "bay-2"]);
    assert!(t.tick(T0 + mins(60)).is_empty(), "reported once");
}

#[test]
fn refresh_on_use_keeps_a_busy_context_alive() {
    let mut t = tracker(ContextConfig {
        refresh_on_use: true,
        ..ContextConfig::default()
    });
    t.apply(&mut ev("bay-1", T0, &[("8018", PATIENT_GSRN)]));
    for m in [10, 20, 30] {
        let mut p = ev("bay-1", T0 + mins(m), &product());
        assert!(t.apply(&mut p).is_empty());
        assert!(p.context.unwrap().patient.is_some());
    }
}

#[test]
fn invalid_scans_neither_change_nor_carry_context() {
    let mut t = tracker(ContextConfig::default());
    let err = ParseError {
        kind: "x".into(),
        message: "x".into(),
        ai: None,
        span: None,
        symbology: None,
    };
    let mut e = builder().build(&scan("garbage"), Err(&err), 1);
    assert!(t.apply(&mut e).is_empty());
    assert!(e.context.is_none());
}

#[test]
fn context_config_is_strict_and_validated() {
    assert!(toml::from_str::<ContextConfig>("patient_timout = \"1m\"").is_err());
    assert!(toml::from_str::<ContextConfig>("patient_timeout = \"fifteen\"").is_err());
    assert!(
        toml::from_str::<ContextConfig>("[[group]]\nname = \"a\"\nscanners = []\nx = 1").is_err()
    );
    let d = ContextConfig::default();
    assert_eq!(d.patient_timeout, Duration::from_secs(900));
    let zero: ContextConfig = toml::from_str("staff_timeout = \"0s\"").unwrap();
    assert!(matches!(
        ContextTracker::new(GATEWAY, &zero),
        Err(ContextConfigError::ZeroTimeout { .. })
    ));
    let two: ContextConfig = toml::from_str(
        "[[group]]\nname = \"a\"\nscanners = [\"s\"]\n[[group]]\nname = \"b\"\nscanners = [\"s\"]",
    )
    .unwrap();
    assert_eq!(
        ContextTracker::new(GATEWAY, &two).unwrap_err(),
        ContextConfigError::ScannerInTwoGroups {
            scanner: "s".into(),
            first: "a".into(),
            second: "b".into()
        }
    );
    let dup: ContextConfig = toml::from_str(
        "[[group]]\nname = \"a\"\nscanners = [\"s\"]\n[[group]]\nname = \"a\"\nscanners = [\"t\"]",
    )
    .unwrap();
    assert!(matches!(
        ContextTracker::new(GATEWAY, &dup),
        Err(ContextConfigError::DuplicateGroup(_))
    ));
    let empty: ContextConfig = toml::from_str("[[group]]\nname = \"a\"\nscanners = []").unwrap();
    assert!(matches!(
        ContextTracker::new(GATEWAY, &empty),
        Err(ContextConfigError::EmptyGroup(_))
    ));
}

// ---------------------------------------------------------------- alerts

fn product_at(at: OffsetDateTime, expiry: &str, batch: &str) -> ScanEvent {
    ev("bay-1", at, &[("01", GTIN), ("17", expiry), ("10", batch)])
}

#[test]
fn expired_product_raises_a_critical_alert_naming_gtin_batch_and_date() {
    let checker = AlertChecker::new(&AlertConfig::default());
    let e = product_at(T0, "261125", "LOT7");
    let alerts = checker.check(&e, &RecallList::new());
    assert_eq!(alerts.len(), 1);
    let a = &alerts[0];
    assert_eq!(
        (a.kind, a.severity),
        (AlertKind::Expired, AlertSeverity::Critical)
    );
    assert_eq!(a.gtin, GTIN);
    assert_eq!(a.batch.as_deref(), Some("LOT7"));
    assert_eq!(a.expiry, Some(date!(2026 - 11 - 25)));
    assert_eq!(a.days_to_expiry, Some(-1));
    assert_eq!(
        a.message,
        "EXPIRED: GTIN 09506000134352 batch LOT7 expired on 2026-11-25, 1 day before this scan \
         on 2026-11-26. Do not use."
    );
}

#[test]
fn a_product_is_usable_through_its_expiry_date() {
    let checker = AlertChecker::new(&AlertConfig::default());
    let a = checker.check(&product_at(T0, "261126", "L"), &RecallList::new());
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].kind, a[0].severity),
        (AlertKind::Expiring, AlertSeverity::Warning)
    );
    assert!(a[0].message.contains("today"), "{}", a[0].message);
    // Day 00: November 2026 ends on the 30th.
    assert_eq!(
        checker.check(
            &product_at(datetime!(2026-11-30 23:59 UTC), "261100", "L"),
            &RecallList::new()
        )[0]
        .kind,
        AlertKind::Expiring
    );
    assert_eq!(
        checker.check(
            &product_at(datetime!(2026-12-01 00:00 UTC), "261100", "L"),
            &RecallList::new()
        )[0]
        .kind,
        AlertKind::Expired
    );
}

#[test]
fn expiring_window_is_configurable() {
    let cfg = AlertConfig {
        expiry_warning_days: 5,
        ..AlertConfig::default()
    };
    let checker = AlertChecker::new(&cfg);
    let a = checker.check(&product_at(T0, "261201", "L"), &RecallList::new());
    assert_eq!(a[0].days_to_expiry, Some(5));
    assert!(a[0].message.contains("in 5 days"));
    assert!(checker
        .check(&product_at(T0, "261202", "L"), &RecallList::new())
        .is_empty());
    let default = AlertChecker::new(&AlertConfig::default());
    assert_eq!(
        default
            .check(&product_at(T0, "261226", "L"), &RecallList::new())
            .len(),
        1
    );
    assert!(default
        .check(&product_at(T0, "261227", "L"), &RecallList::new())
        .is_empty());
}

const RECALL_CSV: &str = "\
# MHRA field safety notices, week 48
gtin,batch,serial,reason,reference
09506000134352,LOT7,,sterility not assured,FSN-2026-0042
09506000134352,,SN-99,faulty sensor,FSN-2026-0043
9506000134376,,,whole product line withdrawn,FSN-2026-0044
";

#[test]
fn recalled_batch_serial_and_gtin_raise_critical_alerts() {
    let list = RecallList::parse(RECALL_CSV.as_bytes()).unwrap();
    assert_eq!(list.len(), 3);
    let checker = AlertChecker::new(&AlertConfig::default());
    let e = product_at(T0, "281231", "LOT7");
    let a = checker.check(&e, &list);
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].kind, a[0].severity),
        (AlertKind::Recalled, AlertSeverity::Critical)
    );
    assert_eq!(a[0].reference.as_deref(), Some("FSN-2026-0042"));
    assert_eq!(a[0].reason.as_deref(), Some("sterility not assured"));
    assert_eq!(
        a[0].message,
        "RECALLED: GTIN 09506000134352 batch LOT7 is on the recall list (reference \
         FSN-2026-0042): sterility not assured; scanned 2026-11-26. Do not use."
    );
    assert!(checker
        .check(&product_at(T0, "281231", "LOT8"), &list)
        .is_empty());

    let e = ev("bay-1", T0, &[("01", GTIN), ("21", "SN-99")]);
    assert_eq!(
        checker.check(&e, &list)[0].reference.as_deref(),
        Some("FSN-2026-0043")
    );
    let e = ev("bay-1", T0, &[("01", "09506000134376"), ("10", "ANY")]);
    assert_eq!(checker.check(&e, &list)[0].kind, AlertKind::Recalled);

    // Recalled and expired: both, most severe first, both critical.
    let a = checker.check(&product_at(T0, "250101", "LOT7"), &list);
    let kinds: Vec<_> = a.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::Recalled, AlertKind::Expired]);
}

#[test]
fn invalid_or_non_product_scans_raise_no_alerts() {
    let list = RecallList::parse(RECALL_CSV.as_bytes()).unwrap();
    let checker = AlertChecker::new(&AlertConfig::default());
    let mut e = product_at(T0, "200101", "LOT7");
    e.valid = false;
    assert!(checker.check(&e, &list).is_empty());
    assert!(checker.check(&build(&[("414", GLN)]), &list).is_empty());
}

#[test]
fn recall_csv_errors_name_the_line() {
    let err = |s: &str| RecallList::parse(s.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        err("gtin,batch\n09506000134352,A\n09506000134353,B\n"),
        "recall list line 3: \"09506000134353\" is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)"
    );
    assert!(err("gtin,batch\n09506000134352,A,extra\n").starts_with("recall list line 2:"));
    assert!(err("gtin,lot\n").contains("unknown column \"lot\""));
    assert!(err("batch,serial\nA,B\n").contains("no `gtin` column"));
    assert!(matches!(
        RecallList::parse(b"gtin\n\xff\xfe\n"),
        Err(RecallListError::Row(RejectedRow {
            at: RowAt::Line(2),
            error: RowError::Malformed(_)
        }))
    ));
}

#[test]
fn recall_csv_accepts_any_column_order_short_gtins_and_a_bom() {
    let list = RecallList::parse(
        "\u{feff}Reference, GTIN ,Batch\nFSN-1,9506000134352,L1\nFSN-2,95060002,L2\n".as_bytes(),
    )
    .unwrap();
    assert_eq!(
        list.lookup(GTIN, Some("L1"), None)
            .unwrap()
            .reference
            .as_deref(),
        Some("FSN-1")
    );
    assert!(list.lookup("00000095060002", Some("L2"), None).is_some());
    assert!(RecallList::parse(b"gtin,batch,serial,reason,reference\n")
        .unwrap()
        .is_empty());
}

#[test]
fn recall_json_in_both_shapes_with_line_numbered_errors() {
    let list = RecallList::parse(
        br#"[{"gtin": "09506000134352", "batch": "LOT7", "reason": "sterility"}]"#,
    )
    .unwrap();
    assert!(list.lookup(GTIN, Some("LOT7"), None).is_some());
    let list = RecallList::parse(
        br#"{"recalls": [{"gtin": "09506000134352", "serial": "S1", "reference": "FSN-9"}]}"#,
    )
    .unwrap();
    assert!(list.lookup(GTIN, None, Some("S1")).is_some());
    assert!(list.lookup(GTIN, Some("S1"), None).is_none());

    // A bad entry is rejected on its own, by number (serde keeps no line per array element).
    let e = RecallList::parse(b"[\n  {\"gtin\": \"09506000134352\",\n   \"lot\": \"X\"}\n]")
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("recall list entry 1: unknown field `lot`"),
        "{e}"
    );
    let e = RecallList::parse(b"[\n  {\"gtin\": \"09506000134352\"\n   \"batch\": \"X\"}\n]")
        .unwrap_err();
    assert!(matches!(e, RecallListError::Json { line: 3, .. }), "{e}");
    let e = RecallList::parse(br#"[{"gtin": "1"}, {"gtin": "2"}]"#).unwrap_err();
    assert!(e.to_string().starts_with("recall list entry 1:"), "{e}");
}

#[test]
fn recall_file_watcher_reloads_on_change_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recalls.csv");
    std::fs::write(&path, RECALL_CSV).unwrap();
    let mut w = RecallFileWatcher::new(&path);
    assert_eq!(w.poll().unwrap().unwrap().list.len(), 3);
    assert!(w.poll().unwrap().is_none());
    std::fs::write(&path, "gtin,batch\n09506000134352,NEW\n").unwrap();
    let parsed = w.poll().unwrap().unwrap();
    assert!(parsed.list.lookup(GTIN, Some("NEW"), None).is_some());
    std::fs::write(&path, "gtin,batch\nnot-a-gtin,NEW\n").unwrap();
    let parsed = w.poll().unwrap().unwrap();
    assert!(parsed.has_no_valid_row());
    assert!(matches!(parsed.rejected[0].error, RowError::BadGtin(_)));
    assert!(
        w.poll().unwrap().is_none(),
        "a broken file is reported once"
    );
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(w.poll(), Err(RecallListError::Read { .. })));
    let stamp = FileStamp {
        modified: None,
        len: 1,
    };
    assert!(w.needs_reload(stamp));
}

#[test]
fn alert_config_is_strict() {
    let c: AlertConfig =
        toml::from_str("expiry_warning_days = 7\nrecall_list = \"/etc/gs1-gateway/recalls.csv\"")
            .unwrap();
    assert_eq!(c.expiry_warning_days, 7);
    assert!(toml::from_str::<AlertConfig>("expiry_warning_day = 7").is_err());
    assert!(toml::from_str::<AlertConfig>("expiry_warning_days = -1").is_err());
}

// ---------------------------------------------------------------- pipeline

fn pipeline() -> Processor {
    let mut p = Processor::new(
        builder(),
        tracker(ContextConfig::default()),
        &AlertConfig::default(),
    );
    p.set_recall_list(RecallList::parse(RECALL_CSV.as_bytes()).unwrap());
    p
}

fn process(p: &mut Processor, at: OffsetDateTime, els: &[(&str, &str)], seq: u64) -> Processed {
    let s = scan_at("bay-1", element_string(els).as_bytes(), at);
    p.process_parsed(&s, Ok(&msg(els)), seq)
}

#[test]
fn pipeline_links_product_patient_staff_place_and_raises_alerts() {
    let mut p = pipeline();
    assert_eq!(p.recall_list().len(), 3);
    let out = process(&mut p, T0, &wristband(), 1);
    assert_eq!(out.context_changes.len(), 1);
    assert!(out.alerts.is_empty());
    process(&mut p, T0, &[("8017", STAFF_GSRN)], 2);
    process(&mut p, T0, &[("414", GLN)], 3);
    let out = process(
        &mut p,
        T0 + mins(1),
        &[("01", GTIN), ("17", "261101"), ("10", "LOT7")],
        4,
    );
    assert_eq!(out.event.alerts.len(), 2);
    assert_eq!(out.alerts.len(), 2);
    let a = &out.alerts[0];
    assert_eq!(a.schema, ALERT_EVENT_SCHEMA);
    assert_eq!(a.scan_event_id, out.event.event_id);
    assert_eq!(a.sequence, 4);
    assert_eq!(a.context, out.event.context);
    assert_eq!(
        a.context.as_ref().unwrap().patient.as_ref().unwrap().id,
        pseudo(PATIENT_GSRN)
    );
    assert_eq!(
        p.current_context("bay-1", T0 + mins(2)).staff.unwrap().id,
        STAFF_GSRN
    );
    assert_eq!(p.tick(T0 + mins(30)).len(), 3);
}

// ---------------------------------------------------------------- JSON schema

fn schema() -> Value {
    let text = include_str!("../../schemas/scan-event.v1.json");
    serde_json::from_str(text).unwrap()
}

/// A validator for the root schema or one of its `$defs`.
fn validator(def: Option<&str>) -> jsonschema::Validator {
    let mut s = schema();
    if let Some(def) = def {
        s = json!({
            "$schema": s["$schema"],
            "$defs": s["$defs"],
            "$ref": format!("#/$defs/{def}"),
        });
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&s)
        .unwrap()
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{instance:#}");
}

#[test]
fn schema_is_valid_2020_12() {
    let s = schema();
    let meta = jsonschema::meta::validate(&s);
    assert!(meta.is_ok(), "{meta:?}");
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn schema_accepts_real_events_of_every_kind() {
    let v = validator(None);
    let mut p = pipeline();
    let mut inputs: Vec<Vec<(&str, &str)>> = vec![
        product().to_vec(),
        wristband().to_vec(),
        vec![("8017", STAFF_GSRN), ("8019", "3")],
        vec![("414", GLN), ("254", "THEATRE3")],
        vec![("8004", "950600013436PUMP17")],
        vec![("8003", "09506000134369SET1")],
        vec![("00", SSCC)],
        vec![("02", GTIN), ("37", "12")],
        vec![("90", "LOCAL")],
        vec![
            ("01", GTIN),
            ("11", "250100"),
            ("15", "261100"),
            ("30", "3"),
        ],
        // Expired and recalled, in context.
        vec![("01", GTIN), ("17", "250101"), ("10", "LOT7")],
        vec![
            ("01", GTIN),
            ("17", "261201"),
            ("10", "LOT1"),
            ("21", "SN-99"),
        ],
    ];
    inputs.push(wristband().to_vec());
    let mut kinds = std::collections::HashSet::new();
    for (i, els) in inputs.iter().enumerate() {
        let out = process(&mut p, T0 + mins(i as i64), els, i as u64);
        kinds.insert(out.event.kind);
        assert_valid(&v, &serde_json::to_value(&out.event).unwrap());
    }
    assert_eq!(kinds.len(), 7, "every kind was exercised");

    // NHS numbers published in clear.
    let cfg = PrivacyConfig {
        publish_nhs_number: true,
        nhs_company_prefix: Some("5012345".into()),
        ..PrivacyConfig::default()
    };
    let b = EventBuilder::new(GATEWAY, Privacy::with_key(&cfg, None).unwrap());
    let e = b.build(
        &scan(&element_string(&wristband())),
        Ok(&msg(&wristband())),
        1,
    );
    assert!(e.nhs_number.is_some());
    assert_valid(&v, &serde_json::to_value(&e).unwrap());
}

#[test]
fn schema_accepts_invalid_and_non_utf8_scans() {
    let v = validator(None);
    let err = ParseError {
        kind: "bad_check_digit".into(),
        message: "check digit".into(),
        ai: Some("01".into()),
        span: Some((2, 16)),
        symbology: None,
    };
    let mut s = scan_at("kbd", b"01095060001343\xff3", T0);
    s.symbology = None;
    s.kind = SourceKind::Keyboard;
    let e = builder().build(&s, Err(&err), 1);
    let j = serde_json::to_value(&e).unwrap();
    assert_eq!(j["symbology"], Value::Null);
    assert_valid(&v, &j);
    let e = builder().build(
        &scan(&format!("8018{}", "501234594347659190")),
        Err(&ParseError {
            span: None,
            ai: None,
            ..err
        }),
        2,
    );
    assert_valid(&v, &serde_json::to_value(&e).unwrap());
}

#[test]
fn schema_accepts_alert_and_context_records() {
    let alerts = validator(Some("alertEvent"));
    let contexts = validator(Some("contextChange"));
    let case_records = validator(Some("caseRecord"));
    let mut p = pipeline();
    let mut seen_alerts = 0;
    let mut changes = Vec::new();
    let mut cases = Vec::new();
    for (i, els) in [
        wristband().to_vec(),
        vec![("8017", STAFF_GSRN)],
        vec![("414", GLN)],
        vec![("8018", PATIENT2_GSRN)],
        vec![("01", GTIN), ("17", "250101"), ("10", "LOT7")],
        vec![("01", GTIN), ("17", "261201"), ("10", "L")],
        vec![("414", GLN), ("254", "BED2")],
    ]
    .iter()
    .enumerate()
    {
        let out = process(&mut p, T0 + mins(i as i64), els, i as u64);
        for a in &out.alerts {
            assert_valid(&alerts, &serde_json::to_value(a).unwrap());
            seen_alerts += 1;
        }
        changes.extend(out.context_changes);
        cases.extend(out.cases);
    }
    changes.extend(p.tick(T0 + mins(120)));
    cases.extend(p.take_cases());
    let statuses: std::collections::HashSet<_> = cases.iter().map(|c| c.status).collect();
    assert_eq!(statuses.len(), 3, "open, completed, cancelled: {cases:?}");
    for c in &cases {
        assert_valid(&case_records, &serde_json::to_value(c).unwrap());
    }
    let reasons: std::collections::HashSet<_> = changes.iter().map(|c| c.reason).collect();
    assert_eq!(reasons.len(), 4, "set, replaced, location_changed, timeout");
    for c in &changes {
        assert_valid(&contexts, &serde_json::to_value(c).unwrap());
    }
    assert_eq!(seen_alerts, 3);
}

#[test]
fn schema_rejects_drifted_events() {
    let v = validator(None);
    let good = serde_json::to_value(build(&product())).unwrap();
    assert_valid(&v, &good);
    let mut bad = good.clone();
    bad["scannedAt"] = bad["scanned_at"].take();
    bad.as_object_mut().unwrap().remove("scanned_at");
    assert!(!v.is_valid(&bad), "renamed field");
    let mut bad = good.clone();
    bad["scanned_at"] = json!("2026-11-26T10:15:30Z");
    assert!(!v.is_valid(&bad), "no milliseconds");
    let mut bad = good.clone();
    bad["kind"] = json!("drug");
    assert!(!v.is_valid(&bad));
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("gtin");
    assert!(!v.is_valid(&bad), "product without gtin");
    let mut bad = good.clone();
    bad["valid"] = json!(false);
    assert!(!v.is_valid(&bad), "invalid without error");
    let mut bad = good;
    bad["event_id"] = json!("0195f0a0-0000-4000-8000-000000000000");
    assert!(!v.is_valid(&bad), "not a v7 uuid");
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A test-range NHS number (999 xxx xxxx) with a valid mod-11 check digit, if `n` gives one.
    fn nhs_from(n: u32) -> Option<String> {
        let body = format!("999{:06}", n % 1_000_000);
        let sum: u32 = body
            .bytes()
            .zip((2..=10u32).rev())
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return None,
            c => c,
        };
        Some(format!("{body}{check}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn recall_list_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = RecallList::parse(&bytes);
        }

        #[test]
        fn recall_csv_lines_are_reported_correctly(good in 0usize..20) {
            let mut csv = String::from("gtin,batch\n");
            for i in 0..good {
                csv.push_str(&format!("{GTIN},L{i}\n"));
            }
            csv.push_str("12345,BAD\n");
            let err = RecallList::parse(csv.as_bytes()).unwrap_err().to_string();
            let expected = format!("recall list line {}:", good + 2);
            prop_assert!(err.starts_with(&expected), "{}", err);
        }

        #[test]
        fn no_wristband_ever_leaks_its_patient(
            n in any::<u32>(),
            family in "ZQX[A-Z]{3,10}",
            given in "ZQX[a-z]{3,10}",
            srin in "[1-9][0-9]{0,9}",
            form in 0u8..3,
        ) {
            let Some(nhs) = nhs_from(n) else { return Ok(()) };
            let gsrn = crate::event::test_support::patient_gsrn("5012345", &nhs, false);
            let names = format!("{family}/{given}");
            let input = match form {
                0 => format!("]d28018{gsrn}\u{1d}8019{srin}\u{1d}93{names}"),
                1 => format!("(8018){gsrn}(93){names}(8019){srin}"),
                _ => format!("https://id.gs1.org/8018/{gsrn}/8019/{srin}?93={}", names.replace('/', "%2F")),
            };
            let (s, parsed) = real(&input);
            let msg = parsed.map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
            let e = builder().build(&s, Ok(&msg), 1);
            let json = serde_json::to_string(&e).unwrap();
            for secret in [gsrn.as_str(), nhs.as_str(), family.as_str(), given.as_str()] {
                prop_assert!(!json.contains(secret), "{} leaked: {}", secret, json);
            }
            prop_assert_eq!(e.gsrn, Some(pseudo(&gsrn)));
            // An SRIN that reads as an NHS number is withheld like one.
            let expected = (!privacy::contains_nhs_number(&srin)).then_some(srin);
            prop_assert_eq!(e.srin, expected);
        }
    }
}

// ---------------------------------------------------------------- HIBC

fn hibc_code(body: &str) -> String {
    format!(
        "{body}{}",
        crate::interop::hibc::check_character(body).unwrap()
    )
}

fn hibc_scan(p: &mut Processor, data: &str, at: OffsetDateTime, seq: u64) -> Processed {
    let mut s = scan_at("bay-1", data.as_bytes(), at);
    s.symbology = Some("]C0".into());
    let parsed = crate::gs1::parse(&s.data, &crate::gs1::ParseOptions::default());
    let err = parsed.expect_err("HIBC data is not GS1");
    p.process_parsed(&s, Err(&err), seq)
}

#[test]
fn hibc_concatenated_scan_is_a_product_event() {
    let mut p = pipeline();
    let out = hibc_scan(
        &mut p,
        "+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
        T0,
        1,
    );
    let e = &out.event;
    assert!(e.valid, "{:?}", e.error);
    assert_eq!(e.kind, ScanKind::Product);
    assert_eq!(e.gtin, None);
    assert!(e.elements.is_empty());
    assert_eq!(e.batch.as_deref(), Some("10X3"));
    assert_eq!(e.serial.as_deref(), Some("77DE1G45"));
    assert_eq!(e.expiry, Some(date!(2020 - 01 - 15)));
    assert_eq!(e.production_date, Some(date!(2011 - 12 - 12)));
    assert_eq!(
        e.hri.as_deref(),
        Some("*+A99912345/$$52001510X3/16D20111212/S77DE1G45-*")
    );
    let h = e.hibc.as_ref().unwrap();
    assert_eq!(h.structure, "concatenated");
    assert_eq!(h.device_identifier.as_deref(), Some("A99912345"));
    assert_eq!(
        (
            h.labeler.as_deref(),
            h.product.as_deref(),
            h.unit_of_measure
        ),
        (Some("A999"), Some("1234"), Some(5))
    );
    // Expired in 2020: the expiry alert applies to HIBC products too, named by their DI.
    assert_eq!(out.event.alerts.len(), 1);
    let a = &out.event.alerts[0];
    assert_eq!(a.kind, AlertKind::Expired);
    assert_eq!(a.gtin, "");
    assert_eq!(a.hibc_di.as_deref(), Some("A99912345"));
    assert!(
        a.message.contains("HIBC A99912345 lot 10X3"),
        "{}",
        a.message
    );
    let json = serde_json::to_value(&out.alerts[0]).unwrap();
    assert!(json["alert"].get("gtin").is_none(), "{json}");
    assert!(out.has_critical_alert());
}

#[test]
fn hibc_month_expiry_covers_the_whole_month_and_recalls_match_the_device_identifier() {
    let mut p = pipeline();
    let csv = "hibc_di,gtin,batch,reason\nA99912345,,LOT9,sterility\n";
    p.set_recall_list(RecallList::parse(csv.as_bytes()).unwrap());
    // MMYY 11/26 and a scan on 2026-11-26: usable through 2026-11-30.
    let out = hibc_scan(&mut p, &hibc_code("+A99912345/$$1126LOT9"), T0, 1);
    let e = &out.event;
    assert_eq!(e.expiry, Some(date!(2026 - 11 - 30)));
    assert_eq!(e.hibc.as_ref().unwrap().expiry.as_deref(), Some("2026-11"));
    let kinds: Vec<_> = e.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::Recalled, AlertKind::Expiring]);
    assert!(e.alerts[0].message.contains("sterility"));
    // Another lot is not recalled; a GTIN row never matches an HIBC product.
    let out = hibc_scan(&mut p, &hibc_code("+A99912345/$$7LOT8"), T0, 2);
    assert!(out.event.alerts.is_empty());
}

#[test]
fn hibc_secondary_links_to_the_primary_scanned_before_it() {
    let mut p = pipeline();
    let primary = hibc_code("+A99912345");
    let check = primary.chars().last().unwrap();
    let secondary = hibc_code(&format!("+$$3261231LOT5{check}"));
    let first = hibc_scan(&mut p, &primary, T0, 1);
    assert_eq!(first.event.kind, ScanKind::Product);
    assert_eq!(first.event.batch, None);
    let second = hibc_scan(&mut p, &secondary, T0 + time::Duration::seconds(2), 2);
    let e = &second.event;
    assert_eq!(e.kind, ScanKind::Product, "{:?}", e.warnings);
    let h = e.hibc.as_ref().unwrap();
    assert_eq!(h.structure, "secondary");
    assert_eq!(h.device_identifier.as_deref(), Some("A99912345"));
    assert_eq!(h.linked_primary, Some(first.event.event_id));
    assert_eq!(e.linked_scan, Some(first.event.event_id));
    assert_eq!(e.batch.as_deref(), Some("LOT5"));
    assert!(e.warnings.is_empty());
    // One device, not two: the secondary supersedes the primary as published.
    assert!(first.first_symbol && !second.first_symbol);
    assert_eq!(second.superseded.as_ref(), Some(&first.event));
    // Alone (nothing before it), the secondary names no product.
    let alone = hibc_scan(&mut p, &secondary, T0 + time::Duration::seconds(3), 3);
    assert_eq!(alone.superseded, None);
    assert_eq!(alone.event.kind, ScanKind::Unknown);
    assert!(alone.event.valid);
    assert_eq!(alone.event.hibc.as_ref().unwrap().device_identifier, None);
    assert!(alone.event.alerts.is_empty());
}

#[test]
fn broken_hibc_is_invalid_with_the_hibc_error() {
    let mut p = pipeline();
    let out = hibc_scan(&mut p, "+A99912345/$$52001510X3X", T0, 1);
    let e = &out.event;
    assert!(!e.valid);
    assert_eq!(e.kind, ScanKind::Unknown);
    assert_eq!(e.hibc, None);
    let err = e.error.as_ref().unwrap();
    assert_eq!(err.kind, "hibc");
    assert!(err.message.contains("check character"), "{}", err.message);
}

#[test]
fn recall_list_rows_name_a_gtin_or_an_hibc_device_identifier() {
    let row_error = |bytes: &[u8]| match RecallList::parse(bytes) {
        Err(RecallListError::Row(r)) => Some(r.error),
        _ => None,
    };
    assert!(matches!(
        row_error(b"hibc_di,batch\na99912345,L1\n"),
        Some(RowError::BadHibc(_))
    ));
    assert_eq!(
        row_error(format!("gtin,hibc_di\n{GTIN},A99912345\n").as_bytes()),
        Some(RowError::GtinOrHibc)
    );
    let list = RecallList::parse(br#"[{"hibc_di":"A99912345","serial":"S1"}]"#).unwrap();
    assert_eq!(list.len(), 1);
}

#[test]
fn schema_accepts_hibc_events_and_alerts() {
    let v = validator(None);
    let mut p = pipeline();
    let csv = "hibc_di,batch\nA99912345,10X3\n";
    p.set_recall_list(RecallList::parse(csv.as_bytes()).unwrap());
    let primary = hibc_code("+A99912345");
    let check = primary.chars().last().unwrap();
    let inputs = [
        "+A99912345/$$52001510X3/16D20111212/S77DE1G45-".to_owned(),
        primary,
        hibc_code(&format!("+$$426113013LOT 5{check}")),
        hibc_code("+$+SER.9Q"),
        hibc_code("+A99912345/$$9001002261130"),
        "+A99912345/$$52001510X3X".to_owned(),
    ];
    for (i, data) in inputs.iter().enumerate() {
        let out = hibc_scan(
            &mut p,
            data,
            T0 + time::Duration::seconds(i as i64),
            i as u64,
        );
        assert_valid(&v, &serde_json::to_value(&out.event).unwrap());
        for a in &out.alerts {
            assert_valid(
                &validator(Some("alertEvent")),
                &serde_json::to_value(a).unwrap(),
            );
        }
    }
    // A GS1 product may not also claim to be HIBC.
    let mut e = build(&product());
    e.hibc = hibc_scan(&mut p, &inputs[0], T0, 9).event.hibc;
    assert!(!v.is_valid(&serde_json::to_value(&e).unwrap()));
}

#[test]
fn recall_lists_from_file_and_mqtt_merge_without_losing_a_recall() {
    let file = RecallList::parse(
        format!("gtin,batch,reason\n{GTIN},LOT7,from file\n{GTIN},LOT9,file\n").as_bytes(),
    )
    .unwrap();
    let mqtt = RecallList::parse(
        format!(
            r#"[{{"gtin":"{GTIN}","batch":"LOT7","reason":"from mqtt"}},{{"gtin":"{GTIN}","batch":"LOT8"}},{{"hibc_di":"A99912345"}}]"#
        )
        .as_bytes(),
    )
    .unwrap();
    let m = file.merged(&mqtt);
    assert_eq!(m.len(), 4);
    assert_eq!(
        m.lookup(GTIN, Some("LOT7"), None)
            .unwrap()
            .reason
            .as_deref(),
        Some("from file")
    );
    assert!(m.lookup(GTIN, Some("LOT8"), None).is_some());
    assert!(m.lookup(GTIN, Some("LOT9"), None).is_some());
    assert!(m.lookup("hibc:A99912345", None, None).is_some());
    assert_eq!(RecallList::new().merged(&RecallList::new()).len(), 0);
}

#[test]
fn recall_topic_filters_are_checked() {
    for ok in ["trust/recalls", "a/+/recalls", "a/#", "#", "+"] {
        assert_eq!(check_topic_filter(ok), Ok(()), "{ok}");
    }
    for bad in ["", "a/#/b", "a/b#", "a/x+", "a\0b"] {
        assert!(check_topic_filter(bad).is_err(), "{bad:?}");
    }
}

proptest::proptest! {
    /// The hand-written timestamp and date formatters agree with `time`'s own.
    #[test]
    fn fast_formatters_match_time(secs in 0i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
        use time::macros::format_description;
        let t = OffsetDateTime::from_unix_timestamp(secs).unwrap()
            + time::Duration::nanoseconds(i64::from(nanos));
        let want = t
            .format(format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
            .unwrap();
        proptest::prop_assert_eq!(rfc3339_millis::format(&t), want);
        proptest::prop_assert_eq!(iso_date_opt::format(&t.date()), t.date().to_string());
    }
}

// ------------------------------------------------ recalls that cannot be matched or checked

/// A batch recall raised nothing when the scan carried no batch (EAN-13, an HIBC primary, a
/// GTIN-only Digital Link); now a `recall_possible` warning names the batches and references.
#[test]
fn a_scan_without_a_batch_of_a_product_with_batch_recalls_raises_recall_possible() {
    let list = RecallList::parse(RECALL_CSV.as_bytes()).unwrap();
    let checker = AlertChecker::new(&AlertConfig::default());
    let a = checker.check(&ev("bay-1", T0, &[("01", GTIN)]), &list);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(
        (a[0].kind, a[0].severity),
        (AlertKind::RecallPossible, AlertSeverity::Warning)
    );
    assert_eq!(a[0].reference.as_deref(), Some("FSN-2026-0042"));
    assert_eq!(
        a[0].message,
        "Recall possible: recalls are active for batches of this product; check the batch. \
         GTIN 09506000134352 was scanned without a batch; recalled batch: LOT7 (reference \
         FSN-2026-0042); scanned 2026-11-26."
    );
    // With a batch, only the batch decides; a product with no batch recall raises nothing.
    assert!(checker
        .check(&product_at(T0, "281231", "LOT8"), &list)
        .is_empty());
    assert!(checker
        .check(&ev("bay-1", T0, &[("01", "09506000134383")]), &list)
        .is_empty());

    // Through the processor: an EAN-13 read is a warning, so still a good read.
    let mut p = pipeline();
    let mut s = scan_at("bay-1", b"9506000134352", T0);
    s.symbology = Some("]E0".into());
    let out = p.process(&s);
    assert_eq!(out.event.gtin.as_deref(), Some(GTIN));
    let kinds: Vec<_> = out.event.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::RecallPossible]);
    assert!(out.good_read());
    let v = validator(None);
    assert_valid(&v, &serde_json::to_value(&out.event).unwrap());
    assert_valid(
        &validator(Some("alertEvent")),
        &serde_json::to_value(&out.alerts[0]).unwrap(),
    );
}

/// With no recall list loaded the gateway once checked against nothing and said nothing; now
/// every product scan carries `recall_check_unavailable` (alert and warning), still a good read.
#[test]
fn every_product_scan_says_when_no_recall_list_could_be_loaded() {
    let mut p = pipeline();
    let mut list = RecallList::parse(RECALL_CSV.as_bytes()).unwrap();
    list.set_unavailable(true);
    p.set_recall_list(list);
    let out = process(
        &mut p,
        T0,
        &[("01", GTIN), ("17", "281231"), ("10", "LOT8")],
        1,
    );
    let kinds: Vec<_> = out.event.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AlertKind::RecallCheckUnavailable]);
    assert_eq!(out.event.alerts[0].severity, AlertSeverity::Warning);
    assert!(out
        .event
        .warnings
        .iter()
        .any(|w| w.starts_with("recall_check_unavailable")));
    assert!(out.good_read());
    assert_valid(&validator(None), &serde_json::to_value(&out.event).unwrap());
    assert_valid(
        &validator(Some("alertEvent")),
        &serde_json::to_value(&out.alerts[0]).unwrap(),
    );
    // What is loaded still applies: a recalled batch is critical as well.
    let out = process(
        &mut p,
        T0,
        &[("01", GTIN), ("17", "281231"), ("10", "LOT7")],
        2,
    );
    let kinds: Vec<_> = out.event.alerts.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [AlertKind::Recalled, AlertKind::RecallCheckUnavailable]
    );
    // Not a product: nothing to check.
    let out = process(&mut p, T0, &wristband(), 3);
    assert!(out.event.alerts.is_empty());
    assert!(out.event.warnings.is_empty(), "{:?}", out.event.warnings);
}
