//! The scan event, version 1. Its JSON form is described by `schemas/scan-event.v1.json`.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::source::SourceKind;

/// The value of the `schema` field of every version-1 scan event.
pub const SCAN_EVENT_SCHEMA: &str = "gs1-gateway/scan-event/1";

/// What a scan identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanKind {
    /// A trade item: GTIN (01), possibly with batch, expiry, serial.
    Product,
    /// A patient wristband: GSRN-recipient (8018).
    Patient,
    /// A staff badge: GSRN-provider (8017).
    Staff,
    /// A place: GLN (414), possibly with extension (254).
    Location,
    /// Equipment: GRAI (8003) or GIAI (8004).
    Asset,
    /// A logistic unit: SSCC (00).
    Logistic,
    /// Anything else, including data that is not valid GS1.
    Unknown,
}

/// The HIBC LIC view of a scan (ANSI/HIBC 2.6 primary, secondary or concatenated code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HibcInfo {
    /// `primary`, `secondary` or `concatenated`.
    pub structure: String,
    /// Labeler Identification Code (4 characters, first alphabetic). Absent for a secondary
    /// code that could not be linked to its primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labeler: Option<String>,
    /// The labeler's product / catalogue number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Unit of measure / packaging level, 0–9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<u8>,
    /// The UDI device identifier: labeler + product + unit of measure (e.g. `A99912345`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_identifier: Option<String>,
    /// The expiry as encoded, at its precision (`2026-05`, `2026-05-31`,
    /// `2026-05-31T13:00:00Z`); the top-level `expiry` is the last day it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    /// A secondary code's link character (the check character of its primary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The modulo-43 check character.
    pub check: String,
    /// For a secondary code: the event id of the primary scanned just before on the same
    /// scanner whose check character matches `link`; the primary fields come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_primary: Option<Uuid>,
}

/// One element of a scan, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventElement {
    /// The Application Identifier.
    pub ai: String,
    /// The AI's title from the GS1 Syntax Dictionary.
    pub title: String,
    /// The value.
    pub value: String,
}

/// Why a scan is not valid GS1 (mirrors [`crate::gs1::ParseError`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventError {
    /// Machine-readable kind.
    pub kind: String,
    /// Human-readable message (patient identifiers redacted).
    pub message: String,
    /// The AI concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<String>,
    /// Byte span in `raw`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
}

/// A reference to a party or place in the point-of-care context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextRef {
    /// The identifier as published: a GSRN, a keyed pseudonym of one (`pseudo:…`), or a GLN.
    pub id: String,
    /// GLN extension (AI 254) for locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// SRIN (AI 8019) for patients and staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srin: Option<String>,
    /// The event that set this context.
    pub event_id: Uuid,
    /// When it was set (RFC 3339 UTC with milliseconds).
    #[serde(with = "rfc3339_millis")]
    pub since: OffsetDateTime,
}

/// The point-of-care context a scan was made in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanContext {
    /// Current patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<ContextRef>,
    /// Current member of staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<ContextRef>,
    /// Current location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<ContextRef>,
}

/// The kind of a patient-safety alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertKind {
    /// The product's expiry date (AI 17) is before the scan date.
    Expired,
    /// The product expires within the configured warning window.
    Expiring,
    /// The product's GTIN+batch or GTIN+serial is on the recall list.
    Recalled,
    /// The product is labelled for a patient (AI 8018 beside its GTIN: an aseptic preparation,
    /// expressed breast milk, a named-patient supply) other than the patient in context.
    #[serde(rename = "patient_mismatch")]
    PatientMismatch,
    /// The scan carries no batch, and batches of the product are on the recall list: the batch
    /// must be checked by eye (a warning: the product may be fine).
    #[serde(rename = "recall_possible")]
    RecallPossible,
    /// No recall list could be loaded (the configured file is missing, unreadable or has no
    /// valid row): the product was not checked against recalls.
    #[serde(rename = "recall_check_unavailable")]
    RecallCheckUnavailable,
    /// A product was scanned with no patient in context where `require_patient` is set.
    #[serde(rename = "missing_patient")]
    MissingPatient,
    /// A product was scanned with no member of staff in context where `require_staff` is set.
    #[serde(rename = "missing_staff")]
    MissingStaff,
    /// A product was scanned with no location in context (and none configured) where
    /// `require_location` is set.
    #[serde(rename = "missing_location")]
    MissingLocation,
    /// A serialised product (GTIN or HIBC identifier + serial) already used with another
    /// patient: one implant cannot go into two patients.
    #[serde(rename = "serial_reused")]
    SerialReused,
}

