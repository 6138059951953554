//! HIBC LIC (Health Industry Bar Code, Labeler Identification Code) parsing, ANSI/HIBC 2.6.
//!
//! Many products in UK theatres still carry HIBC instead of GS1. A HIBC LIC code starts with
//! `+` and ends with a modulo-43 check character:
//! - primary: `+` LIC (4, first alphabetic) + product/catalogue number (1–18) + unit of
//!   measure (1 digit) + check;
//! - secondary: `+` + data + link character (the primary's check character) + check, where data
//!   is `YYJJJ`+lot (old form), `$`+lot, `$+`+serial, `$$`+flag+lot or `$$+`+flag+serial; the
//!   flag selects the expiry date format (`MMYY` when it is `0`/`1`, `2` MMDDYY, `3` YYMMDD,
//!   `4` YYMMDDHH, `5` YYJJJ, `6` YYJJJHH, `7` none) and `8`/`9` prefix a 2/5-digit quantity;
//! - concatenated: primary data + `/` + secondary data + one check character;
//! - supplemental fields after the secondary data, each after `/`: `14D` expiry YYYYMMDD,
//!   `16D` manufacture date YYYYMMDD, `S` serial.
//!
//! Scanners usually transmit the data without the `*` start/stop characters of the human
//! readable form; both are accepted.

use serde::Serialize;
use time::{Date, Month};

/// An HIBC date, kept at the precision it was encoded with (FHIR `dateTime` can carry all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum HibcDate {
    /// `MMYY`: a month.
    YearMonth {
        /// Year (2000–2099).
        year: i32,
        /// Month 1–12.
        month: u8,
    },
    /// A calendar day.
    Day(#[serde(with = "iso_date")] Date),
    /// A day and hour (`YYMMDDHH`, `YYJJJHH`).
    DayHour(#[serde(with = "iso_date")] Date, u8),
}

mod iso_date {
    use serde::Serializer;
    use time::Date;
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }
}

impl HibcDate {
    /// ISO 8601 / FHIR `dateTime` form: `2026-05`, `2026-05-31` or `2026-05-31T13:00:00Z`
    /// (an hour needs a time zone in FHIR; HIBC has none, UTC is assumed).
    pub fn to_iso(&self) -> String {
        match self {
            HibcDate::YearMonth { year, month } => format!("{year:04}-{month:02}"),
            HibcDate::Day(d) => d.to_string(),
            HibcDate::DayHour(d, h) => format!("{d}T{h:02}:00:00Z"),
        }
    }
}

/// The primary data structure: who made the product and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HibcPrimary {
    /// Labeler Identification Code (4 characters, first alphabetic), assigned by HIBCC.
    pub labeler: String,
    /// The labeler's product or catalogue number (1–18 alphanumerics).
    pub product: String,
    /// Unit of measure / packaging level, 0–9 (0 = the unit of use).
    pub unit_of_measure: u8,
}

impl HibcPrimary {
    /// The UDI device identifier as registered (GUDID, EUDAMED): LIC + product + unit of measure.
    pub fn device_identifier(&self) -> String {
        format!("{}{}{}", self.labeler, self.product, self.unit_of_measure)
    }
}

/// Which HIBC LIC structure a code has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HibcStructure {
    /// Primary only.
    Primary,
    /// Secondary only (linked to a primary by its link character).
    Secondary,
    /// Primary and secondary in one symbol.
    Concatenated,
}

/// A parsed HIBC LIC code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HibcData {
    /// Primary, secondary or concatenated.
    pub structure: HibcStructure,
    /// Labeler, product and unit of measure (absent in a secondary-only code).
    pub primary: Option<HibcPrimary>,
    /// Lot / batch number.
    pub lot: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Expiry date.
    pub expiry: Option<HibcDate>,
    /// Manufacture date (supplemental `16D`).
    pub manufactured: Option<Date>,
    /// Quantity (secondary flags `8` and `9`).
    pub quantity: Option<u32>,
    /// Link character of a secondary-only code (the check character of its primary).
    pub link: Option<char>,
    /// Supplemental fields after the secondary data that this parser does not interpret
    /// (data identifiers other than `14D`, `16D` and `S`), as read. Kept rather than rejected:
    /// the check character vouches for the data, and the product is still identified.
    pub unknown_fields: Vec<String>,
    /// The data arrived in lower case (a keyboard wedge with Caps Lock on) and was read as
    /// upper case; HIBC has no lower-case characters.
    pub upper_cased: bool,
    /// The check character.
    pub check: char,
}

