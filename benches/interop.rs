//! Cost of rendering one scan event as EPCIS 2.0 and as FHIR R4 (target: under 10 µs each, so
//! publishing all three formats costs the gateway at most a third of its throughput).
//!
//! `cargo bench --bench interop`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gs1_gateway::event::{Alert, ContextRef, ScanContext, ScanEvent, ScanKind, SCAN_EVENT_SCHEMA};
use gs1_gateway::interop::{Format, ImplantConfig, InteropConfig};
use gs1_gateway::source::SourceKind;
use time::macros::{date, datetime};
use uuid::Uuid;

/// A serialised implant scanned in a theatre with full context: the largest ordinary case.
fn event() -> ScanEvent {
    let since = datetime!(2026-11-24 10:02:11.500 UTC);
    let r = |id: &str, ext: Option<&str>| ContextRef {
        id: id.to_owned(),
        extension: ext.map(str::to_owned),
        srin: None,
        event_id: Uuid::from_u128(0x0192_e6f4_7b1c_7c3e_9f1a_0000_0000_00a1),
        since,
    };
    ScanEvent {
        event_id: Uuid::from_u128(0x0192_e6f4_7b1c_7c3e_9f1a_0000_0000_0002),
        schema: SCAN_EVENT_SCHEMA.to_owned(),
        gateway_id: "theatre-3-edge-1".to_owned(),
        scanner_id: "theatre-3-scanner-1".to_owned(),
        source: SourceKind::Serial,
        scanned_at: datetime!(2026-11-24 10:15:30.120 UTC),
        sequence: 43,
        symbology: Some("]d2".to_owned()),
        raw: "010950600013435217261231".to_owned() + "10ABC123\u{1d}21S1",
        raw_hex: None,
        raw_withheld: None,
        valid: true,
        kind: ScanKind::Product,
        elements: Vec::new(),
        hri: Some("(01)09506000134352(17)261231(10)ABC123(21)S1".to_owned()),
        digital_link: None,
        warnings: Vec::new(),
        error: None,
        gtin: Some("09506000134352".to_owned()),
        batch: Some("ABC123".to_owned()),
        expiry: Some(date!(2026 - 12 - 31)),
        expiry_time: None,
        best_before: None,
        production_date: None,
        quantity: None,
        serial: Some("S1".to_owned()),
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
        context: Some(ScanContext {
            patient: Some(r("pseudo:hmac-sha256:d2bcda3d05575377a9d4c48c7949232d8521ffbda79d1a9bd4635a24cb4c515b", None)),
            staff: Some(r("950600013435000011", None)),
            location: Some(r("9506000134352", Some("THEATRE3"))),
        }),
        alerts: vec![Alert {
            kind: gs1_gateway::event::AlertKind::Expiring,
            severity: gs1_gateway::event::AlertSeverity::Warning,
            message: "expires within 60 days".to_owned(),
            gtin: "09506000134352".to_owned(),
            hibc_di: None,
            batch: Some("ABC123".to_owned()),
            serial: Some("S1".to_owned()),
            expiry: Some(date!(2026 - 12 - 31)),
            days_to_expiry: Some(37),
            reason: None,
            reference: None,
        }],
        redactions: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let interop = InteropConfig {
        implants: ImplantConfig {
            gtins: vec!["09506000134352".to_owned()],
            ..ImplantConfig::default()
        },
        ..InteropConfig::default()
    }
    .validate()
    .expect("bench configuration is valid");
    let event = event();
    let created = datetime!(2026-11-24 10:16:00 UTC);
    // Fail loudly rather than time an error path.
    for f in [Format::Json, Format::Epcis, Format::Fhir] {
        interop.render(f, &event, created).expect("renders");
    }
    let mut g = c.benchmark_group("interop");
    g.bench_function("json", |b| {
        b.iter(|| interop.render(Format::Json, black_box(&event), created))
    });
    g.bench_function("epcis", |b| {
        b.iter(|| interop.render(Format::Epcis, black_box(&event), created))
    });
    g.bench_function("fhir", |b| {
        b.iter(|| interop.render(Format::Fhir, black_box(&event), created))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
