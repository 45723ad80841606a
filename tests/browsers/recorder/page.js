// Step runner shared by the page (context "A") and the sandboxed frame
// (context "opaque"). record.py inlines this file into both documents and
// defines CONTEXT before it. Plain ES2017, no modules, so every engine here
// runs it as is.
"use strict";

const ORIGIN_LETTERS = {
  "http://127.0.0.1:8801": "A",
  "http://127.0.0.1:8802": "B",
  "http://localhost:8802": "Bp",
  "http://127.0.0.1:8803": "C",
};
const LETTER_ORIGINS = {};
for (const o in ORIGIN_LETTERS) LETTER_ORIGINS[ORIGIN_LETTERS[o]] = o;

const TIMED_OUT = { timedOut: true };

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout(promise, ms) {
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function letterOf(url) {
  if (!url) return null;
  let origin;
  try {
    origin = new URL(url).origin;
  } catch (e) {
    return null;
  }
  return ORIGIN_LETTERS[origin] || origin;
}

function buildUrl(f) {
  const base = LETTER_ORIGINS[f.url_origin];
  if (!base) throw new Error("unknown url_origin " + f.url_origin);
  let url = base + (f.path || "/");
  if (f.userinfo) url = url.replace("http://", "http://" + f.userinfo + "@");
  return url;
}

function emptyPage(url, api) {
  return {
    url: url,
    outcome: null,
    phase: null,
    error_name: null,
    error_message: null,
    request: null,
    response: null,
    elapsed_ms: 0,
    context: CONTEXT,
    context_origin: String(self.origin),
    api: api,
  };
}

function errorFields(page, phase, e) {
  page.outcome = "error";
  page.phase = phase;
  page.error_name = e && e.name !== undefined ? String(e.name) : typeof e;
  page.error_message = e && e.message !== undefined ? String(e.message) : String(e);
}

function headerPairs(headers) {
  const out = [];
  for (const pair of headers) out.push([String(pair[0]), String(pair[1])]);
  return out;
}

function uniqueSorted(names) {
  return Array.from(new Set(names)).sort();
}

async function runFetch(f, timeoutMs) {
  let url = "";
  try {
    url = buildUrl(f);
  } catch (e) {
    const page = emptyPage(url, "fetch");
    page.outcome = "recorder_error";
    page.error_message = String(e);
    return page;
  }
  const page = emptyPage(url, "fetch");
  const init = {};
  for (const k of ["method", "headers", "credentials", "mode", "redirect", "cache"]) {
    if (f[k] !== undefined && f[k] !== null) init[k] = f[k];
  }
  if (f.body !== undefined && f.body !== null) init.body = f.body;

  let req;
  try {
    req = new Request(url, init);
  } catch (e) {
    errorFields(page, "construct", e);
    return page;
  }
  page.request = {
    method: req.method,
    mode: req.mode,
    credentials: req.credentials,
    redirect: req.redirect,
    headers: headerPairs(req.headers),
  };

  const t0 = performance.now();
  let resp;
  try {
    resp = await withTimeout(fetch(req), timeoutMs);
  } catch (e) {
    page.elapsed_ms = Math.round(performance.now() - t0);
    errorFields(page, "fetch", e);
    return page;
  }
  if (resp === TIMED_OUT) {
    page.elapsed_ms = Math.round(performance.now() - t0);
    page.outcome = "timeout";
    page.phase = "fetch";
    return page;
  }
  const headers = headerPairs(resp.headers);
  const r = {
    type: resp.type,
    status: resp.status,
    status_text: resp.statusText,
    ok: resp.ok,
    redirected: resp.redirected,
    url: resp.url,
    url_origin: letterOf(resp.url),
    header_names: uniqueSorted(headers.map((h) => h[0].toLowerCase())),
    headers: headers,
    body_read: false,
    body_len: null,
    body_head: null,
    body_error: null,
  };
  page.response = r;
  page.outcome = "ok";
  const left = Math.max(1000, timeoutMs - (performance.now() - t0));
  try {
    const text = await withTimeout(resp.text(), left);
    if (text === TIMED_OUT) {
      r.body_error = "timeout";
    } else {
      r.body_read = true;
      r.body_len = text.length;
      r.body_head = text.slice(0, 80);
    }
  } catch (e) {
    r.body_error = String(e && e.name) + ": " + String(e && e.message);
  }
  page.elapsed_ms = Math.round(performance.now() - t0);
  return page;
}

function normalizeMethod(m) {
  const up = String(m).toUpperCase();
  return ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].includes(up) ? up : String(m);
}

