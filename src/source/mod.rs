//! Stage 1: sources. Each turns device input into [`RawScan`]s.
//!
//! CONTRACT: every source produces `RawScan` values; the pipeline parses them with
//! [`crate::gs1::parse`].
//!
//! Brief overview:
//! - Pure state machines, no tokio: [`framing`] (serial byte stream → frames), [`keymap`]
//!   (evdev key events → text for US/UK layouts), [`hidpos`] (HID POS reports → scans),
//!   [`feedback`] (good/bad-read packets for Honeywell and Zebra scanners).
//! - Thin I/O layers, one file per kind, each with its `<Kind>SourceConfig` (serde, strict) and
//!   a `run(config, tx, cancel)` entry point: [`serial`], [`keyboard`], [`hid`], [`stdin`],
//!   [`replay`]. Every source sends [`SourceEvent`]s into a bounded channel (a full channel
//!   blocks the source: nothing is dropped) and returns when the [`CancellationToken`] fires or
//!   the receiver is gone.
//! - A device that vanishes is a state, not a failure: the source reports
//!   [`SourceStatus::Disconnected`], retries with capped exponential [`Backoff`] and reports
//!   [`SourceStatus::Connected`] when the device is back.
//!
//! Privacy: scan data may hold NHS numbers. Events and errors carry lengths and positions, never
//! the data; nothing here logs scan content above `trace`.

pub mod discovery;
pub mod feedback;
pub mod framing;
pub mod hid;
pub mod hidpos;
pub mod keyboard;
pub mod keymap;
pub mod replay;
pub mod serial;
pub mod stdin;

use std::path::PathBuf;
use std::time::Duration;

pub mod camera;
pub mod folder;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::mpsc;
pub use tokio_util::sync::CancellationToken;

/// Which kind of source produced a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// USB CDC-ACM or RS-232 scanner.
    Serial,
    /// Keyboard-wedge scanner (Linux evdev).
    Keyboard,
    /// HID point-of-sale scanner (hidraw).
    Hid,
    /// Camera frames decoded by the gateway.
    Camera,
    /// Standard input, one scan per line.
    Stdin,
    /// A recorded capture replayed with its timing.
    Replay,
    /// Image files dropped into a watched folder.
    Folder,
}

/// One scan exactly as a source received it, before any GS1 interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawScan {
    /// The configured id of the source (scanner id).
    pub source_id: String,
    /// The kind of source.
    pub kind: SourceKind,
    /// When the scan was received (UTC).
    pub received_at: OffsetDateTime,
    /// The data as transmitted (GS as 0x1D), without the AIM symbology identifier when
    /// `symbology` is set.
    pub data: Vec<u8>,
    /// The AIM symbology identifier (`]d2`), when the source knows it.
    pub symbology: Option<String>,
}

impl RawScan {
    /// A scan received now.
    pub fn now(
        source_id: &str,
        kind: SourceKind,
        data: Vec<u8>,
        symbology: Option<String>,
    ) -> Self {
        Self {
            source_id: source_id.to_owned(),
            kind,
            received_at: OffsetDateTime::now_utc(),
            data,
            symbology,
        }
    }
}

/// Connection state of a source's device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum SourceStatus {
    /// The device is open and being read.
    Connected,
    /// The device is gone or cannot be opened; `reason` says why (no scan data).
    Disconnected {
        /// What happened (e.g. "end of file", "No such file or directory").
        reason: String,
    },
    /// Another attempt to open the device will be made after `delay`.
    Retrying {
        /// Attempt number since the device was lost (1-based).
        attempt: u32,
        /// How long the source waits before this attempt.
        delay: Duration,
    },
    /// The source reached the end of its input (stdin closed, replay finished).
    Finished,
}

/// Everything a source reports to the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceEvent {
    /// One scan.
    Scan(RawScan),
    /// A connection change of the named source.
    Status {
        /// The configured source id.
        source_id: String,
        /// The new state.
        status: SourceStatus,
    },
    /// A rejected frame or a device error; the source carries on.
    Error {
        /// The configured source id.
        source_id: String,
        /// What went wrong.
        error: SourceError,
    },
}

impl SourceEvent {
    /// The id of the source that sent the event.
    pub fn source_id(&self) -> &str {
        match self {
            Self::Scan(s) => &s.source_id,
            Self::Status { source_id, .. } | Self::Error { source_id, .. } => source_id,
        }
    }
}

