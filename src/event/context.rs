//! Point-of-care context: who (staff) did what to whom (patient) where (location).
//!
//! No single barcode says "this product was used on this patient", so each scanner — or each
//! configured group of scanners at one bedside or theatre — has a small state machine with three
//! slots: patient, staff and location. Rules (all evaluated against the scan's own timestamp; no
//! clock is read here):
//!
//! - A patient wristband (8018) sets the patient slot, a staff badge (8017) the staff slot, a
//!   location label (414) the location slot. Scanning another identifier of the same kind replaces
//!   the slot; scanning the same one again re-confirms it (restarts its time-out, no change record).
//! - Scanning a different location also clears the patient (the patient was at the old place),
//!   unless `location_change_clears_patient = false`.
//! - Each slot expires `*_timeout` (default 15 min) after it was last scanned. With
//!   `refresh_on_use = true` a product scan in the context also restarts the time-outs.
//!   Expiry is noticed at the next scan in the context, or by [`ContextTracker::tick`].
//! - Product and asset scans carry the live context (`context: {patient, staff, location}`, any of
//!   them absent when not set).
//! - Every change (set, replaced, timed out, cleared by a location change) is a
//!   [`ContextChange`] record for the `…/context` topic.
//!
//! Patient identifiers in the context are the event's `gsrn`, so already pseudonymised when the
//! privacy policy says so.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::builder::new_event_id;
use super::cases::{CaseCloseReason, CaseRecord, OpenCase};
use super::rules::{
    apply_rules, FixedLocation, ImplantMatcher, Requirement, RuleSet, SerialRegistry, SerialReuse,
    StateWrite, DEFAULT_SERIAL_RETENTION, SERIAL_STATE_PREFIX,
};
use super::scan_event::rfc3339_millis;
use super::{ContextRef, ScanContext, ScanEvent, ScanKind};

/// The value of the `schema` field of every context-change record.
pub const CONTEXT_CHANGE_SCHEMA: &str = "gs1-gateway/context-change/1";

/// The default time-out of each context slot.
pub const DEFAULT_CONTEXT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// `[context]` configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContextConfig {
    /// How long a scanned patient stays current (`"15min"`, `"4h"`).
    #[serde(with = "humantime_duration")]
    pub patient_timeout: Duration,
    /// How long a scanned member of staff stays current.
    #[serde(with = "humantime_duration")]
    pub staff_timeout: Duration,
    /// How long a scanned location stays current.
    #[serde(with = "humantime_duration")]
    pub location_timeout: Duration,
    /// A product scan restarts the time-outs of the context it is made in.
    pub refresh_on_use: bool,
    /// Scanning a different location clears the current patient.
    pub location_change_clears_patient: bool,
    /// Groups of scanners that share one context (a bedside, a theatre). A scanner in no group
    /// has a context of its own.
    #[serde(rename = "group")]
    pub groups: Vec<ContextGroupConfig>,
    /// A product scanned with no patient in context raises `missing_patient`: `false`, `true`
    /// (a warning), `"warning"` or `"critical"` ([`super::rules`]).
    pub require_patient: Requirement,
    /// A product scanned with no member of staff in context raises `missing_staff`.
    pub require_staff: Requirement,
    /// A product scanned with no location in context (and none configured) raises
    /// `missing_location`.
    pub require_location: Requirement,
    /// The location used when none was scanned, as printed under a location label:
    /// `"(414)5012345000009"` or with `(254)…`. Usually set per group (a theatre's GLN).
    pub location: Option<String>,
    /// `serial_reused` (critical) for a serialised product used with a second patient:
    /// `"implants"` (default: products in `[interop.implants]`), `"all"` or `"off"`.
    pub serial_reuse: SerialReuse,
    /// How long a serialised product's use is remembered (`"400days"`).
    #[serde(with = "humantime_duration")]
    pub serial_retention: Duration,
}

/// `[[context.group]]`: scanners sharing one point-of-care context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextGroupConfig {
    /// The group's name, e.g. `"theatre-3"`; published in context-change records.
    pub name: String,
    /// Scanner (source) ids in the group.
    pub scanners: Vec<String>,
    /// Overrides `context.patient_timeout` for this group.
    #[serde(default, with = "humantime_duration_opt")]
    pub patient_timeout: Option<Duration>,
    /// Overrides `context.staff_timeout` for this group.
    #[serde(default, with = "humantime_duration_opt")]
    pub staff_timeout: Option<Duration>,
    /// Overrides `context.location_timeout` for this group.
    #[serde(default, with = "humantime_duration_opt")]
    pub location_timeout: Option<Duration>,
    /// Overrides `context.require_patient` for this group.
    #[serde(default)]
    pub require_patient: Option<Requirement>,
    /// Overrides `context.require_staff` for this group.
    #[serde(default)]
    pub require_staff: Option<Requirement>,
    /// Overrides `context.require_location` for this group.
    #[serde(default)]
    pub require_location: Option<Requirement>,
    /// The group's place (a theatre's or bay's GLN), used when no location was scanned.
    #[serde(default)]
    pub location: Option<String>,
    /// Overrides `context.serial_reuse` for this group.
    #[serde(default)]
    pub serial_reuse: Option<SerialReuse>,
}

