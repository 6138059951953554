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
    /// The use with another patient before this one, so voiding this scan brings it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Box<SerialUse>>,
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

    /// Forgets the use recorded by the scan `event_id` (voided); returns the deletion to persist.
    pub fn forget(&mut self, event_id: Uuid) -> Vec<StateWrite> {
        let mut writes = Vec::new();
        let keys: Vec<String> = self
            .uses
            .iter()
            .filter(|(_, u)| u.event_id == event_id)
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            let restored = self.uses.remove(&k).and_then(|u| u.previous).map(|p| *p);
            let value = restored.as_ref().and_then(|p| serde_json::to_vec(p).ok());
            if let Some(p) = restored {
                self.uses.insert(k.clone(), p);
            }
            writes.push(StateWrite {
                key: format!("{SERIAL_STATE_PREFIX}{k}"),
                value,
            });
        }
        writes
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
        let previous = serials.uses.get(&key).map(|old| {
            if old.patient == patient {
                old.previous.clone()
            } else {
                Some(Box::new(SerialUse {
                    previous: None,
                    ..old.clone()
                }))
            }
        });
        let u = SerialUse {
            patient,
            event_id: event.event_id,
            at,
            previous: previous.flatten(),
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use time::macros::datetime;

    use super::*;
    use crate::event::test_support::patient_gsrn;
    use crate::event::{
        AlertConfig, ContextConfig, ContextTracker, EventBuilder, Privacy, PrivacyConfig,
        Processed, Processor, PseudonymKey,
    };
    use crate::source::{RawScan, SourceKind};

    const T0: OffsetDateTime = datetime!(2026-11-26 10:00 UTC);
    /// An implant: GTIN 09506000134352, serial IMP1.
    const IMPLANT: &str = "]d2010950600013435221IMP1";

    fn processor_with(toml_text: &str) -> Processor {
        let config: ContextConfig = toml::from_str(toml_text).expect("context config");
        let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
        let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
        let tracker = ContextTracker::new("gw", &config)
            .expect("valid")
            .with_implants(ImplantMatcher::new(
                ["09506000134352".to_owned()],
                [],
                ["A99912345".to_owned()],
            ));
        Processor::new(
            EventBuilder::new("gw", privacy),
            tracker,
            &AlertConfig::default(),
        )
    }

    fn scan_on(scanner: &str, data: &str, secs: i64) -> RawScan {
        let (symbology, data) = crate::source::framing::split_aim(data.as_bytes());
        RawScan {
            source_id: scanner.into(),
            kind: SourceKind::Serial,
            received_at: T0 + time::Duration::seconds(secs),
            data: data.to_vec(),
            symbology: symbology.map(str::to_owned),
        }
    }

    fn band(nhs: &str) -> String {
        format!("]d28018{}", patient_gsrn("5012345", nhs, false))
    }

    fn kinds(p: &Processed) -> Vec<(AlertKind, AlertSeverity)> {
        p.event
            .alerts
            .iter()
            .map(|a| (a.kind, a.severity))
            .collect()
    }

    #[test]
    fn requirements_read_from_toml() {
        for (text, want) in [
            ("false", Requirement::Off),
            ("true", Requirement::Warning),
            ("\"warning\"", Requirement::Warning),
            ("\"critical\"", Requirement::Critical),
            ("\"off\"", Requirement::Off),
        ] {
            let c: ContextConfig = toml::from_str(&format!("require_patient = {text}")).unwrap();
            assert_eq!(c.require_patient, want, "{text}");
        }
        let err = toml::from_str::<ContextConfig>("require_patient = \"loud\"").unwrap_err();
        assert!(err.to_string().contains("\"critical\""), "{err}");
        for (text, want) in [
            ("\"implants\"", SerialReuse::Implants),
            ("\"all\"", SerialReuse::All),
            ("false", SerialReuse::Off),
        ] {
            let c: ContextConfig = toml::from_str(&format!("serial_reuse = {text}")).unwrap();
            assert_eq!(c.serial_reuse, want);
        }
        assert_eq!(ContextConfig::default().serial_reuse, SerialReuse::Implants);
    }

    /// Issue 13: a product before any patient, where the theatre requires one, is critical;
    /// elsewhere (the default) nothing is raised; a warning-level rule does not deny the good read.
    #[test]
    fn a_product_with_no_patient_raises_missing_patient_where_required() {
        let mut p = processor_with(
            "require_staff = true\n[[group]]\nname = \"theatre-3\"\nscanners = [\"scrub\"]\n\
             require_patient = \"critical\"\nlocation = \"(414)5012345000008(254)TH3\"\n",
        );
        let out = p.process(&scan_on("scrub", IMPLANT, 0));
        assert_eq!(
            kinds(&out),
            [
                (AlertKind::MissingPatient, AlertSeverity::Critical),
                (AlertKind::MissingStaff, AlertSeverity::Warning)
            ]
        );
        assert!(!out.good_read());
        assert!(out.event.alerts[0].message.starts_with("MISSING PATIENT"));
        // The group's configured location is the context location; no missing_location.
        let location = out
            .event
            .context
            .as_ref()
            .unwrap()
            .location
            .as_ref()
            .unwrap();
        assert_eq!(
            (location.id.as_str(), location.extension.as_deref()),
            ("5012345000008", Some("TH3"))
        );
        assert_eq!(location.event_id, Uuid::nil());
        // The alert records go out too.
        assert_eq!(out.alerts.len(), 2);
        // Another scanner, not in the group: only the global warning-level staff rule.
        let out = p.process(&scan_on("ward", IMPLANT, 1));
        assert_eq!(
            kinds(&out),
            [(AlertKind::MissingStaff, AlertSeverity::Warning)]
        );
        assert!(out.good_read());
        // With a patient and a badge in the theatre: nothing.
        p.process(&scan_on("scrub", &band("9990000018"), 2));
        let badge = format!("]d28017{}", patient_gsrn("5012345", "0000000001", false));
        p.process(&scan_on("scrub", &badge, 3));
        let out = p.process(&scan_on("scrub", IMPLANT, 4));
        assert_eq!(kinds(&out), [], "{:?}", out.event.context);
        // Defaults: no rule at all.
        let mut plain = processor_with("");
        assert!(plain
            .process(&scan_on("x", IMPLANT, 0))
            .event
            .alerts
            .is_empty());
    }

    /// Issue 13: one serialised implant, two patients → critical `serial_reused`, naming the
    /// first use; the same patient again is fine; reusable equipment (not an implant) is not
    /// checked by default; the use survives a restart through the persisted state.
    #[test]
    fn a_serial_used_for_a_second_patient_is_critical_even_after_a_restart() {
        let mut p = processor_with("");
        p.process(&scan_on("bay-1", &band("9990000018"), 0));
        let first = p.process(&scan_on("bay-1", IMPLANT, 1));
        assert!(first.event.alerts.is_empty());
        let saved: Vec<StateWrite> = first.state.clone();
        assert!(
            saved
                .iter()
                .any(|w| w.key == "serial/gtin/09506000134352/IMP1"),
            "{saved:?}"
        );
        // The same patient again (a re-scan): nothing.
        assert!(p
            .process(&scan_on("bay-1", IMPLANT, 2))
            .event
            .alerts
            .is_empty());
        // A restart: a new processor restored from what was persisted.
        let mut q = processor_with("");
        let entries: Vec<(String, Vec<u8>)> = saved
            .iter()
            .filter_map(|w| w.value.clone().map(|v| (w.key.clone(), v)))
            .collect();
        let report = q.restore_state(entries.iter().map(|(k, v)| (k.as_str(), v.as_slice())), T0);
        assert_eq!(report.serial_uses, 1, "{report:?}");
        q.process(&scan_on("bay-2", &band("9434765919"), 60));
        let second = q.process(&scan_on("bay-2", IMPLANT, 61));
        assert_eq!(
            kinds(&second),
            [(AlertKind::SerialReused, AlertSeverity::Critical)]
        );
        assert!(!second.good_read());
        let a = &second.event.alerts[0];
        assert_eq!(a.reference, Some(first.event.event_id.to_string()));
        assert!(a.message.contains("2026-11-26"), "{}", a.message);
        // Not an implant: a reusable device with GTIN + serial is used on many patients.
        let reusable = "]d20109506000134369" /* not an implant */;
        let reusable = &format!("{reusable}21SCOPE1");
        q.process(&scan_on("bay-2", reusable, 62));
        q.process(&scan_on("bay-2", &band("9990000018"), 63));
        assert!(q
            .process(&scan_on("bay-2", reusable, 64))
            .event
            .alerts
            .is_empty());
        // Without a patient in context nothing is recorded or raised.
        let mut r = processor_with("");
        let out = r.process(&scan_on("x", IMPLANT, 0));
        assert!(out
            .state
            .iter()
            .all(|w| !w.key.starts_with(SERIAL_STATE_PREFIX)));
    }

    #[test]
    fn serial_uses_expire_after_the_retention() {
        let mut p = processor_with("serial_retention = \"1day\"");
        p.process(&scan_on("bay-1", &band("9990000018"), 0));
        p.process(&scan_on("bay-1", IMPLANT, 1));
        let gone = p.prune_state(T0 + time::Duration::days(2));
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].value, None);
        p.process(&scan_on("bay-1", &band("9434765919"), 3 * 86_400));
        let out = p.process(&scan_on("bay-1", IMPLANT, 3 * 86_400 + 1));
        assert!(out.event.alerts.is_empty(), "{:?}", out.event.alerts);
    }

    /// Issue 13: a restart (or crash) keeps the patient, staff and location, with time-outs
    /// still running from the original scan times; a corrupted state is reported and ignored.
    #[test]
    fn the_context_survives_a_restart_and_a_corrupt_state_is_ignored() {
        let mut p = processor_with("patient_timeout = \"10min\"");
        let set = p.process(&scan_on("bay-1", &band("9990000018"), 0));
        let saved = set
            .state
            .iter()
            .find(|w| w.key == "context/scanner:bay-1")
            .and_then(|w| w.value.clone())
            .expect("the context is saved with the wristband scan");
        let mut q = processor_with("patient_timeout = \"10min\"");
        let report = q.restore_state([("context/scanner:bay-1", saved.as_slice())], T0);
        assert_eq!((report.contexts, report.errors.len()), (1, 0));
        let product = q.process(&scan_on("bay-1", IMPLANT, 60));
        let patient = &product.event.context.as_ref().unwrap().patient;
        assert_eq!(
            patient.as_ref().map(|p| p.event_id),
            Some(set.event.event_id)
        );
        // Still timed from the original scan: gone 10 min after it, not after the restart.
        let late = q.process(&scan_on("bay-1", IMPLANT, 601));
        assert!(late.event.context.as_ref().unwrap().patient.is_none());
        // Corrupt: reported, fresh context.
        let mut r = processor_with("");
        let report = r.restore_state([("context/scanner:bay-1", &b"{not json"[..])], T0);
        assert_eq!(report.contexts, 0);
        assert_eq!(report.errors.len(), 1);
        assert!(r
            .process(&scan_on("bay-1", IMPLANT, 0))
            .event
            .context
            .unwrap()
            .patient
            .is_none());
    }

    #[test]
    fn a_location_that_is_not_a_gln_is_refused() {
        for bad in [
            "(01)09506000134352",
            "5012345000008",
            "(414)5012345000009",
            "(254)X",
        ] {
            let config: ContextConfig = toml::from_str(&format!("location = \"{bad}\"")).unwrap();
            let err = ContextTracker::new("gw", &config).unwrap_err();
            assert!(err.to_string().contains("location"), "{bad}: {err}");
        }
    }
}
