"""Load motsim results into pandas, in one call each, and compute sensitivity indices.

    import sys; sys.path.insert(0, "scripts")
    import motsim_data as md
    run = md.load_run("results/baseline.h5")        # dict of DataFrames
    cmp = md.load_compare("results/compare_baseline.h5")
    sw = md.load_sweep("results/price_wom.h5")       # one row per run: parameters and KPIs
    md.morris_indices(sw, "units.all")               # from a Morris sweep
    md.sobol_indices(sw, "units.all")                # from a Sobol (Saltelli) sweep

Needs Debian's python3-h5py, python3-pandas and python3-numpy. Layouts: docs/hdf5-schema.md,
docs/hdf5-compare.md, docs/sweeps.md.
"""
import math
import tomllib

import h5py
import numpy as np
import pandas as pd

__all__ = ["load_run", "load_compare", "load_sweep", "load_sweep_series", "sweep_spec", "morris_indices",
           "sobol_indices", "summarise"]


def text(x):
    """An HDF5 string (bytes or str) as str."""
    return x.decode() if isinstance(x, bytes) else str(x)


def strings(ds):
    """A 1-D dataset of strings as a list of str."""
    return [text(x) for x in ds[()]]


def _check(f, fmt, path):
    got = text(f.attrs.get("format", ""))
    if got != fmt:
        raise ValueError(f"{path}: a {got or 'non-motsim'} file, expected {fmt}")


def load_run(path):
    """A run file as a dict: 'timeseries' (one row per day and product, one column per series),
    'kpis' (one row per product), 'reviews', 'scenario' (the resolved scenario as a dict), 'attrs'."""
    with h5py.File(path, "r") as f:
        _check(f, "motsim-run-1", path)
        products = strings(f["products/name"])
        ts = f["timeseries"]
        days = ts["day"][()]
        cols = {}
        for name, ds in ts.items():
            if ds.ndim == 2:
                cols[name] = ds[()].reshape(-1)
            elif ds.ndim == 3:
                prefix = "stars" if name == "rating_histogram" else name
                for s in range(ds.shape[2]):
                    cols[f"{prefix}_{s + 1}"] = ds[()][:, :, s].reshape(-1)
        idx = pd.MultiIndex.from_product([days, products], names=["day", "product"])
        series = pd.DataFrame(cols, index=idx).reset_index()
        kpis = pd.DataFrame({k: f["kpis"][k][()] for k in f["kpis"]}, index=pd.Index(products, name="product"))
        reviews = pd.DataFrame(f["reviews"][()])
        if len(reviews):
            reviews["product"] = np.array(products)[reviews["product"].to_numpy()]
        attrs = {k: (text(v) if isinstance(v, (bytes, str)) else v.item() if hasattr(v, "item") else v)
                 for k, v in f.attrs.items()}
        return {"timeseries": series, "kpis": kpis, "reviews": reviews,
                "scenario": tomllib.loads(text(f.attrs["scenario"])), "attrs": attrs}


def load_compare(path):
    """A compare file as a dict: 'runs' (scenario, replicate, product, one column per KPI),
    'summary' (scenario, product, kpi, mean, ci95), 'differences' (variant, product, kpi,
    difference, ci95, relative, significant), 'series' (scenario, day, product, series...),
    and 'stars' (scenario, product, stars 1-5, displayed, experience) when the file has /stars."""
    with h5py.File(path, "r") as f:
        _check(f, "motsim-compare-1", path)
        scen, prods, kn = strings(f["scenarios/name"]), strings(f["products/name"]) + ["all"], strings(f["kpis/name"])
        runs = f["kpis/runs"][()]
        S, R, J, K1 = runs.shape
        rows = [dict(scenario=scen[s], replicate=r, product=prods[k], **{kn[j]: runs[s, r, j, k] for j in range(J)})
                for s in range(S) for r in range(R) for k in range(K1)]
        mean, ci = f["kpis/mean"][()], f["kpis/ci95"][()]
        summary = pd.DataFrame([dict(scenario=scen[s], product=prods[k], kpi=kn[j], mean=mean[s, j, k], ci95=ci[s, j, k])
                                for s in range(S) for j in range(J) for k in range(K1)])
        dm, dc, dr, sig = (f["kpis/" + n][()] for n in ("diff_mean", "diff_ci95", "diff_relative", "diff_significant"))
        diffs = pd.DataFrame([dict(variant=scen[v + 1], base=scen[0], product=prods[k], kpi=kn[j], difference=dm[v, j, k],
                                   ci95=dc[v, j, k], relative=dr[v, j, k], significant=bool(sig[v, j, k]))
                              for v in range(S - 1) for j in range(J) for k in range(K1)])
        ser = {}
        D = 0
        for name, ds in f["series"].items():
            ser[name] = ds[()].reshape(-1)
            D = ds.shape[1]
        idx = pd.MultiIndex.from_product([scen, range(D), prods[:-1]], names=["scenario", "day", "product"])
        series = pd.DataFrame(ser, index=idx).reset_index()
        out = {"runs": pd.DataFrame(rows), "summary": summary, "differences": diffs, "series": series}
        if "stars" in f:  # star distributions (newer compare files): scenario, product, stars, one column per kind
            kinds = sorted(f["stars"].keys())
            arr = {k: f["stars/" + k][()] for k in kinds}
            if all(a.shape == (S, K1 - 1, 5) for a in arr.values()):
                out["stars"] = pd.DataFrame([dict(scenario=scen[s], product=prods[k], stars=n + 1,
                                                  **{kd: arr[kd][s, k, n] for kd in kinds})
                                             for s in range(S) for k in range(K1 - 1) for n in range(5)])
        return out