impl Default for ContextConfig {
    fn default() -> Self {
        Self {
            patient_timeout: DEFAULT_CONTEXT_TIMEOUT,
            staff_timeout: DEFAULT_CONTEXT_TIMEOUT,
            location_timeout: DEFAULT_CONTEXT_TIMEOUT,
            refresh_on_use: false,
            location_change_clears_patient: true,
            groups: Vec::new(),
            require_patient: Requirement::Off,
            require_staff: Requirement::Off,
            require_location: Requirement::Off,
            location: None,
            serial_reuse: SerialReuse::Implants,
            serial_retention: DEFAULT_SERIAL_RETENTION,
        }
    }
}

/// Why a context configuration is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContextConfigError {
    /// A time-out of zero would make every context expire at once.
    #[error("context {field} must be longer than zero")]
    ZeroTimeout {
        /// The key, e.g. `patient_timeout` or `group "theatre-3" staff_timeout`.
        field: String,
    },
    /// A group without a name.
    #[error("a [[context.group]] has an empty name")]
    EmptyGroupName,
    /// Two groups with one name.
    #[error("context group {0:?} is defined twice")]
    DuplicateGroup(String),
    /// A group without scanners.
    #[error("context group {0:?} lists no scanners")]
    EmptyGroup(String),
    /// A `location` that is not a GLN element string.
    #[error("context {field}: {reason}")]
    BadLocation {
        /// `location` or `group "theatre-3" location`.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A scanner in two groups.
    #[error("scanner {scanner:?} is in context groups {first:?} and {second:?}; it can be in one")]
    ScannerInTwoGroups {
        /// The scanner id.
        scanner: String,
        /// The first group.
        first: String,
        /// The second group.
        second: String,
    },
}

/// The prefix of the persisted point-of-care contexts, one key per context (`context/theatre-3`,
/// `context/scanner:bay-1`; see [`ContextTracker::restore_state`]).
pub const CONTEXT_STATE_PREFIX: &str = "context/";

/// What [`ContextTracker::restore_state`] brought back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreReport {
    /// Contexts (groups, ungrouped scanners) restored.
    pub contexts: usize,
    /// Serial uses restored (within the retention).
    pub serial_uses: usize,
    /// Saved contexts of groups or scanners no longer configured that way.
    pub dropped: usize,
    /// What could not be read, ignored.
    pub errors: Vec<String>,
}

/// One of the three context slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextRole {
    /// The patient (AI 8018).
    Patient,
    /// The member of staff (AI 8017).
    Staff,
    /// The location (AI 414 + 254).
    Location,
}

/// Why a context slot changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextChangeReason {
    /// An identifier was scanned into an empty (or expired) slot.
    Set,
    /// A different identifier replaced the current one.
    Replaced,
    /// The slot timed out.
    Timeout,
    /// The patient was cleared because a different location was scanned.
    LocationChanged,
    /// The patient was cleared because a wristband scan failed (a damaged band, a bad check
    /// digit, an NHS number in a symbol that is not GS1): the next product must not be recorded
    /// against the previous patient when the new one could not be read.
    PatientScanFailed,
    /// The patient was cleared because the `case_end` control barcode ended the case.
    CaseEnded,
    /// The slot was cleared because the scan that set it was voided (`void_last`).
    Voided,
}

/// A change of point-of-care context, published on `{prefix}/{gateway_id}/{scanner_id}/context`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextChange {
    /// UUIDv7 of this record.
    pub event_id: Uuid,
    /// Always [`CONTEXT_CHANGE_SCHEMA`].
    pub schema: String,
    /// The gateway.
    pub gateway_id: String,
    /// The scanner whose scan caused the change (for a time-out: the context's last scanner).
    pub scanner_id: String,
    /// The context group, when the scanner is in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// When the change took effect (for a time-out: when the slot expired).
    #[serde(with = "rfc3339_millis")]
    pub changed_at: OffsetDateTime,
    /// Which slot changed.
    pub role: ContextRole,
    /// Why.
    pub reason: ContextChangeReason,
    /// What the slot held before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<ContextRef>,
    /// What it holds now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<ContextRef>,
    /// The whole context after the change.
    pub context: ScanContext,
    /// The scan event that caused the change (absent for time-outs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_event_id: Option<Uuid>,
}

