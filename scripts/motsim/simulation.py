"""Running motsim from Python, in-process, through the compiled module _motsim (sim/python/):

    import motsim
    sc = motsim.Scenario.load("scenarios/baseline.toml").set("product.Nova.price", 179)
    r = motsim.run(sc, agents=20000, days=120, seed=7)
    r.kpis; r.timeseries; r.series("purchases"); r.reviews
    r.to_hdf5("results/nova179.h5")      # the file `motsim run` writes, bit for bit

A scenario is built exactly as `motsim run SCENARIO --set KEY=VALUE ...` builds it (the same
loader, `extends`, --set and validation), and a run gives the CLI's results for the same
scenario and seed. Errors in a scenario raise ScenarioError (a ValueError) with the CLI's message.
Ctrl-C interrupts a run (KeyboardInterrupt). motsim.compare, motsim.sweep and motsim.calibrate
(scripts/motsim/batch.py) run the CLI's commands in-process and return their loaded files.
"""
import copy
import json
import math
import os
import tempfile

import numpy as np
import pandas as pd

from ._native import native

_m = native()
ScenarioError = _m.ScenarioError
OutputError = _m.OutputError


def toml_value(v):
    """A Python value as the TOML text --set takes: true/false, integers, floats (shortest exact
    form), strings as they are (a bare word, as on the command line), lists as arrays."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return repr(v) if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(json.dumps(x) if isinstance(x, str) else toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot give a {type(v).__name__} as a scenario value: {v!r}")


class Scenario:
    """A scenario file (or text) and the --set assignments made on it, validated after each one.
    set() changes this scenario and returns it (for chaining); copy() first to keep the original."""

    def __init__(self, native_scenario):
        self._s = native_scenario

    @classmethod
    def load(cls, path, sets=()):
        """The scenario file at `path` (TOML; `extends` resolved), with KEY=VALUE assignments."""
        return cls(_m.Scenario.load(os.fspath(path), list(sets)))

    @classmethod
    def from_toml(cls, text, name="<scenario>", base_dir="."):
        """A scenario from TOML text; `name` is used in messages, `base_dir` resolves relative paths."""
        return cls(_m.Scenario.parse(text, name, os.fspath(base_dir), []))

    def set(self, key, value):
        """Overrides one key, as --set KEY=VALUE (e.g. "product.Nova.price", 179); raises
        ScenarioError (and leaves the scenario as it was) when the key or value is not allowed."""
        self._s.set(f"{key}={toml_value(value)}")
        return self

    def copy(self):
        return Scenario(copy.copy(self._s))

    def to_toml(self):
        """The fully resolved scenario as TOML: every key, defaults included."""
        return self._s.to_toml()

    def to_dict(self):
        import tomllib
        return tomllib.loads(self.to_toml())

    @property
    def path(self):
        return self._s.path

    @property
    def sets(self):
        """The assignments made so far, in order, as --set would take them."""
        return list(self._s.sets)

    @property
    def notes(self):
        """What the loader noticed but accepted (the CLI prints these as notes)."""
        return list(self._s.notes)

    def __repr__(self):
        return f"Scenario({self.path!r}" + "".join(f", --set {a}" for a in self.sets) + ")"


def run(scenario, agents=None, days=None, seed=None, threads=0, replicate=None, progress=None):
    """Runs a scenario (a Scenario or a path) in this process and returns a RunResult. agents, days,
    seed and replicate override the scenario's as motsim run's --agents, --days, --seed and
    --replicate do; threads = 0 uses every core (results do not depend on it). progress, if given,
    is called as progress(day_done, days) after each day; raising in it stops the run."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.load(scenario)
    return RunResult(_m.run(scenario._s, agents, days, seed, replicate, threads, progress))


# The run file's /timeseries, in its order: counts, then the series derived from them (as
# sim/io/h5io.cpp derives them), then the stocks; histograms as one metric per star.
_DERIVED = ["revenue", "refunded_amount", "remembered_satisfaction", "experienced_satisfaction", "nps"]
_STOCKS = ["aware", "adopters", "rating_mean", "rating_count"]
_HISTOGRAMS = {"rating_histogram": "stars", "experience_stars": "experience_stars"}


def _derived(raw, prices):
    """revenue, refunded amount, the satisfaction means and NPS per day and product, computed with
    the operations (and order) of the run file's writer, so they are bit-identical to the file."""
    ex = raw["experiences"].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        def mean(x):
            return np.where(ex > 0, x / np.where(ex > 0, ex, 1.0), np.nan)
        promoters_minus = (raw["promoters"] - raw["detractors"]).astype(np.float64)
        return {"revenue": raw["purchases"].astype(np.float64) * prices,
                "refunded_amount": raw["refunds"].astype(np.float64) * prices,
                "remembered_satisfaction": mean(raw["remembered_sum"]),
                "experienced_satisfaction": mean(raw["experienced_sum"]),
                "nps": np.where(ex > 0, 100.0 * promoters_minus / np.where(ex > 0, ex, 1.0), np.nan)}


