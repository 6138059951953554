//! The daemon: `run` on its built-in default and with configuration files, signals,
//! `check-config` on every example and on broken files, `print-default-config`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gs1_gateway::publish::ProtocolVersion;

use crate::util::{start_rumqttd, Subscriber};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gs1-gateway"))
}

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A child's standard error, read on a thread: the pipe never fills, and a wait for a message
/// that never comes fails at its deadline instead of blocking on a read.
struct StderrLog {
    lines: std::sync::mpsc::Receiver<String>,
    seen: String,
}

impl StderrLog {
    fn of(child: &mut Child) -> StderrLog {
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        StderrLog {
            lines,
            seen: String::new(),
        }
    }

    /// Waits (at most 60 s) for a line containing `needle`; returns that line.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "`{needle}` never appeared on standard error; it said:\n{}",
                    self.seen
                ),
            }
        }
    }
}

/// `gs1-gateway run` on its built-in default (stdin source, embedded broker), its state under
/// `state` and its log at `rust_log`: the child and its standard error.
fn spawn_default_run(state: &Path, rust_log: &str) -> (Child, StderrLog) {
    let mut child = bin()
        .arg("run")
        .env("XDG_STATE_HOME", state)
        .env("RUST_LOG", rust_log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gs1-gateway run");
    let log = StderrLog::of(&mut child);
    (child, log)
}

/// The embedded broker's address, from the line the gateway prints once it is up.
fn embedded_broker(log: &mut StderrLog) -> std::net::SocketAddr {
    let line = log.wait_for("embedded MQTT broker on");
    line.trim()
        .rsplit(' ')
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
}

fn wait_exit(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gs1-gateway did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const PRODUCT: &str = "]d201095060001343521726123110ABC123\\x1d21S1";
const WRISTBAND: &str = "]d28018501234599900000182";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_run_publishes_stdin_scans_to_its_embedded_broker() {
    let state = tempfile::tempdir().expect("tempdir");
    let (mut child, mut log) = spawn_default_run(state.path(), "warn");
    let addr = embedded_broker(&mut log);

    let mut sub = Subscriber::connect(
        addr.port(),
        "independent-test-subscriber",
        "scan4safety/v1/#",
        false,
        ProtocolVersion::V5,
    )
    .await;

    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{PRODUCT}").expect("write");
    writeln!(stdin, "(01)09506000134353").expect("write"); // bad check digit: still an event
    writeln!(stdin, "{WRISTBAND}").expect("write");
    stdin.flush().expect("flush");

    // Delivery is at least once: deduplicate on event_id, order by sequence.
    let mut by_id = std::collections::BTreeMap::new();
    while by_id.len() < 3 {
        let msg = sub
            .next_on("/scan", Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("only {} scan events arrived", by_id.len()));
        assert!(!msg.retain, "scan events are never retained");
        assert_eq!(msg.content_type.as_deref(), Some("application/json"));
        let v: serde_json::Value = serde_json::from_slice(&msg.payload).expect("JSON payload");
        by_id.insert(v["event_id"].to_string(), (msg.topic, v));
    }
    let mut scans: Vec<(String, serde_json::Value)> = by_id.into_values().collect();
    scans.sort_by_key(|(_, v)| v["sequence"].as_u64());
    drop(stdin); // end of input: the gateway drains and exits 0
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "exit status {status}");

    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut stdout)
        .expect("read stdout");
    let echoed: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each stdout line is one JSON event"))
        .collect();
    assert_eq!(echoed.len(), 3, "{stdout}");

    let (topic, product) = &scans[0];
    assert!(topic.ends_with("/stdin/scan"), "{topic}");
    assert_eq!(product["schema"], "gs1-gateway/scan-event/1");
    assert_eq!(product["source"], "stdin");
    assert_eq!(product["scanner_id"], "stdin");
    assert_eq!(product["kind"], "product");
    assert_eq!(product["valid"], true);
    assert_eq!(product["symbology"], "]d2");
    assert_eq!(product["gtin"], "09506000134352");
    assert_eq!(product["batch"], "ABC123");
    assert_eq!(product["serial"], "S1");
    assert_eq!(product["expiry"], "2026-12-31");
    assert_eq!(product["raw"], "01095060001343521726123110ABC123\u{1d}21S1");
    assert_eq!(product["sequence"], 0);
    assert_eq!(scans[1].1["valid"], false, "{:#?}", scans);
    assert_eq!(scans[1].1["sequence"], 1);
    assert!(scans[1].1["error"]["message"].as_str().is_some());
    let patient = &scans[2].1;
    assert_eq!(patient["kind"], "patient");
    // The NHS number is not published by default.
    assert!(
        !patient.to_string().contains("9990000018"),
        "patient identifier leaked: {patient}"
    );
    // The echo is the published event.
    let published: BTreeSet<String> = scans
        .iter()
        .map(|(_, v)| v["event_id"].to_string())
        .collect();
    let printed: BTreeSet<String> = echoed.iter().map(|v| v["event_id"].to_string()).collect();
    assert_eq!(published, printed);
}

/// The leaks issue's cases, fed through a `stdin` source with the default `[privacy]`: no NHS
/// number, GSRN or name reaches MQTT (any topic), the stdout echo or the log, even at trace level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patient_data_in_scans_that_do_not_parse_never_leaves_in_clear() {
    // GSRN 5012345 + NHS 9990000018 + a wrong check digit (the right one is 2).
    const BAD_GSRN: &str = "501234599900000189";
    let cases = [
        "]C09990000018".to_owned(),
        "9990000018".to_owned(),
        format!("]C18018{BAD_GSRN}\\x1d93SMITH JOHN"),
        "93SMITH JOHN".to_owned(),
        format!("]C17253SMITH\\x1d7254JOHN\\x1d8018{BAD_GSRN}"),
        "]C0999 000 0018".to_owned(),
    ];
    let state = tempfile::tempdir().expect("tempdir");
    let (mut child, mut log) = spawn_default_run(state.path(), "trace");
    let addr = embedded_broker(&mut log);
    let mut sub = Subscriber::connect(
        addr.port(),
        "leak-test-subscriber",
        "scan4safety/v1/#",
        false,
        ProtocolVersion::V5,
    )
    .await;
    let mut stdin = child.stdin.take().expect("stdin");
    for c in &cases {
        writeln!(stdin, "{c}").expect("write");
    }
    stdin.flush().expect("flush");
    let mut published = Vec::new();
    let mut scans = std::collections::BTreeMap::new();
    while scans.len() < cases.len() {
        let msg = sub
            .next(Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("only {} scan events arrived", scans.len()));
        let text = String::from_utf8_lossy(&msg.payload).into_owned();
        if msg.topic.ends_with("/scan") {
            let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            scans.insert(v["sequence"].as_u64(), v);
        }
        published.push(text);
    }
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "exit status {status}");
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut stdout)
        .expect("read stdout");
    // The rest of the log, until the pipe closes.
    while let Ok(line) = log.lines.recv_timeout(Duration::from_secs(5)) {
        log.seen.push_str(&line);
        log.seen.push('\n');
    }
    for (what, text) in [
        ("MQTT", published.join("\n")),
        ("stdout", stdout.clone()),
        ("log", log.seen.clone()),
    ] {
        for secret in ["9990000018", "999 000 0018", BAD_GSRN, "SMITH", "JOHN"] {
            assert!(!text.contains(secret), "{secret} leaked to {what}:\n{text}");
        }
    }
    assert_eq!(stdout.lines().count(), cases.len(), "{stdout}");
    for v in scans.values() {
        assert_eq!(v["raw"], "", "{v}");
        assert!(v["raw_withheld"]["length"].as_u64().is_some(), "{v}");
        assert!(v["raw_withheld"]["reason"].as_str().is_some(), "{v}");
    }
}

