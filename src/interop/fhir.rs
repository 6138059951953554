//! HL7 FHIR R4: a product scan becomes a `Device` carrying its UDI, and — with a patient in the
//! point-of-care context — a transaction `Bundle` that links the device to the patient.
//!
//! Mapping (see the README section "Open-standard outputs"):
//! - `Device.udiCarrier`: `deviceIdentifier` = GTIN (issuer
//!   `http://hl7.org/fhir/NamingSystem/gs1-di`) or the HIBC device identifier (issuer
//!   `http://hl7.org/fhir/NamingSystem/hibcc-dI`), `carrierHRF` = the bracketed HRI (HIBC: the
//!   data as printed), `carrierAIDC` = base64 of the raw data read, `entryType` `barcode`;
//!   `lotNumber`, `serialNumber`, `expirationDate`, `manufactureDate` (HIBC `16D`);
//!   `Device.location` = the context location by GLN; alerts (expired, recalled) as `note`.
//! - Each alert is also a `DetectedIssue` (coded: [`ALERT_CODE_SYSTEM`] + the alert kind;
//!   `severity` `high` for critical alerts, `moderate` for warnings; `implicated` = the Device,
//!   `patient` = the patient in context), so an EPR can act on it without reading free text.
//! - With a patient in context: a `Procedure` (status `in-progress`: the gateway sees a product
//!   used during care, the EPR owns the procedure's life cycle) whose `subject` is the patient,
//!   `performer.actor` the member of staff by GSRN, `location` the place by GLN, and either
//!   `focalDevice` with action SNOMED CT 129336009 "Implantation - action" (configured implants; `Device.patient` is then set
//!   too) or `usedReference` (everything else). We chose `Procedure` over `DeviceUseStatement`
//!   because implant registries and theatre systems record devices against procedures, and
//!   `DeviceUseStatement` is maturity level 0 in R4.
//! - Patients are referenced by identifier, never created: the NHS number
//!   (`https://fhir.nhs.uk/Id/nhs-number`) only when `allow_nhs_number` is set and the GSRN is
//!   under the configured NHS prefix; otherwise the event's keyed pseudonym, or the `urn:uuid:` of
//!   the wristband scan event.
//! - Every resource carries the identifier `urn:uuid:{event_id}` and is created with
//!   `ifNoneExist` on it, so re-delivering the same event (MQTT is at-least-once) creates nothing
//!   twice. `fullUrl`s are UUIDv5 names derived from the event id, so output is reproducible.
//! - The second symbol of a label printed as two (an HIBC secondary, a GS1 batch/expiry symbol;
//!   `linked_scan` names the first) describes the same device: its Device and Procedure carry
//!   the first symbol's identifier and are sent as conditional updates (`PUT
//!   Device?identifier=…`), so the server keeps one Device, now with lot and expiry.

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::epcis::{check_key, check_text, patient_ref, PatientRef};
use super::hibc::{self, HibcData};
use super::{kind_name, Interop, InteropError};
use crate::event::HibcInfo;
use crate::event::{rfc3339_millis, AlertKind, AlertSeverity, ContextRef, ScanEvent, ScanKind};

/// `Device.udiCarrier.issuer` for GS1 device identifiers.
pub const ISSUER_GS1: &str = "http://hl7.org/fhir/NamingSystem/gs1-di";
/// `Device.udiCarrier.issuer` for HIBCC device identifiers.
pub const ISSUER_HIBCC: &str = "http://hl7.org/fhir/NamingSystem/hibcc-dI";
/// Identifier system of the NHS number.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// Identifier system of a GLN (the GS1 GLN OID, as HL7 and IHE profiles use it).
pub const GLN_SYSTEM: &str = "urn:oid:2.51.1.3";
/// Identifier system of a GSRN-provider (staff): the GS1 Digital Link stem of AI 8017.
pub const GSRN_PROVIDER_SYSTEM: &str = "https://id.gs1.org/8017";
/// Identifier system of a GSRN-recipient (patient): the GS1 Digital Link stem of AI 8018.
pub const GSRN_RECIPIENT_SYSTEM: &str = "https://id.gs1.org/8018";
/// Identifier system for URIs (`urn:uuid:…`).
pub const URI_SYSTEM: &str = "urn:ietf:rfc:3986";

