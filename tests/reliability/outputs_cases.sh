# Hostile output paths and names (issue classes "output names an input", "names the file format
# cannot hold", "simultaneous runs", "messages that point the wrong way"): each case tries
# several inputs and expects the exit code and a message naming the key or the file. Run by
# ctest as reliability_outputs_NAME.
source "$(dirname "$0")/../cli/lib.sh"

# small FILE [EXTRA-TOML]: a scenario that runs in a fraction of a second.
small() {
  printf '[simulation]\nagents = 500\ndays = 5\n[[product]]\nname = "A"\nprice = 10\n%b' "${2:-}" >"$1"
}
# unchanged FILE SUM: FILE still has the md5 sum SUM.
unchanged() { [ "$(md5sum <"$1")" = "$2" ] || fail "$1 was changed"; }
sum_of() { md5sum <"$1"; }
# A motsim results file: `motsim info` reads it.
is_results() { "$M" info "$1" >/dev/null 2>&1 || fail "$1 is not a readable results file"; }

# run, compare, sweep, merge and export never write over a file they read, whatever its spelling.
case_output_names_an_input() {
  mkdir -p "$T/d/sub" "$T/p"
  printf '0 1\n1 2\n' >"$T/d/edges.txt"
  small "$T/p/parent.toml" '[network]\ntype = "file"\nfile = "../d/edges.txt"\n'
  printf 'extends = "../p/parent.toml"\n[simulation]\ndays = 4\n' >"$T/d/s.toml"
  ln "$T/d/s.toml" "$T/d/hard.toml"; ln -s s.toml "$T/d/soft.toml"
  local s_sum p_sum e_sum; s_sum=$(sum_of "$T/d/s.toml"); p_sum=$(sum_of "$T/p/parent.toml"); e_sum=$(sum_of "$T/d/edges.txt")
  for out in "$T/d/s.toml" "$T/d/./s.toml" "$T/d/sub/../s.toml" "$T/d/hard.toml" "$T/d/soft.toml" \
             "$T/p/parent.toml" "$T/d/../p/parent.toml" "$T/d/edges.txt"; do
    for force in "" --force; do
      expect_exit 2 "$M" run "$T/d/s.toml" --out "$out" $force --quiet
      expect_msg "$out: error: the output path names"; expect_msg "a file this command reads"
    done
  done
  (cd "$T/d" && "$M" run s.toml --out s.toml --force --quiet) 2>"$T/err"; [ $? -eq 2 ] || fail "relative spelling"
  expect_msg "s.toml: error: the output path names s.toml, a file this command reads"
  expect_exit 2 "$M" compare "$T/d/s.toml" "$T/d/s.toml" -r 2 --out "$T/p/parent.toml" --force --quiet
  expect_msg "the output path names"
  printf 'base = "%s"\n[parameters]\n"product.A.price" = [9, 11]\n' "$T/d/s.toml" >"$T/spec.toml"
  local spec_sum; spec_sum=$(sum_of "$T/spec.toml")
  for out in "$T/spec.toml" "$T/d/hard.toml" "$T/p/parent.toml"; do
    expect_exit 2 "$M" sweep "$T/spec.toml" --out "$out" --force --quiet
    # the sweep's own check (spec, base) or the general one (every other input) speaks first
    grep -qE "the output path names|the output is the (sweep spec|base scenario)" "$T/err" || { cat "$T/err"; fail "sweep over an input: no message naming it"; }
  done
  unchanged "$T/d/s.toml" "$s_sum"; unchanged "$T/p/parent.toml" "$p_sum"; unchanged "$T/d/edges.txt" "$e_sum"
  unchanged "$T/spec.toml" "$spec_sum"
  # Results files read by export and merge are inputs too.
  expect_exit 0 "$M" run "$T/d/s.toml" --out "$T/r.h5" --quiet
  mkdir "$T/csv"; ln "$T/r.h5" "$T/csv/kpis.csv"; local r_sum; r_sum=$(sum_of "$T/r.h5")
  expect_exit 2 "$M" export "$T/r.h5" --csv "$T/csv" --force
  expect_msg "$T/csv/kpis.csv: error: the output path names $T/r.h5"
  unchanged "$T/r.h5" "$r_sum"
  expect_exit 0 "$M" sweep "$T/spec.toml" --out "$T/slice0.h5" --task-index 0 --task-count 1 --quiet
  expect_exit 2 "$M" merge "$T/slice0.h5" "$T/slice0.h5" --force
  expect_msg "the output path names"; is_results "$T/slice0.h5"
  ls -R "$T" | grep -q "tmp-\|kept-" && fail "files left: $(ls -R "$T")"
  return 0
}

