#!/usr/bin/python3
"""motsim.compare, motsim.sweep and motsim.calibrate in-process (sim/python/, scripts/motsim/batch.py):
the files they write are the CLI's, bit for bit, for the same inputs; they return the loaders'
frames; a bad spec or scenario raises ScenarioError with the CLI's message; an existing file is
refused without force; Ctrl-C stops a sweep with its journal kept, raises KeyboardInterrupt and
leaves Python's own Ctrl-C handler in place. Skipped (exit 77) when the build has no module.
Usage: test_module_batches.py MOTSIM SOURCE_DIR"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

motsim_bin, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.environ["MOTSIM_BIN"] = motsim_bin
sys.path.insert(0, os.path.join(src, "scripts"))
import motsim  # noqa: E402
from motsim import _native  # noqa: E402

try:
    _native.native()
except ImportError as e:
    print(f"SKIP: {e}")
    sys.exit(77)

BASE = os.path.join(src, "scenarios", "baseline.toml")
# What two runs of the same command do not share: when and how they were started, and where
# their inputs were (a Scenario object is written to a temporary file).
VOLATILE_ATTRS = {"command_line", "created", "started", "scenario_path", "spec_path"}
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def cli(*args):
    return subprocess.run([motsim_bin, *args], capture_output=True, text=True)


def same_files(a, b, skip=()):
    """Every dataset and attribute, bit for bit, but the volatile ones, /provenance (each run's
    wall time) and the datasets named in `skip`."""
    diffs = []
    with h5py.File(a) as p, h5py.File(b) as c:
        names, other = [], []
        c.visit(names.append)
        p.visit(other.append)
        if sorted(names) != sorted(other):
            diffs.append(f"objects differ: {sorted(set(names) ^ set(other))}")
        for n in names:
            if n.startswith("provenance") or n in skip or n not in p:
                continue
            if isinstance(c[n], h5py.Dataset):
                x, y = p[n][()], c[n][()]
                if x.dtype == object or y.dtype == object:
                    if x.tolist() != y.tolist():
                        diffs.append(n)
                elif x.tobytes() != y.tobytes():
                    diffs.append(n)
            for k, v in c[n].attrs.items():
                if k not in VOLATILE_ATTRS and not np.array_equal(p[n].attrs.get(k), v):
                    diffs.append(f"{n} attribute {k}")
        for k, v in c.attrs.items():
            if k not in VOLATILE_ATTRS and not np.array_equal(p.attrs.get(k), v):
                diffs.append("attribute " + k)
    return diffs


def test_compare(tmp):
    variant = motsim.Scenario.load(BASE).set("product.Nova.price", 249).set("simulation.agents", 3000)
    base = motsim.Scenario.load(BASE).set("simulation.agents", 3000)
    out = os.path.join(tmp, "py_compare.h5")
    c = motsim.compare(base, variant, replicates=3, out=out, threads=2)
    # The CLI on the same scenarios, written where the function wrote them (named as it names them).
    for name, s in (("baseline", base), ("baseline_2", variant)):
        with open(os.path.join(tmp, name + ".toml"), "w") as f:
            f.write(s.to_toml())
    p = cli("compare", os.path.join(tmp, "baseline.toml"), os.path.join(tmp, "baseline_2.toml"), "--replicates", "3",
            "--threads", "1", "--out", os.path.join(tmp, "cli_compare.h5"), "--quiet")
    check(p.returncode == 0, f"motsim compare failed: {p.stderr[-400:]}")
    diffs = same_files(out, os.path.join(tmp, "cli_compare.h5"), skip={"scenarios/path"})
    check(not diffs, f"motsim.compare and motsim compare differ: {diffs}")
    d = c["differences"]
    row = d[(d["variant"] == "baseline_2") & (d["product"] == "Nova") & (d["kpi"] == "units")]
    check(len(row) == 1 and row["difference"].iloc[0] < 0, f"a higher price did not lower Nova's units: {row}")
    check(set(c["summary"]["scenario"]) == {"baseline", "baseline_2"}, f"scenarios {set(c['summary']['scenario'])}")
    # Without out=: a temporary file, loaded, then gone; the same numbers.
    again = motsim.compare(base, variant, replicates=3)
    check(again["runs"].equals(c["runs"]), "compare without out= gives other runs")
    # An existing file is refused without force, and left as it was.
    before = os.path.getmtime(out)
    try:
        motsim.compare(base, variant, replicates=3, out=out)
        check(False, "an existing compare file was overwritten without force")
    except motsim.ScenarioError as e:
        check("--force" in str(e) or "exists" in str(e), f"refusal message: {e}")
    check(os.path.getmtime(out) == before, "the refused call touched the existing file")


SWEEP = """base = "{base}"
replicates = 2
[parameters]
"simulation.agents" = 1500
"simulation.days" = 40
"product.Nova.price" = [149, 199]
"behavior.wom_rate" = {{ min = 0.02, max = 0.2, steps = 2 }}
"""


def test_sweep(tmp):
    spec = os.path.join(tmp, "sw.toml")
    with open(spec, "w") as f:
        f.write(SWEEP.format(base=BASE))
    df = motsim.sweep(spec, out=os.path.join(tmp, "py_sweep.h5"), threads=2)
    p = cli("sweep", spec, "--out", os.path.join(tmp, "cli_sweep.h5"), "--threads", "1", "--quiet")
    check(p.returncode == 0, f"motsim sweep failed: {p.stderr[-400:]}")
    diffs = same_files(os.path.join(tmp, "py_sweep.h5"), os.path.join(tmp, "cli_sweep.h5"))
    check(not diffs, f"motsim.sweep and motsim sweep differ: {diffs}")
    check(len(df) == 8 and "units.all" in df and "run_seconds" in df, f"the sweep frame: {df.shape}, {list(df)[:8]}")
    check(motsim.sweep(spec)["units.all"].tolist() == df["units.all"].tolist(), "sweep without out= differs")
    with open(spec) as f:  # a third replicate, reusing the eight runs made: the same runs and more
        more = f.read().replace("replicates = 2", "replicates = 3")
    with open(os.path.join(tmp, "sw3.toml"), "w") as f:
        f.write(more)
    df3 = motsim.sweep(os.path.join(tmp, "sw3.toml"), extend=os.path.join(tmp, "py_sweep.h5"))
    kept = df3[df3["replicate"] < 2]["units.all"].tolist()
    check(len(df3) == 12 and kept == df["units.all"].tolist(), f"extend from Python: {len(df3)} runs")


CALIBRATION = """base = "{base}"
set = ["simulation.agents=1500", "simulation.days=182"]
method = "optimize"
evaluations = 12
predictive_draws = 4
seed = 3
[data]
files = ["{data}"]
training_periods = 8
[series]
units = 1
[parameters]
"product.Pulse.quality" = {{ prior = "uniform", min = 4, max = 9.5 }}
"""


def test_calibrate(tmp):
    spec = os.path.join(tmp, "cal.toml")
    with open(spec, "w") as f:
        f.write(CALIBRATION.format(base=BASE, data=os.path.join(src, "scenarios", "data", "launch_weeks.csv")))
    fit = motsim.calibrate(spec, out=os.path.join(tmp, "py_cal.h5"), threads=2)
    p = cli("calibrate", spec, "--out", os.path.join(tmp, "cli_cal.h5"), "--threads", "1", "--quiet")
    check(p.returncode == 0, f"motsim calibrate failed: {p.stderr[-400:]}")
    diffs = same_files(os.path.join(tmp, "py_cal.h5"), os.path.join(tmp, "cli_cal.h5"))
    check(not diffs, f"motsim.calibrate and motsim calibrate differ: {diffs}")
    q = fit["optimum"]["product.Pulse.quality"]
    check(4 <= q <= 9.5 and len(fit["forecast"]) > 0, f"the fit: optimum {q}, forecast {len(fit['forecast'])} rows")
    check(not os.path.exists(os.path.join(tmp, "py_cal.h5.journal")), "the journal was left after the file")


def first_line(p):
    line = p.stderr.strip().splitlines()[0]
    return line[len("motsim: "):] if line.startswith("motsim: ") else line


def test_errors(tmp):
    bad = os.path.join(tmp, "bad_sweep.toml")
    with open(bad, "w") as f:
        f.write(SWEEP.format(base=BASE).replace("replicates = 2", "replicate = 2"))
    cases = [(lambda: motsim.sweep(bad), ["sweep", bad, "--out", os.path.join(tmp, "x.h5")]),
             (lambda: motsim.compare(BASE, os.path.join(tmp, "nope.toml")),
              ["compare", BASE, os.path.join(tmp, "nope.toml"), "--out", os.path.join(tmp, "y.h5")]),
             (lambda: motsim.calibrate(os.path.join(tmp, "nope.toml")),
              ["calibrate", os.path.join(tmp, "nope.toml"), "--out", os.path.join(tmp, "z.h5")])]
    for fn, args in cases:
        p = cli(*args)
        try:
            fn()
            check(False, f"no error for {args}")
        except motsim.ScenarioError as e:
            check(p.returncode == 2 and str(e) == first_line(p), f"{args}: Python says {e!s}, the CLI {first_line(p)}")


CHILD = """
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
import motsim
print("started", flush=True)
try:
    motsim.sweep(sys.argv[2], out=sys.argv[3], threads=1)
    print("finished", flush=True)