const FHIR_KINDS: &str = "only product scans (GS1 or HIBC) have one; patient, staff and location scans are context on them";

#[derive(Clone, Serialize)]
struct Identifier<'a> {
    system: &'a str,
    value: String,
}

#[derive(Clone, Serialize)]
struct Reference<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<Identifier<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

impl<'a> Reference<'a> {
    fn to(full_url: &str) -> Self {
        Reference {
            reference: Some(full_url.to_owned()),
            kind: None,
            identifier: None,
            display: None,
        }
    }

    fn by_identifier(kind: &'static str, identifier: Identifier<'a>) -> Self {
        Reference {
            reference: None,
            kind: Some(kind),
            identifier: Some(identifier),
            display: None,
        }
    }
}

#[derive(Serialize)]
struct UdiCarrier<'a> {
    #[serde(rename = "deviceIdentifier")]
    device_identifier: String,
    issuer: &'static str,
    #[serde(rename = "carrierAIDC")]
    carrier_aidc: String,
    #[serde(rename = "carrierHRF")]
    carrier_hrf: &'a str,
    #[serde(rename = "entryType")]
    entry_type: &'static str,
}

#[derive(Serialize)]
struct Annotation {
    text: String,
}

#[derive(Serialize)]
struct Device<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    identifier: [Identifier<'a>; 1],
    #[serde(rename = "udiCarrier")]
    udi_carrier: [UdiCarrier<'a>; 1],
    status: &'static str,
    #[serde(rename = "manufactureDate", skip_serializing_if = "Option::is_none")]
    manufacture_date: Option<String>,
    #[serde(rename = "expirationDate", skip_serializing_if = "Option::is_none")]
    expiration_date: Option<String>,
    #[serde(rename = "lotNumber", skip_serializing_if = "Option::is_none")]
    lot_number: Option<String>,
    #[serde(rename = "serialNumber", skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patient: Option<Reference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Reference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    note: Vec<Annotation>,
}

#[derive(Serialize)]
struct Coding {
    system: &'static str,
    code: &'static str,
    display: &'static str,
}

#[derive(Serialize)]
struct CodeableConcept {
    coding: [Coding; 1],
}

#[derive(Serialize)]
struct Period {
    start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
}

#[derive(Serialize)]
struct FocalDevice<'a> {
    action: CodeableConcept,
    manipulated: Reference<'a>,
}

#[derive(Serialize)]
struct Performer<'a> {
    actor: Reference<'a>,
}

#[derive(Serialize)]
struct Procedure<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    identifier: [Identifier<'a>; 1],
    status: &'static str,
    subject: Reference<'a>,
    #[serde(rename = "performedDateTime", skip_serializing_if = "Option::is_none")]
    performed_date_time: Option<String>,
    #[serde(rename = "performedPeriod", skip_serializing_if = "Option::is_none")]
    performed_period: Option<Period>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    performer: Vec<Performer<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Reference<'a>>,
    #[serde(rename = "focalDevice", skip_serializing_if = "Vec::is_empty")]
    focal_device: Vec<FocalDevice<'a>>,
    #[serde(rename = "usedReference", skip_serializing_if = "Vec::is_empty")]
    used_reference: Vec<Reference<'a>>,
}

#[derive(Serialize)]
struct Request {
    method: &'static str,
    url: String,
    #[serde(rename = "ifNoneExist", skip_serializing_if = "Option::is_none")]
    if_none_exist: Option<String>,
}

