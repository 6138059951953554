//! Pure image preprocessing on 8-bit greyscale frames: region of interest, contrast stretch,
//! inversion and a 2× scale pyramid.
//!
//! Each step exists because a measured class of images needs it (see the README section
//! "Cameras and image decoding"): low-contrast labels need the stretch before binarisation,
//! laser-etched light-on-dark marks need inversion (zxing-cpp's own `try_invert` skips linear
//! symbologies), and small symbols in a 720p frame need a larger scale.

use image::GrayImage;
use serde::{Deserialize, Serialize};

/// A rectangle in pixels, `x`/`y` from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roi {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// Crops to the region of interest, clamped to the image. `None` when nothing is left.
pub fn crop(image: &GrayImage, roi: Roi) -> Option<GrayImage> {
    let x = roi.x.min(image.width());
    let y = roi.y.min(image.height());
    let w = roi.width.min(image.width() - x);
    let h = roi.height.min(image.height() - y);
    if w == 0 || h == 0 {
        return None;
    }
    Some(image::imageops::crop_imm(image, x, y, w, h).to_image())
}

/// Linear stretch of the 1st–99th percentile range to 0–255. Returns `None` when the image
/// is flat (nothing to stretch) or already spans the full range.
pub fn contrast_stretch(image: &GrayImage) -> Option<GrayImage> {
    let mut hist = [0u64; 256];
    for p in image.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return None;
    }
    let percentile = |q: u64| -> u8 {
        let mut acc = 0;
        for (v, n) in hist.iter().enumerate() {
            acc += n;
            if acc * 100 >= total * q {
                return v as u8;
            }
        }
        255
    };
    let lo = percentile(1);
    let hi = percentile(99);
    if hi <= lo || (lo <= 5 && hi >= 250) {
        return None;
    }
    let span = f32::from(hi - lo);
    let lut: Vec<u8> = (0..=255u8)
        .map(|v| {
            let s = (f32::from(v.saturating_sub(lo)) * 255.0 / span).round();
            s.min(255.0) as u8
        })
        .collect();
    let data = image
        .as_raw()
        .iter()
        .map(|p| lut[usize::from(*p)])
        .collect();
    GrayImage::from_raw(image.width(), image.height(), data)
}

/// Light-on-dark becomes dark-on-light.
pub fn invert(image: &GrayImage) -> GrayImage {
    let mut out = image.clone();
    image::imageops::invert(&mut out);
    out
}

