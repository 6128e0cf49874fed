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
    """/campaigns as one long frame: day, campaign (scenario index), product, channel (None in
    files older than /campaigns/channel), exposures, spend."""
    ex, sp, prod = g["exposures"][()], g["spend"][()], g["product"][()]
    D, C = ex.shape
    channel = strings(g["channel"]) if "channel" in g else [None] * C
    return pd.DataFrame({"day": np.repeat(days[:D], C), "campaign": np.tile(np.arange(C), D),
                         "product": np.tile(np.array(products)[prod], D),
                         "channel": np.tile(np.array(channel, dtype=object), D), "exposures": ex.reshape(-1),
                         "spend": sp.reshape(-1)})


def spend_by_channel(run):
    """Marketing spend per day, product and channel from a load_run() result: each campaign's
    spend under its media channel, and the rest of the product's marketing_spend series (its
    content marketing, content_cost_per_day) under the channel "content". Columns day, product,
    channel, spend; the rows of a product sum to its marketing_spend."""
    ts = run["timeseries"]
    if "marketing_spend" not in ts:
        raise ValueError("this run file has no marketing_spend series (written before the economics)")
    frames = []
    camp = run.get("campaigns")
    paid = pd.Series(0.0, index=pd.MultiIndex.from_frame(ts[["day", "product"]]))
    if camp is not None and len(camp):
        if camp["channel"].isna().any():
            raise ValueError("this run file's /campaigns has no channel (written before /campaigns/channel)")
        by = camp.groupby(["day", "product", "channel"], sort=True)["spend"].sum().reset_index()
        frames.append(by)
        paid = paid.add(by.groupby(["day", "product"])["spend"].sum(), fill_value=0.0)
    content = ts.set_index(["day", "product"])["marketing_spend"] - paid.reindex(
        pd.MultiIndex.from_frame(ts[["day", "product"]]))
    content = content.clip(lower=0.0).rename("spend").reset_index()  # float rounding only
    content["channel"] = "content"
    frames.append(content[content["spend"] > 0][["day", "product", "channel", "spend"]])
    return pd.concat(frames, ignore_index=True).sort_values(["day", "product", "channel"]).reset_index(drop=True)


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
