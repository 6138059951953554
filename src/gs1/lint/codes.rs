//! Code lists: ISO 3166-1 country codes (numeric, numeric or 999, alpha-2), ISO 4217 currency
//! codes, ISO/IEC 5218 sex codes, AIDC media types, UN/ECE Rec. 21 package types and the
//! importer index character.
//!
//! The lists are those of GS1's reference linters (gs1-syntax-dictionary, 2026-01-27 release).
//! Numeric and alpha-2 codes are checked against bitsets built at compile time from the sorted
//! code lists, so a lookup is one load and a mask.

use super::{LintError, LintErrorCode, LintResult};

/// A compile-time bitset over `0..64 * W`.
struct Bitset<const W: usize>([u64; W]);

impl<const W: usize> Bitset<W> {
    const fn from_codes(codes: &[u16]) -> Bitset<W> {
        let mut words = [0u64; W];
        let mut i = 0;
        while i < codes.len() {
            let c = codes[i] as usize;
            words[c / 64] |= 1 << (c % 64);
            i += 1;
        }
        Bitset(words)
    }

    #[inline]
    fn contains(&self, v: usize) -> bool {
        self.0.get(v / 64).is_some_and(|w| w & (1 << (v % 64)) != 0)
    }
}

const fn alpha2_codes<const N: usize>(codes: &[&[u8; 2]; N]) -> [u16; N] {
    let mut out = [0u16; N];
    let mut i = 0;
    while i < N {
        out[i] = (codes[i][0] - b'A') as u16 * 26 + (codes[i][1] - b'A') as u16;
        i += 1;
    }
    out
}

static ISO3166_SET: Bitset<16> = Bitset::from_codes(ISO3166_NUMERIC);
static ISO4217_SET: Bitset<16> = Bitset::from_codes(ISO4217_NUMERIC);
static ISO3166_ALPHA2_SET: Bitset<11> = Bitset::from_codes(&alpha2_codes(&ISO3166_ALPHA2));
/// AIDC media types: 01-10 assigned by ICCBBA, 80-99 ICCBBA local / national use.
static MEDIA_TYPES: Bitset<2> = Bitset::from_codes(&[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
    96, 97, 98, 99,
]);

/// The value of exactly three digits.
#[inline]
fn three_digits(d: &[u8]) -> Option<usize> {
    match d {
        [a, b, c] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            Some(usize::from(a - b'0') * 100 + usize::from(b - b'0') * 10 + usize::from(c - b'0'))
        }
        _ => None,
    }
}

/// ISO 3166-1 numeric country code.
pub(super) fn iso3166(d: &[u8]) -> LintResult {
    match three_digits(d) {
        Some(v) if ISO3166_SET.contains(v) => Ok(()),
        _ => Err(LintError::new(LintErrorCode::NotIso3166, 0, d.len())),
    }
}

/// ISO 3166-1 numeric country code or "999".
pub(super) fn iso3166999(d: &[u8]) -> LintResult {
    if d == b"999" || iso3166(d).is_ok() {
        Ok(())
    } else {
        Err(LintError::new(LintErrorCode::NotIso3166Or999, 0, d.len()))
    }
}

/// ISO 3166-1 alpha-2 country code.
pub(super) fn iso3166alpha2(d: &[u8]) -> LintResult {
    if is_iso3166_alpha2(d) {
        Ok(())
    } else {
        Err(LintError::new(LintErrorCode::NotIso3166Alpha2, 0, d.len()))
    }
}

/// Whether `d` is an ISO 3166-1 alpha-2 code (also used by the IBAN linter).
#[inline]
pub(super) fn is_iso3166_alpha2(d: &[u8]) -> bool {
    match d {
        [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
            ISO3166_ALPHA2_SET.contains(usize::from(a - b'A') * 26 + usize::from(b - b'A'))
        }
        _ => false,
    }
}

/// ISO 4217 numeric currency code.
pub(super) fn iso4217(d: &[u8]) -> LintResult {
    match three_digits(d) {
        Some(v) if ISO4217_SET.contains(v) => Ok(()),
        _ => Err(LintError::new(LintErrorCode::NotIso4217, 0, d.len())),
    }
}

/// ISO/IEC 5218: 0 not known, 1 male, 2 female, 9 not applicable.
pub(super) fn iso5218(d: &[u8]) -> LintResult {
    match d {
        [b'0' | b'1' | b'2' | b'9'] => Ok(()),
        [_] => Err(LintError::new(
            LintErrorCode::InvalidBiologicalSexCode,
            0,
            1,
        )),
        _ => Err(LintError::new(
            LintErrorCode::InvalidBiologicalSexCode,
            0,
            d.len(),
        )),
    }
}

