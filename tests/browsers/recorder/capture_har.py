#!/usr/bin/env python3
"""Capture real HAR files of one small CORS test page, for cors-explain/tests/data/har/.

Serves a page at A (http://127.0.0.1:8821) that makes six cross-origin fetch() calls to
B (127.0.0.1:8822), Bp (localhost:8822) and C (127.0.0.1:8823):

  1. GET  B/pass          simple request, ACAO = page origin, exposes X-Total      -> passes
  2. PUT  B/put-no-acam   preflight answers ACAO but no Access-Control-Allow-Methods -> fails
  3. GET  B/cred          credentials: "include", ACAO *, ACAC true                  -> fails
  4. GET  B/redir         302 to C/final, which answers ACAO = page origin            -> fails
                          (the cross-origin redirect made the request's origin "null")
  5. GET  Bp/cached       X-Test: 1, preflight with max-age 60                       -> passes
  6. GET  Bp/cached       the same again: the preflight is reused from the cache     -> passes

then (except in Firefox, see below) navigates to /done. The browser's network log is written as HAR 1.2:

  * chromium: driven over the DevTools protocol (--remote-debugging-pipe, Network domain);
    the events are turned into HAR the way DevTools' HAR writer does (entries per hop,
    preflights as their own OPTIONS entries with _resourceType "preflight", _initiator,
    raw headers from the *ExtraInfo events, _error for failed loads).
  * firefox: Firefox's own HAR export (the netmonitor's automatic export,
    devtools.netmonitor.har.enableAutoExportToFile), with the toolbox opened by --devtools
    on a virtual X display.

WebKitGTK's MiniBrowser has no HAR export; tests/browsers/recorder/to_har.py writes
WebKit-flavoured HAR from recorder observations instead.

Python 3.11 standard library only. Usage, from the repository root:

    python3 tests/browsers/recorder/capture_har.py --browser chromium --out cors-explain/tests/data/har/chromium-devtools.har
    python3 tests/browsers/recorder/capture_har.py --browser firefox --out cors-explain/tests/data/har/firefox-devtools.har
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = (8821, 8822, 8823)
A = "http://127.0.0.1:8821"
B = "http://127.0.0.1:8822"
BP = "http://localhost:8822"
C = "http://127.0.0.1:8823"

PAGE = """<!doctype html><meta charset="utf-8"><title>cors-explain capture</title>
<script>
const B = %(B)r, Bp = %(BP)r;
const steps = [
  () => fetch(B + "/pass"),
  () => fetch(B + "/put-no-acam", { method: "PUT", body: "x" }),
  () => fetch(B + "/cred", { credentials: "include" }),
  () => fetch(B + "/redir"),
  () => fetch(Bp + "/cached", { headers: { "X-Test": "1" } }),
  () => fetch(Bp + "/cached", { headers: { "X-Test": "1" } }),
];
(async () => {
  const results = [];
  for (const step of steps) {
    try { const r = await step(); await r.text(); results.push("ok " + r.status); }
    catch (e) { results.push("error " + e); }
    await new Promise(r => setTimeout(r, 150));
  }
  await fetch("/ctl/results", { method: "POST", body: JSON.stringify(results) });
  // Firefox exports the HAR of a page once its requests have settled; leaving the page
  // would start a new export over the same file, so the Firefox capture stays.
  if (!location.search.includes("stay")) {
    await new Promise(r => setTimeout(r, 3000));
    location.href = "/done";
  }
})();
</script>
""" % {"B": B, "BP": BP}

STATE = {"results": None, "done": False}


def answer(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
    port = handler.server.server_address[1]
    path = handler.path
    method = handler.command
    page = A
    if port == 8821:
        if path in ("/", "/?stay"):
            return 200, [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "sid=1; Path=/")], PAGE.encode()
        if path == "/start":
            # Firefox: the toolbox opened by --devtools only collects from the next navigation on.
            return 200, [("Content-Type", "text/html")], (
                b'<!doctype html><title>start</title>'
                b'<script>setTimeout(() => { location.href = "/?stay"; }, 4000)</script>')
        if path == "/ctl/results":
            length = int(handler.headers.get("Content-Length") or 0)
            STATE["results"] = json.loads(handler.rfile.read(length) or b"null")
            return 204, [], b""
        if path == "/done":
            STATE["done"] = True
            return 200, [("Content-Type", "text/html")], b"<!doctype html><title>done</title>done"
        if path == "/favicon.ico":
            return 404, [], b""
    if port == 8822:
        if path == "/pass":
            return 200, [("Access-Control-Allow-Origin", page), ("Access-Control-Expose-Headers", "X-Total"),
                         ("X-Total", "3"), ("Vary", "Origin"), ("Content-Type", "application/json")], b'{"items":3}'
        if path == "/put-no-acam":
            if method == "OPTIONS":
                return 204, [("Access-Control-Allow-Origin", page)], b""
            return 200, [("Access-Control-Allow-Origin", page), ("Content-Type", "text/plain")], b"stored"
        if path == "/cred":
            return 200, [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true"),
                         ("Content-Type", "application/json")], b'{"user":"me"}'
        if path == "/redir":
            return 302, [("Location", C + "/final"), ("Access-Control-Allow-Origin", page)], b""
        if path == "/cached":
            if method == "OPTIONS":
                return 204, [("Access-Control-Allow-Origin", page), ("Access-Control-Allow-Headers", "x-test"),
                             ("Access-Control-Max-Age", "60")], b""
            return 200, [("Access-Control-Allow-Origin", page), ("Content-Type", "text/plain")], b"cached"
    if port == 8823 and path == "/final":
        return 200, [("Access-Control-Allow-Origin", page), ("Content-Type", "text/plain")], b"final"
    return 404, [("Content-Type", "text/plain")], b"not found"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # What the servers answer; capture_exports.py serves its own page with this handler.
    answer = staticmethod(answer)

    def log_message(self, fmt, *args):  # quiet
        pass

    def handle_one(self):
        status, headers, body = self.answer(self)
        if self.command in ("POST", "PUT") and self.path != "/ctl/results":
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_OPTIONS = do_HEAD = handle_one


def serve(handler: type = Handler) -> list[ThreadingHTTPServer]:
    servers = []
    for port in PORTS:
        s = ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=s.serve_forever, daemon=True).start()
        servers.append(s)
    return servers


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


# --------------------------------------------------------------------------
# Chromium: DevTools protocol over a pipe, HAR written like DevTools' HAR writer.


class Pipe:
    def __init__(self, write_fd: int, read_fd: int):
        self.w = os.fdopen(write_fd, "wb", buffering=0)
        self.r = os.fdopen(read_fd, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.replies: dict[int, dict] = {}
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            chunk = self.r.read(65536)
            if not chunk:
                return
            self.buf += chunk
            while b"\0" in self.buf:
                msg, self.buf = self.buf.split(b"\0", 1)
                obj = json.loads(msg)
                with self.lock:
                    if "id" in obj:
                        self.replies[obj["id"]] = obj
                    else:
                        obj["_t"] = time.time()
                        self.events.append(obj)
                    self.lock.notify_all()

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        with self.lock:
            if not self.lock.wait_for(lambda: mid in self.replies, 30):
                raise SystemExit(f"no reply to {method}")
            reply = self.replies.pop(mid)
        if "error" in reply:
            raise SystemExit(f"{method}: {reply['error']}")
        return reply.get("result", {})


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def header_list(headers: dict | None) -> list[dict]:
    out = []
    for k, v in (headers or {}).items():
        # CDP joins repeated headers with "\n"; DevTools' HAR writer splits them again.
        for part in str(v).split("\n"):
            out.append({"name": k, "value": part})
    return out


def status_text(code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def chromium_har(events: list[dict], version: str) -> dict:
    """Network events -> HAR, following DevTools' HARWriter/Log field by field."""
    reqs: dict[str, list[dict]] = {}  # requestId -> hops
    extra_req: dict[str, list[dict]] = {}
    extra_resp: dict[str, list[dict]] = {}
    order: list[dict] = []
    page_start = None
    on_load = None
    for ev in events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Network.requestWillBeSent":
            rid = p["requestId"]
            hops = reqs.setdefault(rid, [])
            if p.get("redirectResponse") and hops:
                hops[-1]["response"] = p["redirectResponse"]
                hops[-1]["end"] = p["wallTime"]
            hop = {"rid": rid, "req": p["request"], "type": p.get("type", "Other"), "initiator": p.get("initiator", {}),
                   "start": p["wallTime"], "ts": p["timestamp"], "response": None, "end": None, "error": None,
                   "size": 0}
            hops.append(hop)
            order.append(hop)
            if page_start is None and p.get("type") == "Document":
                page_start = p["wallTime"]
        elif m == "Network.requestWillBeSentExtraInfo":
            extra_req.setdefault(p["requestId"], []).append(p)
        elif m == "Network.responseReceivedExtraInfo":
            extra_resp.setdefault(p["requestId"], []).append(p)
        elif m == "Network.responseReceived":
            hops = reqs.get(p["requestId"])
            if hops:
                hops[-1]["response"] = p["response"]
                hops[-1]["type"] = p.get("type", hops[-1]["type"])
        elif m == "Network.dataReceived":
            hops = reqs.get(p["requestId"])
            if hops:
                hops[-1]["size"] += p.get("dataLength", 0)
        elif m == "Network.loadingFinished":
            hops = reqs.get(p["requestId"])
            if hops:
                hops[-1]["end_ts"] = p["timestamp"]
        elif m == "Network.loadingFailed":
            hops = reqs.get(p["requestId"])
            if hops:
                hops[-1]["error"] = p.get("errorText")
                hops[-1]["cors"] = p.get("corsErrorStatus")
                hops[-1]["end_ts"] = p["timestamp"]
        elif m == "Page.loadEventFired" and on_load is None:
            on_load = p.get("timestamp")
    # The n-th ExtraInfo of a requestId belongs to its n-th hop.
    for rid, hops in reqs.items():
        for i, hop in enumerate(hops):
            xs = extra_req.get(rid, [])
            xr = extra_resp.get(rid, [])
            hop["raw_req"] = xs[i]["headers"] if i < len(xs) else None
            hop["raw_resp"] = xr[i] if i < len(xr) else None
    entries = []
    for hop in order:
        req = hop["req"]
        resp = hop["response"] or {}
        raw = hop["raw_resp"] or {}
        status = resp.get("status") or raw.get("statusCode") or 0
        req_headers = hop["raw_req"] or req.get("headers", {})
        resp_headers = raw.get("headers") or resp.get("headers") or {}
        location = next((v for k, v in resp_headers.items() if k.lower() == "location"), "")
        url = req["url"]
        rtype = hop["type"].lower()
        entry = {
            "_connectionId": str(resp.get("connectionId", "")),
            "_initiator": hop["initiator"],
            "_priority": req.get("initialPriority", "High"),
            "_resourceType": rtype,
            "cache": {},
            "connection": str(resp.get("connectionId", "")),
            "pageref": "page_1",
            "request": {
                "method": req["method"],
                "url": url,
                "httpVersion": resp.get("protocol", "http/1.1") if resp else "",
                "headers": header_list(req_headers),
                "queryString": [],
                "cookies": [
                    {"name": c.split("=", 1)[0].strip(), "value": c.split("=", 1)[-1]}
                    for k, v in req_headers.items() if k.lower() == "cookie" for c in v.split(";")
                ],
                "headersSize": -1,
                "bodySize": len(req.get("postData", "")),
            },
            "response": {
                "status": status,
                "statusText": resp.get("statusText") or (status_text(status) if status else ""),
                "httpVersion": resp.get("protocol", "http/1.1") if status else "",
                "headers": header_list(resp_headers) if status else [],
                "cookies": [],
                "content": {"size": hop["size"], "mimeType": resp.get("mimeType", "x-unknown")},
                "redirectURL": location,
                "headersSize": -1,
                "bodySize": -1 if hop["error"] else hop["size"],
                "_transferSize": hop["size"],
                "_error": hop["error"],
                "_fetchedViaServiceWorker": False,
            },
            "serverIPAddress": resp.get("remoteIPAddress", ""),
            "startedDateTime": iso(hop["start"]),
            "time": max(0.0, (hop.get("end_ts", hop["ts"]) - hop["ts"]) * 1000),
            "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0,
                        "wait": max(0.0, (hop.get("end_ts", hop["ts"]) - hop["ts"]) * 1000), "receive": 0,
                        "_blocked_queueing": -1},
        }
        if req.get("postData") is not None:
            ct = next((v for k, v in req_headers.items() if k.lower() == "content-type"), "")
            entry["request"]["postData"] = {"mimeType": ct, "text": req["postData"]}
        if hop.get("cors"):
            # Not in DevTools' export; kept under an underscore name as HAR allows.
            entry["response"]["_corsErrorStatus"] = hop["cors"]
        entries.append(entry)
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [{
                "startedDateTime": iso(page_start or time.time()),
                "id": "page_1",
                "title": A + "/",
                "pageTimings": {"onContentLoad": -1, "onLoad": -1},
            }],
            "entries": entries,
            "_browser": version,
        }
    }


