//! [`Processor`]: the one per-scan stage. The daemon, `listen`, the tests and the benches all
//! call it, so what they test and measure is what ships.
//!
//! One call per scan, in this order (each step sees the result of the one before):
//! 1. **parse** the data with its AIM symbology identifier (the GS1 engine);
//! 2. **build** the event: classify, drop and pseudonymise patient data, withhold what cannot
//!    be shown free of it ([`EventBuilder`], [`super::privacy`]);
//! 3. **link** an HIBC secondary code to its primary ([`HibcLinker`]);
//! 4. **alerts**: expiry and recalls against the list in force ([`AlertChecker`]);
//! 5. **context**: the point-of-care context is attached or changed ([`ContextTracker`]);
//! 6. **guard**: the builder ran [`super::Privacy::guard_event`] over every text of the event;
//!    what steps 3–5 add (alerts, context) goes through [`super::Privacy::guard_additions`], and
//!    the alert records and context changes through their own guards. A step that sets any
//!    other field must take it from a guarded event, or guard it here;
//! 7. **verdict**: whether the scanner may hear a good read ([`Processed::good_read`]).
//!
//! Pure: no clock of its own (the scan's timestamp is the time), no tokio, no I/O. The outbox
//! assigns `sequence` when it commits the records.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::gs1::{self, Gs1Message, ParseError, ParseOptions};
use crate::source::RawScan;

use super::missing_gs::{alternative_reading, AlternativeReading};

use super::{
    link_hibc_secondary, AlertChecker, AlertConfig, AlertEvent, AlertKind, AlertSeverity,
    ContextChange, ContextTracker, EventBuilder, RecallList, ScanContext, ScanEvent, StateWrite,
};

/// The warning on every product scan while no recall list could be loaded (with the
/// `recall_check_unavailable` alert).
pub const RECALL_CHECK_UNAVAILABLE_WARNING: &str =
    "recall_check_unavailable: no recall list could be loaded; this product was not checked against recalls";

/// The warning on every scan while the box's clock is not synchronised to a time source
/// ([`Processor::set_clock_synchronised`]).
pub const CLOCK_UNSYNCHRONISED_WARNING: &str = "clock_unsynchronised: the gateway's clock is not synchronised to a time source; the scan time and the expiry checks depend on it";

/// Everything one scan produces, for the outbox and the publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The scan event (`…/scan`), with context and alerts attached.
    pub event: ScanEvent,
    /// Alert records (`…/alert`), one per alert on the event.
    pub alerts: Vec<AlertEvent>,
    /// Context-change records (`…/context`), in the order they happened.
    pub context_changes: Vec<ContextChange>,
    /// The GS1 parse error's kind when the scan is not valid (GS1 or HIBC), for metrics.
    pub parse_error: Option<String>,
    /// The scan had no GS and reads two ways ([`super::missing_gs`]): the user must look at
    /// the label, so the scanner is told to beep bad.
    pub ambiguous: bool,
    /// The earlier scan this one completes and replaces: the first symbol of a label printed
    /// as two (an HIBC primary, a GTIN-only GS1 symbol) when this scan is its second symbol
    /// (`linked_scan`). Renderers declare it in error (EPCIS) or update it (FHIR), so a
    /// repository holds one product per device, not two.
    pub superseded: Option<ScanEvent>,
    /// This scan may be the first symbol of a label printed as two: a second symbol scanned
    /// next on the same scanner would supersede it.
    pub first_symbol: bool,
    /// State to persist with the scan's records (the point-of-care context, serial uses), so
    /// a restart or a crash forgets nothing.
    pub state: Vec<StateWrite>,
    /// Case openings and closings this scan caused (`…/case`).
    pub cases: Vec<super::CaseRecord>,
    /// For a product scan in a case: the case as it stands with this product (open), for the
    /// FHIR Procedure that lists the case's devices.
    pub case: Option<super::CaseRecord>,
}

impl Processed {
    /// Whether the scan raised a critical alert (expired or recalled product).
    pub fn has_critical_alert(&self) -> bool {
        self.event
            .alerts
            .iter()
            .any(|a| a.severity == AlertSeverity::Critical)
    }

    /// Whether the scanner may give its good-read feedback once the records are committed: a
    /// valid scan with no critical alert. A warning (a product expiring within the window) is
    /// not a reason to sound the error beep: a nurse who hears it for usable products learns to
    /// ignore it.
    pub fn good_read(&self) -> bool {
        self.event.valid && !self.has_critical_alert() && !self.ambiguous
    }
}

/// The per-scan stage: parse options, event builder, HIBC linking, alerts, context and the
/// recall list in force.
#[derive(Debug, Clone)]
pub struct Processor {
    parse_options: ParseOptions,
    builder: EventBuilder,
    context: ContextTracker,
    alerts: AlertChecker,
    recalls: Arc<RecallList>,
    hibc: HibcLinker,
    labels: SplitLabelLinker,
    /// Per scanner, the last product scan a second symbol could complete (see
    /// [`Processed::superseded`]), as published.
    completable: HashMap<String, ScanEvent>,
    clock_unsynchronised: bool,
    input: Vec<u8>,
}

