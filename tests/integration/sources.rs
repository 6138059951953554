//! Scanner sources: serial over real pseudo-terminals (unplug/replug, several scanners, garbage
//! and floods), the key-map and HID POS state machines against the recorded fixtures in
//! `hardware-fixtures/`, replay with virtual time, and the `listen` and `devices` commands.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use gs1_gateway::source::feedback::{Feedback, FeedbackProtocol};
use gs1_gateway::source::framing::{FrameOptions, Framer, FramerConfig, FramingError, Terminator};
use gs1_gateway::source::hid::{HidReportHandler, HidSourceConfig};
use gs1_gateway::source::hidpos::HidProtocol;
use gs1_gateway::source::keyboard::{map_events, KeyboardSourceConfig};
use gs1_gateway::source::keymap::{parse_input_events, KeyTerminator, Layout};
use gs1_gateway::source::replay::{parse_capture, replay_records, ReplaySourceConfig};
use gs1_gateway::source::serial::{self, SerialSourceConfig};
use gs1_gateway::source::{
    CancellationToken, RawScan, SourceError, SourceEvent, SourceKind, SourceStatus,
};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::util::{hardware_fixture, pty_pair};

/// One expected result from a `*.expected.json` fixture file.
#[derive(Debug, Deserialize)]
struct Expected {
    #[serde(default)]
    symbology: Option<String>,
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn expected(name: &str) -> Vec<Expected> {
    serde_json::from_slice(&hardware_fixture(name)).expect("valid expectation file")
}

/// Compact form of an event for comparison with expectations.
fn summarize(event: &SourceEvent) -> (Option<String>, Option<Vec<u8>>, Option<String>) {
    match event {
        SourceEvent::Scan(s) => (s.symbology.clone(), Some(s.data.clone()), None),
        SourceEvent::Error { error, .. } => (None, None, Some(error_kind(error).into())),
        SourceEvent::Status { status, .. } => (None, None, Some(format!("status:{status:?}"))),
    }
}

fn error_kind(error: &SourceError) -> &'static str {
    match error {
        SourceError::Framing(FramingError::InvalidUtf8 { .. }) => "invalid_utf8",
        SourceError::Framing(FramingError::ControlCharacter { .. }) => "control_character",
        SourceError::Framing(FramingError::TooLong { .. }) => "too_long",
        SourceError::Framing(FramingError::Unterminated { .. }) => "unterminated",
        SourceError::Keymap(_) => "keymap",
        SourceError::HidPos(_) => "hidpos",
        _ => "other",
    }
}

fn assert_matches_expected(events: &[SourceEvent], name: &str) {
    let want = expected(name);
    let got: Vec<_> = events.iter().map(summarize).collect();
    assert_eq!(got.len(), want.len(), "{name}: got {got:?}");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        match &w.error {
            Some(kind) => assert_eq!(g.2.as_deref(), Some(kind.as_str()), "{name} #{i}: {g:?}"),
            None => {
                assert_eq!(g.0, w.symbology, "{name} #{i} symbology");
                assert_eq!(
                    g.1.as_deref(),
                    w.data.as_deref().map(str::as_bytes),
                    "{name} #{i} data"
                );
            }
        }
    }
}

fn frames_to_events(
    source_id: &str,
    frames: Vec<Result<gs1_gateway::source::framing::Frame, FramingError>>,
) -> Vec<SourceEvent> {
    frames
        .into_iter()
        .map(|r| match r {
            Ok(f) => SourceEvent::Scan(RawScan::now(
                source_id,
                SourceKind::Serial,
                f.data,
                f.symbology,
            )),
            Err(e) => SourceEvent::Error {
                source_id: source_id.into(),
                error: e.into(),
            },
        })
        .collect()
}

fn serial_fixture_config(name: &str) -> FramerConfig {
    let (terminator, stand_in) = match name {
        "no-aim-crlf" => (Terminator::CrLf, None),
        "gs-stand-in" => (Terminator::Cr, Some(b"<GS>".to_vec())),
        _ => (Terminator::Cr, None),
    };
    FramerConfig {
        terminator,
        options: FrameOptions {
            gs_stand_in: stand_in,
            ..FrameOptions::default()
        },
        ..FramerConfig::default()
    }
}

