#!/usr/bin/env python3
"""Record what real browsers do with cross-origin fetch() scenarios.

Serves the origins A, B, Bp and C on 127.0.0.1/localhost ports 8801-8803,
answers scenario requests by the server rules of the conformance formats,
opens a page at A in a headless browser, lets that page run every step of
every scenario, and writes one observation line per scenario to
tests/browsers/observations/<browser>.jsonl.

Python 3.11 standard library only. Run as root so that missing browsers can
be installed with apt-get. See tests/browsers/README.md.

    python3 tests/browsers/recorder/record.py --all
    python3 tests/browsers/recorder/record.py --browser firefox --file tests/browsers/scenarios/smoke.jsonl --repeat 3
    # console messages per step (tests/browsers/console/README.md)
    python3 tests/browsers/recorder/record.py --file tests/browsers/console/scenarios.jsonl \
        --out-dir /tmp/obs --console
"""

from __future__ import annotations

import argparse
import base64
import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
BROWSERS_DIR = HERE.parent
SCENARIO_DIR = BROWSERS_DIR / "scenarios"
OBSERVATION_DIR = BROWSERS_DIR / "observations"

ORIGINS = {
    "A": "http://127.0.0.1:8801",
    "B": "http://127.0.0.1:8802",
    "Bp": "http://localhost:8802",
    "C": "http://127.0.0.1:8803",
}
HOST_LETTERS = {o.split("//", 1)[1]: letter for letter, o in ORIGINS.items()}
PORTS = (8801, 8802, 8803)
PAGE_URL = ORIGINS["A"] + "/"

ID_RE = re.compile(r"^[A-Za-z0-9._-]+$")
SCENARIO_PATH_RE = re.compile(r"^/s/([A-Za-z0-9._-]+)(/.*)?$")
HOP_RE = re.compile(r"^/h([0-9]+)$")
LOCATION_RE = re.compile(r"^(A|B|Bp|C):(/.*)$")

BROWSER_NAMES = ("chromium", "firefox", "webkit")


