//! Pure image decoding for the camera and folder sources: no I/O except [`load_image`].
//!
//! Brief overview:
//! - A [`Backend`] finds symbols in a greyscale image: [`rxing_backend`] (pure Rust, the default)
//!   or `zxing_backend` (the zxing-cpp C++ library, cargo feature `zxing-cpp`). Each backend
//!   normalises its own quirks ([`normalize`]) so that both give the same [`Candidate`]s: format,
//!   AIM symbology identifier, transmitted data (GS for FNC1) and corner points.
//! - A [`Decoder`] runs a backend in two tiers: a fast pass on the frame as it is, and, when that
//!   finds nothing, a thorough pass ([`preprocess`]: contrast stretch, inversion, a scale
//!   pyramid; plus the backend's own "try harder"). Every candidate then goes through the GS1
//!   engine ([`crate::gs1::parse`]): a GS1 symbol whose data fails it is **not** a scan; it is
//!   counted in [`FrameOutcome::rejected`] and logged at debug level only.
//! - [`confirm::Confirmer`] turns per-frame reads from a camera into scans: two-frame
//!   confirmation for linear symbols and DataBar, and a hold-off dedupe.
//!
//! Invariants: a reported symbol's `symbology` is decided from its data and codewords, never
//! from a backend's own claim; GS1 symbols are reported only when the GS1 engine accepted them;
//! symbol data never appears in logs above debug level (wristbands carry NHS numbers).

pub mod confirm;
pub mod databar_limited;
pub mod normalize;
pub mod preprocess;
pub mod rxing_backend;
#[cfg(feature = "zxing-cpp")]
pub mod zxing_backend;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use image::GrayImage;
use serde::{Deserialize, Serialize};

use crate::gs1::{self, Element, ParseOptions};

/// A barcode format the gateway can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Format {
    /// Data Matrix ECC 200, square, rectangular and DMRE (GS1 DataMatrix when FNC1 first).
    DataMatrix,
    /// QR Code (GS1 QR when FNC1 first).
    QrCode,
    /// Code 128 (GS1-128 when FNC1 first).
    Code128,
    /// GS1 DataBar Omnidirectional and Stacked (DataBar-14).
    DataBar,
    /// GS1 DataBar Limited (rxing has no reader for it; the rxing backend uses
    /// [`databar_limited`], ported from zxing-cpp).
    DataBarLimited,
    /// GS1 DataBar Expanded and Expanded Stacked.
    DataBarExpanded,
    /// EAN-13.
    Ean13,
    /// EAN-8.
    Ean8,
    /// UPC-A (transmitted as 13 digits under `]E0`).
    UpcA,
    /// UPC-E (transmitted expanded, as 13 digits under `]E0`).
    UpcE,
}

impl Format {
    /// Every supported format.
    pub const ALL: [Format; 10] = [
        Format::DataMatrix,
        Format::QrCode,
        Format::Code128,
        Format::DataBar,
        Format::DataBarLimited,
        Format::DataBarExpanded,
        Format::Ean13,
        Format::Ean8,
        Format::UpcA,
        Format::UpcE,
    ];

