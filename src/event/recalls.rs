//! Recall lists: what is recalled, where the list comes from, and which list is in force.
//!
//! Recall lists are CSV (header `gtin,batch,serial,reason,reference`, columns in any order,
//! `batch`/`serial`/`reason`/`reference` may be empty or absent) or JSON (an array of objects with
//! the same keys, or `{"recalls": [...]}`), parsed from bytes by [`RecallList::parse_lenient`] —
//! the same parser serves the file named in the configuration ([`RecallFileWatcher`]) and a
//! payload arriving over MQTT. Every field of both formats is trimmed of surrounding whitespace.
//!
//! A row that is not valid (a GTIN typo, a leading zero stripped by a spreadsheet) is rejected on
//! its own, with its line (CSV) or entry number (JSON): the valid rows are in force and the
//! rejected ones are reported ([`RejectedRow`]). Only a list that cannot be read as a whole (its
//! header, JSON syntax) or has no valid row at all is refused. [`RecallList::parse`] is the strict
//! form: the first rejected row is an error.
//!
//! A row naming a batch and a serial recalls that serial of that batch only; a batch alone, every
//! item of the batch; a serial alone, that serial in any batch; neither, every item of the product.
//!
//! [`RecallLists`] holds the file's list, the MQTT list, the merged list in force and a
//! [`RecallStatus`] for `/healthz`, `/status` and the metrics.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// One recall: a GTIN with a batch, a serial, both, or neither (all items).
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

/// Where a row of a recall list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAt {
    /// 1-based line of a CSV list.
    Line(u64),
    /// 1-based entry of a JSON list (serde keeps no position per array element).
    Entry(usize),
}

impl fmt::Display for RowAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowAt::Line(n) => write!(f, "line {n}"),
            RowAt::Entry(n) => write!(f, "entry {n}"),
        }
    }
}

/// Why one row was rejected. Quotes nothing but the row's own fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowError {
    /// A GTIN that is not 8, 12, 13 or 14 digits with a valid check digit.
    #[error("{0:?} is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)")]
    BadGtin(String),
    /// An HIBC device identifier that is not labeler (4) + product (1–18) + unit of measure.
    #[error("{0:?} is not an HIBC device identifier (labeler code of 4, product number of 1 to 18, unit-of-measure digit; upper case)")]
    BadHibc(String),
    /// The row names both a GTIN and an HIBC device identifier.
    #[error("give exactly one of `gtin` and `hibc_di`")]
    GtinOrHibc,
    /// The row is not shaped as the list says (field count, UTF-8, JSON keys and types).
    #[error("{0}")]
    Malformed(String),
}

/// A row left out of the list, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {error}")]
pub struct RejectedRow {
    /// Its line or entry.
    pub at: RowAt,
    /// What is wrong with it.
    pub error: RowError,
}

/// Why a recall list as a whole was refused. The previous list stays in force.
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
    /// The CSV cannot be read (its header is not UTF-8, …).
    #[error("recall list line {line}: {message}")]
    Csv {
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The JSON is malformed (syntax, or not an array of entries).
    #[error("recall list line {line} column {column}: {message}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A rejected row, from the strict [`RecallList::parse`].
    #[error("recall list {0}")]
    Row(RejectedRow),
    /// The file could not be read.
    #[error("reading recall list {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A list read leniently: its valid rows, and the rows left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedRecalls {
    /// The valid rows.
    pub list: RecallList,
    /// The rejected rows, in order.
    pub rejected: Vec<RejectedRow>,
}

impl ParsedRecalls {
    /// Rows were read but none is valid: as good as no list at all.
    pub fn has_no_valid_row(&self) -> bool {
        self.list.is_empty() && !self.rejected.is_empty()
    }

    /// Why a list with no valid row is refused, naming the first rejected row.
    fn no_valid_row_message(&self) -> String {
        let n = self.rejected.len();
        let first = self
            .rejected
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        format!(
            "none of its {n} row{} is valid (first: {first})",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// A recall list with O(1) lookup by product + batch + serial, + serial, + batch, and product.
/// "Product" is the 14-digit GTIN, or `hibc:` + the HIBC device identifier ([`hibc_key`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecallList {
    by_batch_serial: HashMap<(String, String, String), RecallEntry>,
    by_batch: HashMap<(String, String), RecallEntry>,
    by_serial: HashMap<(String, String), RecallEntry>,
    by_gtin: HashMap<String, RecallEntry>,
    /// Per product, the (batch, serial) of every recall naming a batch: for scans that carry no
    /// batch ([`RecallList::batch_recalls`]).
    batches: HashMap<String, Vec<(String, Option<String>)>>,
    /// A configured list could not be loaded: recall checks against this list are incomplete.
    unavailable: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonWrapped {
    recalls: Vec<serde_json::Value>,
}

impl RecallList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses CSV or JSON strictly: the first rejected row is an error.
    pub fn parse(bytes: &[u8]) -> Result<Self, RecallListError> {
        strict(Self::parse_lenient(bytes)?)
    }

    /// Parses CSV or JSON (chosen by the first non-blank byte: `[` or `{` means JSON), keeping
    /// every valid row and reporting the others. An error only when the list cannot be read as
    /// a whole.
    pub fn parse_lenient(bytes: &[u8]) -> Result<ParsedRecalls, RecallListError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Self::parse_json_lenient(bytes),
            _ => Self::parse_csv_lenient(bytes),
        }
    }

