#!/usr/bin/python3
"""The sensitivity estimators (scripts/motsim/sensitivity.py) on functions with known indices and
a large non-zero mean (Ishigami + 1000, Sobol's g-function + 1000 sd), at modest N, on frames
shaped exactly like load_sweep's output for a sobol or morris design (the columns, their dtypes
and order, the attrs). The bootstrap intervals must cover the true values.
Usage: test_sensitivity.py MOTSIM SOURCE_DIR"""
import math
import os
import sys

import numpy as np
import pandas as pd
from scipy.stats import qmc

src = sys.argv[2]
sys.path.insert(0, os.path.join(src, "scripts"))
import motsim as md  # noqa: E402
from motsim import sensitivity  # noqa: E402

failures = []
PRODUCTS = ["Nova", "Orbit", "Pulse"]
KPIS = ["units", "revenue", "net_revenue", "market_share", "refunds", "lost_customers", "rating", "reviews", "nps",
        "awareness"]


def check(cond, msg):
    if not cond:
        failures.append(msg)


def sweep_frame(design, spec_params, u, design_cols, y, replicates=1, noise=None):
    """The frame load_sweep gives for a sweep whose points are the unit-scale rows u (design
    order), with design columns (trajectory, step, changed, block, row: -1 when unused) and the
    output y per point as the KPI units.Nova (other KPIs: y times a constant). Replicate r of a
    point gets y + noise[point] * (+1 or -1), so replicates average to y exactly."""
    keys = list(spec_params)
    P = len(u)
    point = np.repeat(np.arange(P), replicates)
    rep = np.tile(np.arange(replicates), P)
    df = pd.DataFrame({"run": np.arange(P * replicates), "point": point, "replicate": rep,
                       "seed": np.full(P * replicates, 2026), "replicate_key": rep})
    for j, key in enumerate(keys):
        r = spec_params[key]
        lo, hi = r["min"], r["max"]
        v = lo * (hi / lo) ** u[:, j] if r.get("log") else lo + (hi - lo) * u[:, j]
        df[key] = v[point].astype(float)
    df["simulation.agents"] = 10000.0
    for c in ["trajectory", "step", "changed", "block", "row"]:
        df[c] = np.asarray(design_cols.get(c, np.full(P, -1)), dtype=np.int64)[point]
    sign = np.where(rep % 2 == 0, 1.0, -1.0) if replicates % 2 == 0 else np.zeros(P * replicates)
    out = y[point] + (noise[point] * sign if noise is not None else 0)
    for kpi in KPIS:
        for p in PRODUCTS + ["all"]:
            df[f"{kpi}.{p}"] = out if (kpi, p) == ("units", "Nova") else out * 0.5
    spec = {"base": "../baseline.toml", "design": design, "samples": 0, "replicates": replicates,
            "parameters": {"simulation.agents": 10000, **spec_params}}
    df.attrs.update(parameters=keys, held=["simulation.agents"], design=design, spec=spec)
    return df


def saltelli(n, k, second_order=False):
    """motsim's Sobol design (sim/experiment/design.cpp): points 1..n of the 2k-dimensional Sobol
    sequence; A = first k columns, B = last k; blocks A, B, AB_i (and BA_i as 2 + k + i)."""
    s = qmc.Sobol(2 * k, scramble=False)
    s.fast_forward(1)
    m = s.random(n)
    A, B = m[:, :k], m[:, k:]
    u, block = [A, B], [0, 1]
    for i in range(k):
        AB = A.copy()
        AB[:, i] = B[:, i]
        u.append(AB)
        block.append(2 + i)
    for i in range(k if second_order else 0):
        BA = B.copy()
        BA[:, i] = A[:, i]
        u.append(BA)
        block.append(2 + k + i)
    return np.vstack(u), dict(block=np.repeat(block, n), row=np.tile(np.arange(n), len(block)))


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_truth(a=7.0, b=0.1):
    """First-order, total and second-order indices of Ishigami's function on [-pi, pi]^3."""
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return dict(first=[v1 / v, v2 / v, 0.0], total=[(v1 + v13) / v, v2 / v, v13 / v], second={(0, 1): 0.0, (0, 2): v13 / v, (1, 2): 0.0})


def g_function(x, a):
    return np.prod((np.abs(4 * x - 2) + a) / (1 + a), axis=1)


def g_truth(a):
    vi = 1 / (3 * (1 + np.asarray(a)) ** 2)
    v = np.prod(1 + vi) - 1
    return dict(first=list(vi / v), total=[vi[i] * np.prod(np.delete(1 + vi, i)) / v for i in range(len(a))])


PI_RANGE = {"min": -math.pi, "max": math.pi}