/// Errors of the source stage. Variants never contain scan data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A serial frame (or stdin line) was rejected.
    #[error(transparent)]
    Framing(#[from] framing::FramingError),
    /// Key events could not be turned into text.
    #[error(transparent)]
    Keymap(#[from] keymap::KeymapError),
    /// A HID POS report could not be decoded.
    #[error(transparent)]
    HidPos(#[from] hidpos::HidPosError),
    /// Reading or writing the device failed.
    #[error("{path}: {message}")]
    Io {
        /// The device or file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The configuration cannot work (reported before anything is opened).
    #[error("invalid source configuration: {0}")]
    Config(String),
    /// A replay capture file is malformed.
    #[error("{path} line {line}: {message}")]
    Capture {
        /// The capture file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl SourceError {
    pub(crate) fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }
}

/// Capped exponential back-off for reopening a device. Pure.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    next: Duration,
    attempt: u32,
}

impl Backoff {
    /// Starts at `initial`, doubles per attempt, never exceeds `max`.
    pub fn new(initial: Duration, max: Duration) -> Self {
        let initial = initial.max(Duration::from_millis(1));
        let max = max.max(initial);
        Self {
            initial,
            max,
            next: initial,
            attempt: 0,
        }
    }

    /// The delay before the next attempt, and the attempt's number.
    pub fn next_delay(&mut self) -> (u32, Duration) {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        self.attempt = self.attempt.saturating_add(1);
        (self.attempt, delay)
    }

    /// The device is back: start from `initial` again.
    pub fn reset(&mut self) {
        self.next = self.initial;
        self.attempt = 0;
    }
}

/// Serde helpers for durations written as `"250ms"`, `"5s"`.
pub mod duration {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Deserialises a humantime duration string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text)
            .map_err(|e| serde::de::Error::custom(format!("bad duration {text:?}: {e}")))
    }

    /// Serialises as a humantime duration string.
    pub fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_duration(*value))
    }
}

/// Default first reconnect delay.
pub const fn default_reconnect_initial() -> Duration {
    Duration::from_millis(250)
}

/// Default longest reconnect delay: short enough that a replugged scanner works within seconds.
pub const fn default_reconnect_max() -> Duration {
    Duration::from_secs(5)
}

/// Default channel capacity suggested for a source's events.
pub const DEFAULT_CHANNEL_CAPACITY: usize = 1024;

/// Any source's configuration, as one `[[source]]` table tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceConfig {
    /// `kind = "serial"`.
    Serial(serial::SerialSourceConfig),
    /// `kind = "keyboard"`.
    Keyboard(keyboard::KeyboardSourceConfig),
    /// `kind = "hid"`.
    Hid(hid::HidSourceConfig),
    /// `kind = "stdin"`.
    Stdin(stdin::StdinSourceConfig),
    /// `kind = "replay"`.
    Replay(replay::ReplaySourceConfig),
    /// `kind = "camera"`.
    Camera(camera::CameraSourceConfig),
    /// `kind = "folder"`.
    Folder(folder::FolderSourceConfig),
}

impl SourceConfig {
    /// The configured source id.
    pub fn id(&self) -> &str {
        match self {
            Self::Serial(c) => &c.id,
            Self::Keyboard(c) => &c.id,
            Self::Hid(c) => &c.id,
            Self::Stdin(c) => &c.id,
            Self::Replay(c) => &c.id,
            Self::Camera(c) => c.id.as_deref().unwrap_or("camera"),
            Self::Folder(c) => c.id.as_deref().unwrap_or("folder"),
        }
    }

    /// Which kind of source this is.
    pub fn kind(&self) -> SourceKind {
        match self {
            Self::Serial(_) => SourceKind::Serial,
            Self::Keyboard(_) => SourceKind::Keyboard,
            Self::Hid(_) => SourceKind::Hid,
            Self::Stdin(_) => SourceKind::Stdin,
            Self::Replay(_) => SourceKind::Replay,
            Self::Camera(_) => SourceKind::Camera,
            Self::Folder(_) => SourceKind::Folder,
        }
    }

