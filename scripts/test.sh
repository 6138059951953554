#!/usr/bin/env bash
# The whole test suite, runnable on a fresh Debian machine (as root, or with sudo available).
# Installs what the tests need, then checks formatting and lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# The default build needs none of these (scripts/check-build-deps.sh below keeps it so): they are
# for the tests (mosquitto, mosquitto_sub, zint, systemd-analyze) and the zxing-cpp feature (cmake, C++).
need_pkgs=()
for pair in mosquitto:mosquitto mosquitto_sub:mosquitto-clients zint:zint cmake:cmake c++:g++ systemd-analyze:systemd; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${need_pkgs[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

echo "==> default build needs only a Rust toolchain and a C compiler"
scripts/check-build-deps.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy (default features)"
cargo clippy --all-targets -- -D warnings

echo "==> cargo test (default features, rxing decoder)"
GS1_GATEWAY_MOSQUITTO_TESTS=1 cargo test --features mosquitto-tests

if command -v systemd-analyze >/dev/null 2>&1 && [ -f systemd/gs1-gateway.service ]; then
    echo "==> systemd-analyze verify"
    # `cargo test` above built target/debug/gs1-gateway with the default features; reusing it
    # (before the zxing-cpp build replaces it) saves a third compile of every dependency.
    [ -x target/debug/gs1-gateway ] || cargo build --bin gs1-gateway
    scripts/verify-systemd.sh target/debug/gs1-gateway
fi

echo "==> Debian package: contents, install, upgrade, remove, purge"
scripts/verify-deb.sh

if [ "${SKIP_ZXING_CPP:-0}" != "1" ]; then
    echo "==> cargo clippy + test with the zxing-cpp decoder backend"
    cargo clippy --all-targets --features zxing-cpp -- -D warnings
    cargo test --features zxing-cpp --test integration camera::
    cargo test --features zxing-cpp --lib decode::
fi

echo "==> all tests passed"
