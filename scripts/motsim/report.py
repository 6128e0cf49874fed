"""The HTML report of a run or compare file (scripts/report): a page a strategist can read and share.

report.main(["RESULTS.h5", "-o", "DIR"]) writes DIR/index.html and the PNG figures it shows, all in DIR.
Uses Debian's python3-h5py, python3-numpy, python3-pandas and python3-matplotlib.
Exit codes: 0 success, 2 bad input (missing, non-HDF5 or foreign file; DIR not empty).
"""
import argparse
import datetime
import html
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .hdf5 import strings, text as s  # noqa: E402

USAGE = """motsim report: turn a results file into a page a strategist can read and share.

usage: scripts/report RESULTS.h5 -o DIR [--force]

Works for a run file (`motsim run`) and a compare file (`motsim compare`). Writes
DIR/index.html and the PNG figures it shows, all in DIR (copy or zip DIR to share it).
Uses Debian's python3-h5py, python3-numpy, python3-pandas and python3-matplotlib.
Exit codes: 0 success, 2 bad input (missing, non-HDF5 or foreign file; DIR not empty).
"""

FUNNEL = [("aware", "aware"), ("researchers", "researched"), ("considered", "considered"),
          ("purchases", "bought"), ("satisfied", "satisfied"), ("reviews", "reviewed")]
