#!/usr/bin/env python3
"""Write tests/browsers/console/scenarios.jsonl: one small scenario per CORS failure a page
can run into, recorded with `record.py --console` to capture each engine's console text.

These scenarios are not part of the replayed corpus (tests/browsers/scenarios/); they are
only recorded with --file/--out-dir, see tests/browsers/console/README.md.

    python3 tests/browsers/console/gen_scenarios.py          # rewrite scenarios.jsonl
    python3 tests/browsers/console/gen_scenarios.py --check  # exit 1 if it differs
"""

import json
import sys
from pathlib import Path

A = "http://127.0.0.1:8801"
OUT = Path(__file__).resolve().parent / "scenarios.jsonl"
ACAO_A = ["Access-Control-Allow-Origin", A]


def fetch(sid, method="GET", headers=(), credentials="same-origin", mode="cors", redirect="follow",
          body=None, origin="B", api=None, page=None):
    f = {
        "url_origin": origin,
        "path": f"/s/{sid}/h0",
        "method": method,
        "headers": [list(h) for h in headers],
        "credentials": credentials,
        "mode": mode,
        "redirect": redirect,
        "body": body,
    }
    if api:
        f["api"] = api
    if page:
        f["page"] = page
    return f


def resp(status=200, *headers, **extra):
    r = {"status": status, "headers": [list(h) for h in headers]}
    r.update(extra)
    return r


SCENARIOS = []


THEMES = [  # first matching id part -> the format's theme
    ("wildcard", "wildcard"), ("authorization", "wildcard"), ("acac", "acac"), ("acao", "acao"),
    ("preflight", "preflight-status"), ("acam", "method"), ("method", "method"), ("acah", "acrh"),
    ("header", "acrh"), ("redirect", "redirect"), ("same-origin", "mode"),
]


def theme_of(sid):
    rest = sid[len("console-"):].removeprefix("xhr-")
    # the redirect themes win over the check that failed on the redirect
    if rest.startswith("redirect") or rest.startswith("too-many"):
        return "redirect"
    return next(t for part, t in THEMES if part in rest)


def add(sid, why, hops, preflight=None, **fetch_kw):
    SCENARIOS.append({
        "id": sid,
        "theme": theme_of(sid),
        "why": why,
        "steps": [{"fetch": fetch(sid, **fetch_kw), "server": {"preflight": preflight, "hops": hops}}],
    })


def loc(letter, sid, hop):
    return ["Location", f"{letter}:/s/{sid}/h{hop}"]


# --- the CORS check on the actual response
add("console-acao-missing-200", "GET to B, 200 without ACAO", [resp(200)])
add("console-acao-missing-404", "GET to B, 404 without ACAO", [resp(404)])
add("console-acao-mismatch", "ACAO names C", [resp(200, ["Access-Control-Allow-Origin", "http://127.0.0.1:8803"])])
add("console-acao-two-lines", "two ACAO lines, both A", [resp(200, ACAO_A, ACAO_A)])
add("console-acao-comma-list", "ACAO 'A, C'",
    [resp(200, ["Access-Control-Allow-Origin", A + ", http://127.0.0.1:8803"])])
add("console-acao-space-list", "ACAO 'A C'",
    [resp(200, ["Access-Control-Allow-Origin", A + " http://127.0.0.1:8803"])])
add("console-acao-invalid", "ACAO 'invalid-origin' is not an origin",
    [resp(200, ["Access-Control-Allow-Origin", "invalid-origin"])])
add("console-acao-null", "ACAO 'null' from origin A", [resp(200, ["Access-Control-Allow-Origin", "null"])])
add("console-wildcard-credentials", "credentials include, ACAO *",
    [resp(200, ["Access-Control-Allow-Origin", "*"])], credentials="include")
add("console-acac-missing", "credentials include, ACAO A, no ACAC", [resp(200, ACAO_A)], credentials="include")
add("console-opaque-acao-a", "from the sandboxed frame (origin null), ACAO A", [resp(200, ACAO_A)], page="opaque")
add("console-acac-capital-true", "credentials include, ACAO A, ACAC 'True'",
    [resp(200, ACAO_A, ["Access-Control-Allow-Credentials", "True"])], credentials="include")

# --- the preflight
PUT = dict(method="PUT", body="x")
add("console-preflight-404", "PUT to B, preflight 404 without CORS headers", [resp(200, ACAO_A)], None, **PUT)
add("console-preflight-500", "PUT to B, preflight 500 with ACAO A and ACAM PUT", [resp(200, ACAO_A)],
    resp(500, ACAO_A, ["Access-Control-Allow-Methods", "PUT"]), **PUT)
add("console-preflight-acao-mismatch", "PUT to B, preflight 204 with ACAO C", [resp(200, ACAO_A)],
    resp(204, ["Access-Control-Allow-Origin", "http://127.0.0.1:8803"], ["Access-Control-Allow-Methods", "PUT"]),
    **PUT)
add("console-preflight-wildcard-credentials", "PUT with credentials, preflight ACAO *", [resp(200, ACAO_A)],
    resp(204, ["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PUT"]),
    credentials="include", **PUT)
