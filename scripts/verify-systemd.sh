#!/usr/bin/env bash
# Runs `systemd-analyze verify` on the unit, with ExecStart pointing at the freshly built binary
# (verify checks that the executable exists) and prints the `systemd-analyze security` exposure
# where the running system allows it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Any build of the binary will do: verify only checks that ExecStart names an executable.
bin="${1:-}"
for candidate in "$bin" "$(pwd)/target/debug/gs1-gateway" "$(pwd)/target/release/gs1-gateway"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then bin="$(realpath "$candidate")"; break; fi
done
[ -x "$bin" ] || { echo "build the binary first: cargo build" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/bin/gs1-gateway|$bin|" systemd/gs1-gateway.service > "$tmp/gs1-gateway.service"
# verify warns (not fails) about a user that does not exist on the build machine; anything
# else it prints is a failure.
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$tmp/gs1-gateway.service" 2>&1 || true)
filtered=$(printf '%s\n' "$out" | grep -v -E "^$|Failed to resolve (user|group)|modprobe@|network-online" || true)
if [ -n "$filtered" ]; then
    printf '%s\n' "$out" >&2
    echo "systemd-analyze verify reported problems" >&2
    exit 1
fi
echo "systemd-analyze verify: ok"
if systemd-analyze security --offline=yes "$tmp/gs1-gateway.service" >"$tmp/security.txt" 2>&1; then
    tail -n 1 "$tmp/security.txt"
else
    tail -n 1 "$tmp/security.txt" || true
fi
