//! `gs1-gateway listen`.

use std::process::ExitCode;

use super::ListenArgs;

pub fn run(_args: ListenArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`listen` is not built yet")
}
