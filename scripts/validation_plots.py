#!/usr/bin/python3
"""Draw the validation figures of docs/validation.md.

Runs the validation suite ($MOTSIM_BUILD_DIR, default build/, tests/validation/motsim_validation) with
MOTSIM_VALIDATION_OUT set, so each case writes the data it checked as CSV, then plots them
into docs/img/validation_*.png. Usage: scripts/validation_plots.py [--keep DIR]
Needs Debian's python3-matplotlib, python3-pandas and python3-numpy.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from motsim import paths  # noqa: E402  (the package beside this script, scripts/motsim/)

ROOT = paths.repo_root()
IMG = os.path.join(ROOT, "docs", "img")
P, Q = 0.03, 0.38


def bass(t, p=P, q=Q):
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def fig_bass(d):
    fig, ax = plt.subplots(2, 2, figsize=(12, 8.4))
    ax = ax.ravel()
    c = pd.read_csv(os.path.join(d, "bass_complete.csv"))
    g0 = c[c["replicate"] == 0]
    ax[0].plot(g0["years"], g0["simulated"], lw=2.5, color="tab:orange", label="simulated (replicate 0)")
    t = np.linspace(0, 20, 400)
    ax[0].plot(t, bass(t), "k--", lw=1.2, label="Bass closed form")
    ts = np.log(Q / P) / (P + Q)
    ax[0].axvline(ts, color="grey", lw=0.8)
    ax[0].axhline(bass(ts), color="grey", lw=0.8)
    ax[0].annotate(f"t* = {ts:.2f} years, F(t*) = {bass(ts):.3f}", (ts + 0.3, 0.2))
    ax[0].set(title="Complete network, 100,000 agents, p = 0.03, q = 0.38 per year", xlabel="years",
              ylabel="cumulative adoption F")
    ax[0].legend(fontsize=8, loc="lower right")
    nrep = c["replicate"].nunique()
    for rep, g in c.groupby("replicate"):
        ax[1].plot(g["years"], 100 * (g["simulated"] - g["closed_form"]), lw=0.8, alpha=0.8)
    t = np.arange(1, 7301) / 365.0
    f = np.zeros_like(t)
    x = 0.0
    for i in range(len(t)):
        x = x + (1 - x) * (1 - (1 - P / 365) * (1 - Q / 365 * x))
        f[i] = x
    ax[1].plot(t, 100 * (f - bass(t)), "k-", lw=2, label="daily recurrence (no noise)")
    ax[1].axhspan(-2, 2, color="tab:green", alpha=0.08, label="tolerance: 2 points")
    ax[1].set(title=f"Gap to the closed form, {nrep} replicates (thin lines)", xlabel="years",
              ylabel="F simulated - F closed form (percentage points)", ylim=(-2.5, 2.5))
    ax[1].legend(fontsize=8, loc="lower right")
    n = pd.read_csv(os.path.join(d, "bass_networks.csv"))
    names = {"ring2": "ring, degree 2", "ring4": "ring, degree 4", "ws4": "Watts-Strogatz, degree 4, rewiring 0.1",
             "complete": "complete (mean field)"}
    for key, label in names.items():
        g = n[n["network"] == key].groupby("years")["simulated"].mean()
        ax[2].plot(g.index, g.values, label=label)
    t = np.linspace(0, 15, 300)
    ax[2].plot(t, 1 - np.exp(-(P + Q) * t + (Q / P) * (1 - np.exp(-P * t))), "k:", lw=1.5,
               label="1-D closed form (Fibich & Gibori 2010)")
    ax[2].set(title="Networks (100,000 agents, mean of replicates)", xlabel="years", ylabel="cumulative adoption F")
    ax[2].legend(fontsize=8, loc="upper left")
    b = pd.read_csv(os.path.join(d, "bass_per_day.csv"))
    ax[3].plot(b["day"] + 1, b["simulated"], lw=2.5, label="simulated")
    ax[3].plot(b["day"] + 1, b["recurrence"], "--", color="tab:orange", label="daily recurrence")
    ax[3].plot(b["day"] + 1, b["closed_form"], "k:", label="closed form, t in days")
    ax[3].set(title="Same coefficients applied per DAY (p = 0.03, q = 0.38 per day)", xlabel="days",
              ylabel="cumulative adoption F", xlim=(0, 25))
    ax[3].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "validation_bass.png"), dpi=100)


def fig_reviews(d):
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    j = pd.read_csv(os.path.join(d, "jshape.csv"))
    x = np.arange(1, 6)
    ax[0].bar(x - 0.2, j["every_buyer"], 0.4, label="every buyer (no self-selection)")
    ax[0].bar(x + 0.2, j["posted"], 0.4, label="posted reviews")
    ax[0].set(title="J-shaped posted ratings\n(Hu, Pavlou & Zhang 2009)", xlabel="stars", ylabel="share", ylim=(0, 0.45))
    ax[0].legend(fontsize=8)
    h = pd.read_csv(os.path.join(d, "herding.csv"))
    w = h.pivot_table(index=["quality", "price", "network", "replicate"], columns="prior",
                      values="positive_per_buyer").reset_index()
    w["up"] = 100 * (w["positive"] / w["neutral"] - 1)
    for (net, price), g in w.groupby(["network", "price"]):
        m = g.groupby("quality")["up"].agg(["mean", "std"])
        ax[1].errorbar(m.index, m["mean"], yerr=m["std"], marker="o", ms=4, capsize=2,
                       label=f"{net}, price {price}")
    ax[1].axhline(32, color="k", ls="--", lw=1, label="Muchnik et al. 2013: +32%")
    ax[1].axhspan(16, 48, color="tab:green", alpha=0.08, label="tolerance 16-48%")
    ax[1].set(title="Herding: positive ratings per buyer after a positive prior\n(vs a neutral display), by quality",
              xlabel="product quality", ylabel="change (%)", ylim=(0, 60))
    ax[1].legend(fontsize=7, loc="lower right")
    r = pd.read_csv(os.path.join(d, "reviews_sales.csv")).groupby("measure")["value"].agg(["mean", "std"])
    ax[2].bar(["5 reviews vs none\n(sales ratio)", "rating elasticity\nof sales"], r["mean"][["five_vs_none_ratio", "rating_elasticity"]],
              yerr=r["std"][["five_vs_none_ratio", "rating_elasticity"]], color="tab:blue", label="simulated")
    ax[2].plot([-0.3, 0.3], [3.7, 3.7], "k--", label="Spiegel 2017: x3.7")
    ax[2].fill_between([0.7, 1.3], 0.2, 0.6, color="orange", alpha=0.4, label="You et al. 2015: 0.2-0.6")
    ax[2].set(title="Reviews and sales")
    ax[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "validation_reviews.png"), dpi=100)


def fig_experience(d):
    fig, axs = plt.subplots(2, 2, figsize=(12, 8.4))
    ax = [axs[0, 0], axs[1, 0], axs[1, 1], axs[0, 1]]
    pc = pd.read_csv(os.path.join(d, "peak_end_cold.csv")).groupby("milder_end")[
        ["total_discomfort", "remembered", "repurchase"]].mean()
    x = np.arange(3)
    ax[3].bar(x - 0.2, pc.loc[0], 0.4, label="5 unpleasant episodes")
    ax[3].bar(x + 0.2, pc.loc[1], 0.4, label="the same + a 6th, milder (4.8)")
    ax[3].set_xticks(x, ["experiencing self:\ntotal discomfort", "remembered\nsatisfaction", "repeat purchases\nper buyer"])
    ax[3].set(title="Peak-end, cold-pressor design (Kahneman et al. 1993)\nproduct of quality 4 < neutral 5")
    ax[3].legend(fontsize=8)
    pe = pd.read_csv(os.path.join(d, "peak_end.csv")).groupby("follow_up")[["remembered", "experienced", "repurchase"]].mean()
    x = np.arange(3)
    ax[0].bar(x - 0.2, pe.loc[0], 0.4, label="no follow-up")
    ax[0].bar(x + 0.2, pe.loc[1], 0.4, label="milder ending (follow-up at 7)")
    ax[0].set_xticks(x, ["remembered\nsatisfaction", "experienced\n(episode mean)", "repeat purchases\nper buyer"])
    ax[0].set(title="Peak-end: an after-sales follow-up ends on a milder note")
    ax[0].legend(fontsize=8)
    op = pd.read_csv(os.path.join(d, "over_promising.csv")).groupby("claim").mean()
    cols = ["first_month_units", "refunds", "lost", "final_rating"]
    rel = op.loc[9, cols] / op.loc[6, cols]
    ax[1].bar(["first-month\nunits", "refunds", "lost\ncustomers", "displayed\nrating"], rel,
              color=["tab:green", "tab:red", "tab:red", "tab:red"])
    ax[1].axhline(1, color="k", lw=0.8)
    ax[1].set(title="Over-promising: claim 9 vs honest 6 (quality 6)", ylabel="hype / honest")
    sr = pd.read_csv(os.path.join(d, "service_recovery.csv"))
    sr = sr.pivot_table(index=["quality", "replicate"], columns="world", values=["remembered", "repurchase"])
    diff = pd.DataFrame({
        "sat_unres": sr[("remembered", "recovered")] - sr[("remembered", "unresolved")],
        "sat_flaw": sr[("remembered", "recovered")] - sr[("remembered", "no_incident")],
        "rep_flaw": sr[("repurchase", "recovered")] - sr[("repurchase", "no_incident")],
    }).groupby("quality").mean()
    ax[2].plot(diff.index, diff["sat_unres"], "o-", label="satisfaction: recovered - unresolved")
    ax[2].plot(diff.index, diff["sat_flaw"], "s-", label="satisfaction: recovered - no failure (paradox)")
    ax[2].plot(diff.index, diff["rep_flaw"], "^-", label="repeat purchases per buyer: recovered - no failure")
    ax[2].axhline(0, color="k", lw=0.8)
    ax[2].axvspan(7.5, 9.7, color="tab:red", alpha=0.06, label="known gap: paradox reverses above 7.5")
    ax[2].set(title="Service recovery (de Matos et al. 2007), by quality", xlabel="product quality",
              ylabel="difference (0-10 scale; purchases per buyer)")
    ax[2].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "validation_experience.png"), dpi=100)


def fig_content(d):
    c = pd.read_csv(os.path.join(d, "content_marketing.csv")).groupby("visibility")[["aware_share", "considered"]].agg(
        ["mean", "std"])
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    v = c.index.values
    ax[0].errorbar(v, c[("aware_share", "mean")], yerr=c[("aware_share", "std")], marker="o")
    ax[0].set(xscale="log", title="Awareness after 120 days", xlabel="search visibility of A (B = 1)", ylabel="share aware of A")
    ax[1].errorbar(v, c[("considered", "mean")], yerr=c[("considered", "std")], marker="o", color="tab:green")
    ax[1].set(xscale="log", title="Consideration", xlabel="search visibility of A (B = 1)", ylabel="decisions considering A")
    for a_ in ax:
        a_.set_xticks(v, [f"{x:g}" for x in v])
        a_.minorticks_off()
    fig.suptitle("Content marketing: visibility in online research")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "validation_content.png"), dpi=100)


def grid_mean(d, name, cols):
    g = pd.read_csv(os.path.join(d, name + ".csv"))
    return g.groupby(["network", "price", "quality"])[cols].mean().reset_index()


def fig_grid(d):
    """The grid cases: each published effect against quality, per price and network."""
    fig, ax = plt.subplots(2, 3, figsize=(15, 8.4))
    ax = ax.ravel()
    panels = [
        ("peak_end_grid", ["d_remembered", "d_repurchase"], "Peak-end: follow-up at quality + 1",
         {"d_remembered": "remembered", "d_repurchase": "repeat purchases / buyer"}),
        ("peak_end_cold_grid", ["d_remembered", "d_repurchase"], "Cold-pressor: a 6th episode at quality + 0.8",
         {"d_remembered": "remembered", "d_repurchase": "repeat purchases / buyer"}),
        ("over_promising_grid", ["first_month", "rating"], "Over-promising: claim quality + 3 (at most 10)",
         {"first_month": "first-month units (ratio - 1)", "rating": "displayed rating (stars)"}),
        ("reviews_sales_grid", ["five_vs_none_ratio", "rating_elasticity"], "Reviews and sales",
         {"five_vs_none_ratio": "5 reviews vs none (x)", "rating_elasticity": "rating elasticity"}),
    ]
    styles = {("complete", 60): "-", ("complete", 150): "--", ("watts_strogatz", 60): ":",
              ("watts_strogatz", 150): "-."}
    for a_, (name, cols, title, labels) in zip(ax, panels):
        g = grid_mean(d, name, cols)
        for (net, price), gg in g.groupby(["network", "price"]):
            for c, color in zip(cols, ["tab:blue", "tab:orange"]):
                a_.plot(gg["quality"], gg[c], styles[(net, price)], color=color, marker="o", ms=3,
                        label=f"{labels[c]}" if (net, price) == ("complete", 60) else None)
        a_.axhline(0, color="k", lw=0.6)
        a_.set(title=title, xlabel="product quality", ylabel="difference, treatment - control")
        a_.legend(fontsize=7)
    ax[3].axhline(3.7, color="tab:blue", lw=0.8, ls=":")
    ax[3].axhspan(2.0, 5.5, color="tab:blue", alpha=0.05)
    ax[3].axhspan(0.2, 0.6, color="tab:orange", alpha=0.1)
    ax[3].set_ylabel("value (bands: tolerances)")
    c = pd.read_csv(os.path.join(d, "content_marketing_grid.csv"))
    m = c.groupby(["network", "price", "quality", "visibility"])[["aware_share", "considered"]].mean().reset_index()
    sub = m[(m["network"] == "complete") & (m["price"] == 60)]
    for q, gg in sub.groupby("quality"):
        ax[4].plot(gg["visibility"], 100 * gg["aware_share"], marker="o", ms=3, label=f"quality {q:g}")
        ax[5].plot(gg["visibility"], gg["considered"], marker="o", ms=3, label=f"quality {q:g}")
    for a_, t, y in [(ax[4], "Content: awareness of A\n(complete network, price 60)", "share aware of A (%)"),
                     (ax[5], "Content: decisions considering A\n(complete network, price 60)", "decisions")]:
        a_.set(xscale="log", title=t, xlabel="search visibility of A (B = 1)", ylabel=y)
        a_.set_xticks([0.25, 0.5, 1, 2, 4], ["0.25", "0.5", "1", "2", "4"])
        a_.minorticks_off()
        a_.legend(fontsize=7)
    fig.suptitle("Across conditions (line style: network and price; solid = complete, 60)")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "validation_grid.png"), dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", help="keep the CSV files in this directory")
    a = ap.parse_args()
    exe = os.path.join(paths.build_dir(), "tests", "validation", "motsim_validation")
    if not os.access(exe, os.X_OK):
        sys.exit("validation_plots: build the project first (./scripts/build)")
    os.makedirs(IMG, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        d = a.keep or tmp
        os.makedirs(d, exist_ok=True)
        env = dict(os.environ, MOTSIM_VALIDATION_OUT=d)
        r = subprocess.run([exe], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout[-3000:], file=sys.stderr)
            sys.exit("validation_plots: the validation suite failed; figures not drawn")
        fig_bass(d)
        fig_reviews(d)
        fig_experience(d)
        fig_content(d)
        fig_grid(d)
    print("wrote docs/img/validation_{bass,reviews,experience,content,grid}.png")


if __name__ == "__main__":
    main()
