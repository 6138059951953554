#!/usr/bin/env bash
# Regenerates every camera fixture: labels with zint (an independent encoder), then the degraded
# copies, empty frames and frame sequences with examples/make_camera_fixtures.rs (deterministic).
# Usage: hardware-fixtures/camera/make-fixtures.sh   (from anywhere; needs zint and cargo)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
rm -rf labels degraded empty sequence extra
mkdir -p labels extra
while IFS=$'\t' read -r name opts data _expected _symbology _format; do
    case "$name" in \#*|"") continue ;; esac
    # shellcheck disable=SC2086 # options are a word list on purpose
    zint $opts --scale=2 --quietzones --notext -d "$data" -o "labels/$name.png"
done < labels.tsv
# Kinds the degraded set does not cover (stacked and limited DataBar, GS1-128 at 2 px per
# module), read clean only; each row carries its own --scale.
while IFS=$'\t' read -r name opts data _expected _symbology _format scale; do
    case "$name" in \#*|"") continue ;; esac
    # shellcheck disable=SC2086
    zint $opts --scale="$scale" --quietzones --notext -d "$data" -o "extra/$name.png"
done < extra.tsv
cd "$here/../.."
cargo run --quiet --example make_camera_fixtures -- hardware-fixtures/camera