    /// The name used in JSON output (zxing-cpp's spelling).
    pub fn name(self) -> &'static str {
        match self {
            Format::DataMatrix => "DataMatrix",
            Format::QrCode => "QRCode",
            Format::Code128 => "Code128",
            Format::DataBar => "DataBar",
            Format::DataBarLimited => "DataBarLimited",
            Format::DataBarExpanded => "DataBarExpanded",
            Format::Ean13 => "EAN-13",
            Format::Ean8 => "EAN-8",
            Format::UpcA => "UPC-A",
            Format::UpcE => "UPC-E",
        }
    }

    /// Linear (and DataBar) symbols have weak error detection, so a camera reports them only
    /// after two frames agree.
    pub fn is_linear(self) -> bool {
        !matches!(self, Format::DataMatrix | Format::QrCode)
    }

    /// EAN-13, EAN-8, UPC-A and UPC-E: a single mod-10 check digit, so a still image does not
    /// report them where another number of these formats was read too (see
    /// [`Decoder::decode`]).
    pub fn is_ean_upc(self) -> bool {
        matches!(
            self,
            Format::Ean13 | Format::Ean8 | Format::UpcA | Format::UpcE
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Format> for String {
    fn from(f: Format) -> String {
        f.name().to_owned()
    }
}

impl TryFrom<String> for Format {
    type Error = DecodeError;
    fn try_from(s: String) -> Result<Self, DecodeError> {
        s.parse()
    }
}

impl FromStr for Format {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, DecodeError> {
        let key: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Ok(match key.as_str() {
            "datamatrix" | "dm" | "gs1datamatrix" => Format::DataMatrix,
            "qr" | "qrcode" | "gs1qr" | "gs1qrcode" => Format::QrCode,
            "code128" | "gs1128" => Format::Code128,
            "databar" | "databaromni" | "databar14" | "rss14" | "databarstacked" => Format::DataBar,
            "databarlimited" | "databarltd" => Format::DataBarLimited,
            "databarexpanded" | "databarexp" | "rssexpanded" | "databarexpandedstacked" => {
                Format::DataBarExpanded
            }
            "ean13" => Format::Ean13,
            "ean8" => Format::Ean8,
            "upca" => Format::UpcA,
            "upce" => Format::UpcE,
            _ => return Err(DecodeError::UnknownFormat(s.to_owned())),
        })
    }
}

/// The formats to look for. Restricting them to what a site uses is faster and removes whole
/// classes of misreads (a rotated GS1-128 read as UPC-E).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSet(Vec<Format>);

impl FormatSet {
    /// Every supported format.
    pub fn all() -> Self {
        FormatSet(Format::ALL.to_vec())
    }

    /// The given formats, deduplicated. Empty means the default set.
    pub fn new(formats: impl IntoIterator<Item = Format>) -> Self {
        let mut v: Vec<Format> = formats.into_iter().collect();
        v.sort();
        v.dedup();
        if v.is_empty() {
            Self::default()
        } else {
            FormatSet(v)
        }
    }

    /// Parses a comma-separated list (`datamatrix,gs1-128,ean13`); group names `linear`,
    /// `matrix`, `ean-upc` and `all` are accepted too.
    pub fn parse_list(list: &str) -> Result<Self, DecodeError> {
        let mut out = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item.to_ascii_lowercase().as_str() {
                "all" => out.extend(Format::ALL),
                "linear" => out.extend(Format::ALL.into_iter().filter(|f| f.is_linear())),
                "matrix" => out.extend([Format::DataMatrix, Format::QrCode]),
                "ean-upc" | "eanupc" => {
                    out.extend([Format::Ean13, Format::Ean8, Format::UpcA, Format::UpcE])
                }
                _ => out.push(item.parse()?),
            }
        }
        if out.is_empty() {
            return Err(DecodeError::UnknownFormat(list.to_owned()));
        }
        Ok(Self::new(out))
    }

    /// True when `f` is in the set.
    pub fn contains(&self, f: Format) -> bool {
        self.0.contains(&f)
    }

    /// The formats, sorted.
    pub fn iter(&self) -> impl Iterator<Item = Format> + '_ {
        self.0.iter().copied()
    }

    /// The formats of this set that `keep` accepts, or `None` when it accepts none. Unlike
    /// [`FormatSet::new`], never falls back to the default set: a step that looks for a subset
    /// of the configured formats must not look for formats nobody configured.
    pub fn subset(&self, keep: impl Fn(Format) -> bool) -> Option<Self> {
        let v: Vec<Format> = self.0.iter().copied().filter(|f| keep(*f)).collect();
        (!v.is_empty()).then_some(FormatSet(v))
    }

    /// True when any format in the set is linear.
    pub fn any_linear(&self) -> bool {
        self.0.iter().any(|f| f.is_linear())
    }
}

/// Every format except UPC-E, which must be asked for: measured on the fixtures, rxing reads
/// partly visible, rotated or low-contrast linear symbols as check-digit-valid UPC-E "ghosts",
/// and healthcare products carry GTIN-13/GS1 symbols, not UPC-E.
impl Default for FormatSet {
    fn default() -> Self {
        FormatSet(
            Format::ALL
                .into_iter()
                .filter(|f| *f != Format::UpcE)
                .collect(),
        )
    }
}

/// Which decoder backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DecoderKind {
    /// rxing: pure Rust, always built.
    #[default]
    #[serde(rename = "rxing")]
    Rxing,
    /// zxing-cpp: the C++ library, built with the cargo feature `zxing-cpp`.
    #[serde(rename = "zxing-cpp")]
    ZxingCpp,
}

impl DecoderKind {
    /// The configuration / command-line spelling.
    pub fn name(self) -> &'static str {
        match self {
            DecoderKind::Rxing => "rxing",
            DecoderKind::ZxingCpp => "zxing-cpp",
        }
    }

    /// True when this backend is compiled into this binary.
    pub fn is_available(self) -> bool {
        match self {
            DecoderKind::Rxing => true,
            DecoderKind::ZxingCpp => cfg!(feature = "zxing-cpp"),
        }
    }
}

