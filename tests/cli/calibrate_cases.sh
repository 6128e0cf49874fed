#!/usr/bin/env bash
# motsim calibrate: recovery of a known parameter, determinism, the file, and refusals.
# Usage: calibrate_cases.sh CASE MOTSIM SOURCE_DIR
source "$(dirname "$0")/lib.sh"
SC="$SRC/scenarios"

# Weekly units and the displayed rating of every product, from a run of the baseline with
# Pulse's quality set to $1 (and Pulse's price to $2 if given): the "observed" data of a launch
# (weeks 1-8), simulated with another seed than the calibrations' (11).
make_data() {
  expect_exit 0 "$M" run "$SC/baseline.toml" --agents 4000 --days 56 --set product.Pulse.quality="$1" \
    --set product.Pulse.price="${2:-89}" --seed 12 --quiet --out "$T/truth.h5"
  expect_exit 0 "$M" export "$T/truth.h5" --csv "$T/truth"
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "week,product,units,rating_mean"; next }
           { w = int($c["day"] / 7) + 1; u[w "," $c["product"]] += $c["purchases"];
             if ($c["day"] % 7 == 6 && $c["rating_mean"] > 0) r[w "," $c["product"]] = $c["rating_mean"] }
           END { for (k in u) print k "," u[k] "," r[k] }' "$T/truth/timeseries.csv" | sort -t, -k1,1n -k2 > "$T/data.csv"
}

spec() {  # spec [extra top-level lines]
  cat > "$T/spec.toml" <<EOF
base = "$SC/baseline.toml"
set = ["simulation.agents=4000", "simulation.days=56", "simulation.seed=11"]
predictive_draws = 30
seed = 2
$*
[data]
files = ["data.csv"]
training_periods = 6
[series]
units = 1
rating_mean = 1
[parameters]
"product.Pulse.quality" = { prior = "uniform", min = 3, max = 9.5 }
EOF
}

case_recovers_price() {
  # Pulse's price, which moves its sales, is recovered from 6 weeks of data at 4,000 agents.
  # (Its quality is not: 1 to 5 ratings in 6 weeks at this size say little; recovery_coverage
  # shows its wide intervals.)
  make_data 6.6 120
  spec 'particles = 60
generations = 5'
  sed -i 's/^"product.Pulse.quality" = .*/"product.Pulse.price" = { prior = "uniform", min = 50, max = 160 }/' "$T/spec.toml"
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/fit.h5" --threads 2
  grep -q "^product.Pulse.price: mean" "$T/out" || fail "no posterior printed"
  expect_msg "generation 0: tolerance inf"
  expect_msg "; at most 4 generations to go, about "
  /usr/bin/python3 - "$T/fit.h5" <<'PY' || fail "the calibration file does not recover the price"
import h5py, sys, numpy as np
f = h5py.File(sys.argv[1])
assert f.attrs["format"] == "motsim-calibration-1" and f.attrs["method"] == "abc-smc"
lo, hi = f["posterior/q05"][0], f["posterior/q95"][0]
assert lo <= 120 <= hi and hi - lo < 70, (lo, hi)  # the prior spans 110; 4,000 agents leave about +-30
tol = f["generations/tolerance"][()]
assert np.all(np.diff(tol) < 0), tol
assert f["generations/particles"].shape[1:] == (60, 1)
fc = f["forecast"]
ob = f["observed"]
pairs = set(zip(ob["series"][()], ob["product"][()]))  # a product without a rating has no rating series
assert fc["q05"].shape == fc["period"].shape and len(fc["period"]) == 8 * len(pairs) and len(pairs) >= 4
assert 0 <= fc.attrs["coverage90"] <= 1 and fc.attrs["held_out"] == int((ob["training"][()] == 0).sum())
q05, q95 = fc["q05"][()], fc["q95"][()]
assert np.all((q05 <= q95 + 1e-12) | np.isnan(q05)) and np.isfinite(q05).sum() > 30
text = f["data/text"][0]
assert "week,product" in (text.decode() if isinstance(text, bytes) else text)
PY
}

case_same_for_any_thread_count() {
  make_data 6.6
  spec 'particles = 40
generations = 3'
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/a.h5" --threads 1 --quiet
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/b.h5" --threads 2 --quiet
  for d in generations/particles generations/weights generations/distances generations/tolerance posterior/mean \
           forecast/q05 forecast/q50 forecast/q95; do  # everything but the wall-clock seconds
    h5diff -d 0 "$T/a.h5" "$T/b.h5" /$d /$d >/dev/null || fail "/$d differs between 1 and 2 threads"
  done
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/a.h5" --quiet
  expect_msg "already exists"
  every_object_documented "$T/a.h5" "$SRC/docs/calibration.md"
}

