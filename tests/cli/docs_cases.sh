#!/usr/bin/env bash
# Documentation kept in step with the code. Usage: docs_cases.sh CASE MOTSIM SOURCE_DIR
source "$(dirname "$0")/lib.sh"

case_parameters_current() {
  "$M" params > "$T/params.md" || fail "motsim params failed"
  diff -u "$SRC/docs/parameters.md" "$T/params.md" >&2 ||
    fail "docs/parameters.md is out of date: regenerate it with build/motsim params > docs/parameters.md (the table is generated from sim/input/param_table.cpp)"
}
case_schema_complete() {
  "$M" run "$SRC/scenarios/baseline.toml" --agents 3000 --days 30 --save-agents --out "$T/r.h5" --quiet || fail "run failed"
  local missing=0
  for obj in $(h5ls -r "$T/r.h5" | awk '$1 != "/" {print $1}'); do
    local name="${obj##*/}"
    grep -q "\`$name\`\|$obj" "$SRC/docs/hdf5-schema.md" || { echo "not in docs/hdf5-schema.md: $obj" >&2; missing=1; }
  done
  # Root attributes and /reviews fields, as the file has them (h5dump -H from hdf5-tools).
  local attrs fields
  attrs=$(h5dump -H "$T/r.h5" | sed -n 's/^   ATTRIBUTE "\(.*\)" {$/\1/p')
  [ -n "$attrs" ] || fail "h5dump listed no root attributes"
  for attr in $attrs; do
    grep -q "\`$attr\`" "$SRC/docs/hdf5-schema.md" || { echo "root attribute not documented: $attr" >&2; missing=1; }
  done
  fields=$(h5dump -H -d /reviews "$T/r.h5" | sed -n 's/^ *H5T_[A-Z0-9_]* "\(.*\)";$/\1/p')
  [ -n "$fields" ] || fail "h5dump listed no /reviews fields"
  for fld in $fields; do
    grep -q "^| \`$fld\` |" "$SRC/docs/hdf5-schema.md" || { echo "/reviews field not documented: $fld" >&2; missing=1; }
  done
  [ $missing -eq 0 ] || fail "docs/hdf5-schema.md misses objects the writer produces"
}

case_sweep_and_compare_files_documented() {
  cat > "$T/s.toml" <<EOF
base = "$SRC/scenarios/baseline.toml"
replicates = 2
keep_series = ["purchases"]
[parameters]
"simulation.agents" = 500
"simulation.days" = 10
"network.type" = ["ring", "complete"]
"campaign.0.channel" = "tv"
"behavior.wom_rate" = { min = 0.02, max = 0.2, steps = 2 }
EOF
  for i in 0 1; do expect_exit 0 "$M" sweep "$T/s.toml" --out "$T/s$i.h5" --task-index $i --task-count 2 --quiet; done
  expect_exit 0 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"
  every_object_documented "$T/m.h5" "$SRC/docs/sweeps.md"
  every_object_documented "$T/s0.h5" "$SRC/docs/sweeps.md"
  expect_exit 0 "$M" compare "$SRC/scenarios/baseline.toml" "$SRC/scenarios/price_cut.toml" --agents 500 --days 10 \
    --replicates 2 --attribute --out "$T/c.h5" --quiet
  every_object_documented "$T/c.h5" "$SRC/docs/hdf5-compare.md"
}

run_case
