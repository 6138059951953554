//! `gs1-gateway decode [OPTIONS] FILE...`: one JSON object per file, one per line, in order.
//!
//! Exit status: 0 when every file gave at least one symbol; 1 otherwise (including unreadable
//! files, which get an `"error"` object on their own line while the others still decode); 2 on
//! usage errors (unknown decoder or format, a backend not built in).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use gs1_gateway::decode::{self, DecodeError, Decoder, DecoderKind, FormatSet, Strategy, Symbol};
use serde::Serialize;

use super::DecodeArgs;

#[derive(Serialize)]
struct ElementOut<'a> {
    ai: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct SymbolOut<'a> {
    format: &'static str,
    symbology: &'a str,
    text: String,
    gs1: bool,
    elements: Vec<ElementOut<'a>>,
    hri: Option<String>,
    points: Vec<[i32; 2]>,
}

impl<'a> From<&'a Symbol> for SymbolOut<'a> {
    fn from(s: &'a Symbol) -> Self {
        SymbolOut {
            format: s.format.name(),
            symbology: &s.symbology,
            text: s.text(),
            gs1: s.gs1,
            elements: s
                .elements
                .iter()
                .map(|e| ElementOut {
                    ai: &e.ai,
                    value: &e.value,
                })
                .collect(),
            hri: s.hri(),
            points: s.points.iter().map(|(x, y)| [*x, *y]).collect(),
        }
    }
}

#[derive(Serialize)]
struct ErrorOut {
    kind: &'static str,
    message: String,
}

#[derive(Serialize)]
struct FileOut<'a> {
    file: &'a str,
    width: Option<u32>,
    height: Option<u32>,
    ms: f64,
    symbols: Vec<SymbolOut<'a>>,
    error: Option<ErrorOut>,
}

pub fn run(args: DecodeArgs) -> anyhow::Result<ExitCode> {
    let kind: DecoderKind = args.decoder.parse().context("--decoder")?;
    let formats = match &args.formats {
        Some(list) => FormatSet::parse_list(list).context("--formats")?,
        None => FormatSet::default(),
    };
    let mut decoder = Decoder::new(kind, formats).context("--decoder")?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_found = true;
    for path in &args.files {
        let file = path.to_string_lossy();
        let started = Instant::now();
        let result = decode::load_image(path).and_then(|img| {
            let strategy = if args.fast {
                Strategy::FastOnly
            } else {
                Strategy::Both
            };
            let outcome = decoder.decode(&img, strategy)?;
            Ok((img.width(), img.height(), outcome))
        });
        let ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
        let symbols: Vec<Symbol>;
        let line = match result {
            Ok((width, height, outcome)) => {
                symbols = outcome.symbols;
                if symbols.is_empty() {
                    all_found = false;
                }
                FileOut {
                    file: &file,
                    width: Some(width),
                    height: Some(height),
                    ms,
                    symbols: symbols.iter().map(SymbolOut::from).collect(),
                    error: None,
                }
            }
            Err(e) => {
                all_found = false;
                FileOut {
                    file: &file,
                    width: None,
                    height: None,
                    ms,
                    symbols: Vec::new(),
                    error: Some(error_out(&e)),
                }
            }
        };
        serde_json::to_writer(&mut out, &line).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(if all_found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn error_out(e: &DecodeError) -> ErrorOut {
    ErrorOut {
        kind: e.kind(),
        message: e.to_string(),
    }
}
