//! The `[interop]` configuration table and its validated form, [`Interop`].

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use super::{gs1_check_digit_ok, InteropError};
use crate::event::ScanEvent;

/// A payload format the gateway can publish a scan in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The native scan event (`schemas/scan-event.v1.json`) on `…/scan`.
    Json,
    /// A GS1 EPCIS 2.0 `EPCISDocument` on `…/epcis`.
    Epcis,
    /// An HL7 FHIR R4 transaction `Bundle` on `…/fhir`.
    Fhir,
}

impl Format {
    /// The last topic level the format is published on.
    pub fn topic_suffix(self) -> &'static str {
        match self {
            Format::Json => "scan",
            Format::Epcis => "epcis",
            Format::Fhir => "fhir",
        }
    }

    /// The MQTT 5 content type of the payload.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Epcis => "application/ld+json",
            Format::Fhir => "application/fhir+json",
        }
    }
}

/// Which products count as implants (FHIR `Procedure.focalDevice` with action `implanted`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImplantConfig {
    /// GTINs (14 digits) of implantable products.
    pub gtins: Vec<String>,
    /// GTIN prefixes (1–13 digits, e.g. a supplier's GS1 Company Prefix with the leading
    /// indicator digit) whose products are all implants.
    pub gtin_prefixes: Vec<String>,
    /// HIBC device identifiers (labeler + product + unit of measure, e.g. `A99912345`) of
    /// implantable products labelled with HIBC instead of GS1.
    pub hibc_device_identifiers: Vec<String>,
}

/// The `[interop]` table: which open-standard formats to publish and how to fill them.
///
/// ```toml
/// [interop]
/// formats = ["json", "epcis", "fhir"]
/// biz_step = "dispensing"
/// time_zone = "Europe/London"
/// allow_nhs_number = false
/// extension_namespace = "https://scan4safety.example-trust.nhs.uk/epcis/"
/// [interop.scanner_biz_steps]
/// stores-1 = "receiving"
/// [interop.location_biz_steps]
/// "9506000134352" = "storing"
/// [interop.implants]
/// gtins = ["09506000134352"]
/// gtin_prefixes = ["0761234"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InteropConfig {
    /// Formats published for each scan; `json` is the native event. Default: `["json"]`.
    pub formats: Vec<Format>,
    /// EPCIS business step for product scans when no scanner or location rule applies: a CBV 2.0
    /// name (`dispensing`, `receiving`, …) or a full URI for a custom step. Default `dispensing`.
    pub biz_step: String,
    /// Business step per scanner id (overrides `biz_step`).
    pub scanner_biz_steps: BTreeMap<String, String>,
    /// Business step per location GLN from the point-of-care context (overrides the scanner
    /// rule, because the place says more about the process than the device does).
    pub location_biz_steps: BTreeMap<String, String>,
    /// Which products are implants.
    pub implants: ImplantConfig,
    /// Whether an NHS number may appear in EPCIS and FHIR output. When false (the default) the
    /// patient is referred to pseudonymously.
    pub allow_nhs_number: bool,
    /// The 7-digit GS1 Company Prefix under which NHS wristband GSRNs are issued (DCB1077: GSRN =
    /// prefix + NHS number + check digit). With `allow_nhs_number`, a patient GSRN under this
    /// prefix whose middle 10 digits pass the NHS mod-11 check is written as an NHS number
    /// (`https://fhir.nhs.uk/Id/nhs-number`); other GSRNs stay GSRNs. Unset: no NHS numbers are
    /// derived.
    pub nhs_gsrn_prefix: Option<String>,
    /// The namespace IRI of the EPCIS extension fields (`s4s:patientRef`, …), declared in the
    /// document's `@context`. Must end in `/`, `#` or `:` so that it works as a JSON-LD prefix.
    pub extension_namespace: String,
    /// Time zone for EPCIS `eventTimeZoneOffset`: `Europe/London` (GMT/BST), `UTC`, or a fixed
    /// offset such as `+01:00`. Default `Europe/London`.
    pub time_zone: String,
}

fn default_formats() -> Vec<Format> {
    vec![Format::Json]
}

fn default_biz_step() -> String {
    String::from("dispensing")
}

fn default_extension_namespace() -> String {
    String::from("urn:gs1-gateway:epcis:")
}

fn default_time_zone() -> String {
    String::from("Europe/London")
}

