// The page's glue: reads the inputs, has the WebAssembly module's C ABI (src/abi.rs) called
// in a worker (worker.js) and renders its JSON answer. No network use besides loading the
// page's own files.
'use strict';

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// --- The module -----------------------------------------------------------------------
//
// The page compiles the module once and hands it to a Web Worker (worker.js), which runs
// the analysis, so that a large HAR never freezes the page. A page opened from disk
// (file://) cannot start a worker in Chromium: there the analysis runs on the page's own
// thread, as before.

let compiled = null; // WebAssembly.Module
let worker = null; // the Worker, while it is usable
let workerReady = null; // a promise of the worker having instantiated the module
let wasmExports = null; // exports of a live instance on the page's thread (no worker)
let nextId = 1;
const pending = new Map(); // call id -> { resolve, reject }

function base64Bytes(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

// The base64 copy of the module (written by build.sh), loaded only when needed: a classic
// script loads from file://, where fetch() of the .wasm does not.
function loadBase64Copy() {
  return new Promise((resolve) => {
    const s = document.createElement('script');
    s.src = 'cors_explain_web.js';
    s.onload = () => resolve(window.CORS_EXPLAIN_WASM ? base64Bytes(window.CORS_EXPLAIN_WASM) : null);
    s.onerror = () => resolve(null);
    document.head.appendChild(s);
  });
}

async function loadModule() {
  // The .wasm beside the page when served; its base64 copy from file://.
  const served = location.protocol !== 'file:';
  let bytes;
  if (served) {
    const r = await fetch('cors_explain_web.wasm').catch(() => null);
    if (r && r.ok) bytes = await r.arrayBuffer();
  }
  if (!bytes) bytes = await loadBase64Copy();
  if (!bytes) throw new Error('cors_explain_web.wasm is missing');
  compiled = await WebAssembly.compile(bytes);
  if (served) await startWorker();
  if (!worker) await instantiateHere();
  document.body.dataset.runsIn = worker ? 'worker' : 'page';
}

function failAll(message) {
  for (const { reject } of pending.values()) reject(new Error(message));
  pending.clear();
}

function startWorker() {
  try {
    worker = new Worker('worker.js');
  } catch (err) {
    console.warn(`no worker (${err.message}): the analysis runs on the page's thread`);
    worker = null;
    return Promise.resolve();
  }
  workerReady = new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'ready') resolve();
      else if (msg.type === 'failed') reject(new Error(msg.error));
      else {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.type === 'answer') {
          // How long the worker took, for the page's test.
          document.body.dataset.analysisMs = Math.round(msg.ms);
          document.body.dataset.answeredAt = performance.now();
          p.resolve(JSON.parse(msg.answer));
        }
        else p.reject(new Error(msg.error));
      }
    };
    // A script error or a crash in the worker (out of memory, say): say so, and start a new
    // worker for the next input.
    worker.onerror = (event) => {
      event.preventDefault();
      const message = `the analysis worker failed: ${event.message || 'unknown error'}`;
      reject(new Error(message));
      failAll(message);
      worker.terminate();
      worker = null;
    };
    worker.onmessageerror = () => failAll('the analysis worker sent an unreadable answer');
  });
  worker.postMessage({ type: 'module', module: compiled });
  return workerReady;
}

async function instantiateHere() {
  // The module imports nothing: std on wasm32-unknown-unknown needs no host functions.
  const instance = await WebAssembly.instantiate(compiled, {});
  wasmExports = instance.exports;
}