class RunResult:
    """A finished run: kpis (one row per product), timeseries (tidy: day, product, metric, value),
    series(metric) (days x products), reviews (one row per review), agents (one row per agent:
    its final state), to_hdf5(path); n_agents, days, seed, replicate, products, prices."""

    def __init__(self, native_run):
        self._r = native_run
        self.products = list(native_run.products)
        self.prices = np.asarray(native_run.prices, dtype=np.float64)
        self.days, self.n_agents = native_run.days, native_run.agents
        self.seed, self.replicate = native_run.seed, native_run.replicate
        self._arrays = None
        self._timeseries = self._kpis = self._reviews = self._agents = None

    @property
    def scenario_toml(self):
        """The resolved scenario this run used (what the run file stores as its `scenario`)."""
        return self._r.scenario_toml

    def arrays(self):
        """Every daily series as a NumPy array [days, products] by metric name (as in the run file)."""
        if self._arrays is None:
            raw = self._r.series()
            raw = {k: np.asarray(v) for k, v in raw.items()}
            out = {name: raw[name] for name in raw if name not in ("remembered_sum", "experienced_sum")
                   and name not in _STOCKS and name not in _HISTOGRAMS}
            out.update(_derived(raw, self.prices))
            out.update({name: raw[name] for name in _STOCKS})
            for name, prefix in _HISTOGRAMS.items():
                for s in range(5):
                    out[f"{prefix}_{s + 1}"] = raw[name][:, :, s]
            self._arrays = out
        return self._arrays

    @property
    def timeseries(self):
        """Tidy daily series: one row per day, product and metric (value as float64)."""
        if self._timeseries is None:
            D, K = self.days, len(self.products)
            day = np.repeat(np.arange(D, dtype=np.int32), K)
            product = pd.Categorical(np.tile(self.products, D), categories=self.products)
            parts = [pd.DataFrame({"day": day, "product": product, "metric": name,
                                   "value": a.reshape(-1).astype(np.float64)}) for name, a in self.arrays().items()]
            ts = pd.concat(parts, ignore_index=True)
            ts["metric"] = pd.Categorical(ts["metric"], categories=list(self.arrays()))
            self._timeseries = ts
        return self._timeseries

    def series(self, metric):
        """One daily series as a frame: index day, one column per product."""
        a = self.arrays()
        if metric not in a:
            raise KeyError(f"no series {metric!r}; the series: {', '.join(a)}")
        return pd.DataFrame(a[metric], index=pd.RangeIndex(self.days, name="day"), columns=self.products)

    @property
    def kpis(self):
        """The run's KPIs, one row per product (the run file's /kpis; descriptions in attrs)."""
        if self._kpis is None:
            rows = self._r.kpis()
            k = pd.DataFrame({name: np.asarray(v) for name, v, _ in rows}, index=pd.Index(self.products, name="product"))
            k.attrs["descriptions"] = {name: d for name, _, d in rows}
            self._kpis = k
        return self._kpis

    @property
    def reviews(self):
        """Every review posted: day, agent, product (its name), stars, answered."""
        if self._reviews is None:
            rv = pd.DataFrame({k: np.asarray(v) for k, v in self._r.reviews().items()})
            rv["product"] = np.array(self.products, dtype=object)[rv["product"].to_numpy()] if len(rv) else []
            self._reviews = rv
        return self._reviews

    @property
    def agents(self):
        """Every agent's final state, one row per agent (index agent): the run file's /agents as
        `motsim run --save-agents` writes it, a column per per-agent dataset and one per product
        for the per-product ones (aware.Nova, bought.Nova, ...). Built by the run file's own writer
        (into a temporary file, read back), so it holds exactly what the file would."""
        if self._agents is None:
            import h5py
            with tempfile.TemporaryDirectory(prefix="motsim-agents-") as tmp:
                path = os.path.join(tmp, "run.h5")
                self._r.write(path, False, True)
                with h5py.File(path, "r") as f:
                    cols = {}
                    for name, ds in f["agents"].items():
                        a = ds[()]
                        if a.ndim == 2:
                            for k, prod in enumerate(self.products):
                                cols[f"{name}.{prod}"] = a[:, k]
                        else:
                            cols[name] = a
            self._agents = pd.DataFrame(cols, index=pd.RangeIndex(self.n_agents, name="agent"))
        return self._agents

    def to_hdf5(self, path, force=False, save_agents=False):
        """Writes the run file `motsim run` writes (the same writer: atomic; an existing file is
        refused without force). save_agents: the final state of every agent in /agents."""
        self._r.write(os.fspath(path), force, save_agents)
        return path

    def __repr__(self):
        return (f"<motsim run: {self.n_agents} agents, {self.days} days, seed {self.seed}, "
                f"products {', '.join(self.products)}>")
