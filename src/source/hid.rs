//! HID point-of-sale scanners (`/dev/hidraw*`, usage page 0x8C).
//!
//! Thin layer around [`HidPosDecoder`]: the hidraw node is opened non-blocking and read through
//! tokio's `AsyncFd` (one report per `read()`), so the reader is cancellable at once and needs no
//! thread. Honeywell-layout reports become scans directly (the report carries the AIM id);
//! SCPE payloads are framed like a serial stream. Unplug and replug are handled like the serial
//! source: status events and capped exponential back-off. With `feedback = "honeywell"` the
//! node is opened for writing too and each scan's verdict goes back as HID POS output report 4
//! (good-read or error beep).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::feedback::{Feedback, FeedbackProtocol};
use super::framing::{
    ByteSequence, FrameOptions, FramerConfig, Terminator, DEFAULT_MAX_SCAN_LENGTH,
};
use super::hidpos::{HidOutcome, HidPosDecoder, HidProtocol};
use super::{
    default_reconnect_initial, default_reconnect_max, duration, RawScan, SourceError, SourceEvent,
    SourceKind,
};

/// A HID POS scanner, one `[[source]]` table with `kind = "hid"`.
///
/// ```toml
/// [[source]]
/// id = "pharmacy-hidpos"
/// kind = "hid"
/// path = "/dev/gs1-scanner/honeywell-hidpos"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HidSourceConfig {
    /// Source id, reported with every scan.
    pub id: String,
    /// The hidraw node; use a udev symlink (see `systemd/60-gs1-gateway.rules`), as `hidrawN`
    /// numbers change.
    pub path: PathBuf,
    /// Report layout: "honeywell" (default; HID POS report ID 2) or "scpe" (Symbol/Zebra Simple
    /// COM Port Emulation).
    #[serde(default)]
    pub protocol: HidProtocol,
    /// SCPE only: how a scan ends in the payload stream (default "any").
    #[serde(default)]
    pub terminator: Terminator,
    /// Prefix the scanner adds to the data, stripped when present.
    #[serde(default)]
    pub prefix: Option<ByteSequence>,
    /// Suffix the scanner adds to the data, stripped when present. (A trailing CR/LF is always
    /// dropped from Honeywell reports: the report length already ends the scan.)
    #[serde(default)]
    pub suffix: Option<ByteSequence>,
    /// String the scanner sends in place of GS, mapped to GS (0x1D).
    #[serde(default)]
    pub gs_stand_in: Option<ByteSequence>,
    /// Longest scan accepted in bytes (default 8192).
    #[serde(default = "default_max_scan_length")]
    pub max_scan_length: usize,
    /// Good/bad-read feedback: "off" (default) or "honeywell" (HID POS output report 4, also
    /// understood by Access-IS readers; needs `protocol = "honeywell"` and write access to the
    /// node).
    #[serde(default)]
    pub feedback: FeedbackProtocol,
    /// First reconnect delay (default "250ms").
    #[serde(default = "default_reconnect_initial", with = "duration")]
    pub reconnect_initial: Duration,
    /// Longest reconnect delay (default "5s").
    #[serde(default = "default_reconnect_max", with = "duration")]
    pub reconnect_max: Duration,
}

const fn default_max_scan_length() -> usize {
    DEFAULT_MAX_SCAN_LENGTH
}

impl HidSourceConfig {
    /// A configuration with every default, for `path`.
    pub fn new(id: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            id: id.into(),
            path: path.into(),
            protocol: HidProtocol::default(),
            terminator: Terminator::default(),
            prefix: None,
            suffix: None,
            gs_stand_in: None,
            max_scan_length: default_max_scan_length(),
            feedback: FeedbackProtocol::default(),
            reconnect_initial: default_reconnect_initial(),
            reconnect_max: default_reconnect_max(),
        }
    }

    /// Checks the values without opening anything.
    pub fn validate(&self) -> Result<(), SourceError> {
        if self.id.is_empty() {
            return Err(SourceError::Config(
                "hid source: id must not be empty".into(),
            ));
        }
        if self.max_scan_length == 0 {
            return Err(SourceError::Config(format!(
                "hid source {:?}: max_scan_length must be above 0",
                self.id
            )));
        }
        match (self.feedback, self.protocol) {
            (FeedbackProtocol::Off, _) | (FeedbackProtocol::Honeywell, HidProtocol::Honeywell) => {
                Ok(())
            }
            (FeedbackProtocol::Honeywell, HidProtocol::Scpe) => Err(SourceError::Config(format!(
                "hid source {:?}: feedback = \"honeywell\" needs protocol = \"honeywell\" \
                 (SCPE scanners have no HID POS output report)",
                self.id
            ))),
            (FeedbackProtocol::ZebraSsi, _) => Err(SourceError::Config(format!(
                "hid source {:?}: feedback = \"zebra_ssi\" is for serial sources; a HID POS \
                 scanner takes \"off\" or \"honeywell\"",
                self.id
            ))),
        }
    }

    /// Per-scan processing shared with the other sources.
    pub fn frame_options(&self) -> FrameOptions {
        FrameOptions {
            prefix: self.prefix.clone().unwrap_or_default().0,
            suffix: self.suffix.clone().unwrap_or_default().0,
            gs_stand_in: self.gs_stand_in.clone().map(|s| s.0),
        }
    }

    /// Framing of SCPE payloads.
    pub fn framer_config(&self) -> FramerConfig {
        FramerConfig {
            terminator: self.terminator.clone(),
            options: self.frame_options(),
            max_scan_length: self.max_scan_length,
        }
    }
}

