//! GS1 DataBar Limited reader for the rxing backend, which has none: a port of zxing-cpp's
//! `core/src/oned/ODDataBarLimitedReader.cpp` and the helpers it uses from `ODDataBarCommon`
//! (zxing-cpp commit 77dceca0, Copyright 2024 Axel Waggershauser, Apache-2.0), on rows of
//! bar/space run lengths.
//!
//! As in zxing-cpp, a symbol counts only when two image rows give the same data (the rows next
//! to the first one are tried at once): a single row passing the mod-89 checksum by chance is
//! not a read. Additionally, and unlike zxing-cpp, element widths below one module and
//! character values outside their range are rejected instead of decoded.

use super::normalize::gs1_check_digit;

const CHAR_LEN: usize = 14;
/// Left guard bar, three characters of 14 elements, right guard space and bar.
const SYMBOL_LEN: usize = 1 + 3 * CHAR_LEN + 2;

/// The 89 check character patterns (18 modules; bit set = bar module), index = checksum.
#[rustfmt::skip]
const CHECK_CHARS: [u32; 89] = [
    0b10_10101010_11100010, 0b10_10101010_01110010, 0b10_10101010_00111010, 0b10_10101001_01110010, 0b10_10101001_00111010,
    0b10_10101000_10111010, 0b10_10100101_01110010, 0b10_10100101_00111010, 0b10_10100100_10111010, 0b10_10100010_10111010,
    0b10_10010101_01110010, 0b10_10010101_00111010, 0b10_10010100_10111010, 0b10_10010010_10111010, 0b10_10001010_10111010,
    0b10_01010101_01110010, 0b10_01010101_00111010, 0b10_01010100_10111010, 0b10_01010010_10111010, 0b10_01001010_10111010,
    0b10_00101010_10111010, 0b10_10101011_01100010, 0b10_10101011_00110010, 0b10_10101011_00011010, 0b10_10101001_10110010,
    0b10_10101001_10011010, 0b10_10101000_11011010, 0b10_10100101_10110010, 0b10_10100101_10011010, 0b10_10100100_11011010,
    0b10_10100010_11011010, 0b10_10010101_10110010, 0b10_10010101_10011010, 0b10_10010100_11011010, 0b10_10010010_11011010,
    0b10_10001010_11011010, 0b10_01010101_10110010, 0b10_01010101_10011010, 0b10_01010100_11011010, 0b10_01010010_11011010,
    0b10_01001010_11011010, 0b10_00101010_11011010, 0b10_10101011_10100010, 0b10_10101011_10010010, 0b10_10101001_11010010,
    0b10_10010101_11010010, 0b10_01010101_11010010, 0b10_10101101_01100010, 0b10_10101101_00110010, 0b10_10101101_00011010,
    0b10_10101100_10110010, 0b10_10010110_10110010, 0b10_10010110_10011010, 0b10_10010110_01011010, 0b10_10010011_01011010,
    0b10_10001011_01011010, 0b10_01010110_10110010, 0b10_01010110_10011010, 0b10_01001011_01011010, 0b10_10110101_01100010,
    0b10_10110101_00110010, 0b10_10110101_00011010, 0b10_10110100_10110010, 0b10_10110100_10011010, 0b10_10110010_10110010,
    0b10_01011010_10110010, 0b10_01011010_10011010, 0b10_01011010_01011010, 0b10_01011001_01011010, 0b10_01001101_01011010,
    0b10_00101101_01011010, 0b10_11010101_01100010, 0b10_11010101_00110010, 0b10_11010101_00011010, 0b10_11010100_10110010,
    0b10_11010100_10011010, 0b10_11010100_01011010, 0b10_11010010_10110010, 0b10_11010010_10011010, 0b10_11001010_10110010,
    0b11_01010101_00110010, 0b11_01010101_00011010, 0b11_01010100_10110010, 0b11_01010100_10011010, 0b11_01010100_01011010,
    0b11_01010010_10011010, 0b11_01010010_01011010, 0b11_01001010_10011010, 0b11_01010101_10010010,
];

/// A symbol found on one row: the transmitted data (`01` + GTIN-14) and its horizontal extent
/// in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowHit {
    /// `01` and the 14-digit GTIN.
    pub data: Vec<u8>,
    /// First pixel of the left guard bar.
    pub start: u32,
    /// Last pixel of the right guard bar.
    pub end: u32,
}

