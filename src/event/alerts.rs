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
use super::ScanKind;
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
    /// The ward's time zone (IANA name, default `Europe/London`): the calendar day against which
    /// an expiry date is judged, and the zone of an expiry date-and-time (AI 7003). A product
    /// that expired yesterday is expired from local midnight, also during summer time.
    pub time_zone: WardTimeZone,
}

/// `YYMMDDhhmm` (AI 7003) as a local date and time; the date (and its century) read as every
/// other GS1 date is ([`crate::gs1::identifiers::yymmdd`]).
fn expiry_date_time(v: &str, this_year: i32) -> Option<time::PrimitiveDateTime> {
    let date = crate::gs1::identifiers::yymmdd(v.get(..6)?, this_year)?;
    let hhmm = v
        .get(6..)
        .filter(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))?;
    let t = time::Time::from_hms(hhmm[..2].parse().ok()?, hhmm[2..].parse().ok()?, 0).ok()?;
    Some(time::PrimitiveDateTime::new(date, t))
}

/// `YYYY-MM-DDTHH…` (an HIBC expiry with an hour) as a local date and time.
fn hibc_expiry_hour(iso: &str) -> Option<time::PrimitiveDateTime> {
    let (date, rest) = iso.split_once('T')?;
    let date = time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    let hour: u8 = rest.get(..2)?.parse().ok()?;
    Some(time::PrimitiveDateTime::new(
        date,
        time::Time::from_hms(hour, 0, 0).ok()?,
    ))
}

/// The default ward time zone.
pub const DEFAULT_TIME_ZONE: &str = "Europe/London";

/// An IANA time zone (from the tz database bundled into the binary, so a box without `tzdata`
/// judges expiry the same way). Deserialised from its name; an unknown name is a configuration
/// error at load time (`check-config` reports it with its position).
#[derive(Debug, Clone)]
pub struct WardTimeZone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl WardTimeZone {
    /// The zone named `name` (`Europe/London`, `UTC`, …).
    pub fn new(name: &str) -> Result<Self, String> {
        jiff::tz::TimeZone::get(name)
            .map(|tz| Self {
                name: name.to_owned(),
                tz,
            })
            .map_err(|e| {
                format!("unknown time zone {name:?} (an IANA name such as \"Europe/London\"): {e}")
            })
    }

    /// The zone's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone's UTC offset at instant `t`.
    pub fn offset_at(&self, t: OffsetDateTime) -> time::UtcOffset {
        let secs = jiff::Timestamp::from_second(t.unix_timestamp())
            .map(|ts| self.tz.to_offset(ts).seconds())
            .unwrap_or(0);
        time::UtcOffset::from_whole_seconds(secs).unwrap_or(time::UtcOffset::UTC)
    }

    /// `t` in the zone's local time.
    pub fn local(&self, t: OffsetDateTime) -> OffsetDateTime {
        t.to_offset(self.offset_at(t))
    }

    /// The local calendar date at instant `t`: the clinical day.
    pub fn date_at(&self, t: OffsetDateTime) -> time::Date {
        self.local(t).date()
    }

    /// The instant of a local wall-clock time. In the hour skipped or repeated when the clocks
    /// change, the earlier instant is taken: an expiry then never reads as later than it is.
    pub fn instant_of(&self, local: time::PrimitiveDateTime) -> Option<OffsetDateTime> {
        let civil = jiff::civil::DateTime::new(
            i16::try_from(local.year()).ok()?,
            i8::try_from(u8::from(local.month())).ok()?,
            i8::try_from(local.day()).ok()?,
            i8::try_from(local.hour()).ok()?,
            i8::try_from(local.minute()).ok()?,
            0,
            0,
        )
        .ok()?;
        let zoned = self.tz.to_ambiguous_zoned_datetime(civil).earlier().ok()?;
        let t = OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()?;
        Some(self.local(t))
    }
}

