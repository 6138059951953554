//! The remaining linters: GS1 Company Prefix position, IBAN, percent-encoding, piece of total,
//! position in sequence, latitude/longitude and single-value rules.

use super::{LintError, LintErrorCode as C, LintResult};

/// The shortest GS1 Company Prefix currently allocated.
const GCP_MIN_LENGTH: usize = 4;

/// A GS1 Company Prefix starts at the first character.
///
/// Without a GCP allocation lookup source (none is configured in the gateway) this checks what
/// can be checked offline, like the reference linter built without `GS1_LINTER_CUSTOM_GCP_LOOKUP`:
/// the component is long enough for the shortest GCP and that prefix is all digits.
pub(super) fn gcppos1(d: &[u8]) -> LintResult {
    if d.len() < GCP_MIN_LENGTH {
        return Err(LintError::new(C::TooShortForGcp, 0, d.len()));
    }
    match d[..GCP_MIN_LENGTH].iter().position(|b| !b.is_ascii_digit()) {
        Some(pos) => Err(LintError::new(C::InvalidGcpPrefix, pos, 1)),
        None => Ok(()),
    }
}

/// A GS1 Company Prefix starts at the second character (after an indicator or extension
/// digit).
pub(super) fn gcppos2(d: &[u8]) -> LintResult {
    if d.len() < 2 {
        return Err(LintError::new(C::TooShortForGcp, 0, d.len()));
    }
    gcppos1(&d[1..]).map_err(|e| e.shifted(1))
}

/// At least one character is not a digit (AI 8014 MUDI).
pub(super) fn hasnondigit(d: &[u8]) -> LintResult {
    if d.iter().any(|b| !b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(LintError::new(C::RequiresNonDigitCharacter, 0, d.len()))
    }
}

/// Only hyphens (and at least one).
pub(super) fn hyphen(d: &[u8]) -> LintResult {
    if !d.is_empty() && d.iter().all(|&b| b == b'-') {
        Ok(())
    } else {
        Err(LintError::new(C::NotHyphen, 0, d.len()))
    }
}

/// Only zeros (and at least one).
pub(super) fn zero(d: &[u8]) -> LintResult {
    if !d.is_empty() && d.iter().all(|&b| b == b'0') {
        Ok(())
    } else {
        Err(LintError::new(C::NotZero, 0, d.len()))
    }
}

/// Digits, not all zero.
pub(super) fn nonzero(d: &[u8]) -> LintResult {
    super::digits(d)?;
    if d.iter().all(|&b| b == b'0') {
        return Err(LintError::new(C::IllegalZeroValue, 0, d.len()));
    }
    Ok(())
}

/// Digits with no leading zero.
pub(super) fn nozeroprefix(d: &[u8]) -> LintResult {
    if d.first() == Some(&b'0') {
        return Err(LintError::new(C::IllegalZeroPrefix, 0, 1));
    }
    super::digits(d)
}

/// Winding direction: 0 (face out), 1 (face in) or 9 (undefined).
pub(super) fn winding(d: &[u8]) -> LintResult {
    match d {
        [b'0' | b'1' | b'9'] => Ok(()),
        _ => Err(LintError::new(C::InvalidWindingDirection, 0, d.len())),
    }
}

/// "0" (no) or "1" (yes).
pub(super) fn yesno(d: &[u8]) -> LintResult {
    match d {
        [b'0' | b'1'] => Ok(()),
        _ => Err(LintError::new(C::NotZeroOrOne, 0, d.len())),
    }
}

/// Every `%` starts a `%hh` sequence of two hex digits.
pub(super) fn pcenc(d: &[u8]) -> LintResult {
    let mut pos = 0;
    while pos < d.len() {
        if d[pos] == b'%' {
            if pos + 2 >= d.len() {
                return Err(LintError::new(
                    C::InvalidPercentSequence,
                    pos,
                    d.len() - pos,
                ));
            }
            if !d[pos + 1].is_ascii_hexdigit() || !d[pos + 2].is_ascii_hexdigit() {
                return Err(LintError::new(C::InvalidPercentSequence, pos, 3));
            }
            pos += 2;
        }
        pos += 1;
    }
    Ok(())
}

