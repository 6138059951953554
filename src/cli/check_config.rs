//! `gs1-gateway check-config FILE` and `gs1-gateway print-default-config`.

use std::io::Write;
use std::process::ExitCode;

use gs1_gateway::config::{self, Config};

use super::CheckConfigArgs;

/// The fully commented default configuration, also installed as /etc/gs1-gateway/gs1-gateway.toml.
pub const DEFAULT_CONFIG: &str = include_str!("../../config/gs1-gateway.toml");

/// Exit 0 with a summary of what would run, or 2 with every error (file:line:column: key: message),
/// including every rejected row of the recall list file (recalls.csv:LINE: …).
pub fn run(args: CheckConfigArgs) -> anyhow::Result<ExitCode> {
    match config::load(&args.file) {
        Ok((config, warnings)) => {
            let mut err = std::io::stderr().lock();
            for w in &warnings {
                writeln!(err, "{w}")?;
            }
            // `run` would start with the valid rows of a recall list; a technician must still
            // fix the others before the list goes to a ward.
            let recalls = config::recall_list_diagnostics(&config);
            if !recalls.is_empty() {
                for d in &recalls {
                    writeln!(err, "{d}")?;
                }
                writeln!(
                    err,
                    "{}: configuration rejected ({} recall list error{})",
                    args.file.display(),
                    recalls.len(),
                    if recalls.len() == 1 { "" } else { "s" }
                )?;
                return Ok(ExitCode::from(2));
            }
            let mut out = std::io::stdout().lock();
            out.write_all(summary(&config).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let mut err = std::io::stderr().lock();
            for d in &e.0 {
                writeln!(err, "{d}")?;
            }
            let errors = e.0.iter().filter(|d| d.is_error()).count();
            writeln!(
                err,
                "{}: configuration rejected ({errors} error{})",
                args.file.display(),
                if errors == 1 { "" } else { "s" }
            )?;
            Ok(ExitCode::from(2))
        }
    }
}

/// What a configuration would run, for a technician.
pub fn summary(config: &Config) -> String {
    let mut s = String::new();
    let files: Vec<String> = config
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    s.push_str(&format!("configuration ok: {}\n", files.join(", ")));
    s.push_str(&format!("gateway: {}\n", config.gateway.id));
    s.push_str(&format!("sources ({}):\n", config.sources.len()));
    for src in &config.sources {
        let detail = config::device_path(src)
            .map(|p| format!(" {}", p.display()))
            .unwrap_or_default();
        let kind = serde_json::to_value(src.kind())
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        s.push_str(&format!("  {:<16} {kind}{detail}\n", src.id()));
    }
    if config.broker.embedded {
        s.push_str(&format!(
            "broker: embedded on {}:{}\n",
            config.broker.bind, config.broker.port
        ));
    }
    if config.mqtt_url_set || !config.broker.embedded {
        s.push_str(&format!(
            "mqtt: {} (topics under {}/{})\n",
            redact_url(&config.mqtt.url),
            config.mqtt.topic_prefix,
            config.gateway.id
        ));
    }
    s.push_str(&format!(
        "outbox: {} (max {})\n",
        config.outbox.path.display(),
        config.outbox.max_bytes
    ));
    if config.http.enabled {
        s.push_str(&format!(
            "http: {} (/metrics, /healthz, /status)\n",
            config.http.listen
        ));
    }
    if let Some(path) = &config.alerts.recall_list {
        s.push_str(&format!("recall list: {}\n", path.display()));
    }
    if config.stdout.echo {
        s.push_str("stdout: echo published events\n");
    }
    s
}

/// A URL without its password.
fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Prints the commented default configuration.
pub fn print_default() -> anyhow::Result<ExitCode> {
    std::io::stdout()
        .lock()
        .write_all(DEFAULT_CONFIG.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
