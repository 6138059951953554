//! Cases: the scans of one operation or one bedside episode, grouped into one record.
//!
//! A case follows the patient slot of a context (a scanner, or a `[[context.group]]`):
//! - it **opens** when a patient is set in the context (a wristband scan);
//! - every **product** scanned while it is open carries its `case_id` and is listed in it;
//!   staff and location scans update its staff and location (the latest);
//! - it **closes** when the patient leaves the context: the `case_end` control barcode, a
//!   different patient (the case closes and a new one opens), the patient slot timing out, a
//!   location change or a failed wristband scan. A case closed with at least one product is
//!   `completed`, one with none `cancelled`.
//!
//! So a product is only ever in the case of the patient who was in context when it was scanned
//! (never one scanned after it), and in exactly one case. Each opening and closing is a
//! [`CaseRecord`] for the `…/case` topic. Pure: the scans' timestamps are the time.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::builder::new_event_id;
use super::scan_event::{rfc3339_millis, rfc3339_millis_opt};
use super::ContextRef;

/// The value of the `schema` field of every case record.
pub const CASE_SCHEMA: &str = "gs1-gateway/case/1";

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    /// Collecting scans.
    Open,
    /// Closed with at least one product.
    Completed,
    /// Closed with no product.
    Cancelled,
}

/// Why a case closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseCloseReason {
    /// The `case_end` control barcode was scanned.
    CaseEnd,
    /// A different patient was scanned (a new case opened).
    PatientChanged,
    /// The patient slot timed out.
    Timeout,
    /// A different location was scanned, which clears the patient.
    LocationChanged,
    /// A wristband scan failed, which clears the patient.
    PatientScanFailed,
    /// The wristband scan that opened it was voided (`void_last`).
    Voided,
}

/// A case opening or closing, published on `{prefix}/{gateway_id}/{scanner_id}/case`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// UUIDv7 of this record (a case has two: open, close).
    pub event_id: Uuid,
    /// Always [`CASE_SCHEMA`].
    pub schema: String,
    /// The case (UUIDv7, from its opening scan's time).
    pub case_id: Uuid,
    /// The gateway.
    pub gateway_id: String,
    /// The scanner whose scan opened or closed the case (for a time-out: the context's last).
    pub scanner_id: String,
    /// The context group, when the scanner is in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `open`, `completed` or `cancelled`.
    pub status: CaseStatus,
    /// Why it closed (absent while open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<CaseCloseReason>,
    /// The patient (as in the context: usually a pseudonym).
    pub patient: ContextRef,
    /// The member of staff last in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<ContextRef>,
    /// The location last in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<ContextRef>,
    /// The event ids of the product scans of the case, in scan order; a label printed as two
    /// symbols is listed once, by its first symbol's event (the id its FHIR Device carries).
    pub products: Vec<Uuid>,
    /// Which of `products` are implants (`[interop.implants]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implants: Vec<Uuid>,
    /// When the case opened (the patient scan).
    #[serde(with = "rfc3339_millis")]
    pub opened_at: OffsetDateTime,
    /// When it closed.
    #[serde(
        default,
        with = "rfc3339_millis_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub closed_at: Option<OffsetDateTime>,
}

impl CaseRecord {
    /// Every text of the record, for the privacy guard.
    pub fn visit_text_mut(&mut self, f: &mut dyn FnMut(super::TextField, &mut String)) {
        f(super::TextField::Other, &mut self.gateway_id);
        f(super::TextField::Other, &mut self.scanner_id);
        if let Some(g) = &mut self.group {
            f(super::TextField::Other, g);
        }
        self.patient.visit_text_mut(f);
        for r in [&mut self.staff, &mut self.location].into_iter().flatten() {
            r.visit_text_mut(f);
        }
    }
}

/// The case open in one context, as persisted with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OpenCase {
    pub(crate) case_id: Uuid,
    pub(crate) patient: ContextRef,
    pub(crate) staff: Option<ContextRef>,
    pub(crate) location: Option<ContextRef>,
    pub(crate) products: Vec<Uuid>,
    #[serde(default)]
    pub(crate) implants: Vec<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) opened_at: OffsetDateTime,
}

