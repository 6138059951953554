//! The `gs1-gateway` binary: command-line parsing, logging set-up and exit codes.
//!
//! Exit codes: 0 success; 1 the command ran but found invalid input (a scan that is not valid
//! GS1, a file with no symbol, an event that does not convert); 2 usage or configuration error.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`gs1-gateway parse - | head`) is a normal way to stop.
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("gs1-gateway: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
