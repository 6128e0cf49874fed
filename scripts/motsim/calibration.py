"""The loader of calibration files (`motsim calibrate`, format motsim-calibration-1; layout in
docs/calibration.md, "The file")."""
import h5py
import numpy as np
import pandas as pd

from .hdf5 import check_format, strings, text


def _generations(f, names):
    g = f["generations"]
    summary = pd.DataFrame({k: g[k][()] for k in ("tolerance", "acceptance", "ess", "attempts", "evaluations",
                                                   "seconds")})
    summary.index.name = "generation"
    parts, w, d = g["particles"][()], g["weights"][()], g["distances"][()]
    G, N, P = parts.shape
    rows = pd.DataFrame(parts.reshape(G * N, P), columns=names)
    rows.insert(0, "particle", np.tile(np.arange(N), G))
    rows.insert(0, "generation", np.repeat(np.arange(G), N))
    rows["weight"], rows["distance"] = w.reshape(-1), d.reshape(-1)
    return summary, rows


def load_calibration(path):
    """A calibration file as a dict: 'posterior' (one row per parameter: prior, mean, sd, q05,
    q50, q95), 'particles' (every generation's particles with weight and distance; ABC-SMC),
    'generations' (tolerance, acceptance, ESS, attempts, evaluations, seconds per generation),
    'observed' (series, product, period, value, training), 'forecast' (series, product, period,
    first_day, end_day, observed, q05..q95), 'scores' (coverage50, coverage90, mape, held_out),
    'optimum' and 'profile' (optimize), 'spec' (the spec's text) and 'attrs'."""
    with h5py.File(path, "r") as f:
        check_format(f, "motsim-calibration-1", path)
        names = strings(f["parameters/name"])
        post = pd.DataFrame({k: f["posterior"][k][()] for k in ("mean", "sd", "q05", "q50", "q95")},
                            index=pd.Index(names, name="parameter"))
        post.insert(0, "prior", strings(f["parameters/prior"]))
        out = {"posterior": post, "spec": text(f.attrs["spec"]),
               "attrs": {k: (text(v) if isinstance(v, (bytes, str)) else v.item()) for k, v in f.attrs.items()}}
        obs = f["observed"]
        out["observed"] = pd.DataFrame({"series": strings(obs["series"]), "product": strings(obs["product"]),
                                        "period": obs["period"][()].astype(int), "value": obs["value"][()],
                                        "training": obs["training"][()].astype(bool)})
        fc = f["forecast"]
        cols = {"series": strings(fc["series"]), "product": strings(fc["product"])}
        for k in ("period", "first_day", "end_day"):
            cols[k] = fc[k][()].astype(int)
        for k in ("observed", "q05", "q25", "q50", "q75", "q95"):
            cols[k] = fc[k][()]
        out["forecast"] = pd.DataFrame(cols)
        out["scores"] = {k: fc.attrs[k].item() for k in ("coverage50", "coverage90", "mape", "held_out")}
        if "generations" in f:
            out["generations"], out["particles"] = _generations(f, names)
        if "optimum" in f:
            o = f["optimum"]
            out["optimum"] = pd.Series(o["theta"][()], index=names, name="optimum")
            px, pd_ = o["profile_x"][()], o["profile_d"][()]
            out["profile"] = pd.DataFrame([dict(parameter=names[j], value=px[j, m], distance=pd_[j, m])
                                           for j in range(px.shape[0]) for m in range(px.shape[1])])
        return out