    /// Checks the configuration without opening anything.
    pub fn validate(&self) -> Result<(), SourceError> {
        match self {
            Self::Serial(c) => c.validate(),
            Self::Keyboard(c) => c.validate(),
            Self::Hid(c) => c.validate(),
            Self::Stdin(c) => c.validate(),
            Self::Replay(c) => c.validate(),
            Self::Camera(c) => c.validate().map_err(|e| SourceError::Config(e.to_string())),
            Self::Folder(c) => c.validate().map_err(|e| SourceError::Config(e.to_string())),
        }
    }
}

/// Runs any source until `cancel` fires or `tx` is closed. Only configuration errors return
/// `Err`; device trouble is reported as events and retried.
pub async fn run(
    config: SourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    match config {
        SourceConfig::Serial(c) => serial::run(c, tx, cancel).await,
        SourceConfig::Keyboard(c) => keyboard::run(c, tx, cancel).await,
        SourceConfig::Hid(c) => hid::run(c, tx, cancel).await,
        SourceConfig::Stdin(c) => stdin::run(c, tx, cancel).await,
        SourceConfig::Replay(c) => replay::run(c, tx, cancel).await,
        SourceConfig::Camera(c) => run_image_source(ImageSource::Camera(c), tx, cancel).await,
        SourceConfig::Folder(c) => run_image_source(ImageSource::Folder(c), tx, cancel).await,
    }
}

enum ImageSource {
    Camera(camera::CameraSourceConfig),
    Folder(folder::FolderSourceConfig),
}

/// Camera and folder sources decode on their own threads and hand out plain scans; this
/// forwards them as source events until `cancel` fires.
async fn run_image_source(
    source: ImageSource,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    let (scan_tx, mut scan_rx) = mpsc::channel::<RawScan>(64);
    let config_error = |e: &dyn std::fmt::Display| SourceError::Config(e.to_string());
    let (id, camera, folder) = match source {
        ImageSource::Camera(c) => {
            let id = c.id.clone().unwrap_or_else(|| "camera".into());
            let p = camera::spawn(&c, scan_tx, cancel.clone()).map_err(|e| config_error(&e))?;
            (id, Some(p), None)
        }
        ImageSource::Folder(c) => {
            let id = c.id.clone().unwrap_or_else(|| "folder".into());
            let h = folder::spawn(&c, scan_tx, cancel.clone()).map_err(|e| config_error(&e))?;
            (id, None, Some(h))
        }
    };
    emit_status(&tx, &id, SourceStatus::Connected).await;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            scan = scan_rx.recv() => match scan {
                Some(scan) => {
                    if !emit(&tx, SourceEvent::Scan(scan)).await {
                        break;
                    }
                }
                None => break,
            },
        }
    }
    drop(scan_rx);
    if let Some(p) = camera {
        // The capture and decode threads notice the cancellation between frames.
        let _ = tokio::task::spawn_blocking(move || p.join()).await;
    }
    if let Some(h) = folder {
        let _ = tokio::task::spawn_blocking(move || h.join()).await;
    }
    emit_status(&tx, &id, SourceStatus::Finished).await;
    Ok(())
}

/// Sends an event; `false` means the pipeline is gone and the source should stop.
pub(crate) async fn emit(tx: &mpsc::Sender<SourceEvent>, event: SourceEvent) -> bool {
    tx.send(event).await.is_ok()
}

/// Waits for the next feedback request, or forever when there is no channel (a source
/// without feedback, or whose channel closed).
pub(crate) async fn next_feedback(
    rx: &mut Option<mpsc::Receiver<feedback::Feedback>>,
) -> Option<feedback::Feedback> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// After a device was lost or could not be opened: reports `Retrying` and waits out the next
/// back-off delay. `false` means the source should stop (cancelled, or the pipeline is gone).
pub(crate) async fn wait_to_reopen(
    tx: &mpsc::Sender<SourceEvent>,
    source_id: &str,
    backoff: &mut Backoff,
    cancel: &CancellationToken,
) -> bool {
    let (attempt, delay) = backoff.next_delay();
    if !emit_status(tx, source_id, SourceStatus::Retrying { attempt, delay }).await {
        return false;
    }
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(delay) => true,
    }
}

/// Sends a status event.
pub(crate) async fn emit_status(
    tx: &mpsc::Sender<SourceEvent>,
    source_id: &str,
    status: SourceStatus,
) -> bool {
    match &status {
        SourceStatus::Connected => tracing::info!(source = source_id, "scanner connected"),
        SourceStatus::Disconnected { reason } => {
            tracing::warn!(source = source_id, reason = %reason, "scanner disconnected")
        }
        SourceStatus::Retrying { attempt, delay } => {
            tracing::debug!(source = source_id, attempt, ?delay, "retrying scanner")
        }
        SourceStatus::Finished => tracing::info!(source = source_id, "source finished"),
    }
    emit(
        tx,
        SourceEvent::Status {
            source_id: source_id.to_owned(),
            status,
        },
    )
    .await
}

