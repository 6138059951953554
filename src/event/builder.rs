//! [`EventBuilder`]: a [`RawScan`] and its GS1 parse result become a [`ScanEvent`].
//!
//! Pure: no clock (the event id's timestamp is the scan's), no I/O. The caller passes the
//! sequence number, because only the durable outbox can hand out numbers that survive restarts.
//!
//! What the builder guarantees:
//! - every scan becomes an event; data that is not valid GS1 is `valid: false` with the parse
//!   error and `kind: unknown`;
//! - `raw` is the exact data read (GS as U+001D). Bytes that are not UTF-8 (never valid GS1) are
//!   shown as U+FFFD, the exact bytes go to `raw_hex` and a warning says so;
//! - patient identifiers are pseudonymised and wristband/person data dropped as
//!   [`crate::event::privacy`] describes, consistently in every field, before anything else sees
//!   the event.

use time::OffsetDateTime;
use uuid::{NoContext, Timestamp, Uuid};

use crate::gs1::{Element, Gs1Message, ParseError};
use crate::interop::hibc::{self, HibcData, HibcDate, HibcStructure};
use crate::source::RawScan;

use super::gs1_view;
use super::privacy::{
    ai_may_carry_person_data, contains_patient_gsrn, push_hex, Privacy, WithholdReason,
    PSEUDONYM_PREFIX,
};
use super::{
    EventElement, EventError, HibcInfo, Redaction, RedactionAction, ScanEvent, ScanKind,
    WithheldRaw, SCAN_EVENT_SCHEMA,
};

/// Replaces `raw` (and `raw_hex`) by its length, a keyed hash of the data read and the reason.
/// The parser's error message never holds data, but its byte span would point into data that
/// is no longer there.
pub(crate) fn withhold_raw(
    event: &mut ScanEvent,
    privacy: &Privacy,
    data: &[u8],
    reason: WithholdReason,
) {
    event.raw_withheld = Some(WithheldRaw {
        length: data.len(),
        hash: privacy.withheld_hash(data),
        reason: reason.as_str().to_owned(),
    });
    event.raw.clear();
    event.raw_hex = None;
    event
        .warnings
        .retain(|w| !w.starts_with("data is not valid UTF-8"));
    if let Some(err) = &mut event.error {
        err.span = None;
    }
}

/// Builds [`ScanEvent`]s for one gateway under one privacy policy.
#[derive(Debug, Clone)]
pub struct EventBuilder {
    gateway_id: String,
    privacy: Privacy,
}

/// A UUIDv7 whose timestamp is `at` (random bits from the OS generator).
pub fn new_event_id(at: OffsetDateTime) -> Uuid {
    let nanos = at.unix_timestamp_nanos().max(0);
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(0);
    let sub = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
    Uuid::new_v7(Timestamp::from_unix(NoContext, secs, sub))
}

/// What the scan identifies, from its elements. A wristband wins over everything else on it
/// (but a GTIN with a patient GSRN is a patient-specific product), then a badge, a logistic
/// unit, a product, a place, an asset.
pub fn classify(elements: &[Element]) -> ScanKind {
    let has = |ai: &str| elements.iter().any(|e| e.ai == ai);
    // A GTIN beside a patient GSRN is a product made for that patient, not a wristband.
    if has("8018") && !has("01") {
        ScanKind::Patient
    } else if has("8017") {
        ScanKind::Staff
    } else if has("00") {
        ScanKind::Logistic
    } else if has("01") {
        ScanKind::Product
    } else if has("414") {
        ScanKind::Location
    } else if has("8003") || has("8004") {
        ScanKind::Asset
    } else if has("02") {
        // Contained trade items without an SSCC: still a logistic label.
        ScanKind::Logistic
    } else {
        ScanKind::Unknown
    }
}

impl EventBuilder {
    /// A builder for `gateway_id` applying `privacy`.
    pub fn new(gateway_id: impl Into<String>, privacy: Privacy) -> Self {
        Self {
            gateway_id: gateway_id.into(),
            privacy,
        }
    }

    /// The gateway id stamped on every event.
    pub fn gateway_id(&self) -> &str {
        &self.gateway_id
    }