add("console-preflight-acac-missing", "PUT with credentials, preflight ACAO A without ACAC", [resp(200, ACAO_A)],
    resp(204, ACAO_A, ["Access-Control-Allow-Methods", "PUT"]), credentials="include", **PUT)
add("console-preflight-redirect", "PUT to B, preflight 302 to C with ACAO A", [resp(200, ACAO_A)],
    resp(302, ACAO_A, ["Access-Control-Allow-Methods", "PUT"], ["Location", "C:/s/console-preflight-redirect/h0"]),
    **PUT)
add("console-acam-invalid", "PUT to B, preflight ACAM 'PUT, DE LETE'", [resp(200, ACAO_A)],
    resp(204, ACAO_A, ["Access-Control-Allow-Methods", "PUT, DE LETE"]), **PUT)
add("console-acah-invalid", "GET with X-Test, preflight ACAH 'x-test, a b'", [resp(200, ACAO_A)],
    resp(204, ACAO_A, ["Access-Control-Allow-Headers", "x-test, a b"]), headers=[["X-Test", "1"]])
add("console-method-not-allowed", "PUT to B, preflight ACAM POST", [resp(200, ACAO_A)],
    resp(204, ACAO_A, ["Access-Control-Allow-Methods", "POST"]), **PUT)
add("console-header-not-allowed", "GET with X-Test, preflight without ACAH", [resp(200, ACAO_A)],
    resp(204, ACAO_A), headers=[["X-Test", "1"]])
add("console-authorization-acah-star", "GET with Authorization, preflight ACAH * (no credentials)",
    [resp(200, ACAO_A)], resp(204, ACAO_A, ["Access-Control-Allow-Headers", "*"]),
    headers=[["Authorization", "Bearer x"]])