/// Why data is not a valid HIBC LIC code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HibcError {
    /// The data does not start with `+`.
    #[error("not HIBC LIC data (it must start with '+'; '+/' is HIBC PAS)")]
    NotHibc,
    /// Too short to hold data and a check character.
    #[error("HIBC data too short")]
    TooShort,
    /// A character outside the HIBC (Code 39) set of 43.
    #[error("character {0:?} at position {1} is not allowed in HIBC data")]
    BadCharacter(char, usize),
    /// The modulo-43 check character does not match.
    #[error("HIBC check character is {found:?} but the data gives {expected:?}")]
    CheckCharacter {
        /// Check character in the data.
        found: char,
        /// Check character computed.
        expected: char,
    },
    /// The primary structure is malformed.
    #[error("HIBC primary data: {0}")]
    Primary(&'static str),
    /// The secondary structure is malformed.
    #[error("HIBC secondary data: {0}")]
    Secondary(&'static str),
    /// A date field is not a valid date.
    #[error("HIBC {field} is not a valid date")]
    Date {
        /// Which date.
        field: &'static str,
    },
}

const CHARSET: &[u8; 43] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The modulo-43 check character for `data` (which includes the leading `+`).
pub fn check_character(data: &str) -> Result<char, HibcError> {
    let mut sum = 0u32;
    for (i, b) in data.bytes().enumerate() {
        sum += value_of(b).ok_or(HibcError::BadCharacter(char::from(b), i))?;
    }
    Ok(char::from(CHARSET[(sum % 43) as usize]))
}

/// Whether `raw` (as a scanner sent it, possibly with an AIM symbology identifier) looks like
/// HIBC LIC data at all, so that callers can tell "not HIBC" from "broken HIBC".
pub fn looks_like_hibc(raw: &str) -> bool {
    let data = strip_transport(raw);
    let data = data.strip_prefix('*').unwrap_or(data);
    // `+/` starts HIBC PAS (provider applications), which is not a product code.
    data.starts_with('+') && !data.starts_with("+/")
}

/// What a scanner adds around the data: an AIM symbology identifier (`]C0`, `]d1`, `]Q1`, …)
/// in front, a line ending behind. Not trailing spaces: a space can be the check character.
fn strip_transport(raw: &str) -> &str {
    let raw = raw.trim_end_matches(['\r', '\n']);
    match raw.as_bytes() {
        [b']', a, b, ..] if a.is_ascii_alphabetic() && b.is_ascii_alphanumeric() => &raw[3..],
        _ => raw,
    }
}

/// The rule every reader of scans applies (`run`, `listen`, `parse`): data that is not GS1 is
/// read as HIBC LIC when it looks like HIBC ([`looks_like_hibc`]); `None` when it does not, so
/// a broken GS1 scan keeps its GS1 error.
pub fn read_non_gs1(raw: &str) -> Option<Result<HibcData, HibcError>> {
    looks_like_hibc(raw).then(|| parse_scan(raw))
}

/// Parses a scan's data as HIBC LIC: as [`parse`], after removing an AIM symbology identifier
/// and a trailing line ending that the scanner may have sent.
pub fn parse_scan(raw: &str) -> Result<HibcData, HibcError> {
    let data = strip_transport(raw);
    match parse(data) {
        Err(HibcError::BadCharacter(c, _)) if c.is_ascii_lowercase() => {
            // Caps Lock on a keyboard-wedge scanner: HIBC has no lower case, so upper-casing
            // loses nothing, and the check character still has to match.
            let mut d = parse(&data.to_ascii_uppercase())?;
            d.upper_cased = true;
            Ok(d)
        }
        other => other,
    }
}

/// Parses HIBC LIC data (primary, secondary or concatenated), checking the mod-43 character.
pub fn parse(input: &str) -> Result<HibcData, HibcError> {
    // The `*` start/stop characters belong to the human-readable form only.
    let data = input
        .strip_prefix('*')
        .and_then(|s| s.strip_suffix('*'))
        .unwrap_or(input);
    if !data.starts_with('+') || data.starts_with("+/") {
        return Err(HibcError::NotHibc);
    }
    if data.len() < 3 {
        return Err(HibcError::TooShort);
    }
    if let Some((i, c)) = data.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(HibcError::BadCharacter(c, i));
    }
    let (mut body, check) = data.split_at(data.len() - 1);
    let mut found = char::from(check.as_bytes()[0]);
    let expected = check_character(body)?;
    if found != expected {
        // A check character of value 38 is a space, which scanners and keyboard wedges often
        // trim: accept data whose own check character would be that space.
        if check_character(data)? == ' ' {
            body = data;
            found = ' ';
        } else {
            return Err(HibcError::CheckCharacter { found, expected });
        }
    }
    let body = &body[1..];
    let first = body
        .as_bytes()
        .first()
        .copied()
        .ok_or(HibcError::TooShort)?;
    if first.is_ascii_alphabetic() {
        let (primary_part, secondary_part) = match body.split_once('/') {
            Some((p, s)) => (p, Some(s)),
            None => (body, None),
        };
        let primary = parse_primary(primary_part)?;
        let mut out = HibcData {
            structure: HibcStructure::Primary,
            primary: Some(primary),
            lot: None,
            serial: None,
            expiry: None,
            manufactured: None,
            quantity: None,
            link: None,
            unknown_fields: Vec::new(),
            upper_cased: false,
            check: found,
        };
        if let Some(sec) = secondary_part {
            out.structure = HibcStructure::Concatenated;
            parse_secondary(sec, &mut out)?;
        }
        Ok(out)
    } else {
        // Secondary only: the last data character links it to its primary.
        let (sec, link) = body.split_at(body.len() - 1);
        if sec.is_empty() {
            return Err(HibcError::Secondary("no data before the link character"));
        }
        let mut out = HibcData {
            structure: HibcStructure::Secondary,
            primary: None,
            lot: None,
            serial: None,
            expiry: None,
            manufactured: None,
            quantity: None,
            link: link.chars().next(),
            unknown_fields: Vec::new(),
            upper_cased: false,
            check: found,
        };
        parse_secondary(sec, &mut out)?;
        Ok(out)
    }
}

