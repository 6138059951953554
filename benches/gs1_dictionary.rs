//! AI lookup and value validation (the per-element work of the GS1 parser).
//!
//! `cargo bench --bench gs1_dictionary`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gs1_gateway::gs1::dictionary::Dictionary;

/// A realistic mix of element values: product codes with lot/expiry/serial, logistic labels,
/// wristband GSRNs, locations, and a few non-trivial linters.
const ELEMENTS: &[(&str, &str)] = &[
    ("01", "09506000134352"),
    ("17", "261231"),
    ("10", "ABC123-X"),
    ("21", "SERIAL0001234"),
    ("00", "095060001343520000"),
    ("8018", "950600013435000004"),
    ("8017", "950600013435000004"),
    ("414", "9506000134352"),
    ("11", "250101"),
    ("3103", "001250"),
    ("8003", "09506000134352ABC"),
    ("7007", "260101260131"),
    ("4330", "001234-"),
    ("8013", "1987654Ad4X4bL5ttr2310c2K"),
];

fn bench(c: &mut Criterion) {
    let dict = Dictionary::release();
    let entries: Vec<_> = ELEMENTS
        .iter()
        .filter_map(|(ai, v)| dict.lookup(ai).map(|e| (e, v.as_bytes())))
        .collect();
    assert_eq!(entries.len(), ELEMENTS.len(), "every benchmark AI exists");
    for (e, v) in &entries {
        assert_eq!(
            e.validate(v),
            Ok(()),
            "benchmark value for AI {} is valid",
            e.ai
        );
    }

    let mut g = c.benchmark_group("gs1_dictionary");
    g.throughput(Throughput::Elements(ELEMENTS.len() as u64));
    g.bench_function("match_prefix", |b| {
        b.iter(|| {
            for (ai, v) in ELEMENTS {
                let mut data = [0u8; 8];
                data[..ai.len()].copy_from_slice(ai.as_bytes());
                data[ai.len()] = v.as_bytes()[0];
                black_box(dict.match_prefix(black_box(&data[..ai.len() + 1])));
            }
        })
    });
    g.bench_function("validate", |b| {
        b.iter(|| {
            for (e, v) in &entries {
                let _ = black_box(e.validate(black_box(v)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
