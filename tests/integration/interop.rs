//! EPCIS 2.0 and FHIR R4 outputs: golden files, validation against the official schemas,
//! property tests, `gs1-gateway convert` and the AsyncAPI document.
//!
//! Validators: GS1's EPCIS 2.0 JSON Schema (`tests/data/epcis/`, gs1/EPCIS @2b888be) and HL7's
//! FHIR R4 JSON Schema (`tests/data/fhir/fhir.schema.json`, FHIR 4.0), both run with the
//! `jsonschema` crate offline (every `$ref` is inside the file), with format checks on.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use base64::Engine as _;
use gs1_gateway::event::{Alert, ContextRef, ScanContext, ScanEvent, ScanKind, SCAN_EVENT_SCHEMA};
use gs1_gateway::interop::{epcis, fhir, hibc, Format, Interop, InteropConfig, InteropError};
use gs1_gateway::source::SourceKind;
use jsonschema::{Draft, Validator};
use proptest::prelude::*;
use serde_json::{json, Value};
use time::macros::{date, datetime};
use time::OffsetDateTime;
use uuid::Uuid;

/// The EPCIS schema file the tests validate against (and `docs/asyncapi.yaml` references).
const EPCIS_SCHEMA: &str = "tests/data/epcis/EPCIS-JSON-Schema.json";
/// The FHIR R4 schema file the tests validate against (and `docs/asyncapi.yaml` references).
const FHIR_SCHEMA: &str = "tests/data/fhir/fhir.schema.json";
/// The native scan-event schema (created by the events work; see `asyncapi_scan_schema_exists`).
const SCAN_EVENT_SCHEMA_FILE: &str = "schemas/scan-event.v1.json";

const CREATED: OffsetDateTime = datetime!(2026-11-24 10:16:00 UTC);
const GTIN: &str = "09506000134352";
const GLN: &str = "9506000134352";
/// A made-up 7-digit prefix standing in for the NHS wristband GS1 Company Prefix in tests.
const TEST_NHS_PREFIX: &str = "1234567";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_json(rel: &str) -> Value {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn epcis_validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::options()
            .with_draft(Draft::Draft7)
            .should_validate_formats(true)
            .offline()
            .build(&load_json(EPCIS_SCHEMA))
            .expect("the EPCIS 2.0 schema compiles")
    })
}

fn fhir_validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::options()
            .with_draft(Draft::Draft6)
            .should_validate_formats(true)
            .offline()
            .build(&load_json(FHIR_SCHEMA))
            .expect("the FHIR R4 schema compiles")
    })
}

fn schema_errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The EPCIS document is valid per GS1's schema and our extra rules.
fn assert_valid_epcis(doc: &Value) {
    let errors = schema_errors(epcis_validator(), doc);
    assert!(errors.is_empty(), "EPCIS schema: {errors:#?}\n{doc:#}");
    if let Err(v) = epcis::validate_epcis_rules(doc) {
        panic!("EPCIS rules: {v:#?}\n{doc:#}");
    }
}

/// The FHIR resource is valid per the FHIR R4 JSON Schema; for a transaction Bundle, every entry
/// has a `fullUrl` and a `request`, and every `urn:uuid:` reference resolves inside the Bundle.
fn assert_valid_fhir(resource: &Value) {
    let errors = schema_errors(fhir_validator(), resource);
    assert!(errors.is_empty(), "FHIR schema: {errors:#?}\n{resource:#}");
    if resource["resourceType"] == "Bundle" {
        assert_eq!(resource["type"], "transaction");
        let entries = resource["entry"].as_array().expect("entries");
        let urls: HashSet<&str> = entries
            .iter()
            .map(|e| {
                assert!(
                    e["request"]["method"].is_string(),
                    "entry without request: {e:#}"
                );
                e["fullUrl"].as_str().expect("fullUrl")
            })
            .collect();
        assert_eq!(urls.len(), entries.len(), "duplicate fullUrl");
        let mut refs = Vec::new();
        collect_references(resource, &mut refs);
        for r in refs {
            if r.starts_with("urn:uuid:") {
                assert!(urls.contains(r.as_str()), "dangling reference {r}");
            }
        }
    }
}

fn collect_references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "reference" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_owned());
                    }
                } else {
                    collect_references(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_references(v, out)),
        _ => {}
    }
}

