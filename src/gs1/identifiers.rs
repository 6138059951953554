//! Typed GS1 keys used by Scan4Safety, and GS1 date fields.
//!
//! Each key newtype validates length, digits and the GS1 mod-10 check digit in `TryFrom<&str>`,
//! so a value of the type is always a well-formed key.

use std::fmt;

use time::{Date, Month};

use super::parse::gs1_check_digit;

/// Why a string is not a valid GS1 key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Wrong number of digits for the key.
    #[error("{key} must have {expected} digits")]
    Length {
        /// The key type, e.g. "GTIN".
        key: &'static str,
        /// Accepted lengths, e.g. "8, 12, 13 or 14".
        expected: &'static str,
    },
    /// A non-digit character.
    #[error("{key} may only contain digits")]
    NotDigits {
        /// The key type.
        key: &'static str,
    },
    /// The check digit does not match.
    #[error("{key} has a bad check digit: expected {expected}")]
    CheckDigit {
        /// The key type.
        key: &'static str,
        /// The correct check digit.
        expected: u8,
    },
}

fn check_key(
    key: &'static str,
    s: &str,
    expected: &'static str,
    lens: &[usize],
) -> Result<(), KeyError> {
    if !lens.contains(&s.len()) {
        return Err(KeyError::Length { key, expected });
    }
    let b = s.as_bytes();
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(KeyError::NotDigits { key });
    }
    let want = gs1_check_digit(&b[..b.len() - 1]).unwrap_or(0);
    if b[b.len() - 1] != b'0' + want {
        return Err(KeyError::CheckDigit {
            key,
            expected: want,
        });
    }
    Ok(())
}

macro_rules! numeric_key {
    ($(#[$doc:meta])* $name:ident, $label:literal, $len:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<&str> for $name {
            type Error = KeyError;
            fn try_from(s: &str) -> Result<Self, KeyError> {
                check_key($label, s, stringify!($len), &[$len])?;
                Ok($name(s.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

numeric_key!(
    /// Global Location Number (AI 414 and others), 13 digits.
    Gln, "GLN", 13
);
numeric_key!(
    /// Global Service Relation Number (AI 8017 provider / staff, 8018 recipient / patient),
    /// 18 digits. A patient GSRN carries the NHS number: never log it.
    Gsrn, "GSRN", 18
);
numeric_key!(
    /// Serial Shipping Container Code (AI 00), 18 digits.
    Sscc, "SSCC", 18
);

/// Global Trade Item Number, always held as GTIN-14 (GTIN-8/12/13 are left-padded with zeros).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Gtin(String);

impl Gtin {
    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Gtin {
    type Error = KeyError;
    /// Accepts GTIN-8, -12, -13 or -14 and normalises to 14 digits.
    fn try_from(s: &str) -> Result<Self, KeyError> {
        check_key("GTIN", s, "8, 12, 13 or 14", &[8, 12, 13, 14])?;
        Ok(Gtin(format!("{s:0>14}")))
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A GS1 `YYMMDD` date (AIs 11–17). Day `00` means the last day of the month; the century is
/// chosen by the GS1 General Specifications §7.12 sliding window around `reference_year`:
/// a year more than 50 years ahead is in the previous century, more than 49 years back in the
/// next one.
pub fn yymmdd(value: &str, reference_year: i32) -> Option<Date> {
    let b = value.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| i32::from(b[i] - b'0') * 10 + i32::from(b[i + 1] - b'0');
    let (yy, mm, dd) = (n(0), n(2), n(4));
    let current_yy = reference_year.rem_euclid(100);
    let century = reference_year - current_yy;
    let diff = yy - current_yy;
    let year = if diff >= 51 {
        century - 100 + yy
    } else if diff <= -50 {
        century + 100 + yy
    } else {
        century + yy
    };
    let month = Month::try_from(u8::try_from(mm).ok()?).ok()?;
    let day = if dd == 0 {
        month.length(year)
    } else {
        u8::try_from(dd).ok()?
    };
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtins_normalise_to_fourteen_digits() {
        assert_eq!(
            Gtin::try_from("02345673").unwrap().as_str(),
            "00000002345673"
        );
        assert_eq!(
            Gtin::try_from("9520123456788").unwrap().as_str(),
            "09520123456788"
        );
        assert_eq!(
            Gtin::try_from("09520123456789"),
            Err(KeyError::CheckDigit {
                key: "GTIN",
                expected: 8
            })
        );
        assert!(Gtin::try_from("123").is_err());
    }

    #[test]
    fn day_zero_is_the_last_day_of_the_month() {
        assert_eq!(
            yymmdd("130200", 2026),
            Date::from_calendar_date(2013, Month::February, 28).ok()
        );
        assert_eq!(
            yymmdd("240200", 2026),
            Date::from_calendar_date(2024, Month::February, 29).ok()
        );
        assert_eq!(
            yymmdd("261231", 2026),
            Date::from_calendar_date(2026, Month::December, 31).ok()
        );
    }

    #[test]
    fn century_follows_the_sliding_window() {
        // 2026: 76 is 50 years ahead -> 2076; 77 is 51 ahead -> 1977.
        assert_eq!(yymmdd("760101", 2026).map(|d| d.year()), Some(2076));
        assert_eq!(yymmdd("770101", 2026).map(|d| d.year()), Some(1977));
        // 1999 reference: 49 back (50) stays; 48 (-51) goes forward... 00 is -99 -> 2000.
        assert_eq!(yymmdd("000101", 1999).map(|d| d.year()), Some(2000));
        assert_eq!(yymmdd("500101", 1999).map(|d| d.year()), Some(1950));
        assert_eq!(yymmdd("491301", 2026), None);
    }
}
