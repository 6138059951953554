#!/usr/bin/env bash
# Regenerates every camera fixture: labels with zint (an independent encoder), then the degraded
# copies, empty frames and frame sequences with examples/make_camera_fixtures.rs (deterministic).
# Usage: hardware-fixtures/camera/make-fixtures.sh   (from anywhere; needs zint and cargo)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
rm -rf labels degraded empty sequence
mkdir -p labels
while IFS=$'\t' read -r name opts data _expected _symbology _format; do
    case "$name" in \#*|"") continue ;; esac
    # shellcheck disable=SC2086 # options are a word list on purpose
    zint $opts --scale=2 --quietzones --notext -d "$data" -o "labels/$name.png"
done < labels.tsv
cd "$here/../.."
cargo run --quiet --example make_camera_fixtures -- hardware-fixtures/camera
