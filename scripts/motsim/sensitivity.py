"""Sensitivity indices from a sweep loaded with load_sweep: Morris elementary effects and Sobol
indices, each with bootstrap confidence intervals, a convergence check and (Sobol) a noise floor.

Estimators (docs/sweeps.md, "Sensitivity indices"):
  Sobol first order   Saltelli et al. (2010), table 2 (b): V_i = mean(f_B (f_AB_i - f_A)), on the
                      output centred by the mean of A and B pooled; V from A and B pooled.
  Sobol total         Jansen (1999): VT_i = mean((f_A - f_AB_i)^2) / 2.
  Sobol second order  Saltelli (2002): V_ij = mean(f_BA_i f_AB_j - f_A f_B) - V_i - V_j; needs the
                      BA_i blocks, which motsim's design does not write yet (sobol_second_order says so).
  Noise floor         the indices of a dummy parameter (one the model ignores) from the same A and B
                      runs, as Khorashadi Zadeh et al. (2017): S_d = (mean(f_A f_B) - mean(f_A)^2) / V,
                      ST_d = 1 - (mean(f_B^2) - mean(f_A)^2) / V, on the centred output.
  Morris              mu* = mean |EE| (Campolongo et al. 2007), mu, sigma (Morris 1991).
  Intervals           percentile bootstrap (Efron & Tibshirani 1993; Archer et al. 1997 for Sobol
                      indices): the N base rows (Sobol) or the r trajectories (Morris) resampled with
                      replacement, one seeded generator, so a result is reproducible.
  Convergence         the same indices from the first half of the design (rows < N/2: points 1..N/2
                      of the Sobol sequence; trajectories < r/2); converged when each index moved by
                      less than the half-width of its interval.
Replicates are averaged per point first.
"""
import math
import warnings

import numpy as np
import pandas as pd

DUMMY = "(dummy)"
_BOOT, _CI, _SEED = 1000, 0.95, 0


def _unit(df, spec):
    """Each swept range parameter on the unit scale of the design."""
    u = pd.DataFrame(index=df.index)
    for key, v in spec.get("parameters", {}).items():
        if isinstance(v, dict):
            lo, hi = float(v["min"]), float(v["max"])
            x = df[key].astype(float)
            u[key] = (np.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo)) if v.get("log") else (x - lo) / (hi - lo)
    return u


def _interval(samples, ci):
    """Percentile interval of bootstrap samples along axis 0 (NaN samples ignored)."""
    with warnings.catch_warnings():  # an index that is NaN in every resample stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanpercentile(samples, [50 * (1 - ci), 50 * (1 + ci)], axis=0)
    return lo, hi


def _converged(full, half, lo, hi):
    """Whether an index moved from N/2 to N by less than the half-width of its interval."""
    with np.errstate(invalid="ignore"):
        return np.abs(full - half) <= (hi - lo) / 2


# ---- Morris ----------------------------------------------------------------------------------

def _effects_matrix(pts, u, params, output):
    """The elementary effects as an array [trajectory, parameter] (NaN where a step moved nothing,
    as when an integer parameter on a narrow range rounds both ends alike)."""
    trajectories = sorted(pts["trajectory"].unique())
    ee = np.full((len(trajectories), len(params)), np.nan)
    for t_i, (_, t) in enumerate(pts.sort_values(["trajectory", "step"]).groupby("trajectory", sort=True)):
        y, ut, changed = t[output].to_numpy(float), u.loc[t.index], t["changed"].to_numpy()
        for s in range(1, len(t)):
            p = int(changed[s])
            dx = ut[params[p]].iloc[s] - ut[params[p]].iloc[s - 1]
            if dx != 0:
                ee[t_i, p] = (y[s] - y[s - 1]) / dx
    return ee


def _morris_stats(ee):
    """mu*, mu and sigma of elementary effects [..., trajectory, parameter]."""
    with warnings.catch_warnings():  # a parameter without effects has NaN indices
        warnings.simplefilter("ignore", RuntimeWarning)
        return (np.nanmean(np.abs(ee), axis=-2), np.nanmean(ee, axis=-2), np.nanstd(ee, axis=-2, ddof=1))