    /// The privacy policy in force.
    pub fn privacy(&self) -> &Privacy {
        &self.privacy
    }

    /// Builds the event for `scan`, parsed as `parsed`, with the outbox-assigned `sequence`.
    pub fn build(
        &self,
        scan: &RawScan,
        parsed: Result<&Gs1Message, &ParseError>,
        sequence: u64,
    ) -> ScanEvent {
        self.build_with_id(scan, parsed, sequence, new_event_id(scan.received_at))
    }

    /// As [`EventBuilder::build`] with a given event id (replays, tests).
    pub fn build_with_id(
        &self,
        scan: &RawScan,
        parsed: Result<&Gs1Message, &ParseError>,
        sequence: u64,
        event_id: Uuid,
    ) -> ScanEvent {
        let (raw, raw_hex) = match std::str::from_utf8(&scan.data) {
            Ok(s) => (s.to_owned(), None),
            Err(_) => {
                let mut hex = String::with_capacity(scan.data.len() * 2);
                push_hex(&mut hex, &scan.data);
                (String::from_utf8_lossy(&scan.data).into_owned(), Some(hex))
            }
        };
        let mut event = ScanEvent {
            event_id,
            schema: SCAN_EVENT_SCHEMA.to_owned(),
            gateway_id: self.gateway_id.clone(),
            scanner_id: scan.source_id.clone(),
            source: scan.kind,
            scanned_at: scan.received_at,
            sequence,
            symbology: scan.symbology.clone(),
            raw,
            raw_hex,
            raw_withheld: None,
            valid: false,
            kind: ScanKind::Unknown,
            elements: Vec::new(),
            hri: None,
            digital_link: None,
            warnings: Vec::new(),
            error: None,
            gtin: None,
            batch: None,
            expiry: None,
            expiry_time: None,
            best_before: None,
            production_date: None,
            quantity: None,
            serial: None,
            gsrn: None,
            intended_recipient: None,
            nhs_number: None,
            srin: None,
            gln: None,
            gln_extension: None,
            sscc: None,
            giai: None,
            grai: None,
            linked_scan: None,
            case_id: None,
            hibc: None,
            context: None,
            alerts: Vec::new(),
            redactions: Vec::new(),
        };
        if event.raw_hex.is_some() {
            event.warnings.push(
                "data is not valid UTF-8: `raw` shows U+FFFD, exact bytes in `raw_hex`".into(),
            );
        }
        match parsed {
            Ok(msg) => {
                if self.fill_valid(&mut event, msg) {
                    withhold_raw(
                        &mut event,
                        &self.privacy,
                        &scan.data,
                        WithholdReason::NhsNumber,
                    );
                }
            }
            Err(err) => {
                // Not GS1: an HIBC LIC code is the other product code found in theatres. Only
                // data that starts like HIBC is tried, so a broken GS1 scan keeps its GS1 error.
                match hibc::read_non_gs1(&event.raw) {
                    Some(Ok(h)) => fill_hibc(&mut event, &h),
                    Some(Err(e)) => {
                        self.fill_invalid(&mut event, err);
                        if let Some(error) = &mut event.error {
                            // The GS1 error says nothing useful about data that is meant as HIBC.
                            error.kind = "hibc".to_owned();
                            error.message = e.to_string();
                            error.ai = None;
                            error.span = None;
                        }
                    }
                    None => self.fill_invalid(&mut event, err),
                }
                if !event.valid {
                    let reason = self.privacy.unparsed_risk(
                        &event.raw,
                        err.ai.as_deref(),
                        event.symbology.as_deref(),
                    );
                    if let Some(reason) = reason {
                        withhold_raw(&mut event, &self.privacy, &scan.data, reason);
                    }
                }
            }
        }
        self.privacy.guard_event(&mut event);
        event
    }