KPI_LABELS = {
    "units": "Units sold", "revenue": "Revenue", "net_revenue": "Net revenue (after refunds)",
    "market_share": "Market share", "refunds": "Refunds", "lost_customers": "Customers lost for good",
    "rating": "Displayed rating (stars)", "reviews": "Reviews posted", "nps": "Net promoter score",
    "awareness": "Awareness", "adopters": "Distinct buyers", "satisfaction": "Remembered satisfaction (0-10)",
    "refunded_amount": "Refunded amount",
}
CSS = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{margin-bottom:0}.sub{color:#666}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f0f0f0}
td:first-child,th:first-child{text-align:left}img{max-width:100%}figure{margin:1em 0}
figcaption{color:#555;font-size:90%}.sig{font-weight:bold;color:#0a5}.neg{color:#b00}"""
# Marks the page once every image has loaded (used by the tests in headless Chromium).
JS = """window.addEventListener('load',function(){var i=document.images,n=0;
for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)n++;}
document.body.setAttribute('data-images-ok',n+'/'+i.length);});"""


class InputError(Exception):
    """Bad input: main() prints it and exits with status 2."""


def fmt(name, v):
    """A KPI value as the report shows it ('-' for missing)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if name in ("market_share", "awareness"):
        return f"{100 * v:.1f}%"
    if name in ("rating", "satisfaction"):
        return f"{v:.2f}"
    if name == "nps":
        return f"{v:.1f}"
    return f"{v:,.0f}"


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


class Page:
    """The page being written: HTML parts in order and the figures saved beside index.html."""

    def __init__(self, out, title):
        self.out, self.title, self.parts, self.images = out, title, [], []

    def h2(self, t):
        self.parts.append(f"<h2>{html.escape(t)}</h2>")

    def p(self, t):
        self.parts.append(f"<p>{t}</p>")

    def fig(self, fig, name, caption):
        path = os.path.join(self.out, name)
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        self.images.append(name)
        self.parts.append(f'<figure><img src="{name}" alt="{html.escape(caption)}">'
                          f"<figcaption>{html.escape(caption)}</figcaption></figure>")

    def table(self, header, rows, cls=""):
        h = "".join(f"<th>{html.escape(c)}</th>" for c in header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        self.parts.append(f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>')

    def write(self):
        doc = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>"
               f"<style>{CSS}</style><script>{JS}</script></head><body><h1>{html.escape(self.title)}</h1>"
               + "".join(self.parts) + "</body></html>")
        with open(os.path.join(self.out, "index.html"), "w") as f:
            f.write(doc)


def funnel_plot(stages, groups, title, ylabel="consumers (or decisions, for 'considered')"):
    """stages: list of labels; groups: {name: [values per stage]}"""
    fig, ax = plt.subplots(figsize=(9, 4))
    n = len(groups)
    w = 0.8 / max(n, 1)
    x = np.arange(len(stages))
    for i, (name, vals) in enumerate(groups.items()):
        ax.bar(x + (i - (n - 1) / 2) * w, vals, w, label=name)
    ax.set_xticks(x, stages)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return fig


# A run file ---------------------------------------------------------------------------------

def _run_header(f, page, products):
    a = f.attrs
    page.p(f"<span class='sub'>Scenario <code>{html.escape(s(a.get('scenario_path', '')))}</code>, "
           f"{int(a['agents']):,} consumers, {int(a['days'])} days, seed {int(a['seed'])}, "
           f"motsim {html.escape(s(a['motsim_version']))}, written {html.escape(s(a['created']))}.</span>")
    page.h2("Key results")
    kp = f["kpis"]
    names = [k for k in ["units", "revenue", "net_revenue", "market_share", "refunds", "lost_customers", "rating",
                         "reviews", "nps", "awareness", "satisfaction"] if k in kp]
    page.table(["KPI"] + products, [[KPI_LABELS.get(k, k)] + [fmt(k, v) for v in kp[k][()]] for k in names])


def _run_funnel(ts, page, products):
    page.h2("The funnel across the moments of truth")
    stages, groups = [lab for _, lab in FUNNEL], {}
    for k, p in enumerate(products):
        vals = []
        for metric, _ in FUNNEL:
            v = ts[metric][()][:, k]
            vals.append(v[-1] if metric == "aware" else v.sum())
        groups[p] = vals
    page.fig(funnel_plot(stages, groups, "Stimulus -> ZMOT -> FMOT -> SMOT -> TMOT"), "funnel.png",
             "Aware at the end; researched, considered (decisions), bought, satisfied and reviewed over the run.")


def _run_sales_rating(ts, page, products):
    page.h2("Sales and displayed rating, day by day")
    days = ts["day"][()]
    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    for k, p in enumerate(products):
        ax[0].plot(days, rolling(ts["purchases"][()][:, k]), label=p)
        r = ts["rating_mean"][()][:, k].astype(float)
        r[ts["rating_count"][()][:, k] == 0] = np.nan
        ax[1].plot(days, r, label=p)
    ax[0].set(title="Units sold per day (7-day average)", xlabel="day")
    ax[1].set(title="Displayed mean rating", xlabel="day", ylabel="stars", ylim=(1, 5))
    for x in ax:
        x.legend()
        x.grid(alpha=0.3)
    page.fig(fig, "sales_rating.png", "Daily sales and the rating shoppers see at the point of sale.")


def _run_stars(ts, page, products):
    page.h2("Star ratings")
    hist = ts["rating_histogram"][()][-1]
    every = ts["experience_stars"][()].sum(axis=0) if "experience_stars" in ts else None
    fig, ax = plt.subplots(1, len(products), figsize=(4 * len(products), 3.4), squeeze=False)
    for k, p in enumerate(products):
        x = np.arange(1, 6)
        h = hist[k] / max(hist[k].sum(), 1)
        ax[0][k].bar(x - 0.2, h, 0.4, label="displayed reviews")
        if every is not None and every[k].sum() > 0:
            ax[0][k].bar(x + 0.2, every[k] / every[k].sum(), 0.4, label="every buyer")
        ax[0][k].set(title=p, xlabel="stars", xticks=x)
    ax[0][0].set_ylabel("share")
    ax[0][0].legend(fontsize=8)
    page.fig(fig, "stars.png", "Reviews displayed at the end, against the stars every buyer would give: "
                               "only the most delighted and the angriest post, hence the J shape.")


def _run_experience(ts, page, products):
    page.h2("Experience")
    fig, ax = plt.subplots(figsize=(9, 3.6))
    cats = ["incidents", "complaints", "recoveries", "refunds", "lost"]
    w = 0.8 / len(products)
    for k, p in enumerate(products):
        ax.bar(np.arange(len(cats)) + (k - (len(products) - 1) / 2) * w, [ts[c][()][:, k].sum() for c in cats], w, label=p)
    ax.set_xticks(np.arange(len(cats)), ["incidents", "complaints\n(customer service)", "recoveries", "refunds",
                                         "customers lost\nfor good"])
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    page.fig(fig, "experience.png", "What went wrong after the purchase, and what customer service recovered.")


def report_run(f, page):
    """The sections of a run file's report."""
    products = strings(f["products/name"])
    ts = f["timeseries"]
    _run_header(f, page, products)
    _run_funnel(ts, page, products)
    _run_sales_rating(ts, page, products)
    _run_stars(ts, page, products)
    _run_experience(ts, page, products)


# A compare file -----------------------------------------------------------------------------

class _Compare:
    """What the sections of a compare report read from the file."""

    def __init__(self, f):
        self.f = f
        self.scen = strings(f["scenarios/name"])
        self.products = strings(f["products/name"])
        self.cols = self.products + ["all products"]
        self.kn = strings(f["kpis/name"])
        self.mean, self.ci = f["kpis/mean"][()], f["kpis/ci95"][()]
        self.dm, self.dc, self.dsig = f["kpis/diff_mean"][()], f["kpis/diff_ci95"][()], f["kpis/diff_significant"][()]


def _compare_header(c, page):
    f, scen = c.f, c.scen
    R = int(f.attrs["replicates"])
    page.p(f"<span class='sub'>Base <b>{html.escape(scen[0])}</b> against {', '.join(html.escape(x) for x in scen[1:])}; "
           f"{R} replicates each with common random numbers (replicate r uses the same random key in every scenario), "
           f"{int(f.attrs['days'])} days; motsim {html.escape(s(f.attrs['motsim_version']))}. Intervals are 95% "
           f"confidence intervals (Student t); <span class='sig'>bold green</span> differences are significant at 5%."
           f"</span>")


def _compare_differences(c, page):
    scen, cols, kn = c.scen, c.cols, c.kn
    page.h2("What changes: differences from the base")
    show = [k for k in ["units", "net_revenue", "market_share", "refunds", "lost_customers", "rating", "nps", "awareness"]
            if k in kn]
    fig, axes = plt.subplots(2, 4, figsize=(16, 7))
    for ax, k in zip(axes.flat, show):
        j = kn.index(k)
        x = np.arange(len(cols))
        w = 0.8 / max(len(scen) - 1, 1)
        for v in range(1, len(scen)):
            y, e = c.dm[v - 1, j], c.dc[v - 1, j]
            ax.bar(x + (v - 1 - (len(scen) - 2) / 2) * w, y, w, yerr=e, capsize=3, label=scen[v])
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xticks(x, cols, fontsize=8, rotation=20)
        ax.set_title(KPI_LABELS.get(k, k), fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"Variant minus {scen[0]}, mean of paired differences with 95% CI")
    fig.tight_layout()
    page.fig(fig, "differences.png", "Each bar is a variant's difference from the base; the error bar is its 95% "
                                     "confidence interval. An interval that does not cross zero is significant.")


def _variant_rows(c, v):
    """The table rows of variant v against the base: product, KPI, base, variant, difference."""
    rows = []
    for k in range(len(c.cols)):
        for j, name in enumerate(c.kn):
            b, bv, d = c.mean[0, j, k], c.mean[v, j, k], c.dm[v - 1, j, k]
            if np.isnan(b) and np.isnan(bv):
                continue
            dtext = "-" if np.isnan(d) else (("+" if d > 0 else "") + fmt(name, d) + " ± " + fmt(name, c.dc[v - 1, j, k]))
            if c.dsig[v - 1, j, k]:
                dtext = f"<span class='sig'>{dtext}</span>"
            rows.append([html.escape(c.cols[k]), KPI_LABELS.get(name, name),
                         fmt(name, b) + " ± " + fmt(name, c.ci[0, j, k]),
                         fmt(name, bv) + " ± " + fmt(name, c.ci[v, j, k]), dtext])
    return rows


def _compare_tables(c, page):
    for v in range(1, len(c.scen)):
        page.h2(f"{c.scen[v]} against {c.scen[0]}")
        page.table(["product", "KPI", c.scen[0], c.scen[v], "difference"], _variant_rows(c, v))


def _compare_funnel(c, page):
    page.h2("The funnel, all products")
    ser = c.f["series"]
    groups = {}
    for sidx, name in enumerate(c.scen):
        vals = []
        for metric, _ in FUNNEL:
            x = ser[metric][()][sidx]
            vals.append(x[-1].sum() if metric == "aware" else x.sum())
        groups[name] = vals
    page.fig(funnel_plot([lab for _, lab in FUNNEL], groups, "Moments of truth, mean over replicates",
                         ylabel="summed over products"), "funnel.png",
             "Summed over the products: a consumer aware of two brands counts twice. Aware at the end; "
             "researched, considered (decisions), bought, satisfied and reviewed over the run.")


def _compare_sales_rating(c, page):
    scen, products, ser = c.scen, c.products, c.f["series"]
    page.h2("Sales and displayed rating, day by day")
    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    for sidx, name in enumerate(scen):
        ax[0].plot(rolling(ser["purchases"][()][sidx].sum(axis=1)), label=name)
    ax[0].set(title="Units sold per day, all products (7-day average)", xlabel="day")
    for k, p in enumerate(products):
        for sidx, name in enumerate(scen):
            ax[1].plot(ser["rating_mean"][()][sidx][:, k], lw=1, ls="-" if sidx == 0 else "--",
                       label=f"{p}, {name}" if len(scen) * len(products) <= 12 else None)
    ax[1].set(title="Displayed rating (solid: base)", xlabel="day", ylabel="stars", ylim=(1, 5))
    for a in ax:
        a.grid(alpha=0.3)
        a.legend(fontsize=7)
    page.fig(fig, "sales_rating.png", "Mean over replicates.")


def _compare_stars(c, page):
    scen, products = c.scen, c.products
    page.h2("Star ratings")
    disp = c.f["stars/displayed"][()]
    fig, ax = plt.subplots(1, len(products), figsize=(4 * len(products), 3.4), squeeze=False)
    x = np.arange(1, 6)
    w = 0.8 / len(scen)
    for k, p in enumerate(products):
        for sidx, name in enumerate(scen):
            h = disp[sidx, k] / max(disp[sidx, k].sum(), 1e-12)
            ax[0][k].bar(x + (sidx - (len(scen) - 1) / 2) * w, h, w, label=name)
        ax[0][k].set(title=p, xlabel="stars", xticks=x)
    ax[0][0].set_ylabel("share of displayed reviews")
    ax[0][0].legend(fontsize=8)
    fig.tight_layout()
    page.fig(fig, "stars.png", "Reviews displayed at the end, by stars, mean over replicates.")


def report_compare(f, page):
    """The sections of a compare file's report."""
    c = _Compare(f)
    _compare_header(c, page)
    _compare_differences(c, page)
    _compare_tables(c, page)
    _compare_funnel(c, page)
    _compare_sales_rating(c, page)
    if "stars" in f:
        _compare_stars(c, page)


# The command --------------------------------------------------------------------------------

def _open(results):
    """The results file open for reading, and its format; InputError unless a run or compare file."""
    if not os.path.exists(results):
        raise InputError(f"{results}: no such file")
    try:
        f = h5py.File(results, "r")
    except OSError:
        raise InputError(f"{results}: not an HDF5 file, or truncated") from None
    fmt_ = s(f.attrs.get("format", ""))
    if fmt_ not in ("motsim-run-1", "motsim-compare-1"):
        f.close()
        raise InputError(f"{results}: not a motsim run or compare file (format '{fmt_}')")
    return f, fmt_


def _prepare(out, force):
    """Creates the output directory; InputError if it is a file, or a non-empty directory without force."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"{out}: exists and is not a directory")
    if os.path.isdir(out) and os.listdir(out) and not force:
        raise InputError(f"{out}: directory is not empty; use --force to replace the report in it")
    os.makedirs(out, exist_ok=True)


def write_report(results, out, force=False):
    """Writes the report of `results` (a run or compare file) into the directory `out`; returns its Page.
    Raises InputError for bad input."""
    f, fmt_ = _open(results)
    with f:
        _prepare(out, force)
        page = Page(out, "motsim report: " + os.path.basename(results))
        try:
            (report_run if fmt_ == "motsim-run-1" else report_compare)(f, page)
        except KeyError as e:
            raise InputError(f"{results}: incomplete motsim file ({e})") from None
    page.p(f"<span class='sub'>Generated {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by scripts/report from "
           f"{html.escape(results)}.</span>")
    page.write()
    return page


def main(argv=None):
    """scripts/report: parse the command line, write the report; exit status 2 on bad input."""
    ap = argparse.ArgumentParser(prog="report", description=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out", required=True, help="output directory (created; must be empty unless --force)")
    ap.add_argument("--force", action="store_true", help="write into a non-empty directory, replacing the report")
    a = ap.parse_args(argv)
    try:
        page = write_report(a.results, a.out, a.force)
    except InputError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {os.path.join(a.out, 'index.html')} and {len(page.images)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
