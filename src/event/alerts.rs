//! Patient-safety alerts: expired, expiring and recalled products.
//!
//! - `expired` (critical): the expiry date (AI 17, day `00` = last day of the month) is before the
//!   scan date. A product is usable through its expiry date.
//! - `expiring` (warning): it expires within `expiry_warning_days` of the scan date (0 = today).
//! - `recalled` (critical): its GTIN + batch, or GTIN + serial, is on the [`RecallList`]; a row
//!   with neither batch nor serial recalls every item of the GTIN.
//!
//! The scan date is the UTC date of `scanned_at`. Alerts are attached to the scan event
//! (`alerts`) and also published as separate [`AlertEvent`]s on `…/alert`.
//!
//! Recall lists are CSV (header `gtin,batch,serial,reason,reference`, columns in any order,
//! `batch`/`serial`/`reason`/`reference` may be empty or absent) or JSON (an array of objects with
//! the same keys, or `{"recalls": [...]}`), parsed from bytes by [`RecallList::parse`] — the same
//! parser serves the file named in the configuration ([`RecallFileWatcher`]) and a payload
//! arriving over MQTT.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::builder::new_event_id;
use super::scan_event::{iso_date_opt, rfc3339_millis};
use super::{Alert, AlertKind, AlertSeverity, ScanContext, ScanEvent};

/// The value of the `schema` field of every alert event.
pub const ALERT_EVENT_SCHEMA: &str = "gs1-gateway/alert/1";

/// `[alerts]` configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertConfig {
    /// Raise an `expiring` warning for products expiring within this many days (0: only those
    /// expiring today; negative values are not accepted).
    pub expiry_warning_days: u32,
    /// Recall list file (CSV or JSON), reloaded when it changes.
    pub recall_list: Option<PathBuf>,
    /// MQTT topic (filter, used as given, not under the topic prefix) on which a recall list
    /// can arrive, in the same formats as the file. The gateway subscribes on every (re)connect,
    /// so the retained message on it is picked up at start. Each valid payload replaces the
    /// previous MQTT list, which is merged with the file's list; an invalid payload is logged
    /// and ignored; an empty one clears the MQTT list.
    pub recall_topic: Option<String>,
}

/// Checks an MQTT topic filter (`[alerts] recall_topic`): not empty, no NUL, `+` and `#` only
/// as whole levels and `#` only last (MQTT 3.1.1 §4.7). The message says what is wrong.
pub fn check_topic_filter(topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err("the topic is empty".into());
    }
    if topic.contains('\0') {
        return Err("the topic contains a NUL character".into());
    }
    if topic.len() > 65_535 {
        return Err("the topic is longer than 65535 bytes".into());
    }
    let levels: Vec<&str> = topic.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i + 1 != levels.len()) {
            return Err(format!(
                "{topic:?}: '#' must be a whole level and the last one"
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(format!("{topic:?}: '+' must be a whole level"));
        }
    }
    Ok(())
}

/// The default warning window.
pub const DEFAULT_EXPIRY_WARNING_DAYS: u32 = 30;

impl Default for AlertConfig {
    fn default() -> Self {
        Self {
            expiry_warning_days: DEFAULT_EXPIRY_WARNING_DAYS,
            recall_list: None,
            recall_topic: None,
        }
    }
}

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
fn hibc_key(di: &str) -> String {
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

/// A patient-safety alert as published on `{prefix}/{gateway_id}/{scanner_id}/alert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// UUIDv7 of this alert.
    pub event_id: Uuid,
    /// Always [`ALERT_EVENT_SCHEMA`].
    pub schema: String,
    /// The gateway.
    pub gateway_id: String,
    /// The scanner that read the product.
    pub scanner_id: String,
    /// When the product was scanned.
    #[serde(with = "rfc3339_millis")]
    pub scanned_at: OffsetDateTime,
    /// The scan event that raised the alert.
    pub scan_event_id: Uuid,
    /// That scan event's sequence number.
    pub sequence: u64,
    /// The alert.
    pub alert: Alert,
    /// The point-of-care context (who was about to use it on whom, where).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ScanContext>,
}

impl AlertEvent {
    /// Every text of the record, for the privacy guard.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(super::TextField, &mut String)) {
        f(super::TextField::Other, &mut self.gateway_id);
        f(super::TextField::Other, &mut self.scanner_id);
        self.alert.visit_text_mut(f);
        if let Some(c) = &mut self.context {
            c.visit_text_mut(f);
        }
    }

    /// One alert event per alert on `event` (call after context is attached).
    pub fn from_scan(event: &ScanEvent) -> Vec<AlertEvent> {
        event
            .alerts
            .iter()
            .map(|a| AlertEvent {
                event_id: new_event_id(event.scanned_at),
                schema: ALERT_EVENT_SCHEMA.to_owned(),
                gateway_id: event.gateway_id.clone(),
                scanner_id: event.scanner_id.clone(),
                scanned_at: event.scanned_at,
                scan_event_id: event.event_id,
                sequence: event.sequence,
                alert: a.clone(),
                context: event.context.clone(),
            })
            .collect()
    }
}