impl Request {
    /// Creates `resource` unless one with identifier `key` exists (MQTT is at-least-once), or,
    /// for the second symbol of a two-symbol label, updates the resource the first symbol
    /// created under `key` (a conditional update creates it when it is not there yet).
    fn for_resource(resource: &'static str, key: &str, update: bool) -> Self {
        let mut query = String::with_capacity(80);
        query.push_str("identifier=");
        query.push_str(URI_SYSTEM);
        query.push('|');
        query.push_str(key);
        if update {
            Self {
                method: "PUT",
                url: format!("{resource}?{query}"),
                if_none_exist: None,
            }
        } else {
            Self {
                method: "POST",
                url: resource.to_owned(),
                if_none_exist: Some(query),
            }
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Resource<'a> {
    Device(Box<Device<'a>>),
    Procedure(Box<Procedure<'a>>),
    DetectedIssue(Box<DetectedIssue<'a>>),
}

/// An alert as coded data an EPR can act on: what (`code`, our alert kind), how bad
/// (`severity`), about whom (`patient`) and which device (`implicated`).
#[derive(Serialize)]
struct DetectedIssue<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    identifier: [Identifier<'a>; 1],
    status: &'static str,
    code: CodeableConcept,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    patient: Option<Reference<'a>>,
    #[serde(rename = "identifiedDateTime")]
    identified_date_time: String,
    implicated: [Reference<'a>; 1],
    detail: &'a str,
}

/// The code system of `DetectedIssue.code`: the gateway's alert kinds (`expired`, `recalled`,
/// `patient_mismatch`, `expiring`, `recall_possible`, `recall_check_unavailable`). HL7's
/// detected-issue value set (v3 ActCode) has no code for an expired or recalled device.
pub const ALERT_CODE_SYSTEM: &str = "urn:gs1-gateway:alert-kind";

fn alert_display(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::Expired => "Expired product",
        AlertKind::Expiring => "Product expiring soon",
        AlertKind::Recalled => "Recalled product",
        AlertKind::PatientMismatch => "Product labelled for another patient",
        AlertKind::RecallPossible => "Recalls active for other batches of this product",
        AlertKind::RecallCheckUnavailable => "Not checked against recalls",
        AlertKind::MissingPatient => "Product used with no patient identified",
        AlertKind::MissingStaff => "Product used with no member of staff identified",
        AlertKind::MissingLocation => "Product used with no location identified",
        AlertKind::SerialReused => "Serialised product already used with another patient",
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(rename = "fullUrl")]
    full_url: String,
    resource: Resource<'a>,
    request: Request,
}

#[derive(Serialize)]
struct Bundle<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    identifier: Identifier<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    entry: Vec<Entry<'a>>,
}

/// What a scan identifies a device by.
enum Udi {
    Gs1 { gtin: String },
    Hibc(Box<HibcUdi>),
}

/// The HIBC fields a `Device` needs, from the event's `hibc` view or, for events made
/// before the event stage knew HIBC, from its raw data.
struct HibcUdi {
    di: String,
    lot: Option<String>,
    serial: Option<String>,
    expiry: Option<String>,
    manufactured: Option<String>,
}

const HIBC_SECONDARY_ONLY: &str =
    "a secondary-only HIBC code has no device identifier; scan the primary or concatenated code";

impl HibcUdi {
    fn from_event(event: &ScanEvent, h: &HibcInfo) -> Result<Self, InteropError> {
        let di = h
            .device_identifier
            .clone()
            .ok_or_else(|| invalid("hibc.device_identifier", HIBC_SECONDARY_ONLY))?;
        Ok(HibcUdi {
            di,
            lot: event.batch.clone(),
            serial: event.serial.clone(),
            // The expiry at the precision the label gave (FHIR dateTime takes a month).
            expiry: h
                .expiry
                .clone()
                .or_else(|| event.expiry.map(|d| d.to_string())),
            manufactured: event.production_date.map(|d| d.to_string()),
        })
    }

    fn from_data(h: HibcData) -> Result<Self, InteropError> {
        let primary = h
            .primary
            .as_ref()
            .ok_or_else(|| invalid("raw", HIBC_SECONDARY_ONLY))?;
        Ok(HibcUdi {
            di: primary.device_identifier(),
            lot: h.lot,
            serial: h.serial,
            expiry: h.expiry.map(|d| d.to_iso()),
            manufactured: h.manufactured.map(|d| d.to_string()),
        })
    }
}

fn invalid(field: &'static str, reason: &str) -> InteropError {
    InteropError::InvalidField {
        field,
        reason: reason.to_owned(),
    }
}

fn udi_of(event: &ScanEvent) -> Result<Udi, InteropError> {
    if let Some(gtin) = &event.gtin {
        if event.kind != ScanKind::Product {
            return Err(InteropError::NotApplicable {
                kind: kind_name(event.kind),
                format: "FHIR",
                why: FHIR_KINDS,
            });
        }
        check_key("gtin", gtin, 14, "GTIN")?;
        return Ok(Udi::Gs1 { gtin: gtin.clone() });
    }
    if let Some(h) = &event.hibc {
        return match event.kind {
            // A secondary code not linked to its primary names no device: nothing to render,
            // as for a wristband (its lot and expiry are on the native event).
            _ if h.device_identifier.is_none() => Err(InteropError::NotApplicable {
                kind: "HIBC secondary-only",
                format: "FHIR",
                why: HIBC_SECONDARY_ONLY,
            }),
            ScanKind::Product | ScanKind::Unknown => {
                HibcUdi::from_event(event, h).map(|u| Udi::Hibc(Box::new(u)))
            }
            other => Err(InteropError::NotApplicable {
                kind: kind_name(other),
                format: "FHIR",
                why: FHIR_KINDS,
            }),
        };
    }
    match event.kind {
        ScanKind::Product | ScanKind::Unknown if hibc::looks_like_hibc(&event.raw) => {
            let h = hibc::parse_scan(&event.raw).map_err(InvalidHibc)?;
            HibcUdi::from_data(h).map(|u| Udi::Hibc(Box::new(u)))
        }
        ScanKind::Product => Err(InteropError::MissingIdentifier {
            kind: "product",
            what: "GTIN (AI 01) or HIBC LIC data",
        }),
        other => Err(InteropError::NotApplicable {
            kind: kind_name(other),
            format: "FHIR",
            why: FHIR_KINDS,
        }),
    }
}

/// The human-readable form of HIBC data: what was read, without the scanner's AIM symbology
/// identifier or line ending (those are not printed on the label).
fn hibc_hrf(raw: &str) -> &str {
    let raw = raw.trim_end_matches(['\r', '\n']);
    match raw.find(['+', '*']) {
        Some(i) if raw.starts_with(']') => &raw[i..],
        _ => raw,
    }
}

struct InvalidHibc(hibc::HibcError);

impl From<InvalidHibc> for InteropError {
    fn from(e: InvalidHibc) -> Self {
        InteropError::InvalidField {
            field: "raw",
            reason: format!("HIBC data: {}", e.0),
        }
    }
}

fn location_ref(location: &ContextRef) -> Result<Reference<'static>, InteropError> {
    check_key("context.location.id", &location.id, 13, "GLN")?;
    let display = match &location.extension {
        Some(ext) => {
            check_text("context.location.extension", ext, 20)?;
            Some(format!("GLN {} extension {ext}", location.id))
        }
        None => None,
    };
    let mut r = Reference::by_identifier(
        "Location",
        Identifier {
            system: GLN_SYSTEM,
            value: location.id.clone(),
        },
    );
    r.display = display;
    Ok(r)
}

/// The NHS number inside a DCB1077 wristband GSRN, when it is under `prefix` and passes mod 11.
fn nhs_number_in(gsrn: &str, prefix: &str) -> Option<String> {
    let nhs = gsrn.strip_prefix(prefix)?.get(..10)?;
    let d: Vec<u32> = nhs.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return None,
        c => c,
    };
    (check == d[9]).then(|| nhs.to_owned())
}

fn patient_reference<'a>(
    interop: &'a Interop,
    patient: &ContextRef,
) -> Result<Reference<'a>, InteropError> {
    let identifier = match patient_ref(interop, patient)? {
        PatientRef::Pseudonym(p) => Identifier {
            system: pseudonym_system(interop),
            value: p.to_owned(),
        },
        PatientRef::Gsrn(gsrn) => match interop
            .nhs_gsrn_prefix
            .as_deref()
            .and_then(|prefix| nhs_number_in(gsrn, prefix))
        {
            Some(nhs) => Identifier {
                system: NHS_NUMBER_SYSTEM,
                value: nhs,
            },
            None => Identifier {
                system: GSRN_RECIPIENT_SYSTEM,
                value: gsrn.to_owned(),
            },
        },
        PatientRef::ScanEvent(id) => Identifier {
            system: URI_SYSTEM,
            value: super::urn_uuid(&id),
        },
    };
    Ok(Reference::by_identifier("Patient", identifier))
}