impl fmt::Display for DecoderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DecoderKind {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, DecodeError> {
        match s {
            "rxing" => Ok(DecoderKind::Rxing),
            "zxing-cpp" | "zxingcpp" | "zxing_cpp" => Ok(DecoderKind::ZxingCpp),
            _ => Err(DecodeError::UnknownDecoder(s.to_owned())),
        }
    }
}

/// Why decoding could not run. Finding no symbol is not an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The bytes are not a supported, complete image.
    #[error("{path} is not a readable image: {message}")]
    Image {
        /// The file.
        path: PathBuf,
        /// What the image decoder said.
        message: String,
    },
    /// A frame or image with no pixels.
    #[error("image has zero size ({width}x{height})")]
    EmptyImage {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A frame buffer whose length does not match its dimensions and pixel format.
    #[error("frame of {len} bytes does not match {width}x{height} {format}")]
    BadFrame {
        /// Buffer length.
        len: usize,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The pixel format.
        format: String,
    },
    /// The backend is not compiled in.
    #[error("decoder `{0}` is not built into this binary (rebuild with `--features zxing-cpp`)")]
    BackendUnavailable(DecoderKind),
    /// The backend failed (not "found nothing").
    #[error("{backend} decoder failed: {message}")]
    Backend {
        /// Which backend.
        backend: DecoderKind,
        /// Its message.
        message: String,
    },
    /// An unknown format name.
    #[error("unknown barcode format `{0}` (known: datamatrix, qrcode, code128, databar, databar-limited, databar-expanded, ean13, ean8, upca, upce, linear, matrix, ean-upc, all)")]
    UnknownFormat(String),
    /// An unknown decoder name.
    #[error("unknown decoder `{0}` (known: rxing, zxing-cpp)")]
    UnknownDecoder(String),
}

impl DecodeError {
    /// A short machine-readable kind for JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::Io { .. } => "io",
            DecodeError::Image { .. } => "image",
            DecodeError::EmptyImage { .. } => "empty_image",
            DecodeError::BadFrame { .. } => "bad_frame",
            DecodeError::BackendUnavailable(_) => "backend_unavailable",
            DecodeError::Backend { .. } => "backend",
            DecodeError::UnknownFormat(_) => "unknown_format",
            DecodeError::UnknownDecoder(_) => "unknown_decoder",
        }
    }
}

/// Loads an image file as 8-bit greyscale. The format is taken from the content, not the name.
pub fn load_image(path: &Path) -> Result<GrayImage, DecodeError> {
    let bytes = std::fs::read(path).map_err(|source| DecodeError::Io {
        path: path.to_owned(),
        source,
    })?;
    let img = image::load_from_memory(&bytes).map_err(|e| DecodeError::Image {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let grey = img.to_luma8();
    if grey.width() == 0 || grey.height() == 0 {
        return Err(DecodeError::EmptyImage {
            width: grey.width(),
            height: grey.height(),
        });
    }
    Ok(grey)
}

/// How hard a backend should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Every frame: no rotation search, no inversion, no extra binarisers.
    Fast,
    /// When the fast pass found nothing: the backend's own "try harder" and rotation search.
    Thorough,
}

/// One symbol as a backend found it, already normalised (see [`normalize`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The format.
    pub format: Format,
    /// The AIM symbology identifier, e.g. `]d2`.
    pub symbology: String,
    /// The transmitted data: GS (0x1D) for FNC1 separators, no symbology identifier.
    pub data: Vec<u8>,
    /// Corner points (or the two ends of a scan line for linear symbols), in image pixels.
    pub points: Vec<(f32, f32)>,
}

/// A decoder backend: finds and normalises symbols in one greyscale image.
pub trait Backend: Send {
    /// Which backend this is.
    fn kind(&self) -> DecoderKind;
    /// Finds every symbol of the given formats. `invert` asks for light-on-dark symbols as well
    /// where the backend can do that cheaply itself (it is ignored otherwise; [`Decoder`] also
    /// inverts the image in the thorough pass).
    fn read(
        &mut self,
        image: &GrayImage,
        formats: &FormatSet,
        effort: Effort,
    ) -> Result<Vec<Candidate>, DecodeError>;
}

