#!/usr/bin/env bash
# Versions of the random streams (simulation.rng_streams, sim/core/rng.hpp): recorded in every
# file, shown by motsim info, selectable, refused where they would mix. Usage: streams_cases.sh CASE MOTSIM SOURCE_DIR
source "$(dirname "$0")/lib.sh"
SC="$SRC/scenarios"
FAST=(--agents 3000 --days 40 --quiet)
attr() { h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): \(-\{0,1\}[0-9]*\)$/\1/p'; }
purchases() { h5dump -d /timeseries/purchases "$1" | tail -n +2 | md5sum; }

case_run_records_the_version() {
  # The default is the latest version; version 1 stays selectable and reproducible; the two differ.
  expect_exit 0 "$M" run "$SC/baseline.toml" "${FAST[@]}" --out "$T/v2.h5"
  [ "$(attr "$T/v2.h5" rng_streams)" = 2 ] || fail "the default run is not rng_streams 2"
  "$M" info "$T/v2.h5" | grep -qF "random streams: version 2" || fail "motsim info does not show the version"
  for n in 1 2; do
    expect_exit 0 "$M" run "$SC/baseline.toml" "${FAST[@]}" --set simulation.rng_streams=1 --out "$T/v1_$n.h5"
  done
  [ "$(attr "$T/v1_1.h5" rng_streams)" = 1 ] || fail "a version 1 run does not say so"
  [ "$(purchases "$T/v1_1.h5")" = "$(purchases "$T/v1_2.h5")" ] || fail "version 1 is not reproducible"
  [ "$(purchases "$T/v1_1.h5")" != "$(purchases "$T/v2.h5")" ] || fail "versions 1 and 2 gave the same numbers"
  # The file's own scenario (every key, the version included) reproduces the run.
  h5dump -a /scenario "$T/v1_1.h5" >/dev/null || fail "no scenario attribute"
  /usr/bin/python3 - "$T/v1_1.h5" "$T/again.toml" <<'PY' || fail "the stored scenario lacks rng_streams"
import h5py, sys
s = h5py.File(sys.argv[1]).attrs["scenario"]
s = s.decode() if isinstance(s, bytes) else s
assert "rng_streams = 1" in s, s[:400]
open(sys.argv[2], "w").write(s)
PY
  expect_exit 0 "$M" run "$T/again.toml" --quiet --out "$T/again.h5"
  [ "$(purchases "$T/again.h5")" = "$(purchases "$T/v1_1.h5")" ] || fail "the stored scenario does not reproduce the run"
}
case_unknown_version_refused() {
  expect_exit 2 "$M" run "$SC/baseline.toml" "${FAST[@]}" --set simulation.rng_streams=3 --out "$T/x.h5"
  expect_msg "'simulation.rng_streams' = 3 is out of range; expected an integer in [1, 2]"
  [ ! -e "$T/x.h5" ] || fail "a refused run wrote a file"
  expect_exit 2 "$M" run "$SC/baseline.toml" "${FAST[@]}" --set simulation.rng_streams=1.5 --out "$T/x.h5"
  expect_msg "rng_streams"
}
case_compare_needs_one_version() {
  cp "$SC/baseline.toml" "$T/base.toml"
  printf 'extends = "base.toml"\n[simulation]\nrng_streams = 1\n' >"$T/old.toml"
  expect_exit 2 "$M" compare "$T/base.toml" "$T/old.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_msg "simulation.rng_streams = 1 differs from the base's 2"
  expect_exit 0 "$M" compare "$T/base.toml" "$T/base.toml" -r 2 "${FAST[@]}" --set simulation.rng_streams=1 --out "$T/c.h5"
  [ "$(attr "$T/c.h5" rng_streams)" = 1 ] || fail "the compare file does not record version 1"
  check_provenance "$T/c.h5"
}
case_sweep_over_versions() {
  cat >"$T/s.toml" <<EOF
base = "$SC/baseline.toml"
design = "grid"
replicates = 2
[parameters]
"simulation.agents" = 2000
"simulation.days" = 20
"simulation.rng_streams" = [1, 2]
EOF
  expect_exit 0 "$M" sweep "$T/s.toml" --out "$T/s.h5" -q
  [ "$(attr "$T/s.h5" rng_streams)" = 0 ] || fail "a sweep over the versions does not say 0 (varies)"
  "$M" info "$T/s.h5" | grep -qF "the version varies between the points" || fail "motsim info does not say it varies"
  sed -i '/rng_streams/d' "$T/s.toml"
  expect_exit 0 "$M" sweep "$T/s.toml" --out "$T/s2.h5" -q
  [ "$(attr "$T/s2.h5" rng_streams)" = 2 ] || fail "a sweep does not record version 2"
}
case_extend_refuses_another_version() {
  # Runs of one version are never mixed with another's in a sweep: --extend says why and how.
  cat >"$T/old.toml" <<EOF
base = "$SC/baseline.toml"
replicates = 2
[parameters]
"simulation.agents" = 2000
"simulation.days" = 20
"simulation.rng_streams" = 1
"product.Nova.price" = [169, 189]
EOF
  expect_exit 0 "$M" sweep "$T/old.toml" --out "$T/old.h5" -q
  [ "$(attr "$T/old.h5" rng_streams)" = 1 ] || fail "a sweep holding version 1 does not record it"
  sed -e '/rng_streams/d' -e 's/replicates = 2/replicates = 3/' "$T/old.toml" >"$T/new.toml"
  expect_exit 2 "$M" sweep "$T/new.toml" --out "$T/new.h5" --extend "$T/old.h5" -q
  expect_msg "its runs used random streams version 1 and this sweep's use version 2"
  [ ! -e "$T/new.h5" ] && [ ! -e "$T/new.h5.journal" ] || fail "a refused --extend left files"
  sed -e 's/replicates = 2/replicates = 3/' "$T/old.toml" >"$T/same.toml"
  expect_exit 0 "$M" sweep "$T/same.toml" --out "$T/same.h5" --extend "$T/old.h5"
  grep -qF -- "4 runs taken from its 4" "$T/err" || { cat "$T/err" >&2; fail "holding version 1 does not reuse the runs"; }
}
case_calibration_refuses_the_version_as_a_parameter() {
  mkdir -p "$T/c"
  sed -e 's#"../baseline.toml"#"'"$SC"'/baseline.toml"#' -e 's#"../data/#"'"$SC"'/data/#' \
    "$SC/calibration/launch.toml" >"$T/c/fit.toml"
  printf '"simulation.rng_streams" = { prior = "uniform", min = 1, max = 2 }\n' >>"$T/c/fit.toml"
  expect_exit 2 "$M" calibrate "$T/c/fit.toml" --out "$T/c/fit.h5"
  expect_msg "simulation.rng_streams is the version of the random streams, not a parameter to fit"
}

run_case