def log(msg: str) -> None:
    print(f"[record {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Scenarios


def load_scenarios(path: Path) -> list[dict]:
    scenarios = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                sc = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{lineno}: bad JSON: {e}")
            sid = sc.get("id")
            if not isinstance(sid, str) or not ID_RE.match(sid):
                raise SystemExit(f"{path}:{lineno}: bad or missing id {sid!r}")
            steps = sc.get("steps")
            if not isinstance(steps, list) or not steps:
                raise SystemExit(f"{path}:{lineno}: scenario {sid} has no steps")
            for k, step in enumerate(steps):
                f = step.get("fetch")
                if not isinstance(f, dict) or f.get("url_origin") not in ORIGINS:
                    raise SystemExit(f"{path}:{lineno}: {sid} step {k}: fetch.url_origin must be one of {list(ORIGINS)}")
            sc["_file"] = str(path)
            scenarios.append(sc)
    return scenarios


# --------------------------------------------------------------------------
# Run state shared by the HTTP handlers and the main thread


class RunState:
    """One browser launch sequence over an ordered list of scenarios."""

    def __init__(self, scenarios: list[dict], order: list[int], step_timeout_ms: int):
        self.cond = threading.Condition()
        self.scenarios = scenarios
        self.items = [(si, k) for si in order for k in range(len(scenarios[si]["steps"]))]
        self.cursor = 0  # index into items of the next step to hand out
        self.step_timeout_ms = step_timeout_ms
        # per (si, k): {"page": ..., "server_requests": [...], "begun": bool}
        self.records: dict[tuple[int, int], dict] = {}
        self.active: tuple[int, int] | None = None
        self.active_sid: str | None = None
        self.t0 = 0.0
        self.seq = 0
        self.user_agent: str | None = None
        self.page_done = False
        self.progress = 0  # bumped on every control request
        self.deadline = 0.0  # monotonic time by which the page must make progress
        self.stray: list[dict] = []
        self.page_logs: list[str] = []
        self.restarts: dict[int, int] = {}
        self.browser_logs: list[bytes] = []  # --console: each launch's log, in launch order

    # --- helpers, call with cond held
    def finished(self) -> bool:
        return self.page_done or self.cursor >= len(self.items)

    def current_item(self):
        return self.items[self.cursor] if self.cursor < len(self.items) else None

    def touch(self, allowance_s: float) -> None:
        self.progress += 1
        self.deadline = time.monotonic() + allowance_s
        self.cond.notify_all()

    def abort_current(self, reason: str) -> None:
        """Give up on the step under the cursor and the rest of its scenario."""
        item = self.current_item()
        if item is None:
            return
        si, k = item
        rec = self.records.get(item)
        if rec is not None and rec.get("begun") and rec.get("page") is None:
            rec["page"] = recorder_error_page(self.scenarios[si]["steps"][k]["fetch"], reason)
        elif rec is None:
            self.records[item] = {
                "begun": False,
                "page": recorder_error_page(self.scenarios[si]["steps"][k]["fetch"], reason),
                "server_requests": [],
            }
        # skip the remaining steps of this scenario
        while self.cursor < len(self.items) and self.items[self.cursor][0] == si:
            self.cursor += 1
        self.active = None
        self.active_sid = None
        self.cond.notify_all()

    def restart_scenario(self, si: int) -> None:
        """Move the cursor back to step 0 of scenario si and forget its records."""
        while self.cursor > 0 and self.items[self.cursor - 1][0] == si:
            self.cursor -= 1
        for k in range(len(self.scenarios[si]["steps"])):
            self.records.pop((si, k), None)
        self.active = None
        self.active_sid = None
        self.cond.notify_all()

    def abort_all(self, reason: str) -> None:
        while self.cursor < len(self.items):
            self.abort_current(reason)


def recorder_error_page(f: dict, reason: str) -> dict:
    return {
        "url": None,
        "outcome": "recorder_error",
        "phase": None,
        "error_name": None,
        "error_message": reason,
        "request": None,
        "response": None,
        "elapsed_ms": 0,
        "context": "opaque" if f.get("page") == "opaque" else "A",
        "context_origin": "null" if f.get("page") == "opaque" else ORIGINS["A"],
        "api": "xhr" if f.get("api") == "xhr" else "fetch",
    }


STATE: RunState | None = None
VERBOSE = False
# --console: the page logs a step marker before each step, the browsers print console
# messages to their log, and the error/warning lines between markers are written per step.
CONSOLE = False
CONSOLE_DIR = BROWSERS_DIR / "console"
CONSOLE_MARKER = "FETCH-CORS-STEP"
CONSOLE_RUNS: dict[str, list[dict[tuple[str, int], list[str]]]] = {}  # browser -> per run


# --------------------------------------------------------------------------
# Page documents


def page_documents() -> tuple[bytes, bytes]:
    runner = (HERE / "page.js").read_text(encoding="utf-8")
    driver = (HERE / "driver.js").read_text(encoding="utf-8")
    page = (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>fetch-cors recorder</title>"
        "<link rel=\"icon\" href=\"data:,\"></head>\n<body>\n<p>fetch-cors recorder page</p>\n"
        "<script>\nconst CONTEXT = \"A\";\n" + runner + "\n" + driver + "\n</script>\n</body></html>\n"
    )
    frame = (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>opaque frame</title></head>\n<body>\n"
        "<script>\nconst CONTEXT = \"opaque\";\n" + runner + "\n"
        "window.addEventListener(\"message\", async (ev) => {\n"
        "  if (ev.source !== parent) return;\n"
        "  const d = ev.data || {};\n"
        "  if (d.type !== \"run\") return;\n"
        "  const page = await runStep(d.fetch, d.timeout_ms, d.ctx);\n"
        "  parent.postMessage({ type: \"result\", item: d.item, page: page }, \"*\");\n"
        "});\n"
        "parent.postMessage({ type: \"ready\" }, \"*\");\n"
        "</script>\n</body></html>\n"
    )
    return page.encode("utf-8"), frame.encode("utf-8")


PAGE_HTML = b""
FRAME_HTML = b""


# --------------------------------------------------------------------------
# HTTP server


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def header_bytes(text: str) -> bytes:
    """Header text as bytes: code points up to U+00FF as single bytes (so a
    scenario can send bytes 0x80-0xFF), anything else as UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def rewrite_location(value: str) -> str:
    m = LOCATION_RE.match(value)
    if m:
        return ORIGINS[m.group(1)] + m.group(2)
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        if VERBOSE:
            log("http " + (format % args))

    def __getattr__(self, name):
        # Any method token, including lowercase ones such as "patch".
        if name.startswith("do_"):
            return self.handle_any
        raise AttributeError(name)

    # --- request body
    def read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length:
            try:
                n = int(length)
            except ValueError:
                n = 0
            if n > 0:
                return self.rfile.read(n)
        return b""

    def send_raw(self, status: int, headers: list[list[str]], body: bytes) -> None:
        """Write the response exactly as given: no Date/Server, names as spelled."""
        self.log_request(status)
        lines = [f"{self.protocol_version} {status} {reason_phrase(status)}".encode("latin-1")]
        for name, value in headers:
            lines.append(header_bytes(name) + b": " + header_bytes(value))
            if name.lower() == "connection" and value.strip().lower() == "close":
                self.close_connection = True
        data = b"\r\n".join(lines) + b"\r\n\r\n"
        if body and self.command != "HEAD":
            data += body
        self.wfile.write(data)
        self.wfile.flush()

    def simple(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
        self.send_raw(
            status,
            [["Cache-Control", "no-store"], ["Content-Type", ctype], ["Content-Length", str(len(body))]],
            body,
        )

    def json_reply(self, obj) -> None:
        self.simple(200, json.dumps(obj).encode("utf-8"), "application/json")

    # --- dispatch
    def handle_any(self) -> None:
        arrival = time.monotonic()
        body = self.read_body()
        port = self.server.server_address[1]
        path_only = urlsplit(self.path).path
        if port == PORTS[0] and (path_only in ("/", "/frame.html") or path_only.startswith("/ctl/")):
            self.control(path_only, body)
            return
        m = SCENARIO_PATH_RE.match(path_only)
        if not m:
            self.stray(arrival, body, 404)
            self.simple(404, b"not found\n")
            return
        self.scenario_request(arrival, m.group(1), m.group(2) or "", body, port)

    def joined(self, name: str) -> str | None:
        values = self.headers.get_all(name)
        if not values:
            return None
        return ", ".join(values)

    def request_entry(self, arrival: float, t0: float, seq: int, body: bytes, port: int) -> dict:
        host = self.headers.get("Host", "")
        cookie = self.joined("Cookie")
        names = []
        if cookie is not None:
            for part in re.split(r";\s*|,\s*", cookie):
                if part.strip():
                    names.append(part.split("=", 1)[0].strip())
        auth = self.joined("Authorization")
        return {
            "seq": seq,
            "t_ms": round((arrival - t0) * 1000.0, 1),
            "port": port,
            "origin_letter": HOST_LETTERS.get(host, "?" + host),
            "method": self.command,
            "path": self.path,
            "hop": None,
            "kind": "request",
            "origin": self.joined("Origin"),
            "acrm": self.joined("Access-Control-Request-Method"),
            "acrh": self.joined("Access-Control-Request-Headers"),
            "content_type": self.joined("Content-Type"),
            "cookie_present": cookie is not None,
            "cookie_names": sorted(names),
            "authorization_present": auth is not None,
            "authorization": auth,
            "body_len": len(body),
            "body_head": body[:120].decode("latin-1"),
            "raw_headers": [[k, v] for k, v in self.headers.items()],
            "response": None,
        }

    def stray(self, arrival: float, body: bytes, status: int) -> None:
        st = STATE
        if st is None:
            return
        with st.cond:
            st.seq += 1
            entry = self.request_entry(arrival, st.t0 or arrival, st.seq, body, self.server.server_address[1])
            entry["response"] = {"status": status, "headers": []}
            st.stray.append(entry)

    def scenario_request(self, arrival: float, sid: str, rest: str, body: bytes, port: int) -> None:
        st = STATE
        if st is None:
            self.simple(410, b"no recording in progress\n")
            return
        with st.cond:
            active = st.active
            if active is None or st.active_sid != sid:
                st.seq += 1
                entry = self.request_entry(arrival, st.t0 or arrival, st.seq, body, port)
                entry["response"] = {"status": 410, "headers": []}
                entry["active"] = st.active_sid
                st.stray.append(entry)
                attributed = None
            else:
                st.seq += 1
                entry = self.request_entry(arrival, st.t0, st.seq, body, port)
                attributed = st.records[active]
                step = st.scenarios[active[0]]["steps"][active[1]]
        if attributed is None:
            self.simple(410, b"not the current scenario\n")
            return

        hm = HOP_RE.match(rest)
        hop = int(hm.group(1)) if hm else None
        entry["hop"] = hop
        is_preflight = self.command == "OPTIONS" and self.headers.get("Access-Control-Request-Method") is not None
        kind = "preflight" if is_preflight else "request"
        entry["kind"] = kind
        server = step.get("server") or {}
        hops = server.get("hops") or []
        resp = None
        if hop is not None:
            if is_preflight:
                if hop < len(hops) and hops[hop].get("preflight") is not None:
                    resp = hops[hop]["preflight"]
                else:
                    resp = server.get("preflight")
            elif hop < len(hops):
                resp = hops[hop]
        api = (step.get("fetch") or {}).get("api")
        status, headers, payload = build_response(resp, kind, sid, hop, server, api, active[1])
        entry["response"] = {"status": status, "headers": headers}
        with st.cond:
            attributed["server_requests"].append(entry)
        self.send_raw(status, headers, payload)

    # --- control endpoints (never counted as server_requests)
    def control(self, path: str, body: bytes) -> None:
        st = STATE
        if path == "/":
            self.simple(200, PAGE_HTML, "text/html; charset=utf-8")
            return
        if path == "/frame.html":
            self.simple(200, FRAME_HTML, "text/html; charset=utf-8")
            return
        if st is None:
            self.json_reply({"done": True})
            return
        query = parse_qs(urlsplit(self.path).query)
        try:
            data = json.loads(body.decode("utf-8")) if body else None
        except ValueError:
            data = None
        name = path[len("/ctl/"):]
        with st.cond:
            if name == "hello":
                st.user_agent = (data or {}).get("user_agent")
                st.touch(30)
                reply = {"ok": True}
            elif name == "next":
                item = st.current_item()
                if item is None:
                    reply = {"done": True}
                    st.touch(30)
                else:
                    si, k = item
                    step = st.scenarios[si]["steps"][k]
                    sleep_ms = int(step.get("sleep_before_ms") or 0)
                    reply = {
                        "done": False,
                        "item": st.cursor,
                        "scenario_index": si,
                        "scenario_id": st.scenarios[si]["id"],
                        "step_index": k,
                        "fetch": step["fetch"],
                        "sleep_before_ms": sleep_ms,
                        "timeout_ms": st.step_timeout_ms,
                    }
                    if CONSOLE:
                        reply["console_marker"] = f"{CONSOLE_MARKER} {st.scenarios[si]['id']} {k}"
                    st.touch(sleep_ms / 1000.0 + 30)
            elif name == "begin":
                idx = int((query.get("item") or ["-1"])[0])
                if idx != st.cursor or st.current_item() is None:
                    reply = {"ok": False}
                else:
                    item = st.current_item()
                    st.active = item
                    st.active_sid = st.scenarios[item[0]]["id"]
                    st.t0 = time.monotonic()
                    st.records[item] = {"begun": True, "page": None, "server_requests": []}
                    reply = {"ok": True}
                    st.touch(st.step_timeout_ms / 1000.0 + 20)
            elif name == "result":
                idx = int((query.get("item") or ["-1"])[0])
                item = st.current_item()
                if idx == st.cursor and item is not None and item in st.records:
                    st.records[item]["page"] = data
                    st.cursor += 1
                    reply = {"ok": True}
                else:
                    reply = {"ok": False}
                st.touch(30)
            elif name == "log":
                msg = (data or {}).get("msg")
                st.page_logs.append(str(msg))
                if VERBOSE:
                    log(f"page: {msg}")
                reply = {"ok": True}
            elif name == "done":
                st.page_done = True
                st.touch(30)
                reply = {"ok": True}
            else:
                reply = None
        if reply is None:
            self.simple(404, b"unknown control endpoint\n")
        else:
            self.json_reply(reply)


# Body kinds of the initiator extension: payload and default Content-Type.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63e01291fb0f0001a4013c4cd51ca70000000049454e44ae426082"
)
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")
FONT_SIZE = 334268
KIND_TYPES = {
    "text": "text/plain; charset=utf-8",
    "png": "image/png",
    "js": "text/javascript",
    "css": "text/css",
    "font": "font/ttf",
    "event-stream": "text/event-stream",
}
API_KINDS = {
    "img": "png",
    "script": "js",
    "module": "js",
    "stylesheet": "css",
    "font": "font",
    "eventsource": "event-stream",
}
_FONT_BYTES: bytes | None = None


def font_bytes() -> bytes:
    global _FONT_BYTES
    if _FONT_BYTES is None:
        data = FONT_PATH.read_bytes()
        if len(data) != FONT_SIZE:
            raise SystemExit(f"{FONT_PATH}: {len(data)} bytes, want {FONT_SIZE} (fonts-dejavu-core 2.37-6)")
        _FONT_BYTES = data
    return _FONT_BYTES


def kind_payload(body_kind: str, kind: str, sid: str, hop_label: str, step_index: int) -> bytes:
    if body_kind == "png":
        return PNG_1X1
    if body_kind == "js":
        mark = json.dumps(f"{sid}:{step_index}:{hop_label}")
        err = json.dumps(f"oracle-{sid}")
        return (
            f"(globalThis.__oracle_ran = globalThis.__oracle_ran || []).push({mark});\n"
            f"throw new Error({err});\n"
        ).encode("utf-8")
    if body_kind == "css":
        return f".oracle-{sid} {{ color: rgb(1, 2, 3); }}\n".encode("utf-8")
    if body_kind == "font":
        return font_bytes()
    if body_kind == "event-stream":
        return b"data: hi\n\n"
    return f"{kind}:{sid}:{hop_label}\n".encode("utf-8")


def build_response(
    resp: dict | None,
    kind: str,
    sid: str,
    hop: int | None,
    server: dict,
    api: str | None = None,
    step_index: int = 0,
):
    """Status, header list and body bytes for a scenario request, defaults included."""
    hop_label = f"h{hop}" if hop is not None else "h?"
    if resp is None:
        status = 404
        headers: list[list[str]] = []
        payload = kind_payload("text", kind, sid, hop_label, step_index)
        ctype = KIND_TYPES["text"]
        no_cc = False
    else:
        status = int(resp.get("status", 200))
        headers = []
        for name, value in resp.get("headers") or []:
            if name.lower() == "location":
                value = rewrite_location(value)
            headers.append([name, value])
        body_kind = resp.get("body_kind")
        if body_kind is None and resp.get("body") is None and kind == "request":
            body_kind = API_KINDS.get(api or "", "text")
        body_text = resp.get("body")
        if body_text is not None:
            payload = body_text.encode("utf-8")
            ctype = KIND_TYPES.get(body_kind or "text", KIND_TYPES["text"])
        else:
            payload = kind_payload(body_kind or "text", kind, sid, hop_label, step_index)
            ctype = KIND_TYPES.get(body_kind or "text", KIND_TYPES["text"])
        no_cc = bool(resp.get("no_default_cache_control") or server.get("no_default_cache_control"))
    if status in (204, 304):
        payload = b""
    names = {n.lower() for n, _ in headers}
    if "cache-control" not in names and not no_cc:
        headers.append(["Cache-Control", "no-store"])
    if payload and "content-type" not in names:
        headers.append(["Content-Type", ctype])
    if status not in (204, 304) and "content-length" not in names:
        headers.append(["Content-Length", str(len(payload))])
    return status, headers, payload


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # Browsers drop idle keep-alive connections; that is not an error.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Server6(Server):
    address_family = socket.AF_INET6


def start_servers() -> list[ThreadingHTTPServer]:
    servers = []
    for port in PORTS:
        try:
            servers.append(Server(("127.0.0.1", port), Handler))
        except OSError as e:
            for srv in servers:
                srv.server_close()
            raise SystemExit(f"cannot listen on 127.0.0.1:{port}: {e} (is another recorder running?)")
        # localhost may resolve to ::1 in some engines; answer there too.
        try:
            servers.append(Server6(("::1", port), Handler))
        except OSError as e:
            log(f"note: cannot listen on [::1]:{port} ({e}); IPv4 only")
    for srv in servers:
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    return servers


# --------------------------------------------------------------------------
# Browsers

APT_UPDATED = False


def apt_install(packages: list[str]) -> None:
    global APT_UPDATED
    if os.geteuid() != 0:
        raise SystemExit(f"missing packages {packages}; run as root to let the recorder install them")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not APT_UPDATED:
        log("apt-get update")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, timeout=600)
        APT_UPDATED = True
    log("apt-get install " + " ".join(packages))
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], check=True, env=env, timeout=1800
    )


def dpkg_version(package: str) -> str | None:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Status}|${Version}", package], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0 or "install ok installed" not in out.stdout:
        return None
    return out.stdout.split("|", 1)[1].strip()


def first_line(argv: list[str], env: dict | None = None) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def find_minibrowser() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))
    return candidates[0] if candidates else None


FIREFOX_PREFS = {
    # no first-run, welcome or what's-new pages
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.homepage": "about:blank",
    "browser.startup.page": 0,
    "startup.homepage_welcome_url": "",
    "startup.homepage_welcome_url.additional": "",
    "startup.homepage_override_url": "",
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtab.preload": False,
    "browser.newtabpage.activity-stream.feeds.telemetry": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.newtabpage.activity-stream.feeds.snippets": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.default.sites": "",
    "browser.topsites.contile.enabled": False,
    "browser.tabs.warnOnClose": False,
    "browser.sessionstore.resume_from_crash": False,
    "browser.uitour.enabled": False,
    "browser.discovery.enabled": False,
    "browser.messaging-system.whatsNewPanel.enabled": False,
    "toolkit.startup.max_resumed_crashes": -1,
    # telemetry and studies
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.firstRunURL": "",
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.newProfilePing.enabled": False,
    "toolkit.telemetry.shutdownPingSender.enabled": False,
    "toolkit.telemetry.updatePing.enabled": False,
    "toolkit.telemetry.bhrPing.enabled": False,
    "toolkit.telemetry.firstShutdownPing.enabled": False,
    "browser.ping-centre.telemetry": False,
    "app.normandy.enabled": False,
    "app.normandy.api_url": "",
    "app.shield.optoutstudies.enabled": False,
    "app.update.enabled": False,
    "app.update.auto": False,
    "breakpad.reportURL": "",
    "browser.tabs.crashReporting.sendReport": False,
    # background network traffic
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.prefetch-next": False,
    "network.dns.disablePrefetch": True,
    "network.dns.disablePrefetchFromHTTPS": True,
    "network.predictor.enabled": False,
    "network.predictor.enable-prefetch": False,
    "network.http.speculative-parallel-limit": 0,
    "browser.urlbar.speculativeConnect.enabled": False,
    "browser.places.speculativeConnect.enabled": False,
    "network.trr.mode": 5,
    # A fresh IPv6 DNS-cache record for 127.0.0.1 makes the first preflight-cache lookup on an
    # IP-literal host miss once per session (nsCORSListenerProxy CheckDNSCache), so cache reuse on
    # B/C depended on run order. Without IPv6 lookups every run gives the same result.
    "network.dns.disableIPv6": True,
    "network.proxy.type": 0,
    "network.http.http3.enable": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.google.updateURL": "",
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.safebrowsing.update.enabled": False,
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False,
    "security.OCSP.enabled": 0,
    "extensions.update.enabled": False,
    "extensions.blocklist.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.systemAddon.update.url": "",
    "extensions.autoDisableScopes": 0,
    "browser.search.update": False,
    "browser.search.geoip.url": "",
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "geo.provider.network.url": "",
    "media.gmp-manager.url": "",
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-widevinecdm.enabled": False,
    "identity.fxaccounts.enabled": False,
    "dom.push.connection.enabled": False,
    "dom.push.serverURL": "",
    "telemetry.fog.test.localhost_port": -1,
    "browser.newtabpage.activity-stream.asrouter.providers.cfr": "",
    "messaging-system.rsexperimentloader.enabled": False,
    "browser.contentblocking.cfr-milestone.enabled": False,
    "services.sync.engine.addons": False,
    "browser.contentblocking.report.lockwise.enabled": False,
    "signon.management.page.breach-alerts.enabled": False,
    "browser.translations.enable": False,
    "browser.ml.enable": False,
    # keep plain http on 127.0.0.1 / localhost
    "dom.security.https_only_mode": False,
    "dom.security.https_only_mode_pbm": False,
    "dom.security.https_first": False,
    "dom.security.https_first_pbm": False,
    "dom.security.https_first_schemeless": False,
    "network.stricttransportsecurity.preloadlist": False,
    "network.lna.enabled": False,
}


# --console only. The page's console API calls on stdout (the step markers, for reading the
# log by hand; CORS errors are not console API calls and never show up there), and no
# "recommended preferences" from the remote agent that --console starts for WebDriver BiDi.
FIREFOX_CONSOLE_PREFS = {
    "devtools.console.stdout.content": True,
    "remote.prefs.recommended": False,
}


def firefox_user_js() -> str:
    lines = ["// written by tests/browsers/recorder/record.py"]
    prefs = dict(FIREFOX_PREFS, **FIREFOX_CONSOLE_PREFS) if CONSOLE else FIREFOX_PREFS
    for k, v in prefs.items():
        lines.append(f"user_pref({json.dumps(k)}, {json.dumps(v)});")
    return "\n".join(lines) + "\n"


class Browser:
    name = ""
    packages: list[str] = []

    def ensure_installed(self, install: bool) -> None:
        if self.installed():
            return
        if not install:
            raise SystemExit(f"{self.name}: not installed and --no-install given")
        apt_install(self.packages)
        if not self.installed():
            raise SystemExit(f"{self.name}: still missing after apt-get install {self.packages}")

    def installed(self) -> bool:
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    def command(self, url: str, tmp: str) -> tuple[list[str], dict]:
        raise NotImplementedError


class Chromium(Browser):
    name = "chromium"
    packages = ["chromium"]

    def installed(self) -> bool:
        return shutil.which("chromium") is not None

    def version(self) -> str:
        line = first_line(["chromium", "--version"])
        return re.sub(r"\s+built on .*$", "", line)

    def command(self, url, tmp):
        argv = [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-default-browser-check",
            "--no-proxy-server",
            # fewer background requests to Google hosts (none are reachable here)
            "--disable-extensions",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-client-side-phishing-detection",
            "--disable-breakpad",
            "--metrics-recording-only",
            "--no-pings",
            "--disable-component-extensions-with-background-pages",
            "--password-store=basic",
            # no name other than localhost resolves: stops the browser's own
            # lookups of Google hosts (the scenario origins are IP literals or localhost)
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE ::1",
            "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
            "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
            f"--user-data-dir={tmp}/profile",
            url,
        ]
        if CONSOLE:
            # console messages go to stderr as '[pid:tid:time:INFO:CONSOLE:0] "text", source: url (0)'
            argv[-1:-1] = ["--enable-logging=stderr", "--v=0"]
        return argv, dict(os.environ)


class Firefox(Browser):
    name = "firefox"
    packages = ["firefox-esr"]

    def installed(self) -> bool:
        return shutil.which("firefox-esr") is not None

    def version(self) -> str:
        return first_line(["firefox-esr", "--version"])

    def command(self, url, tmp):
        profile = os.path.join(tmp, "profile")
        os.makedirs(profile, exist_ok=True)
        with open(os.path.join(profile, "user.js"), "w", encoding="utf-8") as fh:
            fh.write(firefox_user_js())
        # MOZ_REMOTE_SETTINGS_DEVTOOLS lets services.settings.server take effect in release builds.
        env = dict(os.environ, MOZ_CRASHREPORTER_DISABLE="1", MOZ_REMOTE_SETTINGS_DEVTOOLS="1", HOME=tmp)
        argv = ["firefox-esr", "--headless", "--no-remote", "--profile", profile, url]
        if CONSOLE:
            # CORS errors are nsIScriptErrors, which release builds print nowhere; WebDriver
            # BiDi's log.entryAdded carries them. Start on about:blank, and let
            # console_attach() subscribe before it opens the page.
            argv[-1:] = ["--remote-debugging-port=0", "about:blank"]
        return argv, env

    def console_attach(self, proc: subprocess.Popen, tmp: str, url: str, deadline: float) -> None:
        """--console: subscribe to log.entryAdded over WebDriver BiDi, open `url`, and write
        every entry to <tmp>/bidi.log as "BIDI <type> <level> <json text>"."""
        info = os.path.join(tmp, "profile", "WebDriverBiDiServer.json")
        out = open(os.path.join(tmp, "bidi.log"), "w", encoding="utf-8")

        def run():
            try:
                while not os.path.exists(info) and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(0.2)
                with open(info, encoding="utf-8") as fh:
                    where = json.load(fh)
                ws = WebSocket(where["ws_host"], int(where["ws_port"]), "/session")
                ws.call("session.new", {"capabilities": {}})
                ws.call("session.subscribe", {"events": ["log.entryAdded"]})
                tree = ws.call("browsingContext.getTree", {})
                context = tree["contexts"][0]["context"]
                ws.call("browsingContext.navigate", {"context": context, "url": url, "wait": "none"})
                while True:
                    msg = ws.receive()
                    if msg is None:
                        break
                    if msg.get("method") == "log.entryAdded":
                        p = msg.get("params") or {}
                        out.write(f"BIDI {p.get('type')} {p.get('level')} {json.dumps(p.get('text'), ensure_ascii=False)}\n")
                        out.flush()
            except Exception as e:  # noqa: BLE001 - the browser going away ends this thread
                if proc.poll() is None:
                    log(f"firefox: WebDriver BiDi console capture failed: {e!r}")
            finally:
                out.close()

        threading.Thread(target=run, daemon=True).start()


class WebSocket:
    """A minimal WebSocket client (RFC 6455, text frames, no extensions) for WebDriver BiDi."""

    def __init__(self, host: str, port: int, path: str):
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("WebSocket handshake: connection closed")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError("WebSocket handshake: " + head.split(b"\r\n", 1)[0].decode("latin-1"))
        self.sock.settimeout(None)
        self.next_id = 0
        self.pending: list[dict] = []

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def send(self, obj: dict) -> None:
        data = json.dumps(obj).encode()
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def receive(self) -> dict | None:
        """The next JSON message, or None when the connection closes."""
        if self.pending:
            return self.pending.pop(0)
        message = b""
        try:
            while True:
                b0, b1 = self._read(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack(">H", self._read(2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", self._read(8))[0]
                payload = self._read(n)
                opcode = b0 & 0x0F
                if opcode == 8:
                    return None
                if opcode == 9:  # ping: answer with a masked pong
                    mask = os.urandom(4)
                    self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
                    continue
                if opcode in (0, 1, 2):
                    message += payload
                    if b0 & 0x80:
                        return json.loads(message.decode("utf-8"))
        except (EOFError, OSError):
            return None

    def call(self, method: str, params: dict) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.send({"id": my_id, "method": method, "params": params})
        held = []
        while True:
            msg = self.receive()
            if msg is None:
                raise ConnectionError(f"{method}: connection closed")
            if msg.get("id") == my_id:
                self.pending = held + self.pending
                if msg.get("type") == "error":
                    raise RuntimeError(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg.get("result") or {}
            held.append(msg)


class WebKit(Browser):
    name = "webkit"
    packages = ["libwebkit2gtk-4.1-0", "xvfb", "xauth"]

    def installed(self) -> bool:
        return find_minibrowser() is not None and shutil.which("xvfb-run") is not None and shutil.which("xauth") is not None

    def version(self) -> str:
        mb = find_minibrowser()
        env = self.env(tempfile.gettempdir())
        line = ""
        try:
            line = first_line(["xvfb-run", "-a", mb, "--version"], env)
        except (OSError, subprocess.TimeoutExpired):
            pass
        deb = dpkg_version("libwebkit2gtk-4.1-0") or "?"
        if not line.startswith("WebKitGTK"):
            return f"WebKitGTK {deb}"
        return f"{line} (Debian libwebkit2gtk-4.1-0 {deb})"

    @staticmethod
    def env(tmp: str) -> dict:
        return dict(
            os.environ,
            HOME=tmp,
            XDG_DATA_HOME=os.path.join(tmp, "data"),
            XDG_CACHE_HOME=os.path.join(tmp, "cache"),
            XDG_CONFIG_HOME=os.path.join(tmp, "config"),
            WEBKIT_DISABLE_COMPOSITING_MODE="1",
            WEBKIT_DISABLE_DMABUF_RENDERER="1",
            LIBGL_ALWAYS_SOFTWARE="1",
            NO_AT_BRIDGE="1",
            GTK_A11Y="none",
        )

    def command(self, url, tmp):
        argv = [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            find_minibrowser(),
            "--enable-write-console-messages-to-stdout=true",
            url,
        ]
        return argv, self.env(tmp)


BROWSERS = {"chromium": Chromium, "firefox": Firefox, "webkit": WebKit}


# --------------------------------------------------------------------------
# Processes: started in their own session, stopped by process group and by
# session id (only processes that carry the session we created).


def session_members(sid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("latin-1")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        # fields[0] = state, [1] = ppid, [2] = pgrp, [3] = session
        try:
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.append(int(entry))
        except (IndexError, ValueError):
            continue
    return pids


def stop_process(proc: subprocess.Popen) -> None:
    sid = proc.pid
    for sig, wait_s in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        members = session_members(sid)
        if proc.poll() is None:
            members.append(proc.pid)
        if not members:
            break
        try:
            os.killpg(sid, sig)
        except ProcessLookupError:
            pass
        for pid in set(members):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        end = time.monotonic() + wait_s
        while time.monotonic() < end:
            if proc.poll() is not None and not session_members(sid):
                break
            time.sleep(0.1)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        log(f"warning: process {proc.pid} did not exit")


# --------------------------------------------------------------------------
# Recording


def run_once(browser: Browser, scenarios: list[dict], order: list[int], args, label: str) -> tuple[RunState, str]:
    """Record the scenarios in the given order with fresh browser launches."""
    global STATE
    state = RunState(scenarios, order, int(args.step_timeout * 1000))
    STATE = state
    overall_deadline = time.monotonic() + args.browser_timeout
    launches = 0
    fruitless = 0
    user_agent = None
    started = time.monotonic()
    while True:
        with state.cond:
            if state.finished():
                break
        if time.monotonic() > overall_deadline:
            with state.cond:
                state.abort_all(f"per-browser timeout of {args.browser_timeout}s reached")
            log(f"{browser.name} {label}: overall timeout reached")
            break
        if fruitless >= 3:
            with state.cond:
                state.abort_all("browser made no progress in 3 launches")
            log(f"{browser.name} {label}: giving up after 3 launches without progress")
            break
        tmp = tempfile.mkdtemp(prefix=f"fetch-cors-{browser.name}-")
        argv, env = browser.command(PAGE_URL, tmp)
        logpath = os.path.join(tmp, "browser.log")
        logfh = open(logpath, "wb")
        with state.cond:
            state.page_done = False
            state.deadline = time.monotonic() + args.startup_timeout
            progress_before = state.progress
            cursor_before = state.cursor
        launches += 1
        if VERBOSE:
            log("launch: " + " ".join(argv))
        proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=logfh, stderr=subprocess.STDOUT, start_new_session=True
        )
        if CONSOLE and hasattr(browser, "console_attach"):
            browser.console_attach(proc, tmp, PAGE_URL, time.monotonic() + args.startup_timeout)
        why = None
        with state.cond:
            while True:
                if state.finished():
                    break
                now = time.monotonic()
                if proc.poll() is not None:
                    why = f"browser exited with status {proc.returncode}"
                    break
                if now > state.deadline:
                    why = "page made no progress in time"
                    break
                if now > overall_deadline:
                    why = "overall timeout"
                    break
                state.cond.wait(timeout=0.5)
            if why is not None:
                made_progress = state.progress != progress_before
                if made_progress:
                    fruitless = 0
                else:
                    fruitless += 1
                item = state.current_item()
                rec = state.records.get(item) if item else None
                in_flight = rec is not None and rec.get("begun") and rec.get("page") is None
                if item is not None and (in_flight or item[1] > 0):
                    # A fresh browser has lost the scenario's state (preflight
                    # cache, frame): run the whole scenario again, once.
                    si = item[0]
                    if state.restarts.get(si, 0) < 1:
                        state.restarts[si] = state.restarts.get(si, 0) + 1
                        state.restart_scenario(si)
                        log(f"{browser.name} {label}: restarting scenario {state.scenarios[si]['id']}")
                    else:
                        state.abort_current(f"{browser.name}: {why} during this scenario (after one restart)")
                elif not made_progress and state.cursor == cursor_before and fruitless >= 2 and item is not None:
                    # the same step keeps failing before it begins
                    state.abort_current(f"{browser.name}: {why} before this step")
            user_agent = state.user_agent or user_agent
        if CONSOLE and why is None:
            # the last step's console messages may still be on their way to the log
            time.sleep(1.0)
        stop_process(proc)
        logfh.close()
        if CONSOLE:
            data = b""
            for path in (logpath, os.path.join(tmp, "bidi.log")):
                try:
                    with open(path, "rb") as fh:
                        data += fh.read()
                except OSError:
                    pass
            state.browser_logs.append(data)
        if why is not None:
            tail = ""
            try:
                with open(logpath, "rb") as fh:
                    tail = fh.read()[-1500:].decode("utf-8", "replace")
            except OSError:
                pass
            log(f"{browser.name} {label}: {why}; relaunching. Browser log tail:\n{tail}")
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"kept {tmp}")
    STATE = None
    if CONSOLE:
        CONSOLE_RUNS.setdefault(browser.name, []).append(console_lines(browser.name, state))
    log(
        f"{browser.name} {label}: {len(state.items)} steps in {time.monotonic() - started:.1f}s, "
        f"{launches} launch(es), {len(state.stray)} unattributed request(s)"
    )
    if VERBOSE:
        for s in state.stray:
            log(f"  stray: {s['method']} {s['origin_letter']} {s['path']} -> {s['response']['status']}")
    return state, user_agent or ""


def observations(state: RunState, browser_name: str, version: str, ua: str) -> dict[int, dict]:
    out = {}
    order = []
    for si, _ in state.items:
        if si not in order:
            order.append(si)
    for si in order:
        sc = state.scenarios[si]
        steps = []
        complete = True
        for k in range(len(sc["steps"])):
            rec = state.records.get((si, k))
            if rec is None:
                complete = False
                continue
            page = rec.get("page")
            if page is None or page.get("outcome") == "recorder_error":
                complete = False
            reqs = sorted(rec.get("server_requests", []), key=lambda r: r["seq"])
            steps.append({"step": k, "page": page, "server_requests": reqs})
        out[si] = {
            "id": sc["id"],
            "theme": sc.get("theme"),
            "browser": browser_name,
            "browser_version": version,
            "user_agent": ua,
            "complete": complete,
            "steps": steps,
        }
    return out


def signature(obs: dict):
    """What replay compares, used to spot runs that disagree."""
    sig = []
    for st in obs["steps"]:
        page = st.get("page") or {}
        resp = page.get("response") or {}
        reqs = [
            (r["kind"], r["origin_letter"], r["hop"], r["method"], r["origin"], r["acrm"], r["acrh"])
            for r in st.get("server_requests", [])
        ]
        sig.append(
            (
                st["step"],
                page.get("outcome"),
                resp.get("type"),
                resp.get("status"),
                tuple(resp.get("header_names") or ()),
                tuple(reqs),
            )
        )
    return sig


def describe_difference(a, b) -> str:
    for sa, sb in zip(a, b):
        if sa != sb:
            step = sa[0]
            if sa[1] != sb[1]:
                return f"step {step}: outcome {sa[1]} vs {sb[1]}"
            if sa[5] != sb[5]:
                ka = [f"{r[0]}@h{r[2]}" for r in sa[5]]
                kb = [f"{r[0]}@h{r[2]}" for r in sb[5]]
                return f"step {step}: requests {ka} vs {kb}"
            return f"step {step}: response {sa[2:5]} vs {sb[2:5]}"
    return f"step count {len(a)} vs {len(b)}"


def orders(n: int, repeat: int) -> list[tuple[str, list[int]]]:
    out = []
    for r in range(repeat):
        if r == 0:
            out.append(("run 1 (file order)", list(range(n))))
        elif r == 1:
            out.append(("run 2 (reversed)", list(reversed(range(n)))))
        else:
            idx = list(range(n))
            random.Random(r).shuffle(idx)
            out.append((f"run {r + 1} (shuffled, seed {r})", idx))
    return out


def record_browser(name: str, scenarios: list[dict], args) -> tuple[dict[int, dict], list[str], float]:
    browser = BROWSERS[name]()
    browser.ensure_installed(not args.no_install)
    version = browser.version()
    log(f"{name}: {version}")
    runs = []
    t_start = time.monotonic()
    first_duration = 0.0
    for label, order in orders(len(scenarios), args.repeat):
        t = time.monotonic()
        state, ua = run_once(browser, scenarios, order, args, label)
        if not runs:
            first_duration = time.monotonic() - t
        runs.append(observations(state, name, version, ua))
    base = runs[0]
    unstable = []
    for si in range(len(scenarios)):
        sigs = [signature(run[si]) for run in runs]
        for j in range(1, len(sigs)):
            if sigs[j] != sigs[0]:
                unstable.append(f"{scenarios[si]['id']}\t{describe_difference(sigs[0], sigs[j])} (run 1 vs run {j + 1})")
                break
    log(f"{name}: done in {time.monotonic() - t_start:.1f}s, {len(unstable)} unstable scenario(s)")
    return base, unstable, first_duration


# --------------------------------------------------------------------------
# Output: merge into observations/<browser>.jsonl keeping scenario-file order


def scenario_files_in_dir() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.jsonl"))


def write_outputs(name: str, scenarios: list[dict], obs: dict[int, dict], unstable: list[str], args) -> None:
    out_dir = Path(args.out_dir) if args.out_dir else OBSERVATION_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.jsonl"
    new_by_id = {scenarios[si]["id"]: o for si, o in obs.items()}
    old_by_id = {}
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    o = json.loads(line)
                    old_by_id[o["id"]] = o
    # canonical order: scenario files of the scenario directory (sorted), in line
    # order, then files given on the command line outside that directory
    ordered_ids = []
    seen = set()
    files = [str(p) for p in scenario_files_in_dir()]
    for f in dict.fromkeys(sc["_file"] for sc in scenarios):
        if f not in files:
            files.append(f)
    for f in files:
        try:
            for sc in load_scenarios(Path(f)):
                if sc["id"] not in seen:
                    seen.add(sc["id"])
                    ordered_ids.append(sc["id"])
        except SystemExit as e:
            log(f"warning: {e}")
    dropped = [i for i in old_by_id if i not in seen and i not in new_by_id]
    if dropped:
        log(f"{name}: dropping {len(dropped)} old observation(s) whose scenarios no longer exist")
    tmp_path = path.with_suffix(".jsonl.tmp")
    with open(tmp_path, "w", encoding="utf-8") as fh:
        for sid in ordered_ids:
            o = new_by_id.get(sid) or old_by_id.get(sid)
            if o is not None:
                fh.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
    os.replace(tmp_path, path)
    log(f"{name}: wrote {path}")

    upath = out_dir / f"unstable-{name}.txt"
    recorded = set(new_by_id)
    kept = []
    if upath.exists():
        for line in upath.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and line.split("\t", 1)[0] not in recorded:
                kept.append(line)
    lines = sorted(kept + unstable, key=lambda line: ordered_ids.index(line.split("\t", 1)[0]) if line.split("\t", 1)[0] in ordered_ids else 1 << 30)
    header = (
        f"# Scenarios whose {name} observations differed between recording runs\n"
        f"# (record.py --repeat N; runs use file order, reversed order, then shuffles).\n"
        f"# Format: id<TAB>first difference. Last recording used --repeat {args.repeat}.\n"
    )
    upath.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")


# --------------------------------------------------------------------------
# --console: console lines per step

# Chromium (--enable-logging=stderr): "[pid:tid:MMDD/HHMMSS.us:INFO:CONSOLE:0] "text", source: url (0)".
# Every console message is logged at INFO whatever its level, so all of them are kept (the page
# itself logs nothing but the step markers). The "[pid:tid:time:" part is dropped.
CHROMIUM_CONSOLE_RE = re.compile(r'^\[[0-9]+:[0-9]+:[0-9/.]+:((?:INFO|WARNING|ERROR|VERBOSE[0-9]*):CONSOLE[:(][0-9]+\)?\] ".*)$')
CHROMIUM_TAIL_RE = re.compile(r'", source: .* \([0-9]+\)$')
# WebKitGTK MiniBrowser (--enable-write-console-messages-to-stdout=true):
# "[url:line:col: ]CONSOLE [<SOURCE> ]<LEVEL> text" (no source for console API calls)
WEBKIT_CONSOLE_RE = re.compile(r"^(?:.*?: )?(CONSOLE (?:[A-Z-]+ )?(LOG|ERROR|WARN|WARNING|INFO|DEBUG) .*)$")
# Firefox, written by Firefox.console_attach from WebDriver BiDi log.entryAdded
FIREFOX_CONSOLE_RE = re.compile(r"^(BIDI [a-z]+ (error|warn|info|debug|trace) .*)$")


def console_entries(name: str, text: str) -> list[tuple[str, str]]:
    """(level, line) for every console message in a browser log, in order."""
    out: list[tuple[str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if name == "chromium":
            m = CHROMIUM_CONSOLE_RE.match(line)
            if not m:
                continue
            entry = m.group(1)
            # a message with newlines goes on until the line with ", source: ... (N)"
            while not CHROMIUM_TAIL_RE.search(entry) and i < len(lines):
                entry += "\n" + lines[i]
                i += 1
            out.append(("any", entry))
        elif name == "webkit":
            m = WEBKIT_CONSOLE_RE.match(line)
            if m:
                out.append((m.group(2).lower(), m.group(1)))
        else:
            m = FIREFOX_CONSOLE_RE.match(line)
            if m:
                out.append((m.group(2), m.group(1)))
    return out


def console_lines(name: str, state: RunState) -> dict[tuple[str, int], list[str]]:
    """Error/warning console lines per (scenario id, step): those after the step's marker and
    before the next marker. A later launch's log wins for a step recorded twice."""
    marker_re = re.compile(re.escape(CONSOLE_MARKER) + r" ([A-Za-z0-9._-]+) ([0-9]+)\b")
    result: dict[tuple[str, int], list[str]] = {}
    for data in state.browser_logs:
        current = None
        for level, line in console_entries(name, data.decode("utf-8", "replace")):
            m = marker_re.search(line)
            if m:
                current = (m.group(1), int(m.group(2)))
                result[current] = []
                continue
            if current is None or level in ("log", "info", "debug", "trace"):
                continue
            result[current].append(line)
    return result


def write_console(name: str, scenarios: list[dict], args) -> None:
    runs = CONSOLE_RUNS.get(name) or []
    if not runs:
        return
    first = runs[0]
    out_dir = Path(args.console)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.jsonl"
    new = {}
    differing = []
    for sc in scenarios:
        for k in range(len(sc["steps"])):
            key = (sc["id"], k)
            new[key] = {"id": sc["id"], "step": k, "browser": name, "lines": first.get(key, [])}
            if key not in first:
                log(f"{name}: console: no marker seen for {sc['id']} step {k}")
            if any(run.get(key, []) != first.get(key, []) for run in runs[1:]):
                differing.append(f"{sc['id']}/{k}")
    if differing:
        log(f"{name}: console lines differed between runs for {differing}")
    old = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                if (o["id"], o["step"]) not in new:
                    old.append(o)
    with open(path, "w", encoding="utf-8") as fh:
        for o in old + list(new.values()):
            fh.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
    log(f"{name}: wrote {path}")


def main() -> int:
    global VERBOSE, PAGE_HTML, FRAME_HTML, CONSOLE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="every tests/browsers/scenarios/*.jsonl with every browser")
    ap.add_argument("--browser", action="append", choices=BROWSER_NAMES, help="browser to use (repeatable)")
    ap.add_argument("--file", action="append", help="scenario file to record (repeatable)")
    ap.add_argument("--repeat", type=int, default=2, help="record each file N times in different orders (default 2)")
    ap.add_argument("--step-timeout", type=float, default=10.0, help="seconds per step in the page (default 10)")
    ap.add_argument("--startup-timeout", type=float, default=60.0, help="seconds for a browser to load the page")
    ap.add_argument("--browser-timeout", type=float, default=1800.0, help="seconds per browser and run (default 1800)")
    ap.add_argument("--out-dir", help="write observations here instead of tests/browsers/observations")
    ap.add_argument("--no-install", action="store_true", help="do not apt-get install missing browsers")
    ap.add_argument("--keep-temp", action="store_true", help="keep browser profiles and logs")
    ap.add_argument(
        "--console",
        nargs="?",
        const=str(CONSOLE_DIR),
        metavar="DIR",
        help="also write the console error/warning lines of every step to DIR/<browser>.jsonl "
        "(default tests/browsers/console)",
    )
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    VERBOSE = args.verbose
    CONSOLE = args.console is not None
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.all:
        files = [Path(f) for f in args.file] if args.file else scenario_files_in_dir()
    elif args.file:
        files = [Path(f) for f in args.file]
    else:
        ap.error("give --all or --file")
    if not files:
        ap.error(f"no scenario files found in {SCENARIO_DIR}")
    browsers = args.browser or list(BROWSER_NAMES)

    scenarios = []
    for f in files:
        scenarios.extend(load_scenarios(f.resolve()))
    ids = [sc["id"] for sc in scenarios]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"duplicate scenario ids: {dupes[:10]}")
    log(f"{len(scenarios)} scenario(s), {sum(len(s['steps']) for s in scenarios)} step(s) from {len(files)} file(s)")

    font_bytes()  # the format: no recording without the font
    PAGE_HTML, FRAME_HTML = page_documents()
    servers = start_servers()
    summary = []
    try:
        for name in browsers:
            obs, unstable, seconds = record_browser(name, scenarios, args)
            write_outputs(name, scenarios, obs, unstable, args)
            if CONSOLE:
                write_console(name, scenarios, args)
            incomplete = [o["id"] for o in obs.values() if not o["complete"]]
            timeouts = [
                o["id"] for o in obs.values() if any((st["page"] or {}).get("outcome") == "timeout" for st in o["steps"])
            ]
            summary.append(
                f"{name}: {len(obs)} scenario(s), first run {seconds:.1f}s, "
                f"{len(incomplete)} incomplete {incomplete[:5]}, {len(timeouts)} with timeouts {timeouts[:5]}, "
                f"{len(unstable)} unstable"
            )
    finally:
        for srv in servers:
            srv.shutdown()
            srv.server_close()
    for line in summary:
        log(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
