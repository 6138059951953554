//! `gs1-gateway check-config` and `print-default-config`.

use std::process::ExitCode;

use super::CheckConfigArgs;

pub fn run(_args: CheckConfigArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`check-config` is not built yet")
}

pub fn print_default() -> anyhow::Result<ExitCode> {
    anyhow::bail!("`print-default-config` is not built yet")
}
