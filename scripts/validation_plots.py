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
    ax[0].set(title="J-shaped posted ratings\n(Hu, Pavlou & Zhang 2009)", xlabel="stars", ylabel="share")
    ax[0].legend(fontsize=8)
    h = pd.read_csv(os.path.join(d, "herding.csv")).groupby("prior")["share_positive"].agg(["mean", "std"])
    h = h.loc[["negative", "neutral", "positive"]]
    ax[1].bar(["negative (1.0)", "neutral (3.0)", "positive (5.0)"], h["mean"], yerr=h["std"],
              color=["tab:red", "tab:grey", "tab:green"])
    ax[1].set_xlabel("displayed prior (mean stars)")
    ax[1].set(title="Herding: share of 4-5 star ratings by displayed prior\n(Muchnik et al. 2013: +32% after a positive prior)",
              ylabel="share positive")
    up = h.loc["positive", "mean"] / h.loc["neutral", "mean"] - 1
    ax[1].annotate(f"+{100 * up:.0f}%", (2, h.loc["positive", "mean"]), ha="center", va="bottom")
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
    sr = pd.read_csv(os.path.join(d, "service_recovery.csv")).groupby("world")[["remembered", "repurchase"]].mean()
    sr = sr.loc[["unresolved", "recovered", "no_incident"]]
    x = np.arange(3)
    ax[2].bar(x - 0.2, sr["remembered"], 0.4, label="remembered satisfaction")
    ax2 = ax[2].twinx()
    ax2.bar(x + 0.2, sr["repurchase"], 0.4, color="tab:orange", label="repeat purchases per buyer")
    ax[2].set_xticks(x, ["defects,\nunresolved", "defects,\nall resolved", "no incident"])
    ax[2].set(title="Service recovery (de Matos et al. 2007)", ylabel="remembered satisfaction (0-10)")
    ax2.set_ylabel("repeat purchases per buyer")
    h1, l1 = ax[2].get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax[2].legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    ax[2].set_ylim(0, 8)
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
    print("wrote docs/img/validation_{bass,reviews,experience,content}.png")


if __name__ == "__main__":
    main()