case_same_for_any_rank_count() {
  # Over MPI ranks (rank 0 hands out evaluations, two workers compute) the file is the one of a
  # single process, for ABC-SMC and for optimize's profile; a refused spec stops every rank.
  command -v mpirun >/dev/null || fail "mpirun not installed (scripts/setup installs openmpi-bin)"
  local MPI=(mpirun --allow-run-as-root --oversubscribe -np 3)
  make_data 6.6
  spec 'particles = 40
generations = 3'
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/a.h5" --threads 1 --quiet
  expect_exit 0 "${MPI[@]}" "$M" calibrate "$T/spec.toml" --out "$T/m.h5" --quiet
  for d in generations/particles generations/weights generations/distances generations/tolerance posterior/mean \
           forecast/q05 forecast/q50 forecast/q95; do
    h5diff -d 0 "$T/a.h5" "$T/m.h5" /$d /$d >/dev/null || fail "/$d differs between 1 process and 3 ranks"
  done
  spec 'method = "optimize"
evaluations = 20'
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/o1.h5" --quiet
  expect_exit 0 "${MPI[@]}" "$M" calibrate "$T/spec.toml" --out "$T/o3.h5" --quiet
  for d in optimum/theta optimum/profile_d forecast/q50; do
    h5diff -d 0 "$T/o1.h5" "$T/o3.h5" /$d /$d >/dev/null || fail "optimize: /$d differs between 1 process and 3 ranks"
  done
  expect_exit 2 timeout 60 "${MPI[@]}" "$M" calibrate "$T/spec.toml" --out "$T/a.h5" --quiet  # rank 0 refuses
  expect_msg "already exists"
  spec 'particles = 1'
  expect_exit 2 timeout 60 "${MPI[@]}" "$M" calibrate "$T/spec.toml" --out "$T/x.h5"  # every rank refuses
  expect_msg "'particles' = 1 is outside [2, 1000000]"
  [ ! -e "$T/x.h5" ] || fail "a refused calibration wrote a file"
}

case_optimize() {
  make_data 6.6 120
  spec 'method = "optimize"
evaluations = 40'
  sed -i 's/^"product.Pulse.quality" = .*/"product.Pulse.price" = { prior = "uniform", min = 50, max = 160 }/' "$T/spec.toml"
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/o.h5"
  expect_msg "optimize: 4 of at most 40 evaluations, best distance "
  expect_msg "optimize: 36 of at most 40 evaluations"
  expect_msg "about "
  /usr/bin/python3 - "$T/o.h5" <<'PY' || fail "optimize misses the price"
import h5py, sys
f = h5py.File(sys.argv[1])
x = f["optimum/theta"][0]
assert abs(x - 120) < 20, x
assert f["optimum/profile_d"].shape == (1, 11)
PY
  check_provenance "$T/o.h5"
  every_object_documented "$T/o.h5" "$SRC/docs/calibration.md"
}

case_optimize_recovers_bass() {
  # The Bass limit (scenarios/bass.toml) fitted to its own weekly sales: optimize recovers
  # p = 0.03 / 365 and q = 0.38 / 365 from each of three data sets simulated with other seeds
  # than the calibration's. Tolerances (docs/calibration.md, "Recovering the Bass coefficients"):
  # at 20,000 agents the early weeks that fix p hold a few hundred adoptions, and p and q trade
  # along a ridge of the distance, so p within 15 %, q within 10 %.
  local seed
  for seed in 21 33 45; do
    expect_exit 0 "$M" run "$SC/bass.toml" --agents 20000 --days 3640 --seed $seed --quiet --out "$T/b$seed.h5"
    expect_exit 0 "$M" export "$T/b$seed.h5" --csv "$T/b$seed"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "week,product,units"; next }
             { u[int($c["day"] / 7) + 1] += $c["purchases"] } END { for (w in u) print w ",Innovation," u[w] }' \
      "$T/b$seed/timeseries.csv" | sort -t, -k1,1n > "$T/bass$seed.csv"
    cat > "$T/bass.toml" <<EOF
base = "$SC/bass.toml"
set = ["simulation.agents=20000", "simulation.days=3640", "simulation.seed=8"]
method = "optimize"
evaluations = 600
predictive_draws = 4
[data]
files = ["bass$seed.csv"]
[series]
units = 1
[parameters]
"campaign.0.daily_reach" = { prior = "log_uniform", min = 1e-5, max = 1e-3 }
"behavior.wom_rate" = { prior = "log_uniform", min = 1e-4, max = 1e-2 }
EOF
    expect_exit 0 "$M" calibrate "$T/bass.toml" --out "$T/fit$seed.h5" --quiet
    /usr/bin/python3 - "$T/fit$seed.h5" <<'PY' || fail "data seed $seed: the Bass coefficients are not recovered"