fn pseudonym_system(interop: &Interop) -> &str {
    interop.pseudonym_system()
}

fn staff_reference(staff: &ContextRef) -> Result<Reference<'static>, InteropError> {
    if staff.id.starts_with("pseudo:") {
        check_text("context.staff.id", &staff.id, 200)?;
        return Ok(Reference {
            reference: None,
            kind: Some("Practitioner"),
            identifier: None,
            display: Some(staff.id.clone()),
        });
    }
    check_key("context.staff.id", &staff.id, 18, "GSRN")?;
    Ok(Reference::by_identifier(
        "Practitioner",
        Identifier {
            system: GSRN_PROVIDER_SYSTEM,
            value: staff.id.clone(),
        },
    ))
}

fn event_identifier(event: &ScanEvent) -> Identifier<'static> {
    Identifier {
        system: URI_SYSTEM,
        value: super::urn_uuid(&event.event_id),
    }
}

/// The scan whose id names the Device and Procedure: the first symbol of a label printed as
/// two when `event` is its second symbol (`linked_scan`), so both scans make one device.
fn resource_key(event: &ScanEvent) -> Uuid {
    event.linked_scan.unwrap_or(event.event_id)
}

fn resource_identifier(event: &ScanEvent) -> Identifier<'static> {
    Identifier {
        system: URI_SYSTEM,
        value: super::urn_uuid(&resource_key(event)),
    }
}