impl Default for InteropConfig {
    fn default() -> Self {
        InteropConfig {
            formats: default_formats(),
            biz_step: default_biz_step(),
            scanner_biz_steps: BTreeMap::new(),
            location_biz_steps: BTreeMap::new(),
            implants: ImplantConfig::default(),
            allow_nhs_number: false,
            nhs_gsrn_prefix: None,
            extension_namespace: default_extension_namespace(),
            time_zone: default_time_zone(),
        }
    }
}

/// Why an `[interop]` table is not usable. Each variant says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InteropConfigError {
    /// `formats` is empty or lists a format twice.
    #[error("interop.formats must list each of \"json\", \"epcis\", \"fhir\" at most once and not be empty (got {0})")]
    Formats(String),
    /// A business step is neither a CBV 2.0 name nor a full URI.
    #[error("{key}: {value:?} is not a CBV 2.0 business step or a full URI ({reason})")]
    BizStep {
        /// The configuration key.
        key: String,
        /// The value given.
        value: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// A location key is not a GLN.
    #[error("interop.location_biz_steps: {0:?} is not a GLN (13 digits with a valid check digit)")]
    LocationKey(String),
    /// An implant GTIN or prefix is malformed.
    #[error("interop.implants: {0}")]
    Implant(String),
    /// The extension namespace is not an absolute IRI usable as a JSON-LD prefix.
    #[error("interop.extension_namespace: {0:?} must be an absolute IRI (https://… or urn:…) ending in '/', '#' or ':'")]
    Namespace(String),
    /// The NHS GSRN prefix is not 7 digits.
    #[error("interop.nhs_gsrn_prefix: {0:?} must be the 7-digit GS1 Company Prefix of NHS wristband GSRNs")]
    NhsPrefix(String),
    /// The time zone is not understood.
    #[error(
        "interop.time_zone: {0:?} is not \"Europe/London\", \"UTC\" or an offset like \"+01:00\""
    )]
    TimeZone(String),
}

/// A validated EPCIS business step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BizStep {
    /// A CBV 2.0 standard business step, written by its bare name as the EPCIS JSON binding wants.
    Cbv(&'static str),
    /// A user-defined business step: a full URI outside the CBV namespaces.
    Uri(String),
}

impl BizStep {
    /// The value written into `bizStep`.
    pub fn as_str(&self) -> &str {
        match self {
            BizStep::Cbv(s) => s,
            BizStep::Uri(s) => s,
        }
    }

    /// Parses a CBV name, a CBV URI (normalised to the bare name) or a custom full URI.
    pub fn parse(value: &str) -> Result<BizStep, String> {
        if let Some(name) = cbv_name(value) {
            return Ok(BizStep::Cbv(name));
        }
        for prefix in CBV_BIZSTEP_URI_PREFIXES {
            if let Some(rest) = value.strip_prefix(prefix) {
                return Err(format!(
                    "{rest:?} is not a business step of CBV 2.0; the CBV namespace cannot be extended, use your own URI"
                ));
            }
        }
        if value.starts_with("urn:epcglobal:cbv:")
            || value.starts_with("https://ref.gs1.org/cbv/")
            || value.starts_with("https://ns.gs1.org/cbv/")
        {
            return Err(String::from("a CBV URI that is not a business step"));
        }
        if is_absolute_uri(value) {
            return Ok(BizStep::Uri(value.to_owned()));
        }
        let hint = if value == "consuming" || value == "using" || value == "implanting" {
            " (CBV 2.0 has no such step: use \"dispensing\" or a URI you own, e.g. \"https://example-trust.nhs.uk/bizstep/implanting\")"
        } else {
            " (write a CBV name such as \"dispensing\" or \"receiving\", or a full http(s):// or urn: URI)"
        };
        Err(format!("unknown name{hint}"))
    }
}

/// The CBV 2.0 business steps (gs1/EPCIS `Ontology/CBV.ttl`, as listed in the EPCIS 2.0 JSON
/// Schema's `bizStep` enumeration).
pub const CBV_BIZ_STEPS: &[&str] = &[
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
];

const CBV_BIZSTEP_URI_PREFIXES: &[&str] = &[
    "urn:epcglobal:cbv:bizstep:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://ns.gs1.org/cbv/BizStep-",
    "http://ref.gs1.org/cbv/BizStep-",
];