/// Patient A in context, patient B's band fails (bad check digit): the next product must not be
/// recorded against A. Through the real daemon, its stdin source and its embedded broker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_wristband_clears_the_patient_in_the_daemon() {
    let state = tempfile::tempdir().expect("tempdir");
    let (mut child, mut log) = spawn_default_run(state.path(), "warn");
    let addr = embedded_broker(&mut log);
    let mut sub = Subscriber::connect(
        addr.port(),
        "wrong-patient-subscriber",
        "scan4safety/v1/#",
        false,
        ProtocolVersion::V5,
    )
    .await;
    let mut stdin = child.stdin.take().expect("stdin");
    // A: 5012345 + 9990000018 + check 2. B: 5012345 + 9434765919, check digit wrong.
    for line in [
        "]d28018501234599900000182",
        PRODUCT,
        "]d28018501234594347659190",
        PRODUCT,
    ] {
        writeln!(stdin, "{line}").expect("write");
    }
    stdin.flush().expect("flush");
    let mut scans = std::collections::BTreeMap::new();
    let mut reasons = Vec::new();
    while scans.len() < 4 {
        let msg = sub
            .next(Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("only {} scan events arrived", scans.len()));
        let v: serde_json::Value = match serde_json::from_slice(&msg.payload) {
            Ok(v) => v,
            Err(_) => continue,
        };
        if msg.topic.ends_with("/scan") {
            scans.insert(v["sequence"].as_u64(), v);
        } else if msg.topic.ends_with("/context") {
            reasons.push(v["reason"].as_str().unwrap_or_default().to_owned());
        }
    }
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "exit status {status}");
    let scans: Vec<serde_json::Value> = scans.into_values().collect();
    assert!(
        scans[1]["context"]["patient"]["id"].is_string(),
        "{}",
        scans[1]
    );
    assert_eq!(scans[2]["valid"], false);
    assert!(
        scans[3]["context"].get("patient").is_none() || scans[3]["context"]["patient"].is_null(),
        "the product after a failed band has no patient: {}",
        scans[3]
    );
    // The context records arrive on their own topic; the clearing one may come after the scans.
    while !reasons.iter().any(|r| r == "patient_scan_failed") {
        let Some(msg) = sub.next(Duration::from_secs(10)).await else {
            break;
        };
        if msg.topic.ends_with("/context") {
            let v: serde_json::Value = serde_json::from_slice(&msg.payload).expect("JSON");
            reasons.push(v["reason"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert!(
        reasons.iter().any(|r| r == "patient_scan_failed"),
        "{reasons:?}"
    );
}

/// A two-symbol HIBC label through the real daemon with EPCIS and FHIR on: the secondary's
/// EPCIS document declares the primary's event in error (the declaration carries the primary's
/// own sequence number) and its FHIR Bundle updates the primary's Device. Every EPCIS event
/// carries the sequence of its scan (renderings were once made before the outbox numbered the
/// scan, so `s4s:sequence` was 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_symbol_hibc_label_is_one_device_downstream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        "gw.toml",
        &format!(
            "[gateway]\nid = \"two-symbols\"\n[[source]]\nid = \"theatre-1\"\nkind = \"stdin\"\n\
             [broker]\nembedded = true\nport = 0\n[interop]\nformats = [\"json\", \"epcis\", \"fhir\"]\n\
             [outbox]\npath = \"{}\"\n",
            dir.path().join("outbox").display()
        ),
    );
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut log = StderrLog::of(&mut child);
    let addr = embedded_broker(&mut log);
    let mut sub = Subscriber::connect(
        addr.port(),
        "two-symbol-subscriber",
        "scan4safety/v1/#",
        false,
        ProtocolVersion::V311,
    )
    .await;
    // HIBC primary `+A99912345` (check character 7) and its secondary linked by that character,
    // as a scanner sends them (Code 128/Code 39 without AIM identifiers).
    let primary = "+A999123457";
    let secondary = "+$$3271231LOT579";
    assert_eq!(
        gs1_gateway::interop::hibc::check_character(&primary[..primary.len() - 1]),
        Ok('7')
    );
    assert_eq!(
        gs1_gateway::interop::hibc::check_character(&secondary[..secondary.len() - 1]),
        Ok('9')
    );
    let mut stdin = child.stdin.take().expect("stdin");
    for line in [primary, secondary] {
        writeln!(stdin, "{line}").expect("write");
    }
    stdin.flush().expect("flush");
    let mut scans = Vec::new();
    let mut epcis = Vec::new();
    let mut fhir = Vec::new();
    while scans.len() < 2 || epcis.len() < 2 || fhir.len() < 2 {
        let msg = sub.next(Duration::from_secs(30)).await.unwrap_or_else(|| {
            panic!(
                "only {} scans, {} EPCIS, {} FHIR",
                scans.len(),
                epcis.len(),
                fhir.len()
            )
        });
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&msg.payload) else {
            continue;
        };
        if msg.topic.ends_with("/scan") {
            scans.push(v);
        } else if msg.topic.ends_with("/epcis") {
            epcis.push(v);
        } else if msg.topic.ends_with("/fhir") {
            fhir.push(v);
        }
    }
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "exit status {status}");
    scans.sort_by_key(|v| v["sequence"].as_u64());
    epcis.sort_by_key(|v| v["epcisBody"]["eventList"].as_array().map(Vec::len));
    let (first, second) = (&scans[0], &scans[1]);
    assert_eq!(second["linked_scan"], first["event_id"], "{second}");
    // Every event says when the box's clock is not synchronised, and only then.
    let kernel = gs1_gateway::app::clock::kernel_clock_sync().expect("adjtimex");
    for scan in &scans {
        assert_eq!(
            scan["warnings"]
                .to_string()
                .contains("clock_unsynchronised"),
            !kernel.synchronised,
            "{kernel:?}: {scan}"
        );
    }
    let first_id = format!("urn:uuid:{}", first["event_id"].as_str().unwrap());
    let second_id = format!("urn:uuid:{}", second["event_id"].as_str().unwrap());
    // The primary's own document, then the secondary's with the declaration.
    let own = &epcis[0]["epcisBody"]["eventList"][0];
    assert_eq!(own["eventID"], first_id.as_str());
    assert_eq!(own["s4s:sequence"], first["sequence"], "{own}");
    let events = epcis[1]["epcisBody"]["eventList"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{:#}", epcis[1]);
    assert_eq!(events[0]["eventID"], first_id.as_str());
    assert_eq!(events[0]["s4s:sequence"], first["sequence"]);
    assert_eq!(
        events[0]["errorDeclaration"]["correctiveEventIDs"],
        serde_json::json!([second_id])
    );
    assert_eq!(events[1]["eventID"], second_id.as_str());
    assert_eq!(events[1]["s4s:sequence"], second["sequence"]);
    // FHIR: one Device, created by the primary and updated by the secondary.
    let device_request = |b: &serde_json::Value| b["entry"][0]["request"].clone();
    let requests: Vec<_> = fhir.iter().map(device_request).collect();
    assert!(
        requests.iter().any(|r| r["method"] == "POST"),
        "{requests:?}"
    );
    assert!(
        requests.iter().any(|r| r["method"] == "PUT"
            && r["url"] == format!("Device?identifier=urn:ietf:rfc:3986|{first_id}").as_str()),
        "{requests:?}"
    );
}

/// The subscribe line the built-in default prints works as printed (run by a shell, with only
/// `-W 30` added so that it ends): the real `mosquitto_sub` receives the scan.
#[cfg(feature = "mosquitto-tests")]
#[test]
fn the_printed_subscribe_line_receives_the_scans() {
    let state = tempfile::tempdir().expect("tempdir");
    let (mut child, mut log) = spawn_default_run(state.path(), "warn");
    let line = log.wait_for("subscribe with: ");
    let command = line
        .split_once("subscribe with: ")
        .map(|(_, c)| c.trim().to_owned())
        .expect("a command");
    assert!(command.starts_with("mosquitto_sub "), "{command}");
    let mut sub = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {command} -W 30"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the printed line");
    let (tx, lines) = std::sync::mpsc::channel();
    let out = sub.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // The retained gateway status arrives once the subscription is made.
    let first = lines
        .recv_timeout(Duration::from_secs(30))
        .expect("mosquitto_sub receives nothing");
    assert!(first.contains("/status"), "{first}");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{PRODUCT}").expect("write");
    stdin.flush().expect("flush");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = vec![first];
    while !seen.iter().any(|l| l.contains("/stdin/scan")) {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(l) => seen.push(l),
            Err(_) => panic!("{command}: no scan event; it printed {seen:?}"),
        }
    }
    let _ = sub.kill();
    let _ = sub.wait();
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "exit status {status}");
}

