//! Makes the degraded camera fixtures from the zint-made labels (see
//! hardware-fixtures/camera/README.md). Deterministic: the same labels give the same files.
//!
//! Usage: `cargo run --example make_camera_fixtures -- hardware-fixtures/camera`

use std::error::Error;
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::{imageops, GrayImage, Luma};

/// xorshift64*: a tiny deterministic generator, enough for noise and placement.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Roughly normal (sum of four uniforms), mean 0, sd ~ `sd`.
    fn noise(&mut self, sd: f32) -> f32 {
        let s: f32 = (0..4).map(|_| self.unit()).sum::<f32>() - 2.0;
        s * sd * 1.73
    }
}

fn sample(src: &GrayImage, x: f32, y: f32, fill: f32) -> f32 {
    let (w, h) = (src.width() as i64, src.height() as i64);
    let px = |xi: i64, yi: i64| -> f32 {
        if xi < 0 || yi < 0 || xi >= w || yi >= h {
            fill
        } else {
            f32::from(src.get_pixel(xi as u32, yi as u32)[0])
        }
    };
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (xi, yi) = (x0 as i64, y0 as i64);
    let top = px(xi, yi) * (1.0 - fx) + px(xi + 1, yi) * fx;
    let bot = px(xi, yi + 1) * (1.0 - fx) + px(xi + 1, yi + 1) * fx;
    top * (1.0 - fy) + bot * fy
}

/// Output pixel (x, y) takes the source at `map(x, y)`; outside the source is white.
fn warp(src: &GrayImage, w: u32, h: u32, map: impl Fn(f32, f32) -> (f32, f32)) -> GrayImage {
    GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = map(x as f32 + 0.5, y as f32 + 0.5);
        Luma([sample(src, sx - 0.5, sy - 0.5, 255.0)
            .round()
            .clamp(0.0, 255.0) as u8])
    })
}

fn pad(src: &GrayImage, margin: u32) -> GrayImage {
    let mut out = GrayImage::from_pixel(
        src.width() + 2 * margin,
        src.height() + 2 * margin,
        Luma([255]),
    );
    imageops::replace(&mut out, src, i64::from(margin), i64::from(margin));
    out
}

fn rotate(src: &GrayImage, degrees: f32) -> GrayImage {
    let a = degrees.to_radians();
    let (c, s) = (a.cos(), a.sin());
    let (w, h) = (src.width() as f32, src.height() as f32);
    let ow = (w * c.abs() + h * s.abs()).ceil() + 16.0;
    let oh = (w * s.abs() + h * c.abs()).ceil() + 16.0;
    let (cx, cy, ocx, ocy) = (w / 2.0, h / 2.0, ow / 2.0, oh / 2.0);
    warp(src, ow as u32, oh as u32, |x, y| {
        let (dx, dy) = (x - ocx, y - ocy);
        (c * dx + s * dy + cx, -s * dx + c * dy + cy)
    })
}

/// Solves the 8 homography coefficients mapping `from[i]` to `to[i]`.
fn homography(from: [(f32, f32); 4], to: [(f32, f32); 4]) -> [f32; 8] {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (f64::from(from[i].0), f64::from(from[i].1));
        let (u, v) = (f64::from(to[i].0), f64::from(to[i].1));
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let piv = (col..8)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap_or(col);
        m.swap(col, piv);
        for row in 0..8 {
            if row != col && m[col][col] != 0.0 {
                let f = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (cell, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                    *cell -= f * p;
                }
            }
        }
    }
    std::array::from_fn(|i| (m[i][8] / m[i][i]) as f32)
}

fn perspective(src: &GrayImage) -> GrayImage {
    let (w, h) = (src.width() as f32, src.height() as f32);
    let (ow, oh) = (w * 1.1, h * 1.1);
    // The top edge is shortened by 18% and shifted: a label seen from below and to the side.
    let dst = [
        (0.14 * w, 0.05 * h),
        (0.96 * w, 0.10 * h),
        (1.05 * w, 1.04 * h),
        (0.05 * w, 1.0 * h),
    ];
    let src_pts = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    // Map output -> source, so solve the inverse correspondence directly.
    let k = homography(dst, src_pts);
    warp(src, ow as u32, oh as u32, |x, y| {
        let d = k[6] * x + k[7] * y + 1.0;
        (
            (k[0] * x + k[1] * y + k[2]) / d,
            (k[3] * x + k[4] * y + k[5]) / d,
        )
    })
}

fn map_levels(src: &GrayImage, lo: u8, hi: u8) -> GrayImage {
    let span = f32::from(hi - lo);
    GrayImage::from_fn(src.width(), src.height(), |x, y| {
        let v = f32::from(src.get_pixel(x, y)[0]) / 255.0;
        Luma([(f32::from(lo) + v * span).round() as u8])
    })
}

fn add_noise(img: &mut GrayImage, rng: &mut Rng, sd: f32) {
    for p in img.pixels_mut() {
        p[0] = (f32::from(p[0]) + rng.noise(sd)).round().clamp(0.0, 255.0) as u8;
    }
}

fn scale(src: &GrayImage, factor: f32) -> GrayImage {
    let w = ((src.width() as f32) * factor).round().max(1.0) as u32;
    let h = ((src.height() as f32) * factor).round().max(1.0) as u32;
    imageops::resize(src, w, h, imageops::FilterType::Triangle)
}

/// A 1280×720 camera-like frame: uneven grey background with sensor noise.
fn frame(rng: &mut Rng) -> GrayImage {
    let mut f = GrayImage::from_fn(1280, 720, |x, y| {
        Luma([(150.0 + 40.0 * (x as f32 / 1280.0) - 20.0 * (y as f32 / 720.0)) as u8])
    });
    add_noise(&mut f, rng, 3.0);
    f
}

