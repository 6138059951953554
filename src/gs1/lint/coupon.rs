//! North American coupon codes: AI 8110 (`couponcode`, GS1 US "Coupon Code Specification") and
//! AI 8112 (`couponposoffer`, positive offer file). Both are strings of digits made of fields,
//! several introduced by a variable length indicator (VLI) digit.

use super::{LintError, LintErrorCode as C, LintResult};

/// A cursor over the coupon digits that reports errors with the reference's spans.
struct Fields<'a> {
    d: &'a [u8],
    p: usize,
}

impl<'a> Fields<'a> {
    fn at_end(&self) -> bool {
        self.p == self.d.len()
    }

    fn peek(&self) -> Option<u8> {
        self.d.get(self.p).copied()
    }

    /// The next digit, or `missing` (spanning the whole data) when there is none.
    fn digit(&mut self, missing: C) -> Result<u8, LintError> {
        match self.peek() {
            Some(b) => {
                self.p += 1;
                Ok(b - b'0')
            }
            None => Err(LintError::new(missing, 0, self.d.len())),
        }
    }

    /// `invalid` at the digit just read.
    fn invalid(&self, code: C) -> LintError {
        LintError::new(code, self.p - 1, 1)
    }

    /// Skips `n` digits, or reports `truncated` over what remains (the whole data if nothing
    /// remains).
    fn take(&mut self, n: usize, truncated: C) -> Result<&'a [u8], LintError> {
        let rest = self.d.len() - self.p;
        if rest < n {
            return Err(if rest == 0 {
                LintError::new(truncated, 0, self.d.len())
            } else {
                LintError::new(truncated, self.p, rest)
            });
        }
        let field = &self.d[self.p..self.p + n];
        self.p += n;
        Ok(field)
    }

    /// Validates a GS1 Company Prefix field that was just taken.
    fn gcp(&self, field: &[u8]) -> LintResult {
        let start = self.p - field.len();
        super::misc::gcppos1(field).map_err(|e| LintError::new(e.code, start, field.len()))
    }

    fn no_excess(&self) -> LintResult {
        if self.at_end() {
            Ok(())
        } else {
            Err(LintError::new(
                C::CouponExcessData,
                self.p,
                self.d.len() - self.p,
            ))
        }
    }
}

/// A purchase requirement: VLI 1-5, requirement, code 0-4 or 9, three-digit family code.
fn purchase(f: &mut Fields<'_>, codes: [C; 6]) -> LintResult {
    let [missing_vli, invalid_len, truncated, missing_code, invalid_code, family] = codes;
    let vli = f.digit(missing_vli)?;
    if !(1..=5).contains(&vli) {
        return Err(f.invalid(invalid_len));
    }
    f.take(usize::from(vli), truncated)?;
    let code = f.digit(missing_code)?;
    if code > 4 && code != 9 {
        return Err(f.invalid(invalid_code));
    }
    f.take(3, family)?;
    Ok(())
}

/// An additional purchase's GS1 Company Prefix: VLI 0-6 (length VLI + 6) or 9 (no GCP).
fn purchase_gcp(f: &mut Fields<'_>, missing: C, invalid: C, truncated: C) -> LintResult {
    let vli = f.digit(missing)?;
    if vli > 6 && vli != 9 {
        return Err(f.invalid(invalid));
    }
    if vli != 9 {
        let field = f.take(usize::from(vli) + 6, truncated)?;
        f.gcp(field)?;
    }
    Ok(())
}

/// A YYMMDD date option field.
fn date(f: &mut Fields<'_>, too_short: C, invalid: C) -> Result<usize, LintError> {
    let field = f.take(6, too_short)?;
    let start = f.p - 6;
    super::datetime::yymmdd(field).map_err(|_| LintError::new(invalid, start, 6))?;
    Ok(start)
}