/// `[broker] embedded = true` on a port already taken: "cannot bind …: address in use", exit 2,
/// instead of publishing into whatever listens there.
#[test]
fn an_embedded_broker_on_a_busy_port_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let config = write_config(
        dir.path(),
        "busy.toml",
        &format!(
            "[gateway]\nid = \"busy\"\n[broker]\nembedded = true\nport = {port}\n[outbox]\npath = \"{}\"\n[[source]]\nid = \"in\"\nkind = \"stdin\"\n",
            dir.path().join("outbox").display()
        ),
    );
    let out = bin()
        .args(["run", "-c"])
        .arg(&config)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("address in use"), "{err}");
    assert!(!err.contains("embedded MQTT broker on"), "{err}");
}

fn write_config(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write config");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_publishing_loses_nothing() {
    let broker = start_rumqttd();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        "gw.toml",
        &format!(
            "[gateway]\nid = \"sigterm-test\"\ndrain_timeout = \"10s\"\n\
             [[source]]\nid = \"bench\"\nkind = \"stdin\"\n\
             [mqtt]\nurl = \"mqtt://{broker}\"\n\
             [outbox]\npath = \"{}\"\n\
             [stdout]\necho = true\n",
            dir.path().join("outbox").display()
        ),
    );
    let mut sub = Subscriber::connect(
        broker.port(),
        "sigterm-subscriber",
        "scan4safety/v1/sigterm-test/+/scan",
        true,
        ProtocolVersion::V311,
    )
    .await;

    let spawn = || {
        bin()
            .args(["run", "--config"])
            .arg(&config)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn")
    };
    let mut child = spawn();
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let echo = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
            .map(|v| {
                (
                    v["event_id"].to_string(),
                    v["sequence"].as_u64().unwrap_or(u64::MAX),
                )
            })
            .collect::<Vec<_>>()
    });
    let n = 2000;
    let writer = std::thread::spawn(move || {
        for i in 0..n {
            if writeln!(stdin, "(01)09506000134352(21)S{i}").is_err() {
                break; // the gateway stopped reading: that is the point of the test
            }
        }
        stdin
    });
    // Stop it while it is busy.
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id() as i32;
    // SAFETY-free: kill(2) through nix.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "SIGTERM ends with exit 0, got {status}");
    let _ = writer.join();
    let mut accepted = echo.join().expect("echo reader");

    // A second run with no input delivers whatever the first left in the outbox.
    let mut child = spawn();
    drop(child.stdin.take());
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || for _ in BufReader::new(stdout).lines() {});
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());

    accepted.sort_by_key(|(_, s)| *s);
    assert!(!accepted.is_empty(), "nothing was accepted before SIGTERM");
    let sequences: Vec<u64> = accepted.iter().map(|(_, s)| *s).collect();
    let expected: Vec<u64> = (0..accepted.len() as u64).collect();
    assert_eq!(sequences, expected, "sequences have no gaps");

    let want: BTreeSet<String> = accepted.into_iter().map(|(id, _)| id).collect();
    let mut got = BTreeSet::new();
    while got.len() < want.len() {
        let Some(msg) = sub.next(Duration::from_secs(30)).await else {
            break;
        };
        let v: serde_json::Value = serde_json::from_slice(&msg.payload).expect("JSON");
        got.insert(v["event_id"].to_string());
    }
    let missing: Vec<_> = want.difference(&got).collect();
    assert!(
        missing.is_empty(),
        "{} accepted events never arrived",
        missing.len()
    );
}

#[test]
fn sighup_with_a_broken_file_keeps_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = format!(
        "[gateway]\nid = \"hup\"\n[[source]]\nid = \"bench\"\nkind = \"stdin\"\n\
         [broker]\nembedded = true\nport = 0\n[stdout]\necho = true\n[outbox]\npath = \"{}\"\n",
        dir.path().join("outbox").display()
    );
    let config = write_config(dir.path(), "gw.toml", &good);
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut log = StderrLog::of(&mut child);
    log.wait_for("gateway running");

    std::fs::write(&config, "[gateway\nid = \"broken\"\n").expect("break the file");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .expect("SIGHUP");
    let line = log.wait_for("not reloaded");
    assert!(line.contains("configuration not reloaded"), "{line}");

    // Still running: a scan goes through and is echoed.
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{PRODUCT}").expect("write");
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut out)
        .expect("stdout");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("\"gtin\":\"09506000134352\""), "{out}");
}

