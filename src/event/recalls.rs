//! Recall lists: what is recalled, where the list comes from, and which list is in force.
//!
//! Recall lists are CSV (header `gtin,batch,serial,reason,reference`, columns in any order,
//! `batch`/`serial`/`reason`/`reference` may be empty or absent) or JSON (an array of objects with
//! the same keys, or `{"recalls": [...]}`), parsed from bytes by [`RecallList::parse`] — the same
//! parser serves the file named in the configuration ([`RecallFileWatcher`]) and a payload
//! arriving over MQTT. [`RecallLists`] holds both and the merged list in force.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// One recall: a GTIN with a batch, a serial, or neither (all items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecallEntry {
    /// GTIN, normalised to 14 digits; empty for an HIBC entry.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gtin: String,
    /// HIBC device identifier (labeler + product + unit of measure, e.g. `A99912345`), instead
    /// of a GTIN, for products labelled with HIBC; `batch` is then the HIBC lot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hibc_di: Option<String>,
    /// Batch/lot recalled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Serial number recalled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Field safety notice / recall reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Why a recall list was rejected. The previous list stays in force.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecallListError {
    /// The CSV header lacks the `gtin` column.
    #[error("recall list line 1: the header has no `gtin` column (expected gtin,batch,serial,reason,reference)")]
    MissingGtinColumn,
    /// The CSV header names a column we do not know.
    #[error(
        "recall list line 1: unknown column {0:?} (expected gtin,batch,serial,reason,reference)"
    )]
    UnknownColumn(String),
    /// The CSV is malformed (wrong number of fields, bad UTF-8, …).
    #[error("recall list line {line}: {message}")]
    Csv {
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The JSON is malformed or has unknown keys.
    #[error("recall list line {line} column {column}: {message}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A GTIN that is not 8, 12, 13 or 14 digits with a valid check digit.
    #[error("recall list {at}: {gtin:?} is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)")]
    BadGtin {
        /// `line N` (CSV) or `entry N` (JSON, 1-based).
        at: String,
        /// The value.
        gtin: String,
    },
    /// An HIBC device identifier that is not labeler (4) + product (1–18) + unit of measure.
    #[error("recall list {at}: {hibc_di:?} is not an HIBC device identifier (labeler code of 4, product number of 1 to 18, unit-of-measure digit; upper case)")]
    BadHibc {
        /// `line N` (CSV) or `entry N` (JSON, 1-based).
        at: String,
        /// The value.
        hibc_di: String,
    },
    /// An entry names both a GTIN and an HIBC device identifier, or neither.
    #[error("recall list {at}: give exactly one of `gtin` and `hibc_di`")]
    GtinOrHibc {
        /// `line N` (CSV) or `entry N` (JSON, 1-based).
        at: String,
    },
    /// The file could not be read.
    #[error("reading recall list {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A recall list with O(1) lookup by GTIN+batch, GTIN+serial and GTIN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecallList {
    by_batch: HashMap<(String, String), RecallEntry>,
    by_serial: HashMap<(String, String), RecallEntry>,
    by_gtin: HashMap<String, RecallEntry>,
    len: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonWrapped {
    recalls: Vec<RecallEntry>,
}

impl RecallList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses CSV or JSON (chosen by the first non-blank byte: `[` or `{` means JSON).
    pub fn parse(bytes: &[u8]) -> Result<Self, RecallListError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Self::parse_json(bytes),
            _ => Self::parse_csv(bytes),
        }
    }

    /// Parses the CSV form.
    pub fn parse_csv(bytes: &[u8]) -> Result<Self, RecallListError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(bytes);
        let csv_err = |e: csv::Error| RecallListError::Csv {
            line: e.position().map_or(1, |p| p.line()),
            message: e.to_string(),
        };
        let header = reader.headers().map_err(csv_err)?.clone();
        let mut col = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.to_ascii_lowercase();
            match name.as_str() {
                "gtin" | "hibc_di" | "batch" | "serial" | "reason" | "reference" => {
                    col.insert(name, i);
                }
                _ => return Err(RecallListError::UnknownColumn(name)),
            }
        }
        if !col.contains_key("gtin") && !col.contains_key("hibc_di") {
            return Err(RecallListError::MissingGtinColumn);
        }
        let mut list = Self::new();
        for record in reader.records() {
            let record = record.map_err(csv_err)?;
            let line = record.position().map_or(0, |p| p.line());
            let field = |name: &str| {
                col.get(name)
                    .and_then(|i| record.get(*i))
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
            };
            let entry = RecallEntry {
                gtin: field("gtin").unwrap_or_default(),
                hibc_di: field("hibc_di"),
                batch: field("batch"),
                serial: field("serial"),
                reason: field("reason"),
                reference: field("reference"),
            };
            list.insert(entry, || format!("line {line}"))?;
        }
        Ok(list)
    }

    /// Parses the JSON form.
    pub fn parse_json(bytes: &[u8]) -> Result<Self, RecallListError> {
        let json_err = |e: serde_json::Error| RecallListError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        // The shape is chosen by the first byte so that serde's error names the exact field.
        let entries = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => {
                serde_json::from_slice::<JsonWrapped>(bytes)
                    .map_err(json_err)?
                    .recalls
            }
            _ => serde_json::from_slice::<Vec<RecallEntry>>(bytes).map_err(json_err)?,
        };
        let mut list = Self::new();
        for (i, mut e) in entries.into_iter().enumerate() {
            for f in [
                &mut e.hibc_di,
                &mut e.batch,
                &mut e.serial,
                &mut e.reason,
                &mut e.reference,
            ] {
                if f.as_deref().is_some_and(|v| v.trim().is_empty()) {
                    *f = None;
                }
            }
            list.insert(e, || format!("entry {}", i + 1))?;
        }
        Ok(list)
    }

    /// Reads and parses a file.
    pub fn from_path(path: &Path) -> Result<Self, RecallListError> {
        let bytes = std::fs::read(path).map_err(|source| RecallListError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&bytes)
    }

    fn insert(
        &mut self,
        mut entry: RecallEntry,
        at: impl Fn() -> String,
    ) -> Result<(), RecallListError> {
        let gtin = entry.gtin.trim().to_owned();
        let hibc_di = entry.hibc_di.as_deref().map(|d| d.trim().to_owned());
        let key = match (gtin.is_empty(), hibc_di) {
            (false, None) => {
                entry.gtin = normalise_gtin(&gtin).ok_or_else(|| RecallListError::BadGtin {
                    at: at(),
                    gtin: entry.gtin.clone(),
                })?;
                entry.gtin.clone()
            }
            (true, Some(di)) => {
                if !is_hibc_device_identifier(&di) {
                    return Err(RecallListError::BadHibc {
                        at: at(),
                        hibc_di: di,
                    });
                }
                let key = hibc_key(&di);
                entry.hibc_di = Some(di);
                key
            }
            (true, None) if entry.hibc_di.is_none() => {
                // An empty gtin cell is reported as the bad GTIN it is.
                return Err(RecallListError::BadGtin {
                    at: at(),
                    gtin: entry.gtin.clone(),
                });
            }
            _ => return Err(RecallListError::GtinOrHibc { at: at() }),
        };
        self.len += 1;
        match (&entry.batch, &entry.serial) {
            (None, None) => {
                self.by_gtin.entry(key).or_insert(entry);
            }
            (batch, serial) => {
                if let Some(b) = batch {
                    self.by_batch
                        .entry((key.clone(), b.clone()))
                        .or_insert_with(|| entry.clone());
                }
                if let Some(s) = serial {
                    self.by_serial.entry((key, s.clone())).or_insert(entry);
                }
            }
        }
        Ok(())
    }

    /// Number of rows/entries read.
    /// This list plus every entry of `other` whose key is not already here: the active list
    /// when recalls come from several sources (the file and the MQTT topic). A recall is never
    /// lost by merging; where both name the same item, this list's reason and reference win.
    pub fn merged(&self, other: &RecallList) -> RecallList {
        let mut out = self.clone();
        for (k, e) in &other.by_batch {
            if !out.by_batch.contains_key(k) {
                out.by_batch.insert(k.clone(), e.clone());
                out.len += 1;
            }
        }
        for (k, e) in &other.by_serial {
            if !out.by_serial.contains_key(k) {
                out.by_serial.insert(k.clone(), e.clone());
                // An entry with batch and serial is counted once, under its batch.
                if e.batch.is_none() {
                    out.len += 1;
                }
            }
        }
        for (k, e) in &other.by_gtin {
            if !out.by_gtin.contains_key(k) {
                out.by_gtin.insert(k.clone(), e.clone());
                out.len += 1;
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The recall that covers this item, if any: GTIN+serial, then GTIN+batch, then GTIN.
    pub fn lookup(
        &self,
        gtin: &str,
        batch: Option<&str>,
        serial: Option<&str>,
    ) -> Option<&RecallEntry> {
        // HashMap<(String, String)> needs owned keys; two small allocations per product scan.
        let key = |v: &str| (gtin.to_owned(), v.to_owned());
        serial
            .and_then(|s| self.by_serial.get(&key(s)))
            .or_else(|| batch.and_then(|b| self.by_batch.get(&key(b))))
            .or_else(|| self.by_gtin.get(gtin))
    }
}

/// GTIN-8/12/13/14 → 14 digits, when the GS1 mod-10 check digit is right.
/// The recall-list key of an HIBC device identifier: prefixed so that it can never equal a
/// GTIN key.
pub(crate) fn hibc_key(di: &str) -> String {
    format!("hibc:{di}")
}

/// Labeler (4, first a letter) + product (1–18) + unit of measure (a digit), upper case.
fn is_hibc_device_identifier(di: &str) -> bool {
    let b = di.as_bytes();
    (6..=23).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b[b.len() - 1].is_ascii_digit()
}

fn normalise_gtin(s: &str) -> Option<String> {
    if !matches!(s.len(), 8 | 12 | 13 | 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{s:0>14}");
    let digits = padded.as_bytes();
    let sum: u32 = digits[..13]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    let check = (10 - sum % 10) % 10;
    (u32::from(digits[13] - b'0') == check).then_some(padded)
}

/// The size and modification time a recall file had when last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    /// Modification time.
    pub modified: Option<SystemTime>,
    /// Length in bytes.
    pub len: u64,
}

/// Reloads the recall list file when its size or modification time changes.
#[derive(Debug, Clone)]
pub struct RecallFileWatcher {
    path: PathBuf,
    last: Option<FileStamp>,
}

impl RecallFileWatcher {
    /// Watches `path`; the first [`RecallFileWatcher::poll`] loads it.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            last: None,
        }
    }

    /// The watched file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a file with stamp `now` needs (re)loading. Pure.
    pub fn needs_reload(&self, now: FileStamp) -> bool {
        self.last != Some(now)
    }

    /// Checks the file; returns `Ok(Some(list))` when it changed and parsed, `Ok(None)` when it
    /// is unchanged, and an error when it changed but cannot be read or parsed (the stamp is
    /// remembered, so a broken file is reported once, not on every poll).
    pub fn poll(&mut self) -> Result<Option<RecallList>, RecallListError> {
        let meta = std::fs::metadata(&self.path).map_err(|source| RecallListError::Read {
            path: self.path.clone(),
            source,
        })?;
        let stamp = FileStamp {
            modified: meta.modified().ok(),
            len: meta.len(),
        };
        if !self.needs_reload(stamp) {
            return Ok(None);
        }
        self.last = Some(stamp);
        RecallList::from_path(&self.path).map(Some)
    }
}

