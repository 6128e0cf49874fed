"""The HTML report of a run, compare or sweep file (scripts/report): a page built around the decision.

report.main(["RESULTS.h5", "-o", "DIR", "--focus", "Nova"]) writes DIR/index.html and the PNG figures it
shows, all in DIR. The page opens with the question and the levers changed, then a headline for the focus
brand (incremental profit with its interval, ROI, share change in points, rating change), then the
economics, the attribution, every KPI's difference, sales and rating per brand, the funnel and the stars.
Every KPI knows whether up is good (/kpis/good, else KPI_GOOD): gains are green, losses red, differences
whose 95% interval includes 0 grey. Parts a file lacks (older files) are named "not in this file".
Uses Debian's python3-h5py, python3-numpy, python3-pandas, python3-scipy and python3-matplotlib.
Exit codes: 0 success, 2 bad input (missing, non-HDF5 or foreign file; DIR not empty; unknown --focus).
"""
import argparse
import base64
import datetime
import html
import io
import math
import os
import re
import shutil
import sys
import tempfile
import textwrap
import tomllib

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import levers as lv  # noqa: E402
from .hdf5 import strings, text as s  # noqa: E402

USAGE = """motsim report: turn a results file into a page a strategist can read and share.

usage: scripts/report RESULTS.h5 -o DIR [--focus BRAND] [--kpi KPI] [--force]

Works for a run file (`motsim run`), a compare file (`motsim compare`) and a sweep file
(`motsim sweep`). Writes DIR/index.html and the PNG figures it shows, all in DIR (copy or
zip DIR to share it). The page opens with the question, the levers changed and a headline
for the focus brand (default: the brand the variant changes most).
Uses Debian's python3-h5py, python3-numpy, python3-pandas, python3-scipy and python3-matplotlib.
Exit codes: 0 success, 2 bad input (missing, non-HDF5 or foreign file; DIR not empty; unknown brand).
"""

FORMATS = ("motsim-run-1", "motsim-compare-1", "motsim-sweep-1", "motsim-calibration-1")
KPI_LABELS = {
    "units": "Units sold", "revenue": "Revenue", "net_revenue": "Net revenue (after refunds)",
    "market_share": "Market share", "refunds": "Refunds", "lost_customers": "Customers lost for good",
    "rating": "Displayed rating (stars)", "reviews": "Reviews posted", "nps": "Net promoter score",
    "awareness": "Awareness", "adopters": "Distinct buyers", "satisfaction": "Remembered satisfaction (0-10)",
    "refunded_amount": "Refunded amount", "profit": "Profit", "marketing_spend": "Marketing spend",
    "contribution_margin": "Contribution margin", "profit_pv": "Profit, present value",
    "lost_customer_value": "Value of customers lost", "costs": "Costs", "cogs": "Cost of goods sold",
    "incremental_profit": "Incremental profit", "incremental_spend": "Incremental spend",
    "roi": "Return on investment", "payback_day": "Payback day", "service_cost": "Customer service cost",
    "refund_cost": "Cost of refunds", "fixed_cost": "Fixed costs", "variable_cost": "Variable costs",
    "cost_of_goods": "Cost of goods sold", "community_cost": "Community management cost",
    "spend": "Discretionary spend",
}
# Whether up is good, for files without /kpis/good: +1 higher is better, -1 lower is better, 0 neither.
KPI_GOOD = {  # as sim/engine/kpis.cpp writes /kpis/good
    "units": 1, "revenue": 1, "net_revenue": 1, "market_share": 1, "rating": 1, "reviews": 1, "nps": 1,
    "awareness": 1, "adopters": 1, "satisfaction": 1, "profit": 1, "contribution_margin": 1, "profit_pv": 1,
    "gross_margin": 1, "incremental_profit": 1, "roi": 1,
    "refunds": -1, "refunded_amount": -1, "lost_customers": -1, "lost_customer_value": -1, "service_cost": -1,
    "refund_cost": -1, "incremental_spend": -1, "payback_day": -1,
    # Costs that grow with sales or buy something: neither good nor bad in themselves.
    "cost_of_goods": 0, "marketing_spend": 0, "community_cost": 0, "fixed_cost": 0, "spend": 0,
}
SHARES = {"market_share", "awareness"}  # differences in percentage points
# The profit waterfall follows the run's accounting (docs/model.md 7.10): profit = revenue - refund_cost -
# cost_of_goods - service_cost - community_cost - marketing_spend - fixed_cost. refund_cost holds the refunded
# price too, so the waterfall starts from gross revenue; a file without refund_cost starts from net revenue.
# `spend` (discretionary spend) and lost_customer_value overlap these lines and are no step of their own.
PROFIT_LINES = ["refund_cost", "cost_of_goods", "service_cost", "community_cost", "marketing_spend", "fixed_cost"]


def profit_lines(names):
    """(start KPI or None, the cost lines present in `names`) of the waterfall from revenue to profit."""
    names = list(names)
    lines = [n for n in PROFIT_LINES if n in names]
    if "refund_cost" in lines and "revenue" in names:
        return "revenue", lines
    start = "net_revenue" if "net_revenue" in names else "revenue" if "revenue" in names else None
    return start, [n for n in lines if n != "refund_cost"]
# The KPIs of the first figures and tables, in order (the others follow).
SHOW = ["profit", "units", "net_revenue", "market_share", "rating", "nps", "refunds", "lost_customers", "awareness"]
FUNNEL = [("aware", "aware"), ("researchers", "researched"), ("considered", "considered"),
          ("purchases", "bought"), ("satisfied", "satisfied"), ("reviews", "reviewed")]
# Series that count distinct people at a stage, where a file has them (a stock: its last day).
DISTINCT = {"aware": ["aware"], "researchers": ["researched_people", "researchers_distinct", "distinct_researchers"],
            "considered": ["considered_people", "considered_distinct", "distinct_considered"],
            "purchases": ["adopters", "buyers", "distinct_buyers"],
            "satisfied": ["satisfied_people", "satisfied_distinct", "distinct_satisfied"],
            "reviews": ["reviewers", "reviewers_distinct", "distinct_reviewers"]}
BRAND_COLOURS = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
STYLES = ["-", "--", ":", "-."]
HATCHES = ["", "//", "..", "xx", "\\\\", "++"]
VERDICT_COLOUR = {"gain": "#1e8449", "loss": "#c0392b", "ns": "#9e9e9e", "neutral": "#34495e", "none": "#9e9e9e"}
VERDICT_TEXT = {"gain": "gain", "loss": "loss", "ns": "not significant (95% interval includes 0)",
                "neutral": "significant (neither good nor bad)"}
CSS = """body{font-family:sans-serif;max-width:1150px;margin:2em auto;color:#222;padding:0 1em}
h1{margin-bottom:.2em}.question{font-size:120%;color:#333;margin-top:0}.sub{color:#666}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}table.levers td,table.levers th{text-align:left}
img{max-width:100%}figure{margin:1em 0}figcaption{color:#555;font-size:90%}
.gain{color:#1e8449;font-weight:bold}.loss{color:#c0392b;font-weight:bold}.ns{color:#888}.neutral{font-weight:bold}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:.5em 0 1em}
.card{border:2px solid #ccc;border-radius:8px;padding:8px 12px;min-width:180px;flex:1 1 180px}
.card .label{font-size:85%;color:#555}.card .value{font-size:150%;margin:.1em 0}.card .more{font-size:85%;color:#555}
.card.gain{border-color:#1e8449}.card.loss{border-color:#c0392b}.card.ns{border-color:#bbb}
.card.missing .value{font-size:110%;color:#888;font-style:italic;font-weight:normal}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:6px 10px;font-size:92%}
details{margin:1em 0}summary{cursor:pointer;font-weight:bold}"""
# Marks the page once every image has loaded (used by the tests in headless Chromium).
JS = """window.addEventListener('load',function(){var i=document.images,n=0;
for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)n++;}
document.body.setAttribute('data-images-ok',n+'/'+i.length);});"""
MISSING = "not in this file"


class InputError(Exception):
    """Bad input: main() prints it and exits with status 2."""


# Numbers, words and colours ------------------------------------------------------------------

def _nan(v):
    return v is None or (isinstance(v, (float, np.floating)) and np.isnan(v))


def label(name):
    return KPI_LABELS.get(name, name.replace("_", " ").capitalize())


def good_sign(name, table=None):
    """+1 when a rise of KPI `name` is good, -1 when a fall is, 0 neither: the file's /kpis/good (`table`)
    first, then KPI_GOOD, then the name (a cost, spend or loss is bad; profit, margin, revenue good)."""
    if table and name in table:
        return int(table[name])
    if name in KPI_GOOD:
        return KPI_GOOD[name]
    if re.search(r"(cost|spend|lost|refund|churn|complaint|incident|detractor)", name):
        return -1
    if re.search(r"(profit|margin|revenue|share|units|roi)", name):
        return 1
    return 0