/// Certificates and credentials the examples name, made up for the test.
fn example_environment(dir: &Path) -> Vec<(String, String)> {
    let cert =
        rcgen::generate_simple_self_signed(vec!["broker.trust.nhs.uk".into()]).expect("rcgen");
    let ca = write_config(dir, "ca.pem", &cert.cert.pem());
    let client = write_config(dir, "client.pem", &cert.cert.pem());
    let creds = dir.join("credentials");
    std::fs::create_dir_all(&creds).expect("mkdir");
    std::fs::write(creds.join("mqtt-password"), "s3cret\n").expect("write");
    std::fs::write(creds.join("pseudonym.key"), [7u8; 32]).expect("write");
    // theatre.toml takes its TLS client key as a systemd credential.
    std::fs::write(
        creds.join("mqtt-client.key"),
        cert.signing_key.serialize_pem(),
    )
    .expect("write");
    let key = write_config(dir, "client.key", &cert.signing_key.serialize_pem());
    vec![
        ("GS1_GATEWAY_MQTT_CA_FILE".into(), ca.display().to_string()),
        (
            "GS1_GATEWAY_MQTT_CLIENT_KEY".into(),
            key.display().to_string(),
        ),
        (
            "GS1_GATEWAY_MQTT_CLIENT_CERT".into(),
            client.display().to_string(),
        ),
        ("CREDENTIALS_DIRECTORY".into(), creds.display().to_string()),
    ]
}

#[test]
fn every_example_configuration_validates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let env = example_environment(dir.path());
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest("config/examples"))
        .expect("config/examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.push(manifest("config/gs1-gateway.toml"));
    assert!(files.len() >= 5, "{files:?}");
    // check-config reads the recall list the examples name: give them a valid one.
    let recalls = write_config(
        dir.path(),
        "recalls.csv",
        "gtin,batch,reason,reference\n09506000134352,LOT7,sterility,FSN-1\n",
    );
    let files: Vec<PathBuf> = files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("read example");
            if !text.contains("/var/lib/gs1-gateway/recalls.csv") {
                return file;
            }
            let name = file
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            write_config(
                dir.path(),
                &name,
                &text.replace(
                    "/var/lib/gs1-gateway/recalls.csv",
                    &recalls.display().to_string(),
                ),
            )
        })
        .collect();
    for file in files {
        // The default file names no certificates; the examples get made-up ones.
        let text = std::fs::read_to_string(&file).expect("read");
        let env: Vec<(String, String)> = if file.ends_with("gs1-gateway.toml") {
            Vec::new()
        } else if text.contains("client_key_credential") {
            // The key comes from the credentials folder; a client_key too would be refused.
            env.iter()
                .filter(|(k, _)| k != "GS1_GATEWAY_MQTT_CLIENT_KEY")
                .cloned()
                .collect()
        } else {
            env.clone()
        };
        let out = bin()
            .arg("check-config")
            .arg(&file)
            .envs(env.iter().cloned())
            .output()
            .expect("run check-config");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{} rejected:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let summary = String::from_utf8_lossy(&out.stdout);
        assert!(summary.starts_with("configuration ok"), "{summary}");
    }
}

#[test]
fn print_default_config_is_the_commented_default_and_parses() {
    let out = bin().arg("print-default-config").output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(
        text,
        std::fs::read_to_string(manifest("config/gs1-gateway.toml")).expect("read")
    );
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 20);
}

#[test]
fn broken_configurations_are_rejected_with_positions() {
    // (file contents, expected fragments of the first error line: file:line:col, key, message)
    let cases: &[(&str, &str, &str)] = &[
        (
            "[gateway]\nidd = \"x\"\n",
            ":2:1: error: `gateway.idd`",
            "did you mean `id`?",
        ),
        ("[mqtt]\nqos = 7\n", ":2:", "qos"),
        (
            "[alerts]\nrecall_topic = \"trust/#/recalls\"\n",
            ":2:",
            "'#' must be a whole level and the last one",
        ),
        (
            "[[source]]\nid = \"a\"\nkind = \"serial\"\npath = \"/dev/x\"\nbaud = \"fast\"\n",
            ":5:",
            "source[0].baud",
        ),
        (
            "[[source]]\nid = \"a\"\nkind = \"camra\"\n",
            ":3:",
            "did you mean `camera`?",
        ),
        (
            "[[source]]\nid = \"a\"\nkind = \"stdin\"\n[[source]]\nid = \"a\"\nkind = \"stdin\"\n",
            ":5:",
            "duplicate source id `a`",
        ),
        ("[outbox]\nmax_bytes = \"lots\"\n", ":2:", "invalid size"),
        (
            "[context]\npatient_timeout = \"soon\"\n",
            ":2:",
            "context.patient_timeout",
        ),
        (
            "[mqtt]\nurl = \"mqtts://broker:8883\"\nca_file = \"/nonexistent/ca.pem\"\n",
            ":1:",
            "ca.pem",
        ),
        ("[gateway\n", ":1:", "invalid TOML"),
        (
            "[brokre]\nembedded = true\n",
            ":1:",
            "did you mean `broker`?",
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, (text, position, message)) in cases.iter().enumerate() {
        let file = write_config(dir.path(), &format!("case{i}.toml"), text);
        let out = bin().arg("check-config").arg(&file).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "case {i} accepted:\n{text}\n{stderr}"
        );
        let found = stderr.lines().any(|l| {
            l.contains(position) && l.contains(message) && l.contains(&format!("case{i}.toml"))
        });
        assert!(
            found,
            "case {i}: no error line with `{position}` and `{message}`:\n{stderr}"
        );
    }
}

#[test]
fn run_with_a_broken_configuration_exits_2_and_starts_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_config(dir.path(), "bad.toml", "[gateway]\nid = 5\n");
    let out = bin()
        .args(["run", "--config"])
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gateway.id"));
}

/// A plain HTTP GET against the gateway's loopback endpoint: (status code, body).
/// The value of the first sample of `name` (no labels) in a Prometheus text exposition.
fn metric_value(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let code = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n")?.1.to_string();
    Some((code, body))
}