/// Builds the Device and tells whether it is an implant.
fn build_device<'a>(
    interop: &'a Interop,
    event: &'a ScanEvent,
    patient: Option<&Reference<'a>>,
) -> Result<(Device<'a>, bool), InteropError> {
    let udi = udi_of(event)?;
    let aidc = base64::engine::general_purpose::STANDARD.encode(event.raw.as_bytes());
    let location = event
        .context
        .as_ref()
        .and_then(|c| c.location.as_ref())
        .map(location_ref)
        .transpose()?;
    let note = event
        .alerts
        .iter()
        .map(|a| Annotation {
            text: format!("{}: {}", a.kind.as_str().to_uppercase(), a.message),
        })
        .collect();
    let (carrier, implant, lot, serial, expiry, manufactured) = match &udi {
        Udi::Gs1 { gtin } => {
            if let Some(b) = &event.batch {
                check_text("batch", b, 20)?;
            }
            if let Some(s) = &event.serial {
                check_text("serial", s, 20)?;
            }
            let hrf = event.hri.as_deref().filter(|h| !h.is_empty());
            let carrier = UdiCarrier {
                device_identifier: gtin.clone(),
                issuer: super::fhir::ISSUER_GS1,
                carrier_aidc: aidc,
                carrier_hrf: hrf.ok_or_else(|| {
                    invalid(
                        "hri",
                        "a GS1 product scan must carry its human-readable interpretation",
                    )
                })?,
                entry_type: "barcode",
            };
            (
                carrier,
                interop.is_implant(gtin),
                event.batch.clone(),
                event.serial.clone(),
                expiry_time(event).or_else(|| event.expiry.map(|d| d.to_string())),
                None,
            )
        }
        Udi::Hibc(h) => {
            let implant = interop.is_hibc_implant(&h.di);
            let carrier = UdiCarrier {
                device_identifier: h.di.clone(),
                issuer: ISSUER_HIBCC,
                carrier_aidc: aidc,
                carrier_hrf: hibc_hrf(&event.raw),
                entry_type: "barcode",
            };
            (
                carrier,
                implant,
                h.lot.clone(),
                h.serial.clone(),
                // An HIBC expiry hour is the ward's local time: the instant with its offset.
                expiry_time(event).or_else(|| h.expiry.clone()),
                h.manufactured.clone(),
            )
        }
    };
    let device = Device {
        resource_type: "Device",
        identifier: [resource_identifier(event)],
        udi_carrier: [carrier],
        status: "active",
        manufacture_date: manufactured,
        expiration_date: expiry,
        lot_number: lot,
        serial_number: serial,
        patient: if implant {
            patient.map(|p| Reference {
                reference: None,
                kind: p.kind,
                identifier: p.identifier.as_ref().map(|i| Identifier {
                    system: i.system,
                    value: i.value.clone(),
                }),
                display: None,
            })
        } else {
            None
        },
        location,
        note,
    };
    Ok((device, implant))
}