// Calls one cx_explain_* function with each of `inputs` (byte arrays) as a (pointer,
// length) pair, then the numbers in `args`; returns the parsed JSON answer.
async function call(name, inputs, ...args) {
  if (document.body.dataset.runsIn === 'worker') {
    if (!worker) await startWorker();
    await workerReady;
    const id = nextId++;
    // Copies, moved to the worker: the page keeps its own bytes (to re-explain a HAR).
    const copies = inputs.map((b) => b.slice());
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'call', id, name, inputs: copies, args }, copies.map((c) => c.buffer));
    });
  }
  if (!wasmExports) await instantiateHere();
  const ex = wasmExports;
  const buffers = inputs.map((bytes) => {
    const ptr = ex.cx_alloc(bytes.length) >>> 0;
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  });
  let out;
  try {
    out = ex[name](...buffers.flat(), ...args) >>> 0;
  } catch (err) {
    // A trap (a bug in the analysis) leaves the instance unusable: start a new one next time.
    wasmExports = null;
    throw new Error(`the analysis stopped: ${err.message} (please report this input)`);
  }
  for (const [ptr, len] of buffers) ex.cx_free(ptr, len);
  // Memory may have grown during the call: take a fresh view.
  const n = new DataView(ex.memory.buffer).getUint32(out, true);
  const text = decoder.decode(new Uint8Array(ex.memory.buffer, out + 4, n));
  ex.cx_free_result(out);
  return JSON.parse(text);
}

// --- Small DOM helpers (text only: nothing from the input is parsed as HTML) ------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const STATUS_WORD = { pass: 'PASS', blocked: 'BLOCKED', incomplete: 'INCOMPLETE', invalid: 'INVALID' };

function badge(status) {
  return el('span', { class: `badge ${status}` }, STATUS_WORD[status] || status);
}

function field(name, ...value) {
  return [el('dt', {}, name), el('dd', {}, ...value)];
}

function headerBlock(fix) {
  const lines = [];
  if (fix.status) lines.push(`status ${fix.status}`);
  for (const [n, v] of fix.set_headers) lines.push(`${n}: ${v}`);
  return lines.length ? el('pre', { class: 'headers' }, lines.join('\n')) : null;
}

const TARGET = {
  'preflight-response': 'the OPTIONS preflight response',
  'redirect-response': 'the redirect response',
  response: 'the response',
  page: "the page's request",
};

function renderFix(fix, label) {
  return el('div', { class: 'fix' },
    el('p', {}, el('strong', {}, `${label} `), `on ${TARGET[fix.target] || fix.target}: `, fix.summary),
    headerBlock(fix),
    fix.also.length ? el('ul', { class: 'also' }, fix.also.map((a) => el('li', {}, a))) : null);
}

function renderFailure(fail) {
  return el('div', { class: 'failure' },
    el('p', { class: 'rule' }, el('strong', {}, 'Rule: '), fail.rule),
    el('p', { class: 'console-label' }, `Console (${fail.console_engine}):`),
    el('pre', { class: 'console' }, fail.console),
    el('p', { class: 'spec' }, `${fail.error} · `,
      el('a', { href: fail.spec, rel: 'noreferrer' }, 'the standard\'s step'),
      ` · to change: the ${fail.blame}`,
      fail.chromium_cors_error ? ` · Chromium: ${fail.chromium_cors_error}` : null),
    renderFix(fail.fix, 'Fix'),
    fail.further_fixes.map((f) => renderFix(f, 'Then')),
    el('p', { class: fail.fix_verified ? 'check ok' : 'check' }, fail.fix_check));
}

function wireLine(w) {
  const extra = [w.origin ? `Origin: ${w.origin}` : 'no Origin'];
  if (w.request_method) extra.push(`Access-Control-Request-Method: ${w.request_method}`);
  if (w.request_headers) extra.push(`Access-Control-Request-Headers: ${w.request_headers}`);
  if (w.credentials) extra.push('with cookies');
  let answer = w.status === null ? '(no response)' : String(w.status);
  if (w.source === 'assumed') answer += ' (not in the recording; assumed to pass)';
  return el('li', {}, el('code', {}, `${w.method} ${w.url}`), ` [${extra.join(', ')}] → ${answer}`);
}

