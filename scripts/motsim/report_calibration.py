"""The report of a calibration file (`motsim calibrate`): observed against predicted with bands
(the training window shaded), the posterior marginals and pairs, and the convergence."""
import matplotlib.pyplot as plt
import numpy as np

from .calibration import load_calibration

SERIES_LABEL = {"units": "units sold", "revenue": "revenue", "reviews": "reviews posted",
                "rating_mean": "displayed rating (stars)", "market_share": "market share", "awareness": "awareness"}


def _forecast_fig(cal, series, training):
    fc = cal["forecast"].query("series == @series")
    products = list(dict.fromkeys(fc["product"]))
    fig, axes = plt.subplots(1, len(products), figsize=(4.2 * len(products), 3.2), squeeze=False, sharey=True)
    for ax, p in zip(axes[0], products):
        d = fc[fc["product"] == p]
        x = d["period"] + 1
        ax.axvspan(0.5, training + 0.5, color="#eeeeee", label="training window")
        ax.fill_between(x, d["q05"], d["q95"], color="#9ecae1", alpha=0.6, label="90 % band")
        ax.fill_between(x, d["q25"], d["q75"], color="#3182bd", alpha=0.6, label="50 % band")
        ax.plot(x, d["q50"], color="#08519c", lw=1.5, label="median")
        tr = d[d["period"] < training]
        ho = d[d["period"] >= training]
        ax.plot(tr["period"] + 1, tr["observed"], "o", color="black", ms=3.5, label="observed (fitted)")
        ax.plot(ho["period"] + 1, ho["observed"], "o", mfc="white", color="black", ms=3.5, label="observed (held out)")
        ax.set_title(p)
        ax.set_xlabel(cal["attrs"].get("period", "period"))
    axes[0][0].set_ylabel(SERIES_LABEL.get(series, series))
    axes[0][-1].legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def _marginals_fig(cal):
    parts = cal["particles"]
    last = parts[parts["generation"] == parts["generation"].max()]
    names = list(cal["posterior"].index)
    P = len(names)
    fig, axes = plt.subplots(P, P, figsize=(2.6 * P, 2.4 * P), squeeze=False)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ax = axes[i][j]
            if i == j:
                ax.hist(last[a], bins=20, weights=last["weight"], color="#3182bd")
                ax.set_yticks([])
            elif i > j:
                ax.scatter(last[b], last[a], s=6, alpha=0.5, color="#08519c")
            else:
                ax.axis("off")
            if i == P - 1:
                ax.set_xlabel(b, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(a, fontsize=8)
    fig.tight_layout()
    return fig


def _convergence_fig(cal):
    g = cal["generations"]
    fig, ax = plt.subplots(1, 2, figsize=(8, 2.8))
    ax[0].plot(g.index[1:], g["tolerance"].iloc[1:], "o-")
    ax[0].set_xlabel("generation")
    ax[0].set_ylabel("tolerance")
    ax[1].plot(g.index, 100 * g["acceptance"], "o-", color="#e6550d")
    ax[1].set_xlabel("generation")
    ax[1].set_ylabel("acceptance (%)")
    fig.tight_layout()
    return fig


def report_calibration(path, page):
    """The sections of a calibration file's report; returns the question it answers."""
    cal = load_calibration(path)
    a = cal["attrs"]
    training = int(a["training_periods"])
    page.title = f"Calibration: {a['spec_path']}"
    page.p(f"Method <b>{a['method']}</b> (stopped: {a['stopped']}), distance {a['distance']}, "
           f"fitted on the first {training} {a['period']}s of the data.")
    post = cal["posterior"]
    page.table(["parameter", "prior", "mean", "sd", "5 %", "median", "95 %"],
               [[n, r["prior"], f"{r['mean']:.4g}", f"{r['sd']:.3g}", f"{r['q05']:.4g}", f"{r['q50']:.4g}",
                 f"{r['q95']:.4g}"] for n, r in post.iterrows()])
    sc = cal["scores"]
    if sc["held_out"] > 0:
        page.p(f"Forecast on {sc['held_out']} held-out values: the 50 % band covers {100 * sc['coverage50']:.0f} %, "
               f"the 90 % band {100 * sc['coverage90']:.0f} %; mean absolute percentage error of the median "
               f"{100 * sc['mape']:.1f} %.")
    for series in dict.fromkeys(cal["forecast"]["series"]):
        page.fig(_forecast_fig(cal, series, training), f"forecast_{series}.png",
                 f"{SERIES_LABEL.get(series, series)}: observed against the posterior predictive")
    if "particles" in cal:
        page.fig(_marginals_fig(cal), "posterior.png", "posterior marginals (diagonal) and pairs, last generation")
        page.fig(_convergence_fig(cal), "convergence.png", "tolerance and acceptance rate per generation")
    return "What market do these data describe, and what will it do next?"
