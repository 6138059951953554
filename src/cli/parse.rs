//! `gs1-gateway parse`.

use std::process::ExitCode;

use super::ParseArgs;

pub fn run(_args: ParseArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`parse` is not built yet")
}
