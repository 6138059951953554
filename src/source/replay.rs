//! Replay: a recorded scanner capture played back with its timing.
//!
//! Capture format (`*.jsonl`, documented in `hardware-fixtures/README.md`): one JSON object per
//! line, in time order, each the bytes of one `read()` from the device:
//!
//! ```text
//! {"t_ms": 0,   "hex": "5d6432303130393530"}
//! {"t_ms": 3,   "text": "36303030313334333532\r"}
//! ```
//!
//! - `t_ms`: milliseconds since the start of the capture (non-decreasing);
//! - exactly one of `hex` (bytes as hex digits, the byte-exact form) or `text` (a JSON string,
//!   `\u001d` for GS, for hand-written captures);
//! - blank lines are ignored.
//!
//! The bytes go through the same [`Framer`] as a serial scanner, so terminators, idle gaps,
//! prefixes, AIM identifiers and stand-ins behave exactly as they would live.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::framing::{
    ByteSequence, FrameOptions, Framer, FramerConfig, Terminator, DEFAULT_MAX_SCAN_LENGTH,
};
use super::serial::emit_frames;
use super::{emit_status, SourceError, SourceEvent, SourceKind, SourceStatus};

/// The replay source, one `[[source]]` table with `kind = "replay"`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaySourceConfig {
    /// Source id, reported with every scan.
    pub id: String,
    /// The capture file (JSON lines, see the module docs).
    pub path: PathBuf,
    /// Playback speed: 1.0 (default) keeps the recorded timing, 2.0 plays twice as fast,
    /// 0 plays as fast as possible.
    #[serde(default = "default_speed")]
    pub speed: f64,
    /// Framing as for a serial scanner (default "any").
    #[serde(default)]
    pub terminator: Terminator,
    /// Prefix stripped when present.
    #[serde(default)]
    pub prefix: Option<ByteSequence>,
    /// Suffix stripped when present.
    #[serde(default)]
    pub suffix: Option<ByteSequence>,
    /// String standing for GS, mapped to 0x1D.
    #[serde(default)]
    pub gs_stand_in: Option<ByteSequence>,
    /// Longest scan accepted in bytes (default 8192).
    #[serde(default = "default_max_scan_length")]
    pub max_scan_length: usize,
}

const fn default_speed() -> f64 {
    1.0
}
const fn default_max_scan_length() -> usize {
    DEFAULT_MAX_SCAN_LENGTH
}

impl ReplaySourceConfig {
    /// A configuration with every default.
    pub fn new(id: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            id: id.into(),
            path: path.into(),
            speed: default_speed(),
            terminator: Terminator::default(),
            prefix: None,
            suffix: None,
            gs_stand_in: None,
            max_scan_length: default_max_scan_length(),
        }
    }

    /// Checks the values without reading the file.
    pub fn validate(&self) -> Result<(), SourceError> {
        if self.id.is_empty() {
            return Err(SourceError::Config(
                "replay source: id must not be empty".into(),
            ));
        }
        if !self.speed.is_finite() || self.speed < 0.0 {
            return Err(SourceError::Config(format!(
                "replay source {:?}: speed must be 0 (as fast as possible) or above",
                self.id
            )));
        }
        if self.max_scan_length == 0 {
            return Err(SourceError::Config(format!(
                "replay source {:?}: max_scan_length must be above 0",
                self.id
            )));
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
}

/// One record of a capture: bytes that arrived `t_ms` after the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureRecord {
    /// Milliseconds since the start of the capture.
    pub t_ms: u64,
    /// The bytes of one read.
    pub bytes: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordLine {
    t_ms: u64,
    #[serde(default)]
    hex: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

/// Decodes hex digits (upper or lower case, no separators).
pub fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.len() % 2 != 0 {
        return Err(format!("odd number of hex digits ({})", hex.len()));
    }
    hex.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("bad hex digits {:?}", String::from_utf8_lossy(pair)))
        })
        .collect()
}