def ishigami_frame(n, offset, second_order=False, replicates=1):
    spec = {"x1": PI_RANGE, "x2": PI_RANGE, "x3": PI_RANGE}
    u, cols = saltelli(n, 3, second_order)
    x = -math.pi + 2 * math.pi * u
    noise = np.abs(np.sin(np.arange(len(u)))) if replicates > 1 else None
    return sweep_frame("sobol", spec, u, cols, ishigami(x) + offset, replicates, noise)


def covers(table, col, truth, names, what):
    """Every truth inside [col_lo, col_hi] (an interval of a constant effect is that constant, up to rounding)."""
    for name, t in zip(names, truth):
        lo, hi = table.loc[name, col + "_lo"], table.loc[name, col + "_hi"]
        check(lo - 1e-9 <= t <= hi + 1e-9, f"{what}: {col} of {name} = {table.loc[name, col]:.4f}, interval [{lo:.4f}, {hi:.4f}] "
                             f"misses the true {t:.4f}")


def show(title, table, truth=None):
    cols = [c for c in ["first_order", "first_order_lo", "first_order_hi", "total", "total_lo", "total_hi"] if c in table]
    print(title)
    print(table[cols].round(4).to_string())
    if truth:
        print("truth: first", np.round(truth["first"], 4), "total", np.round(truth["total"], 4))


def test_ishigami_large_mean():
    truth = ishigami_truth()
    df = ishigami_frame(2048, 1000.0, replicates=2)
    check(list(df.columns[:15]) == ["run", "point", "replicate", "seed", "replicate_key", "x1", "x2", "x3",
                                    "simulation.agents", "trajectory", "step", "changed", "block", "row", "units.Nova"],
          f"the frame is not shaped like load_sweep's: {list(df.columns[:15])}")
    si = md.sobol_indices(df, "units.Nova")
    show("Ishigami + 1000, N = 2048, 2 replicates:", si, truth)
    covers(si, "first_order", truth["first"], ["x1", "x2", "x3"], "Ishigami + 1000")
    covers(si, "total", truth["total"], ["x1", "x2", "x3"], "Ishigami + 1000")
    for p, t in zip(["x1", "x2", "x3"], truth["first"]):
        check(abs(si.loc[p, "first_order"] - t) < 0.05, f"Ishigami + 1000: S1 of {p} = {si.loc[p, 'first_order']}, true {t}")
        check(si.loc[p, "first_order"] <= si.loc[p, "total_hi"], f"Ishigami + 1000: S1 > ST for {p}")
    # The constant does not move the indices (the estimator is centred): same as without it.
    si0 = md.sobol_indices(ishigami_frame(2048, 0.0, replicates=2), "units.Nova")
    diff = (si.drop(columns=["converged", "above_noise"]) - si0.drop(columns=["converged", "above_noise"])).abs().max().max()
    check(diff < 1e-8, f"adding 1000 moves the indices by {diff}")
    d = si.loc[sensitivity.DUMMY]
    check(d["first_order_lo"] <= 0 <= d["first_order_hi"] and d["total_lo"] <= 0 <= d["total_hi"], f"dummy {d}")
    check(d["total_hi"] < 0.1, f"the noise floor at N = 2048 is {d['total_hi']}")
    check(si.loc[["x1", "x2", "x3"], "above_noise"].all() and not si.loc[sensitivity.DUMMY, "above_noise"], "above_noise")
    check(si.loc[["x1", "x2", "x3"], "converged"].all(), f"not converged at N = 2048:\n{si}")
    check(si.attrs["N"] == 2048 and si.attrs["n_boot"] == 1000, f"attrs {si.attrs}")
    # Reproducible with a seed; another seed gives other intervals (and the same point estimates).
    again = md.sobol_indices(df, "units.Nova")
    check(again.equals(si), "the same seed gives another result")
    other = md.sobol_indices(df, "units.Nova", seed=5)
    check(not other["total_lo"].equals(si["total_lo"]) and other["total"].equals(si["total"]), "the seed has no effect")
    check(sensitivity.DUMMY not in md.sobol_indices(df, "units.Nova", dummy=False).index, "dummy=False")


def test_g_function():
    a = [0, 1, 4.5, 9, 99, 99]
    truth = g_truth(a)
    u, cols = saltelli(4096, len(a))
    y = g_function(u, np.asarray(a, float))
    sd = np.sqrt(np.prod(1 + 1 / (3 * (1 + np.asarray(a)) ** 2)) - 1)
    spec = {f"g{i}": {"min": 0.0, "max": 1.0} for i in range(len(a))}
    si = md.sobol_indices(sweep_frame("sobol", spec, u, cols, y + 1000 * sd), "units.Nova")
    show("g-function (a = 0, 1, 4.5, 9, 99, 99) + 1000 sd, N = 4096:", si, truth)
    names = list(spec)
    covers(si, "first_order", truth["first"], names, "g-function + 1000 sd")
    covers(si, "total", truth["total"], names, "g-function + 1000 sd")
    check(si.loc[["g0", "g1"], "above_noise"].all(), f"g0, g1 must stand above the noise floor:\n{si}")
    check(not si.loc[["g4", "g5"], "above_noise"].any(), f"g4, g5 (a = 99) must not stand above the noise floor:\n{si}")


