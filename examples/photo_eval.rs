//! Read rates on real photographs and scans (hardware-fixtures/photos/, from zxing-cpp's
//! test/samples; see hardware-fixtures/README.md): every image at 0, 90, 180 and 270°, through
//! the same `Decoder` that `gs1-gateway decode` uses, per set and per backend.
//!
//! ```text
//! cargo run --release --example photo_eval                          # rxing
//! cargo run --release --features zxing-cpp --example photo_eval     # rxing and zxing-cpp
//!   [-- --backend rxing|zxing-cpp] [--formats default|all|both] [--sets datamatrix,rss]
//!       [--rotations 0,90] [--verbose] [--save DIR] [--explain] [--library]
//! ```
//!
//! An image counts as **read** when a reported symbol carries the expected data (the sibling
//! `.txt`, or `.bin` for binary content; for GS1 content an element string with GS separators,
//! or bracketed HRI, which is converted), as a **misread** when any reported symbol carries
//! other data, and as **not found** otherwise. On the `falsepositives-*` sets (no symbol in
//! them) every reported symbol is a **false positive**. "rejected" counts candidates the
//! decoder dropped (GS1 data that failed the GS1 engine, a bad EAN/UPC check digit): not reads,
//! not misreads. "fast" is the fast pass alone; "fast+thorough" is `Strategy::Both`, what
//! `gs1-gateway decode` does without `--fast`. With `--library` the first column is instead the
//! library alone: one backend call with its own "try harder" options and none of our steps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gs1_gateway::decode::{
    self, normalize, Decoder, DecoderKind, Effort, FormatSet, Strategy, Symbol,
};
use image::{imageops, GrayImage};

#[derive(Default, Clone, Copy)]
struct Tally {
    images: u32,
    read: u32,
    not_found: u32,
    misread: u32,
    false_positive: u32,
    rejected: u32,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.images += o.images;
        self.read += o.read;
        self.not_found += o.not_found;
        self.misread += o.misread;
        self.false_positive += o.false_positive;
        self.rejected += o.rejected;
    }
}

struct Photo {
    set: String,
    path: PathBuf,
    /// `None` on the false-positive sets.
    expected: Option<Vec<u8>>,
}

fn photos_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("hardware-fixtures/photos")
}

fn is_image(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("png" | "jpg" | "jpeg" | "webp" | "gif" | "pgm")
    )
}

fn load_photos(filter: &[String]) -> Vec<Photo> {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(photos_dir())
        .expect("hardware-fixtures/photos")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    sets.sort();
    let mut out = Vec::new();
    for dir in sets {
        let set = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !filter.is_empty() && !filter.iter().any(|f| set.starts_with(f.as_str())) {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_image(p))
            .collect();
        files.sort();
        for path in files {
            let expected = if set.starts_with("falsepositives") {
                None
            } else if let Ok(t) = std::fs::read(path.with_extension("txt")) {
                Some(t)
            } else if let Ok(b) = std::fs::read(path.with_extension("bin")) {
                Some(b)
            } else {
                eprintln!("no expected text for {}, skipped", path.display());
                continue;
            };
            out.push(Photo {
                set: set.clone(),
                path,
                expected,
            });
        }
    }
    out
}

/// The expected data in the form our decoder reports: element string with GS separators and no
/// trailing GS (bracketed HRI converted), other data as is.
fn expected_form(raw: &[u8]) -> Vec<u8> {
    let mut v = raw.to_vec();
    if v.first() == Some(&b'(') {
        if let Ok(es) = normalize::hri_to_element_string(&v) {
            v = es;
        }
    }
    normalize::strip_trailing_gs(&mut v);
    v
}

fn matches(symbol: &Symbol, expected: &[u8]) -> bool {
    if symbol.data == expected {
        return true;
    }
    // zxing-cpp's expected texts are UTF-8; our data is UTF-8 text for non-GS1 symbols too, so a
    // difference is a real difference, except for `.bin` files of Latin-1 bytes.
    let latin1: String = expected.iter().map(|&b| b as char).collect();
    symbol.data == latin1.as_bytes()
}

fn rotated(img: &GrayImage, degrees: u32) -> GrayImage {
    match degrees {
        90 => imageops::rotate90(img),
        180 => imageops::rotate180(img),
        270 => imageops::rotate270(img),
        _ => img.clone(),
    }
}