/// Every serial capture frames to its expectation, whether read whole or one byte at a time.
#[test]
fn serial_fixtures_frame_as_expected_in_any_read_size() {
    for name in [
        "aim-cr",
        "no-aim-crlf",
        "gs-absent",
        "gs-stand-in",
        "line-noise",
    ] {
        let bytes = hardware_fixture(&format!("serial/{name}.bin"));
        for chunk in [bytes.len().max(1), 1, 3, 64] {
            let mut framer = Framer::new(serial_fixture_config(name));
            let mut frames = Vec::new();
            for piece in bytes.chunks(chunk) {
                framer.push(piece, &mut frames);
            }
            assert!(
                framer.abandon("end").is_none(),
                "{name}: trailing partial frame"
            );
            assert_matches_expected(
                &frames_to_events("s", frames),
                &format!("serial/{name}.expected.json"),
            );
        }
    }
}

fn key_events(name: &str) -> Vec<gs1_gateway::source::keymap::KeyEvent> {
    parse_input_events(&hardware_fixture(name))
        .expect("whole input_event records")
        .iter()
        .filter_map(|r| r.key_event())
        .collect()
}

#[test]
fn keyboard_fixtures_map_to_expected_text() {
    let cases: &[(&str, Layout, KeyTerminator, Option<&[u8]>)] = &[
        ("us-ctrl-bracket-gs", Layout::Us, KeyTerminator::Enter, None),
        ("us-alt-0029-gs", Layout::Us, KeyTerminator::Enter, None),
        ("gb-shifted", Layout::Gb, KeyTerminator::Enter, None),
        ("us-shifted", Layout::Us, KeyTerminator::Enter, None),
        (
            "us-stand-in-gs",
            Layout::Us,
            KeyTerminator::Enter,
            Some(b"^]"),
        ),
        ("us-fast-tab", Layout::Us, KeyTerminator::Tab, None),
    ];
    for (name, layout, terminator, stand_in) in cases {
        let mut config = KeyboardSourceConfig::new("kbd", "/dev/input/event0");
        config.layout = *layout;
        config.terminator = *terminator;
        config.gs_stand_in =
            stand_in.map(|s| gs1_gateway::source::framing::ByteSequence(s.to_vec()));
        let events = map_events(&config, key_events(&format!("keyboard/{name}.bin")));
        assert_matches_expected(&events, &format!("keyboard/{name}.expected.json"));
    }
}

