//! Folder source: watches a directory for new image files (a document scanner, a phone upload,
//! a technician's test labels), decodes each and emits one [`RawScan`] per symbol.
//!
//! The directory is polled: it works the same on local disks and network shares (where inotify
//! sees nothing), and a file is only read once its size stopped changing between two polls, so
//! a half-written upload is never decoded. Decoding runs on a dedicated thread. A still image
//! needs no two-frame confirmation: both decoder passes run and every symbol still has to pass
//! the GS1 engine.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::camera::{de_duration, ser_duration};
use super::{RawScan, SourceKind};
use crate::decode::{self, DecodeError, Decoder, DecoderKind, Format, FormatSet, Strategy};

/// What happens to a file once decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterDecode {
    /// Leave it where it is (remembered, not decoded again while the gateway runs).
    #[default]
    Leave,
    /// Move it into `move_to`.
    Move,
    /// Delete it.
    Delete,
}

fn default_extensions() -> Vec<String> {
    [
        "png", "jpg", "jpeg", "bmp", "tif", "tiff", "pgm", "pnm", "gif", "webp",
    ]
    .map(String::from)
    .to_vec()
}

/// `[[source]] kind = "folder"`: decode image files dropped into a directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FolderSourceConfig {
    /// Source id in scan events; defaults to the directory name.
    pub id: Option<String>,
    /// The directory to watch.
    pub path: PathBuf,
    /// Decoder backend: `rxing` (default) or `zxing-cpp`.
    pub decoder: DecoderKind,
    /// Formats to look for; empty means all.
    pub formats: Vec<Format>,
    /// `leave`, `move` or `delete` a file after decoding.
    pub after: AfterDecode,
    /// Where decoded files go when `after = "move"`.
    pub move_to: Option<PathBuf>,
    /// Where unreadable files or files without a symbol go (optional; otherwise they stay).
    pub failed_to: Option<PathBuf>,
    /// How often the directory is listed.
    #[serde(deserialize_with = "de_duration", serialize_with = "ser_duration")]
    pub poll_interval: Duration,
    /// File name extensions taken as images (case-insensitive).
    pub extensions: Vec<String>,
}

impl Default for FolderSourceConfig {
    fn default() -> Self {
        FolderSourceConfig {
            id: None,
            path: PathBuf::from("/var/lib/gs1-gateway/inbox"),
            decoder: DecoderKind::default(),
            formats: Vec::new(),
            after: AfterDecode::default(),
            move_to: None,
            failed_to: None,
            poll_interval: Duration::from_millis(500),
            extensions: default_extensions(),
        }
    }
}

/// Why the folder source cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolderError {
    /// A configuration value is invalid.
    #[error("folder source configuration: {0}")]
    Config(String),
    /// The directory cannot be read.
    #[error("cannot read directory {path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The decoder cannot be built.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl FolderSourceConfig {
    /// The source id used in scans.
    pub fn source_id(&self) -> String {
        self.id.clone().unwrap_or_else(|| {
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "folder".into())
        })
    }

    /// Checks what serde cannot.
    pub fn validate(&self) -> Result<(), FolderError> {
        if self.after == AfterDecode::Move && self.move_to.is_none() {
            return Err(FolderError::Config(
                "after = \"move\" needs move_to = \"<directory>\"".into(),
            ));
        }
        if self.poll_interval.is_zero() {
            return Err(FolderError::Config("poll_interval must be above 0".into()));
        }
        if !self.decoder.is_available() {
            return Err(DecodeError::BackendUnavailable(self.decoder).into());
        }
        Ok(())
    }
}

/// Polling state: what was seen, what was done.
struct Watch {
    config: FolderSourceConfig,
    /// Size at the last poll, for files not yet decoded.
    pending: HashMap<PathBuf, u64>,
    /// Files decoded and left in place: (path, size, mtime).
    done: HashSet<(PathBuf, u64, Option<SystemTime>)>,
}