/// The `Device` for a product scan (GS1 or HIBC), as a JSON value.
pub fn device(interop: &Interop, event: &ScanEvent) -> Result<Value, InteropError> {
    let patient = patient_of(interop, event)?;
    let (device, _) = build_device(interop, event, patient.as_ref())?;
    serde_json::to_value(&device).map_err(ser_err)
}

fn patient_of<'a>(
    interop: &'a Interop,
    event: &ScanEvent,
) -> Result<Option<Reference<'a>>, InteropError> {
    event
        .context
        .as_ref()
        .and_then(|c| c.patient.as_ref())
        .map(|p| patient_reference(interop, p))
        .transpose()
}

fn ser_err(e: serde_json::Error) -> InteropError {
    InteropError::Serialize {
        format: "FHIR",
        message: e.to_string(),
    }
}

fn full_url(event: &ScanEvent, resource: &str) -> String {
    super::urn_uuid(&Uuid::new_v5(&resource_key(event), resource.as_bytes()))
}

fn implantation() -> CodeableConcept {
    CodeableConcept {
        // R4's device-action value set is SNOMED CT (`http://hl7.org/fhir/device-action` is not
        // a code system in R4).
        coding: [Coding {
            system: "http://snomed.info/sct",
            code: "129336009",
            display: "Implantation - action",
        }],
    }
}

/// A Device named by the identifier its scan gave it (`urn:uuid:{event}`).
fn device_by_identifier(id: &Uuid) -> Reference<'static> {
    Reference::by_identifier(
        "Device",
        Identifier {
            system: URI_SYSTEM,
            value: super::urn_uuid(id),
        },
    )
}

/// The case's Procedure ([`crate::event::CaseRecord`]): one per case, identified by
/// `urn:uuid:{case_id}` and sent whole each time (conditional update, so re-delivery is
/// harmless), listing every device of the case so far: implants as `focalDevice`, the rest as
/// `usedReference`. `current` is the Device of this Bundle (referenced by its `fullUrl`).
fn case_procedure<'a>(
    interop: &'a Interop,
    case: &crate::event::CaseRecord,
    current: Option<(&Uuid, &str)>,
) -> Result<Entry<'a>, InteropError> {
    let subject = patient_reference(interop, &case.patient)?;
    let performer = case
        .staff
        .as_ref()
        .map(staff_reference)
        .transpose()?
        .map(|actor| vec![Performer { actor }])
        .unwrap_or_default();
    let location = case.location.as_ref().map(location_ref).transpose()?;
    let reference = |id: &Uuid| match current {
        Some((cur, url)) if cur == id => Reference::to(url),
        _ => device_by_identifier(id),
    };
    let focal_device = case
        .implants
        .iter()
        .map(|id| FocalDevice {
            action: implantation(),
            manipulated: reference(id),
        })
        .collect();
    let used_reference = case
        .products
        .iter()
        .filter(|id| !case.implants.contains(id))
        .map(reference)
        .collect();
    let key = super::urn_uuid(&case.case_id);
    Ok(Entry {
        full_url: super::urn_uuid(&Uuid::new_v5(&case.case_id, b"Procedure")),
        resource: Resource::Procedure(Box::new(Procedure {
            resource_type: "Procedure",
            identifier: [Identifier {
                system: URI_SYSTEM,
                value: key.clone(),
            }],
            status: match case.status {
                crate::event::CaseStatus::Open => "in-progress",
                _ => "completed",
            },
            subject,
            performed_date_time: None,
            performed_period: Some(Period {
                start: rfc3339_millis::format(&case.opened_at),
                end: case.closed_at.as_ref().map(rfc3339_millis::format),
            }),
            performer,
            location,
            focal_device,
            used_reference,
        })),
        request: Request::for_resource("Procedure", &key, true),
    })
}

