#!/usr/bin/python3
"""The compiled module through the package (motsim.Scenario, motsim.run; sim/python/): results
bit-identical to `motsim run` for the same scenario and seed, in memory and written to HDF5;
scenario errors as ScenarioError with the CLI's message; progress; Ctrl-C; the GIL released.
Skipped (exit 77) when the build has no module (MOTSIM_PYTHON off).
Usage: test_module.py MOTSIM SOURCE_DIR"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import h5py
import numpy as np

motsim_bin, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.environ["MOTSIM_BIN"] = motsim_bin  # the module is found beside the binary: <build>/python/
sys.path.insert(0, os.path.join(src, "scripts"))
import motsim  # noqa: E402
from motsim import _native  # noqa: E402

try:
    _native.native()
except ImportError as e:
    print(f"SKIP: {e}")
    sys.exit(77)

BASE = os.path.join(src, "scenarios", "baseline.toml")
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def cli(*args, cwd=None):
    return subprocess.run([motsim_bin, *args], capture_output=True, text=True, cwd=cwd)


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == object or b.dtype == object:  # strings: their values, not their pointers
        return a.shape == b.shape and a.tolist() == b.tolist()
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def compare_files(py_file, cli_file):
    """Every dataset and attribute of the two run files, bit for bit, but command_line and created."""
    diffs = []
    with h5py.File(py_file) as p, h5py.File(cli_file) as c:
        names = []
        c.visit(names.append)
        py_names = []
        p.visit(py_names.append)
        if sorted(names) != sorted(py_names):
            diffs.append(f"objects differ: {sorted(set(names) ^ set(py_names))}")
        for n in names:
            if isinstance(c[n], h5py.Dataset) and n in p and not same_bits(p[n][()], c[n][()]):
                diffs.append(n)
        for k, v in c.attrs.items():
            if k not in ("command_line", "created") and (k not in p.attrs or not np.array_equal(p.attrs[k], v)):
                diffs.append("attribute " + k)
    return diffs


def test_same_as_cli(tmp):
    sc = motsim.Scenario.load(BASE).set("product.Nova.price", 179).set("behavior.wom_rate", 0.08)
    r = motsim.run(sc, agents=6000, days=80, seed=11, threads=2)
    r.to_hdf5(os.path.join(tmp, "py.h5"))
    p = cli("run", BASE, "--set", "product.Nova.price=179", "--set", "behavior.wom_rate=0.08", "--agents", "6000",
            "--days", "80", "--seed", "11", "--threads", "1", "--out", os.path.join(tmp, "cli.h5"), "--quiet")
    check(p.returncode == 0, f"motsim run failed: {p.stderr}")
    diffs = compare_files(os.path.join(tmp, "py.h5"), os.path.join(tmp, "cli.h5"))
    check(not diffs, f"the file written from Python differs from motsim run's: {diffs}")
    with h5py.File(os.path.join(tmp, "py.h5")) as f:
        check("motsim run " in f.attrs["command_line"] and "--set product.Nova.price=179" in f.attrs["command_line"],
              f"command_line {f.attrs['command_line']}")
    # In memory: every series, the KPIs and the reviews equal what the CLI's file holds.
    ref = motsim.load_run(os.path.join(tmp, "cli.h5"))
    arrays = r.arrays()
    check(set(arrays) == set(ref["timeseries"].columns) - {"day", "product"},
          f"series differ: {set(arrays) ^ (set(ref['timeseries'].columns) - {'day', 'product'})}")
    for name, a in arrays.items():
        want = ref["timeseries"][name].to_numpy().reshape(a.shape)
        check(same_bits(a.astype(np.float64), want.astype(np.float64)), f"series {name} differs from the file")
    ts = r.timeseries
    check(list(ts.columns) == ["day", "product", "metric", "value"] and len(ts) == 80 * 3 * len(arrays), "tidy shape")
    got = ts[ts.metric == "purchases"].pivot(index="day", columns="product", values="value")
    check(same_bits(got[r.products].to_numpy(), r.series("purchases").to_numpy().astype(np.float64)), "tidy != series")
    for k in ref["kpis"].columns:
        check(same_bits(r.kpis[k].to_numpy(), ref["kpis"][k].to_numpy()), f"KPI {k} differs")
    check(r.reviews.equals(ref["reviews"]), "reviews differ")
    check(sc.to_toml() != r.scenario_toml and r.scenario_toml == ref["attrs"]["scenario"], "scenario text")
    # The thread count changes nothing.
    r1 = motsim.run(sc, agents=6000, days=80, seed=11, threads=1)
    check(all(same_bits(a, r1.arrays()[n]) for n, a in arrays.items()), "1 and 2 threads differ")


def cli_message(*args):
    p = cli("run", *args, "--out", os.path.join(tempfile.gettempdir(), "never-written.h5"))
    line = p.stderr.strip().splitlines()[0]
    return p.returncode, line[len("motsim: "):] if line.startswith("motsim: ") else line


def raised(fn):
    try:
        fn()
    except motsim.ScenarioError as e:
        return e
    return None


def test_errors(tmp):
    check(issubclass(motsim.ScenarioError, ValueError), "ScenarioError is not a ValueError")
    cases = [
        (lambda: motsim.Scenario.load(os.path.join(tmp, "nope.toml")), [os.path.join(tmp, "nope.toml")]),
        (lambda: motsim.Scenario.load(BASE).set("product.Nova.pryce", 1), [BASE, "--set", "product.Nova.pryce=1"]),
        (lambda: motsim.Scenario.load(BASE).set("behavior.wom_rate", 7), [BASE, "--set", "behavior.wom_rate=7"]),
        (lambda: motsim.run(BASE, agents=-5), [BASE, "--agents", "-5"]),
    ]
    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w") as f:
        f.write(f'extends = "{BASE}"\n[simulation]\nagents = 0\n')
    cases.append((lambda: motsim.Scenario.load(bad), [bad]))
    for fn, args in cases:
        e = raised(fn)
        rc, want = cli_message(*args)
        check(e is not None and rc == 2 and str(e) == want, f"message for {args}:\n  python: {e}\n  CLI:    {want}")
    sc = motsim.Scenario.load(BASE).set("product.Nova.price", 189)
    before = sc.to_toml()
    check(raised(lambda: sc.set("product.Nova.price", -3)) is not None, "a negative price was accepted")
    check(sc.to_toml() == before and sc.sets == ["product.Nova.price=189"], "a refused set changed the scenario")
    copy = sc.copy().set("product.Nova.price", 149)
    check(sc.sets == ["product.Nova.price=189"] and copy.sets[-1] == "product.Nova.price=149", "copy() is not a copy")
    text = motsim.Scenario.from_toml(open(BASE).read(), name=BASE, base_dir=os.path.dirname(BASE))
    check(text.to_toml() == motsim.Scenario.load(BASE).to_toml(), "a scenario from text differs from its file")
    r = motsim.run(sc, agents=2000, days=10)
    out = os.path.join(tmp, "twice.h5")
    r.to_hdf5(out)
    try:
        r.to_hdf5(out)
        check(False, "an existing file was overwritten")
    except motsim.OutputError as e:
        check(isinstance(e, OSError) and "already exists" in str(e), f"OutputError {e}")
    r.to_hdf5(out, force=True)


def test_progress():
    seen = []
    motsim.run(BASE, agents=2000, days=12, progress=lambda d, n: seen.append((d, n)))
    check(seen == [(d, 12) for d in range(1, 13)], f"progress calls {seen}")

    class Stop(Exception):
        pass

    calls = []

    def stop_at_3(d, n):
        calls.append(d)
        if d == 3:
            raise Stop("enough")
    try:
        motsim.run(BASE, agents=2000, days=50, progress=stop_at_3)
        check(False, "an exception in progress did not propagate")
    except Stop:
        check(calls == [1, 2, 3], f"the run went on after progress raised: {calls}")


CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import motsim
def progress(d, n):
    if d == 1:
        print("started", flush=True)
t = time.time()
try:
    motsim.run(sys.argv[2], agents=200000, days=365, threads=1, progress=progress)
    print("finished", flush=True)
except KeyboardInterrupt:
    print(f"interrupted after {time.time() - t:.1f}s", flush=True)
    raise
"""