/// File name of the last valid recall list received over MQTT, beside the outbox.
pub const MQTT_RECALL_CACHE: &str = "recalls-mqtt.cache";

/// The recall lists and the list in force: the file's (`[alerts] recall_list`, reloaded when it
/// changes) merged with the last one received on `[alerts] recall_topic` (kept on disk, so it
/// applies after a restart even before the broker is reachable again).
///
/// A list that cannot be read or parsed never replaces a good one: a half-written file or a
/// broken MQTT message keeps the previous list in force.
#[derive(Debug, Default)]
pub struct RecallLists {
    file: RecallList,
    mqtt: RecallList,
    in_force: Arc<RecallList>,
    watcher: Option<RecallFileWatcher>,
    mqtt_cache: Option<PathBuf>,
}

impl RecallLists {
    /// Loads the list file (if configured; an unreadable one is reported and retried at every
    /// [`RecallLists::poll_file`]) and the MQTT list cached by an earlier run (if `mqtt_cache`).
    pub fn load(file: Option<&Path>, mqtt_cache: Option<PathBuf>) -> Self {
        let mut lists = Self {
            mqtt: mqtt_cache
                .as_deref()
                .map(load_mqtt_cache)
                .unwrap_or_default(),
            mqtt_cache,
            ..Self::default()
        };
        lists.replace_file(file);
        lists
    }