/// Appends the GS1 mod-10 check digit.
fn with_check_digit(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn uuid(n: u128) -> Uuid {
    // Fixed UUIDv7-shaped ids keep golden files stable.
    Uuid::from_u128(0x0192_e6f4_7b1c_7c3e_9f1a_0000_0000_0000 | n)
}

fn base_event(n: u128, kind: ScanKind, raw: &str) -> ScanEvent {
    ScanEvent {
        event_id: uuid(n),
        schema: SCAN_EVENT_SCHEMA.to_owned(),
        gateway_id: "theatre-3-edge-1".to_owned(),
        scanner_id: "theatre-3-scanner-1".to_owned(),
        source: SourceKind::Serial,
        scanned_at: datetime!(2026-11-24 10:15:30.120 UTC),
        sequence: 41 + n as u64,
        symbology: Some("]d2".to_owned()),
        raw: raw.to_owned(),
        raw_hex: None,
        raw_withheld: None,
        valid: true,
        kind,
        elements: Vec::new(),
        hri: None,
        digital_link: None,
        warnings: Vec::new(),
        error: None,
        gtin: None,
        batch: None,
        expiry: None,
        expiry_time: None,
        best_before: None,
        production_date: None,
        quantity: None,
        serial: None,
        gsrn: None,
        intended_recipient: None,
        nhs_number: None,
        srin: None,
        gln: None,
        gln_extension: None,
        sscc: None,
        giai: None,
        grai: None,
        linked_scan: None,
        case_id: None,
        hibc: None,
        context: None,
        alerts: Vec::new(),
        redactions: Vec::new(),
    }
}

fn hibc_with_check(body: &str) -> String {
    format!("{body}{}", hibc::check_character(body).unwrap())
}

fn hibc_info(structure: &str, expiry: Option<&str>, check: char) -> gs1_gateway::event::HibcInfo {
    gs1_gateway::event::HibcInfo {
        structure: structure.to_owned(),
        labeler: Some("A999".to_owned()),
        product: Some("1234".to_owned()),
        unit_of_measure: Some(5),
        device_identifier: Some("A99912345".to_owned()),
        expiry: expiry.map(str::to_owned),
        link: None,
        check: check.to_string(),
        linked_primary: None,
    }
}

fn element(ai: &str, title: &str, value: &str) -> gs1_gateway::event::EventElement {
    gs1_gateway::event::EventElement {
        ai: ai.to_owned(),
        title: title.to_owned(),
        value: value.to_owned(),
    }
}

fn patient_gsrn() -> String {
    // NHS wristband layout: prefix + NHS number 943 476 5919 + GS1 check digit.
    with_check_digit(&format!("{TEST_NHS_PREFIX}9434765919"))
}

fn staff_gsrn() -> String {
    with_check_digit("95060001343500001")
}

fn context(patient_id: Option<String>) -> ScanContext {
    let since = datetime!(2026-11-24 10:02:11.500 UTC);
    ScanContext {
        patient: patient_id.map(|id| ContextRef {
            id,
            extension: None,
            srin: None,
            event_id: uuid(0xa1),
            since,
        }),
        staff: Some(ContextRef {
            id: staff_gsrn(),
            extension: None,
            srin: None,
            event_id: uuid(0xa2),
            since,
        }),
        location: Some(ContextRef {
            id: GLN.to_owned(),
            extension: Some("THEATRE3".to_owned()),
            srin: None,
            event_id: uuid(0xa3),
            since,
        }),
    }
}

/// A product scan: GTIN, expiry, batch (and optionally serial), as a GS1 DataMatrix gives it.
fn product(n: u128, serial: Option<&str>) -> ScanEvent {
    let mut raw = format!("01{GTIN}1726123110ABC123");
    let mut hri = format!("(01){GTIN}(17)261231(10)ABC123");
    let mut elements = vec![
        element("01", "GTIN", GTIN),
        element("17", "USE BY OR EXPIRY", "261231"),
        element("10", "BATCH/LOT", "ABC123"),
    ];
    if let Some(s) = serial {
        raw.push_str(&format!("\u{1d}21{s}"));
        hri.push_str(&format!("(21){s}"));
        elements.push(element("21", "SERIAL", s));
    }
    let mut e = base_event(n, ScanKind::Product, &raw);
    e.elements = elements;
    e.hri = Some(hri);
    e.digital_link = Some(format!("https://id.gs1.org/01/{GTIN}/10/ABC123?17=261231"));
    e.gtin = Some(GTIN.to_owned());
    e.batch = Some("ABC123".to_owned());
    e.expiry = Some(date!(2026 - 12 - 31));
    e.serial = serial.map(str::to_owned);
    e
}

fn alert(kind: &str, message: &str) -> Alert {
    let kind = match kind {
        "expired" => gs1_gateway::event::AlertKind::Expired,
        "expiring" => gs1_gateway::event::AlertKind::Expiring,
        "recalled" => gs1_gateway::event::AlertKind::Recalled,
        other => panic!("no alert kind {other}"),
    };
    Alert {
        kind,
        severity: if kind == gs1_gateway::event::AlertKind::Expiring {
            gs1_gateway::event::AlertSeverity::Warning
        } else {
            gs1_gateway::event::AlertSeverity::Critical
        },
        message: message.to_owned(),
        gtin: GTIN.to_owned(),
        hibc_di: None,
        batch: Some("ABC123".to_owned()),
        serial: None,
        // Expiry alerts carry the date and the days to it (negative: already expired).
        expiry: (kind != gs1_gateway::event::AlertKind::Recalled)
            .then_some(time::macros::date!(2026 - 12 - 31)),
        days_to_expiry: match kind {
            gs1_gateway::event::AlertKind::Expired => Some(-3),
            gs1_gateway::event::AlertKind::Expiring => Some(37),
            _ => None,
        },
        reason: (kind == gs1_gateway::event::AlertKind::Recalled)
            .then(|| "field safety notice".to_owned()),
        reference: None,
    }
}

/// Every kind of event the gateway publishes, with the configuration each is rendered under.
fn cases() -> Vec<(&'static str, ScanEvent, Interop)> {
    let default = Interop::default();
    let implants = InteropConfig {
        implants: gs1_gateway::interop::ImplantConfig {
            gtins: vec![GTIN.to_owned()],
            gtin_prefixes: vec![],
            hibc_device_identifiers: vec!["A99912345".to_owned()],
        },
        ..InteropConfig::default()
    };
    let implants_nhs = InteropConfig {
        allow_nhs_number: true,
        nhs_gsrn_prefix: Some(TEST_NHS_PREFIX.to_owned()),
        extension_namespace: "https://scan4safety.example-trust.nhs.uk/epcis/".to_owned(),
        ..implants.clone()
    };
    let stores = InteropConfig {
        scanner_biz_steps: [("stores-1".to_owned(), "receiving".to_owned())].into(),
        ..InteropConfig::default()
    };

    let mut v = Vec::new();

    let mut e = product(1, None);
    e.context = Some(context(Some(
        "pseudo:hmac-sha256:d2bcda3d05575377a9d4c48c7949232d8521ffbda79d1a9bd4635a24cb4c515b"
            .to_owned(),
    )));
    v.push(("product-in-context", e, default.clone()));

    let mut e = product(2, Some("S1"));
    e.context = Some(context(Some(patient_gsrn())));
    v.push((
        "implant-pseudonymous",
        e.clone(),
        implants.validate().unwrap(),
    ));
    v.push(("implant-nhs-number", e, implants_nhs.validate().unwrap()));

    let mut e = product(3, None);
    e.scanner_id = "stores-1".to_owned();
    v.push(("product-no-context", e, stores.validate().unwrap()));

    let mut e = product(4, Some("S/4%"));
    e.expiry = Some(date!(2026 - 10 - 31));
    e.alerts = vec![alert(
        "expired",
        "expired on 2026-10-31, 24 days before the scan",
    )];
    e.context = Some(context(None));
    v.push(("product-expired", e, default.clone()));

    let mut e = product(5, None);
    e.alerts = vec![
        alert(
            "recalled",
            "GTIN 09506000134352 batch ABC123 is on the recall list",
        ),
        alert("expiring", "expires within 60 days"),
    ];
    e.context = Some(context(Some(
        "pseudo:hmac-sha256:d2bcda3d05575377a9d4c48c7949232d8521ffbda79d1a9bd4635a24cb4c515b"
            .to_owned(),
    )));
    v.push(("product-recalled", e, default.clone()));

    // As the event stage builds it from `]C0+A99912345/…` (checked in `hibc_events_are_built_as_the_golden_cases`).
    let mut e = base_event(
        6,
        ScanKind::Product,
        "+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
    );
    e.symbology = Some("]C0".to_owned());
    e.hri = Some("*+A99912345/$$52001510X3/16D20111212/S77DE1G45-*".to_owned());
    e.batch = Some("10X3".to_owned());
    e.serial = Some("77DE1G45".to_owned());
    e.expiry = Some(date!(2020 - 01 - 15));
    e.production_date = Some(date!(2011 - 12 - 12));
    e.hibc = Some(hibc_info("concatenated", Some("2020-01-15"), '-'));
    e.context = Some(context(Some(
        "pseudo:hmac-sha256:d2bcda3d05575377a9d4c48c7949232d8521ffbda79d1a9bd4635a24cb4c515b"
            .to_owned(),
    )));
    v.push(("hibc-implant", e, implants.validate().unwrap()));

    // An HIBC product with a lot, a month expiry and a quantity, no serial: a class in EPCIS.
    let raw = hibc_with_check("+A99912345/$$8051226LOT 7.A");
    let mut e = base_event(9, ScanKind::Product, &raw);
    e.symbology = Some("]C0".to_owned());
    e.hri = Some(format!("*{raw}*"));
    e.batch = Some("LOT 7.A".to_owned());
    e.quantity = Some(5);
    e.expiry = Some(date!(2026 - 12 - 31));
    let check = raw.chars().last().unwrap();
    e.hibc = Some(hibc_info("concatenated", Some("2026-12"), check));
    e.alerts = vec![Alert {
        gtin: String::new(),
        hibc_di: Some("A99912345".to_owned()),
        batch: Some("LOT 7.A".to_owned()),
        serial: None,
        expiry: None,
        days_to_expiry: None,
        ..alert(
            "recalled",
            "HIBC A99912345 lot LOT 7.A is on the recall list",
        )
    }];
    e.context = Some(context(None));
    v.push(("hibc-lot-recalled", e, default.clone()));

    let mut e = base_event(7, ScanKind::Asset, "8004950600013435PUMP0042");
    e.giai = Some("950600013435PUMP0042".to_owned());
    e.context = Some(context(None));
    v.push(("asset", e, default.clone()));

    let sscc = with_check_digit("09506000100000001");
    let mut e = base_event(8, ScanKind::Logistic, &format!("00{sscc}"));
    e.sscc = Some(sscc);
    e.scanner_id = "stores-1".to_owned();
    v.push(("logistic", e, stores.validate().unwrap()));

    let mut e = base_event(9, ScanKind::Patient, "pseudonymised");
    e.gsrn = Some(
        "pseudo:hmac-sha256:d2bcda3d05575377a9d4c48c7949232d8521ffbda79d1a9bd4635a24cb4c515b"
            .to_owned(),
    );
    v.push(("patient", e, default.clone()));

    let mut e = base_event(10, ScanKind::Staff, &format!("8017{}", staff_gsrn()));
    e.gsrn = Some(staff_gsrn());
    v.push(("staff", e, default.clone()));

    let mut e = base_event(
        11,
        ScanKind::Location,
        &format!("414{GLN}\u{1d}254THEATRE3"),
    );
    e.gln = Some(GLN.to_owned());
    e.gln_extension = Some("THEATRE3".to_owned());
    v.push(("location", e, default.clone()));

    let mut e = base_event(12, ScanKind::Unknown, "HELLO WORLD");
    e.valid = false;
    e.symbology = Some("]Q1".to_owned());
    v.push(("unknown", e, default));
    v
}

fn render(interop: &Interop, format: Format, e: &ScanEvent) -> Result<Value, InteropError> {
    let bytes = interop.render(format, e, CREATED)?;
    Ok(serde_json::from_slice(&bytes).expect("rendered output is JSON"))
}

/// Compares with `tests/data/golden/{name}`; `GS1_GATEWAY_UPDATE_GOLDEN=1` rewrites the files.
fn check_golden(name: &str, actual: &Value) {
    let path = root().join("tests/data/golden").join(name);
    let text = format!("{}\n", serde_json::to_string_pretty(actual).unwrap());
    if std::env::var_os("GS1_GATEWAY_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with GS1_GATEWAY_UPDATE_GOLDEN=1 to create it, then review it)",
            path.display()
        )
    });
    assert_eq!(text, expected, "{} differs", path.display());
}

