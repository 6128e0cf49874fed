#!/usr/bin/env bash
# Parameter sweeps: designs, MPI, slices and merge, resume after kill -9, spec errors.
# Usage: sweep_cases.sh CASE MOTSIM SOURCE_DIR
source "$(dirname "$0")/lib.sh"
spec() {  # spec NAME AGENTS DAYS EXTRA...
  local name="$1" agents="$2" days="$3"; shift 3
  { echo "base = \"$SRC/scenarios/baseline.toml\""; printf '%s\n' "$@"
    echo "[parameters]"; echo "\"simulation.agents\" = $agents"; echo "\"simulation.days\" = $days"
    echo '"product.Nova.price" = [149, 199]'; echo '"behavior.wom_rate" = { min = 0.02, max = 0.2, steps = 3 }'; } > "$T/$name.toml"
}
# The whole /sweep group (points, KPIs, series, columns, levels and its attributes) must match.
same_sweep() { h5diff "$1" "$2" /sweep && h5diff "$1" "$2" /products; }

case_grid_layout() {
  spec g 5000 40 'replicates = 2' 'keep_series = ["purchases", "aware"]'
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/g.h5" --quiet
  /usr/bin/python3 - "$T/g.h5" <<'PY' || fail "sweep file layout"
import h5py, sys, numpy as np
f = h5py.File(sys.argv[1]); s = f["sweep"]
dec = lambda a: [x.decode() if isinstance(x, bytes) else x for x in a]
cols = dec(s["point_columns"][()]); pts = s["points"][()]
assert s["points"].shape == (12, len(cols)) and s.attrs["runs"] == 12 and s.attrs["complete"] == 1
p = pts[:, cols.index("product.Nova.price")]; w = pts[:, cols.index("behavior.wom_rate")]
assert sorted(set(p)) == [149, 199] and np.allclose(sorted(set(w)), [0.02, 0.11, 0.2])
# held parameters are columns too: every row carries every parameter value
assert dec(s["held_parameters"][()]) == ["simulation.agents", "simulation.days"]
assert (pts[:, cols.index("simulation.agents")] == 5000).all() and (pts[:, cols.index("simulation.days")] == 40).all()
assert s["kpis"].shape == (12, len(s["kpi_columns"])) and not np.isnan(s["kpis"][()][:, 0]).any()
assert s["timeseries/purchases"].shape == (12, 40, 3)
assert "[parameters]" in s.attrs["spec"]
PY
  expect_exit 0 "$M" info "$T/g.h5"
  grep -qF "sweep, design grid: 6 points x 2 replicates = 12 runs" "$T/out" || { cat "$T/out" >&2; fail "info on a sweep file"; }
  grep -qF "seed -1" "$T/out" && fail "info prints a seed a sweep does not have"
  return 0
}
case_string_levels_plain_and_rerun() {
  # Strings with quotes and a backslash: /sweep/levels holds them as they are, load_sweep gives
  # them back, and /sweep/level_literals reruns a run from the command line, bit for bit.
  cat > "$T/t.toml" <<EOF
base = "$SRC/scenarios/baseline.toml"
[parameters]
"simulation.agents" = 800
"simulation.days" = 12
"title" = ['say "hi"', 'back\slash', "plain"]
"network.type" = ["ring", "complete"]
EOF
  expect_exit 0 "$M" sweep "$T/t.toml" --out "$T/t.h5" --quiet
  PYTHONPATH="$SRC/scripts" /usr/bin/python3 - "$T/t.h5" "$M" "$SRC/scenarios/baseline.toml" "$T" <<'PY' || fail "string levels"
import h5py, subprocess, sys
from motsim import load_sweep
path, M, base, T = sys.argv[1:]
df = load_sweep(path)
assert sorted(set(df["title"])) == ["back\\slash", "plain", 'say "hi"'], set(df["title"])
assert set(df["network.type"]) == {"ring", "complete"}
s = h5py.File(path)["sweep"]
dec = lambda d: [x.decode() for x in d[()]]
cols, row = dec(s["point_columns"]), s["points"][()][4]
sets = [f"{k}={dec(s['level_literals/' + k])[int(row[cols.index(k)])]}" for k in ("title", "network.type")]
sets += ["simulation.agents=800", "simulation.days=12", f"simulation.seed={int(row[cols.index('seed')])}",
         f"simulation.replicate={int(row[cols.index('replicate_key')])}"]
subprocess.run([M, "run", base, "--out", T + "/one.h5", "--quiet"] + sum([["--set", x] for x in sets], []), check=True)
one = h5py.File(T + "/one.h5")
assert one.attrs["title"] == df["title"][4], (one.attrs["title"], df["title"][4])
units = s["kpis"][()][4, dec(s["kpi_columns"]).index("units.all")]
assert units == one["timeseries/purchases"][()].sum(), (units, one["timeseries/purchases"][()].sum())
PY
}
case_spec_identity_is_parsed() {
  # A comment or a blank line added between two slices keeps them one sweep; a changed value
  # does not; and the sweep runs the same either way.
  spec g 600 10
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/s0.h5" --task-index 0 --task-count 2 --quiet
  { echo "# a note added later"; echo; cat "$T/g.toml"; } > "$T/g2.toml" && mv "$T/g2.toml" "$T/g.toml"
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/s1.h5" --task-index 1 --task-count 2 --quiet
  expect_exit 0 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"
  sed -i 's/\[149, 199\]/[149, 198]/' "$T/g.toml"
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/s1b.h5" --task-index 1 --task-count 2 --quiet
  expect_exit 2 "$M" merge "$T/m2.h5" "$T/s0.h5" "$T/s1b.h5"; expect_msg "changed since this slice was made"
}
case_sobol_second_order() {
  # second_order = true adds BA_i (block 2 + k + i): sobol_second_order reads a motsim sweep,
  # and the first N (k + 2) points are those of the design without it.
  local common="base = \"$SRC/scenarios/baseline.toml\"
design = \"sobol\"
samples = 8
[parameters]
\"simulation.agents\" = 600
\"simulation.days\" = 20
\"product.Nova.price\" = { min = 149, max = 249 }
\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }"
  printf '%s\n' "$common" > "$T/s1.toml"
  printf 'second_order = true\n%s\n' "$common" > "$T/s2.toml"
  expect_exit 0 "$M" sweep "$T/s1.toml" --out "$T/s1.h5" --quiet
  expect_exit 0 "$M" sweep "$T/s2.toml" --out "$T/s2.h5" --quiet
  PYTHONPATH="$SRC/scripts" /usr/bin/python3 - "$T/s1.h5" "$T/s2.h5" <<'PY' || fail "second-order Sobol sweep"
