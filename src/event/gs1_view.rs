//! What the event stage needs to know about GS1 data beyond `Gs1Message`: AI titles, the HRI and
//! GS1 Digital Link renderings, and GS1 date decoding.
//!
//! The GS1 engine (`crate::gs1`) is growing its own renderers and typed accessors. Until they
//! land, this module reads the titles, Digital Link flags and primary keys straight from the
//! checked-in GS1 Barcode Syntax Dictionary (the same file the engine compiles), so titles and
//! renderings come from the standard and not from a hand-made table. Replace the internals with
//! the engine's API once it is merged; the functions here are the only seam.

use std::collections::HashMap;
use std::sync::OnceLock;

use time::{Date, Month};

use crate::gs1::dictionary::Dictionary;
use crate::gs1::Element;

/// The tagged Syntax Dictionary release, the one the engine validates against by default.
const SYNTAX_DICTIONARY: &str =
    include_str!("../../resources/gs1/gs1-syntax-dictionary-release-2026-01-27.txt");

/// The GS1 Digital Link resolver domain used for canonical URIs.
pub const DIGITAL_LINK_DOMAIN: &str = "https://id.gs1.org";

/// What the event stage uses from one dictionary entry.
#[derive(Debug, Clone)]
struct AiInfo {
    title: &'static str,
    /// `?` flag: may appear as a Digital Link query attribute.
    dl_attribute: bool,
    /// `dlpkey`: primary key; each alternative is an ordered list of optional qualifiers.
    dl_key: Option<Vec<Vec<&'static str>>>,
}

fn table() -> &'static HashMap<String, AiInfo> {
    static TABLE: OnceLock<HashMap<String, AiInfo>> = OnceLock::new();
    TABLE.get_or_init(|| parse_dictionary(SYNTAX_DICTIONARY))
}

/// Parses the Syntax Dictionary text format (`AIs [Flags] Spec [Attributes] [# Title]`).
fn parse_dictionary(text: &'static str) -> HashMap<String, AiInfo> {
    let mut map = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (body, title) = match line.split_once('#') {
            Some((b, t)) => (b, t.trim()),
            None => (line, ""),
        };
        let mut tokens = body.split_whitespace();
        let Some(ais) = tokens.next() else { continue };
        let rest: Vec<&'static str> = tokens.collect();
        let dl_attribute = rest
            .first()
            .is_some_and(|t| !t.starts_with(['N', 'X', 'Y', 'Z', '[']) && t.contains('?'));
        let dl_key = rest.iter().find_map(|t| {
            if *t == "dlpkey" {
                Some(vec![Vec::new()])
            } else {
                t.strip_prefix("dlpkey=").map(|alts| {
                    alts.split('|')
                        .map(|alt| alt.split(',').collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                })
            }
        });
        let info = AiInfo {
            title,
            dl_attribute,
            dl_key,
        };
        match ais.split_once('-') {
            Some((lo, hi)) => {
                let (Ok(a), Ok(b)) = (lo.parse::<u32>(), hi.parse::<u32>()) else {
                    continue;
                };
                for n in a..=b {
                    map.insert(format!("{n:0width$}", width = lo.len()), info.clone());
                }
            }
            None => {
                map.insert(ais.to_string(), info);
            }
        }
    }
    map
}

/// The AI's title from the GS1 Syntax Dictionary (e.g. `GTIN`, `GSRN - RECIPIENT`), or an empty
/// string for an AI the dictionary does not define.
pub fn ai_title(ai: &str) -> &'static str {
    if let Some(entry) = Dictionary::release().lookup(ai) {
        return entry.title;
    }
    table().get(ai).map_or("", |i| i.title)
}

/// Bracketed human-readable interpretation: `(01)09506000134352(10)ABC123`.
pub fn hri(elements: &[Element]) -> String {
    let mut out = String::with_capacity(elements.iter().map(|e| e.value.len() + 6).sum());
    for e in elements {
        out.push('(');
        out.push_str(&e.ai);
        out.push(')');
        out.push_str(&e.value);
    }
    out
}

