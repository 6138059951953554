//! `gs1-gateway status`.

use std::process::ExitCode;

use super::StatusArgs;

pub fn run(_args: StatusArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`status` is not built yet")
}