fn parse_primary(p: &str) -> Result<HibcPrimary, HibcError> {
    // LIC 4 + product 1..18 + unit of measure 1.
    if p.len() < 6 || p.len() > 23 {
        return Err(HibcError::Primary(
            "expected a 4-character labeler code, a 1 to 18 character product number and a unit-of-measure digit",
        ));
    }
    let bytes = p.as_bytes();
    if !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return Err(HibcError::Primary("only letters and digits are allowed"));
    }
    if !bytes[0].is_ascii_alphabetic() {
        return Err(HibcError::Primary("the labeler code starts with a letter"));
    }
    let uom = bytes[p.len() - 1];
    if !uom.is_ascii_digit() {
        return Err(HibcError::Primary("the unit of measure is a digit"));
    }
    Ok(HibcPrimary {
        labeler: p[..4].to_owned(),
        product: p[4..p.len() - 1].to_owned(),
        unit_of_measure: uom - b'0',
    })
}

fn digits(s: &str, n: usize, what: &'static str) -> Result<u32, HibcError> {
    let part = s.get(..n).ok_or(HibcError::Secondary(what))?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HibcError::Secondary(what));
    }
    part.parse().map_err(|_| HibcError::Secondary(what))
}

fn ymd(year: u32, month: u32, day: u32, field: &'static str) -> Result<Date, HibcError> {
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(HibcError::Date { field })?;
    let day = u8::try_from(day).map_err(|_| HibcError::Date { field })?;
    Date::from_calendar_date(2000 + year as i32, month, day).map_err(|_| HibcError::Date { field })
}

