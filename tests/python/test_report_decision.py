#!/usr/bin/python3
"""The report built around the decision (scripts/report): run, compare (with and without economics and
attribution) and sweep files written by the binary at small sizes, reports built, and each page opened in
headless Chromium, which must load every image; plus the parts that decide colours and words (whether up is
good, significance, points, the funnel that never rises, the levers diff, the focus brand).

The files are the binary's own (titles and questions, /levers, the money KPIs, /kpis/good, /economics,
/attribution); older files are made from them by deleting those parts with h5py, so the report is checked on
both.
Set MOTSIM_REPORT_SHOTS=DIR to keep Chromium's screenshots of every page in DIR.
Usage: test_report_decision.py MOTSIM SOURCE_DIR"""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from matplotlib import image as mpimg

motsim, src = sys.argv[1], os.path.realpath(sys.argv[2])
sys.path.insert(0, os.path.join(src, "scripts"))
from motsim import levers, report  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from headless_chromium import Chromium  # noqa: E402

failures = []
SC = os.path.join(src, "scenarios")
FAST = ["--agents", "3000", "--days", "60", "--quiet"]


def check(cond, msg):
    if not cond:
        failures.append(msg)


def run_main(*argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = report.main(list(argv))
    return status, err.getvalue()


# The parts that decide colours and words -----------------------------------------------------

def test_words_and_colours():
    check(report.verdict(1, 5.0, 1.0) == "gain" and report.verdict(1, -5.0, 1.0) == "loss", "verdict of a rise/fall")
    check(report.verdict(-1, 5.0, 1.0) == "loss" and report.verdict(-1, -5.0, 1.0) == "gain",
          "a significant rise of a cost is a loss, not green")
    check(report.verdict(1, 5.0, 10.0) == "ns" and report.verdict(1, 5.0, 1.0, sig=False) == "ns",
          "an interval that includes 0 is grey")
    check(report.verdict(0, 5.0, 1.0) == "neutral", "a KPI neither good nor bad")
    check(report.good_sign("refunds") == -1 and report.good_sign("profit") == 1 and report.good_sign("units") == 1,
          "built-in table of whether up is good")
    check(report.good_sign("units", {"units": -1}) == -1, "the file's /kpis/good wins over the table")
    check(report.good_sign("warranty_cost") == -1 and report.good_sign("gross_profit") == 1, "good sign by name")
    check(report.fmt_diff("market_share", 0.0321, 0.008) == "+3.2 ± 0.8 points", report.fmt_diff("market_share", 0.0321, 0.008))
    check(report.fmt_diff("rating", -0.05, 0.03) == "-0.05 ± 0.03 stars", report.fmt_diff("rating", -0.05, 0.03))
    check(report.fmt_diff("profit", 12345.0, 678.0) == "+12,345 ± 678", report.fmt_diff("profit", 12345.0, 678.0))
    # The funnel counts people: it never rises from one stage to the next.
    series = {"aware": np.array([[10, 5], [20, 6]]), "researchers": np.array([[30, 1], [1, 1]]),
              "considered": np.array([[2, 2], [2, 2]]), "purchases": np.array([[9, 0], [9, 1]]),
              "adopters": np.array([[1, 0], [3, 1]]), "satisfied": np.array([[5, 0], [5, 0]]),
              "reviews": np.array([[1, 0], [0, 0]])}
    vals, kinds, clamped = report._funnel(series.get, 2)
    check(np.all(np.diff(vals, axis=0) <= 0), f"funnel rises: {vals.tolist()}")
    check(vals[0].tolist() == [20, 6] and vals[3].tolist() == [3, 1], f"aware and bought are people: {vals.tolist()}")
    check(kinds[0] == "people" and kinds[3] == "people" and kinds[1] == "events", f"stage kinds {kinds}")
    check(any(st == 1 and k == 0 for st, k, _, _ in clamped), f"researched not reported as lowered: {clamped}")


def test_levers_diff():
    base = '[simulation]\nagents = 100\n[[product]]\nname = "A"\nprice = 10.0\n[[product]]\nname = "B"\nprice = 5.0\n'
    var = ('title = "t"\n[simulation]\nagents = 100\n[[product]]\nname = "B"\nprice = 4.5\n[[product]]\nname = "A"\n'
           'price = 10.0\n[[campaign]]\nproduct = "B"\nchannel = "tv"\n')
    d = levers.diff(base, var)
    check(("product.B.price", "5", "4.5") in d, f"a product matched by name: {d}")
    check(any(k == "campaign.0" and b == levers.NONE and "product = B" in v for k, b, v in d), f"a campaign added: {d}")
    check(len(d) == 2, f"only the changes (not the title): {d}")
    check(levers.lookup({"product": [{"name": "A", "price": 3}]}, "product.A.price") == 3, "lookup by name")


# Older files: what the binary writes, with the newer parts taken out --------------------------

ECON_KPIS = ["cost_of_goods", "marketing_spend", "service_cost", "community_cost", "refund_cost", "fixed_cost",
             "contribution_margin", "profit", "profit_pv", "spend", "lost_customer_value"]


def _str(ds):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[()]]