def morris_indices(df, output, n_boot=_BOOT, ci=_CI, seed=_SEED):
    """Morris (1991) elementary effects from a Morris sweep: mu* (mean |EE|, Campolongo et al.
    2007), mu and sigma per parameter, on the unit scale of the design, each with a percentile
    bootstrap interval over trajectories (columns *_lo, *_hi), and mu* from the first half of the
    trajectories (mu_star_at_half, converged). Replicates are averaged first."""
    if df.attrs.get("design") != "morris":
        raise ValueError("morris_indices needs a sweep with design = \"morris\"")
    params = df.attrs["parameters"]
    pts = df.groupby("point").agg({output: "mean", "trajectory": "first", "step": "first", "changed": "first",
                                   **{p: "first" for p in params}})
    ee = _effects_matrix(pts, _unit(pts, df.attrs["spec"]), params, output)
    r = ee.shape[0]
    idx = np.random.default_rng(seed).integers(0, r, size=(n_boot, r))
    boot = _morris_stats(ee[idx])
    est = _morris_stats(ee)
    half = _morris_stats(ee[: max(r // 2, 1)])[0]
    out = pd.DataFrame({"parameter": params})
    for name, e, b in zip(["mu_star", "mu", "sigma"], est, boot):
        out[name] = e
        out[name + "_lo"], out[name + "_hi"] = _interval(b, ci)
    out["trajectories"] = (~np.isnan(ee)).sum(axis=0)
    out["mu_star_at_half"] = half
    out["converged"] = _converged(out["mu_star"], half, out["mu_star_lo"], out["mu_star_hi"])
    out = out.set_index("parameter")
    out.attrs.update(estimator="Morris 1991; mu* Campolongo et al. 2007", trajectories=r, n_boot=n_boot, ci=ci,
                     seed=seed, interval="percentile bootstrap over trajectories")
    return out


# ---- Sobol -----------------------------------------------------------------------------------

def _sobol_blocks(df, output, blocks_needed):
    """The output per block as an array [block, row] (replicates averaged; base rows with a NaN
    in any block dropped) and the number of rows dropped."""
    pts = df.groupby("point").agg({output: "mean", "block": "first", "row": "first"})
    wide = pts.set_index(["row", "block"])[output].unstack("block")
    missing = [b for b in blocks_needed if b not in wide.columns]
    if missing:
        raise ValueError(f"the sweep lacks Sobol blocks {missing} (0 = A, 1 = B, 2 + i = AB_i)")
    y = wide[blocks_needed].to_numpy(float).T
    keep = ~np.isnan(y).any(axis=0)
    return y[:, keep], int((~keep).sum())


def _centred(y):
    """The output centred by the mean of A and B pooled (rows of y: A, B, ...), and V (A and B pooled)."""
    ab = np.concatenate([y[..., 0, :], y[..., 1, :]], axis=-1)
    m = ab.mean(axis=-1)[..., None, None]
    return y - m, ab.var(axis=-1, ddof=1)


def _ratio(num, var):
    with np.errstate(all="ignore"):
        return np.where(var > 0, num / np.where(var > 0, var, 1), np.nan)


def _sobol_stats(y):
    """First-order and total indices of each AB_i block of y [..., 2 + k, N], and the dummy's."""
    yc, var = _centred(y)
    fa, fb, fab = yc[..., 0, :], yc[..., 1, :], yc[..., 2:, :]
    s1 = _ratio(np.mean(fb[..., None, :] * (fab - fa[..., None, :]), axis=-1), var[..., None])
    st = _ratio(0.5 * np.mean((fa[..., None, :] - fab) ** 2, axis=-1), var[..., None])
    f0sq = fa.mean(axis=-1) ** 2
    s1_d = _ratio(np.mean(fa * fb, axis=-1) - f0sq, var)
    st_d = 1 - _ratio(np.mean(fb * fb, axis=-1) - f0sq, var)
    return np.concatenate([s1, s1_d[..., None]], axis=-1), np.concatenate([st, st_d[..., None]], axis=-1)


def _bootstrap(stats, y, n_boot, seed, chunk=100):
    """stats over n_boot resamples (with replacement) of the base rows of y [blocks, N], stacked."""
    rng = np.random.default_rng(seed)
    n = y.shape[-1]
    out = []
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
        out.append(stats(np.moveaxis(y[:, idx], 1, 0)))  # [resample, block, N]
    return [np.concatenate(parts, axis=0) for parts in zip(*out)]


def sobol_indices(df, output, n_boot=_BOOT, ci=_CI, seed=_SEED, dummy=True):
    """First-order (Saltelli 2010, centred) and total (Jansen 1999) Sobol indices from a Sobol sweep
    (design = "sobol": blocks A, B and AB_i), each with a percentile bootstrap interval over the N
    base rows (columns *_lo, *_hi), the indices from the first N/2 rows (*_at_half, converged), and
    a last row "(dummy)": the noise floor of Khorashadi Zadeh et al. (2017). `above_noise` says
    whether a parameter's total index is above the dummy's interval. Replicates are averaged first."""
    if df.attrs.get("design") != "sobol":
        raise ValueError("sobol_indices needs a sweep with design = \"sobol\"")
    params = list(df.attrs["parameters"])
    y, dropped = _sobol_blocks(df, output, list(range(2 + len(params))))
    s1, st = _sobol_stats(y)
    b1, bt = _bootstrap(_sobol_stats, y, n_boot, seed)
    h1, ht = _sobol_stats(y[:, : max(y.shape[1] // 2, 2)])
    out = pd.DataFrame({"parameter": params + [DUMMY], "first_order": s1})
    out["first_order_lo"], out["first_order_hi"] = _interval(b1, ci)
    out["total"] = st
    out["total_lo"], out["total_hi"] = _interval(bt, ci)
    out["first_order_at_half"], out["total_at_half"] = h1, ht
    out["converged"] = (_converged(s1, h1, out["first_order_lo"], out["first_order_hi"])
                        & _converged(st, ht, out["total_lo"], out["total_hi"]))
    out["above_noise"] = out["total_lo"] > out["total_hi"].iloc[-1]
    out.loc[len(params), "above_noise"] = False
    out = out.set_index("parameter")
    out.attrs.update(estimator="first order Saltelli et al. 2010 (centred), total Jansen 1999; "
                     "dummy Khorashadi Zadeh et al. 2017", N=y.shape[1], dropped_rows=dropped, n_boot=n_boot, ci=ci,
                     seed=seed, interval="percentile bootstrap over base rows")
    return out if dummy else out.drop(index=DUMMY)


SECOND_ORDER_NEEDS = (
    "second-order Sobol indices need the BA_i blocks (B with column i taken from A; Saltelli 2002), which "
    "this sweep does not hold: without them a Sobol design stores A, B and AB_i, N (k + 2) runs. Add "
    "second_order = true to the spec (N (2k + 2) runs, BA_i as block 2 + k + i) and at least two parameters")


def _second_order_stats(y, k):
    """S_ij (i < j) from y [..., 2 + 2k, N]: blocks A, B, AB_0..AB_k-1, BA_0..BA_k-1."""
    yc, var = _centred(y)
    fa, fb = yc[..., 0, :], yc[..., 1, :]
    fab, fba = yc[..., 2:2 + k, :], yc[..., 2 + k:, :]
    v1 = np.mean(fb[..., None, :] * (fab - fa[..., None, :]), axis=-1)
    out = []
    for i in range(k):
        for j in range(i + 1, k):
            vc = np.mean(fba[..., i, :] * fab[..., j, :] - fa * fb, axis=-1)
            out.append(_ratio(vc - v1[..., i] - v1[..., j], var))
    return (np.stack(out, axis=-1),)


def sobol_second_order(df, output, n_boot=_BOOT, ci=_CI, seed=_SEED):
    """Second-order Sobol indices S_ij (Saltelli 2002, on the centred output) with percentile
    bootstrap intervals, from a Sobol sweep whose design holds the BA_i blocks (block 2 + k + i);
    raises ValueError saying how the design must be extended when it does not."""
    if df.attrs.get("design") != "sobol":
        raise ValueError("sobol_second_order needs a sweep with design = \"sobol\"")
    params = list(df.attrs["parameters"])
    k = len(params)
    if k < 2 or not set(range(2 + k, 2 + 2 * k)) <= set(df["block"].unique()):
        raise ValueError(SECOND_ORDER_NEEDS)
    y, dropped = _sobol_blocks(df, output, list(range(2 + 2 * k)))
    (s2,) = _second_order_stats(y, k)
    (boot,) = _bootstrap(lambda a: _second_order_stats(a, k), y, n_boot, seed)
    pairs = [(params[i], params[j]) for i in range(k) for j in range(i + 1, k)]
    out = pd.DataFrame({"parameter_i": [p[0] for p in pairs], "parameter_j": [p[1] for p in pairs], "second_order": s2})
    out["second_order_lo"], out["second_order_hi"] = _interval(boot, ci)
    out = out.set_index(["parameter_i", "parameter_j"])
    out.attrs.update(estimator="Saltelli 2002 (centred)", N=y.shape[1], dropped_rows=dropped, n_boot=n_boot, ci=ci,
                     seed=seed)
    return out