fn julian(year: u32, day: u32, field: &'static str) -> Result<Date, HibcError> {
    let day = u16::try_from(day).map_err(|_| HibcError::Date { field })?;
    Date::from_ordinal_date(2000 + year as i32, day).map_err(|_| HibcError::Date { field })
}

fn hour(h: u32) -> Result<u8, HibcError> {
    u8::try_from(h)
        .ok()
        .filter(|h| *h < 24)
        .ok_or(HibcError::Date {
            field: "expiry hour",
        })
}

/// Parses an expiry date selected by `flag` at the start of `s`; returns it and the rest.
fn dated(s: &str) -> Result<(Option<HibcDate>, &str), HibcError> {
    const E: &str = "expiry date";
    let flag = s
        .as_bytes()
        .first()
        .copied()
        .ok_or(HibcError::Secondary("missing date flag"))?;
    Ok(match flag {
        b'0' | b'1' => {
            let mm = digits(s, 2, "MMYY expiry date")?;
            let yy = digits(&s[2..], 2, "MMYY expiry date")?;
            if !(1..=12).contains(&mm) {
                return Err(HibcError::Date { field: E });
            }
            (
                Some(HibcDate::YearMonth {
                    year: 2000 + yy as i32,
                    month: mm as u8,
                }),
                &s[4..],
            )
        }
        b'2' => {
            let r = &s[1..];
            let (m, d, y) = (
                digits(r, 2, E)?,
                digits(&r[2..], 2, E)?,
                digits(&r[4..], 2, E)?,
            );
            (Some(HibcDate::Day(ymd(y, m, d, E)?)), &r[6..])
        }
        b'3' => {
            let r = &s[1..];
            let (y, m, d) = (
                digits(r, 2, E)?,
                digits(&r[2..], 2, E)?,
                digits(&r[4..], 2, E)?,
            );
            (Some(HibcDate::Day(ymd(y, m, d, E)?)), &r[6..])
        }
        b'4' => {
            let r = &s[1..];
            let (y, m, d) = (
                digits(r, 2, E)?,
                digits(&r[2..], 2, E)?,
                digits(&r[4..], 2, E)?,
            );
            let h = hour(digits(&r[6..], 2, E)?)?;
            (Some(HibcDate::DayHour(ymd(y, m, d, E)?, h)), &r[8..])
        }
        b'5' => {
            let r = &s[1..];
            let (y, j) = (digits(r, 2, E)?, digits(&r[2..], 3, E)?);
            (Some(HibcDate::Day(julian(y, j, E)?)), &r[5..])
        }
        b'6' => {
            let r = &s[1..];
            let (y, j) = (digits(r, 2, E)?, digits(&r[2..], 3, E)?);
            let h = hour(digits(&r[5..], 2, E)?)?;
            (Some(HibcDate::DayHour(julian(y, j, E)?, h)), &r[7..])
        }
        b'7' => (None, &s[1..]),
        _ => return Err(HibcError::Secondary("unknown date format flag")),
    })
}