#[test]
fn metrics_health_and_status_endpoint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = crate::util::free_port();
    let config = write_config(
        dir.path(),
        "gw.toml",
        &format!(
            "[gateway]\nid = \"http-test\"\n[[source]]\nid = \"bench\"\nkind = \"stdin\"\n\
             [broker]\nembedded = true\nport = 0\n[http]\nenabled = true\nlisten = \"127.0.0.1:{port}\"\n\
             [outbox]\npath = \"{}\"\n",
            dir.path().join("outbox").display()
        ),
    );
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut log = StderrLog::of(&mut child);
    log.wait_for("gateway running");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{PRODUCT}").expect("write");
    writeln!(stdin, "(01)09506000134353").expect("write");
    stdin.flush().expect("flush");

    // Healthy once the publisher is connected to the embedded broker and both scans are counted.
    let deadline = Instant::now() + Duration::from_secs(30);
    let metrics = loop {
        let health = http_get(port, "/healthz");
        let metrics = http_get(port, "/metrics")
            .map(|(_, b)| b)
            .unwrap_or_default();
        // Both scan events delivered: the publisher's metrics count them (they were dead once).
        let published = metric_value(&metrics, "gs1_gateway_published_total");
        if matches!(&health, Some((200, _)))
            && metrics.contains("gs1_gateway_scans_total{source=\"bench\",kind=\"unknown\"} 1")
            && published.is_some_and(|n| n >= 2.0)
        {
            let (_, body) = health.expect("checked");
            let v: serde_json::Value = serde_json::from_str(&body).expect("JSON health body");
            assert_eq!(v["healthy"], true);
            break metrics;
        }
        assert!(
            Instant::now() < deadline,
            "never healthy; last /healthz {health:?}\n{metrics}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        metrics.contains("gs1_gateway_scans_total{source=\"bench\",kind=\"product\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gs1_gateway_parse_errors_total{kind=\"bad_check_digit\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gs1_gateway_broker_connected 1"),
        "{metrics}"
    );
    assert!(
        metric_value(&metrics, "gs1_gateway_publish_latency_seconds_count")
            .is_some_and(|n| n >= 2.0),
        "{metrics}"
    );
    // The clock: what the kernel says, in the metric, `/status` and (when unsynchronised) the
    // `/healthz` warnings — which never make it unhealthy.
    let kernel = gs1_gateway::app::clock::kernel_clock_sync().expect("adjtimex");
    assert_eq!(
        metric_value(&metrics, "gs1_gateway_clock_synchronised"),
        Some(if kernel.synchronised { 1.0 } else { 0.0 }),
        "{kernel:?}"
    );
    let (code, body) = http_get(port, "/status").expect("/status");
    assert_eq!(code, 200);
    let status: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        status["clock"]["synchronised"], kernel.synchronised,
        "{status}"
    );
    let (_, body) = http_get(port, "/healthz").expect("/healthz");
    assert_eq!(
        body.contains("the clock is not synchronised"),
        !kernel.synchronised,
        "{body}"
    );
    // Every metric the README lists is exported.
    let readme = std::fs::read_to_string(manifest("README.md")).expect("README");
    for name in readme
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("gs1_gateway_"))
    {
        // A labelled family without samples yet still has its `# TYPE` line.
        let family = name.trim_end_matches("_total");
        assert!(
            metrics.contains(&format!("# TYPE {family} ")),
            "README lists {name}, /metrics lacks it:\n{metrics}"
        );
    }

    let out = bin()
        .args(["status", "--endpoint"])
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .expect("status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("gateway http-test"), "{text}");
    assert!(text.contains("bench"), "{text}");
    assert!(text.contains("last unknown INVALID"), "{text}");
    // The status never shows scan data.
    assert!(!text.contains("09506000134352"), "{text}");

    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());
}

#[test]
fn sighup_with_a_valid_file_adds_a_source_without_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!(
        "[gateway]\nid = \"hup-ok\"\n[[source]]\nid = \"bench\"\nkind = \"stdin\"\n\
         [broker]\nembedded = true\nport = 0\n[stdout]\necho = true\n[outbox]\npath = \"{}\"\n",
        dir.path().join("outbox").display()
    );
    let config = write_config(dir.path(), "gw.toml", &base);
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut log = StderrLog::of(&mut child);
    log.wait_for("gateway running");

    // Add a replay source (a recorded capture of two scans in split USB packets).
    let capture = manifest("hardware-fixtures/serial/split-reads.jsonl");
    let reloaded = format!(
        "{base}[[source]]\nid = \"replayed\"\nkind = \"replay\"\npath = \"{}\"\nterminator = \"cr\"\n",
        capture.display()
    );
    std::fs::write(&config, reloaded).expect("rewrite config");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .expect("SIGHUP");
    log.wait_for("configuration reloaded");

    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut events = Vec::new();
    while events.len() < 2 {
        let line = lines
            .next()
            .expect("the reloaded source delivers its scans")
            .expect("read");
        events.push(serde_json::from_str::<serde_json::Value>(&line).expect("JSON event"));
    }
    assert!(events.iter().all(|e| e["scanner_id"] == "replayed"));
    assert_eq!(events[0]["kind"], "product");
    assert_eq!(events[1]["kind"], "patient");
    // The stdin source kept running through the reload; ending it stops the gateway.
    drop(child.stdin.take());
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());
}

/// Publishes `payload` on `topic` (retained or not) from a separate client and waits for the
/// broker's PUBACK.
async fn publish_to_broker(port: u16, topic: &str, payload: &[u8], retain: bool) {
    use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
    let o = MqttOptions::new("recall-list-publisher", "127.0.0.1", port);
    let (client, mut el) = AsyncClient::new(o, 10);
    client
        .publish(topic, QoS::AtLeastOnce, retain, payload.to_vec())
        .await
        .expect("publish queued");
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match el.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => break,
                Ok(_) => {}
                Err(e) => panic!("recall list publisher: {e}"),
            }
        }
    })
    .await
    .expect("PUBACK within 10 s");
    let _ = client.try_disconnect();
    let _ = tokio::time::timeout(Duration::from_secs(1), el.poll()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recall_list_over_mqtt_raises_recalled_alerts() {
    let broker = start_rumqttd();
    let topic = "trust/recalls";
    // The trust published its list (retained) before the gateway started.
    publish_to_broker(
        broker.port(),
        topic,
        b"gtin,batch,reason,reference\n09506000134352,LOT7,sterility breach,FSN-2026-001\n",
        true,
    )
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        "gw.toml",
        &format!(
            "[gateway]\nid = \"recall-test\"\n\
             [[source]]\nid = \"bay-1\"\nkind = \"stdin\"\n\
             [mqtt]\nurl = \"mqtt://{broker}\"\n\
             [alerts]\nrecall_topic = \"{topic}\"\n\
             [outbox]\npath = \"{}\"\n\
             [stdout]\necho = true\n",
            dir.path().join("outbox").display()
        ),
    );
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut log = StderrLog::of(&mut child);
    let (echo_tx, echo_rx) = std::sync::mpsc::channel::<serde_json::Value>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = echo_tx.send(v);
            }
        }
    });
    let mut scan = |data: &str| -> serde_json::Value {
        writeln!(stdin, "{data}").expect("write scan");
        stdin.flush().expect("flush");
        echo_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the scan event is echoed")
    };
    let alert_kinds = |v: &serde_json::Value| -> Vec<String> {
        v["alerts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x["kind"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };

    // The retained list arrives on subscribe: a scan of the recalled batch raises `recalled`.
    let line = log.wait_for("recall list received over MQTT");
    assert!(line.contains("retained=true"), "{line}");
    let e = scan("(01)09506000134352(10)LOT7");
    assert_eq!(alert_kinds(&e), ["recalled"], "{e}");
    assert!(
        e["alerts"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("FSN-2026-001"),
        "{e}"
    );
    assert!(alert_kinds(&scan("(01)09506000134352(10)LOT8")).is_empty());

    // An invalid list is logged and ignored: the old one stays in force.
    publish_to_broker(broker.port(), topic, b"gtin,batch\n12345,LOT8\n", false).await;
    let line = log.wait_for("is invalid and was ignored");
    assert!(line.contains("line 2"), "{line}");
    assert_eq!(
        alert_kinds(&scan("(01)09506000134352(10)LOT7")),
        ["recalled"]
    );

    // A valid new list (JSON this time) replaces the previous MQTT list.
    publish_to_broker(
        broker.port(),
        topic,
        br#"{"recalls": [{"gtin": "09506000134352", "batch": "LOT8"}]}"#,
        true,
    )
    .await;
    let line = log.wait_for("recall list received over MQTT");
    assert!(line.contains("entries=1"), "{line}");
    assert_eq!(
        alert_kinds(&scan("(01)09506000134352(10)LOT8")),
        ["recalled"]
    );
    assert!(alert_kinds(&scan("(01)09506000134352(10)LOT7")).is_empty());

    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "{status}");

    // Restarted with no broker reachable: the last list received over MQTT still applies.
    let unreachable = crate::util::free_port();
    let offline = write_config(
        dir.path(),
        "offline.toml",
        &format!(
            "[gateway]\nid = \"recall-test\"\ndrain_timeout = \"1s\"\n\
             [[source]]\nid = \"bay-1\"\nkind = \"stdin\"\n\
             [mqtt]\nurl = \"mqtt://127.0.0.1:{unreachable}\"\n\
             [alerts]\nrecall_topic = \"{topic}\"\n\
             [outbox]\npath = \"{}\"\n\
             [stdout]\necho = true\n",
            dir.path().join("outbox").display()
        ),
    );
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&offline)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut log = StderrLog::of(&mut child);
    let line = log.wait_for("recall list last received over MQTT loaded");
    assert!(line.contains("entries=1"), "{line}");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "(01)09506000134352(10)LOT8").expect("write scan");
    writeln!(stdin, "(01)09506000134352(10)LOT7").expect("write scan");
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success(), "{status}");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut out)
        .expect("stdout");
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON event"))
        .collect();
    assert_eq!(events.len(), 2, "{out}");
    assert_eq!(alert_kinds(&events[0]), ["recalled"], "{out}");
    assert!(alert_kinds(&events[1]).is_empty(), "{out}");
}