function renderFetch(f) {
  const status = f.outcome.status;
  const dl = el('dl', {},
    field('request', `mode ${f.mode}, credentials ${f.credentials} (${f.credentials_source})`,
      f.request_headers.length ? `; headers: ${f.request_headers.join(', ')}` : ''),
    field('decision', `${f.decision}: ${f.decision_reason}`),
    f.wire.length ? field('wire', el('ul', { class: 'wire' }, f.wire.map(wireLine))) : null);
  const body = [dl];
  if (status === 'pass') {
    const o = f.outcome;
    const readable = o.response_type === 'opaque'
      ? 'The page can read nothing (opaque response).'
      : o.readable_headers.length
        ? `The page can read the body and the headers ${o.readable_headers.join(', ')}.`
        : 'The page can read the body, and no response headers.';
    body.push(el('p', { class: 'result' },
      `${o.response_type} response, status ${o.http_status}${o.redirected ? ', redirected' : ''}. ${readable}`));
  } else if (f.failure) {
    body.push(renderFailure(f.failure));
  } else {
    body.push(el('p', { class: 'result' }, f.outcome.reason || ''));
  }
  if (f.with_credentials) {
    body.push(el('div', { class: 'with-credentials' },
      el('p', {}, el('strong', {}, 'But with credentials '),
        "(fetch's credentials: 'include', XHR's withCredentials) the browser blocks it:"),
      renderFailure(f.with_credentials)));
  }
  if (f.browser_recorded) body.push(el('p', { class: 'browser' }, `The browser recorded the error ${f.browser_recorded}.`));
  body.push(el('table', { class: 'engines' },
    el('caption', {}, f.engines_differ ? 'The browsers disagree' : 'Every profile'),
    el('tr', {}, el('th', {}, 'profile'), el('th', {}, 'path'), el('th', {}, 'result'), el('th', {}, 'detail')),
    f.engines.map((e) => el('tr', {},
      el('td', {}, e.engine), el('td', {}, e.decision), el('td', {}, badge(e.status)),
      el('td', {}, e.console ? e.console.split('\n')[0] : (e.rule || e.error || ''))))));
  if (f.notes.length) body.push(el('ul', { class: 'notes' }, f.notes.map((n) => el('li', {}, n))));
  const entries = f.entries.length ? ` [entr${f.entries.length === 1 ? 'y' : 'ies'} ${f.entries.join(', ')}]` : '';
  return el('article', { class: `fetch ${status}`, 'data-status': status },
    el('h3', {}, badge(status), ' ', el('span', { class: 'num' }, `#${f.index}`), ' ',
      el('code', {}, `${f.method} ${f.url}`), el('span', { class: 'entries' }, entries)),
    body);
}

// Cards rendered at once; the rest follow in batches of this many, a task each, so that a
// report of a thousand fetches does not hold the page's thread for long.
const CHUNK = 100;

function renderReport(report, later) {
  const s = report.summary;
  const parts = [
    el('p', { class: 'meta' }, `Page origin ${report.page_origin} (from ${report.origin_source}). `,
      report.recorded_by ? `Recorded by ${report.recorded_by}; explained` : 'Explained',
      ` as ${report.profile} (${report.profile_source}).`),
    el('p', {
      id: 'summary', class: 'summary',
      'data-fetches': s.fetches, 'data-passed': s.passed, 'data-blocked': s.blocked,
      'data-incomplete': s.incomplete, 'data-skipped': s.skipped,
    },
    el('span', {}, `${s.fetches} fetch${s.fetches === 1 ? '' : 'es'}: `),
    el('span', { class: 'n pass' }, `${s.passed} pass`), ', ',
    el('span', { class: 'n blocked' }, `${s.blocked} blocked`), ', ',
    el('span', { class: 'n incomplete' }, `${s.incomplete} incomplete`),
    `; engines differ on ${s.engines_differ}`,
    report.input === 'har' ? `; ${s.skipped} entr${s.skipped === 1 ? 'y' : 'ies'} not replayed` : ''),
  ];
  if (report.input === 'har' && s.fetches === 0) {
    parts.push(el('p', { class: 'warn' },
      'No cross-origin fetch in this file. WebKit leaves failed requests out of its export: ',
      'paste its console message in the "Console message" tab instead.'));
  }
  const cards = el('div', { class: 'fetches' }, report.fetches.slice(0, CHUNK).map(renderFetch));
  if (report.fetches.length > CHUNK) {
    later.push(async (stillMine) => {
      for (let i = CHUNK; i < report.fetches.length; i += CHUNK) {
        await new Promise((r) => setTimeout(r, 0));
        if (!stillMine()) return;
        cards.append(...report.fetches.slice(i, i + CHUNK).map(renderFetch));
      }
    });
  }
  parts.push(cards);
  if (report.skipped.length) {
    parts.push(el('h3', {}, 'Not replayed'), el('ul', { class: 'skipped' }, report.skipped.map((k) =>
      el('li', {}, k.entry !== null ? `entry ${k.entry}: ` : '', el('code', {}, `${k.method} ${k.url}`), ` (${k.reason})`))));
  }
  return parts;
}

