//! Command-line interface. Each subcommand lives in its own file; the flags spelled out in the
//! issues are contracts used by other programs: extend them, never rename them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod check_config;
mod convert;
mod decode;
mod devices;
mod listen;
mod parse;
mod run;
mod status;

/// Edge gateway for NHS Scan4Safety: GS1 barcodes from scanners and cameras to MQTT.
#[derive(Debug, Parser)]
#[command(name = "gs1-gateway", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway (built-in default: stdin + embedded MQTT broker + stdout echo).
    Run(RunArgs),
    /// Parse GS1 data (bracketed, scanner data, element string or Digital Link); one JSON line per input.
    Parse(ParseArgs),
    /// Open one scanner source and print each scan as one JSON line, without publishing.
    Listen(ListenArgs),
    /// Decode barcodes in image files; one JSON line per file.
    Decode(DecodeArgs),
    /// List serial ports, input devices, HID POS scanners and cameras.
    Devices(DevicesArgs),
    /// Validate a configuration file and summarise what would run.
    CheckConfig(CheckConfigArgs),
    /// Print the fully commented default configuration.
    PrintDefaultConfig,
    /// Show the running gateway's sources, broker, outbox and last scans.
    Status(StatusArgs),
    /// Convert native scan events (JSON lines) to EPCIS 2.0 or FHIR R4.
    Convert(ConvertArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Configuration file (TOML). Without it the gateway runs its built-in default.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Inputs to parse; `-` reads one input per line from standard input. `\x1d` spells GS.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Association rules (req/ex) are errors, not warnings.
    #[arg(long)]
    pub strict: bool,
    /// Accept AIs that the GS1 Syntax Dictionary does not define.
    #[arg(long)]
    pub permit_unknown_ais: bool,
    /// Accept GTIN-8/12/13 in Digital Link URIs.
    #[arg(long)]
    pub permit_zero_suppressed_gtin: bool,
    /// Stem for the canonical Digital Link URI.
    #[arg(long, value_name = "URL", default_value = "https://id.gs1.org")]
    pub dl_stem: String,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Serial scanner device (prefer /dev/serial/by-id/...).
    #[arg(long, value_name = "PATH", group = "source")]
    pub serial: Option<PathBuf>,
    /// Serial baud rate.
    #[arg(long, default_value_t = 115200, requires = "serial")]
    pub baud: u32,
    /// Serial framing: cr, lf, crlf, any, or idle:DURATION (e.g. idle:50ms).
    #[arg(long, default_value = "any")]
    pub terminator: String,
    /// Keyboard-wedge scanner input device (/dev/input/by-id/...-event-kbd).
    #[arg(long, value_name = "PATH", group = "source")]
    pub keyboard: Option<PathBuf>,
    /// Keyboard layout of a keyboard-wedge scanner.
    #[arg(long, default_value = "us")]
    pub layout: String,
    /// HID point-of-sale scanner (/dev/hidrawN).
    #[arg(long, value_name = "PATH", group = "source")]
    pub hidraw: Option<PathBuf>,
    /// Read scans from standard input, one per line.
    #[arg(long, group = "source")]
    pub stdin: bool,
    /// Camera (V4L2 device path).
    #[arg(long, value_name = "PATH", group = "source")]
    pub camera: Option<PathBuf>,
    /// Camera decoder backend: rxing or zxing-cpp.
    #[arg(long, default_value = "rxing")]
    pub decoder: String,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Image files to decode.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Decoder backend: rxing or zxing-cpp.
    #[arg(long, default_value = "rxing")]
    pub decoder: String,
    /// Comma-separated list of formats to look for (default: all supported except UPC-E).
    #[arg(long, value_name = "LIST")]
    pub formats: Option<String>,
    /// Fast pass only (no thorough retry).
    #[arg(long)]
    pub fast: bool,
}

#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckConfigArgs {
    /// Configuration file to check.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Health endpoint of the running gateway.
    #[arg(long, default_value = "http://127.0.0.1:9898")]
    pub endpoint: String,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Target format: epcis or fhir.
    #[arg(long, value_name = "FORMAT")]
    pub to: String,
    /// Input file of scan events (JSON lines); `-` or nothing for standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Gateway configuration file (TOML) whose `[interop]` table sets business steps, implants,
    /// NHS-number policy and time zone. Without it the built-in defaults apply.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Parse(args) => parse::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Devices(args) => devices::run(args),
        Command::CheckConfig(args) => check_config::run(args),
        Command::PrintDefaultConfig => check_config::print_default(),
        Command::Status(args) => status::run(args),
        Command::Convert(args) => convert::run(args),
    }
}
