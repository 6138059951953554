//! Dates and times: YYMMDD / YYYYMMDD (with or without the day "00" meaning "last day of the
//! month"), HH, MI, SS and HHMI.

use super::{LintError, LintErrorCode, LintResult};

#[inline]
fn two(d: &[u8], i: usize) -> u32 {
    u32::from(d[i] - b'0') * 10 + u32::from(d[i + 1] - b'0')
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Checks month and day of a digits-only date whose month starts at `m` (day at `m + 2`).
fn month_day(d: &[u8], year: u32, m: usize) -> LintResult {
    let month = two(d, m);
    if !(1..=12).contains(&month) {
        return Err(LintError::new(LintErrorCode::IllegalMonth, m, 2));
    }
    // Day "00" passes here; the *dd variants reject it.
    if two(d, m + 2) > days_in_month(year, month) {
        return Err(LintError::new(LintErrorCode::IllegalDay, m + 2, 2));
    }
    Ok(())
}

fn fixed_digits(d: &[u8], n: usize) -> LintResult {
    if d.len() != n {
        let code = if d.len() < n {
            LintErrorCode::DateTooShort
        } else {
            LintErrorCode::DateTooLong
        };
        return Err(LintError::new(code, 0, d.len()));
    }
    super::digits(d)
}

/// YYMMDD, day "00" permitted.
pub(super) fn yymmd0(d: &[u8]) -> LintResult {
    fixed_digits(d, 6)?;
    // GS1 General Specifications 7.12: a YY more than 50 years ahead means the previous
    // century. Only leap years depend on the century here, and 2000 is a leap year like every
    // other year divisible by 4 in 1951-2050, so the reference's fixed century pivot gives the
    // same answers as a sliding one.
    let yy = two(d, 0);
    let year = if yy >= 72 { 1900 + yy } else { 2000 + yy };
    month_day(d, year, 2)
}

/// YYMMDD.
pub(super) fn yymmdd(d: &[u8]) -> LintResult {
    yymmd0(d)?;
    if d[4] == b'0' && d[5] == b'0' {
        return Err(LintError::new(LintErrorCode::IllegalDay, 4, 2));
    }
    Ok(())
}

/// YYYYMMDD, day "00" permitted.
pub(super) fn yyyymmd0(d: &[u8]) -> LintResult {
    fixed_digits(d, 8)?;
    month_day(d, two(d, 0) * 100 + two(d, 2), 4)
}

/// YYYYMMDD.
pub(super) fn yyyymmdd(d: &[u8]) -> LintResult {
    yyyymmd0(d)?;
    if d[6] == b'0' && d[7] == b'0' {
        return Err(LintError::new(LintErrorCode::IllegalDay, 6, 2));
    }
    Ok(())
}

fn two_digit_field(
    d: &[u8],
    max: u32,
    short: LintErrorCode,
    long: LintErrorCode,
    illegal: LintErrorCode,
) -> LintResult {
    if d.len() != 2 {
        let code = if d.len() < 2 { short } else { long };
        return Err(LintError::new(code, 0, d.len()));
    }
    super::digits(d)?;
    if two(d, 0) > max {
        return Err(LintError::new(illegal, 0, 2));
    }
    Ok(())
}

/// Hour, 00-23.
pub(super) fn hh(d: &[u8]) -> LintResult {
    two_digit_field(
        d,
        23,
        LintErrorCode::HourTooShort,
        LintErrorCode::HourTooLong,
        LintErrorCode::IllegalHour,
    )
}

/// Minute, 00-59.
pub(super) fn mi(d: &[u8]) -> LintResult {
    two_digit_field(
        d,
        59,
        LintErrorCode::MinuteTooShort,
        LintErrorCode::MinuteTooLong,
        LintErrorCode::IllegalMinute,
    )
}

/// Second, 00-59.
pub(super) fn ss(d: &[u8]) -> LintResult {
    two_digit_field(
        d,
        59,
        LintErrorCode::SecondTooShort,
        LintErrorCode::SecondTooLong,
        LintErrorCode::IllegalSecond,
    )
}

/// Hour and minute, HHMI.
pub(super) fn hhmi(d: &[u8]) -> LintResult {
    if d.len() != 4 {
        let code = if d.len() < 4 {
            LintErrorCode::HourWithMinuteTooShort
        } else {
            LintErrorCode::HourWithMinuteTooLong
        };
        return Err(LintError::new(code, 0, d.len()));
    }
    hh(&d[..2])?;
    mi(&d[2..]).map_err(|e| e.shifted(2))
}
