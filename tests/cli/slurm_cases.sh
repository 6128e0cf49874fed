#!/usr/bin/env bash
# The SLURM templates (scripts/slurm/*.sbatch) run as a cluster runs them, here: fake sbatch,
# srun, mpirun and scontrol on PATH record their arguments and run the job at once (sbatch runs
# every task of an array, in order, with the SLURM_* variables a cluster sets). The time limit's
# warning is a SIGTERM to the batch script, as --signal=B:TERM sends it.
# Usage: slurm_cases.sh CASE MOTSIM SOURCE_DIR
source "$(dirname "$0")/lib.sh"
TPL="$SRC/scripts/slurm"
CALLS="$T/calls"  # one line per fake command: its name and arguments
mkdir -p "$T/bin"
ln -s "$SRC/scripts" "$T/scripts"  # the commands the templates print name scripts/slurm/...
export PATH="$T/bin:$PATH" MOTSIM="$M" FAKE_CALLS="$CALLS" FAKE_DIR="$T"
unset RESUME TASKS ARRAY_BASE MOTSIM_LAUNCH MOTSIM_SRUN_MPI MOTSIM_REQUEUE SLURM_JOB_ID SLURM_RESTART_COUNT
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_JOB_ID

cat >"$T/bin/sbatch" <<'SH'
#!/bin/bash
# Fake sbatch: runs the job now, in this directory; an array's tasks one after another, each
# with SLURM_ARRAY_TASK_{ID,MIN,MAX,COUNT}; output in slurm-JOB[_TASK].out; always "succeeds"
# (like sbatch: the job's own failure shows in its log and exit record).
echo "sbatch $*" >>"$FAKE_CALLS"
array="" parsable=0
while [ $# -gt 0 ]; do
  case "$1" in
    --array=*) array="${1#--array=}" ;;
    --parsable) parsable=1 ;;
    -*) ;;
    *) break ;;
  esac
  shift
done
script="$1"; shift
id=$(($(cat "$FAKE_DIR/next_job" 2>/dev/null || echo 100) + 1)); echo "$id" >"$FAKE_DIR/next_job"
if [ -z "$array" ]; then
  SLURM_JOB_ID=$id SLURM_SUBMIT_DIR=$PWD bash "$script" "$@" >"slurm-$id.out" 2>&1
  echo "job $id exit $?" >>"$FAKE_CALLS"