/// Canonical GS1 Digital Link URI on [`DIGITAL_LINK_DOMAIN`], or `None` when no element is a
/// Digital Link primary key. Key qualifiers go in the path in dictionary order; other elements the
/// dictionary permits as data attributes go in the query string in encoded order; elements that
/// may not appear in a Digital Link are left out.
pub fn digital_link(elements: &[Element]) -> Option<String> {
    let t = table();
    let (key_idx, key_info) = elements.iter().enumerate().find_map(|(i, e)| {
        t.get(&e.ai)
            .filter(|info| info.dl_key.is_some())
            .map(|info| (i, info))
    })?;
    let key = &elements[key_idx];
    let mut used = vec![false; elements.len()];
    used[key_idx] = true;
    let mut uri = String::from(DIGITAL_LINK_DOMAIN);
    push_segment(&mut uri, &key.ai, &key.value);

    // Choose the qualifier alternative that covers the most elements present.
    let alternatives = key_info.dl_key.as_deref().unwrap_or(&[]);
    let best = alternatives.iter().max_by_key(|alt| {
        alt.iter()
            .filter(|q| elements.iter().any(|e| e.ai == **q))
            .count()
    });
    if let Some(alt) = best {
        for q in alt {
            if let Some((i, e)) = elements
                .iter()
                .enumerate()
                .find(|(i, e)| !used[*i] && e.ai == *q)
            {
                used[i] = true;
                push_segment(&mut uri, &e.ai, &e.value);
            }
        }
    }
    let mut first = true;
    for (i, e) in elements.iter().enumerate() {
        if used[i] || !t.get(&e.ai).is_some_and(|info| info.dl_attribute) {
            continue;
        }
        uri.push(if first { '?' } else { '&' });
        first = false;
        uri.push_str(&e.ai);
        uri.push('=');
        percent_encode(&mut uri, &e.value);
    }
    Some(uri)
}

fn push_segment(uri: &mut String, ai: &str, value: &str) {
    uri.push('/');
    uri.push_str(ai);
    uri.push('/');
    percent_encode(uri, value);
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

/// Decodes a GS1 `YYMMDD` date (AIs 11–17): day `00` is the last day of the month, and the
/// century follows the GS1 General Specifications §7.12 sliding window (−49/+50 years)
/// around `reference_year` (the scan's year; pure, no clock).
pub fn gs1_date(value: &str, reference_year: i32) -> Option<Date> {
    let b = value.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |i: usize| i32::from(b[i] - b'0') * 10 + i32::from(b[i + 1] - b'0');
    let (yy, mm, dd) = (num(0), num(2), num(4));
    let month = Month::try_from(u8::try_from(mm).ok()?).ok()?;
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
    let day = if dd == 0 {
        time::util::days_in_month(month, year)
    } else {
        u8::try_from(dd).ok()?
    };
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(ai_title("3103"), ai_title("3100"));
        assert_eq!(ai_title("0"), "");
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
            el("21", "S/1"),
            el("10", "ABC123"),
        ];
        assert_eq!(
            digital_link(&e).as_deref(),
            Some("https://id.gs1.org/01/09506000134352/10/ABC123/21/S%2F1?17=261231")
        );
    }

    #[test]
    fn digital_link_for_locations_patients_and_sscc() {
        assert_eq!(
            digital_link(&[el("414", "9506000134369"), el("254", "B12")]).as_deref(),
            Some("https://id.gs1.org/414/9506000134369/254/B12")
        );
        assert_eq!(
            digital_link(&[el("8018", "950600013436900013"), el("8019", "7")]).as_deref(),
            Some("https://id.gs1.org/8018/950600013436900013/8019/7")
        );
        assert_eq!(
            digital_link(&[el("00", "395060001343528759")]).as_deref(),
            Some("https://id.gs1.org/00/395060001343528759")
        );
        assert_eq!(digital_link(&[el("10", "ABC")]), None);
    }

    #[test]
    fn gs1_dates_handle_day_00_and_the_century_window() {
        let d = |y, m, day| Date::from_calendar_date(y, m, day).ok();
        assert_eq!(gs1_date("261231", 2026), d(2026, Month::December, 31));
        assert_eq!(gs1_date("130200", 2026), d(2013, Month::February, 28));
        assert_eq!(gs1_date("240200", 2026), d(2024, Month::February, 29));
        assert_eq!(gs1_date("261100", 2026), d(2026, Month::November, 30));
        // Sliding window: 2026 + 50 = 2076 is the latest; 77 is 1977.
        assert_eq!(gs1_date("760101", 2026), d(2076, Month::January, 1));
        assert_eq!(gs1_date("770101", 2026), d(1977, Month::January, 1));
        assert_eq!(gs1_date("010101", 2098), d(2101, Month::January, 1));
        assert_eq!(gs1_date("261301", 2026), None);
        assert_eq!(gs1_date("260231", 2026), None);
        assert_eq!(gs1_date("26123", 2026), None);
        assert_eq!(gs1_date("2612A1", 2026), None);
    }
}
