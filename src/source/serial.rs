//! Serial scanners: USB CDC-ACM (`/dev/ttyACM*`) and RS-232 (`/dev/ttyUSB*`, `/dev/ttyS*`).
//!
//! The thin I/O layer around [`Framer`]: open the port with `tokio-serial`, feed every read to
//! the framer, hand out scans and errors, write feedback packets. On end of file or a read
//! error (the scanner was unplugged) it reports `disconnected`, discards any half-received scan
//! with an error event, and reopens the same path with capped exponential back-off — use a
//! stable path such as `/dev/serial/by-id/usb-Honeywell_…-if00` so the replugged scanner is
//! found again whatever `ttyACMn` number it gets.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_serial::SerialPortBuilderExt;
use tokio_util::sync::CancellationToken;

use super::feedback::{self, Feedback, FeedbackProtocol};
use super::framing::{
    ByteSequence, FrameOptions, FrameResult, Framer, FramerConfig, Terminator,
    DEFAULT_MAX_SCAN_LENGTH,
};
use super::next_feedback;
use super::{
    default_reconnect_initial, default_reconnect_max, duration, emit, emit_error, emit_status,
    wait_to_reopen, Backoff, RawScan, SourceError, SourceEvent, SourceKind, SourceStatus,
};

/// Parity (`parity = "none" | "odd" | "even"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    /// No parity bit (default).
    #[default]
    None,
    /// Odd parity.
    Odd,
    /// Even parity.
    Even,
}

impl From<Parity> for tokio_serial::Parity {
    fn from(p: Parity) -> Self {
        match p {
            Parity::None => Self::None,
            Parity::Odd => Self::Odd,
            Parity::Even => Self::Even,
        }
    }
}

/// Flow control (`flow_control = "none" | "software" | "hardware"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowControl {
    /// None (default; USB CDC-ACM scanners ignore it).
    #[default]
    None,
    /// XON/XOFF.
    Software,
    /// RTS/CTS.
    Hardware,
}

impl From<FlowControl> for tokio_serial::FlowControl {
    fn from(f: FlowControl) -> Self {
        match f {
            FlowControl::None => Self::None,
            FlowControl::Software => Self::Software,
            FlowControl::Hardware => Self::Hardware,
        }
    }
}

/// A serial scanner, one `[[source]]` table with `kind = "serial"`.
///
/// ```toml
/// [[source]]
/// id = "theatre-3-scanner"
/// kind = "serial"
/// path = "/dev/serial/by-id/usb-Honeywell_Imaging___Mobility_1950g_21000A1B2C-if00"
/// baud = 115200
/// terminator = "cr"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SerialSourceConfig {
    /// Source id, reported with every scan (`source` in events).
    pub id: String,
    /// Device path. Prefer `/dev/serial/by-id/…` or a udev symlink (`/dev/gs1-scanner/…`):
    /// kernel names (`ttyACM0`) change when the scanner is replugged.
    pub path: PathBuf,
    /// Baud rate (default 115200; USB CDC-ACM scanners ignore it).
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// Data bits: 5, 6, 7 or 8 (default 8).
    #[serde(default = "default_data_bits")]
    pub data_bits: u8,
    /// Parity: "none" (default), "odd", "even".
    #[serde(default)]
    pub parity: Parity,
    /// Stop bits: 1 (default) or 2.
    #[serde(default = "default_stop_bits")]
    pub stop_bits: u8,
    /// Flow control: "none" (default), "software", "hardware".
    #[serde(default)]
    pub flow_control: FlowControl,
    /// How a scan ends: "cr", "lf", "crlf", "any" (default: CR, LF or CRLF), "idle:50ms", or a
    /// custom byte sequence with escapes such as "\x03".
    #[serde(default)]
    pub terminator: Terminator,
    /// Prefix the scanner adds before each scan, stripped when present (escapes allowed, e.g.
    /// "\x02"). Default: none.
    #[serde(default)]
    pub prefix: Option<ByteSequence>,
    /// Suffix the scanner adds before the terminator, stripped when present. Default: none.
    #[serde(default)]
    pub suffix: Option<ByteSequence>,
    /// Longest scan accepted in bytes (default 8192); longer frames are discarded with an error.
    #[serde(default = "default_max_scan_length")]
    pub max_scan_length: usize,
    /// String the scanner sends in place of GS (0x1D), mapped back to GS (e.g. "<GS>", "^]").
    /// Default: none.
    #[serde(default)]
    pub gs_stand_in: Option<ByteSequence>,
    /// With terminator framing: a half-received scan older than this is discarded with an
    /// error (the terminator setting is probably wrong). Default "1s".
    #[serde(default = "default_frame_timeout", with = "duration")]
    pub frame_timeout: Duration,
    /// First reconnect delay after the scanner vanished (default "250ms"); doubles per attempt.
    #[serde(default = "default_reconnect_initial", with = "duration")]
    pub reconnect_initial: Duration,
    /// Longest reconnect delay (default "5s").
    #[serde(default = "default_reconnect_max", with = "duration")]
    pub reconnect_max: Duration,
    /// Good/bad-read feedback: "off" (default), "honeywell", "zebra_ssi".
    #[serde(default)]
    pub feedback: FeedbackProtocol,
    /// Open the port exclusively (TIOCEXCL) so no other program steals scans (default true).
    #[serde(default = "default_exclusive")]
    pub exclusive: bool,
}