def capture_chromium(out: str, tmp: str) -> dict:
    version = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()

    def child_fds():
        os.dup2(to_child_r, 3)
        os.dup2(from_child_w, 4)
        os.setsid()

    argv = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-default-browser-check", "--no-proxy-server", "--disable-extensions", "--disable-default-apps",
        "--disable-domain-reliability", "--no-pings", "--password-store=basic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE ::1",
        "--remote-debugging-pipe", f"--user-data-dir={tmp}/profile", "about:blank",
    ]
    proc = subprocess.Popen(argv, preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(tmp, "chromium.log"), "wb"))
    os.close(to_child_r)
    os.close(from_child_w)
    try:
        pipe = Pipe(to_child_w, from_child_r)
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        pipe.call("Network.enable", {}, session)
        pipe.call("Page.enable", {}, session)
        pipe.call("Page.navigate", {"url": A + "/"}, session)
        deadline = time.time() + 60
        while not STATE["done"] and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        with pipe.lock:
            events = [e for e in pipe.events if e.get("sessionId") == session]
    finally:
        stop(proc)
    if not STATE["done"]:
        raise SystemExit("chromium: the page did not finish")
    har = chromium_har(events, version)
    # DevTools exports the entries of the current page: leave out the navigation to /done.
    har["log"]["entries"] = [e for e in har["log"]["entries"] if not e["request"]["url"].endswith("/done")]
    return har