/// A symbol confirmed by at least two rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// `01` and the 14-digit GTIN.
    pub data: Vec<u8>,
    /// The two ends of the first row it was read on, in pixels.
    pub line: [(f32, f32); 2],
}

/// Run lengths of a row of pixels (`true` = dark), zxing-cpp's `PatternRow` layout: a space
/// first (0 when the row starts dark), then bars and spaces alternately, a space last.
pub fn runs(row: impl IntoIterator<Item = bool>) -> Vec<u32> {
    let mut out = Vec::with_capacity(128);
    let mut dark = false;
    let mut n = 0u32;
    for px in row {
        if px == dark {
            n += 1;
        } else {
            out.push(n);
            dark = px;
            n = 1;
        }
    }
    out.push(n);
    if dark {
        out.push(0);
    }
    out
}

fn is_guard(a: i64, b: i64) -> bool {
    a > b * 3 / 4 - 2 && a < b * 5 / 4 + 2
}

fn has_26_to_18_ratio(v26: u32, v18: u32) -> bool {
    let (v26, v18) = (f64::from(v26), f64::from(v18));
    let expected = v18 / 18.0 * 26.0;
    v26 + 1.5 * v26 / 26.0 > expected && v26 - 1.5 * v26 / 26.0 < expected
}

/// Element widths in modules of a 14-element character of `mods` modules, from its
/// edge-to-similar-edge distances, with the smallest even-numbered element (odd index) one
/// module wide. `None` when a width comes out below one module.
fn widths_from_e2e(view: &[u32], mods: i64) -> Option<[i64; CHAR_LEN]> {
    let module = f64::from(view.iter().sum::<u32>()) / mods as f64;
    if module <= 0.0 {
        return None;
    }
    let mut w = [0i64; CHAR_LEN];
    w[0] = 1;
    let mut sum = 1;
    for i in 0..CHAR_LEN - 2 {
        let e2e = (f64::from(view[i] + view[i + 1]) / module + 0.5) as i64;
        w[i + 1] = e2e - w[i];
        sum += w[i + 1];
    }
    w[CHAR_LEN - 1] = mods - sum;
    let min_even = w.iter().skip(1).step_by(2).copied().min()?;
    if min_even > 1 {
        for i in (0..CHAR_LEN).step_by(2) {
            w[i] += min_even - 1;
            w[i + 1] -= min_even - 1;
        }
    }
    w.iter().all(|&x| x >= 1).then_some(w)
}

fn to_bits(widths: &[i64]) -> Option<u32> {
    let mut bits = 0u32;
    for (i, &w) in widths.iter().enumerate() {
        if !(1..=18).contains(&w) {
            return None;
        }
        bits = bits.checked_shl(w as u32)?;
        if i % 2 == 0 {
            bits |= (1u32 << w) - 1;
        }
    }
    Some(bits)
}

fn combins(n: i64, r: i64) -> i64 {
    let (min_denom, max_denom) = if n - r > r { (r, n - r) } else { (n - r, r) };
    let mut val = 1i64;
    let mut j = 1i64;
    let mut i = n;
    while i > max_denom {
        val *= i;
        if j <= min_denom {
            val /= j;
            j += 1;
        }
        i -= 1;
    }
    while j <= min_denom {
        val /= j;
        j += 1;
    }
    val
}

/// The RSS value of an (n, k) element-width set (ISO/IEC 24724 Annex, zxing-cpp `GetValue`).
fn get_value(widths: &[i64], max_width: i64, no_narrow: bool) -> i64 {
    let elements = widths.len() as i64;
    let mut n: i64 = widths.iter().sum();
    let mut val = 0i64;
    let mut narrow_mask = 0i64;
    for bar in 0..elements - 1 {
        let mut elm_width = 1;
        narrow_mask |= 1 << bar;
        while elm_width < widths[bar as usize] {
            let mut sub_val = combins(n - elm_width - 1, elements - bar - 2);
            if no_narrow
                && narrow_mask == 0
                && n - elm_width - (elements - bar - 1) >= elements - bar - 1
            {
                sub_val -= combins(n - elm_width - (elements - bar), elements - bar - 2);
            }
            if elements - bar - 1 > 1 {
                let mut less_val = 0;
                let mut mxw_element = n - elm_width - (elements - bar - 2);
                while mxw_element > max_width {
                    less_val += combins(n - elm_width - mxw_element - 1, elements - bar - 3);
                    mxw_element -= 1;
                }
                sub_val -= less_val * (elements - 1 - bar);
            } else if n - elm_width > max_width {
                sub_val -= 1;
            }
            val += sub_val;
            elm_width += 1;
            narrow_mask &= !(1 << bar);
        }
        n -= elm_width;
    }
    val
}