const fn default_baud() -> u32 {
    115_200
}
const fn default_data_bits() -> u8 {
    8
}
const fn default_stop_bits() -> u8 {
    1
}
const fn default_max_scan_length() -> usize {
    DEFAULT_MAX_SCAN_LENGTH
}
const fn default_frame_timeout() -> Duration {
    Duration::from_secs(1)
}
const fn default_exclusive() -> bool {
    true
}

impl SerialSourceConfig {
    /// A configuration with every default, for `path`.
    pub fn new(id: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            id: id.into(),
            path: path.into(),
            baud: default_baud(),
            data_bits: default_data_bits(),
            parity: Parity::default(),
            stop_bits: default_stop_bits(),
            flow_control: FlowControl::default(),
            terminator: Terminator::default(),
            prefix: None,
            suffix: None,
            max_scan_length: default_max_scan_length(),
            gs_stand_in: None,
            frame_timeout: default_frame_timeout(),
            reconnect_initial: default_reconnect_initial(),
            reconnect_max: default_reconnect_max(),
            feedback: FeedbackProtocol::default(),
            exclusive: default_exclusive(),
        }
    }

    /// Checks the values without opening the port.
    pub fn validate(&self) -> Result<(), SourceError> {
        let bad = |m: String| {
            Err(SourceError::Config(format!(
                "serial source {:?}: {m}",
                self.id
            )))
        };
        if self.id.is_empty() {
            return bad("id must not be empty".into());
        }
        if self.baud == 0 {
            return bad("baud must be above 0".into());
        }
        if !(5..=8).contains(&self.data_bits) {
            return bad(format!(
                "data_bits must be 5, 6, 7 or 8, not {}",
                self.data_bits
            ));
        }
        if !(1..=2).contains(&self.stop_bits) {
            return bad(format!("stop_bits must be 1 or 2, not {}", self.stop_bits));
        }
        if self.max_scan_length == 0 {
            return bad("max_scan_length must be above 0".into());
        }
        if self.frame_timeout.is_zero() {
            return bad("frame_timeout must be above 0".into());
        }
        Ok(())
    }

    /// The framer settings.
    pub fn framer_config(&self) -> FramerConfig {
        FramerConfig {
            terminator: self.terminator.clone(),
            options: FrameOptions {
                prefix: self.prefix.clone().unwrap_or_default().0,
                suffix: self.suffix.clone().unwrap_or_default().0,
                gs_stand_in: self.gs_stand_in.clone().map(|s| s.0),
            },
            max_scan_length: self.max_scan_length,
        }
    }

    fn open(&self) -> std::io::Result<tokio_serial::SerialStream> {
        let data_bits = match self.data_bits {
            5 => tokio_serial::DataBits::Five,
            6 => tokio_serial::DataBits::Six,
            7 => tokio_serial::DataBits::Seven,
            _ => tokio_serial::DataBits::Eight,
        };
        let stop_bits = match self.stop_bits {
            2 => tokio_serial::StopBits::Two,
            _ => tokio_serial::StopBits::One,
        };
        let mut port = tokio_serial::new(self.path.to_string_lossy(), self.baud)
            .data_bits(data_bits)
            .parity(self.parity.into())
            .stop_bits(stop_bits)
            .flow_control(self.flow_control.into())
            .open_native_async()?;
        port.set_exclusive(self.exclusive)?;
        Ok(port)
    }
}

/// Runs a serial source until `cancel` fires or `tx` is closed (no feedback channel).
pub async fn run(
    config: SerialSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    run_with_feedback(config, tx, None, cancel).await
}

