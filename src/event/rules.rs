//! Point-of-care rules, per context group (and globally): what must be known when a product is
//! used, and what must never happen twice.
//!
//! - `require_patient` / `require_staff` / `require_location` (`false`, `true` = warning, or
//!   `"warning"` / `"critical"`): a product scanned with that slot empty raises
//!   `missing_patient` / `missing_staff` / `missing_location`.
//! - `location = "(414)…"`: the place a group (a theatre, a bay) is, used as the context location
//!   when none was scanned (then `missing_location` never fires there).
//! - `serial_reuse` (`"implants"` by default, `"all"`, `"off"`): a serialised product (GTIN or
//!   HIBC device identifier + serial) already used with another patient raises the critical
//!   `serial_reused`. Reusable equipment (endoscopes, power tools) carries GTIN + serial and is
//!   used on many patients, so by default only configured implants are checked. Uses are kept
//!   for `serial_retention` (400 days) and persisted beside the outbox, so a restart forgets
//!   nothing.
//!
//! Pure: the scan's own timestamp is the time; persistence is the caller's (see
//! [`StateWrite`]).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Alert, AlertKind, AlertSeverity, ContextRef, ScanEvent, ScanKind};

/// How a rule reacts when its condition is not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Requirement {
    /// Not checked.
    #[default]
    Off,
    /// A warning alert (good-read beep, `warn` log).
    Warning,
    /// A critical alert (bad-read beep, `error` log).
    Critical,
}

impl Requirement {
    fn severity(self) -> Option<AlertSeverity> {
        match self {
            Requirement::Off => None,
            Requirement::Warning => Some(AlertSeverity::Warning),
            Requirement::Critical => Some(AlertSeverity::Critical),
        }
    }
}

impl Serialize for Requirement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Requirement::Off => s.serialize_bool(false),
            Requirement::Warning => s.serialize_str("warning"),
            Requirement::Critical => s.serialize_str("critical"),
        }
    }
}

impl<'de> Deserialize<'de> for Requirement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(false) => Ok(Requirement::Off),
            Raw::Bool(true) => Ok(Requirement::Warning),
            Raw::Text(t) => match t.as_str() {
                "off" => Ok(Requirement::Off),
                "warning" => Ok(Requirement::Warning),
                "critical" => Ok(Requirement::Critical),
                other => Err(serde::de::Error::custom(format!(
                    "{other:?} is not a requirement: use false, true (a warning), \"warning\" or \"critical\""
                ))),
            },
        }
    }
}

/// Which serialised products the `serial_reused` rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SerialReuse {
    /// No check.
    Off,
    /// Configured implants only (`[interop.implants]`): the default, because reusable equipment
    /// also carries GTIN + serial.
    #[default]
    Implants,
    /// Every serialised product.
    All,
}

impl Serialize for SerialReuse {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            SerialReuse::Off => "off",
            SerialReuse::Implants => "implants",
            SerialReuse::All => "all",
        })
    }
}

impl<'de> Deserialize<'de> for SerialReuse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(false) => Ok(SerialReuse::Off),
            Raw::Bool(true) => Ok(SerialReuse::All),
            Raw::Text(t) => match t.as_str() {
                "off" => Ok(SerialReuse::Off),
                "implants" => Ok(SerialReuse::Implants),
                "all" => Ok(SerialReuse::All),
                other => Err(serde::de::Error::custom(format!(
                    "{other:?} is not a serial_reuse setting: use \"implants\", \"all\" or \"off\""
                ))),
            },
        }
    }
}

/// The default `serial_retention`: a serialised implant's use is remembered for 400 days.
pub const DEFAULT_SERIAL_RETENTION: Duration = Duration::from_secs(400 * 24 * 3600);

/// Which products are implants (from `[interop.implants]`), for the `serial_reuse` rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImplantMatcher {
    gtins: HashSet<String>,
    gtin_prefixes: Vec<String>,
    hibc_device_identifiers: HashSet<String>,
}

impl ImplantMatcher {
    /// Implants by GTIN, GTIN prefix and HIBC device identifier.
    pub fn new(
        gtins: impl IntoIterator<Item = String>,
        gtin_prefixes: impl IntoIterator<Item = String>,
        hibc_device_identifiers: impl IntoIterator<Item = String>,
    ) -> Self {
        Self {
            gtins: gtins.into_iter().collect(),
            gtin_prefixes: gtin_prefixes.into_iter().collect(),
            hibc_device_identifiers: hibc_device_identifiers.into_iter().collect(),
        }
    }

