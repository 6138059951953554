//! Stage 3: scan events — classification, point-of-care context, alerts and privacy.
//!
//! CONTRACT: [`ScanEvent`] is the versioned event (`schemas/scan-event.v1.json`) that the outbox
//! stores, MQTT carries and `interop` converts. Field names are a public contract.
//!
//! Brief overview (all pure: no clock, no tokio; the only I/O is loading the pseudonym key and
//! the recall list file, at the edge):
//! - [`EventBuilder`] turns a [`crate::source::RawScan`] and its [`crate::gs1::parse`] result
//!   into a [`ScanEvent`], applying the [`privacy`] policy ([`Privacy`], from [`PrivacyConfig`]).
//! - [`ContextTracker`] holds the point-of-care context per scanner or scanner group
//!   ([`ContextConfig`]) and emits [`ContextChange`] records.
//! - [`AlertChecker`] raises expired/expiring/recalled [`Alert`]s against a [`RecallList`]
//!   ([`AlertConfig`]); [`AlertEvent`] is the record for the `…/alert` topic.
//! - [`EventPipeline`] chains the three for the daemon: one call per scan.

mod alerts;
mod builder;
mod context;
mod gs1_view;
pub mod privacy;
mod scan_event;

#[cfg(test)]
mod leak_tests;
#[cfg(test)]
mod tests;

pub use alerts::*;
pub use builder::*;
pub use context::*;
pub use gs1_view::{ai_title, digital_link, gs1_date, hri, DIGITAL_LINK_DOMAIN};
pub use privacy::{
    LogSummary, NhsNumber, Privacy, PrivacyConfig, PrivacyError, PseudonymKey, Redacted,
    WithholdReason,
};
pub use scan_event::*;

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::gs1::{Gs1Message, ParseError};
use crate::source::RawScan;

/// Everything one scan produces, for the outbox and the publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The scan event (`…/scan`), with context and alerts attached.
    pub event: ScanEvent,
    /// Alert records (`…/alert`), one per alert on the event.
    pub alerts: Vec<AlertEvent>,
    /// Context-change records (`…/context`), in the order they happened.
    pub context_changes: Vec<ContextChange>,
}

impl Processed {
    /// Whether the scan raised a critical alert (expired or recalled): the daemon should give the
    /// scanner's bad-read feedback where the scanner supports it.
    pub fn has_critical_alert(&self) -> bool {
        self.event
            .alerts
            .iter()
            .any(|a| a.severity == AlertSeverity::Critical)
    }
}

/// Builder, context and alerts chained: the event stage of the daemon.
#[derive(Debug, Clone)]
pub struct EventPipeline {
    builder: EventBuilder,
    context: ContextTracker,
    alerts: AlertChecker,
    recalls: Arc<RecallList>,
    hibc: HibcLinker,
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

impl EventPipeline {
    /// Chains the stages; starts with an empty recall list.
    pub fn new(builder: EventBuilder, context: ContextTracker, alerts: &AlertConfig) -> Self {
        Self {
            builder,
            context,
            alerts: AlertChecker::new(alerts),
            recalls: Arc::new(RecallList::new()),
            hibc: HibcLinker::new(),
        }
    }

    /// Replaces the recall list (file reload or MQTT payload).
    pub fn set_recall_list(&mut self, list: impl Into<Arc<RecallList>>) {
        self.recalls = list.into();
    }

    /// The recall list in force.
    pub fn recall_list(&self) -> &RecallList {
        &self.recalls
    }

    /// One scan, parsed, with its outbox-assigned `sequence`, becomes an event with alerts and
    /// context, plus the alert and context-change records it causes.
    pub fn process(
        &mut self,
        scan: &RawScan,
        parsed: Result<&Gs1Message, &ParseError>,
        sequence: u64,
    ) -> Processed {
        let mut event = self.builder.build(scan, parsed, sequence);
        self.hibc.apply(&mut event);
        event.alerts = self.alerts.check(&event, &self.recalls);
        let context_changes = self.context.apply(&mut event);
        let alerts = AlertEvent::from_scan(&event);
        Processed {
            event,
            alerts,
            context_changes,
        }
    }

    /// Expires context slots at `now` (call periodically from the daemon).
    pub fn tick(&mut self, now: OffsetDateTime) -> Vec<ContextChange> {
        self.context.tick(now)
    }

    /// The live context of a scanner at `now`.
    pub fn current_context(&self, scanner_id: &str, now: OffsetDateTime) -> ScanContext {
        self.context.current(scanner_id, now)
    }
}
