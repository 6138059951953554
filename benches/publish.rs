//! End-to-end publishing figures against a real Mosquitto (started here on a free port with an
//! explicit config in a temp dir). Prints figures; it is a benchmark, not a test.
//!
//! `cargo bench --bench publish` runs all four scenarios;
//! `GS1GW_BENCH=throughput,latency,backlog,daemon` selects, `GS1GW_BACKLOG=1000000` sizes the
//! backlog, `GS1GW_DAEMON_SCANS=200000` the daemon run, `BENCH_DIR` sets where the outbox lives.
//!
//! 1. throughput: 200,000 scan events appended by 256 concurrent appenders (each append durably
//!    committed before it counts), published with QoS 1; events/s from the first append to the
//!    last broker acknowledgement.
//! 2. latency: 1,000 events/s for 10 s; append-request → PUBACK latency p50/p99/max.
//! 3. backlog: N events appended while the publisher is not running, then drained; drain rate
//!    and the process's peak RSS (VmHWM).
//! 4. daemon: the whole gateway binary (`gs1-gateway run`): N distinct product scans piped into
//!    its stdin source go through parsing, event building, the outbox and MQTT; a
//!    `mosquitto_sub -q 1` counts the scan events that arrive. Scans/s from start to the last
//!    one received, the gateway's peak RSS, and whether every event arrived exactly once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gs1_gateway::outbox::{Message, MessageKind, Outbox, OutboxConfig};
use gs1_gateway::publish::{self, MqttConfig, PublisherHandle};
use tokio_util::sync::CancellationToken;

