#!/usr/bin/env bash
# Interruptions, killed processes, a full disk and damaged files: nothing is lost or corrupted.
# Usage: robustness_cases.sh CASE MOTSIM SOURCE_DIR   (exit 77 = skipped, with the reason)
source "$(dirname "$0")/lib.sh"
trap 'umount -l "$T/disk" 2>/dev/null; rm -rf "$T"' EXIT  # the full-disk case mounts a tmpfs
BASE="$SRC/scenarios/baseline.toml"

# kill_9 PID SECONDS: kills the process after SECONDS, requiring it was still running.
kill_9() {
  sleep "$2"; kill -9 "$1"; wait "$1" 2>/dev/null; local rc=$?
  [ $rc -eq 137 ] || fail "the process was not killed by SIGKILL (exit $rc): it had stopped on its own"
}
case_kill9_leaves_no_file() {
  "$M" run "$BASE" --agents 300000 --days 36500 --out "$T/r.h5" --quiet & local pid=$!
  kill_9 $pid 1
  [ ! -e "$T/r.h5" ] || fail "a file stands at the target after kill -9"
  expect_exit 0 "$M" run "$BASE" --agents 500 --days 3 --out "$T/keep.h5" --quiet  # an earlier result, overwritten with --force
  local before; before=$(md5sum < "$T/keep.h5")
  "$M" run "$BASE" --agents 300000 --days 36500 --out "$T/keep.h5" --force --quiet & pid=$!
  kill_9 $pid 1
  [ "$(md5sum < "$T/keep.h5")" = "$before" ] || fail "run killed with -9 changed the file at its target"
}
case_sigterm_keeps_earlier_result() {
  expect_exit 0 "$M" run "$BASE" --agents 2000 --days 5 --out "$T/r.h5" --quiet
  cp "$T/r.h5" "$T/before.h5"
  "$M" run "$BASE" --agents 300000 --days 36500 --out "$T/r.h5" --force --quiet 2>"$T/err" & local pid=$!
  sleep 1.5; kill -TERM $pid; wait $pid; local rc=$?
  [ $rc -eq 130 ] || fail "expected exit 130 after SIGTERM, got $rc"
  expect_msg "left as it was"
  cmp -s "$T/r.h5" "$T/before.h5" || fail "the earlier result changed"
  ls "$T" | grep -q "tmp-" && fail "temporary file left: $(ls "$T")"
  return 0
}
case_kill9_compare_and_sweep_keep_earlier_files() {
  # Earlier results at the targets (--force replaces only a motsim results file).
  expect_exit 0 "$M" run "$BASE" --agents 500 --days 3 --out "$T/earlier.h5" --quiet
  cp "$T/earlier.h5" "$T/c.h5"; cp "$T/earlier.h5" "$T/s.h5"
  "$M" compare "$BASE" "$SRC/scenarios/price_cut.toml" -r 50 --agents 300000 --out "$T/c.h5" --force --quiet & local pid=$!
  kill_9 $pid 1.5
  cmp -s "$T/c.h5" "$T/earlier.h5" || fail "compare killed with -9 changed the file at its target"
  { echo "base = \"$BASE\""; echo "replicates = 20"; echo "[parameters]"; echo '"simulation.agents" = 100000'
    echo '"product.Nova.price" = [149, 199]'; } > "$T/s.toml"
  "$M" sweep "$T/s.toml" --out "$T/s.h5" --force --quiet & pid=$!
  kill_9 $pid 2
  cmp -s "$T/s.h5" "$T/earlier.h5" || fail "sweep killed with -9 changed the file at its target"
}
case_stale_temporary_named_and_removed() {
  # What kill -9 during writing leaves: TARGET.tmp-PID of a dead process.
  echo "half written" > "$T/r.h5.tmp-999999"
  sleep 600 & local live=$!  # alive for the whole run, however busy the machine; killed below
  echo "being written" > "$T/r.h5.tmp-$live"
  expect_exit 0 "$M" run "$BASE" --agents 2000 --days 5 --out "$T/r.h5" --quiet
  expect_msg "removed $T/r.h5.tmp-999999"
  [ ! -e "$T/r.h5.tmp-999999" ] || fail "stale temporary file kept"
  [ -e "$T/r.h5.tmp-$live" ] || { kill $live; fail "the temporary file of a live process was removed"; }
  kill $live; wait $live 2>/dev/null
}
case_export_stale_temporary_removed() {
  expect_exit 0 "$M" run "$BASE" --agents 2000 --days 5 --out "$T/r.h5" --quiet
  mkdir "$T/csv"
  echo "half written" > "$T/csv/kpis.csv.tmp-999999"  # an export killed with -9
  expect_exit 0 "$M" export "$T/r.h5" --csv "$T/csv"
  expect_msg "removed $T/csv/kpis.csv.tmp-999999"
  ls "$T/csv" | grep -q "tmp-" && fail "temporary file left: $(ls "$T/csv")"
  [ -s "$T/csv/kpis.csv" ] || fail "kpis.csv not written"
}
case_sigint_sweep_keeps_journal() {
  { echo "base = \"$BASE\""; echo "replicates = 20"; echo "[parameters]"; echo '"simulation.agents" = 100000'
    echo '"product.Nova.price" = [149, 199]'; } > "$T/s.toml"
  "$M" sweep "$T/s.toml" --out "$T/s.h5" --quiet 2>"$T/err" & local pid=$!
  sleep 2; kill -INT $pid; wait $pid; local rc=$?
  [ $rc -eq 130 ] || fail "expected 130 after SIGINT, got $rc"
  expect_msg "--resume"
  [ ! -e "$T/s.h5" ] || fail "results file written by an interrupted sweep"
  [ -s "$T/s.h5.journal" ] || fail "journal lost"
}
case_disk_full() {
  mkdir -p "$T/disk"
  if ! mount -t tmpfs -o size=1m tmpfs "$T/disk" 2>/dev/null; then
    echo "SKIPPED: cannot mount a 1 MiB tmpfs here (needs root and mount rights); the full-disk check did not run"
    exit 77
  fi
  expect_exit 0 "$M" run "$BASE" --agents 500 --days 3 --out "$T/disk/r.h5" --quiet  # earlier results, about 150 KB
  cp "$T/disk/r.h5" "$T/earlier.h5"
  expect_exit 1 "$M" run "$BASE" --agents 100000 --days 30 --save-agents --out "$T/disk/r.h5" --force --quiet
  expect_msg "the disk is full"; expect_msg "earlier content is untouched"
  # The free space the write met (measured before the temporary file was removed), not after.
  local free; free=$(sed -n 's/.*the disk is full (\([0-9]*\) KiB free.*/\1/p' "$T/err")
  [ -n "$free" ] && [ "$free" -lt 64 ] || fail "reported $free KiB free: measured after removing the temporary file?"
  cmp -s "$T/disk/r.h5" "$T/earlier.h5" || fail "earlier results lost on a full disk"
  [ "$(ls "$T/disk")" = "r.h5" ] || fail "temporary file left on the full disk: $(ls "$T/disk")"
  return 0
}
case_not_hdf5_and_truncated_run_to_every_reader() {
  echo "not an HDF5 file" > "$T/text.h5"
  expect_exit 0 "$M" run "$BASE" --agents 2000 --days 5 --out "$T/r.h5" --quiet
  head -c 3000 "$T/r.h5" > "$T/cut_r.h5"
  : > "$T/empty.h5"
  for f in text cut_r empty; do
    expect_exit 2 "$M" info "$T/$f.h5"; expect_msg "$T/$f.h5"
    expect_exit 2 "$M" export "$T/$f.h5" --csv "$T/csv_$f"; expect_msg "$T/$f.h5"
    expect_exit 2 "$M" merge "$T/m.h5" "$T/$f.h5"; expect_msg "$T/$f.h5"
  done
  expect_exit 2 "$M" merge "$T/m.h5" "$T/r.h5"; expect_msg "not a motsim sweep file"
  [ ! -e "$T/m.h5" ] || fail "merge wrote a file from damaged input"
  ls "$T" | grep -q "tmp-" && fail "temporary file left: $(ls "$T")"
  return 0
}
case_damaged_compare_and_sweep_files() {
  expect_exit 0 "$M" compare "$BASE" "$SRC/scenarios/price_cut.toml" -r 2 --agents 3000 --days 20 --out "$T/c.h5" --quiet
  { echo "base = \"$BASE\""; echo "[parameters]"; echo '"simulation.agents" = 2000'; echo '"simulation.days" = 10'
    echo '"product.Nova.price" = [149, 199]'; } > "$T/s.toml"
  expect_exit 0 "$M" sweep "$T/s.toml" --out "$T/s.h5" --quiet
  for f in c s; do
    head -c 4000 "$T/$f.h5" > "$T/cut_$f.h5"
    expect_exit 2 "$M" info "$T/cut_$f.h5"
    expect_exit 2 "$M" export "$T/cut_$f.h5" --csv "$T/csv_$f"
  done
  expect_exit 2 "$M" merge "$T/m.h5" "$T/cut_s.h5"
  expect_exit 2 "$M" merge "$T/m.h5" "$T/c.h5"; expect_msg "not a motsim sweep file"
  [ ! -e "$T/m.h5" ] || fail "merge wrote a file from damaged input"
}