impl Processor {
    /// A processor with default parse options and an empty recall list.
    pub fn new(builder: EventBuilder, context: ContextTracker, alerts: &AlertConfig) -> Self {
        Self::with_parse_options(ParseOptions::default(), builder, context, alerts)
    }

    /// A processor with the given GS1 parse options.
    pub fn with_parse_options(
        parse_options: ParseOptions,
        builder: EventBuilder,
        context: ContextTracker,
        alerts: &AlertConfig,
    ) -> Self {
        Self {
            parse_options,
            builder,
            context,
            alerts: AlertChecker::new(alerts),
            recalls: Arc::new(RecallList::new()),
            hibc: HibcLinker::new(),
            labels: SplitLabelLinker::default(),
            completable: HashMap::new(),
            clock_unsynchronised: false,
            input: Vec::new(),
        }
    }

    /// Takes the settings of `new` (a configuration reload) and keeps this one's state: the
    /// point-of-care context ([`ContextTracker::carry_over`]), the HIBC primaries waiting for
    /// their secondary and the recall list in force. Returns how many contexts were dropped
    /// because their scanner or group is no longer configured.
    pub fn reconfigure(&mut self, new: Processor) -> usize {
        let old_context = std::mem::replace(&mut self.context, new.context);
        self.parse_options = new.parse_options;
        self.builder = new.builder;
        self.alerts = new.alerts;
        // The clock state is not configuration: keep what the last check found.
        self.context.carry_over(old_context)
    }

    /// Replaces the recall list (file reload or MQTT payload).
    pub fn set_recall_list(&mut self, list: impl Into<Arc<RecallList>>) {
        self.recalls = list.into();
    }

    /// Whether the box's clock is synchronised (the daemon reads the kernel's state): while it
    /// is not, every scan carries [`CLOCK_UNSYNCHRONISED_WARNING`].
    pub fn set_clock_synchronised(&mut self, synchronised: bool) {
        self.clock_unsynchronised = !synchronised;
    }

    /// The recall list in force.
    pub fn recall_list(&self) -> &RecallList {
        &self.recalls
    }

    /// The event builder (gateway id, privacy policy).
    pub fn builder(&self) -> &EventBuilder {
        &self.builder
    }

    /// One scan from a source: parsed with its symbology identifier, then
    /// [`Processor::process_parsed`]. `sequence` is 0 until the outbox assigns one.
    pub fn process(&mut self, scan: &RawScan) -> Processed {
        self.input.clear();
        let bare_ean = scan.symbology.is_none() && bare_ean_upc(&scan.data);
        if let Some(sym) = &scan.symbology {
            self.input.extend_from_slice(sym.as_bytes());
        } else if bare_ean {
            // EAN-13, UPC-A (as EAN-13 with a leading 0) or EAN-8, as the scanner would have
            // sent it with AIM identifiers on.
            match scan.data.len() {
                8 => self.input.extend_from_slice(b"]E4"),
                12 => self.input.extend_from_slice(b"]E00"),
                _ => self.input.extend_from_slice(b"]E0"),
            }
        }
        self.input.extend_from_slice(&scan.data);
        let parsed = gs1::parse(&self.input, &self.parse_options);
        let alternative = parsed
            .as_ref()
            .ok()
            .and_then(|m| alternative_reading(&self.input, m, &self.parse_options).map(|r| (m, r)));
        let extra_alerts = match &alternative {
            Some((msg, reading)) => self.alternative_alerts(scan, msg, reading),
            None => Vec::new(),
        };
        let mut out = self.process_inner(scan, parsed.as_ref(), 0, extra_alerts);
        if let Some((_, reading)) = &alternative {
            out.ambiguous = true;
            out.event.warnings.push(format!(
                "no GS separator in the data: it also reads as {} if the scanner dropped a GS; \
                 alerts of that reading are raised too. Check the label, and configure the \
                 scanner to transmit GS (or a GS stand-in)",
                reading.describe()
            ));
            self.builder.privacy().guard_event(&mut out.event);
        }
        if bare_ean && out.event.valid {
            out.event.warnings.push(
                "no AIM symbology identifier: 8, 12 or 13 digits with a valid check digit were read as an EAN/UPC GTIN; configure the scanner to transmit AIM identifiers".into(),
            );
        }
        out
    }

    /// One scan whose parse result is already known (replays, tests), with its `sequence`.
    pub fn process_parsed(
        &mut self,
        scan: &RawScan,
        parsed: Result<&Gs1Message, &ParseError>,
        sequence: u64,
    ) -> Processed {
        self.process_inner(scan, parsed, sequence, Vec::new())
    }