/// AIDC media type, two digits.
pub(super) fn mediatype(d: &[u8]) -> LintResult {
    match d {
        [a, b]
            if a.is_ascii_digit()
                && b.is_ascii_digit()
                && MEDIA_TYPES.contains(usize::from(a - b'0') * 10 + usize::from(b - b'0')) =>
        {
            Ok(())
        }
        _ => Err(LintError::new(LintErrorCode::InvalidMediaType, 0, d.len())),
    }
}

/// UN/ECE Recommendation 21 package type code.
pub(super) fn packagetype(d: &[u8]) -> LintResult {
    if PACKAGE_TYPES.binary_search(&d).is_ok() {
        Ok(())
    } else {
        Err(LintError::new(
            LintErrorCode::InvalidPackageType,
            0,
            d.len(),
        ))
    }
}

/// Importer index: a single character from `-`, `0-9`, `A-Z`, `_`, `a-z`.
pub(super) fn importeridx(d: &[u8]) -> LintResult {
    match d {
        [c] if super::cset::CSET64[usize::from(*c)] => Ok(()),
        [_] => Err(LintError::new(
            LintErrorCode::InvalidImportIdxCharacter,
            0,
            1,
        )),
        _ => Err(LintError::new(
            LintErrorCode::ImporterIdxMustBeOneCharacter,
            0,
            d.len(),
        )),
    }
}

/// ISO 3166-1 numeric country codes (the reference linter's table).
pub(crate) const ISO3166_NUMERIC: &[u16] = &[
    4, 8, 10, 12, 16, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 60, 64, 68, 70, 72, 74,
    76, 84, 86, 90, 92, 96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156,
    158, 162, 166, 170, 174, 175, 178, 180, 184, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218,
    222, 226, 231, 232, 233, 234, 238, 239, 242, 246, 248, 250, 254, 258, 260, 262, 266, 268, 270,
    275, 276, 288, 292, 296, 300, 304, 308, 312, 316, 320, 324, 328, 332, 334, 336, 340, 344, 348,
    352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418,
    422, 426, 428, 430, 434, 438, 440, 442, 446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484,
    492, 496, 498, 499, 500, 504, 508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540, 548, 554,
    558, 562, 566, 570, 574, 578, 580, 581, 583, 584, 585, 586, 591, 598, 600, 604, 608, 612, 616,
    620, 624, 626, 630, 634, 638, 642, 643, 646, 652, 654, 659, 660, 662, 663, 666, 670, 674, 678,
    682, 686, 688, 690, 694, 702, 703, 704, 705, 706, 710, 716, 724, 728, 729, 732, 740, 744, 748,
    752, 756, 760, 762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807, 818,
    826, 831, 832, 833, 834, 840, 850, 854, 858, 860, 862, 876, 882, 887, 894,
];

/// ISO 4217 numeric currency codes (the reference linter's table).
pub(crate) const ISO4217_NUMERIC: &[u16] = &[
    8, 12, 32, 36, 44, 48, 50, 51, 52, 60, 64, 68, 72, 84, 90, 96, 104, 108, 116, 124, 132, 136,
    144, 152, 156, 170, 174, 188, 192, 203, 208, 214, 222, 230, 232, 238, 242, 262, 270, 292, 320,
    324, 328, 332, 340, 344, 348, 352, 356, 360, 364, 368, 376, 388, 392, 396, 398, 400, 404, 408,
    410, 414, 417, 418, 422, 426, 430, 434, 446, 454, 458, 462, 480, 484, 496, 498, 504, 512, 516,
    524, 532, 533, 548, 554, 558, 566, 578, 586, 590, 598, 600, 604, 608, 634, 643, 646, 654, 682,
    690, 702, 704, 706, 710, 728, 748, 752, 756, 760, 764, 776, 780, 784, 788, 800, 807, 818, 826,
    834, 840, 858, 860, 882, 886, 901, 924, 925, 926, 927, 928, 929, 930, 933, 934, 936, 938, 940,
    941, 943, 944, 946, 947, 948, 949, 950, 951, 952, 953, 955, 956, 957, 958, 959, 960, 961, 962,
    963, 964, 965, 967, 968, 969, 970, 971, 972, 973, 975, 976, 977, 978, 979, 980, 981, 984, 985,
    986, 990, 994, 997, 999,
];