/// Typed on a UK layout but decoded as US, the differing keys come out wrong: the layout setting
/// matters, and the fixtures really differ.
#[test]
fn uk_capture_read_as_us_differs() {
    let config = KeyboardSourceConfig::new("kbd", "/dev/input/event0");
    let events = map_events(&config, key_events("keyboard/gb-shifted.bin"));
    let want = expected("keyboard/gb-shifted.expected.json");
    match &events[..] {
        [SourceEvent::Scan(scan)] => assert_ne!(
            Some(scan.data.as_slice()),
            want[0].data.as_deref().map(str::as_bytes)
        ),
        [SourceEvent::Error { .. }] => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn hid_fixtures_decode_as_expected() {
    for (name, protocol) in [
        ("honeywell-hidpos", HidProtocol::Honeywell),
        ("honeywell-multi-report", HidProtocol::Honeywell),
        ("zebra-scpe", HidProtocol::Scpe),
    ] {
        let mut config = HidSourceConfig::new("hid", "/dev/hidraw0");
        config.protocol = protocol;
        let mut handler = HidReportHandler::new(&config);
        let events: Vec<_> = hardware_fixture(&format!("hid/{name}.bin"))
            .chunks(64)
            .flat_map(|report| handler.feed(report))
            .collect();
        assert!(handler.abandon("end").is_empty(), "{name}: leftover");
        assert_matches_expected(&events, &format!("hid/{name}.expected.json"));
    }
}

/// Receives the next event, failing (instead of hanging) if none comes within 20 s.
async fn next(rx: &mut mpsc::Receiver<SourceEvent>) -> SourceEvent {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("an event within 20 s")
        .expect("the source is still running")
}

/// Skips retry notices (their timing is tested with virtual time below).
async fn next_significant(rx: &mut mpsc::Receiver<SourceEvent>) -> SourceEvent {
    loop {
        let e = next(rx).await;
        if !matches!(
            e,
            SourceEvent::Status {
                status: SourceStatus::Retrying { .. },
                ..
            }
        ) {
            return e;
        }
    }
}

async fn expect_status(rx: &mut mpsc::Receiver<SourceEvent>, want: fn(&SourceStatus) -> bool) {
    match next_significant(rx).await {
        SourceEvent::Status { status, .. } if want(&status) => {}
        other => panic!("expected a status event, got {other:?}"),
    }
}

fn connected(s: &SourceStatus) -> bool {
    matches!(s, SourceStatus::Connected)
}
fn disconnected(s: &SourceStatus) -> bool {
    matches!(s, SourceStatus::Disconnected { .. })
}

fn fast_reconnect(mut config: SerialSourceConfig) -> SerialSourceConfig {
    config.reconnect_initial = Duration::from_millis(20);
    config.reconnect_max = Duration::from_millis(200);
    config
}

/// Reads exactly `n` bytes that the gateway wrote to the scanner's end of `pty` (feedback),
/// off the async runtime: the read blocks until they arrive.
async fn read_from_scanner(pty: &crate::util::PtyPair, n: usize) -> Vec<u8> {
    let mut master = pty.master.try_clone().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; n];
        std::io::Read::read_exact(&mut master, &mut buf).map(|_| buf)
    })
    .await
    .unwrap()
    .unwrap()
}

#[tokio::test]
async fn serial_pty_delivers_fixture_scans_and_writes_feedback() {
    let mut pty = pty_pair();
    let mut config = fast_reconnect(SerialSourceConfig::new("theatre-3", &pty.path));
    config.terminator = Terminator::Cr;
    config.feedback = FeedbackProtocol::Honeywell;
    let (tx, mut rx) = mpsc::channel(64);
    let (fb_tx, fb_rx) = mpsc::channel(4);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serial::run_with_feedback(
        config,
        tx,
        Some(fb_rx),
        cancel.clone(),
    ));
    expect_status(&mut rx, connected).await;

    pty.master
        .write_all(&hardware_fixture("serial/aim-cr.bin"))
        .unwrap();
    let want = expected("serial/aim-cr.expected.json");
    let mut got = Vec::new();
    for _ in 0..want.len() {
        got.push(next_significant(&mut rx).await);
    }
    assert_matches_expected(&got, "serial/aim-cr.expected.json");
    for e in &got {
        let SourceEvent::Scan(scan) = e else {
            unreachable!()
        };
        assert_eq!(scan.source_id, "theatre-3");
        assert_eq!(scan.kind, SourceKind::Serial);
    }

    // Good-read feedback reaches the scanner as Honeywell's host ACK.
    fb_tx.send(Feedback::GoodRead).await.unwrap();
    fb_tx.send(Feedback::BadRead).await.unwrap();
    let ack = read_from_scanner(&pty, 6).await;
    assert_eq!(&ack, b"\x1b7,\x1b8,");

    cancel.cancel();
    task.await.unwrap().unwrap();
}