fn parse_secondary(sec: &str, out: &mut HibcData) -> Result<(), HibcError> {
    let mut fields = sec.split('/');
    let main = fields.next().unwrap_or("");
    let (serial_field, rest) = if let Some(r) = main.strip_prefix("$$") {
        let (is_serial, r) = match r.strip_prefix('+') {
            Some(r) => (true, r),
            None => (false, r),
        };
        let r = match r.as_bytes().first() {
            Some(b'8') => {
                out.quantity = Some(digits(&r[1..], 2, "2-digit quantity")?);
                &r[3..]
            }
            Some(b'9') => {
                out.quantity = Some(digits(&r[1..], 5, "5-digit quantity")?);
                &r[6..]
            }
            _ => r,
        };
        // Labels that carry only a quantity (`$$8QQ`, `$$9QQQQQ`) end here: the expiry field
        // after a quantity is absent rather than flagged `7` on some printers.
        if r.is_empty() && out.quantity.is_some() {
            (is_serial, r)
        } else {
            let (expiry, r) = dated(r)?;
            out.expiry = expiry;
            (is_serial, r)
        }
    } else if let Some(r) = main.strip_prefix("$+") {
        (true, r)
    } else if let Some(r) = main.strip_prefix('$') {
        (false, r)
    } else if main.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        // Old form: Julian expiry YYJJJ then lot.
        let y = digits(main, 2, "YYJJJ expiry date")?;
        let j = digits(&main[2..], 3, "YYJJJ expiry date")?;
        out.expiry = Some(HibcDate::Day(julian(y, j, "expiry date")?));
        (false, &main[5..])
    } else {
        return Err(HibcError::Secondary(
            "expected '$', '$$', '$+', '$$+' or a 5-digit Julian date",
        ));
    };
    if !rest.is_empty() {
        if !rest.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b' ' | b'$' | b'+' | b'%')
        }) {
            return Err(HibcError::Secondary(
                "lot or serial contains a reserved character",
            ));
        }
        if rest.len() > 18 {
            return Err(HibcError::Secondary(
                "lot or serial longer than 18 characters",
            ));
        }
        if serial_field {
            out.serial = Some(rest.to_owned());
        } else {
            out.lot = Some(rest.to_owned());
        }
    }
    for field in fields {
        if let Some(v) = field.strip_prefix("14D") {
            let d = yyyymmdd(v, "supplemental expiry date (14D)")?;
            out.expiry = Some(HibcDate::Day(d));
        } else if let Some(v) = field.strip_prefix("16D") {
            out.manufactured = Some(yyyymmdd(v, "manufacture date (16D)")?);
        } else if let Some(v) = field.strip_prefix('S') {
            if v.is_empty() || v.len() > 18 {
                return Err(HibcError::Secondary(
                    "supplemental serial must be 1 to 18 characters",
                ));
            }
            out.serial = Some(v.to_owned());
        } else if field.is_empty() {
            return Err(HibcError::Secondary("empty supplemental data field"));
        } else {
            out.unknown_fields.push(field.to_owned());
        }
    }
    Ok(())
}

