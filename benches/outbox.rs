//! Outbox append throughput and latency (criterion): durable appends, alone and under group
//! commit with many concurrent appenders. Run: `cargo bench --bench outbox`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gs1_gateway::outbox::{Message, MessageKind, Outbox, OutboxConfig};

/// A 400-byte payload, the size the figures use.
fn payload(seq: u64) -> Vec<u8> {
    let mut p = format!("{{\"sequence\":{seq},\"pad\":\"").into_bytes();
    p.resize(398, b'x');
    p.extend_from_slice(b"\"}");
    p
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir_in(std::env::var("BENCH_DIR").unwrap_or_else(|_| "target".into()))
        .unwrap();
    let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();

    let mut g = c.benchmark_group("outbox");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(1));
    g.bench_function("append_durable_single", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let t = Instant::now();
                for _ in 0..iters {
                    outbox
                        .append(|s| vec![Message::json("s1", MessageKind::Scan, payload(s))])
                        .await
                        .unwrap();
                }
                t.elapsed()
            })
        })
    });
    for appenders in [16u64, 256] {
        let n = 20_000u64;
        g.throughput(Throughput::Elements(n));
        g.bench_function(format!("append_group_commit_{appenders}_appenders"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let t = Instant::now();
                        let tasks: Vec<_> = (0..appenders)
                            .map(|_| {
                                let ob = outbox.clone();
                                tokio::spawn(async move {
                                    for _ in 0..n / appenders {
                                        ob.append(|s| {
                                            vec![Message::json("s1", MessageKind::Scan, payload(s))]
                                        })
                                        .await
                                        .unwrap();
                                    }
                                })
                            })
                            .collect();
                        for t in tasks {
                            t.await.unwrap();
                        }
                        total += t.elapsed();
                        // Keep the outbox small between iterations, as the publisher would.
                        let ids: Vec<u64> = outbox
                            .pending(None, n as usize)
                            .unwrap()
                            .iter()
                            .map(|r| r.id)
                            .collect();
                        outbox.remove(ids).await.unwrap();
                    }
                    total
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