function parseAllResponseHeaders(text) {
  const headers = [];
  for (const line of String(text || "").split(/\r?\n/)) {
    if (!line) continue;
    const i = line.indexOf(":");
    if (i <= 0) continue;
    headers.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
  }
  return headers;
}

function runXhr(f, timeoutMs) {
  let url = "";
  try {
    url = buildUrl(f);
  } catch (e) {
    const page = emptyPage(url, "xhr");
    page.outcome = "recorder_error";
    page.error_message = String(e);
    return Promise.resolve(page);
  }
  const page = emptyPage(url, "xhr");
  const method = f.method === undefined || f.method === null ? "GET" : f.method;
  const request = {
    method: normalizeMethod(method),
    with_credentials: f.credentials === "include",
    upload_listener: !!f.xhr_upload_listener,
    headers_set: [],
  };
  page.request = request;
  const xhr = new XMLHttpRequest();
  try {
    xhr.open(method, url, true);
    for (const pair of f.headers || []) {
      xhr.setRequestHeader(pair[0], pair[1]);
      request.headers_set.push([String(pair[0]), String(pair[1])]);
    }
    xhr.withCredentials = request.with_credentials;
  } catch (e) {
    errorFields(page, "construct", e);
    return Promise.resolve(page);
  }
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      page.elapsed_ms = Math.round(performance.now() - t0);
      resolve(page);
    };
    xhr.onload = () => {
      if (xhr.status === 0) {
        page.outcome = "error";
        page.phase = "fetch";
        page.error_name = "load";
        page.error_message = "status 0";
        return finish();
      }
      const headers = parseAllResponseHeaders(xhr.getAllResponseHeaders());
      const text = xhr.responseText;
      page.outcome = "ok";
      page.response = {
        type: null,
        status: xhr.status,
        status_text: xhr.statusText,
        ok: xhr.status >= 200 && xhr.status <= 299,
        redirected: null,
        url: xhr.responseURL,
        url_origin: letterOf(xhr.responseURL),
        header_names: uniqueSorted(headers.map((h) => h[0])),
        headers: headers,
        body_read: true,
        body_len: text.length,
        body_head: text.slice(0, 80),
        body_error: null,
      };
      finish();
    };
    xhr.onerror = () => {
      page.outcome = "error";
      page.phase = "fetch";
      page.error_name = "error";
      page.error_message = "XMLHttpRequest error event";
      finish();
    };
    xhr.ontimeout = () => {
      page.outcome = "timeout";
      page.phase = "fetch";
      finish();
    };
    xhr.onabort = () => {
      page.outcome = "error";
      page.phase = "fetch";
      page.error_name = "abort";
      page.error_message = "XMLHttpRequest abort event";
      finish();
    };
    if (f.xhr_upload_listener) xhr.upload.addEventListener("progress", () => {});
    xhr.timeout = timeoutMs;
    try {
      xhr.send(f.body === undefined ? null : f.body);
    } catch (e) {
      errorFields(page, "fetch", e);
      finish();
    }
  });
}

// ---- element and API initiators (format extension)

const ELEMENT_APIS = ["img", "script", "module", "stylesheet"];

function initiatorPage(url, f) {
  const page = emptyPage(url, f.api);
  page.readable = null;
  page.readable_detail = null;
  page.detail = null;
  page.crossorigin = ELEMENT_APIS.includes(f.api) ? (f.crossorigin === undefined ? null : f.crossorigin) : null;
  return page;
}

// Waits for load/error on X, or the limit; resolves "load", "error" or TIMED_OUT.
function loadEvent(x, timeoutMs) {
  return withTimeout(
    new Promise((resolve) => {
      x.addEventListener("load", () => resolve("load"), { once: true });
      x.addEventListener("error", () => resolve("error"), { once: true });
    }),
    timeoutMs
  );
}

function elementVerdict(page, ev) {
  if (ev === TIMED_OUT) {
    page.outcome = "timeout";
    page.phase = "fetch";
    page.error_name = "timeout";
  } else if (ev === "error") {
    page.outcome = "error";
    page.phase = "fetch";
    page.error_name = "error";
  } else {
    page.outcome = "ok";
  }
}

function elementRequest(x, f) {
  return {
    element: x.tagName.toLowerCase() + (f.api === "module" ? "[type=module]" : ""),
    crossorigin_attr: x.getAttribute("crossorigin"),
    crossorigin_prop: x.crossOrigin === undefined ? null : x.crossOrigin,
  };
}