/// One data character: (value, checksum weight sum), or `None`.
fn data_character(view: &[u32]) -> Option<(i64, i64)> {
    const G_SUM: [i64; 7] = [
        0, 183_064, 820_064, 1_000_776, 1_491_021, 1_979_845, 1_996_939,
    ];
    const T_EVEN: [i64; 7] = [28, 728, 6454, 203, 2408, 1, 16632];
    const ODD_SUM: [i64; 7] = [17, 13, 9, 15, 11, 19, 7];
    const ODD_WIDEST: [i64; 7] = [6, 5, 3, 5, 4, 8, 1];
    let w = widths_from_e2e(view, 26)?;
    let checksum = w.iter().rev().fold(0i64, |c, &v| 3 * c + v);
    let odd: Vec<i64> = w.iter().step_by(2).copied().collect();
    let even: Vec<i64> = w.iter().skip(1).step_by(2).copied().collect();
    let group = ODD_SUM.iter().position(|&s| s == odd.iter().sum::<i64>())?;
    let odd_widest = ODD_WIDEST[group];
    let v_odd = get_value(&odd, odd_widest, false);
    let v_even = get_value(&even, 9 - odd_widest, true);
    let value = v_odd * T_EVEN[group] + v_even + G_SUM[group];
    let next_group = G_SUM.get(group + 1).copied().unwrap_or(2_013_571);
    (G_SUM[group]..next_group)
        .contains(&value)
        .then_some((value, checksum))
}

/// Every DataBar Limited symbol on one row of run lengths ([`runs`]), left to right.
pub fn decode_row(runs: &[u32]) -> Vec<RowHit> {
    let mut hits = Vec::new();
    let len = runs.len();
    let mut i = 1;
    while i + SYMBOL_LEN < len {
        if let Some(data) = decode_at(runs, i) {
            let start: u32 = runs[..i].iter().sum();
            let end = start + runs[i..i + SYMBOL_LEN].iter().sum::<u32>() - 1;
            hits.push(RowHit { data, start, end });
            i += SYMBOL_LEN + 1;
        } else {
            i += 2;
        }
    }
    hits
}

/// The symbol whose left guard bar is `runs[i]`, if there is one.
fn decode_at(runs: &[u32], i: usize) -> Option<Vec<u8>> {
    let v = &runs[i..i + SYMBOL_LEN];
    let first = i == 1;
    let last = i + SYMBOL_LEN == runs.len() - 1;
    let before = runs[i - 1];
    let after = runs[i + SYMBOL_LEN];
    if !is_guard(i64::from(v[27]), i64::from(v[43])) {
        return None;
    }
    let space = (v[27] + v[43]) / 2;
    if (!first && before < space) || (!last && after < 4 * space) {
        return None;
    }
    let bars = [v[0], v[28], v[44]];
    let (min_bar, max_bar) = (*bars.iter().min()?, *bars.iter().max()?);
    if max_bar > min_bar * 4 / 3 + 1 {
        return None;
    }
    let (left, check, right) = (&v[1..15], &v[15..29], &v[29..43]);
    let (lw, cw, rw) = (
        left.iter().sum::<u32>(),
        check.iter().sum::<u32>(),
        right.iter().sum::<u32>(),
    );
    if !has_26_to_18_ratio(lw, cw) || !has_26_to_18_ratio(rw, cw) {
        return None;
    }
    let module = f64::from(lw + cw + rw) / 70.0;
    if (!first && f64::from(before) < module) || (!last && f64::from(after) < 5.0 * module) {
        return None;
    }
    let check_bits = to_bits(&widths_from_e2e(check, 18)?)?;
    let checksum = CHECK_CHARS.iter().position(|&c| c == check_bits)? as i64;
    let (lv, lc) = data_character(left)?;
    let (rv, rc) = data_character(right)?;
    if (lc + 20 * rc) % 89 != checksum {
        return None;
    }
    let mut value = 2_013_571 * lv + rv;
    // A GS1 Composite linkage flag adds this offset (ISO/IEC 24724:2011, 6.2.3).
    if value >= 2_015_133_531_096 {
        value -= 2_015_133_531_096;
    }
    // DataBar Limited carries indicator digit 0 or 1: 13 digits, at most 1 999 999 999 999.
    if value > 1_999_999_999_999 {
        return None;
    }
    let digits = format!("{value:013}");
    let check_digit = gs1_check_digit(digits.as_bytes())?;
    let mut data = b"01".to_vec();
    data.extend_from_slice(digits.as_bytes());
    data.push(check_digit);
    Some(data)
}