import sys, numpy as np
from motsim import load_sweep, sobol_indices, sobol_second_order
one, two = load_sweep(sys.argv[1]), load_sweep(sys.argv[2])
assert len(one) == 8 * 4 and len(two) == 8 * 6, (len(one), len(two))
assert sorted(two["block"].unique()) == list(range(6))
p = ["product.Nova.price", "behavior.wom_rate"]
assert np.array_equal(two[p].to_numpy()[:32], one[p].to_numpy()), "the first blocks moved"
a, b = two[two.block == 0].set_index("row")[p], two[two.block == 1].set_index("row")[p]
for i, k in enumerate(p):  # BA_i: B with column i from A
    ba = two[two.block == 2 + 2 + i].set_index("row")[p]
    for j, q in enumerate(p):
        assert np.array_equal(ba[q].to_numpy(), (a if i == j else b)[q].to_numpy()), (k, q)
s2 = sobol_second_order(two, "units.all", n_boot=50)
assert len(s2) == 1 and np.isfinite(s2["second_order"]).all(), s2
sobol_indices(two, "units.all", n_boot=50)
try:
    sobol_second_order(one, "units.all")
    raise SystemExit("no error without BA_i")
except ValueError as e:
    assert "second_order = true" in str(e), e
PY
}
case_extend_reuses_runs() {
  # --extend OLD: a Sobol or random design with more samples, or more replicates, takes every
  # run OLD made; the file is the one a fresh sweep of the larger spec writes.
  mk() {  # mk NAME DESIGN SAMPLES REPLICATES
    printf 'base = "%s"\ndesign = "%s"\nsamples = %s\nreplicates = %s\n[parameters]\n"simulation.agents" = 500\n"simulation.days" = 15\n"product.Nova.price" = { min = 149, max = 249 }\n"behavior.wom_rate" = { min = 0.01, max = 0.2 }\n' \
      "$SRC/scenarios/baseline.toml" "$2" "$3" "$4" > "$T/$1.toml"
  }
  local d old total
  # design, runs reused at least (every old run; Morris' grid repeats points, which count too), runs in all
  for d in sobol:32:96 random:8:24 morris:24:72 lhs:8:24; do
    IFS=: read -r d old total <<<"$d"
    mk ${d}4 $d 4 2; mk ${d}8 $d 8 3
    expect_exit 0 "$M" sweep "$T/${d}4.toml" --out "$T/${d}4.h5" --quiet
    expect_exit 0 "$M" sweep "$T/${d}8.toml" --out "$T/${d}8.h5" --quiet
    expect_exit 0 "$M" sweep "$T/${d}8.toml" --out "$T/${d}x.h5" --extend "$T/${d}4.h5"
    local taken todo
    taken=$(sed -n 's/.*--extend .*: \([0-9]*\) runs taken from its.*/\1/p' "$T/err")
    [ -n "$taken" ] && [ "$taken" -ge "$old" ] || { cat "$T/err" >&2; fail "$d: $taken runs taken, not at least $old"; }
    todo=$(sed -n 's/.* \([0-9]*\) to do.*/\1/p' "$T/err")
    [ "$(grep -c '^run [0-9]* done' "$T/err")" -eq "$todo" ] || fail "$d: ran other runs than the $todo to do"
    [ "$todo" -eq $((total - taken)) ] || fail "$d: $todo runs to do, not $total - $taken"
    same_sweep "$T/${d}8.h5" "$T/${d}x.h5" >/dev/null || fail "$d: the extended sweep differs from a fresh one"
  done
  # A file of another base or other parameters is refused before anything is written.
  sed 's/"simulation.days" = 15/"simulation.days" = 16/' "$T/sobol8.toml" > "$T/other.toml"
  expect_exit 2 "$M" sweep "$T/other.toml" --out "$T/o.h5" --extend "$T/sobol4.h5"
  expect_msg "cannot lend its runs"; expect_msg "base scenario or held values differ"
  [ ! -e "$T/o.h5" ] && [ ! -e "$T/o.h5.journal" ] || fail "a refused --extend left a file or a journal"
  expect_exit 2 "$M" sweep "$T/sobol8.toml" --out "$T/sobol4.h5" --extend "$T/sobol4.h5" --force
  [ -f "$T/sobol4.h5" ] || fail "the file to extend was written over"
  expect_exit 2 "$M" sweep "$T/sobol8.toml" --out "$T/n.h5" --extend "$T/nope.h5"; expect_msg "nope.h5"
}
case_same_for_any_thread_count() {
  spec g 5000 40
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/a.h5" --threads 1 --quiet
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/b.h5" --threads 2 --quiet
  same_sweep "$T/a.h5" "$T/b.h5" >/dev/null || fail "1 and 2 threads differ"
}
case_mpi_equals_local() {
  command -v mpirun >/dev/null || fail "mpirun not installed (scripts/setup installs openmpi-bin)"
  spec g 5000 40 'replicates = 2' 'keep_series = ["purchases"]'
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/local.h5" --quiet
  expect_exit 0 mpirun --allow-run-as-root --oversubscribe -np 3 "$M" sweep "$T/g.toml" --out "$T/mpi.h5" --quiet
  same_sweep "$T/local.h5" "$T/mpi.h5" >/dev/null || fail "the MPI sweep differs from the local one"
}
case_slices_and_merge() {
  spec g 5000 40 'replicates = 2' 'keep_series = ["purchases"]'
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/local.h5" --quiet
  # Slices made with a relative spec path, merged from another directory.
  for i in 0 1 2; do (cd "$T" && expect_exit 0 "$M" sweep g.toml --out "s$i.h5" --task-index $i --task-count 3 --quiet) || exit 1; done
  expect_exit 2 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s2.h5"; expect_msg "missing"
  [ ! -e "$T/m.h5" ] || fail "incomplete merge wrote a file"
  expect_exit 0 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5" "$T/s2.h5"
  same_sweep "$T/local.h5" "$T/m.h5" >/dev/null || fail "merged slices differ from the local sweep"
  # Provenance: the merge command, each slice's own command, and every run's wall time.
  check_provenance "$T/m.h5"; check_provenance "$T/s1.h5"
  grep -qF "command: $M merge $T/m.h5 $T/s0.h5 $T/s1.h5 $T/s2.h5" "$T/info" && fail "info shows the slice's command for the merge"
  "$M" info "$T/m.h5" > "$T/minfo"
  grep -qF "command: $M merge $T/m.h5 $T/s0.h5 $T/s1.h5 $T/s2.h5" "$T/minfo" || fail "the merged file lacks the merge command"
  grep -qF "merged from 3 slices" "$T/minfo" || fail "info does not say the file was merged"
  grep -qE "wall time per run: median [0-9.e-]+ s" "$T/minfo" || fail "info lacks the runs' wall time"
  /usr/bin/python3 - "$T/m.h5" "$M" <<'PY' || fail "the merged file's slice commands or run times"
import h5py, sys, numpy as np
f = h5py.File(sys.argv[1])
cmds = [c.decode() for c in f["provenance/slice_command_line"][()]]
assert cmds == [f"{sys.argv[2]} sweep g.toml --out s{i}.h5 --task-index {i} --task-count 3 --quiet" for i in range(3)], cmds
assert [p.decode().rsplit("/", 1)[1] for p in f["provenance/slice_path"][()]] == ["s0.h5", "s1.h5", "s2.h5"]
t = f["provenance/run_seconds"][()]
assert t.shape == (12,) and (t > 0).all() and (t < 60).all(), t
PY
  echo "not hdf5" > "$T/bad.h5"; expect_exit 2 "$M" merge "$T/m2.h5" "$T/bad.h5"; expect_msg "not an HDF5 file"
  head -c 3000 "$T/s0.h5" > "$T/cut.h5"; expect_exit 2 "$M" merge "$T/m3.h5" "$T/cut.h5"
}
case_resume_after_kill9() {
  spec g 60000 200 'replicates = 4' 'keep_series = ["purchases"]'
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/full.h5" --quiet
  "$M" sweep "$T/g.toml" --out "$T/r.h5" --threads 2 --quiet & local pid=$!
  local n=0
  while [ $n -lt 200 ]; do  # wait until a few runs are in the journal, then kill -9
    [ -f "$T/r.h5.journal" ] && [ "$(wc -l < "$T/r.h5.journal")" -ge 4 ] && break
    sleep 0.05; n=$((n + 1))
  done
  kill -9 $pid; wait $pid 2>/dev/null
  [ ! -e "$T/r.h5" ] || fail "a results file stands after kill -9"
  [ -f "$T/r.h5.journal" ] || fail "no journal after kill -9"
  # A line cut by the crash: resume drops it, and lines written after it stay whole.
  printf '23 0x1.8p+3 0x1' >> "$T/r.h5.journal"
  local before; before=$(wc -l < "$T/r.h5.journal")
  "$M" sweep "$T/g.toml" --out "$T/r.h5" --threads 2 --resume --quiet 2>"$T/resume1.err" & pid=$!
  n=0
  while [ $n -lt 200 ] && [ "$(wc -l < "$T/r.h5.journal")" -lt $((before + 2)) ]; do sleep 0.05; n=$((n + 1)); done
  kill -9 $pid; wait $pid 2>/dev/null
  grep -qF "0 damaged line(s) and 1 cut line(s) dropped" "$T/resume1.err" || { cat "$T/resume1.err" >&2; fail "the cut line was dropped without a word"; }
  [ -z "$(tail -n +2 "$T/r.h5.journal" | grep -Ev ' #[0-9a-f]{16}$')" ] || fail "the journal holds a broken line after resume"
  expect_exit 2 "$M" sweep "$T/g.toml" --out "$T/r.h5" --quiet; expect_msg "--resume"
  # Exactly the runs missing from the journal are computed: 24 minus those it holds whole.
  local kept; kept=$(tail -n +2 "$T/r.h5.journal" | grep -E ' #[0-9a-f]{16}$' | cut -d' ' -f1 | sort -u | wc -l)
  [ "$kept" -ge 4 ] || fail "the journal holds only $kept runs"
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/r.h5" --resume
  grep -q "resumed from the journal" "$T/err" || fail "did not resume"
  local todo; todo=$(sed -n 's/.* \([0-9]*\) to do.*/\1/p' "$T/err" | head -1)
  [ -n "$todo" ] && [ "$todo" -eq $((24 - kept)) ] || fail "resume computes $todo runs; the journal lacks $((24 - kept))"
  [ "$(grep -c '^run [0-9]* done' "$T/err")" -eq "$todo" ] || fail "the runs reported done differ from $todo"
  same_sweep "$T/full.h5" "$T/r.h5" >/dev/null || fail "the resumed sweep differs from an uninterrupted one"
  [ ! -e "$T/r.h5.journal" ] || fail "journal left after completion"
}
case_mpi_resume_after_sigterm() {
  # SLURM's time limit: SIGTERM to the MPI job, then a resubmission with --resume.
  command -v mpirun >/dev/null || fail "mpirun not installed (scripts/setup installs openmpi-bin)"
  spec g 60000 200 'replicates = 4' 'keep_series = ["purchases"]'
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/full.h5" --quiet
  mpirun --allow-run-as-root --oversubscribe -np 3 "$M" sweep "$T/g.toml" --out "$T/r.h5" --quiet 2>"$T/err" & local pid=$!
  local n=0
  while [ $n -lt 200 ]; do
    [ -f "$T/r.h5.journal" ] && [ "$(wc -l < "$T/r.h5.journal")" -ge 4 ] && break
    sleep 0.05; n=$((n + 1))
  done
  kill -TERM $pid; wait $pid 2>/dev/null
  expect_msg "rerun with --resume"
  [ ! -e "$T/r.h5" ] || fail "a results file stands after SIGTERM"
  expect_exit 0 mpirun --allow-run-as-root --oversubscribe -np 3 "$M" sweep "$T/g.toml" --out "$T/r.h5" --resume
  grep -q "resumed from the journal" "$T/err" || fail "did not resume"
  same_sweep "$T/full.h5" "$T/r.h5" >/dev/null || fail "the resumed MPI sweep differs from the local one"
}
case_slurm_array_templates() {
  # The job-array and merge templates, run as SLURM would (environment variables), locally.
  spec g 5000 40 'replicates = 2'
  expect_exit 0 "$M" sweep "$T/g.toml" --out "$T/local.h5" --quiet
  for i in 0 1; do
    SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_ID=$i MOTSIM="$M" expect_exit 0 bash "$SRC/scripts/slurm/sweep-array.sbatch" "$T/g.toml" "$T/arr.h5"
  done
  MOTSIM="$M" expect_exit 0 bash "$SRC/scripts/slurm/sweep-merge.sbatch" "$T/arr.h5" 2
  same_sweep "$T/local.h5" "$T/arr.h5" >/dev/null || fail "the job-array sweep differs from the local one"
}
case_designs() {
  for d in "random 7" "lhs 7" "morris 3" "sobol 4"; do
    set -- $d
    { echo "base = \"$SRC/scenarios/baseline.toml\""; echo "design = \"$1\""; echo "samples = $2"
      echo "[parameters]"; echo '"simulation.agents" = 3000'; echo '"simulation.days" = 30'
      echo '"product.Nova.price" = { min = 120, max = 240 }'; echo '"behavior.wom_rate" = { min = 0.01, max = 0.2, log = true }'; } > "$T/$1.toml"
    expect_exit 0 "$M" sweep "$T/$1.toml" --out "$T/$1.h5" --quiet
    local runs; runs=$(/usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1])['sweep'].attrs['runs'])" "$T/$1.h5")
    case $1 in random|lhs) want=7;; morris) want=9;; sobol) want=16;; esac
    [ "$runs" -eq "$want" ] || fail "$1: $runs runs, expected $want"
  done
}
case_spec_errors() {
  printf 'base = "%s/scenarios/baseline.toml"\ndesing = "grid"\n' "$SRC" > "$T/e1.toml"
  expect_exit 2 "$M" sweep "$T/e1.toml" --out "$T/e.h5"; expect_msg "did you mean 'design'"; expect_msg "e1.toml:2:1"
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"product.Nvoa.price" = [1, 2]\n' "$SRC" > "$T/e2.toml"
  expect_exit 2 "$M" sweep "$T/e2.toml" --out "$T/e.h5"; expect_msg "product.Nvoa.price"; expect_msg "did you mean 'Nova'"
  printf 'base = "%s/scenarios/baseline.toml"\ndesign = "morris"\nsamples = 2\n[parameters]\n"product.Nova.price" = [1, 2]\n' "$SRC" > "$T/e3.toml"
  expect_exit 2 "$M" sweep "$T/e3.toml" --out "$T/e.h5"; expect_msg "ranges"
  printf 'base = "%s/scenarios/baseline.toml"\ndesign = "lhs"\n[parameters]\n"product.Nova.price" = { min = 1, max = 2 }\n' "$SRC" > "$T/e4.toml"
  expect_exit 2 "$M" sweep "$T/e4.toml" --out "$T/e.h5"; expect_msg "samples"
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"behavior.wom_rate" = { min = 0.5, max = 0.1, steps = 2 }\n' "$SRC" > "$T/e5.toml"
  expect_exit 2 "$M" sweep "$T/e5.toml" --out "$T/e.h5"; expect_msg "min must be below max"
  printf 'base = "nope.toml"\n' > "$T/e6.toml"
  expect_exit 2 "$M" sweep "$T/e6.toml" --out "$T/e.h5"; expect_msg "no such scenario"
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"behavior.wom_rate" = [0.1, 7]\n' "$SRC" > "$T/e7.toml"
  expect_exit 2 "$M" sweep "$T/e7.toml" --out "$T/e.h5"; expect_msg "e7.toml:3:29"; expect_msg "out of range"
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"network.degree" = 30\n"simulation.agents" = [2000, 20]\n' "$SRC" > "$T/e9.toml"
  expect_exit 2 "$M" sweep "$T/e9.toml" --out "$T/e.h5"; expect_msg "point 1 (simulation.agents=20)"
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"behavior.wom_rate" = 7\n' "$SRC" > "$T/e8.toml"
  expect_exit 2 "$M" sweep "$T/e8.toml" --out "$T/e.h5"; expect_msg "out of range"
  # Memory: the largest point is checked, times the runs that go at once (one per thread).
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"simulation.days" = 5\n"simulation.agents" = [200, 100000]\n' "$SRC" > "$T/e10.toml"
  MOTSIM_MEMORY_LIMIT=10000000 expect_exit 2 "$M" sweep "$T/e10.toml" --out "$T/e.h5" --threads 1
  expect_msg "not enough memory for 100000 agents"
  printf 'base = "%s/scenarios/baseline.toml"\nreplicates = 40\n[parameters]\n"simulation.days" = 5\n"simulation.agents" = [200, 20000]\n' "$SRC" > "$T/e11.toml"
  MOTSIM_MEMORY_LIMIT=10000000 expect_exit 2 "$M" sweep "$T/e11.toml" --out "$T/e.h5" --threads 64
  expect_msg "64 runs at once"
  # ...but never more at once than there are runs: 2 runs of 20,000 agents fit.
  printf 'base = "%s/scenarios/baseline.toml"\n[parameters]\n"simulation.days" = 2\n"simulation.agents" = [200, 20000]\n' "$SRC" > "$T/e12.toml"
  MOTSIM_MEMORY_LIMIT=12000000 expect_exit 0 "$M" sweep "$T/e12.toml" --out "$T/ok12.h5" --threads 64 --quiet
  ls "$T" | grep -q "e.h5" && fail "a file was written for a bad spec"
  return 0
}

run_case