    /// Fills a valid GS1 scan; returns whether an element was withheld (then `raw` must be).
    fn fill_valid(&self, event: &mut ScanEvent, msg: &Gs1Message) -> bool {
        event.valid = true;
        if event.symbology.is_none() {
            event.symbology = msg.symbology.as_ref().map(|s| s.to_string());
        }
        event.kind = classify(&msg.elements);
        event.warnings.extend(msg.warnings.iter().cloned());

        let mut red = self.redact(&event.raw, &msg.elements);
        if let Some(raw) = red.raw.take() {
            event.raw = raw;
            if event.raw_hex.take().is_some() {
                event
                    .warnings
                    .push("raw_hex withheld: it would show patient data".into());
            }
        }
        if red.rerendered {
            event.warnings.push(
                "raw re-rendered as HRI: a patient identifier could not be located in the data read"
                    .into(),
            );
        }
        for w in &mut event.warnings {
            *w = red.scrub(w);
        }
        let mut elements = std::mem::take(&mut red.elements);
        event.redactions = std::mem::take(&mut red.redactions);
        let withheld =
            self.withhold_suspect_elements(event.kind, &mut elements, &mut event.redactions);

        let year = event.scanned_at.year();
        let find = |ai: &str| {
            elements
                .iter()
                .find(|e| e.ai == ai)
                .map(|e| e.value.to_string())
        };
        event.gtin = find("01");
        event.batch = find("10");
        event.serial = find("21");
        event.expiry = find("17").and_then(|v| gs1_view::gs1_date(&v, year));
        event.best_before = find("15").and_then(|v| gs1_view::gs1_date(&v, year));
        event.production_date = find("11").and_then(|v| gs1_view::gs1_date(&v, year));
        event.quantity = find("30").and_then(|v| v.parse().ok());
        if event.kind == ScanKind::Product {
            event.intended_recipient = find("8018");
            event.gsrn = find("8017");
        } else {
            event.gsrn = find("8018").or_else(|| find("8017"));
        }
        event.srin = find("8019");
        event.gln = find("414");
        event.gln_extension = find("254");
        event.sscc = find("00");
        event.giai = find("8004");
        event.grai = find("8003");
        if self.privacy.publishes_nhs_number() && event.kind == ScanKind::Patient {
            event.nhs_number = msg
                .elements
                .iter()
                .find(|e| e.ai == "8018")
                .and_then(|e| self.privacy.nhs_number_in_gsrn(&e.value))
                .map(|n| n.expose().to_owned());
        }

        event.hri = Some(gs1_view::hri(&elements));
        // A pseudonym where a key should be makes a URI that resolves nowhere: leave it out.
        if !red.pseudonymised {
            event.digital_link = gs1_view::digital_link(&elements);
        }
        event.elements = elements
            .into_iter()
            .map(|e| EventElement {
                title: gs1_view::ai_title(&e.ai).to_owned(),
                ai: e.ai.into(),
                value: e.value.into(),
            })
            .collect();
        withheld
    }

    /// Removes elements that may hide an NHS number: on a patient, staff or unidentified scan any
    /// element, on a product, logistic, asset or location label those whose AI can carry free
    /// text ([`ai_may_carry_person_data`]). On an unidentified scan the AI's digits count too,
    /// because a bare NHS number reads as an internal AI (`99` + `90000018` is 999 000 0018).
    /// `raw` is judged as a whole later ([`Privacy::guard_event`]). Returns whether any was.
    fn withhold_suspect_elements(
        &self,
        kind: ScanKind,
        elements: &mut Vec<Element>,
        redactions: &mut Vec<Redaction>,
    ) -> bool {
        if self.privacy.publishes_nhs_number() {
            return false;
        }
        let label = matches!(
            kind,
            ScanKind::Product | ScanKind::Logistic | ScanKind::Asset | ScanKind::Location
        );
        let before = elements.len();
        elements.retain(|e| {
            if label && !ai_may_carry_person_data(&e.ai) {
                return true;
            }
            let suspect = self.privacy.leaks_nhs_number(&e.value, &[])
                || (!e.value.starts_with(PSEUDONYM_PREFIX) && contains_patient_gsrn(&e.value))
                || (kind == ScanKind::Unknown && {
                    let mut joined = String::with_capacity(e.ai.len() + e.value.len());
                    joined.push_str(&e.ai);
                    joined.push_str(&e.value);
                    self.privacy.leaks_nhs_number(&joined, &[])
                });
            if suspect {
                redactions.push(Redaction {
                    ai: e.ai.to_string(),
                    action: RedactionAction::Withheld,
                });
            }
            !suspect
        });
        elements.len() != before
    }

