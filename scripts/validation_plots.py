#!/usr/bin/python3
"""Draw the validation figures of docs/validation.md.

Runs the validation suite (build/tests/validation/motsim_validation) with
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMG = os.path.join(ROOT, "docs", "img")
P, Q = 0.03, 0.38


def bass(t, p=P, q=Q):
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def fig_bass(d):
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    c = pd.read_csv(os.path.join(d, "bass_complete.csv"))
    for rep, g in c.groupby("replicate"):
        ax[0].plot(g["years"], g["simulated"], lw=1, alpha=0.8, label=f"simulated, replicate {rep}")
    t = np.linspace(0, 20, 400)
    ax[0].plot(t, bass(t), "k--", lw=1.5, label="Bass closed form")
    ts = np.log(Q / P) / (P + Q)
    ax[0].axvline(ts, color="grey", lw=0.8)
    ax[0].annotate(f"t* = {ts:.2f} years, F = {bass(ts):.3f}", (ts + 0.3, 0.2))
    ax[0].set(title="Complete network, 100,000 agents\np = 0.03, q = 0.38 per year", xlabel="years",
              ylabel="cumulative adoption F")
    ax[0].legend(fontsize=8)
    n = pd.read_csv(os.path.join(d, "bass_networks.csv"))
    names = {"ring2": "ring, degree 2", "ring10": "ring, degree 10", "ws10": "Watts-Strogatz, degree 10, p=0.1",
             "complete": "complete (mean field)"}
    for key, label in names.items():
        g = n[n["network"] == key]
        ax[1].plot(g["years"], g["simulated"], label=label)
    t = np.linspace(0, 15, 300)
    ax[1].plot(t, 1 - np.exp(-(P + Q) * t + (Q / P) * (1 - np.exp(-P * t))), "k:", lw=1.5,
               label="1-D closed form (Fibich & Gibori 2010)")
    ax[1].set(title="Networks: slower than the mean field", xlabel="years", ylabel="cumulative adoption F")
    ax[1].legend(fontsize=8)
    b = pd.read_csv(os.path.join(d, "bass_per_day.csv"))
    ax[2].plot(b["day"] + 1, b["simulated"], label="simulated")
    ax[2].plot(b["day"] + 1, b["recurrence"], "--", label="daily recurrence")
    ax[2].plot(b["day"] + 1, b["closed_form"], "k:", label="closed form, t in days")
    ax[2].set(title="Same coefficients applied per DAY", xlabel="days", ylabel="cumulative adoption F")
    ax[2].legend(fontsize=8)
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
    h = h.loc[["negative", "none", "positive"]]
    ax[1].bar(h.index, h["mean"], yerr=h["std"], color=["tab:red", "tab:grey", "tab:green"])
    ax[1].set(title="Herding: share of 4-5 star ratings by displayed prior\n(Muchnik et al. 2013: +32% after a positive prior)",
              ylabel="share positive")
    up = h.loc["positive", "mean"] / h.loc["none", "mean"] - 1
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
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    pe = pd.read_csv(os.path.join(d, "peak_end.csv")).groupby("follow_up")[["remembered", "experienced", "repurchase"]].mean()
    x = np.arange(3)
    ax[0].bar(x - 0.2, pe.loc[0], 0.4, label="no follow-up")
    ax[0].bar(x + 0.2, pe.loc[1], 0.4, label="milder ending (follow-up at 7)")
    ax[0].set_xticks(x, ["remembered\nsatisfaction", "experienced\n(episode mean)", "repeat purchases\nper buyer"])
    ax[0].set(title="Peak-end: a milder ending (Kahneman)")
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
    for a_ in ax:
        a_.set_xticks(v, [f"{x:g}" for x in v])
    ax[1].errorbar(v, c[("considered", "mean")], yerr=c[("considered", "std")], marker="o", color="tab:green")
    ax[1].set(xscale="log", title="Consideration", xlabel="search visibility of A (B = 1)", ylabel="decisions considering A")
    fig.suptitle("Content marketing: visibility in online research")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "validation_content.png"), dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", help="keep the CSV files in this directory")
    a = ap.parse_args()
    exe = os.path.join(ROOT, "build", "tests", "validation", "motsim_validation")
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
