//! Scans that may have lost their GS separators.
//!
//! Keyboard-wedge scanners drop GS (FNC1) by default, and a variable-length field then swallows
//! the elements after it: `…10EXP917250101` reads as batch `EXP917250101` with no expiry, when
//! the label said batch `EXP9` and expiry `(17)250101`. The data cannot say which reading is
//! right, so the gateway finds the other reading and lets it count: its alerts are raised
//! (marked as such), both readings are named in a warning, and the scanner is told to beep bad
//! so the user looks at the label. Pure: no I/O.

use crate::gs1::dictionary::Dictionary;
use crate::gs1::{self, Element, Gs1Message, ParseOptions};

/// The other reading of a scan without GS: `ai`'s value cut to `value`, followed by `extra`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlternativeReading {
    /// The variable-length AI whose value may have swallowed further elements.
    pub ai: String,
    /// Its value in the other reading.
    pub value: String,
    /// The elements it swallowed, in the other reading.
    pub extra: Vec<Element>,
}

impl AlternativeReading {
    /// `(10)EXP9 (17)250101`, for messages.
    pub fn describe(&self) -> String {
        let mut s = format!("({}){}", self.ai, self.value);
        for e in &self.extra {
            s.push_str(&format!(" ({}){}", e.ai, e.value));
        }
        s
    }
}

/// The other reading of `msg`, parsed from `input` (symbology identifier and data), when the
/// input is an element string without any GS and one of its variable-length values ends with
/// what reads as complete further elements with valid data (none of them an AI the scan
/// already has, nor one that can carry person data such as the internal AIs 90–99). Where several tails read so, a tail that starts
/// with a fixed-length AI (a date, a quantity: less likely by chance) wins, then the longest.
pub fn alternative_reading(
    input: &[u8],
    msg: &Gs1Message,
    options: &ParseOptions,
) -> Option<AlternativeReading> {
    if input.contains(&0x1d) || !is_element_string(input) {
        return None;
    }
    let dictionary = Dictionary::next();
    let mut best: Option<(bool, AlternativeReading)> = None;
    for e in &msg.elements {
        let Some(entry) = dictionary.lookup(&e.ai) else {
            continue;
        };
        if entry.predefined_length {
            continue;
        }
        let v = e.value.as_bytes();
        // Keep at least one character, and leave a 2-digit AI plus data for the tail.
        for k in 1..v.len().saturating_sub(2) {
            let tail = &v[k..];
            if !(tail[0].is_ascii_digit() && tail[1].is_ascii_digit()) {
                continue;
            }
            if entry.validate(&v[..k]).is_err() {
                continue;
            }
            let mut probe = Vec::with_capacity(3 + tail.len());
            probe.extend_from_slice(b"]d2");
            probe.extend_from_slice(tail);
            let Ok(m) = gs1::parse(&probe, options) else {
                continue;
            };
            let fresh = !m.elements.is_empty()
                && m.elements.iter().all(|x| {
                    // Never a reading that would put person data into a message.
                    !msg.elements.iter().any(|y| y.ai == x.ai)
                        && !crate::event::privacy::ai_may_carry_person_data(&x.ai)
                });
            if !fresh {
                continue;
            }
            let fixed_first = dictionary
                .lookup(&m.elements[0].ai)
                .is_some_and(|x| x.predefined_length);
            // Tails are tried longest first: only a fixed-length start can beat a kept one.
            if best.as_ref().is_none_or(|(f, _)| fixed_first && !f) {
                best = Some((
                    fixed_first,
                    AlternativeReading {
                        ai: e.ai.to_string(),
                        value: String::from_utf8_lossy(&v[..k]).into_owned(),
                        extra: m.elements,
                    },
                ));
            }
        }
    }
    best.map(|(_, r)| r)
}

/// An element string: a GS1 symbology identifier (or none) and no brackets or URI.
fn is_element_string(input: &[u8]) -> bool {
    match input {
        [b']', ..] => gs1::starts_with_ai_symbology(input),
        [a, b, ..] => a.is_ascii_digit() && b.is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(input: &str) -> Option<AlternativeReading> {
        let options = ParseOptions::default();
        let msg = gs1::parse(input.as_bytes(), &options).ok()?;
        alternative_reading(input.as_bytes(), &msg, &options)
    }

    #[test]
    fn a_swallowed_expiry_is_found() {
        let r = reading("]d2010950600013435210EXP917250101").expect("other reading");
        assert_eq!(r.ai, "10");
        assert_eq!(r.value, "EXP9");
        assert_eq!(r.extra[0].ai.as_str(), "17");
        assert_eq!(r.describe(), "(10)EXP9 (17)250101");
    }

    #[test]
    fn a_swallowed_serial_is_found() {
        // hardware-fixtures/serial/gs-absent.bin: batch ABC123, serial S1 without GS.
        let r = reading("]C1010950600013435210ABC12321S1").expect("other reading");
        assert_eq!((r.value.as_str(), r.extra[0].ai.as_str()), ("ABC123", "21"));
        assert_eq!(r.extra[0].value.as_str(), "S1");
    }

    #[test]
    fn nothing_to_find_with_gs_or_without_a_readable_tail() {
        assert_eq!(reading("]d2010950600013435210ABC123\u{1d}21S1"), None);
        assert_eq!(reading("]d2010950600013435210ABC123"), None);
        assert_eq!(reading("(01)09506000134352(10)EXP917250101"), None);
        // The tail would repeat an AI the scan has: not another reading.
        assert_eq!(reading("]d2010950600013435210AB10CD"), None);
    }
}