async function runImg(f, url, page, timeoutMs) {
  const x = new Image();
  if (f.crossorigin !== null && f.crossorigin !== undefined) x.crossOrigin = f.crossorigin;
  page.request = elementRequest(x, f);
  const done = loadEvent(x, timeoutMs);
  x.src = url;
  elementVerdict(page, await done);
  if (page.outcome !== "ok") return;
  const detail = { natural_width: x.naturalWidth, natural_height: x.naturalHeight };
  page.detail = detail;
  try {
    const c = document.createElement("canvas");
    c.width = 1;
    c.height = 1;
    const g = c.getContext("2d");
    g.drawImage(x, 0, 0);
    detail.pixel = Array.from(g.getImageData(0, 0, 1, 1).data);
    page.readable = true;
    page.readable_detail = "getImageData ok";
  } catch (e) {
    detail.canvas_error = String(e && e.name);
    page.readable = e && e.name === "SecurityError" ? false : null;
    page.readable_detail = "getImageData threw " + String(e && e.name);
  }
}

async function runScript(f, url, page, timeoutMs, ctx) {
  const reports = [];
  const saved = window.onerror;
  window.onerror = (message, filename, lineno, colno, error) => {
    reports.push({
      message: String(message),
      filename: filename === undefined ? null : String(filename),
      lineno: lineno === undefined ? null : lineno,
      colno: colno === undefined ? null : colno,
      error_object: error === undefined || error === null ? null : String(error),
    });
    return true;
  };
  const x = document.createElement("script");
  if (f.api === "module") x.type = "module";
  if (f.crossorigin !== null && f.crossorigin !== undefined) x.setAttribute("crossorigin", f.crossorigin);
  page.request = elementRequest(x, f);
  const done = loadEvent(x, timeoutMs);
  x.src = url;
  document.head.appendChild(x);
  const ev = await done;
  if (ev === "load" && f.api === "module") await sleep(0);
  // The error a classic script throws is reported after load in some engines; one turn more.
  if (ev === "load") await sleep(0);
  window.onerror = saved;
  x.remove();
  elementVerdict(page, ev);
  const mark = ctx.id + ":" + ctx.step + ":";
  const marks = (globalThis.__oracle_ran || []).filter((m) => m.startsWith(mark));
  page.detail = { ran: marks.length > 0, ran_marks: marks, onerror: reports };
  if (page.outcome !== "ok") return;
  if (f.api === "module") {
    page.readable = marks.length > 0;
    page.readable_detail = page.readable ? "module ran" : "module did not run";
  } else {
    const needle = "oracle-" + ctx.id;
    page.readable = reports.some((r) => r.message.includes(needle));
    page.readable_detail = "onerror: " + reports.map((r) => r.message).join(" | ");
  }
}

async function runStylesheet(f, url, page, timeoutMs) {
  const x = document.createElement("link");
  x.rel = "stylesheet";
  if (f.crossorigin !== null && f.crossorigin !== undefined) x.setAttribute("crossorigin", f.crossorigin);
  page.request = elementRequest(x, f);
  const done = loadEvent(x, timeoutMs);
  x.href = url;
  document.head.appendChild(x);
  const ev = await done;
  elementVerdict(page, ev);
  const detail = { sheet: !!x.sheet };
  page.detail = detail;
  if (page.outcome === "ok") {
    if (!x.sheet) {
      page.readable = null;
      page.readable_detail = "no sheet";
    } else {
      try {
        const rules = x.sheet.cssRules;
        if (rules === null || rules === undefined) {
          page.readable = false;
          page.readable_detail = "cssRules null";
        } else {
          detail.css_rules = rules.length;
          page.readable = true;
          page.readable_detail = "cssRules: " + rules.length + " rule(s)";
        }
      } catch (e) {
        detail.css_rules_error = String(e && e.name);
        page.readable = e && e.name === "SecurityError" ? false : null;
        page.readable_detail = "cssRules threw " + String(e && e.name);
      }
    }
  }
  x.remove();
}

async function runFont(f, url, page, timeoutMs, ctx) {
  const family = "f" + ctx.id + "-" + ctx.step;
  const source = 'url("' + url + '")';
  page.request = { family: family, source: source };
  let face;
  try {
    face = new FontFace(family, source);
  } catch (e) {
    errorFields(page, "construct", e);
    return;
  }
  let r;
  try {
    r = await withTimeout(face.load(), timeoutMs);
  } catch (e) {
    page.outcome = "error";
    page.phase = "fetch";
    page.error_name = e && e.name !== undefined ? String(e.name) : typeof e;
    page.error_message = e && e.message !== undefined ? String(e.message) : String(e);
    page.detail = { status: face.status };
    return;
  }
  if (r === TIMED_OUT) {
    page.outcome = "timeout";
    page.phase = "fetch";
    page.error_name = "timeout";
    page.detail = { status: face.status };
    return;
  }
  page.outcome = "ok";
  document.fonts.add(face);
  page.detail = { status: face.status, in_document_fonts: document.fonts.has(face) };
  document.fonts.delete(face);
}

