//! `gs1-gateway decode`.

use std::process::ExitCode;

use super::DecodeArgs;

pub fn run(_args: DecodeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`decode` is not built yet")
}