    /// Whether the scanned product is an implant.
    pub fn matches(&self, event: &ScanEvent) -> bool {
        match (&event.gtin, &event.hibc) {
            (Some(gtin), _) => {
                self.gtins.contains(gtin) || self.gtin_prefixes.iter().any(|p| gtin.starts_with(p))
            }
            (None, Some(h)) => h
                .device_identifier
                .as_ref()
                .is_some_and(|di| self.hibc_device_identifiers.contains(di)),
            _ => false,
        }
    }
}

/// A fixed location: a GLN (AI 414) and its extension (AI 254).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedLocation {
    /// The GLN.
    pub gln: String,
    /// The GLN extension.
    pub extension: Option<String>,
}

impl FixedLocation {
    /// Reads `(414)…` or `(414)…(254)…` (a GS1 element string, as printed under the location
    /// barcode). The GLN's check digit is checked.
    pub fn parse(text: &str) -> Result<Self, String> {
        let msg = crate::gs1::parse(text.trim().as_bytes(), &crate::gs1::ParseOptions::default())
            .map_err(|e| format!("{text:?} is not a GS1 element string: {}", e.message))?;
        let mut gln = None;
        let mut extension = None;
        for e in &msg.elements {
            match e.ai.as_str() {
                "414" => gln = Some(e.value.to_string()),
                "254" => extension = Some(e.value.to_string()),
                other => {
                    return Err(format!(
                        "{text:?} holds AI ({other}); a location is (414) with an optional (254)"
                    ))
                }
            }
        }
        match gln {
            Some(gln) => Ok(Self { gln, extension }),
            None => Err(format!(
                "{text:?} has no (414): a location is a GLN, e.g. \"(414)5012345000009\""
            )),
        }
    }

    fn context_ref(&self, at: OffsetDateTime) -> ContextRef {
        ContextRef {
            id: self.gln.clone(),
            extension: self.extension.clone(),
            srin: None,
            // Configured, not scanned: no scan set it.
            event_id: Uuid::nil(),
            since: at,
        }
    }
}

/// The rules in force for one context (a group, or an ungrouped scanner).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet {
    /// `require_patient`.
    pub require_patient: Requirement,
    /// `require_staff`.
    pub require_staff: Requirement,
    /// `require_location`.
    pub require_location: Requirement,
    /// `location`.
    pub location: Option<FixedLocation>,
    /// `serial_reuse`.
    pub serial_reuse: SerialReuse,
}

/// A change to persisted state, committed with the scan that caused it (see
/// [`crate::outbox::Outbox::put_state`]). `value: None` deletes the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateWrite {
    /// The key, e.g. `context` or `serial/{product}/{serial}`.
    pub key: String,
    /// The new value (JSON), or `None` to delete.
    pub value: Option<Vec<u8>>,
}

/// The prefix of the serial-use keys in the persisted state.
pub const SERIAL_STATE_PREFIX: &str = "serial/";

/// One use of a serialised product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialUse {
    /// The patient in context (as published: usually a pseudonym).
    pub patient: String,
    /// The scan.
    pub event_id: Uuid,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Where each serialised product was used, for `serial_reused`.
#[derive(Debug, Clone, Default)]
pub struct SerialRegistry {
    uses: HashMap<String, SerialUse>,
    retention: Duration,
}

impl SerialRegistry {
    /// An empty registry keeping uses for `retention`.
    pub fn new(retention: Duration) -> Self {
        Self {
            uses: HashMap::new(),
            retention,
        }
    }

    /// The retention.
    pub fn retention(&self) -> Duration {
        self.retention
    }

    /// Changes the retention (a reload).
    pub fn set_retention(&mut self, retention: Duration) {
        self.retention = retention;
    }

    /// How many uses are remembered.
    pub fn len(&self) -> usize {
        self.uses.len()
    }

    /// Whether no use is remembered.
    pub fn is_empty(&self) -> bool {
        self.uses.is_empty()
    }

    /// Restores one persisted use (`key` without [`SERIAL_STATE_PREFIX`]); an entry older than
    /// the retention at `now` is dropped. Errors name what could not be read.
    pub fn restore(
        &mut self,
        key: &str,
        value: &[u8],
        now: OffsetDateTime,
    ) -> Result<bool, String> {
        let u: SerialUse = serde_json::from_slice(value)
            .map_err(|e| format!("serial use {key:?} is unreadable: {e}"))?;
        if now - u.at > self.retention {
            return Ok(false);
        }
        self.uses.insert(key.to_owned(), u);
        Ok(true)
    }

    /// Keeps the registry to its retention; returns the deletions to persist.
    pub fn prune(&mut self, now: OffsetDateTime) -> Vec<StateWrite> {
        let retention = self.retention;
        let mut gone = Vec::new();
        self.uses.retain(|k, u| {
            let keep = now - u.at <= retention;
            if !keep {
                gone.push(StateWrite {
                    key: format!("{SERIAL_STATE_PREFIX}{k}"),
                    value: None,
                });
            }
            keep
        });
        gone
    }
}