/// Creates the backend of the given kind.
pub fn backend(kind: DecoderKind) -> Result<Box<dyn Backend>, DecodeError> {
    match kind {
        DecoderKind::Rxing => Ok(Box::new(rxing_backend::RxingBackend::new())),
        #[cfg(feature = "zxing-cpp")]
        DecoderKind::ZxingCpp => Ok(Box::new(zxing_backend::ZxingBackend::new())),
        #[cfg(not(feature = "zxing-cpp"))]
        DecoderKind::ZxingCpp => Err(DecodeError::BackendUnavailable(kind)),
    }
}

/// A symbol that passed every check: what the gateway reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// The format.
    pub format: Format,
    /// The AIM symbology identifier, e.g. `]d2`.
    pub symbology: String,
    /// The transmitted data: GS (0x1D) for FNC1 separators, no symbology identifier.
    pub data: Vec<u8>,
    /// True for GS1 symbologies (`]C1`, `]d2`, `]d8`, `]Q3`, `]e0`): the data is a GS1 element
    /// string that the GS1 engine accepted.
    pub gs1: bool,
    /// The parsed GS1 elements (for EAN/UPC: the GTIN as AI 01).
    pub elements: Vec<Element>,
    /// Corner points in image pixels.
    pub points: Vec<(i32, i32)>,
}

impl Symbol {
    /// The data as text (lossy for non-UTF-8 bytes in plain symbols).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// Bracketed HRI, `(01)…(17)…`, for GS1 symbols whose elements are known.
    pub fn hri(&self) -> Option<String> {
        (self.gs1 && !self.elements.is_empty()).then(|| {
            normalize::render_hri(
                self.elements
                    .iter()
                    .map(|e| (e.ai.as_str(), e.value.as_str())),
            )
        })
    }
}

/// True for AIM identifiers whose data is a GS1 element string.
pub fn is_gs1_symbology(symbology: &str) -> bool {
    matches!(symbology, "]C1" | "]d2" | "]d8" | "]Q3" | "]e0" | "]J1")
}

/// Why a candidate was not reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The format.
    pub format: Format,
    /// The symbology identifier.
    pub symbology: String,
    /// The GS1 engine's error kind (or a local check), never the data itself.
    pub reason: String,
}

/// Checks a candidate: GS1 symbologies must pass the GS1 engine; EAN/UPC must carry a valid
/// check digit. Returns the reportable symbol or why it is not one.
pub fn validate(candidate: Candidate) -> Result<Symbol, Rejection> {
    let reject = |reason: String| Rejection {
        format: candidate.format,
        symbology: candidate.symbology.clone(),
        reason,
    };
    let points = candidate
        .points
        .iter()
        .map(|(x, y)| (x.round() as i32, y.round() as i32))
        .collect();
    // Every supported symbology carries at least one character; an empty Code 128 (start, check
    // and stop characters only) is what rxing made of a textured surface in a real photo.
    if candidate.data.is_empty() {
        return Err(reject("empty_data".into()));
    }
    if is_gs1_symbology(&candidate.symbology) {
        // The GS1 engine knows the standard identifiers; a DMRE symbol carries the same data as
        // `]d2`.
        let id = if candidate.symbology == "]d8" {
            "]d2"
        } else {
            candidate.symbology.as_str()
        };
        let mut input = id.as_bytes().to_vec();
        input.extend_from_slice(&candidate.data);
        let elements = match gs1::parse(&input, &ParseOptions::default()) {
            Ok(msg) => msg.elements,
            // Until the engine is merged, accept: nothing else to validate against.
            Err(e) if e.kind == "unimplemented" => Vec::new(),
            Err(e) => return Err(reject(e.kind)),
        };
        return Ok(Symbol {
            format: candidate.format,
            symbology: candidate.symbology,
            data: candidate.data,
            gs1: true,
            elements,
            points,
        });
    }
    let mut elements = Vec::new();
    if candidate.symbology.starts_with("]E") {
        if !candidate.data.iter().all(u8::is_ascii_digit)
            || !normalize::has_valid_check_digit(&candidate.data)
        {
            return Err(reject("bad_check_digit".into()));
        }
        let gtin = format!("{:0>14}", String::from_utf8_lossy(&candidate.data));
        elements.push(Element {
            ai: "01".into(),
            value: gtin.into(),
        });
    }
    Ok(Symbol {
        format: candidate.format,
        symbology: candidate.symbology,
        data: candidate.data,
        gs1: false,
        elements,
        points,
    })
}

/// Which pass produced a frame's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The fast pass only.
    Fast,
    /// The fast pass found nothing; the thorough pass ran.
    Thorough,
}

/// What one frame gave.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameOutcome {
    /// Symbols that passed every check, one per distinct (format, data).
    pub symbols: Vec<Symbol>,
    /// Candidates that failed the GS1 engine or a check digit: not scans.
    pub rejected: Vec<Rejection>,
    /// The last pass that ran.
    pub pass: Pass,
}

