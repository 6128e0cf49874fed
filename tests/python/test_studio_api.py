"""motsim serve: the studio's HTTP API from a script, as docs/studio.md describes it: the token, bad
JSON and invalid values (400 with the validator's message and the lever's key), an oversized body
(413), unknown routes (404), names that are paths, the run size limit, concurrent clients, one run
per client, a full queue (429), an abandoned run cancelled, the downloads and the report, uploads,
the warning of a non-local address, and a clean stop on SIGTERM.

usage: test_studio_api.py MOTSIM SOURCE_DIR"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

MOTSIM, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TOKEN = "apitesttoken42"
SMALL = {"agents": 3000, "days": 60, "replicates": 2}


class Server:
    def __init__(self, workdir, *extra):
        self.proc = subprocess.Popen([MOTSIM, "serve", "--port", "0", "--token", TOKEN, "--threads", "1",
                                      "--library", os.path.join(SRC, "scenarios"), *extra],
                                     cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert "?token=" in line, (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.base = line.split("open ", 1)[1].split("/?token=")[0]

    def call(self, method, path, body=None, token=TOKEN, client="c1", raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        h = {"Content-Type": "application/json", "X-Motsim-Client": client}
        if token:
            h["Authorization"] = "token " + token
        h.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def json(self, method, path, body=None, **kw):
        code, data, _ = self.call(method, path, body, **kw)
        return code, json.loads(data)

    def wait(self, rid, client="c1", timeout=120):
        t0 = time.time()
        while time.time() - t0 < timeout:
            code, st = self.json("GET", f"/api/runs/{rid}", client=client)
            assert code == 200, st
            if st["state"] in ("done", "failed", "cancelled"):
                return st
            time.sleep(0.1)
        raise AssertionError(f"run {rid} did not finish")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("the server did not stop on SIGTERM")
        return self.proc.returncode


def check_token(s):
    for token in (None, "wrongtoken99"):
        code, j = s.json("GET", "/api/scenarios", token=token)
        assert code == 401 and "token" in j["error"], (code, j)
    code, _, _ = s.call("GET", "/?token=nottheone", token=None)
    assert code == 401
    code, page, _ = s.call("GET", f"/?token={TOKEN}", token=None)
    assert code == 200 and b"<html" in page.lower() and TOKEN.encode() in page
    code, js, h = s.call("GET", f"/assets/chart.min.js?token={TOKEN}", token=None)
    assert code == 200 and b"Chart" in js and "javascript" in h["Content-Type"]


def check_bad_requests(s):
    code, j = s.json("POST", "/api/runs", raw=b"{not json")
    assert code == 400 and "bad JSON" in j["error"], j
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "changes": {"product.Orbit.claim": 42}, **SMALL})
    assert code == 400 and j["key"] == "product.Orbit.claim" and "[0, 10]" in j["error"], j
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "changes": {"product.Orbit.clam": 9}, **SMALL})
    assert code == 400 and "product.Orbit.claim" in j["error"], j  # did you mean
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "changes": {"campaign.0.start_day": 2.5}})
    assert code == 400 and "whole number" in j["error"], j
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "agents": 10**9})
    assert code == 400 and j["key"] == "agents", j
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "extra": 1})
    assert code == 400 and "unknown field" in j["error"], j
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline"}, client="no/slash")
    assert code == 400 and "X-Motsim-Client" in j["error"], j
    for name in ("../scenarios/baseline", "/etc/passwd", "scenarios/baseline.toml"):
        code, j = s.json("POST", "/api/runs", {"scenario": name})
        assert code == 400 and "never by a path" in j["error"], (name, j)
        code, j = s.json("GET", "/api/levers?scenario=" + urllib.request.quote(name))
        assert code == 400, (name, j)
    code, j = s.json("GET", "/api/levers?scenario=nosuch")
    assert code == 404, j
    code, j = s.json("POST", "/api/runs", raw=b"x" * (2 << 20))
    assert code == 413 and "limit" in j["error"], (code, j)
    code, j = s.json("GET", "/api/nothing")
    assert code == 404 and "no such route" in j["error"], j
    code, j = s.json("GET", "/assets/..%2F..%2Fetc%2Fpasswd")
    assert code == 404, j
    code, j = s.json("GET", "/api/runs/r999999")
    assert code == 404, j


def check_run_and_files(s):
    code, lv = s.json("GET", "/api/levers?scenario=baseline")
    assert code == 200 and lv["products"] == ["Nova", "Orbit", "Pulse"]
    keys = {l["key"]: l for g in lv["groups"] for l in g["levers"]}
    claim = keys["product.Orbit.claim"]
    assert claim["min"] == 0 and claim["max"] == 10 and claim["value"] == 8 and "promise" in claim["doc"]
    assert {g["moment"] for g in lv["groups"]} >= {"stimulus", "zmot", "fmot", "smot", "tmot", "economics"}
    code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "changes": {"product.Orbit.claim": 10}, **SMALL})
    assert code == 202, j
    st = s.wait(j["id"])
    assert st["state"] == "done", st
    r = st["result"]
    assert r["focus"] == ["Orbit"] and r["agents"] == 3000 and r["days"] == 60 and r["replicates"] == 2
    kpi = {k["name"]: k for k in r["kpis"]}
    assert len(kpi["refunds"]["diff"]["mean"]) == 4 and len(r["series"]["base"]["purchases"]) == 60
    assert len(r["funnel"]["stages"]) == 6 and len(r["stars"]["variant"]["displayed"]) == 3
    code, toml, h = s.call("GET", f"/api/runs/{j['id']}/scenario.toml")
    assert code == 200 and b"extends" in toml and b"claim = 10" in toml and "attachment" in h["Content-Disposition"]
    code, h5, _ = s.call("GET", f"/api/runs/{j['id']}/compare.h5")
    assert code == 200 and h5[:8] == b"\x89HDF\r\n\x1a\n"
    code, csv, _ = s.call("GET", f"/api/runs/{j['id']}/kpis.csv")
    lines = csv.decode().splitlines()
    assert code == 200 and lines[0].startswith("kpi,product,base_mean") and len(lines) == 1 + 4 * len(r["kpis"])
    code, rep = s.json("POST", f"/api/runs/{j['id']}/report")
    assert code == 200, rep
    code, page, _ = s.call("GET", rep["url"])
    assert code == 200 and b"data:image/png;base64," in page
    code, hist = s.json("GET", "/api/runs")
    assert code == 200 and hist[0]["id"] == j["id"] and hist[0]["changes"] == {"product.Orbit.claim": 10}
    return j["id"]


def check_clients(s):
    """Two clients at once both finish; a client's second run cancels its first."""
    out = {}

    def one(client):
        code, j = s.json("POST", "/api/runs", {"scenario": "baseline", **SMALL}, client=client)
        out[client] = s.wait(j["id"], client=client)["state"] if code == 202 else code

    threads = [threading.Thread(target=one, args=(c,)) for c in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {"alice": "done", "bob": "done"}, out
    big = {"scenario": "baseline", "agents": 100000, "days": 365, "replicates": 4}
    _, first = s.json("POST", "/api/runs", big, client="carol")
    _, second = s.json("POST", "/api/runs", {"scenario": "baseline", **SMALL}, client="carol")
    assert s.wait(first["id"], client="carol")["state"] == "cancelled"
    assert s.wait(second["id"], client="carol")["state"] == "done"


def check_uploads(s):
    code, j = s.json("POST", "/api/upload", {"name": "mine.toml", "toml": 'extends = "baseline.toml"\ntitle = "Mine"\n'
                                             '[[product]]\nname = "Pulse"\nprice = 79\n'})
    assert code == 200 and j["scenario"].startswith("upload-") and j["title"] == "Mine", j
    price = [l for g in j["groups"] for l in g["levers"] if l["key"] == "product.Pulse.price"][0]
    assert price["value"] == 79
    code, r = s.json("POST", "/api/runs", {"scenario": j["scenario"], **SMALL})
    assert code == 202 and s.wait(r["id"])["state"] == "done"
    code, bad = s.json("POST", "/api/upload", {"name": "bad.toml", "toml": "[simulation]\nagents = -5\n"})
    assert code == 400 and "bad.toml" in bad["error"] and "agents" in bad["error"], bad


def check_limits(workdir):
    s = Server(workdir, "--max-agent-days", "1000000", "--max-queue", "1", "--abandon-after", "1")
    try:
        code, j = s.json("POST", "/api/runs", {"scenario": "baseline", "agents": 10000, "days": 100, "replicates": 2})
        assert code == 400 and "limit of 1000000" in j["error"], j
        ok = {"scenario": "baseline", "agents": 2000, "days": 100, "replicates": 2}
        codes = [s.json("POST", "/api/runs", ok, client=c)[0] for c in ("a", "b", "c", "d")]
        assert 429 in codes, codes  # one running, one waiting, the rest refused
        time.sleep(3)  # nobody asks about the runs: they are cancelled (or finished, if quick)
        states = {h["state"] for h in s.json("GET", "/api/runs")[1]}
        assert states <= {"cancelled", "done"}, states
    finally:
        assert s.stop() == 0


def check_stop_while_running(workdir):
    s = Server(workdir)
    _, j = s.json("POST", "/api/runs", {"scenario": "baseline", "agents": 200000, "days": 365, "replicates": 10})
    time.sleep(1.0)
    t0 = time.time()
    assert s.stop() == 0
    assert time.time() - t0 < 10, "the server took too long to stop"
    state = json.load(open(os.path.join(workdir, "results", "studio", "runs", j["id"], "state.json")))
    assert state["state"] == "cancelled", state
    assert not os.path.exists(os.path.join(workdir, "results", "studio", "runs", j["id"], "compare.h5"))


def check_bind_warning(workdir):
    s = Server(workdir, "--bind", "0.0.0.0")
    try:
        pass
    finally:
        s.stop()
    err = s.proc.stderr.read()
    assert "warning" in err and "0.0.0.0" in err, err


def main():
    with tempfile.TemporaryDirectory() as d:
        s = Server(d)
        try:
            check_token(s)
            check_bad_requests(s)
            rid = check_run_and_files(s)
            check_clients(s)
            check_uploads(s)
        finally:
            assert s.stop() == 0
        # A restarted server serves the history and goes on numbering.
        s = Server(d)
        try:
            code, st = s.json("GET", f"/api/runs/{rid}")
            assert code == 200 and st["state"] == "done" and st["result"]["focus"] == ["Orbit"], st
            _, j = s.json("POST", "/api/runs", {"scenario": "baseline", **SMALL})
            assert j["id"] > rid, (j, rid)
            s.wait(j["id"])
        finally:
            s.stop()
        check_limits(d)
        check_stop_while_running(d)
        check_bind_warning(d)
    print("studio API: all checks passed")


if __name__ == "__main__":
    main()
