//! Pure normalisation of what a decoder backend returns into what a handheld scanner would have
//! transmitted: the AIM symbology identifier (ISO/IEC 15424) and the data with GS (0x1D) for
//! FNC1 separators, no `]C1` in the text, element-string form for DataBar, 13 digits for
//! UPC-A/UPC-E under `]E0`.
//!
//! Backends disagree with each other and with the standard in small ways (see the module docs of
//! `rxing_backend`), so GS1-ness is decided here from the data and the codewords, never from a
//! backend's own symbology claim.

/// ASCII group separator, the transmitted form of a non-leading FNC1.
pub const GS: u8 = 0x1D;

/// Predefined-length AIs (GS1 General Specifications, figure 7.8.5-2): the first two digits of
/// the AI and the total length of AI plus value. No FNC1 separator follows these elements. This
/// table is frozen by the standard ("will never change"), unlike the AI dictionary.
const PREDEFINED_LENGTH: [(&[u8; 2], usize); 22] = [
    (b"00", 20),
    (b"01", 16),
    (b"02", 16),
    (b"03", 16),
    (b"04", 18),
    (b"11", 8),
    (b"12", 8),
    (b"13", 8),
    (b"14", 8),
    (b"15", 8),
    (b"16", 8),
    (b"17", 8),
    (b"18", 8),
    (b"19", 8),
    (b"20", 4),
    (b"31", 10),
    (b"32", 10),
    (b"33", 10),
    (b"34", 10),
    (b"35", 10),
    (b"36", 10),
    (b"41", 16),
];

/// True when an element starting with this AI needs no FNC1 separator after it.
pub fn is_predefined_length(ai: &[u8]) -> bool {
    ai.len() >= 2 && PREDEFINED_LENGTH.iter().any(|(p, _)| p[..] == ai[..2])
}

/// Why a bracketed HRI string cannot be turned into an element string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HriError {
    /// The text does not start with `(`.
    #[error("HRI text does not start with an AI in parentheses")]
    NoLeadingAi,
    /// An AI in parentheses is not 2 to 4 digits.
    #[error("malformed AI at byte {0}")]
    BadAi(usize),
    /// An AI has no value.
    #[error("empty value at byte {0}")]
    EmptyValue(usize),
}

/// Converts bracketed HRI (`(01)09506000134352(10)ABC`) to an element string with GS after
/// every element that is not of predefined length (except the last).
///
/// A value may legally contain `(` (GS1 character set 82), so an AI boundary is only taken where
/// `(` is followed by 2–4 digits and `)`. The GS1 engine checks the result afterwards; a value
/// that happens to contain `(nn)` could still be split wrongly, in which case the engine rejects
/// it (missing or ill-formed AI) rather than producing a misread.
pub fn hri_to_element_string(hri: &[u8]) -> Result<Vec<u8>, HriError> {
    if hri.first() != Some(&b'(') {
        return Err(HriError::NoLeadingAi);
    }
    let ai_at = |pos: usize| -> Option<usize> {
        // Returns the index of the closing ')' when an AI starts at `pos`.
        if hri.get(pos) != Some(&b'(') {
            return None;
        }
        let digits = hri[pos + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let close = pos + 1 + digits;
        ((2..=4).contains(&digits) && hri.get(close) == Some(&b')')).then_some(close)
    };
    let mut out = Vec::with_capacity(hri.len());
    let mut pos = 0;
    while pos < hri.len() {
        let close = ai_at(pos).ok_or(HriError::BadAi(pos))?;
        let ai = &hri[pos + 1..close];
        let start = close + 1;
        let mut end = start;
        while end < hri.len() && ai_at(end).is_none() {
            end += 1;
        }
        if end == start {
            return Err(HriError::EmptyValue(start));
        }
        out.extend_from_slice(ai);
        out.extend_from_slice(&hri[start..end]);
        if end < hri.len() && !is_predefined_length(ai) {
            out.push(GS);
        }
        pos = end;
    }
    Ok(out)
}

/// Renders an element list as bracketed HRI: `(01)09506000134352(17)261231`.
pub fn render_hri<'a>(elements: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    elements
        .into_iter()
        .map(|(ai, value)| format!("({ai}){value}"))
        .collect()
}

