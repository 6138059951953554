//! `gs1-gateway convert`.

use std::process::ExitCode;

use super::ConvertArgs;

pub fn run(_args: ConvertArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`convert` is not built yet")
}