add("console-authorization-acah-star-include", "GET with Authorization and credentials, preflight ACAH *",
    [resp(200, ACAO_A, ["Access-Control-Allow-Credentials", "true"])],
    resp(204, ACAO_A, ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Allow-Headers", "*"]),
    headers=[["Authorization", "Bearer x"]], credentials="include")

# --- redirects
sid = "console-redirect-userinfo"
add(sid, "B 302 to http://u:p@C/...", [
    resp(302, ["Access-Control-Allow-Origin", "*"], ["Location", f"http://u:p@127.0.0.1:8803/s/{sid}/h1"]),
    resp(200, ["Access-Control-Allow-Origin", "*"])])
sid = "console-redirect-data"
add(sid, "B 302 to data:text/plain,hi", [
    resp(302, ["Access-Control-Allow-Origin", "*"], ["Location", "data:text/plain,hi"]),
    resp(200, ["Access-Control-Allow-Origin", "*"])])
sid = "console-redirect-invalid-location"
add(sid, "B 302 with Location 'http://[' (not a URL)", [
    resp(302, ["Access-Control-Allow-Origin", "*"], ["Location", "http://["])])
sid = "console-too-many-redirects"
add(sid, "21 redirects B->B", [resp(302, ACAO_A, loc("B", sid, i + 1)) for i in range(21)] + [resp(200, ACAO_A)])
add("console-same-origin-mode", "mode same-origin to B", [resp(200, ACAO_A)], mode="same-origin")
sid = "console-same-origin-mode-redirect"
add(sid, "mode same-origin to A, A 302 to B", [resp(302, loc("B", sid, 1)), resp(200, ACAO_A)], mode="same-origin",
    origin="A")
sid = "console-redirect-mode-error"
add(sid, "redirect error, B 302 to C", [resp(302, ACAO_A, loc("C", sid, 1)), resp(200, ACAO_A)], redirect="error")
sid = "console-redirect-acao-missing"
add(sid, "B 302 to C without ACAO on the 302", [resp(302, loc("C", sid, 1)), resp(200, ["Access-Control-Allow-Origin", "*"])])
sid = "console-redirect-acao-mismatch"
add(sid, "B 302 to C, the 302's ACAO names C", [
    resp(302, ["Access-Control-Allow-Origin", "http://127.0.0.1:8803"], loc("C", sid, 1)),
    resp(200, ["Access-Control-Allow-Origin", "*"])])
sid = "console-redirect-final-acao-missing"
add(sid, "B 302 to C (ACAO A), C 200 without ACAO", [resp(302, ACAO_A, loc("C", sid, 1)), resp(200)])
sid = "console-redirect-final-acao-a"
add(sid, "B 302 to C (ACAO A), C answers ACAO A but the origin is now null", [
    resp(302, ACAO_A, loc("C", sid, 1)), resp(200, ACAO_A)])

# --- XHR
add("console-xhr-acao-missing", "XHR GET to B, 200 without ACAO", [resp(200)], api="xhr")
add("console-xhr-wildcard-credentials", "XHR withCredentials, ACAO *",
    [resp(200, ["Access-Control-Allow-Origin", "*"])], credentials="include", api="xhr")
add("console-xhr-acac-missing", "XHR withCredentials, ACAO A, no ACAC", [resp(200, ACAO_A)],
    credentials="include", api="xhr")
add("console-xhr-method-not-allowed", "XHR PUT to B, preflight ACAM POST", [resp(200, ACAO_A)],
    resp(204, ACAO_A, ["Access-Control-Allow-Methods", "POST"]), api="xhr", **PUT)
add("console-xhr-preflight-404", "XHR PUT to B, preflight 404", [resp(200, ACAO_A)], None, api="xhr", **PUT)
sid = "console-xhr-redirect-final-acao-missing"
add(sid, "XHR: B 302 to C (ACAO A), C 200 without ACAO", [resp(302, ACAO_A, loc("C", sid, 1)), resp(200)], api="xhr")
add("console-xhr-acao-mismatch", "XHR GET to B, ACAO names C (does Chromium's valid-value hint follow XHR?)",
    [resp(200, ["Access-Control-Allow-Origin", "http://127.0.0.1:8803"])], api="xhr")

# --- element and API initiators (format extension "Element and API initiators"), one step
# each from page A, built with gen_initiators.fetch_for so the fields are the initiator
# corpus's own. The wording names the resource kind ("Access to image at ...").
sys.dont_write_bytecode = True  # no __pycache__ next to the generator
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generate"))
from gen_initiators import fetch_for  # noqa: E402

C_ORIGIN = "http://127.0.0.1:8803"
INIT_CO_LABEL = {None: "none", "anonymous": "anon", "use-credentials": "usecred"}
INIT_ANSWERS = {
    "acao-missing": ([], "no ACAO"),
    "acao-mismatch": ([["Access-Control-Allow-Origin", C_ORIGIN]], "ACAO names C"),
    "wildcard-credentials": ([["Access-Control-Allow-Origin", "*"]], "ACAO *"),
    "acac-missing": ([ACAO_A], "ACAO A without ACAC"),
}


def add_init(api, co, answer, es_cred=False):
    label = ("withcred" if es_cred else "nocred") if api == "eventsource" else INIT_CO_LABEL[co]
    if api == "font":
        sid = f"console-init-font-{answer}"
    else:
        sid = f"console-init-{api}-{label}-{answer}"
    headers, what = INIT_ANSWERS[answer]
    f = fetch_for(api, "B", sid, co, es_cred=es_cred)
    attr = f", crossorigin={co!r}" if api in ("img", "script", "module", "stylesheet") else ""
    cred = f", withCredentials={str(es_cred).lower()}" if api == "eventsource" else ""
    SCENARIOS.append({
        "id": sid,
        "theme": api,
        "why": f"{api}{attr}{cred} from A to B, 200 with {what}",
        "steps": [{"fetch": f, "server": {"preflight": None, "hops": [resp(200, *headers)]}}],
    })


for api, co in (("img", "anonymous"), ("script", "anonymous"), ("module", None), ("stylesheet", "anonymous"),
                ("font", None), ("eventsource", None)):
    for answer in ("acao-missing", "acao-mismatch"):
        add_init(api, co, answer)
for api in ("img", "script"):
    for answer in ("wildcard-credentials", "acac-missing"):
        add_init(api, "use-credentials", answer)
for answer in ("wildcard-credentials", "acac-missing"):
    add_init("eventsource", None, answer, es_cred=True)
for api, co in (("img", "anonymous"), ("module", None)):
    sid = f"console-init-redirect-{api}-{INIT_CO_LABEL[co]}-a-to-b-acao-missing"
    f = fetch_for(api, "A", sid, co)
    SCENARIOS.append({
        "id": sid,
        "theme": "redirect",
        "why": f"{api}, crossorigin={co!r}: A 302 to B, B 200 without ACAO",
        "steps": [{"fetch": f, "server": {"preflight": None, "hops": [resp(302, loc("B", sid, 1)), resp(200)]}}],
    })
sid = "console-init-beacon-blob-json-preflight-acao-missing"
SCENARIOS.append({
    "id": sid,
    "theme": "beacon",
    "why": "sendBeacon with an application/json Blob to B (cors, preflighted); the preflight 200 has no ACAO",
    "steps": [{
        "fetch": {"url_origin": "B", "path": f"/s/{sid}/h0", "method": "POST", "headers": [],
                  "credentials": "include", "mode": "cors", "redirect": "follow", "body": "{}", "page": "A",
                  "api": "beacon", "beacon_type": "application/json"},
        "server": {"preflight": resp(200), "hops": [resp(200, ACAO_A, ["Access-Control-Allow-Credentials", "true"])]},
    }],
})


def text() -> str:
    return "".join(json.dumps(sc, separators=(",", ":")) + "\n" for sc in SCENARIOS)


def main() -> int:
    ids = [sc["id"] for sc in SCENARIOS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    if "--check" in sys.argv[1:]:
        return 0 if OUT.exists() and OUT.read_text(encoding="utf-8") == text() else 1
    OUT.write_text(text(), encoding="utf-8")
    print(f"wrote {OUT}: {len(SCENARIOS)} scenarios")
    return 0


if __name__ == "__main__":
    sys.exit(main())