    /// An invalid scan keeps the parser's error (whose message never contains the data). Whether
    /// its `raw` may be published is decided by the caller ([`Privacy::unparsed_risk`]): data
    /// that did not parse cannot be redacted element by element, so it is all or nothing.
    fn fill_invalid(&self, event: &mut ScanEvent, err: &ParseError) {
        if event.symbology.is_none() {
            event.symbology.clone_from(&err.symbology);
        }
        event.error = Some(EventError {
            kind: err.kind.clone(),
            message: err.message.clone(),
            ai: err.ai.clone(),
            span: err.span.map(|(a, b)| [a, b]),
        });
    }

    /// Applies the drop/pseudonymise policy to parsed elements and the raw data.
    fn redact(&self, raw: &str, elements: &[Element]) -> RedactionResult {
        let mut out = RedactionResult::default();
        let mut actions = Vec::with_capacity(elements.len());
        for e in elements {
            let action = if self.privacy.drops(&e.ai) {
                Action::Drop
            } else if e.ai == "8018" {
                match self.privacy.patient_pseudonym(&e.value) {
                    Some(p) => {
                        out.secrets.push((e.value.to_string(), p.clone()));
                        if let Some(nhs) = self.privacy.nhs_number_digits_in_gsrn(&e.value) {
                            out.secrets.push((nhs.expose().to_owned(), p.clone()));
                        }
                        Action::Replace(p)
                    }
                    None => Action::Keep,
                }
            } else {
                Action::Keep
            };
            actions.push(action);
        }
        if actions.iter().all(|a| matches!(a, Action::Keep)) {
            out.elements = elements.to_vec();
            return out;
        }
        out.pseudonymised = actions.iter().any(|a| matches!(a, Action::Replace(_)));

        // Elements: drop, replace, then scrub NHS numbers hiding in other values (AI 91 kept).
        for (e, a) in elements.iter().zip(&actions) {
            match a {
                Action::Keep => out.elements.push(Element {
                    ai: e.ai.clone(),
                    value: out.scrub(&e.value).into(),
                }),
                Action::Drop => out.redactions.push(Redaction {
                    ai: e.ai.to_string(),
                    action: RedactionAction::Dropped,
                }),
                Action::Replace(p) => {
                    out.redactions.push(Redaction {
                        ai: e.ai.to_string(),
                        action: RedactionAction::Pseudonymised,
                    });
                    out.elements.push(Element {
                        ai: e.ai.clone(),
                        value: p.as_str().into(),
                    });
                }
            }
        }

        // Raw: locate each element in order and edit it in place.
        let mut edits: Vec<(Located, &Action)> = Vec::new();
        let mut cursor = 0;
        let mut lost = false;
        for (e, a) in elements.iter().zip(&actions) {
            match locate(raw, cursor, &e.ai, &e.value) {
                Some(loc) => {
                    cursor = loc.end;
                    if !matches!(a, Action::Keep) {
                        edits.push((loc, a));
                    }
                }
                None if matches!(a, Action::Keep) => {}
                None => lost = true,
            }
        }
        let mut new_raw = raw.to_owned();
        for (loc, action) in edits.iter().rev() {
            match action {
                Action::Keep => {}
                Action::Replace(p) => {
                    let rep = if loc.form.is_uri() {
                        let mut s = String::new();
                        gs1_view::percent_encode(&mut s, p);
                        s
                    } else {
                        p.clone()
                    };
                    new_raw.replace_range(loc.value_start..loc.end, &rep);
                }
                Action::Drop => remove_element(&mut new_raw, loc),
            }
        }
        let mut new_raw = out.scrub(&new_raw);
        if lost
            || out
                .secrets
                .iter()
                .any(|(s, _)| new_raw.contains(s.as_str()))
        {
            new_raw = gs1_view::hri(&out.elements);
            out.rerendered = true;
        }
        out.raw = Some(new_raw);
        out
    }
}