/// Scans an image whose rows `row(y)` returns (dark = `true`), from the middle row outwards
/// like zxing-cpp: 15 rows 1/32 of the height apart, or (`thorough`) every 1/256 of the height
/// over the whole image; each row both ways. A symbol is reported once two rows agree.
pub fn scan(
    width: u32,
    height: u32,
    thorough: bool,
    mut row: impl FnMut(u32) -> Option<Vec<bool>>,
) -> Vec<Hit> {
    let h = i64::from(height);
    let step = (h / if thorough { 256 } else { 32 }).max(1);
    let max_lines = if thorough { h } else { 15 };
    let middle = h / 2;
    // Each symbol read so far: data, the line it was first read on, the rows that gave it.
    type Seen = Vec<(Vec<u8>, [(f32, f32); 2], Vec<i64>)>;
    let mut seen: Seen = Vec::new();
    let mut read_row = |y: i64, seen: &mut Seen| -> bool {
        let Some(pixels) = row(y as u32) else {
            return false;
        };
        let mut r = runs(pixels);
        let mut new = false;
        for reversed in [false, true] {
            if reversed {
                r.reverse();
            }
            for hit in decode_row(&r) {
                let (a, b) = if reversed {
                    (width - 1 - hit.end, width - 1 - hit.start)
                } else {
                    (hit.start, hit.end)
                };
                let line = [(a as f32, y as f32), (b as f32, y as f32)];
                match seen.iter_mut().find(|s| s.0 == hit.data) {
                    Some(s) => {
                        if !s.2.contains(&y) {
                            s.2.push(y);
                        }
                    }
                    None => {
                        seen.push((hit.data, line, vec![y]));
                        new = true;
                    }
                }
            }
        }
        new
    };
    for i in 0..max_lines {
        let steps = (i + 1) / 2;
        let y = if i % 2 == 0 {
            middle + step * steps
        } else {
            middle - step * steps
        };
        if y < 0 || y >= h {
            break;
        }
        if read_row(y, &mut seen) && step > 1 {
            for dy in [-1, 1, -2, 2] {
                if (0..h).contains(&(y + dy)) {
                    read_row(y + dy, &mut seen);
                }
            }
        }
    }
    seen.into_iter()
        .filter(|s| s.2.len() >= 2)
        .map(|(data, line, _)| Hit { data, line })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run lengths of a module pattern (`1` = bar), each module `scale` pixels, with quiet
    /// zones of `quiet` modules.
    fn render(modules: &str, scale: u32, quiet: u32) -> Vec<u32> {
        let mut px: Vec<bool> = vec![false; (quiet * scale) as usize];
        for m in modules.chars() {
            px.extend(std::iter::repeat_n(m == '1', scale as usize));
        }
        px.extend(std::iter::repeat_n(false, (quiet * scale) as usize));
        runs(px)
    }

    #[test]
    fn runs_layout() {
        assert_eq!(runs([false, true, true, false]), vec![1, 2, 1]);
        assert_eq!(runs([true, false]), vec![0, 1, 1]);
        assert_eq!(runs([false, true]), vec![1, 1, 0]);
    }

    #[test]
    fn combinatorics() {
        assert_eq!(combins(5, 2), 10);
        assert_eq!(combins(26, 6), 230_230);
    }

    #[test]
    fn no_symbol_in_noise_or_flat_rows() {
        assert!(decode_row(&[100]).is_empty());
        let noise: Vec<u32> = (0..400).map(|i| 1 + (i * 7919 % 5)).collect();
        assert!(decode_row(&noise).is_empty());
        assert!(render(&"10".repeat(60), 3, 10).len() > 100);
        assert!(decode_row(&render(&"10".repeat(60), 3, 10)).is_empty());
    }
}