def sweep_spec(path):
    """The sweep's spec as a dict (the TOML stored in the file)."""
    with h5py.File(path, "r") as f:
        return tomllib.loads(text(f["sweep"].attrs["spec"]))


def load_sweep(path, complete=True):
    """A sweep as one DataFrame, one row per run: run, point, replicate, seed, replicate_key,
    each swept parameter, each held parameter (attrs "parameters" and "held" name them), the design columns, and every KPI as 'kpi.product' / 'kpi.all'.
    Parameters given as lists of strings come back as those strings."""
    with h5py.File(path, "r") as f:
        _check(f, "motsim-sweep-1", path)
        s = f["sweep"]
        if complete and not int(s.attrs["complete"]):
            raise ValueError(f"{path}: an incomplete sweep (a slice?); join slices with motsim merge")
        pts = pd.DataFrame(s["points"][()], columns=strings(s["point_columns"]))
        kp = pd.DataFrame(s["kpis"][()], columns=strings(s["kpi_columns"]))
        for c in ["run", "point", "replicate", "seed", "replicate_key", "trajectory", "step", "changed", "block", "row"]:
            pts[c] = pts[c].astype(np.int64)
        for key in s["levels"]:
            values = strings(s["levels"][key])
            if any(not _is_number(v) for v in values):
                pts[key] = [values[int(i)].strip('"') for i in pts[key]]
        df = pd.concat([pts, kp], axis=1)
        df = df[s["done"][()].astype(bool)] if not complete else df
        df.attrs["parameters"] = strings(s["parameters"])
        df.attrs["held"] = strings(s["held_parameters"]) if "held_parameters" in s else []
        df.attrs["design"] = text(s.attrs["design"])
        df.attrs["spec"] = tomllib.loads(text(s.attrs["spec"]))
        return df


def load_sweep_series(path, metric):
    """A kept daily series of a sweep as a long DataFrame: run, day, product, value."""
    with h5py.File(path, "r") as f:
        _check(f, "motsim-sweep-1", path)
        ds = f["sweep/timeseries/" + metric][()]
        prods = strings(f["products/name"])
        R, D, K = ds.shape
        idx = pd.MultiIndex.from_product([range(R), range(D), prods], names=["run", "day", "product"])
        return pd.DataFrame({metric: ds.reshape(-1)}, index=idx).reset_index()


def _is_number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def summarise(df, by, output):
    """Mean and 95% confidence interval (Student t) of `output` over replicates, per value of `by`."""
    from scipy import stats  # Debian's python3-scipy

    g = df.groupby(by)[output]
    out = g.agg(["mean", "std", "count"]).reset_index()
    t = stats.t.ppf(0.975, np.maximum(out["count"] - 1, 1))
    out["ci95"] = np.where(out["count"] > 1, t * out["std"] / np.sqrt(out["count"]), np.nan)
    return out


def _unit(df, spec):
    """Each swept range parameter on the unit scale of the design."""
    u = pd.DataFrame(index=df.index)
    for key, v in spec.get("parameters", {}).items():
        if isinstance(v, dict):
            lo, hi = float(v["min"]), float(v["max"])
            x = df[key].astype(float)
            u[key] = (np.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo)) if v.get("log") else (x - lo) / (hi - lo)
    return u


def morris_indices(df, output):
    """Morris (1991) elementary effects from a Morris sweep: mu* (mean |EE|, Campolongo et al.
    2007), mu and sigma, per parameter, on the unit scale of the design. Replicates are averaged
    first."""
    if df.attrs.get("design") != "morris":
        raise ValueError("morris_indices needs a sweep with design = \"morris\"")
    params = df.attrs["parameters"]
    pts = df.groupby("point").agg({output: "mean", "trajectory": "first", "step": "first", "changed": "first",
                                   **{p: "first" for p in params}})
    u = _unit(pts, df.attrs["spec"])
    effects = {p: [] for p in params}
    for _, t in pts.sort_values(["trajectory", "step"]).groupby("trajectory"):
        t = t.sort_values("step")
        ut = u.loc[t.index]
        for i in range(1, len(t)):
            p = params[int(t["changed"].iloc[i])]
            dx = ut[p].iloc[i] - ut[p].iloc[i - 1]
            if dx != 0:  # an integer parameter on a narrow range may round both ends alike
                effects[p].append((t[output].iloc[i] - t[output].iloc[i - 1]) / dx)
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