/// Runs a serial source; feedback requests arriving on `feedback` are written to the scanner
/// in the configured protocol (ignored when `feedback = "off"`).
pub async fn run_with_feedback(
    config: SerialSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    mut feedback: Option<mpsc::Receiver<Feedback>>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    config.validate()?;
    let mut backoff = Backoff::new(config.reconnect_initial, config.reconnect_max);
    let mut down_reported = false;
    loop {
        if cancel.is_cancelled() {
            return Ok(());
        }
        match config.open() {
            Ok(port) => {
                backoff.reset();
                if !emit_status(&tx, &config.id, SourceStatus::Connected).await {
                    return Ok(());
                }
                match read_port(&config, port, &tx, &mut feedback, &cancel).await {
                    Outcome::Stop => return Ok(()),
                    Outcome::Lost(reason) => {
                        down_reported = true;
                        if !emit_status(&tx, &config.id, SourceStatus::Disconnected { reason })
                            .await
                        {
                            return Ok(());
                        }
                    }
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

enum Outcome {
    /// Cancelled or the pipeline is gone.
    Stop,
    /// The device went away; the reason for the status event.
    Lost(String),
}

/// Sends framed results as events; `false` when the pipeline is gone.
pub(crate) async fn emit_frames(
    tx: &mpsc::Sender<SourceEvent>,
    source_id: &str,
    kind: SourceKind,
    frames: &mut Vec<FrameResult>,
) -> bool {
    for result in frames.drain(..) {
        let ok = match result {
            Ok(frame) => {
                emit(
                    tx,
                    SourceEvent::Scan(RawScan::now(source_id, kind, frame.data, frame.symbology)),
                )
                .await
            }
            Err(e) => emit_error(tx, source_id, e.into()).await,
        };
        if !ok {
            return false;
        }
    }
    true
}

async fn read_port(
    config: &SerialSourceConfig,
    mut port: tokio_serial::SerialStream,
    tx: &mpsc::Sender<SourceEvent>,
    feedback: &mut Option<mpsc::Receiver<Feedback>>,
    cancel: &CancellationToken,
) -> Outcome {
    let mut framer = Framer::new(config.framer_config());
    let gap = match config.terminator {
        Terminator::Idle(gap) => Some(gap),
        _ => None,
    };
    let mut buf = vec![0u8; 4096];
    let mut frames = Vec::new();
    let mut last_byte = Instant::now();
    loop {
        let deadline = framer
            .has_partial()
            .then(|| last_byte + gap.unwrap_or(config.frame_timeout));
        tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                if gap.is_some() {
                    framer.flush_idle(&mut frames);
                } else if let Some(e) = framer.abandon("the gateway is shutting down") {
                    frames.push(Err(e));
                }
                emit_frames(tx, &config.id, SourceKind::Serial, &mut frames).await;
                return Outcome::Stop;
            }
            read = port.read(&mut buf) => {
                let reason = match read {
                    Ok(0) => "end of file".to_owned(),
                    Ok(n) => {
                        last_byte = Instant::now();
                        tracing::trace!(source = %config.id, bytes = n, "serial read");
                        framer.push(&buf[..n], &mut frames);
                        if !emit_frames(tx, &config.id, SourceKind::Serial, &mut frames).await {
                            return Outcome::Stop;
                        }
                        continue;
                    }
                    Err(e) => e.to_string(),
                };
                // Whatever was framed is already out; only a partial scan is lost, loudly.
                if let Some(e) = framer.abandon("the scanner vanished mid-scan") {
                    frames.push(Err(e));
                }
                if !emit_frames(tx, &config.id, SourceKind::Serial, &mut frames).await {
                    return Outcome::Stop;
                }
                return Outcome::Lost(reason);
            }
            _ = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                if gap.is_some() {
                    framer.flush_idle(&mut frames);
                } else if let Some(e) = framer.abandon("no terminator within frame_timeout") {
                    frames.push(Err(e));
                }
                if !emit_frames(tx, &config.id, SourceKind::Serial, &mut frames).await {
                    return Outcome::Stop;
                }
            }
            request = next_feedback(feedback) => {
                let Some(request) = request else {
                    *feedback = None;
                    continue;
                };
                let packet = feedback::packet(config.feedback, request);
                if packet.is_empty() {
                    continue;
                }
                if let Err(e) = port.write_all(&packet).await {
                    let error = SourceError::io(&config.path, &e);
                    if !emit_error(tx, &config.id, error).await {
                        return Outcome::Stop;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_table_parses_with_exact_keys() {
        let c: SerialSourceConfig = toml::from_str(
            r#"
            id = "ward-7"
            path = "/dev/serial/by-id/usb-x-if00"
            baud = 9600
            data_bits = 7
            parity = "even"
            stop_bits = 2
            flow_control = "hardware"
            terminator = "idle:50ms"
            prefix = "\\x02"
            suffix = "\\x03"
            max_scan_length = 4096
            gs_stand_in = "<GS>"
            frame_timeout = "2s"
            reconnect_initial = "100ms"
            reconnect_max = "10s"
            feedback = "honeywell"
            exclusive = false
            "#,
        )
        .unwrap();
        assert_eq!(c.terminator, Terminator::Idle(Duration::from_millis(50)));
        assert_eq!(c.prefix.unwrap().0, vec![2]);
        assert_eq!(c.parity, Parity::Even);
        assert_eq!(c.feedback, FeedbackProtocol::Honeywell);
        assert_eq!(c.frame_timeout, Duration::from_secs(2));
    }

    #[test]
    fn defaults_and_validation() {
        let c: SerialSourceConfig = toml::from_str("id = \"a\"\npath = \"/dev/ttyACM0\"").unwrap();
        assert_eq!(c, SerialSourceConfig::new("a", "/dev/ttyACM0"));
        assert!(c.validate().is_ok());
        let mut bad = c.clone();
        bad.data_bits = 9;
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("data_bits"));
        let mut bad = c;
        bad.stop_bits = 3;
        assert!(bad.validate().is_err());
        assert!(toml::from_str::<SerialSourceConfig>(
            "id = \"a\"\npath = \"/x\"\nterminator = \"idle:x\""
        )
        .is_err());
    }
}
