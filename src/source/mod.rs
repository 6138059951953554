//! Stage 1: sources. Each turns device input into [`RawScan`]s.
//!
//! CONTRACT: every source produces `RawScan` values; the pipeline parses them with
//! [`crate::gs1::parse`].

pub mod camera;
pub mod folder;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Which kind of source produced a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// USB CDC-ACM or RS-232 scanner.
    Serial,
    /// Keyboard-wedge scanner (Linux evdev).
    Keyboard,
    /// HID point-of-sale scanner (hidraw).
    Hid,
    /// Camera frames decoded by the gateway.
    Camera,
    /// Standard input, one scan per line.
    Stdin,
    /// A recorded capture replayed with its timing.
    Replay,
    /// Image files dropped into a watched folder.
    Folder,
}

/// One scan exactly as a source received it, before any GS1 interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawScan {
    /// The configured id of the source (scanner id).
    pub source_id: String,
    /// The kind of source.
    pub kind: SourceKind,
    /// When the scan was received (UTC).
    pub received_at: OffsetDateTime,
    /// The data as transmitted (GS as 0x1D), without the AIM symbology identifier when
    /// `symbology` is set.
    pub data: Vec<u8>,
    /// The AIM symbology identifier (`]d2`), when the source knows it.
    pub symbology: Option<String>,
}
