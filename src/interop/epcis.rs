//! GS1 EPCIS 2.0 (JSON-LD): a scan becomes an `ObjectEvent` with action `OBSERVE` inside an
//! `EPCISDocument`.
//!
//! Mapping (see the README section "Open-standard outputs"):
//! - `eventID` = `urn:uuid:{event_id}` (so consumers deduplicate EPCIS exactly as native JSON);
//!   `eventTime` = `scanned_at` (UTC), `eventTimeZoneOffset` from [`super::EventTimeZone`].
//! - Product: a serialised item is an instance, `https://id.gs1.org/01/{gtin}/21/{serial}` in
//!   `epcList` (its lot and expiry go to `s4s:lotNumber` / `s4s:itemExpirationDate`, because ILMD
//!   is only allowed on `ADD` events); otherwise the class, `…/01/{gtin}/10/{lot}` (or
//!   `…/01/{gtin}`), with quantity 1 in `quantityList`. Identifiers are GS1 Digital Link URIs
//!   because the EPC URN forms need the GS1 Company Prefix length, which a scan does not carry.
//! - HIBC products (no GTIN, an `hibc` view with a device identifier): `urn:hibcc:lic:{di}`
//!   identifiers, see [`HIBC_URN`].
//! - Assets (GIAI 8004, GRAI 8003) and logistic units (SSCC 00) are instances in `epcList`.
//! - `bizStep` from configuration; `disposition` `recalled` / `expired` from the event's alerts,
//!   else `dispensed` when the step is `dispensing`.
//! - `readPoint` = the context location's GLN with its extension (`…/414/{gln}/254/{ext}`),
//!   `bizLocation` = the GLN (`…/414/{gln}`).
//! - Extension fields use the prefix `s4s`, declared in `@context` from
//!   [`super::InteropConfig::extension_namespace`]: `s4s:gatewayId`, `s4s:scannerId`,
//!   `s4s:sequence`, `s4s:patientRef`, `s4s:staffRef`, `s4s:lotNumber`, `s4s:itemExpirationDate`,
//!   `s4s:alerts`. A patient is referred to by the keyed pseudonym the event carries, or by the
//!   `urn:uuid:` of the wristband scan; its GSRN (which contains the NHS number) only when
//!   `allow_nhs_number` is set.

use serde::Serialize;
use serde_json::Value;
use time::{OffsetDateTime, UtcOffset};

use super::config::{is_absolute_uri, BizStep, Interop, CBV_BIZ_STEPS};
use super::{gs1_check_digit_ok, is_digits, kind_name, push_dl_segment, InteropError, DL_STEM};
use crate::event::{iso_date_opt, rfc3339_millis, ContextRef, ScanEvent, ScanKind};

/// The EPCIS 2.0 JSON-LD context every document names first.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

const EPCIS_KINDS: &str = "only product, asset and logistic-unit scans have one; patient, staff and location scans are context on them";

/// The prefix of our extension fields.
pub const EXTENSION_PREFIX: &str = "s4s";

/// The CBV 2.0 dispositions (the EPCIS 2.0 JSON Schema's `disposition` enumeration).
pub const CBV_DISPOSITIONS: &[&str] = &[
    "active",
    "available",
    "completeness_inferred",
    "completeness_verified",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_class",
    "mismatch_instance",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
];

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "@context")]
    context: (&'static str, ContextExtension<'a>),
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "schemaVersion")]
    schema_version: &'static str,
    #[serde(rename = "creationDate")]
    creation_date: String,
    #[serde(rename = "epcisBody")]
    body: Body<'a>,
}

#[derive(Serialize)]
struct ContextExtension<'a> {
    #[serde(rename = "s4s")]
    namespace: &'a str,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "eventList")]
    event_list: Vec<ObjectEvent<'a>>,
}

/// EPCIS 2.0 §7.4.1.3: an earlier event declared in error, with the events that correct it.
#[derive(Serialize)]
struct ErrorDeclaration {
    #[serde(rename = "declarationTime")]
    declaration_time: String,
    /// CBV 2.0 error reason: `incorrect_data` (the event happened, its data was incomplete) or
    /// `did_not_occur`.
    reason: &'static str,
    #[serde(rename = "correctiveEventIDs", skip_serializing_if = "Vec::is_empty")]
    corrective_event_ids: Vec<String>,
}