    /// The alerts the other reading of a scan without GS would raise, marked as such.
    fn alternative_alerts(
        &self,
        scan: &RawScan,
        msg: &Gs1Message,
        reading: &AlternativeReading,
    ) -> Vec<super::Alert> {
        let mut other = msg.clone();
        let Some(at) = other.elements.iter().position(|e| e.ai == reading.ai) else {
            return Vec::new();
        };
        other.elements[at].value = reading.value.as_str().into();
        for (i, e) in reading.extra.iter().enumerate() {
            other.elements.insert(at + 1 + i, e.clone());
        }
        let mut event = self.builder.build(scan, Ok(&other), 0);
        self.alerts.resolve_expiry(&mut event);
        let mut alerts = self.alerts.check(&event, &self.recalls);
        for a in &mut alerts {
            a.message = format!(
                "IF A GS SEPARATOR WAS LOST (reading {}): {}",
                reading.describe(),
                a.message
            );
        }
        alerts
    }

    fn process_inner(
        &mut self,
        scan: &RawScan,
        parsed: Result<&Gs1Message, &ParseError>,
        sequence: u64,
        extra_alerts: Vec<super::Alert>,
    ) -> Processed {
        let mut event = self.builder.build(scan, parsed, sequence);
        self.hibc.apply(&mut event);
        self.labels.apply(&mut event);
        self.alerts.resolve_expiry(&mut event);
        event.alerts = self.alerts.check(&event, &self.recalls);
        for a in extra_alerts {
            if !event.alerts.iter().any(|b| b.kind == a.kind) {
                event.alerts.push(a);
            }
        }
        event.alerts.sort_by_key(|a| std::cmp::Reverse(a.severity));
        if event
            .alerts
            .iter()
            .any(|a| a.kind == AlertKind::RecallCheckUnavailable)
        {
            // Also in `warnings`, for consumers that read the scan but not its alerts.
            event
                .warnings
                .push(RECALL_CHECK_UNAVAILABLE_WARNING.to_owned());
        }
        let mut context_changes = if failed_patient_scan(&event) {
            self.context.patient_scan_failed(&event)
        } else {
            self.context.apply(&mut event)
        };
        if let Some(alert) = patient_mismatch(&event) {
            event.alerts.push(alert);
        }
        let mut state = self.context.apply_rules(&mut event);
        event.alerts.sort_by_key(|a| std::cmp::Reverse(a.severity));
        // Whatever a restart must keep (the context, its case) is saved with the scan.
        state.extend(self.context.take_state());
        // The builder guarded the event; what was added since is the alerts and the context.
        let privacy = self.builder.privacy();
        let allowed = privacy.guard_additions(&mut event);
        let mut alerts = AlertEvent::from_scan(&event);
        for a in &mut alerts {
            privacy.guard_alert(a, &allowed);
        }
        for c in &mut context_changes {
            privacy.guard_context_change(c);
        }
        let cases = self.take_cases();
        let case = self.context.case_of(&event).map(|mut c| {
            self.builder.privacy().guard_case(&mut c);
            c
        });
        let parse_error = match (parsed, event.valid) {
            (Err(e), false) => Some(e.kind.clone()),
            _ => None,
        };
        if self.clock_unsynchronised {
            event.warnings.push(CLOCK_UNSYNCHRONISED_WARNING.to_owned());
        }
        let (superseded, first_symbol) = self.supersede(&event);
        Processed {
            event,
            alerts,
            context_changes,
            parse_error,
            ambiguous: false,
            superseded,
            first_symbol,
            state,
            cases,
            case,
        }
    }

    /// The first symbol `event` completes (it has `linked_scan` naming it), if still held;
    /// then holds `event` if a second symbol could complete it. Any other scan on the scanner
    /// lets the held one go, as the linkers do. Returns the superseded scan and whether
    /// `event` is now held.
    fn supersede(&mut self, event: &ScanEvent) -> (Option<ScanEvent>, bool) {
        let held = self.completable.remove(&event.scanner_id);
        let superseded = held.filter(|h| event.linked_scan == Some(h.event_id));
        let first_symbol = event.valid
            && event.kind == super::ScanKind::Product
            && match &event.hibc {
                Some(h) => h.structure == "primary",
                None => event.elements.len() == 1 && event.elements[0].ai == "01",
            };
        if first_symbol {
            self.completable
                .insert(event.scanner_id.clone(), event.clone());
        }
        (superseded, first_symbol)
    }

    /// Expires context slots at `now` (the daemon calls it periodically, so time-outs are
    /// published even when nobody scans).
    pub fn tick(&mut self, now: OffsetDateTime) -> Vec<ContextChange> {
        let mut changes = self.context.tick(now);
        for c in &mut changes {
            self.builder.privacy().guard_context_change(c);
        }
        changes
    }