# Files on which libhdf5 itself crashes or loops (found by fuzzing): every reader reports a
# damaged file with exit 2 (it reads in a watched child process), and writes nothing.
case_libhdf5_crash_and_hang_files() {
  local K="$SRC/tests/fuzz/known-libhdf5-crashes"
  for f in "$K"/*.h5; do
    MOTSIM_READ_TIMEOUT=3 expect_exit 2 "$M" info "$f"; expect_msg "$f"
    MOTSIM_READ_TIMEOUT=3 expect_exit 2 "$M" export "$f" --csv "$T/csv"; expect_msg "$f"
    MOTSIM_READ_TIMEOUT=3 expect_exit 2 "$M" merge "$T/m.h5" "$f"; expect_msg "$f"
  done
  MOTSIM_READ_TIMEOUT=3 expect_exit 2 "$M" info "$K/h5hg-read-corrupt-heap-id.h5"; expect_msg "crashed reading it"
  MOTSIM_READ_TIMEOUT=3 expect_exit 2 "$M" info "$K/h5hg-protect-endless-loop.h5"; expect_msg "did not finish within 3 s"
  [ ! -e "$T/m.h5" ] && [ ! -e "$T/csv" ] || fail "a reader wrote output for a damaged file"
  ls "$T" | grep -q "tmp-" && fail "temporary file left: $(ls "$T")"
  return 0
}
# --force replaces an earlier results file, never a device, a FIFO or a symbolic link.
case_force_refuses_non_regular_targets() {
  mkfifo "$T/fifo"; ln -s "$T/real.h5" "$T/link.h5"; echo keep > "$T/real.h5"
  for target in /dev/null "$T/fifo" "$T/link.h5"; do
    expect_exit 2 "$M" run "$BASE" --agents 500 --days 2 --out "$target" --force --quiet
    expect_msg "only to regular files"
  done
  [ -c /dev/null ] && [ -p "$T/fifo" ] && [ -L "$T/link.h5" ] && grep -qx keep "$T/real.h5" || fail "a target was replaced"
}
# A name the file system refuses is reported before simulating, with the reason, exit 2.
case_output_name_refused_up_front() {
  local long; long="$T/$(printf 'a%.0s' $(seq 300)).h5"
  expect_exit 2 "$M" run "$BASE" --agents 500 --days 2 --out "$long" --quiet
  expect_msg "File name too long"
  grep -q "day [0-9]*/[0-9]" "$T/err" && fail "it simulated before checking the output path"
  return 0
}