impl AlertKind {
    /// The JSON name (`expired`, `expiring`, `recalled`, `recall_possible`,
    /// `recall_check_unavailable`).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Expired => "expired",
            AlertKind::Expiring => "expiring",
            AlertKind::Recalled => "recalled",
            AlertKind::PatientMismatch => "patient_mismatch",
            AlertKind::RecallPossible => "recall_possible",
            AlertKind::RecallCheckUnavailable => "recall_check_unavailable",
            AlertKind::MissingPatient => "missing_patient",
            AlertKind::MissingStaff => "missing_staff",
            AlertKind::MissingLocation => "missing_location",
            AlertKind::SerialReused => "serial_reused",
        }
    }
}

/// How loud an alert is. `critical` means "stop: do not use this product on a patient".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertSeverity {
    /// Worth knowing (expires within the warning window, a recall that may apply, recalls not
    /// checked): the scanner still gives its good-read feedback.
    Warning,
    /// A patient-safety event: expired or recalled product at the point of care.
    Critical,
}

/// A patient-safety alert raised by a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// `expired`, `expiring`, `recalled`, `recall_possible` or `recall_check_unavailable`.
    pub kind: AlertKind,
    /// `critical` (expired, recalled) or `warning` (expiring, recall_possible,
    /// recall_check_unavailable).
    pub severity: AlertSeverity,
    /// Human-readable explanation naming the GTIN, the batch or serial and the date.
    pub message: String,
    /// The product concerned (empty, and absent from the JSON, for an HIBC product).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gtin: String,
    /// The HIBC device identifier of the product concerned, when it is labelled with HIBC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hibc_di: Option<String>,
    /// Its batch/lot (AI 10), when the scan carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Its serial number (AI 21), when the scan carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Its expiry date (AI 17), ISO 8601.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date_opt"
    )]
    pub expiry: Option<Date>,
    /// Whole days from the scan date to the expiry date (negative: already expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_to_expiry: Option<i64>,
    /// Why the product was recalled (from the recall list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The recall's reference (e.g. the MHRA or manufacturer field safety notice number); for
    /// `recall_possible`, the references of the batch recalls, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// What the privacy stage did to an element of a patient scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedactionAction {
    /// The element was removed from `raw`, `elements`, `hri` and `digital_link`.
    Dropped,
    /// The element's value was replaced by a keyed pseudonym everywhere it appears.
    Pseudonymised,
    /// The element was removed because its value holds what may be an NHS number (an AI that
    /// can carry free text, such as the internal AIs 90–99); `raw` is then withheld too.
    Withheld,
}

/// In place of `raw` when it was withheld because it may carry patient data (`raw` is then
/// empty and `raw_hex` absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithheldRaw {
    /// Length of the data read, in bytes.
    pub length: usize,
    /// Keyed hash of the data read (`hmac-sha256:<64 hex>`, under the pseudonym key), so that
    /// identical scans can be matched; absent when no key is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Why: `nhs_number_pattern`, `patient_gsrn_pattern`, `wristband_data_pattern`,
    /// `person_data_pattern`, `free_text` or `not_gs1_or_hibc`.
    pub reason: String,
}

/// One redaction applied to a scan before it left the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    /// The AI concerned.
    pub ai: String,
    /// What was done to it.
    pub action: RedactionAction,
}