#[derive(Serialize)]
struct QuantityElement {
    #[serde(rename = "epcClass")]
    epc_class: String,
    quantity: u32,
}

#[derive(Serialize)]
struct Id {
    id: String,
}

#[derive(Serialize)]
struct ObjectEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "eventID")]
    event_id: String,
    #[serde(rename = "eventTime")]
    event_time: String,
    #[serde(rename = "eventTimeZoneOffset")]
    event_time_zone_offset: String,
    #[serde(rename = "epcList", skip_serializing_if = "Vec::is_empty")]
    epc_list: Vec<String>,
    #[serde(rename = "quantityList", skip_serializing_if = "Vec::is_empty")]
    quantity_list: Vec<QuantityElement>,
    action: &'static str,
    #[serde(rename = "bizStep", skip_serializing_if = "Option::is_none")]
    biz_step: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disposition: Option<&'static str>,
    #[serde(rename = "readPoint", skip_serializing_if = "Option::is_none")]
    read_point: Option<Id>,
    #[serde(rename = "bizLocation", skip_serializing_if = "Option::is_none")]
    biz_location: Option<Id>,
    #[serde(rename = "s4s:gatewayId")]
    gateway_id: &'a str,
    #[serde(rename = "s4s:scannerId")]
    scanner_id: &'a str,
    #[serde(rename = "s4s:sequence")]
    sequence: u64,
    #[serde(rename = "s4s:lotNumber", skip_serializing_if = "Option::is_none")]
    lot_number: Option<&'a str>,
    #[serde(
        rename = "s4s:itemExpirationDate",
        skip_serializing_if = "Option::is_none"
    )]
    item_expiration_date: Option<String>,
    #[serde(rename = "s4s:patientRef", skip_serializing_if = "Option::is_none")]
    patient_ref: Option<String>,
    #[serde(rename = "s4s:staffRef", skip_serializing_if = "Option::is_none")]
    staff_ref: Option<String>,
    #[serde(rename = "s4s:alerts", skip_serializing_if = "Vec::is_empty")]
    alerts: Vec<&'a str>,
    #[serde(rename = "errorDeclaration", skip_serializing_if = "Option::is_none")]
    error_declaration: Option<ErrorDeclaration>,
}

/// A GS1 Digital Link URI `https://id.gs1.org/{ai}/{value}[/{ai}/{value}…]`.
fn digital_link(parts: &[(&str, &str)]) -> String {
    let mut s = String::with_capacity(64);
    s.push_str(DL_STEM);
    for (ai, value) in parts {
        s.push('/');
        s.push_str(ai);
        s.push('/');
        push_dl_segment(&mut s, value);
    }
    s
}

fn invalid(field: &'static str, reason: impl Into<String>) -> InteropError {
    InteropError::InvalidField {
        field,
        reason: reason.into(),
    }
}

/// Checks a GS1 key (GTIN, GLN, GSRN, SSCC): `n` digits with a valid check digit.
pub(crate) fn check_key(
    field: &'static str,
    value: &str,
    n: usize,
    name: &str,
) -> Result<(), InteropError> {
    if !is_digits(value, n) {
        return Err(invalid(field, format!("a {name} has {n} digits")));
    }
    if !gs1_check_digit_ok(value) {
        return Err(invalid(field, format!("the {name} check digit is wrong")));
    }
    Ok(())
}

/// Checks an alphanumeric GS1 value (lot, serial, GLN extension): 1–`max` printable ASCII
/// characters (GS1 CSET 82 is a subset). The value is not echoed (it may be a patient's).
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), InteropError> {
    if value.is_empty() || value.len() > max || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            field,
            format!("expected 1 to {max} printable ASCII characters"),
        ));
    }
    Ok(())
}