else
  ids=()
  IFS=, read -r -a parts <<<"${array%%%*}"
  for part in "${parts[@]}"; do
    range="${part%%:*}"; step=1; [ "$range" != "$part" ] && step="${part#*:}"
    lo="${range%-*}"; hi="${range#*-}"
    for ((t = lo; t <= hi; t += step)); do ids+=("$t"); done
  done
  sorted=($(printf '%s\n' "${ids[@]}" | sort -n))
  k=0
  for t in "${sorted[@]}"; do
    k=$((k + 1))
    SLURM_ARRAY_JOB_ID=$id SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_MIN=${sorted[0]} \
      SLURM_ARRAY_TASK_MAX=${sorted[${#sorted[@]} - 1]} SLURM_ARRAY_TASK_COUNT=${#sorted[@]} \
      SLURM_JOB_ID=$((id * 100 + k)) SLURM_CPUS_PER_TASK=1 SLURM_SUBMIT_DIR=$PWD \
      bash "$script" "$@" >"slurm-${id}_$t.out" 2>&1
    echo "job ${id}_$t exit $?" >>"$FAKE_CALLS"
  done
fi
if [ $parsable = 1 ]; then echo "$id"; else echo "Submitted batch job $id"; fi
SH
cat >"$T/bin/srun" <<'SH'
#!/bin/bash
# Fake srun: records its arguments, drops its options and becomes the command (one process).
echo "srun $*" >>"$FAKE_CALLS"
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done
exec "$@"
SH
cat >"$T/bin/mpirun" <<'SH'
#!/bin/bash
# Fake mpirun: records its arguments and becomes the first argument that is a program file.
echo "mpirun $*" >>"$FAKE_CALLS"
while [ $# -gt 0 ] && ! { [ -f "$1" ] && [ -x "$1" ]; }; do shift; done
exec "$@"
SH
cat >"$T/bin/scontrol" <<'SH'
#!/bin/bash
# Fake scontrol: records its arguments; FAKE_SCONTROL_RC=1 plays a cluster that refuses.
echo "scontrol $*" >>"$FAKE_CALLS"
exit "${FAKE_SCONTROL_RC:-0}"
SH
chmod +x "$T/bin/"*

spec() {  # spec NAME AGENTS DAYS REPLICATES: 2 prices x 3 word-of-mouth rates
  { echo "base = \"$SRC/scenarios/baseline.toml\""; echo "replicates = $4"; echo "[parameters]"
    echo "\"simulation.agents\" = $2"; echo "\"simulation.days\" = $3"
    echo '"product.Nova.price" = [149, 199]'; echo '"behavior.wom_rate" = { min = 0.02, max = 0.2, steps = 3 }'; } >"$T/$1.toml"
}
same_sweep() { h5diff "$1" "$2" /sweep >/dev/null && h5diff "$1" "$2" /products >/dev/null; }
local_sweep() { spec g 3000 30 2; (cd "$T" && "$M" sweep g.toml --out local.h5 --quiet) || fail "local sweep"; }
called() { grep -qF -- "$1" "$CALLS" || { cat "$CALLS" >&2; fail "no call '$1'"; }; }
job_ok() { grep -qx "job $1 exit 0" "$CALLS" || { cat "$CALLS" "$T"/slurm-*.out >&2; fail "job $1 did not succeed"; }; }
in_log() { grep -qF -- "$2" "$T/slurm-$1.out" || { cat "$T/slurm-$1.out" >&2; fail "log of job $1 lacks '$2'"; }; }
# wait_journal FILE LINES: until FILE has LINES lines (header + finished runs), at most 20 s.
wait_journal() {
  local n=0
  while [ $n -lt 400 ]; do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.05; n=$((n + 1))
  done
  fail "no journal $1 of $2 lines"
}

case_array_zero_based() {
  local_sweep
  cd "$T" || exit 1
  local job; job=$(sbatch --parsable --array=0-2 "$TPL/sweep-array.sbatch" g.toml out.h5)
  for t in 0 1 2; do job_ok "${job}_$t"; done
  in_log "${job}_2" "slice 2 of 3 (array task 2)"
  sbatch --dependency=afterany:"$job" "$TPL/sweep-merge.sbatch" out.h5 3 g.toml >/dev/null
  job_ok $((job + 1))
  same_sweep local.h5 out.h5 || fail "the job-array sweep differs from the local one"
}
case_array_one_based() {
  local_sweep
  cd "$T" || exit 1
  local job; job=$(sbatch --parsable --array=1-3 "$TPL/sweep-array.sbatch" g.toml out.h5)
  in_log "${job}_1" "slice 0 of 3 (array task 1)"; in_log "${job}_3" "slice 2 of 3 (array task 3)"
  sbatch "$TPL/sweep-merge.sbatch" out.h5 3 >/dev/null; job_ok $((job + 1))
  same_sweep local.h5 out.h5 || fail "the 1-based job-array sweep differs from the local one"
  # With an explicit count, 1-based ids need ARRAY_BASE=1; without it, task 3 of 3 is refused.
  rm out.slice-*.h5 out.h5
  job=$(ARRAY_BASE=1 sbatch --parsable --array=1-3 "$TPL/sweep-array.sbatch" g.toml out.h5 3)
  for t in 1 2 3; do job_ok "${job}_$t"; done
  job=$(sbatch --parsable --array=3 "$TPL/sweep-array.sbatch" g.toml out.h5 3)
  in_log "${job}_3" "outside 0..2 of 3 slices"; in_log "${job}_3" "ARRAY_BASE=1"
}
case_single_task_rerun() {
  local_sweep
  cd "$T" || exit 1
  local job; job=$(sbatch --parsable --array=0-2 "$TPL/sweep-array.sbatch" g.toml out.h5)
  rm out.slice-1.h5  # as if task 1 had failed
  # A one-task array does not say how many slices there are: refused, with the command to use.
  job=$(RESUME=1 sbatch --parsable --array=1 "$TPL/sweep-array.sbatch" g.toml out.h5)
  grep -qx "job ${job}_1 exit 2" "$CALLS" || fail "a one-task array without a count was not refused"
  in_log "${job}_1" "give the count as a third argument"
  in_log "${job}_1" "RESUME=1 sbatch --array=1 scripts/slurm/sweep-array.sbatch g.toml out.h5 N"
  [ ! -e out.slice-0.h5.journal ] && [ ! -e out.slice-1.h5 ] || fail "the refused task wrote something"
  job=$(RESUME=1 sbatch --parsable --array=1 "$TPL/sweep-array.sbatch" g.toml out.h5 3)
  job_ok "${job}_1"; in_log "${job}_1" "slice 1 of 3 (array task 1)"
  # The same with TASKS=3, and 1-based ids: task 1 is slice 0, which is complete.
  job=$(TASKS=3 ARRAY_BASE=1 RESUME=1 sbatch --parsable --array=1 "$TPL/sweep-array.sbatch" g.toml out.h5)
  job_ok "${job}_1"; in_log "${job}_1" "slice 0 of 3 (out.slice-0.h5) is complete; nothing to do"
  sbatch "$TPL/sweep-merge.sbatch" out.h5 3 g.toml >/dev/null
  same_sweep local.h5 out.h5 || fail "the sweep with a rerun slice differs from the local one"
}
case_failed_slice_at_merge() {
  local_sweep
  cd "$T" || exit 1
  # A binary that fails for slice 1, as a node failure would.
  printf '#!/bin/bash\ncase " $* " in *" --task-index 1 "*) echo "node lost" >&2; exit 1;; esac\nexec "%s" "$@"\n' "$M" >flaky
  chmod +x flaky
  local job; job=$(MOTSIM="$T/flaky" sbatch --parsable --array=0-2 "$TPL/sweep-array.sbatch" g.toml out.h5)
  grep -qx "job ${job}_1 exit 1" "$CALLS" || fail "the failing slice did not fail"
  in_log "${job}_1" "slice 1 failed (exit 1); once fixed: RESUME=1 sbatch --array=1 scripts/slurm/sweep-array.sbatch g.toml out.h5 3"
  sbatch --dependency=afterany:"$job" "$TPL/sweep-merge.sbatch" out.h5 3 g.toml >/dev/null
  local merge=$((job + 1))
  grep -qx "job $merge exit 2" "$CALLS" || fail "the merge did not refuse a missing slice"
  in_log $merge "1 of 3 slices are missing: 1; nothing was merged"
  in_log $merge "slice 1: no out.slice-1.h5 and no journal"
  [ ! -e out.h5 ] || fail "a merge with a slice missing wrote a file"
  # The commands it prints, run as printed, finish the sweep.
  local cmd; cmd=$(grep -F "RESUME=1 sbatch --array=1 " "slurm-$merge.out" | sed 's/^ *//')
  [ "$cmd" = "RESUME=1 sbatch --array=1 scripts/slurm/sweep-array.sbatch g.toml out.h5 3" ] || fail "rerun command '$cmd'"
  eval "$cmd" >/dev/null
  cmd=$(grep -F "JOB=\$(" "slurm-$merge.out" | sed 's/^ *//'); [ -n "$cmd" ] || fail "no all-at-once command"
  local merge2; merge2=$(grep -F "sbatch --dependency=afterany:\$JOB" "slurm-$merge.out" | sed 's/^ *//')
  eval "$cmd"; [ "$JOB" -gt $merge ] || fail "JOB=$JOB"  # slice 1 is complete by now: nothing to do
  in_log "${JOB}_1" "is complete; nothing to do"
  eval "$merge2" >/dev/null; job_ok $((JOB + 1))
  same_sweep local.h5 out.h5 || fail "the sweep finished after a failed slice differs from the local one"
}
case_time_limit_requeue() {
  # SIGTERM to the batch script (--signal=B:TERM@120): motsim stops, keeps its journal, the task
  # is requeued; the requeued task (SLURM_RESTART_COUNT=1) resumes and completes.
  spec h 60000 150 4
  cd "$T" || exit 1
  local env=(SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=1 SLURM_ARRAY_TASK_COUNT=2
             SLURM_JOB_ID=4242 SLURM_CPUS_PER_TASK=1)
  env "${env[@]}" bash "$TPL/sweep-array.sbatch" h.toml big.h5 >term.out 2>&1 & local pid=$!
  wait_journal big.slice-0.h5.journal 2
  kill -TERM $pid; local rc=0; wait $pid || rc=$?
  [ $rc -eq 0 ] || { cat term.out >&2; fail "the stopped, requeued task exited $rc"; }
  called "scontrol requeue 4242"
  grep -qF "slice 0 requeued (job 4242, restart 1 of at most 3)" term.out || { cat term.out >&2; fail "no requeue message"; }
  [ -f big.slice-0.h5.journal ] && [ ! -e big.slice-0.h5 ] || fail "the journal is not kept, or a slice file stands"
  env "${env[@]}" SLURM_RESTART_COUNT=1 bash "$TPL/sweep-array.sbatch" h.toml big.h5 >resumed.out 2>&1 ||
    { cat resumed.out >&2; fail "the requeued task failed"; }
  grep -q "resumed from the journal" resumed.out || { cat resumed.out >&2; fail "the requeued task did not resume"; }
  [ -f big.slice-0.h5 ] && [ ! -e big.slice-0.h5.journal ] || fail "the resumed slice is not complete"
  # Where the cluster refuses (or after the last requeue): exit 130 with the command that resumes;
  # the merge then names the slice as stopped, with its journal.
  env "${env[@]}" SLURM_ARRAY_TASK_ID=1 FAKE_SCONTROL_RC=1 bash "$TPL/sweep-array.sbatch" h.toml big.h5 >refused.out 2>&1 &
  pid=$!
  wait_journal big.slice-1.h5.journal 2
  kill -TERM $pid; rc=0; wait $pid || rc=$?
  [ $rc -eq 130 ] || { cat refused.out >&2; fail "a task the cluster would not requeue exited $rc"; }
  grep -qF "not requeued" refused.out && grep -qF "resume it with: RESUME=1 sbatch --array=1 scripts/slurm/sweep-array.sbatch h.toml big.h5 2" refused.out ||
    { cat refused.out >&2; fail "no resume command after a refused requeue"; }
  expect_exit 2 bash "$TPL/sweep-merge.sbatch" big.h5 2 h.toml
  expect_msg "slice 1: stopped or killed; big.slice-1.h5.journal keeps about"
}
case_mpi_template_launchers() {
  local_sweep
  cd "$T" || exit 1
  sbatch "$TPL/sweep-mpi.sbatch" g.toml a.h5 >/dev/null; job_ok 101
  called "srun --mpi=pmix $M sweep g.toml --out a.h5"
  same_sweep local.h5 a.h5 || fail "srun: the sweep differs from the local one"
  MOTSIM_SRUN_MPI=pmi2 MOTSIM_SRUN_ARGS="--cpu-bind=cores" sbatch "$TPL/sweep-mpi.sbatch" g.toml b.h5 >/dev/null
  called "srun --mpi=pmi2 --cpu-bind=cores $M sweep g.toml --out b.h5"
  MOTSIM_LAUNCH=mpirun MOTSIM_MPIRUN_ARGS="--bind-to core" sbatch "$TPL/sweep-mpi.sbatch" g.toml c.h5 >/dev/null
  called "mpirun --bind-to core $M sweep g.toml --out c.h5"
  same_sweep local.h5 c.h5 || fail "mpirun: the sweep differs from the local one"
  # RESUME=1 on a complete file does nothing; a bad launcher is refused.
  RESUME=1 sbatch "$TPL/sweep-mpi.sbatch" g.toml c.h5 >/dev/null; in_log 104 "c.h5 is complete; nothing to do"
  MOTSIM_LAUNCH=aprun sbatch "$TPL/sweep-mpi.sbatch" g.toml d.h5 >/dev/null
  grep -qx "job 105 exit 2" "$CALLS" || fail "an unknown launcher was not refused"; in_log 105 "expected srun or mpirun"
}
case_mpi_time_limit_requeue() {
  spec h 60000 150 3
  cd "$T" || exit 1
  SLURM_JOB_ID=77 bash "$TPL/sweep-mpi.sbatch" h.toml m.h5 >term.out 2>&1 & local pid=$!
  wait_journal m.h5.journal 2
  kill -TERM $pid; local rc=0; wait $pid || rc=$?
  [ $rc -eq 0 ] || { cat term.out >&2; fail "the stopped, requeued MPI job exited $rc"; }
  called "scontrol requeue 77"; grep -qF "rerun with --resume" term.out || { cat term.out >&2; fail "motsim did not stop cleanly"; }
  SLURM_JOB_ID=77 SLURM_RESTART_COUNT=1 bash "$TPL/sweep-mpi.sbatch" h.toml m.h5 >resumed.out 2>&1 ||
    { cat resumed.out >&2; fail "the requeued MPI job failed"; }
  called "srun --mpi=pmix $M sweep h.toml --out m.h5 --resume"
  grep -q "resumed from the journal" resumed.out && [ -f m.h5 ] && [ ! -e m.h5.journal ] ||
    { cat resumed.out >&2; fail "the requeued MPI job did not resume to completion"; }
}
# calib NAME AGENTS PARTICLES GENERATIONS: an ABC-SMC calibration of Pulse's price to 4 weeks of
# weekly units simulated with another seed (data.csv, made once).
calib() {
  if [ ! -f "$T/data.csv" ]; then
    expect_exit 0 "$M" run "$SRC/scenarios/baseline.toml" --agents "$2" --days 28 --seed 12 --quiet --out "$T/truth.h5"
    expect_exit 0 "$M" export "$T/truth.h5" --csv "$T/truth"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "week,product,units"; next }
             { u[int($c["day"] / 7) + 1 "," $c["product"]] += $c["purchases"] }
             END { for (k in u) print k "," u[k] }' "$T/truth/timeseries.csv" | sort -t, -k1,1n -k2 >"$T/data.csv"
  fi
  cat >"$T/$1.toml" <<EOF
base = "$SRC/scenarios/baseline.toml"
set = ["simulation.agents=$2", "simulation.days=28", "simulation.seed=11"]
particles = $3
generations = $4
predictive_draws = 8
seed = 3
[data]
files = ["data.csv"]
training_periods = 3
[series]
units = 1
[parameters]
"product.Pulse.price" = { prior = "uniform", min = 50, max = 150 }
EOF
}
same_calibration() {
  local d
  for d in posterior/mean generations/particles generations/weights forecast/q50; do
    h5diff -d 0 "$1" "$2" /$d /$d >/dev/null || return 1
  done
}
case_calibrate_template() {
  # The calibration template under srun and mpirun equals the calibration run directly.
  calib c 2000 24 2
  cd "$T" || exit 1
  expect_exit 0 "$M" calibrate c.toml --out local.h5 --quiet
  sbatch "$TPL/calibrate-mpi.sbatch" c.toml a.h5 >/dev/null; job_ok 101
  called "srun --mpi=pmix $M calibrate c.toml --out a.h5"
  same_calibration local.h5 a.h5 || fail "srun: the calibration differs from the direct one"
  MOTSIM_LAUNCH=mpirun MOTSIM_MPIRUN_ARGS="--bind-to core" sbatch "$TPL/calibrate-mpi.sbatch" c.toml b.h5 >/dev/null
  job_ok 102; called "mpirun --bind-to core $M calibrate c.toml --out b.h5"
  same_calibration local.h5 b.h5 || fail "mpirun: the calibration differs from the direct one"
  # RESUME=1: a complete file is left alone; without a journal the calibration starts afresh.
  RESUME=1 sbatch "$TPL/calibrate-mpi.sbatch" c.toml b.h5 >/dev/null; in_log 103 "b.h5 is complete; nothing to do"
  RESUME=1 sbatch "$TPL/calibrate-mpi.sbatch" c.toml e.h5 >/dev/null; job_ok 104
  in_log 104 "no e.h5.journal"; same_calibration local.h5 e.h5 || fail "RESUME=1 without a journal: another result"
  MOTSIM_LAUNCH=aprun sbatch "$TPL/calibrate-mpi.sbatch" c.toml d.h5 >/dev/null
  grep -qx "job 105 exit 2" "$CALLS" || fail "an unknown launcher was not refused"; in_log 105 "expected srun or mpirun"
  # Outside the repository root the body of the template is not there: a clear refusal.
  mkdir -p elsewhere && cd elsewhere && expect_exit 2 bash "$TPL/calibrate-mpi.sbatch" ../c.toml x.h5
  expect_msg "submit from the motsim repository root"
}
case_calibrate_time_limit_requeue() {
  # SIGTERM near the time limit: the job keeps its complete generations, is requeued, and the
  # requeued job resumes to the file an uninterrupted calibration writes.
  calib r 3000 40 6
  cd "$T" || exit 1
  expect_exit 0 "$M" calibrate r.toml --out whole.h5 --quiet
  SLURM_JOB_ID=78 bash "$TPL/calibrate-mpi.sbatch" r.toml m.h5 >term.out 2>&1 & local pid=$!
  wait_journal m.h5.journal 3
  kill -TERM $pid; local rc=0; wait $pid || rc=$?
  [ $rc -eq 0 ] || { cat term.out >&2; fail "the stopped, requeued calibration job exited $rc"; }
  called "scontrol requeue 78"; grep -qF "continue with --resume" term.out || { cat term.out >&2; fail "motsim did not stop cleanly"; }
  [ ! -e m.h5 ] || fail "the stopped calibration wrote a file"
  SLURM_JOB_ID=78 SLURM_RESTART_COUNT=1 bash "$TPL/calibrate-mpi.sbatch" r.toml m.h5 >resumed.out 2>&1 ||
    { cat resumed.out >&2; fail "the requeued calibration job failed"; }
  called "srun --mpi=pmix $M calibrate r.toml --out m.h5 --resume"
  [ -f m.h5 ] && [ ! -e m.h5.journal ] || { cat resumed.out >&2; fail "the requeued job did not finish"; }
  same_calibration whole.h5 m.h5 || fail "the requeued calibration differs from the uninterrupted one"
}
case_templates_portable() {
  # bash 4.2 (still on some clusters) stops at "${A[@]}" of an empty array under set -u: the
  # optional arguments use the ${A[@]+"${A[@]}"} idiom; no feature newer than 4.2 is used.
  local f
  for f in "$TPL"/*.sbatch; do
    bash -n "$f" || fail "$f does not parse"
    head -1 "$f" | grep -qx '#!/bin/bash' || fail "$f: first line"
    grep -n '"\${EXTRA\[@\]}"' "$f" | grep -v '\${EXTRA\[@\]+"\${EXTRA\[@\]}"}' && fail "$f: EXTRA expanded without the bash 4.2 idiom"
    grep -nE 'declare -n|local -n|wait -n|\$\{[A-Za-z_]+@[QEPAa]\}|mapfile -d|readarray -d|\[-1\]' "$f" && fail "$f: needs bash > 4.2"
    grep -q '^set -euo pipefail' "$f" || fail "$f: not set -euo pipefail"
    grep -q '^# module load' "$f" && grep -q 'PLACEHOLDERS' "$f" || fail "$f: module lines not marked as placeholders"
  done
  # The body the MPI templates share, read by them: the same rules.
  f="$TPL/mpi-job.sh"
  bash -n "$f" || fail "$f does not parse"
  grep -niE '"\$\{extra\[@\]\}"' "$f" | grep -viE '\$\{extra\[@\]\+"\$\{extra\[@\]\}"\}' && fail "$f: extra expanded without the bash 4.2 idiom"
  grep -nE 'declare -n|local -n|wait -n|\$\{[A-Za-z_]+@[QEPAa]\}|mapfile -d|readarray -d|\[-1\]' "$f" && fail "$f: needs bash > 4.2"
  for f in sweep-array sweep-mpi calibrate-mpi; do
    grep -q '^#SBATCH --signal=B:TERM@' "$TPL/$f.sbatch" && grep -q '^#SBATCH --requeue' "$TPL/$f.sbatch" ||
      fail "$f: no --signal=B:TERM@... or --requeue"
  done
  # Under set -u with nothing optional set, the empty EXTRA is expanded: it must not stop the job.
  local_sweep
  (cd "$T" && SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=0 expect_exit 0 bash "$TPL/sweep-array.sbatch" g.toml one.h5 1) || exit 1
  [ -f "$T/one.slice-0.h5" ] || fail "a one-slice sweep wrote no slice"
}

run_case