# --------------------------------------------------------------------------
# Firefox: the netmonitor's own HAR auto-export.

FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "app.normandy.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "network.trr.mode": 5,
    "network.http.http3.enable": False,
    "dom.security.https_first": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "extensions.update.enabled": False,
    "app.update.auto": False,
    "devtools.toolbox.selectedTool": "netmonitor",
    "devtools.toolbox.host": "window",
    "devtools.netmonitor.har.enableAutoExportToFile": True,
    "devtools.netmonitor.har.forceExport": True,
    "devtools.netmonitor.har.includeResponseBodies": False,
    "devtools.netmonitor.har.pageLoadedTimeout": 1000,
    "devtools.netmonitor.har.defaultFileName": "capture",
    "devtools.netmonitor.persistlog": False,
    "devtools.chrome.enabled": True,
    "devtools.debugger.remote-enabled": False,
}


def capture_firefox(out: str, tmp: str) -> dict:
    profile = os.path.join(tmp, "profile")
    har_dir = os.path.join(tmp, "har")
    os.makedirs(profile)
    os.makedirs(har_dir)
    prefs = dict(FIREFOX_PREFS, **{"devtools.netmonitor.har.defaultLogDir": har_dir})
    with open(os.path.join(profile, "user.js"), "w") as fh:
        for k, v in prefs.items():
            fh.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
    env = dict(os.environ, HOME=tmp, MOZ_CRASHREPORTER_DISABLE="1", MOZ_REMOTE_SETTINGS_DEVTOOLS="1")
    argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "firefox-esr", "--no-remote", "--profile", profile,
            "--devtools", A + "/start"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "firefox.log"), "wb"),
                            start_new_session=True)
    try:
        deadline = time.time() + 120
        found = None
        while time.time() < deadline:
            files = [f for f in os.listdir(har_dir) if f.endswith(".har")] if os.path.isdir(har_dir) else []
            if STATE["results"] is not None and files:
                time.sleep(1.0)
                found = os.path.join(har_dir, sorted(files)[0])
                break
            time.sleep(0.2)
    finally:
        stop(proc)
    if not found:
        raise SystemExit(f"firefox: no HAR written (results={STATE['results']}); see {tmp}/firefox.log")
    with open(found, encoding="utf-8") as fh:
        return json.load(fh)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser", choices=["chromium", "firefox"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    servers = serve()
    tmp = tempfile.mkdtemp(prefix=f"har-{args.browser}-")
    try:
        har = (capture_chromium if args.browser == "chromium" else capture_firefox)(args.out, tmp)
    finally:
        for s in servers:
            s.shutdown()
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(har, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    print(f"wrote {args.out}: {len(har['log']['entries'])} entries; page results: {STATE['results']}", file=sys.stderr)


if __name__ == "__main__":
    main()
