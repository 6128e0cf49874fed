#!/usr/bin/env bash
# Smoke test: a scenario validates and runs for a few days with few agents.
set -euo pipefail
MOTSIM="$1"; SC="$2"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
"$MOTSIM" validate "$SC" -q
"$MOTSIM" run "$SC" --agents 3000 --days 20 --out "$TMP/out.h5" --quiet
test -s "$TMP/out.h5"
"$MOTSIM" info "$TMP/out.h5" >/dev/null