#[derive(Debug)]
enum Action {
    Keep,
    Drop,
    Replace(String),
}

#[derive(Debug, Default)]
struct RedactionResult {
    /// Replacement raw data, when it changed.
    raw: Option<String>,
    elements: Vec<Element>,
    redactions: Vec<Redaction>,
    /// (identifier, pseudonym) pairs that must not appear anywhere in the event.
    secrets: Vec<(String, String)>,
    pseudonymised: bool,
    rerendered: bool,
}

impl RedactionResult {
    /// Replaces every secret in `s` by its pseudonym.
    fn scrub(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for (secret, pseudo) in &self.secrets {
            if !secret.is_empty() && out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), pseudo);
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `(ai)value`
    Bracketed,
    /// `aivalue` in an element string
    Plain,
    /// `/ai/value` in a Digital Link path
    UriPath,
    /// `ai=value` in a Digital Link query
    UriQuery,
}

impl Form {
    fn is_uri(self) -> bool {
        matches!(self, Form::UriPath | Form::UriQuery)
    }
}

#[derive(Debug, Clone, Copy)]
struct Located {
    start: usize,
    value_start: usize,
    end: usize,
    form: Form,
}

/// Finds the earliest occurrence at or after `from` of the element in any input form.
fn locate(raw: &str, from: usize, ai: &str, value: &str) -> Option<Located> {
    let hay = raw.get(from..)?;
    let mut enc = String::new();
    gs1_view::percent_encode(&mut enc, value);
    let candidates = [
        (Form::Bracketed, format!("({ai})"), value),
        (Form::UriPath, format!("/{ai}/"), enc.as_str()),
        (Form::UriQuery, format!("{ai}="), enc.as_str()),
        (Form::Plain, ai.to_owned(), value),
    ];
    let mut best: Option<Located> = None;
    for (form, prefix, val) in &candidates {
        let pattern = format!("{prefix}{val}");
        let mut search = 0;
        while let Some(off) = hay[search..].find(&pattern) {
            let start = from + search + off;
            let end = start + pattern.len();
            let ok = match form {
                Form::UriQuery => start > 0 && matches!(raw.as_bytes()[start - 1], b'?' | b'&'),
                _ => true,
            };
            if ok {
                if best.is_none_or(|b| start < b.start) {
                    best = Some(Located {
                        start,
                        value_start: start + prefix.len(),
                        end,
                        form: *form,
                    });
                }
                break;
            }
            search += off + 1;
        }
    }
    best
}

/// Removes an element and one separator next to it.
fn remove_element(raw: &mut String, loc: &Located) {
    let b = raw.as_bytes();
    let (mut start, mut end) = (loc.start, loc.end);
    match loc.form {
        Form::Plain | Form::Bracketed => {
            if b.get(end) == Some(&0x1d) {
                end += 1;
            } else if start > 0 && b[start - 1] == 0x1d {
                start -= 1;
            }
        }
        Form::UriQuery => {
            if b.get(end) == Some(&b'&') {
                end += 1;
            } else {
                // Take the `&` or `?` before; a lone trailing `?` is not wanted either.
                start = start.saturating_sub(1);
            }
        }
        Form::UriPath => {}
    }
    raw.replace_range(start..end, "");
}

/// Fills a valid HIBC LIC scan: `kind: product` when it names the product (primary or
/// concatenated), `unknown` for a secondary code on its own (lot/expiry of a product we cannot
/// name; [`link_hibc_secondary`] fixes that when its primary was scanned just before).
/// HIBC carries no patient data, so there is nothing for the privacy stage to do.
fn fill_hibc(event: &mut ScanEvent, h: &HibcData) {
    event.valid = true;
    let (info, warnings) = hibc_view(h);
    event.warnings.extend(warnings);
    event.batch.clone_from(&h.lot);
    event.serial.clone_from(&h.serial);
    event.quantity = h.quantity.map(u64::from);
    event.production_date = h.manufactured;
    event.expiry = h.expiry.map(|d| last_day(&d));
    let data = event
        .raw
        .trim_end_matches(['\r', '\n'])
        .trim_start_matches(|c| c != '+' && c != '*');
    // The human-readable form of HIBC is the data between `*` start/stop characters.
    event.hri = Some(if data.starts_with('*') {
        data.to_owned()
    } else {
        format!("*{data}*")
    });
    event.kind = if h.primary.is_some() {
        ScanKind::Product
    } else {
        ScanKind::Unknown
    };
    event.hibc = Some(info);
}

