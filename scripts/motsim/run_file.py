"""The loader of run files (`motsim run`, format motsim-run-1; layout in docs/hdf5-schema.md)."""
import tomllib

import h5py
import numpy as np
import pandas as pd

from .hdf5 import check_format, strings, text


def _series(ts, products):
    """/timeseries as one long frame: day, product, one column per [D, K] series and one per
    star of each [D, K, 5] histogram (rating_histogram as stars_1..5)."""
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
    return pd.DataFrame(cols, index=idx).reset_index()


def _campaigns(g, days, products):
    """/campaigns as one long frame: day, campaign (scenario index), product, exposures, spend."""
    ex, sp, prod = g["exposures"][()], g["spend"][()], g["product"][()]
    D, C = ex.shape
    return pd.DataFrame({"day": np.repeat(days[:D], C), "campaign": np.tile(np.arange(C), D),
                         "product": np.tile(np.array(products)[prod], D), "exposures": ex.reshape(-1),
                         "spend": sp.reshape(-1)})


def load_run(path):
    """A run file as a dict: 'timeseries' (one row per day and product, one column per series,
    the economic series among them), 'kpis' (one row per product), 'reviews', 'scenario' (the
    resolved scenario as a dict), 'attrs', and 'campaigns' (day, campaign, product, exposures,
    spend) when the file has /campaigns (newer files with campaigns)."""
    with h5py.File(path, "r") as f:
        check_format(f, "motsim-run-1", path)
        products = strings(f["products/name"])
        series = _series(f["timeseries"], products)
        kpis = pd.DataFrame({k: f["kpis"][k][()] for k in f["kpis"]}, index=pd.Index(products, name="product"))
        reviews = pd.DataFrame(f["reviews"][()])
        if len(reviews):
            reviews["product"] = np.array(products)[reviews["product"].to_numpy()]
        attrs = {k: (text(v) if isinstance(v, (bytes, str)) else v.item() if hasattr(v, "item") else v)
                 for k, v in f.attrs.items()}
        out = {"timeseries": series, "kpis": kpis, "reviews": reviews,
               "scenario": tomllib.loads(text(f.attrs["scenario"])), "attrs": attrs}
        if "campaigns" in f:
            out["campaigns"] = _campaigns(f["campaigns"], f["timeseries/day"][()], products)
        return out
