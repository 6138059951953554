//! The event stage's view of GS1 renderings: AI titles, HRI, GS1 Digital Link and dates, all
//! delegated to the GS1 engine (`crate::gs1`), plus the percent-encoding the privacy stage uses
//! to find a value inside a Digital Link it must redact.

use time::Date;

use crate::gs1::{identifiers, Element, Gs1Message, DEFAULT_STEM};

/// The GS1 Digital Link resolver domain used for canonical URIs.
pub const DIGITAL_LINK_DOMAIN: &str = DEFAULT_STEM;

/// The AI's title from the GS1 Syntax Dictionary (e.g. `GTIN`, `GSRN - RECIPIENT`), or
/// `UNKNOWN` for an AI the dictionary does not define.
pub fn ai_title(ai: &str) -> &'static str {
    Element {
        ai: ai.into(),
        value: Default::default(),
    }
    .title()
}

fn message(elements: &[Element]) -> Gs1Message {
    Gs1Message {
        symbology: None,
        elements: elements.to_vec(),
        warnings: Vec::new(),
        dl_path_len: 0,
    }
}

/// Bracketed human-readable interpretation: `(01)09506000134352(10)ABC123`.
pub fn hri(elements: &[Element]) -> String {
    message(elements).hri()
}

/// Canonical GS1 Digital Link URI on [`DIGITAL_LINK_DOMAIN`], or `None` when the elements have
/// no Digital Link primary key (or cannot be rendered as one).
pub fn digital_link(elements: &[Element]) -> Option<String> {
    message(elements).digital_link(DIGITAL_LINK_DOMAIN).ok()
}

/// Decodes a GS1 `YYMMDD` date (AIs 11–17): day `00` is the last day of the month, and the
/// century follows the GS1 sliding window around `reference_year` (the scan's year; pure).
pub fn gs1_date(value: &str, reference_year: i32) -> Option<Date> {
    identifiers::yymmdd(value, reference_year)
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
pub(crate) fn percent_encode(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;

    fn el(ai: &str, value: &str) -> Element {
        Element {
            ai: ai.into(),
            value: value.into(),
        }
    }

    #[test]
    fn titles_come_from_the_syntax_dictionary() {
        assert_eq!(ai_title("01"), "GTIN");
        assert_eq!(ai_title("10"), "BATCH/LOT");
        assert_eq!(ai_title("17"), "USE BY or EXPIRY");
        assert_eq!(ai_title("8018"), "GSRN - RECIPIENT");
        assert_eq!(ai_title("8017"), "GSRN - PROVIDER");
        assert_eq!(ai_title("414"), "LOC No.");
        assert_eq!(ai_title("93"), "INTERNAL");
    }

    #[test]
    fn hri_brackets_every_ai() {
        let e = [el("01", "09506000134352"), el("10", "ABC123")];
        assert_eq!(hri(&e), "(01)09506000134352(10)ABC123");
        assert_eq!(hri(&[]), "");
    }

    #[test]
    fn digital_link_puts_qualifiers_in_path_and_attributes_in_query() {
        let e = [
            el("01", "09506000134352"),
            el("17", "261231"),
            el("21", "S1"),
            el("10", "ABC123"),
        ];
        assert_eq!(
            digital_link(&e).as_deref(),
            Some("https://id.gs1.org/01/09506000134352/10/ABC123/21/S1?17=261231")
        );
        assert_eq!(digital_link(&[el("10", "ABC")]), None);
    }

    #[test]
    fn gs1_dates_handle_day_00_and_the_century_window() {
        let d = |y, m, day| Date::from_calendar_date(y, m, day).ok();
        assert_eq!(gs1_date("261231", 2026), d(2026, Month::December, 31));
        assert_eq!(gs1_date("130200", 2026), d(2013, Month::February, 28));
        assert_eq!(gs1_date("240200", 2026), d(2024, Month::February, 29));
        assert_eq!(gs1_date("261301", 2026), None);
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        let mut s = String::new();
        percent_encode(&mut s, "A-z_0.~ /:%");
        assert_eq!(s, "A-z_0.~%20%2F%3A%25");
    }
}
