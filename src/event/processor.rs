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
//! 6. **guard**: every text of the event, its alert records and context changes goes through
//!    [`super::Privacy::guard_event`] once more, so nothing added by steps 3–5 bypasses it;
//! 7. **verdict**: whether the scanner may hear a good read ([`Processed::good_read`]).
//!
//! Pure: no clock of its own (the scan's timestamp is the time), no tokio, no I/O. The outbox
//! assigns `sequence` when it commits the records.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::gs1::{self, Gs1Message, ParseError, ParseOptions};
use crate::source::RawScan;

use super::privacy::allowed_nhs_like;

use super::{
    link_hibc_secondary, AlertChecker, AlertConfig, AlertEvent, AlertKind, AlertSeverity,
    ContextChange, ContextTracker, EventBuilder, RecallList, ScanContext, ScanEvent,
};

/// The warning on every product scan while no recall list could be loaded (with the
/// `recall_check_unavailable` alert).
pub const RECALL_CHECK_UNAVAILABLE_WARNING: &str =
    "recall_check_unavailable: no recall list could be loaded; this product was not checked against recalls";

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
        self.event.valid && !self.has_critical_alert()
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
        self.context.carry_over(old_context)
    }

    /// Replaces the recall list (file reload or MQTT payload).
    pub fn set_recall_list(&mut self, list: impl Into<Arc<RecallList>>) {
        self.recalls = list.into();
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
        if let Some(sym) = &scan.symbology {
            self.input.extend_from_slice(sym.as_bytes());
        }
        self.input.extend_from_slice(&scan.data);
        let parsed = gs1::parse(&self.input, &self.parse_options);
        self.process_parsed(scan, parsed.as_ref(), 0)
    }

    /// One scan whose parse result is already known (replays, tests), with its `sequence`.
    pub fn process_parsed(
        &mut self,
        scan: &RawScan,
        parsed: Result<&Gs1Message, &ParseError>,
        sequence: u64,
    ) -> Processed {
        let mut event = self.builder.build(scan, parsed, sequence);
        self.hibc.apply(&mut event);
        event.alerts = self.alerts.check(&event, &self.recalls);
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
        let mut context_changes = self.context.apply(&mut event);
        let privacy = self.builder.privacy();
        privacy.guard_event(&mut event);
        let mut alerts = AlertEvent::from_scan(&event);
        let allowed = allowed_nhs_like(&event);
        for a in &mut alerts {
            privacy.guard_alert(a, &allowed);
        }
        for c in &mut context_changes {
            privacy.guard_context_change(c);
        }
        let parse_error = match (parsed, event.valid) {
            (Err(e), false) => Some(e.kind.clone()),
            _ => None,
        };
        Processed {
            event,
            alerts,
            context_changes,
            parse_error,
        }
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

    /// The live context of a scanner at `now`.
    pub fn current_context(&self, scanner_id: &str, now: OffsetDateTime) -> ScanContext {
        self.context.current(scanner_id, now)
    }
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
}