def verdict(good, d, ci=None, sig=None):
    """'gain', 'loss', 'ns' (the interval includes 0, or no interval), 'neutral' (significant, neither
    good nor bad) or 'none' (no value) for a difference d with 95% half-width ci."""
    if _nan(d):
        return "none"
    if sig is None:
        sig = not _nan(ci) and abs(d) > ci
    if not sig or d == 0:
        return "ns"
    if good == 0:
        return "neutral"
    return "gain" if d * good > 0 else "loss"


def fmt(name, v):
    """A KPI value as the report shows it ('-' for missing)."""
    if _nan(v):
        return "-"
    if name in SHARES:
        return f"{100 * v:.1f}%"
    if name in ("rating", "satisfaction"):
        return f"{v:.2f}"
    if name == "nps":
        return f"{v:.1f}"
    if name == "roi":
        return f"{100 * v:.0f}%"
    if name == "payback_day":
        return f"day {v:.0f}" if v >= 0 else "never"
    return f"{v:,.0f}"


def fmt_diff(name, d, ci=None):
    """A difference with its 95% half-width: share changes in points, rating changes in stars."""
    if _nan(d):
        return "-"
    pm = not _nan(ci)
    if name in SHARES:
        return f"{100 * d:+.1f}" + (f" ± {100 * ci:.1f}" if pm else "") + " points"
    if name in ("rating", "satisfaction"):
        return f"{d:+.2f}" + (f" ± {ci:.2f}" if pm else "") + (" stars" if name == "rating" else "")
    if name == "nps":
        return f"{d:+.1f}" + (f" ± {ci:.1f}" if pm else "") + " points"
    if name == "roi":
        return f"{100 * d:+.0f}%" + (f" ± {100 * ci:.0f}%" if pm else "")
    return f"{d:+,.0f}" + (f" ± {ci:,.0f}" if pm else "")


def rolling(x, w=7):
    """Trailing mean over w days (over the days so far at the start)."""
    x = np.asarray(x, float)
    if len(x) < w:
        return x
    c = np.cumsum(np.insert(x, 0, 0.0))
    out = np.empty_like(x)
    out[w - 1:] = (c[w:] - c[:-w]) / w
    out[:w - 1] = c[1:w] / np.arange(1, w)
    return out


def _compact(v, _pos=None):
    """An axis tick: 1,500 as 1.5k, 2,000,000 as 2M, small numbers as they are."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


COMPACT = matplotlib.ticker.FuncFormatter(_compact)


def brand_colour(k):
    return BRAND_COLOURS[k % len(BRAND_COLOURS)]


def _ordered(names):
    """KPI names: SHOW's first, in its order, then the others as they come."""
    return [n for n in SHOW if n in names] + [n for n in names if n not in SHOW]


def _e(x):
    return html.escape(str(x))


# The page ------------------------------------------------------------------------------------

class Page:
    """The page being written: HTML parts in order and the figures saved beside index.html."""

    def __init__(self, out, title, single_file=False):
        self.out, self.title, self.parts, self.images = out, title, [], []
        self.single_file = single_file  # figures inside index.html as data: URLs, no PNG files

    def h2(self, t):
        self.parts.append(f"<h2>{_e(t)}</h2>")

    def h3(self, t):
        self.parts.append(f"<h3>{_e(t)}</h3>")

    def p(self, t):
        self.parts.append(f"<p>{t}</p>")

    def raw(self, t):
        self.parts.append(t)

    def note(self, t):
        self.parts.append(f"<p class='note'>{t}</p>")

    def fig(self, fig, name, caption):
        src = name
        if self.single_file:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
            src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
        else:
            fig.savefig(os.path.join(self.out, name), dpi=100, bbox_inches="tight")
        plt.close(fig)
        self.images.append(name)
        self.parts.append(f'<figure><img src="{src}" alt="{_e(caption)}">'
                          f"<figcaption>{_e(caption)}</figcaption></figure>")

    def table(self, header, rows, cls=""):
        h = "".join(f"<th>{_e(c)}</th>" for c in header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        self.parts.append(f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>')

    def cards(self, cards, ident=None):
        """cards: (label, value text, more text, verdict class or 'missing')."""
        out = []
        for lab, value, more, cls in cards:
            out.append(f"<div class='card {cls}'><div class='label'>{_e(lab)}</div>"
                       f"<div class='value {cls}'>{_e(value)}</div><div class='more'>{_e(more)}</div></div>")
        idattr = f" id='{ident}'" if ident else ""
        self.parts.append(f"<div class='cards'{idattr}>" + "".join(out) + "</div>")

    def write(self, question=""):
        q = f"<p class='question'>{_e(question)}</p>" if question else ""
        doc = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_e(self.title)}</title>"
               f"<style>{CSS}</style><script>{JS}</script></head><body><h1>{_e(self.title)}</h1>{q}"
               + "".join(self.parts) + "</body></html>")
        with open(os.path.join(self.out, "index.html"), "w") as f:
            f.write(doc)


def _legend_verdicts(ax, kinds=("gain", "loss", "ns"), **kw):
    handles = [Patch(color=VERDICT_COLOUR[k], label=VERDICT_TEXT[k].split(" (")[0]) for k in kinds]
    return ax.legend(handles=handles, fontsize=8, **kw)


def _waterfall(ax, start, steps, end, good=1, unit=""):
    """A waterfall on ax: start (label, value), steps [(label, change, ci or None)], end (label, value)."""
    labels = [start[0]] + [st[0] for st in steps] + [end[0]]
    x = np.arange(len(labels))
    ax.bar(x[0], start[1], 0.6, color="#5d6d7e")
    level = start[1]
    for i, (lab, d, ci) in enumerate(steps, start=1):
        col = VERDICT_COLOUR[verdict(good, d, ci, sig=None if ci is not None else True)]
        ax.bar(x[i], d, 0.6, bottom=level, color=col, yerr=None if _nan(ci) else ci, capsize=4,
               error_kw=dict(ecolor="#333", lw=1))
        ax.plot([x[i - 1] - 0.3, x[i] + 0.3], [level, level], color="#777", lw=0.7, ls=":")
        ax.annotate(f"{d:+,.0f}", (x[i], level + d), ha="center", va="bottom" if d >= 0 else "top", fontsize=8,
                    xytext=(0, 2 if d >= 0 else -2), textcoords="offset points")
        level += d
    ax.plot([x[-2] - 0.3, x[-1] + 0.3], [level, level], color="#777", lw=0.7, ls=":")
    ax.bar(x[-1], end[1], 0.6, color="#2c3e50")
    for i, v in ((0, start[1]), (len(labels) - 1, end[1])):
        ax.annotate(f"{v:,.0f}", (x[i], v), ha="center", va="bottom" if v >= 0 else "top", fontsize=8,
                    xytext=(0, 2 if v >= 0 else -2), textcoords="offset points")
    ax.set_xticks(x, [textwrap.fill(lab, 14) for lab in labels], fontsize=8)
    ax.axhline(0, color="k", lw=0.6)
    ax.grid(axis="y", alpha=0.3)
    ax.yaxis.set_major_formatter(COMPACT)
    if unit:
        ax.set_ylabel(unit)


def _funnel(get, K):
    """The funnel per product from a series getter (name -> [D, K] array or None): a [stages, K] array of
    people, never rising from one stage to the next, what each stage counts, and the clamped stages."""
    vals, kinds = [], []
    for metric, _ in FUNNEL:
        v, kind = None, "events"
        for cand in DISTINCT.get(metric, []):
            x = get(cand)
            if x is not None:
                x = np.asarray(x, float)
                # A stock of distinct people (non-decreasing: its last day) or a flow of first times (its sum).
                v = x[-1] if np.all(np.diff(x, axis=0) >= -1e-9) else x.sum(axis=0)
                kind = "people"
                break
        if v is None:
            x = get(metric)
            v = np.zeros(K) if x is None else np.asarray(x, float).sum(axis=0)
            kind = "events" if x is not None else "missing"
        vals.append(np.asarray(v, float))
        kinds.append(kind)
    vals = np.array(vals)
    clamped = []
    for i in range(1, len(vals)):
        over = vals[i] > vals[i - 1]
        for k in np.nonzero(over)[0]:
            clamped.append((i, int(k), vals[i, k], vals[i - 1, k]))
        vals[i] = np.minimum(vals[i], vals[i - 1])
    return vals, kinds, clamped


def _funnel_note(kinds, clamped, products, scen=None):
    stages = [lab for _, lab in FUNNEL]
    people = [stages[i] for i, k in enumerate(kinds) if k == "people"]
    events = [stages[i] for i, k in enumerate(kinds) if k == "events"]
    missing = [stages[i] for i, k in enumerate(kinds) if k == "missing"]
    t = (f"The funnel counts people: {', '.join(people) or 'no stage'} "
         f"{'are' if len(people) > 1 else 'is'} distinct people (at the end of the run). ")
    if events:
        t += (f"This file has no count of distinct people for {', '.join(events)}: those bars are counts of events "
              f"(a consumer who researched on two days counts twice; 'considered' counts decisions), ")
        t += "so each is shown no higher than the stage before it" + (":" if clamped else " (none had to be lowered).")
    if clamped:
        by = {}
        for i, k, v, cap in clamped:
            by.setdefault(stages[i], []).append(f"{products[k]} {v:,.0f} &rarr; {cap:,.0f}")
        t += " lowered " + "; ".join(f"<b>{_e(st)}</b> ({', '.join(x)})" for st, x in by.items()) + "."
        if scen:
            t += f" (Lowered values are those of {_e(scen)}.)"
    if missing:
        t += f" Not in this file: {', '.join(missing)}."
    return t