# --force replaces a motsim results file (or motsim's own CSV file), never anything else.
case_force_replaces_only_results_files() {
  small "$T/s.toml"
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --quiet
  echo "my notes" >"$T/notes.txt"; : >"$T/empty.h5"; head -c 3000 "$T/r.h5" >"$T/cut.h5"
  h5copy -i "$T/r.h5" -o "$T/foreign.h5" -s /products -d /products || fail "h5copy"
  for f in notes.txt empty.h5 cut.h5 foreign.h5; do
    local before; before=$(sum_of "$T/$f")
    for force in "" --force; do
      expect_exit 2 "$M" run "$T/s.toml" --out "$T/$f" $force --quiet
      expect_msg "$T/$f: error: a file that is not a motsim results file is there"; expect_msg "not even with --force"
    done
    expect_exit 2 "$M" compare "$T/s.toml" "$T/s.toml" -r 2 --out "$T/$f" --force --quiet
    expect_msg "not a motsim results file"
    unchanged "$T/$f" "$before"
  done
  expect_msg "an HDF5 file without motsim's 'format' attribute"
  # A results file of any kind is replaced; so is an earlier export, but not a foreign CSV.
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --force --seed 3 --quiet
  expect_exit 0 "$M" export "$T/r.h5" --csv "$T/csv"
  expect_exit 0 "$M" export "$T/r.h5" --csv "$T/csv" --force
  echo "name,phone" >"$T/csv/kpis.csv"; ln -sf "$T/notes.txt" "$T/csv/reviews.csv"
  expect_exit 2 "$M" export "$T/r.h5" --csv "$T/csv" --force
  expect_msg "$T/csv/kpis.csv: error: a file that is not one of motsim's CSV files is there"
  grep -qx "name,phone" "$T/csv/kpis.csv" || fail "a foreign kpis.csv was replaced"
  rm "$T/csv/kpis.csv"
  expect_exit 2 "$M" export "$T/r.h5" --csv "$T/csv" --force
  expect_msg "reviews.csv: error: a file that is not one of motsim's CSV files is there (a symbolic link)"
  [ -L "$T/csv/reviews.csv" ] && grep -qx "my notes" "$T/notes.txt" || fail "a link was replaced"
}

# Two commands with the same output at the same moment: exactly one file takes the name; the
# other's results are kept under a name of their own, given in the message, never deleted.
case_simultaneous_runs() {
  small "$T/s.toml"
  local trial kept=0
  for trial in 1 2 3 4 5 6; do
    rm -f "$T/r.h5"
    "$M" run "$T/s.toml" --out "$T/r.h5" --seed $trial --quiet 2>"$T/e1" & local p1=$!
    "$M" run "$T/s.toml" --out "$T/r.h5" --seed $((trial + 100)) --quiet 2>"$T/e2" & local p2=$!
    wait $p1; local r1=$?; wait $p2; local r2=$?
    [ $((r1 + r2)) -eq 2 ] && { [ $r1 -eq 0 ] || [ $r2 -eq 0 ]; } || { cat "$T/e1" "$T/e2"; fail "trial $trial: exit codes $r1 and $r2"; }
    is_results "$T/r.h5"
    local err="$T/e1"; [ $r1 -eq 2 ] || err="$T/e2"
    if grep -q "finished results are kept in" "$err"; then
      local k; k=$(sed -n 's/.*finished results are kept in \([^ ]*\) (rename it.*/\1/p' "$err")
      [ -f "$k" ] || fail "trial $trial: the kept file $k is not there"
      is_results "$k"; kept=$((kept + 1))
    else
      grep -q "already exists" "$err" || { cat "$err"; fail "trial $trial: neither kept nor refused up front"; }
    fi
  done
  # The next run's clean-up of stale temporaries leaves every kept file alone.
  local before; before=$(ls "$T" | grep -c -- "-kept-")
  [ "$before" -eq "$kept" ] || fail "$before kept files for $kept messages"
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/r.h5" --force --quiet
  [ "$(ls "$T" | grep -c -- "-kept-")" -eq "$kept" ] || fail "a kept file was removed"
  ls "$T" | grep -q "tmp-" && fail "temporary file left: $(ls "$T")"
  echo "trials with a clash at the end: $kept of 6"
}

