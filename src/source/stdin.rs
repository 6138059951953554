//! Standard input: one scan per line, for demos, tests and bench-top validation.
//!
//! Lines end with LF, CR or CRLF. GS is a real 0x1D byte, the four characters `\x1d` (so a scan
//! can be typed or pasted), or the configured `gs_stand_in`. A leading AIM symbology identifier
//! (`]d2…`) is recognised as on a serial line.
//!
//! Standard input is read on a dedicated thread (a blocking read cannot be cancelled) that
//! feeds a bounded channel; the async side frames the bytes, stops on cancellation and leaves the
//! thread to end at its next read or at process exit (Vector's stdin source does the same).

use std::io::Read;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::framing::{
    ByteSequence, FrameOptions, FrameResult, Framer, FramerConfig, Terminator,
    DEFAULT_MAX_SCAN_LENGTH, GS,
};
use super::serial::emit_frames;
use super::{emit_error, emit_status, SourceError, SourceEvent, SourceKind, SourceStatus};

/// The stdin source, one `[[source]]` table with `kind = "stdin"`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StdinSourceConfig {
    /// Source id (default "stdin").
    #[serde(default = "default_id")]
    pub id: String,
    /// A string standing for GS in addition to the literal `\x1d` (e.g. "<GS>").
    #[serde(default)]
    pub gs_stand_in: Option<ByteSequence>,
    /// Longest line accepted in bytes (default 8192).
    #[serde(default = "default_max_scan_length")]
    pub max_scan_length: usize,
}

fn default_id() -> String {
    "stdin".into()
}
const fn default_max_scan_length() -> usize {
    DEFAULT_MAX_SCAN_LENGTH
}

impl Default for StdinSourceConfig {
    fn default() -> Self {
        Self {
            id: default_id(),
            gs_stand_in: None,
            max_scan_length: default_max_scan_length(),
        }
    }
}

impl StdinSourceConfig {
    /// Checks the values.
    pub fn validate(&self) -> Result<(), SourceError> {
        if self.id.is_empty() || self.max_scan_length == 0 {
            return Err(SourceError::Config(
                "stdin source: id must not be empty and max_scan_length must be above 0".into(),
            ));
        }
        Ok(())
    }

    /// The framer: any line end, the configured stand-in.
    pub fn framer_config(&self) -> FramerConfig {
        FramerConfig {
            terminator: Terminator::Any,
            options: FrameOptions {
                gs_stand_in: self.gs_stand_in.clone().map(|s| s.0),
                ..FrameOptions::default()
            },
            max_scan_length: self.max_scan_length,
        }
    }
}

/// Replaces the typed escape `\x1d` by GS in framed lines.
pub(crate) fn map_typed_gs(frames: &mut [FrameResult]) {
    let finder = memchr::memmem::Finder::new(b"\\x1d");
    for frame in frames.iter_mut().flatten() {
        if finder.find(&frame.data).is_none() {
            continue;
        }
        let mut out = Vec::with_capacity(frame.data.len());
        let mut rest = &frame.data[..];
        while let Some(at) = finder.find(rest) {
            out.extend_from_slice(&rest[..at]);
            out.push(GS);
            rest = &rest[at + 4..];
        }
        out.extend_from_slice(rest);
        frame.data = out;
    }
}

/// Frames a whole byte stream as the stdin source would (pure; used by tests and `listen`).
pub fn frame_lines(config: &StdinSourceConfig, input: &[u8]) -> Vec<FrameResult> {
    let mut framer = Framer::new(config.framer_config());
    let mut frames = Vec::new();
    framer.push(input, &mut frames);
    framer.push(b"\n", &mut frames);
    map_typed_gs(&mut frames);
    frames
}

/// Runs the stdin source until end of input, `cancel`, or `tx` closing.
pub async fn run(
    config: StdinSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    config.validate()?;
    let (chunk_tx, mut chunk_rx) = mpsc::channel::<std::io::Result<Vec<u8>>>(16);
    std::thread::Builder::new()
        .name("gs1-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0u8; 8192];
            loop {
                let result = match stdin.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => Ok(buf[..n].to_vec()),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let failed = result.is_err();
                if chunk_tx.blocking_send(result).is_err() || failed {
                    return;
                }
            }
        })
        .map_err(|e| SourceError::io("stdin", &e))?;

    let mut framer = Framer::new(config.framer_config());
    let mut frames = Vec::new();
    if !emit_status(&tx, &config.id, SourceStatus::Connected).await {
        return Ok(());
    }
    loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return Ok(()),
            chunk = chunk_rx.recv() => match chunk {
                Some(Ok(bytes)) => framer.push(&bytes, &mut frames),
                Some(Err(e)) => {
                    emit_error(&tx, &config.id, SourceError::io("stdin", &e)).await;
                    break;
                }
                None => {
                    // A last line without a line end is still a line.
                    framer.push(b"\n", &mut frames);
                    map_typed_gs(&mut frames);
                    emit_frames(&tx, &config.id, SourceKind::Stdin, &mut frames).await;
                    break;
                }
            }
        }
        map_typed_gs(&mut frames);
        if !emit_frames(&tx, &config.id, SourceKind::Stdin, &mut frames).await {
            return Ok(());
        }
    }
    emit_status(&tx, &config.id, SourceStatus::Finished).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_typed_and_real_gs_and_stand_in() {
        let config = StdinSourceConfig {
            gs_stand_in: Some(ByteSequence(b"<GS>".to_vec())),
            ..StdinSourceConfig::default()
        };
        let frames = frame_lines(&config, b"]d21712\\x1d10AB\r\n0112\x1d21X\n\n1712<GS>10C");
        let data: Vec<_> = frames
            .iter()
            .map(|f| f.as_ref().unwrap().data.clone())
            .collect();
        assert_eq!(
            data,
            vec![
                b"1712\x1d10AB".to_vec(),
                b"0112\x1d21X".to_vec(),
                b"1712\x1d10C".to_vec()
            ]
        );
        assert_eq!(
            frames[0].as_ref().unwrap().symbology.as_deref(),
            Some("]d2")
        );
    }

    #[test]
    fn config_keys() {
        let c: StdinSourceConfig = toml::from_str("id = \"bench\"\ngs_stand_in = \"~\"").unwrap();
        assert_eq!(c.gs_stand_in.unwrap().0, b"~");
        let d: StdinSourceConfig = toml::from_str("").unwrap();
        assert_eq!(d, StdinSourceConfig::default());
    }
}