def _funnel_fig(groups, products, title):
    """groups: {scenario name: [stages, K] array}. One panel per brand, one bar per scenario and stage."""
    K = len(products)
    fig, axes = plt.subplots(1, K, figsize=(min(4.6 * K, 16), 3.8), squeeze=False, sharey=True)
    stages = [lab for _, lab in FUNNEL]
    x = np.arange(len(stages))
    n = len(groups)
    w = 0.8 / max(n, 1)
    for k, p in enumerate(products):
        ax = axes[0][k]
        for i, (name, vals) in enumerate(groups.items()):
            ax.bar(x + (i - (n - 1) / 2) * w, vals[:, k], w, color=brand_colour(k), alpha=1 - 0.25 * (i % 3),
                   hatch=HATCHES[i % len(HATCHES)], edgecolor="white" if i == 0 else "#222", lw=0.4,
                   label=name)
            if n == 1:
                for xi, val in zip(x, vals[:, k]):
                    ax.annotate(f"{val:,.0f}", (xi, val), ha="center", va="bottom", fontsize=7,
                                xytext=(0, 1), textcoords="offset points")
        ax.set_xticks(x, stages, rotation=30, ha="right", fontsize=8)
        ax.set_title(p)
        ax.grid(axis="y", alpha=0.3)
        ax.yaxis.set_major_formatter(COMPACT)
    axes[0][0].set_ylabel("consumers")
    if n > 1:
        axes[0][0].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# Titles, questions and the focus brand -------------------------------------------------------

def _stem(path):
    return os.path.splitext(os.path.basename(path))[0] if path else ""


def _meta_from_toml(toml_text, key):
    try:
        v = tomllib.loads(toml_text).get(key) if toml_text else None
    except tomllib.TOMLDecodeError:
        return ""
    return v if isinstance(v, str) else ""


def _named(names, text_):
    """The product names that occur as words in text_."""
    return [p for p in names if re.search(r"(?<![\w])" + re.escape(p) + r"(?![\w])", text_)]


def _check_focus(focus, products):
    if focus is not None and focus not in products:
        raise InputError(f"--focus {focus}: no such product; the products are {', '.join(products)}")


# A run file ---------------------------------------------------------------------------------

class _Run:
    def __init__(self, f):
        self.f = f
        a = f.attrs
        self.products = strings(f["products/name"])
        self.ts = f["timeseries"]
        self.kp = f["kpis"]
        scen = s(a.get("scenario", ""))
        self.title = s(a.get("title", "")) or _meta_from_toml(scen, "title") or _stem(s(a.get("scenario_path", ""))) \
            or "motsim run"
        self.question = s(a.get("question", "")) or _meta_from_toml(scen, "question")

    def kpi(self, name, k):
        return float(self.kp[name][()][k]) if name in self.kp else None

    def series(self, name):
        return self.ts[name][()] if name in self.ts and self.ts[name].ndim == 2 else None


def _run_focus(r, focus):
    if focus:
        return focus
    named = _named(r.products, r.title + " " + r.question)
    if named:
        return named[0]
    if "market_share" in r.kp:
        return r.products[int(np.nanargmax(r.kp["market_share"][()]))]
    return r.products[0]


def _run_header(r, page, focus):
    a = r.f.attrs
    page.p(f"<span class='sub'>Scenario <code>{_e(s(a.get('scenario_path', '')))}</code>, "
           f"{int(a['agents']):,} consumers, {int(a['days'])} days, seed {int(a['seed'])}, "
           f"motsim {_e(s(a['motsim_version']))}, written {_e(s(a['created']))}.</span>")
    if not r.question:
        page.note("No question is recorded in this file (an older file, or a scenario without <code>question</code>); "
                  "the title is the scenario's file name.")
    page.h2("Levers")
    page.p("A single run: there is no base to compare it with, so no lever is changed. "
           "<code>motsim compare BASE.toml THIS.toml</code> shows what this scenario changes, with intervals.")
    k = r.products.index(focus)
    page.h2(f"Headline: {focus}")
    cards = []
    for name in ["profit", "units", "market_share", "rating", "net_revenue"]:
        v = r.kpi(name, k)
        cards.append((label(name), MISSING if v is None else fmt(name, v), "this run, one replicate (no interval)",
                      "missing" if v is None else "neutral"))
    page.cards(cards, "headline")
    page.h2("Key results")
    names = _ordered([n for n in r.kp if r.kp[n].ndim == 1 and r.kp[n].shape[0] == len(r.products)])
    page.table(["KPI"] + r.products, [[_e(label(n))] + [fmt(n, v) for v in r.kp[n][()]] for n in names])


def _run_economics(r, page, focus):
    page.h2(f"Economics: {focus}")
    k = r.products.index(focus)
    if "profit" not in r.kp:
        page.p(f"Profit is {MISSING} (a file written before the economics were added).")
        return
    rev, lines = profit_lines(r.kp)
    steps = []
    start = (label(rev), r.kpi(rev, k)) if rev else ("start", 0.0)
    level = start[1]
    for name in lines:
        v = r.kpi(name, k)
        steps.append((label(name), -v, None))
        level -= v
    profit = r.kpi("profit", k)
    if abs(profit - level) > 1e-6 * max(1.0, abs(profit)):
        steps.append(("other (not itemised)", profit - level, None))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    _waterfall(ax, start, steps, ("profit", profit))
    ax.set_title(f"{focus}: from {start[0].lower()} to profit")
    page.fig(fig, "waterfall.png", "Each cost line lowers the bar; 'other' is what the file does not itemise.")


def _run_funnel(r, page):
    page.h2("The funnel across the moments of truth")
    vals, kinds, clamped = _funnel(r.series, len(r.products))
    page.fig(_funnel_fig({"run": vals}, r.products, "Stimulus -> ZMOT -> FMOT -> SMOT -> TMOT"), "funnel.png",
             "Consumers at each moment of truth, per brand.")
    page.note(_funnel_note(kinds, clamped, r.products))


def _run_sales_rating(r, page):
    page.h2("Sales and displayed rating, day by day")
    ts, days = r.ts, r.ts["day"][()]
    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    for k, p in enumerate(r.products):
        ax[0].plot(days, rolling(ts["purchases"][()][:, k]), label=p, color=brand_colour(k))
        if "rating_mean" in ts:
            rr = ts["rating_mean"][()][:, k].astype(float)
            if "rating_count" in ts:
                rr[ts["rating_count"][()][:, k] == 0] = np.nan
            ax[1].plot(days, rr, label=p, color=brand_colour(k))
    ax[0].set(title="Units sold per day (7-day average)", xlabel="day")
    ax[1].set(title="Displayed mean rating", xlabel="day", ylabel="stars", ylim=(1, 5))
    for x in ax:
        x.legend()
        x.grid(alpha=0.3)
    page.fig(fig, "sales_rating.png", "Daily sales and the rating shoppers see at the point of sale, per brand.")


def _run_stars(r, page):
    ts, products = r.ts, r.products
    if "rating_histogram" not in ts:
        return
    page.h2("Star ratings")
    hist = ts["rating_histogram"][()][-1]
    every = ts["experience_stars"][()].sum(axis=0) if "experience_stars" in ts else None
    fig, ax = plt.subplots(1, len(products), figsize=(4 * len(products), 3.4), squeeze=False)
    for k, p in enumerate(products):
        x = np.arange(1, 6)
        h = hist[k] / max(hist[k].sum(), 1)
        ax[0][k].bar(x - 0.2, h, 0.4, label="displayed reviews", color=brand_colour(k))
        if every is not None and every[k].sum() > 0:
            ax[0][k].bar(x + 0.2, every[k] / every[k].sum(), 0.4, label="every buyer", color=brand_colour(k),
                         alpha=0.45, hatch="//", edgecolor="#222", lw=0.4)
        ax[0][k].set(title=p, xlabel="stars", xticks=x)
    ax[0][0].set_ylabel("share")
    ax[0][0].legend(fontsize=8)
    page.fig(fig, "stars.png", "Reviews displayed at the end, against the stars every buyer would give: "
                               "only the most delighted and the angriest post, hence the J shape.")


def _run_experience(r, page):
    ts, products = r.ts, r.products
    cats = [c for c in ["incidents", "complaints", "recoveries", "refunds", "lost"] if c in ts]
    if not cats:
        return
    page.h2("Experience")
    names = {"complaints": "complaints\n(customer service)", "lost": "customers lost\nfor good"}
    fig, ax = plt.subplots(figsize=(9, 3.6))
    w = 0.8 / len(products)
    for k, p in enumerate(products):
        ax.bar(np.arange(len(cats)) + (k - (len(products) - 1) / 2) * w, [ts[c][()][:, k].sum() for c in cats], w,
               label=p, color=brand_colour(k))
    ax.set_xticks(np.arange(len(cats)), [names.get(c, c) for c in cats])
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    page.fig(fig, "experience.png", "What went wrong after the purchase, and what customer service recovered.")


