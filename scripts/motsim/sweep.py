"""The loader of sweep files (`motsim sweep`, format motsim-sweep-1; layout in docs/sweeps.md),
and the summary of an output over replicates."""
import tomllib

import h5py
import numpy as np
import pandas as pd

from .hdf5 import check_format, strings, text

_INTEGER_COLUMNS = ["run", "point", "replicate", "seed", "replicate_key", "trajectory", "step", "changed", "block", "row"]


def sweep_spec(path):
    """The sweep's spec as a dict (the TOML stored in the file)."""
    with h5py.File(path, "r") as f:
        return tomllib.loads(text(f["sweep"].attrs["spec"]))


def _is_number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def _points(s):
    """/sweep/points as a frame: the design columns as integers, a list parameter of strings as its strings."""
    pts = pd.DataFrame(s["points"][()], columns=strings(s["point_columns"]))
    for c in _INTEGER_COLUMNS:
        pts[c] = pts[c].astype(np.int64)
    plain = "level_literals" in s  # older files stored TOML literals ('"ring"') in /sweep/levels
    for key in s["levels"]:
        values = strings(s["levels"][key])
        if any(not _is_number(v) for v in values):
            pts[key] = [values[int(i)] if plain else values[int(i)].strip('"') for i in pts[key]]
    return pts


def load_sweep(path, complete=True):
    """A sweep as one DataFrame, one row per run: run, point, replicate, seed, replicate_key,
    each swept parameter, each held parameter (attrs "parameters" and "held" name them), the design columns,
    every KPI as 'kpi.product' / 'kpi.all', and run_seconds (each run's wall time). Parameters given as lists of strings come back as those strings.
    With complete=False, a slice (or a partial file) gives the runs it holds."""
    with h5py.File(path, "r") as f:
        check_format(f, "motsim-sweep-1", path)
        s = f["sweep"]
        if complete and not int(s.attrs["complete"]):
            raise ValueError(f"{path}: an incomplete sweep (a slice?); join slices with motsim merge")
        kp = pd.DataFrame(s["kpis"][()], columns=strings(s["kpi_columns"]))
        df = pd.concat([_points(s), kp], axis=1)
        if "provenance/run_seconds" in f:  # wall time of each run, setup included (not in older files)
            df["run_seconds"] = f["provenance/run_seconds"][()]
        df = df[s["done"][()].astype(bool)] if not complete else df
        df.attrs["parameters"] = strings(s["parameters"])
        df.attrs["held"] = strings(s["held_parameters"]) if "held_parameters" in s else []
        df.attrs["design"] = text(s.attrs["design"])
        df.attrs["spec"] = tomllib.loads(text(s.attrs["spec"]))
        return df


def load_sweep_series(path, metric):
    """A kept daily series of a sweep as a long DataFrame: run, day, product, value."""
    with h5py.File(path, "r") as f:
        check_format(f, "motsim-sweep-1", path)
        ds = f["sweep/timeseries/" + metric][()]
        prods = strings(f["products/name"])
        R, D, K = ds.shape
        idx = pd.MultiIndex.from_product([range(R), range(D), prods], names=["run", "day", "product"])
        return pd.DataFrame({metric: ds.reshape(-1)}, index=idx).reset_index()


def summarise(df, by, output):
    """Mean and 95% confidence interval (Student t) of `output` over replicates, per value of `by`."""
    from scipy import stats  # Debian's python3-scipy

    g = df.groupby(by)[output]
    out = g.agg(["mean", "std", "count"]).reset_index()
    t = stats.t.ppf(0.975, np.maximum(out["count"] - 1, 1))
    out["ci95"] = np.where(out["count"] > 1, t * out["std"] / np.sqrt(out["count"]), np.nan)
    return out