except KeyboardInterrupt:
    ok = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    print("interrupted, handler " + ("restored" if ok else "lost"), flush=True)
    raise
"""


def test_ctrl_c(tmp):
    spec = os.path.join(tmp, "long.toml")
    with open(spec, "w") as f:
        f.write(SWEEP.format(base=BASE).replace("1500", "60000").replace("40", "300").replace("steps = 2", "steps = 8"))
    out = os.path.join(tmp, "long.h5")
    p = subprocess.Popen([sys.executable, "-c", CHILD, os.path.join(src, "scripts"), spec, out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, MOTSIM_BIN=motsim_bin))
    check(p.stdout.readline().strip() == "started", "the child did not start")
    for _ in range(200):  # until a run is in the journal
        if os.path.exists(out + ".journal") and sum(1 for _ in open(out + ".journal")) >= 2:
            break
        time.sleep(0.05)
    t = time.time()
    p.send_signal(signal.SIGINT)
    try:
        so, se = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        so, se = p.communicate()
    print(f"Ctrl-C in a sweep: stopped {time.time() - t:.2f}s after SIGINT")
    check("interrupted, handler restored" in so and "KeyboardInterrupt" in se,
          f"Ctrl-C did not interrupt the sweep cleanly: {so!r} {se[-300:]!r}")
    check(not os.path.exists(out) and os.path.exists(out + ".journal"), "no journal kept, or a file written")
    # resume=True finishes it from the journal.
    spec_small = spec  # the same spec: only the missing runs are made
    df = motsim.sweep(spec_small, out=out, resume=True, threads=2)
    check(len(df) == 32 and not os.path.exists(out + ".journal"), f"resume: {len(df)} runs")


with tempfile.TemporaryDirectory() as tmp_dir:
    test_compare(tmp_dir)
    test_sweep(tmp_dir)
    test_calibrate(tmp_dir)
    test_errors(tmp_dir)
    test_ctrl_c(tmp_dir)

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok")