impl Default for WardTimeZone {
    fn default() -> Self {
        // The bundled database always has Europe/London; UTC is only a last resort.
        Self::new(DEFAULT_TIME_ZONE).unwrap_or_else(|_| Self {
            name: "UTC".into(),
            tz: jiff::tz::TimeZone::UTC,
        })
    }
}

impl PartialEq for WardTimeZone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for WardTimeZone {}

impl Serialize for WardTimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for WardTimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        WardTimeZone::new(&name).map_err(serde::de::Error::custom)
    }
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
            time_zone: WardTimeZone::default(),
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
    time_zone: WardTimeZone,
}

impl AlertChecker {
    /// A checker with the configured warning window and ward time zone.
    pub fn new(config: &AlertConfig) -> Self {
        Self {
            warning_days: i64::from(config.expiry_warning_days),
            time_zone: config.time_zone.clone(),
        }
    }

    /// The ward's time zone.
    pub fn time_zone(&self) -> &WardTimeZone {
        &self.time_zone
    }

    /// Sets `expiry_time` from an expiry date and time (AI 7003, `YYMMDDhhmm`, the ward's local
    /// time) and, when the scan has no AI 17, `expiry` to its date, so that every expiry the
    /// gateway has read counts.
    pub fn resolve_expiry(&self, event: &mut ScanEvent) {
        let from_7003 = event
            .elements
            .iter()
            .find(|e| e.ai == "7003")
            .and_then(|e| expiry_date_time(&e.value, event.scanned_at.year()));
        // HIBC `$$4`/`$$6` expiries carry an hour (local time): `2026-05-31T13:00:00Z` as
        // encoded, the `Z` being the encoder's and not the label's.
        let from_hibc = event
            .hibc
            .as_ref()
            .and_then(|h| h.expiry.as_deref())
            .and_then(hibc_expiry_hour);
        let Some(local) = from_7003.or(from_hibc) else {
            return;
        };
        if let Some(t) = self.time_zone.instant_of(local) {
            event.expiry_time = Some(t);
            if event.expiry.is_none() {
                event.expiry = Some(t.date());
            }
        }
    }

