"""The loader of compare files (`motsim compare`, format motsim-compare-1; layout in docs/hdf5-compare.md)."""
import h5py
import pandas as pd

from .hdf5 import check_format, strings, text


def _runs(f, scen, prods, kn):
    runs = f["kpis/runs"][()]
    S, R, J, K1 = runs.shape
    return pd.DataFrame([dict(scenario=scen[s], replicate=r, product=prods[k], **{kn[j]: runs[s, r, j, k] for j in range(J)})
                         for s in range(S) for r in range(R) for k in range(K1)])


def _summary(f, scen, prods, kn):
    mean, ci = f["kpis/mean"][()], f["kpis/ci95"][()]
    S, J, K1 = mean.shape
    return pd.DataFrame([dict(scenario=scen[s], product=prods[k], kpi=kn[j], mean=mean[s, j, k], ci95=ci[s, j, k])
                         for s in range(S) for j in range(J) for k in range(K1)])


def _differences(f, scen, prods, kn):
    dm, dc, dr, sig = (f["kpis/" + n][()] for n in ("diff_mean", "diff_ci95", "diff_relative", "diff_significant"))
    V, J, K1 = dm.shape
    return pd.DataFrame([dict(variant=scen[v + 1], base=scen[0], product=prods[k], kpi=kn[j], difference=dm[v, j, k],
                              ci95=dc[v, j, k], relative=dr[v, j, k], significant=bool(sig[v, j, k]))
                         for v in range(V) for j in range(J) for k in range(K1)])


def _series(f, scen, prods):
    ser = {}
    D = 0
    for name, ds in f["series"].items():
        ser[name] = ds[()].reshape(-1)
        D = ds.shape[1]
    idx = pd.MultiIndex.from_product([scen, range(D), prods[:-1]], names=["scenario", "day", "product"])
    return pd.DataFrame(ser, index=idx).reset_index()


def _stars(f, scen, prods):
    """scenario, product, stars, one column per kind; None when a /stars dataset has an unexpected shape."""
    S, K = len(scen), len(prods) - 1
    kinds = sorted(f["stars"].keys())
    arr = {k: f["stars/" + k][()] for k in kinds}
    if not all(a.shape == (S, K, 5) for a in arr.values()):
        return None
    return pd.DataFrame([dict(scenario=scen[s], product=prods[k], stars=n + 1, **{kd: arr[kd][s, k, n] for kd in kinds})
                         for s in range(S) for k in range(K) for n in range(5)])


def _economics(f, scen, prods):
    """variant, base, product, incremental profit and spend with their 95% half-widths, roi, payback_day."""
    names = ("incremental_profit", "incremental_profit_ci95", "incremental_spend", "incremental_spend_ci95",
             "roi", "payback_day")
    arr = {n: f["economics/" + n][()] for n in names if "economics/" + n in f}
    V = len(scen) - 1
    if len(arr) != len(names) or not all(a.shape == (V, len(prods)) for a in arr.values()):
        return None
    return pd.DataFrame([dict(variant=scen[v + 1], base=scen[0], product=prods[k], **{n: arr[n][v, k] for n in names})
                         for v in range(V) for k in range(len(prods))])


def _scenarios(f, scen):
    """name, path, title, question per scenario (title and question "" in files written before them)."""
    n = len(scen)
    col = lambda name: strings(f["scenarios/" + name]) if "scenarios/" + name in f else [""] * n
    return pd.DataFrame(dict(scenario=scen, path=col("path"), title=col("title"), question=col("question")))


def _levers(f, scen):
    """variant, base, key, base_value, variant_value: the keys each variant changes (/levers)."""
    lv = f["levers"]
    return pd.DataFrame(dict(variant=[scen[int(s)] for s in lv["scenario"][()]], base=scen[0], key=strings(lv["key"]),
                             base_value=strings(lv["base"]), variant_value=strings(lv["variant"])),
                        columns=["variant", "base", "key", "base_value", "variant_value"])


def _attribution(f, scen, prods, kn):
    """variant, base, lever, product, kpi, shapley, ci95, sampling_se, main_effect, total, interaction
    (/attribution); its attributes (method, permutations, coalitions, max_error, sum_residual) in .attrs."""
    a = f["attribution"]
    lev = strings(a["levers"])
    sh, ci, se, me = (a[n][()] for n in ("shapley", "shapley_ci95", "shapley_se", "main_effect"))
    tot, inter = a["total"][()], a["interaction"][()]
    L, J, K1 = sh.shape
    out = pd.DataFrame([dict(variant=scen[-1], base=scen[0], lever=lev[l], product=prods[k], kpi=kn[j],
                             shapley=sh[l, j, k], ci95=ci[l, j, k], sampling_se=se[l, j, k], main_effect=me[l, j, k],
                             total=tot[j, k], interaction=inter[j, k])
                        for l in range(L) for j in range(J) for k in range(K1)])
    out.attrs.update({k: (text(v) if isinstance(v, (bytes, str)) else v.item()) for k, v in a.attrs.items()})
    return out


def load_compare(path):
    """A compare file as a dict: 'runs' (scenario, replicate, product, one column per KPI),
    'summary' (scenario, product, kpi, mean, ci95), 'differences' (variant, product, kpi,
    difference, ci95, relative, significant), 'series' (scenario, day, product, series...),
    'stars' (scenario, product, stars 1-5, displayed, experience) when the file has /stars,
    'scenarios' (scenario, path, title, question), 'levers' (variant, base, key, base_value,
    variant_value) when the file has /levers, 'attribution' (variant, base, lever, product, kpi,
    shapley, ci95, sampling_se, main_effect, total, interaction; method and the other attributes in
    .attrs) when it was written by compare --attribute; 'kpis' (kpi, good: +1 higher is better, -1
    lower, 0 neither) and a 'good' column in 'summary' and 'differences' when it has /kpis/good;
    'economics' (variant, base, product, incremental_profit, incremental_profit_ci95,
    incremental_spend, incremental_spend_ci95, roi, payback_day) when it has /economics. Older
    files simply lack these."""
    with h5py.File(path, "r") as f:
        check_format(f, "motsim-compare-1", path)
        scen, prods, kn = strings(f["scenarios/name"]), strings(f["products/name"]) + ["all"], strings(f["kpis/name"])
        out = {"runs": _runs(f, scen, prods, kn), "summary": _summary(f, scen, prods, kn),
               "differences": _differences(f, scen, prods, kn), "series": _series(f, scen, prods)}
        if "kpis/good" in f and f["kpis/good"].shape == (len(kn),):  # which way is good (newer files)
            good = dict(zip(kn, (int(g) for g in f["kpis/good"][()])))
            out["kpis"] = pd.DataFrame({"kpi": kn, "good": [good[k] for k in kn]})
            for part in ("summary", "differences"):
                out[part]["good"] = out[part]["kpi"].map(good)
        if "economics" in f:  # is it worth doing (newer files)
            econ = _economics(f, scen, prods)
            if econ is not None:
                out["economics"] = econ
        if "stars" in f:  # star distributions (newer compare files)
            stars = _stars(f, scen, prods)
            if stars is not None:
                out["stars"] = stars
        out["scenarios"] = _scenarios(f, scen)
        if "levers" in f:  # the keys each variant changes (newer compare files)
            out["levers"] = _levers(f, scen)
        if "attribution" in f:  # compare --attribute
            out["attribution"] = _attribution(f, scen, prods, kn)
        return out