# wait_for FILE TEXT: waits (up to 60 s) until FILE contains TEXT.
wait_for() {
  local i; for i in $(seq 600); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "never saw '$2' in $1"
}
# clash_while_running FILE-TO-CREATE SOURCE PID ERR TEXT: stops the command once ERR shows TEXT,
# puts SOURCE at the target, lets it finish and returns its exit code in $rc.
clash_while_running() {
  wait_for "$4" "$5"; kill -STOP "$3"; cp "$2" "$1"; kill -CONT "$3"; wait "$3"; rc=$?
}
kept_of() { sed -n 's/.*finished results are kept in \([^ ]*\) (rename it.*/\1/p' "$T/err"; }

# A file created at the target while a command runs (deliberately): it is left as it is.
case_clash_created_deliberately() {
  local BASE="$SRC/scenarios/baseline.toml" rc
  expect_exit 0 "$M" run "$BASE" --agents 500 --days 3 --out "$T/other.h5" --quiet
  local other; other=$(sum_of "$T/other.h5")
  "$M" run "$BASE" --agents 100000 --days 60 --out "$T/r.h5" 2>"$T/err" >/dev/null & local pid=$!
  clash_while_running "$T/r.h5" "$T/other.h5" $pid "$T/err" "agents"
  [ $rc -eq 2 ] || fail "run: exit $rc after a clash, expected 2"
  expect_msg "$T/r.h5: error: a file appeared at $T/r.h5 while this command ran"
  unchanged "$T/r.h5" "$other"; local k; k=$(kept_of); is_results "$k"
  # With --force, what appeared is replaced only if it is a results file: here, a text file.
  echo "not results" >"$T/text"
  "$M" run "$BASE" --agents 100000 --days 60 --out "$T/f.h5" --force 2>"$T/err" >/dev/null & pid=$!
  clash_while_running "$T/f.h5" "$T/text" $pid "$T/err" "agents"
  [ $rc -eq 2 ] || fail "run --force: exit $rc, expected 2"
  expect_msg "is not a motsim results file (not an HDF5 file), so --force does not replace it"
  grep -qx "not results" "$T/f.h5" || fail "--force replaced a text file that appeared"
  is_results "$(kept_of)"
  "$M" compare "$BASE" "$SRC/scenarios/price_cut.toml" -r 3 --agents 20000 --out "$T/c.h5" 2>"$T/err" >/dev/null & pid=$!
  clash_while_running "$T/c.h5" "$T/other.h5" $pid "$T/err" "run 1/"
  [ $rc -eq 2 ] || fail "compare: exit $rc after a clash, expected 2"
  unchanged "$T/c.h5" "$other"; is_results "$(kept_of)"
  printf 'base = "%s"\nreplicates = 3\n[parameters]\n"simulation.agents" = 20000\n"product.Nova.price" = [149, 199]\n' "$BASE" >"$T/spec.toml"
  "$M" sweep "$T/spec.toml" --out "$T/s.h5" --threads 1 2>"$T/err" >/dev/null & pid=$!
  clash_while_running "$T/s.h5" "$T/other.h5" $pid "$T/err" "to do"
  [ $rc -eq 2 ] || fail "sweep: exit $rc after a clash, expected 2"
  unchanged "$T/s.h5" "$other"; is_results "$(kept_of)"
  [ "$(ls "$T" | grep -c -- "-kept-")" -eq 4 ] || fail "expected 4 kept files: $(ls "$T")"
  expect_exit 0 "$M" run "$BASE" --agents 500 --days 3 --out "$T/r.h5" --force --quiet  # cleans stale temporaries
  [ "$(ls "$T" | grep -c -- "-kept-")" -eq 4 ] || fail "a kept file was removed"
  ls "$T" | grep -q "tmp-" && fail "temporary file left: $(ls "$T")"
  return 0
}

