// The page in a real headless Chromium (run by .ci/web.sh, which builds the module, serves
// www/ on 127.0.0.1 and writes the command's own reports for the same inputs): feeds it a
// HAR, a console message and curl output, and checks what it renders against the command.
//
// Environment: PLAYWRIGHT_DIR (where playwright-core is installed), PAGE_URL, OUT_DIR (for
// screenshots), EXPECTED_DIR (the command's outputs), HAR (the HAR file fed in), HAR2 (a
// second HAR, dropped onto the page), HAR3 (a real Chromium default export), MESSAGE (the console message fed in), WWW_DIR (the page's
// directory, opened from disk too), BIG_HAR and BIG_HAR_BYTES (a generated HAR of ~20 MB).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const require = createRequire(path.join(env('PLAYWRIGHT_DIR'), 'package.json'));
const { chromium } = require('playwright-core');

const PAGE_URL = env('PAGE_URL');
const OUT_DIR = env('OUT_DIR');
const EXPECTED = env('EXPECTED_DIR');
const expected = (name) => readFileSync(path.join(EXPECTED, name), 'utf8');
const expectedJson = (name) => JSON.parse(expected(name));

let browser;
let page;
const requests = [];
const problems = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(PAGE_URL);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
});

after(async () => {
  await browser?.close();
});

const shot = async (name, fullPage = true) => {
  const file = path.join(OUT_DIR, name);
  // Cards off screen are not painted (content-visibility: auto); a full-page shot paints them.
  if (fullPage) {
    await page.evaluate(() => document.querySelectorAll('article.fetch').forEach((a) => { a.style.contentVisibility = 'visible'; }));
  }
  await page.screenshot({ path: file, fullPage });
  console.log(`screenshot: ${file}`);
};

// The text report as the page shows it (its <details> block).
const textReport = () => page.$eval('#text-report', (e) => e.textContent);

// The command's flags: the page's report must name its own fields instead.
const FLAGS = ['--origin', '--credentials', '--profile', '--url', '--method', '--header', '--mode',
  '--api', '--preflight-response', '--response', '--json'];
const flagsIn = (text) => FLAGS.filter((f) => text.includes(f));

// The page's text report is the command's, line for line, except that where the command
// names a flag the page names one of its controls (in quotes) and no flag at all.
function assertSameReport(pageText, cliText) {
  assert.deepEqual(flagsIn(pageText), [], `no flag names on the page:\n${pageText}`);
  const p = pageText.split('\n');
  const c = cliText.split('\n');
  assert.equal(p.length, c.length, 'as many lines as the command prints');
  let renamed = 0;
  for (let i = 0; i < c.length; i++) {
    if (flagsIn(c[i]).length === 0) {
      assert.equal(p[i], c[i], `line ${i + 1}`);
    } else {
      assert.notEqual(p[i], c[i]);
      assert.match(p[i], /"[A-Z][^"]*"/, `line ${i + 1} names a control of the page: ${p[i]}`);
      renamed++;
    }
  }
  return renamed;
}

test('the page says that nothing leaves it', async () => {
  const privacy = await page.textContent('#privacy');
  assert.match(privacy, /Nothing leaves this page/);
  assert.match(privacy, /cookies/);
});

test('a chosen HAR file: the summary, the blocked fetch, its rule and fix, as the command says', async () => {
  await page.setInputFiles('#har-file', env('HAR'));
  await page.waitForSelector('#summary');
  const cli = expectedJson('har.json');
  const summary = await page.$eval('#summary', (e) => ({ ...e.dataset }));
  assert.equal(Number(summary.blocked), cli.summary.blocked);
  assert.equal(Number(summary.passed), cli.summary.passed);
  assert.equal(Number(summary.fetches), cli.summary.fetches);
  assert.ok(cli.summary.blocked > 0, 'the fixture holds blocked fetches');
  const shown = await page.$$eval('article.fetch[data-status="blocked"]', (a) => a.length);
  assert.equal(shown, cli.summary.blocked);
  // The recording's PUT without Access-Control-Allow-Methods: Chromium's words and the fix.
  const put = page.locator('article.fetch', { hasText: 'PUT ' }).first();
  assert.equal(await put.getAttribute('data-status'), 'blocked');
  const putText = await put.textContent();
  assert.match(putText, /Method PUT is not allowed by Access-Control-Allow-Methods in preflight response\./);
  assert.match(putText, /method PUT is not listed in 'Access-Control-Allow-Methods'/);
  assert.match(await put.locator('pre.headers').first().textContent(), /^Access-Control-Allow-Methods: PUT$/m);
  // Every blocked fetch's rule and fix header as the command's JSON has them.
  for (const f of cli.fetches.filter((x) => x.outcome.status === 'blocked')) {
    const card = page.locator(`article.fetch:has(h3 .num:text-is("#${f.index}"))`);
    const text = await card.textContent();
    assert.ok(text.includes(f.failure.rule), `#${f.index} shows its rule`);
    assert.ok(text.includes(f.failure.console), `#${f.index} shows its console message`);
    for (const [n, v] of f.failure.fix.set_headers) assert.ok(text.includes(`${n}: ${v}`), `#${f.index} fix ${n}`);
  }
  // The whole text report is the command's, its flags named as the page's controls.
  assertSameReport(await textReport(), expected('har.txt'));
  assert.equal(await page.$eval('body', (b) => b.dataset.runsIn), 'worker', 'the analysis runs in a worker');
  await shot('har.png');
});