def report_run(f, page, focus=None, kpi=None):
    """The sections of a run file's report; returns the question."""
    r = _Run(f)
    _check_focus(focus, r.products)
    focus = _run_focus(r, focus)
    page.title = r.title
    _run_header(r, page, focus)
    _run_economics(r, page, focus)
    _run_funnel(r, page)
    _run_sales_rating(r, page)
    _run_stars(r, page)
    _run_experience(r, page)
    return r.question


# A compare file -----------------------------------------------------------------------------

def _read_kpi_good(f, kn):
    """/kpis/good as {kpi: sign}, or {} when absent or of another length."""
    if "kpis/good" not in f:
        return {}
    g = f["kpis/good"][()]
    return {n: int(g[j]) for j, n in enumerate(kn)} if len(g) == len(kn) else {}


class _Compare:
    """What the sections of a compare report read from the file, and the notes on what it lacks."""

    def __init__(self, f):
        self.f = f
        self.scen = strings(f["scenarios/name"])
        self.S = len(self.scen)
        self.products = strings(f["products/name"])
        self.K = len(self.products)
        self.cols = self.products + ["all products"]
        self.kn = strings(f["kpis/name"])
        self.mean, self.ci = f["kpis/mean"][()], f["kpis/ci95"][()]
        self.dm, self.dc = f["kpis/diff_mean"][()], f["kpis/diff_ci95"][()]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.dr = f["kpis/diff_relative"][()] if "kpis/diff_relative" in f else self.dm / self.mean[0][None]
        self.dsig = (f["kpis/diff_significant"][()].astype(bool) if "kpis/diff_significant" in f
                     else np.abs(self.dm) > self.dc)
        self.good_table = _read_kpi_good(f, self.kn)
        self.toml = strings(f["scenarios/scenario"]) if "scenarios/scenario" in f else [""] * self.S
        self.titles = self._per_scenario("title")
        self.questions = self._per_scenario("question")
        self.levers, self.levers_from_file = self._levers()
        self.attr, self.attr_note = self._attribution()

    def good(self, name):
        return good_sign(name, self.good_table)

    def _per_scenario(self, key):
        ds = f"scenarios/{key}"
        if ds in self.f and self.f[ds].shape == (self.S,):
            vals = strings(self.f[ds])
        else:
            vals = [""] * self.S
        return [v or _meta_from_toml(t, key) for v, t in zip(vals, self.toml)]

    def _levers(self):
        """{scenario index: [(key, base, variant)]} from /levers, else from the resolved scenarios."""
        g = self.f.get("levers")
        if isinstance(g, h5py.Group) and all(n in g for n in ("scenario", "key", "base", "variant")):
            idx = g["scenario"][()].astype(int)
            # 'scenario' indexes /scenarios (1 = the first variant); a 0 means it counts variants from 0.
            if len(idx) and idx.min() == 0:
                idx = idx + 1
            out = {v: [] for v in range(1, self.S)}
            for i, key, b, var in zip(idx, strings(g["key"]), strings(g["base"]), strings(g["variant"])):
                out.setdefault(int(i), []).append((key, b, var))
            return out, True
        out = {}
        for v in range(1, self.S):
            try:
                out[v] = lv.diff(self.toml[0], self.toml[v]) if self.toml[0] and self.toml[v] else None
            except tomllib.TOMLDecodeError:
                out[v] = None
        return out, False

    def _attribution(self):
        """The attribution (/attribution) as a dict, or None and a note saying why."""
        g = self.f.get("attribution")
        if not isinstance(g, h5py.Group):
            return None, ""
        if "levers" not in g or "shapley" not in g:
            return None, "The file's /attribution lacks levers or shapley; attribution not shown."
        levs = strings(g["levers"])
        sh = g["shapley"][()]
        kn = next((strings(g[n]) for n in ("kpi", "kpis", "kpi_name", "name") if n in g), self.kn)
        if sh.ndim != 3 or sh.shape[0] != len(levs) or sh.shape[1] != len(kn) or sh.shape[2] not in (self.K, self.K + 1):
            return None, f"The file's /attribution/shapley has shape {sh.shape}, not [levers, KPIs, products + 1]."

        def opt(name, shape):
            return g[name][()] if name in g and g[name].shape == shape else np.full(shape, np.nan)
        ci = opt("shapley_ci95", sh.shape)
        inter = opt("interaction", sh.shape[1:])
        inter_ci = opt("interaction_ci95", sh.shape[1:])
        total = g["total"][()] if "total" in g and g["total"].shape == sh.shape[1:] else sh.sum(axis=0) + np.nan_to_num(inter)
        total_ci = opt("total_ci95", sh.shape[1:])
        v = g.attrs.get("variant", g.attrs.get("scenario", 1))
        if isinstance(v, (bytes, str)):
            v = self.scen.index(s(v)) if s(v) in self.scen else 1
        v = int(v) if 1 <= int(v) < self.S else 1
        return dict(levers=levs, kn=kn, shapley=sh, ci=ci, interaction=inter, interaction_ci=inter_ci, total=total,
                    total_ci=total_ci, variant=v), ""

    def j(self, name):
        return self.kn.index(name) if name in self.kn else None

    def diff(self, name, v, k):
        """(difference, ci, significant) of KPI `name`, scenario v against the base, column k; None if absent."""
        j = self.j(name)
        if j is None or _nan(self.dm[v - 1, j, k]):
            return None
        return float(self.dm[v - 1, j, k]), float(self.dc[v - 1, j, k]), bool(self.dsig[v - 1, j, k])

    def value(self, name, sidx, k):
        j = self.j(name)
        return None if j is None else float(self.mean[sidx, j, k])

    def econ(self, name, v, k):
        """(value, ci or None) of a per-variant economic result (incremental_profit, roi, ...) for scenario v and
        column k, read from /economics or /kpis whatever their layout; None when absent."""
        aliases = {"incremental_profit": ["incremental_profit", "profit_incremental", "delta_profit"],
                   "incremental_spend": ["incremental_spend", "incremental_marketing_spend", "spend_incremental"],
                   "roi": ["roi", "return_on_investment"], "payback_day": ["payback_day", "payback_days", "payback"]}
        for gname in ("economics", "kpis"):
            g = self.f.get(gname)
            if not isinstance(g, h5py.Group):
                continue
            for n in aliases.get(name, [name]):
                got = self._pick(g, n, v, k)
                if got is not None:
                    return got
        return None

    def _pick(self, g, n, v, k):
        if "name" in g and n in strings(g["name"]) and _is_table(g):  # a table like /kpis: name + arrays
            e = strings(g["name"]).index(n)
            # Per-variant results: a row per scenario (mean) first, else the differences from the base.
            for mean_n, ci_n in (("mean", "ci95"), ("value", "ci95"), ("diff_mean", "diff_ci95")):
                if mean_n in g and g[mean_n].ndim == 3 and g[mean_n].shape[1] == len(strings(g["name"])):
                    a = g[mean_n][()]
                    row = v - 1 if a.shape[0] == self.S - 1 else v
                    c = g[ci_n][()][row, e, k] if ci_n in g and g[ci_n].shape == a.shape else None
                    return float(a[row, e, k]), (None if c is None else float(c))
        if n not in g or not isinstance(g[n], h5py.Dataset) or g[n].dtype.kind not in "fiu":
            return None
        a = g[n][()]
        if a.ndim == 0 or a.shape[0] not in (self.S - 1, self.S):
            return None
        row = v - 1 if a.shape[0] == self.S - 1 else v
        kk = k if a.ndim == 1 or k < a.shape[1] else None
        if kk is None:
            return None
        val = a[row] if a.ndim == 1 else a[row, kk] if a.ndim == 2 else None
        if val is None:
            return None
        ci = None
        for cn in (n + "_ci95", n + "_ci"):
            if cn in g and g[cn].shape == a.shape:
                c = g[cn][()]
                ci = float(c[row] if a.ndim == 1 else c[row, kk])
        return float(val), ci


def _is_table(g):
    """A group laid out like /kpis (name [J] and arrays over it) rather than one dataset per result."""
    return any(n in g for n in ("mean", "diff_mean", "value"))


def _compare_focus(c, v, focus=None):
    """The brand of variant v's headline: --focus, else the product named in most of its changed levers, else the
    one whose units change most (largest |relative change|; a new entrant, from 0, first)."""
    if focus:
        return focus
    count = {p: 0 for p in c.products}
    for key, b, var in c.levers.get(v) or []:
        for p in _named(c.products, f"{key} {b} {var}"):
            count[p] += 1
    best = max(count.values()) if count else 0
    tied = [p for p in c.products if count[p] == best]
    j = c.j("units")
    if j is None:
        return tied[0]
    rel = np.abs(np.nan_to_num(c.dr[v - 1, j, :c.K], nan=np.inf, posinf=np.inf))
    return max(tied, key=lambda p: rel[c.products.index(p)])


def _variant_title(c, v):
    return c.titles[v] or f"{c.scen[v]} against {c.scen[0]}"


