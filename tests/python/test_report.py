#!/usr/bin/python3
"""The report (scripts/motsim/report.py, behind scripts/report), called in-process: the pages of a
run and a compare file, the figures they name, and the refusals (exit status 2).
Usage: test_report.py MOTSIM SOURCE_DIR"""
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

motsim, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "scripts"))
from motsim import report  # noqa: E402

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def run_main(*argv):
    """report.main(argv): its exit status and what it printed to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = report.main(list(argv))
    return status, err.getvalue()


def test_helpers():
    check(report.fmt("market_share", 0.1234) == "12.3%" and report.fmt("rating", 4.256) == "4.26", "fmt shares, ratings")
    check(report.fmt("units", 12345.4) == "12,345" and report.fmt("nps", float("nan")) == "-", "fmt counts, NaN")
    r = report.rolling(np.arange(1, 11, dtype=float), 3)
    check(np.allclose(r, [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]), f"rolling mean {r}")
    check(np.allclose(report.rolling([1.0, 2.0], 7), [1, 2]), "rolling on fewer days than the window")


def check_page(out, want):
    """The page names every figure it shows, each figure exists, and nothing else was written."""
    page = open(os.path.join(out, "index.html")).read()
    imgs = re.findall(r'<img src="([^"]+)"', page)
    check(sorted(imgs) == sorted(want), f"{out}: figures {imgs}, expected {want}")
    check(sorted(os.listdir(out)) == sorted(want + ["index.html"]), f"{out}: files {os.listdir(out)}")
    check(all(os.path.getsize(os.path.join(out, i)) > 1000 for i in imgs), f"{out}: an empty figure")
    check("data-images-ok" in page and ("Key results" in page or "differences from the base" in page), f"{out}: sections")
    return page


def test_pages(tmp):
    base = os.path.join(src, "scenarios", "baseline.toml")
    fast = ["--agents", "3000", "--days", "30", "--quiet"]
    subprocess.run([motsim, "run", base, "--out", f"{tmp}/r.h5"] + fast, check=True)
    subprocess.run([motsim, "compare", base, os.path.join(src, "scenarios", "price_cut.toml"), "-r", "2",
                    "--out", f"{tmp}/c.h5"] + fast, check=True, stdout=subprocess.DEVNULL)
    status, err = run_main(f"{tmp}/r.h5", "-o", f"{tmp}/run")
    check(status == 0, f"run report failed: {err}")
    page = check_page(f"{tmp}/run", ["waterfall.png", "funnel.png", "sales_rating.png", "stars.png", "experience.png"])
    check("Nova" in page and "Units sold" in page, "run report lacks the KPI table")
    status, err = run_main(f"{tmp}/c.h5", "-o", f"{tmp}/cmp")
    check(status == 0, f"compare report failed: {err}")
    page = check_page(f"{tmp}/cmp", ["waterfall.png", "differences.png", "funnel.png", "sales_rating.png", "stars.png"])
    check("price_cut against baseline" in page, "compare report lacks the variant's table")
    status, err = run_main(f"{tmp}/r.h5", "-o", f"{tmp}/cmp", "--force")
    check(status == 0 and "experience.png" in open(f"{tmp}/cmp/index.html").read(), "--force does not replace the report")


def test_refusals(tmp):
    with open(f"{tmp}/bad.h5", "w") as f:
        f.write("not hdf5")
    with h5py.File(f"{tmp}/sweep.h5", "w") as f:
        f.attrs["format"] = "motsim-sweep-1"
    with h5py.File(f"{tmp}/other.h5", "w") as f:
        f.attrs["format"] = "motsim-other-1"
    cases = [((f"{tmp}/missing.h5", "-o", f"{tmp}/o1"), "no such file"),
             ((f"{tmp}/bad.h5", "-o", f"{tmp}/o2"), "not an HDF5 file"),
             ((f"{tmp}/other.h5", "-o", f"{tmp}/o3"), "not a motsim run, compare, sweep or calibration file (format 'motsim-other-1')"),
             ((f"{tmp}/sweep.h5", "-o", f"{tmp}/o4"), "incomplete motsim file (no 'sweep')"),
             ((f"{tmp}/r.h5", "-o", f"{tmp}/run"), "directory is not empty"),
             ((f"{tmp}/r.h5", "-o", f"{tmp}/bad.h5"), "not a directory")]
    for argv, msg in cases:
        status, err = run_main(*argv)
        check(status == 2 and msg in err, f"report {argv}: status {status}, stderr {err!r}, expected 2 and '{msg}'")
    check(not any(os.path.exists(f"{tmp}/o{i}") for i in (1, 2, 3, 4)), "a refused report left a directory")


with tempfile.TemporaryDirectory() as tmp_dir:
    test_helpers()
    test_pages(tmp_dir)
    test_refusals(tmp_dir)

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("report: all checks passed")