/// AI 8110 coupon code.
pub(super) fn couponcode(d: &[u8]) -> LintResult {
    super::digits(d)?;
    let mut f = Fields { d, p: 0 };

    // Primary GCP: VLI 0-6, length VLI + 6.
    let vli = f.digit(C::CouponMissingGcpVli)?;
    if vli > 6 {
        return Err(f.invalid(C::CouponInvalidGcpLength));
    }
    let gcp = f.take(usize::from(vli) + 6, C::CouponTruncatedGcp)?;
    f.gcp(gcp)?;
    f.take(6, C::CouponTruncatedOfferCode)?;

    // Save value: VLI 1-5.
    let vli = f.digit(C::CouponMissingSaveValueVli)?;
    if !(1..=5).contains(&vli) {
        return Err(f.invalid(C::CouponInvalidSaveValueLength));
    }
    f.take(usize::from(vli), C::CouponTruncatedSaveValue)?;

    purchase(
        &mut f,
        [
            C::CouponMissing1stPurchaseRequirementVli,
            C::CouponInvalid1stPurchaseRequirementLength,
            C::CouponTruncated1stPurchaseRequirement,
            C::CouponMissing1stPurchaseRequirementCode,
            C::CouponInvalid1stPurchaseRequirementCode,
            C::CouponTruncated1stPurchaseFamilyCode,
        ],
    )?;

    // Optional field 1: additional purchase rules code and second purchase.
    if f.peek() == Some(b'1') {
        f.p += 1;
        let rules = f.digit(C::CouponMissingAdditionalPurchaseRulesCode)?;
        if rules > 3 {
            return Err(f.invalid(C::CouponInvalidAdditionalPurchaseRulesCode));
        }
        purchase(
            &mut f,
            [
                C::CouponMissing2ndPurchaseRequirementVli,
                C::CouponInvalid2ndPurchaseRequirementLength,
                C::CouponTruncated2ndPurchaseRequirement,
                C::CouponMissing2ndPurchaseRequirementCode,
                C::CouponInvalid2ndPurchaseRequirementCode,
                C::CouponTruncated2ndPurchaseFamilyCode,
            ],
        )?;
        purchase_gcp(
            &mut f,
            C::CouponMissing2ndPurchaseGcpVli,
            C::CouponInvalid2ndPurchaseGcpLength,
            C::CouponTruncated2ndPurchaseGcp,
        )?;
    }

    // Optional field 2: third purchase.
    if f.peek() == Some(b'2') {
        f.p += 1;
        purchase(
            &mut f,
            [
                C::CouponMissing3rdPurchaseRequirementVli,
                C::CouponInvalid3rdPurchaseRequirementLength,
                C::CouponTruncated3rdPurchaseRequirement,
                C::CouponMissing3rdPurchaseRequirementCode,
                C::CouponInvalid3rdPurchaseRequirementCode,
                C::CouponTruncated3rdPurchaseFamilyCode,
            ],
        )?;
        purchase_gcp(
            &mut f,
            C::CouponMissing3rdPurchaseGcpVli,
            C::CouponInvalid3rdPurchaseGcpLength,
            C::CouponTruncated3rdPurchaseGcp,
        )?;
    }

    // Optional field 3: expiration date.
    let mut expiry = None;
    if f.peek() == Some(b'3') {
        f.p += 1;
        expiry = Some(date(
            &mut f,
            C::CouponTooShortForExpirationDate,
            C::CouponInvalidExipirationDate,
        )?);
    }

    // Optional field 4: start date, not after the expiration date.
    if f.peek() == Some(b'4') {
        f.p += 1;
        let start = date(
            &mut f,
            C::CouponTooShortForStartDate,
            C::CouponInvalidStartDate,
        )?;
        if let Some(exp) = expiry {
            // YYMMDD digit strings compare like the dates (same century window).
            if d[start..start + 6] > d[exp..exp + 6] {
                return Err(LintError::new(
                    C::CouponExpirationBeforeStart,
                    start - 8,
                    14,
                ));
            }
        }
    }

    // Optional field 5: serial number, VLI 0-9, length VLI + 6.
    if f.peek() == Some(b'5') {
        f.p += 1;
        let vli = f.digit(C::CouponMissingSerialNumberVli)?;
        f.take(usize::from(vli) + 6, C::CouponTruncatedSerialNumber)?;
    }

    // Optional field 6: retailer GCP or GLN, VLI 1-7, length VLI + 6.
    if f.peek() == Some(b'6') {
        f.p += 1;
        let vli = f.digit(C::CouponMissingRetailerGcpOrGlnVli)?;
        if !(1..=7).contains(&vli) {
            return Err(f.invalid(C::CouponInvalidRetailerGcpOrGlnLength));
        }
        let field = f.take(usize::from(vli) + 6, C::CouponTruncatedRetailerGcpOrGln)?;
        f.gcp(field)?;
    }

    // Optional field 9: miscellaneous flags.
    if f.peek() == Some(b'9') {
        f.p += 1;
        let code = f.digit(C::CouponMissingSaveValueCode)?;
        if !matches!(code, 0 | 1 | 2 | 5 | 6) {
            return Err(f.invalid(C::CouponInvalidSaveValueCode));
        }
        if f.digit(C::CouponMissingSaveValueAppliesToItem)? > 2 {
            return Err(f.invalid(C::CouponInvalidSaveValueAppliesToItem));
        }
        f.digit(C::CouponMissingStoreCouponFlag)?;
        if f.digit(C::CouponMissingDontMultiplyFlag)? > 1 {
            return Err(f.invalid(C::CouponInvalidDontMultiplyFlag));
        }
    }

    f.no_excess()
}

/// AI 8112 positive offer file coupon.
pub(super) fn couponposoffer(d: &[u8]) -> LintResult {
    super::digits(d)?;
    let mut f = Fields { d, p: 0 };
    if f.digit(C::CouponMissingFormatCode)? > 1 {
        return Err(f.invalid(C::CouponInvalidFormatCode));
    }
    let vli = f.digit(C::CouponMissingFunderVli)?;
    if vli > 6 {
        return Err(f.invalid(C::CouponInvalidFunderLength));
    }
    f.take(usize::from(vli) + 6, C::CouponTruncatedFunder)?;
    f.take(6, C::CouponTruncatedOfferCode)?;
    let vli = f.digit(C::CouponMissingSerialNumberVli)?;
    f.take(usize::from(vli) + 6, C::CouponTruncatedSerialNumber)?;
    f.no_excess()
}
