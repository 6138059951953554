//! `gs1-gateway listen`: the technician's bench test. Opens one scanner source, runs each scan
//! through the daemon's per-scan stage and prints it as one JSON line (source, receive time,
//! the `parse` view, then kind, HIBC view and alerts); it stores and publishes nothing.
//! Connection changes and rejected frames go to standard error; it keeps running through unplug
//! and replug until Ctrl+C (or, for `--stdin`, the end of input).

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};
use gs1_gateway::event::{
    Alert, AlertConfig, ContextConfig, ContextTracker, EventBuilder, EventError, HibcInfo, Privacy,
    PrivacyConfig, Processor, PseudonymKey, ScanKind, WithheldRaw,
};
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

/// One output line, fields in the documented order: the `parse` view first, then what the
/// per-scan stage adds (kind, HIBC view, alerts, withheld data).
#[derive(Serialize)]
struct ScanLine<'a> {
    source: &'a str,
    received_at: String,
    symbology: Option<&'a str>,
    raw: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    elements: Option<Vec<ElementOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a EventError>,
    kind: ScanKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    hibc: Option<&'a HibcInfo>,
    #[serde(skip_serializing_if = "<[Alert]>::is_empty")]
    alerts: &'a [Alert],
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_withheld: Option<&'a WithheldRaw>,
}

/// The per-scan stage `listen` runs: the daemon's [`Processor`] with the default settings
/// (privacy, expiry alerts in Europe/London, no recall list, no context groups) and a key made
/// for this run only, so a wristband is withheld exactly as `run` would withhold it.
fn processor() -> anyhow::Result<Processor> {
    let mut random = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut random))
        .context("reading /dev/urandom for this run's pseudonym key")?;
    let key = PseudonymKey::from_bytes(&random, std::path::Path::new("(this run's key)"))?;
    let privacy = Privacy::with_key(&PrivacyConfig::default(), Some(key))
        .context("setting up the privacy stage")?;
    Ok(Processor::new(
        EventBuilder::new("listen", privacy),
        ContextTracker::new("listen", &ContextConfig::default())
            .context("setting up the context stage")?,
        &AlertConfig::default(),
    ))
}

/// Writes one scan as a JSON line, as the daemon reads it: source, time, symbology, raw data
/// (withheld like the daemon's when it may hold patient data), then the result.
pub fn write_scan(
    out: &mut impl Write,
    scan: &RawScan,
    processor: &mut Processor,
) -> anyhow::Result<()> {
    let processed = processor.process(scan);
    let event = &processed.event;
    let line = ScanLine {
        source: &scan.source_id,
        received_at: scan.received_at.format(&Rfc3339).unwrap_or_default(),
        symbology: event.symbology.as_deref(),
        raw: &event.raw,
        ok: event.valid,
        elements: event.valid.then(|| {
            event
                .elements
                .iter()
                .map(|e| ElementOut {
                    ai: &e.ai,
                    value: &e.value,
                })
                .collect()
        }),
        hri: event.hri.as_deref(),
        warnings: (event.valid || !event.warnings.is_empty()).then_some(&event.warnings[..]),
        error: event.error.as_ref(),
        kind: event.kind,
        hibc: event.hibc.as_ref(),
        alerts: &event.alerts,
        raw_withheld: event.raw_withheld.as_ref(),
    };
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
    let mut processor = processor()?;
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
                write_scan(&mut out, &scan, &mut processor)?;
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
