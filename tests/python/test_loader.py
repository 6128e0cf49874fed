#!/usr/bin/python3
"""The motsim package (scripts/motsim/): the sensitivity estimators on functions with known
indices, and loading real files. Usage: test_loader.py MOTSIM SOURCE_DIR"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

motsim, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "scripts"))
import motsim as md  # noqa: E402

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def sobol_frame(f, n, k, seed):
    """The rows a Sobol sweep of k parameters would hold for the function f (A, B, AB_i)."""
    g = np.random.default_rng(seed)
    A, B = g.random((n, k)), g.random((n, k))
    rows = [dict(point=i, block=0, row=i, y=v) for i, v in enumerate(f(A))]
    rows += [dict(point=n + i, block=1, row=i, y=v) for i, v in enumerate(f(B))]
    for p in range(k):
        AB = A.copy()
        AB[:, p] = B[:, p]
        rows += [dict(point=(2 + p) * n + i, block=2 + p, row=i, y=v) for i, v in enumerate(f(AB))]
    out = pd.DataFrame(rows)
    out.attrs.update(design="sobol", parameters=[chr(ord("a") + p) for p in range(k)])
    return out


# Sobol on y = x1 + 2 x2 (x uniform on [0, 1]): S1 = 1/5, S2 = 4/5, totals equal, x3 inert.
df = sobol_frame(lambda x: x[:, 0] + 2 * x[:, 1], 4096, 3, 1)
si = md.sobol_indices(df, "y")
check(abs(si.loc["a", "first_order"] - 0.2) < 0.05 and abs(si.loc["b", "first_order"] - 0.8) < 0.05, f"Sobol first order {si}")
check(abs(si.loc["a", "total"] - 0.2) < 0.05 and abs(si.loc["b", "total"] - 0.8) < 0.05, f"Sobol total {si}")
check(abs(si.loc["c", "total"]) < 0.01, "inert parameter has a total index")


# With an interaction the first-order and total indices differ, so swapping the two
# estimators fails: y = x1 x2 on [0, 1]^2 has Var y = 7/144, V1 = V2 = 3/144, V12 = 1/144,
# hence S1 = S2 = 3/7 and ST1 = ST2 = 4/7.
si = md.sobol_indices(sobol_frame(lambda x: x[:, 0] * x[:, 1], 20000, 2, 7), "y")
for p in ["a", "b"]:
    check(abs(si.loc[p, "first_order"] - 3 / 7) < 0.04, f"Sobol first order with interaction {si}")
    check(abs(si.loc[p, "total"] - 4 / 7) < 0.04, f"Sobol total with interaction {si}")

# Morris on y = 3 a - 1 b (unit ranges): mu* = 3 and 1, sigma = 0.
spec = {"parameters": {"a": {"min": 0, "max": 1}, "b": {"min": 0, "max": 1}}}
pts = []
for t in range(5):
    x = np.array([0.0, 1 / 3.0]) + t * 0.0
    pts.append(dict(trajectory=t, step=0, changed=-1, a=x[0], b=x[1]))
    for s, j in enumerate([1, 0] if t % 2 else [0, 1]):
        x = x.copy()
        x[j] += 2 / 3.0
        pts.append(dict(trajectory=t, step=s + 1, changed=j, a=x[0], b=x[1]))
m = pd.DataFrame(pts)
m["point"] = range(len(m))
m["y"] = 3 * m["a"] - m["b"]
m.attrs.update(design="morris", parameters=["a", "b"], spec=spec)
mi = md.morris_indices(m, "y")
check(abs(mi.loc["a", "mu_star"] - 3) < 1e-9 and abs(mi.loc["b", "mu_star"] - 1) < 1e-9, f"Morris mu* {mi}")
check(abs(mi.loc["b", "mu"] + 1) < 1e-9 and mi["sigma"].abs().max() < 1e-9, f"Morris mu/sigma {mi}")

with tempfile.TemporaryDirectory() as tmp:
    base = os.path.join(src, "scenarios", "baseline.toml")
    fast = ["--agents", "5000", "--days", "40", "--quiet"]
    subprocess.run([motsim, "run", base, "--out", f"{tmp}/r.h5"] + fast, check=True)
    subprocess.run([motsim, "compare", base, os.path.join(src, "scenarios", "price_cut.toml"), "-r", "2",
                    "--out", f"{tmp}/c.h5"] + fast, check=True)
    subprocess.run([motsim, "sweep", os.path.join(src, "scenarios", "sweeps", "price_wom.toml"), "--out", f"{tmp}/s.h5",
                    "--quiet"], check=True)
    run = md.load_run(f"{tmp}/r.h5")
    check(len(run["timeseries"]) == 40 * 3 and "purchases" in run["timeseries"], "load_run timeseries")
    check(run["kpis"].loc["Nova", "units"] == run["timeseries"].query("product == 'Nova'")["purchases"].sum(), "load_run KPIs")
    check(run["scenario"]["simulation"]["agents"] == 5000, "load_run scenario")
    cmp = md.load_compare(f"{tmp}/c.h5")
    check(set(cmp["differences"]["variant"]) == {"price_cut"} and len(cmp["runs"]) == 2 * 2 * 4, "load_compare")
    check("stars" in cmp and len(cmp["stars"]) == 2 * 3 * 5 and {"displayed", "experience"} <= set(cmp["stars"].columns),
          "load_compare stars: one row per scenario, product and star")
    # The money: economic series and KPIs of a run, campaigns, /economics and /kpis/good of a compare.
    ts = run["timeseries"]
    check({"profit", "cost_of_goods", "marketing_spend", "profit_pv"} <= set(ts.columns), "load_run economic series")
    check(np.isclose(run["kpis"].loc["Nova", "profit"], ts.query("product == 'Nova'")["profit"].sum()), "KPI profit")
    check("campaigns" in run and len(run["campaigns"]) == 40 * 4 and run["campaigns"]["spend"].sum() > 0,
          "load_run campaigns: one row per day and campaign, with the spend")
    camp = run["campaigns"]
    check(list(camp.query("day == 0")["channel"]) == ["tv", "tv", "online", "search"],
          "load_run campaigns carry each campaign's channel in scenario order")
    sbc = md.spend_by_channel(run)
    total = sbc.groupby(["day", "product"])["spend"].sum()
    want = ts.set_index(["day", "product"])["marketing_spend"]
    check(np.allclose(total.reindex(want.index, fill_value=0.0), want),
          "spend_by_channel sums to each product's marketing_spend every day")
    nova_tv = sbc.query("product == 'Nova' and channel == 'tv'")["spend"].sum()
    check(np.isclose(nova_tv, camp.query("product == 'Nova' and channel == 'tv'")["spend"].sum()) and nova_tv > 0,
          "spend_by_channel: Nova's TV spend is its TV campaigns' spend")
    subprocess.run([motsim, "run", base, "--out", f"{tmp}/rc.h5", "--set", "product.Pulse.content_cost_per_day=25"]
                   + fast, check=True)
    sbc = md.spend_by_channel(md.load_run(f"{tmp}/rc.h5"))
    content = sbc.query("channel == 'content'")
    check(set(content["product"]) == {"Pulse"} and np.allclose(content["spend"], 25) and len(content) == 40,
          "spend_by_channel: content marketing is its own channel, for the product that pays for it")
    ec = cmp.get("economics")
    check(ec is not None and len(ec) == 4 and {"roi", "payback_day", "incremental_spend_ci95"} <= set(ec.columns),
          "load_compare economics: one row per variant and product column")
    check("kpis" in cmp and dict(zip(cmp["kpis"]["kpi"], cmp["kpis"]["good"]))["refunds"] == -1, "load_compare good")
    check(set(cmp["differences"]["good"]) <= {-1, 0, 1}, "differences carry the good direction")
    # A compare file written before /economics and /kpis/good existed still loads, without them.
    import h5py
    import shutil
    shutil.copy(f"{tmp}/c.h5", f"{tmp}/old.h5")
    with h5py.File(f"{tmp}/old.h5", "a") as f:
        del f["economics"], f["kpis/good"]
    old = md.load_compare(f"{tmp}/old.h5")
    check("economics" not in old and "kpis" not in old and "good" not in old["differences"], "an older compare file")
    check(list(cmp["levers"]["key"]) == ["product.Nova.price", "product.Nova.unit_cost"] and "attribution" not in cmp, "load_compare levers")
    check(list(cmp["scenarios"]["scenario"]) == ["baseline", "price_cut"], "load_compare scenarios")
    subprocess.run([motsim, "compare", base, os.path.join(src, "scenarios", "disappointing_launch.toml"), "-r", "2",
                    "--attribute", "--out", f"{tmp}/a.h5"] + fast, check=True)
    at = md.load_compare(f"{tmp}/a.h5")["attribution"]
    check(set(at["lever"]) == {"product.Orbit.claim", "campaign.4 (added)"} and at.attrs["method"] == "exact",
          "load_compare attribution")
    units = at[(at["kpi"] == "units") & (at["product"] == "Orbit")]
    check(abs(units["shapley"].sum() - units["total"].iloc[0]) < 1e-6, "attribution: Shapley values sum to the total")
    sw = md.load_sweep(f"{tmp}/s.h5")
    check(len(sw) == 36 and {"product.Nova.price", "behavior.wom_rate", "units.Nova"} <= set(sw.columns), "load_sweep")
    ts = md.load_sweep_series(f"{tmp}/s.h5", "purchases")
    check(len(ts) == 36 * 180 * 3, "load_sweep_series")
    try:
        md.load_sweep(f"{tmp}/r.h5")
        check(False, "load_sweep accepted a run file")
    except ValueError:
        pass

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("loader and sensitivity estimators: all checks passed")