/// What a valid HIBC code says, as every command shows it: the event's `hibc` view and the
/// warnings about the code (lower case read as upper case, supplemental fields not
/// interpreted, a secondary code without its primary).
pub fn hibc_view(h: &HibcData) -> (HibcInfo, Vec<String>) {
    let mut warnings = Vec::new();
    if h.upper_cased {
        warnings
            .push("HIBC data arrived in lower case (Caps Lock?) and was read as upper case".into());
    }
    for f in &h.unknown_fields {
        warnings.push(format!(
            "HIBC supplemental field {f:?} not interpreted (known: 14D, 16D, S)"
        ));
    }
    let mut info = HibcInfo {
        structure: match h.structure {
            HibcStructure::Primary => "primary",
            HibcStructure::Secondary => "secondary",
            HibcStructure::Concatenated => "concatenated",
        }
        .to_owned(),
        labeler: None,
        product: None,
        unit_of_measure: None,
        device_identifier: None,
        expiry: h.expiry.map(|d| d.to_iso()),
        link: h.link.map(String::from),
        check: h.check.to_string(),
        linked_primary: None,
    };
    match &h.primary {
        Some(p) => {
            info.labeler = Some(p.labeler.clone());
            info.product = Some(p.product.clone());
            info.unit_of_measure = Some(p.unit_of_measure);
            info.device_identifier = Some(p.device_identifier());
        }
        None => warnings.push(
            "HIBC secondary code without its primary: the product is not identified (scan the primary code just before it on the same scanner)".to_owned(),
        ),
    }
    (info, warnings)
}

/// The last day an HIBC expiry covers (the top-level `expiry` of an HIBC scan).
pub fn hibc_expiry_day(h: &HibcData) -> Option<time::Date> {
    h.expiry.map(|d| last_day(&d))
}

/// The last day an HIBC expiry covers: a product is usable through its expiry month or hour.
fn last_day(d: &HibcDate) -> time::Date {
    match *d {
        HibcDate::Day(d) | HibcDate::DayHour(d, _) => d,
        HibcDate::YearMonth { year, month } => {
            let m = time::Month::try_from(month).unwrap_or(time::Month::December);
            let first = time::Date::from_calendar_date(year, m, 1).unwrap_or(time::Date::MIN);
            first.replace_day(m.length(year)).unwrap_or(first)
        }
    }
}

/// Completes an HIBC secondary-only event from the HIBC primary scanned before it on the same
/// scanner, when the secondary's link character is that primary's check character. Returns
/// whether it linked. A secondary scanned alone stays `kind: unknown`.
pub fn link_hibc_secondary(secondary: &mut ScanEvent, primary: &ScanEvent) -> bool {
    let (Some(sec), Some(pri)) = (secondary.hibc.as_mut(), primary.hibc.as_ref()) else {
        return false;
    };
    if sec.structure != "secondary"
        || pri.device_identifier.is_none()
        || pri.structure != "primary"
        || sec.link.as_deref() != Some(pri.check.as_str())
        || secondary.scanner_id != primary.scanner_id
    {
        return false;
    }
    sec.labeler.clone_from(&pri.labeler);
    sec.product.clone_from(&pri.product);
    sec.unit_of_measure = pri.unit_of_measure;
    sec.device_identifier.clone_from(&pri.device_identifier);
    sec.linked_primary = Some(primary.event_id);
    secondary.linked_scan = Some(primary.event_id);
    secondary.kind = ScanKind::Product;
    secondary
        .warnings
        .retain(|w| !w.starts_with("HIBC secondary code without its primary"));
    true
}

/// Whether a published identifier is a pseudonym.
pub fn is_pseudonym(id: &str) -> bool {
    id.starts_with(PSEUDONYM_PREFIX)
}
