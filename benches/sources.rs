//! Throughput of the pure scanner state machines, so the gateway never falls behind even a
//! replayed backlog. Targets (issue 3): framing ≥ 50 MB/s of serial bytes and the key map
//! ≥ 5 million key events per second, on one core.
//!
//! Run: `cargo bench --bench sources`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gs1_gateway::source::framing::{FrameOptions, Framer, FramerConfig, Terminator};
use gs1_gateway::source::hidpos::{honeywell_reports, HidPosDecoder, HidProtocol};
use gs1_gateway::source::keymap::{type_text, KeyMapper, KeyTerminator, Layout};

/// A realistic serial stream: GS1 DataMatrix scans with AIM ids and GS, CR-terminated.
fn serial_stream(terminator: &[u8]) -> Vec<u8> {
    let scans: [&[u8]; 4] = [
        b"]d201095060001343521726123110ABC123\x1d21S1",
        b"]d28018950600099900000182",
        b"]C14149506000001234",
        b"]E09506000134352",
    ];
    let mut out = Vec::with_capacity(1 << 20);
    while out.len() < 1 << 20 {
        for s in scans {
            out.extend_from_slice(s);
            out.extend_from_slice(terminator);
        }
    }
    out
}

fn framing(c: &mut Criterion) {
    let mut group = c.benchmark_group("framing");
    for (name, terminator, bytes) in [
        ("cr", Terminator::Cr, &b"\r"[..]),
        ("crlf", Terminator::CrLf, &b"\r\n"[..]),
        ("any", Terminator::Any, &b"\r\n"[..]),
    ] {
        let stream = serial_stream(bytes);
        group.throughput(Throughput::Bytes(stream.len() as u64));
        let config = FramerConfig {
            terminator,
            options: FrameOptions {
                gs_stand_in: Some(b"<GS>".to_vec()),
                ..FrameOptions::default()
            },
            ..FramerConfig::default()
        };
        group.bench_function(name, |b| {
            let mut framer = Framer::new(config.clone());
            let mut out = Vec::with_capacity(64 * 1024);
            b.iter(|| {
                // Reads of 4 KiB, as the serial source does.
                for chunk in stream.chunks(4096) {
                    framer.push(black_box(chunk), &mut out);
                }
                let n = out.len();
                out.clear();
                n
            })
        });
    }
    // An unterminated flood: the discard path.
    let flood = vec![b'7'; 1 << 20];
    group.throughput(Throughput::Bytes(flood.len() as u64));
    group.bench_function("flood_discard", |b| {
        let mut framer = Framer::new(FramerConfig::default());
        let mut out = Vec::new();
        b.iter(|| {
            for chunk in flood.chunks(4096) {
                framer.push(black_box(chunk), &mut out);
            }
            framer.abandon("bench")
        })
    });
    group.finish();
}

fn keymap(c: &mut Criterion) {
    let mut group = c.benchmark_group("keymap");
    for layout in [Layout::Us, Layout::Gb] {
        let mut events = Vec::new();
        while events.len() < 1_000_000 {
            events.extend(
                type_text(
                    layout,
                    "]d201095060001343521726123110ABC123\u{1d}21S1",
                    KeyTerminator::Enter,
                )
                .expect("typeable text"),
            );
        }
        group.throughput(Throughput::Elements(events.len() as u64));
        group.bench_function(format!("{layout:?}").to_lowercase(), |b| {
            let mut mapper = KeyMapper::new(layout, KeyTerminator::Enter, 8192);
            b.iter(|| {
                let mut scans = 0usize;
                for e in &events {
                    if mapper.feed(black_box(*e)).is_some() {
                        scans += 1;
                    }
                }
                scans
            })
        });
    }
    group.finish();
}

fn hidpos(c: &mut Criterion) {
    let mut group = c.benchmark_group("hidpos");
    let reports = honeywell_reports("]d2", &[b'1'; 150], b'w');
    let stream: Vec<[u8; 64]> = reports.iter().cycle().take(30_000).copied().collect();
    group.throughput(Throughput::Bytes((stream.len() * 64) as u64));
    group.bench_function("honeywell", |b| {
        let mut decoder = HidPosDecoder::new(HidProtocol::Honeywell, 8192);
        b.iter(|| {
            stream
                .iter()
                .filter(|r| {
                    !matches!(
                        decoder.feed(black_box(&r[..])),
                        gs1_gateway::source::hidpos::HidOutcome::Pending
                    )
                })
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, framing, keymap, hidpos);
criterion_main!(benches);