/// The bare CBV name for a CBV business step given as a name or as one of its URIs.
fn cbv_name(value: &str) -> Option<&'static str> {
    let bare = CBV_BIZSTEP_URI_PREFIXES
        .iter()
        .find_map(|p| value.strip_prefix(p))
        .unwrap_or(value);
    CBV_BIZ_STEPS.iter().copied().find(|s| *s == bare)
}

/// An absolute URI we accept for custom vocabulary: `http(s)://host…` or `urn:nid:nss`, with no
/// whitespace or characters RFC 3986 forbids.
pub(crate) fn is_absolute_uri(value: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
    if !value.chars().all(allowed) {
        return false;
    }
    if let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        return !host.is_empty() && !host.contains('@');
    }
    if let Some(rest) = value.strip_prefix("urn:") {
        let mut parts = rest.splitn(2, ':');
        let nid = parts.next().unwrap_or("");
        let nss = parts.next().unwrap_or("");
        return !nid.is_empty()
            && nid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !nss.is_empty();
    }
    false
}

/// How `eventTimeZoneOffset` is worked out from the (UTC) scan time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTimeZone {
    /// Always `+00:00`.
    Utc,
    /// UK civil time: GMT, or BST (+01:00) from 01:00 UTC on the last Sunday of March to 01:00
    /// UTC on the last Sunday of October (the EU/UK rule in force since 1996).
    EuropeLondon,
    /// A fixed offset.
    Fixed(UtcOffset),
}

impl EventTimeZone {
    /// Parses `Europe/London`, `UTC` (or `Z`, `+00:00`) or `±HH:MM`.
    pub fn parse(value: &str) -> Option<EventTimeZone> {
        match value {
            "Europe/London" => return Some(EventTimeZone::EuropeLondon),
            "UTC" | "Z" => return Some(EventTimeZone::Utc),
            _ => {}
        }
        let b = value.as_bytes();
        if b.len() != 6 || b[3] != b':' || !matches!(b[0], b'+' | b'-') {
            return None;
        }
        let h: i8 = value.get(1..3)?.parse().ok()?;
        let m: i8 = value.get(4..6)?.parse().ok()?;
        if h > 14 || m > 59 || (h == 14 && m != 0) {
            return None;
        }
        let sign = if b[0] == b'-' { -1 } else { 1 };
        UtcOffset::from_hms(sign * h, sign * m, 0)
            .ok()
            .map(EventTimeZone::Fixed)
    }

    /// The offset in force at instant `t`.
    pub fn offset_at(self, t: OffsetDateTime) -> UtcOffset {
        match self {
            EventTimeZone::Utc => UtcOffset::UTC,
            EventTimeZone::Fixed(o) => o,
            EventTimeZone::EuropeLondon => {
                let t = t.to_offset(UtcOffset::UTC);
                let year = t.year();
                let start = last_sunday_0100_utc(year, Month::March);
                let end = last_sunday_0100_utc(year, Month::October);
                match (start, end) {
                    (Some(s), Some(e)) if t >= s && t < e => {
                        UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC)
                    }
                    _ => UtcOffset::UTC,
                }
            }
        }
    }
}

/// 01:00 UTC on the last Sunday of `month` (March and October have 31 days).
fn last_sunday_0100_utc(year: i32, month: Month) -> Option<OffsetDateTime> {
    let last = Date::from_calendar_date(year, month, 31).ok()?;
    let back = last.weekday().number_days_from_sunday();
    let sunday = last.checked_sub(time::Duration::days(i64::from(back)))?;
    debug_assert_eq!(sunday.weekday(), Weekday::Sunday);
    Some(PrimitiveDateTime::new(sunday, Time::from_hms(1, 0, 0).ok()?).assume_utc())
}

/// The validated `[interop]` settings: what the publisher and `convert` call to render events.
#[derive(Debug, Clone)]
pub struct Interop {
    pub(crate) formats: Vec<Format>,
    pub(crate) default_biz_step: BizStep,
    pub(crate) scanner_biz_steps: HashMap<String, BizStep>,
    pub(crate) location_biz_steps: HashMap<String, BizStep>,
    pub(crate) implant_gtins: HashSet<String>,
    pub(crate) implant_prefixes: Vec<String>,
    pub(crate) allow_nhs_number: bool,
    pub(crate) nhs_gsrn_prefix: Option<String>,
    pub(crate) implant_hibc: HashSet<String>,
    pub(crate) extension_namespace: String,
    pub(crate) pseudonym_system: String,
    pub(crate) time_zone: EventTimeZone,
}