/// Decodes reports into events: the pure core of this source, shared with tests.
#[derive(Debug)]
pub struct HidReportHandler {
    source_id: String,
    decoder: HidPosDecoder,
    options: FrameOptions,
    framer: super::framing::Framer,
    frames: Vec<super::framing::FrameResult>,
}

impl HidReportHandler {
    /// A handler for `config`.
    pub fn new(config: &HidSourceConfig) -> Self {
        Self {
            source_id: config.id.clone(),
            decoder: HidPosDecoder::new(config.protocol, config.max_scan_length),
            options: config.frame_options(),
            framer: super::framing::Framer::new(config.framer_config()),
            frames: Vec::new(),
        }
    }

    fn error(&self, error: SourceError) -> SourceEvent {
        SourceEvent::Error {
            source_id: self.source_id.clone(),
            error,
        }
    }

    /// Feeds one report; returns the events it completed.
    pub fn feed(&mut self, report: &[u8]) -> Vec<SourceEvent> {
        match self.decoder.feed(report) {
            HidOutcome::Pending => Vec::new(),
            HidOutcome::Error(e) => vec![self.error(e.into())],
            HidOutcome::Scan(scan) => {
                let mut data: &[u8] = &scan.data;
                for end in [&b"\r\n"[..], b"\r", b"\n"] {
                    if let Some(rest) = data.strip_suffix(end) {
                        data = rest;
                        break;
                    }
                }
                match self.options.finish_without_aim(data) {
                    Ok(Some(frame)) => vec![SourceEvent::Scan(RawScan::now(
                        &self.source_id,
                        SourceKind::Hid,
                        frame.data,
                        Some(scan.symbology),
                    ))],
                    Ok(None) => Vec::new(),
                    Err(e) => vec![self.error(e.into())],
                }
            }
            HidOutcome::Bytes(bytes) => {
                self.framer.push(&bytes, &mut self.frames);
                let source_id = self.source_id.clone();
                self.frames
                    .drain(..)
                    .map(|r| match r {
                        Ok(frame) => SourceEvent::Scan(RawScan::now(
                            &source_id,
                            SourceKind::Hid,
                            frame.data,
                            frame.symbology,
                        )),
                        Err(e) => SourceEvent::Error {
                            source_id: source_id.clone(),
                            error: e.into(),
                        },
                    })
                    .collect()
            }
        }
    }

    /// SCPE with idle framing: the gap passed.
    pub fn flush_idle(&mut self) -> Vec<SourceEvent> {
        self.framer.flush_idle(&mut self.frames);
        let source_id = self.source_id.clone();
        self.frames
            .drain(..)
            .map(|r| match r {
                Ok(frame) => SourceEvent::Scan(RawScan::now(
                    &source_id,
                    SourceKind::Hid,
                    frame.data,
                    frame.symbology,
                )),
                Err(e) => SourceEvent::Error {
                    source_id: source_id.clone(),
                    error: e.into(),
                },
            })
            .collect()
    }

    /// The device went away: report a half-received barcode.
    pub fn abandon(&mut self, reason: &str) -> Vec<SourceEvent> {
        let mut out = Vec::new();
        if let Some(e) = self.decoder.abandon(reason) {
            out.push(self.error(e.into()));
        }
        if let Some(e) = self.framer.abandon(reason) {
            out.push(self.error(e.into()));
        }
        out
    }
}

/// Runs a HID POS source until `cancel` fires or `tx` is closed (no feedback channel).
pub async fn run(
    config: HidSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    run_with_feedback(config, tx, None, cancel).await
}

/// Runs a HID POS source; feedback requests arriving on `feedback` are written to the scanner
/// as output reports (ignored when `feedback = "off"`).
pub async fn run_with_feedback(
    config: HidSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    feedback: Option<mpsc::Receiver<Feedback>>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    config.validate()?;
    run_linux(config, tx, feedback, cancel).await
}

#[cfg(not(target_os = "linux"))]
async fn run_linux(
    config: HidSourceConfig,
    _tx: mpsc::Sender<SourceEvent>,
    _feedback: Option<mpsc::Receiver<Feedback>>,
    _cancel: CancellationToken,
) -> Result<(), SourceError> {
    Err(SourceError::Config(format!(
        "hid source {:?}: hidraw needs Linux",
        config.id
    )))
}

