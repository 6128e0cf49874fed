#!/usr/bin/python3
"""The motsim package itself (scripts/motsim/): its public names, the helpers the loaders share,
the loaders' refusals, the estimators' checks, where it finds things, and the one step that makes
it importable (scripts/install-python). Usage: test_package.py MOTSIM SOURCE_DIR"""
import os
import subprocess
import sys
import tempfile

import importlib

import h5py
import numpy as np
import pandas as pd

motsim_bin, src = sys.argv[1], os.path.realpath(sys.argv[2])
sys.path.insert(0, os.path.join(src, "scripts"))
import motsim  # noqa: E402
from motsim import hdf5, paths, run_file, sensitivity  # noqa: E402
# motsim.compare and motsim.sweep are the in-process functions; their loaders' modules by name.
compare, sweep = (importlib.import_module("motsim." + m) for m in ("compare", "sweep"))

failures = []

# The names of the former single-file loader, which callers use as md.NAME.
FORMER_API = ["load_run", "load_compare", "load_sweep", "load_sweep_series", "sweep_spec", "morris_indices",
              "sobol_indices", "summarise", "text", "strings"]


def check(cond, msg):
    if not cond:
        failures.append(msg)


def raises(exc, fn, *args, contains=""):
    """True when fn(*args) raises exc with `contains` in its message."""
    try:
        fn(*args)
    except exc as e:
        return contains in str(e)
    return False


def test_public_names():
    check(os.path.realpath(motsim.__file__) == os.path.join(src, "scripts", "motsim", "__init__.py"),
          f"imported another motsim: {motsim.__file__}")
    for name in FORMER_API:
        check(callable(getattr(motsim, name, None)), f"motsim.{name} missing")
    check(set(FORMER_API) <= set(motsim.__all__), f"__all__ lacks former names: {motsim.__all__}")
    check(all(hasattr(motsim, n) for n in motsim.__all__), "__all__ names something the package lacks")
    homes = {"load_run": run_file, "load_compare": compare, "load_sweep": sweep, "load_sweep_series": sweep,
             "sweep_spec": sweep, "summarise": sweep, "morris_indices": sensitivity, "sobol_indices": sensitivity,
             "text": hdf5, "strings": hdf5}
    for name, module in homes.items():
        check(getattr(motsim, name) is getattr(module, name), f"motsim.{name} is not {module.__name__}.{name}")
    # The loaders do not need the compiled module: importing the package does not load it
    # (motsim.run, motsim.Scenario do, on first use; tests/python/test_module.py).
    check("_motsim" not in sys.modules and "motsim.simulation" not in sys.modules, "import motsim loaded the module")


def test_strings_and_format(tmp):
    check(motsim.text(b"Nova") == "Nova" and motsim.text("Orbit") == "Orbit" and motsim.text(3) == "3", "text")
    path = os.path.join(tmp, "foreign.h5")
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "something-else-1"
        f["names"] = np.array([b"a", b"bc"])
    with h5py.File(path, "r") as f:
        check(motsim.strings(f["names"]) == ["a", "bc"], "strings of a bytes dataset")
        check(raises(ValueError, hdf5.check_format, f, "motsim-run-1", path, contains="a something-else-1 file"),
              "check_format names the foreign format")
    bare = os.path.join(tmp, "bare.h5")
    h5py.File(bare, "w").close()
    check(raises(ValueError, motsim.load_run, bare, contains="non-motsim"), "load_run accepted a file without format")
    for loader in (motsim.load_run, motsim.load_compare, motsim.load_sweep):
        check(raises(ValueError, loader, path, contains="expected motsim-"), f"{loader.__name__} accepted a foreign file")