def _compare_header(c, page):
    f, scen = c.f, c.scen
    R = int(f.attrs["replicates"])
    page.p(f"<span class='sub'>Base <b>{_e(scen[0])}</b> against {', '.join(_e(x) for x in scen[1:])}; "
           f"{R} replicates each with common random numbers (replicate r uses the same random key in every scenario), "
           f"{int(f.attrs['days'])} days; motsim {_e(s(f.attrs['motsim_version']))}. Intervals are 95% "
           f"confidence intervals (Student t) of the mean of paired differences. "
           f"<span class='gain'>Green</span>: a significant gain, <span class='loss'>red</span>: a significant loss "
           f"(each KPI knows whether up is good), <span class='ns'>grey</span>: the interval includes 0.</span>")
    if not any(c.questions[1:]) and not any(c.titles[1:]):
        page.note("No title or question is recorded in this file (an older file, or scenarios without "
                  "<code>title</code> and <code>question</code>): the scenarios are named by their files.")


def _compare_levers(c, page):
    page.h2("The levers changed")
    for v in range(1, c.S):
        if c.S > 2:
            page.h3(c.scen[v] + (f": {c.titles[v]}" if c.titles[v] else ""))
        rows = c.levers.get(v)
        if rows is None:
            page.p(f"The scenarios' settings are {MISSING}.")
        elif not rows:
            page.p(f"{_e(c.scen[v])} changes nothing from {_e(c.scen[0])}.")
        else:
            page.table(["lever", f"base ({c.scen[0]})", f"variant ({c.scen[v]})"],
                       [[f"<code>{_e(k)}</code>", _e(b), f"<b>{_e(x)}</b>"] for k, b, x in rows], cls="levers")
    if not c.levers_from_file:
        page.p("<span class='sub'>Computed from the two fully resolved scenarios the file stores (every key, "
               "defaults included; products and segments matched by name, campaigns by position).</span>")


def _card_diff(c, name, v, k, more_base=True):
    got = c.diff(name, v, k)
    if got is None:
        return (label(name), MISSING, "", "missing")
    d, ci, sig = got
    more = ""
    if more_base:
        b, x = c.value(name, 0, k), c.value(name, v, k)
        more = f"{fmt(name, b)} → {fmt(name, x)}"
        if name not in SHARES and name not in ("rating", "nps", "satisfaction") and not _nan(c.dr[v - 1, c.j(name), k]):
            more += f" ({100 * c.dr[v - 1, c.j(name), k]:+.1f}%)"
    short = {"rating": "Rating", "units": "Units"}.get(name, label(name))
    return (short + " change", fmt_diff(name, d, ci), more, verdict(c.good(name), d, ci, sig))


def _incremental(c, v, k):
    """(incremental profit, ci) and (incremental spend, ci) of scenario v, column k: /economics, else the
    differences of profit and marketing spend; None each when absent."""
    ip = c.econ("incremental_profit", v, k)
    if ip is None and c.diff("profit", v, k) is not None:
        ip = c.diff("profit", v, k)[:2]
    sp = c.econ("incremental_spend", v, k)
    if sp is None:
        for n in ("marketing_spend", "spend"):
            if c.diff(n, v, k) is not None:
                sp = c.diff(n, v, k)[:2]
                break
    return ip, sp


def _headline_cards(c, v, k):
    ip, sp = _incremental(c, v, k)
    cards = []
    if ip is None:
        cards.append(("Incremental profit", MISSING, "an older file: no economics", "missing"))
    else:
        cards.append(("Incremental profit", fmt_diff("profit", ip[0], ip[1]),
                      "95% interval" if ip[1] is not None else "no interval in this file",
                      verdict(1, ip[0], ip[1], None if ip[1] is not None else False)))
    roi = c.econ("roi", v, k)
    if roi is not None and _nan(roi[0]):
        cards.append(("Return on investment", "no extra spend", "undefined: the variant spends no more than the base",
                      "ns"))
    elif roi is not None:
        cards.append(("Return on investment", fmt("roi", roi[0]) + ("" if roi[1] is None else f" ± {100 * roi[1]:.0f}%"),
                      "incremental profit per unit of incremental spend",
                      verdict(c.good("roi"), roi[0], roi[1], None if roi[1] is not None else True)))
    elif ip is not None and sp is not None and sp[0] > 0:
        r = ip[0] / sp[0]
        cards.append(("Return on investment", fmt("roi", r), "incremental profit / incremental spend (means)",
                      "gain" if r > 0 else "loss"))
    elif ip is not None and sp is not None:
        cards.append(("Return on investment", "no extra spend", "the variant spends no more than the base", "ns"))
    else:
        cards.append(("Return on investment", MISSING, "needs profit and marketing spend", "missing"))
    pb = c.econ("payback_day", v, k)
    if pb is not None:
        cards.append(("Payback", "not reached" if _nan(pb[0]) else fmt("payback_day", pb[0]),
                      "first day the cumulative incremental profit is positive", "neutral"))
    cards.append(_card_diff(c, "market_share", v, k))
    cards.append(_card_diff(c, "rating", v, k))
    cards.append(_card_diff(c, "units", v, k))
    return cards


def _compare_headline(c, page, focus_of):
    brands = list(dict.fromkeys(focus_of.values()))
    page.h2(f"Headline: {', '.join(brands)}")
    for v in range(1, c.S):
        focus = focus_of[v]
        k = c.products.index(focus)
        page.h3(f"{focus} under {c.scen[v]}" + (f": {c.titles[v]}" if c.titles[v] and c.S > 2 else ""))
        page.cards(_headline_cards(c, v, k), "headline" if v == 1 else f"headline-{v}")
        # Who wins, who loses: the main differences for every brand.
        names = [n for n in ["profit", "units", "market_share", "rating", "net_revenue"] if n in c.kn]
        rows = []
        for kk, col in enumerate(c.cols):
            cells = []
            for n in names:
                got = c.diff(n, v, kk)
                cells.append("-" if got is None else
                             f"<span class='{verdict(c.good(n), *got)}'>{_e(fmt_diff(n, got[0], got[1]))}</span>")
            if any(x != "-" for x in cells):
                rows.append([("<b>" + _e(col) + "</b>") if col == focus else _e(col)] + cells)
        page.table(["brand"] + [label(n) + " change" for n in names], rows)


def _compare_economics(c, page, focus_of):
    page.h2("Economics: from base profit to variant profit")
    jp = c.j("profit")
    if jp is None:
        page.p(f"Profit is {MISSING} (a file written before the economics were added): no waterfall. "
               "The differences below show revenue, units and share.")
        return
    V = c.S - 1
    fig, axes = plt.subplots(1, V, figsize=(min(7.5 * V, 16), 4.2), squeeze=False)
    a, hows = c.attr, []
    for v in range(1, c.S):
        ax = axes[0][v - 1]
        k = c.products.index(focus_of[v])
        base, var = c.mean[0, jp, k], c.mean[v, jp, k]
        if a is not None and a["variant"] == v and "profit" in a["kn"]:
            ja = a["kn"].index("profit")
            ka = k if a["shapley"].shape[2] > k else -1
            steps = [(lev, float(a["shapley"][i, ja, ka]), float(a["ci"][i, ja, ka])) for i, lev in enumerate(a["levers"])]
            if not _nan(a["interaction"][ja, ka]):
                steps.append(("interaction", float(a["interaction"][ja, ka]), float(a["interaction_ci"][ja, ka])))
            end = base + sum(st[1] for st in steps)
            how = "by lever (attribution)"
        else:
            steps, level = [], base
            rev, lines = profit_lines(c.kn)
            if rev:
                d, ci, _ = c.diff(rev, v, k) or (0.0, None, False)
                steps.append((label(rev), d, ci))
                level += d
            for n in lines:
                got = c.diff(n, v, k)
                if got is not None:
                    steps.append((label(n), -got[0], got[1]))
                    level -= got[0]
            if abs(var - level) > 1e-6 * max(1.0, abs(var)):
                steps.append(("other (not itemised)", var - level, None))
            end = var
            how = "by cost line"
        _waterfall(ax, (f"profit, {c.scen[0]}", base), steps, (f"profit, {c.scen[v]}", end))
        ax.set_title(f"{focus_of[v]} under {c.scen[v]} ({how})", fontsize=10)
        hows.append(f"{focus_of[v]} under {c.scen[v]} {how}")
    fig.suptitle("Profit, base to variant (means over replicates; error bars: 95% intervals)")
    fig.tight_layout()
    page.fig(fig, "waterfall.png", f"Steps: {'; '.join(hows)}. Each step adds what one line (or lever) changes: a "
                                   "higher cost is a step down. Green steps raise profit, red steps lower it, grey "
                                   "steps are not significant.")