/// A raw-mode pty stands in for the hidraw node: one write of a report is one read by the
/// source, and what the source writes back (its output reports) arrives at the master as is.
#[tokio::test]
async fn hid_pos_source_reads_reports_and_writes_feedback_output_reports() {
    use std::os::fd::AsFd;

    let mut pty = pty_pair();
    let mut termios = nix::sys::termios::tcgetattr(pty._slave.as_fd()).unwrap();
    nix::sys::termios::cfmakeraw(&mut termios);
    nix::sys::termios::tcsetattr(
        pty._slave.as_fd(),
        nix::sys::termios::SetArg::TCSANOW,
        &termios,
    )
    .unwrap();

    let mut config = HidSourceConfig::new("pharmacy", &pty.path);
    config.feedback = FeedbackProtocol::Honeywell;
    config.reconnect_initial = Duration::from_millis(20);
    let (tx, mut rx) = mpsc::channel(64);
    let (fb_tx, fb_rx) = mpsc::channel(4);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(gs1_gateway::source::hid::run_with_feedback(
        config,
        tx,
        Some(fb_rx),
        cancel.clone(),
    ));
    expect_status(&mut rx, connected).await;

    let reports = gs1_gateway::source::hidpos::honeywell_reports(
        "]d2",
        b"01095060001343521726123110ABC123\x1d21S1",
        b'w',
    );
    assert_eq!(reports.len(), 1);
    pty.master.write_all(&reports[0]).unwrap();
    match next_significant(&mut rx).await {
        SourceEvent::Scan(scan) => {
            assert_eq!(scan.source_id, "pharmacy");
            assert_eq!(scan.kind, SourceKind::Hid);
            assert_eq!(scan.symbology.as_deref(), Some("]d2"));
            assert_eq!(scan.data, b"01095060001343521726123110ABC123\x1d21S1");
        }
        other => panic!("expected the scan, got {other:?}"),
    }

    // The verdicts go back as Honeywell HID POS output report 4: good-read beep, error beep.
    fb_tx.send(Feedback::GoodRead).await.unwrap();
    fb_tx.send(Feedback::BadRead).await.unwrap();
    let written = read_from_scanner(&pty, 4).await;
    assert_eq!(written, [0x04, 0x40, 0x04, 0x20]);

    cancel.cancel();
    task.await.unwrap().unwrap();
}

#[test]
fn hid_feedback_settings_that_cannot_work_are_config_errors() {
    let mut scpe = HidSourceConfig::new("z", "/dev/hidraw1");
    scpe.protocol = HidProtocol::Scpe;
    scpe.feedback = FeedbackProtocol::Honeywell;
    let e = scpe.validate().unwrap_err().to_string();
    assert!(e.contains("needs protocol = \"honeywell\""), "{e}");
    let mut ssi = HidSourceConfig::new("z", "/dev/hidraw1");
    ssi.feedback = FeedbackProtocol::ZebraSsi;
    let e = ssi.validate().unwrap_err().to_string();
    assert!(e.contains("is for serial sources"), "{e}");
    let mut ok = HidSourceConfig::new("h", "/dev/hidraw0");
    ok.feedback = FeedbackProtocol::Honeywell;
    assert!(ok.validate().is_ok());
}

#[tokio::test]
async fn serial_survives_unplug_and_replug_behind_the_same_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scanner-ward-7");
    let mut first = pty_pair();
    std::os::unix::fs::symlink(&first.path, &link).unwrap();

    let mut config = fast_reconnect(SerialSourceConfig::new("ward-7", &link));
    config.terminator = Terminator::CrLf;
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serial::run(config, tx, cancel.clone()));
    expect_status(&mut rx, connected).await;

    // One whole scan, then the scanner is pulled out half-way through the next one.
    first
        .master
        .write_all(b"]E09506000134352\r\n]d20109506")
        .unwrap();
    match next_significant(&mut rx).await {
        SourceEvent::Scan(s) => assert_eq!(s.data, b"9506000134352"),
        other => panic!("{other:?}"),
    }
    drop(first);
    match next_significant(&mut rx).await {
        SourceEvent::Error {
            error: SourceError::Framing(FramingError::Unterminated { length: 10, .. }),
            ..
        } => {}
        other => panic!("expected the half scan to be reported, got {other:?}"),
    }
    expect_status(&mut rx, disconnected).await;

    // Replugged: a new tty number behind the same stable name.
    let mut second = pty_pair();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&second.path, &link).unwrap();
    expect_status(&mut rx, connected).await;
    second.master.write_all(b"]C1414950600000123\r\n").unwrap();
    match next_significant(&mut rx).await {
        SourceEvent::Scan(s) => {
            assert_eq!(s.symbology.as_deref(), Some("]C1"));
            assert_eq!(s.data, b"414950600000123");
        }
        other => panic!("{other:?}"),
    }
    cancel.cancel();
    task.await.unwrap().unwrap();
}

