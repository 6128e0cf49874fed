"""motsim's Python side: load results into pandas in one call each, compute sensitivity indices,
and draw the HTML report.

    import motsim as md
    run = md.load_run("results/baseline.h5")        # dict of DataFrames
    cmp = md.load_compare("results/compare_baseline.h5")
    sw = md.load_sweep("results/price_wom.h5")       # one row per run: parameters and KPIs
    md.morris_indices(sw, "units.all")               # from a Morris sweep
    md.sobol_indices(sw, "units.all")                # from a Sobol (Saltelli) sweep, with intervals

    sc = md.Scenario.load("scenarios/baseline.toml").set("product.Nova.price", 179)
    r = md.run(sc, agents=20000, days=120)           # in-process (the compiled module)
    r.kpis; r.timeseries; r.to_hdf5("results/nova179.h5")
    c = md.compare("scenarios/baseline.toml", sc, replicates=8)   # also md.sweep, md.calibrate

Importable once `./scripts/install-python` has run (or with PYTHONPATH=<repository>/scripts).
Modules: run_file, compare and sweep (one loader per file format), sensitivity (Morris, Sobol),
report (scripts/report), hdf5 (string readers), paths (repository, build directory, binary),
simulation (Scenario, run, RunResult, ScenarioError: the compiled module _motsim, built by
./scripts/build into build/python/ and loaded on first use of these names, so the loaders work
without it; they are not in __all__ for that reason).
Needs Debian's python3-h5py, python3-pandas, python3-numpy, python3-scipy (summarise) and
python3-matplotlib (report). Layouts: docs/hdf5-schema.md, docs/hdf5-compare.md, docs/sweeps.md.
"""
from .calibration import load_calibration
from .compare import load_compare
from .hdf5 import strings, text
from .paths import binary, build_dir, repo_root
from .run_file import load_run, spend_by_channel
from .sensitivity import morris_indices, sobol_indices, sobol_second_order
from .sweep import load_sweep, load_sweep_series, summarise, sweep_spec

__all__ = ["load_run", "spend_by_channel", "load_compare", "load_calibration", "load_sweep", "load_sweep_series", "sweep_spec", "morris_indices",
           "sobol_indices", "sobol_second_order", "summarise", "text", "strings", "repo_root", "build_dir", "binary"]

_SIMULATION = ("Scenario", "run", "RunResult", "ScenarioError", "OutputError")


# The in-process compare, sweep and calibrate (motsim.batch; the compiled module is loaded on the
# first call). They take the names of the loaders' modules motsim.compare and motsim.sweep, which
# stay importable by name (importlib.import_module("motsim.sweep")).
def compare(base, *variants, **options):
    """motsim compare BASE VARIANT... in this process: see motsim.batch.compare."""
    from . import batch
    return batch.compare(base, *variants, **options)


def sweep(spec, **options):
    """motsim sweep SPEC in this process: see motsim.batch.sweep."""
    from . import batch
    return batch.sweep(spec, **options)


def calibrate(spec, **options):
    """motsim calibrate SPEC in this process: see motsim.batch.calibrate."""
    from . import batch
    return batch.calibrate(spec, **options)


def __getattr__(name):
    """Scenario, run, RunResult, ScenarioError, OutputError: loaded from motsim.simulation on first use."""
    if name in _SIMULATION:
        from . import simulation
        return getattr(simulation, name)
    raise AttributeError(f"module 'motsim' has no attribute {name!r}")