/// Sends an error event (and logs it: errors carry no scan data).
pub(crate) async fn emit_error(
    tx: &mpsc::Sender<SourceEvent>,
    source_id: &str,
    error: SourceError,
) -> bool {
    tracing::warn!(source = source_id, error = %error, "scan rejected or device error");
    emit(
        tx,
        SourceEvent::Error {
            source_id: source_id.to_owned(),
            error,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_millis(250), Duration::from_secs(2));
        let delays: Vec<_> = (0..6).map(|_| b.next_delay()).collect();
        let ms: Vec<_> = delays.iter().map(|(_, d)| d.as_millis()).collect();
        assert_eq!(ms, vec![250, 500, 1000, 2000, 2000, 2000]);
        assert_eq!(delays[5].0, 6);
        b.reset();
        assert_eq!(b.next_delay(), (1, Duration::from_millis(250)));
    }

    /// The `[[source]]` examples of the README's "Wire scanners" section.
    #[test]
    fn readme_source_tables_parse() {
        #[derive(Deserialize)]
        struct Root {
            source: Vec<SourceConfig>,
        }
        let text = r#"
            [[source]]
            id = "theatre-3"
            kind = "serial"
            path = "/dev/serial/by-id/usb-Honeywell_Imaging___Mobility_1950g_21000A1B2C-if00"
            baud = 115200
            terminator = "any"
            prefix = '\x02'
            suffix = '\x03'
            gs_stand_in = "<GS>"
            max_scan_length = 8192
            frame_timeout = "1s"
            reconnect_initial = "250ms"
            reconnect_max = "5s"
            feedback = "off"
            exclusive = true

            [[source]]
            id = "ward-7-wedge"
            kind = "keyboard"
            path = "/dev/input/by-id/usb-x-event-kbd"
            layout = "us"
            grab = true
            terminator = "enter"

            [[source]]
            id = "pharmacy"
            kind = "hid"
            path = "/dev/gs1-scanner/hidraw/x"
            protocol = "honeywell"

            [[source]]
            id = "bench"
            kind = "replay"
            path = "capture.jsonl"
            speed = 1.0

            [[source]]
            id = "stdin"
            kind = "stdin"
        "#;
        let root: Root = toml::from_str(text).unwrap();
        let kinds: Vec<_> = root.source.iter().map(SourceConfig::kind).collect();
        assert_eq!(
            kinds,
            vec![
                SourceKind::Serial,
                SourceKind::Keyboard,
                SourceKind::Hid,
                SourceKind::Replay,
                SourceKind::Stdin
            ]
        );
        for s in &root.source {
            s.validate().unwrap();
        }
        let SourceConfig::Serial(serial) = &root.source[0] else {
            unreachable!()
        };
        assert_eq!(serial.prefix.as_ref().unwrap().0, vec![0x02]);
    }

    #[test]
    fn source_table_tagged_by_kind_rejects_unknown_keys() {
        let ok: SourceConfig = toml::from_str(
            "id = \"theatre-3\"\nkind = \"serial\"\npath = \"/dev/serial/by-id/x\"\nbaud = 9600\nterminator = \"cr\"\n",
        )
        .unwrap();
        assert_eq!(ok.id(), "theatre-3");
        assert_eq!(ok.kind(), SourceKind::Serial);
        for table in [
            "id = \"a\"\nkind = \"serial\"\npath = \"/dev/x\"\nbogus = 1\n",
            "id = \"a\"\nkind = \"keyboard\"\npath = \"/dev/x\"\nbogus = 1\n",
            "id = \"a\"\nkind = \"hid\"\npath = \"/dev/x\"\nbogus = 1\n",
            "id = \"a\"\nkind = \"stdin\"\nbogus = 1\n",
            "id = \"a\"\nkind = \"replay\"\npath = \"/x\"\nbogus = 1\n",
        ] {
            let err = toml::from_str::<SourceConfig>(table)
                .unwrap_err()
                .to_string();
            assert!(err.contains("bogus"), "{err}");
        }
    }
}
