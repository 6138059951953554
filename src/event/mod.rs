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
//! - [`Processor`] is the one per-scan stage, used by the daemon, the tests and the benches:
//!   raw scan → GS1 parse → event (classified, privacy applied) → HIBC link → alerts → context →
//!   privacy guard over every record → the verdict the scanner hears.
//! - [`RecallLists`] keeps the recall lists in force (file and MQTT) and their lifecycle.

mod alerts;
mod builder;
mod cases;
mod context;
mod gs1_view;
pub mod missing_gs;
pub mod privacy;
mod processor;
mod recalls;
pub mod rules;
mod scan_event;

#[cfg(test)]
mod leak_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use alerts::*;
pub use builder::*;
pub use cases::{CaseCloseReason, CaseRecord, CaseStatus, CASE_SCHEMA};
pub use context::*;
pub use gs1_view::{ai_title, digital_link, gs1_date, hri, DIGITAL_LINK_DOMAIN};
pub use privacy::{
    LogSummary, NhsNumber, Privacy, PrivacyConfig, PrivacyError, PseudonymKey, Redacted,
    WithholdReason,
};
pub use processor::*;
pub use recalls::*;
pub use rules::{ImplantMatcher, Requirement, SerialReuse, StateWrite};
pub use scan_event::*;
