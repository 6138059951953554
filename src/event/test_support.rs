//! Test data shared by the event stage's tests.

/// A patient GSRN: `prefix` (7 digits) + the NHS number `nhs` in digits 8–17 + the GS1 check
/// digit, or with `corrupt` a wrong one (a damaged band). The check digit is the one
/// [`crate::gs1::Gsrn`] accepts, so the rule is not written again here.
pub(crate) fn patient_gsrn(prefix: &str, nhs: &str, corrupt: bool) -> String {
    let body = format!("{prefix}{nhs}");
    let check = (0..10)
        .find(|c| crate::gs1::Gsrn::try_from(format!("{body}{c}").as_str()).is_ok())
        .expect("a GSRN body of 17 digits has a check digit");
    let check = if corrupt { (check + 1) % 10 } else { check };
    format!("{body}{check}")
}