    /// Watches (and loads) a new list file, or none; the MQTT list stays in force.
    pub fn replace_file(&mut self, file: Option<&Path>) {
        self.file = RecallList::new();
        self.watcher = file.map(RecallFileWatcher::new);
        if let Some(w) = &mut self.watcher {
            match w.poll() {
                Ok(list) => self.file = list.unwrap_or_default(),
                Err(e) => tracing::error!(error = %e, "recall list not loaded"),
            }
        }
        self.merge();
    }

    /// The merged list in force.
    pub fn in_force(&self) -> Arc<RecallList> {
        self.in_force.clone()
    }

    /// Reloads the file if it changed. Returns whether the list in force changed.
    pub fn poll_file(&mut self) -> bool {
        let Some(watcher) = &mut self.watcher else {
            return false;
        };
        match watcher.poll() {
            Ok(Some(list)) => {
                tracing::info!(
                    path = %watcher.path().display(),
                    entries = list.len(),
                    "recall list reloaded"
                );
                self.file = list;
                self.merge();
                true
            }
            Ok(None) => false,
            Err(e) => {
                // Keep the previous list: a half-written file must not clear recalls.
                tracing::error!(error = %e, "recall list not reloaded; keeping the previous one");
                false
            }
        }
    }

    /// A recall list published on `[alerts] recall_topic` (CSV or JSON, as the file). A valid
    /// one replaces the previous MQTT list; an invalid one is logged and ignored; an empty
    /// payload (a retained message being cleared) empties the MQTT list. Returns whether the
    /// list in force changed.
    pub fn mqtt_message(&mut self, topic: &str, payload: &[u8], retained: bool) -> bool {
        if payload.is_empty() {
            tracing::info!(%topic, "recall list on MQTT cleared (empty message); the file's list stays");
            self.mqtt = RecallList::new();
            self.save_mqtt_cache(None);
        } else {
            match RecallList::parse(payload) {
                Ok(list) => {
                    tracing::info!(
                        %topic,
                        entries = list.len(),
                        retained,
                        "recall list received over MQTT"
                    );
                    self.mqtt = list;
                    self.save_mqtt_cache(Some(payload));
                }
                Err(e) => {
                    tracing::error!(
                        %topic,
                        bytes = payload.len(),
                        error = %e,
                        "recall list received over MQTT is invalid and was ignored; keeping the previous one"
                    );
                    return false;
                }
            }
        }
        self.merge();
        tracing::info!(entries = self.in_force.len(), "recall list in force");
        true
    }

