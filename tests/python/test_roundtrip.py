#!/usr/bin/python3
"""HDF5 round trip: run motsim, read the file back with h5py and check it against itself
and the scenario (layout in docs/hdf5-schema.md). Usage: test_roundtrip.py MOTSIM SOURCE_DIR"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

motsim, src = sys.argv[1], sys.argv[2]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "run.h5")
    scenario = os.path.join(src, "scenarios", "baseline.toml")
    subprocess.run([motsim, "run", scenario, "--agents", "20000", "--days", "90", "--out", out,
                    "--quiet", "--save-agents", "--set", "product.Nova.price=249"], check=True)
    with h5py.File(out, "r") as f:
        a = f.attrs
        check(a["format"] == "motsim-run-1", "format attribute")
        check(a["seed"] == 2026, "seed attribute")
        check(a["agents"] == 20000 and a["days"] == 90, "agents/days attributes")
        check("price = 249" in a["scenario"], "resolved scenario lacks the --set override")
        check(len(a["motsim_version"].split(".")) == 3, "version attribute")
        names = [n.decode() if isinstance(n, bytes) else n for n in f["products/name"][()]]
        check(names == ["Nova", "Orbit", "Pulse"], f"product names {names}")
        K, D = len(names), 90
        ts = f["timeseries"]
        check(list(ts["day"][()]) == list(range(D)), "day axis")
        for metric in ["exposures", "aware", "researchers", "considered", "purchases", "revenue", "refunds",
                       "lost", "satisfied", "dissatisfied", "complaints", "recoveries", "reviews", "rating_mean",
                       "wom_aware"]:
            check(metric in ts and ts[metric].shape == (D, K), f"/timeseries/{metric} missing or wrong shape")
        check(ts["rating_histogram"].shape == (D, K, 5), "rating histogram shape")
        check(ts["purchases"].compression == "gzip", "series are not compressed")
        price = f["products/price"][()]
        check(np.allclose(ts["revenue"][()], ts["purchases"][()] * price), "revenue = purchases x price")
        rev = f["reviews"][()]
        check(set(rev.dtype.names) == {"day", "agent", "product", "stars", "answered"}, "reviews columns")
        check(len(rev) == ts["reviews"][()].sum(), "review table matches the daily counts")
        check(rev.size == 0 or (rev["stars"].min() >= 1 and rev["stars"].max() <= 5), "stars in 1..5")
        check(np.all(np.diff(rev["day"]) >= 0), "reviews in day order")
        # Displayed histogram at the end = initial ratings + posted reviews.
        hist = ts["rating_histogram"][-1]
        for k in range(K):
            posted = np.bincount(rev["stars"][rev["product"] == k], minlength=6)[1:]
            check(np.all(hist[k] >= posted), f"histogram of product {k} lacks posted reviews")
            n = hist[k].sum()
            if n:
                check(abs(ts["rating_mean"][-1, k] - (hist[k] * np.arange(1, 6)).sum() / n) < 1e-9, "rating mean")
        kp = f["kpis"]
        check(np.allclose(kp["units"][()], ts["purchases"][()].sum(axis=0)), "KPI units = sum of purchases")
        check(abs(kp["market_share"][()].sum() - 1) < 1e-9, "market shares sum to 1")
        ag = f["agents"]
        check(ag["segment"].shape == (20000,) and ag["aware"].shape == (20000, K), "agents shapes")
        check(np.array_equal(ag["aware"][()].sum(axis=0), ts["aware"][-1]), "agent awareness = aware series")
        check(np.array_equal(ag["bought"][()].sum(axis=0), ts["adopters"][-1]), "agent bought = adopters series")
    # No temporary file is left beside the result.
    check(os.listdir(tmp) == ["run.h5"], f"stray files: {os.listdir(tmp)}")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("HDF5 round trip: all checks passed")