def _replace(g, name, data, **kw):
    if name in g:
        del g[name]
    return g.create_dataset(name, data=data, **kw)


def _untitled(toml):
    """The resolved scenario without its title and question lines (written before they existed)."""
    return "\n".join(l for l in toml.split("\n") if not re.match(r"\s*(title|question)\s*=", l))


def make_old_run(path):
    """A run file as written before titles and the economics: no title or question, no money KPIs."""
    with h5py.File(path, "r+") as f:
        for a in ("title", "question"):
            if a in f.attrs:
                del f.attrs[a]
        sc = f.attrs["scenario"]
        f.attrs["scenario"] = _untitled(sc.decode() if isinstance(sc, bytes) else str(sc))
        for n in ECON_KPIS:
            if f"kpis/{n}" in f:
                del f[f"kpis/{n}"]


def make_old_compare(path):
    """A compare file as written before titles, /levers, /kpis/good, /economics and the money KPIs."""
    strs = h5py.string_dtype()
    with h5py.File(path, "r+") as f:
        for n in ("economics", "levers", "kpis/good", "scenarios/title", "scenarios/question", "series/profit"):
            if n in f:
                del f[n]
        _replace(f["scenarios"], "scenario", [_untitled(t) for t in _str(f["scenarios/scenario"])], dtype=strs)
        kn = _str(f["kpis/name"])
        keep = [j for j, n in enumerate(kn) if n not in ECON_KPIS]
        g = f["kpis"]
        for n in ("runs", "mean", "ci95", "diff_mean", "diff_ci95", "diff_relative", "diff_significant"):
            data = g[n][()]
            _replace(g, n, np.take(data, keep, axis=data.ndim - 2))
        _replace(g, "name", [kn[j] for j in keep], dtype=strs)
        _replace(g, "description", [_str(g["description"])[j] for j in keep], dtype=strs)


# Reports in Chromium --------------------------------------------------------------------------

IMAGES_JS = ("[document.images.length, Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0)"
             ".length, document.body.getAttribute('data-images-ok'), (document.getElementById('headline') || "
             "{innerText: ''}).innerText, document.body.scrollHeight]")


def check_report(browser, out, name, shot_dir, want_text=(), want_images=()):
    page = open(os.path.join(out, "index.html")).read()
    imgs = re.findall(r'<img src="([^"]+)"', page)
    check(len(imgs) >= 1, f"{name}: no image")
    for i in imgs:  # each image the page names is there, beside it, and decodes
        p = os.path.join(out, i)
        ok = os.path.exists(p) and mpimg.imread(p).shape[0] > 0
        check(ok, f"{name}: image {i} missing or unreadable")
    check(sorted(os.listdir(out)) == sorted(imgs + ["index.html"]), f"{name}: files {sorted(os.listdir(out))}, "
                                                                      f"page names {sorted(imgs)}")
    for i in want_images:
        check(i in imgs, f"{name}: no {i}")
    check("id='headline'" in page, f"{name}: no headline")
    for t in want_text:
        check(t in page, f"{name}: the page lacks {t!r}")
    browser.open("file://" + os.path.join(out, "index.html"))
    n_img, n_ok, marked, headline, height = browser.evaluate(IMAGES_JS)
    check(n_img == len(imgs) and n_ok == n_img and marked == f"{n_img}/{n_img}",
          f"{name}: Chromium shows {n_ok} of {n_img} images (page marked {marked}), the page names {len(imgs)}")
    check(len(headline.strip()) > 0, f"{name}: Chromium shows no headline")
    shot = os.path.join(shot_dir, f"{name}.png")
    browser.screenshot(shot, 1280, min(max(height, 800), 6000))
    check(mpimg.imread(shot).shape[1] == 1280, f"{name}: no screenshot {shot}")
    return page