/// One scan, classified and in context. Published as JSON on `…/scan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanEvent {
    /// UUIDv7, unique per event; consumers deduplicate on it (delivery is at-least-once).
    pub event_id: Uuid,
    /// Always [`SCAN_EVENT_SCHEMA`].
    pub schema: String,
    /// The gateway that made the event.
    pub gateway_id: String,
    /// The scanner (source id) that read it.
    pub scanner_id: String,
    /// The kind of source.
    pub source: SourceKind,
    /// When the scan was received, RFC 3339 UTC with milliseconds.
    #[serde(with = "rfc3339_millis")]
    pub scanned_at: OffsetDateTime,
    /// Per-gateway sequence number, monotonic across restarts, for gap detection.
    pub sequence: u64,
    /// AIM symbology identifier, when known.
    pub symbology: Option<String>,
    /// The exact data read (GS as U+001D). Bytes that are not UTF-8 become U+FFFD here; the
    /// exact bytes are then in `raw_hex`. Patient identifiers are redacted (see `redactions`).
    pub raw: String,
    /// The exact bytes as lowercase hex, present only when `raw` is not valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_hex: Option<String>,
    /// Present when `raw` was withheld because it may carry patient data (then `raw` is "").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_withheld: Option<WithheldRaw>,
    /// Whether the data is valid GS1.
    pub valid: bool,
    /// What the scan identifies.
    pub kind: ScanKind,
    /// Parsed elements, in encoded order.
    #[serde(default)]
    pub elements: Vec<EventElement>,
    /// Human-readable interpretation `(01)…(10)…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hri: Option<String>,
    /// Canonical GS1 Digital Link URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digital_link: Option<String>,
    /// Non-fatal findings.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Why the scan is not valid GS1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<EventError>,
    /// GTIN (14 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
    /// Batch/lot (AI 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Expiry date (AI 17), ISO 8601; day 00 is the last day of the month.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date_opt"
    )]
    pub expiry: Option<Date>,
    /// Expiry date and time (AI 7003) as an instant in the ward's time zone (`[alerts]
    /// time_zone`), RFC 3339 with its UTC offset. When both AI 17 and AI 7003 are present, the
    /// earlier counts for alerts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rfc3339_offset_opt"
    )]
    pub expiry_time: Option<OffsetDateTime>,
    /// Best-before date (AI 15), ISO 8601; day 00 is the last day of the month.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date_opt"
    )]
    pub best_before: Option<Date>,
    /// Production date (AI 11), ISO 8601; day 00 is the last day of the month.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date_opt"
    )]
    pub production_date: Option<Date>,
    /// Variable count of items (AI 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
    /// Serial number (AI 21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// GSRN (8017 staff / 8018 patient), or its keyed pseudonym for patients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsrn: Option<String>,
    /// For a product labelled for one patient (AI 8018 beside the GTIN): that patient's GSRN,
    /// or its keyed pseudonym, as `gsrn` would be for a wristband. The patient in context is
    /// not changed by such a scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intended_recipient: Option<String>,
    /// The NHS number inside a patient GSRN (10 digits, mod-11 checked), only when the privacy
    /// configuration allows publishing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// SRIN (8019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srin: Option<String>,
    /// GLN (414).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gln: Option<String>,
    /// GLN extension (254).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gln_extension: Option<String>,
    /// SSCC (00).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sscc: Option<String>,
    /// GIAI (8004).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub giai: Option<String>,
    /// GRAI (8003).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grai: Option<String>,
    /// For the second symbol of a label printed as two (a GS1 symbol with batch, expiry or
    /// serial but no GTIN; an HIBC secondary code): the event id of the first symbol (the GTIN
    /// symbol; the HIBC primary) scanned just before it on the same scanner, from which the
    /// product identifier and `kind: product` were taken. This scan is the whole product: the
    /// EPCIS rendering declares the first symbol's event in error (`correctiveEventIDs` = this
    /// event) and the FHIR rendering updates the first symbol's Device and Procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_scan: Option<Uuid>,
    /// The case (one operation or bedside episode of one patient, see `…/case`) this product
    /// scan belongs to: present while a patient is in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    /// HIBC LIC data, for a scan that is an HIBC code rather than GS1 (then `elements` is
    /// empty, `gtin` absent, and `batch`, `serial`, `expiry`, `production_date` and `quantity`
    /// carry the HIBC lot, serial, expiry, manufacture date and quantity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hibc: Option<HibcInfo>,
    /// The point-of-care context the scan was made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ScanContext>,
    /// Patient-safety alerts raised by this scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Alert>,
    /// What the privacy stage removed or pseudonymised (`raw`, `elements`, `hri` and
    /// `digital_link` are then no longer the exact data read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redactions: Vec<Redaction>,
}