import h5py, sys
f = h5py.File(sys.argv[1])
names = [n.decode() if isinstance(n, bytes) else n for n in f["parameters/name"][()]]
x = dict(zip(names, f["optimum/theta"][()]))
p, q = x["campaign.0.daily_reach"] * 365, x["behavior.wom_rate"] * 365
print(f"p = {p:.4f} per year (0.03), q = {q:.4f} (0.38)")
assert abs(p / 0.03 - 1) < 0.15 and abs(q / 0.38 - 1) < 0.10, (p, q)
PY
  done
}

case_recovery_coverage() {
  # Parameter recovery over several data sets: three parameters (Pulse's quality and price, and
  # the market scale) set to known values, weekly units and ratings of the three products
  # simulated with another seed than the calibration's; each true value must lie in its 90 %
  # posterior interval. MOTSIM_COVERAGE_SETS (default 3) data sets; docs/calibration.md gives the
  # coverage over 12. Every interval must hold its truth at this size (3 x 3 checks).
  local sets="${MOTSIM_COVERAGE_SETS:-3}" i missed=0 checks=0
  local truths=("7.2 89 2" "5.5 120 1" "8.5 70 3.5" "6.4 140 0.8" "4.8 99 4" "9 60 1.5"
                "7.8 110 2.6" "6 80 0.6" "5 135 3" "8 125 1.2" "6.8 65 4.5" "7.5 95 0.9")
  for ((i = 0; i < sets; i++)); do
    read -r q price scale <<<"${truths[$((i % 12))]}"
    expect_exit 0 "$M" run "$SC/baseline.toml" --agents 4000 --days 56 --seed $((100 + i)) --quiet --out "$T/t$i.h5" \
      --set product.Pulse.quality="$q" --set product.Pulse.price="$price"
    expect_exit 0 "$M" export "$T/t$i.h5" --csv "$T/t$i"
    awk -F, -v s="$scale" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "week,product,units,rating_mean"; next }
             { w = int($c["day"] / 7) + 1; u[w "," $c["product"]] += $c["purchases"];
               if ($c["day"] % 7 == 6 && $c["rating_mean"] > 0) r[w "," $c["product"]] = $c["rating_mean"] }
             END { for (k in u) print k "," u[k] * s "," r[k] }' "$T/t$i/timeseries.csv" | sort -t, -k1,1n -k2 > "$T/cov$i.csv"
    cat > "$T/cov.toml" <<EOF
base = "$SC/baseline.toml"
set = ["simulation.agents=4000", "simulation.days=56", "simulation.seed=7"]
particles = 100
generations = 5
predictive_draws = 10
seed = $((30 + i))
[data]
files = ["cov$i.csv"]
[series]
units = 1
rating_mean = 1
[parameters]
"product.Pulse.quality" = { prior = "uniform", min = 4, max = 9.5 }
"product.Pulse.price" = { prior = "uniform", min = 50, max = 160 }
scale = { prior = "log_uniform", min = 0.5, max = 5 }
EOF
    expect_exit 0 "$M" calibrate "$T/cov.toml" --out "$T/cov$i.h5" --quiet
    out=$(/usr/bin/python3 - "$T/cov$i.h5" "$q" "$price" "$scale" <<'PY'
import h5py, sys
f = h5py.File(sys.argv[1])
names = [n.decode() if isinstance(n, bytes) else n for n in f["parameters/name"][()]]
given = dict(zip(["product.Pulse.quality", "product.Pulse.price", "scale"], map(float, sys.argv[2:5])))
lo, hi, truth = f["posterior/q05"][()], f["posterior/q95"][()], [given[n] for n in names]
print(sum(not (a <= t <= b) for a, b, t in zip(lo, hi, truth)),
      " ".join(f"{n}={t:g} in [{a:.3g}, {b:.3g}]" for n, a, b, t in zip(names, lo, hi, truth)))
PY
) || fail "data set $i: the calibration file cannot be read"
    echo "data set $i: $out"
    missed=$((missed + ${out%% *})); checks=$((checks + 3))
  done
  echo "coverage of the 90 % intervals: $((checks - missed)) of $checks"
  [ "$sets" -gt 3 ] || [ "$missed" -eq 0 ] || fail "$missed of $checks true values outside their 90 % interval"
}

