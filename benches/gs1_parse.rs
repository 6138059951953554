//! Throughput of `gs1::parse` over a realistic ward mix, every check on (dictionary validation,
//! all linters, association rules, missing-GS detection), and of the renderings the `parse`
//! command prints.
//!
//! Run: `cargo bench --bench gs1_parse`. The target is ≥ 3.5 million scans/s on one core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gs1_gateway::gs1::{self, ParseOptions, DEFAULT_STEM};

/// What a ward's scanners send, roughly in proportion: products (GS1 DataMatrix with GTIN,
/// expiry, lot, serial), logistic labels (GS1-128), wristbands and badges (GSRN), location
/// labels (GLN), and Digital Link QR codes.
const MIX: &[&[u8]] = &[
    b"]d201095060001343521726123110ABC123\x1d21S12345",
    b"]d20105012345678900172703311021A034\x1d2100000000123456",
    b"]d201095060001343521128010117280131102402\x1d21XYZ0001",
    b"]d2010950600013435217270300104711",
    b"]C100006141411234567890",
    b"]C102095060001343523725\x1d10ABC123",
    b"]C1000061414112345678900209506000134352\x1d3725",
    b"]d28018123456789012345675\x1d801942",
    b"]d28017123456789012345675",
    b"]C14149520123456788",
    b"]Q1https://id.gs1.org/01/09506000134352/10/ABC123?17=261231",
    b"https://example.com/01/09520123456788/10/ABC1/21/12345?17=180426",
    b"]E05012345678900",
    b"(01)09506000134352(17)261231(10)ABC123(21)S1",
];

fn bench_parse(c: &mut Criterion) {
    let options = ParseOptions::default();
    for scan in MIX {
        assert!(
            gs1::parse(scan, &options).is_ok(),
            "bench input must be valid: {}",
            String::from_utf8_lossy(scan)
        );
    }
    let mut group = c.benchmark_group("gs1_parse");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("parse_mix", |b| {
        b.iter(|| {
            for scan in MIX {
                let _ = black_box(gs1::parse(black_box(scan), &options));
            }
        })
    });
    group.bench_function("parse_and_render_mix", |b| {
        b.iter(|| {
            for scan in MIX {
                if let Ok(m) = gs1::parse(black_box(scan), &options) {
                    black_box(m.hri());
                    let _ = black_box(m.digital_link(DEFAULT_STEM));
                }
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