impl Watch {
    fn is_image(&self, path: &Path) -> bool {
        path.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .is_some_and(|e| {
                self.config
                    .extensions
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&e))
            })
    }

    /// Lists the directory; returns files whose size was unchanged since the last poll.
    fn ready_files(&mut self) -> Result<Vec<PathBuf>, FolderError> {
        let dir = &self.config.path;
        let entries = std::fs::read_dir(dir).map_err(|source| FolderError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut ready = Vec::new();
        let mut seen = HashSet::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() || !self.is_image(&path) {
                continue;
            }
            let key = (path.clone(), meta.len(), meta.modified().ok());
            if self.done.contains(&key) {
                continue;
            }
            seen.insert(path.clone());
            match self.pending.insert(path.clone(), meta.len()) {
                Some(prev) if prev == meta.len() => {
                    self.pending.remove(&path);
                    ready.push(path);
                }
                _ => {}
            }
        }
        self.pending.retain(|p, _| seen.contains(p));
        ready.sort();
        Ok(ready)
    }

    fn dispose(&mut self, path: &Path, decoded: bool) {
        let target = if decoded {
            match self.config.after {
                AfterDecode::Move => self.config.move_to.clone(),
                AfterDecode::Delete => {
                    if let Err(e) = std::fs::remove_file(path) {
                        tracing::warn!(file = %path.display(), error = %e, "cannot delete decoded file");
                        self.remember(path);
                    }
                    return;
                }
                AfterDecode::Leave => None,
            }
        } else {
            self.config.failed_to.clone()
        };
        match target {
            Some(dir) => {
                let moved = std::fs::create_dir_all(&dir).and_then(|_| {
                    let name = path.file_name().unwrap_or_default();
                    std::fs::rename(path, dir.join(name))
                });
                if let Err(e) = moved {
                    tracing::warn!(file = %path.display(), to = %dir.display(), error = %e, "cannot move file");
                    self.remember(path);
                }
            }
            None => self.remember(path),
        }
    }

    fn remember(&mut self, path: &Path) {
        if let Ok(meta) = std::fs::metadata(path) {
            self.done
                .insert((path.to_owned(), meta.len(), meta.modified().ok()));
        }
    }
}

/// Starts the folder source on its own thread. It stops when cancelled or when the scan
/// receiver is dropped.
pub fn spawn(
    config: &FolderSourceConfig,
    tx: mpsc::Sender<RawScan>,
    cancel: CancellationToken,
) -> Result<JoinHandle<()>, FolderError> {
    config.validate()?;
    let mut decoder = Decoder::new(
        config.decoder,
        FormatSet::new(config.formats.iter().copied()),
    )?;
    let mut watch = Watch {
        config: config.clone(),
        pending: HashMap::new(),
        done: HashSet::new(),
    };
    let source_id = config.source_id();
    std::thread::Builder::new()
        .name(format!("folder-{source_id}"))
        .spawn(move || {
            while !cancel.is_cancelled() {
                match watch.ready_files() {
                    Ok(files) => {
                        for path in files {
                            if cancel.is_cancelled() {
                                return;
                            }
                            let found = decode::load_image(&path)
                                .and_then(|img| decoder.decode(&img, Strategy::Both));
                            let symbols = match found {
                                Ok(o) => o.symbols,
                                Err(e) => {
                                    tracing::warn!(file = %path.display(), error = %e, "cannot decode image file");
                                    Vec::new()
                                }
                            };
                            let decoded = !symbols.is_empty();
                            for s in symbols {
                                let scan = RawScan {
                                    source_id: source_id.clone(),
                                    kind: SourceKind::Folder,
                                    received_at: OffsetDateTime::now_utc(),
                                    data: s.data,
                                    symbology: Some(s.symbology),
                                };
                                if tx.blocking_send(scan).is_err() {
                                    return;
                                }
                            }
                            watch.dispose(&path, decoded);
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "folder source"),
                }
                let end = std::time::Instant::now() + watch.config.poll_interval;
                while std::time::Instant::now() < end && !cancel.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        })
        .map_err(|source| FolderError::Io {
            path: config.path.clone(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_strict_and_validated() {
        let c: FolderSourceConfig =
            toml::from_str("path = \"/srv/inbox\"\nafter = \"move\"\nmove_to = \"/srv/done\"")
                .unwrap();
        assert!(c.validate().is_ok());
        assert_eq!(c.source_id(), "inbox");
        let c: FolderSourceConfig = toml::from_str("after = \"move\"").unwrap();
        assert!(c.validate().is_err());
        assert!(toml::from_str::<FolderSourceConfig>("recursive = true").is_err());
        assert!(toml::from_str::<FolderSourceConfig>("after = \"shred\"").is_err());
    }
}