/// Piece number then total, of equal length; neither zero; piece not above total.
pub(super) fn pieceoftotal(d: &[u8]) -> LintResult {
    super::digits(d)?;
    if d.is_empty() || d.len() % 2 != 0 {
        return Err(LintError::new(C::InvalidLengthForPieceOfTotal, 0, d.len()));
    }
    let half = d.len() / 2;
    let (piece, total) = d.split_at(half);
    if piece.iter().all(|&b| b == b'0') {
        return Err(LintError::new(C::ZeroPieceNumber, 0, half));
    }
    if total.iter().all(|&b| b == b'0') {
        return Err(LintError::new(C::ZeroTotalPieces, half, half));
    }
    // Equal-length digit strings compare like their values.
    if piece > total {
        return Err(LintError::new(C::PieceNumberExceedsTotal, 0, d.len()));
    }
    Ok(())
}

/// `<pos>/<end>`: both non-empty digit strings without leading zeros, pos <= end.
pub(super) fn posinseqslash(d: &[u8]) -> LintResult {
    let malformed = LintError::new(C::PositionInSequenceMalformed, 0, d.len());
    let slash = d
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(d.len());
    if slash == 0 || slash >= d.len() || d[slash] != b'/' {
        return Err(malformed);
    }
    let (pos, end) = (&d[..slash], &d[slash + 1..]);
    if end.is_empty() || end.iter().any(|b| !b.is_ascii_digit()) {
        return Err(malformed);
    }
    if pos[0] == b'0' {
        return Err(LintError::new(C::IllegalZeroPrefix, 0, slash));
    }
    if end[0] == b'0' {
        return Err(LintError::new(C::IllegalZeroPrefix, slash + 1, end.len()));
    }
    // No leading zeros, so the longer number is the larger one.
    if pos.len() > end.len() || (pos.len() == end.len() && pos > end) {
        return Err(LintError::new(C::PositionExceedsEnd, 0, d.len()));
    }
    Ok(())
}

fn ten_digits(d: &[u8], invalid_length: C) -> Result<u64, LintError> {
    if d.len() != 10 {
        return Err(LintError::new(invalid_length, 0, d.len()));
    }
    super::digits(d)?;
    Ok(d.iter().fold(0u64, |v, &b| v * 10 + u64::from(b - b'0')))
}

/// Latitude as 10 digits: degrees + 90, times 10^7 (0000000000-1800000000).
pub(super) fn latitude(d: &[u8]) -> LintResult {
    if ten_digits(d, C::LatitudeInvalidLength)? > 1_800_000_000 {
        return Err(LintError::new(C::InvalidLatitude, 0, 10));
    }
    Ok(())
}

/// Longitude as 10 digits: degrees + 180, times 10^7 (0000000000-3600000000).
pub(super) fn longitude(d: &[u8]) -> LintResult {
    if ten_digits(d, C::LongitudeInvalidLength)? > 3_600_000_000 {
        return Err(LintError::new(C::InvalidLongitude, 0, 10));
    }
    Ok(())
}

/// IBAN lengths the reference accepts: more than 10 (room for the check characters), at most 34
/// (ISO 13616).
const IBAN_MIN_LENGTH: usize = 10;
const IBAN_MAX_LENGTH: usize = 34;

/// International Bank Account Number: country code, two check digits (ISO 7064 mod 97-10).
pub(super) fn iban(d: &[u8]) -> LintResult {
    if d.len() < 4 {
        return Err(LintError::new(C::IbanTooShort, 0, d.len()));
    }
    if !super::codes::is_iso3166_alpha2(&d[..2]) {
        return Err(LintError::new(C::IllegalIbanCountryCode, 0, 2));
    }
    if d.len() > IBAN_MAX_LENGTH {
        return Err(LintError::new(C::IbanTooLong, 0, d.len()));
    }
    if d.len() <= IBAN_MIN_LENGTH {
        return Err(LintError::new(C::IbanTooShort, 0, d.len()));
    }
    // Move the first four characters to the end, read letters as 10..35, take mod 97.
    let mut csum = 0u32;
    for pos in (4..d.len()).chain(0..4) {
        let b = d[pos];
        let (value, scale) = match b {
            b'0'..=b'9' => (u32::from(b - b'0'), 10),
            b'A'..=b'Z' => (u32::from(b - b'A') + 10, 100),
            _ => return Err(LintError::new(C::InvalidIbanCharacter, pos, 1)),
        };
        csum = (csum * scale + value) % 97;
    }
    if csum != 1 {
        return Err(LintError::new(C::IncorrectIbanChecksum, 2, 2));
    }
    Ok(())
}