    /// Parses the CSV form strictly.
    pub fn parse_csv(bytes: &[u8]) -> Result<Self, RecallListError> {
        strict(Self::parse_csv_lenient(bytes)?)
    }

    /// Parses the JSON form strictly.
    pub fn parse_json(bytes: &[u8]) -> Result<Self, RecallListError> {
        strict(Self::parse_json_lenient(bytes)?)
    }

    /// Parses the CSV form, keeping the valid rows.
    pub fn parse_csv_lenient(bytes: &[u8]) -> Result<ParsedRecalls, RecallListError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            // Rows of the wrong length are rejected one by one below, not as a reader error.
            .flexible(true)
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
        let mut out = ParsedRecalls::default();
        let mut record = csv::ByteRecord::new();
        // Byte records: a field that is not UTF-8 rejects its row, not the list. Reading from a
        // slice has no I/O error, so an error here ends the list rather than loop.
        while reader.read_byte_record(&mut record).map_err(csv_err)? {
            let at = RowAt::Line(record.position().map_or(0, |p| p.line()));
            let row = csv_entry(&record, &col, header.len());
            match row.and_then(|entry| out.list.insert(entry)) {
                Ok(()) => {}
                Err(error) => out.rejected.push(RejectedRow { at, error }),
            }
        }
        Ok(out)
    }

    /// Parses the JSON form, keeping the valid entries.
    pub fn parse_json_lenient(bytes: &[u8]) -> Result<ParsedRecalls, RecallListError> {
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
            _ => serde_json::from_slice::<Vec<serde_json::Value>>(bytes).map_err(json_err)?,
        };
        let mut out = ParsedRecalls::default();
        for (i, value) in entries.into_iter().enumerate() {
            let at = RowAt::Entry(i + 1);
            let entry = serde_json::from_value::<RecallEntry>(value)
                .map_err(|e| RowError::Malformed(e.to_string()));
            match entry.and_then(|entry| out.list.insert(entry)) {
                Ok(()) => {}
                Err(error) => out.rejected.push(RejectedRow { at, error }),
            }
        }
        Ok(out)
    }

    /// Reads and parses a file strictly.
    pub fn from_path(path: &Path) -> Result<Self, RecallListError> {
        strict(Self::from_path_lenient(path)?)
    }

    /// Reads and parses a file, keeping the valid rows.
    pub fn from_path_lenient(path: &Path) -> Result<ParsedRecalls, RecallListError> {
        let bytes = std::fs::read(path).map_err(|source| RecallListError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse_lenient(&bytes)
    }

    /// Validates and adds one row (every field trimmed; an empty one is absent).
    fn insert(&mut self, entry: RecallEntry) -> Result<(), RowError> {
        let trim = |f: Option<String>| {
            f.map(|v| v.trim().to_owned())
                .filter(|v: &String| !v.is_empty())
        };
        let mut entry = RecallEntry {
            gtin: entry.gtin.trim().to_owned(),
            hibc_di: trim(entry.hibc_di),
            batch: trim(entry.batch),
            serial: trim(entry.serial),
            reason: trim(entry.reason),
            reference: trim(entry.reference),
        };
        let key = match (entry.gtin.is_empty(), &entry.hibc_di) {
            (false, None) => {
                entry.gtin = normalise_gtin(&entry.gtin)
                    .ok_or_else(|| RowError::BadGtin(entry.gtin.clone()))?;
                entry.gtin.clone()
            }
            (true, Some(di)) => {
                if !is_hibc_device_identifier(di) {
                    return Err(RowError::BadHibc(di.clone()));
                }
                hibc_key(di)
            }
            // An empty gtin cell is reported as the bad GTIN it is.
            (true, None) => return Err(RowError::BadGtin(String::new())),
            (false, Some(_)) => return Err(RowError::GtinOrHibc),
        };
        self.add(key, entry);
        Ok(())
    }

    /// Adds a validated entry under `key`, unless the same item is already recalled (the first
    /// row naming an item gives its reason and reference).
    fn add(&mut self, key: String, entry: RecallEntry) {
        match (entry.batch.clone(), entry.serial.clone()) {
            (None, None) => {
                self.by_gtin.entry(key).or_insert(entry);
            }
            (None, Some(s)) => {
                self.by_serial.entry((key, s)).or_insert(entry);
            }
            (Some(b), None) => {
                if let std::collections::hash_map::Entry::Vacant(v) =
                    self.by_batch.entry((key.clone(), b.clone()))
                {
                    v.insert(entry);
                    self.batches.entry(key).or_default().push((b, None));
                }
            }
            (Some(b), Some(s)) => {
                if let std::collections::hash_map::Entry::Vacant(v) =
                    self.by_batch_serial
                        .entry((key.clone(), b.clone(), s.clone()))
                {
                    v.insert(entry);
                    self.batches.entry(key).or_default().push((b, Some(s)));
                }
            }
        }
    }

    /// This list plus every entry of `other` whose item is not already here: the active list
    /// when recalls come from several sources (the file and the MQTT topic). A recall is never
    /// lost by merging; where both name the same item, this list's reason and reference win.
    pub fn merged(&self, other: &RecallList) -> RecallList {
        let mut out = self.clone();
        for ((k, _, _), e) in &other.by_batch_serial {
            out.add(k.clone(), e.clone());
        }
        for ((k, _), e) in &other.by_batch {
            out.add(k.clone(), e.clone());
        }
        for ((k, _), e) in &other.by_serial {
            out.add(k.clone(), e.clone());
        }
        for (k, e) in &other.by_gtin {
            out.add(k.clone(), e.clone());
        }
        out.unavailable = self.unavailable || other.unavailable;
        out
    }

    /// Number of distinct recalls (rows naming the same item count once).
    pub fn len(&self) -> usize {
        self.by_batch_serial.len() + self.by_batch.len() + self.by_serial.len() + self.by_gtin.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Marks the list as incomplete: a configured list could not be loaded, so every product
    /// scan says its recall check is unavailable.
    pub fn set_unavailable(&mut self, unavailable: bool) {
        self.unavailable = unavailable;
    }

    /// Whether a configured list could not be loaded ([`RecallList::set_unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        self.unavailable
    }

    /// The recall that covers this item, if any: product + batch + serial, then product +
    /// serial, then product + batch, then the whole product.
    pub fn lookup(
        &self,
        gtin: &str,
        batch: Option<&str>,
        serial: Option<&str>,
    ) -> Option<&RecallEntry> {
        // HashMap<(String, String)> needs owned keys; two small allocations per product scan.
        let key = |v: &str| (gtin.to_owned(), v.to_owned());
        let both = match (batch, serial) {
            (Some(b), Some(s)) if !self.by_batch_serial.is_empty() => {
                self.by_batch_serial
                    .get(&(gtin.to_owned(), b.to_owned(), s.to_owned()))
            }
            _ => None,
        };
        both.or_else(|| serial.and_then(|s| self.by_serial.get(&key(s))))
            .or_else(|| batch.and_then(|b| self.by_batch.get(&key(b))))
            .or_else(|| self.by_gtin.get(gtin))
    }

    /// The recalls naming a batch of this product that an item with no batch and this serial
    /// (if any) might fall under: every batch recall, and every batch + serial recall of the
    /// same serial (or of any serial when the item has none). For scans that carry no batch
    /// (EAN-13, an HIBC primary, a GTIN-only Digital Link).
    pub fn batch_recalls(&self, gtin: &str, serial: Option<&str>) -> Vec<&RecallEntry> {
        let Some(batches) = self.batches.get(gtin) else {
            return Vec::new();
        };
        batches
            .iter()
            .filter_map(|(b, s)| match s {
                None => self.by_batch.get(&(gtin.to_owned(), b.clone())),
                Some(s) if serial.is_none_or(|scanned| scanned == s) => self
                    .by_batch_serial
                    .get(&(gtin.to_owned(), b.clone(), s.clone())),
                Some(_) => None,
            })
            .collect()
    }
}