/// Which text of a record a [`ScanEvent::visit_text_mut`] visitor is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// `raw`: withheld as a whole when it may carry patient data.
    Raw,
    /// `raw_hex`: goes with `raw`.
    RawHex,
    /// Any other text (values, messages, references).
    Other,
}

impl ContextRef {
    /// Every text of the reference.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(TextField, &mut String)) {
        f(TextField::Other, &mut self.id);
        for s in [&mut self.extension, &mut self.srin].into_iter().flatten() {
            f(TextField::Other, s);
        }
    }
}

impl ScanContext {
    /// Every text of the context.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(TextField, &mut String)) {
        for r in [&mut self.patient, &mut self.staff, &mut self.location]
            .into_iter()
            .flatten()
        {
            r.visit_text_mut(f);
        }
    }
}

impl Alert {
    /// Every text of the alert.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(TextField, &mut String)) {
        f(TextField::Other, &mut self.message);
        f(TextField::Other, &mut self.gtin);
        for s in [
            &mut self.hibc_di,
            &mut self.batch,
            &mut self.serial,
            &mut self.reason,
            &mut self.reference,
        ]
        .into_iter()
        .flatten()
        {
            f(TextField::Other, s);
        }
    }
}

impl ScanEvent {
    /// Shows `f` every free-text string of the event, so that the privacy guard
    /// ([`crate::event::Privacy::guard_event`]) sees each one. A field added to the event must
    /// be added here: `every_string_of_the_json_is_visited` fails until it is.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(TextField, &mut String)) {
        f(TextField::Raw, &mut self.raw);
        if let Some(h) = &mut self.raw_hex {
            f(TextField::RawHex, h);
        }
        f(TextField::Other, &mut self.gateway_id);
        f(TextField::Other, &mut self.scanner_id);
        for e in &mut self.elements {
            f(TextField::Other, &mut e.ai);
            f(TextField::Other, &mut e.title);
            f(TextField::Other, &mut e.value);
        }
        for w in &mut self.warnings {
            f(TextField::Other, w);
        }
        if let Some(err) = &mut self.error {
            f(TextField::Other, &mut err.kind);
            f(TextField::Other, &mut err.message);
            if let Some(ai) = &mut err.ai {
                f(TextField::Other, ai);
            }
        }
        if let Some(w) = &mut self.raw_withheld {
            f(TextField::Other, &mut w.reason);
            if let Some(h) = &mut w.hash {
                f(TextField::Other, h);
            }
        }
        for s in [
            &mut self.symbology,
            &mut self.hri,
            &mut self.digital_link,
            &mut self.gtin,
            &mut self.batch,
            &mut self.serial,
            &mut self.gsrn,
            &mut self.intended_recipient,
            &mut self.nhs_number,
            &mut self.srin,
            &mut self.gln,
            &mut self.gln_extension,
            &mut self.sscc,
            &mut self.giai,
            &mut self.grai,
        ]
        .into_iter()
        .flatten()
        {
            f(TextField::Other, s);
        }
        if let Some(h) = &mut self.hibc {
            f(TextField::Other, &mut h.structure);
            f(TextField::Other, &mut h.check);
            for s in [
                &mut h.labeler,
                &mut h.product,
                &mut h.device_identifier,
                &mut h.expiry,
                &mut h.link,
            ]
            .into_iter()
            .flatten()
            {
                f(TextField::Other, s);
            }
        }
        if let Some(c) = &mut self.context {
            c.visit_text_mut(f);
        }
        for a in &mut self.alerts {
            a.visit_text_mut(f);
        }
        for r in &mut self.redactions {
            f(TextField::Other, &mut r.ai);
        }
    }
}