# Product and segment names that results files, CSV files or --set cannot hold are refused when
# the scenario is read: file:line, the key, the value as written (escaped) and the reason.
case_names_refused() {
  local name want
  while IFS='|' read -r name want; do
    printf '[simulation]\nagents = 500\ndays = 5\n[[product]]\nname = "%s"\nprice = 10\n' "$name" >"$T/s.toml"
    expect_exit 2 "$M" run "$T/s.toml" --out "$T/o.h5" --quiet
    expect_msg "$T/s.toml:5:8: error: 'product.name' = "; expect_msg "$want"
    [ ! -e "$T/o.h5" ] || fail "$name: a result was written"
  done <<'EOF'
a/b|contains a '/'
A\u0000B|"A\u0000B" (product #0) contains a control character (code 0)
tab\there|"tab\u0009here" (product #0) contains a control character (code 9)
say \"hi\"|"say \"hi\"" (product #0) contains a '"'
x,y|contains a ','
back\\slash|contains a '\'
 padded|begins or ends with a space
EOF
  small "$T/s.toml" '[[segment]]\nname = "young/old"\nshare = 1\n'
  expect_exit 2 "$M" validate "$T/s.toml"
  expect_msg "s.toml:8:8: error: 'segment.name' = \"young/old\" (segment #0) contains a '/'"
  printf '[[product]]\nname = "%s"\n' "$(printf 'n%.0s' $(seq 65))" >"$T/long.toml"
  expect_exit 2 "$M" validate "$T/long.toml"; expect_msg "is 65 bytes long"
}

# Messages that say what is wrong: an output directory that is a file or cannot be entered; a
# campaign that starts after the last day (a note).
case_messages_point_the_right_way() {
  small "$T/s.toml"; echo "text" >"$T/file"; mkfifo "$T/fifo"
  expect_exit 2 "$M" run "$T/s.toml" --out "$T/file/r.h5" --quiet
  expect_msg "$T/file/r.h5: error: output directory $T/file is a regular file, not a directory"
  expect_exit 2 "$M" run "$T/s.toml" --out "$T/file/a/b/r.h5" --quiet
  expect_msg "output directory $T/file/a/b cannot exist: $T/file is a regular file, not a directory"
  expect_exit 2 "$M" run "$T/s.toml" --out "$T/fifo/r.h5" --quiet
  expect_msg "output directory $T/fifo is a FIFO (named pipe), not a directory"
  expect_exit 2 "$M" run "$T/s.toml" --out "$T/missing/r.h5" --quiet
  expect_msg "output directory $T/missing does not exist"
  if [ "$(id -u)" -ne 0 ]; then  # root enters any directory
    mkdir "$T/closed"; chmod 000 "$T/closed"
    expect_exit 2 "$M" run "$T/s.toml" --out "$T/closed/r.h5" --quiet
    expect_msg "output directory $T/closed cannot be entered"; chmod 700 "$T/closed"
  fi
  small "$T/c.toml" '[[campaign]]\nproduct = "A"\nstart_day = 400\nend_day = 500\n[[campaign]]\nproduct = "A"\nstart_day = 2\n'
  expect_exit 0 "$M" run "$T/c.toml" --out "$T/c.h5" --quiet
  expect_msg "motsim: note: $T/c.toml:9:13: campaign.0 never runs: its start_day = 400 is after the last day of the simulation (simulation.days = 5: days 0 to 4)"
  grep -q "campaign.1" "$T/err" && fail "a note for a campaign that runs"
  expect_exit 0 "$M" validate "$T/c.toml" --set simulation.days=2 --quiet
  expect_msg "campaign.1 never runs: its start_day = 2"; expect_msg "simulation.days = 2: days 0 to 1"
  printf 'extends = "c.toml"\n[simulation]\ndays = 450\n' >"$T/child.toml"
  expect_exit 0 "$M" validate "$T/child.toml" --quiet
  grep -q "never runs" "$T/err" && fail "a note for a campaign inside a longer horizon"
  return 0
}

run_case
