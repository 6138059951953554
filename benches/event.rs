//! Building scan events from parsed scans (the per-scan work of the event stage).
//!
//! `cargo bench --bench event`
//!
//! - `build/product`: a GS1 DataMatrix product scan (GTIN, expiry, batch, serial) → `ScanEvent`.
//! - `build/wristband`: a DCB1077-style wristband: HMAC pseudonym of the GSRN, names dropped,
//!   raw data edited in place.
//! - `build/invalid`: a scan that is not valid GS1.
//! - `pipeline/product`: `Processor::process_parsed`: builder + expiry/recall alerts against a
//!   10,000-row recall list + point-of-care context + privacy guard, from a parsed scan.
//! - `processor/product`: `Processor::process`, exactly what the daemon runs per scan: GS1
//!   parse included.
//! - `json/product`: serialising the finished event (what the outbox stores).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use gs1_gateway::event::{
    AlertConfig, ContextConfig, ContextTracker, EventBuilder, Privacy, PrivacyConfig, Processor,
    PseudonymKey, RecallList,
};
use gs1_gateway::gs1::{parse, ParseOptions};
use gs1_gateway::source::{RawScan, SourceKind};
use time::macros::datetime;

const PRODUCT: &[u8] = b"010950600013435217261231" as &[u8];
const WRISTBAND: &str = "8018501234594347659191\x1d80191234\x1d93SMITH/JANE/19800101";

fn raw(data: &[u8]) -> RawScan {
    RawScan {
        source_id: "theatre-3-bay-1".into(),
        kind: SourceKind::Serial,
        received_at: datetime!(2026-11-26 10:15:30.123 UTC),
        data: data.to_vec(),
        symbology: Some("]d2".into()),
    }
}

fn product_data() -> Vec<u8> {
    [PRODUCT, b"10ABC123\x1d21S1".as_slice()].concat()
}

fn builder() -> EventBuilder {
    let key = PseudonymKey::from_bytes(&[0x5a; 32], Path::new("bench")).expect("32-byte key");
    let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).expect("valid policy");
    EventBuilder::new("theatre-3-edge-1", privacy)
}

fn recall_list(rows: usize) -> RecallList {
    let mut csv = String::from("gtin,batch,serial,reason,reference\n");
    for i in 0..rows {
        csv.push_str(&format!("09506000134352,LOT{i},,bench,FSN-{i}\n"));
    }
    RecallList::parse(csv.as_bytes()).expect("generated list parses")
}

fn bench(c: &mut Criterion) {
    let opts = ParseOptions::default();
    let product = raw(&product_data());
    let product_msg = parse(&product.data, &opts).expect("product parses");
    let wristband = raw(WRISTBAND.as_bytes());
    let wristband_msg = parse(&wristband.data, &opts).expect("wristband parses");
    let invalid = raw(b"0109506000134353");
    let invalid_err = parse(&invalid.data, &opts).expect_err("bad check digit");
    let b = builder();
    assert_eq!(
        b.build(&wristband, Ok(&wristband_msg), 1).redactions.len(),
        2,
        "wristband is redacted"
    );

    let mut g = c.benchmark_group("event");
    g.bench_function("build/product", |bench| {
        bench.iter(|| b.build(black_box(&product), Ok(black_box(&product_msg)), 1))
    });
    g.bench_function("build/wristband", |bench| {
        bench.iter(|| b.build(black_box(&wristband), Ok(black_box(&wristband_msg)), 1))
    });
    g.bench_function("build/invalid", |bench| {
        bench.iter(|| b.build(black_box(&invalid), Err(black_box(&invalid_err)), 1))
    });

    let tracker = ContextTracker::new("theatre-3-edge-1", &ContextConfig::default())
        .expect("default context config");
    let mut pipeline = Processor::new(builder(), tracker, &AlertConfig::default());
    pipeline.set_recall_list(recall_list(10_000));
    pipeline.process_parsed(&wristband, Ok(&wristband_msg), 0);
    let mut seq = 1;
    g.bench_function("pipeline/product", |bench| {
        bench.iter(|| {
            seq += 1;
            pipeline.process_parsed(black_box(&product), Ok(black_box(&product_msg)), seq)
        })
    });

    g.bench_function("processor/product", |bench| {
        bench.iter(|| pipeline.process(black_box(&product)))
    });

    let event = pipeline.process_parsed(&product, Ok(&product_msg), 0).event;
    g.bench_function("json/product", |bench| {
        bench.iter(|| serde_json::to_vec(black_box(&event)).expect("serialisable"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