# The watched readers at their edges: a closed output is not a damaged file; an inherited
# "ignore SIGCHLD" changes nothing; a FIFO is refused at once; nested export directories made
# for a crashed export are removed; a reader killed with -9 leaves no child looping.
case_supervised_reader_edges() {
  local K="$SRC/tests/fuzz/known-libhdf5-crashes"
  expect_exit 0 "$M" run "$BASE" --agents 500 --days 3 --out "$T/r.h5" --quiet
  "$M" info "$T/r.h5" 2>"$T/err" | true; local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 141 ] || fail "info into a closed pipe: exit $rc, expected 141"
  grep -q "damaged" "$T/err" && fail "a closed pipe was reported as a damaged file"
  /usr/bin/python3 -c 'import signal, subprocess, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
sys.exit(subprocess.call([sys.argv[1], "info", sys.argv[2]], stdout=subprocess.DEVNULL))' "$M" "$T/r.h5" \
    || fail "info under an ignored SIGCHLD failed"
  mkfifo "$T/fifo"
  MOTSIM_READ_TIMEOUT=30 timeout 10 "$M" info "$T/fifo" >"$T/out" 2>"$T/err"; rc=$?
  [ "$rc" -eq 2 ] || fail "info on a FIFO: exit $rc, expected 2 at once"; expect_msg "not a regular file"
  expect_exit 2 "$M" export "$K/h5hg-read-corrupt-heap-id.h5" --csv "$T/nest/a/b"
  [ ! -e "$T/nest" ] || fail "directories made for a crashed export were left"
  MOTSIM_READ_TIMEOUT=3 expect_exit 2 "$M" export "$K/h5hg-protect-endless-loop.h5" --cs "$T/ex3"
  [ ! -e "$T/ex3" ] || fail "the directory of an abbreviated --csv was left"
  cp "$K/h5hg-protect-endless-loop.h5" "$T/loop.h5"  # a path of its own: pgrep below sees only this test
  "$M" info "$T/loop.h5" >/dev/null 2>&1 & local pid=$!
  sleep 1; kill -9 $pid; wait $pid 2>/dev/null; sleep 0.5
  pgrep -f "info $T/loop.h5" >/dev/null && { pkill -9 -f "info $T/loop.h5"; fail "the reading child outlived its watcher"; }
  return 0
}

run_case
