#!/usr/bin/env python3
"""Writes scenarios/initiators.jsonl: element and API initiators (format extension).

Deterministic, standard library only. Run from the repository root:
    python3 tests/browsers/generate/gen_initiators.py [--check]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "scenarios" / "initiators.jsonl"
A = "http://127.0.0.1:8801"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"

ANSWERS = {
    "none": [],
    "star": [[ACAO, "*"]],
    "exact": [[ACAO, A]],
    "exactcred": [[ACAO, A], [ACAC, "true"]],
    "wrong": [[ACAO, "http://127.0.0.1:8803"]],
}
CO_LABEL = {None: "none", "anonymous": "anon", "use-credentials": "usecred", "": "empty",
            "bogus": "bogus", "USE-CREDENTIALS": "upper"}
ELEMENTS = ["img", "script", "module", "stylesheet"]


def mode_credentials(api: str, co, body_type=None, with_credentials=False):
    """What the standards give the request (informational fields of the format)."""
    if api in ("img", "script", "stylesheet"):
        if co is None:
            return "no-cors", "include"
        return "cors", "include" if co.lower() == "use-credentials" else "same-origin"
    if api == "module":
        return "cors", "include" if co is not None and co.lower() == "use-credentials" else "same-origin"
    if api == "font":
        return "cors", "same-origin"
    if api == "eventsource":
        return "cors", "include" if with_credentials else "same-origin"
    raise ValueError(api)


def fetch_for(api, target, sid, co=None, page="A", hop=0, es_cred=False):
    mode, cred = mode_credentials(api, co, with_credentials=es_cred)
    f = {
        "url_origin": target,
        "path": f"/s/{sid}/h{hop}",
        "method": "GET",
        "headers": [],
        "credentials": cred,
        "mode": mode,
        "redirect": "follow",
        "body": None,
        "page": page,
        "api": api,
    }
    if api in ELEMENTS:
        f["crossorigin"] = co
    return f


def scenario(sid, theme, why, steps):
    return {"id": sid, "theme": theme, "why": why, "steps": steps}


def one(fetch, hops, preflight=None):
    return {"fetch": fetch, "server": {"preflight": preflight, "hops": hops}}


def matrix():
    out = []
    cases = [(api, co) for api in ELEMENTS for co in (None, "anonymous", "use-credentials")]
    cases += [("font", None), ("eventsource", False), ("eventsource", True)]
    for api, co in cases:
        for target in ("A", "B", "Bp"):
            answers = ["none", "exact"] if target == "A" else list(ANSWERS)
            for ans in answers:
                if api == "eventsource":
                    label = "withcred" if co else "nocred"
                    sid = f"init-{api}-{label}-{target.lower()}-{ans}"
                    f = fetch_for(api, target, sid, es_cred=co)
                    why = f"EventSource withCredentials={str(co).lower()} to {target}, server ACAO {ans}"
                elif api == "font":
                    sid = f"init-font-{target.lower()}-{ans}"
                    f = fetch_for(api, target, sid)
                    why = f"FontFace load from {target}, server ACAO {ans}"
                else:
                    sid = f"init-{api}-{CO_LABEL[co]}-{target.lower()}-{ans}"
                    f = fetch_for(api, target, sid, co)
                    why = f"{api} crossorigin={co!r} to {target}, server ACAO {ans}"
                out.append(scenario(sid, api, why, [one(f, [{"status": 200, "headers": ANSWERS[ans]}])]))
    return out


def attr_values():
    out = []
    for api in ("img", "script"):
        for co in ("", "bogus", "USE-CREDENTIALS"):
            for ans in ("exact", "exactcred"):
                sid = f"init-attr-{api}-{CO_LABEL[co]}-b-{ans}"
                f = fetch_for(api, "B", sid, co)
                out.append(scenario(sid, "attr-values", f"{api} crossorigin={co!r} to B, server ACAO {ans}",
                                    [one(f, [{"status": 200, "headers": ANSWERS[ans]}])]))
    return out


def redirects():
    out = []
    chains = {
        # name: (first target, [hop responses]); hop 0 redirects to hop 1
        "a-to-b-star": ("A", [{"status": 302, "headers": [["Location", "B:/s/{id}/h1"]]},
                              {"status": 200, "headers": [[ACAO, "*"]]}]),
        "b-to-c-star": ("B", [{"status": 302, "headers": [["Location", "C:/s/{id}/h1"], [ACAO, "*"]]},
                              {"status": 200, "headers": [[ACAO, "*"]]}]),
        "b-to-c-null": ("B", [{"status": 307, "headers": [["Location", "C:/s/{id}/h1"], [ACAO, A]]},
                              {"status": 200, "headers": [[ACAO, "null"]]}]),
        "b-to-a-exact": ("B", [{"status": 301, "headers": [["Location", "A:/s/{id}/h1"], [ACAO, A]]},
                               {"status": 200, "headers": [[ACAO, "null"]]}]),
    }
    for api in ELEMENTS:
        for co in (None, "anonymous"):
            for name, (target, hops) in chains.items():
                sid = f"init-redir-{api}-{CO_LABEL[co]}-{name}"
                hs = [{"status": h["status"], "headers": [[n, v.replace("{id}", sid)] for n, v in h["headers"]]}
                      for h in hops]
                f = fetch_for(api, target, sid, co)
                out.append(scenario(sid, "redirect", f"{api} crossorigin={co!r}, redirect {name}", [one(f, hs)]))
    return out


def opaque():
    out = []
    for api in ELEMENTS:
        for co in (None, "anonymous"):
            for target, ans in (("A", "none"), ("B", "star")):
                sid = f"init-opaque-{api}-{CO_LABEL[co]}-{target.lower()}-{ans}"
                f = fetch_for(api, target, sid, co, page="opaque")
                out.append(scenario(sid, "opaque-origin",
                                    f"{api} crossorigin={co!r} from the sandboxed frame to {target}, ACAO {ans}",
                                    [one(f, [{"status": 200, "headers": ANSWERS[ans]}])]))
    return out


def beacons():
    out = []
    kinds = [
        ("string", None, "hello"),
        ("nodata", None, None),
        ("blob-plain", "text/plain", "hello"),
        ("blob-form", "application/x-www-form-urlencoded", "a=1"),
        ("blob-untyped", "", "hello"),
        ("blob-json", "application/json", "{}"),
        ("blob-json-upper", "Application/JSON", "{}"),
    ]
    grant = {"status": 200, "headers": [[ACAO, A], [ACAC, "true"], ["Access-Control-Allow-Headers", "content-type"]]}
    for target in ("B", "Bp"):
        for label, btype, body in kinds:
            for pre in ("granted", "refused"):
                if pre == "refused" and not label.startswith("blob-json"):
                    continue
                sid = f"init-beacon-{label}-{target.lower()}-{pre}"
                f = {"url_origin": target, "path": f"/s/{sid}/h0", "method": "POST", "headers": [],
                     "credentials": "include", "mode": "cors" if label.startswith("blob-json") else "no-cors",
                     "redirect": "follow", "body": body, "page": "A", "api": "beacon"}
                if btype is not None:
                    f["beacon_type"] = btype
                out.append(scenario(sid, "beacon", f"sendBeacon {label} to {target}, preflight {pre}",
                                    [one(f, [{"status": 200, "headers": [[ACAO, A], [ACAC, "true"]]}],
                                         grant if pre == "granted" else None)]))
    return out


def cache():
    out = []
    for api, co in (("img", "anonymous"), ("module", None), ("script", None), ("stylesheet", "anonymous")):
        sid = f"init-cache-fetch-then-{api}-{CO_LABEL[co]}"
        pre = {"status": 200, "headers": [[ACAO, A], ["Access-Control-Allow-Headers", "x-test"],
                                          ["Access-Control-Max-Age", "60"]]}
        hop = {"status": 200, "headers": [[ACAO, A]]}
        f0 = {"url_origin": "Bp", "path": f"/s/{sid}/h0", "method": "GET", "headers": [["X-Test", "1"]],
              "credentials": "same-origin", "mode": "cors", "redirect": "follow", "body": None, "page": "A"}
        f1 = fetch_for(api, "Bp", sid, co)
        out.append(scenario(sid, "cache", f"fetch() with X-Test caches a preflight on Bp, then {api} to the same URL",
                            [one(f0, [hop], pre), one(f1, [hop], pre)]))
    return out


def mime():
    out = []
    for api, co, target in (("stylesheet", None, "A"), ("stylesheet", None, "B"), ("stylesheet", "anonymous", "B"),
                            ("script", None, "B"), ("module", None, "B")):
        sid = f"init-mime-{api}-{CO_LABEL[co]}-{target.lower()}-textplain"
        f = fetch_for(api, target, sid, co)
        hop = {"status": 200, "headers": [[ACAO, "*"], ["Content-Type", "text/plain"]]}
        out.append(scenario(sid, "mime", f"{api} crossorigin={co!r} to {target} served as text/plain", [one(f, [hop])]))
    return out


def setup_cookies():
    """Run first (theme `credentials`): B sets `oracle_b` on host 127.0.0.1 (SameSite=Lax), so
    `cookie_present` on a request to A, B or C shows whether the engine sent credentials."""
    sid = "setup-cookies"
    f = {"url_origin": "B", "path": f"/s/{sid}/h0", "method": "GET", "headers": [], "credentials": "include",
         "mode": "cors", "redirect": "follow", "body": None, "page": "A"}
    hop = {"status": 200, "headers": [["Set-Cookie", "oracle_b=1; SameSite=Lax; Path=/"], [ACAO, A], [ACAC, "true"]]}
    return [scenario(sid, "credentials", "fetch() with credentials to B, whose answer sets oracle_b (SameSite=Lax) "
                     "on 127.0.0.1 with ACAO A and ACAC true", [one(f, [hop])])]


def main() -> int:
    scenarios = setup_cookies() + matrix() + attr_values() + redirects() + opaque() + beacons() + cache() + mime()
    ids = [s["id"] for s in scenarios]
    assert len(ids) == len(set(ids)), "duplicate ids"
    text = "".join(json.dumps(s, separators=(",", ":")) + "\n" for s in scenarios)
    if "--check" in sys.argv:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    steps = sum(len(s["steps"]) for s in scenarios)
    print(f"{OUT.name}: {len(scenarios)} scenarios, {steps} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