impl InteropConfig {
    /// Checks every value and resolves the table into an [`Interop`].
    pub fn validate(&self) -> Result<Interop, InteropConfigError> {
        let mut seen = HashSet::new();
        if self.formats.is_empty() || !self.formats.iter().all(|f| seen.insert(*f)) {
            return Err(InteropConfigError::Formats(format!("{:?}", self.formats)));
        }
        let step = |key: String, value: &str| {
            BizStep::parse(value).map_err(|reason| InteropConfigError::BizStep {
                key,
                value: value.to_owned(),
                reason,
            })
        };
        let default_biz_step = step(String::from("interop.biz_step"), &self.biz_step)?;
        let mut scanner_biz_steps = HashMap::new();
        for (scanner, value) in &self.scanner_biz_steps {
            let key = format!("interop.scanner_biz_steps.{scanner}");
            scanner_biz_steps.insert(scanner.clone(), step(key, value)?);
        }
        let mut location_biz_steps = HashMap::new();
        for (gln, value) in &self.location_biz_steps {
            if !(super::is_digits(gln, 13) && gs1_check_digit_ok(gln)) {
                return Err(InteropConfigError::LocationKey(gln.clone()));
            }
            let key = format!("interop.location_biz_steps.{gln}");
            location_biz_steps.insert(gln.clone(), step(key, value)?);
        }
        let mut implant_gtins = HashSet::new();
        for gtin in &self.implants.gtins {
            if !(super::is_digits(gtin, 14) && gs1_check_digit_ok(gtin)) {
                return Err(InteropConfigError::Implant(format!(
                    "gtins: {gtin:?} is not a GTIN-14 with a valid check digit (pad GTIN-8/12/13 with leading zeros)"
                )));
            }
            implant_gtins.insert(gtin.clone());
        }
        for prefix in &self.implants.gtin_prefixes {
            if prefix.is_empty() || prefix.len() > 13 || !prefix.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(InteropConfigError::Implant(format!(
                    "gtin_prefixes: {prefix:?} is not 1 to 13 digits"
                )));
            }
        }
        let mut implant_hibc = HashSet::new();
        for di in &self.implants.hibc_device_identifiers {
            let ok = (6..=23).contains(&di.len())
                && di.as_bytes()[0].is_ascii_alphabetic()
                && di
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                return Err(InteropConfigError::Implant(format!(
                    "hibc_device_identifiers: {di:?} is not labeler (4) + product (1-18) + unit of measure (1), upper case"
                )));
            }
            implant_hibc.insert(di.clone());
        }
        if let Some(prefix) = &self.nhs_gsrn_prefix {
            if !super::is_digits(prefix, 7) {
                return Err(InteropConfigError::NhsPrefix(prefix.clone()));
            }
        }
        let ns = &self.extension_namespace;
        if !is_absolute_uri(ns) || !(ns.ends_with('/') || ns.ends_with('#') || ns.ends_with(':')) {
            return Err(InteropConfigError::Namespace(ns.clone()));
        }
        let time_zone = EventTimeZone::parse(&self.time_zone)
            .ok_or_else(|| InteropConfigError::TimeZone(self.time_zone.clone()))?;
        Ok(Interop {
            formats: self.formats.clone(),
            default_biz_step,
            scanner_biz_steps,
            location_biz_steps,
            implant_gtins,
            implant_prefixes: self.implants.gtin_prefixes.clone(),
            allow_nhs_number: self.allow_nhs_number,
            nhs_gsrn_prefix: self.nhs_gsrn_prefix.clone(),
            implant_hibc,
            extension_namespace: ns.clone(),
            pseudonym_system: format!("{ns}patient-pseudonym"),
            time_zone,
        })
    }
}

impl Default for Interop {
    fn default() -> Self {
        InteropConfig::default()
            .validate()
            .expect("invariant: the built-in [interop] defaults are valid")
    }
}

impl Interop {
    /// The formats to publish, in configured order.
    pub fn formats(&self) -> &[Format] {
        &self.formats
    }

    /// The FHIR identifier system of patient pseudonyms: `{extension_namespace}patient-pseudonym`.
    pub fn pseudonym_system(&self) -> &str {
        &self.pseudonym_system
    }

    /// Whether NHS numbers may appear in the output.
    pub fn allow_nhs_number(&self) -> bool {
        self.allow_nhs_number
    }

