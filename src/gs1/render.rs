//! Rendering elements back to the bracketed, element-string and scanner-data forms.

use super::ai_index::AiIndex;
use super::digital_link::{self, RenderError, DEFAULT_STEM};
use super::Element;

/// `(01)…(10)…`, escaping data brackets as `\(` so that the text parses back.
pub(crate) fn hri(elements: &[Element]) -> String {
    let mut out = String::with_capacity(
        elements
            .iter()
            .map(|e| e.ai.len() + e.value.len() + 2)
            .sum(),
    );
    hri_into(elements, &mut out);
    out
}

/// [`hri`], appended to `out`.
pub(crate) fn hri_into(elements: &[Element], out: &mut String) {
    for e in elements {
        out.push('(');
        out.push_str(&e.ai);
        out.push(')');
        let mut rest = e.value.as_str();
        while let Some(i) = rest.find('(') {
            out.push_str(&rest[..i]);
            out.push_str("\\(");
            rest = &rest[i + 1..];
        }
        out.push_str(rest);
    }
}

/// Element string with GS after every variable-length element except the last.
pub(crate) fn element_string(index: &AiIndex, elements: &[Element]) -> String {
    let mut out = String::with_capacity(
        elements
            .iter()
            .map(|e| e.ai.len() + e.value.len() + 1)
            .sum(),
    );
    for (i, e) in elements.iter().enumerate() {
        out.push_str(&e.ai);
        out.push_str(&e.value);
        let fixed = index.lookup(&e.ai).is_some_and(|en| en.predefined_length);
        if !fixed && i + 1 < elements.len() {
            out.push('\u{1d}');
        }
    }
    out
}

pub(crate) fn scanner_data(
    index: &AiIndex,
    elements: &[Element],
    dl_path_len: usize,
    symbology: &str,
) -> Result<String, RenderError> {
    match symbology {
        "]C1" | "]d2" | "]Q3" | "]e0" | "]J1" => {
            if elements.is_empty() {
                return Err(RenderError::Symbology("no AIs to encode".into()));
            }
            Ok(format!("{symbology}{}", element_string(index, elements)))
        }
        "]E0" | "]E4" => {
            let (digits, name) = if symbology == "]E0" {
                (13, "EAN-13")
            } else {
                (8, "EAN-8")
            };
            let gtin = match elements.first() {
                Some(e) if e.ai == "01" => e.value.as_str(),
                _ => {
                    return Err(RenderError::Symbology(format!(
                        "{name} carries a GTIN (01) first"
                    )))
                }
            };
            let pad = 14 - digits;
            if gtin.len() != 14 || !gtin.as_bytes()[..pad].iter().all(|&b| b == b'0') {
                return Err(RenderError::Symbology(format!(
                    "this GTIN does not fit {name} ({digits} digits)"
                )));
            }
            let mut out = format!("{symbology}{}", &gtin[pad..]);
            if elements.len() > 1 {
                out.push_str("|]e0");
                out.push_str(&element_string(index, &elements[1..]));
            }
            Ok(out)
        }
        "]Q1" | "]d1" | "]J0" | "]C0" => {
            let uri = digital_link::render(index, elements, dl_path_len, DEFAULT_STEM)?;
            Ok(format!("{symbology}{uri}"))
        }
        other => Err(RenderError::Symbology(format!(
            "{other} is not a symbology that carries GS1 data"
        ))),
    }
}