    /// Case openings and closings not yet taken (after [`Processor::tick`]), guarded.
    pub fn take_cases(&mut self) -> Vec<super::CaseRecord> {
        let mut cases = self.context.take_cases();
        for c in &mut cases {
            self.builder.privacy().guard_case(c);
        }
        cases
    }

    /// The contexts changed since they were last saved (by [`Processor::tick`]), as state to
    /// persist.
    pub fn take_state(&mut self) -> Vec<StateWrite> {
        self.context.take_state()
    }

    /// Restores persisted state (context, serial uses) at start-up; see
    /// [`ContextTracker::restore_state`].
    pub fn restore_state<'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        now: OffsetDateTime,
    ) -> super::RestoreReport {
        self.context.restore_state(entries, now)
    }

    /// Forgets serial uses older than their retention; returns the deletions to persist.
    pub fn prune_state(&mut self, now: OffsetDateTime) -> Vec<StateWrite> {
        self.context.prune_serials(now)
    }

    /// The live context of a scanner at `now`.
    pub fn current_context(&self, scanner_id: &str, now: OffsetDateTime) -> ScanContext {
        self.context.current(scanner_id, now)
    }
}

/// Whether data without a symbology identifier is what an EAN-8, UPC-A or EAN-13 symbol holds:
/// 8, 12 or 13 digits with a valid GS1 check digit. Without this a bare EAN-13 such as
/// `9506000134352` would read as internal AI 95, valid and never checked for recalls.
fn bare_ean_upc(data: &[u8]) -> bool {
    matches!(data.len(), 8 | 12 | 13)
        && std::str::from_utf8(data).is_ok_and(|s| crate::gs1::Gtin::try_from(s).is_ok())
}

/// A critical alert when a product labelled for one patient (AI 8018 beside the GTIN) is
/// scanned while a different patient is in context.
fn patient_mismatch(event: &ScanEvent) -> Option<super::Alert> {
    let recipient = event.intended_recipient.as_deref()?;
    let patient = event.context.as_ref()?.patient.as_ref()?;
    if patient.id == recipient {
        return None;
    }
    let gtin = event.gtin.clone().unwrap_or_default();
    Some(super::Alert {
        kind: super::AlertKind::PatientMismatch,
        severity: AlertSeverity::Critical,
        message: format!(
            "PATIENT MISMATCH: GTIN {gtin} is labelled for another patient than the one in \
             context. Do not use; check the wristband and the label."
        ),
        gtin,
        hibc_di: None,
        batch: event.batch.clone(),
        serial: event.serial.clone(),
        expiry: None,
        days_to_expiry: None,
        reason: None,
        reference: None,
    })
}

/// Whether a scan tried to identify a patient and could not: invalid data carrying a patient
/// pattern (`8018`, an NHS number, wristband or person-data AIs), or an NHS number read as an
/// internal AI and withheld. The patient in context must then be cleared: a damaged band of
/// patient B must not leave patient A in context for the next product.
pub fn failed_patient_scan(event: &ScanEvent) -> bool {
    use super::privacy::WithholdReason as R;
    let patient_reason = |reason: &str| {
        [
            R::PatientGsrn,
            R::NhsNumber,
            R::WristbandData,
            R::PersonData,
        ]
        .iter()
        .any(|r| r.as_str() == reason)
    };
    if event
        .raw_withheld
        .as_ref()
        .is_some_and(|w| patient_reason(&w.reason))
    {
        return !event.valid || event.kind == super::ScanKind::Unknown;
    }
    if event.valid {
        return event.kind == super::ScanKind::Unknown
            && event
                .redactions
                .iter()
                .any(|r| r.action == super::RedactionAction::Withheld);
    }
    // Invalid and raw kept (e.g. `publish_nhs_number = true`): look at the data itself.
    event.error.as_ref().and_then(|e| e.ai.as_deref()) == Some("8018")
        || event.raw.contains("8018")
        || super::privacy::contains_nhs_number(&event.raw)
}

/// Links an HIBC secondary-only code to the HIBC primary scanned just before it on the same
/// scanner (two-symbol HIBC labels: the secondary's link character is the primary's check
/// character). Any other scan on the scanner in between breaks the link, so a secondary is
/// never attached to a product from another label.
#[derive(Debug, Clone, Default)]
pub struct HibcLinker {
    last_primary: HashMap<String, ScanEvent>,
}