fn classify(
    photo: &Photo,
    rotation: u32,
    symbols: &[Symbol],
    rejected: usize,
    label: &str,
    verbose: bool,
    save: Option<(&Path, &GrayImage)>,
) -> Tally {
    let mut t = Tally {
        images: 1,
        rejected: rejected as u32,
        ..Tally::default()
    };
    let name = format!(
        "{}/{} @{rotation}",
        photo.set,
        photo.path.file_name().unwrap().to_string_lossy()
    );
    let keep = |what: &str| {
        if let Some((dir, img)) = save {
            let stem = photo.path.file_stem().unwrap().to_string_lossy();
            let file = format!("{what}-{}-{stem}-{rotation}.png", photo.set);
            img.save(dir.join(file)).expect("--save directory");
        }
    };
    match &photo.expected {
        None => {
            if !symbols.is_empty() {
                keep("fp");
            }
            t.false_positive = symbols.len() as u32;
            for s in symbols {
                println!(
                    "    [{label}] FALSE POSITIVE {name}: {} {} {:?}",
                    s.format,
                    s.symbology,
                    s.text()
                );
            }
        }
        Some(raw) => {
            let want = expected_form(raw);
            let wrong: Vec<&Symbol> = symbols.iter().filter(|s| !matches(s, &want)).collect();
            if !wrong.is_empty() {
                keep("misread");
                t.misread = 1;
                for s in wrong {
                    println!(
                        "    [{label}] MISREAD {name}: {} {} {:?} (expected {:?})",
                        s.format,
                        s.symbology,
                        s.text(),
                        String::from_utf8_lossy(&want)
                    );
                }
            } else if symbols.is_empty() {
                t.not_found = 1;
                if verbose {
                    keep("notfound");
                    println!("    [{label}] not found {name} (rejected {rejected})");
                }
            } else {
                t.read = 1;
            }
        }
    }
    t
}

