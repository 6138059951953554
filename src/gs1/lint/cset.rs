//! Character sets: numeric, GS1 AI encodable character sets 82 and 39, and base64url (CSET 64).

use super::{LintError, LintErrorCode, LintResult};

const fn table(chars: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < chars.len() {
        t[chars[i] as usize] = true;
        i += 1;
    }
    t
}

/// GS1 AI encodable character set 82 (GS1 General Specifications figure 7.11-1).
pub(crate) static CSET82: [bool; 256] =
    table(b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

/// GS1 AI encodable character set 39 (figure 7.11-2).
pub(crate) static CSET39: [bool; 256] = table(b"#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

/// base64url alphabet (RFC 4648 section 5), without the `=` pad.
pub(crate) static CSET64: [bool; 256] =
    table(b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

#[inline]
fn check(d: &[u8], set: &[bool; 256], code: LintErrorCode) -> LintResult {
    match d.iter().position(|&b| !set[usize::from(b)]) {
        Some(pos) => Err(LintError::new(code, pos, 1)),
        None => Ok(()),
    }
}

/// Digits only.
pub(super) fn csetnumeric(d: &[u8]) -> LintResult {
    super::digits(d)
}

/// CSET 82.
pub(super) fn cset82(d: &[u8]) -> LintResult {
    check(d, &CSET82, LintErrorCode::InvalidCset82Character)
}

/// CSET 39.
pub(super) fn cset39(d: &[u8]) -> LintResult {
    check(d, &CSET39, LintErrorCode::InvalidCset39Character)
}

/// base64url with up to two `=` pads, which are only allowed when the padded length is a
/// multiple of three (the reference linter's rule).
pub(super) fn cset64(d: &[u8]) -> LintResult {
    let pads = d.iter().rev().take_while(|&&b| b == b'=').count();
    let len = d.len() - pads;
    if pads > 2 || (pads > 0 && d.len() % 3 != 0) {
        return Err(LintError::new(
            LintErrorCode::InvalidCset64Padding,
            len,
            pads,
        ));
    }
    check(&d[..len], &CSET64, LintErrorCode::InvalidCset64Character)
}