fn place(frame: &mut GrayImage, sym: &GrayImage, x: i64, y: i64) {
    // Labels are printed on white stock: the symbol keeps its quiet zone.
    let white = map_levels(sym, 25, 235);
    imageops::replace(frame, &white, x, y);
}

fn save_png(img: &GrayImage, path: &Path) -> Result<(), Box<dyn Error>> {
    img.save(path)?;
    Ok(())
}

fn save_jpeg(img: &GrayImage, path: &Path, quality: u8) -> Result<(), Box<dyn Error>> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(img)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "hardware-fixtures/camera".into()),
    );
    let tsv = std::fs::read_to_string(dir.join("labels.tsv"))?;
    let names: Vec<String> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .collect();
    let out = dir.join("degraded");
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let label = |name: &str| -> Result<GrayImage, Box<dyn Error>> {
        Ok(image::open(dir.join("labels").join(format!("{name}.png")))?.to_luma8())
    };
    for name in &names {
        let src = pad(&label(name)?, 8);
        let o = |kind: &str, ext: &str| out.join(format!("{name}__{kind}.{ext}"));
        save_png(&rotate(&src, 23.0), &o("rotate23", "png"))?;
        save_png(&rotate(&src, 90.0), &o("rotate90", "png"))?;
        save_png(&perspective(&src), &o("perspective", "png"))?;
        save_png(&imageops::blur(&src, 1.5), &o("blur", "png"))?;
        save_png(&map_levels(&src, 105, 150), &o("lowcontrast", "png"))?;
        save_jpeg(&scale(&src, 0.75), &o("jpeg20", "jpg"), 20)?;
        let mut inverted = src.clone();
        imageops::invert(&mut inverted);
        save_png(&inverted, &o("inverted", "png"))?;
        // Small in a noisy 720p frame: about 2 px per module for matrix symbols.
        let mut f = frame(&mut rng);
        let small = scale(&src, 0.5);
        let small = if small.width() > 1200 {
            scale(&small, 1200.0 / small.width() as f32)
        } else {
            small
        };
        let x = 40 + (rng.next() % u64::from(1280 - small.width().min(1240) - 40 + 1)) as i64;
        let y =
            40 + (rng.next() % u64::from(720u32.saturating_sub(small.height() + 40).max(1))) as i64;
        place(&mut f, &small, x.min(1280 - i64::from(small.width())), y);
        add_noise(&mut f, &mut rng, 2.0);
        save_jpeg(&f, &o("small-in-frame", "jpg"), 80)?;
    }
    // Two symbols side by side in one frame.
    for (a, b) in [
        ("wristband-dm", "product-dm"),
        ("product-128", "product-ean13"),
        ("wristband-dm", "product-databar-expanded"),
    ] {
        let mut f = frame(&mut rng);
        let sa = pad(&label(a)?, 8);
        let sb = pad(&label(b)?, 8);
        let fit = |s: GrayImage, max_w: f32| {
            if s.width() as f32 > max_w {
                scale(&s, max_w / s.width() as f32)
            } else {
                s
            }
        };
        let (sa, sb) = (fit(sa, 600.0), fit(sb, 600.0));
        place(&mut f, &sa, 20, 60);
        place(&mut f, &sb, 660, 320);
        save_jpeg(&f, &out.join(format!("two__{a}__{b}.jpg")), 90)?;
    }
    // Empty frames: nothing to find, things to falsely find.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty)?;
    save_jpeg(&frame(&mut rng), &empty.join("noise.jpg"), 90)?;
    let mut bars = frame(&mut rng);
    // Random vertical stripes (like text or a keyboard edge), the classic linear false positive.
    let mut x = 100u32;
    while x < 1180 {
        let w = 2 + (rng.next() % 9) as u32;
        for xx in x..(x + w).min(1280) {
            for y in 200..520 {
                bars.put_pixel(xx, y, Luma([30]));
            }
        }
        x += w + 2 + (rng.next() % 11) as u32;
    }
    save_jpeg(&bars, &empty.join("stripes.jpg"), 90)?;
    let mut checker = frame(&mut rng);
    for y in 100..600u32 {
        for x in 300..900u32 {
            if ((x / 6) + (y / 6)) % 2 == 0 && (rng.next() % 5 != 0) {
                checker.put_pixel(x, y, Luma([40]));
            }
        }
    }
    save_jpeg(&checker, &empty.join("checker.jpg"), 90)?;
    // A label sliding through the view, then an empty view: for dedupe and confirmation.
    for name in ["product-dm", "product-128"] {
        let seq = dir.join("sequence").join(name);
        std::fs::create_dir_all(&seq)?;
        let sym = pad(&label(name)?, 8);
        let sym = if sym.width() > 700 {
            scale(&sym, 700.0 / sym.width() as f32)
        } else {
            scale(&sym, 0.75)
        };
        let mut bg_rng = Rng(0x0bad_5eed_0000_0002);
        for i in 0..10u32 {
            let mut f = frame(&mut bg_rng);
            if i < 8 {
                let x = -(i64::from(sym.width()) / 2) + i64::from(i) * 160;
                // Through the middle of the view, where a fixed camera is aimed.
                place(&mut f, &sym, x, 360 - i64::from(sym.height()) / 2);
            }
            save_jpeg(&f, &seq.join(format!("frame-{i:02}.jpg")), 75)?;
        }
    }
    Ok(())
}