/// The readPoint and bizLocation for a location in context.
fn locations(location: &ContextRef) -> Result<(Id, Id), InteropError> {
    check_key("context.location.id", &location.id, 13, "GLN")?;
    let site = digital_link(&[("414", &location.id)]);
    let point = match &location.extension {
        Some(ext) => {
            check_text("context.location.extension", ext, 20)?;
            digital_link(&[("414", &location.id), ("254", ext)])
        }
        None => site.clone(),
    };
    Ok((Id { id: point }, Id { id: site }))
}

/// How a patient in context is referred to: the event's pseudonym; the GSRN (with SRIN) only
/// when NHS numbers may appear; otherwise the `urn:uuid:` of the wristband scan.
pub(crate) enum PatientRef<'a> {
    /// A keyed pseudonym made by the event builder (`pseudo:…`).
    Pseudonym(&'a str),
    /// The GSRN (which embeds the NHS number) — only when allowed.
    Gsrn(&'a str),
    /// Only a link to the event that set the patient context.
    ScanEvent(uuid::Uuid),
}

pub(crate) fn patient_ref<'a>(
    interop: &Interop,
    patient: &'a ContextRef,
) -> Result<PatientRef<'a>, InteropError> {
    if patient.id.starts_with("pseudo:") {
        check_text("context.patient.id", &patient.id, 200)?;
        return Ok(PatientRef::Pseudonym(&patient.id));
    }
    if !is_digits(&patient.id, 18) || !gs1_check_digit_ok(&patient.id) {
        return Err(invalid(
            "context.patient.id",
            "neither a GSRN (18 digits, valid check digit) nor a pseudonym (pseudo:…)",
        ));
    }
    if interop.allow_nhs_number {
        Ok(PatientRef::Gsrn(&patient.id))
    } else {
        Ok(PatientRef::ScanEvent(patient.event_id))
    }
}

fn patient_ref_uri(interop: &Interop, patient: &ContextRef) -> Result<String, InteropError> {
    Ok(match patient_ref(interop, patient)? {
        PatientRef::Pseudonym(p) => p.to_owned(),
        PatientRef::Gsrn(g) => match &patient.srin {
            Some(srin) => {
                check_text("context.patient.srin", srin, 10)?;
                digital_link(&[("8018", g), ("8019", srin)])
            }
            None => digital_link(&[("8018", g)]),
        },
        PatientRef::ScanEvent(id) => super::urn_uuid(&id),
    })
}

fn staff_ref_uri(staff: &ContextRef) -> Result<String, InteropError> {
    if staff.id.starts_with("pseudo:") {
        check_text("context.staff.id", &staff.id, 200)?;
        return Ok(staff.id.clone());
    }
    check_key("context.staff.id", &staff.id, 18, "GSRN")?;
    Ok(digital_link(&[("8017", &staff.id)]))
}

/// HIBC products in EPCIS. EPCIS 2.0 accepts any URI as an object or class identifier, and
/// HIBCC defines no URI form, so the gateway uses `urn:hibcc:lic:{device identifier}` for the
/// class, `…:lot:{lot}` for a lot, `…:serial:{serial}` for an instance (lot and serial
/// percent-encoded outside `A-Z a-z 0-9 - .`). Not GS1 Digital Link: HIBC data is not GS1.
fn hibc_identifiers(
    event: &ScanEvent,
    di: &str,
    epc_list: &mut Vec<String>,
    quantity_list: &mut Vec<QuantityElement>,
) -> Result<(), InteropError> {
    if !di.bytes().all(|b| b.is_ascii_alphanumeric()) || di.is_empty() || di.len() > 23 {
        return Err(invalid(
            "hibc.device_identifier",
            "an HIBC device identifier is 6 to 23 letters and digits",
        ));
    }
    let mut uri = String::with_capacity(64);
    uri.push_str(HIBC_URN);
    uri.push_str(di);
    // HIBC lots and serials may contain spaces (Code 39 set), unlike GS1 AI 10/21.
    let check = |field: &'static str, v: &str| {
        if v.is_empty() || v.len() > 20 || !v.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(invalid(
                field,
                "expected 1 to 20 printable ASCII characters or spaces",
            ));
        }
        Ok(())
    };
    match (&event.serial, &event.batch) {
        (Some(serial), _) => {
            check("serial", serial)?;
            uri.push_str(":serial:");
            push_urn_segment(&mut uri, serial);
            epc_list.push(uri);
        }
        (None, batch) => {
            if let Some(lot) = batch {
                check("batch", lot)?;
                uri.push_str(":lot:");
                push_urn_segment(&mut uri, lot);
            }
            quantity_list.push(QuantityElement {
                epc_class: uri,
                quantity: 1,
            });
        }
    }
    Ok(())
}

