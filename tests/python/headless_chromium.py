"""One headless Chromium for many pages, driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
commands on file descriptor 3, answers on 4, JSON messages ended by a NUL byte). Starting the browser is the
slow part on a busy machine, so the report tests start it once, then open each page, read what its scripts
computed and take a screenshot. Standard library only (no selenium or chromedriver needed).

    with Chromium(profile_dir) as c:
        c.open("file:///.../index.html")                 # returns once the page's load event has fired
        c.evaluate("document.images.length")             # a JavaScript expression's value
        c.screenshot("/tmp/page.png", 1280, 4000)
"""
import base64
import fcntl
import json
import os
import select
import subprocess
import time


class Chromium:
    def __init__(self, profile_dir, timeout=120):
        self.profile_dir, self.timeout = profile_dir, timeout
        self.next_id, self.buf, self.events, self.session = 0, b"", [], None

    def __enter__(self):
        r, self.to_chrome = os.pipe()
        self.from_chrome, w = os.pipe()
        # Above 4, so that placing them at 3 and 4 in the child never overwrites one with the other.
        to_chrome_r, from_chrome_w = fcntl.fcntl(r, fcntl.F_DUPFD, 10), fcntl.fcntl(w, fcntl.F_DUPFD, 10)
        os.close(r)
        os.close(w)
        # The child sees our pipe ends as its descriptors 3 (commands) and 4 (answers).
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
             "--hide-scrollbars", f"--user-data-dir={self.profile_dir}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(to_chrome_r, 3), os.dup2(from_chrome_w, 4)))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")
        return self

    def __exit__(self, *exc):
        try:
            self.session = None
            self._send("Browser.close")
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - whatever happened, the browser must go
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_chrome, self.from_chrome):
            os.close(fd)
        return False

    def _send(self, method, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, **params):
        """Sends a command and returns its result (events that arrive meanwhile are kept)."""
        ident = self._send(method, **params)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == ident:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method):
        deadline = time.monotonic() + self.timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read(deadline))

    def open(self, url, width=1280, height=4000):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, path, width=1280, height=4000):
        data = self.call("Page.captureScreenshot", format="png",
                         clip=dict(x=0, y=0, width=width, height=height, scale=1))["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