def _compare_attribution(c, page, focus_of):
    if c.attr is None:
        if c.attr_note:
            page.note(_e(c.attr_note))
        return
    a = c.attr
    v = a["variant"]
    focus = focus_of[v]
    k = c.products.index(focus)
    page.h2(f"Attribution: what each lever of {c.scen[v]} contributes")
    names = [n for n in ["profit", "units", "market_share", "net_revenue", "rating"] if n in a["kn"]][:3] or a["kn"][:3]
    ka = k if a["shapley"].shape[2] > k else -1
    L = len(a["levers"])
    fig, axes = plt.subplots(1, len(names), figsize=(5.3 * len(names), 0.55 * (L + 1) + 1.8), squeeze=False)
    for ax, n in zip(axes[0], names):
        j = a["kn"].index(n)
        scale = 100 if n in SHARES else 1
        vals = list(a["shapley"][:, j, ka]) + [a["interaction"][j, ka]]
        errs = list(a["ci"][:, j, ka]) + [a["interaction_ci"][j, ka]]
        labs = list(a["levers"]) + ["interaction"]
        keep = [i for i, x in enumerate(vals) if not _nan(x)]
        y = np.arange(len(keep))
        g = c.good(n)
        cols = [VERDICT_COLOUR[verdict(g, vals[i], errs[i], None if not _nan(errs[i]) else True)] for i in keep]
        ax.barh(y, [vals[i] * scale for i in keep], color=cols,
                xerr=[0 if _nan(errs[i]) else errs[i] * scale for i in keep], capsize=4, error_kw=dict(lw=1))
        ax.set_yticks(y, [labs[i] for i in keep], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="k", lw=0.8)
        ax.xaxis.set_major_formatter(COMPACT)
        tot = a["total"][j, ka]
        ax.set_title(f"{label(n)}{' (points)' if n in SHARES else ''}\ntotal {fmt_diff(n, tot)}", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    _legend_verdicts(axes[0][-1], loc="lower right")
    fig.suptitle(f"{focus}: Shapley value of each lever (error bars: 95% intervals)", fontsize=10)
    fig.tight_layout()
    page.fig(fig, "attribution.png", "Each lever's share of the change (Shapley values: the lever's mean marginal "
                                     "effect over every order of adding the levers); 'interaction' is what the "
                                     "levers do together beyond their parts.")


def _compare_differences(c, page):
    scen, cols, kn = c.scen, c.cols, c.kn
    page.h2("Every KPI: differences from the base")
    show = _ordered(kn)[:9]
    ncols = min(3, len(show))
    nrows = math.ceil(len(show) / ncols)
    V = c.S - 1
    markers = ["o", "s", "^", "D", "v", "P"]
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, (0.32 * len(cols) * max(V, 1.5) + 1.4) * nrows),
                             squeeze=False)
    for ax, name in zip(axes.flat, show):
        j = kn.index(name)
        scale = 100 if name in SHARES else 1
        g = c.good(name)
        for v in range(1, c.S):
            for k in range(len(cols)):
                d, e = c.dm[v - 1, j, k], c.dc[v - 1, j, k]
                if _nan(d):
                    continue
                col = VERDICT_COLOUR[verdict(g, d, e, c.dsig[v - 1, j, k])]
                y = k + (v - 1 - (V - 1) / 2) * 0.8 / max(V, 1)
                ax.errorbar(d * scale, y, xerr=0 if _nan(e) else e * scale, fmt=markers[(v - 1) % len(markers)],
                            color=col, ms=6, capsize=3, lw=1.4)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(range(len(cols)), cols, fontsize=9)
        ax.set_ylim(len(cols) - 0.5, -0.5)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(COMPACT)
        arrow = {1: "higher is better", -1: "lower is better", 0: ""}[g]
        unit = " (points)" if name in SHARES else ""
        ax.set_title(f"{label(name)}{unit}\n{arrow}", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(show):]:
        ax.axis("off")
    handles = [Patch(color=VERDICT_COLOUR[k], label=VERDICT_TEXT[k].split(" (")[0]) for k in ("gain", "loss", "ns")]
    if V > 1:
        handles += [Line2D([], [], marker=markers[(v - 1) % len(markers)], color="k", ls="", label=scen[v])
                    for v in range(1, c.S)]
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=9, bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(f"Variant minus {scen[0]}: mean of paired differences, 95% interval", y=1.04)
    fig.tight_layout()
    page.fig(fig, "differences.png", "Each marker is a variant's difference from the base, the bar its 95% "
                                     "confidence interval: green a significant gain, red a significant loss (whether "
                                     "up is good depends on the KPI), grey an interval that includes zero.")


def _variant_rows(c, v):
    """The table rows of variant v against the base: product, KPI, base, variant, difference (coloured)."""
    rows = []
    for k in range(len(c.cols)):
        for name in _ordered(c.kn):
            j = c.j(name)
            b, bv, d = c.mean[0, j, k], c.mean[v, j, k], c.dm[v - 1, j, k]
            if np.isnan(b) and np.isnan(bv):
                continue
            e = c.dc[v - 1, j, k]
            dtext = fmt_diff(name, d, e)
            if name not in SHARES and not _nan(c.dr[v - 1, j, k]) and name not in ("rating", "nps", "satisfaction"):
                dtext += f" ({100 * c.dr[v - 1, j, k]:+.1f}%)"
            dtext = f"<span class='{verdict(c.good(name), d, e, c.dsig[v - 1, j, k])}'>{_e(dtext)}</span>"
            rows.append([_e(c.cols[k]), _e(label(name)), fmt(name, b) + " ± " + fmt(name, c.ci[0, j, k]).rstrip("%"),
                         fmt(name, bv) + " ± " + fmt(name, c.ci[v, j, k]).rstrip("%"), dtext])
    return rows


def _compare_tables(c, page):
    for v in range(1, c.S):
        page.raw(f"<details><summary>{_e(c.scen[v])} against {_e(c.scen[0])}: every KPI and brand</summary>")
        page.table(["product", "KPI", c.scen[0], c.scen[v], "difference"], _variant_rows(c, v))
        page.raw("</details>")


def _compare_funnel(c, page):
    page.h2("The funnel, per brand")
    ser = c.f.get("series")
    if not isinstance(ser, h5py.Group):
        page.p(f"Daily series are {MISSING}.")
        return
    groups, kinds, clamped_by = {}, None, {}
    for sidx, name in enumerate(c.scen):
        def get(m, sidx=sidx):
            return ser[m][()][sidx] if m in ser else None
        groups[name], kinds, clamped_by[name] = _funnel(get, c.K)
    page.fig(_funnel_fig(groups, c.products, "Moments of truth, mean over replicates"), "funnel.png",
             "Consumers at each moment of truth, per brand (one panel each), one bar per scenario.")
    worst = max(clamped_by, key=lambda n: len(clamped_by[n]))
    page.note(_funnel_note(kinds, clamped_by[worst], c.products, worst if len(c.scen) > 1 and clamped_by[worst] else None))


def _compare_sales_rating(c, page):
    scen, products = c.scen, c.products
    ser = c.f.get("series")
    if not isinstance(ser, h5py.Group) or "purchases" not in ser:
        return
    page.h2("Sales and displayed rating, per brand, day by day")
    fig, ax = plt.subplots(1, 2, figsize=(13, 4.4))
    pur = ser["purchases"][()]
    rat = ser["rating_mean"][()] if "rating_mean" in ser else None
    for k, p in enumerate(products):
        for sidx in range(len(scen)):
            ls = STYLES[sidx % len(STYLES)]
            ax[0].plot(rolling(pur[sidx][:, k]), color=brand_colour(k), ls=ls, lw=1.6 if sidx == 0 else 1.3)
            if rat is not None:
                ax[1].plot(rat[sidx][:, k], color=brand_colour(k), ls=ls, lw=1.6 if sidx == 0 else 1.3)
    ax[0].set(title="Units sold per day (7-day average)", xlabel="day", ylabel="units")
    ax[1].set(title="Displayed rating", xlabel="day", ylabel="stars", ylim=(1, 5))
    brands = [Line2D([], [], color=brand_colour(k), lw=2, label=p) for k, p in enumerate(products)]
    styles = [Line2D([], [], color="#333", ls=STYLES[i % len(STYLES)], label=n) for i, n in enumerate(scen)]
    for a in ax:
        a.grid(alpha=0.3)
    ax[0].legend(handles=brands + styles, fontsize=8, ncol=2)
    fig.tight_layout()
    page.fig(fig, "sales_rating.png", "Mean over replicates. Colour: the brand; line style: the scenario "
                                      f"(solid: {scen[0]}).")


def _compare_stars(c, page):
    scen, products = c.scen, c.products
    if "stars/displayed" not in c.f:
        return
    page.h2("Star ratings")
    disp = c.f["stars/displayed"][()]
    fig, ax = plt.subplots(1, len(products), figsize=(4 * len(products), 3.4), squeeze=False)
    x = np.arange(1, 6)
    w = 0.8 / len(scen)
    for k, p in enumerate(products):
        for sidx, name in enumerate(scen):
            h = disp[sidx, k] / max(disp[sidx, k].sum(), 1e-12)
            ax[0][k].bar(x + (sidx - (len(scen) - 1) / 2) * w, h, w, label=name, color=brand_colour(k),
                         alpha=1 - 0.25 * (sidx % 3), hatch=HATCHES[sidx % len(HATCHES)],
                         edgecolor="white" if sidx == 0 else "#222", lw=0.4)
        ax[0][k].set(title=p, xlabel="stars", xticks=x)
    ax[0][0].set_ylabel("share of displayed reviews")
    ax[0][0].legend(fontsize=8)
    fig.tight_layout()
    page.fig(fig, "stars.png", "Reviews displayed at the end, by stars, mean over replicates.")