/// The strict reading of a lenient parse: the first rejected row is the error.
fn strict(parsed: ParsedRecalls) -> Result<RecallList, RecallListError> {
    match parsed.rejected.into_iter().next() {
        Some(row) => Err(RecallListError::Row(row)),
        None => Ok(parsed.list),
    }
}

/// The entry of one CSV record (not yet validated).
fn csv_entry(
    record: &csv::ByteRecord,
    col: &HashMap<String, usize>,
    columns: usize,
) -> Result<RecallEntry, RowError> {
    if record.len() != columns {
        return Err(RowError::Malformed(format!(
            "{} field{} where the header has {columns}",
            record.len(),
            if record.len() == 1 { "" } else { "s" }
        )));
    }
    let field = |name: &str| -> Result<Option<String>, RowError> {
        match col.get(name).and_then(|i| record.get(*i)) {
            None => Ok(None),
            Some(v) => std::str::from_utf8(v)
                .map(|v| Some(v.to_owned()).filter(|v| !v.is_empty()))
                .map_err(|_| RowError::Malformed(format!("the `{name}` field is not UTF-8"))),
        }
    };
    Ok(RecallEntry {
        gtin: field("gtin")?.unwrap_or_default(),
        hibc_di: field("hibc_di")?,
        batch: field("batch")?,
        serial: field("serial")?,
        reason: field("reason")?,
        reference: field("reference")?,
    })
}

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