/// The prefix of HIBC identifiers in EPCIS documents.
pub const HIBC_URN: &str = "urn:hibcc:lic:";

fn push_urn_segment(out: &mut String, s: &str) {
    use std::fmt::Write;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

fn build<'a>(interop: &'a Interop, event: &'a ScanEvent) -> Result<ObjectEvent<'a>, InteropError> {
    let mut epc_list = Vec::new();
    let mut quantity_list = Vec::new();
    let mut lot_number = None;
    let mut item_expiration_date = None;
    match event.kind {
        ScanKind::Product => {
            match (event.gtin.as_deref(), &event.hibc) {
                (Some(gtin), _) => {
                    check_key("gtin", gtin, 14, "GTIN")?;
                    if let Some(batch) = &event.batch {
                        check_text("batch", batch, 20)?;
                    }
                    match &event.serial {
                        Some(serial) => {
                            check_text("serial", serial, 20)?;
                            epc_list.push(digital_link(&[("01", gtin), ("21", serial)]));
                            lot_number = event.batch.as_deref();
                        }
                        None => {
                            let epc_class = match &event.batch {
                                Some(batch) => digital_link(&[("01", gtin), ("10", batch)]),
                                None => digital_link(&[("01", gtin)]),
                            };
                            quantity_list.push(QuantityElement {
                                epc_class,
                                quantity: 1,
                            });
                        }
                    }
                }
                (None, Some(h)) => {
                    let di =
                        h.device_identifier
                            .as_deref()
                            .ok_or(InteropError::MissingIdentifier {
                                kind: "HIBC secondary-only product",
                                what: "HIBC device identifier (scan the primary code)",
                            })?;
                    hibc_identifiers(event, di, &mut epc_list, &mut quantity_list)?;
                    if event.serial.is_some() {
                        lot_number = event.batch.as_deref();
                    }
                }
                (None, None) => {
                    return Err(InteropError::MissingIdentifier {
                        kind: "product",
                        what: "GTIN (AI 01) or HIBC device identifier",
                    })
                }
            }
            item_expiration_date = event.expiry.map(|d| {
                let mut s = String::with_capacity(10);
                iso_date_opt::push(&mut s, &d);
                s
            });
        }
        ScanKind::Asset => {
            if let Some(giai) = &event.giai {
                check_text("giai", giai, 30)?;
                epc_list.push(digital_link(&[("8004", giai)]));
            } else if let Some(grai) = &event.grai {
                if grai.len() < 14 || !is_digits(&grai[..14], 14) {
                    return Err(invalid("grai", "a GRAI starts with 14 digits"));
                }
                check_text("grai", grai, 30)?;
                epc_list.push(digital_link(&[("8003", grai)]));
            } else {
                return Err(InteropError::MissingIdentifier {
                    kind: "asset",
                    what: "GIAI (AI 8004) or GRAI (AI 8003)",
                });
            }
        }
        ScanKind::Logistic => {
            let sscc = event
                .sscc
                .as_deref()
                .ok_or(InteropError::MissingIdentifier {
                    kind: "logistic",
                    what: "SSCC (AI 00)",
                })?;
            check_key("sscc", sscc, 18, "SSCC")?;
            epc_list.push(digital_link(&[("00", sscc)]));
        }
        other => {
            return Err(InteropError::NotApplicable {
                kind: kind_name(other),
                format: "EPCIS",
                why: EPCIS_KINDS,
            })
        }
    }

    let context = event.context.as_ref();
    let (read_point, biz_location) = match context.and_then(|c| c.location.as_ref()) {
        Some(location) => {
            let (p, l) = locations(location)?;
            (Some(p), Some(l))
        }
        None => (None, None),
    };
    let patient_ref = context
        .and_then(|c| c.patient.as_ref())
        .map(|p| patient_ref_uri(interop, p))
        .transpose()?;
    let staff_ref = context
        .and_then(|c| c.staff.as_ref())
        .map(staff_ref_uri)
        .transpose()?;

    let step = interop.biz_step_for(event);
    // Products always get a step (default `dispensing`); assets and logistic units only when a
    // scanner or location rule names one, because "dispensing" a pallet or a pump means nothing.
    let biz_step = match event.kind {
        ScanKind::Product => Some(step.as_str()),
        _ if std::ptr::eq(step, &interop.default_biz_step) => None,
        _ => Some(step.as_str()),
    };
    let alerts: Vec<&str> = event.alerts.iter().map(|a| a.kind.as_str()).collect();
    let disposition = if alerts.contains(&"recalled") {
        Some("recalled")
    } else if alerts.contains(&"expired") {
        Some("expired")
    } else if event.kind == ScanKind::Product && *step == BizStep::Cbv("dispensing") {
        Some("dispensed")
    } else {
        None
    };

    Ok(ObjectEvent {
        kind: "ObjectEvent",
        event_id: super::urn_uuid(&event.event_id),
        event_time: rfc3339_millis::format(&event.scanned_at),
        event_time_zone_offset: format_offset(interop.time_zone.offset_at(event.scanned_at)),
        epc_list,
        quantity_list,
        action: "OBSERVE",
        biz_step,
        disposition,
        read_point,
        biz_location,
        gateway_id: &event.gateway_id,
        scanner_id: &event.scanner_id,
        sequence: event.sequence,
        lot_number,
        item_expiration_date,
        patient_ref,
        staff_ref,
        alerts,
        error_declaration: None,
    })
}

/// `±HH:MM`, as `eventTimeZoneOffset` requires.
fn format_offset(offset: UtcOffset) -> String {
    let (h, m, _) = offset.as_hms();
    let sign = if h < 0 || m < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

fn document<'a>(
    interop: &'a Interop,
    event: &'a ScanEvent,
    superseded: Option<&'a ScanEvent>,
    created: OffsetDateTime,
) -> Result<Document<'a>, InteropError> {
    let mut event_list = Vec::with_capacity(1 + usize::from(superseded.is_some()));
    let current = build(interop, event)?;
    // The first symbol of a two-symbol label, declared in error and corrected by this scan:
    // the repository then counts one product, with the lot and expiry of the second symbol.
    // A first symbol that has no EPCIS event of its own (it could not be rendered) needs none.
    if let Some(Ok(mut first)) = superseded.map(|s| build(interop, s)) {
        first.error_declaration = Some(ErrorDeclaration {
            declaration_time: rfc3339_millis::format(&event.scanned_at),
            reason: "incorrect_data",
            corrective_event_ids: vec![current.event_id.clone()],
        });
        event_list.push(first);
    }
    event_list.push(current);
    Ok(Document {
        context: (
            EPCIS_CONTEXT,
            ContextExtension {
                namespace: &interop.extension_namespace,
            },
        ),
        kind: "EPCISDocument",
        schema_version: "2.0",
        creation_date: rfc3339_millis::format(&created),
        body: Body { event_list },
    })
}