/// What a scanner (pty master) receives from the gateway, read on a thread.
fn pty_receiver(master: &std::fs::File) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let mut file = master.try_clone().expect("clone pty master");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n) = std::io::Read::read(&mut file, &mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits until the scanner has received `want` (panics after `timeout`).
fn expect_on_scanner(rx: &std::sync::mpsc::Receiver<Vec<u8>>, want: &[u8], timeout: Duration) {
    let deadline = Instant::now() + timeout;
    let mut got = Vec::new();
    while !got.windows(want.len()).any(|w| w == want) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => got.extend_from_slice(&bytes),
            Err(_) => panic!("scanner never received {want:?}; got {got:?}"),
        }
    }
}

#[test]
fn sighup_keeps_feedback_of_a_restarted_serial_source_and_applies_a_new_recall_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pty = crate::util::pty_pair();
    let recalls = dir.path().join("recalls.csv");
    std::fs::write(
        &recalls,
        "gtin,batch,reason\n09506000134352,ABC123,test recall\n",
    )
    .expect("recall list");
    let config_text = |terminator: &str, recall: bool| {
        format!(
            "[gateway]\nid = \"hup-fb\"\n\
             [[source]]\nid = \"bay-1\"\nkind = \"serial\"\npath = \"{}\"\nterminator = \"{terminator}\"\n\
             feedback = \"honeywell\"\n\
             [broker]\nembedded = true\nport = 0\n[stdout]\necho = true\n[outbox]\npath = \"{}\"\n\
             [alerts]\n{}",
            pty.path.display(),
            dir.path().join("outbox").display(),
            if recall {
                format!("recall_list = \"{}\"\n", recalls.display())
            } else {
                String::new()
            }
        )
    };
    let config = write_config(dir.path(), "gw.toml", &config_text("cr", false));
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut log = StderrLog::of(&mut child);
    log.wait_for("source connected");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut scanner = pty.master.try_clone().expect("clone master");
    let from_gateway = pty_receiver(&pty.master);
    // A product on the list, scanned before the list is configured: a good read.
    let scan = b"]d2010950600013435217301231" as &[u8];
    let recalled = b"10ABC123";
    let mut data = scan.to_vec();
    data.extend_from_slice(recalled);
    data.push(b'\r');
    scanner.write_all(&data).expect("scan");
    expect_on_scanner(&from_gateway, b"\x1b7,", Duration::from_secs(30));
    let first: serde_json::Value =
        serde_json::from_str(&stdout.next().expect("echo").expect("read")).expect("JSON");
    assert_eq!(first["batch"], "ABC123");
    assert_eq!(first["alerts"].as_array().map_or(0, Vec::len), 0);

    // Reload: the source's framing changes (so it restarts) and the recall list appears.
    std::fs::write(&config, config_text("any", true)).expect("rewrite config");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .expect("SIGHUP");
    // The restarted source connects after the old one is stopped, in either order with the
    // "reloaded" message; its connection is what must be waited for.
    log.wait_for("source stopped by reload");
    log.wait_for("source connected");

    // The same product again: now recalled, so the restarted source's scanner gets a bad read.
    scanner.write_all(&data).expect("scan");
    expect_on_scanner(&from_gateway, b"\x1b8,", Duration::from_secs(30));
    let second: serde_json::Value =
        serde_json::from_str(&stdout.next().expect("echo").expect("read")).expect("JSON");
    assert_eq!(second["batch"], "ABC123");
    assert!(
        second["alerts"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["kind"] == "recalled")),
        "{second}"
    );

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());
}

/// A recall list with a bad row used to pass `check-config` ("configuration ok", rc 0) while
/// `run` then used no recalls at all. Now check-config lists every rejected row at its line and
/// exits 2; so does a missing file.
#[test]
fn check_config_lists_each_rejected_recall_row_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let recalls = write_config(
        dir.path(),
        "recalls.csv",
        "# week 48\ngtin,batch,reference\n09506000134352,LOT7,FSN-1\n0950600013435,LOT8,FSN-2\n\
         09506000134376,,FSN-3\n12345,LOT9,FSN-4\n",
    );
    let config = |name: &str, list: &Path| {
        write_config(
            dir.path(),
            name,
            &format!("[alerts]\nrecall_list = \"{}\"\n", list.display()),
        )
    };
    let out = bin()
        .arg("check-config")
        .arg(config("bad.toml", &recalls))
        .output()
        .expect("run check-config");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("configuration ok"));
    for (line, gtin) in [(4, "0950600013435"), (6, "12345")] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("recalls.csv:{line}: error"))
                    && l.contains(&format!("line {line} rejected"))
                    && l.contains(gtin)),
            "line {line} not listed:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("configuration rejected (2 recall list errors)"),
        "{stderr}"
    );

    let out = bin()
        .arg("check-config")
        .arg(config("missing.toml", &dir.path().join("nonexistent.csv")))
        .output()
        .expect("run check-config");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nonexistent.csv"), "{stderr}");

    std::fs::write(&recalls, "gtin,batch\n09506000134352,LOT7\n").expect("fix the list");
    let out = bin()
        .arg("check-config")
        .arg(config("good.toml", &recalls))
        .output()
        .expect("run check-config");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Spawns `run` on a stdin source with an echo and the HTTP endpoint; returns the child, its
