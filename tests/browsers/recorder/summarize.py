#!/usr/bin/env python3
"""Print recorded observations compactly, one line per step and browser.

    python3 tests/browsers/recorder/summarize.py tests/browsers/observations/{chromium,firefox,webkit}.jsonl
    python3 tests/browsers/recorder/summarize.py --diff tests/browsers/observations/*.jsonl

Each line shows the outcome, response type/status, the readable header names
and the requests the server saw (kind@letter/hop method Origin ACRM ACRH).
--diff prints only the scenarios where the browsers disagree on those fields.
Python 3.11 standard library only.
"""

import argparse
import json
import sys


def load(path):
    out = {}
    order = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                o = json.loads(line)
                out[o["id"]] = o
                order.append(o["id"])
    return out, order


def step_line(st):
    page = st.get("page") or {}
    resp = page.get("response") or {}
    parts = [str(page.get("outcome"))]
    if page.get("outcome") == "ok":
        parts.append(f"{resp.get('type')}/{resp.get('status')}")
        parts.append("[" + ",".join(resp.get("header_names") or []) + "]")
    elif page.get("phase"):
        parts.append(f"({page.get('phase')})")
    reqs = []
    for r in sorted(st.get("server_requests") or [], key=lambda r: r["seq"]):
        s = f"{'P' if r['kind'] == 'preflight' else 'R'}@{r['origin_letter']}/h{r['hop']} {r['method']} O={r['origin']}"
        if r["acrm"] is not None:
            s += f" acrm={r['acrm']}"
        if r["acrh"] is not None:
            s += f" acrh={r['acrh']}"
        if r.get("cookie_present"):
            s += " cookie"
        reqs.append(s)
    return " ".join(parts) + "  " + (" | ".join(reqs) if reqs else "(no requests)")


def key(st):
    page = st.get("page") or {}
    resp = page.get("response") or {}
    reqs = tuple(
        (r["kind"], r["origin_letter"], r["hop"], r["method"], r["origin"], r["acrm"], r["acrh"])
        for r in sorted(st.get("server_requests") or [], key=lambda r: r["seq"])
    )
    return (page.get("outcome"), resp.get("type"), resp.get("status"), tuple(sorted(resp.get("header_names") or [])), reqs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--diff", action="store_true", help="only scenarios where the files disagree")
    args = ap.parse_args()
    data = []
    order = []
    for path in args.files:
        obs, o = load(path)
        name = next(iter(obs.values()))["browser"] if obs else path
        data.append((name, obs))
        for i in o:
            if i not in order:
                order.append(i)
    width = max(len(n) for n, _ in data)
    for sid in order:
        present = [(n, obs[sid]) for n, obs in data if sid in obs]
        nsteps = max(len(o["steps"]) for _, o in present)
        if args.diff:
            keys = {tuple(key(st) for st in o["steps"]) for _, o in present}
            if len(keys) <= 1:
                continue
        print(sid)
        for k in range(nsteps):
            for n, o in present:
                st = next((s for s in o["steps"] if s["step"] == k), None)
                flag = "" if o.get("complete") else " INCOMPLETE"
                print(f"  {k} {n:<{width}} " + (step_line(st) if st else "(step did not run)") + flag)
    return 0


if __name__ == "__main__":
    sys.exit(main())