/// GS1 modulo-10 check digit over `digits` (all but the check digit).
pub fn gs1_check_digit(digits: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        if !d.is_ascii_digit() {
            return None;
        }
        let v = u32::from(d - b'0');
        sum += if i % 2 == 0 { v * 3 } else { v };
    }
    Some(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// True when the digit string ends with its correct GS1 check digit.
pub fn has_valid_check_digit(digits: &[u8]) -> bool {
    match digits.split_last() {
        Some((last, body)) if !body.is_empty() => gs1_check_digit(body) == Some(*last),
        _ => false,
    }
}

/// Expands an 8-digit UPC-E (number system, 6 digits, check) to its 12-digit UPC-A form.
pub fn upce_to_upca(upce: &[u8]) -> Option<Vec<u8>> {
    if upce.len() != 8 || !upce.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let ns = upce[0];
    let d = &upce[1..7];
    let check = upce[7];
    let mut body = vec![ns];
    match d[5] {
        b'0' | b'1' | b'2' => {
            body.extend_from_slice(&[d[0], d[1], d[5], b'0', b'0', b'0', b'0', d[2], d[3], d[4]])
        }
        b'3' => {
            body.extend_from_slice(&[d[0], d[1], d[2], b'0', b'0', b'0', b'0', b'0', d[3], d[4]])
        }
        b'4' => {
            body.extend_from_slice(&[d[0], d[1], d[2], d[3], b'0', b'0', b'0', b'0', b'0', d[4]])
        }
        _ => body.extend_from_slice(&[d[0], d[1], d[2], d[3], d[4], b'0', b'0', b'0', b'0', d[5]]),
    }
    body.push(check);
    Some(body)
}

/// Data codewords per DataMatrix ECC 200 symbol size; `true` marks DMRE (ISO/IEC 21471) sizes.
/// Used to restore the `]d7`/`]d8` identifiers that rxing does not produce.
const DM_SIZES: &[(u16, u16, usize, bool)] = &[
    (10, 10, 3, false),
    (12, 12, 5, false),
    (14, 14, 8, false),
    (16, 16, 12, false),
    (18, 18, 18, false),
    (20, 20, 22, false),
    (22, 22, 30, false),
    (24, 24, 36, false),
    (26, 26, 44, false),
    (32, 32, 62, false),
    (36, 36, 86, false),
    (40, 40, 114, false),
    (44, 44, 144, false),
    (48, 48, 174, false),
    (52, 52, 204, false),
    (64, 64, 280, false),
    (72, 72, 368, false),
    (80, 80, 456, false),
    (88, 88, 576, false),
    (96, 96, 696, false),
    (104, 104, 816, false),
    (120, 120, 1050, false),
    (132, 132, 1304, false),
    (144, 144, 1558, false),
    (8, 18, 5, false),
    (8, 32, 10, false),
    (12, 26, 16, false),
    (12, 36, 22, false),
    (16, 36, 32, false),
    (16, 48, 49, false),
    (8, 48, 18, true),
    (8, 64, 24, true),
    (8, 80, 32, true),
    (8, 96, 38, true),
    (8, 120, 49, true),
    (8, 144, 63, true),
    (12, 64, 43, true),
    (12, 88, 64, true),
    (16, 64, 62, true),
    (20, 36, 44, true),
    (20, 44, 56, true),
    (20, 64, 84, true),
    (22, 48, 72, true),
    (24, 48, 80, true),
    (24, 64, 108, true),
    (26, 40, 70, true),
    (26, 48, 90, true),
    (26, 64, 118, true),
];

/// Decides whether a DataMatrix with `data_codewords` data codewords and the given corner points
/// is a DMRE symbol. Where a codeword count is shared by a DMRE and an ECC 200 size, the
/// symbol's aspect ratio (from its corners) picks the size whose aspect ratio is closest.
pub fn datamatrix_is_dmre(data_codewords: usize, points: &[(f32, f32)]) -> bool {
    let candidates: Vec<_> = DM_SIZES
        .iter()
        .filter(|(_, _, n, _)| *n == data_codewords)
        .collect();
    match candidates.as_slice() {
        [] => false,
        [only] => only.3,
        many => {
            let Some(aspect) = aspect_ratio(points) else {
                return false;
            };
            many.iter()
                .min_by(|a, b| {
                    let da = (f32::from(a.1) / f32::from(a.0)).ln() - aspect.ln();
                    let db = (f32::from(b.1) / f32::from(b.0)).ln() - aspect.ln();
                    da.abs().total_cmp(&db.abs())
                })
                .is_some_and(|c| c.3)
        }
    }
}

/// Long side over short side of the quadrilateral given by four corner points.
fn aspect_ratio(points: &[(f32, f32)]) -> Option<f32> {
    if points.len() < 4 {
        return None;
    }
    let d = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let s1 = (d(points[0], points[1]) + d(points[2], points[3])) / 2.0;
    let s2 = (d(points[1], points[2]) + d(points[3], points[0])) / 2.0;
    let (long, short) = if s1 > s2 { (s1, s2) } else { (s2, s1) };
    (short > 0.0).then(|| long / short)
}

/// Removes one trailing GS: GS1 forbids a trailing FNC1, and rxing appends one when a Code 128
/// check character happens to be the FNC1 value.
pub fn strip_trailing_gs(data: &mut Vec<u8>) {
    if data.last() == Some(&GS) {
        data.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hri_becomes_element_string_with_separators() {
        let es = hri_to_element_string(b"(01)09506000134352(10)ABC123(17)261231(21)S1").unwrap();
        assert_eq!(
            es,
            b"0109506000134352"
                .iter()
                .chain(b"10ABC123\x1d17261231")
                .chain(b"21S1")
                .copied()
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn hri_value_with_parenthesis_is_kept() {
        let es = hri_to_element_string(b"(10)A(B)C(21)X").unwrap();
        assert_eq!(es, b"10A(B)C\x1d21X");
    }

    #[test]
    fn hri_rejects_non_hri() {
        assert_eq!(
            hri_to_element_string(b"0109506000134352"),
            Err(HriError::NoLeadingAi)
        );
        assert_eq!(hri_to_element_string(b"(1)2"), Err(HriError::BadAi(0)));
        assert_eq!(
            hri_to_element_string(b"(10)(21)X"),
            Err(HriError::EmptyValue(4))
        );
    }

    #[test]
    fn check_digits() {
        assert!(has_valid_check_digit(b"09506000134352"));
        assert!(!has_valid_check_digit(b"09506000134353"));
        assert!(has_valid_check_digit(b"5012345678900"));
        assert!(!has_valid_check_digit(b""));
    }

    #[test]
    fn upce_expands() {
        // 0 123456 5 -> 012345000065 (last digit 6: manufacturer 12345, item 6)
        assert_eq!(upce_to_upca(b"01234565").unwrap(), b"012345000065");
        assert_eq!(upce_to_upca(b"04252614").unwrap(), b"042100005264");
        assert!(upce_to_upca(b"0123").is_none());
    }

    #[test]
    fn dmre_by_codewords_and_aspect() {
        let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let long = [(0.0, 0.0), (60.0, 0.0), (60.0, 10.0), (0.0, 10.0)];
        assert!(!datamatrix_is_dmre(18, &square));
        assert!(datamatrix_is_dmre(18, &long));
        assert!(datamatrix_is_dmre(90, &square));
        assert!(!datamatrix_is_dmre(5, &long));
        // 16x48 (aspect 3) vs 8x120 (aspect 15), both 49 codewords.
        let three = [(0.0, 0.0), (30.0, 0.0), (30.0, 10.0), (0.0, 10.0)];
        assert!(!datamatrix_is_dmre(49, &three));
    }

    #[test]
    fn predefined_lengths() {
        assert!(is_predefined_length(b"01"));
        assert!(is_predefined_length(b"3103"));
        assert!(!is_predefined_length(b"10"));
        assert!(!is_predefined_length(b"8018"));
    }
}
