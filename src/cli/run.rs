//! `gs1-gateway run [--config FILE]`.
//!
//! Without `--config` the gateway runs its built-in default: scans from standard input, an
//! embedded MQTT broker on 127.0.0.1 (a free port, printed at start), the normal outbox and MQTT
//! path to it, and each event echoed as one JSON line on standard output. The outbox then lives
//! in `$XDG_STATE_HOME/gs1-gateway/outbox` (or `~/.local/state/…`, or a temporary directory).
//!
//! Signals: SIGTERM/SIGINT drain gracefully and exit 0; SIGHUP reloads the configuration file
//! (a valid file is applied, an invalid one is logged and the old configuration kept).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use gs1_gateway::app::{self, Control, ReadyInfo};
use gs1_gateway::config::{self, Config};
use gs1_gateway::telemetry;
use tokio::sync::mpsc;

use super::RunArgs;

/// The built-in default, as a configuration file would say it.
pub const BUILT_IN_DEFAULT: &str = r#"
[[source]]
id = "stdin"
kind = "stdin"

[broker]
embedded = true
port = 0

[stdout]
echo = true

[mqtt]
# MQTT 5: content types and user properties on every message.
protocol = "5"
"#;

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let (config, warnings, built_in) = match &args.config {
        Some(path) => match config::load(path) {
            Ok((c, w)) => (c, w, false),
            Err(e) => {
                for d in &e.0 {
                    eprintln!("{d}");
                }
                eprintln!("gs1-gateway: configuration rejected; nothing was started");
                return Ok(ExitCode::from(2));
            }
        },
        None => {
            let (mut c, w) = config::from_str(BUILT_IN_DEFAULT)
                .map_err(|e| anyhow::anyhow!("built-in default configuration: {e}"))?;
            c.outbox.path = default_outbox_dir();
            (c, w, true)
        }
    };
    telemetry::init_logging(config.log.format, &config.log.level);
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("gs1-gateway")
        .build()
        .context("starting the async runtime")?;
    let config_path = args.config.clone();
    let summary = runtime.block_on(async move { serve(config, config_path, built_in).await })?;
    if summary.left_in_outbox > 0 {
        tracing::warn!(
            left = summary.left_in_outbox,
            "records stay in the outbox and are delivered at the next start"
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(
    config: Config,
    config_path: Option<PathBuf>,
    built_in: bool,
) -> anyhow::Result<app::RunSummary> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    let mut hup = signal(SignalKind::hangup()).context("installing the SIGHUP handler")?;
    let (control_tx, control_rx) = mpsc::channel(4);

    // SIGHUP: re-read the file; apply only a valid configuration.
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            let Some(path) = &config_path else {
                tracing::warn!("SIGHUP ignored: the built-in default has no file to reload");
                continue;
            };
            match config::load(path) {
                Ok((c, warnings)) => {
                    for w in warnings {
                        tracing::warn!("{w}");
                    }
                    let _ = control_tx.send(Control::Reload(Box::new(c))).await;
                }
                Err(e) => {
                    tracing::error!(
                        "SIGHUP: configuration not reloaded, keeping the running one:\n{e}"
                    );
                }
            }
        }
    });

    let shutdown = async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    };
    let on_ready: app::OnReady = Box::new(move |info: &ReadyInfo| announce(info, built_in));
    let summary = app::run(config, shutdown, control_rx, Some(on_ready)).await?;
    Ok(summary)
}

/// Tells a person where to look (standard error, so standard output stays JSON lines).
fn announce(info: &ReadyInfo, built_in: bool) {
    if let Some(addr) = info.broker {
        eprintln!("gs1-gateway: embedded MQTT broker on {addr}");
        // mosquitto_sub (Debian package mosquitto-clients) speaks MQTT 3.1.1 unless told.
        let version = match info.broker_protocol {
            gs1_gateway::publish::ProtocolVersion::V5 => " -V mqttv5",
            _ => "",
        };
        eprintln!(
            "gs1-gateway: subscribe with: mosquitto_sub -h {} -p {}{version} -t '{}/#' -v",
            addr.ip(),
            addr.port(),
            info.topic_root
        );
    }
    if built_in {
        eprintln!(
            "gs1-gateway: built-in default: reading scans from standard input (one per line, GS as \\x1d), outbox in {}",
            info.outbox.display()
        );
    }
    tracing::info!(mqtt = %info.mqtt_url, outbox = %info.outbox.display(), "gateway running");
}

/// `$XDG_STATE_HOME/gs1-gateway/outbox`, `~/.local/state/gs1-gateway/outbox`, or a temporary
/// directory when neither is usable.
fn default_outbox_dir() -> PathBuf {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local/state"))
        });
    if let Some(dir) = state {
        let outbox = dir.join("gs1-gateway").join("outbox");
        if writable(&outbox) {
            return outbox;
        }
    }
    std::env::temp_dir()
        .join(format!("gs1-gateway-{}", whoami()))
        .join("outbox")
}

fn writable(dir: &Path) -> bool {
    std::fs::create_dir_all(dir).is_ok() && tempfile_probe(dir)
}

fn tempfile_probe(dir: &Path) -> bool {
    let probe = dir.join(".write-probe");
    let ok = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "user".into())
}
