//! Patient-safety alerts: expired, expiring and recalled products, and recalls that cannot be
//! matched (no batch on the scan) or checked (no list loaded).
//!
//! - `expired` (critical): the expiry date (AI 17, day `00` = last day of the month) is before the
//!   scan date. A product is usable through its expiry date.
//! - `expiring` (warning): it expires within `expiry_warning_days` of the scan date (0 = today).
//! - `recalled` (critical): it is on the [`RecallList`] by GTIN + batch + serial, GTIN + serial,
//!   GTIN + batch, or GTIN alone (a row with neither batch nor serial recalls every item).
//! - `recall_possible` (warning): the scan carries no batch (EAN-13, an HIBC primary, a GTIN-only
//!   Digital Link) and batches of the product are recalled; the message names them.
//! - `recall_check_unavailable` (warning): no recall list could be loaded
//!   ([`RecallList::is_unavailable`]), so the product was not checked. A warning like the
//!   others: it does not deny the good read (a beep on every product would be ignored), but it
//!   is on the event, the alert topic, `/healthz` and the metrics.
//!
//! The scan date is the UTC date of `scanned_at`. Alerts are attached to the scan event
//! (`alerts`) and also published as separate [`AlertEvent`]s on `…/alert`.
//!
//! Recall lists and their lifecycle are in [`super::recalls`].

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::builder::new_event_id;
use super::recalls::hibc_key;
use super::scan_event::{iso_date_opt, rfc3339_millis};
use super::{Alert, AlertKind, AlertSeverity, RecallEntry, RecallList, ScanContext, ScanEvent};

/// The value of the `schema` field of every alert event.
pub const ALERT_EVENT_SCHEMA: &str = "gs1-gateway/alert/1";

/// `[alerts]` configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertConfig {
    /// Raise an `expiring` warning for products expiring within this many days (0: only those
    /// expiring today; negative values are not accepted).
    pub expiry_warning_days: u32,
    /// Recall list file (CSV or JSON), reloaded when it changes. Rejected rows are left out and
    /// reported; while it cannot be loaded, product scans carry `recall_check_unavailable`.
    pub recall_list: Option<PathBuf>,
    /// MQTT topic (filter, used as given, not under the topic prefix) on which a recall list
    /// can arrive, in the same formats as the file. The gateway subscribes on every (re)connect,
    /// so the retained message on it is picked up at start. Each payload with a valid row
    /// replaces the previous MQTT list (rejected rows reported), which is merged with the
    /// file's list; an unreadable payload, or one with no valid row, is logged and ignored; an
    /// empty one clears the MQTT list.
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
        } else if event.batch.is_none() {
            // EAN-13, an HIBC primary, a GTIN-only Digital Link: no batch to match, but the
            // nurse can read it off the pack.
            let possible = recalls.batch_recalls(&key, event.serial.as_deref());
            if !possible.is_empty() {
                alerts.push(self.recall_possible(event, &item, &possible));
            }
        }
        if recalls.is_unavailable() {
            let message = format!(
                "Recall check unavailable: no recall list could be loaded, so {item} was not \
                 checked against recalls; check it against the current recall notices before use."
            );
            alerts.push(self.alert(
                event,
                AlertKind::RecallCheckUnavailable,
                AlertSeverity::Warning,
                message,
                None,
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

    /// The `recall_possible` warning for an item without a batch, naming the recalled batches
    /// and references (the first few: a message a nurse reads, not a report).
    fn recall_possible(&self, event: &ScanEvent, item: &str, recalls: &[&RecallEntry]) -> Alert {
        const SHOWN: usize = 5;
        let mut batches: Vec<&str> = Vec::new();
        let mut references: Vec<&str> = Vec::new();
        for r in recalls {
            if let Some(b) = r.batch.as_deref().filter(|b| !batches.contains(b)) {
                batches.push(b);
            }
            if let Some(x) = r.reference.as_deref().filter(|x| !references.contains(x)) {
                references.push(x);
            }
        }
        let list = |v: &[&str]| {
            let mut s = v.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
            if v.len() > SHOWN {
                s.push_str(&format!(" and {} more", v.len() - SHOWN));
            }
            s
        };
        let mut message = format!(
            "Recall possible: recalls are active for batches of this product; check the batch. \
             {item} was scanned without a batch; recalled batch{}: {}",
            if batches.len() == 1 { "" } else { "es" },
            list(&batches)
        );
        if !references.is_empty() {
            message.push_str(&format!(" (reference {})", list(&references)));
        }
        message.push_str(&format!(
            "; scanned {}.",
            iso_date_opt::format(&event.scanned_at.date())
        ));
        let mut alert = self.alert(
            event,
            AlertKind::RecallPossible,
            AlertSeverity::Warning,
            message,
            None,
        );
        alert.reference = (!references.is_empty()).then(|| references.join(", "));
        alert
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