/// Renders `event` as an `EPCISDocument` holding one `ObjectEvent`, as JSON bytes.
pub fn to_document_bytes(
    interop: &Interop,
    event: &ScanEvent,
    created: OffsetDateTime,
) -> Result<Vec<u8>, InteropError> {
    // A document is about 1.2 KiB: one allocation instead of a series of doublings.
    let mut out = Vec::with_capacity(2048);
    write_document(interop, event, None, created, &mut out)?;
    Ok(out)
}

/// Appends the `EPCISDocument` for `event` to `out` (a buffer the caller reuses). With
/// `superseded` (the first symbol of a label whose second symbol `event` is, see
/// [`crate::event::Processed::superseded`]), the document also holds that scan's event with an
/// `errorDeclaration` (reason `incorrect_data`) whose `correctiveEventIDs` name `event`.
pub fn write_document(
    interop: &Interop,
    event: &ScanEvent,
    superseded: Option<&ScanEvent>,
    created: OffsetDateTime,
    out: &mut Vec<u8>,
) -> Result<(), InteropError> {
    let doc = document(interop, event, superseded, created)?;
    serde_json::to_writer(out, &doc).map_err(|e| InteropError::Serialize {
        format: "EPCIS",
        message: e.to_string(),
    })
}

/// Renders `event` as an `EPCISDocument` (see [`write_document`]), as a JSON value.
pub fn to_document(
    interop: &Interop,
    event: &ScanEvent,
    superseded: Option<&ScanEvent>,
    created: OffsetDateTime,
) -> Result<Value, InteropError> {
    let doc = document(interop, event, superseded, created)?;
    serde_json::to_value(&doc).map_err(|e| InteropError::Serialize {
        format: "EPCIS",
        message: e.to_string(),
    })
}