/// Three scanners at once; one sends garbage, invalid UTF-8 and an unterminated 1 MB flood. It
/// gets error events, keeps working, loses nothing it had framed, and the others are unaffected.
#[tokio::test]
async fn several_scanners_one_misbehaving() {
    let (tx, mut rx) = mpsc::channel(256);
    let cancel = CancellationToken::new();
    let mut ptys = Vec::new();
    let mut tasks = Vec::new();
    for id in ["bad", "good-1", "good-2"] {
        let pty = pty_pair();
        let mut config = fast_reconnect(SerialSourceConfig::new(id, &pty.path));
        config.terminator = Terminator::Cr;
        config.max_scan_length = 4096;
        // Long enough that the flood is ended by its terminator, not by the timeout.
        config.frame_timeout = Duration::from_secs(30);
        tasks.push(tokio::spawn(serial::run(
            config,
            tx.clone(),
            cancel.clone(),
        )));
        ptys.push(pty);
    }
    drop(tx);
    let mut connected_count = 0;
    while connected_count < 3 {
        if let SourceEvent::Status {
            status: SourceStatus::Connected,
            ..
        } = next_significant(&mut rx).await
        {
            connected_count += 1;
        }
    }

    let mut bad = ptys[0].master.try_clone().unwrap();
    let writer = tokio::task::spawn_blocking(move || {
        bad.write_all(b"]E09506000134352\r\xff\xfe\x00garbage\r")
            .unwrap();
        bad.write_all(&vec![b'7'; 1 << 20]).unwrap();
        bad.write_all(b"\r]E09506000134352\r").unwrap();
    });
    for (i, pty) in ptys.iter_mut().enumerate().skip(1) {
        for n in 0..20 {
            write!(pty.master, "]d2010950600013435221SERIAL{i}x{n}\r").unwrap();
        }
    }
    writer.await.unwrap();

    let mut bad_events = Vec::new();
    let mut good = [0usize; 3];
    while bad_events.len() < 4 || good[1] < 20 || good[2] < 20 {
        let event = next_significant(&mut rx).await;
        match event.source_id() {
            "bad" => bad_events.push(summarize(&event)),
            id => {
                let i = if id == "good-1" { 1 } else { 2 };
                match &event {
                    SourceEvent::Scan(s) => {
                        let want = format!("010950600013435221SERIAL{i}x{}", good[i]);
                        assert_eq!(s.data, want.as_bytes());
                        good[i] += 1;
                    }
                    other => panic!("good scanner got {other:?}"),
                }
            }
        }
    }
    let kinds: Vec<_> = bad_events
        .iter()
        .map(|e| e.2.as_deref().unwrap_or("scan"))
        .collect();
    assert_eq!(kinds, vec!["scan", "invalid_utf8", "too_long", "scan"]);
    cancel.cancel();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

/// Back-off on a missing device doubles from the initial delay up to the cap (virtual time), and
/// the device is picked up as soon as it appears.
#[tokio::test(start_paused = true)]
async fn reconnect_backoff_is_capped_exponential() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scanner");
    let mut config = SerialSourceConfig::new("late", &link);
    config.reconnect_initial = Duration::from_millis(100);
    config.reconnect_max = Duration::from_millis(800);
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serial::run(config, tx, cancel.clone()));

    match rx.recv().await.unwrap() {
        SourceEvent::Status {
            status: SourceStatus::Disconnected { reason },
            ..
        } => assert!(reason.contains("cannot open"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let mut delays = Vec::new();
    let mut times = Vec::new();
    for _ in 0..6 {
        match rx.recv().await.unwrap() {
            SourceEvent::Status {
                status: SourceStatus::Retrying { attempt, delay },
                ..
            } => {
                assert_eq!(attempt as usize, delays.len() + 1);
                delays.push(delay.as_millis());
                times.push(tokio::time::Instant::now());
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(delays, vec![100, 200, 400, 800, 800, 800]);
    for (w, d) in times.windows(2).zip(&delays) {
        assert_eq!(
            (w[1] - w[0]).as_millis(),
            *d,
            "the source waited exactly its back-off"
        );
    }

    let pty = pty_pair();
    std::os::unix::fs::symlink(&pty.path, &link).unwrap();
    loop {
        match rx.recv().await.unwrap() {
            SourceEvent::Status {
                status: SourceStatus::Connected,
                ..
            } => break,
            SourceEvent::Status {
                status: SourceStatus::Retrying { delay, .. },
                ..
            } => {
                assert_eq!(delay, Duration::from_millis(800))
            }
            other => panic!("{other:?}"),
        }
    }
    cancel.cancel();
    task.await.unwrap().unwrap();
}

/// A frame whose terminator never comes is discarded after `frame_timeout` with an error.
#[tokio::test(start_paused = true)]
async fn unterminated_frame_times_out_with_an_error() {
    let mut pty = pty_pair();
    let mut config = SerialSourceConfig::new("t", &pty.path);
    config.terminator = Terminator::Cr;
    config.frame_timeout = Duration::from_millis(1500);
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serial::run(config, tx, cancel.clone()));
    assert!(matches!(
        rx.recv().await.unwrap(),
        SourceEvent::Status {
            status: SourceStatus::Connected,
            ..
        }
    ));
    pty.master.write_all(b"]d2010950600").unwrap();
    let start = tokio::time::Instant::now();
    match rx.recv().await.unwrap() {
        SourceEvent::Error {
            error: SourceError::Framing(FramingError::Unterminated { length: 12, reason }),
            ..
        } => assert!(reason.contains("frame_timeout")),
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() >= Duration::from_millis(1500));
    // The line still works afterwards.
    pty.master.write_all(b"]E09506000134352\r").unwrap();
    assert!(matches!(rx.recv().await.unwrap(), SourceEvent::Scan(_)));
    cancel.cancel();
    task.await.unwrap().unwrap();
}

async fn replay_fixture(name: &str, terminator: Terminator) -> (Vec<SourceEvent>, Vec<Duration>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("hardware-fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let records = parse_capture(&path, &text).unwrap();
    let mut config = ReplaySourceConfig::new("replay", &path);
    config.terminator = terminator;
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let start = tokio::time::Instant::now();
    let player = tokio::spawn(async move { replay_records(&config, &records, &tx, &cancel).await });
    let mut events = Vec::new();
    let mut at = Vec::new();
    while let Some(e) = rx.recv().await {
        match e {
            SourceEvent::Status {
                status: SourceStatus::Finished,
                ..
            } => break,
            SourceEvent::Status { .. } => {}
            e => {
                events.push(e);
                at.push(start.elapsed());
            }
        }
    }
    player.await.unwrap();
    (events, at)
}

#[tokio::test(start_paused = true)]
async fn replay_of_split_reads_gives_whole_scans() {
    let (events, _) = replay_fixture("serial/split-reads.jsonl", Terminator::Cr).await;
    assert_matches_expected(&events, "serial/split-reads.expected.json");
}

/// Without a terminator, the idle gap in the recorded timing separates the scans.
#[tokio::test(start_paused = true)]
async fn replay_with_idle_gap_framing_uses_recorded_timing() {
    let (events, at) = replay_fixture(
        "serial/idle-gap.jsonl",
        Terminator::Idle(Duration::from_millis(50)),
    )
    .await;
    assert_matches_expected(&events, "serial/idle-gap.expected.json");
    // Each scan is complete 50 ms after its last byte (2 ms, 400 ms, 900 ms).
    assert_eq!(
        at,
        vec![
            Duration::from_millis(52),
            Duration::from_millis(450),
            Duration::from_millis(950)
        ]
    );
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gs1-gateway")
}

#[test]
fn listen_stdin_prints_one_json_line_per_scan() {
    let mut child = std::process::Command::new(bin())
        .args(["listen", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"]d201095060001343521726123110ABC123\\x1d21S1\r\nnot a barcode\n\
              +A999123457\n]d28018501234599900000182\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["source"], "stdin");
    assert_eq!(lines[0]["kind"], "product");
    assert_eq!(lines[0]["symbology"], "]d2");
    assert_eq!(
        lines[0]["raw"],
        "01095060001343521726123110ABC123\u{1d}21S1"
    );
    assert!(lines[0]["ok"].is_boolean());
    let received = lines[0]["received_at"].as_str().unwrap();
    time::OffsetDateTime::parse(received, &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(lines[1]["ok"], false);
    assert!(lines[1]["error"]["message"].is_string());
    // HIBC is a product here as in `run` and `parse` (it was once `not_gs1` here).
    assert_eq!(lines[2]["ok"], true, "{}", lines[2]);
    assert_eq!(lines[2]["kind"], "product");
    assert_eq!(lines[2]["hibc"]["device_identifier"], "A99912345");
    // A wristband is read by the daemon's stage: its NHS number never reaches the screen.
    assert_eq!(lines[3]["kind"], "patient", "{}", lines[3]);
    let text = lines[3].to_string();
    assert!(!text.contains("9990000018"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stdin: connected"), "{stderr}");
}

/// `parse` reads HIBC by the same rule as `run` and `listen`: a valid code is `ok` with its
/// HIBC view (exit 0), a broken one gets the HIBC error (exit 1).
#[test]
fn parse_reads_hibc_like_run() {
    let out = std::process::Command::new(bin())
        .args(["parse", "+A999123457", "+$$3271231LOT579"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines[0]["kind"], "product");
    assert_eq!(lines[0]["hibc"]["device_identifier"], "A99912345");
    assert_eq!(lines[0]["hri"], "*+A999123457*");
    assert_eq!(lines[1]["kind"], "unknown");
    assert_eq!(lines[1]["batch"], "LOT5");
    assert_eq!(lines[1]["expiry"], "2027-12-31");
    let out = std::process::Command::new(bin())
        .args(["parse", "+A99912345X"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["kind"], "hibc");
}

#[test]
fn listen_camera_decoder_is_checked_and_a_source_is_required() {
    let out = std::process::Command::new(bin())
        .args(["listen", "--camera", "/dev/video0", "--decoder", "opencv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--decoder"));
    let out = std::process::Command::new(bin())
        .args(["listen"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose a source"));
    let out = std::process::Command::new(bin())
        .args([
            "listen",
            "--serial",
            "/dev/null",
            "--terminator",
            "idle:soon",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `listen --serial` over a pty: scans on stdout, connection changes on stderr, and it keeps
/// running when the scanner is unplugged.
#[tokio::test]
async fn listen_serial_reports_scans_and_connection_changes() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut pty = pty_pair();
    let mut child = tokio::process::Command::new(bin())
        .args(["listen", "--serial"])
        .arg(&pty.path)
        .args(["--terminator", "cr"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), stderr.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(line.contains("serial: connected"), "{line}");
    pty.master.write_all(b"]E09506000134352\r").unwrap();
    let line = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["source"], "serial");
    assert_eq!(v["symbology"], "]E0");
    assert_eq!(v["raw"], "9506000134352");
    drop(pty);
    let line = tokio::time::timeout(Duration::from_secs(20), stderr.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(line.contains("serial: disconnected"), "{line}");
    // Still running, waiting for the scanner to come back.
    assert!(child.try_wait().unwrap().is_none());
    child.kill().await.unwrap();
}

#[test]
fn devices_lists_every_section_even_when_empty() {
    let out = std::process::Command::new(bin())
        .args(["devices", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["serial_ports", "input_devices", "hid_pos", "cameras"] {
        assert!(v[key].is_array(), "{key} missing in {v}");
    }
    let out = std::process::Command::new(bin())
        .args(["devices"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in [
        "Serial ports",
        "Keyboard-wedge scanners",
        "HID POS scanners",
        "Cameras",
    ] {
        assert!(text.contains(heading), "{text}");
    }
}