/// Runs a backend over a frame in two tiers. Not shared between threads: one per worker.
pub struct Decoder {
    backend: Box<dyn Backend>,
    formats: FormatSet,
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("backend", &self.backend.kind())
            .field("formats", &self.formats)
            .finish()
    }
}

/// How much further than a rotated view its confirming view turns (see [`Decoder::thorough`]):
/// enough to sample the bars on another pixel grid, little enough for any symbol the first view
/// read to stay within the rows' reach.
const CONFIRM_DEGREES: f32 = 4.0;

impl Decoder {
    /// A decoder for the given backend and formats.
    pub fn new(kind: DecoderKind, formats: FormatSet) -> Result<Self, DecodeError> {
        Ok(Self::with_backend(backend(kind)?, formats))
    }

    /// A decoder around any backend (tests use a deliberately slow one).
    pub fn with_backend(backend: Box<dyn Backend>, formats: FormatSet) -> Self {
        Decoder { backend, formats }
    }

    /// The backend in use.
    pub fn kind(&self) -> DecoderKind {
        self.backend.kind()
    }

    /// The fast pass: the frame as it is, the backend's fast settings.
    pub fn fast(&mut self, image: &GrayImage) -> Result<FrameOutcome, DecodeError> {
        check_size(image)?;
        let found = self.backend.read(image, &self.formats, Effort::Fast)?;
        Ok(finish(found, Pass::Fast))
    }

    /// The thorough pass: contrast stretch, inversion, rotations for linear symbols, a 2×
    /// pyramid level, (images up to 1024 px) a white border for 2D symbols and, for rxing, a
    /// half-size level, each with the
    /// backend's "try harder"; later steps run only while nothing was found. Costs several fast passes; the camera source bounds its rate.
    pub fn thorough(&mut self, image: &GrayImage) -> Result<FrameOutcome, DecodeError> {
        check_size(image)?;
        let mut found = Vec::new();
        let stretched = preprocess::contrast_stretch(image);
        let base = stretched.as_ref().unwrap_or(image);
        found.extend(self.backend.read(base, &self.formats, Effort::Thorough)?);
        if found.is_empty() {
            let inverted = preprocess::invert(base);
            found.extend(
                self.backend
                    .read(&inverted, &self.formats, Effort::Thorough)?,
            );
        }
        let linear = self.formats.subset(Format::is_linear);
        if let (true, Some(linear)) = (found.is_empty(), linear) {
            // Backends read linear symbols along rows (and columns); a long, thin label more
            // than a few degrees off axis is crossed by no single row. Steps of 22.5° (the
            // backends add 90°) leave at most 11.25° to cover.
            for degrees in [22.5f32, 45.0, 67.5] {
                let mut more = self.read_rotated(base, degrees, &linear)?;
                if !more.is_empty() {
                    // A resampled image can alias narrow bars into another valid symbol (a
                    // GS1-valid DataBar Expanded ghost on a real photo): keep only what a view
                    // turned a few degrees further also reads. A real symbol tolerates that.
                    let mut confirmed = Vec::with_capacity(more.len());
                    for other in [degrees + CONFIRM_DEGREES, degrees - CONFIRM_DEGREES] {
                        let formats = linear
                            .subset(|f| more.iter().any(|c| c.format == f))
                            .unwrap_or_else(|| linear.clone());
                        let seen = self.read_rotated(base, other, &formats)?;
                        let (same, rest): (Vec<_>, Vec<_>) = more.into_iter().partition(|c| {
                            seen.iter()
                                .any(|s| s.format == c.format && s.data == c.data)
                        });
                        confirmed.extend(same);
                        more = rest;
                        if more.is_empty() {
                            break;
                        }
                    }
                    found.extend(confirmed);
                }
                if !found.is_empty() {
                    break;
                }
            }
        }
        if found.is_empty() && base.width().max(base.height()) <= 1600 {
            // Small symbols (modules of 1–2 px) read better twice as large; very large frames
            // are left to the backend's own downscaling.
            let big = preprocess::upscale_double(base);
            let mut more = self.backend.read(&big, &self.formats, Effort::Thorough)?;
            for c in &mut more {
                for p in &mut c.points {
                    *p = (p.0 / 2.0, p.1 / 2.0);
                }
            }
            found.extend(more);
        }
        let matrix = self.formats.subset(|f| !f.is_linear());
        if let (true, Some(matrix), true) = (
            found.is_empty(),
            matrix,
            base.width().max(base.height()) <= 1024,
        ) {
            // A 2D symbol in an image cropped tight around it has no quiet zone to find (real
            // photos: +3 DataMatrix decodes of 388 with rxing, +5 with zxing-cpp, no misread).
            // Camera frames (720p and up) are not cropped like that.
            let border = (base.width().max(base.height()) / 8).max(8);
            let padded = preprocess::pad(base, border);
            let mut more = self.backend.read(&padded, &matrix, Effort::Thorough)?;
            let b = border as f32;
            for c in &mut more {
                for p in &mut c.points {
                    *p = (p.0 - b, p.1 - b);
                }
            }
            found.extend(more);
        }
        if found.is_empty() && self.backend.kind() == DecoderKind::Rxing {
            // Large, noisy symbols (photos close up) binarise better at half size. zxing-cpp
            // downscales by itself (`try_downscale`); rxing does not. Real photos, rxing:
            // +7 QR Code and +6 EAN-13 decodes of 2,652, no misread, no false positive.
            if let Some(small) = preprocess::downscale_half(base) {
                let mut more = self.backend.read(&small, &self.formats, Effort::Thorough)?;
                for c in &mut more {
                    for p in &mut c.points {
                        *p = (p.0 * 2.0, p.1 * 2.0);
                    }
                }
                found.extend(more);
            }
        }
        Ok(finish(found, Pass::Thorough))
    }