/// ISO 3166-1 alpha-2 country codes (the reference linter's table).
pub(crate) const ISO3166_ALPHA2: [&[u8; 2]; 249] = [
    b"AD", b"AE", b"AF", b"AG", b"AI", b"AL", b"AM", b"AO", b"AQ", b"AR", b"AS", b"AT", b"AU",
    b"AW", b"AX", b"AZ", b"BA", b"BB", b"BD", b"BE", b"BF", b"BG", b"BH", b"BI", b"BJ", b"BL",
    b"BM", b"BN", b"BO", b"BQ", b"BR", b"BS", b"BT", b"BV", b"BW", b"BY", b"BZ", b"CA", b"CC",
    b"CD", b"CF", b"CG", b"CH", b"CI", b"CK", b"CL", b"CM", b"CN", b"CO", b"CR", b"CU", b"CV",
    b"CW", b"CX", b"CY", b"CZ", b"DE", b"DJ", b"DK", b"DM", b"DO", b"DZ", b"EC", b"EE", b"EG",
    b"EH", b"ER", b"ES", b"ET", b"FI", b"FJ", b"FK", b"FM", b"FO", b"FR", b"GA", b"GB", b"GD",
    b"GE", b"GF", b"GG", b"GH", b"GI", b"GL", b"GM", b"GN", b"GP", b"GQ", b"GR", b"GS", b"GT",
    b"GU", b"GW", b"GY", b"HK", b"HM", b"HN", b"HR", b"HT", b"HU", b"ID", b"IE", b"IL", b"IM",
    b"IN", b"IO", b"IQ", b"IR", b"IS", b"IT", b"JE", b"JM", b"JO", b"JP", b"KE", b"KG", b"KH",
    b"KI", b"KM", b"KN", b"KP", b"KR", b"KW", b"KY", b"KZ", b"LA", b"LB", b"LC", b"LI", b"LK",
    b"LR", b"LS", b"LT", b"LU", b"LV", b"LY", b"MA", b"MC", b"MD", b"ME", b"MF", b"MG", b"MH",
    b"MK", b"ML", b"MM", b"MN", b"MO", b"MP", b"MQ", b"MR", b"MS", b"MT", b"MU", b"MV", b"MW",
    b"MX", b"MY", b"MZ", b"NA", b"NC", b"NE", b"NF", b"NG", b"NI", b"NL", b"NO", b"NP", b"NR",
    b"NU", b"NZ", b"OM", b"PA", b"PE", b"PF", b"PG", b"PH", b"PK", b"PL", b"PM", b"PN", b"PR",
    b"PS", b"PT", b"PW", b"PY", b"QA", b"RE", b"RO", b"RS", b"RU", b"RW", b"SA", b"SB", b"SC",
    b"SD", b"SE", b"SG", b"SH", b"SI", b"SJ", b"SK", b"SL", b"SM", b"SN", b"SO", b"SR", b"SS",
    b"ST", b"SV", b"SX", b"SY", b"SZ", b"TC", b"TD", b"TF", b"TG", b"TH", b"TJ", b"TK", b"TL",
    b"TM", b"TN", b"TO", b"TR", b"TT", b"TV", b"TW", b"TZ", b"UA", b"UG", b"UM", b"US", b"UY",
    b"UZ", b"VA", b"VC", b"VE", b"VG", b"VI", b"VN", b"VU", b"WF", b"WS", b"YE", b"YT", b"ZA",
    b"ZM", b"ZW",
];

