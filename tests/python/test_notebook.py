#!/usr/bin/python3
"""Executes the notebooks of docs/notebooks/ (Debian's jupyter nbconvert); fails if any cell
fails: sweep.ipynb (sweeps run with the binary) and quickstart.ipynb (runs in-process through
the compiled module; skipped, with a message, when the build has none).
Usage: test_notebook.py MOTSIM SOURCE_DIR"""
import os
import shutil
import subprocess
import sys
import tempfile

motsim, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
# The package is found as a user finds it after the documented step (PYTHONPATH, or the .pth of
# scripts/install-python), the scenarios from the package's own location. The kernel runs in the
# notebook's directory, so a copy runs in an unrelated one: the notebook cannot lean on where it is.
env = dict(os.environ, MOTSIM_BIN=motsim, PYTHONPATH=os.path.join(src, "scripts"), PYDEVD_DISABLE_FILE_VALIDATION="1")
env.pop("MOTSIM_ROOT", None)


def module_built():
    os.environ["MOTSIM_BIN"] = motsim
    sys.path.insert(0, os.path.join(src, "scripts"))
    from motsim import _native
    try:
        _native.native()
        return True
    except ImportError as e:
        print(f"skipping quickstart.ipynb: {e}")
        return False


def execute(name):
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, name)
        shutil.copy(os.path.join(src, "docs", "notebooks", name), copy)
        r = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
                            "--ExecutePreprocessor.timeout=300", "--output-dir", os.path.join(tmp, "out"), copy],
                           env=env, capture_output=True, text=True, cwd=tmp)
        if r.returncode != 0:
            print(r.stderr[-4000:])
            return f"a cell of docs/notebooks/{name} failed"
        print(f"{name} executed: every cell ran")
    return None


failed = [m for m in [execute("sweep.ipynb"), execute("quickstart.ipynb") if module_built() else None] if m]
if failed:
    sys.exit("FAILED: " + "; ".join(failed))