const ENGINE_NAME = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit', spec: 'the standard' };
// The command's words for the message's API (message.rs, Recognized::render).
const API_WORDS = {
  fetch: 'fetch()',
  xhr: 'XMLHttpRequest',
  'fetch or xhr': 'fetch() or XMLHttpRequest',
  any: 'any load (fetch(), XMLHttpRequest or an element\'s; the other engines\' words below are for fetch())',
};

function renderMessage(m) {
  const main = m.readings[0];
  const parts = [
    el('p', { class: 'meta' }, `Recognized: ${ENGINE_NAME[m.engine] || m.engine}'s wording, ${API_WORDS[m.api] || m.api}`,
      m.whole_message ? '' : ' (part of the message)'),
    el('article', { class: 'fetch blocked message', 'data-error': m.error },
      el('h3', {}, badge('blocked'), ' ', el('code', {}, m.error)),
      el('div', { class: 'failure' },
        el('p', { class: 'rule' }, el('strong', {}, 'Rule: '), m.rule),
        el('p', { class: 'spec' }, el('a', { href: m.spec, rel: 'noreferrer' }, 'the standard\'s step'),
          ` · to change: the ${main.blame}`,
          main.chromium_cors_error ? ` · Chromium: ${main.chromium_cors_error}` : null),
        renderFix(m.fix, 'Fix')),
      el('h4', {}, 'The same failure in each browser'),
      el('dl', { class: 'messages' }, Object.entries(main.messages).map(([engine, text]) =>
        field(ENGINE_NAME[engine] || engine, el('pre', { class: 'console' }, text))))),
  ];
  const values = Object.entries(m.values);
  if (values.length) {
    parts.push(el('h4', {}, 'Read from the message'),
      el('dl', { class: 'values' }, values.map(([k, v]) => field(k, el('code', {}, v)))));
  }
  if (m.readings.length > 1) {
    parts.push(el('h4', {}, 'Other readings of the same words'),
      el('ul', {}, m.readings.slice(1).map((r) => el('li', {}, el('code', {}, r.error), `: ${r.rule}. Fix: ${r.fix.summary}`))));
  }
  if (m.also_in_paste.length) parts.push(el('p', {}, `Also in the paste: ${m.also_in_paste.join('; ')}`));
  if (m.notes.length) parts.push(el('ul', { class: 'notes' }, m.notes.map((n) => el('li', {}, n))));
  return parts;
}

// Shows an answer; `stillMine` tells whether it is still the latest input's.
async function show(answer, stillMine = () => true) {
  const out = $('report');
  out.replaceChildren();
  out.dataset.kind = answer.kind;
  out.dataset.ok = answer.ok;
  if (!answer.ok) {
    out.append(el('p', { class: 'error', id: 'error' }, answer.error));
    setStatus('The input could not be read.');
    return;
  }
  out.dataset.exit = answer.exit;
  const later = [];
  out.append(...(answer.kind === 'message' ? renderMessage(answer.report) : renderReport(answer.report, later)).flat());
  const json = JSON.stringify(answer.report, null, 2);
  const download = el('a', {
    download: `cors-explain-${answer.kind}.json`,
    href: URL.createObjectURL(new Blob([json], { type: 'application/json' })),
  }, 'Save the JSON report');
  out.append(el('details', { class: 'text' },
    el('summary', {}, 'The text report (as the cors-explain command prints it, with this page\'s fields for its flags)'),
    el('pre', { id: 'text-report' }, answer.text), el('p', {}, download)));
  for (const rest of later) await rest(stillMine);
  if (stillMine()) setStatus('');
}

function setStatus(text) {
  $('status').textContent = text;
  $('status').hidden = !text;
}

let runs = 0; // the latest run: an answer to an earlier input is not shown over it

