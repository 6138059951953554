//! `gs1-gateway devices`.

use std::process::ExitCode;

use super::DevicesArgs;

pub fn run(_args: DevicesArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`devices` is not built yet")
}
