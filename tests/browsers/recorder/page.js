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

async function runStep(f, timeoutMs) {
  try {
    if (f.api === "xhr") return await runXhr(f, timeoutMs);
    return await runFetch(f, timeoutMs);
  } catch (e) {
    const page = emptyPage("", f.api === "xhr" ? "xhr" : "fetch");
    page.outcome = "recorder_error";
    page.error_name = e && e.name ? String(e.name) : null;
    page.error_message = "runner bug: " + String(e && e.stack ? e.stack : e);
    return page;
  }
}