    /// The business step for a scan: the location's rule, else the scanner's, else the default.
    pub fn biz_step_for(&self, event: &ScanEvent) -> &BizStep {
        let location = event
            .context
            .as_ref()
            .and_then(|c| c.location.as_ref())
            .and_then(|l| self.location_biz_steps.get(&l.id));
        location
            .or_else(|| self.scanner_biz_steps.get(&event.scanner_id))
            .unwrap_or(&self.default_biz_step)
    }

    /// Whether the product with this GTIN is configured as an implant.
    pub fn is_implant(&self, gtin: &str) -> bool {
        self.implant_gtins.contains(gtin)
            || self.implant_prefixes.iter().any(|p| gtin.starts_with(p))
    }

    /// Whether the HIBC-labelled product with this device identifier is an implant.
    pub fn is_hibc_implant(&self, device_identifier: &str) -> bool {
        self.implant_hibc.contains(device_identifier)
    }

    /// Renders `event` in `format`: the native JSON, an EPCIS document (with `created` as its
    /// `creationDate`) or a FHIR transaction Bundle.
    pub fn render(
        &self,
        format: Format,
        event: &ScanEvent,
        created: OffsetDateTime,
    ) -> Result<Vec<u8>, InteropError> {
        let mut out = Vec::with_capacity(3072);
        self.render_into(format, event, created, &mut out)?;
        Ok(out)
    }

    /// As [`Interop::render`], appending to `out`: a publisher that renders every event reuses
    /// one buffer instead of allocating per event. On error `out` may hold a partial rendering.
    pub fn render_into(
        &self,
        format: Format,
        event: &ScanEvent,
        created: OffsetDateTime,
        out: &mut Vec<u8>,
    ) -> Result<(), InteropError> {
        self.render_scan(format, event, None, None, created, out)
    }