fn yyyymmdd(v: &str, field: &'static str) -> Result<Date, HibcError> {
    if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HibcError::Date { field });
    }
    let num =
        |r: std::ops::Range<usize>| v[r].parse::<u32>().map_err(|_| HibcError::Date { field });
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(HibcError::Date { field })?;
    Date::from_calendar_date(y as i32, month, d as u8).map_err(|_| HibcError::Date { field })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Appends the check character, as a label printer would.
    fn with_check(body: &str) -> String {
        format!("{body}{}", check_character(body).unwrap())
    }

    #[test]
    fn concatenated_with_supplemental_fields() {
        // Published example of HIBC 2.6 supplemental data (production date and serial).
        let d = parse("+A99912345/$$52001510X3/16D20111212/S77DE1G45-").unwrap();
        assert_eq!(d.structure, HibcStructure::Concatenated);
        let p = d.primary.as_ref().unwrap();
        assert_eq!(
            (p.labeler.as_str(), p.product.as_str(), p.unit_of_measure),
            ("A999", "1234", 5)
        );
        assert_eq!(p.device_identifier(), "A99912345");
        assert_eq!(d.expiry, Some(HibcDate::Day(date!(2020 - 01 - 15))));
        assert_eq!(d.lot.as_deref(), Some("10X3"));
        assert_eq!(d.manufactured, Some(date!(2011 - 12 - 12)));
        assert_eq!(d.serial.as_deref(), Some("77DE1G45"));
        assert_eq!(d.check, '-');
    }

    #[test]
    fn every_date_format() {
        let cases: &[(&str, HibcDate)] = &[
            (
                "$$0526LOT1",
                HibcDate::YearMonth {
                    year: 2026,
                    month: 5,
                },
            ),
            (
                "$$1226LOT1",
                HibcDate::YearMonth {
                    year: 2026,
                    month: 12,
                },
            ),
            ("$$2053126LOT1", HibcDate::Day(date!(2026 - 05 - 31))),
            ("$$3260531LOT1", HibcDate::Day(date!(2026 - 05 - 31))),
            (
                "$$426053113LOT1",
                HibcDate::DayHour(date!(2026 - 05 - 31), 13),
            ),
            ("$$526151LOT1", HibcDate::Day(date!(2026 - 05 - 31))),
            (
                "$$62615113LOT1",
                HibcDate::DayHour(date!(2026 - 05 - 31), 13),
            ),
            ("26151LOT1", HibcDate::Day(date!(2026 - 05 - 31))),
        ];
        for (sec, want) in cases {
            let code = with_check(&format!("+A123BJC5D6E71/{sec}"));
            let d = parse(&code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(d.expiry, Some(*want), "{code}");
            assert_eq!(d.lot.as_deref(), Some("LOT1"), "{code}");
        }
        let d = parse(&with_check("+A123BJC5D6E71/$$7LOT1")).unwrap();
        assert_eq!((d.expiry, d.lot.as_deref()), (None, Some("LOT1")));
        assert_eq!(
            HibcDate::YearMonth {
                year: 2026,
                month: 5
            }
            .to_iso(),
            "2026-05"
        );
        assert_eq!(
            HibcDate::DayHour(date!(2026 - 05 - 31), 13).to_iso(),
            "2026-05-31T13:00:00Z"
        );
    }

    #[test]
    fn quantities_serials_and_secondary_only() {
        let d = parse(&with_check("+A123BJC5D6E71/$$820326053124X")).unwrap();
        assert_eq!((d.quantity, d.lot.as_deref()), (Some(20), Some("24X")));
        assert_eq!(d.expiry, Some(HibcDate::Day(date!(2026 - 05 - 31))));
        let d = parse(&with_check("+A123BJC5D6E71/$$9001003260531S9")).unwrap();
        assert_eq!(d.quantity, Some(100));
        let d = parse(&with_check("+A123BJC5D6E71/$$+3260531SER9")).unwrap();
        assert_eq!((d.serial.as_deref(), d.lot), (Some("SER9"), None));
        let d = parse(&with_check("+A123BJC5D6E71/$+SER9")).unwrap();
        assert_eq!(d.serial.as_deref(), Some("SER9"));
        let d = parse(&with_check("+$LOT42L")).unwrap();
        assert_eq!(d.structure, HibcStructure::Secondary);
        assert_eq!(
            (d.lot.as_deref(), d.link, d.primary),
            (Some("LOT42"), Some('L'), None)
        );
        let primary = with_check("+A123BJC5D6E71");
        let d = parse(&primary).unwrap();
        assert_eq!(d.structure, HibcStructure::Primary);
        assert_eq!(d.primary.unwrap().product, "BJC5D6E7");
        // The human-readable form with its start/stop characters.
        assert!(parse(&format!("*{primary}*")).is_ok());
    }

    #[test]
    fn a_trimmed_space_check_character_is_accepted() {
        // Find a primary whose check character is a space, then drop it as a scanner would.
        let body = (0..100_000)
            .map(|n| format!("+A123P{n}0"))
            .find(|b| check_character(b) == Ok(' '))
            .expect("some product number gives a space check character");
        let d = parse(&body).unwrap();
        assert_eq!(d.check, ' ');
        assert_eq!(parse(&format!("{body} ")).unwrap(), d);
    }

    proptest::proptest! {
        #[test]
        fn generated_codes_round_trip(
            lic in "[A-Z][A-Z0-9]{3}",
            product in "[A-Z0-9]{1,18}",
            uom in 0u8..=9,
            lot in "[A-Z0-9]{1,18}",
            (y, m, d) in (0i32..100, 1u8..=12, 1u8..=28),
            qty in proptest::option::of(0u32..100),
        ) {
            let q = qty.map(|q| format!("8{q:02}")).unwrap_or_default();
            let code = with_check(&format!("+{lic}{product}{uom}/$${q}3{y:02}{m:02}{d:02}{lot}"));
            let h = parse(&code).unwrap();
            let p = h.primary.unwrap();
            proptest::prop_assert_eq!((p.labeler, p.product, p.unit_of_measure), (lic, product, uom));
            proptest::prop_assert_eq!(h.lot, Some(lot));
            proptest::prop_assert_eq!(h.quantity, qty);
            let date = Date::from_calendar_date(2000 + y, Month::try_from(m).unwrap(), d).unwrap();
            proptest::prop_assert_eq!(h.expiry, Some(HibcDate::Day(date)));
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,60}", plus in proptest::prelude::any::<bool>()) {
            let input = if plus { format!("+{s}") } else { s };
            let _ = parse(&input);
        }
    }

    #[test]
    fn scanner_transport_is_removed() {
        let code = "+A99912345/$$52001510X3/16D20111212/S77DE1G45-";
        let want = parse(code).unwrap();
        for raw in [
            format!("]C0{code}"),
            format!("]d1{code}"),
            format!("]Q1{code}\r\n"),
            format!("{code}\n"),
        ] {
            assert_eq!(parse_scan(&raw).as_ref(), Ok(&want), "{raw:?}");
            assert!(looks_like_hibc(&raw));
        }
        assert!(!looks_like_hibc("]d2010950600013435210ABC"));
        assert!(!looks_like_hibc("+/ABC"));
        // Quantity only: nothing after the quantity.
        let d = parse(&with_check("+A123BJC5D6E71/$$810")).unwrap();
        assert_eq!((d.quantity, d.expiry, d.lot), (Some(10), None, None));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert_eq!(parse("A123"), Err(HibcError::NotHibc));
        assert_eq!(parse("+"), Err(HibcError::TooShort));
        let good = with_check("+A123BJC5D6E71");
        let mut bad = good.clone();
        bad.pop();
        bad.push(if good.ends_with('0') { '1' } else { '0' });
        assert!(matches!(parse(&bad), Err(HibcError::CheckCharacter { .. })));
        assert!(matches!(
            parse("+a123b"),
            Err(HibcError::BadCharacter('a', 1))
        ));
        assert!(matches!(
            parse(&with_check("+1BC")),
            Err(HibcError::Secondary(_))
        ));
        assert!(matches!(
            parse(&with_check("+A12/$$1326X")),
            Err(HibcError::Primary(_))
        ));
        assert!(matches!(
            parse(&with_check("+A12345/$$1326X")),
            Err(HibcError::Date { .. })
        ));
        assert!(matches!(
            parse(&with_check("+A12345/$$3261301X")),
            Err(HibcError::Date { .. })
        ));
        assert!(matches!(
            parse(&with_check("+A12345/$$526400X")),
            Err(HibcError::Date { .. })
        ));
        assert!(matches!(
            parse(&with_check("+A12345/$$X")),
            Err(HibcError::Secondary(_))
        ));
        // An unknown supplemental field is kept, not fatal; an empty one is malformed.
        let d = parse(&with_check("+A12345/$X/9QQ")).unwrap();
        assert_eq!(
            (d.lot.as_deref(), d.unknown_fields),
            (Some("X"), vec!["9QQ".to_owned()])
        );
        assert!(matches!(
            parse(&with_check("+A12345/$X//S1")),
            Err(HibcError::Secondary(_))
        ));
        // Lower case from a keyboard wedge with Caps Lock on.
        let code = "+A99912345/$$52001510X3/16D20111212/S77DE1G45-";
        let d = parse_scan(&code.to_ascii_lowercase()).unwrap();
        assert!(d.upper_cased);
        assert_eq!(d.lot.as_deref(), Some("10X3"));
        assert!(parse("+a123b").is_err());
        assert!(parse("+é12").is_err());
    }
}