impl ContextChange {
    /// Every text of the record, for the privacy guard.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(super::TextField, &mut String)) {
        f(super::TextField::Other, &mut self.gateway_id);
        f(super::TextField::Other, &mut self.scanner_id);
        if let Some(g) = &mut self.group {
            f(super::TextField::Other, g);
        }
        for r in [&mut self.previous, &mut self.current]
            .into_iter()
            .flatten()
        {
            r.visit_text_mut(f);
        }
        self.context.visit_text_mut(f);
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slot {
    value: ContextRef,
    #[serde(with = "time::serde::rfc3339")]
    last_seen: OffsetDateTime,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct GroupState {
    patient: Option<Slot>,
    staff: Option<Slot>,
    location: Option<Slot>,
    last_scanner: String,
    /// The last location scanned, live or timed out: a patient is cleared when the next location
    /// differs from it, even when the location slot itself has already timed out.
    last_location: Option<(String, Option<String>)>,
    /// The case open while a patient is in context ([`super::cases`]).
    #[serde(default)]
    case: Option<OpenCase>,
}

impl GroupState {
    fn slot_mut(&mut self, role: ContextRole) -> &mut Option<Slot> {
        match role {
            ContextRole::Patient => &mut self.patient,
            ContextRole::Staff => &mut self.staff,
            ContextRole::Location => &mut self.location,
        }
    }

    fn snapshot(&self) -> ScanContext {
        ScanContext {
            patient: self.patient.as_ref().map(|s| s.value.clone()),
            staff: self.staff.as_ref().map(|s| s.value.clone()),
            location: self.location.as_ref().map(|s| s.value.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Timeouts {
    patient: Duration,
    staff: Duration,
    location: Duration,
}

impl Timeouts {
    fn of(&self, role: ContextRole) -> Duration {
        match role {
            ContextRole::Patient => self.patient,
            ContextRole::Staff => self.staff,
            ContextRole::Location => self.location,
        }
    }
}

const ROLES: [ContextRole; 3] = [
    ContextRole::Patient,
    ContextRole::Staff,
    ContextRole::Location,
];

/// The point-of-care context of every scanner and scanner group of one gateway.
#[derive(Debug, Clone)]
pub struct ContextTracker {
    gateway_id: String,
    defaults: Timeouts,
    group_timeouts: HashMap<String, Timeouts>,
    scanner_group: HashMap<String, String>,
    refresh_on_use: bool,
    location_change_clears_patient: bool,
    /// Keyed by group name, or `scanner:<id>` for ungrouped scanners.
    states: HashMap<String, GroupState>,
    /// The rules of ungrouped scanners.
    rules: RuleSet,
    /// The rules of each group.
    group_rules: HashMap<String, RuleSet>,
    implants: ImplantMatcher,
    serials: SerialRegistry,
    /// Case openings and closings not yet taken by [`ContextTracker::take_cases`].
    cases: Vec<CaseRecord>,
    /// Contexts changed since [`ContextTracker::take_state`] last saved them.
    dirty: Vec<String>,
}

impl ContextTracker {
    /// Validates `config` and starts with every context empty.
    pub fn new(
        gateway_id: impl Into<String>,
        config: &ContextConfig,
    ) -> Result<Self, ContextConfigError> {
        let nonzero = |d: Duration, field: String| {
            if d.is_zero() {
                Err(ContextConfigError::ZeroTimeout { field })
            } else {
                Ok(d)
            }
        };
        let defaults = Timeouts {
            patient: nonzero(config.patient_timeout, "patient_timeout".into())?,
            staff: nonzero(config.staff_timeout, "staff_timeout".into())?,
            location: nonzero(config.location_timeout, "location_timeout".into())?,
        };
        let location = |text: &Option<String>, field: String| {
            text.as_deref()
                .map(FixedLocation::parse)
                .transpose()
                .map_err(|reason| ContextConfigError::BadLocation { field, reason })
        };
        let rules = RuleSet {
            require_patient: config.require_patient,
            require_staff: config.require_staff,
            require_location: config.require_location,
            location: location(&config.location, "location".into())?,
            serial_reuse: config.serial_reuse,
        };
        let mut group_rules = HashMap::new();
        let mut group_timeouts = HashMap::new();
        let mut scanner_group: HashMap<String, String> = HashMap::new();
        let mut names = HashSet::new();
        for g in &config.groups {
            if g.name.trim().is_empty() {
                return Err(ContextConfigError::EmptyGroupName);
            }
            if !names.insert(g.name.clone()) {
                return Err(ContextConfigError::DuplicateGroup(g.name.clone()));
            }
            if g.scanners.is_empty() {
                return Err(ContextConfigError::EmptyGroup(g.name.clone()));
            }
            let field = |k: &str| format!("group {:?} {k}", g.name);
            let t = Timeouts {
                patient: nonzero(
                    g.patient_timeout.unwrap_or(defaults.patient),
                    field("patient_timeout"),
                )?,
                staff: nonzero(
                    g.staff_timeout.unwrap_or(defaults.staff),
                    field("staff_timeout"),
                )?,
                location: nonzero(
                    g.location_timeout.unwrap_or(defaults.location),
                    field("location_timeout"),
                )?,
            };
            group_timeouts.insert(g.name.clone(), t);
            group_rules.insert(
                g.name.clone(),
                RuleSet {
                    require_patient: g.require_patient.unwrap_or(rules.require_patient),
                    require_staff: g.require_staff.unwrap_or(rules.require_staff),
                    require_location: g.require_location.unwrap_or(rules.require_location),
                    location: match location(&g.location, field("location"))? {
                        Some(l) => Some(l),
                        None => rules.location.clone(),
                    },
                    serial_reuse: g.serial_reuse.unwrap_or(rules.serial_reuse),
                },
            );
            for s in &g.scanners {
                if let Some(first) = scanner_group.insert(s.clone(), g.name.clone()) {
                    return Err(ContextConfigError::ScannerInTwoGroups {
                        scanner: s.clone(),
                        first,
                        second: g.name.clone(),
                    });
                }
            }
        }
        Ok(Self {
            gateway_id: gateway_id.into(),
            defaults,
            group_timeouts,
            scanner_group,
            refresh_on_use: config.refresh_on_use,
            location_change_clears_patient: config.location_change_clears_patient,
            states: HashMap::new(),
            rules,
            group_rules,
            implants: ImplantMatcher::default(),
            serials: SerialRegistry::new(nonzero(
                config.serial_retention,
                "serial_retention".into(),
            )?),
            cases: Vec::new(),
            dirty: Vec::new(),
        })
    }

    fn mark_dirty(&mut self, key: &str) {
        if !self.dirty.iter().any(|k| k == key) {
            self.dirty.push(key.to_owned());
        }
    }

    /// The contexts changed since the last call, as state to persist (one key per context).
    pub fn take_state(&mut self) -> Vec<StateWrite> {
        std::mem::take(&mut self.dirty)
            .into_iter()
            .map(|key| StateWrite {
                value: self
                    .states
                    .get(&key)
                    .and_then(|st| serde_json::to_vec(st).ok()),
                key: format!("{CONTEXT_STATE_PREFIX}{key}"),
            })
            .collect()
    }

    /// The open case `event` belongs to, as it stands (for renderings that list the case's
    /// devices so far).
    pub fn case_of(&self, event: &ScanEvent) -> Option<CaseRecord> {
        let id = event.case_id?;
        let key = self.key_of(&event.scanner_id);
        let group = self
            .scanner_group
            .get(&event.scanner_id)
            .map(String::as_str);
        self.states
            .get(&key)
            .and_then(|s| s.case.as_ref())
            .filter(|c| c.case_id == id)
            .map(|c| c.record(&self.gateway_id, &event.scanner_id, group, None))
    }

    /// Undoes what `voided` (the scanner's previous scan, voided by `void_last` in `by`) did to
    /// the context: a product leaves its case and its serial use is forgotten; a wristband,
    /// badge or location that is still in its slot is cleared (reason `voided`; a case its
    /// wristband opened closes). Returns the context changes and the state to persist.
    pub fn void(
        &mut self,
        voided: &ScanEvent,
        by: &ScanEvent,
    ) -> (Vec<ContextChange>, Vec<StateWrite>) {
        let mut changes = Vec::new();
        let mut writes = Vec::new();
        let key = self.key_of(&voided.scanner_id);
        let group = self.scanner_group.get(&voided.scanner_id).cloned();
        if voided.kind == ScanKind::Product {
            writes.extend(self.serials.forget(voided.event_id));
        }
        let Some(state) = self.states.get_mut(&key) else {
            return (changes, writes);
        };
        let mut dirty = false;
        if voided.kind == ScanKind::Product {
            if let Some(case) = state.case.as_mut() {
                let device = voided.linked_scan.unwrap_or(voided.event_id);
                let before = case.products.len();
                case.products.retain(|p| *p != device);
                case.implants.retain(|p| *p != device);
                dirty = case.products.len() != before;
            }
        }
        let role = match voided.kind {
            ScanKind::Patient => Some(ContextRole::Patient),
            ScanKind::Staff => Some(ContextRole::Staff),
            ScanKind::Location => Some(ContextRole::Location),
            _ => None,
        };
        if let Some(role) = role {
            let set_by_it = state
                .slot_mut(role)
                .as_ref()
                .is_some_and(|s| s.value.event_id == voided.event_id);
            if set_by_it {
                let previous = state.slot_mut(role).take().map(|s| s.value);
                if role == ContextRole::Location {
                    state.last_location = None;
                }
                let snapshot = state.snapshot();
                changes.push(record(
                    &self.gateway_id,
                    &by.scanner_id,
                    group.as_deref(),
                    by.scanned_at,
                    role,
                    ContextChangeReason::Voided,
                    previous,
                    None,
                    snapshot,
                    Some(by.event_id),
                ));
                follow_cases(
                    &self.gateway_id,
                    group.as_deref(),
                    state,
                    &changes,
                    &mut self.cases,
                );
                dirty = true;
            }
        }
        if dirty {
            self.mark_dirty(&key);
        }
        (changes, writes)
    }

    /// The case openings and closings since the last call, in order.
    pub fn take_cases(&mut self) -> Vec<CaseRecord> {
        std::mem::take(&mut self.cases)
    }

    /// The `case_end` control barcode: the case of the scanner's context closes (`case_end`)
    /// and the patient leaves the context (reason `case_ended`), so the next product is not
    /// recorded against them. Returns the context changes (none when no patient is in context).
    pub fn end_case(&mut self, event: &ScanEvent) -> Vec<ContextChange> {
        self.clear_patient(event, ContextChangeReason::CaseEnded)
    }

    /// Which products are implants, for `serial_reuse = "implants"` (from `[interop.implants]`).
    pub fn with_implants(mut self, implants: ImplantMatcher) -> Self {
        self.implants = implants;
        self
    }

    /// Applies the rules of the scan's context ([`super::rules`]) to a product scan that
    /// already carries its context; returns the state to persist.
    pub fn apply_rules(&mut self, event: &mut ScanEvent) -> Vec<StateWrite> {
        let rules = self
            .scanner_group
            .get(&event.scanner_id)
            .and_then(|g| self.group_rules.get(g))
            .unwrap_or(&self.rules);
        let writes = apply_rules(rules, &self.implants, &mut self.serials, event);
        // A configured location is the case's place too when none was scanned.
        if let (Some(_), Some(location)) = (
            event.case_id,
            event.context.as_ref().and_then(|c| c.location.as_ref()),
        ) {
            let key = self.key_of(&event.scanner_id);
            if let Some(case) = self.states.get_mut(&key).and_then(|s| s.case.as_mut()) {
                if case.location.is_none() {
                    case.location = Some(location.clone());
                }
            }
        }
        writes
    }

    /// Restores persisted state (after a restart or a crash): the contexts under
    /// [`CONTEXT_STATE_PREFIX`] and the serial uses under [`SERIAL_STATE_PREFIX`]. Time-outs
    /// still apply from the original scan times (the next scan or tick expires what is due).
    /// What cannot be read is reported and ignored (a fresh context is safe); a context whose
    /// group or scanner is no longer configured that way is dropped.
    pub fn restore_state<'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        now: OffsetDateTime,
    ) -> RestoreReport {
        let mut report = RestoreReport::default();
        for (key, value) in entries {
            if let Some(k) = key.strip_prefix(CONTEXT_STATE_PREFIX) {
                let still_valid = match k.strip_prefix("scanner:") {
                    Some(scanner) => !self.scanner_group.contains_key(scanner),
                    None => self.group_timeouts.contains_key(k),
                };
                match serde_json::from_slice::<GroupState>(value) {
                    Ok(st) if still_valid => {
                        self.states.insert(k.to_owned(), st);
                        report.contexts += 1;
                    }
                    Ok(_) => report.dropped += 1,
                    Err(e) => report.errors.push(format!(
                        "the saved point-of-care context {k:?} is unreadable ({e}); starting it empty"
                    )),
                }
            } else if let Some(serial) = key.strip_prefix(SERIAL_STATE_PREFIX) {
                match self.serials.restore(serial, value, now) {
                    Ok(true) => report.serial_uses += 1,
                    Ok(false) => {}
                    Err(e) => report.errors.push(e),
                }
            }
        }
        report
    }

    /// Forgets serial uses older than the retention; returns the deletions to persist.
    pub fn prune_serials(&mut self, now: OffsetDateTime) -> Vec<StateWrite> {
        self.serials.prune(now)
    }

    /// Takes over the live contexts of `old` (the tracker of the configuration being replaced),
    /// so a reload does not make a ward rescan its patient. A group's context is kept when the
    /// group still exists; an ungrouped scanner's when it is still ungrouped. Returns how many
    /// contexts were dropped because their group or scanner is no longer configured that way.
    pub fn carry_over(&mut self, old: ContextTracker) -> usize {
        let mut dropped = 0;
        // Serial uses are facts about products, not configuration: they carry over whole.
        let retention = self.serials.retention();
        self.serials = old.serials;
        self.serials.set_retention(retention);
        for (key, state) in old.states {
            let still_valid = match key.strip_prefix("scanner:") {
                Some(scanner) => !self.scanner_group.contains_key(scanner),
                None => self.group_timeouts.contains_key(&key),
            };
            if still_valid {
                self.states.insert(key, state);
            } else {
                dropped += 1;
            }
        }
        dropped
    }

    /// Whether a product scan restarts the context's time-outs (`refresh_on_use`).
    pub fn refreshes_on_use(&self) -> bool {
        self.refresh_on_use
    }

    /// The context group a scanner belongs to.
    pub fn group_of(&self, scanner_id: &str) -> Option<&str> {
        self.scanner_group.get(scanner_id).map(String::as_str)
    }

    fn key_of(&self, scanner_id: &str) -> String {
        match self.scanner_group.get(scanner_id) {
            Some(g) => g.clone(),
            None => format!("scanner:{scanner_id}"),
        }
    }

    fn timeouts_of(&self, key: &str) -> Timeouts {
        self.group_timeouts
            .get(key)
            .copied()
            .unwrap_or(self.defaults)
    }

    /// Applies a scan event: updates the context of its scanner, attaches the live context to
    /// product and asset scans, and returns the resulting change records (time-outs first).
    /// Invalid scans neither change nor carry context.
    pub fn apply(&mut self, event: &mut ScanEvent) -> Vec<ContextChange> {
        let mut changes = Vec::new();
        if !event.valid {
            return changes;
        }
        let key = self.key_of(&event.scanner_id);
        let group = self.scanner_group.get(&event.scanner_id).cloned();
        let timeouts = self.timeouts_of(&key);
        let now = event.scanned_at;
        let state = self.states.entry(key.clone()).or_default();
        state.last_scanner.clone_from(&event.scanner_id);
        expire(
            &self.gateway_id,
            group.as_deref(),
            state,
            timeouts,
            now,
            &mut changes,
        );

        let scanned = match event.kind {
            ScanKind::Patient => event
                .gsrn
                .clone()
                .map(|id| (ContextRole::Patient, id, None)),
            ScanKind::Staff => event.gsrn.clone().map(|id| (ContextRole::Staff, id, None)),
            ScanKind::Location => event
                .gln
                .clone()
                .map(|id| (ContextRole::Location, id, event.gln_extension.clone())),
            _ => None,
        };
        let context_scan = scanned.is_some();
        if let Some((role, id, extension)) = scanned {
            let value = ContextRef {
                id,
                extension,
                srin: match role {
                    ContextRole::Location => None,
                    _ => event.srin.clone(),
                },
                event_id: event.event_id,
                since: now,
            };
            // A new SRIN (episode) for the same patient is a change: the new episode applies.
            let same = state.slot_mut(role).as_ref().is_some_and(|s| {
                s.value.id == value.id
                    && s.value.extension == value.extension
                    && s.value.srin == value.srin
            });
            let moved = role == ContextRole::Location
                && state
                    .last_location
                    .as_ref()
                    .is_some_and(|(id, ext)| *id != value.id || *ext != value.extension);
            if role == ContextRole::Location {
                state.last_location = Some((value.id.clone(), value.extension.clone()));
            }
            if same {
                if let Some(s) = state.slot_mut(role).as_mut() {
                    s.last_seen = now;
                }
            } else {
                let previous = state.slot_mut(role).take().map(|s| s.value);
                if moved && self.location_change_clears_patient {
                    if let Some(p) = state.patient.take() {
                        changes.push(record(
                            &self.gateway_id,
                            &event.scanner_id,
                            group.as_deref(),
                            now,
                            ContextRole::Patient,
                            ContextChangeReason::LocationChanged,
                            Some(p.value),
                            None,
                            // Snapshot filled in below, once the new location is in place.
                            ScanContext::default(),
                            Some(event.event_id),
                        ));
                    }
                }
                let reason = if previous.is_some() {
                    ContextChangeReason::Replaced
                } else {
                    ContextChangeReason::Set
                };
                *state.slot_mut(role) = Some(Slot {
                    value: value.clone(),
                    last_seen: now,
                });
                let snapshot = state.snapshot();
                for c in changes
                    .iter_mut()
                    .filter(|c| c.reason == ContextChangeReason::LocationChanged)
                {
                    c.context = snapshot.clone();
                }
                changes.push(record(
                    &self.gateway_id,
                    &event.scanner_id,
                    group.as_deref(),
                    now,
                    role,
                    reason,
                    previous,
                    Some(value),
                    snapshot,
                    Some(event.event_id),
                ));
            }
        }
        follow_cases(
            &self.gateway_id,
            group.as_deref(),
            state,
            &changes,
            &mut self.cases,
        );
        // Saved when anything a restart must keep changed: a slot, a time, the case's products.
        let mut dirty = !changes.is_empty() || context_scan;
        if event.kind == ScanKind::Product {
            if let Some(case) = state.case.as_mut() {
                event.case_id = Some(case.case_id);
                // The second symbol of a two-symbol label is the same device as its first.
                let device = event.linked_scan.unwrap_or(event.event_id);
                if !case.products.contains(&device) {
                    case.products.push(device);
                    if self.implants.matches(event) {
                        case.implants.push(device);
                    }
                }
                dirty = true;
            }
        }
        if matches!(event.kind, ScanKind::Product | ScanKind::Asset) {
            if self.refresh_on_use {
                for role in ROLES {
                    if let Some(s) = state.slot_mut(role).as_mut() {
                        s.last_seen = now;
                        dirty = true;
                    }
                }
            }
            event.context = Some(state.snapshot());
        }
        if dirty {
            self.mark_dirty(&key);
        }
        changes
    }

    /// A scan that tried to identify a patient and failed (see
    /// [`super::Processor`]): the scanner's patient slot is cleared, with reason
    /// `patient_scan_failed`, so that no product is recorded against the previous patient.
    pub fn patient_scan_failed(&mut self, event: &ScanEvent) -> Vec<ContextChange> {
        self.clear_patient(event, ContextChangeReason::PatientScanFailed)
    }

    /// Expires what is due in the scanner's context, then clears its patient for `reason`
    /// (and closes the case that followed the patient).
    fn clear_patient(
        &mut self,
        event: &ScanEvent,
        reason: ContextChangeReason,
    ) -> Vec<ContextChange> {
        let mut changes = Vec::new();
        let key = self.key_of(&event.scanner_id);
        let group = self.scanner_group.get(&event.scanner_id).cloned();
        let timeouts = self.timeouts_of(&key);
        let now = event.scanned_at;
        let Some(state) = self.states.get_mut(&key) else {
            return changes;
        };
        state.last_scanner.clone_from(&event.scanner_id);
        expire(
            &self.gateway_id,
            group.as_deref(),
            state,
            timeouts,
            now,
            &mut changes,
        );
        if let Some(p) = state.patient.take() {
            let snapshot = state.snapshot();
            changes.push(record(
                &self.gateway_id,
                &event.scanner_id,
                group.as_deref(),
                now,
                ContextRole::Patient,
                reason,
                Some(p.value),
                None,
                snapshot,
                Some(event.event_id),
            ));
        }
        follow_cases(
            &self.gateway_id,
            group.as_deref(),
            state,
            &changes,
            &mut self.cases,
        );
        if !changes.is_empty() {
            self.mark_dirty(&key);
        }
        changes
    }

    /// Expires every context slot whose time-out has passed at `now` (the daemon calls this
    /// periodically so that time-outs are published even when nobody scans).
    pub fn tick(&mut self, now: OffsetDateTime) -> Vec<ContextChange> {
        let mut changes = Vec::new();
        let mut keys: Vec<String> = self.states.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let timeouts = self.timeouts_of(&key);
            let group = self.group_timeouts.contains_key(&key).then(|| key.clone());
            if let Some(state) = self.states.get_mut(&key) {
                let before = changes.len();
                expire(
                    &self.gateway_id,
                    group.as_deref(),
                    state,
                    timeouts,
                    now,
                    &mut changes,
                );
                follow_cases(
                    &self.gateway_id,
                    group.as_deref(),
                    state,
                    &changes[before..],
                    &mut self.cases,
                );
                if changes.len() > before {
                    self.mark_dirty(&key);
                }
            }
        }
        changes
    }

    /// The live context of a scanner at `now` (expired slots left out; nothing is changed).
    pub fn current(&self, scanner_id: &str, now: OffsetDateTime) -> ScanContext {
        let key = self.key_of(scanner_id);
        let timeouts = self.timeouts_of(&key);
        let Some(state) = self.states.get(&key) else {
            return ScanContext::default();
        };
        let live = |slot: &Option<Slot>, role| {
            slot.as_ref()
                .filter(|s| now < s.last_seen + timeouts.of(role))
                .map(|s| s.value.clone())
        };
        ScanContext {
            patient: live(&state.patient, ContextRole::Patient),
            staff: live(&state.staff, ContextRole::Staff),
            location: live(&state.location, ContextRole::Location),
        }
    }
}

/// Keeps the context's case in step with its patient slot ([`super::cases`]): a patient set
/// opens a case (closing the previous one), a patient cleared closes it; staff and location
/// changes update it.
fn follow_cases(
    gateway_id: &str,
    group: Option<&str>,
    state: &mut GroupState,
    changes: &[ContextChange],
    out: &mut Vec<CaseRecord>,
) {
    for c in changes {
        match (c.role, &c.current) {
            (ContextRole::Patient, current) => {
                if let Some(open) = state.case.take() {
                    let reason = match c.reason {
                        ContextChangeReason::Timeout => CaseCloseReason::Timeout,
                        ContextChangeReason::LocationChanged => CaseCloseReason::LocationChanged,
                        ContextChangeReason::PatientScanFailed => {
                            CaseCloseReason::PatientScanFailed
                        }
                        ContextChangeReason::CaseEnded => CaseCloseReason::CaseEnd,
                        ContextChangeReason::Voided => CaseCloseReason::Voided,
                        ContextChangeReason::Set | ContextChangeReason::Replaced => {
                            CaseCloseReason::PatientChanged
                        }
                    };
                    out.push(open.record(
                        gateway_id,
                        &c.scanner_id,
                        group,
                        Some((c.changed_at, reason)),
                    ));
                }
                if let Some(patient) = current {
                    let open = OpenCase::open(
                        patient.clone(),
                        c.context.staff.clone(),
                        c.context.location.clone(),
                        c.changed_at,
                    );
                    out.push(open.record(gateway_id, &c.scanner_id, group, None));
                    state.case = Some(open);
                }
            }
            (ContextRole::Staff, Some(staff)) => {
                if let Some(case) = state.case.as_mut() {
                    case.staff = Some(staff.clone());
                }
            }
            (ContextRole::Location, Some(location)) => {
                if let Some(case) = state.case.as_mut() {
                    case.location = Some(location.clone());
                }
            }
            _ => {}
        }
    }
}

fn expire(
    gateway_id: &str,
    group: Option<&str>,
    state: &mut GroupState,
    timeouts: Timeouts,
    now: OffsetDateTime,
    changes: &mut Vec<ContextChange>,
) {
    for role in ROLES {
        let timeout = timeouts.of(role);
        let expired_at = match state.slot_mut(role) {
            Some(s) if now >= s.last_seen + timeout => s.last_seen + timeout,
            _ => continue,
        };
        let previous = state.slot_mut(role).take().map(|s| s.value);
        let snapshot = state.snapshot();
        changes.push(record(
            gateway_id,
            &state.last_scanner,
            group,
            expired_at,
            role,
            ContextChangeReason::Timeout,
            previous,
            None,
            snapshot,
            None,
        ));
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    gateway_id: &str,
    scanner_id: &str,
    group: Option<&str>,
    at: OffsetDateTime,
    role: ContextRole,
    reason: ContextChangeReason,
    previous: Option<ContextRef>,
    current: Option<ContextRef>,
    context: ScanContext,
    scan_event_id: Option<Uuid>,
) -> ContextChange {
    ContextChange {
        event_id: new_event_id(at),
        schema: CONTEXT_CHANGE_SCHEMA.to_owned(),
        gateway_id: gateway_id.to_owned(),
        scanner_id: scanner_id.to_owned(),
        group: group.map(str::to_owned),
        changed_at: at,
        role,
        reason,
        previous,
        current,
        context,
        scan_event_id,
    }
}

/// Durations as humantime strings (`"15min"`, `"4h 30m"`).
pub mod humantime_duration {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Serde serializer.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    /// Serde deserializer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        humantime::parse_duration(&s)
            .map_err(|e| serde::de::Error::custom(format!("invalid duration {s:?}: {e}")))
    }
}

/// Optional durations as humantime strings.
pub mod humantime_duration_opt {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Serde serializer.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::humantime_duration::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    /// Serde deserializer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| {
            humantime::parse_duration(&s)
                .map_err(|e| serde::de::Error::custom(format!("invalid duration {s:?}: {e}")))
        })
        .transpose()
    }
}
