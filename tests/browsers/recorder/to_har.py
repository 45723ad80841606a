#!/usr/bin/env python3
"""Turn recorder observations into HAR 1.2 files in each engine's devtools flavour.

The recorder (record.py) writes, per scenario step, every request a real browser sent to the
test servers and the response it got (observations/<browser>.jsonl). This script lays the
steps of some scenarios out as one page's network log, the way that browser's devtools would
export it:

  chromium  creator "WebInspector"; `_resourceType` (document, fetch, preflight),
            `_initiator`, `_priority`, `_transferSize`, `_error: "net::ERR_FAILED"` on failed
            loads; a preflight is its own OPTIONS entry listed before its request; a request
            blocked at its preflight is listed with status 0 and only the page's own headers
            (no Origin), as Chromium records it before the network layer adds them.
  firefox   creator and browser "Firefox"; no `_resourceType`; `timings: {}`;
            startedDateTime with "+00:00"; a request is listed *before* its preflight, and
            one blocked at its preflight has status 0 with full request headers.
  webkit    creator "WebKit Web Inspector"; `_fetchType`, `_priority`; preflights are not
            listed at all; a request blocked at its preflight has status 0.

Those differences follow the real exports in cors-explain/tests/data/har/ (chromium-cdp.har, written by
capture_har.py over the DevTools protocol, and firefox-netmonitor.har, Firefox's own HAR
export). WebKitGTK's MiniBrowser has no HAR export, so the WebKit flavour is modelled on
Web Inspector's HAR writer as documented, not checked against a real export.

Python 3.11 standard library only. From the repository root:

    python3 tests/browsers/recorder/to_har.py --browser webkit --out cors-explain/tests/data/har/webkit-observed.har \\
        smoke-get-acao-match smoke-put-preflight-no-acam ...
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
OBSERVATIONS = HERE.parent / "observations"
SCENARIOS = HERE.parent / "scenarios"
BASE = datetime(2025, 6, 11, 9, 0, 0, tzinfo=timezone.utc)

DEFAULT_IDS = [
    "smoke-get-acao-match",
    "smoke-put-preflight-no-acam",
    "smoke-credentials-include-star",
    "smoke-redirect-b-c-acao-a",
    "smoke-cache-header-max-age-60-bp",
    "smoke-acrh-missing-acah",
    "aceh-star-include",
]


def iso(t: datetime, flavour: str) -> str:
    text = t.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if flavour in ("chromium", "webkit") else text


def hdrs(pairs) -> list[dict]:
    return [{"name": n, "value": v} for n, v in pairs]


def load(path: Path) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                o = json.loads(line)
                out[o["id"]] = o
    return out


def entry(flavour, t, method, url, req_headers, status, resp_headers, *, kind, error=False, body=None, ua=None):
    location = next((v for n, v in resp_headers if n.lower() == "location"), "")
    e = {
        "startedDateTime": iso(t, flavour),
        "time": 1.5 if status else 0,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1" if status else "",
            "headers": hdrs(req_headers),
            "queryString": [],
            "cookies": [
                {"name": c.split("=", 1)[0].strip(), "value": c.split("=", 1)[-1]}
                for n, v in req_headers if n.lower() == "cookie" for c in v.split(";")
            ],
            "headersSize": -1,
            "bodySize": len(body or ""),
        },
        "response": {
            "status": status,
            "statusText": {0: "", 200: "OK", 204: "No Content", 302: "Found", 404: "Not Found"}.get(status, ""),
            "httpVersion": "HTTP/1.1" if status else "",
            "headers": hdrs(resp_headers),
            "cookies": [],
            "content": {"size": 0, "mimeType": next((v for n, v in resp_headers if n.lower() == "content-type"), "")},
            "redirectURL": location,
            "headersSize": -1,
            "bodySize": -1 if error else 0,
        },
        "cache": {},
        "pageref": "page_1" if flavour != "webkit" else "page_0",
    }
    if body is not None:
        ct = next((v for n, v in req_headers if n.lower() == "content-type"), "text/plain;charset=UTF-8")
        e["request"]["postData"] = {"mimeType": ct, "text": body}
    if flavour == "chromium":
        e["_resourceType"] = {"preflight": "preflight", "document": "document"}.get(kind, "fetch")
        e["_initiator"] = {"type": "preflight"} if kind == "preflight" else {"type": "script"}
        e["_priority"] = "High"
        e["response"]["_transferSize"] = 0
        e["response"]["_error"] = "net::ERR_FAILED" if error else None
        e["timings"] = {"blocked": 0.5, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 0.8,
                        "receive": 0.1, "_blocked_queueing": 0.3}
        e["serverIPAddress"] = "127.0.0.1" if status else ""
    elif flavour == "firefox":
        e["timings"] = {}
    else:
        e["_fetchType"] = "Network Load"
        e["_priority"] = "medium"
        e["timings"] = {"blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": 1, "receive": 0.5}
    return e


def page_entries(flavour: str, obs: dict, scenario: dict, start: datetime) -> list[tuple[datetime, int, dict]]:
    out = []
    for step_index, step in enumerate(obs["steps"]):
        t0 = start + timedelta(milliseconds=400 * step_index)
        page = step["page"]
        fetch = scenario["steps"][step_index]["fetch"] if step_index < len(scenario["steps"]) else {}
        reqs = step.get("server_requests", [])
        sent_request = any(r["kind"] == "request" for r in reqs)
        failed = page.get("outcome") != "ok"
        last_request_seq = max((r["seq"] for r in reqs if r["kind"] == "request"), default=None)
        for r in reqs:
            host = next((v for n, v in r["raw_headers"] if n.lower() == "host"), "")
            url = f"http://{host}{r['path']}"
            t = t0 + timedelta(milliseconds=r.get("t_ms") or 0)
            if r["kind"] == "preflight":
                if flavour == "webkit":
                    continue
                order = 1 if flavour == "firefox" else 0
                out.append((t, order, entry(flavour, t, "OPTIONS", url, [tuple(h) for h in r["raw_headers"]],
                                            r["response"]["status"], [tuple(h) for h in r["response"]["headers"]],
                                            kind="preflight")))
            else:
                error = failed and r["seq"] == last_request_seq
                out.append((t, 1 if flavour != "firefox" else 0,
                            entry(flavour, t, r["method"], url, [tuple(h) for h in r["raw_headers"]],
                                  r["response"]["status"], [tuple(h) for h in r["response"]["headers"]],
                                  kind="request", error=error, body=fetch.get("body"))))
        if not sent_request and reqs:
            # Blocked at the preflight: the request itself is listed with no response.
            pre = reqs[0]
            host = next((v for n, v in pre["raw_headers"] if n.lower() == "host"), "")
            url = f"http://{host}{pre['path']}"
            t = t0 + timedelta(milliseconds=(pre.get("t_ms") or 0))
            own = [tuple(h) for h in page["request"]["headers"]]
            if fetch.get("body") is not None and not any(n.lower() == "content-type" for n, _ in own):
                own.append(("Content-Type", "text/plain;charset=UTF-8"))
            if flavour == "chromium":
                headers = own + [("Referer", obs["steps"][0]["page"]["context_origin"] + "/"),
                                 ("User-Agent", obs["user_agent"])]
                t = t + timedelta(milliseconds=2)
            else:
                headers = [(n, v) for n, v in pre["raw_headers"]
                           if not n.lower().startswith("access-control-request")] + own
                if flavour == "firefox":
                    t = t - timedelta(milliseconds=1)
            out.append((t, 2, entry(flavour, t, page["request"]["method"], url, headers, 0, [],
                                    kind="request", error=True, body=fetch.get("body"))))
    return out


def build(flavour: str, ids: list[str]) -> dict:
    obs_all = load(OBSERVATIONS / f"{flavour}.jsonl")
    scenarios = {}
    for f in SCENARIOS.glob("*.jsonl"):
        scenarios.update(load(f))
    page_origin = None
    entries: list[tuple[datetime, int, dict]] = []
    start = BASE + timedelta(seconds=1)
    ua = None
    for sid in ids:
        if sid not in obs_all:
            raise SystemExit(f"{flavour}: no observation for {sid}")
        obs = obs_all[sid]
        ua = obs["user_agent"]
        page_origin = page_origin or obs["steps"][0]["page"]["context_origin"]
        entries += page_entries(flavour, obs, scenarios[sid], start)
        start += timedelta(seconds=2)
    doc_headers = [("Host", page_origin.split("//")[1]), ("User-Agent", ua), ("Accept", "text/html"),
                   ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document")]
    doc = entry(flavour, BASE, "GET", page_origin + "/", doc_headers, 200,
                [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "fc_page=1; path=/")], kind="document")
    entries.sort(key=lambda x: (x[0], x[1]))
    log = {
        "version": "1.2",
        "creator": {"chromium": {"name": "WebInspector", "version": "537.36"},
                    "firefox": {"name": "Firefox", "version": "153.7.0"},
                    "webkit": {"name": "WebKit Web Inspector", "version": "1.0"}}[flavour],
        "pages": [{
            "startedDateTime": iso(BASE, flavour),
            "id": "page_1" if flavour != "webkit" else "page_0",
            "title": page_origin + "/",
            "pageTimings": {"onContentLoad": 120, "onLoad": 130} if flavour != "firefox" else {"onContentLoad": -1, "onLoad": -1},
        }],
        "entries": [doc] + [e for _, _, e in entries],
    }
    if flavour == "firefox":
        log["browser"] = {"name": "Firefox", "version": "153.7.0"}
    log["_recordedScenarios"] = ids
    return {"log": log}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser", choices=["chromium", "firefox", "webkit"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("ids", nargs="*", help=f"scenario ids (default: {' '.join(DEFAULT_IDS)})")
    args = ap.parse_args()
    har = build(args.browser, args.ids or DEFAULT_IDS)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(har, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    print(f"wrote {args.out}: {len(har['log']['entries'])} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