/// The transaction `Bundle` for a case that closed with products: its Procedure, now
/// `completed` with its period's end and every device. A case closed with none made no
/// Procedure, so it has no Bundle (`NotApplicable`).
pub fn write_case_bundle(
    interop: &Interop,
    case: &crate::event::CaseRecord,
    out: &mut Vec<u8>,
) -> Result<(), InteropError> {
    if case.products.is_empty() {
        return Err(InteropError::NotApplicable {
            kind: "case",
            format: "FHIR",
            why: "a case with no product made no Procedure",
        });
    }
    let at = case.closed_at.unwrap_or(case.opened_at);
    let bundle = Bundle {
        resource_type: "Bundle",
        identifier: Identifier {
            system: URI_SYSTEM,
            value: super::urn_uuid(&case.event_id),
        },
        kind: "transaction",
        timestamp: rfc3339_millis::format(&at),
        entry: vec![case_procedure(interop, case, None)?],
    };
    serde_json::to_writer(out, &bundle).map_err(ser_err)
}

fn bundle<'a>(
    interop: &'a Interop,
    event: &'a ScanEvent,
    case: Option<&crate::event::CaseRecord>,
) -> Result<Bundle<'a>, InteropError> {
    let patient = patient_of(interop, event)?;
    let (device, implant) = build_device(interop, event, patient.as_ref())?;
    let key = super::urn_uuid(&resource_key(event));
    let update = event.linked_scan.is_some();
    let device_url = full_url(event, "Device");
    let mut entry = Vec::with_capacity(2 + event.alerts.len());
    let issues = detected_issues(event, patient.as_ref(), &device_url);
    entry.push(Entry {
        full_url: device_url.clone(),
        resource: Resource::Device(Box::new(device)),
        request: Request::for_resource("Device", &key, update),
    });
    if let Some(case) = case.filter(|_| patient.is_some()) {
        // In a case: the case's one Procedure, with this device and the case's others.
        entry.push(case_procedure(
            interop,
            case,
            Some((&resource_key(event), device_url.as_str())),
        )?);
    } else if let Some(subject) = patient {
        let context = event.context.as_ref();
        let performer = context
            .and_then(|c| c.staff.as_ref())
            .map(staff_reference)
            .transpose()?
            .map(|actor| vec![Performer { actor }])
            .unwrap_or_default();
        let location = context
            .and_then(|c| c.location.as_ref())
            .map(location_ref)
            .transpose()?;
        let (focal_device, used_reference) = if implant {
            let action = implantation();
            (
                vec![FocalDevice {
                    action,
                    manipulated: Reference::to(&device_url),
                }],
                Vec::new(),
            )
        } else {
            (Vec::new(), vec![Reference::to(&device_url)])
        };
        entry.push(Entry {
            full_url: full_url(event, "Procedure"),
            resource: Resource::Procedure(Box::new(Procedure {
                resource_type: "Procedure",
                identifier: [resource_identifier(event)],
                status: "in-progress",
                subject,
                performed_date_time: Some(rfc3339_millis::format(&event.scanned_at)),
                performed_period: None,
                performer,
                location,
                focal_device,
                used_reference,
            })),
            request: Request::for_resource("Procedure", &key, update),
        });
    }
    entry.extend(issues);
    Ok(Bundle {
        resource_type: "Bundle",
        identifier: event_identifier(event),
        kind: "transaction",
        timestamp: rfc3339_millis::format(&event.scanned_at),
        entry,
    })
}