    /// The alerts `event` raises against `recalls` (most severe first). Only valid scans can
    /// raise alerts; recalls need a GTIN or an HIBC device identifier, but an expiry the gateway
    /// has read always counts, also on a symbol that carries no product identifier (the second
    /// symbol of a two-symbol label, an HIBC secondary code on its own).
    pub fn check(&self, event: &ScanEvent, recalls: &RecallList) -> Vec<Alert> {
        let mut alerts = Vec::new();
        if !event.valid {
            return alerts;
        }
        let today = self.time_zone.date_at(event.scanned_at);
        let unidentified = || {
            let mut s = String::from("a product this symbol does not identify (no GTIN in it");
            if let Some(b) = &event.batch {
                s.push_str(&format!("; batch {b}"));
            }
            if let Some(sn) = &event.serial {
                s.push_str(&format!("; serial {sn}"));
            }
            s.push(')');
            s
        };
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
            (None, None) => {
                let expiry_only = (event.expiry.is_some() || event.expiry_time.is_some())
                    && matches!(event.kind, ScanKind::Unknown | ScanKind::Product);
                if expiry_only {
                    self.expiry_alerts(event, &unidentified(), today, &mut alerts);
                    alerts.sort_by_key(|a| std::cmp::Reverse(a.severity));
                }
                return alerts;
            }
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
                iso_date_opt::format(&today)
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
        self.expiry_alerts(event, &item, today, &mut alerts);
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

    /// `expired` / `expiring` for `item` from the scan's expiry date (AI 17) and expiry date and
    /// time (AI 7003), judged on the ward's day `today`.
    fn expiry_alerts(
        &self,
        event: &ScanEvent,
        item: &str,
        today: time::Date,
        alerts: &mut Vec<Alert>,
    ) {
        // The earlier of the expiry date (AI 17, usable through that local day) and the expiry
        // date and time (AI 7003).
        let by_time = event.expiry_time.map(|t| (t.date(), t <= event.scanned_at));
        let by_date = event.expiry.map(|d| (d, d < today));
        let effective = match (by_date, by_time) {
            (Some(a), Some(b)) => Some(if b.1 || b.0 < a.0 { b } else { a }),
            (a, b) => a.or(b),
        };
        if let Some((expiry, passed)) = effective {
            let days = (expiry - today).whole_days();
            let exp = match event.expiry_time.filter(|t| t.date() == expiry) {
                Some(t) => format!(
                    "{} {:02}:{:02}",
                    iso_date_opt::format(&expiry),
                    t.hour(),
                    t.minute()
                ),
                None => iso_date_opt::format(&expiry),
            };
            let scanned = iso_date_opt::format(&today);
            if passed {
                let message = if days < 0 {
                    format!(
                        "EXPIRED: {item} expired on {exp}, {} day{} before this scan on {scanned}. Do not use.",
                        -days,
                        if days == -1 { "" } else { "s" }
                    )
                } else {
                    format!("EXPIRED: {item} expired at {exp}, before this scan. Do not use.")
                };
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
    }

    fn alert(
        &self,
        event: &ScanEvent,
        kind: AlertKind,
        severity: AlertSeverity,
        message: String,
        recall: Option<&RecallEntry>,
    ) -> Alert {
        let today = self.time_zone.date_at(event.scanned_at);
        let days_to_expiry = event.expiry.map(|e| (e - today).whole_days());
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use time::macros::datetime;

    use super::*;
    use crate::event::{
        ContextConfig, ContextTracker, EventBuilder, Privacy, PrivacyConfig, Processor,
        PseudonymKey,
    };
    use crate::source::{RawScan, SourceKind};

    fn processor(config: &AlertConfig) -> Processor {
        let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
        let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
        Processor::new(
            EventBuilder::new("gw", privacy),
            ContextTracker::new("gw", &ContextConfig::default()).unwrap(),
            config,
        )
    }

    fn kinds(config: &AlertConfig, data: &str, at: OffsetDateTime) -> (Vec<AlertKind>, ScanEvent) {
        let scan = RawScan {
            source_id: "bay-1".into(),
            kind: SourceKind::Serial,
            received_at: at,
            data: data.as_bytes().to_vec(),
            symbology: Some("]d2".into()),
        };
        let out = processor(config).process(&scan);
        (out.event.alerts.iter().map(|a| a.kind).collect(), out.event)
    }

    const GTIN: &str = "0109506000134352";

    /// 00:30 BST on 2 July is 23:30 UTC on 1 July: a product that expired on 1 July is expired
    /// on the ward, not "expiring today" (the UTC date).
    #[test]
    fn expiry_is_judged_on_the_wards_calendar_day() {
        let cfg = AlertConfig::default();
        let night = datetime!(2026-07-01 23:30 UTC);
        let (k, e) = kinds(&cfg, &format!("{GTIN}17260701"), night);
        assert_eq!(k, [AlertKind::Expired]);
        assert!(
            e.alerts[0].message.contains("2026-07-02"),
            "{}",
            e.alerts[0].message
        );
        assert_eq!(e.alerts[0].days_to_expiry, Some(-1));
        // Month-only expiry (DD = 00): June, scanned at 00:30 BST on 1 July.
        let (k, _) = kinds(
            &cfg,
            &format!("{GTIN}17260600"),
            datetime!(2026-06-30 23:30 UTC),
        );
        assert_eq!(k, [AlertKind::Expired]);
        // In winter GMT is UTC: 23:30 UTC on 1 December is still 1 December.
        let (k, _) = kinds(
            &cfg,
            &format!("{GTIN}17261201"),
            datetime!(2026-12-01 23:30 UTC),
        );
        assert_eq!(k, [AlertKind::Expiring]);
        // A ward on UTC judges by the UTC date.
        let utc = AlertConfig {
            time_zone: WardTimeZone::new("UTC").unwrap(),
            ..AlertConfig::default()
        };
        let (k, _) = kinds(&utc, &format!("{GTIN}17260701"), night);
        assert_eq!(k, [AlertKind::Expiring]);
    }

    #[test]
    fn expiry_date_and_time_counts_and_the_earlier_wins() {
        let cfg = AlertConfig::default();
        // 7003 = 2 July 2026 08:00 local (BST, 07:00 UTC).
        let data = format!("{GTIN}70032607020800");
        let (k, e) = kinds(&cfg, &data, datetime!(2026-07-02 06:59 UTC));
        assert_eq!(k, [AlertKind::Expiring]);
        assert_eq!(
            serde_json::to_value(&e).unwrap()["expiry_time"],
            "2026-07-02T08:00:00+01:00"
        );
        assert_eq!(e.expiry, Some(time::macros::date!(2026 - 07 - 02)));
        let (k, e) = kinds(&cfg, &data, datetime!(2026-07-02 07:00 UTC));
        assert_eq!(k, [AlertKind::Expired]);
        assert!(
            e.alerts[0].message.contains("08:00"),
            "{}",
            e.alerts[0].message
        );
        // AI 17 says the end of 31 December, AI 7003 says 2 July 08:00: the earlier counts.
        let both = format!("{GTIN}17261231\u{1d}70032607020800");
        let (k, _) = kinds(&cfg, &both, datetime!(2026-07-02 12:00 UTC));
        assert_eq!(k, [AlertKind::Expired]);
        // And the other way round: 17 already past, 7003 later.
        let both = format!("{GTIN}17260630\u{1d}70032612310000");
        let (k, _) = kinds(&cfg, &both, datetime!(2026-07-02 12:00 UTC));
        assert_eq!(k, [AlertKind::Expired]);
    }

    /// An HIBC expiry hour counts: expired at 08:00 local is expired at 12:00, not "today".
    #[test]
    fn an_hibc_expiry_hour_counts() {
        let body = "+A99912345/$$42607020810X3";
        let code = format!(
            "{body}{}",
            crate::interop::hibc::check_character(body).unwrap()
        );
        let scan = RawScan {
            source_id: "bay-1".into(),
            kind: SourceKind::Serial,
            received_at: datetime!(2026-07-02 11:00 UTC),
            data: code.into_bytes(),
            symbology: Some("]C0".into()),
        };
        let out = processor(&AlertConfig::default()).process(&scan);
        assert!(out.event.valid, "{:?}", out.event.error);
        assert_eq!(
            serde_json::to_value(&out.event).unwrap()["expiry_time"],
            "2026-07-02T08:00:00+01:00"
        );
        assert_eq!(out.event.alerts[0].kind, AlertKind::Expired);
    }

    #[test]
    fn clock_change_hours_take_the_earlier_instant() {
        let london = WardTimeZone::default();
        // 01:30 on 25 October 2026 happens twice (BST then GMT): the BST one is earlier.
        let t = london
            .instant_of(time::macros::datetime!(2026-10-25 01:30))
            .unwrap();
        assert_eq!(t.offset(), time::macros::offset!(+1));
    }

    #[test]
    fn time_zone_is_validated_at_load() {
        let c: AlertConfig = toml::from_str("time_zone = \"America/New_York\"").unwrap();
        assert_eq!(c.time_zone.name(), "America/New_York");
        let err = toml::from_str::<AlertConfig>("time_zone = \"Europe/Londres\"").unwrap_err();
        assert!(err.to_string().contains("unknown time zone"), "{err}");
        assert_eq!(AlertConfig::default().time_zone.name(), "Europe/London");
    }
}