def test_second_order():
    truth = ishigami_truth()
    s2 = md.sobol_second_order(ishigami_frame(4096, 1000.0, second_order=True), "units.Nova")
    print("Ishigami + 1000, second order, N = 4096:")
    print(s2.round(4).to_string(), "\ntruth:", {k: round(v, 4) for k, v in truth["second"].items()})
    names = ["x1", "x2", "x3"]
    for (i, j), t in truth["second"].items():
        row = s2.loc[(names[i], names[j])]
        check(row["second_order_lo"] <= t <= row["second_order_hi"], f"S_{i + 1}{j + 1} {row.to_dict()} misses {t}")
    # Without the BA_i blocks (motsim's design today), the refusal says what the design needs.
    try:
        md.sobol_second_order(ishigami_frame(256, 0.0), "units.Nova")
        check(False, "second order without BA_i blocks did not refuse")
    except ValueError as e:
        check("BA_i" in str(e) and "2 + k + i" in str(e), f"second-order refusal: {e}")


def morris_design(r, k, levels, seed):
    """motsim's Morris design (sim/experiment/design.cpp): r trajectories of k + 1 points on a
    levels-grid; each parameter moved once by delta, up from a low start or down from a high one."""
    g = np.random.default_rng(seed)
    step, delta = 1 / (levels - 1), levels / (2 * (levels - 1))
    u, cols = [], dict(trajectory=[], step=[], changed=[])
    for t in range(r):
        sign = np.where(g.random(k) < 0.5, 1, -1)
        x = step * g.integers(0, levels // 2, size=k) + np.where(sign > 0, 0, delta)
        u.append(x.copy())
        cols["trajectory"].append(t); cols["step"].append(0); cols["changed"].append(-1)
        for s, j in enumerate(g.permutation(k)):
            x[j] += sign[j] * delta
            u.append(x.copy())
            cols["trajectory"].append(t); cols["step"].append(s + 1); cols["changed"].append(j)
    return np.array(u), cols


def test_morris():
    # y = 3a - b + 4 c^2 + 0 d + 1000 on the unit scale, 8 levels (delta = 4/7): EE_a = 3, EE_b = -1,
    # EE_c = 4 (2 c0 + delta) with the low end c0 uniform on {0, 1/7, 2/7, 3/7}, so mu* = mu = 4 and
    # sigma = 8 sd(c0) = (8/7) sqrt(5/4) (population value); d is ignored. b has a log range, so its
    # unit scale is logarithmic.
    spec = {"a": {"min": 10.0, "max": 20.0}, "b": {"min": 0.01, "max": 0.2, "log": True},
            "c": {"min": 0.0, "max": 1.0}, "d": {"min": 100.0, "max": 300.0}}
    u, cols = morris_design(200, 4, 8, 1)
    y = 3 * u[:, 0] - u[:, 1] + 4 * u[:, 2] ** 2 + 1000
    sigma_c = 8 / 7 * math.sqrt(5 / 4)
    df = sweep_frame("morris", spec, u, cols, y, replicates=2, noise=np.cos(np.arange(len(u))))
    mi = md.morris_indices(df, "units.Nova")
    print(f"Morris, r = 200, y = 3a - b + 4c^2 + 1000 (truth mu* 3, 1, 4, 0; sigma 0, 0, {sigma_c:.4f}, 0):")
    print(mi[["mu_star", "mu_star_lo", "mu_star_hi", "sigma", "sigma_lo", "sigma_hi"]].round(4).to_string())
    covers(mi, "mu_star", [3, 1, 4, 0], list(spec), "Morris")
    covers(mi, "mu", [3, -1, 4, 0], list(spec), "Morris")
    covers(mi, "sigma", [0, 0, sigma_c, 0], list(spec), "Morris")
    check(mi.loc["c", "mu_star_hi"] - mi.loc["c", "mu_star_lo"] < 0.5, f"Morris interval too wide {mi.loc['c']}")
    check(mi["converged"].all() and (mi["trajectories"] == 200).all(), f"Morris convergence {mi}")
    check(md.morris_indices(df, "units.Nova").equals(mi), "Morris is not reproducible with a seed")


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore", UserWarning)  # scipy's note on Sobol balance after fast_forward
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
    if failures:
        print("\n".join(failures))
        sys.exit(f"FAILED: {len(failures)} check(s)")
    print("sensitivity: all checks passed")
