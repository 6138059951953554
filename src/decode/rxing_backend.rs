//! The rxing backend (pure Rust, rxing 0.9).
//!
//! rxing quirks this module corrects (measured with zint-made symbols, see the issue):
//! - Code 128 drops every FNC1 unless `AssumeGs1` is set, and then prefixes the text with a
//!   literal `]C1`; a check character equal to FNC1 is appended as a trailing GS; a check
//!   character of 97 (FNC2) turns the identifier into `]C4`. The identifier is therefore
//!   recomputed from the raw codewords.
//! - DataMatrix: the identifier is `]d1`/`]d2` for DMRE symbols too (should be `]d7`/`]d8`); GS1
//!   is decided from the first data codeword (232 = FNC1) and DMRE from the symbol size.
//! - DataBar Expanded text is bracketed HRI; DataBar-14 text lacks the leading `01`.
//! - `helpers::detect_in_luma*` silently force TryHarder, so the readers are driven directly.
//! - The DataBar Expanded reader of the 0.9.3 release misses most symbols that carry a GTIN (a
//!   false finder pattern inside the data characters); the build patches it
//!   (`vendor/PATCHES.md`). There is no DataBar Limited reader: [`super::databar_limited`]
//!   (ported from zxing-cpp) reads rows of the same binarised image instead.

use std::collections::HashSet;

use image::GrayImage;
use rxing::common::HybridBinarizer;
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, MultiFormatReader, RXingResult,
    RXingResultMetadataType, RXingResultMetadataValue,
};

use super::normalize::{self, GS};
use super::{
    databar_limited, Backend, Candidate, DecodeError, DecoderKind, Effort, Format, FormatSet,
};

/// Code 128 FNC1 codeword value.
const CODE128_FNC1: u8 = 102;
/// DataMatrix FNC1 codeword.
const DM_FNC1: u8 = 232;

/// The rxing backend. Holds no state between frames.
#[derive(Debug, Default)]
pub struct RxingBackend;

impl RxingBackend {
    /// A new backend.
    pub fn new() -> Self {
        RxingBackend
    }
}

fn rxing_formats(formats: &FormatSet) -> HashSet<BarcodeFormat> {
    formats
        .iter()
        .filter_map(|f| match f {
            Format::DataMatrix => Some(BarcodeFormat::DATA_MATRIX),
            Format::QrCode => Some(BarcodeFormat::QR_CODE),
            Format::Code128 => Some(BarcodeFormat::CODE_128),
            Format::DataBar => Some(BarcodeFormat::RSS_14),
            // rxing has no DataBar Limited reader; see `read_databar_limited`.
            Format::DataBarLimited => None,
            Format::DataBarExpanded => Some(BarcodeFormat::RSS_EXPANDED),
            Format::Ean13 => Some(BarcodeFormat::EAN_13),
            Format::Ean8 => Some(BarcodeFormat::EAN_8),
            Format::UpcA => Some(BarcodeFormat::UPC_A),
            Format::UpcE => Some(BarcodeFormat::UPC_E),
        })
        .collect()
}

impl Backend for RxingBackend {
    fn kind(&self) -> DecoderKind {
        DecoderKind::Rxing
    }

    fn read(
        &mut self,
        image: &GrayImage,
        formats: &FormatSet,
        effort: Effort,
    ) -> Result<Vec<Candidate>, DecodeError> {
        let possible = rxing_formats(formats);
        let mut out = Vec::new();
        if formats.contains(Format::DataBarLimited) {
            out.extend(read_databar_limited(image, effort)?);
        }
        if possible.is_empty() {
            return Ok(out);
        }
        let hints = DecodeHints {
            PossibleFormats: Some(possible),
            // Without it every GS1-128 separator is lost.
            AssumeGs1: Some(true),
            TryHarder: Some(effort == Effort::Thorough),
            ..DecodeHints::default()
        };
        let source = Luma8Source::new_with_slice(image.as_raw(), image.width(), image.height())
            .map_err(|e| DecodeError::Backend {
                backend: DecoderKind::Rxing,
                message: e.to_string(),
            })?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let mut reader = GenericMultipleBarcodeReader::new(MultiFormatReader::default());
        // "Not found" and "checksum/format error" are all just "no symbol here".
        let results = reader
            .decode_multiple_with_hints(&mut bitmap, &hints)
            .unwrap_or_default();
        out.extend(results.iter().filter_map(|r| normalise(r, formats)));
        Ok(out)
    }
}

