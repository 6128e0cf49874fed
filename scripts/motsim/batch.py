"""Compare, sweep and calibrate from Python, in-process, through the compiled module _motsim:
the CLI's own functions (sim/experiment), so a call writes the file the command would write,
bit for bit, and returns it loaded (load_compare, load_sweep, load_calibration).

    import motsim
    c = motsim.compare("scenarios/baseline.toml", "scenarios/whatif.toml", replicates=8)
    c["differences"]                                  # variant - base, with 95 % intervals
    sw = motsim.sweep("scenarios/sweeps/price_wom.toml", out="results/pw.h5")
    fit = motsim.calibrate("scenarios/calibration/launch.toml", out="results/fit.h5")

Without out=, the file is written to a temporary directory, loaded and deleted. Ctrl-C stops
the work as it stops the command (no file; a sweep's or calibration's journal is kept beside
out=, so resume=True continues it) and raises KeyboardInterrupt. A bad spec or scenario raises
ScenarioError with the command's message. docs/python.md.
"""
import os
import shlex
import tempfile

from ._native import native
from .calibration import load_calibration
from .compare import load_compare
from .sweep import load_sweep

_m = native()


def _command(name, args):
    return "motsim " + name + " " + " ".join(shlex.quote(str(a)) for a in args) + "   (from Python: motsim." + name + ")"


def _scenario_path(s, tmp, taken):
    """A path compare can read: a path as it is; a Scenario loaded from a file without changes as
    its file; any other Scenario as its fully resolved TOML in `tmp`, named after it."""
    from .simulation import Scenario
    if not isinstance(s, Scenario):
        return os.fspath(s)
    if not s.sets and not s._s.from_text:
        return s.path
    stem = os.path.splitext(os.path.basename(s.path))[0] or "scenario"
    name, i = stem, 2
    while name in taken:
        name, i = f"{stem}_{i}", i + 1
    taken.add(name)
    path = os.path.join(tmp, name + ".toml")
    with open(path, "w") as f:
        f.write(s.to_toml())
    return path


def _run(name, out, call, load):
    """Runs call(out) into `out` (or a temporary file) and returns the loaded file."""
    if out is not None:
        rc = call(os.fspath(out))
        _check(name, rc)
        return load(os.fspath(out))
    with tempfile.TemporaryDirectory(prefix="motsim-") as tmp:
        path = os.path.join(tmp, name + ".h5")
        _check(name, call(path))
        return load(path)


def _check(name, rc):
    if rc == 130:
        raise KeyboardInterrupt(f"motsim.{name} was interrupted")
    if rc != 0:
        raise RuntimeError(f"motsim.{name} ended with exit code {rc}")


def compare(base, *variants, replicates=5, sets=(), threads=0, out=None, force=False, attribute=False,
            posterior=None, quiet=True):
    """motsim compare BASE VARIANT...: every scenario (a path or a Scenario) run `replicates` times
    with common random numbers; `sets` ("KEY=VALUE") applied to every scenario; attribute=True adds
    the Shapley attribution of the one variant's levers; posterior= a calibration file (replicate r
    draws posterior particle r). Returns load_compare's dict (runs, summary, differences, series,
    economics, ...). quiet=False prints the command's tables."""
    if not variants:
        raise ValueError("compare needs a base and at least one variant")
    with tempfile.TemporaryDirectory(prefix="motsim-scenarios-") as tmp:
        taken = {os.path.splitext(os.path.basename(os.fspath(s)))[0] for s in (base, *variants)
                 if isinstance(s, (str, os.PathLike))}
        paths = [_scenario_path(s, tmp, taken) for s in (base, *variants)]
        sets = [str(a) for a in sets]
        args = paths + sum([["--set", a] for a in sets], []) + ["--replicates", replicates]

        def call(path):
            return _m.compare(paths, sets, replicates, threads, path, force, quiet, attribute,
                              os.fspath(posterior) if posterior else "", _command("compare", args + ["--out", path]))
        return _run("compare", out, call, load_compare)


def sweep(spec, out=None, threads=0, resume=False, force=False, quiet=True, extend=None):
    """motsim sweep SPEC on this machine (every core by default): returns load_sweep's DataFrame,
    one row per run. resume=True continues an interrupted sweep from out's journal; extend= an
    earlier sweep file whose runs are reused (--extend: more samples or replicates)."""
    spec = os.fspath(spec)
    ext = os.fspath(extend) if extend else ""

    def call(path):
        args = [spec, "--out", path] + (["--extend", ext] if ext else [])
        return _m.sweep(spec, path, threads, resume, force, quiet, ext, _command("sweep", args))
    return _run("sweep", out, call, load_sweep)


def calibrate(spec, out=None, threads=0, resume=False, force=False, quiet=True):
    """motsim calibrate SPEC: returns load_calibration's dict (posterior, particles, generations,
    observed, forecast, scores, optimum, profile). resume=True continues from out's journal."""
    spec = os.fspath(spec)

    def call(path):
        return _m.calibrate(spec, path, threads, resume, force, quiet, _command("calibrate", [spec, "--out", path]))
    return _run("calibrate", out, call, load_calibration)