    /// Reads `formats` in `image` turned by `degrees`, with the points mapped back.
    fn read_rotated(
        &mut self,
        image: &GrayImage,
        degrees: f32,
        formats: &FormatSet,
    ) -> Result<Vec<Candidate>, DecodeError> {
        let (rotated, back) = preprocess::rotate(image, degrees);
        let mut found = self.backend.read(&rotated, formats, Effort::Thorough)?;
        for c in &mut found {
            for p in &mut c.points {
                *p = back(*p);
            }
        }
        Ok(found)
    }

    /// Runs the passes `strategy` asks for and merges their symbols. With [`Strategy::Both`]
    /// (still images) an EAN/UPC symbol is not reported when another EAN/UPC number (for UPC-E:
    /// any other symbol) was read at the same place, in these passes or in three further EAN/UPC
    /// views of the image (see
    /// `ean_upc_views`): one of the two is a misread and nothing says which (see
    /// [`Decoder::drop_conflicting_ean_upc`], which the camera also uses).
    pub fn decode(
        &mut self,
        image: &GrayImage,
        strategy: Strategy,
    ) -> Result<FrameOutcome, DecodeError> {
        let fast = self.fast(image)?;
        let run_thorough = match strategy {
            Strategy::FastOnly => false,
            Strategy::ThoroughIfNothing => fast.symbols.is_empty(),
            Strategy::Both => true,
        };
        if !run_thorough {
            return Ok(fast);
        }
        let mut thorough = self.thorough(image)?;
        let mut symbols = fast.symbols;
        for s in thorough.symbols {
            if !symbols
                .iter()
                .any(|o| o.symbology == s.symbology && o.data == s.data)
            {
                symbols.push(s);
            }
        }
        let mut rejected = fast.rejected;
        rejected.append(&mut thorough.rejected);
        let mut outcome = FrameOutcome {
            symbols,
            rejected,
            pass: Pass::Thorough,
        };
        if strategy == Strategy::Both {
            self.drop_conflicting_ean_upc(image, &mut outcome)?;
        }
        Ok(outcome)
    }
}