def test_ctrl_c():
    p = subprocess.Popen([sys.executable, "-c", CHILD, os.path.join(src, "scripts"), BASE], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    check(line.strip() == "started", f"the child did not start: {line!r}")
    t = time.time()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    elapsed = time.time() - t
    print(f"Ctrl-C: stopped {elapsed:.2f}s after SIGINT")
    check("interrupted after" in out and "KeyboardInterrupt" in err and p.returncode != 0,
          f"Ctrl-C did not interrupt the run: rc {p.returncode}, {out!r}, {err[-300:]!r}")
    check(elapsed < 10, f"the run took {elapsed:.1f}s to stop after Ctrl-C")


def test_gil_released():
    """While a run goes on in a thread, the main thread keeps running Python at about its usual pace."""
    def spin(seconds):
        n, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            n += 1
        return n
    base = spin(0.5) / 0.5
    done = threading.Event()
    th = threading.Thread(target=lambda: (motsim.run(BASE, agents=300000, days=25, threads=1), done.set()))
    t0 = time.perf_counter()
    th.start()
    n = 0
    while not done.is_set():
        n += spin(0.05)
    th.join()
    rate = n / (time.perf_counter() - t0)
    print(f"main thread during a run: {rate / base:.0%} of its pace")
    check(rate > 0.2 * base, f"the main thread ran at {rate / base:.0%} of its pace during a run: the GIL is held")


def test_agents_table(tmp):
    """r.agents: one row per agent, the columns of the CLI's /agents (--save-agents), equal."""
    r = motsim.run(BASE, agents=1500, days=30, seed=4)
    a = r.agents
    p = cli("run", BASE, "--agents", "1500", "--days", "30", "--seed", "4", "--save-agents",
            "--out", os.path.join(tmp, "agents.h5"), "--quiet")
    check(p.returncode == 0, f"motsim run --save-agents failed: {p.stderr[-300:]}")
    check(len(a) == 1500 and r.n_agents == 1500, f"agents table of {len(a)} rows")
    with h5py.File(os.path.join(tmp, "agents.h5")) as f:
        for name, ds in f["agents"].items():
            v = ds[()]
            if v.ndim == 2:
                for k, prod in enumerate(r.products):
                    check(same_bits(a[f"{name}.{prod}"].to_numpy(), v[:, k]), f"agents column {name}.{prod} differs")
            else:
                check(same_bits(a[name].to_numpy(), v), f"agents column {name} differs")
    check("aware.Nova" in a and "bought.Nova" in a, f"agents columns: {list(a)[:12]}")


def test_import_as_documented():
    """PYTHONPATH=scripts is all it takes once ./scripts/build has run (the module is found in build/)."""
    if os.path.dirname(motsim_bin) != os.path.join(src, "build"):
        return  # another build directory: found through MOTSIM_BIN above
    env = {k: v for k, v in os.environ.items() if k not in ("MOTSIM_BIN", "MOTSIM_BUILD_DIR", "MOTSIM_MODULE_DIR")}
    env["PYTHONPATH"] = os.path.join(src, "scripts")
    p = subprocess.run(["/usr/bin/python3", "-c", "import motsim; print(motsim.run('%s', agents=500, days=3).days)" % BASE],
                       env=env, cwd="/", capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.strip() == "3", f"not importable as documented: {p.stderr[-500:]}")


with tempfile.TemporaryDirectory() as tmp_dir:
    test_same_as_cli(tmp_dir)
    test_errors(tmp_dir)
    test_progress()
    test_ctrl_c()
    test_gil_released()
    test_agents_table(tmp_dir)
    test_import_as_documented()

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("module: all checks passed")