struct Mosquitto {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Mosquitto {
    fn start() -> Mosquitto {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
        std::fs::write(
            dir.path().join("m.conf"),
            format!(
                "persistence false\nmax_queued_messages 0\nmax_inflight_messages 0\nuser {user}\n\
                 log_dest file {}/m.log\nlistener {port} 127.0.0.1\nallow_anonymous true\n",
                dir.path().display()
            ),
        )
        .unwrap();
        let child = Command::new("/usr/sbin/mosquitto")
            .arg("-c")
            .arg(dir.path().join("m.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto");
        let until = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "mosquitto did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        Mosquitto {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A realistic scan-event payload (~430 bytes of JSON).
fn payload(seq: u64) -> Vec<u8> {
    format!(
        concat!(
            "{{\"event_id\":\"{}\",\"schema\":\"gs1-gateway/scan-event/1\",\"gateway_id\":\"bench-gw\",",
            "\"scanner_id\":\"s1\",\"source\":\"serial\",\"scanned_at\":\"2026-11-26T10:15:30.123Z\",",
            "\"sequence\":{},\"symbology\":\"]d2\",\"raw\":\"01095060001343521726123110ABC123\\u001d21S1\",",
            "\"valid\":true,\"kind\":\"product\",\"elements\":[{{\"ai\":\"01\",\"title\":\"GTIN\",",
            "\"value\":\"09506000134352\"}}],\"gtin\":\"09506000134352\",\"batch\":\"ABC123\",",
            "\"expiry\":\"2026-12-31\",\"serial\":\"S1\",\"warnings\":[]}}"
        ),
        uuid::Uuid::now_v7(),
        seq
    )
    .into_bytes()
}

fn msg(seq: u64) -> Vec<Message> {
    vec![Message::json("s1", MessageKind::Scan, payload(seq))
        .with_schema("gs1-gateway/scan-event/1")]
}

fn vm(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn start_publisher(port: u16, outbox: &Outbox) -> (PublisherHandle, CancellationToken) {
    let cfg = MqttConfig {
        url: format!("mqtt://127.0.0.1:{port}"),
        client_id: Some(format!("bench-{}", uuid::Uuid::now_v7())),
        ..MqttConfig::default()
    };
    let token = CancellationToken::new();
    let h = publish::spawn(
        cfg.validate("bench-gw").unwrap(),
        outbox.clone(),
        token.clone(),
    );
    (h, token)
}

fn bench_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(std::env::var("BENCH_DIR").unwrap_or_else(|_| "target".into())).unwrap()
}

/// Appends `total` events from `appenders` concurrent tasks (the remainder goes to the first).
async fn append_concurrently(outbox: &Outbox, total: u64, appenders: u64) {
    let tasks: Vec<_> = (0..appenders)
        .map(|i| {
            let ob = outbox.clone();
            let mine = total / appenders + u64::from(i < total % appenders);
            tokio::spawn(async move {
                for _ in 0..mine {
                    ob.append(msg).await.expect("append");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

async fn throughput(broker: &Mosquitto) {
    const N: u64 = 200_000;
    let dir = bench_dir();
    let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
    let (h, token) = start_publisher(broker.port, &outbox);
    h.wait_until(Duration::from_secs(10), |s| s.connected)
        .await
        .unwrap();
    let t = Instant::now();
    append_concurrently(&outbox, N, 256).await;
    let appended = t.elapsed();
    let snap = h
        .wait_until(Duration::from_secs(300), |s| {
            s.acked >= N && s.outbox.depth == 0
        })
        .await
        .expect("all acknowledged");
    let total = t.elapsed();
    println!(
        "throughput: {N} events, appended (durable) in {:.2} s, all PUBACKed and removed in {:.2} s \
         => {:.0} events/s end to end; {} group commits ({:.0} appends per fsync); p50 {:?} p99 {:?}",
        appended.as_secs_f64(),
        total.as_secs_f64(),
        N as f64 / total.as_secs_f64(),
        snap.outbox.commits,
        N as f64 / snap.outbox.commits.max(1) as f64,
        snap.latency_p50.unwrap_or_default(),
        snap.latency_p99.unwrap_or_default(),
    );
    token.cancel();
    h.join().await;
}

async fn latency(broker: &Mosquitto) {
    const RATE: u64 = 1_000;
    const SECS: u64 = 10;
    let dir = bench_dir();
    let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
    let (h, token) = start_publisher(broker.port, &outbox);
    h.wait_until(Duration::from_secs(10), |s| s.connected)
        .await
        .unwrap();
    h.stats().latency.reset();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::with_capacity((RATE * SECS) as usize);
    let mut append_lat = Vec::with_capacity((RATE * SECS) as usize);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..RATE * SECS {
        tick.tick().await;
        let ob = outbox.clone();
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            ob.append(msg).await.unwrap();
            let _ = tx.send(t.elapsed());
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    drop(tx);
    while let Some(d) = rx.recv().await {
        append_lat.push(d);
    }
    append_lat.sort();
    let snap = h
        .wait_until(Duration::from_secs(60), |s| {
            s.acked >= RATE * SECS && s.outbox.depth == 0
        })
        .await
        .expect("all acknowledged");
    let q = |p: f64| append_lat[((append_lat.len() as f64 * p) as usize).min(append_lat.len() - 1)];
    println!(
        "latency at {RATE} events/s for {SECS} s: append→PUBACK p50 {:?} p99 {:?} (histogram, 50 µs buckets); \
         append→durable commit p50 {:?} p99 {:?} max {:?}; {} group commits",
        snap.latency_p50.unwrap_or_default(),
        snap.latency_p99.unwrap_or_default(),
        q(0.5),
        q(0.99),
        append_lat.last().copied().unwrap_or_default(),
        snap.outbox.commits,
    );
    token.cancel();
    h.join().await;
}

async fn backlog(broker: &Mosquitto) {
    let n: u64 = std::env::var("GS1GW_BACKLOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = bench_dir();
    // A million ~470-byte events need more than the 512 MiB default.
    let outbox = Outbox::open(&OutboxConfig {
        max_bytes: gs1_gateway::outbox::ByteSize(4 << 30),
        ..OutboxConfig::at(dir.path())
    })
    .unwrap();
    let t = Instant::now();
    append_concurrently(&outbox, n, 256).await;
    let appended = t.elapsed();
    let st = outbox.stats();
    let file = std::fs::metadata(dir.path().join("outbox.redb"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "backlog: {n} events appended offline in {:.1} s ({:.0}/s); outbox {} records, {} MiB logical, file {} MiB; RSS now {}, peak {}",
        appended.as_secs_f64(),
        n as f64 / appended.as_secs_f64(),
        st.depth,
        st.bytes >> 20,
        file >> 20,
        vm("VmRSS:"),
        vm("VmHWM:"),
    );
    let t = Instant::now();
    let (h, token) = start_publisher(broker.port, &outbox);
    let snap = h
        .wait_until(Duration::from_secs(1800), |s| {
            s.acked >= n && s.outbox.depth == 0
        })
        .await
        .expect("backlog drained");
    let drained = t.elapsed();
    println!(
        "backlog: drained {n} events in {:.1} s => {:.0} events/s; published {} acked {} resent {}; RSS now {}, peak (VmHWM) {}",
        drained.as_secs_f64(),
        n as f64 / drained.as_secs_f64(),
        snap.published,
        snap.acked,
        snap.resent,
        vm("VmRSS:"),
        vm("VmHWM:"),
    );
    token.cancel();
    h.join().await;
}

/// Peak RSS (VmHWM) of a running process, in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn daemon(broker: &Mosquitto) {
    use std::io::{BufRead, Write};

    let n: u64 = std::env::var("GS1GW_DAEMON_SCANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let dir = bench_dir();
    let config = dir.path().join("gw.toml");
    std::fs::write(
        &config,
        format!(
            "[gateway]\nid = \"bench-daemon\"\ndrain_timeout = \"60s\"\n\
             [[source]]\nid = \"bench\"\nkind = \"stdin\"\n\
             [mqtt]\nurl = \"mqtt://127.0.0.1:{}\"\n\
             [outbox]\npath = \"{}\"\n\
             [log]\nlevel = \"warn\"\n",
            broker.port,
            dir.path().join("outbox").display()
        ),
    )
    .unwrap();
    let mut scans = Vec::with_capacity(n as usize * 48);
    for i in 0..n {
        // Distinct lot and serial per scan; expiry in the future, so no alerts.
        writeln!(scans, "]d201095060001343521729123110L{i:07}\x1d21S{i}").unwrap();
    }

    let mut sub = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &broker.port.to_string(), "-q", "1"])
        .args([
            "-t",
            "scan4safety/v1/bench-daemon/+/scan",
            "-C",
            &n.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub (Debian package mosquitto-clients)");
    let out = sub.stdout.take().unwrap();
    let counter = std::thread::spawn(move || {
        let mut ids = std::collections::HashSet::new();
        let mut lines = 0u64;
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            lines += 1;
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                ids.insert(v["event_id"].as_str().unwrap_or("").to_owned());
            }
        }
        (lines, ids.len() as u64, Instant::now())
    });
    // mosquitto_sub has no "subscribed" signal; give it a moment.
    std::thread::sleep(Duration::from_millis(500));

    let start = Instant::now();
    let mut gw = Command::new(env!("CARGO_BIN_EXE_gs1-gateway"))
        .args(["run", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gs1-gateway");
    let pid = gw.id();
    let mut stdin = gw.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(&scans));
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = gw.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let exited = start.elapsed();
    feeder.join().unwrap().unwrap();
    let (lines, distinct, last) = counter.join().unwrap();
    let _ = sub.wait();
    let received = last.saturating_duration_since(start);
    println!(
        "daemon: {n} scans via stdin -> gs1-gateway run -> Mosquitto: {lines} received ({distinct} \
         distinct event ids) after {:.2} s = {:.0} scans/s; gateway exited ({status}) after \
         {:.2} s; peak RSS {:.1} MiB",
        received.as_secs_f64(),
        n as f64 / received.as_secs_f64(),
        exited.as_secs_f64(),
        peak as f64 / 1024.0
    );
}

fn main() {
    let which =
        std::env::var("GS1GW_BENCH").unwrap_or_else(|_| "throughput,latency,backlog,daemon".into());
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; this file has no criterion ones
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let broker = Mosquitto::start();
    println!(
        "mosquitto on 127.0.0.1:{}; outbox under {}",
        broker.port,
        std::env::var("BENCH_DIR").unwrap_or_else(|_| "target".into())
    );
    rt.block_on(async {
        for s in which.split(',') {
            match s.trim() {
                "throughput" => throughput(&broker).await,
                "latency" => latency(&broker).await,
                "backlog" => backlog(&broker).await,
                "daemon" => tokio::task::block_in_place(|| daemon(&broker)),
                other => eprintln!("unknown scenario {other:?}"),
            }
        }
    });
}
