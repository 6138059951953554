//! `gs1-gateway convert --to epcis|fhir [FILE|-]`: native scan events (JSON lines, as published
//! on `…/scan`) to one EPCIS 2.0 document or one FHIR R4 transaction Bundle per line.
//!
//! A line that is not a valid scan event (not UTF-8, not JSON, not a version-1 scan event, or
//! carrying malformed identifiers) gets a clear error on standard error and the rest are still
//! converted; the exit status is then 1. Scans that are context rather than things (wristbands,
//! badges, locations, unreadable data) have no EPCIS/FHIR form: they are reported as skipped and
//! do not fail the run. Blank lines are ignored.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use gs1_gateway::event::{ScanEvent, SCAN_EVENT_SCHEMA};
use gs1_gateway::interop::{epcis, Format, Interop, InteropConfig, InteropError};
use time::OffsetDateTime;

use super::ConvertArgs;

pub fn run(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let format = match args.to.as_str() {
        "epcis" => Format::Epcis,
        "fhir" => Format::Fhir,
        other => bail!("--to {other:?}: expected \"epcis\" or \"fhir\""),
    };
    let interop = match &args.config {
        Some(path) => load_interop(path)?,
        None => Interop::default(),
    };
    let input: Box<dyn BufRead> = match args.file.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(p) if p == Path::new("-") => Box::new(io::stdin().lock()),
        Some(p) => Box::new(BufReader::new(
            File::open(p).with_context(|| format!("opening {}", p.display()))?,
        )),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let summary = convert(input, &mut out, format, &interop, &mut io::stderr())?;
    out.flush()?;
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads the `[interop]` table of a gateway configuration file (other tables are the daemon's
/// business and are not looked at here).
fn load_interop(path: &Path) -> anyhow::Result<Interop> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut table: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let config: InteropConfig = match table.remove("interop") {
        Some(value) => value
            .try_into()
            .with_context(|| format!("{}: [interop]", path.display()))?,
        None => InteropConfig::default(),
    };
    config
        .validate()
        .with_context(|| format!("{}: [interop]", path.display()))
}

struct Summary {
    failed: usize,
}

fn convert(
    mut input: impl BufRead,
    out: &mut impl Write,
    format: Format,
    interop: &Interop,
    err: &mut impl Write,
) -> anyhow::Result<Summary> {
    let mut line = Vec::new();
    let mut number = 0usize;
    let (mut converted, mut skipped, mut failed) = (0usize, 0usize, 0usize);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        number += 1;
        let bytes = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(&line);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match convert_line(bytes, format, interop) {
            Ok(doc) => {
                out.write_all(&doc)?;
                out.write_all(b"\n")?;
                converted += 1;
            }
            Err(LineError::Skip(why)) => {
                writeln!(err, "gs1-gateway: convert: line {number}: skipped: {why}")?;
                skipped += 1;
            }
            Err(LineError::Bad(why)) => {
                writeln!(err, "gs1-gateway: convert: line {number}: error: {why}")?;
                failed += 1;
            }
        }
    }
    if failed > 0 || skipped > 0 {
        writeln!(
            err,
            "gs1-gateway: convert: {converted} converted, {skipped} skipped, {failed} failed"
        )?;
    }
    Ok(Summary { failed })
}

enum LineError {
    /// A valid event with no representation in the target format.
    Skip(String),
    /// Not a valid scan event.
    Bad(String),
}

fn convert_line(bytes: &[u8], format: Format, interop: &Interop) -> Result<Vec<u8>, LineError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        LineError::Bad(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let event: ScanEvent = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_syntax() || e.is_eof() {
            "not JSON"
        } else {
            "not a scan event"
        };
        LineError::Bad(format!("{what}: {}", redact_quoted(&e.to_string())))
    })?;
    if event.schema != SCAN_EVENT_SCHEMA {
        return Err(LineError::Bad(format!(
            "unsupported schema {:?} (expected {SCAN_EVENT_SCHEMA:?})",
            event.schema
        )));
    }
    let doc = interop
        .render(format, &event, OffsetDateTime::now_utc())
        .map_err(|e| match e {
            InteropError::NotApplicable { .. } => LineError::Skip(e.to_string()),
            other => LineError::Bad(format!("event {}: {other}", event.event_id)),
        })?;
    if format == Format::Epcis {
        // The rules the EPCIS JSON Schema does not enforce; a breach here is a gateway bug, and
        // a document that breaks them must not reach a repository.
        let value: serde_json::Value = serde_json::from_slice(&doc)
            .map_err(|e| LineError::Bad(format!("event {}: {e}", event.event_id)))?;
        if let Err(violations) = epcis::validate_epcis_rules(&value) {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            return Err(LineError::Bad(format!(
                "event {}: generated EPCIS breaks {}",
                event.event_id,
                list.join("; ")
            )));
        }
    }
    Ok(doc)
}

/// serde_json quotes offending string values in its messages (`invalid type: string "…"`); a
/// value may be a patient identifier, so it is replaced. Field and variant names, which serde
/// puts in backticks, stay.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if inside {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_quoted;

    #[test]
    fn quoted_values_are_redacted() {
        assert_eq!(
            redact_quoted("invalid type: string \"9434765919\", expected u64 at line 1"),
            "invalid type: string \"…\", expected u64 at line 1"
        );
        assert_eq!(
            redact_quoted("unknown variant `pallet`, expected one of `product`"),
            "unknown variant `pallet`, expected one of `product`"
        );
    }
}