/// A breach of an EPCIS 2.0 / CBV 2.0 rule that the official JSON Schema does not check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct EpcisRuleViolation {
    /// JSON pointer of the offending value.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Checks an EPCIS document (or a single event) against the rules the official JSON Schema
/// leaves out: no `ilmd` unless the action is `ADD`; `bizStep` and `disposition` are CBV 2.0
/// names or full URIs outside the CBV namespaces; every event has an `eventID` that is a
/// `urn:uuid:` or `ni:` URI; extension fields use a prefix declared in `@context` (or are full
/// URIs); `epcList` / `epcClass` / `readPoint` / `bizLocation` are EPC URNs or GS1 Digital Link
/// URIs. Used in tests and by the publisher before it hands a document over.
pub fn validate_epcis_rules(doc: &Value) -> Result<(), Vec<EpcisRuleViolation>> {
    let mut out = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    collect_prefixes(doc.get("@context"), &mut prefixes);
    match doc.get("type").and_then(Value::as_str) {
        Some("EPCISDocument") => match doc
            .pointer("/epcisBody/eventList")
            .and_then(Value::as_array)
        {
            Some(events) => {
                for (i, e) in events.iter().enumerate() {
                    let mut local = prefixes.clone();
                    collect_prefixes(e.get("@context"), &mut local);
                    check_event(e, &format!("/epcisBody/eventList/{i}"), &local, &mut out);
                }
            }
            None => out.push(violation("/epcisBody/eventList", "missing event list")),
        },
        Some(_) => check_event(doc, "", &prefixes, &mut out),
        None => out.push(violation("/type", "missing type")),
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

fn violation(path: &str, message: impl Into<String>) -> EpcisRuleViolation {
    EpcisRuleViolation {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// Prefixes declared in a JSON-LD `@context` (string, object or array of them). The EPCIS
/// context itself declares `cbvmda`, `gs1`, `epcis`, `cbv`, … ; we accept those by name.
fn collect_prefixes(ctx: Option<&Value>, out: &mut Vec<String>) {
    match ctx {
        Some(Value::Array(items)) => items.iter().for_each(|v| collect_prefixes(Some(v), out)),
        Some(Value::Object(map)) => {
            for (k, v) in map {
                if v.is_string() || v.get("@id").is_some() {
                    out.push(k.clone());
                }
            }
        }
        Some(Value::String(s)) if s == EPCIS_CONTEXT => {
            for p in [
                "epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms",
            ] {
                out.push(p.to_owned());
            }
        }
        _ => {}
    }
}

const STANDARD_EVENT_KEYS: &[&str] = &[
    "@context",
    "type",
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "certificationInfo",
    "errorDeclaration",
    "epcList",
    "quantityList",
    "action",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "ilmd",
    "parentID",
    "childEPCs",
    "childQuantityList",
    "inputEPCList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "transformationID",
];

fn is_epc_uri(s: &str) -> bool {
    s.starts_with("urn:epc:id:") || is_digital_link(s) || is_hibc_urn(s)
}

fn is_epc_class_uri(s: &str) -> bool {
    s.starts_with("urn:epc:class:")
        || s.starts_with("urn:epc:idpat:")
        || is_digital_link(s)
        || is_hibc_urn(s)
}

/// An HIBC identifier as [`hibc_identifiers`] writes it (EPCIS 2.0 allows non-GS1 URIs).
fn is_hibc_urn(s: &str) -> bool {
    s.strip_prefix(HIBC_URN).is_some_and(|rest| {
        let di = rest.split(':').next().unwrap_or("");
        !di.is_empty() && di.bytes().all(|b| b.is_ascii_alphanumeric()) && is_absolute_uri(s)
    })
}

/// A GS1 Digital Link URI: an http(s) URI whose path holds a primary key AI followed by its
/// value (`…/01/…`, `…/414/…`, `…/00/…`, `…/8004/…`). Custom resolver domains are allowed.
fn is_digital_link(s: &str) -> bool {
    if !is_absolute_uri(s) || !(s.starts_with("https://") || s.starts_with("http://")) {
        return false;
    }
    let path = s.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').skip(3).collect();
    segs.windows(2).any(|w| {
        matches!(
            w[0],
            "01" | "00"
                | "414"
                | "417"
                | "8003"
                | "8004"
                | "8006"
                | "8010"
                | "8017"
                | "8018"
                | "253"
                | "255"
                | "401"
                | "402"
        ) && !w[1].is_empty()
    })
}

fn check_vocab(
    v: Option<&Value>,
    path: &str,
    what: &str,
    names: &[&str],
    cbv_prefixes: &[&str],
    out: &mut Vec<EpcisRuleViolation>,
) {
    let Some(v) = v else { return };
    let Some(s) = v.as_str() else {
        out.push(violation(path, format!("{what} must be a string")));
        return;
    };
    if names.contains(&s) {
        return;
    }
    if cbv_prefixes.iter().any(|p| s.starts_with(p)) {
        out.push(violation(
            path,
            format!("{s:?}: CBV {what}s are written by their bare name, and the CBV namespace cannot be extended"),
        ));
    } else if !is_absolute_uri(s) {
        out.push(violation(
            path,
            format!("{s:?} is not a CBV 2.0 {what} nor a full URI (http(s)://… or urn:…)"),
        ));
    }
}

fn check_event(e: &Value, base: &str, prefixes: &[String], out: &mut Vec<EpcisRuleViolation>) {
    let Some(obj) = e.as_object() else {
        out.push(violation(base, "an event must be a JSON object"));
        return;
    };
    let action = obj.get("action").and_then(Value::as_str);
    // TransformationEvents have no action and may carry ilmd for their outputs.
    if obj.contains_key("ilmd") && action.is_some() && action != Some("ADD") {
        out.push(violation(
            &format!("{base}/ilmd"),
            "ilmd (instance/lot master data) is only allowed on events with action ADD",
        ));
    }
    check_vocab(
        obj.get("bizStep"),
        &format!("{base}/bizStep"),
        "business step",
        CBV_BIZ_STEPS,
        &[
            "urn:epcglobal:cbv:bizstep:",
            "https://ref.gs1.org/cbv/",
            "https://ns.gs1.org/cbv/",
        ],
        out,
    );
    check_vocab(
        obj.get("disposition"),
        &format!("{base}/disposition"),
        "disposition",
        CBV_DISPOSITIONS,
        &[
            "urn:epcglobal:cbv:disp:",
            "https://ref.gs1.org/cbv/",
            "https://ns.gs1.org/cbv/",
        ],
        out,
    );
    match obj.get("eventID").and_then(Value::as_str) {
        Some(id) if id.starts_with("ni:///") => {}
        Some(id) => {
            let ok = id
                .strip_prefix("urn:uuid:")
                .is_some_and(|u| uuid::Uuid::parse_str(u).is_ok());
            if !ok {
                out.push(violation(
                    &format!("{base}/eventID"),
                    "eventID must be urn:uuid:<UUID> or an ni:/// event hash",
                ));
            }
        }
        None => out.push(violation(
            &format!("{base}/eventID"),
            "every event the gateway publishes has an eventID (consumers deduplicate on it)",
        )),
    }
    for (k, _) in obj {
        if STANDARD_EVENT_KEYS.contains(&k.as_str()) {
            continue;
        }
        let declared = k
            .split_once(':')
            .is_some_and(|(p, local)| !local.is_empty() && prefixes.iter().any(|d| d == p));
        let full_uri =
            k.starts_with("http://") || k.starts_with("https://") || k.starts_with("urn:");
        if !(declared || full_uri) {
            out.push(violation(
                &format!("{base}/{k}"),
                "extension field without a prefix declared in @context",
            ));
        }
    }
    if let Some(list) = obj.get("epcList").and_then(Value::as_array) {
        for (i, v) in list.iter().enumerate() {
            if !v.as_str().is_some_and(is_epc_uri) {
                out.push(violation(
                    &format!("{base}/epcList/{i}"),
                    "not an EPC URN (urn:epc:id:…) or GS1 Digital Link URI",
                ));
            }
        }
    }
    if let Some(list) = obj.get("quantityList").and_then(Value::as_array) {
        for (i, q) in list.iter().enumerate() {
            if !q
                .get("epcClass")
                .and_then(Value::as_str)
                .is_some_and(is_epc_class_uri)
            {
                out.push(violation(
                    &format!("{base}/quantityList/{i}/epcClass"),
                    "not an EPC class URN (urn:epc:class:… / urn:epc:idpat:…) or GS1 Digital Link URI",
                ));
            }
        }
    }
    for key in ["readPoint", "bizLocation"] {
        if let Some(id) = obj.get(key).and_then(|v| v.get("id")) {
            let ok = id.as_str().is_some_and(|s| {
                s.starts_with("urn:epc:id:sgln:")
                    || (is_digital_link(s) && s.contains("/414/"))
                    || (is_absolute_uri(s) && !s.starts_with("urn:epc:"))
            });
            if !ok {
                out.push(violation(
                    &format!("{base}/{key}/id"),
                    "a location is an SGLN URN, a GS1 Digital Link URI with AI 414, or a full URI",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn offsets_are_formatted_with_sign_hours_and_minutes() {
        assert_eq!(format_offset(UtcOffset::UTC), "+00:00");
        assert_eq!(
            format_offset(UtcOffset::from_hms(1, 0, 0).unwrap()),
            "+01:00"
        );
        assert_eq!(
            format_offset(UtcOffset::from_hms(-5, -30, 0).unwrap()),
            "-05:30"
        );
    }

    #[test]
    fn rules_reject_ilmd_on_observe_and_unknown_steps() {
        let doc = json!({
            "@context": [EPCIS_CONTEXT, {"s4s": "urn:x:"}],
            "type": "EPCISDocument",
            "epcisBody": {"eventList": [{
                "type": "ObjectEvent", "action": "OBSERVE", "eventID": "urn:uuid:0192e6f4-7b1c-7c3e-9f1a-000000000001",
                "bizStep": "consuming", "disposition": "urn:epcglobal:cbv:disp:used",
                "ilmd": {"cbvmda:lotNumber": "A"},
                "epcList": ["urn:epc:id:sgtin:0614141.107346.2018", "https://id.gs1.org/01/09506000134352/21/1", "banana"],
                "s4s:fine": 1, "x4x:undeclared": 2, "bare": 3
            }]}
        });
        let errs = validate_epcis_rules(&doc).unwrap_err();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        let joined = text.join("\n");
        assert!(joined.contains("/ilmd"), "{joined}");
        assert!(joined.contains("/bizStep"), "{joined}");
        assert!(joined.contains("/disposition"), "{joined}");
        assert!(joined.contains("/epcList/2"), "{joined}");
        assert!(joined.contains("/x4x:undeclared"), "{joined}");
        assert!(joined.contains("/bare"), "{joined}");
        assert!(!joined.contains("s4s:fine"), "{joined}");
        assert_eq!(errs.len(), 6, "{joined}");
    }

    #[test]
    fn rules_accept_full_uri_steps_and_ilmd_on_add() {
        let event = json!({
            "type": "ObjectEvent", "action": "ADD", "eventID": "ni:///sha-256;abc?ver=CBV2.0",
            "bizStep": "https://example-trust.nhs.uk/bizstep/implanting", "disposition": "active",
            "ilmd": {"cbvmda:lotNumber": "A"},
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 1}],
            "readPoint": {"id": "urn:epc:id:sgln:9506000.13435.0"}
        });
        assert_eq!(validate_epcis_rules(&event), Ok(()));
    }
}