    fn merge(&mut self) {
        self.in_force = Arc::new(self.file.merged(&self.mqtt));
    }

    /// Keeps (or, with `None`, forgets) the MQTT recall list on disk, through a synced
    /// temporary file and a rename, so a power cut leaves the old list or the new one.
    fn save_mqtt_cache(&self, payload: Option<&[u8]>) {
        let Some(path) = &self.mqtt_cache else {
            return;
        };
        let result = match payload {
            Some(bytes) => write_atomically(path, bytes),
            None => match std::fs::remove_file(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
        };
        if let Err(e) = result {
            tracing::error!(
                path = %path.display(),
                error = %e,
                "MQTT recall list not saved: after a restart it applies only once the broker resends it"
            );
        }
    }
}

/// Loads the MQTT recall list saved by an earlier run; an unreadable or invalid file is
/// reported and ignored (the broker's retained list replaces it on connect).
fn load_mqtt_cache(path: &Path) -> RecallList {
    match RecallList::from_path(path) {
        Ok(list) => {
            tracing::info!(
                path = %path.display(),
                entries = list.len(),
                "recall list last received over MQTT loaded"
            );
            list
        }
        Err(RecallListError::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            RecallList::new()
        }
        Err(e) => {
            tracing::error!(error = %e, "saved MQTT recall list not loaded; ignored");
            RecallList::new()
        }
    }
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