def report_compare(f, page, focus=None, kpi=None):
    """The sections of a compare file's report; returns the question."""
    c = _Compare(f)
    _check_focus(focus, c.products)
    focus_of = {v: _compare_focus(c, v, focus) for v in range(1, c.S)}
    page.title = _variant_title(c, 1) if c.S == 2 else (c.titles[0] or f"{c.S - 1} variants against {c.scen[0]}")
    _compare_header(c, page)
    _compare_levers(c, page)
    _compare_headline(c, page, focus_of)
    _compare_economics(c, page, focus_of)
    _compare_attribution(c, page, focus_of)
    _compare_differences(c, page)
    _compare_sales_rating(c, page)
    _compare_funnel(c, page)
    _compare_stars(c, page)
    _compare_tables(c, page)
    qs = [q for q in c.questions[1:] if q]
    if qs:
        return " ".join(dict.fromkeys(qs))
    return f"What changes when {c.scen[0]} becomes {', '.join(c.scen[1:])}?"


# A sweep file -------------------------------------------------------------------------------

class _Sweep:
    def __init__(self, f, path):
        from .sweep import load_sweep  # pandas, only for sweeps
        self.f = f
        self.complete = bool(int(f["sweep"].attrs.get("complete", 1)))
        self.df = load_sweep(path, complete=self.complete)
        self.params = self.df.attrs["parameters"]
        self.spec = self.df.attrs["spec"]
        self.products = strings(f["products/name"])
        g = f["sweep"]
        self.base_toml = s(g.attrs.get("base_scenario", ""))
        try:
            self.base = tomllib.loads(self.base_toml) if self.base_toml else {}
        except tomllib.TOMLDecodeError:
            self.base = {}
        spec_path = s(g.attrs.get("spec_path", ""))
        self.title = (s(g.attrs.get("title", "")) or str(self.spec.get("title", "")) or
                      _meta_from_toml(self.base_toml, "title") or _stem(spec_path) or "motsim sweep")
        self.question = (s(g.attrs.get("question", "")) or str(self.spec.get("question", "")) or
                         _meta_from_toml(self.base_toml, "question"))
        self.kpis = sorted({c.rsplit(".", 1)[0] for c in self.df.columns if c.endswith(".all")})


def _numeric(series):
    try:
        series.astype(float)
        return True
    except (TypeError, ValueError):
        return False


def _sweep_focus(sw, focus):
    if focus:
        return focus
    for p in sw.params:
        named = _named(sw.products, p)
        if named:
            return named[0]
    col = [f"market_share.{p}" for p in sw.products]
    if all(c in sw.df for c in col):
        return sw.products[int(np.nanargmax(sw.df[col].mean().to_numpy()))]
    return sw.products[0]


def _sweep_kpi(sw, kpi):
    if kpi:
        if kpi not in sw.kpis:
            raise InputError(f"--kpi {kpi}: not in this sweep; its KPIs are {', '.join(sw.kpis)}")
        return kpi
    return next(k for k in ["profit", "net_revenue", "revenue", "units"] + sw.kpis if k in sw.kpis)


def _point_stats(sw, col):
    """Per point: mean, 95% half-width over replicates, and the parameter values."""
    from scipy import stats
    g = sw.df.groupby("point")
    out = g[col].agg(["mean", "std", "count"])
    t = stats.t.ppf(0.975, np.maximum(out["count"] - 1, 1))
    out["ci95"] = np.where(out["count"] > 1, t * out["std"] / np.sqrt(out["count"]), np.nan)
    for p in sw.params:
        out[p] = g[p].first()
    return out


def _base_point(sw, stats_):
    """The point whose parameters equal the base scenario's, or None."""
    base_vals = {p: lv.lookup(sw.base, p) for p in sw.params}
    if any(v is None for v in base_vals.values()):
        return None
    m = np.ones(len(stats_), bool)
    for p, v in base_vals.items():
        col = stats_[p]
        m &= np.isclose(col.astype(float), float(v)) if _numeric(col) and not isinstance(v, str) else (col == v)
    idx = stats_.index[m]
    return idx[0] if len(idx) else None


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def _sweep_header(sw, page, focus, kpi):
    f, g = sw.f, sw.f["sweep"]
    page.p(f"<span class='sub'>Sweep <code>{_e(s(g.attrs.get('spec_path', '')))}</code>: design "
           f"{_e(s(g.attrs.get('design', '')))}, {int(g.attrs.get('points', 0))} points &times; "
           f"{_plural(int(g.attrs.get('replicates', 1)), 'replicate')} = {_plural(len(sw.df), 'run')}; "
           f"motsim {_e(s(f.attrs.get('motsim_version', '')))}. Bands are 95% confidence intervals over "
           f"replicates.</span>")
    if not sw.complete:
        page.note("A partial sweep (a slice, or an interrupted run): only the runs it holds are shown.")
    if not sw.question:
        page.note("No question is recorded in this file: the title is the sweep spec's file name.")
    page.h2("The levers swept")
    rows = []
    for p in sw.params:
        spec_v = sw.spec.get("parameters", {}).get(p)
        if isinstance(spec_v, dict):
            rng = f"{lv.value_text(spec_v.get('min'))} to {lv.value_text(spec_v.get('max'))}"
            rng += f", {spec_v['steps']} steps" if "steps" in spec_v else ""
            rng += " (log scale)" if spec_v.get("log") else ""
        else:
            vals = sorted(sw.df[p].unique(), key=lambda x: (float(x) if _numeric(sw.df[p]) else str(x)))
            rng = ", ".join(lv.value_text(float(x)) if _numeric(sw.df[p]) else str(x) for x in vals)
        b = lv.lookup(sw.base, p)
        rows.append([f"<code>{_e(p)}</code>", _e("-" if b is None else lv.value_text(b)), _e(rng)])
    page.table(["lever", "base scenario", "values swept"], rows, cls="levers")
    held = sw.df.attrs.get("held", [])
    if held:
        page.p("<span class='sub'>Held for every run: " + ", ".join(
            f"<code>{_e(h)}</code> = {_e(lv.value_text(sw.spec.get('parameters', {}).get(h, '')))}" for h in held)
            + ".</span>")


def _sweep_headline(sw, page, focus, kpi):
    page.h2(f"Headline: {focus}")
    col = f"{kpi}.{focus}"
    st = _point_stats(sw, col)
    good = good_sign(kpi)
    best = st["mean"].idxmax() if good >= 0 else st["mean"].idxmin()
    where = ", ".join(f"{p.split('.')[-1]} = {_param_text(st.loc[best, p])}" for p in sw.params)
    cards = [(f"Best {label(kpi).lower()}", fmt(kpi, st.loc[best, "mean"]) +
              ("" if _nan(st.loc[best, "ci95"]) else f" ± {fmt(kpi, st.loc[best, 'ci95'])}"), f"at {where}", "neutral")]
    bp = _base_point(sw, st)
    if bp is not None:
        cards.append((f"{label(kpi)} at the base scenario's values", fmt(kpi, st.loc[bp, "mean"]) +
                      ("" if _nan(st.loc[bp, "ci95"]) else f" ± {fmt(kpi, st.loc[bp, 'ci95'])}"), "", "neutral"))
        a = sw.df[sw.df["point"] == best].set_index("replicate")[col]
        b = sw.df[sw.df["point"] == bp].set_index("replicate")[col]
        d = (a - b).dropna()
        if len(d) > 1 and best != bp:
            from scipy import stats
            ci = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
            cards.append(("Best against base", fmt_diff(kpi, d.mean(), ci), "paired by replicate",
                          verdict(good, d.mean(), ci)))
    else:
        cards.append(("Base scenario", "not a point of the design", "", "missing"))
    if kpi != "profit":
        cards.append(("Profit", MISSING, f"curves show {label(kpi).lower()} instead", "missing"))
    page.cards(cards, "headline")


def _sweep_response(sw, page, focus, kpi):
    page.h2("Response curves")
    rows = [kpi] + [k for k in ["market_share", "units"] if k != kpi and k in sw.kpis][:1]
    P = len(sw.params)
    fig, axes = plt.subplots(len(rows), P, figsize=(min(5.8 * P, 17), 3.6 * len(rows)), squeeze=False)
    for i, kn in enumerate(rows):
        for jp, p in enumerate(sw.params):
            _response_panel(axes[i][jp], sw, p, f"{kn}.{focus}", kn)
            if i == 0:
                axes[i][jp].set_title(p, fontsize=10)
            axes[i][jp].set_ylabel(f"{label(kn)}, {focus}" + (" (%)" if kn in SHARES else ""), fontsize=9)
    fig.tight_layout()
    page.fig(fig, "response.png", f"{label(kpi)} and share of {focus} against each swept lever: mean over replicates "
                                  "with its 95% band; one line per value of the other lever when there are two, "
                                  "else averaged over the others (a sampled design: runs grouped in bins of the "
                                  "lever, each run a grey dot). Dotted: the base scenario's value.")