/// DataBar Limited symbols along rows of the image binarised as rxing does for its row readers
/// (and, in the thorough pass, along columns too).
fn read_databar_limited(image: &GrayImage, effort: Effort) -> Result<Vec<Candidate>, DecodeError> {
    let thorough = effort == Effort::Thorough;
    let mut out = Vec::new();
    let turned;
    let mut views = vec![(image, false)];
    if thorough {
        turned = image::imageops::rotate90(image);
        views.push((&turned, true));
    }
    for (img, is_turned) in views {
        let source =
            Luma8Source::new_with_slice(img.as_raw(), img.width(), img.height()).map_err(|e| {
                DecodeError::Backend {
                    backend: DecoderKind::Rxing,
                    message: e.to_string(),
                }
            })?;
        let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let width = img.width();
        let hits = databar_limited::scan(width, img.height(), thorough, |y| {
            let row = bitmap.get_black_row(y as usize).ok()?;
            Some((0..width as usize).map(|x| row.get(x)).collect())
        });
        for hit in hits {
            // rotate90 turns pixel (x, y) of the original into (h - 1 - y, x).
            let h = image.height() as f32;
            let points = hit
                .line
                .iter()
                .map(|&(x, y)| if is_turned { (y, h - 1.0 - x) } else { (x, y) })
                .collect();
            out.push(Candidate {
                format: Format::DataBarLimited,
                symbology: "]e0".to_owned(),
                data: hit.data,
                points,
            });
        }
    }
    Ok(out)
}

fn symbology_modifier(r: &RXingResult) -> Option<u8> {
    match r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::SYMBOLOGY_IDENTIFIER)
    {
        Some(RXingResultMetadataValue::SymbologyIdentifier(id)) => {
            id.as_bytes().get(2).copied().filter(u8::is_ascii_digit)
        }
        _ => None,
    }
}

/// Turns one rxing result into a normalised candidate, or `None` for a result that cannot be
/// normalised (it is dropped rather than guessed at).
fn normalise(r: &RXingResult, formats: &FormatSet) -> Option<Candidate> {
    let points: Vec<(f32, f32)> = r.getPoints().iter().map(|p| (p.x, p.y)).collect();
    let text = r.getText().as_bytes();
    let raw = r.getRawBytes();
    let (format, symbology, data) = match r.getBarcodeFormat() {
        BarcodeFormat::DATA_MATRIX => {
            let mut m = symbology_modifier(r).unwrap_or(b'1');
            if raw.first() == Some(&DM_FNC1) {
                m = b'2';
            } else if m == b'2' {
                m = b'1';
            }
            if matches!(m, b'1' | b'2') && normalize::datamatrix_is_dmre(raw.len(), &points) {
                m += 6;
            }
            let mut data = text.to_vec();
            if (m == b'2' || m == b'8') && data.first() == Some(&GS) {
                data.remove(0);
            }
            (Format::DataMatrix, format!("]d{}", m as char), data)
        }
        BarcodeFormat::QR_CODE => {
            let m = symbology_modifier(r).unwrap_or(b'1');
            (Format::QrCode, format!("]Q{}", m as char), text.to_vec())
        }
        BarcodeFormat::CODE_128 => {
            let mut data = text.to_vec();
            let m = if raw.get(1) == Some(&CODE128_FNC1) {
                if data.starts_with(b"]C1") {
                    data.drain(..3);
                }
                b'1'
            } else if raw.get(2) == Some(&CODE128_FNC1) {
                // FNC1 in second position is not transmitted (ISO/IEC 15417).
                if data.get(1) == Some(&GS) {
                    data.remove(1);
                }
                b'2'
            } else {
                b'0'
            };
            if raw.len() >= 2 && raw[raw.len() - 2] == CODE128_FNC1 {
                normalize::strip_trailing_gs(&mut data);
            }
            (Format::Code128, format!("]C{}", m as char), data)
        }
        BarcodeFormat::RSS_14 => {
            let digits = if text.len() == 14 {
                [b"01".as_slice(), text].concat()
            } else {
                text.to_vec()
            };
            if digits.len() != 16 || !normalize::has_valid_check_digit(&digits[2..]) {
                return None;
            }
            (Format::DataBar, "]e0".to_owned(), digits)
        }
        BarcodeFormat::RSS_EXPANDED => {
            let data = if text.first() == Some(&b'(') {
                normalize::hri_to_element_string(text).ok()?
            } else {
                text.to_vec()
            };
            (Format::DataBarExpanded, "]e0".to_owned(), data)
        }
        BarcodeFormat::EAN_13 => (Format::Ean13, "]E0".to_owned(), text.to_vec()),
        BarcodeFormat::EAN_8 => (Format::Ean8, "]E4".to_owned(), text.to_vec()),
        BarcodeFormat::UPC_A => {
            let data = if text.len() == 12 {
                [b"0".as_slice(), text].concat()
            } else {
                text.to_vec()
            };
            (Format::UpcA, "]E0".to_owned(), data)
        }
        BarcodeFormat::UPC_E => {
            let upca = normalize::upce_to_upca(text)?;
            (
                Format::UpcE,
                "]E0".to_owned(),
                [b"0".as_slice(), &upca].concat(),
            )
        }
        _ => return None,
    };
    if !formats.contains(format) {
        return None;
    }
    Some(Candidate {
        format,
        symbology,
        data,
        points,
    })
}