async function runEventSource(f, url, page, timeoutMs) {
  let es;
  try {
    es = new EventSource(url, { withCredentials: f.credentials === "include" });
  } catch (e) {
    errorFields(page, "construct", e);
    return;
  }
  page.request = { with_credentials: es.withCredentials };
  const detail = { events: [], message_data: null, ready_state_at_end: null };
  page.detail = detail;
  const first = await withTimeout(
    new Promise((resolve) => {
      es.onopen = () => detail.events.push("open");
      es.onmessage = (ev) => {
        detail.events.push("message");
        if (detail.message_data === null) detail.message_data = String(ev.data);
        resolve("message");
      };
      es.onerror = () => {
        detail.events.push("error:" + es.readyState);
        resolve("error");
      };
    }),
    timeoutMs
  );
  detail.ready_state_at_end = es.readyState;
  es.close();
  if (first === TIMED_OUT) {
    page.outcome = "timeout";
    page.phase = "fetch";
    page.error_name = "timeout";
  } else if (first === "error") {
    page.outcome = "error";
    page.phase = "fetch";
    page.error_name = "error";
  } else {
    page.outcome = "ok";
  }
}

async function runBeacon(f, url, page) {
  let data;
  let request;
  if (f.beacon_type !== undefined) {
    data = new Blob([f.body === null || f.body === undefined ? "" : f.body], { type: f.beacon_type });
    request = { data: "blob", blob_type: data.type, body_len: data.size };
  } else if (f.body !== null && f.body !== undefined) {
    data = f.body;
    request = { data: "string", blob_type: null, body_len: f.body.length };
  } else {
    request = { data: "none", blob_type: null, body_len: 0 };
  }
  page.request = request;
  let ret;
  try {
    ret = data === undefined ? navigator.sendBeacon(url) : navigator.sendBeacon(url, data);
  } catch (e) {
    errorFields(page, "construct", e);
    await sleep(1000);
    return;
  }
  page.detail = { returned: ret };
  await sleep(1000);
  if (ret === true) {
    page.outcome = "ok";
  } else {
    page.outcome = "error";
    page.phase = "fetch";
    page.error_name = "returned false";
  }
}

async function runInitiator(f, timeoutMs, ctx) {
  let url = "";
  try {
    url = buildUrl(f);
  } catch (e) {
    const page = initiatorPage(url, f);
    page.outcome = "harness_error";
    page.error_message = String(e);
    return page;
  }
  const page = initiatorPage(url, f);
  const t0 = performance.now();
  if (f.api === "img") await runImg(f, url, page, timeoutMs);
  else if (f.api === "script" || f.api === "module") await runScript(f, url, page, timeoutMs, ctx);
  else if (f.api === "stylesheet") await runStylesheet(f, url, page, timeoutMs);
  else if (f.api === "font") await runFont(f, url, page, timeoutMs, ctx);
  else if (f.api === "eventsource") await runEventSource(f, url, page, timeoutMs);
  else await runBeacon(f, url, page);
  if (page.outcome !== "ok") page.readable = null;
  page.elapsed_ms = Math.round(performance.now() - t0);
  return page;
}

const INITIATOR_APIS = ["img", "script", "module", "stylesheet", "font", "eventsource", "beacon"];
// The format gives element and API steps an 8 s limit.
const INITIATOR_TIMEOUT_MS = 8000;

async function runStep(f, timeoutMs, ctx) {
  try {
    if (INITIATOR_APIS.includes(f.api)) {
      return await runInitiator(f, INITIATOR_TIMEOUT_MS, ctx || { id: "", step: 0 });
    }
    let page;
    if (f.api === "xhr") page = await runXhr(f, timeoutMs);
    else page = await runFetch(f, timeoutMs);
    page.readable = null;
    page.crossorigin = null;
    return page;
  } catch (e) {
    const page = emptyPage("", f.api || "fetch");
    page.outcome = "recorder_error";
    page.error_name = e && e.name ? String(e.name) : null;
    page.error_message = "runner bug: " + String(e && e.stack ? e.stack : e);
    return page;
  }
}