impl Decoder {
    /// Drops each EAN/UPC symbol of `outcome` that another EAN/UPC number (for UPC-E: any other
    /// symbol) contradicts at the same place, in `outcome` itself or in three further EAN/UPC
    /// views of `image` (see `ean_upc_views`), and each EAN-8 not read in two of those views:
    /// one of two such reads is a misread and nothing says which. Still images get this in
    /// [`Strategy::Both`]; the camera runs it on a frame that shows an EAN/UPC number not yet
    /// reported, since a frame held still repeats a misread as faithfully as a read, and
    /// two-frame confirmation alone would pass it.
    pub fn drop_conflicting_ean_upc(
        &mut self,
        image: &GrayImage,
        outcome: &mut FrameOutcome,
    ) -> Result<(), DecodeError> {
        if !outcome.symbols.iter().any(|s| s.format.is_ean_upc()) {
            return Ok(());
        }
        let mut seen: Vec<Seen> = outcome
            .symbols
            .iter()
            .map(|s| {
                let b = Bounds::of(&s.points);
                (s.format, s.symbology.clone(), s.data.clone(), b)
            })
            .collect();
        let views = self.ean_upc_views(image)?;
        seen.extend(views.iter().flatten().cloned());
        outcome.symbols.retain(|s| {
            if !s.format.is_ean_upc() {
                return true;
            }
            let mine = Bounds::of(&s.points);
            // Another EAN/UPC number at the same place contradicts it; so does any other
            // symbol for UPC-E, which rxing pieces out of GS1 DataBar symbols. A GS1-128 or
            // DataMatrix beside an EAN-13 is normal on a pack and does not count.
            let mut conflict = seen.iter().any(|(format, id, data, other)| {
                (format.is_ean_upc() || s.format == Format::UpcE)
                    && (*id != s.symbology || *data != s.data)
                    && mine.near(other)
            });
            // An EAN-8 (guard, 4 digits, guard, 4 digits, guard) can be pieced out of a
            // damaged EAN-13/UPC-A whose real number no view reads (measured: a UPC-A under
            // glare); it must show up in two views.
            if s.format == Format::Ean8 {
                let views_with_it = views
                    .iter()
                    .filter(|v| {
                        v.iter()
                            .any(|(_, id, data, _)| *id == s.symbology && *data == s.data)
                    })
                    .count();
                conflict |= views_with_it < 2;
            }
            if conflict {
                tracing::debug!(
                    format = %s.format,
                    "decoded symbol dropped: another EAN/UPC number read at the same place"
                );
                outcome.rejected.push(Rejection {
                    format: s.format,
                    symbology: s.symbology.clone(),
                    reason: "conflicting_read".into(),
                });
            }
            !conflict
        });
        Ok(())
    }

    /// The EAN/UPC symbols (format, symbology, data, where) of each of three views of an image: as it
    /// is (fast settings), contrast-stretched (thorough settings), and stretched at twice the
    /// size. Measured on real photos (hardware-fixtures/photos), both backends turn a blurred,
    /// small or damaged EAN/UPC symbol into another check-digit-valid number on some rows (a
    /// mod-10 check digit misses one wrong digit pattern in ten); the real number then shows up
    /// in another view, or in the same one, at the same place.
    fn ean_upc_views(&mut self, image: &GrayImage) -> Result<Vec<Vec<Seen>>, DecodeError> {
        let Some(formats) = self.formats.subset(Format::is_ean_upc) else {
            return Ok(vec![Vec::new(); 3]);
        };
        let stretched = preprocess::contrast_stretch(image);
        let base = stretched.as_ref().unwrap_or(image);
        let big = preprocess::upscale_double(base);
        let mut views = Vec::new();
        for (img, effort, scale) in [
            (image, Effort::Fast, 1.0),
            (base, Effort::Thorough, 1.0),
            (&big, Effort::Thorough, 0.5),
        ] {
            let found = self.backend.read(img, &formats, effort)?;
            let mut view = Vec::new();
            for s in finish(found, Pass::Thorough).symbols {
                let mut b = Bounds::of(&s.points);
                b.scale(scale);
                view.push((s.format, s.symbology, s.data, b));
            }
            views.push(view);
        }
        Ok(views)
    }
}

/// A symbol read somewhere in a still image: format, symbology identifier, data, where.
type Seen = (Format, String, Vec<u8>, Bounds);

/// The bounding box of a symbol's points (a scan line for linear symbols from rxing).
#[derive(Debug, Clone, Copy)]
struct Bounds {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Bounds {
    fn of(points: &[(i32, i32)]) -> Self {
        let mut b = Bounds {
            x0: f32::MAX,
            y0: f32::MAX,
            x1: f32::MIN,
            y1: f32::MIN,
        };
        for &(x, y) in points {
            b.x0 = b.x0.min(x as f32);
            b.y0 = b.y0.min(y as f32);
            b.x1 = b.x1.max(x as f32);
            b.y1 = b.y1.max(y as f32);
        }
        b
    }

    fn scale(&mut self, f: f32) {
        for v in [&mut self.x0, &mut self.y0, &mut self.x1, &mut self.y1] {
            *v *= f;
        }
    }