async function run(what) {
  const mine = ++runs;
  document.body.dataset.busy = 'true';
  document.body.dataset.startedAt = performance.now();
  setStatus('Working…');
  // Let the status paint first (the page's thread is busy only without a worker).
  await new Promise((r) => setTimeout(r, 0));
  try {
    const answer = await what();
    if (mine === runs) await show(answer, () => mine === runs);
  } catch (err) {
    if (mine === runs) {
      $('report').replaceChildren(el('p', { class: 'error', id: 'error' }, String(err.message || err)));
      $('report').dataset.ok = 'false';
      setStatus('');
    }
  } finally {
    if (mine === runs) {
      delete document.body.dataset.busy;
      document.body.dataset.shownAt = performance.now();
    }
  }
}

const profile = () => Number($('profile').value);

// --- Inputs ---------------------------------------------------------------------------

let lastHar = null;

async function explainHarBytes(bytes) {
  lastHar = bytes;
  const origin = encoder.encode($('har-origin').value.trim());
  await run(() => call('cx_explain_har', [bytes, origin], profile(), Number($('har-credentials').value)));
}

async function explainFile(file) {
  $('drop').querySelector('strong').textContent = file.name;
  $('drop-rest').textContent = '(drop or choose another file)';
  await explainHarBytes(new Uint8Array(await file.arrayBuffer()));
}

function explainMessage() {
  return run(() => call('cx_explain_message', [encoder.encode($('message-text').value)]));
}

function rawInput() {
  return {
    origin: $('raw-origin').value,
    url: $('raw-url').value,
    method: $('raw-method').value,
    headers: $('raw-headers').value.split('\n').filter((l) => l.trim()),
    credentials: $('raw-credentials').value,
    mode: $('raw-mode').value,
    api: $('raw-api').value,
    preflight: $('raw-preflight').value,
    response: $('raw-response').value,
  };
}

function explainRaw() {
  return run(() => call('cx_explain_raw', [encoder.encode(JSON.stringify(rawInput()))], profile()));
}

// The curl commands whose output raw mode wants, for the request as filled in so far.
function curlHint() {
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const i = rawInput();
  const origin = i.origin || 'https://app.example';
  const url = i.url || 'https://api.example/x';
  const method = (i.method || 'GET').toUpperCase();
  const names = i.headers.map((h) => h.split(':')[0].trim().toLowerCase()).filter(Boolean);
  const lines = [`curl -si -X OPTIONS ${q(url)} -H ${q(`Origin: ${origin}`)} -H ${q(`Access-Control-Request-Method: ${method}`)}` +
    (names.length ? ` -H ${q(`Access-Control-Request-Headers: ${names.join(',')}`)}` : '')];
  lines.push(`curl -si${method === 'GET' ? '' : ` -X ${method}`} ${q(url)} -H ${q(`Origin: ${origin}`)}` +
    i.headers.map((h) => ` -H ${q(h.trim())}`).join(''));
  $('curl-hint').textContent = lines.join('\n');
}

let current = 'har';

function selectTab(name) {
  current = name;
  for (const t of ['har', 'message', 'raw']) {
    $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
    $(`panel-${t}`).hidden = t !== name;
  }
}

function wire() {
  for (const t of ['har', 'message', 'raw']) $(`tab-${t}`).addEventListener('click', () => selectTab(t));
  $('har-file').addEventListener('change', (e) => { if (e.target.files[0]) explainFile(e.target.files[0]); });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files[0]) explainFile(e.dataTransfer.files[0]);
  });
  $('message-go').addEventListener('click', explainMessage);
  $('raw-go').addEventListener('click', explainRaw);
  for (const id of ['raw-origin', 'raw-url', 'raw-method', 'raw-headers']) $(id).addEventListener('input', curlHint);
  // A new profile or credentials choice re-explains what is shown.
  const again = () => {
    if (current === 'har' && lastHar) explainHarBytes(lastHar);
    else if (current === 'raw' && $('report').dataset.kind === 'raw') explainRaw();
  };
  $('profile').addEventListener('change', again);
  $('har-credentials').addEventListener('change', again);
  $('har-origin').addEventListener('change', again);
  curlHint();
}

wire();
loadModule().then(() => {
  setStatus('');
  document.body.dataset.ready = 'true';
}, (err) => {
  setStatus(`The analysis could not be loaded: ${err.message}. Build it with cors-explain-web/build.sh.`);
});
