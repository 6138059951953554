//! The zxing-cpp backend (the `zxing-cpp` crate, bundling zxing-cpp 3.1; cargo feature
//! `zxing-cpp`).
//!
//! zxing-cpp already reports the right AIM identifiers (including `]d7`/`]d8` for DMRE) and, in
//! plain text mode, GS for FNC1. Its `try_invert` skips linear symbologies, which is why
//! [`super::Decoder`] inverts the image itself in the thorough pass. Its types hold raw C++
//! pointers (not `Send`), so a reader is created per call; that costs microseconds.

use image::GrayImage;
use zxingcpp::{BarcodeFormat, ImageFormat, ImageView, TextMode};

use super::normalize::{self, GS};
use super::{Backend, Candidate, DecodeError, DecoderKind, Effort, Format, FormatSet};

/// The zxing-cpp backend. Holds no state between frames.
#[derive(Debug, Default)]
pub struct ZxingBackend;

impl ZxingBackend {
    /// A new backend.
    pub fn new() -> Self {
        ZxingBackend
    }
}

fn zxing_formats(formats: &FormatSet) -> Vec<BarcodeFormat> {
    let mut out = Vec::new();
    for f in formats.iter() {
        match f {
            Format::DataMatrix => out.push(BarcodeFormat::DataMatrix),
            Format::QrCode => out.push(BarcodeFormat::QRCode),
            Format::Code128 => out.push(BarcodeFormat::Code128),
            Format::DataBar => out.extend([
                BarcodeFormat::DataBarOmni,
                BarcodeFormat::DataBarStk,
                BarcodeFormat::DataBarStkOmni,
            ]),
            Format::DataBarLimited => out.push(BarcodeFormat::DataBarLtd),
            Format::DataBarExpanded => {
                out.extend([BarcodeFormat::DataBarExp, BarcodeFormat::DataBarExpStk])
            }
            Format::Ean13 => out.push(BarcodeFormat::EAN13),
            Format::Ean8 => out.push(BarcodeFormat::EAN8),
            Format::UpcA => out.push(BarcodeFormat::UPCA),
            Format::UpcE => out.push(BarcodeFormat::UPCE),
        }
    }
    out
}

fn our_format(f: BarcodeFormat) -> Option<Format> {
    Some(match f {
        BarcodeFormat::DataMatrix => Format::DataMatrix,
        BarcodeFormat::QRCode | BarcodeFormat::QRCodeModel2 => Format::QrCode,
        BarcodeFormat::Code128 => Format::Code128,
        BarcodeFormat::DataBar
        | BarcodeFormat::DataBarOmni
        | BarcodeFormat::DataBarStk
        | BarcodeFormat::DataBarStkOmni => Format::DataBar,
        BarcodeFormat::DataBarLtd => Format::DataBarLimited,
        BarcodeFormat::DataBarExp | BarcodeFormat::DataBarExpStk => Format::DataBarExpanded,
        BarcodeFormat::EAN13 => Format::Ean13,
        BarcodeFormat::EAN8 => Format::Ean8,
        BarcodeFormat::UPCA => Format::UpcA,
        BarcodeFormat::UPCE => Format::UpcE,
        _ => return None,
    })
}

impl Backend for ZxingBackend {
    fn kind(&self) -> DecoderKind {
        DecoderKind::ZxingCpp
    }

    fn read(
        &mut self,
        image: &GrayImage,
        formats: &FormatSet,
        effort: Effort,
    ) -> Result<Vec<Candidate>, DecodeError> {
        let fail = |e: zxingcpp::Error| DecodeError::Backend {
            backend: DecoderKind::ZxingCpp,
            message: e.to_string(),
        };
        let zx_formats = zxing_formats(formats);
        if zx_formats.is_empty() {
            return Ok(Vec::new());
        }
        let thorough = effort == Effort::Thorough;
        let reader = zxingcpp::read()
            .formats(zx_formats.as_slice())
            .text_mode(TextMode::Plain)
            .try_harder(thorough)
            .try_rotate(thorough)
            .try_invert(thorough)
            .try_downscale(true)
            .return_errors(false);
        let view = ImageView::from_slice(
            image.as_raw(),
            image.width(),
            image.height(),
            ImageFormat::Lum,
        )
        .map_err(fail)?;
        let barcodes = reader.from(view).map_err(fail)?;
        Ok(barcodes
            .iter()
            .filter(|b| b.is_valid())
            .filter_map(|b| {
                let format = our_format(b.format())?;
                if !formats.contains(format) {
                    return None;
                }
                let pos = b.position();
                let points = [
                    pos.top_left,
                    pos.top_right,
                    pos.bottom_right,
                    pos.bottom_left,
                ]
                .iter()
                .map(|p| (p.x as f32, p.y as f32))
                .collect();
                normalise(
                    format,
                    b.symbology_identifier(),
                    b.text().into_bytes(),
                    points,
                )
            })
            .collect())
    }
}

fn normalise(
    format: Format,
    symbology: String,
    mut data: Vec<u8>,
    points: Vec<(f32, f32)>,
) -> Option<Candidate> {
    let symbology = match format {
        Format::UpcA => {
            if data.len() == 12 {
                data.insert(0, b'0');
            }
            "]E0".to_owned()
        }
        Format::UpcE => {
            // zxing-cpp 3 already transmits UPC-E expanded, as 13 digits (as a scanner does
            // under ]E0); older releases gave the 8-digit UPC-E.
            data = match data.len() {
                13 => data,
                12 => [b"0".as_slice(), &data].concat(),
                _ => [b"0".as_slice(), &normalize::upce_to_upca(&data)?].concat(),
            };
            "]E0".to_owned()
        }
        Format::DataBar | Format::DataBarLimited => {
            if data.len() == 14 {
                data.splice(0..0, *b"01");
            }
            "]e0".to_owned()
        }
        _ => symbology,
    };
    if super::is_gs1_symbology(&symbology) {
        if data.first() == Some(&GS) {
            data.remove(0);
        }
        normalize::strip_trailing_gs(&mut data);
    }
    Some(Candidate {
        format,
        symbology,
        data,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upc_e_is_transmitted_expanded_in_every_text_form() {
        // zxing-cpp 3.1 (measured on hardware-fixtures/photos/upce-1/1.png): 13 digits.
        for text in [&b"0012345000065"[..], b"012345000065", b"01234565"] {
            let c = normalise(Format::UpcE, "]E0".into(), text.to_vec(), vec![])
                .expect("UPC-E text is normalised");
            assert_eq!(c.symbology, "]E0");
            assert_eq!(
                c.data,
                b"0012345000065",
                "from {:?}",
                String::from_utf8_lossy(text)
            );
        }
        assert!(normalise(Format::UpcE, "]E0".into(), b"0123".to_vec(), vec![]).is_none());
    }
}