#[test]
fn golden_files_for_every_event_kind_in_every_format() {
    for (name, event, interop) in cases() {
        for (format, ext) in [
            (Format::Json, "json"),
            (Format::Epcis, "epcis.jsonld"),
            (Format::Fhir, "fhir.json"),
        ] {
            let out = match render(&interop, format, &event) {
                Ok(doc) => doc,
                Err(e) => json!({ "not_converted": e.to_string() }),
            };
            check_golden(&format!("{name}.{ext}"), &out);
        }
    }
}

#[test]
fn every_generated_epcis_document_and_fhir_resource_validates() {
    let mut epcis_docs = 0;
    let mut fhir_docs = 0;
    for (name, event, interop) in cases() {
        match render(&interop, Format::Epcis, &event) {
            Ok(doc) => {
                assert_valid_epcis(&doc);
                epcis_docs += 1;
            }
            Err(InteropError::NotApplicable { .. }) => {
                assert!(
                    !matches!(event.kind, ScanKind::Asset | ScanKind::Logistic)
                        && (event.kind != ScanKind::Product || event.gtin.is_none()),
                    "{name}"
                );
            }
            Err(e) => panic!("{name}: {e}"),
        }
        match render(&interop, Format::Fhir, &event) {
            Ok(bundle) => {
                assert_valid_fhir(&bundle);
                let device = fhir::device(&interop, &event).unwrap();
                assert_valid_fhir(&device);
                for entry in bundle["entry"].as_array().unwrap() {
                    assert_valid_fhir(&entry["resource"]);
                }
                fhir_docs += 1;
            }
            Err(InteropError::NotApplicable { .. }) => {
                assert_ne!(event.kind, ScanKind::Product, "{name}");
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert_eq!((epcis_docs, fhir_docs), (10, 8));
}

#[test]
fn the_validators_are_real() {
    // GS1's own examples pass; the schema catches what the domain notes say it catches.
    let mut doc = render(&Interop::default(), Format::Epcis, &product(1, None)).unwrap();
    assert_valid_epcis(&doc);
    let event = &mut doc["epcisBody"]["eventList"][0];
    event.as_object_mut().unwrap().remove("eventTimeZoneOffset");
    assert!(
        !epcis_validator().is_valid(&doc),
        "missing eventTimeZoneOffset accepted"
    );
    let mut doc = render(&Interop::default(), Format::Epcis, &product(1, None)).unwrap();
    doc["epcisBody"]["eventList"][0]["ilmd"] = json!({"cbvmda:lotNumber": "ABC123"});
    assert!(
        !epcis_validator().is_valid(&doc),
        "ilmd on OBSERVE accepted"
    );
    let mut doc = render(&Interop::default(), Format::Epcis, &product(1, None)).unwrap();
    doc["epcisBody"]["eventList"][0]["bizStep"] = json!("consuming");
    // With format checks on, a bare unknown word is not a URI either; our rules say why.
    assert!(!epcis_validator().is_valid(&doc));
    assert!(epcis::validate_epcis_rules(&doc).is_err());
    doc["epcisBody"]["eventList"][0]["bizStep"] = json!("urn:x:consuming");
    assert!(epcis_validator().is_valid(&doc));

    let mut device = fhir::device(&Interop::default(), &product(1, None)).unwrap();
    assert_valid_fhir(&device);
    device["udiCarrier"][0]["entryType"] = json!("scanner");
    assert!(
        !fhir_validator().is_valid(&device),
        "bad entryType accepted"
    );
    let mut device = fhir::device(&Interop::default(), &product(1, None)).unwrap();
    device["udiCarrier"][0]["carrierAidc"] = json!("x");
    assert!(
        !fhir_validator().is_valid(&device),
        "misspelt element accepted"
    );
    let mut device = fhir::device(&Interop::default(), &product(1, None)).unwrap();
    device["expirationDate"] = json!("31/12/2026");
    assert!(!fhir_validator().is_valid(&device), "bad dateTime accepted");
}

#[test]
fn gs1_examples_pass_the_schema_and_our_rules() {
    let dir = root().join("tests/data/epcis/examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors = schema_errors(epcis_validator(), &doc);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        assert_eq!(
            epcis::validate_epcis_rules(&doc),
            Ok(()),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert_eq!(n, 6);
}

#[test]
fn epcis_mapping_follows_the_issue() {
    let (_, event, interop) = cases()
        .into_iter()
        .find(|c| c.0 == "product-in-context")
        .unwrap();
    let doc = render(&interop, Format::Epcis, &event).unwrap();
    assert_eq!(doc["@context"][0], epcis::EPCIS_CONTEXT);
    assert_eq!(doc["@context"][1]["s4s"], "urn:gs1-gateway:epcis:");
    let e = &doc["epcisBody"]["eventList"][0];
    assert_eq!(e["type"], "ObjectEvent");
    assert_eq!(e["action"], "OBSERVE");
    assert_eq!(e["bizStep"], "dispensing");
    assert_eq!(e["disposition"], "dispensed");
    assert_eq!(e["eventID"], format!("urn:uuid:{}", event.event_id));
    assert_eq!(e["eventTime"], "2026-11-24T10:15:30.120Z");
    assert_eq!(e["eventTimeZoneOffset"], "+00:00");
    assert_eq!(
        e["quantityList"][0]["epcClass"],
        "https://id.gs1.org/01/09506000134352/10/ABC123"
    );
    assert_eq!(
        e["readPoint"]["id"],
        "https://id.gs1.org/414/9506000134352/254/THEATRE3"
    );
    assert_eq!(
        e["bizLocation"]["id"],
        "https://id.gs1.org/414/9506000134352"
    );
    assert_eq!(
        e["s4s:patientRef"],
        "pseudo:hmac-sha256:d2bcda3d05575377a9d4c48c7949232d8521ffbda79d1a9bd4635a24cb4c515b"
    );
    assert_eq!(
        e["s4s:staffRef"],
        format!("https://id.gs1.org/8017/{}", staff_gsrn())
    );
    assert!(e.get("ilmd").is_none());

    // Serial: instance in epcList, lot beside it; BST offset in summer.
    let mut event = product(2, Some("S1"));
    event.scanned_at = datetime!(2026-07-01 09:00:00 UTC);
    let doc = render(&Interop::default(), Format::Epcis, &event).unwrap();
    let e = &doc["epcisBody"]["eventList"][0];
    assert_eq!(
        e["epcList"][0],
        "https://id.gs1.org/01/09506000134352/21/S1"
    );
    assert!(e.get("quantityList").is_none());
    assert_eq!(e["s4s:lotNumber"], "ABC123");
    assert_eq!(e["s4s:itemExpirationDate"], "2026-12-31");
    assert_eq!(e["eventTimeZoneOffset"], "+01:00");
    assert_valid_epcis(&doc);
}

#[test]
fn nhs_numbers_appear_only_where_configured() {
    let all = cases();
    let get = |name: &str| all.iter().find(|c| c.0 == name).unwrap();
    let gsrn = patient_gsrn();

    let (_, event, interop) = get("implant-pseudonymous");
    for format in [Format::Epcis, Format::Fhir] {
        let text = String::from_utf8(interop.render(format, event, CREATED).unwrap()).unwrap();
        assert!(
            !text.contains("9434765919"),
            "{format:?} leaks the NHS number: {text}"
        );
        assert!(!text.contains(&gsrn), "{format:?} leaks the GSRN: {text}");
        assert!(text.contains(&format!("urn:uuid:{}", uuid(0xa1))), "{text}");
    }

    let (_, event, interop) = get("implant-nhs-number");
    let bundle = render(interop, Format::Fhir, event).unwrap();
    let procedure = &bundle["entry"][1]["resource"];
    assert_eq!(procedure["resourceType"], "Procedure");
    assert_eq!(
        procedure["subject"]["identifier"],
        json!({"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"})
    );
    // R4's device-action value set is SNOMED CT: 129336009 Implantation - action.
    assert_eq!(
        procedure["focalDevice"][0]["action"]["coding"][0],
        json!({"system": "http://snomed.info/sct", "code": "129336009", "display": "Implantation - action"})
    );
    assert_eq!(
        procedure["focalDevice"][0]["manipulated"]["reference"],
        bundle["entry"][0]["fullUrl"]
    );
    assert!(procedure.get("usedReference").is_none());
    assert_eq!(
        bundle["entry"][0]["resource"]["patient"]["identifier"]["value"],
        "9434765919"
    );
    let doc = render(interop, Format::Epcis, event).unwrap();
    assert_eq!(
        doc["epcisBody"]["eventList"][0]["s4s:patientRef"],
        format!("https://id.gs1.org/8018/{gsrn}")
    );
}

#[test]
fn fhir_mapping_follows_the_issue() {
    let all = cases();
    let (_, event, interop) = all.iter().find(|c| c.0 == "product-in-context").unwrap();
    let bundle = render(interop, Format::Fhir, event).unwrap();
    let device = &bundle["entry"][0]["resource"];
    let udi = &device["udiCarrier"][0];
    assert_eq!(udi["deviceIdentifier"], GTIN);
    assert_eq!(udi["issuer"], "http://hl7.org/fhir/NamingSystem/gs1-di");
    assert_eq!(udi["carrierHRF"], "(01)09506000134352(17)261231(10)ABC123");
    assert_eq!(udi["entryType"], "barcode");
    let aidc = base64::engine::general_purpose::STANDARD
        .decode(udi["carrierAIDC"].as_str().unwrap())
        .unwrap();
    assert_eq!(aidc, event.raw.as_bytes());
    assert_eq!(device["lotNumber"], "ABC123");
    assert_eq!(device["expirationDate"], "2026-12-31");
    assert!(device.get("patient").is_none(), "not an implant");
    let procedure = &bundle["entry"][1]["resource"];
    assert_eq!(
        procedure["usedReference"][0]["reference"],
        bundle["entry"][0]["fullUrl"]
    );
    assert_eq!(procedure["location"]["identifier"]["value"], GLN);
    assert_eq!(
        procedure["performer"][0]["actor"]["identifier"]["value"],
        staff_gsrn()
    );
    assert_eq!(
        bundle["entry"][1]["request"]["ifNoneExist"],
        format!("identifier=urn:ietf:rfc:3986|urn:uuid:{}", event.event_id)
    );

    let (_, event, interop) = all.iter().find(|c| c.0 == "hibc-implant").unwrap();
    let bundle = render(interop, Format::Fhir, event).unwrap();
    let device = &bundle["entry"][0]["resource"];
    assert_eq!(
        device["udiCarrier"][0]["issuer"],
        "http://hl7.org/fhir/NamingSystem/hibcc-dI"
    );
    assert_eq!(device["udiCarrier"][0]["deviceIdentifier"], "A99912345");
    assert_eq!(device["lotNumber"], "10X3");
    assert_eq!(device["serialNumber"], "77DE1G45");
    assert_eq!(device["expirationDate"], "2020-01-15");
    assert_eq!(device["manufactureDate"], "2011-12-12");
    assert_eq!(
        bundle["entry"][1]["resource"]["focalDevice"][0]["action"]["coding"][0]["code"],
        "129336009"
    );
}

#[test]
fn malformed_identifiers_in_events_are_typed_errors() {
    let interop = Interop::default();
    let mut e = product(1, None);
    e.gtin = Some("09506000134353".to_owned());
    assert!(matches!(
        interop.render(Format::Epcis, &e, CREATED),
        Err(InteropError::InvalidField { field: "gtin", .. })
    ));
    let mut e = product(1, None);
    e.context = Some(context(Some("943 476 5919".to_owned())));
    let err = interop.render(Format::Fhir, &e, CREATED).unwrap_err();
    assert!(matches!(
        err,
        InteropError::InvalidField {
            field: "context.patient.id",
            ..
        }
    ));
    assert!(
        !err.to_string().contains("943"),
        "patient identifier in error: {err}"
    );
    let mut e = product(1, None);
    e.gtin = None;
    assert!(matches!(
        interop.render(Format::Epcis, &e, CREATED),
        Err(InteropError::MissingIdentifier { .. })
    ));
}

#[test]
fn hibc_check_characters_agree_with_zint() {
    // zint computes the HIBC mod-43 check character itself and prints it in the HRT; compare.
    for data in [
        "A99912345",
        "A123BJC5D6E71",
        "A99912345/$$52001510X3",
        "A99912345/$$52001510X3/16D20111212/S77DE1G45",
        "A123BJC5D6E71/$$+3260531SER9",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("hibc.svg");
        let status = Command::new("zint")
            .args(["-b", "HIBC_128", "-d", data, "-o"])
            .arg(&out)
            .status()
            .expect("zint is installed (scripts/test.sh installs it)");
        assert!(status.success());
        let svg = std::fs::read_to_string(&out).unwrap();
        let hrt = svg
            .split(['<', '>'])
            .map(str::trim)
            .find(|s| s.starts_with("*+"))
            .unwrap_or_else(|| panic!("no HRT in zint output: {svg}"));
        let code = hrt.trim_matches('*');
        let parsed = hibc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(format!("+{data}{}", parsed.check), code);
    }
}

// ----- property tests -----

fn gs1_text() -> impl Strategy<Value = String> {
    // CSET 82 characters, including the ones Digital Link must percent-encode.
    proptest::string::string_regex("[A-Za-z0-9!\"%&'()*+,./:;<=>?_-]{1,20}").unwrap()
}

prop_compose! {
    fn product_event()(
        n in any::<u64>(),
        indicator in 0u8..=8,
        item in proptest::string::string_regex("[0-9]{12}").unwrap(),
        batch in proptest::option::of(gs1_text()),
        serial in proptest::option::of(gs1_text()),
        expiry in proptest::option::of((2000i32..2050, 1u8..=12, 1u8..=28)),
        secs in 946_684_800i64..2_524_608_000,
        with_context in any::<bool>(),
        ext in proptest::option::of(gs1_text()),
        alerts in proptest::sample::subsequence(vec!["expired", "expiring", "recalled"], 0..=3),
    ) -> ScanEvent {
        let gtin = with_check_digit(&format!("{indicator}{item}"));
        let mut e = base_event(u128::from(n), ScanKind::Product, "");
        let mut raw = format!("01{gtin}");
        let mut hri = format!("(01){gtin}");
        if let Some((y, m, d)) = expiry {
            let date = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
            raw.push_str(&format!("17{:02}{m:02}{d:02}", y % 100));
            hri.push_str(&format!("(17){:02}{m:02}{d:02}", y % 100));
            e.expiry = Some(date);
        }
        if let Some(b) = &batch {
            raw.push_str(&format!("10{b}\u{1d}"));
            hri.push_str(&format!("(10){b}"));
        }
        if let Some(s) = &serial {
            raw.push_str(&format!("21{s}"));
            hri.push_str(&format!("(21){s}"));
        }
        e.raw = raw;
        e.hri = Some(hri);
        e.gtin = Some(gtin);
        e.batch = batch;
        e.serial = serial;
        e.scanned_at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
        if with_context {
            let mut c = context(Some(patient_gsrn()));
            if let Some(l) = c.location.as_mut() { l.extension = ext; }
            e.context = Some(c);
        }
        e.alerts = alerts.into_iter().map(|k| alert(k, "alert")).collect();
        e
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_product_scan_converts_to_valid_epcis_and_fhir(event in product_event(), nhs in any::<bool>()) {
        let interop = InteropConfig {
            allow_nhs_number: nhs,
            nhs_gsrn_prefix: Some(TEST_NHS_PREFIX.to_owned()),
            ..InteropConfig::default()
        }.validate().unwrap();
        let doc = render(&interop, Format::Epcis, &event).unwrap();
        assert_valid_epcis(&doc);
        let device = fhir::device(&interop, &event).unwrap();
        assert_valid_fhir(&device);
        let bundle = render(&interop, Format::Fhir, &event).unwrap();
        assert_valid_fhir(&bundle);
        if !nhs {
            let text = serde_json::to_string(&bundle).unwrap() + &serde_json::to_string(&doc).unwrap();
            prop_assert!(!text.contains("9434765919"));
        }
    }
}

// ----- gs1-gateway convert -----

fn convert(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gs1-gateway"))
        .arg("convert")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn jsonl(events: &[ScanEvent]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in events {
        serde_json::to_writer(&mut out, e).unwrap();
        out.push(b'\n');
    }
    out
}

#[test]
fn convert_writes_one_document_per_event() {
    let events: Vec<ScanEvent> = cases().into_iter().map(|c| c.1).collect();
    let input = jsonl(&events);
    for (to, validate) in [
        ("epcis", assert_valid_epcis as fn(&Value)),
        ("fhir", assert_valid_fhir as fn(&Value)),
    ] {
        let (code, stdout, stderr) = convert(&["--to", to, "-"], &input);
        assert_eq!(code, 0, "{stderr}");
        let docs: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // EPCIS: 6 GS1 and 2 HIBC products, an asset and a logistic unit; FHIR: 8 products.
        let expected = if to == "epcis" { 10 } else { 8 };
        assert_eq!(docs.len(), expected, "{stdout}\n{stderr}");
        docs.iter().for_each(validate);
        for kind in ["patient", "staff", "location", "unknown"] {
            assert!(
                stderr.contains(&format!(
                    "skipped: {} {kind} scan has no",
                    if kind == "unknown" { "an" } else { "a" }
                )),
                "{stderr}"
            );
        }
    }
    // A file argument works as standard input does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    std::fs::write(&path, jsonl(&events[..1])).unwrap();
    let (code, stdout, _) = convert(&["--to", "fhir", path.to_str().unwrap()], b"");
    assert_eq!((code, stdout.lines().count()), (0, 1));
}

#[test]
fn convert_reports_each_bad_line_and_converts_the_rest() {
    let good = serde_json::to_vec(&product(1, None)).unwrap();
    let mut unknown_kind: Value = serde_json::to_value(product(2, None)).unwrap();
    unknown_kind["kind"] = json!("pallet");
    let mut no_context_bad_patient: Value = serde_json::to_value(product(3, None)).unwrap();
    no_context_bad_patient["context"] = json!({"patient": {"id": "9434765919", "event_id": uuid(9), "since": "2026-11-24T10:00:00Z"}});
    let mut missing_field: Value = serde_json::to_value(product(4, None)).unwrap();
    missing_field.as_object_mut().unwrap().remove("scanned_at");
    let mut wrong_schema: Value = serde_json::to_value(product(5, None)).unwrap();
    wrong_schema["schema"] = json!("gs1-gateway/scan-event/2");

    let mut input = Vec::new();
    for line in [
        good.clone(),                                         // 1 ok
        b"\xff\xfe{not utf-8}".to_vec(),                      // 2
        b"this is not json".to_vec(),                         // 3
        serde_json::to_vec(&unknown_kind).unwrap(),           // 4
        serde_json::to_vec(&no_context_bad_patient).unwrap(), // 5
        serde_json::to_vec(&missing_field).unwrap(),          // 6
        serde_json::to_vec(&wrong_schema).unwrap(),           // 7
        Vec::new(),                                           // 8 blank: ignored
        good,                                                 // 9 ok
    ] {
        input.extend_from_slice(&line);
        input.extend_from_slice(b"\r\n");
    }
    let (code, stdout, stderr) = convert(&["--to", "epcis"], &input);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    stdout
        .lines()
        .for_each(|l| assert_valid_epcis(&serde_json::from_str(l).unwrap()));
    for expected in [
        "line 2: error: not UTF-8",
        "line 3: error: not JSON",
        "line 4: error: not a scan event: unknown variant `pallet`",
        "line 5: error: event ",
        "line 6: error: not a scan event: missing field `scanned_at`",
        "line 7: error: unsupported schema",
        "2 converted, 0 skipped, 6 failed",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("line 1:") && !stderr.contains("line 8:") && !stderr.contains("line 9:"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("9434765919"),
        "patient identifier in stderr: {stderr}"
    );
}

#[test]
fn convert_usage_errors_exit_2() {
    let (code, _, stderr) = convert(&["--to", "xml"], b"");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("epcis"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("gw.toml");
    std::fs::write(
        &cfg,
        "[gateway]\nid = \"x\"\n[interop]\nbiz_step = \"consuming\"\n",
    )
    .unwrap();
    let (code, _, stderr) = convert(&["--to", "epcis", "-c", cfg.to_str().unwrap()], b"");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("consuming"), "{stderr}");
    std::fs::write(
        &cfg,
        "[interop]\nformats = [\"json\", \"epcis\"]\n[interop.scanner_biz_steps]\ntheatre-3-scanner-1 = \"receiving\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = convert(
        &["--to", "epcis", "-c", cfg.to_str().unwrap()],
        &jsonl(&[product(1, None)]),
    );
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(doc["epcisBody"]["eventList"][0]["bizStep"], "receiving");
    assert!(doc["epcisBody"]["eventList"][0]
        .get("disposition")
        .is_none());
}

// ----- AsyncAPI -----

fn asyncapi() -> serde_json::Value {
    let path = root().join("docs/asyncapi.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `$ref` to a file in the document, resolved against `docs/`.
fn file_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) if !r.starts_with('#') => out.push(r.clone()),
                    _ => file_refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| file_refs(v, out)),
        _ => {}
    }
}

fn ref_file(r: &str) -> PathBuf {
    let file = r.split('#').next().unwrap();
    root().join("docs").join(file)
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[test]
fn asyncapi_describes_every_topic_with_the_schemas_we_validate_against() {
    let doc = asyncapi();
    assert_eq!(doc["asyncapi"], "3.0.0");
    let channels = doc["channels"].as_object().expect("channels");
    let addresses: HashSet<&str> = channels
        .values()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    for topic in [
        "{prefix}/{gateway_id}/{scanner_id}/scan",
        "{prefix}/{gateway_id}/{scanner_id}/alert",
        "{prefix}/{gateway_id}/{scanner_id}/context",
        "{prefix}/{gateway_id}/{scanner_id}/epcis",
        "{prefix}/{gateway_id}/{scanner_id}/fhir",
        "{prefix}/{gateway_id}/{scanner_id}/case",
        "{prefix}/{gateway_id}/{scanner_id}/status",
        "{prefix}/{gateway_id}/status",
    ] {
        assert!(
            addresses.contains(topic),
            "{topic} missing from docs/asyncapi.yaml"
        );
    }
    // Each operation states QoS and retain; only the status topics are retained among what the
    // gateway sends (the recall list it receives is retained by its publisher).
    let ops = doc["operations"].as_object().expect("operations");
    assert!(ops.len() >= 8);
    assert_eq!(ops["receiveRecallList"]["action"], "receive");
    for (name, op) in ops.iter().filter(|(_, op)| op["action"] == "send") {
        let mqtt = &op["bindings"]["mqtt"];
        assert!(matches!(mqtt["qos"].as_u64(), Some(0..=2)), "{name}: qos");
        let channel = op["channel"]["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let address = channels[channel]["address"].as_str().unwrap();
        assert_eq!(
            mqtt["retain"].as_bool(),
            Some(address.ends_with("/status")),
            "{name}: retain"
        );
    }
    // Payload schemas are the files the tests validate against.
    let mut refs = Vec::new();
    file_refs(&doc, &mut refs);
    let files: HashSet<PathBuf> = refs.iter().map(|r| normalise(&ref_file(r))).collect();
    assert!(files.contains(&root().join(EPCIS_SCHEMA)), "{refs:?}");
    assert!(files.contains(&root().join(FHIR_SCHEMA)), "{refs:?}");
    assert!(
        files.contains(&root().join(SCAN_EVENT_SCHEMA_FILE)),
        "{refs:?}"
    );
    for r in &refs {
        let f = normalise(&ref_file(r));
        if f != root().join(SCAN_EVENT_SCHEMA_FILE) {
            assert!(f.exists(), "{r} points at a missing file");
        }
        if let Some(pointer) = r.split_once('#').map(|x| x.1) {
            let target: Value =
                serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            assert!(target.pointer(pointer).is_some(), "{r}: no {pointer}");
        }
    }
    // The dedupe rule is documented.
    let text = std::fs::read_to_string(root().join("docs/asyncapi.yaml")).unwrap();
    assert!(text.contains("event_id") && text.contains("at-least-once"));
}

#[test]
fn asyncapi_document_is_valid_asyncapi_3() {
    let schema = load_json("tests/data/asyncapi/asyncapi-3.0.0.schema.json");
    let validator = jsonschema::options()
        .with_draft(Draft::Draft7)
        .offline()
        .build(&schema)
        .expect("the AsyncAPI 3.0.0 schema compiles");
    let mut doc = asyncapi();
    let errors = schema_errors(&validator, &doc);
    assert!(errors.is_empty(), "docs/asyncapi.yaml: {errors:#?}");
    // Control: an AsyncAPI 2 verb is rejected.
    doc["operations"]["publishScan"]["action"] = json!("publish");
    assert!(!validator.is_valid(&doc));
}

#[test]
fn asyncapi_scan_schema_exists() {
    let path = root().join(SCAN_EVENT_SCHEMA_FILE);
    assert!(
        path.exists(),
        "docs/asyncapi.yaml references {} for the scan/alert/context payloads, but it does not exist",
        path.display()
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // The native events we render from must be valid against it.
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    for (name, event, _) in cases()
        .into_iter()
        .filter(|c| c.1.kind == ScanKind::Product)
    {
        let v = serde_json::to_value(&event).unwrap();
        let errors = schema_errors(&validator, &v);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn unlinked_hibc_secondary_has_no_epcis_or_fhir_rendering() {
    let interop = InteropConfig::default().validate().unwrap();
    let raw = hibc_with_check("+$$3261231LOT5L");
    let mut e = base_event(20, ScanKind::Unknown, &raw);
    e.hri = Some(format!("*{raw}*"));
    e.batch = Some("LOT5".to_owned());
    e.expiry = Some(date!(2026 - 12 - 31));
    let mut info = hibc_info("secondary", Some("2026-12-31"), raw.chars().last().unwrap());
    (
        info.labeler,
        info.product,
        info.unit_of_measure,
        info.device_identifier,
    ) = (None, None, None, None);
    info.link = Some("L".to_owned());
    e.hibc = Some(info);
    for format in [Format::Epcis, Format::Fhir] {
        let r = interop.render(format, &e, datetime!(2026-11-24 10:16:00 UTC));
        assert!(
            matches!(r, Err(InteropError::NotApplicable { .. })),
            "{format:?}: {r:?}"
        );
    }
}

/// Issue 23 §6: a label printed as two symbols (HIBC primary, then its secondary) is one
/// product in EPCIS and FHIR. Both scans go through the real per-scan stage; the second one's
/// EPCIS document declares the first one's event in error with the second as its correction,
/// and its FHIR Bundle updates the first one's Device and Procedure instead of adding new ones.
#[test]
fn a_two_symbol_label_is_one_product_in_epcis_and_fhir() {
    use gs1_gateway::event::{
        AlertConfig, ContextConfig, ContextTracker, EventBuilder, Privacy, PrivacyConfig,
        Processor, PseudonymKey,
    };
    use gs1_gateway::source::RawScan;
    let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
    let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
    let mut p = Processor::new(
        EventBuilder::new("gw", privacy),
        ContextTracker::new("gw", &ContextConfig::default()).unwrap(),
        &AlertConfig::default(),
    );
    let scan = |symbology: &str, data: &str, secs: i64| RawScan {
        source_id: "theatre-1".into(),
        kind: SourceKind::Serial,
        received_at: CREATED + time::Duration::seconds(secs),
        data: data.as_bytes().to_vec(),
        symbology: Some(symbology.to_owned()),
    };
    p.process(&scan("]d2", &format!("8018{}", patient_gsrn()), 0));
    let primary = hibc_with_check("+A99912345");
    let check = primary.chars().last().unwrap();
    let secondary = hibc_with_check(&format!("+$$3271231LOT5{check}"));
    let first = p.process(&scan("]C0", &primary, 1));
    let second = p.process(&scan("]C0", &secondary, 3));
    assert_eq!(second.event.linked_scan, Some(first.event.event_id));
    let superseded = second
        .superseded
        .as_ref()
        .expect("the primary is superseded");

    let interop = InteropConfig {
        formats: vec![Format::Json, Format::Epcis, Format::Fhir],
        ..InteropConfig::default()
    }
    .validate()
    .unwrap();
    let first_id = format!("urn:uuid:{}", first.event.event_id);
    let second_id = format!("urn:uuid:{}", second.event.event_id);

    // EPCIS: the primary's event again, declared in error, then the whole product.
    let mut out = Vec::new();
    interop
        .render_scan(
            Format::Epcis,
            &second.event,
            Some(superseded),
            None,
            CREATED,
            &mut out,
        )
        .unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_valid_epcis(&doc);
    let events = doc["epcisBody"]["eventList"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{doc:#}");
    assert_eq!(events[0]["eventID"], first_id.as_str());
    let declaration = &events[0]["errorDeclaration"];
    assert_eq!(declaration["reason"], "incorrect_data");
    assert_eq!(declaration["correctiveEventIDs"], json!([second_id]));
    assert_eq!(events[1]["eventID"], second_id.as_str());
    assert_eq!(events[1]["errorDeclaration"], Value::Null);
    assert!(events[1].to_string().contains("LOT5") && !events[0].to_string().contains("LOT5"));
    // Without the superseded scan (e.g. after a restart) the document is the product alone.
    let alone = render(&interop, Format::Epcis, &second.event).unwrap();
    assert_eq!(alone["epcisBody"]["eventList"].as_array().unwrap().len(), 1);

    // FHIR: the primary creates Device and Procedure; the secondary updates the same ones.
    let bundle_of = |e: &ScanEvent| render(&interop, Format::Fhir, e).unwrap();
    let (b1, b2) = (bundle_of(&first.event), bundle_of(&second.event));
    assert_valid_fhir(&b1);
    assert_valid_fhir(&b2);
    let e1 = b1["entry"].as_array().unwrap();
    let e2 = b2["entry"].as_array().unwrap();
    assert_eq!(e1.len(), 2, "Device and Procedure: {b1:#}");
    assert_eq!(e2.len(), 2, "{b2:#}");
    for (a, b) in e1.iter().zip(e2) {
        let kind = a["resource"]["resourceType"].as_str().unwrap();
        assert_eq!(a["request"]["method"], "POST");
        assert_eq!(b["request"]["method"], "PUT");
        assert_eq!(
            b["request"]["url"],
            format!("{kind}?identifier=urn:ietf:rfc:3986|{first_id}").as_str()
        );
        assert_eq!(b["request"]["ifNoneExist"], Value::Null);
        assert_eq!(a["fullUrl"], b["fullUrl"]);
        assert_eq!(a["resource"]["identifier"], b["resource"]["identifier"]);
        assert_eq!(b["resource"]["identifier"][0]["value"], first_id.as_str());
    }
    assert_eq!(e1[0]["resource"]["lotNumber"], Value::Null);
    assert_eq!(e2[0]["resource"]["lotNumber"], "LOT5");
    assert_eq!(e2[0]["resource"]["expirationDate"], "2027-12-31");
    assert_eq!(b2["identifier"]["value"], second_id.as_str());
}

/// Issue 23 §6: alerts are coded data in FHIR, not only `Device.note` text: one
/// `DetectedIssue` per alert, coded with its kind, `high` for a critical alert and `moderate`
/// for a warning, implicating the scan's Device and naming the patient in context.
#[test]
fn alerts_are_detected_issues_implicating_the_device_and_patient() {
    let (_, event, interop) = cases()
        .into_iter()
        .find(|c| c.0 == "product-recalled")
        .expect("case");
    let bundle = render(&interop, Format::Fhir, &event).unwrap();
    assert_valid_fhir(&bundle);
    let entries = bundle["entry"].as_array().unwrap();
    let device_url = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Device")
        .map(|e| e["fullUrl"].clone())
        .unwrap();
    let procedure_subject = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Procedure")
        .map(|e| e["resource"]["subject"].clone())
        .unwrap();
    let issues: Vec<&Value> = entries
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "DetectedIssue")
        .collect();
    assert_eq!(issues.len(), 2, "{bundle:#}");
    let by_code = |code: &str| {
        *issues
            .iter()
            .find(|i| i["code"]["coding"][0]["code"] == code)
            .unwrap_or_else(|| panic!("no {code} issue"))
    };
    let recalled = by_code("recalled");
    assert_eq!(
        recalled["code"]["coding"][0]["system"],
        fhir::ALERT_CODE_SYSTEM
    );
    assert_eq!(recalled["severity"], "high");
    assert_eq!(recalled["status"], "final");
    assert_eq!(recalled["implicated"][0]["reference"], device_url);
    assert_eq!(recalled["patient"], procedure_subject);
    assert!(recalled["detail"].as_str().unwrap().contains("recall list"));
    assert_eq!(by_code("expiring")["severity"], "moderate");
    // A product with no alert has none.
    let clean = render(&Interop::default(), Format::Fhir, &product(1, None)).unwrap();
    assert!(!clean.to_string().contains("DetectedIssue"));
}

/// Issue 13: FHIR has one Procedure per case, not one per scan. Each product Bundle sends the
/// case's Procedure whole (conditional update on `urn:uuid:{case_id}`) with every device so
/// far (implants as `focalDevice`, the rest as `usedReference`); when the case closes, its
/// Bundle marks the Procedure `completed` with the period's end. All validated with the FHIR
/// R4 schema.
#[test]
fn a_case_is_one_fhir_procedure_listing_every_device() {
    use gs1_gateway::event::{
        AlertConfig, CaseStatus, ContextConfig, ContextTracker, EventBuilder, ImplantMatcher,
        Privacy, PrivacyConfig, Processor, PseudonymKey,
    };
    use gs1_gateway::source::RawScan;
    let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
    let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
    let mut p = Processor::new(
        EventBuilder::new("gw", privacy),
        ContextTracker::new("gw", &ContextConfig::default())
            .unwrap()
            .with_implants(ImplantMatcher::new([GTIN.to_owned()], [], [])),
        &AlertConfig::default(),
    );
    let interop = InteropConfig {
        formats: vec![Format::Json, Format::Fhir],
        implants: gs1_gateway::interop::ImplantConfig {
            gtins: vec![GTIN.to_owned()],
            ..Default::default()
        },
        ..InteropConfig::default()
    }
    .validate()
    .unwrap();
    let scan = |data: &str, secs: i64| {
        let (symbology, data) = data.split_at(3);
        RawScan {
            source_id: "theatre-1".into(),
            kind: SourceKind::Serial,
            received_at: CREATED + time::Duration::seconds(secs),
            data: data.as_bytes().to_vec(),
            symbology: Some(symbology.to_owned()),
        }
    };
    let opened = p.process(&scan(&format!("]d28018{}", patient_gsrn()), 0));
    let case_id = opened.cases[0].case_id;
    let implant = p.process(&scan(&format!("]d201{GTIN}21IMP1"), 1));
    let swab = p.process(&scan("]d20109506000134369", 2));
    let render = |out: &gs1_gateway::event::Processed| {
        let mut bytes = Vec::new();
        interop
            .render_scan(
                Format::Fhir,
                &out.event,
                None,
                out.case.as_ref(),
                CREATED,
                &mut bytes,
            )
            .unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_valid_fhir(&v);
        v
    };
    let procedure = |bundle: &Value| {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["resource"]["resourceType"] == "Procedure")
            .cloned()
            .expect("a Procedure")
    };
    let case_key = format!("urn:uuid:{case_id}");
    let first = procedure(&render(&implant));
    let second = procedure(&render(&swab));
    for entry in [&first, &second] {
        assert_eq!(
            entry["resource"]["identifier"][0]["value"],
            case_key.as_str()
        );
        assert_eq!(entry["request"]["method"], "PUT");
        assert_eq!(
            entry["request"]["url"],
            format!("Procedure?identifier=urn:ietf:rfc:3986|{case_key}").as_str()
        );
        assert_eq!(entry["resource"]["status"], "in-progress");
        assert!(entry["resource"]["performedPeriod"]["end"].is_null());
    }
    assert_eq!(first["fullUrl"], second["fullUrl"]);
    // The second Bundle lists both devices: the implant by identifier, the swab in the Bundle.
    let focal = &second["resource"]["focalDevice"];
    assert_eq!(focal.as_array().map(Vec::len), Some(1), "{second:#}");
    assert_eq!(
        focal[0]["manipulated"]["identifier"]["value"],
        format!("urn:uuid:{}", implant.event.event_id).as_str()
    );
    assert_eq!(focal[0]["action"]["coding"][0]["code"], "129336009");
    assert_eq!(
        second["resource"]["usedReference"].as_array().map(Vec::len),
        Some(1)
    );
    // The next patient closes the case: its Bundle completes the Procedure.
    let next = p.process(&scan("]d28018501234599900000182", 600));
    let closed = next
        .cases
        .iter()
        .find(|c| c.case_id == case_id)
        .expect("closed");
    assert_eq!(closed.status, CaseStatus::Completed);
    assert_eq!(closed.implants, [implant.event.event_id]);
    let mut bytes = Vec::new();
    fhir::write_case_bundle(&interop, closed, &mut bytes).unwrap();
    let bundle: Value = serde_json::from_slice(&bytes).unwrap();
    assert_valid_fhir(&bundle);
    let done = procedure(&bundle);
    assert_eq!(done["resource"]["status"], "completed");
    assert!(done["resource"]["performedPeriod"]["end"].is_string());
    assert_eq!(done["fullUrl"], first["fullUrl"]);
    // A case with no product made no Procedure: nothing to complete.
    let empty = next
        .cases
        .iter()
        .find(|c| c.status == CaseStatus::Open)
        .unwrap();
    let mut cancelled = empty.clone();
    cancelled.status = CaseStatus::Cancelled;
    assert!(matches!(
        fhir::write_case_bundle(&interop, &cancelled, &mut Vec::new()),
        Err(InteropError::NotApplicable { .. })
    ));
}
