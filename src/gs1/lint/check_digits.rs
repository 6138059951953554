//! Check digits: the GS1 mod-10 check digit (`csum`) and the alphanumeric check character pair
//! (`csumalpha`, GS1 General Specifications 7.9.5).

use super::{LintError, LintErrorCode, LintResult};

/// GS1 mod-10 check digit over the whole component (last digit is the check digit).
pub(super) fn csum(d: &[u8]) -> LintResult {
    let Some((&check, body)) = d.split_last() else {
        return Err(LintError::new(LintErrorCode::TooShortForCheckDigit, 0, 0));
    };
    // Weights alternate 3,1 from the right, starting with 3 next to the check digit.
    let mut weight = if d.len() % 2 == 0 { 3 } else { 1 };
    let mut sum = 0u32;
    for (pos, &b) in body.iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(LintError::new(LintErrorCode::NonDigitCharacter, pos, 1));
        }
        sum += weight * u32::from(b - b'0');
        weight = 4 - weight;
    }
    if !check.is_ascii_digit() {
        return Err(LintError::new(
            LintErrorCode::NonDigitCharacter,
            d.len() - 1,
            1,
        ));
    }
    if u32::from(check - b'0') != expected_check(sum) {
        return Err(LintError::new(
            LintErrorCode::IncorrectCheckDigit,
            d.len() - 1,
            1,
        ));
    }
    Ok(())
}

#[inline]
fn expected_check(sum: u32) -> u32 {
    (10 - sum % 10) % 10
}

/// The correct GS1 mod-10 check digit for `d`'s data digits (everything but its last
/// character), or `None` if those are not all digits or `d` is empty. Used to tell the user
/// which digit was expected.
pub fn expected_check_digit(d: &[u8]) -> Option<u8> {
    let (_, body) = d.split_last()?;
    let mut weight = if d.len() % 2 == 0 { 3 } else { 1 };
    let mut sum = 0u32;
    for &b in body {
        if !b.is_ascii_digit() {
            return None;
        }
        sum += weight * u32::from(b - b'0');
        weight = 4 - weight;
    }
    // Always < 10, so the cast is lossless.
    Some(b'0' + expected_check(sum) as u8)
}

/// Primes weighting the data characters from the right.
const PRIMES: [u32; 97] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193,
    197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307,
    311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421,
    431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509,
];

/// CSET 32, ordered by value: the check character alphabet.
const CSET32: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// CSET 82 in value order (value = index).
const CSET82: &[u8; 82] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/// Byte -> CSET 82 value + 1 (0: not in CSET 82).
const CSET82_VALUE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < CSET82.len() {
        t[CSET82[i] as usize] = i as u8 + 1;
        i += 1;
    }
    t
};

/// GS1 alphanumeric check character pair over the whole component (last two characters).
pub(super) fn csumalpha(d: &[u8]) -> LintResult {
    let n = d.len();
    if n > PRIMES.len() + 2 {
        return Err(LintError::new(
            LintErrorCode::TooLongForCheckPairImplementation,
            0,
            n,
        ));
    }
    if n < 2 {
        return Err(LintError::new(LintErrorCode::TooShortForCheckPair, 0, n));
    }
    let mut sum = 0u32;
    for (pos, &b) in d[..n - 2].iter().enumerate() {
        let v = CSET82_VALUE[usize::from(b)];
        if v == 0 {
            return Err(LintError::new(
                LintErrorCode::InvalidCset82Character,
                pos,
                1,
            ));
        }
        sum += u32::from(v - 1) * PRIMES[n - 3 - pos];
    }
    sum %= 1021;
    let (hi, lo) = (CSET32[(sum >> 5) as usize], CSET32[(sum & 31) as usize]);
    if d[n - 2] != hi || d[n - 1] != lo {
        return Err(LintError::new(LintErrorCode::IncorrectCheckPair, n - 2, 2));
    }
    Ok(())
}