test('another profile re-explains the same file in its words', async () => {
  await page.selectOption('#profile', '2');
  await page.waitForFunction(() => document.querySelector('.meta')?.textContent.includes('explained as firefox'));
  const put = page.locator('article.fetch', { hasText: 'PUT ' }).first();
  assert.match(await put.textContent(), /Cross-Origin Request Blocked/);
  await page.selectOption('#profile', '0');
  await page.waitForFunction(() => document.querySelector('.meta')?.textContent.includes('explained as chromium'));
});

test('a page origin typed in replaces the recording\'s, as --origin does', async () => {
  await page.fill('#har-origin', 'http://127.0.0.1:9999');
  await page.dispatchEvent('#har-origin', 'change');
  await page.waitForFunction(() => document.getElementById('text-report')?.textContent.startsWith('Page origin: http://127.0.0.1:9999 '), null, { timeout: 15000 });
  assert.match(await page.textContent('.meta'), /^Page origin http:\/\/127\.0\.0\.1:9999 /);
  const text = await textReport();
  // The command says "(from --origin)"; the page names its field.
  assert.ok(expected('har-origin.txt').startsWith('Page origin: http://127.0.0.1:9999 (from --origin)\n'));
  assert.ok(text.startsWith('Page origin: http://127.0.0.1:9999 (from "Page origin, if the file does not tell")\n'), text);
  assert.ok(assertSameReport(text, expected('har-origin.txt')) >= 1);
  await page.fill('#har-origin', '');
  await page.dispatchEvent('#har-origin', 'change');
  await page.waitForFunction(() => document.getElementById('text-report')?.textContent.startsWith('Page origin: http://127.0.0.1:8821 '), null, { timeout: 15000 });
  assertSameReport(await textReport(), expected('har.txt'));
});

test('a HAR dropped onto the page is explained as the command does', async () => {
  const name = path.basename(env('HAR2'));
  const content = readFileSync(env('HAR2'), 'utf8');
  await page.evaluate(([n, c]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([c], n, { type: 'application/json' }));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, content]);
  await page.waitForFunction((n) => document.querySelector('#drop strong')?.textContent === n, name);
  const cli = expectedJson('har2.json');
  await page.waitForFunction((n) => document.getElementById('summary')?.dataset.fetches === String(n) &&
    !document.body.dataset.busy, cli.summary.fetches, { timeout: 15000 });
  assertSameReport(await textReport(), expected('har2.txt'));
  assert.equal(Number(await page.$eval('#summary', (e) => e.dataset.blocked)), cli.summary.blocked);
});

test('a pasted console message: the rule, the fix and the other browsers\' words', async () => {
  await page.click('#tab-message');
  await page.fill('#message-text', env('MESSAGE'));
  await page.click('#message-go');
  await page.waitForSelector('article.message');
  const cli = expectedJson('message.json');
  const card = page.locator('article.message');
  assert.equal(await card.getAttribute('data-error'), cli.error);
  assert.equal(cli.error, 'MissingAllowOrigin');
  const text = await card.textContent();
  assert.ok(text.includes(cli.rule));
  assert.match(await card.locator('pre.headers').textContent(), /^Access-Control-Allow-Origin: https:\/\/app\.example$/m);
  assert.ok(text.includes(cli.readings[0].messages.firefox), 'Firefox wording shown');
  assert.match(text, /CORS header ‘Access-Control-Allow-Origin’ missing/);
  assert.ok(text.includes(cli.readings[0].messages.webkit), 'WebKit wording shown');
  assertSameReport(await textReport(), expected('message.txt'));
  await shot('message.png');
});

