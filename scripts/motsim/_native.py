"""Finds and loads the compiled module _motsim (built from sim/python/ by ./scripts/build into
<build>/python/). Looked for, in order: $MOTSIM_MODULE_DIR, the python/ folder beside $MOTSIM_BIN,
<build dir>/python (paths.build_dir(): $MOTSIM_BUILD_DIR or build/)."""
import glob
import importlib.machinery
import importlib.util
import os
import sys

from .paths import build_dir

_module = None


def module_dirs():
    """The folders searched for _motsim, in order."""
    dirs = []
    if os.environ.get("MOTSIM_MODULE_DIR"):
        dirs.append(os.environ["MOTSIM_MODULE_DIR"])
    if os.environ.get("MOTSIM_BIN"):
        dirs.append(os.path.join(os.path.dirname(os.path.abspath(os.environ["MOTSIM_BIN"])), "python"))
    dirs.append(os.path.join(build_dir(), "python"))
    return dirs


def _find():
    for d in module_dirs():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            hits = glob.glob(os.path.join(d, "_motsim" + suffix))
            if hits:
                return hits[0]
    return None


def native():
    """The module _motsim, loaded once; ImportError saying how to build it when it is not found."""
    global _module
    if _module is None:
        path = _find()
        if path is None:
            raise ImportError(
                "motsim's compiled module (_motsim) is not built for this Python "
                f"({sys.executable}, {sys.version.split()[0]}): run ./scripts/build (it needs Debian's pybind11-dev "
                "and python3-dev: ./scripts/setup); looked in " + ", ".join(module_dirs()))
        spec = importlib.util.spec_from_file_location("_motsim", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        sys.modules.setdefault("_motsim", mod)
        _module = mod
    return _module
