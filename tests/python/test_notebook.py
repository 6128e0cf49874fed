#!/usr/bin/python3
"""Executes docs/notebooks/sweep.ipynb (Debian's jupyter nbconvert); fails if any cell fails.
Usage: test_notebook.py MOTSIM SOURCE_DIR"""
import os
import subprocess
import sys
import tempfile

motsim, src = sys.argv[1], sys.argv[2]
nb = os.path.join(src, "docs", "notebooks", "sweep.ipynb")
env = dict(os.environ, MOTSIM_BIN=motsim, MOTSIM_ROOT=src, PYDEVD_DISABLE_FILE_VALIDATION="1")
with tempfile.TemporaryDirectory() as tmp:
    r = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300",
                        "--output-dir", tmp, nb], env=env, capture_output=True, text=True, cwd=os.path.dirname(nb))
    if r.returncode != 0:
        print(r.stderr[-4000:])
        sys.exit("FAILED: a cell of docs/notebooks/sweep.ipynb failed")
print("notebook executed: every cell ran")