/// log, stdin and the echoed events.
fn run_with_recall_list(
    dir: &Path,
    port: u16,
    recall_list: &Path,
) -> (
    Child,
    StderrLog,
    std::process::ChildStdin,
    std::sync::mpsc::Receiver<serde_json::Value>,
) {
    let config = write_config(
        dir,
        "gw.toml",
        &format!(
            "[gateway]\nid = \"recall-rows\"\n[[source]]\nid = \"bay-1\"\nkind = \"stdin\"\n\
             [broker]\nembedded = true\nport = 0\n[http]\nenabled = true\nlisten = \"127.0.0.1:{port}\"\n\
             [alerts]\nrecall_list = \"{}\"\n[stdout]\necho = true\n[outbox]\npath = \"{}\"\n",
            recall_list.display(),
            dir.join("outbox").display()
        ),
    );
    let mut child = bin()
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = StderrLog::of(&mut child);
    let stdin = child.stdin.take().expect("stdin");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    (child, log, stdin, rx)
}

fn alert_kinds(v: &serde_json::Value) -> Vec<String> {
    v["alerts"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["kind"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// One bad row used to leave `run` with no recalls at all, healthy. Now the valid rows are in
/// force (a recalled batch raises `recalled`), the bad row is logged with its line, named in
/// the `/healthz` problems (503) and `status`, and counted in the metrics.
#[test]
fn run_with_a_bad_recall_row_keeps_the_valid_rows_and_reports_the_bad_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = crate::util::free_port();
    let recalls = write_config(
        dir.path(),
        "recalls.csv",
        "gtin,batch,reason,reference\n09506000134352,LOT7,sterility,FSN-1\n0950600013435,LOT8,typo,FSN-2\n",
    );
    let (mut child, mut log, mut stdin, echoed) = run_with_recall_list(dir.path(), port, &recalls);
    let line = log.wait_for("recall list row rejected");
    assert!(line.contains("line 3"), "{line}");
    log.wait_for("gateway running");
    writeln!(stdin, "(01)09506000134352(10)LOT7").expect("write");
    stdin.flush().expect("flush");
    let e = echoed
        .recv_timeout(Duration::from_secs(30))
        .expect("echoed");
    assert_eq!(alert_kinds(&e), ["recalled"], "{e}");

    let (code, body) = http_get(port, "/healthz").expect("/healthz");
    assert_eq!(code, 503, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON health body");
    let problems = v["problems"].to_string();
    assert!(
        problems.contains("row rejected, line 3") && problems.contains("0950600013435"),
        "{body}"
    );
    let (_, metrics) = http_get(port, "/metrics").expect("/metrics");
    assert!(
        metrics.contains("gs1_gateway_recall_rows_rejected 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gs1_gateway_recall_list_entries 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gs1_gateway_recall_check_unavailable 0"),
        "{metrics}"
    );
    let out = bin()
        .args(["status", "--endpoint"])
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .expect("status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains("1 row REJECTED"), "{text}");

    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());
}

/// A missing list file: `run` still records scans, and every product scan carries
/// `recall_check_unavailable` (alert and warning), while `/healthz` says why.
#[test]
fn run_without_a_loadable_recall_list_flags_every_product_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = crate::util::free_port();
    let missing = dir.path().join("recalls.csv");
    let (mut child, mut log, mut stdin, echoed) = run_with_recall_list(dir.path(), port, &missing);
    log.wait_for("gateway running");
    writeln!(stdin, "(01)09506000134352(10)LOT7").expect("write");
    stdin.flush().expect("flush");
    let e = echoed
        .recv_timeout(Duration::from_secs(30))
        .expect("echoed");
    assert_eq!(alert_kinds(&e), ["recall_check_unavailable"], "{e}");
    assert!(
        e["warnings"]
            .to_string()
            .contains("recall_check_unavailable"),
        "{e}"
    );
    let (code, body) = http_get(port, "/healthz").expect("/healthz");
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("could not be loaded"), "{body}");
    let (_, metrics) = http_get(port, "/metrics").expect("/metrics");
    assert!(
        metrics.contains("gs1_gateway_recall_check_unavailable 1"),
        "{metrics}"
    );

    // The file appears: the next poll loads it and the warning stops.
    std::fs::write(&missing, "gtin,batch\n09506000134352,LOT7\n").expect("write list");
    log.wait_for("recall list loaded");
    writeln!(stdin, "(01)09506000134352(10)LOT7").expect("write");
    stdin.flush().expect("flush");
    let e = echoed
        .recv_timeout(Duration::from_secs(30))
        .expect("echoed");
    assert_eq!(alert_kinds(&e), ["recalled"], "{e}");

    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(status.success());
}

/// Spawns `run` on `config` (stdin source, echo on): the child, its log, stdin and the echoed
/// events.
fn run_echoing(
    config: &Path,
) -> (
    Child,
    StderrLog,
    std::process::ChildStdin,
    std::sync::mpsc::Receiver<serde_json::Value>,
) {
    let mut child = bin()
        .args(["run", "--config"])
        .arg(config)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = StderrLog::of(&mut child);
    let stdin = child.stdin.take().expect("stdin");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    (child, log, stdin, rx)
}

/// Issue 13 through the real daemon: the theatre requires a patient (critical), a product
/// before any patient is flagged; the patient survives a clean restart and a SIGKILL (the
/// context is saved beside the outbox); a serialised implant used for patient A and then,
/// after a restart, for patient B raises the critical `serial_reused`.
#[test]
fn context_and_serial_uses_survive_restarts_and_kills() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        "gw.toml",
        &format!(
            "[gateway]\nid = \"theatre\"\n[[source]]\nid = \"scrub\"\nkind = \"stdin\"\n\
             [broker]\nembedded = true\nport = 0\n[stdout]\necho = true\n\
             [context]\nrequire_patient = \"critical\"\n\
             [interop.implants]\ngtins = [\"09506000134352\"]\n[outbox]\npath = \"{}\"\n",
            dir.path().join("outbox").display()
        ),
    );
    const IMPLANT: &str = "]d2010950600013435221IMP1";
    const BAND_A: &str = "]d28018501234599900000182";
    let next = |rx: &std::sync::mpsc::Receiver<serde_json::Value>| {
        rx.recv_timeout(Duration::from_secs(30))
            .expect("echoed event")
    };
    // Run 1: an implant before any patient, then patient A and the implant.
    let (mut child, mut log, mut stdin, rx) = run_echoing(&config);
    log.wait_for("gateway running");
    for line in [IMPLANT, BAND_A, IMPLANT] {
        writeln!(stdin, "{line}").expect("write");
    }
    stdin.flush().expect("flush");
    let before = next(&rx);
    assert_eq!(alert_kinds(&before), ["missing_patient"], "{before}");
    let band = next(&rx);
    let with_a = next(&rx);
    assert!(alert_kinds(&with_a).is_empty(), "{with_a}");
    let patient_a = with_a["context"]["patient"]["id"].clone();
    assert_eq!(with_a["context"]["patient"]["event_id"], band["event_id"]);
    drop(stdin);
    assert!(wait_exit(&mut child, Duration::from_secs(60)).success());

    // Run 2, after a clean restart: the implant scanned again is still with patient A.
    let (mut child, mut log, mut stdin, rx) = run_echoing(&config);
    log.wait_for("gateway running");
    writeln!(stdin, "{IMPLANT}").expect("write");
    stdin.flush().expect("flush");
    let again = next(&rx);
    assert_eq!(again["context"]["patient"]["id"], patient_a, "{again}");
    assert!(alert_kinds(&again).is_empty(), "{again}");
    // Patient B's band, then SIGKILL in the middle of the operation.
    writeln!(stdin, "]d28018501234594347659191").expect("write");
    stdin.flush().expect("flush");
    let band_b = next(&rx);
    assert_eq!(band_b["kind"], "patient", "{band_b}");
    child.kill().expect("SIGKILL");
    let _ = child.wait();

    // Run 3: patient B came back; the implant already used for A raises serial_reused.
    let (mut child, mut log, mut stdin, rx) = run_echoing(&config);
    log.wait_for("gateway running");
    writeln!(stdin, "{IMPLANT}").expect("write");
    stdin.flush().expect("flush");
    let reused = next(&rx);
    assert_eq!(
        reused["context"]["patient"]["event_id"], band_b["event_id"],
        "{reused}"
    );
    assert_eq!(alert_kinds(&reused), ["serial_reused"], "{reused}");
    assert_eq!(reused["alerts"][0]["severity"], "critical");
    assert!(
        log.seen
            .contains("point-of-care context and serial uses restored"),
        "{}",
        log.seen
    );
    drop(stdin);
    assert!(wait_exit(&mut child, Duration::from_secs(60)).success());
}