/// Halves each dimension by 2×2 box averaging (one pyramid level down).
pub fn downscale_half(image: &GrayImage) -> Option<GrayImage> {
    let (w, h) = (image.width() / 2, image.height() / 2);
    if w == 0 || h == 0 {
        return None;
    }
    let src = image.as_raw();
    let stride = image.width() as usize;
    let mut data = Vec::with_capacity((w * h) as usize);
    for y in 0..h as usize {
        let r0 = &src[2 * y * stride..];
        let r1 = &src[(2 * y + 1) * stride..];
        for x in 0..w as usize {
            let s = u16::from(r0[2 * x])
                + u16::from(r0[2 * x + 1])
                + u16::from(r1[2 * x])
                + u16::from(r1[2 * x + 1]);
            data.push(((s + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w, h, data)
}

/// Doubles each dimension with bilinear interpolation (for symbols with modules of 1–2 px).
pub fn upscale_double(image: &GrayImage) -> GrayImage {
    image::imageops::resize(
        image,
        image.width() * 2,
        image.height() * 2,
        image::imageops::FilterType::Triangle,
    )
}

/// Surrounds the image with a border of `border` pixels of the image's light level (its 99th
/// percentile): a quiet zone for symbols cropped tight against the image edge, which rxing's
/// DataMatrix detector (it searches outwards for a white rectangle) does not find otherwise.
pub fn pad(image: &GrayImage, border: u32) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in image.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let total: u64 = hist.iter().sum();
    let mut acc = 0;
    let mut light = 255u8;
    for (v, n) in hist.iter().enumerate() {
        acc += n;
        if acc * 100 >= total * 99 {
            light = v as u8;
            break;
        }
    }
    let mut out = GrayImage::from_pixel(
        image.width() + 2 * border,
        image.height() + 2 * border,
        image::Luma([light]),
    );
    image::imageops::replace(&mut out, image, i64::from(border), i64::from(border));
    out
}

/// Rotates by `degrees` (counter-clockwise, about the centre) onto a canvas large enough for
/// the whole image, filling with the image's median grey so no artificial edge appears. Returns
/// the rotated image and a function mapping its pixel coordinates back to the original.
pub fn rotate(image: &GrayImage, degrees: f32) -> (GrayImage, impl Fn((f32, f32)) -> (f32, f32)) {
    let a = degrees.to_radians();
    let (c, s) = (a.cos(), a.sin());
    let (w, h) = (image.width() as f32, image.height() as f32);
    let ow = (w * c.abs() + h * s.abs()).ceil();
    let oh = (w * s.abs() + h * c.abs()).ceil();
    let (cx, cy, ocx, ocy) = (w / 2.0, h / 2.0, ow / 2.0, oh / 2.0);
    let fill = median(image);
    let to_source = move |(x, y): (f32, f32)| {
        let (dx, dy) = (x - ocx, y - ocy);
        (c * dx - s * dy + cx, s * dx + c * dy + cy)
    };
    let src = image.as_raw();
    let (iw, ih) = (image.width() as i64, image.height() as i64);
    let at = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x >= iw || y >= ih {
            f32::from(fill)
        } else {
            f32::from(src[(y * iw + x) as usize])
        }
    };
    // Bilinear: nearest-neighbour sampling turns the edges of narrow bars into steps of whole
    // pixels, which at 22.5° loses linear symbols whose modules are 2–3 px wide.
    let out = GrayImage::from_fn(ow as u32, oh as u32, |x, y| {
        let (sx, sy) = to_source((x as f32 + 0.5, y as f32 + 0.5));
        let (fx, fy) = (sx - 0.5, sy - 0.5);
        let (x0, y0) = (fx.floor(), fy.floor());
        let (tx, ty) = (fx - x0, fy - y0);
        let (xi, yi) = (x0 as i64, y0 as i64);
        let top = at(xi, yi) * (1.0 - tx) + at(xi + 1, yi) * tx;
        let bottom = at(xi, yi + 1) * (1.0 - tx) + at(xi + 1, yi + 1) * tx;
        image::Luma([(top * (1.0 - ty) + bottom * ty).round() as u8])
    });
    (out, to_source)
}

fn median(image: &GrayImage) -> u8 {
    let mut hist = [0usize; 256];
    for p in image.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let half = image.as_raw().len() / 2;
    let mut acc = 0;
    for (v, n) in hist.iter().enumerate() {
        acc += n;
        if acc > half {
            return v as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: u32, h: u32, lo: u8, hi: u8) -> GrayImage {
        GrayImage::from_fn(w, h, |x, _| {
            image::Luma([lo + ((u32::from(hi - lo) * x) / (w - 1)) as u8])
        })
    }

    #[test]
    fn stretch_spreads_low_contrast() {
        let img = ramp(100, 4, 100, 140);
        let out = contrast_stretch(&img).unwrap();
        let min = *out.as_raw().iter().min().unwrap();
        let max = *out.as_raw().iter().max().unwrap();
        assert!(min <= 3 && max >= 252, "{min}..{max}");
    }

    #[test]
    fn stretch_skips_flat_and_full_range() {
        assert!(contrast_stretch(&GrayImage::from_pixel(8, 8, image::Luma([77]))).is_none());
        assert!(contrast_stretch(&ramp(256, 2, 0, 255)).is_none());
        assert!(contrast_stretch(&GrayImage::new(0, 0)).is_none());
    }

    #[test]
    fn crop_is_clamped() {
        let img = ramp(100, 50, 0, 200);
        let c = crop(
            &img,
            Roi {
                x: 90,
                y: 40,
                width: 50,
                height: 50,
            },
        )
        .unwrap();
        assert_eq!(c.dimensions(), (10, 10));
        assert!(crop(
            &img,
            Roi {
                x: 100,
                y: 0,
                width: 5,
                height: 5
            }
        )
        .is_none());
    }

    #[test]
    fn pyramid_levels() {
        let img = ramp(101, 51, 0, 200);
        assert_eq!(downscale_half(&img).unwrap().dimensions(), (50, 25));
        assert!(downscale_half(&GrayImage::new(1, 1)).is_none());
        assert_eq!(upscale_double(&img).dimensions(), (202, 102));
        let padded = pad(&img, 3);
        assert_eq!(padded.dimensions(), (107, 57));
        assert_eq!(padded.get_pixel(0, 0).0[0], 198);
        assert_eq!(padded.get_pixel(3, 3), img.get_pixel(0, 0));
        assert_eq!(
            invert(&GrayImage::from_pixel(1, 1, image::Luma([10]))).as_raw(),
            &[245]
        );
    }
}