def build(tmp):
    """The files the binary writes (run, compare with economics, compare --attribute, sweeps) and older
    files made from them (without titles, levers, economics)."""
    base, price_cut, ad_blitz = (os.path.join(SC, n + ".toml") for n in ("baseline", "price_cut", "ad_blitz"))
    two = os.path.join(tmp, "nova_price_and_campaign.toml")
    with open(two, "w") as f:
        f.write(f'extends = "{base}"\ntitle = "Nova: cheaper and advertised"\nquestion = "Does a cheaper, '
                'advertised Nova pay for itself?"\n[[product]]\nname = "Nova"\nprice = 179\n[[campaign]]\n'
                'product = "Nova"\nchannel = "online"\nstart_day = 5\nend_day = 50\ndaily_reach = 0.05\n'
                'cost_per_exposure = 0.02\n')
    sh = lambda *a: subprocess.run([motsim, *a], check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    sh("run", base, "--out", f"{tmp}/run.h5", *FAST)
    shutil.copy(f"{tmp}/run.h5", f"{tmp}/run_old.h5")
    make_old_run(f"{tmp}/run_old.h5")
    sh("compare", base, price_cut, ad_blitz, "-r", "3", "--out", f"{tmp}/cmp.h5", *FAST)
    shutil.copy(f"{tmp}/cmp.h5", f"{tmp}/cmp_old.h5")
    make_old_compare(f"{tmp}/cmp_old.h5")
    sh("compare", base, two, "-r", "3", "--attribute", "--out", f"{tmp}/cmp_attr.h5", *FAST)
    for name, design in (("grid", 'design = "grid"\nreplicates = 3\nkeep_series = ["purchases"]\n'
                                  '[parameters]\n"product.Nova.price" = [149, 179, 199, 229]\n'
                                  '"behavior.wom_rate" = { min = 0.02, max = 0.2, steps = 2 }\n'),
                         ("lhs", 'design = "lhs"\nsamples = 24\nreplicates = 1\n[parameters]\n'
                                 '"product.Orbit.price" = { min = 99, max = 159 }\n'
                                 '"behavior.wom_rate" = { min = 0.02, max = 0.2, log = true }\n')):
        with open(f"{tmp}/{name}.toml", "w") as f:
            f.write(f'base = "{base}"\n{design}"simulation.agents" = 2000\n"simulation.days" = 60\n')
        sh("sweep", f"{tmp}/{name}.toml", "--out", f"{tmp}/sweep_{name}.h5", "--quiet")


def test_reports(tmp, shots, browser):
    build(tmp)

    def rep(name, *extra):
        status, err = run_main(f"{tmp}/{name}.h5", "-o", f"{tmp}/rep_{name}", *extra)
        check(status == 0, f"report of {name} failed: {err}")
        return f"{tmp}/rep_{name}"

    check_report(browser, rep("run_old"), "run_old", shots, ["<h1>baseline</h1>", "Profit", "not in this file",
                                                          "The funnel counts people"],
                 ["funnel.png", "sales_rating.png", "stars.png"])
    page = check_report(browser, rep("run"), "run", shots,
                        ["Baseline: wireless earbuds", "without any change?"], ["waterfall.png"])
    check("Cost of goods sold" in page or "waterfall.png" in page, "run: the profit waterfall")
    page = check_report(browser, rep("cmp_old"), "cmp_old", shots,
                        ["2 variants against baseline", "<code>product.Nova.price</code>", "<td>179</td>",
                         "<b>143</b>", "<code>campaign.4</code>", "Nova under price_cut", "Pulse under ad_blitz",
                         "Incremental profit", "not in this file", "points", "Computed from the two fully resolved"],
                        ["differences.png", "sales_rating.png", "funnel.png", "stars.png"])
    check("attribution.png" not in page and "waterfall.png" not in page, "cmp_old: figures of parts the file lacks")
    page = check_report(browser, rep("cmp"), "cmp", shots,
                        ["Nova: a 20% price cut", "What if Nova cuts its price by 20%?", "by cost line",
                         "Return on investment"], ["waterfall.png", "differences.png"])
    check("Computed from the two fully resolved" not in page, "cmp: /levers not used")
    check_report(browser, rep("cmp_attr"), "cmp_attr", shots,
                 ["Nova: cheaper and advertised", "Attribution", "Nova under nova_price_and_campaign"],
                 ["attribution.png", "waterfall.png"])
    check_report(browser, rep("sweep_grid"), "sweep_grid", shots,
                 ["The levers swept", "<code>product.Nova.price</code>", "149, 179, 199, 229", "Headline: Nova"],
                 ["response.png", "sweep_sales.png"])
    check_report(browser, rep("sweep_lhs"), "sweep_lhs", shots, ["Headline: Orbit", "(log scale)"], ["response.png"])
    # --focus: another brand's headline; an unknown brand is refused.
    status, _ = run_main(f"{tmp}/cmp.h5", "-o", f"{tmp}/rep_focus", "--focus", "Orbit")
    page = open(f"{tmp}/rep_focus/index.html").read()
    check(status == 0 and "Orbit under price_cut" in page and "Orbit under ad_blitz" in page, "--focus Orbit")
    status, err = run_main(f"{tmp}/cmp.h5", "-o", f"{tmp}/rep_bad", "--focus", "Zenith")
    check(status == 2 and "no such product" in err and not os.path.exists(f"{tmp}/rep_bad"), f"--focus Zenith: {err}")
    status, err = run_main(f"{tmp}/sweep_grid.h5", "-o", f"{tmp}/rep_bad2", "--kpi", "nothing")
    check(status == 2 and "not in this sweep" in err, f"--kpi nothing: {err}")


if shutil.which("chromium") is None:
    print("FAILED: chromium is not installed (scripts/setup installs it)")
    sys.exit(1)
with tempfile.TemporaryDirectory() as tmp_dir:
    shot_dir = os.environ.get("MOTSIM_REPORT_SHOTS") or os.path.join(tmp_dir, "shots")
    os.makedirs(shot_dir, exist_ok=True)
    test_words_and_colours()
    test_levers_diff()
    with Chromium(os.path.join(tmp_dir, "chromium-profile")) as b:
        test_reports(tmp_dir, shot_dir, b)

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("report decision: all checks passed")