/// Issue 13's theatre case through the real daemon and its embedded broker: patient → staff →
/// 3 implants, then a SIGKILL in the middle of the case (the case comes back: the next implant
/// carries the same `case_id`), then the next patient closes it: `…/case` carries the opening
/// and the completed case listing all four product scans.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_theatre_case_survives_a_kill_and_is_published_when_it_closes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        "gw.toml",
        &format!(
            "[gateway]\nid = \"cases\"\n[[source]]\nid = \"scrub\"\nkind = \"stdin\"\n\
             [broker]\nembedded = true\nport = 0\n[stdout]\necho = true\n\
             [[context.group]]\nname = \"theatre-3\"\nscanners = [\"scrub\"]\n\
             location = \"(414)5012345000008\"\n[outbox]\npath = \"{}\"\n",
            dir.path().join("outbox").display()
        ),
    );
    const IMPLANT: &str = "]d2010950600013435221IMP";
    let next = |rx: &std::sync::mpsc::Receiver<serde_json::Value>| {
        rx.recv_timeout(Duration::from_secs(30))
            .expect("echoed event")
    };
    let (mut child, mut log, mut stdin, rx) = run_echoing(&config);
    let addr = embedded_broker(&mut log);
    let mut sub = Subscriber::connect(
        addr.port(),
        "case-subscriber",
        "scan4safety/v1/cases/+/case",
        true,
        ProtocolVersion::V311,
    )
    .await;
    writeln!(stdin, "]d28018501234599900000182").expect("write");
    writeln!(stdin, "]d28017501234500000000019").expect("write");
    for n in 1..=3 {
        writeln!(stdin, "{IMPLANT}{n}").expect("write");
    }
    stdin.flush().expect("flush");
    let band = next(&rx);
    let _badge = next(&rx);
    let mut products = Vec::new();
    for _ in 0..3 {
        products.push(next(&rx));
    }
    let case_id = products[0]["case_id"].clone();
    assert!(case_id.is_string(), "{}", products[0]);
    assert!(products.iter().all(|p| p["case_id"] == case_id));
    let opened = sub
        .next(Duration::from_secs(30))
        .await
        .expect("case opened");
    let opened: serde_json::Value = serde_json::from_slice(&opened.payload).expect("JSON");
    assert_eq!(opened["status"], "open", "{opened}");
    assert_eq!(opened["case_id"], case_id);
    assert_eq!(opened["patient"]["event_id"], band["event_id"]);
    child.kill().expect("SIGKILL");
    let _ = child.wait();

    let (mut child, mut log, mut stdin, rx) = run_echoing(&config);
    let addr = embedded_broker(&mut log);
    let mut sub = Subscriber::connect(
        addr.port(),
        "case-subscriber-2",
        "scan4safety/v1/cases/+/case",
        true,
        ProtocolVersion::V311,
    )
    .await;
    writeln!(stdin, "{IMPLANT}4").expect("write");
    writeln!(stdin, "]d28018501234594347659191").expect("write");
    stdin.flush().expect("flush");
    let fourth = next(&rx);
    assert_eq!(fourth["case_id"], case_id, "{fourth}");
    products.push(fourth);
    let _ = next(&rx);
    let mut closed = None;
    while closed.is_none() {
        let m = sub
            .next(Duration::from_secs(30))
            .await
            .expect("case record");
        let v: serde_json::Value = serde_json::from_slice(&m.payload).expect("JSON");
        if v["case_id"] == case_id && v["status"] != "open" {
            closed = Some(v);
        }
    }
    let closed = closed.expect("closed");
    assert_eq!(closed["status"], "completed", "{closed}");
    assert_eq!(closed["closed_by"], "patient_changed");
    assert_eq!(closed["location"]["id"], "5012345000008");
    assert!(closed["staff"]["id"].is_string(), "{closed}");
    let ids: Vec<serde_json::Value> = products.iter().map(|p| p["event_id"].clone()).collect();
    assert_eq!(closed["products"], serde_json::Value::Array(ids));
    drop(stdin);
    assert!(wait_exit(&mut child, Duration::from_secs(60)).success());
}

/// Issue 24 §4: logs written to a pipe or the journal carry no terminal colour codes, and
/// `RUST_LOG=info` does not bring back the embedded broker's connection chatter.
#[test]
fn logs_to_a_pipe_are_plain_text() {
    let state = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("run")
        .env("XDG_STATE_HOME", state.path())
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gateway running"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in piped logs:\n{stderr}"
    );
    assert!(
        !stderr.contains("remote_link"),
        "rumqttd chatter:\n{stderr}"
    );
}