/// Which step of the thorough pass (see `Decoder::thorough`) yields each symbol of an image:
/// every step run on its own, whether or not an earlier one found something.
fn explain(kind: DecoderKind, formats: &FormatSet, img: &GrayImage) {
    use gs1_gateway::decode::preprocess;
    let mut backend = decode::backend(kind).expect("backend");
    let stretched = preprocess::contrast_stretch(img);
    let base = stretched.as_ref().unwrap_or(img);
    let linear = formats.subset(|f| f.is_linear());
    let mut steps: Vec<(String, GrayImage, &FormatSet, Effort)> = vec![
        ("fast".into(), img.clone(), formats, Effort::Fast),
        ("thorough".into(), base.clone(), formats, Effort::Thorough),
        (
            "inverted".into(),
            preprocess::invert(base),
            formats,
            Effort::Thorough,
        ),
    ];
    for degrees in [22.5f32, 45.0, 67.5] {
        if let Some(linear) = &linear {
            steps.push((
                format!("rotated {degrees}"),
                preprocess::rotate(base, degrees).0,
                linear,
                Effort::Thorough,
            ));
        }
    }
    steps.push((
        "upscaled".into(),
        preprocess::upscale_double(base),
        formats,
        Effort::Thorough,
    ));
    for (step, image, f, effort) in steps {
        let found = backend.read(&image, f, effort).expect("read");
        let texts: Vec<String> = found
            .iter()
            .map(|c| format!("{} {:?}", c.format, String::from_utf8_lossy(&c.data)))
            .collect();
        println!("        {step:12} {texts:?}");
    }
}

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    // Writes each misread or false-positive image (as rotated) there, to look at; with
    // --verbose the images not read too.
    let save_dir = arg_value(&args, "--save").map(PathBuf::from);
    // Prints which thorough-pass step gives each misread or false positive.
    let explain_misreads = args.iter().any(|a| a == "--explain");
    // The first column becomes "library": one call of the backend with its own "try harder"
    // options (rotation, inversion, downscaling) and no step of ours, i.e. the library as an
    // application would use it on its defaults, the baseline the camera target is set against.
    let library = args.iter().any(|a| a == "--library");
    let filter: Vec<String> = arg_value(&args, "--sets")
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let rotations: Vec<u32> = arg_value(&args, "--rotations")
        .map(|s| s.split(',').map(|r| r.parse().expect("rotation")).collect())
        .unwrap_or_else(|| vec![0, 90, 180, 270]);
    let mut backends = vec![DecoderKind::Rxing];
    if cfg!(feature = "zxing-cpp") {
        backends.push(DecoderKind::ZxingCpp);
    }
    if let Some(b) = arg_value(&args, "--backend") {
        backends = vec![b.parse().expect("--backend rxing|zxing-cpp")];
    }
    let format_sets: Vec<(&str, FormatSet)> = match arg_value(&args, "--formats")
        .as_deref()
        .unwrap_or("default")
    {
        "default" => vec![("default formats", FormatSet::default())],
        "all" => vec![("all formats", FormatSet::all())],
        "both" => vec![
            ("default formats", FormatSet::default()),
            ("all formats", FormatSet::all()),
        ],
        other => panic!("--formats default|all|both, not {other}"),
    };

    let photos = load_photos(&filter);
    let images: Vec<GrayImage> = photos
        .iter()
        .map(|p| decode::load_image(&p.path).expect("readable photo"))
        .collect();
    println!(
        "{} photos in {} sets, rotations {rotations:?}",
        photos.len(),
        photos
            .iter()
            .map(|p| &p.set)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );

    for kind in &backends {
        for (fs_label, formats) in &format_sets {
            let mut decoder = Decoder::new(*kind, formats.clone()).expect("backend");
            let mut plain = decode::backend(*kind).expect("backend");
            // (set, strategy) -> tally; strategy 0 = fast, 1 = fast+thorough.
            let mut rows: BTreeMap<(String, usize), Tally> = BTreeMap::new();
            let started = Instant::now();
            for (photo, img) in photos.iter().zip(&images) {
                for &rotation in &rotations {
                    let img = rotated(img, rotation);
                    let (first, rejected) = if library {
                        let (ok, bad): (Vec<_>, Vec<_>) = plain
                            .read(&img, formats, Effort::Thorough)
                            .expect("decode")
                            .into_iter()
                            .map(decode::validate)
                            .partition(Result::is_ok);
                        (ok.into_iter().flatten().collect(), bad.len())
                    } else {
                        let fast = decoder.decode(&img, Strategy::FastOnly).expect("decode");
                        (fast.symbols, fast.rejected.len())
                    };
                    let t = classify(
                        photo,
                        rotation,
                        &first,
                        rejected,
                        &format!("{kind} {}", if library { "library" } else { "fast" }),
                        false,
                        None,
                    );
                    rows.entry((photo.set.clone(), 0)).or_default().add(&t);
                    // Exactly what `gs1-gateway decode` does without `--fast`.
                    let both = decoder.decode(&img, Strategy::Both).expect("decode");
                    let (symbols, rejected) = (both.symbols, both.rejected.len());
                    let t = classify(
                        photo,
                        rotation,
                        &symbols,
                        rejected,
                        &format!("{kind} fast+thorough"),
                        verbose,
                        save_dir.as_deref().map(|d| (d, &img)),
                    );
                    rows.entry((photo.set.clone(), 1)).or_default().add(&t);
                    if explain_misreads && (t.misread > 0 || t.false_positive > 0) {
                        explain(*kind, formats, &img);
                    }
                }
            }
            println!(
                "\n{kind}, {fs_label} ({:.0} s): images × rotations, read / not found / misread / false positives (rejected candidates)",
                started.elapsed().as_secs_f64()
            );
            let first = if library { "library" } else { "fast" };
            println!("  {:22} {:>34} {:>34}", "set", first, "fast+thorough");
            let mut families: BTreeMap<String, [Tally; 2]> = BTreeMap::new();
            let mut total = [Tally::default(); 2];
            let sets: Vec<String> = rows
                .keys()
                .map(|k| k.0.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let cell = |t: &Tally| {
                format!(
                    "{:4}/{:<4} {:3} nf {:2} mis {:2} fp ({:3})",
                    t.read, t.images, t.not_found, t.misread, t.false_positive, t.rejected
                )
            };
            for set in &sets {
                let f = rows[&(set.clone(), 0)];
                let b = rows[&(set.clone(), 1)];
                println!("  {set:22} {:>34} {:>34}", cell(&f), cell(&b));
                let family = set
                    .rsplit_once('-')
                    .map(|(a, _)| a.to_owned())
                    .unwrap_or(set.clone());
                let e = families.entry(family).or_default();
                e[0].add(&f);
                e[1].add(&b);
                total[0].add(&f);
                total[1].add(&b);
            }
            println!("  by kind:");
            for (family, [f, b]) in &families {
                println!("  {family:22} {:>34} {:>34}", cell(f), cell(b));
            }
            println!(
                "  {:22} {:>34} {:>34}",
                "TOTAL",
                cell(&total[0]),
                cell(&total[1])
            );
        }
    }
}
