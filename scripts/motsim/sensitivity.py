"""Sensitivity indices from a sweep loaded with load_sweep: Morris elementary effects and Sobol
indices. (The estimators are as they were in the former single-file loader; a later change
revisits them.)"""
import math

import numpy as np
import pandas as pd


def _unit(df, spec):
    """Each swept range parameter on the unit scale of the design."""
    u = pd.DataFrame(index=df.index)
    for key, v in spec.get("parameters", {}).items():
        if isinstance(v, dict):
            lo, hi = float(v["min"]), float(v["max"])
            x = df[key].astype(float)
            u[key] = (np.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo)) if v.get("log") else (x - lo) / (hi - lo)
    return u


def _elementary_effects(pts, u, params, output):
    """The elementary effects of each parameter, trajectory by trajectory, as {parameter: [effects]}."""
    effects = {p: [] for p in params}
    for _, t in pts.sort_values(["trajectory", "step"]).groupby("trajectory"):
        t = t.sort_values("step")
        ut = u.loc[t.index]
        for i in range(1, len(t)):
            p = params[int(t["changed"].iloc[i])]
            dx = ut[p].iloc[i] - ut[p].iloc[i - 1]
            if dx != 0:  # an integer parameter on a narrow range may round both ends alike
                effects[p].append((t[output].iloc[i] - t[output].iloc[i - 1]) / dx)
    return effects


def morris_indices(df, output):
    """Morris (1991) elementary effects from a Morris sweep: mu* (mean |EE|, Campolongo et al.
    2007), mu and sigma, per parameter, on the unit scale of the design. Replicates are averaged
    first."""
    if df.attrs.get("design") != "morris":
        raise ValueError("morris_indices needs a sweep with design = \"morris\"")
    params = df.attrs["parameters"]
    pts = df.groupby("point").agg({output: "mean", "trajectory": "first", "step": "first", "changed": "first",
                                   **{p: "first" for p in params}})
    effects = _elementary_effects(pts, _unit(pts, df.attrs["spec"]), params, output)
    rows = [dict(parameter=p, mu_star=np.mean(np.abs(e)) if e else np.nan, mu=np.mean(e) if e else np.nan,
                 sigma=np.std(e, ddof=1) if len(e) > 1 else np.nan, trajectories=len(e)) for p, e in effects.items()]
    return pd.DataFrame(rows).set_index("parameter")


def sobol_indices(df, output):
    """First-order (Saltelli 2010) and total (Jansen 1999) Sobol indices from a Sobol sweep
    (design = "sobol": blocks A, B and AB_i). Replicates are averaged first."""
    if df.attrs.get("design") != "sobol":
        raise ValueError("sobol_indices needs a sweep with design = \"sobol\"")
    params = df.attrs["parameters"]
    pts = df.groupby("point").agg({output: "mean", "block": "first", "row": "first"})
    blocks = {b: g.sort_values("row")[output].to_numpy() for b, g in pts.groupby("block")}
    fa, fb = blocks[0], blocks[1]
    var = np.var(np.concatenate([fa, fb]), ddof=1)
    rows = []
    for i, p in enumerate(params):
        fab = blocks[2 + i]
        s1 = np.mean(fb * (fab - fa)) / var if var > 0 else np.nan
        st = 0.5 * np.mean((fa - fab) ** 2) / var if var > 0 else np.nan
        rows.append(dict(parameter=p, first_order=s1, total=st))
    return pd.DataFrame(rows).set_index("parameter")
