#!/usr/bin/env bash
# `cors-explain probe` against real CORS frameworks on 127.0.0.1, each in a buggy and a
# correct configuration (cors-explain/tests/servers/): Express with `cors`, Flask with
# Flask-CORS, FastAPI with Starlette's CORSMiddleware, and nginx with an add_header snippet.
# Installs what it needs on a fresh Debian machine as root, starts the servers, runs
# cors-explain/tests/probe_frameworks.rs with FETCH_CORS_FRAMEWORKS=1 (which makes a missing
# server a failure), and stops the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
servers=cors-explain/tests/servers
target_dir="${CARGO_TARGET_DIR:-target}"
work="$(mkdir -p "$target_dir/frameworks" && cd "$target_dir/frameworks" && pwd)"

echo "== frameworks: tools"
if ! command -v nginx >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
py_deps=("flask>=3,<4" "flask-cors>=4,<7" "fastapi>=0.110,<1" "uvicorn>=0.29,<1")
# A Debian system Python refuses plain pip installs (externally managed); a throwaway CI
# machine may override that.
python3 -m pip install -q --disable-pip-version-check "${py_deps[@]}" \
  || python3 -m pip install -q --disable-pip-version-check --break-system-packages "${py_deps[@]}"
cp "$servers/package.json" "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund >/dev/null)

echo "== frameworks: start the servers"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for mode_port in "buggy 9601" "correct 9602"; do
  set -- $mode_port
  NODE_PATH="$work/node_modules" node "$servers/express_app.js" "$1" "$2" >"$work/express-$1.log" 2>&1 &
  pids+=($!)
done
for mode_port in "buggy 9611" "correct 9612"; do
  set -- $mode_port
  python3 "$servers/flask_app.py" "$1" "$2" >"$work/flask-$1.log" 2>&1 &
  pids+=($!)
done
for mode_port in "buggy 9621" "correct 9622"; do
  set -- $mode_port
  python3 "$servers/fastapi_app.py" "$1" "$2" >"$work/fastapi-$1.log" 2>&1 &
  pids+=($!)
done
mkdir -p "$work/nginx/tmp"
nginx -p "$work/nginx" -c "$PWD/$servers/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
for port in 9601 9602 9611 9612 9621 9622 9631 9632; do
  for _ in $(seq 100); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
done

echo "== frameworks: cors-explain probe against each"
FETCH_CORS_FRAMEWORKS=1 cargo test --quiet -p cors-explain --test probe_frameworks -- --nocapture --test-threads 1
echo "frameworks took $(( $(date +%s) - started )) s"