    /// As [`Interop::render_into`] for a scan that completes an earlier one
    /// ([`crate::event::Processed::superseded`]): EPCIS declares `superseded` in error with
    /// `event` as its correction; FHIR updates the first symbol's resources through `event`'s
    /// `linked_scan` (so `superseded` itself is not needed there); JSON is the event alone.
    ///
    /// With `case` (the case the product scan is in, [`crate::event::Processed::case`]), FHIR
    /// renders the case's one Procedure listing its devices so far instead of a Procedure per
    /// scan.
    pub fn render_scan(
        &self,
        format: Format,
        event: &ScanEvent,
        superseded: Option<&ScanEvent>,
        case: Option<&crate::event::CaseRecord>,
        created: OffsetDateTime,
        out: &mut Vec<u8>,
    ) -> Result<(), InteropError> {
        match format {
            Format::Json => {
                serde_json::to_writer(out, event).map_err(|e| InteropError::Serialize {
                    format: "JSON",
                    message: e.to_string(),
                })
            }
            Format::Epcis => super::epcis::write_document(self, event, superseded, created, out),
            Format::Fhir => super::fhir::write_bundle_in_case(self, event, case, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn default_publishes_json_only_and_validates() {
        let interop = InteropConfig::default().validate().unwrap();
        assert_eq!(interop.formats(), &[Format::Json]);
        assert_eq!(interop.default_biz_step, BizStep::Cbv("dispensing"));
        assert!(!interop.allow_nhs_number());
    }

    #[test]
    fn formats_name_their_topic_and_content_type() {
        let table: Vec<(&str, &str)> = [Format::Json, Format::Epcis, Format::Fhir]
            .iter()
            .map(|f| (f.topic_suffix(), f.content_type()))
            .collect();
        assert_eq!(
            table,
            [
                ("scan", "application/json"),
                ("epcis", "application/ld+json"),
                ("fhir", "application/fhir+json")
            ]
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<InteropConfig>("formatz = [\"json\"]").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let err = toml::from_str::<InteropConfig>("[implants]\ngtin = []").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let err = toml::from_str::<InteropConfig>("formats = [\"xml\"]").unwrap_err();
        assert!(err.to_string().contains("unknown variant"), "{err}");
    }

    #[test]
    fn full_table_parses() {
        let cfg: InteropConfig = toml::from_str(
            r#"
            formats = ["json", "epcis", "fhir"]
            biz_step = "urn:epcglobal:cbv:bizstep:dispensing"
            time_zone = "+01:00"
            allow_nhs_number = true
            extension_namespace = "https://scan4safety.example-trust.nhs.uk/epcis/"
            [scanner_biz_steps]
            stores-1 = "receiving"
            [location_biz_steps]
            "9506000134352" = "https://example-trust.nhs.uk/bizstep/implanting"
            [implants]
            gtins = ["09506000134352"]
            gtin_prefixes = ["0761234"]
            "#,
        )
        .unwrap();
        let interop = cfg.validate().unwrap();
        assert_eq!(interop.formats().len(), 3);
        assert_eq!(interop.default_biz_step, BizStep::Cbv("dispensing"));
        assert_eq!(
            interop.scanner_biz_steps["stores-1"],
            BizStep::Cbv("receiving")
        );
        assert!(interop.is_implant("09506000134352"));
        assert!(interop.is_implant("07612340000019"));
        assert!(!interop.is_implant("05012345678900"));
    }

    #[test]
    fn biz_steps_must_be_cbv_names_or_full_uris() {
        for bad in [
            "consuming",
            "Dispensing",
            "urn:epcglobal:cbv:bizstep:consuming",
            "https://ref.gs1.org/cbv/BizStep-implanting",
            "s4s:implanting",
            "http://",
            "https://host/with space",
            "",
        ] {
            assert!(BizStep::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            BizStep::parse("https://ref.gs1.org/cbv/BizStep-receiving"),
            Ok(BizStep::Cbv("receiving"))
        );
        assert_eq!(
            BizStep::parse("urn:example-trust:bizstep:implanting"),
            Ok(BizStep::Uri("urn:example-trust:bizstep:implanting".into()))
        );
    }

    #[test]
    fn invalid_values_name_the_key() {
        let cfg = InteropConfig {
            biz_step: "consuming".into(),
            ..InteropConfig::default()
        };
        let err = cfg.validate().unwrap_err().to_string();
        assert!(
            err.contains("interop.biz_step") && err.contains("dispensing"),
            "{err}"
        );
        let mut cfg = InteropConfig::default();
        cfg.location_biz_steps
            .insert("9506000134353".into(), "storing".into());
        assert!(matches!(
            cfg.validate(),
            Err(InteropConfigError::LocationKey(_))
        ));
        let cfg = InteropConfig {
            formats: vec![Format::Json, Format::Json],
            ..InteropConfig::default()
        };
        assert!(matches!(
            cfg.validate(),
            Err(InteropConfigError::Formats(_))
        ));
        let cfg = InteropConfig {
            formats: vec![],
            ..InteropConfig::default()
        };
        assert!(matches!(
            cfg.validate(),
            Err(InteropConfigError::Formats(_))
        ));
        let cfg = InteropConfig {
            extension_namespace: "https://example.org/ns".into(),
            ..InteropConfig::default()
        };
        assert!(matches!(
            cfg.validate(),
            Err(InteropConfigError::Namespace(_))
        ));
        let cfg = InteropConfig {
            time_zone: "Europe/Paris".into(),
            ..InteropConfig::default()
        };
        assert!(matches!(
            cfg.validate(),
            Err(InteropConfigError::TimeZone(_))
        ));
        let mut cfg = InteropConfig::default();
        cfg.implants.gtins.push("9506000134352".into());
        assert!(matches!(
            cfg.validate(),
            Err(InteropConfigError::Implant(_))
        ));
    }

    #[test]
    fn london_time_follows_bst_changes() {
        let tz = EventTimeZone::EuropeLondon;
        let bst = UtcOffset::from_hms(1, 0, 0).unwrap();
        // 2026: BST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            tz.offset_at(datetime!(2026-03-29 00:59:59 UTC)),
            UtcOffset::UTC
        );
        assert_eq!(tz.offset_at(datetime!(2026-03-29 01:00:00 UTC)), bst);
        assert_eq!(tz.offset_at(datetime!(2026-07-01 12:00:00 UTC)), bst);
        assert_eq!(tz.offset_at(datetime!(2026-10-25 00:59:59 UTC)), bst);
        assert_eq!(
            tz.offset_at(datetime!(2026-10-25 01:00:00 UTC)),
            UtcOffset::UTC
        );
        assert_eq!(
            tz.offset_at(datetime!(2026-11-24 10:15:30 UTC)),
            UtcOffset::UTC
        );
        assert_eq!(
            EventTimeZone::parse("-05:30"),
            Some(EventTimeZone::Fixed(
                UtcOffset::from_hms(-5, -30, 0).unwrap()
            ))
        );
        assert_eq!(EventTimeZone::parse("+14:30"), None);
        assert_eq!(EventTimeZone::parse("0100"), None);
    }
}
