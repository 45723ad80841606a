#!/usr/bin/env bash
# cors-explain-web in a real headless Chromium: builds the WebAssembly module (release),
# serves cors-explain-web/www on 127.0.0.1, and runs cors-explain-web/tests/page.mjs, which
# feeds the page a HAR, a console message, curl output and a generated ~20 MB HAR (analysed in
# the page's worker while the page stays responsive) and compares what it renders with the
# cors-explain command's own reports (whose flags the page names as its own controls). Installs what it needs (Debian's chromium, npm's
# playwright-core) on a fresh machine as root; screenshots go to the directory printed.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target_dir/web-test"
out="$(cd "$target_dir/web-test" && pwd)"

echo "== web page: tools"
if ! [ -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | head -n 1
# A no-op when the target is there already (it is on this project's machines).
rustup target add wasm32-unknown-unknown
if ! [ -f "$out/node_modules/playwright-core/package.json" ]; then
  npm install --silent --no-audit --no-fund --prefix "$out" playwright-core@1.65.1 >/dev/null
fi

echo "== web page: build the module"
bash cors-explain-web/build.sh

echo "== web page: the command's reports for the same inputs"
expected="$out/expected"
mkdir -p "$expected"
har=cors-explain/tests/data/har/chromium-cdp.har
har2=cors-explain/tests/data/har/firefox-netmonitor.har
har3=cors-explain/tests/data/exports/chromium-sanitized.har
message="Access to fetch at 'https://api.example/data' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
cargo build --quiet -p cors-explain
cli="$(cd "$target_dir" && pwd)/debug/cors-explain"
# Exit 1 (a blocked fetch) is what these inputs should give; 2 would be an input error.
run_cli() { local s=0; NO_COLOR=1 "$cli" "$@" || s=$?; [ "$s" -le 1 ] || { echo "cors-explain $* exited $s" >&2; exit 1; }; }
run_cli "$har" > "$expected/har.txt"
run_cli "$har" --json > "$expected/har.json"
run_cli "$har" --origin http://127.0.0.1:9999 > "$expected/har-origin.txt"
run_cli "$har2" > "$expected/har2.txt"
run_cli "$har2" --json > "$expected/har2.json"
run_cli "$har3" > "$expected/har3.txt"
run_cli "$har3" --json > "$expected/har3.json"
run_cli message "$message" > "$expected/message.txt"
run_cli message --json "$message" > "$expected/message.json"
# A big HAR (~22 MB): the recording's entries and 1000 more copies of its passing GET, each
# with a 20 kB response body, as devtools exports with content.
big="$out/big.har"
python3 - "$har" "$big" <<'PY'
import copy, json, sys
har = json.load(open(sys.argv[1]))
entries = har["log"]["entries"]
extra = []
for i in range(1000):
    e = copy.deepcopy(entries[1])
    e["request"]["url"] += f"?copy={i}"
    e["response"]["content"]["text"] = ("x" * 99 + "\n") * 200
    extra.append(e)
entries[2:2] = extra
json.dump(har, open(sys.argv[2], "w"))
PY
run_cli "$big" > "$expected/big.txt"
run_cli "$big" --json > "$expected/big.json"
printf 'HTTP/2 204\naccess-control-allow-origin: https://app.example\n\n' > "$expected/preflight.txt"
printf 'HTTP/2 200\naccess-control-allow-origin: https://app.example\ncontent-type: application/json\n\n' > "$expected/response.txt"
(cd "$expected" && run_cli raw --origin https://app.example --url https://api.example/items/1 --method PUT \
  --preflight-response preflight.txt --response response.txt > raw.txt)

echo "== web page: headless Chromium"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory cors-explain-web/www >"$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/index.html')" 2>/dev/null && break
  sleep 0.1
done
PLAYWRIGHT_DIR="$out" PAGE_URL="http://127.0.0.1:$port/index.html" OUT_DIR="$out" \
  EXPECTED_DIR="$expected" HAR="$PWD/$har" HAR2="$PWD/$har2" HAR3="$PWD/$har3" MESSAGE="$message" \
  WWW_DIR="$PWD/cors-explain-web/www" BIG_HAR="$big" BIG_HAR_BYTES="$(wc -c < "$big")" \
  timeout 240 node --test --test-reporter=spec cors-explain-web/tests/page.mjs
echo "screenshots: $out/har.png $out/message.png $out/raw.png $out/big.png $out/real-export.png"
echo "web page test took $(( $(date +%s) - started )) s"
