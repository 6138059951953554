#!/usr/bin/env bash
# Fails when the default build (cargo build / run / test with default features) would need more
# than a Rust toolchain and a C compiler: no crate that runs bindgen (libclang), asks pkg-config
# or cmake, or binds a system library through a `-sys` crate may enter it. The README's first
# command must work on a fresh Debian machine without any `-dev` package.
#
# Checked from the dependency graph (`cargo tree`), for the targets edge boxes run on, so it
# holds whatever is installed on the machine running it. Extra arguments go to `cargo tree`
# (`scripts/check-build-deps.sh --features zxing-cpp` shows a failure: that feature needs cmake).
set -euo pipefail
cd "$(dirname "$0")/.."

# Build-time tools that need something from the system.
forbidden='bindgen|clang-sys|pkg-config|system-deps|vcpkg|cmake|autotools'
# `-sys` crates that need nothing from the system (pure Rust bindings to the kernel's or
# Windows' ABI). Any other `-sys` crate is refused until someone checks it and adds it here.
allowed_sys='linux-raw-sys|windows-sys|windows_[a-z0-9_]+'
targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)

failed=0
for target in "${targets[@]}"; do
    crates=$(cargo tree "$@" -e normal,build,dev --prefix none --format '{p}' --target "$target" |
        awk 'NF { print $1 }' | sort -u)
    offenders=$( (grep -E -x "$forbidden" <<<"$crates" || true
        grep -E -x -- '.+-sys(-.+)?' <<<"$crates" | grep -v -E -x "$allowed_sys" || true) | sort -u)
    for crate in $offenders; do
        failed=1
        echo "check-build-deps: the default build for $target pulls in '$crate', which needs" \
            "a system library or tool (libclang, pkg-config, cmake, a -dev package) at build time." >&2
        echo "  Why it is there: cargo tree ${*:+$* }-e normal,build,dev --target $target -i $crate" >&2
    done
done
if [ "$failed" -ne 0 ]; then
    echo "check-build-deps: a Rust toolchain and a C compiler must be enough for the default" \
        "build (README). Put the dependency behind a non-default cargo feature, or, if it" \
        "really needs nothing from the system, add it to the allowlist in $0." >&2
    exit 1
fi
echo "check-build-deps: ok (${targets[*]}): no bindgen, pkg-config, cmake or system -sys crate"