/// One `DetectedIssue` per alert of the scan, implicating its Device (and naming the patient
/// in context): critical alerts (expired, recalled, patient mismatch) `high`, warnings
/// `moderate`. Created once per scan and alert kind (`ifNoneExist`).
fn detected_issues<'a>(
    event: &'a ScanEvent,
    patient: Option<&Reference<'a>>,
    device_url: &str,
) -> Vec<Entry<'a>> {
    event
        .alerts
        .iter()
        .map(|a| {
            let name = format!("DetectedIssue/{}", a.kind.as_str());
            let id = super::urn_uuid(&Uuid::new_v5(&event.event_id, name.as_bytes()));
            let mut query = String::with_capacity(80);
            query.push_str("identifier=");
            query.push_str(URI_SYSTEM);
            query.push('|');
            query.push_str(&id);
            Entry {
                full_url: id.clone(),
                resource: Resource::DetectedIssue(Box::new(DetectedIssue {
                    resource_type: "DetectedIssue",
                    identifier: [Identifier {
                        system: URI_SYSTEM,
                        value: id,
                    }],
                    status: "final",
                    code: CodeableConcept {
                        coding: [Coding {
                            system: ALERT_CODE_SYSTEM,
                            code: a.kind.as_str(),
                            display: alert_display(a.kind),
                        }],
                    },
                    severity: match a.severity {
                        AlertSeverity::Critical => "high",
                        AlertSeverity::Warning => "moderate",
                    },
                    patient: patient.cloned(),
                    identified_date_time: rfc3339_millis::format(&event.scanned_at),
                    implicated: [Reference::to(device_url)],
                    detail: &a.message,
                })),
                request: Request {
                    method: "POST",
                    url: "DetectedIssue".to_owned(),
                    if_none_exist: Some(query),
                },
            }
        })
        .collect()
}

/// Appends the transaction `Bundle` for a product scan made in `case` (see
/// [`crate::event::Processed::case`]): the case's Procedure instead of one per scan.
pub fn write_bundle_in_case(
    interop: &Interop,
    event: &ScanEvent,
    case: Option<&crate::event::CaseRecord>,
    out: &mut Vec<u8>,
) -> Result<(), InteropError> {
    serde_json::to_writer(out, &bundle(interop, event, case)?).map_err(ser_err)
}

/// The transaction `Bundle` for a product scan, as JSON bytes.
pub fn to_bundle_bytes(interop: &Interop, event: &ScanEvent) -> Result<Vec<u8>, InteropError> {
    // A bundle is 1.5–2.5 KiB: one allocation instead of a series of doublings.
    let mut out = Vec::with_capacity(3072);
    write_bundle(interop, event, &mut out)?;
    Ok(out)
}

/// Appends the transaction `Bundle` for `event` to `out` (a buffer the caller reuses).
pub fn write_bundle(
    interop: &Interop,
    event: &ScanEvent,
    out: &mut Vec<u8>,
) -> Result<(), InteropError> {
    serde_json::to_writer(out, &bundle(interop, event, None)?).map_err(ser_err)
}

/// The transaction `Bundle` for a product scan, as a JSON value.
pub fn to_bundle(interop: &Interop, event: &ScanEvent) -> Result<Value, InteropError> {
    serde_json::to_value(&bundle(interop, event, None)?).map_err(ser_err)
}

/// `expiry_time` (AI 7003 or an HIBC expiry hour, in the ward's time zone) as an R4 `dateTime`
/// with its offset.
fn expiry_time(event: &ScanEvent) -> Option<String> {
    event.expiry_time.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_are_found_only_under_the_prefix_and_with_a_good_check() {
        // 943 476 5919 is a valid NHS number; the GSRN check digit is not looked at here.
        assert_eq!(
            nhs_number_in("123456794347659190", "1234567").as_deref(),
            Some("9434765919")
        );
        assert_eq!(nhs_number_in("123456794347659180", "1234567"), None);
        assert_eq!(nhs_number_in("765432194347659190", "1234567"), None);
        // 999 123 4560 fails mod 11 (remainder 1 gives check 10: never issued).
        assert_eq!(nhs_number_in("123456799912345600", "1234567"), None);
    }
}
