#!/usr/bin/python3
"""The studio (motsim serve, docs/studio.md) in a real browser: headless Chromium driven by
selenium opens the page, runs the base, changes Orbit's claim to 10 and sees refunds and lost
customers rise, checks that the four charts have drawn, saves the variant as a scenario and
reproduces the page's numbers with `motsim compare`, shows a validator's message next to the
control for an invalid value, reopens a run of the history, and finds no error in the console.
Usage: test_studio_browser.py MOTSIM SOURCE_DIR   (exit 0 pass, 1 fail, 77 skip)
Screenshots (studio_overview.png, studio_invalid.png) go to $MOTSIM_STUDIO_SHOTS if set."""
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
except ImportError:
    print("skip: python3-selenium is not installed")
    sys.exit(77)

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    print("skip: chromium or chromedriver is not installed")
    sys.exit(77)

import h5py  # noqa: E402
import numpy as np  # noqa: E402

motsim, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
CLAIM = "product.Orbit.claim"
RUN = dict(agents=20000, days=180, replicates=3)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp, token):
    """motsim serve on a free port with the source's scenario library; returns (process, base url)."""
    helptext = subprocess.run([motsim, "serve", "--help"], capture_output=True, text=True).stdout
    port = free_port()
    cmd = [motsim, "serve", "--port", str(port), "--token", token, "--threads", "2"]
    if "--library" in helptext:
        cmd += ["--library", os.path.join(src, "scenarios")]
    else:
        os.symlink(os.path.join(src, "scenarios"), os.path.join(tmp, "scenarios"))
    if "--history" in helptext:
        cmd += ["--history", os.path.join(tmp, "history")]
    log = open(os.path.join(tmp, "serve.log"), "w")
    proc = subprocess.Popen(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"motsim serve stopped at once (exit {proc.returncode}):\n" + server_log(tmp))
        try:
            with urllib.request.urlopen(f"{url}/api/scenarios?token={token}", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError("motsim serve did not answer within 30 s:\n" + server_log(tmp))


def server_log(tmp):
    try:
        return open(os.path.join(tmp, "serve.log")).read()[-4000:]
    except OSError:
        return ""


def stop_server(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_browser(tmp):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--window-size=1500,2200", "--disable-gpu", "--disable-dev-shm-usage",
              "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp}/profile"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def wait_for(driver, expr, what, timeout=60):
    """Polls a JavaScript expression until it is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        v = driver.execute_script("try { return (" + expr + "); } catch (e) { return null; }")
        if v:
            return v
        if time.monotonic() > deadline:
            status = driver.execute_script("const s = document.querySelector('#status'); return s ? s.dataset.state + ': ' + s.textContent : 'no #status'")
            raise TimeoutError(f"{what}: not within {timeout} s (status {status})")
        time.sleep(0.1)


SET = """const e = document.querySelector(arguments[0]);
e.value = arguments[1];
e.dispatchEvent(new Event('input', {bubbles: true}));
e.dispatchEvent(new Event('change', {bubbles: true}));
return e.tagName;"""


def set_value(driver, selector, value):
    return driver.execute_script(SET, selector, str(value))


def done_with(claim, after=None):
    """The page shows a finished run (other than `after`) of the request with the test's settings and this claim
    (None: no change); the expression's value is its id."""
    c = "!('%s' in r.changes)" % CLAIM if claim is None else "r.changes['%s'] === %s" % (CLAIM, claim)
    if after is not None:
        c += f" && window.studio.lastRunId !== {after!r}"
    return ("(() => { const r = window.studio.lastRequest; return document.querySelector('#status').dataset.state === 'done' && r && "
            f"r.agents === {RUN['agents']} && r.days === {RUN['days']} && r.replicates === {RUN['replicates']} && {c} && "
            "window.studio.lastRunId; })()")


def kpi_attr(driver, kpi, product, attr):
    return driver.execute_script(
        "const e = document.querySelector(`.kpi[data-kpi='${arguments[0]}'][data-product='${arguments[1]}']`);"
        "return e ? e.getAttribute(arguments[2]) : null;", kpi, product, attr)


INK = """const c = document.getElementById(arguments[0]);
if (!c || !c.width || !c.height) return 0;
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let n = 0;
for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
return n;"""


def severe(logs, allowed=()):
    """The console's SEVERE entries, except those containing one of the allowed strings."""
    return [e["message"] for e in logs if e.get("level") == "SEVERE" and not any(a in e["message"] for a in allowed)]


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def test_studio(tmp, shots):
    token = secrets.token_hex(16)
    proc, url = start_server(tmp, token)
    driver = None
    try:
        driver = start_browser(tmp)
        driver.get(f"{url}/?token={token}")
        wait_for(driver, f"window.studio && window.studio.ready && document.querySelector('[data-key=\"{CLAIM}\"]')",
                 "the page and its levers", 30)
        check(driver.title.startswith("motsim studio"), f"page title {driver.title!r}")
        for k, v in RUN.items():
            set_value(driver, "#" + k, v)
        first = wait_for(driver, done_with(None), "the base run with the test's settings")
        res = driver.execute_script("return window.studio.lastResult")
        products = res["products"]
        check(products == ["Nova", "Orbit", "Pulse"], f"products {products}")
        n_kpis = len(res["kpis"])
        n_cards = driver.execute_script("return document.querySelectorAll('#kpis .kpi').length")
        check(n_cards == n_kpis * (len(products) + 1), f"{n_cards} .kpi cards for {n_kpis} KPIs x {len(products) + 1} columns")
        visible = driver.execute_script("return document.querySelectorAll('#kpis .kpi:not(.hidden)').length")
        check(visible == n_kpis, f"{visible} KPI cards visible, expected {n_kpis} (one product)")

        # Orbit over-promises: claim 10 (quality stays at its value).
        claim = driver.find_element("css selector", f'[data-key="{CLAIM}"]')
        check(claim.tag_name == "input", f"the first [data-key={CLAIM}] is a <{claim.tag_name}>, not the control")
        old = float(claim.get_attribute("value"))
        check(old != 10, f"Orbit's claim is already {old}")
        set_value(driver, f'[data-key="{CLAIM}"]', 10)
        run_id = wait_for(driver, done_with(10, first), "the claim-10 run")
        res = driver.execute_script("return window.studio.lastResult")
        for kpi in ("refunds", "lost_customers"):
            d = kpi_attr(driver, kpi, "Orbit", "data-diff")
            print(f"claim 10: Orbit {kpi} diff {d} (significant {kpi_attr(driver, kpi, 'Orbit', 'data-significant')})")
            check(d is not None and float(d) > 0, f"Orbit's {kpi} difference {d}, expected > 0")
        check("Orbit" in res["focus"], f"focus {res['focus']}")
        check(driver.execute_script("return document.querySelector('#headline [data-product=\"Orbit\"]') !== null"),
              "no headline card for Orbit")
        check(driver.execute_script("return !document.querySelector('#results').classList.contains('stale')"),
              "#results still stale after the run")
        for canvas in ("chart-funnel", "chart-sales", "chart-rating", "chart-stars"):
            ink = driver.execute_script(INK, canvas)
            check(ink > 500, f"#{canvas} has drawn {ink} pixels")
        driver.save_screenshot(os.path.join(shots, "studio_overview.png"))

        # Keep and share: the saved scenario reproduces the page's numbers with motsim compare.
        href = driver.execute_script("return document.querySelector('#save').href")
        check(f"/api/runs/{run_id}/scenario.toml" in href and f"token={token}" in href, f"#save href {href}")
        work = os.path.join(tmp, "compare")
        os.makedirs(work)
        toml = fetch(href)
        check(b"claim" in toml, "the saved scenario does not set the claim")
        with open(os.path.join(work, "variant.toml"), "wb") as f:
            f.write(toml)
        cmd = [motsim, "compare", os.path.join(src, "scenarios", "baseline.toml"), "variant.toml", "--agents", str(RUN["agents"]),
               "--days", str(RUN["days"]), "--replicates", str(RUN["replicates"]), "--out", "cmp.h5", "--quiet", "--threads", "2"]
        p = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        if check(p.returncode == 0, f"motsim compare of the saved variant: exit {p.returncode}\n{p.stderr}"):
            compare_with_page(os.path.join(work, "cmp.h5"), res)
        h5 = fetch(driver.execute_script("return document.querySelector('#download-h5').href"))
        check(h5[:8] == b"\x89HDF\r\n\x1a\n", "#download-h5 is not an HDF5 file")
        csv = fetch(driver.execute_script("return document.querySelector('#download-csv').href")).decode()
        check(csv.startswith("kpi,") and "refunds" in csv, f"#download-csv: {csv[:80]!r}")
        logs = driver.get_log("browser")
        check(not severe(logs), f"console errors: {severe(logs)}")

        # An invalid value: the validator's message next to the control, nothing run.
        set_value(driver, f'[data-key="{CLAIM}"]', 42)
        msg = wait_for(driver, f"document.querySelector('.lever-error[data-key=\"{CLAIM}\"]').textContent.trim()",
                       "the message of the invalid claim", 20)
        print(f"claim 42: {msg}")
        check("claim" in msg and "42" in msg, f"message {msg!r} does not name the claim and its value")
        check(driver.execute_script(f"return document.querySelector('[data-key=\"{CLAIM}\"]').classList.contains('invalid')"),
              "the invalid control lacks class invalid")
        check(driver.execute_script("return document.querySelector('#status').dataset.state") == "failed",
              "#status is not failed after the invalid value")
        check(driver.execute_script("return window.studio.lastRunId") == run_id, "the invalid value replaced the last run")
        driver.save_screenshot(os.path.join(shots, "studio_invalid.png"))
        # The 400 answer of that POST is the one console entry expected.
        logs = driver.get_log("browser")
        check(not severe(logs, ["/api/runs - Failed to load resource: the server responded with a status of 400"]),
              f"console errors: {severe(logs)}")

        # A valid value again clears the message when its run starts.
        set_value(driver, f'[data-key="{CLAIM}"]', 9)
        wait_for(driver, f"document.querySelector('.lever-error[data-key=\"{CLAIM}\"]').textContent === '' && "
                 f"!document.querySelector('[data-key=\"{CLAIM}\"]').classList.contains('invalid') && "
                 "document.querySelector('#status').dataset.state !== 'failed'", "the message cleared", 20)

        # The history: the claim-10 run reopens with its changes and its result, without a new run.
        wait_for(driver, f"document.querySelectorAll('#history a[href*=\"run={run_id}\"]').length", "the run in #history", 20)
        driver.get(f"{url}/?token={token}&run={run_id}")
        wait_for(driver, f"window.studio.ready && window.studio.lastRunId === {run_id!r} && "
                 "document.querySelector('#status').dataset.state === 'done'", "the reopened run", 30)
        v = driver.execute_script(f"return document.querySelector('[data-key=\"{CLAIM}\"]').value")
        check(float(v) == 10, f"the reopened run shows claim {v}")
        again = driver.execute_script("return window.studio.lastResult")
        check(again["kpis"] == res["kpis"], "the reopened run's KPIs differ from the run's")
        logs = driver.get_log("browser")
        check(not severe(logs), f"console errors after reopening: {severe(logs)}")
    except Exception:
        print("motsim serve's output:\n" + server_log(tmp))
        raise
    finally:
        if driver is not None:
            driver.quit()
        stop_server(proc)


def compare_with_page(path, res):
    """Every KPI of base and variant in the compare file equals the page's result to 1e-9."""
    dec = lambda a: [x.decode() if isinstance(x, bytes) else x for x in a]  # noqa: E731
    with h5py.File(path) as f:
        names, products = dec(f["kpis/name"][()]), dec(f["products/name"][()])
        mean = f["kpis/mean"][()]
    check(products == res["products"], f"compare file products {products}, page {res['products']}")
    page = {k["name"]: k for k in res["kpis"]}
    j, k = names.index("refunds"), products.index("Orbit")
    ref = page["refunds"]["variant"]["mean"][k]
    print(f"Orbit refunds, variant: motsim compare {mean[1, j, k]!r}, page {ref!r}")
    check(ref is not None and math.isclose(mean[1, j, k], ref, rel_tol=1e-9), f"Orbit refunds {mean[1, j, k]} vs page {ref}")
    bad = []
    for j, n in enumerate(names):
        for s, side in enumerate(("base", "variant")):
            for k in range(len(products) + 1):
                a, b = mean[s, j, k], page[n][side]["mean"][k] if n in page else "missing"
                same = (b is None and not np.isfinite(a)) or (isinstance(b, float | int) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))
                if not same:
                    bad.append(f"{n}/{side}/{k}: {a} vs {b}")
    check(not bad, f"{len(bad)} KPI means differ from motsim compare: {bad[:5]}")


start = time.monotonic()
with tempfile.TemporaryDirectory(prefix="motsim_studio_") as tmp_dir:
    shots_dir = os.environ.get("MOTSIM_STUDIO_SHOTS") or os.path.join(tmp_dir, "shots")
    os.makedirs(shots_dir, exist_ok=True)
    try:
        test_studio(tmp_dir, shots_dir)
    except Exception as e:  # noqa: BLE001 - a timeout or a crash is a failure with its message
        failures.append(f"{type(e).__name__}: {e}")
    print(f"screenshots in {shots_dir}" + (" (removed)" if not os.environ.get("MOTSIM_STUDIO_SHOTS") else ""))
    shutil.rmtree(os.path.join(tmp_dir, "profile"), ignore_errors=True)

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"studio browser: all checks passed in {time.monotonic() - start:.0f} s")