test('WebKit\'s reason line alone: read for any load, the other engines\' words for fetch()', async () => {
  await page.fill('#message-text', 'Preflight response is not successful. Status code: 401');
  await page.click('#message-go');
  await page.waitForSelector('article.message[data-error="PreflightInvalidStatus"]');
  const meta = await page.textContent('#report .meta');
  assert.match(meta, /WebKit's wording, any load \(fetch\(\), XMLHttpRequest or an element's/);
  assert.match(await page.textContent('article.message'), /Access to fetch at '<url>'/);
});

test('a message the tool does not know is said to be unknown', async () => {
  await page.fill('#message-text', 'Uncaught TypeError: x is undefined');
  await page.click('#message-go');
  await page.waitForSelector('#error');
  assert.equal(await page.$eval('#report', (e) => e.dataset.ok), 'false');
});

test('curl -i output: a PUT whose preflight lacks Allow-Methods is blocked, with the fix', async () => {
  await page.click('#tab-raw');
  await page.fill('#raw-origin', 'https://app.example');
  await page.fill('#raw-url', 'https://api.example/items/1');
  await page.fill('#raw-method', 'PUT');
  assert.match(await page.textContent('#curl-hint'), /-H 'Origin: https:\/\/app\.example' -H 'Access-Control-Request-Method: PUT'/);
  await page.fill('#raw-preflight', 'HTTP/2 204\naccess-control-allow-origin: https://app.example\n\n');
  await page.fill('#raw-response', 'HTTP/2 200\naccess-control-allow-origin: https://app.example\ncontent-type: application/json\n\n');
  await page.click('#raw-go');
  await page.waitForSelector('#summary');
  assert.equal(await page.$eval('#summary', (e) => e.dataset.blocked), '1');
  const card = page.locator('article.fetch').first();
  assert.match(await card.textContent(), /Method PUT is not allowed by Access-Control-Allow-Methods/);
  assert.match(await card.locator('pre.headers').first().textContent(), /^Access-Control-Allow-Methods: PUT$/m);
  const text = await textReport();
  assertSameReport(text, expected('raw.txt'));
  assert.ok(expected('raw.txt').includes('the default of fetch(); --credentials to change it'));
  assert.ok(text.includes('the default of fetch(); "Credentials" to change it'), text);
  await shot('raw.png');
});

test('curl -i output without the preflight\'s answer: the advice names the page\'s field, not a flag', async () => {
  await page.fill('#raw-preflight', '');
  await page.click('#raw-go');
  await page.waitForFunction(() => document.getElementById('text-report')?.textContent.includes('preflight') &&
    !document.body.dataset.busy && document.getElementById('summary')?.dataset.incomplete === '1');
  const text = await textReport();
  assert.deepEqual(flagsIn(text), [], text);
  assert.match(text, /"The preflight's answer"/);
  // The cards show the same advice.
  assert.deepEqual(flagsIn(await page.textContent('#report')), []);
});

test('an error in the worker is shown, not swallowed', async () => {
  await page.evaluate(() => run(() => call('cx_no_such_function', [])));
  await page.waitForSelector('#error');
  assert.match(await page.textContent('#error'), /the module has no function cx_no_such_function/);
  assert.equal(await page.$eval('#report', (e) => e.dataset.ok), 'false');
});