/// GTIN-8/12/13/14 → 14 digits, when the GS1 mod-10 check digit is right.
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

    /// Checks the file; returns `Ok(Some(parsed))` when it changed and was read (its valid and
    /// rejected rows), `Ok(None)` when it is unchanged, and an error when it cannot be read or
    /// parsed as a whole (the stamp of a file that exists is remembered, so a broken file is
    /// read once, not on every poll).
    pub fn poll(&mut self) -> Result<Option<ParsedRecalls>, RecallListError> {
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
        RecallList::from_path_lenient(&self.path).map(Some)
    }
}

/// File name of the last valid recall list received over MQTT, beside the outbox.
pub const MQTT_RECALL_CACHE: &str = "recalls-mqtt.cache";

/// The most rejected rows logged for one read of a list (every one is counted; `check-config`
/// lists them all).
const MAX_ROWS_LOGGED: usize = 100;

/// The most rejected rows named in `/healthz` problems, per list.
const MAX_ROWS_IN_PROBLEMS: usize = 10;

/// The state of one recall list source, for `/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallSourceStatus {
    /// The file, or the MQTT topic (the cache file before a message has arrived).
    pub source: String,
    /// Distinct recalls of this source in force.
    pub entries: usize,
    /// Whether a list from this source is in force (false: never loaded since start or since
    /// the file was configured).
    pub loaded: bool,
    /// The rows rejected in the last read, each as `line N: why` or `entry N: why`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<String>,
    /// Why the last read was refused as a whole, until a good one; an earlier list (if
    /// `loaded`) stays in force meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The recall lists as `/status` reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallStatus {
    /// Distinct recalls in force (file and MQTT merged).
    pub entries: usize,
    /// The configured file could not be loaded: every product scan carries
    /// `recall_check_unavailable`.
    pub unavailable: bool,
    /// `[alerts] recall_list`, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<RecallSourceStatus>,
    /// `[alerts] recall_topic`, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mqtt: Option<RecallSourceStatus>,
}

impl RecallStatus {
    /// Rows rejected in the last read of each list.
    pub fn rows_rejected(&self) -> usize {
        [&self.file, &self.mqtt]
            .into_iter()
            .flatten()
            .map(|s| s.rejected.len())
            .sum()
    }

    /// What `/healthz` reports as problems: a list that could not be loaded and each rejected
    /// row (the first [`MAX_ROWS_IN_PROBLEMS`] per list; the log has more).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, s) in [
            ("recall list", &self.file),
            ("MQTT recall list", &self.mqtt),
        ] {
            let Some(s) = s else { continue };
            if let Some(e) = &s.error {
                out.push(if s.loaded {
                    format!(
                        "{what} {} not reloaded: {e}; the list read before stays in force",
                        s.source
                    )
                } else if what == "recall list" {
                    format!(
                        "{what} {} could not be loaded: {e}; product scans carry \
                         recall_check_unavailable",
                        s.source
                    )
                } else {
                    format!("{what} {} ignored: {e}", s.source)
                });
            }
            for r in s.rejected.iter().take(MAX_ROWS_IN_PROBLEMS) {
                out.push(format!("{what} {}: row rejected, {r}", s.source));
            }
            if s.rejected.len() > MAX_ROWS_IN_PROBLEMS {
                out.push(format!(
                    "{what} {}: {} more rows rejected (see the log or check-config)",
                    s.source,
                    s.rejected.len() - MAX_ROWS_IN_PROBLEMS
                ));
            }
        }
        out
    }
}

