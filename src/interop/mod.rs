//! Open-standard renderings of scan events: GS1 EPCIS 2.0 (JSON-LD) and HL7 FHIR R4, plus a
//! parser for HIBC LIC codes (the non-GS1 product codes still found in UK theatres).
//!
//! Pure: no I/O, no clocks except where a caller passes a time in.
//!
//! Brief overview:
//! - [`InteropConfig`] is the `[interop]` table of the configuration (serde, strict). Its
//!   [`InteropConfig::validate`] resolves it into an [`Interop`], the converter the publisher and
//!   `gs1-gateway convert` use.
//! - [`epcis`] renders a product (or asset / logistic-unit) scan as an EPCIS 2.0 `ObjectEvent`
//!   inside an `EPCISDocument`, and checks the rules the official JSON Schema does not enforce
//!   ([`epcis::validate_epcis_rules`]).
//! - [`fhir`] renders a product scan as a FHIR R4 `Device` (UDI carrier) and, for `convert` and
//!   MQTT, a transaction `Bundle` that links it to the patient, place and member of staff.
//! - [`hibc`] parses HIBC LIC primary, secondary and concatenated codes ([`hibc::parse`]).
//!
//! Invariants: a conversion never invents data (every identifier comes from the event and is
//! checked before use), never puts an NHS number out unless [`InteropConfig::allow_nhs_number`]
//! says so, and the same event always renders to the same bytes (apart from the
//! EPCIS `creationDate`, which the caller passes in).

mod config;
pub mod epcis;
pub mod fhir;
pub mod hibc;

pub use config::{
    BizStep, EventTimeZone, Format, ImplantConfig, Interop, InteropConfig, InteropConfigError,
};

use crate::event::ScanKind;

/// Why a scan event cannot be rendered in an open standard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InteropError {
    /// The event's kind has no representation in the target format (a wristband, badge or
    /// location scan is context, carried on the product events it applies to).
    #[error("{} {kind} scan has no {format} representation ({why})", article(kind))]
    NotApplicable {
        /// The event's kind (`patient`, `HIBC product`, …).
        kind: &'static str,
        /// `EPCIS` or `FHIR`.
        format: &'static str,
        /// Which scans do have one.
        why: &'static str,
    },
    /// The event is a product scan, but carries no identifier the format can use.
    #[error("the {kind} scan carries no usable identifier ({what})")]
    MissingIdentifier {
        /// The event's kind.
        kind: &'static str,
        /// What was looked for.
        what: &'static str,
    },
    /// An identifier in the event is malformed. The value is redacted for patient identifiers.
    #[error("invalid {field} in the scan event: {reason}")]
    InvalidField {
        /// The JSON path of the field, e.g. `context.location.id`.
        field: &'static str,
        /// What is wrong (never contains a patient identifier).
        reason: String,
    },
    /// Rendering JSON failed (not expected for well-formed events).
    #[error("could not serialise the {format} document: {message}")]
    Serialize {
        /// `EPCIS` or `FHIR`.
        format: &'static str,
        /// The serializer's message.
        message: String,
    },
}

/// "a" or "an", for error messages ("an unknown scan", "an asset scan").
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The lower-case name of a scan kind, as in the event's `kind` field.
pub(crate) fn kind_name(kind: ScanKind) -> &'static str {
    match kind {
        ScanKind::Product => "product",
        ScanKind::Patient => "patient",
        ScanKind::Staff => "staff",
        ScanKind::Location => "location",
        ScanKind::Asset => "asset",
        ScanKind::Logistic => "logistic",
        ScanKind::Unknown => "unknown",
    }
}

/// Checks that `s` is exactly `n` ASCII digits.
pub(crate) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// GS1 modulo-10 check digit over all digits but the last (GTIN, GLN, GSRN, SSCC).
pub(crate) fn gs1_check_digit_ok(s: &str) -> bool {
    let digits = s.as_bytes();
    let Some((&last, body)) = digits.split_last() else {
        return false;
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(last - b'0')
}

/// Appends `s` to `out` percent-encoded as one GS1 Digital Link path segment: everything but
/// RFC 3986 unreserved characters is encoded (GS1 Digital Link 1.2 §6.1, the CSET 82
/// characters `!"%&'()*+,/:;<=>?` all need it in a path).
pub(crate) fn push_dl_segment(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// The GS1 Digital Link resolver stem used for every identifier URI (`https://id.gs1.org`): the
/// canonical form EPCIS 2.0 expects, independent of any trust's own resolver.
pub(crate) const DL_STEM: &str = "https://id.gs1.org";

/// `urn:uuid:{id}` (lower case), built without the formatting machinery: every EPCIS and FHIR
/// rendering writes it several times.
pub(crate) fn urn_uuid(id: &uuid::Uuid) -> String {
    let mut buf = [0u8; uuid::fmt::Urn::LENGTH];
    id.urn().encode_lower(&mut buf).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_accepts_known_keys_and_rejects_altered_ones() {
        assert!(gs1_check_digit_ok("09506000134352")); // GTIN from the GS1 General Specifications
        assert!(gs1_check_digit_ok("9506000134352")); // GLN
        assert!(!gs1_check_digit_ok("09506000134353"));
        assert!(!gs1_check_digit_ok(""));
        assert!(!gs1_check_digit_ok("0950600013435X"));
    }

    #[test]
    fn digital_link_segments_encode_reserved_characters() {
        let mut s = String::new();
        push_dl_segment(&mut s, "AB/12 %é");
        assert_eq!(s, "AB%2F12%20%25%C3%A9");
        s.clear();
        push_dl_segment(&mut s, "Lot-1.2_x~");
        assert_eq!(s, "Lot-1.2_x~");
    }
}
