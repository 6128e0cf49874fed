#!/usr/bin/env bash
# Command-line tests. Usage: cli.sh CASE MOTSIM SOURCE_DIR. Each case_NAME is a ctest test.
source "$(dirname "$0")/lib.sh"
BASE="$SRC/scenarios/baseline.toml"
small() { cat > "$T/s.toml" <<EOT
[simulation]
agents = 2000
days = 10
[[product]]
name = "Nova"
price = 100
[[product]]
name = "Orbit"
price = 80
$1
EOT
}
# A bad scenario: exit 2, message names the key, no results file created.
bad_scenario() {
  local key="$1"
  expect_exit 2 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet
  expect_msg "$key"
  expect_msg "s.toml"
  [ ! -e "$T/r.h5" ] || fail "a results file was created for bad input"
  ls "$T" | grep -q tmp && fail "a temporary file was left"
  return 0
}

case_help() { expect_exit 0 "$M" --help; grep -q "usage: motsim" "$T/out" || fail "no usage"; expect_exit 0 "$M" run --help; grep -q -- "--save-agents" "$T/out" || fail "run --help lacks options"; }
case_provenance_in_run_and_compare_files() {
  small ""
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet
  check_provenance "$T/r.h5"
  grep -qF "command: $M run $T/s.toml --out $T/r.h5 --quiet" "$T/info" || fail "the command line is not the one given"
  expect_exit 0 "$M" compare "$T/s.toml" "$T/s.toml" --replicates 2 --out "$T/c.h5" --quiet
  check_provenance "$T/c.h5"
  expect_exit 0 "$M" --version
  grep -qE "^motsim [0-9.]+ \(git [0-9a-f]{7,}|unknown" "$T/out" || fail "--version lacks the commit: $(cat "$T/out")"
}
case_version() { expect_exit 0 "$M" --version; grep -qE "^motsim [0-9]+\.[0-9]+\.[0-9]+" "$T/out" || fail "bad version"; }
case_no_args() { expect_exit 2 "$M"; expect_msg "usage"; }
case_unknown_command() { expect_exit 2 "$M" rnu x; expect_msg "did you mean 'run'"; }
case_unknown_option() { expect_exit 2 "$M" run "$BASE" --agentz 5; expect_msg "agentz"; }
case_run_and_info() {
  small ""
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5"
  grep -q "units" "$T/out" || fail "no KPI table"
  expect_exit 0 "$M" info "$T/r.h5"; grep -q "Orbit" "$T/out" || fail "info lacks products"
}
case_title_and_question() {
  small ""; { printf 'title = "Orbit at 80"\nquestion = "Is 80 the right price?"\n'; cat "$T/s.toml"; } > "$T/t.toml"
  expect_exit 0 "$M" run "$T/t.toml" --out "$T/r.h5" --quiet
  /usr/bin/python3 - "$T/r.h5" <<'PY' || fail "title or question not in the run file's attributes"
import h5py, sys
a = h5py.File(sys.argv[1]).attrs
assert a["title"] == "Orbit at 80" and a["question"] == "Is 80 the right price?", dict(a)
PY
  expect_exit 0 "$M" info "$T/r.h5"; grep -q "title: Orbit at 80" "$T/out" || fail "info lacks the title"
  expect_exit 0 "$M" validate "$T/t.toml"; grep -q "^title = " "$T/out" || fail "validate does not print the title"
  printf 'title = 5\n' > "$T/bad.toml"; cat "$T/s.toml" >> "$T/bad.toml"
  expect_exit 2 "$M" run "$T/bad.toml" --out "$T/b.h5"; expect_msg "bad.toml:1:9: error: 'title' = 5 is an integer"
}
case_refuses_overwrite() {
  small ""
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet
  local sum; sum=$(md5sum < "$T/r.h5")
  expect_exit 2 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet --seed 9
  expect_msg "already exists"; expect_msg "--force"
  [ "$(md5sum < "$T/r.h5")" = "$sum" ] || fail "existing results changed"
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet --seed 9 --force
  [ "$(md5sum < "$T/r.h5")" != "$sum" ] || fail "--force did not overwrite"
}
case_bad_toml() { small "[behavior"; bad_scenario "TOML syntax"; expect_msg "s.toml:10:"; }
case_unknown_key() { small "[behavior]
wom_rat = 0.1"; bad_scenario "wom_rat"; expect_msg "did you mean 'wom_rate'"; }
case_unknown_section() { small "[behaviour]
x = 1"; bad_scenario "behaviour"; expect_msg "did you mean 'behavior'"; }
case_wrong_type() { small "[behavior]
wom_rate = \"high\""; bad_scenario "behavior.wom_rate"; expect_msg "expected a number"; }
case_probability_range() { small "[behavior]
wom_trigger = 1.5"; bad_scenario "behavior.wom_trigger"; expect_msg "[0, 1]"; }
case_negative_price() { small ""; sed -i 's/price = 80/price = -80/' "$T/s.toml"; bad_scenario "product.Orbit.price"; expect_msg "-80"; }
case_shares_sum() { small "[[segment]]
name = \"a\"
share = 0.5
[[segment]]
name = \"b\"
share = 0.4"; bad_scenario "sum to 1"; }
case_campaign_unknown_product() { small "[[campaign]]
product = \"Nvoa\""; bad_scenario "Nvoa"; expect_msg "did you mean \"Nova\""; }
case_days_not_positive() { small ""; sed -i 's/days = 10/days = 0/' "$T/s.toml"; bad_scenario "simulation.days"; }
case_agents_not_positive() { small ""; sed -i 's/agents = 2000/agents = -5/' "$T/s.toml"; bad_scenario "simulation.agents"; }
case_bad_network_type() { small "[network]
type = \"smallworld\""; bad_scenario "network.type"; }
case_unreadable_scenario() { expect_exit 2 "$M" run "$T/missing.toml" --out "$T/r.h5"; expect_msg "missing.toml"; expect_msg "cannot read"; }
case_unwritable_output() { small ""; expect_exit 2 "$M" run "$T/s.toml" --out "$T/no/such/dir/r.h5" --quiet; expect_msg "does not exist"; }
case_too_many_agents() {
  small ""
  MOTSIM_MEMORY_LIMIT=100000000 expect_exit 2 "$M" run "$T/s.toml" --agents 50000000 --out "$T/r.h5" --quiet
  expect_msg "not enough memory"; expect_msg "available"
  [ ! -e "$T/r.h5" ] || fail "file created"
}
case_set_overrides() {
  small ""
  expect_exit 0 "$M" validate "$T/s.toml" --set product.Orbit.price=249 --set behavior.wom_rate=0.2
  grep -q "price = 249" "$T/out" || fail "product price not overridden"
  grep -q "wom_rate = 0.2" "$T/out" || fail "behavior not overridden"
  expect_exit 2 "$M" validate "$T/s.toml" --set product.Orbt.price=249; expect_msg "did you mean 'Orbit'"
  expect_exit 2 "$M" validate "$T/s.toml" --set product.Orbit.prise=249; expect_msg "did you mean 'price'"
  expect_exit 2 "$M" validate "$T/s.toml" --set campaign.3.daily_reach=0.1; expect_msg "campaign"
  expect_exit 0 "$M" validate "$BASE" --set campaign.0.daily_reach=0.05
  grep -q "daily_reach = 0.05" "$T/out" || fail "campaign not overridden"
}
case_threads_identical() {
  small ""
  for t in 1 2 4; do expect_exit 0 "$M" run "$T/s.toml" --agents 20000 --days 60 --threads $t --out "$T/t$t.h5" --quiet; done
  for t in 2 4; do
    for obj in /timeseries /reviews /kpis; do
      h5diff "$T/t1.h5" "$T/t$t.h5" $obj >/dev/null || fail "$obj differs between 1 and $t threads"
    done
  done
}
case_plain_progress() { small ""; expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5"; grep -q "day 10/10 (100%)" "$T/err" || fail "no plain progress lines"; }
case_tty_progress() {
  small ""
  command -v script >/dev/null || { echo "SKIP: no 'script' command to fake a terminal"; return 0; }
  script -q -e -c "$M run $T/s.toml --days 30 --out $T/r.h5" /dev/null > "$T/tty" 2>&1 || fail "run under a terminal failed"
  tr '\r' '\n' < "$T/tty" | grep -qE '^\[#+ *\] day 30/30 100%' || { cat "$T/tty" >&2; fail "no progress bar on a terminal"; }
}
case_interrupt() {
  small ""
  "$M" run "$T/s.toml" --agents 300000 --days 36500 --out "$T/r.h5" --quiet 2>"$T/err" & local pid=$!
  sleep 1.5; kill -TERM $pid; wait $pid; local rc=$?
  [ $rc -eq 130 ] || fail "expected exit 130 after SIGTERM, got $rc"
  expect_msg "interrupted"
  [ ! -e "$T/r.h5" ] || fail "results file left after interruption"
  ls "$T" | grep -q tmp && fail "temporary file left"
  return 0
}
case_info_not_hdf5() { echo "hello" > "$T/x.h5"; expect_exit 2 "$M" info "$T/x.h5"; expect_msg "not an HDF5 file"; }
case_info_truncated() {
  small ""; expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet
  head -c 3000 "$T/r.h5" > "$T/cut.h5"; expect_exit 2 "$M" info "$T/cut.h5"
}

case_network_file_is_directory() { small "[network]
type = \"file\"
file = \"$T\""; bad_scenario "network.file"; expect_msg "is a directory"; }
case_info_unreadable() {
  "$M" run "$BASE" --agents 500 --days 2 --out "$T/r.h5" --quiet 2>/dev/null || fail "run failed"
  chmod 600 "$T/r.h5"; chmod 755 "$T"
  if [ "$(id -u)" -eq 0 ]; then
    command -v runuser >/dev/null || exit 77
    runuser -u nobody -- "$M" info "$T/r.h5" >"$T/out" 2>"$T/err"; local rc=$?
  else
    chmod 000 "$T/r.h5"; "$M" info "$T/r.h5" >"$T/out" 2>"$T/err"; local rc=$?
  fi
  [ "$rc" -eq 2 ] || fail "expected exit 2, got $rc"
  expect_msg "Permission denied"
}

case_set_bad_value_names_the_set() {
  expect_exit 2 "$M" run "$BASE" --set product.Nova.price=-5 --out "$T/r.h5" --quiet
  expect_msg "--set product.Nova.price=-5: error:"; expect_msg "out of range"
  grep -q "baseline.toml" "$T/err" && fail "the scenario file was blamed for a --set value"
  expect_exit 2 "$M" validate "$BASE" --set 'product.Nova.initial_ratings=[1,2,3,4,-5]' --quiet
  expect_msg "--set product.Nova.initial_ratings=[1,2,3,4,-5]: error:"
  expect_exit 2 "$M" validate "$BASE" --set 'product.Nova.initial_ratings=[1,2,3,4,"x"]' --quiet
  expect_msg 'holds "x", a string'
  [ ! -e "$T/r.h5" ] || fail "a results file was created"
}

# A value merged from a parent scenario (extends) keeps its file, line and column in messages.
case_extends_error_location() {
  mkdir -p "$T/sub"
  printf 'extends = "../s.toml"\n[behavior]\nwom_rate = 7\n' > "$T/sub/z.toml"
  printf 'extends = "sub/z.toml"\n[[product]]\nname = "Nova"\nprice = -3\n' > "$T/v.toml"
  small "[behavior]
wom_rate = 0.1"
  expect_exit 2 "$M" validate "$T/v.toml"; expect_msg "sub/z.toml:3:12: error: 'behavior.wom_rate' = 7"
  printf 'extends = "../s.toml"\n' > "$T/sub/z.toml"
  expect_exit 2 "$M" validate "$T/v.toml"; expect_msg "v.toml:4:9: error: 'product.Nova.price' = -3"
}

case_bare_word_value() { small ""; sed -i 's/agents = 2000/agents = ten/' "$T/s.toml"; bad_scenario "s.toml:2:"; expect_msg "text needs quotes"; }

# A variant's product that is not in the parent is added, with a note (a misspelt name looks the same).
case_variant_new_product_noted() {
  small ""
  printf 'extends = "s.toml"\n[[product]]\nname = "Nvoa"\nprice = 150\n' > "$T/v.toml"
  expect_exit 0 "$M" validate "$T/v.toml" --quiet
  expect_msg "v.toml:3:8: note: product 'Nvoa' is not in the parent scenario, so it is added as a new product (did you mean 'Nova'?)"
  printf 'extends = "s.toml"\n[[product]]\nname = "Nova"\nprice = 150\n' > "$T/v.toml"
  expect_exit 0 "$M" validate "$T/v.toml" --quiet
  grep -q "note:" "$T/err" && fail "a note for a product that is in the parent"
  return 0
}

# scripts/ab, the A/B timer of issue 6: a build against itself on a small population; bad
# arguments and a failing build are errors.
case_ab_script() {
  expect_exit 0 "$SRC/scripts/ab" 2 1 "$M" "$M" 3000
  grep -q "^A: min [0-9.]* s, median" "$T/out" || fail "no A line"
  grep -q "^B faster in [0-2] of 2 pairs" "$T/out" || fail "no pairs line"
  expect_exit 2 "$SRC/scripts/ab" 2 1 "$M"; expect_msg "Usage: scripts/ab"
  expect_exit 2 "$SRC/scripts/ab" 2 1 "$M" "$T/missing"; expect_msg "is not an executable motsim build"
  expect_exit 2 "$SRC/scripts/ab" two 1 "$M" "$M"; expect_msg "must be positive integers"
  expect_exit 1 "$SRC/scripts/ab" 1 1 "$M" "$M" 0; expect_msg "failed"
}
run_case
