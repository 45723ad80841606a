#!/usr/bin/env python3
"""Score the crate's predictions against recorded observations, per engine.

    python3 tests/browsers/recorder/score.py --scenarios tests/browsers/holdout/scenarios/holdout.jsonl \\
        --observations tests/browsers/holdout/observations
    python3 tests/browsers/recorder/score.py --scenarios tests/browsers/scenarios/fidelity.jsonl \\
        --observations tests/browsers/observations --ids fidelity-

Runs the replay example (`examples/replay.rs`, the project's prediction tool) once per profile
(chromium, firefox, webkit) over the scenario files, and compares every step with
`<observations>/<browser>.jsonl` by the format's rule: same outcome; the same requests, field by
field (kind, origin letter, hop, method, Origin, ACRM, ACRH) in order; and for `ok` the same
response type, status and set of readable header names. It prints, per engine, the steps,
the agreeing steps and the percentage, then every disagreeing step grouped by what differs
(one line each: what the browser did vs what the profile predicts). Scenarios listed in
`<observations>/unstable-<browser>.txt` are counted separately and not scored.

The replay binary is `$CARGO_TARGET_DIR/release/examples/replay` (or `target/...`) when it
exists and is newer than the sources, else `cargo build --release --example replay` is run
first. `--replay PATH` names it explicitly. `--json FILE` also writes the results as JSON.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BROWSERS = ("chromium", "firefox", "webkit")
FIELDS = ("kind", "origin_letter", "hop", "method", "origin", "acrm", "acrh")


def replay_binary(explicit: str | None) -> str:
    if explicit:
        return explicit
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "examples" / "replay"
    sources = [ROOT / "examples" / "replay.rs", ROOT / "tests" / "replay" / "mod.rs", *sorted((ROOT / "src").rglob("*.rs"))]
    newest = max(p.stat().st_mtime for p in sources if p.exists())
    if not binary.exists() or binary.stat().st_mtime < newest:
        subprocess.run(["cargo", "build", "--release", "--example", "replay"], cwd=ROOT, check=True)
    return str(binary)


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def wire(r: dict) -> tuple:
    return tuple(r.get(f) for f in FIELDS)


def show(rs: list[tuple]) -> str:
    if not rs:
        return "(nothing sent)"
    out = []
    for kind, letter, hop, method, origin, acrm, acrh in rs:
        s = f"{'P' if kind == 'preflight' else 'R'}@{letter}/h{hop} {method} O={origin if origin is not None else '-'}"
        if acrm is not None:
            s += f" acrm={acrm}"
        if acrh is not None:
            s += f" acrh={acrh}"
        out.append(s)
    return " | ".join(out)


def credentials_differ(pred: dict, obs: dict) -> list[str]:
    """The format's optional `credentials` against `cookie_present`: only from page A to A, B
    and C (the recorder's cookie is on 127.0.0.1), and only when the requests match."""
    page = obs["page"] or {}
    pr, orq = pred["requests"], obs["server_requests"]
    if page.get("context", "A") != "A" or [wire(r) for r in pr] != [wire(r) for r in orq]:
        return []
    for p, o in zip(pr, orq):
        c, sent = p.get("credentials"), o.get("cookie_present")
        if c is not None and sent is not None and p.get("origin_letter") in ("A", "B", "C") and c != sent:
            return [f"credentials differ (browser {'sent' if sent else 'did not send'} a cookie)"]
    return []


def categories(pred: dict, obs: dict) -> list[str]:
    """Coarse labels for how a predicted step differs from an observed one."""
    out = []
    page = obs["page"] or {}
    if pred["outcome"] != page.get("outcome"):
        out.append(f"outcome: browser {page.get('outcome')}, profile {pred['outcome']}")
    pr = [wire(r) for r in pred["requests"]]
    orq = [wire(r) for r in obs["server_requests"]]
    if pr != orq:
        np_, no = sum(r[0] == "preflight" for r in pr), sum(r[0] == "preflight" for r in orq)
        if np_ != no:
            # which hosts the unmatched preflights went to: IP literal (A, B, C) or localhost (Bp)
            pp = Counter((r[1], r[2]) for r in pr if r[0] == "preflight")
            op = Counter((r[1], r[2]) for r in orq if r[0] == "preflight")
            extra = (op - pp) if no > np_ else (pp - op)
            hosts = sorted({"localhost" if letter == "Bp" else "127.0.0.1" for letter, _ in extra})
            where = f" (to {' and '.join(hosts)})" if hosts else ""
            out.append(("browser sends more preflights" if no > np_ else "browser sends fewer preflights") + where)
        elif len(pr) != len(orq):
            out.append("browser sends more requests" if len(orq) > len(pr) else "browser sends fewer requests")
        else:
            for i, name in enumerate(FIELDS):
                if any(a[i] != b[i] for a, b in zip(pr, orq)):
                    out.append(f"{name} differs")
    for name in credentials_differ(pred, obs):
        out.append(name)
    if pred["outcome"] == "ok" and page.get("outcome") == "ok" and pred.get("readable") != page.get("readable"):
        out.append("readable differs")
    if pred["outcome"] == "ok" and page.get("outcome") == "ok":
        p, o = pred.get("response") or {}, page.get("response") or {}
        if p.get("type") != o.get("type"):
            out.append(f"type: browser {o.get('type')}, profile {p.get('type')}")
        if p.get("status") != o.get("status"):
            out.append("status differs")
        if set(p.get("header_names") or []) != set(o.get("header_names") or []):
            out.append("readable header names differ")
    return out


def detail(pred: dict, obs: dict) -> str:
    page = obs["page"] or {}
    pr = [wire(r) for r in pred["requests"]]
    orq = [wire(r) for r in obs["server_requests"]]
    parts = []
    if pred["outcome"] != page.get("outcome"):
        parts.append(f"browser {page.get('outcome')} vs profile {pred['outcome']} ({pred.get('error') or '-'})")
    if pr != orq:
        parts.append(f"browser [{show(orq)}] vs profile [{show(pr)}]")
    if credentials_differ(pred, obs):
        sent = [o.get("cookie_present") for o in obs["server_requests"]]
        predicted = [p.get("credentials") for p in pred["requests"]]
        parts.append(f"cookies browser {sent} vs profile {predicted}")
    if pred["outcome"] == "ok" and page.get("outcome") == "ok" and pred.get("readable") != page.get("readable"):
        parts.append(f"readable browser {page.get('readable')} vs profile {pred.get('readable')}")
    if pred["outcome"] == "ok" and page.get("outcome") == "ok":
        p, o = pred.get("response") or {}, page.get("response") or {}
        if (p.get("type"), p.get("status")) != (o.get("type"), o.get("status")):
            parts.append(f"response browser {o.get('type')}/{o.get('status')} vs profile {p.get('type')}/{p.get('status')}")
        ph, oh = set(p.get("header_names") or []), set(o.get("header_names") or [])
        if ph != oh:
            parts.append(f"headers browser +{sorted(oh - ph)} -{sorted(ph - oh)}")
    return "; ".join(parts)


def unstable_ids(obs_dir: Path, browser: str) -> set[str]:
    path = obs_dir / f"unstable-{browser}.txt"
    if not path.exists():
        return set()
    return {line.split("\t", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", action="append", required=True, help="scenario file (repeatable)")
    ap.add_argument("--observations", required=True, help="directory with <browser>.jsonl and unstable-<browser>.txt")
    ap.add_argument("--browser", action="append", choices=BROWSERS)
    ap.add_argument("--ids", help="only scenario ids starting with this prefix")
    ap.add_argument("--replay", help="path of the replay binary")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--brief", action="store_true", help="totals and group sizes only")
    args = ap.parse_args()
    binary = replay_binary(args.replay)
    obs_dir = Path(args.observations)
    results = {}
    for browser in args.browser or BROWSERS:
        preds = {}
        for f in args.scenarios:
            out = subprocess.run([binary, "--profile", browser, f], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                if line.strip():
                    p = json.loads(line)
                    preds[p["id"]] = p
        obs_path = obs_dir / f"{browser}.jsonl"
        if not obs_path.exists():
            print(f"{browser}: no {obs_path}")
            continue
        observations = {o["id"]: o for o in load_jsonl(obs_path)}
        unstable = unstable_ids(obs_dir, browser)
        steps = agree = 0
        skipped_unstable, missing = [], []
        groups: OrderedDict[str, list[str]] = OrderedDict()
        for sid, pred in preds.items():
            if args.ids and not sid.startswith(args.ids):
                continue
            o = observations.get(sid)
            if o is None:
                missing.append(sid)
                continue
            if sid in unstable:
                skipped_unstable.append(sid)
                continue
            by_step = {s["step"]: s for s in o["steps"]}
            for ps in pred["steps"]:
                os_ = by_step.get(ps["step"])
                if os_ is None or os_.get("page") is None:
                    continue
                steps += 1
                cats = categories(ps, os_)
                if not cats:
                    agree += 1
                    continue
                groups.setdefault(" + ".join(cats), []).append(f"{sid} step {ps['step']}: {detail(ps, os_)}")
        version = next(iter(observations.values()))["browser_version"] if observations else "?"
        pct = 100.0 * agree / steps if steps else 0.0
        print(f"== {browser} ({version}): {steps} steps, {agree} agree ({pct:.1f}%), "
              f"{steps - agree} differ in {sum(len(set(x.split(' step ')[0] for x in v)) for v in groups.values())} scenario(s); "
              f"{len(skipped_unstable)} unstable scenario(s) not scored; {len(missing)} without observation")
        for label, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  -- {label}: {len(items)} step(s)")
            if not args.brief:
                for it in items:
                    print(f"     {it}")
        results[browser] = {"version": version, "steps": steps, "agree": agree, "percent": round(pct, 2),
                            "unstable": skipped_unstable, "missing": missing, "groups": groups}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
