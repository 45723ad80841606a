// Driver of the recording page at A "/". It asks the recorder for the next
// step (/ctl/next), runs it here or in the sandboxed frame, and posts the
// page result (/ctl/result). record.py inlines page.js before this file.
"use strict";

async function ctl(path, body) {
  const init = { cache: "no-store" };
  if (body !== undefined) {
    init.method = "POST";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch("/ctl/" + path, init);
  return resp.json();
}

function log(msg) {
  ctl("log", { msg: String(msg) }).catch(() => {});
}

let frame = null;
let frameWaiters = {};
let frameReady = null;

window.addEventListener("message", (ev) => {
  if (!frame || ev.source !== frame.contentWindow) return;
  const data = ev.data || {};
  if (data.type === "ready" && frameReady) {
    frameReady();
    frameReady = null;
  } else if (data.type === "result" && frameWaiters[data.item]) {
    frameWaiters[data.item](data.page);
    delete frameWaiters[data.item];
  }
});

function dropFrame() {
  if (frame) frame.remove();
  frame = null;
  frameWaiters = {};
  frameReady = null;
}

async function makeFrame() {
  dropFrame();
  const f = document.createElement("iframe");
  f.setAttribute("sandbox", "allow-scripts");
  const ready = new Promise((resolve) => {
    frameReady = resolve;
  });
  frame = f;
  f.src = "/frame.html";
  document.body.appendChild(f);
  const r = await withTimeout(ready, 15000);
  if (r === TIMED_OUT) throw new Error("sandboxed frame did not load");
}

function jobCtx(job) {
  return { id: job.scenario_id, step: job.step_index };
}

async function runInFrame(job) {
  const result = new Promise((resolve) => {
    frameWaiters[job.item] = resolve;
  });
  frame.contentWindow.postMessage(
    { type: "run", item: job.item, fetch: job.fetch, timeout_ms: job.timeout_ms, ctx: jobCtx(job) },
    "*"
  );
  const page = await withTimeout(result, Math.max(job.timeout_ms, 8000) + 5000);
  if (page === TIMED_OUT) {
    const p = emptyPage("", job.fetch.api === "xhr" ? "xhr" : "fetch");
    p.context = "opaque";
    p.context_origin = "null";
    p.outcome = "timeout";
    p.error_message = "no answer from the sandboxed frame";
    return p;
  }
  return page;
}

async function main() {
  // A cookie for 127.0.0.1 (ports do not separate cookies), so credentialed
  // requests to A, B and C show whether cookies were attached.
  document.cookie = "fc_page=1; path=/";
  await ctl("hello", { user_agent: navigator.userAgent, origin: String(self.origin) });
  let scenarioIndex = -1;
  for (;;) {
    const job = await ctl("next");
    if (job.done) break;
    if (job.scenario_index !== scenarioIndex) {
      dropFrame();
      scenarioIndex = job.scenario_index;
    }
    let page;
    try {
      const opaque = job.fetch.page === "opaque";
      if (opaque && !frame) await makeFrame();
      if (job.sleep_before_ms) await sleep(job.sleep_before_ms);
      const begun = await ctl("begin?item=" + job.item, {});
      if (!begun.ok) continue;
      // record.py --console: console lines after this marker belong to this step.
      if (job.console_marker) console.log(job.console_marker);
      page = opaque ? await runInFrame(job) : await runStep(job.fetch, job.timeout_ms, jobCtx(job));
    } catch (e) {
      page = emptyPage("", job.fetch.api === "xhr" ? "xhr" : "fetch");
      page.outcome = "recorder_error";
      page.error_message = "driver: " + String(e && e.stack ? e.stack : e);
    }
    await ctl("result?item=" + job.item, page);
  }
  dropFrame();
  document.title = "done";
  await ctl("done", {});
}

window.addEventListener("error", (ev) => log("page error: " + ev.message));
main().catch((e) => log("driver crashed: " + (e && e.stack ? e.stack : e)));
