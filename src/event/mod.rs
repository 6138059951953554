//! Stage 3: scan events — classification, point-of-care context, alerts and privacy.
//!
//! CONTRACT: [`ScanEvent`] is the versioned event (`schemas/scan-event.v1.json`) that the outbox
//! stores, MQTT carries and `interop` converts. Field names are a public contract.

mod scan_event;

pub use scan_event::*;