def test_summarise():
    from scipy import stats

    df = pd.DataFrame({"x": [1, 1, 1, 2], "y": [1.0, 2.0, 6.0, 5.0]})
    s = motsim.summarise(df, "x", "y").set_index("x")
    check(abs(s.loc[1, "mean"] - 3) < 1e-12 and s.loc[1, "count"] == 3, f"summarise mean/count {s}")
    want = stats.t.ppf(0.975, 2) * np.std([1.0, 2.0, 6.0], ddof=1) / np.sqrt(3)
    check(abs(s.loc[1, "ci95"] - want) < 1e-12, f"summarise ci95 {s.loc[1, 'ci95']} != {want}")
    check(np.isnan(s.loc[2, "ci95"]), "one replicate has no interval")


def test_sensitivity_checks():
    df = pd.DataFrame({"point": [0], "y": [1.0]})
    df.attrs["design"] = "grid"
    check(raises(ValueError, motsim.morris_indices, df, "y", contains="design = \"morris\""), "Morris on a grid")
    check(raises(ValueError, motsim.sobol_indices, df, "y", contains="design = \"sobol\""), "Sobol on a grid")
    # The unit scale: linear ranges map onto [0, 1], log ranges on the log scale, lists are left out.
    spec = {"parameters": {"a": {"min": 10, "max": 20}, "b": {"min": 1, "max": 100, "log": True}, "c": [1, 2]}}
    u = sensitivity._unit(pd.DataFrame({"a": [10, 15, 20], "b": [1, 10, 100], "c": [1, 2, 1]}), spec)
    check(list(u.columns) == ["a", "b"], f"unit scale columns {list(u.columns)}")
    check(np.allclose(u["a"], [0, 0.5, 1]) and np.allclose(u["b"], [0, 0.5, 1]), f"unit scale {u}")


def test_paths():
    check(paths.repo_root() == src, f"repo_root {paths.repo_root()} != {src}")
    env = dict(os.environ)
    try:
        os.environ.pop("MOTSIM_BIN", None)
        os.environ["MOTSIM_BUILD_DIR"] = "build-x"
        check(paths.binary() == os.path.join(src, "build-x", "motsim"), f"binary from MOTSIM_BUILD_DIR: {paths.binary()}")
        os.environ["MOTSIM_BIN"] = motsim_bin
        check(paths.binary() == motsim_bin, "MOTSIM_BIN is not honoured")
    finally:
        os.environ.clear()
        os.environ.update(env)


def test_install_step(tmp):
    """scripts/install-python into a throw-away user base: afterwards /usr/bin/python3 imports the
    package from any directory with no PYTHONPATH; --uninstall undoes it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONNOUSERSITE")}
    env["PYTHONUSERBASE"] = os.path.join(tmp, "userbase")
    script = os.path.join(src, "scripts", "install-python")
    probe = ["/usr/bin/python3", "-c", "import motsim, os; print(os.path.realpath(motsim.__file__))"]
    r = subprocess.run(probe, env=env, cwd=tmp, capture_output=True, text=True)
    check(r.returncode != 0, "motsim importable before the install step: the test proves nothing")
    r = subprocess.run([script], env=env, cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0, f"install-python failed: {r.stderr}")
    r = subprocess.run(probe, env=env, cwd="/", capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.strip() == os.path.join(src, "scripts", "motsim", "__init__.py"),
          f"not importable after install-python: {r.stdout} {r.stderr[-500:]}")
    r = subprocess.run([script], env=env, cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0, "install-python is not idempotent")
    r = subprocess.run([script, "--uninstall"], env=env, cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0 and subprocess.run(probe, env=env, cwd=tmp, capture_output=True).returncode != 0,
          "still importable after --uninstall")
    r = subprocess.run([script, "--bogus"], env=env, cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 2, "install-python accepted an unknown option")


with tempfile.TemporaryDirectory() as tmp_dir:
    test_public_names()
    test_strings_and_format(tmp_dir)
    test_summarise()
    test_sensitivity_checks()
    test_paths()
    test_install_step(tmp_dir)

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("motsim package: all checks passed")