/// UN/ECE Recommendation 21 package type codes accepted by the reference linter, sorted bytewise.
pub(crate) const PACKAGE_TYPES: &[&[u8]] = &[
    b"1A", b"1B", b"1D", b"1F", b"1G", b"1W", b"200", b"201", b"202", b"203", b"204", b"205",
    b"206", b"210", b"211", b"212", b"2C", b"3A", b"3H", b"43", b"44", b"4A", b"4B", b"4C", b"4D",
    b"4F", b"4G", b"4H", b"5H", b"5L", b"5M", b"6H", b"6P", b"7A", b"7B", b"8", b"8A", b"8B",
    b"8C", b"9", b"AA", b"AB", b"AC", b"AD", b"AF", b"AG", b"AH", b"AI", b"AJ", b"AL", b"AM",
    b"AP", b"APE", b"AT", b"AV", b"B4", b"BB", b"BC", b"BD", b"BE", b"BF", b"BG", b"BGE", b"BH",
    b"BI", b"BJ", b"BK", b"BL", b"BM", b"BME", b"BN", b"BO", b"BP", b"BQ", b"BR", b"BRI", b"BS",
    b"BT", b"BU", b"BV", b"BW", b"BX", b"BY", b"BZ", b"CA", b"CB", b"CBL", b"CC", b"CCE", b"CD",
    b"CE", b"CF", b"CG", b"CH", b"CI", b"CJ", b"CK", b"CL", b"CM", b"CN", b"CO", b"CP", b"CQ",
    b"CR", b"CS", b"CT", b"CU", b"CV", b"CW", b"CX", b"CY", b"CZ", b"DA", b"DB", b"DC", b"DG",
    b"DH", b"DI", b"DJ", b"DK", b"DL", b"DM", b"DN", b"DP", b"DPE", b"DR", b"DS", b"DT", b"DU",
    b"DV", b"DW", b"DX", b"DY", b"E1", b"E2", b"E3", b"EC", b"ED", b"EE", b"EF", b"EG", b"EH",
    b"EI", b"EN", b"FB", b"FC", b"FD", b"FE", b"FI", b"FL", b"FO", b"FOB", b"FP", b"FPE", b"FR",
    b"FT", b"FW", b"FX", b"GB", b"GI", b"GL", b"GR", b"GU", b"GY", b"GZ", b"HA", b"HB", b"HC",
    b"HG", b"HN", b"HR", b"IA", b"IB", b"IC", b"ID", b"IE", b"IF", b"IG", b"IH", b"IK", b"IL",
    b"IN", b"IZ", b"JB", b"JC", b"JG", b"JR", b"JT", b"JY", b"KG", b"KI", b"LAB", b"LE", b"LG",
    b"LT", b"LU", b"LV", b"LZ", b"MA", b"MB", b"MC", b"ME", b"MPE", b"MR", b"MS", b"MT", b"MW",
    b"MX", b"NA", b"NE", b"NF", b"NG", b"NS", b"NT", b"NU", b"NV", b"OA", b"OB", b"OC", b"OD",
    b"OE", b"OF", b"OK", b"OPE", b"OT", b"OU", b"P2", b"PA", b"PAE", b"PB", b"PC", b"PD", b"PE",
    b"PF", b"PG", b"PH", b"PI", b"PJ", b"PK", b"PL", b"PLP", b"PN", b"PO", b"POP", b"PP", b"PPE",
    b"PR", b"PT", b"PU", b"PUE", b"PV", b"PX", b"PY", b"PZ", b"QA", b"QB", b"QC", b"QD", b"QF",
    b"QG", b"QH", b"QJ", b"QK", b"QL", b"QM", b"QN", b"QP", b"QQ", b"QR", b"QS", b"RB1", b"RB2",
    b"RB3", b"RCB", b"RD", b"RG", b"RJ", b"RK", b"RL", b"RO", b"RT", b"RZ", b"S1", b"SA", b"SB",
    b"SC", b"SD", b"SE", b"SEC", b"SH", b"SI", b"SK", b"SL", b"SM", b"SO", b"SP", b"SS", b"ST",
    b"STL", b"SU", b"SV", b"SW", b"SX", b"SY", b"SZ", b"T1", b"TB", b"TC", b"TD", b"TE", b"TEV",
    b"TG", b"THE", b"TI", b"TK", b"TL", b"TN", b"TO", b"TR", b"TRE", b"TS", b"TT", b"TTE", b"TU",
    b"TV", b"TW", b"TWE", b"TY", b"TZ", b"UC", b"UN", b"UUE", b"VA", b"VG", b"VI", b"VK", b"VL",
    b"VN", b"VO", b"VP", b"VQ", b"VR", b"VS", b"VY", b"WA", b"WB", b"WC", b"WD", b"WF", b"WG",
    b"WH", b"WJ", b"WK", b"WL", b"WM", b"WN", b"WP", b"WQ", b"WR", b"WRP", b"WS", b"WT", b"WU",
    b"WV", b"WW", b"WX", b"WY", b"WZ", b"X11", b"X12", b"X15", b"X16", b"X17", b"X18", b"X19",
    b"X20", b"X3", b"XA", b"XB", b"XC", b"XD", b"XF", b"XG", b"XH", b"XJ", b"XK", b"YA", b"YB",
    b"YC", b"YD", b"YF", b"YG", b"YH", b"YJ", b"YK", b"YL", b"YM", b"YN", b"YP", b"YQ", b"YR",
    b"YS", b"YT", b"YV", b"YW", b"YX", b"YY", b"YZ", b"ZA", b"ZB", b"ZC", b"ZD", b"ZF", b"ZG",
    b"ZH", b"ZJ", b"ZK", b"ZL", b"ZM", b"ZN", b"ZP", b"ZQ", b"ZR", b"ZS", b"ZT", b"ZU", b"ZV",
    b"ZW", b"ZX", b"ZY", b"ZZ",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lists_are_sorted_and_unique() {
        assert!(ISO3166_NUMERIC.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO4217_NUMERIC.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        // Binary search relies on bytewise order.
        assert!(PACKAGE_TYPES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn well_known_codes() {
        assert!(iso3166(b"826").is_ok()); // United Kingdom
        assert!(iso3166(b"999").is_err());
        assert!(iso3166999(b"999").is_ok());
        assert!(iso3166alpha2(b"GB").is_ok());
        assert!(iso3166alpha2(b"UK").is_err());
        assert!(iso4217(b"826").is_ok()); // GBP
        assert!(iso4217(b"978").is_ok()); // EUR
        assert!(packagetype(b"BX").is_ok());
        assert!(packagetype(b"bx").is_err());
        assert!(mediatype(b"01").is_ok());
        assert!(mediatype(b"00").is_err());
    }
}