/// Writes `n` as decimal digits right-aligned into `buf`, zero-padded (higher digits dropped).
fn put_digits(buf: &mut [u8], mut n: u32) {
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// ISO 8601 calendar dates (`2026-12-31`) for optional [`Date`] fields.
///
/// `time`'s own serde support writes a `(year, ordinal)` tuple unless its
/// `serde-human-readable` feature is on, which is not what subscribers expect.
pub mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::macros::format_description;
    use time::Date;

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]");

    /// Formats a date as `YYYY-MM-DD`.
    pub fn format(d: &Date) -> String {
        let mut s = String::with_capacity(10);
        push(&mut s, d);
        s
    }

    /// Appends `YYYY-MM-DD` to `out`. Hand-written because it runs for every published event
    /// and its renderings (EPCIS, FHIR), where `time`'s generic formatter dominated the cost.
    pub fn push(out: &mut String, d: &Date) {
        let y = d.year();
        if !(0..=9999).contains(&y) {
            out.push_str(
                &d.format(FORMAT)
                    .unwrap_or_else(|_| String::from("0000-01-01")),
            );
            return;
        }
        let mut b = *b"0000-00-00";
        super::put_digits(&mut b[0..4], y as u32);
        super::put_digits(&mut b[5..7], u32::from(u8::from(d.month())));
        super::put_digits(&mut b[8..10], u32::from(d.day()));
        // The buffer holds ASCII digits and dashes only.
        out.push_str(std::str::from_utf8(&b).unwrap_or("0000-01-01"));
    }

    /// Serde serializer.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format(d)),
            None => s.serialize_none(),
        }
    }

    /// Serde deserializer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| Date::parse(&s, FORMAT).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// RFC 3339 keeping the value's UTC offset (`2026-07-02T08:00:00+01:00`).
pub mod rfc3339_offset_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    /// Serde serializer.
    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.format(&Rfc3339).map_err(serde::ser::Error::custom)?),
            None => s.serialize_none(),
        }
    }

    /// Serde deserializer.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| OffsetDateTime::parse(&s, &Rfc3339).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// RFC 3339 in UTC with exactly three fractional digits: `2026-11-26T10:15:30.123Z`.
pub mod rfc3339_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    use time::{OffsetDateTime, UtcOffset};

    /// Formats a timestamp.
    pub fn format(t: &OffsetDateTime) -> String {
        let mut s = String::with_capacity(24);
        push(&mut s, t);
        s
    }

    /// Appends the timestamp to `out`. Hand-written: it runs several times per published event
    /// and `time`'s generic formatter was a large share of an EPCIS/FHIR rendering.
    pub fn push(out: &mut String, t: &OffsetDateTime) {
        let t = t.to_offset(UtcOffset::UTC);
        let y = t.year();
        if !(0..=9999).contains(&y) {
            let fmt = format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            );
            out.push_str(
                &t.format(&fmt)
                    .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000Z")),
            );
            return;
        }
        let mut b = *b"0000-00-00T00:00:00.000Z";
        super::put_digits(&mut b[0..4], y as u32);
        super::put_digits(&mut b[5..7], u32::from(u8::from(t.month())));
        super::put_digits(&mut b[8..10], u32::from(t.day()));
        super::put_digits(&mut b[11..13], u32::from(t.hour()));
        super::put_digits(&mut b[14..16], u32::from(t.minute()));
        super::put_digits(&mut b[17..19], u32::from(t.second()));
        super::put_digits(&mut b[20..23], u32::from(t.millisecond()));
        // The buffer holds ASCII only.
        out.push_str(std::str::from_utf8(&b).unwrap_or("1970-01-01T00:00:00.000Z"));
    }

    /// Serde serializer.
    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    /// Serde deserializer (any RFC 3339 timestamp).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let s = String::deserialize(d)?;
        OffsetDateTime::parse(&s, &Rfc3339).map_err(serde::de::Error::custom)
    }
}

/// Optional timestamps as [`rfc3339_millis`].
pub mod rfc3339_millis_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Serde serializer.
    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::rfc3339_millis::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    /// Serde deserializer.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| {
            OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
                .map_err(serde::de::Error::custom)
        })
        .transpose()
    }
}