/// The key of a serialised product: `gtin/{gtin}/{serial}` or `hibc/{di}/{serial}`.
fn serial_key(event: &ScanEvent) -> Option<String> {
    let serial = event.serial.as_deref()?;
    match (&event.gtin, &event.hibc) {
        (Some(gtin), _) => Some(format!("gtin/{gtin}/{serial}")),
        (None, Some(h)) => h
            .device_identifier
            .as_ref()
            .map(|di| format!("hibc/{di}/{serial}")),
        _ => None,
    }
}

/// Applies `rules` to a product scan that already carries its context: fills a configured
/// location, raises the `missing_*` alerts, and checks and records the serial's use. Returns
/// the state to persist.
pub fn apply_rules(
    rules: &RuleSet,
    implants: &ImplantMatcher,
    serials: &mut SerialRegistry,
    event: &mut ScanEvent,
) -> Vec<StateWrite> {
    let mut writes = Vec::new();
    if event.kind != ScanKind::Product || !event.valid {
        return writes;
    }
    let at = event.scanned_at;
    let context = event.context.get_or_insert_with(Default::default);
    if context.location.is_none() {
        if let Some(fixed) = &rules.location {
            context.location = Some(fixed.context_ref(at));
        }
    }
    let (no_patient, no_staff, no_location) = (
        context.patient.is_none(),
        context.staff.is_none(),
        context.location.is_none(),
    );
    let patient = context.patient.as_ref().map(|p| p.id.clone());
    let product = product_name(event);
    let missing = [
        (
            no_patient,
            rules.require_patient,
            AlertKind::MissingPatient,
            "no patient is identified: scan the patient's wristband first",
        ),
        (
            no_staff,
            rules.require_staff,
            AlertKind::MissingStaff,
            "no member of staff is identified: scan your badge first",
        ),
        (
            no_location,
            rules.require_location,
            AlertKind::MissingLocation,
            "no location is identified: scan the location label first",
        ),
    ];
    for (absent, requirement, kind, what) in missing {
        if let (true, Some(severity)) = (absent, requirement.severity()) {
            let message = match severity {
                AlertSeverity::Critical => format!(
                    "{}: {product} scanned but {what}.",
                    kind.as_str().to_ascii_uppercase().replace('_', " ")
                ),
                AlertSeverity::Warning => format!("{product} scanned but {what}."),
            };
            event.alerts.push(alert(event, kind, severity, message));
        }
    }
    let checked = match rules.serial_reuse {
        SerialReuse::Off => false,
        SerialReuse::Implants => implants.matches(event),
        SerialReuse::All => true,
    };
    if let (true, Some(key), Some(patient)) = (checked, serial_key(event), patient) {
        if let Some(previous) = serials.uses.get(&key) {
            if previous.patient != patient && at - previous.at <= serials.retention {
                let message = format!(
                    "SERIAL ALREADY USED: {product} was recorded for another patient on {} (scan {}). One serialised product cannot be used for two patients: check the product and the wristband.",
                    previous.at.date(),
                    previous.event_id
                );
                let mut a = alert(
                    event,
                    AlertKind::SerialReused,
                    AlertSeverity::Critical,
                    message,
                );
                a.reference = Some(previous.event_id.to_string());
                event.alerts.push(a);
            }
        }
        let u = SerialUse {
            patient,
            event_id: event.event_id,
            at,
        };
        if let Ok(value) = serde_json::to_vec(&u) {
            writes.push(StateWrite {
                key: format!("{SERIAL_STATE_PREFIX}{key}"),
                value: Some(value),
            });
        }
        serials.uses.insert(key, u);
    }
    writes
}

/// How an alert message names the product.
fn product_name(event: &ScanEvent) -> String {
    let mut s = match (
        &event.gtin,
        event
            .hibc
            .as_ref()
            .and_then(|h| h.device_identifier.as_ref()),
    ) {
        (Some(gtin), _) => format!("GTIN {gtin}"),
        (None, Some(di)) => format!("HIBC {di}"),
        _ => "a product".to_owned(),
    };
    if let Some(serial) = &event.serial {
        s.push_str(" serial ");
        s.push_str(serial);
    }
    s
}

fn alert(event: &ScanEvent, kind: AlertKind, severity: AlertSeverity, message: String) -> Alert {
    Alert {
        kind,
        severity,
        message,
        gtin: event.gtin.clone().unwrap_or_default(),
        hibc_di: event
            .hibc
            .as_ref()
            .and_then(|h| h.device_identifier.clone()),
        batch: event.batch.clone(),
        serial: event.serial.clone(),
        expiry: None,
        days_to_expiry: None,
        reason: None,
        reference: None,
    }
}