case_compare_posterior() {
  # A what-if under the posterior: replicate r of base and variant runs posterior draw r.
  make_data 7.2
  spec 'particles = 30
generations = 2'
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/fit.h5" --quiet
  cp "$SC/baseline.toml" "$T/base.toml"; printf 'extends = "base.toml"\n' > "$T/same.toml"
  FAST=(-r 4 --agents 4000 --days 56 --seed 11 --quiet)
  expect_exit 0 "$M" compare "$T/base.toml" "$T/same.toml" "$SC/price_cut.toml" --posterior "$T/fit.h5" "${FAST[@]}" --out "$T/p.h5"
  expect_exit 0 "$M" compare "$T/base.toml" "$T/same.toml" "$SC/price_cut.toml" "${FAST[@]}" --out "$T/n.h5"
  /usr/bin/python3 - "$T/p.h5" "$T/n.h5" "$T/fit.h5" <<'PY' || fail "compare --posterior does not draw the posterior"
import h5py, sys, numpy as np, tomllib
p, n, fit = (h5py.File(x) for x in sys.argv[1:4])
attr = p.attrs["posterior"]
assert (attr.decode() if isinstance(attr, bytes) else attr).endswith("fit.h5")
assert "posterior" not in n.attrs
d = p["kpis/diff_mean"][()]
assert np.all((d[0] == 0) | np.isnan(d[0])), "the identical variant must differ by exactly 0 (same draw, same key)"
kn = [x.decode() if isinstance(x, bytes) else x for x in p["kpis/name"][()]]
u = kn.index("units")
runs_p, runs_n = p["kpis/runs"][()], n["kpis/runs"][()]
assert not np.array_equal(runs_p[0, :, u], runs_n[0, :, u]), "posterior draws change the runs"
q = fit["posterior/q05"][0], fit["posterior/q95"][0]
assert q[0] < q[1]
PY
  printf 'extends = "base.toml"\n[[product]]\nname = "Pulse"\nquality = 8\n' > "$T/better.toml"
  expect_exit 2 "$M" compare "$T/base.toml" "$T/better.toml" --posterior "$T/fit.h5" "${FAST[@]}" --out "$T/x.h5"
  expect_msg "the variant changes product.Pulse.quality, a parameter"
  expect_exit 2 "$M" compare "$T/base.toml" "$T/same.toml" --posterior "$T/p.h5" "${FAST[@]}" --out "$T/x.h5"
  expect_msg "not a calibration file (format 'motsim-compare-1')"
}

case_resume_after_kill() {
  # kill -9 after two generations; --resume ends identical to an uninterrupted calibration.
  make_data 7.2
  spec 'particles = 60
generations = 6'
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/whole.h5" --quiet
  "$M" calibrate "$T/spec.toml" --out "$T/cut.h5" --quiet >/dev/null 2>&1 &
  local pid=$! i
  for i in $(seq 1 600); do
    [ -f "$T/cut.h5.journal" ] && [ "$(wc -l < "$T/cut.h5.journal")" -ge 3 ] && break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  [ ! -e "$T/cut.h5" ] || fail "the killed calibration left a results file"
  [ -f "$T/cut.h5.journal" ] || fail "no journal after kill -9"
  printf '0.5 12 12 0.4 3' >> "$T/cut.h5.journal"  # a line cut by the crash
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/cut.h5" --quiet
  expect_msg "add --resume to continue it"
  expect_exit 0 "$M" calibrate "$T/spec.toml" --out "$T/cut.h5" --resume
  expect_msg "an incomplete generation (cut by the interruption) is run again"
  expect_msg "resuming after generation"
  [ ! -e "$T/cut.h5.journal" ] || fail "the journal is left after the file is written"
  for d in generations/particles generations/weights generations/tolerance posterior/mean forecast/q50; do
    h5diff -d 0 "$T/whole.h5" "$T/cut.h5" /$d /$d >/dev/null || fail "/$d differs after the resume"
  done
  # A journal resumes only the spec it was written for (comments aside).
  "$M" calibrate "$T/spec.toml" --out "$T/again.h5" --quiet >/dev/null 2>&1 &
  pid=$!
  for i in $(seq 1 600); do
    [ -f "$T/again.h5.journal" ] && [ "$(wc -l < "$T/again.h5.journal")" -ge 2 ] && break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  printf '# a comment changes nothing\n' >> "$T/spec.toml"
  sed -i 's/^particles = 60$/particles = 61/' "$T/spec.toml"
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/again.h5" --resume --quiet
  expect_msg "this journal was written for another spec, data or base scenario"
}

case_refusals() {
  make_data 6.6
  spec 'particles = 1'
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/x.h5"
  expect_msg "spec.toml:5:13: error: 'particles' = 1 is outside [2, 1000000]"
  spec 'methd = "abc-smc"'
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/x.h5"
  expect_msg "unknown key 'methd' (did you mean 'method'?)"
  spec
  sed -i 's/min = 3, max = 9.5/min = 3, max = 12/' "$T/spec.toml"
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/x.h5"
  expect_msg "parameter 'product.Pulse.quality' = 12 (from its prior) is refused by the base scenario"
  spec
  printf '1,Zed,3,4\n' >> "$T/data.csv"
  expect_exit 2 "$M" calibrate "$T/spec.toml" --out "$T/x.h5"
  expect_msg "data.csv:26:2: error: column 'product': unknown product 'Zed'"
  [ ! -e "$T/x.h5" ] || fail "a refused calibration wrote a file"
}

run_case