impl HibcLinker {
    /// A linker with nothing remembered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers `event` if it is an HIBC primary; completes it from the remembered primary if
    /// it is a matching secondary scanned within [`HIBC_LINK_WINDOW`]. Returns whether it linked.
    pub fn apply(&mut self, event: &mut ScanEvent) -> bool {
        let previous = self.last_primary.remove(&event.scanner_id);
        match event.hibc.as_ref().map(|h| h.structure.as_str()) {
            Some("primary") => {
                self.last_primary
                    .insert(event.scanner_id.clone(), event.clone());
                false
            }
            Some("secondary") => previous
                .filter(|p| {
                    let age = event.scanned_at - p.scanned_at;
                    age >= time::Duration::ZERO && age <= HIBC_LINK_WINDOW
                })
                .is_some_and(|p| link_hibc_secondary(event, &p)),
            _ => false,
        }
    }
}

/// How long after its primary an HIBC secondary code is still linked to it: the two symbols
/// of one label are scanned within seconds.
pub const HIBC_LINK_WINDOW: time::Duration = time::Duration::seconds(60);

/// AIs a GS1 label's second symbol may carry when its first symbol holds the GTIN: batch,
/// expiry, serial and the other production data of one item.
const SECOND_SYMBOL_AIS: [&str; 9] = ["10", "11", "13", "15", "16", "17", "21", "22", "7003"];

/// Links the two symbols of a GS1 label printed as two (a GS1-128 pair, a linear GTIN with a
/// second symbol for batch and expiry): a symbol with only production data (`(17)…(10)…`)
/// scanned on the same scanner within [`HIBC_LINK_WINDOW`] after a symbol with only the GTIN
/// becomes that product, so its batch is checked against recalls. Any other scan in between
/// breaks the link.
#[derive(Debug, Clone, Default)]
pub struct SplitLabelLinker {
    last_gtin_only: HashMap<String, (String, uuid::Uuid, OffsetDateTime)>,
}

