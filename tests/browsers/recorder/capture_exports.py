#!/usr/bin/env python3
"""Record real devtools exports of ten CORS situations, with the console lines the browser
printed for each, for cors-explain/tests/real_exports.rs (issue 13).

A page at A (http://127.0.0.1:8821) runs the situations in order, one fetch() each (s09
twice), against B (127.0.0.1:8822), Bp (localhost:8822) and C (127.0.0.1:8823):

  s01  GET B, ACAO = page, X-Request-Id not exposed                       -> passes
  s02  GET B, no Access-Control-Allow-Origin                              -> blocked
  s03  PUT B, preflight answers ACAO but no Access-Control-Allow-Methods  -> blocked
  s04  GET B with Authorization, preflight 401 with CORS headers          -> blocked
  s05  GET B with Authorization, preflight 401 without CORS headers       -> blocked
  s06  GET B, credentials "include", ACAO * and ACAC true                 -> blocked
  s07  GET B, credentials "include", ACAO = page, no ACAC                 -> blocked
  s08  GET B, 302 to C, both ACAO = page (the redirect taints the origin) -> blocked
  s09  GET Bp with X-Test, preflight max-age 60, exposes X-Total; twice   -> passes, the
       second from the preflight cache
  s10  GET Bp (localhost), ACAO http://localhost:8821 (page is 127.0.0.1) -> blocked

The page writes a marker to the console before each situation; the lines between markers are
that situation's console lines.

  * chromium: a headed Chromium on its own Xvfb display with DevTools open
    (--auto-open-devtools-for-tabs). After the page has run, the DevTools front end itself
    writes the HAR: its Network panel's requests go through its own HAR writer, once with
    sanitize (what "Export HAR (sanitized)", the default, saves) and once without ("Export
    HAR (with sensitive data)"). Console lines from --enable-logging=stderr; the console's
    network lines ("Failed to load resource: ...") from the DevTools protocol's Log domain.
  * firefox: the netmonitor's own HAR auto-export (toolbox opened by --devtools), console
    lines from WebDriver BiDi log.entryAdded in the same run.
  * webkit: WebKitGTK's MiniBrowser has no HAR export; its console lines only
    (--enable-write-console-messages-to-stdout), which is what cors-explain's message input
    takes.

Writes, into --out-dir (default cors-explain/tests/data/exports):
  chromium-sanitized.har, chromium-sensitive.har, firefox.har, and <browser>.json with the
  browser's version, what the page got per situation and the console lines per situation.

Python 3.11 standard library only. From the repository root:

    python3 tests/browsers/recorder/capture_exports.py --browser chromium firefox webkit
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import capture_har  # noqa: E402  (Pipe, stop, Firefox prefs)
import record  # noqa: E402  (console parsing, WebSocket, MiniBrowser)

ROOT = HERE.parents[2]
# The same three servers as capture_har.py's.
A, B, BP, C = capture_har.A, capture_har.B, capture_har.BP, capture_har.C
MARKER = "CAPTURE-STEP"

SITUATIONS = [
    ("s01", 'fetch(B + "/s01-simple")', 'r.headers.get("x-request-id")'),
    ("s02", 'fetch(B + "/s02-no-acao")', None),
    ("s03", 'fetch(B + "/s03-put", { method: "PUT", body: "x" })', None),
    ("s04", 'fetch(B + "/s04-auth-401-cors", { headers: { Authorization: "Bearer t0k3n" } })', None),
    ("s05", 'fetch(B + "/s05-auth-401-plain", { headers: { Authorization: "Bearer t0k3n" } })', None),
    ("s06", 'fetch(B + "/s06-star-credentials", { credentials: "include" })', None),
    ("s07", 'fetch(B + "/s07-credentials-no-acac", { credentials: "include" })', None),
    ("s08", 'fetch(B + "/s08-redirect")', None),
    ("s09", 'fetch(Bp + "/s09-cached", { headers: { "X-Test": "1" } })', 'r.headers.get("x-total")'),
    ("s09b", 'fetch(Bp + "/s09-cached", { headers: { "X-Test": "1" } })', 'r.headers.get("x-total")'),
    ("s10", 'fetch(Bp + "/s10-localhost")', None),
]

PAGE = """<!doctype html><meta charset="utf-8"><title>cors-explain exports</title>
<script>
const B = %(B)r, Bp = %(BP)r;
const steps = [
%(steps)s
];
(async () => {
  // Chromium: let the DevTools Network panel attach before the first fetch.
  await new Promise(r => setTimeout(r, %(delay)d));
  const results = {};
  for (const [id, run, read] of steps) {
    console.log("%(marker)s " + id);
    try {
      const r = await run();
      await r.text();
      results[id] = { ok: true, status: r.status, type: r.type, read: read ? read(r) : undefined };
    } catch (e) {
      results[id] = { ok: false, error: String(e) };
    }
    await new Promise(r => setTimeout(r, 300));
  }
  console.log("%(marker)s end");
  await fetch("/ctl/results", { method: "POST", body: JSON.stringify(results) });
})();
</script>
"""


def page(delay_ms: int) -> bytes:
    steps = ",\n".join(
        f'  [{json.dumps(i)}, () => {run}, {("r => " + read) if read else "null"}]' for i, run, read in SITUATIONS
    )
    return (PAGE % {"B": B, "BP": BP, "steps": steps, "delay": delay_ms, "marker": MARKER}).encode()


STATE: dict = {"results": None, "delay": 0}


def answer(h: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
    port, path, method = h.server.server_address[1], h.path, h.command
    acao = [("Access-Control-Allow-Origin", A)]
    text = [("Content-Type", "text/plain")]
    if port == 8821:
        if path == "/":
            return 200, [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "sid=s3cr3t; Path=/")], page(STATE["delay"])
        if path == "/start":
            # Firefox: the toolbox opened by --devtools collects from the next navigation on.
            return 200, [("Content-Type", "text/html")], (
                b'<!doctype html><title>start</title><script>setTimeout(() => { location.href = "/"; }, 4000)</script>')
        if path == "/ctl/results":
            n = int(h.headers.get("Content-Length") or 0)
            STATE["results"] = json.loads(h.rfile.read(n) or b"null")
            return 204, [], b""
        return 404, text, b""
    if port == 8822:
        if path == "/s01-simple":
            return 200, acao + [("X-Request-Id", "r-42"), ("Content-Type", "application/json")], b'{"ok":true}'
        if path == "/s02-no-acao":
            return 200, [("Content-Type", "application/json")], b'{"ok":true}'
        if path == "/s03-put":
            if method == "OPTIONS":
                return 204, acao, b""
            return 200, acao + text, b"stored"
        if path == "/s04-auth-401-cors":
            if method == "OPTIONS":
                return 401, acao + [("Access-Control-Allow-Headers", "authorization"),
                                    ("WWW-Authenticate", 'Bearer realm="api"')] + text, b"unauthorized"
            return 200, acao + text, b"secret"
        if path == "/s05-auth-401-plain":
            if method == "OPTIONS":
                return 401, [("WWW-Authenticate", 'Bearer realm="api"')] + text, b"unauthorized"
            return 200, acao + text, b"secret"
        if path == "/s06-star-credentials":
            return 200, [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true"),
                         ("Content-Type", "application/json")], b'{"user":"me"}'
        if path == "/s07-credentials-no-acac":
            return 200, acao + [("Vary", "Origin"), ("Content-Type", "application/json")], b'{"user":"me"}'
        if path == "/s08-redirect":
            return 302, acao + [("Location", C + "/s08-final")], b""
        if path == "/s09-cached":
            if method == "OPTIONS":
                return 204, acao + [("Access-Control-Allow-Headers", "x-test"), ("Access-Control-Max-Age", "60")], b""
            return 200, acao + [("Access-Control-Expose-Headers", "X-Total"), ("X-Total", "3")] + text, b"cached"
        if path == "/s10-localhost":
            return 200, [("Access-Control-Allow-Origin", "http://localhost:8821")] + text, b"local"
    if port == 8823 and path == "/s08-final":
        return 200, acao + text, b"final"
    return 404, text, b"not found"


class Handler(capture_har.Handler):
    answer = staticmethod(answer)


def wait_results(proc: subprocess.Popen, seconds: float, name: str) -> None:
    deadline = time.time() + seconds
    while STATE["results"] is None and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    if STATE["results"] is None:
        raise SystemExit(f"{name}: the page did not report its results")
    time.sleep(1.5)  # the last situation's console lines


def per_situation(name: str, log_text: str) -> dict[str, list[str]]:
    """Error and warning console lines between one marker and the next."""
    out: dict[str, list[str]] = {}
    current = None
    for level, line in record.console_entries(name, log_text):
        m = re.search(MARKER + r" ([A-Za-z0-9]+)", line)
        if m:
            current = m.group(1)
            if current != "end":
                out[current] = []
            else:
                current = None
            continue
        if current is None or level in ("log", "info", "debug", "trace"):
            continue
        out[current].append(line)
    return out


def free_display() -> int:
    for n in range(90, 200):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    raise SystemExit("no free X display")


def capture_chromium(tmp: str) -> dict:
    version = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    display = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(1.0)
    # Pipe ends on fds 3 and 4 of the child; keep ours above them so dup2 really copies.
    pad = [os.open(os.devnull, os.O_RDONLY) for _ in range(4)]
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()
    for fd in pad:
        os.close(fd)

    def child_fds():
        os.dup2(to_r, 3)
        os.dup2(from_w, 4)
        os.setsid()

    log_path = os.path.join(tmp, "chromium.log")
    argv = [
        "chromium", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-default-browser-check", "--no-proxy-server", "--disable-extensions", "--disable-default-apps",
        "--disable-domain-reliability", "--no-pings", "--password-store=basic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE ::1",
        "--auto-open-devtools-for-tabs", "--enable-logging=stderr", "--v=0",
        "--remote-debugging-pipe", f"--user-data-dir={tmp}/profile", "about:blank",
    ]
    env = dict(os.environ, DISPLAY=f":{display}", HOME=tmp)
    proc = subprocess.Popen(argv, preexec_fn=child_fds, close_fds=False, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(log_path, "wb"))
    os.close(to_r)
    os.close(from_w)
    try:
        pipe = capture_har.Pipe(to_w, from_r)
        devtools = tab = None
        deadline = time.time() + 30
        while time.time() < deadline and not (devtools and tab):
            infos = pipe.call("Target.getTargets")["targetInfos"]
            devtools = next((t for t in infos if t["url"].startswith("devtools://")), None)
            tab = next((t for t in infos if t["type"] == "page" and t["url"] == "about:blank"), None)
            time.sleep(0.2)
        if not (devtools and tab):
            raise SystemExit("chromium: DevTools did not open")
        ds = pipe.call("Target.attachToTarget", {"targetId": devtools["targetId"], "flatten": True})["sessionId"]
        ts = pipe.call("Target.attachToTarget", {"targetId": tab["targetId"], "flatten": True})["sessionId"]
        time.sleep(2.0)  # the front end loads its panels
        # What a user does first: open the Network panel.
        devtools_eval(pipe, ds, "(async () => { const ui = await import('./ui/legacy/legacy.js');"
                      " await ui.ViewManager.ViewManager.instance().showView('network'); return 1; })()")
        # The console's network lines ("Failed to load resource: ...") are not in the
        # stderr log; the Log domain has them, with the URL of the load.
        pipe.call("Log.enable", {}, ts)
        pipe.call("Page.navigate", {"url": A + "/"}, ts)
        wait_results(proc, 60, "chromium")
        with pipe.lock:
            network = [
                {"text": e["params"]["entry"]["text"], "url": e["params"]["entry"].get("url", "")}
                for e in pipe.events
                if e.get("sessionId") == ts and e.get("method") == "Log.entryAdded"
                and e["params"]["entry"].get("source") == "network"
            ]
        hars = {}
        for kind, sanitize in (("sanitized", True), ("sensitive", False)):
            text = devtools_eval(pipe, ds, EXPORT_JS % ("true" if sanitize else "false"))
            hars[kind] = json.loads(text)
    finally:
        capture_har.stop(proc)
        capture_har.stop(xvfb)
    with open(log_path, encoding="utf-8", errors="replace") as fh:
        console = per_situation("chromium", fh.read())
    return {"version": version, "hars": hars, "console": console, "network_lines": network}


# The Network panel's own export path: NetworkLogView.harRequests() (the requests the panel
# would export) through HAR.Writer.harStringForRequests with the panel's {sanitize} option.
EXPORT_JS = """(async () => {
  const har = await import('./models/har/har.js');
  const common = await import('./core/common/common.js');
  const network = await import('./panels/network/network.js');
  const panel = network.NetworkPanel.NetworkPanel.instance();
  const view = panel.networkLogView;
  const progress = new common.Progress.CompositeProgress(new common.Progress.Progress());
  return await har.Writer.Writer.harStringForRequests(view.harRequests(), {sanitize: %s}, progress);
})()"""


def devtools_eval(pipe, session: str, js: str):
    reply = pipe.call("Runtime.evaluate", {"expression": js, "awaitPromise": True, "returnByValue": True}, session)
    if "exceptionDetails" in reply:
        raise SystemExit(f"chromium: DevTools evaluation failed: {reply['exceptionDetails']}")
    return reply["result"].get("value")


def capture_firefox(tmp: str) -> dict:
    version = subprocess.run(["firefox-esr", "--version"], capture_output=True, text=True).stdout.strip()
    profile = os.path.join(tmp, "profile")
    har_dir = os.path.join(tmp, "har")
    os.makedirs(profile)
    os.makedirs(har_dir)
    prefs = dict(capture_har.FIREFOX_PREFS, **{
        "devtools.netmonitor.har.defaultLogDir": har_dir,
        # browser-impls.md: the recorder's pin (a fresh IPv6 lookup misses cache entries)
        "network.dns.disableIPv6": True,
    })
    with open(os.path.join(profile, "user.js"), "w") as fh:
        for k, v in prefs.items():
            fh.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
    env = dict(os.environ, HOME=tmp, MOZ_CRASHREPORTER_DISABLE="1", MOZ_REMOTE_SETTINGS_DEVTOOLS="1")
    argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "firefox-esr", "--no-remote", "--profile", profile,
            "--devtools", "--remote-debugging-port=0", A + "/start"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(tmp, "firefox.log"), "wb"), start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=firefox_console, args=(proc, profile, lines), daemon=True).start()
    try:
        wait_results(proc, 120, "firefox")
        found = None
        deadline = time.time() + 30
        while time.time() < deadline and not found:
            files = sorted(f for f in os.listdir(har_dir) if f.endswith(".har"))
            if files:
                time.sleep(1.5)  # the export is written once the page's requests settle
                found = os.path.join(har_dir, files[0])
            time.sleep(0.2)
    finally:
        capture_har.stop(proc)
    if not found:
        raise SystemExit(f"firefox: no HAR written; see {tmp}/firefox.log")
    with open(found, encoding="utf-8") as fh:
        har = json.load(fh)
    return {"version": version, "hars": {"netmonitor": har}, "console": per_situation("firefox", "\n".join(lines))}


def firefox_console(proc: subprocess.Popen, profile: str, lines: list[str]) -> None:
    """WebDriver BiDi log.entryAdded, as the recorder writes it ("BIDI <type> <level> <json>")."""
    info = os.path.join(profile, "WebDriverBiDiServer.json")
    try:
        while not os.path.exists(info) and proc.poll() is None:
            time.sleep(0.1)
        time.sleep(0.2)
        with open(info, encoding="utf-8") as fh:
            where = json.load(fh)
        ws = record.WebSocket(where["ws_host"], int(where["ws_port"]), "/session")
        ws.call("session.new", {"capabilities": {}})
        ws.call("session.subscribe", {"events": ["log.entryAdded"]})
        while True:
            msg = ws.receive()
            if msg is None:
                return
            if msg.get("method") == "log.entryAdded":
                p = msg.get("params") or {}
                lines.append(f"BIDI {p.get('type')} {p.get('level')} {json.dumps(p.get('text'), ensure_ascii=False)}")
    except Exception as e:  # noqa: BLE001 - the browser going away ends this thread
        if proc.poll() is None:
            print(f"firefox: console capture failed: {e!r}", file=sys.stderr)


def capture_webkit(tmp: str) -> dict:
    mb = record.find_minibrowser()
    if not mb:
        raise SystemExit("webkit: MiniBrowser not found (apt-get install libwebkit2gtk-4.1-0)")
    env = record.WebKit.env(tmp)
    version = record.first_line(["xvfb-run", "-a", mb, "--version"], env)
    out_path = os.path.join(tmp, "webkit.log")
    argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", mb, "--enable-write-console-messages-to-stdout=true", A + "/"]
    proc = subprocess.Popen(argv, env=env, stdout=open(out_path, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_results(proc, 60, "webkit")
    finally:
        capture_har.stop(proc)
    with open(out_path, encoding="utf-8", errors="replace") as fh:
        console = per_situation("webkit", fh.read())
    return {"version": version, "hars": {}, "console": console}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser", nargs="+", choices=["chromium", "firefox", "webkit"], required=True)
    ap.add_argument("--out-dir", default=str(ROOT / "cors-explain/tests/data/exports"))
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    servers = capture_har.serve(Handler)
    try:
        for name in args.browser:
            STATE["results"] = None
            STATE["delay"] = 1000 if name == "chromium" else 0
            tmp = tempfile.mkdtemp(prefix=f"exports-{name}-")
            try:
                got = {"chromium": capture_chromium, "firefox": capture_firefox, "webkit": capture_webkit}[name](tmp)
            finally:
                if args.keep_temp:
                    print(f"kept {tmp}", file=sys.stderr)
                else:
                    shutil.rmtree(tmp, ignore_errors=True)
            for kind, har in got["hars"].items():
                file = out / (f"{name}-{kind}.har" if name == "chromium" else f"{name}.har")
                with open(file, "w", encoding="utf-8") as fh:
                    json.dump(har, fh, indent=2, ensure_ascii=False)
                    fh.write("\n")
                print(f"wrote {file}: {len(har['log']['entries'])} entries", file=sys.stderr)
            truth = {"browser": name, "version": got["version"], "results": STATE["results"], "console": got["console"]}
            if "network_lines" in got:
                truth["network_lines"] = got["network_lines"]
            with open(out / f"{name}.json", "w", encoding="utf-8") as fh:
                json.dump(truth, fh, indent=2, ensure_ascii=False)
                fh.write("\n")
            missing = [i for i, _, _ in SITUATIONS if i not in got["console"]]
            print(f"{name}: {got['version']}; page got {json.dumps(STATE['results'])}"
                  + (f"; no console marker for {missing}" if missing else ""), file=sys.stderr)
    finally:
        for s in servers:
            s.shutdown()


if __name__ == "__main__":
    main()