impl OpenCase {
    pub(crate) fn open(
        patient: ContextRef,
        staff: Option<ContextRef>,
        location: Option<ContextRef>,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            case_id: new_event_id(at),
            patient,
            staff,
            location,
            products: Vec::new(),
            implants: Vec::new(),
            opened_at: at,
        }
    }

    /// The record of this case: open (`closed: None`) or closed at a time for a reason.
    pub(crate) fn record(
        &self,
        gateway_id: &str,
        scanner_id: &str,
        group: Option<&str>,
        closed: Option<(OffsetDateTime, CaseCloseReason)>,
    ) -> CaseRecord {
        let at = closed.map_or(self.opened_at, |(t, _)| t);
        CaseRecord {
            event_id: new_event_id(at),
            schema: CASE_SCHEMA.to_owned(),
            case_id: self.case_id,
            gateway_id: gateway_id.to_owned(),
            scanner_id: scanner_id.to_owned(),
            group: group.map(str::to_owned),
            status: match closed {
                None => CaseStatus::Open,
                Some(_) if self.products.is_empty() => CaseStatus::Cancelled,
                Some(_) => CaseStatus::Completed,
            },
            closed_by: closed.map(|(_, r)| r),
            patient: self.patient.clone(),
            staff: self.staff.clone(),
            location: self.location.clone(),
            products: self.products.clone(),
            implants: self.implants.clone(),
            opened_at: self.opened_at,
            closed_at: closed.map(|(t, _)| t),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;
    use crate::event::test_support::patient_gsrn;
    use crate::event::{
        AlertConfig, ContextConfig, ContextTracker, EventBuilder, Privacy, PrivacyConfig,
        Processed, Processor, PseudonymKey, ScanKind,
    };
    use crate::source::{RawScan, SourceKind};

    const T0: OffsetDateTime = datetime!(2026-11-26 10:00 UTC);
    const PRODUCT: &str = "]d2010950600013435221IMP1";

    fn processor(toml_text: &str) -> Processor {
        let config: ContextConfig = toml::from_str(toml_text).expect("context config");
        let key = PseudonymKey::from_bytes(&[7u8; 32], Path::new("k")).unwrap();
        let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key)).unwrap();
        Processor::new(
            EventBuilder::new("gw", privacy),
            ContextTracker::new("gw", &config).expect("valid"),
            &AlertConfig::default(),
        )
    }

    fn scan_on(scanner: &str, data: &str, at: OffsetDateTime) -> RawScan {
        let (symbology, data) = crate::source::framing::split_aim(data.as_bytes());
        RawScan {
            source_id: scanner.into(),
            kind: SourceKind::Serial,
            received_at: at,
            data: data.to_vec(),
            symbology: symbology.map(str::to_owned),
        }
    }

    fn band(n: usize, damaged: bool) -> String {
        let nhs = ["9990000018", "9434765919", "4010232137"][n % 3];
        format!("]d28018{}", patient_gsrn("5012345", nhs, damaged))
    }

    const LOCATIONS: [&str; 2] = ["]d24145012345000008", "]d24145012345000015"];

    /// Issue 13's theatre case: patient → staff → 3 implants → a new patient. One case with
    /// the three products, completed when the next patient is scanned, who opens the next.
    #[test]
    fn a_theatre_case_collects_its_products_and_closes_on_the_next_patient() {
        let mut p =
            processor("[[group]]\nname = \"theatre-3\"\nscanners = [\"scrub\", \"anaesthetic\"]\n");
        let t = |m: i64| T0 + time::Duration::minutes(m);
        let opened = p.process(&scan_on("anaesthetic", &band(0, false), t(0)));
        assert_eq!(opened.cases.len(), 1);
        let case = &opened.cases[0];
        assert_eq!(
            (case.status, case.group.as_deref()),
            (CaseStatus::Open, Some("theatre-3"))
        );
        assert_eq!(case.patient.event_id, opened.event.event_id);
        let badge = format!("]d28017{}", patient_gsrn("5012345", "0000000001", false));
        p.process(&scan_on("anaesthetic", &badge, t(1)));
        let products: Vec<Processed> = (2..5)
            .map(|m| p.process(&scan_on("scrub", PRODUCT, t(m))))
            .collect();
        for out in &products {
            assert_eq!(out.event.case_id, Some(case.case_id));
            assert!(out.cases.is_empty());
        }
        let next = p.process(&scan_on("anaesthetic", &band(1, false), t(10)));
        assert_eq!(next.cases.len(), 2, "{:?}", next.cases);
        let closed = &next.cases[0];
        assert_eq!(closed.case_id, case.case_id);
        assert_eq!(closed.status, CaseStatus::Completed);
        assert_eq!(closed.closed_by, Some(CaseCloseReason::PatientChanged));
        assert!(closed.staff.is_some());
        assert_eq!(
            closed.products,
            products
                .iter()
                .map(|o| o.event.event_id)
                .collect::<Vec<_>>()
        );
        assert_eq!(next.cases[1].status, CaseStatus::Open);
        assert_ne!(next.cases[1].case_id, case.case_id);
        // The record is what `…/case` carries.
        let json = serde_json::to_value(closed).unwrap();
        for field in [
            "case_id",
            "status",
            "patient",
            "staff",
            "products",
            "opened_at",
            "closed_at",
        ] {
            assert!(json.get(field).is_some(), "{field}: {json}");
        }
        assert_eq!(json["schema"], CASE_SCHEMA);
    }

    /// A product before any patient has no case; a case with no product is cancelled when its
    /// patient times out; a failed wristband closes the case.
    #[test]
    fn no_patient_no_case_and_empty_cases_are_cancelled() {
        let mut p = processor("patient_timeout = \"10min\"");
        let before = p.process(&scan_on("bay-1", PRODUCT, T0));
        assert_eq!(before.event.case_id, None);
        p.process(&scan_on("bay-1", &band(0, false), T0));
        p.tick(T0 + time::Duration::minutes(11));
        let closed = p.take_cases();
        assert_eq!(closed.len(), 1);
        assert_eq!(
            (closed[0].status, closed[0].closed_by),
            (CaseStatus::Cancelled, Some(CaseCloseReason::Timeout))
        );
        p.process(&scan_on(
            "bay-1",
            &band(1, false),
            T0 + time::Duration::minutes(20),
        ));
        p.process(&scan_on("bay-1", PRODUCT, T0 + time::Duration::minutes(21)));
        let failed = p.process(&scan_on(
            "bay-1",
            &band(2, true),
            T0 + time::Duration::minutes(22),
        ));
        assert_eq!(failed.cases.len(), 1);
        assert_eq!(
            (failed.cases[0].status, failed.cases[0].closed_by),
            (
                CaseStatus::Completed,
                Some(CaseCloseReason::PatientScanFailed)
            )
        );
    }

    #[derive(Debug, Clone)]
    enum Step {
        Band(usize),
        DamagedBand(usize),
        Location(usize),
        Product,
        Wait(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0usize..3).prop_map(Step::Band),
            (0usize..3).prop_map(Step::DamagedBand),
            (0usize..2).prop_map(Step::Location),
            Just(Step::Product),
            Just(Step::Product),
            (1i64..40).prop_map(Step::Wait),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// For any sequence of scans on two scanners of one group (valid and failed
        /// wristbands, locations, products, time-outs): a product's case is the case of the
        /// patient in its context, opened by a wristband scanned before it; and every product
        /// of a closed case is in exactly one case.
        #[test]
        fn cases_never_link_a_product_to_a_later_patient(
            steps in proptest::collection::vec((step(), proptest::bool::ANY), 1..60)
        ) {
            let mut p = processor(
                "patient_timeout = \"30min\"\n[[group]]\nname = \"bay\"\nscanners = [\"a\", \"b\"]\n",
            );
            let mut now = T0;
            let mut records: Vec<CaseRecord> = Vec::new();
            let mut products = Vec::new();
            let mut scanned_at: HashMap<Uuid, OffsetDateTime> = HashMap::new();
            for (s, second_scanner) in steps {
                let scanner = if second_scanner { "b" } else { "a" };
                let data = match s {
                    Step::Band(n) => band(n, false),
                    Step::DamagedBand(n) => band(n, true),
                    Step::Location(n) => LOCATIONS[n].to_owned(),
                    Step::Product => PRODUCT.to_owned(),
                    Step::Wait(m) => {
                        now += time::Duration::minutes(m);
                        p.tick(now);
                        records.extend(p.take_cases());
                        continue;
                    }
                };
                now += time::Duration::seconds(1);
                let out = p.process(&scan_on(scanner, &data, now));
                scanned_at.insert(out.event.event_id, now);
                records.extend(out.cases.iter().cloned());
                if out.event.kind == ScanKind::Product {
                    products.push(out.event.clone());
                }
            }
            p.tick(now + time::Duration::hours(2));
            records.extend(p.take_cases());
            let opened: HashMap<Uuid, &CaseRecord> = records
                .iter()
                .filter(|r| r.status == CaseStatus::Open)
                .map(|r| (r.case_id, r))
                .collect();
            let closed: Vec<&CaseRecord> =
                records.iter().filter(|r| r.status != CaseStatus::Open).collect();
            prop_assert_eq!(opened.len(), closed.len(), "every case opened was closed");
            for product in &products {
                let patient = product.context.as_ref().and_then(|c| c.patient.as_ref());
                match (product.case_id, patient) {
                    (None, None) => {}
                    (Some(id), Some(patient)) => {
                        let case = opened.get(&id).expect("the case was opened");
                        prop_assert_eq!(&case.patient.id, &patient.id);
                        // The wristband that opened the case was scanned before the product.
                        let band_at = scanned_at[&case.patient.event_id];
                        prop_assert!(band_at <= product.scanned_at);
                    }
                    other => prop_assert!(false, "case and patient disagree: {:?}", other),
                }
            }
            let mut seen: HashMap<Uuid, usize> = HashMap::new();
            for c in &closed {
                for id in &c.products {
                    *seen.entry(*id).or_default() += 1;
                }
                prop_assert_eq!(c.status == CaseStatus::Cancelled, c.products.is_empty());
            }
            for product in &products {
                let n = seen.get(&product.event_id).copied().unwrap_or(0);
                prop_assert_eq!(n, usize::from(product.case_id.is_some()));
            }
        }
    }
}