/// The recall lists and the list in force: the file's (`[alerts] recall_list`, reloaded when it
/// changes) merged with the last one received on `[alerts] recall_topic` (kept on disk, so it
/// applies after a restart even before the broker is reachable again).
///
/// Rejected rows are left out and reported; the valid rows are in force. A list that cannot be
/// read, or has no valid row, never replaces a good one: a half-written file or a broken MQTT
/// message keeps the previous list in force. When the configured file has never been loaded
/// (missing, unreadable, no valid row), the list in force is marked unavailable
/// ([`RecallList::is_unavailable`]) and every product scan says so.
#[derive(Debug, Default)]
pub struct RecallLists {
    file: RecallList,
    mqtt: RecallList,
    in_force: Arc<RecallList>,
    watcher: Option<RecallFileWatcher>,
    mqtt_cache: Option<PathBuf>,
    file_status: Option<RecallSourceStatus>,
    mqtt_status: Option<RecallSourceStatus>,
}

impl RecallLists {
    /// Loads the list file (if configured; an unreadable one is reported and retried at every
    /// [`RecallLists::poll_file`]) and the MQTT list cached by an earlier run (if `mqtt_cache`).
    pub fn load(file: Option<&Path>, mqtt_cache: Option<PathBuf>) -> Self {
        let mut lists = Self {
            mqtt_cache,
            ..Self::default()
        };
        if let Some(cache) = lists.mqtt_cache.clone() {
            lists.load_mqtt_cache(&cache);
        }
        lists.replace_file(file);
        lists
    }

    /// Watches (and loads) a new list file, or none; the MQTT list stays in force.
    pub fn replace_file(&mut self, file: Option<&Path>) {
        self.file = RecallList::new();
        self.watcher = file.map(RecallFileWatcher::new);
        self.file_status = file.map(|p| RecallSourceStatus {
            source: p.display().to_string(),
            ..RecallSourceStatus::default()
        });
        if let Some(w) = &mut self.watcher {
            let result = w.poll();
            self.file_read(result);
        }
        self.merge();
    }

    /// The merged list in force.
    pub fn in_force(&self) -> Arc<RecallList> {
        self.in_force.clone()
    }

    /// The state of the lists, for `/status`, `/healthz` and the metrics.
    pub fn status(&self) -> RecallStatus {
        RecallStatus {
            entries: self.in_force.len(),
            unavailable: self.in_force.is_unavailable(),
            file: self.file_status.clone(),
            mqtt: self.mqtt_status.clone(),
        }
    }

    /// Reloads the file if it changed. Returns whether the list in force or its status changed.
    pub fn poll_file(&mut self) -> bool {
        let Some(watcher) = &mut self.watcher else {
            return false;
        };
        let result = watcher.poll();
        let changed = self.file_read(result);
        if changed {
            self.merge();
        }
        changed
    }

    /// Takes the result of a read of the file; returns whether anything changed.
    fn file_read(&mut self, result: Result<Option<ParsedRecalls>, RecallListError>) -> bool {
        let Some(status) = &mut self.file_status else {
            return false;
        };
        let path = status.source.clone();
        let error = match result {
            Ok(None) => return false,
            Ok(Some(parsed)) => {
                log_rejected(&path, &parsed.rejected);
                status.rejected = parsed.rejected.iter().map(ToString::to_string).collect();
                if parsed.has_no_valid_row() {
                    parsed.no_valid_row_message()
                } else {
                    tracing::info!(
                        path = %path,
                        entries = parsed.list.len(),
                        rejected = parsed.rejected.len(),
                        "recall list loaded"
                    );
                    status.entries = parsed.list.len();
                    status.loaded = true;
                    status.error = None;
                    self.file = parsed.list;
                    return true;
                }
            }
            Err(e) => {
                // A missing file is polled every few seconds: report each new error once.
                if status.error.as_deref() == Some(e.to_string().as_str()) {
                    return false;
                }
                status.rejected.clear();
                e.to_string()
            }
        };
        if status.loaded {
            // Keep the previous list: a half-written file must not clear recalls.
            tracing::error!(path = %path, error = %error, "recall list not reloaded; keeping the previous one");
        } else {
            tracing::error!(
                path = %path,
                error = %error,
                "recall list not loaded: product scans carry recall_check_unavailable until it is"
            );
        }
        status.error = Some(error);
        true
    }