impl SplitLabelLinker {
    /// Remembers a GTIN-only product scan; completes a production-data-only scan from it.
    /// Returns whether it linked.
    pub fn apply(&mut self, event: &mut ScanEvent) -> bool {
        let previous = self.last_gtin_only.remove(&event.scanner_id);
        if !event.valid || event.hibc.is_some() {
            return false;
        }
        let only = |allowed: &[&str]| {
            !event.elements.is_empty()
                && event
                    .elements
                    .iter()
                    .all(|e| allowed.contains(&e.ai.as_str()))
        };
        if event.kind == super::ScanKind::Product && only(&["01"]) {
            if let Some(gtin) = &event.gtin {
                self.last_gtin_only.insert(
                    event.scanner_id.clone(),
                    (gtin.clone(), event.event_id, event.scanned_at),
                );
            }
            return false;
        }
        if event.kind != super::ScanKind::Unknown || !only(&SECOND_SYMBOL_AIS) {
            return false;
        }
        match previous {
            Some((gtin, id, at))
                if event.scanned_at >= at && event.scanned_at - at <= HIBC_LINK_WINDOW =>
            {
                event.gtin = Some(gtin);
                event.kind = super::ScanKind::Product;
                event.linked_scan = Some(id);
                true
            }
            _ => {
                event.warnings.push(
                    "GS1 symbol without a GTIN: the product is not identified (scan the label's GTIN symbol just before it on the same scanner)".into(),
                );
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use time::macros::datetime;

    use super::*;
    use crate::event::{ContextConfig, Privacy, PrivacyConfig, PseudonymKey};
    use crate::source::SourceKind;

    fn processor() -> Processor {
        let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
        let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
        Processor::new(
            EventBuilder::new("gw", privacy),
            ContextTracker::new("gw", &ContextConfig::default()).unwrap(),
            &AlertConfig::default(),
        )
    }

    fn scan(data: &str) -> RawScan {
        let (symbology, data) = crate::source::framing::split_aim(data.as_bytes());
        RawScan {
            source_id: "bay-1".into(),
            kind: SourceKind::Serial,
            received_at: datetime!(2026-11-26 10:15 UTC),
            data: data.to_vec(),
            symbology: symbology.map(str::to_owned),
        }
    }

    /// Only a critical alert denies the good read; an `expiring` warning does not (the daemon
    /// once beeped bad on every alert).
    #[test]
    fn good_read_follows_critical_alerts_only() {
        let mut p = processor();
        let usable = p.process(&scan("]d2010950600013435217261231"));
        assert!(usable.event.alerts.is_empty());
        assert!(usable.good_read());
        // Expires in 20 days: a warning, still a good read.
        let expiring = p.process(&scan("]d2010950600013435217261216"));
        assert_eq!(expiring.event.alerts[0].kind, AlertKind::Expiring);
        assert!(!expiring.has_critical_alert());
        assert!(expiring.good_read());
        let expired = p.process(&scan("]d2010950600013435217261101"));
        assert_eq!(expired.event.alerts[0].kind, AlertKind::Expired);
        assert!(!expired.good_read());
        let invalid = p.process(&scan("]d20109506000134353"));
        assert_eq!(invalid.parse_error.as_deref(), Some("bad_check_digit"));
        assert!(!invalid.good_read());
    }

    /// Every record the processor returns has been through the privacy guard.
    #[test]
    fn alert_and_context_records_are_guarded() {
        let mut p = processor();
        let band = p.process(&scan("]d28018501234599900000182"));
        assert_eq!(band.context_changes.len(), 1);
        let j = serde_json::to_string(&band.context_changes).unwrap();
        assert!(
            !j.contains("9990000018") && !j.contains("501234599900000182"),
            "{j}"
        );
        let product = p.process(&scan("]d2010950600013435217261101"));
        let j = serde_json::to_string(&product.alerts).unwrap();
        assert!(j.contains("pseudo:hmac-sha256:"), "context carried: {j}");
        assert!(!j.contains("9990000018"), "{j}");
    }

    use crate::event::test_support::patient_gsrn as gsrn;

    fn at(scan_data: &str, t: OffsetDateTime) -> RawScan {
        let mut s = scan(scan_data);
        s.received_at = t;
        s
    }

    const T0: OffsetDateTime = datetime!(2026-11-26 10:00 UTC);
    const PRODUCT: &str = "]d2010950600013435217271231";

    fn patient_of(p: &Processed) -> Option<String> {
        p.event
            .context
            .as_ref()
            .and_then(|c| c.patient.as_ref())
            .map(|r| r.id.clone())
    }

    #[test]
    fn a_failed_wristband_clears_the_patient() {
        let a = gsrn("5012345", "9990000018", false);
        let b_damaged = gsrn("5012345", "9434765919", true);
        for failed in [
            format!("]d28018{b_damaged}"),
            format!("]C18018{b_damaged}\u{1d}93SMITH JOHN"),
            "]C09434765919".to_owned(),
            "9434765919".to_owned(),
            "]d28018501234594".to_owned(),
        ] {
            let mut p = processor();
            p.process(&at(&format!("]d28018{a}"), T0));
            let before = p.process(&at(PRODUCT, T0 + time::Duration::seconds(5)));
            assert!(patient_of(&before).is_some());
            let f = p.process(&at(&failed, T0 + time::Duration::seconds(10)));
            assert_eq!(f.context_changes.len(), 1, "{failed}");
            assert_eq!(
                f.context_changes[0].reason,
                crate::event::ContextChangeReason::PatientScanFailed
            );
            let after = p.process(&at(PRODUCT, T0 + time::Duration::seconds(15)));
            assert_eq!(patient_of(&after), None, "{failed}");
        }
        // A failed product scan leaves the patient alone.
        let mut p = processor();
        p.process(&at(&format!("]d28018{a}"), T0));
        let f = p.process(&at("]d20109506000134353", T0));
        assert!(f.context_changes.is_empty());
        assert!(patient_of(&p.process(&at(PRODUCT, T0))).is_some());
    }

    #[test]
    fn a_new_location_clears_the_patient_even_after_the_location_timed_out() {
        let config = ContextConfig {
            location_timeout: std::time::Duration::from_secs(60),
            ..ContextConfig::default()
        };
        let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
        let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
        let mut p = Processor::new(
            EventBuilder::new("gw", privacy),
            ContextTracker::new("gw", &config).unwrap(),
            &AlertConfig::default(),
        );
        let patient = gsrn("5012345", "9990000018", false);
        p.process(&at("]C14149506000134369254BAY1", T0));
        p.process(&at(
            &format!("]d28018{patient}"),
            T0 + time::Duration::seconds(30),
        ));
        // Bay 1 times out at T0 + 60 s; the band is still live.
        let bay2 = p.process(&at(
            "]C14149506000134369254BAY2",
            T0 + time::Duration::seconds(120),
        ));
        assert!(bay2
            .context_changes
            .iter()
            .any(|c| c.reason == crate::event::ContextChangeReason::LocationChanged));
        let product = p.process(&at(PRODUCT, T0 + time::Duration::seconds(125)));
        assert_eq!(patient_of(&product), None);
    }

    #[test]
    fn a_patient_specific_product_is_a_product_and_checks_the_patient() {
        let a = gsrn("5012345", "9990000018", false);
        let b = gsrn("5012345", "9434765919", false);
        let mut p = processor();
        p.process(&at(&format!("]d28018{a}"), T0));
        let own = p.process(&at(
            &format!("]d20109506000134352\u{1d}8018{a}"),
            T0 + time::Duration::seconds(5),
        ));
        assert_eq!(own.event.kind, crate::event::ScanKind::Product);
        assert!(
            own.context_changes.is_empty(),
            "the patient in context stays"
        );
        assert!(own.event.alerts.is_empty());
        assert_eq!(own.event.intended_recipient, patient_of(&own));
        let other = p.process(&at(
            &format!("]d20109506000134352\u{1d}8018{b}"),
            T0 + time::Duration::seconds(10),
        ));
        assert_eq!(other.event.alerts[0].kind, AlertKind::PatientMismatch);
        assert!(!other.good_read());
        assert_eq!(other.alerts.len(), 1);
        let j = serde_json::to_string(&other.alerts).unwrap()
            + &serde_json::to_string(&other.event).unwrap();
        assert!(!j.contains(&b) && !j.contains("9434765919"), "{j}");
    }

    /// A scanner without AIM identifiers sends an EAN-13 as 13 bare digits: it is a product
    /// (checked for recalls), not internal AI 95.
    #[test]
    fn bare_ean_upc_digits_are_read_as_a_gtin() {
        let mut p = processor();
        for (data, gtin) in [
            ("9506000134352", "09506000134352"),
            ("036000291452", "00036000291452"),
            ("95060002", "00000095060002"),
        ] {
            let mut s = scan(data);
            s.symbology = None;
            let out = p.process(&s);
            assert_eq!(out.event.kind, crate::event::ScanKind::Product, "{data}");
            assert_eq!(out.event.gtin.as_deref(), Some(gtin));
            assert!(out.event.warnings.iter().any(|w| w.contains("AIM")));
        }
        // A wrong check digit stays what it was (an element string).
        let mut s = scan("9506000134353");
        s.symbology = None;
        assert_ne!(p.process(&s).event.kind, crate::event::ScanKind::Product);
    }

    /// A keyboard wedge that drops GS hides the expiry in the batch: the other reading's
    /// `expired` is raised (marked), and the scanner beeps bad either way.
    #[test]
    fn a_dropped_gs_cannot_hide_an_expiry() {
        let mut p = processor();
        let out = p.process(&scan("]d2010950600013435210EXP917250101"));
        assert_eq!(out.event.batch.as_deref(), Some("EXP917250101"));
        assert_eq!(out.event.alerts[0].kind, AlertKind::Expired);
        assert!(out.event.alerts[0]
            .message
            .starts_with("IF A GS SEPARATOR WAS LOST (reading (10)EXP9 (17)250101)"));
        assert!(out.ambiguous && !out.good_read());
        assert!(out
            .event
            .warnings
            .iter()
            .any(|w| w.contains("(10)EXP9 (17)250101")));
        // The other AI order has no ambiguity: expired, as before.
        let out = p.process(&scan("]d201095060001343521725010110EXP9"));
        assert!(!out.ambiguous);
        // The serial fixture: warned and beeped bad, no alert.
        let out = p.process(&scan("]C1010950600013435210ABC12321S1"));
        assert!(out.ambiguous && out.event.alerts.is_empty());
        assert!(out
            .event
            .warnings
            .iter()
            .any(|w| w.contains("(10)ABC123 (21)S1")));
        // With GS, nothing to wonder about.
        let out = p.process(&scan("]d2010950600013435210ABC123\u{1d}21S1"));
        assert!(!out.ambiguous && out.good_read());
    }

    /// An expiry the gateway has read always counts: a symbol with only the expiry, and the
    /// second symbol of a two-symbol label, which takes the first symbol's GTIN (and so its
    /// batch is checked against recalls).
    #[test]
    fn an_expiry_without_a_gtin_still_raises_and_split_labels_link() {
        let mut p = processor();
        let alone = p.process(&scan("]C11726110610LOT1"));
        assert_eq!(alone.event.kind, crate::event::ScanKind::Unknown);
        assert_eq!(alone.event.alerts[0].kind, AlertKind::Expired);
        assert!(alone.event.alerts[0].message.contains("does not identify"));
        assert!(!alone.good_read());
        assert!(alone
            .event
            .warnings
            .iter()
            .any(|w| w.contains("without a GTIN")));

        p.set_recall_list(RecallList::parse(b"gtin,batch\n09506000134352,LOT1\n").unwrap());
        let first = p.process(&at("]C10109506000134352", T0));
        assert!(first
            .event
            .alerts
            .iter()
            .all(|a| a.kind != AlertKind::Recalled));
        let second = p.process(&at("]C11727120610LOT1", T0 + time::Duration::seconds(3)));
        assert_eq!(second.event.kind, crate::event::ScanKind::Product);
        assert_eq!(second.event.gtin.as_deref(), Some("09506000134352"));
        assert_eq!(second.event.linked_scan, Some(first.event.event_id));
        assert!(second
            .event
            .alerts
            .iter()
            .any(|a| a.kind == AlertKind::Recalled));
        assert!(first.first_symbol);
        assert_eq!(second.superseded.as_ref(), Some(&first.event));
        // Too late, or another scan in between: not linked.
        p.process(&at("]C10109506000134352", T0));
        let late = p.process(&at("]C11727120610LOT1", T0 + time::Duration::seconds(120)));
        assert_eq!(late.event.kind, crate::event::ScanKind::Unknown);
        assert_eq!(late.superseded, None);
    }

    /// Only the scan a second symbol links to is superseded, and only once: a scan in between
    /// (here a whole product label) lets the first symbol go, and a full product label is never held.
    #[test]
    fn only_the_linked_first_symbol_is_superseded() {
        let mut p = processor();
        let full = p.process(&at(PRODUCT, T0));
        assert!(!full.first_symbol);
        let first = p.process(&at("]C10109506000134352", T0));
        assert!(first.first_symbol);
        p.process(&at(PRODUCT, T0));
        let second = p.process(&at("]C11727120610LOT1", T0));
        assert_eq!(second.superseded, None);
        assert_eq!(second.event.linked_scan, None);
        // Another scanner's symbol does not complete it either.
        let first = p.process(&at("]C10109506000134352", T0));
        let mut other = at("]C11727120610LOT1", T0);
        other.source_id = "bay-2".into();
        assert_eq!(p.process(&other).superseded, None);
        let second = p.process(&at("]C11727120610LOT1", T0));
        assert_eq!(
            second.superseded.map(|s| s.event_id),
            Some(first.event.event_id)
        );
        let again = p.process(&at("]C11727120610LOT1", T0));
        assert_eq!(again.superseded, None);
    }

    /// Issue 23 §7: while the clock is not synchronised every scan says so; once it is, none.
    #[test]
    fn an_unsynchronised_clock_is_a_warning_on_every_scan() {
        let mut p = processor();
        let has = |out: &Processed| {
            out.event
                .warnings
                .iter()
                .any(|w| w == CLOCK_UNSYNCHRONISED_WARNING)
        };
        assert!(!has(&p.process(&at(PRODUCT, T0))));
        p.set_clock_synchronised(false);
        for data in [PRODUCT, "not a barcode", "]C10109506000134352"] {
            let out = p.process(&at(data, T0));
            assert!(has(&out), "{data}: {:?}", out.event.warnings);
        }
        p.set_clock_synchronised(true);
        assert!(!has(&p.process(&at(PRODUCT, T0))));
    }

    #[test]
    fn a_new_episode_for_the_same_patient_is_taken() {
        let a = gsrn("5012345", "9990000018", false);
        let mut p = processor();
        p.process(&at(&format!("]d28018{a}\u{1d}80191"), T0));
        let again = p.process(&at(&format!("]d28018{a}\u{1d}80192"), T0));
        assert_eq!(again.context_changes.len(), 1);
        let product = p.process(&at(PRODUCT, T0));
        let srin = product.event.context.unwrap().patient.unwrap().srin;
        assert_eq!(srin.as_deref(), Some("2"));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        #[derive(Debug, Clone)]
        enum Step {
            Band(usize),
            DamagedBand(usize),
            NhsNumberOnly(usize),
            Location(u8),
            Product,
            Wait(u16),
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![
                (0usize..3).prop_map(Step::Band),
                (0usize..3).prop_map(Step::DamagedBand),
                (0usize..3).prop_map(Step::NhsNumberOnly),
                (0u8..3).prop_map(Step::Location),
                Just(Step::Product),
                Just(Step::Product),
                (1u16..2000).prop_map(Step::Wait),
            ]
        }

        const NHS: [&str; 3] = ["9990000018", "9434765919", "9990000042"];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// For any sequence of wristbands (good, damaged, bare NHS numbers), locations,
            /// products and waits, a product is only ever linked to the patient of the last
            /// successful patient scan, and only while no failed band or new location came after.
            #[test]
            fn no_product_is_linked_to_the_wrong_patient(steps in proptest::collection::vec(step(), 1..40)) {
                let mut p = processor();
                let mut t = T0;
                let mut last_good: Option<String> = None;
                let mut last_location: Option<u8> = None;
                for s in steps {
                    t += time::Duration::seconds(1);
                    match s {
                        Step::Band(i) => {
                            let out = p.process(&at(&format!("]d28018{}", gsrn("5012345", NHS[i], false)), t));
                            last_good = out.event.gsrn.clone();
                        }
                        Step::DamagedBand(i) => {
                            p.process(&at(&format!("]d28018{}", gsrn("5012345", NHS[i], true)), t));
                            last_good = None;
                        }
                        Step::NhsNumberOnly(i) => {
                            p.process(&at(&format!("]C0{}", NHS[i]), t));
                            last_good = None;
                        }
                        Step::Location(l) => {
                            p.process(&at(&format!("]C14149506000134369254BAY{l}"), t));
                            if last_location.is_some_and(|old| old != l) {
                                last_good = None;
                            }
                            last_location = Some(l);
                        }
                        Step::Wait(secs) => t += time::Duration::seconds(i64::from(secs)),
                        Step::Product => {
                            let out = p.process(&at(PRODUCT, t));
                            if let Some(linked) = patient_of(&out) {
                                prop_assert_eq!(Some(linked), last_good.clone());
                            }
                        }
                    }
                }
            }
        }
    }
}
