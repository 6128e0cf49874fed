#!/usr/bin/env bash
# compare, export and report. Usage: compare_cases.sh CASE MOTSIM SOURCE_DIR
source "$(dirname "$0")/lib.sh"
SC="$SRC/scenarios"
FAST=(--agents 8000 --days 60 --quiet)
py() { /usr/bin/python3 - "$@"; }

case_identical_variant_zero_difference() {
  # Common random numbers: a variant identical to the base differs by exactly zero.
  cp "$SC/baseline.toml" "$T/base.toml"; printf 'extends = "base.toml"\n' > "$T/same.toml"
  expect_exit 0 "$M" compare "$T/base.toml" "$T/same.toml" -r 3 "${FAST[@]}" --out "$T/c.h5"
  py "$T/c.h5" <<'PY' || fail "identical variant does not give zero differences"
import h5py, sys, numpy as np
f = h5py.File(sys.argv[1])
d = f["kpis/diff_mean"][()]; s = f["kpis/diff_significant"][()]
assert np.all((d == 0) | np.isnan(d)), d
assert s.sum() == 0
assert f["kpis/runs"].shape[:2] == (2, 3)
st = f["stars/displayed"][()]
assert st.shape == (2, 3, 5) and np.array_equal(st[0], st[1]) and st.sum() > 0
PY
}
case_significant_difference() {
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$SC/price_cut.toml" -r 3 --agents 8000 --days 60 --out "$T/c.h5"
  grep -q "price_cut vs baseline" "$T/out" || fail "no table"
  grep -E "^  units .*\*$" "$T/out" | head -1 | grep -q . || fail "no significant unit change printed"
  py "$T/c.h5" <<'PY' || fail "price cut does not raise Nova's units significantly"
import h5py, sys
f = h5py.File(sys.argv[1])
kn = [n.decode() if isinstance(n, bytes) else n for n in f["kpis/name"][()]]
j = kn.index("units")
assert f["kpis/diff_mean"][0, j, 0] > 0 and f["kpis/diff_significant"][0, j, 0] == 1
assert f.attrs["format"] == "motsim-compare-1"
PY
  expect_exit 0 "$M" info "$T/c.h5"; grep -q "price_cut" "$T/out" || fail "info lacks the scenarios"
}
case_economic_table() {
  # A lever with a cost: the economic table, /economics and /kpis/good, economics.csv.
  cat > "$T/base.toml" <<EOF
extends = "$SC/baseline.toml"
[[product]]
name = "Orbit"
unit_cost = 60
EOF
  cat > "$T/cm.toml" <<EOF
extends = "base.toml"
[[product]]
name = "Orbit"
response_rate = 0.9
fixed_cost_per_day = 100
review_answer_cost = 5
EOF
  expect_exit 0 "$M" compare "$T/base.toml" "$T/cm.toml" -r 3 --agents 8000 --days 60 --out "$T/c.h5"
  grep -q "^== Is it worth doing? Against base" "$T/out" || fail "no economic table"
  grep -A3 "^  cm$" "$T/out" | grep -q "^  product  *incremental profit  *incremental spend  *ROI  *payback" ||
    fail "no economic table header for the variant"
  # Orbit pays 100 a day for 60 days and 5 per answer: its spend grows by at least 6000, and
  # nothing else pays for it in 60 days.
  grep -E "^  Orbit  +[-+][0-9]+ ± [0-9]+  +\+[0-9]+ ± [0-9]+  +-?[0-9.]+  +never$" "$T/out" | grep -q . ||
    fail "Orbit's row is not incremental profit, spend, ROI, never"
  grep -E "^  all products  +[-+][0-9]+ ± [0-9]+  +\+[0-9]+ ± [0-9]+  +-?[0-9.]+  +" "$T/out" | grep -q . ||
    fail "no all-products row"
  py "$T/c.h5" <<'PY' || fail "/economics does not match the KPIs"
import h5py, sys, numpy as np
f = h5py.File(sys.argv[1])
kn = [n.decode() if isinstance(n, bytes) else n for n in f["kpis/name"][()]]
good = dict(zip(kn, f["kpis/good"][()]))
assert f["kpis/good"].dtype == np.int8 and good["profit"] == 1 and good["refunds"] == -1 and good["spend"] == 0
e = f["economics"]
jp, js = kn.index("profit"), kn.index("spend")
assert np.allclose(e["incremental_profit"][()], f["kpis/diff_mean"][0, jp][None, :])
# The spend without the volume effect: the base's quality and accessory unit cost (Nova 5 x 8.1
# + 3, Orbit 4 x 7.4 + 2, Pulse 2.5 x 6.6) on the extra units is left out.
d = np.array([43.5, 31.6, 16.5])
du = f["kpis/diff_mean"][0, kn.index("units")]
net = f["kpis/diff_mean"][0, js] - np.append(d * du[:3], (d * du[:3]).sum())
assert np.allclose(e["incremental_spend"][0], net, rtol=1e-9, atol=1e-6), (e["incremental_spend"][0], net)
assert e["incremental_spend"][0, 1] >= 6000, e["incremental_spend"][()]
assert np.isclose(e["roi"][0, 1], e["incremental_profit"][0, 1] / e["incremental_spend"][0, 1])
assert np.isnan(e["roi"][0, 2]) and np.isnan(e["payback_day"][0, 1])  # Pulse spends nothing more
PY
  expect_exit 0 "$M" export "$T/c.h5" --csv "$T/csv"
  grep -q "^cm,base,Orbit,-" "$T/csv/economics.csv" || fail "economics.csv lacks Orbit's row"
  grep -q "^profit,1$" "$T/csv/kpis.csv" || fail "kpis.csv lacks the good direction"
}
case_refuses_overwrite() {
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$SC/ad_blitz.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  local sum; sum=$(md5sum < "$T/c.h5")
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$SC/ad_blitz.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_msg "already exists"
  [ "$(md5sum < "$T/c.h5")" = "$sum" ] || fail "existing compare file changed"
}
case_bad_variant() {
  printf '[simulation\n' > "$T/bad.toml"
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$T/bad.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_msg "bad.toml:1:"
  [ ! -e "$T/c.h5" ] || fail "file created for a bad variant"
  printf '[[product]]\nname = "Other"\n' > "$T/other.toml"
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$T/other.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_msg "products differ"
  printf 'extends = "%s/baseline.toml"\n[simulation]\nseed = 99\n' "$SC" > "$T/seed.toml"
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$T/seed.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_msg "common random numbers"; expect_msg "seed.toml"
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$T/seed.toml" -r 2 "${FAST[@]}" --seed 5 --out "$T/c.h5"
  rm -f "$T/c.h5"
  # compare sets replicate keys itself: a variant's own would be ignored, so it is refused
  printf 'extends = "%s/baseline.toml"\n[simulation]\nreplicate = 3\n' "$SC" > "$T/rep.toml"
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$T/rep.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_msg "rep.toml: error: simulation.replicate = 3"
  [ ! -e "$T/c.h5" ] || fail "file created for a variant with its own replicate key"
  expect_exit 2 "$M" compare "$SC/baseline.toml" -r 2 --out "$T/c.h5"; expect_msg "at least one variant"
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$SC/price_cut.toml" -r 1 --out "$T/c.h5"; expect_msg "--replicates"
}
case_compare_interrupt() {
  "$M" compare "$SC/baseline.toml" "$SC/price_cut.toml" -r 50 --agents 300000 --out "$T/c.h5" --quiet 2>"$T/err" & local pid=$!
  sleep 1.5; kill -INT $pid; wait $pid; local rc=$?
  [ $rc -eq 130 ] || fail "expected 130 after SIGINT, got $rc"
  expect_msg "interrupted"
  [ ! -e "$T/c.h5" ] || fail "file left after interruption"
  ls "$T" | grep -q tmp && fail "temporary file left"
  return 0
}
case_export_run() {
  expect_exit 0 "$M" run "$SC/baseline.toml" "${FAST[@]}" --out "$T/r.h5"
  expect_exit 0 "$M" export "$T/r.h5" --csv "$T/csv"
  py "$T/csv" <<'PY' || fail "exported CSV files are wrong"
import pandas as pd, sys, os
d = sys.argv[1]
ts = pd.read_csv(os.path.join(d, "timeseries.csv"))
assert len(ts) == 60 * 3 and {"day", "product", "purchases", "stars_5", "rating_mean"} <= set(ts.columns)
k = pd.read_csv(os.path.join(d, "kpis.csv")).set_index("product")
assert (ts.groupby("product")["purchases"].sum() == k["units"]).all()
r = pd.read_csv(os.path.join(d, "reviews.csv"))
assert len(r) == ts["reviews"].sum() and set(r["product"]) <= {"Nova", "Orbit", "Pulse"}
PY
  expect_exit 2 "$M" export "$T/r.h5" --csv "$T/csv"; expect_msg "already exists"
  expect_exit 0 "$M" export "$T/r.h5" --csv "$T/csv" --force
}
case_export_compare() {
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$SC/price_cut.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  expect_exit 0 "$M" export "$T/c.h5" --csv "$T/csv"
  for f in runs summary differences series stars; do [ -s "$T/csv/$f.csv" ] || fail "no $f.csv"; done
  grep -q "^price_cut,baseline,Nova,units," "$T/csv/differences.csv" || fail "differences.csv lacks rows"
  py "$T/csv" "$T/c.h5" <<'PY' || fail "stars.csv does not match the compare file"
import pandas as pd, h5py, sys, os, numpy as np
st = pd.read_csv(os.path.join(sys.argv[1], "stars.csv"))
assert len(st) == 2 * 3 * 5 and list(st.columns) == ["scenario", "product", "stars", "displayed_reviews", "experiences"]
with h5py.File(sys.argv[2]) as f:
    assert np.allclose(st["displayed_reviews"].to_numpy(), f["stars/displayed"][()].ravel())
PY
}
case_export_bad_input() {
  echo "not hdf5" > "$T/x.h5"
  expect_exit 2 "$M" export "$T/x.h5" --csv "$T/csv"; expect_msg "not an HDF5 file"
  expect_exit 0 "$M" run "$SC/baseline.toml" "${FAST[@]}" --out "$T/r.h5"
  head -c 4000 "$T/r.h5" > "$T/cut.h5"
  expect_exit 2 "$M" export "$T/cut.h5" --csv "$T/csv2"
  [ -z "$(ls -A "$T/csv2" 2>/dev/null)" ] || fail "partial CSV files left"
  expect_exit 2 "$M" export "$T/missing.h5" --csv "$T/csv3"; expect_msg "no such file"
}
case_report_run_and_compare_in_chromium() {
  expect_exit 0 "$M" run "$SC/baseline.toml" "${FAST[@]}" --out "$T/r.h5"
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$SC/price_cut.toml" "$SC/ad_blitz.toml" -r 2 "${FAST[@]}" --out "$T/c.h5"
  for f in r c; do
    expect_exit 0 "$SRC/scripts/report" "$T/$f.h5" -o "$T/rep_$f"
    [ -s "$T/rep_$f/index.html" ] || fail "no index.html"
    local n; n=$(grep -o '<img ' "$T/rep_$f/index.html" | wc -l)
    [ "$n" -ge 3 ] || fail "report has only $n images"
    for p in funnel sales_rating stars; do [ -s "$T/rep_$f/$p.png" ] || fail "the $f report lacks $p.png"; done
    command -v chromium >/dev/null || fail "chromium is not installed (scripts/setup installs it)"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$T/chrome_$f" --virtual-time-budget=10000 --dump-dom "file://$T/rep_$f/index.html" \
      > "$T/dom_$f.html" 2>/dev/null
    grep -q "data-images-ok=\"$n/$n\"" "$T/dom_$f.html" ||
      fail "Chromium did not show every image of the $f report ($(grep -o 'data-images-ok="[^"]*"' "$T/dom_$f.html"), expected $n/$n)"
  done
  expect_exit 2 "$SRC/scripts/report" "$T/r.h5" -o "$T/rep_r"; expect_msg "not empty"
  echo x > "$T/bad.h5"; expect_exit 2 "$SRC/scripts/report" "$T/bad.h5" -o "$T/rep_bad"; expect_msg "not an HDF5 file"
}
case_attribute_end_to_end() {
  # The guide's example, small: Shapley values of the claim and of the added campaign.
  local SMALL=(--agents 3000 --days 60 -r 3)
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$SC/disappointing_launch.toml" "${SMALL[@]}" --attribute --out "$T/a.h5"
  grep -q "levers changed (2):" "$T/out" || fail "no levers list"
  grep -q "product.Orbit.claim  *8 -> 9.5" "$T/out" || fail "the claim lever is not listed"
  grep -q "== attribution: disappointing_launch vs baseline, Shapley values of 2 levers (exact" "$T/out" || fail "no attribution table"
  grep -q "^  campaign.4 (added) " "$T/out" || fail "the added campaign is not one lever"
  grep -q "check: the Shapley values sum to the total effect" "$T/out" || fail "no efficiency check"
  grep -q "attribution run 6/6" "$T/err" || fail "expected 2 sub-scenarios x 3 replicates"
  py "$T/a.h5" <<'PY' || fail "the attribution in the file is inconsistent"
import h5py, sys, numpy as np
f = h5py.File(sys.argv[1])
dec = lambda a: [x.decode() if isinstance(x, bytes) else x for x in a]
a = f["attribution"]
assert dec(a["levers"][()]) == ["product.Orbit.claim", "campaign.4 (added)"], dec(a["levers"][()])
assert a.attrs["method"] == "exact" and a.attrs["permutations"] == 2 and a.attrs["coalitions"] == 4
sh, tot = a["shapley"][()], a["total"][()]
assert sh.shape == (2,) + tot.shape and a["shapley_ci95"].shape == sh.shape and a["main_effect"].shape == sh.shape
ok = ~np.isnan(tot)
assert np.allclose(sh.sum(axis=0)[ok], tot[ok], rtol=1e-9, atol=1e-9), "Shapley values do not sum to the total"
assert np.allclose(tot[ok], f["kpis/diff_mean"][0][ok], rtol=1e-9, atol=1e-9), "the total is not the difference"
inter = a["interaction"][()]
assert np.allclose(inter[ok], (tot - a["main_effect"][()].sum(axis=0))[ok], atol=1e-6)
kn = dec(f["kpis/name"][()]); pn = dec(f["products/name"][()])
j, k = kn.index("units"), pn.index("Orbit")
assert sh[1, j, k] > 0, "the added campaign does not raise Orbit's units"
lv = f["levers"]
assert dec(lv["key"][()]) == ["product.Orbit.claim", "campaign.4"] and list(lv["scenario"][()]) == [1, 1]
assert dec(lv["base"][()])[0] == "8" and dec(lv["variant"][()])[0] == "9.5" and dec(lv["base"][()])[1] == "(none)"
PY
  expect_exit 0 "$M" export "$T/a.h5" --csv "$T/csv"
  for f in attribution levers; do [ -s "$T/csv/$f.csv" ] || fail "no $f.csv"; done
  grep -q '^disappointing_launch,baseline,campaign.4 (added),Orbit,units,' "$T/csv/attribution.csv" || fail "attribution.csv lacks rows"
  grep -q '^disappointing_launch,baseline,product.Orbit.claim,8,9.5$' "$T/csv/levers.csv" || fail "levers.csv lacks the claim"
}
case_attribute_sampled() {
  # Seven levers: sampled permutations; the values still sum to the total (each order telescopes).
  printf 'extends = "%s/baseline.toml"
[behavior]
wom_rate = 0.2
ad_salience = 0.3
loyalty_weight = 2
[[product]]
name = "Nova"
price = 169
[[product]]
name = "Orbit"
claim = 9
[[product]]
name = "Pulse"
visibility = 1
[[campaign]]
product = "Pulse"
' "$SC" > "$T/seven.toml"
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$T/seven.toml" --agents 2000 --days 30 -r 2 --attribute --attribute-samples 4 --out "$T/s.h5"
  grep -q "Shapley values of 7 levers (sampled, 4 permutations" "$T/out" || fail "not sampled"
  grep -q "sampling error over permutations" "$T/out" || fail "no sampling error stated"
  py "$T/s.h5" <<'PY' || fail "the sampled attribution is inconsistent"
import h5py, sys, numpy as np
a = h5py.File(sys.argv[1])["attribution"]
assert a.attrs["method"] == "sampled" and a.attrs["permutations"] == 4 and a.attrs["coalitions"] <= 4 * 6 + 7 + 2
sh, tot = a["shapley"][()], a["total"][()]
ok = ~np.isnan(tot)
assert sh.shape[0] == 7 and np.allclose(sh.sum(axis=0)[ok], tot[ok], rtol=1e-9, atol=1e-6)
assert (a["shapley_se"][()][~np.isnan(a["shapley_se"][()])] >= 0).all() and a.attrs["max_error"] >= 0
PY
}
case_attribute_refusals() {
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$SC/price_cut.toml" "$SC/ad_blitz.toml" -r 2 "${FAST[@]}" --attribute --out "$T/x.h5"
  expect_msg "give one base and exactly one variant (got 2 variants)"
  printf 'extends = "%s/baseline.toml"
title = "Only a new title"
' "$SC" > "$T/same.toml"
  expect_exit 2 "$M" compare "$SC/baseline.toml" "$T/same.toml" -r 2 "${FAST[@]}" --attribute --out "$T/x.h5"
  expect_msg "changes no key of the base's resolved scenario"
  [ ! -e "$T/x.h5" ] || fail "file created for a refused attribution"
  # Without --attribute, a comparison still lists (and stores) the levers.
  expect_exit 0 "$M" compare "$SC/baseline.toml" "$T/same.toml" -r 2 --agents 2000 --days 20 --out "$T/x.h5"
  grep -q "levers changed: none" "$T/out" || fail "no empty levers list"
  py "$T/x.h5" <<'PY' || fail "title or levers missing from the file"
import h5py, sys
f = h5py.File(sys.argv[1])
t = [x.decode() if isinstance(x, bytes) else x for x in f["scenarios/title"][()]]
assert t[1] == "Only a new title" and f["levers/key"].shape == (0,) and "attribution" not in f
PY
}

run_case