    /// A recall list published on `[alerts] recall_topic` (CSV or JSON, as the file). One with
    /// at least one valid row replaces the previous MQTT list (its rejected rows are reported);
    /// an unreadable one, or one with no valid row, is logged and ignored; an empty payload (a
    /// retained message being cleared) empties the MQTT list. Returns whether the list in force
    /// or its status changed.
    pub fn mqtt_message(&mut self, topic: &str, payload: &[u8], retained: bool) -> bool {
        let status = self
            .mqtt_status
            .get_or_insert_with(RecallSourceStatus::default);
        status.source = topic.to_owned();
        if payload.is_empty() {
            tracing::info!(%topic, "recall list on MQTT cleared (empty message); the file's list stays");
            *status = RecallSourceStatus {
                source: topic.to_owned(),
                loaded: true,
                ..RecallSourceStatus::default()
            };
            self.mqtt = RecallList::new();
            save_mqtt_cache(self.mqtt_cache.as_deref(), None);
        } else {
            let error = match RecallList::parse_lenient(payload) {
                Ok(parsed) => {
                    log_rejected(topic, &parsed.rejected);
                    status.rejected = parsed.rejected.iter().map(ToString::to_string).collect();
                    if parsed.has_no_valid_row() {
                        parsed.no_valid_row_message()
                    } else {
                        tracing::info!(
                            %topic,
                            entries = parsed.list.len(),
                            rejected = parsed.rejected.len(),
                            retained,
                            "recall list received over MQTT"
                        );
                        status.entries = parsed.list.len();
                        status.loaded = true;
                        status.error = None;
                        self.mqtt = parsed.list;
                        save_mqtt_cache(self.mqtt_cache.as_deref(), Some(payload));
                        String::new()
                    }
                }
                Err(e) => {
                    status.rejected.clear();
                    e.to_string()
                }
            };
            if !error.is_empty() {
                tracing::error!(
                    %topic,
                    bytes = payload.len(),
                    error = %error,
                    "recall list received over MQTT is invalid and was ignored; keeping the previous one"
                );
                status.error = Some(error);
                return true;
            }
        }
        self.merge();
        tracing::info!(entries = self.in_force.len(), "recall list in force");
        true
    }

    fn merge(&mut self) {
        let mut list = self.file.merged(&self.mqtt);
        // Only the configured file counts: an MQTT list may legitimately not have arrived yet.
        list.set_unavailable(self.file_status.as_ref().is_some_and(|s| !s.loaded));
        self.in_force = Arc::new(list);
    }

    /// Loads the MQTT recall list saved by an earlier run; an unreadable or invalid file is
    /// reported and ignored (the broker's retained list replaces it on connect).
    fn load_mqtt_cache(&mut self, path: &Path) {
        let parsed = match RecallList::from_path_lenient(path) {
            Ok(parsed) if !parsed.has_no_valid_row() => parsed,
            Err(RecallListError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return;
            }
            Ok(parsed) => {
                tracing::error!(error = %parsed.no_valid_row_message(), "saved MQTT recall list not loaded; ignored");
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "saved MQTT recall list not loaded; ignored");
                return;
            }
        };
        let source = path.display().to_string();
        log_rejected(&source, &parsed.rejected);
        tracing::info!(
            path = %source,
            entries = parsed.list.len(),
            "recall list last received over MQTT loaded"
        );
        self.mqtt_status = Some(RecallSourceStatus {
            source,
            entries: parsed.list.len(),
            loaded: true,
            rejected: parsed.rejected.iter().map(ToString::to_string).collect(),
            error: None,
        });
        self.mqtt = parsed.list;
    }
}