#[cfg(target_os = "linux")]
async fn run_linux(
    config: HidSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    mut feedback: Option<mpsc::Receiver<Feedback>>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;

    use tokio::io::unix::AsyncFd;

    use super::{
        emit, emit_error, emit_status, next_feedback, wait_to_reopen, Backoff, SourceStatus,
    };

    let mut backoff = Backoff::new(config.reconnect_initial, config.reconnect_max);
    let mut down_reported = false;
    let idle = match config.terminator {
        Terminator::Idle(gap) if config.protocol == HidProtocol::Scpe => Some(gap),
        _ => None,
    };
    loop {
        if cancel.is_cancelled() {
            return Ok(());
        }
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .write(config.feedback != FeedbackProtocol::Off)
            .custom_flags(libc::O_NONBLOCK)
            .open(&config.path)
            // SAFETY: the `File` owns its descriptor and is moved into the `AsyncFd`, which
            // closes it only on drop; nothing else closes or replaces it.
            .and_then(|f| unsafe { AsyncFd::register(f) }.map_err(std::io::Error::from));
        match opened {
            Ok(fd) => {
                backoff.reset();
                if !emit_status(&tx, &config.id, SourceStatus::Connected).await {
                    return Ok(());
                }
                let mut handler = HidReportHandler::new(&config);
                let mut buf = [0u8; 4096];
                let mut pending_idle = false;
                let reason = loop {
                    let idle_sleep = tokio::time::sleep(idle.unwrap_or(Duration::from_secs(3600)));
                    tokio::select! {
                        biased;
                        _ = cancel.cancelled() => return Ok(()),
                        ready = fd.readable() => {
                            let mut guard = match ready {
                                Ok(g) => g,
                                Err(e) => break e.to_string(),
                            };
                            match guard.try_io(|inner| inner.get_ref().read(&mut buf)) {
                                Err(_would_block) => continue,
                                Ok(Ok(0)) => break "end of file".to_owned(),
                                Ok(Ok(n)) => {
                                    pending_idle = idle.is_some();
                                    for event in handler.feed(&buf[..n]) {
                                        if !emit(&tx, event).await {
                                            return Ok(());
                                        }
                                    }
                                }
                                Ok(Err(e)) => break e.to_string(),
                            }
                        }
                        request = next_feedback(&mut feedback) => {
                            let Some(request) = request else {
                                feedback = None;
                                continue;
                            };
                            let Some(report) =
                                super::feedback::hid_pos_report(config.feedback, request)
                            else {
                                continue;
                            };
                            // One write is one output report. Feedback is best effort: a
                            // scanner that cannot take it right now (EAGAIN) just stays quiet.
                            if let Err(e) = fd.get_ref().write(&report) {
                                if e.kind() == std::io::ErrorKind::WouldBlock {
                                    tracing::debug!(source = %config.id, "hid feedback skipped: device busy");
                                } else {
                                    let error = SourceError::io(&config.path, &e);
                                    if !emit_error(&tx, &config.id, error).await {
                                        return Ok(());
                                    }
                                }
                            }
                        }
                        _ = idle_sleep, if pending_idle => {
                            pending_idle = false;
                            for event in handler.flush_idle() {
                                if !emit(&tx, event).await {
                                    return Ok(());
                                }
                            }
                        }
                    }
                };
                for event in handler.abandon("the scanner vanished mid-scan") {
                    if !emit(&tx, event).await {
                        return Ok(());
                    }
                }
                down_reported = true;
                if !emit_status(&tx, &config.id, SourceStatus::Disconnected { reason }).await {
                    return Ok(());
                }
            }
            Err(e) => {
                if !down_reported {
                    down_reported = true;
                    let reason = format!("cannot open {}: {e}", config.path.display());
                    if !emit_status(&tx, &config.id, SourceStatus::Disconnected { reason }).await {
                        return Ok(());
                    }
                }
            }
        }
        if !wait_to_reopen(&tx, &config.id, &mut backoff, &cancel).await {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::hidpos::honeywell_reports;

    #[test]
    fn honeywell_report_becomes_scan_with_symbology() {
        let mut h = HidReportHandler::new(&HidSourceConfig::new("h", "/dev/hidraw0"));
        let reports = honeywell_reports("]d2", b"01095060001343521726123110ABC\x1d21S1\r", b'w');
        match &h.feed(&reports[0])[..] {
            [SourceEvent::Scan(s)] => {
                assert_eq!(s.symbology.as_deref(), Some("]d2"));
                assert_eq!(s.data, b"01095060001343521726123110ABC\x1d21S1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn scpe_payloads_are_framed() {
        let mut c = HidSourceConfig::new("z", "/dev/hidraw1");
        c.protocol = HidProtocol::Scpe;
        c.terminator = Terminator::Any;
        let mut h = HidReportHandler::new(&c);
        let mut r1 = [0u8; 64];
        r1[0] = 10;
        r1[1..11].copy_from_slice(b"]C10109506");
        let mut r2 = [0u8; 64];
        r2[0] = 11;
        r2[1..12].copy_from_slice(b"000134352\r\n");
        assert!(h.feed(&r1).is_empty());
        match &h.feed(&r2)[..] {
            [SourceEvent::Scan(s)] => {
                assert_eq!(s.symbology.as_deref(), Some("]C1"));
                assert_eq!(s.data, b"0109506000134352");
            }
            other => panic!("{other:?}"),
        }
    }
}
