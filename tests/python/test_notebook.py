#!/usr/bin/python3
"""Executes docs/notebooks/sweep.ipynb (Debian's jupyter nbconvert); fails if any cell fails.
Usage: test_notebook.py MOTSIM SOURCE_DIR"""
import os
import shutil
import subprocess
import sys
import tempfile

motsim, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
nb = os.path.join(src, "docs", "notebooks", "sweep.ipynb")
# The package is found as a user finds it after the documented step (PYTHONPATH, or the .pth of
# scripts/install-python), the scenarios from the package's own location. The kernel runs in the
# notebook's directory, so a copy runs in an unrelated one: the notebook cannot lean on where it is.
env = dict(os.environ, MOTSIM_BIN=motsim, PYTHONPATH=os.path.join(src, "scripts"), PYDEVD_DISABLE_FILE_VALIDATION="1")
env.pop("MOTSIM_ROOT", None)
with tempfile.TemporaryDirectory() as tmp:
    copy = os.path.join(tmp, "sweep.ipynb")
    shutil.copy(nb, copy)
    r = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300",
                        "--output-dir", os.path.join(tmp, "out"), copy], env=env, capture_output=True, text=True, cwd=tmp)
    if r.returncode != 0:
        print(r.stderr[-4000:])
        sys.exit("FAILED: a cell of docs/notebooks/sweep.ipynb failed")
print("notebook executed: every cell ran")