/// Raises expiry and recall alerts for product scans.
#[derive(Debug, Clone)]
pub struct AlertChecker {
    warning_days: i64,
}

impl AlertChecker {
    /// A checker with the configured warning window.
    pub fn new(config: &AlertConfig) -> Self {
        Self {
            warning_days: i64::from(config.expiry_warning_days),
        }
    }

    /// The alerts `event` raises against `recalls` (most severe first). Only valid scans with a
    /// GTIN can raise alerts.
    pub fn check(&self, event: &ScanEvent, recalls: &RecallList) -> Vec<Alert> {
        let mut alerts = Vec::new();
        if !event.valid {
            return alerts;
        }
        // GS1 products by GTIN, HIBC products by device identifier (kept apart in the list).
        let (key, item) = match (
            &event.gtin,
            event
                .hibc
                .as_ref()
                .and_then(|h| h.device_identifier.as_ref()),
        ) {
            (Some(gtin), _) => (
                gtin.clone(),
                describe(
                    "GTIN",
                    gtin,
                    event.batch.as_deref(),
                    event.serial.as_deref(),
                ),
            ),
            (None, Some(di)) => (
                hibc_key(di),
                describe("HIBC", di, event.batch.as_deref(), event.serial.as_deref()),
            ),
            (None, None) => return alerts,
        };
        if let Some(r) = recalls.lookup(&key, event.batch.as_deref(), event.serial.as_deref()) {
            let mut message = format!("RECALLED: {item} is on the recall list");
            if let Some(reference) = &r.reference {
                message.push_str(&format!(" (reference {reference})"));
            }
            if let Some(reason) = &r.reason {
                message.push_str(&format!(": {reason}"));
            }
            message.push_str(&format!(
                "; scanned {}. Do not use.",
                iso_date_opt::format(&event.scanned_at.date())
            ));
            alerts.push(self.alert(
                event,
                AlertKind::Recalled,
                AlertSeverity::Critical,
                message,
                Some(r),
            ));
        }
        if let Some(expiry) = event.expiry {
            let today = event.scanned_at.to_offset(time::UtcOffset::UTC).date();
            let days = (expiry - today).whole_days();
            let exp = iso_date_opt::format(&expiry);
            let scanned = iso_date_opt::format(&today);
            if days < 0 {
                let message = format!(
                    "EXPIRED: {item} expired on {exp}, {} day{} before this scan on {scanned}. Do not use.",
                    -days,
                    if days == -1 { "" } else { "s" }
                );
                alerts.push(self.alert(
                    event,
                    AlertKind::Expired,
                    AlertSeverity::Critical,
                    message,
                    None,
                ));
            } else if days <= self.warning_days {
                let when = match days {
                    0 => "today".to_owned(),
                    1 => "tomorrow".to_owned(),
                    n => format!("in {n} days"),
                };
                let message =
                    format!("Expiring: {item} expires on {exp} ({when}; scanned {scanned}).");
                alerts.push(self.alert(
                    event,
                    AlertKind::Expiring,
                    AlertSeverity::Warning,
                    message,
                    None,
                ));
            }
        }
        alerts.sort_by_key(|a| std::cmp::Reverse(a.severity));
        alerts
    }

    fn alert(
        &self,
        event: &ScanEvent,
        kind: AlertKind,
        severity: AlertSeverity,
        message: String,
        recall: Option<&RecallEntry>,
    ) -> Alert {
        let days_to_expiry = event
            .expiry
            .map(|e| (e - event.scanned_at.to_offset(time::UtcOffset::UTC).date()).whole_days());
        Alert {
            kind,
            severity,
            message,
            gtin: event.gtin.clone().unwrap_or_default(),
            hibc_di: match &event.gtin {
                Some(_) => None,
                None => event
                    .hibc
                    .as_ref()
                    .and_then(|h| h.device_identifier.clone()),
            },
            batch: event.batch.clone(),
            serial: event.serial.clone(),
            expiry: event.expiry,
            days_to_expiry,
            reason: recall.and_then(|r| r.reason.clone()),
            reference: recall.and_then(|r| r.reference.clone()),
        }
    }
}

fn describe(scheme: &str, id: &str, batch: Option<&str>, serial: Option<&str>) -> String {
    let mut s = format!("{scheme} {id}");
    if let Some(b) = batch {
        // HIBC calls it a lot, GS1 a batch.
        let word = if scheme == "HIBC" { "lot" } else { "batch" };
        s.push_str(&format!(" {word} {b}"));
    }
    if let Some(sn) = serial {
        s.push_str(&format!(" serial {sn}"));
    }
    s
}
