//! `gs1-gateway listen`: the technician's bench test. Opens one scanner source, prints each scan
//! as one JSON line (the `parse` result plus source and receive time) and publishes nothing.
//! Connection changes and rejected frames go to standard error; it keeps running through unplug
//! and replug until Ctrl+C (or, for `--stdin`, the end of input).

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};
use gs1_gateway::gs1::{self, ParseOptions};
use gs1_gateway::source::framing::Terminator;
use gs1_gateway::source::keymap::Layout;
use gs1_gateway::source::{
    self, hid::HidSourceConfig, keyboard::KeyboardSourceConfig, serial::SerialSourceConfig,
    stdin::StdinSourceConfig, CancellationToken, RawScan, SourceConfig, SourceEvent, SourceStatus,
};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use super::ListenArgs;

/// Builds the one source the flags name.
fn source_config(args: &ListenArgs) -> anyhow::Result<SourceConfig> {
    if let Some(path) = &args.camera {
        let c = gs1_gateway::source::camera::CameraSourceConfig {
            id: Some("camera".into()),
            path: path.clone(),
            decoder: args
                .decoder
                .parse()
                .map_err(|e| anyhow::anyhow!("--decoder: {e}"))?,
            ..Default::default()
        };
        return Ok(SourceConfig::Camera(c));
    }
    if let Some(path) = &args.serial {
        let mut c = SerialSourceConfig::new("serial", path);
        c.baud = args.baud;
        c.terminator = Terminator::parse(&args.terminator)
            .map_err(|e| anyhow::anyhow!("--terminator: {e}"))?;
        return Ok(SourceConfig::Serial(c));
    }
    if let Some(path) = &args.keyboard {
        let mut c = KeyboardSourceConfig::new("keyboard", path);
        c.layout = args
            .layout
            .parse::<Layout>()
            .map_err(|e| anyhow::anyhow!("--layout: {e}"))?;
        return Ok(SourceConfig::Keyboard(c));
    }
    if let Some(path) = &args.hidraw {
        return Ok(SourceConfig::Hid(HidSourceConfig::new("hidraw", path)));
    }
    if args.stdin {
        return Ok(SourceConfig::Stdin(StdinSourceConfig::default()));
    }
    bail!(
        "choose a source: --serial PATH, --keyboard PATH, --hidraw PATH, --camera PATH or --stdin"
    )
}

/// One element of a parsed scan.
#[derive(Serialize)]
struct ElementOut<'a> {
    ai: &'a str,
    value: &'a str,
}

/// Why a scan is not valid GS1 (the `parse` error).
#[derive(Serialize)]
struct ErrorOut<'a> {
    kind: &'a str,
    message: &'a str,
    ai: Option<&'a str>,
    span: Option<(usize, usize)>,
}

/// One output line, fields in the documented order.
#[derive(Serialize)]
struct ScanLine<'a> {
    source: &'a str,
    received_at: String,
    symbology: Option<&'a str>,
    raw: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    elements: Option<Vec<ElementOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorOut<'a>>,
}

/// Writes one scan as a JSON line: source, time, symbology, raw data, then the `parse` result.
pub fn write_scan(
    out: &mut impl Write,
    scan: &RawScan,
    options: &ParseOptions,
) -> anyhow::Result<()> {
    let mut input = Vec::with_capacity(scan.data.len() + 3);
    if let Some(sym) = &scan.symbology {
        input.extend_from_slice(sym.as_bytes());
    }
    input.extend_from_slice(&scan.data);
    let parsed = gs1::parse(&input, options);
    let mut line = ScanLine {
        source: &scan.source_id,
        received_at: scan.received_at.format(&Rfc3339).unwrap_or_default(),
        symbology: scan.symbology.as_deref(),
        raw: String::from_utf8_lossy(&scan.data).into_owned(),
        ok: parsed.is_ok(),
        elements: None,
        hri: None,
        warnings: None,
        error: None,
    };
    match &parsed {
        Ok(msg) => {
            line.elements = Some(
                msg.elements
                    .iter()
                    .map(|e| ElementOut {
                        ai: &e.ai,
                        value: &e.value,
                    })
                    .collect(),
            );
            line.hri = Some(
                msg.elements
                    .iter()
                    .map(|e| format!("({}){}", e.ai, e.value))
                    .collect(),
            );
            line.warnings = Some(&msg.warnings);
        }
        Err(e) => {
            line.error = Some(ErrorOut {
                kind: &e.kind,
                message: &e.message,
                ai: e.ai.as_deref(),
                span: e.span,
            });
        }
    }
    // As an io::Error, so a closed stdout (`listen | head`) ends quietly in main.
    serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

pub fn run(args: ListenArgs) -> anyhow::Result<ExitCode> {
    let config = source_config(&args)?;
    config.validate()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(listen(config))
}

async fn listen(config: SourceConfig) -> anyhow::Result<ExitCode> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(source::DEFAULT_CHANNEL_CAPACITY);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(source::run(config, tx, cancel.clone()));
    let options = ParseOptions::default();
    let stdout = std::io::stdout();
    loop {
        let event = tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                cancel.cancel();
                break;
            }
            event = rx.recv() => match event {
                Some(event) => event,
                None => break,
            },
        };
        match event {
            SourceEvent::Scan(scan) => {
                let mut out = stdout.lock();
                write_scan(&mut out, &scan, &options)?;
                out.flush()?;
            }
            SourceEvent::Status { source_id, status } => match status {
                SourceStatus::Connected => eprintln!("gs1-gateway: {source_id}: connected"),
                SourceStatus::Disconnected { reason } => {
                    eprintln!("gs1-gateway: {source_id}: disconnected ({reason})")
                }
                SourceStatus::Retrying { .. } => {}
                SourceStatus::Finished => eprintln!("gs1-gateway: {source_id}: end of input"),
            },
            SourceEvent::Error { source_id, error } => {
                eprintln!("gs1-gateway: {source_id}: {error}")
            }
        }
    }
    match task.await {
        Ok(Ok(())) => Ok(ExitCode::SUCCESS),
        Ok(Err(e)) => Err(e.into()),
        Err(e) => Err(anyhow::anyhow!("the source task failed: {e}")),
    }
}