def _response_panel(ax, sw, p, col, kname):
    from .sweep import summarise
    df = sw.df
    others = [q for q in sw.params if q != p]
    scale = 100 if kname in SHARES else 1
    numeric = _numeric(df[p])
    groups = [(None, df)]
    if len(others) == 1 and df[others[0]].nunique() <= 6 and df[p].nunique() <= 12:
        groups = list(df.groupby(others[0]))
    cmap = plt.get_cmap("viridis")
    for gi, (gv, sub) in enumerate(groups):
        sub = sub.copy()
        if numeric:
            sub[p] = sub[p].astype(float)
        xcol = p
        if numeric and sub[p].nunique() > 12:  # a sampled design: bin by quantiles
            nb = max(3, min(8, len(sub) // 6))
            sub["_bin"] = pd.qcut(sub[p], nb, duplicates="drop")
            centres = sub.groupby("_bin", observed=True)[p].mean()
            sub["_x"] = sub["_bin"].map(centres).astype(float)
            xcol = "_x"
            ax.scatter(sub[p], sub[col] * scale, s=6, color="#999", alpha=0.4)
        st = summarise(sub, xcol, col).sort_values(xcol)
        x = st[xcol].to_numpy() if numeric else np.arange(len(st))
        colour = "#1f77b4" if gv is None else cmap(gi / max(len(groups) - 1, 1) * 0.85)
        lab = None if gv is None else f"{others[0].split('.')[-1]} = {_param_text(gv)}"
        m, e = st["mean"].to_numpy() * scale, np.nan_to_num(st["ci95"].to_numpy()) * scale
        ax.plot(x, m, marker="o", ms=4, color=colour, label=lab)
        ax.fill_between(x, m - e, m + e, color=colour, alpha=0.12, lw=0)
        if not numeric:
            ax.set_xticks(x, st[xcol].astype(str).to_list(), rotation=20)
    spec_v = sw.spec.get("parameters", {}).get(p)
    if isinstance(spec_v, dict) and spec_v.get("log"):
        ax.set_xscale("log")
        ticks = np.geomspace(float(spec_v["min"]), float(spec_v["max"]), 5)
        ax.set_xticks(ticks, [f"{x:.3g}" for x in ticks])
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    b = lv.lookup(sw.base, p)
    if numeric and isinstance(b, (int, float)) and not isinstance(b, bool):
        ax.axvline(float(b), color="#555", ls=":", lw=1)
    ax.grid(alpha=0.3)
    ax.yaxis.set_major_formatter(COMPACT)
    if len(groups) > 1:
        ax.legend(fontsize=7)
    ax.set_xlabel(p, fontsize=9)


def _param_text(v):
    """A swept value as a label: a string as it is, a number with at most 4 significant digits."""
    if isinstance(v, str):
        return v
    return f"{float(v):.4g}"


def _sweep_sensitivity(sw, page, focus, kpi):
    design = sw.df.attrs.get("design")
    if design not in ("morris", "sobol"):
        return
    from . import sensitivity
    col = f"{kpi}.{focus}"
    page.h2("Which lever matters most")
    try:
        if design == "morris":
            t = sensitivity.morris_indices(sw.df, col)
            page.table(["lever", "mu* (mean |effect|)", "mu", "sigma"],
                       [[f"<code>{_e(p)}</code>", f"{r.mu_star:,.3g}", f"{r.mu:,.3g}", f"{r.sigma:,.3g}"]
                        for p, r in t.sort_values("mu_star", ascending=False).iterrows()])
        else:
            t = sensitivity.sobol_indices(sw.df, col)
            page.table(["lever", "first-order index", "total index"],
                       [[f"<code>{_e(p)}</code>", f"{r.first_order:.2f}", f"{r.total:.2f}"]
                        for p, r in t.sort_values("total", ascending=False).iterrows()])
    except (KeyError, ValueError, IndexError) as e:
        page.p(f"Sensitivity indices could not be computed from this file ({_e(e)}).")


def _sweep_series(sw, page, focus):
    ts = sw.f["sweep"].get("timeseries")
    if not isinstance(ts, h5py.Group) or "purchases" not in ts:
        return
    k = sw.products.index(focus)
    pur = ts["purchases"][()][:, :, k]
    done = sw.df["run"].to_numpy()
    p = sw.params[0]
    vals = sw.df[p]
    levels = list(dict.fromkeys(sorted(vals.unique(), key=lambda x: (float(x) if _numeric(vals) else str(x)))))
    if len(levels) > 8:
        return
    page.h2(f"Sales of {focus} over time, by {p}")
    fig, ax = plt.subplots(figsize=(9, 3.6))
    cmap = plt.get_cmap("viridis")
    for i, lvl in enumerate(levels):
        runs = done[(vals == lvl).to_numpy()]
        ax.plot(rolling(pur[runs].mean(axis=0)), color=cmap(i / max(len(levels) - 1, 1) * 0.85),
                label=f"{p.split('.')[-1]} = {_param_text(lvl)}")
    ax.set(xlabel="day", ylabel="units per day (7-day average)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    page.fig(fig, "sweep_sales.png", "Mean over the replicates and the other levers' values.")


def report_sweep(f, page, focus=None, kpi=None, path=None):
    """The sections of a sweep file's report; returns the question."""
    try:
        sw = _Sweep(f, path)
    except ValueError as e:
        raise InputError(str(e)) from None
    _check_focus(focus, sw.products)
    focus = _sweep_focus(sw, focus)
    kpi = _sweep_kpi(sw, kpi)
    page.title = sw.title
    _sweep_header(sw, page, focus, kpi)
    _sweep_headline(sw, page, focus, kpi)
    _sweep_response(sw, page, focus, kpi)
    _sweep_sensitivity(sw, page, focus, kpi)
    _sweep_series(sw, page, focus)
    return sw.question


# The command --------------------------------------------------------------------------------

def _open(results):
    """The results file open for reading, and its format; InputError unless a run, compare or sweep file."""
    if not os.path.exists(results):
        raise InputError(f"{results}: no such file")
    try:
        f = h5py.File(results, "r")
    except OSError:
        raise InputError(f"{results}: not an HDF5 file, or truncated") from None
    fmt_ = s(f.attrs.get("format", ""))
    if fmt_ not in FORMATS:
        f.close()
        raise InputError(f"{results}: not a motsim run, compare, sweep or calibration file (format '{fmt_}')")
    return f, fmt_


def _check_out(out, force):
    """InputError if out is a file, or a non-empty directory without force."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"{out}: exists and is not a directory")
    if os.path.isdir(out) and os.listdir(out) and not force:
        raise InputError(f"{out}: directory is not empty; use --force to replace the report in it")


def _install(tmp, out):
    """Moves the report written in tmp into out (created), replacing an earlier report's page and figures."""
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.endswith(".png") or name == "index.html":
            os.remove(os.path.join(out, name))
    for name in os.listdir(tmp):
        os.replace(os.path.join(tmp, name), os.path.join(out, name))


def write_report(results, out, force=False, focus=None, kpi=None, single_file=False):
    """Writes the report of `results` (a run, compare or sweep file) into the directory `out`; returns its Page.
    Raises InputError for bad input, leaving `out` as it was: the page is written beside it first."""
    f, fmt_ = _open(results)
    with f:
        _check_out(out, force)
        parent = os.path.dirname(os.path.abspath(out))
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=os.path.basename(os.path.abspath(out)) + ".tmp-", dir=parent)
        try:
            page = Page(tmp, "motsim report: " + os.path.basename(results), single_file)
            try:
                if fmt_ == "motsim-run-1":
                    question = report_run(f, page, focus, kpi)
                elif fmt_ == "motsim-compare-1":
                    question = report_compare(f, page, focus, kpi)
                elif fmt_ == "motsim-calibration-1":
                    from .report_calibration import report_calibration
                    question = report_calibration(results, page)
                else:
                    question = report_sweep(f, page, focus, kpi, results)
            except KeyError as e:
                what = re.search(r"object '([^']+)'", str(e))
                raise InputError(f"{results}: incomplete motsim file "
                                 f"({'no ' + repr(what.group(1)) if what else e})") from None
            page.p(f"<span class='sub'>Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC "
                   f"by scripts/report from {_e(results)}.</span>")
            page.write(question)
            _install(tmp, out)
            page.out = out
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return page


def main(argv=None):
    """scripts/report: parse the command line, write the report; exit status 2 on bad input."""
    ap = argparse.ArgumentParser(prog="report", description=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out", required=True, help="output directory (created; must be empty unless --force)")
    ap.add_argument("--focus", metavar="BRAND", help="the brand of the headline (default: the one the variant "
                                                     "changes most)")
    ap.add_argument("--kpi", help="sweeps: the KPI of the response curves (default: profit, else net_revenue)")
    ap.add_argument("--force", action="store_true", help="write into a non-empty directory, replacing the report")
    ap.add_argument("--single-file", action="store_true", help="one self-contained index.html: the figures inside "
                                                               "it, no PNG files")
    a = ap.parse_args(argv)
    try:
        page = write_report(a.results, a.out, a.force, a.focus, a.kpi, a.single_file)
    except InputError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {os.path.join(a.out, 'index.html')} and {len(page.images)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