/// Encodes bytes as lower-case hex (capture writers).
pub fn encode_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Parses a capture (see the module docs).
pub fn parse_capture(path: &Path, text: &str) -> Result<Vec<CaptureRecord>, SourceError> {
    let mut records = Vec::new();
    let mut last_t = 0;
    for (i, line) in text.lines().enumerate() {
        let err = |message: String| SourceError::Capture {
            path: path.to_owned(),
            line: i + 1,
            message,
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: RecordLine = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
        let bytes = match (record.hex, record.text) {
            (Some(hex), None) => decode_hex(&hex).map_err(err)?,
            (None, Some(text)) => text.into_bytes(),
            _ => return Err(err("give exactly one of \"hex\" and \"text\"".into())),
        };
        if record.t_ms < last_t {
            return Err(err(format!(
                "t_ms {} goes back in time (previous {last_t})",
                record.t_ms
            )));
        }
        last_t = record.t_ms;
        records.push(CaptureRecord {
            t_ms: record.t_ms,
            bytes,
        });
    }
    Ok(records)
}

/// Runs a replay until the capture ends (status `finished`), `cancel`, or `tx` closing.
pub async fn run(
    config: ReplaySourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    config.validate()?;
    let text = tokio::fs::read_to_string(&config.path)
        .await
        .map_err(|e| SourceError::io(&config.path, &e))?;
    let records = parse_capture(&config.path, &text)?;
    replay_records(&config, &records, &tx, &cancel).await;
    Ok(())
}

/// Plays `records` with their timing (uses tokio time, so tests can pause it).
pub async fn replay_records(
    config: &ReplaySourceConfig,
    records: &[CaptureRecord],
    tx: &mpsc::Sender<SourceEvent>,
    cancel: &CancellationToken,
) {
    let mut framer = Framer::new(config.framer_config());
    let mut frames = Vec::new();
    let idle = match config.terminator {
        Terminator::Idle(gap) => Some(gap),
        _ => None,
    };
    let scale = |t_ms: u64| {
        if config.speed == 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(t_ms as f64 / 1000.0 / config.speed)
        }
    };
    if !emit_status(tx, &config.id, SourceStatus::Connected).await {
        return;
    }
    let start = Instant::now();
    let mut last_t_ms = 0u64;
    for record in records {
        // Idle framing: a recorded pause at least as long as the gap ends the pending scan.
        if let (Some(gap), true) = (idle, framer.has_partial()) {
            if Duration::from_millis(record.t_ms - last_t_ms) >= gap {
                let flush_at = start
                    + scale(last_t_ms)
                    + if config.speed == 0.0 {
                        Duration::ZERO
                    } else {
                        gap.div_f64(config.speed)
                    };
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep_until(flush_at) => {}
                }
                framer.flush_idle(&mut frames);
                if !emit_frames(tx, &config.id, SourceKind::Replay, &mut frames).await {
                    return;
                }
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep_until(start + scale(record.t_ms)) => {}
        }
        last_t_ms = record.t_ms;
        framer.push(&record.bytes, &mut frames);
        if !emit_frames(tx, &config.id, SourceKind::Replay, &mut frames).await {
            return;
        }
    }
    if let Some(gap) = idle {
        if framer.has_partial() {
            // The recording ends mid-gap: the scan completes one gap after its last byte.
            let flush_at = start
                + scale(last_t_ms)
                + if config.speed == 0.0 {
                    Duration::ZERO
                } else {
                    gap.div_f64(config.speed)
                };
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep_until(flush_at) => {}
            }
        }
        framer.flush_idle(&mut frames);
    } else if let Some(e) = framer.abandon("the capture ended") {
        frames.push(Err(e));
    }
    if !emit_frames(tx, &config.id, SourceKind::Replay, &mut frames).await {
        return;
    }
    emit_status(tx, &config.id, SourceStatus::Finished).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_parses_hex_and_text() {
        let text = "{\"t_ms\":0,\"hex\":\"5d6432\"}\n\n{\"t_ms\":5,\"text\":\"01\\u001d\\r\"}\n";
        let records = parse_capture(Path::new("c.jsonl"), text).unwrap();
        assert_eq!(records[0].bytes, b"]d2");
        assert_eq!(records[1].bytes, b"01\x1d\r");
        assert_eq!(encode_hex(b"]d2"), "5d6432");
    }

    #[test]
    fn capture_errors_name_the_line() {
        for bad in [
            "{\"t_ms\":0}",
            "{\"t_ms\":0,\"hex\":\"5\"}",
            "{\"t_ms\":0,\"hex\":\"zz\"}",
            "{\"t_ms\":0,\"hex\":\"00\",\"extra\":1}",
            "{\"t_ms\":5,\"hex\":\"00\"}\n{\"t_ms\":4,\"hex\":\"00\"}",
        ] {
            let e = parse_capture(Path::new("c.jsonl"), bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains("c.jsonl line"), "{e}");
        }
    }
}