    /// True when the boxes, each grown by half its longer side (a scan line has no height;
    /// a ghost may come from another row of the same symbol), overlap. Symbols without
    /// points are treated as near everything.
    fn near(&self, other: &Bounds) -> bool {
        if self.x0 > self.x1 || other.x0 > other.x1 {
            return true;
        }
        let grow = |b: &Bounds| {
            let g = (b.x1 - b.x0).max(b.y1 - b.y0) / 2.0 + 1.0;
            (b.x0 - g, b.y0 - g, b.x1 + g, b.y1 + g)
        };
        let (a, b) = (grow(self), grow(other));
        a.0 <= b.2 && b.0 <= a.2 && a.1 <= b.3 && b.1 <= a.3
    }
}

/// Which passes [`Decoder::decode`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The fast pass only (`decode --fast`).
    FastOnly,
    /// The thorough pass only when the fast pass found no valid symbol.
    ThoroughIfNothing,
    /// Both passes, merged: finds every symbol in a still image (`decode` without `--fast`);
    /// EAN/UPC symbols contradicted by another read at the same place are dropped.
    Both,
}

fn check_size(image: &GrayImage) -> Result<(), DecodeError> {
    if image.width() == 0 || image.height() == 0 {
        return Err(DecodeError::EmptyImage {
            width: image.width(),
            height: image.height(),
        });
    }
    Ok(())
}

/// Validates candidates and keeps one symbol per distinct (format, symbology, data).
fn finish(found: Vec<Candidate>, pass: Pass) -> FrameOutcome {
    let mut symbols: Vec<Symbol> = Vec::new();
    let mut rejected = Vec::new();
    for c in found {
        match validate(c) {
            Ok(s) => {
                if !symbols
                    .iter()
                    .any(|o| o.format == s.format && o.symbology == s.symbology && o.data == s.data)
                {
                    symbols.push(s);
                }
            }
            Err(r) => {
                tracing::debug!(
                    format = %r.format,
                    symbology = %r.symbology,
                    reason = %r.reason,
                    "decoded symbol rejected: not valid GS1 data"
                );
                rejected.push(r);
            }
        }
    }
    FrameOutcome {
        symbols,
        rejected,
        pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert_eq!("gs1-128".parse::<Format>().unwrap(), Format::Code128);
        assert!("pdf417".parse::<Format>().is_err());
    }

    #[test]
    fn subsets_never_fall_back_to_the_default_set() {
        let linear_only = FormatSet::parse_list("gs1-128,ean13").unwrap();
        assert_eq!(linear_only.subset(|f| !f.is_linear()), None);
        assert_eq!(
            linear_only.subset(Format::is_ean_upc),
            Some(FormatSet::new([Format::Ean13]))
        );
        assert_eq!(FormatSet::all().subset(|_| false), None);
    }

    #[test]
    fn format_lists() {
        let s = FormatSet::parse_list("datamatrix, GS1-128,ean-upc").unwrap();
        assert!(s.contains(Format::DataMatrix) && s.contains(Format::UpcE));
        assert!(!s.contains(Format::QrCode));
        assert!(FormatSet::parse_list("bogus").is_err());
        assert!(FormatSet::parse_list(" , ").is_err());
        assert_eq!(FormatSet::parse_list("all").unwrap(), FormatSet::all());
    }

    #[test]
    fn decoder_kinds() {
        assert_eq!("rxing".parse::<DecoderKind>().unwrap(), DecoderKind::Rxing);
        assert_eq!(
            "zxing-cpp".parse::<DecoderKind>().unwrap(),
            DecoderKind::ZxingCpp
        );
        assert!("zbar".parse::<DecoderKind>().is_err());
        assert_eq!(
            DecoderKind::ZxingCpp.is_available(),
            cfg!(feature = "zxing-cpp")
        );
    }

    #[test]
    fn ean_check_digit_is_enforced() {
        let c = |data: &str| Candidate {
            format: Format::Ean13,
            symbology: "]E0".into(),
            data: data.as_bytes().to_vec(),
            points: vec![],
        };
        let s = validate(c("5012345678900")).unwrap();
        assert_eq!(s.elements[0].value, "05012345678900");
        assert!(!s.gs1);
        assert_eq!(
            validate(c("5012345678901")).unwrap_err().reason,
            "bad_check_digit"
        );
    }

    #[test]
    fn zero_size_frames_are_errors() {
        let mut d = Decoder::new(DecoderKind::Rxing, FormatSet::all()).unwrap();
        assert!(matches!(
            d.decode(&GrayImage::new(0, 10), Strategy::Both),
            Err(DecodeError::EmptyImage { .. })
        ));
    }

    #[test]
    fn flat_frame_has_no_symbol() {
        let mut d = Decoder::new(DecoderKind::Rxing, FormatSet::all()).unwrap();
        let out = d
            .decode(
                &GrayImage::from_pixel(320, 240, image::Luma([200])),
                Strategy::Both,
            )
            .unwrap();
        assert!(out.symbols.is_empty());
    }
}
