//! Throughput of `gs1::parse` over a realistic ward mix, every check on (dictionary validation,
//! all linters, association rules, missing-GS detection), and of the renderings the `parse`
//! command prints.
//!
//! Run: `cargo bench --bench gs1_parse`. The target is ≥ 3.5 million scans/s on one core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gs1_gateway::gs1::{self, ParseOptions, DEFAULT_STEM};

#[path = "common/gs1_mix.rs"]
mod gs1_mix;
use gs1_mix::MIX;

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
    // The reusing form a reader uses scan after scan (`parse -` does): same checks, the
    // message's vectors and strings are reused instead of allocated per scan.
    group.bench_function("parse_into_mix", |b| {
        let mut message = gs1::parse(MIX[0], &options).expect("valid");
        b.iter(|| {
            for scan in MIX {
                let _ = black_box(gs1::parse_into(black_box(scan), &options, &mut message));
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