test('a big HAR (~20 MB) is explained in the worker while the page stays responsive', async () => {
  await page.click('#tab-har');
  const cli = expectedJson('big.json');
  // Timer ticks (every 10 ms) and animation frames, with their times, while the worker works.
  await page.evaluate(() => {
    const p = { ticks: [], frames: [], on: true };
    window.probe = p;
    const frame = (t) => { if (!p.on) return; p.frames.push(performance.now()); requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    p.timer = setInterval(() => p.ticks.push(performance.now()), 10);
  });
  await page.setInputFiles('#har-file', env('BIG_HAR'));
  await page.waitForFunction(() => document.body.dataset.busy === 'true');
  assert.equal(await page.textContent('#status'), 'Working…');
  await page.waitForFunction((n) => !document.body.dataset.busy && document.getElementById('summary')?.dataset.fetches === String(n),
    cli.summary.fetches, { timeout: 120000, polling: 50 });
  await page.waitForTimeout(300);
  const r = await page.evaluate(() => {
    const p = window.probe;
    p.on = false;
    clearInterval(p.timer);
    const d = document.body.dataset;
    const [start, answered, shown] = [Number(d.startedAt), Number(d.answeredAt), Number(d.shownAt)];
    // The longest stretch without a tick, from the run's start until the worker answered.
    const gap = (from, to) => {
      const within = [from, ...p.ticks.filter((t) => t > from && t < to), to];
      let g = 0;
      for (let i = 1; i < within.length; i++) g = Math.max(g, within[i] - within[i - 1]);
      return g;
    };
    // The last tick after the report was shown: the end of its layout and paint.
    const after = p.ticks.find((t) => t > shown) ?? performance.now();
    return {
      analysisMs: Number(d.analysisMs), waitMs: answered - start, renderMs: shown - answered,
      maxGap: gap(start, answered), renderGap: gap(answered, after),
      ticks: p.ticks.filter((t) => t > start && t < answered).length,
      frames: p.frames.filter((t) => t > start && t < answered).length,
    };
  });
  console.log(`big HAR: ${(Number(env('BIG_HAR_BYTES')) / 1e6).toFixed(1)} MB, ${cli.summary.fetches} fetches: ` +
    `answered ${r.waitMs.toFixed(0)} ms after the input (${r.analysisMs} ms of analysis in the worker), ` +
    `${r.ticks} timer ticks and ${r.frames} frames meanwhile, longest gap ${r.maxGap.toFixed(0)} ms; ` +
    `rendering the report on the page took ${r.renderMs.toFixed(0)} ms, its longest gap ${r.renderGap.toFixed(0)} ms`);
  assert.equal(Number(await page.$eval('#summary', (e) => e.dataset.blocked)), cli.summary.blocked);
  assert.equal(await page.$$eval('article.fetch', (a) => a.length), cli.summary.fetches);
  assertSameReport(await textReport(), expected('big.txt'));
  // The analysis is long enough to matter, and the page's thread kept running through it:
  // on that thread it would have been one gap of at least analysisMs.
  assert.ok(r.analysisMs >= 100, `the analysis took ${r.analysisMs} ms: too short to show anything`);
  assert.ok(r.maxGap < r.analysisMs / 2, `longest gap ${r.maxGap} ms against ${r.analysisMs} ms of analysis`);
  assert.ok(r.ticks >= r.waitMs / 40, `timer ticks kept coming: ${JSON.stringify(r)}`);
  assert.ok(r.frames >= r.waitMs / 100, `frames kept coming: ${JSON.stringify(r)}`);
  // The thousand cards go in batches and are laid out as they scroll into view: no long
  // freeze after the answer either (at once and in full, it was about a second).
  assert.ok(r.renderGap < 400, `longest gap while the report was shown: ${r.renderGap} ms`);
  await shot('big.png', false);
});

test('opened straight from disk (file://), the page works without any server', async () => {
  const local = await browser.newPage();
  const errors = [];
  local.on('pageerror', (e) => errors.push(e.message));
  await local.goto(pathToFileURL(path.join(env('WWW_DIR'), 'index.html')).href);
  await local.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  await local.click('#tab-message');
  await local.fill('#message-text', env('MESSAGE'));
  await local.click('#message-go');
  await local.waitForSelector('article.message');
  assert.equal(await local.locator('article.message').getAttribute('data-error'), 'MissingAllowOrigin');
  // Chromium starts no worker for a file:// page: the analysis runs on the page's thread.
  assert.equal(await local.$eval('body', (b) => b.dataset.runsIn), 'page');
  assert.deepEqual(errors, []);
  await local.close();
});

test('a real Chromium default export: every blocked fetch blocked, in Chromium\'s words, as the command says', async () => {
  // DevTools' own sanitized export (no Cookie, no Authorization) of the ten situations.
  await page.setInputFiles('#har-file', env('HAR3'));
  const cli = expectedJson('har3.json');
  await page.waitForFunction((n) => document.getElementById('summary')?.dataset.fetches === String(n) &&
    document.getElementById('text-report')?.textContent.includes('s10-localhost') &&
    !document.body.dataset.busy, cli.summary.fetches, { timeout: 15000 });
  assert.equal(cli.summary.blocked, 8);
  assert.equal(Number(await page.$eval('#summary', (e) => e.dataset.blocked)), 8);
  for (const f of cli.fetches.filter((x) => x.outcome.status === 'blocked')) {
    const card = page.locator(`article.fetch:has(h3 .num:text-is("#${f.index}"))`);
    assert.equal(await card.getAttribute('data-status'), 'blocked', `#${f.index}`);
    assert.ok((await card.textContent()).includes(f.failure.console), `#${f.index} shows Chromium's line`);
  }
  assertSameReport(await textReport(), expected('har3.txt'));
  await shot('real-export.png');
});

test('nothing was requested but the page\'s own files, and nothing went wrong', async () => {
  const origin = new URL(PAGE_URL).origin;
  const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  // Served over http, the page fetches the .wasm and never loads its 3 MB base64 copy.
  assert.ok(requests.some((u) => u.endsWith('/cors_explain_web.wasm')), 'the .wasm was fetched');
  assert.deepEqual(requests.filter((u) => u.endsWith('/cors_explain_web.js')), []);
  assert.deepEqual(problems, []);
});