/// Keeps (or, with `None`, forgets) the MQTT recall list on disk, through a synced temporary
/// file and a rename, so a power cut leaves the old list or the new one.
fn save_mqtt_cache(cache: Option<&Path>, payload: Option<&[u8]>) {
    let Some(path) = cache else {
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

/// Logs each rejected row with its line (the first [`MAX_ROWS_LOGGED`]).
fn log_rejected(source: &str, rejected: &[RejectedRow]) {
    for r in rejected.iter().take(MAX_ROWS_LOGGED) {
        tracing::error!(list = %source, row = %r, "recall list row rejected; the valid rows are in force");
    }
    if rejected.len() > MAX_ROWS_LOGGED {
        tracing::error!(
            list = %source,
            more = rejected.len() - MAX_ROWS_LOGGED,
            "more recall list rows rejected (gs1-gateway check-config lists them all)"
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    const GTIN: &str = "09506000134352";
    const OTHER: &str = "09506000134376";

    /// One bad row (a stripped leading zero) used to reject the whole list; now the valid rows
    /// are in force and the bad one is reported with its line.
    #[test]
    fn a_bad_csv_row_is_rejected_alone_with_its_line() {
        let csv = "# week 48\ngtin,batch,reference\n09506000134352,L1,FSN-1\n950600013437,L2,FSN-2\n09506000134376,L3,FSN-3\n";
        let parsed = RecallList::parse_lenient(csv.as_bytes()).expect("readable");
        assert_eq!(parsed.list.len(), 2);
        assert!(parsed.list.lookup(GTIN, Some("L1"), None).is_some());
        assert!(parsed.list.lookup(OTHER, Some("L3"), None).is_some());
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].at, RowAt::Line(4));
        assert_eq!(
            parsed.rejected[0].to_string(),
            "line 4: \"950600013437\" is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)"
        );
        assert!(!parsed.has_no_valid_row());
        // Wrong field count and bad UTF-8 reject their row only.
        let parsed = RecallList::parse_lenient(
            b"gtin,batch\n09506000134352,A,extra\n09506000134352,\xff\n09506000134352,B\n",
        )
        .expect("readable");
        let at: Vec<_> = parsed.rejected.iter().map(|r| r.at).collect();
        assert_eq!(at, [RowAt::Line(2), RowAt::Line(3)]);
        assert!(parsed.list.lookup(GTIN, Some("B"), None).is_some());
        // The strict parse still refuses the list at the first bad row.
        assert!(RecallList::parse(csv.as_bytes())
            .unwrap_err()
            .to_string()
            .starts_with("recall list line 4:"));
    }

    #[test]
    fn a_bad_json_entry_is_rejected_alone_by_number() {
        let json = br#"{"recalls": [
            {"gtin": "09506000134352", "batch": "L1"},
            {"gtin": "09506000134352", "lot": "L2"},
            {"gtin": 9506000134376},
            {"gtin": "09506000134376", "serial": "S1"}
        ]}"#;
        let parsed = RecallList::parse_lenient(json).expect("readable");
        assert_eq!(parsed.list.len(), 2);
        let at: Vec<_> = parsed.rejected.iter().map(|r| r.at).collect();
        assert_eq!(at, [RowAt::Entry(2), RowAt::Entry(3)]);
        assert!(
            parsed.rejected[0]
                .to_string()
                .contains("unknown field `lot`"),
            "{}",
            parsed.rejected[0]
        );
        // Syntax errors still refuse the whole list, with the line.
        assert!(matches!(
            RecallList::parse_lenient(b"[\n{\"gtin\": \"x\"\n\"batch\": 1}]"),
            Err(RecallListError::Json { line: 3, .. })
        ));
    }

    /// JSON fields were not trimmed (`"LOTR "` never matched) while CSV ones were.
    #[test]
    fn every_field_of_both_formats_is_trimmed() {
        let json = br#"[{"gtin": " 09506000134352 ", "batch": "LOTR ", "serial": "  ", "reference": " FSN-1 "},
                        {"hibc_di": " A99912345 ", "serial": " S9"}]"#;
        let list = RecallList::parse(json).expect("valid");
        let r = list
            .lookup(GTIN, Some("LOTR"), None)
            .expect("trimmed batch matches");
        assert_eq!(r.reference.as_deref(), Some("FSN-1"));
        assert_eq!(r.serial, None, "a blank field is absent");
        assert!(list
            .lookup(&hibc_key("A99912345"), None, Some("S9"))
            .is_some());
        let csv = "gtin , batch\n 09506000134352 ,  LOTR \n";
        let list = RecallList::parse(csv.as_bytes()).expect("valid");
        assert!(list.lookup(GTIN, Some("LOTR"), None).is_some());
    }

    /// A row with a batch and a serial used to recall the whole batch and the serial in any
    /// batch.
    #[test]
    fn a_batch_and_serial_row_recalls_that_serial_of_that_batch_only() {
        let list = RecallList::parse(b"gtin,batch,serial\n09506000134352,L1,S1\n").expect("valid");
        assert_eq!(list.len(), 1);
        assert!(list.lookup(GTIN, Some("L1"), Some("S1")).is_some());
        assert!(list.lookup(GTIN, Some("L1"), Some("S2")).is_none());
        assert!(list.lookup(GTIN, Some("L1"), None).is_none());
        assert!(list.lookup(GTIN, Some("L2"), Some("S1")).is_none());
        assert!(list.lookup(GTIN, None, Some("S1")).is_none());
        // Merged lists keep the distinction.
        let merged = RecallList::new().merged(&list);
        assert!(merged.lookup(GTIN, Some("L1"), Some("S1")).is_some());
        assert!(merged.lookup(GTIN, Some("L1"), Some("S2")).is_none());
    }

    #[test]
    fn batch_recalls_name_what_an_item_without_a_batch_may_fall_under() {
        let csv = "gtin,batch,serial,reference\n\
                   09506000134352,L1,,FSN-1\n\
                   09506000134352,L2,S7,FSN-2\n\
                   09506000134352,,S8,FSN-3\n";
        let list = RecallList::parse(csv.as_bytes()).expect("valid");
        let refs = |serial| -> Vec<_> {
            list.batch_recalls(GTIN, serial)
                .iter()
                .filter_map(|r| r.reference.clone())
                .collect()
        };
        assert_eq!(refs(None), ["FSN-1", "FSN-2"]);
        assert_eq!(refs(Some("S7")), ["FSN-1", "FSN-2"]);
        assert_eq!(refs(Some("S9")), ["FSN-1"]);
        assert!(list.batch_recalls(OTHER, None).is_empty());
    }

    /// A missing file at start-up used to leave the gateway checking against nothing while it
    /// reported itself healthy; now the list in force says it is unavailable until the file
    /// can be read, and a later broken file keeps the list read before.
    #[test]
    fn the_file_list_lifecycle_reports_what_is_in_force() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("recalls.csv");
        let mut lists = RecallLists::load(Some(&path), None);
        assert!(lists.in_force().is_unavailable());
        let status = lists.status();
        assert!(status.unavailable);
        assert!(status.file.as_ref().is_some_and(|f| f.error.is_some()));
        assert!(!lists.poll_file(), "the same error is reported once");

        // All rows bad: still unavailable, the rows reported.
        std::fs::write(&path, "gtin,batch\n12345,L1\n").expect("write");
        assert!(lists.poll_file());
        assert!(lists.in_force().is_unavailable());
        assert_eq!(lists.status().rows_rejected(), 1);

        // One good row and one bad: in force, the bad one reported.
        std::fs::write(&path, "gtin,batch\n09506000134352,L1\n12345,L2\n").expect("write");
        assert!(lists.poll_file());
        let list = lists.in_force();
        assert!(!list.is_unavailable());
        assert!(list.lookup(GTIN, Some("L1"), None).is_some());
        let status = lists.status();
        assert_eq!((status.entries, status.rows_rejected()), (1, 1));
        assert!(
            status.problems()[0].contains("row rejected, line 3"),
            "{status:?}"
        );

        // A header-only list is a list with no recalls, not a failure.
        std::fs::write(&path, "gtin,batch,serial,reason,reference\n").expect("write");
        assert!(lists.poll_file());
        assert!(lists.in_force().is_empty());
        assert!(lists.status().problems().is_empty());

        // Loaded once, then unreadable: the previous list stays, checks stay available.
        std::fs::write(&path, "gtin,batch\n09506000134352,L9\n").expect("write");
        assert!(lists.poll_file());
        std::fs::remove_file(&path).expect("remove");
        assert!(lists.poll_file());
        assert!(!lists.in_force().is_unavailable());
        assert!(lists.in_force().lookup(GTIN, Some("L9"), None).is_some());
        assert!(lists.status().problems()[0].contains("stays in force"));

        // No file configured: nothing to report.
        lists.replace_file(None);
        assert!(!lists.in_force().is_unavailable());
        assert!(lists.status().problems().is_empty());
    }

    #[test]
    fn an_mqtt_list_with_bad_rows_is_in_force_without_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join(MQTT_RECALL_CACHE);
        let mut lists = RecallLists::load(None, Some(cache.clone()));
        assert!(!lists.in_force().is_unavailable(), "only the file counts");
        assert!(lists.mqtt_message(
            "t",
            b"gtin,batch\n09506000134352,L1\n0950600013435,L2\n",
            true
        ));
        assert!(lists.in_force().lookup(GTIN, Some("L1"), None).is_some());
        let status = lists.status();
        let mqtt = status.mqtt.as_ref().expect("mqtt status");
        assert_eq!(mqtt.rejected.len(), 1);
        assert!(mqtt.rejected[0].starts_with("line 3:"), "{mqtt:?}");
        // No valid row: ignored, the previous list stays.
        assert!(lists.mqtt_message("t", b"gtin,batch\n12345,L3\n", false));
        assert!(lists.in_force().lookup(GTIN, Some("L1"), None).is_some());
        assert!(lists
            .status()
            .problems()
            .iter()
            .any(|p| p.contains("not reloaded")));
        // The saved list (with its bad row) loads the same after a restart.
        let lists = RecallLists::load(None, Some(cache));
        assert!(lists.in_force().lookup(GTIN, Some("L1"), None).is_some());
        assert_eq!(lists.status().rows_rejected(), 1);
    }
}
