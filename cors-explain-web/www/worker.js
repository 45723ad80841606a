// The analysis off the page's thread: a classic Web Worker that instantiates the page's own
// WebAssembly module (compiled by app.js from cors_explain_web.wasm, or its base64 copy, and
// posted here) and answers one call at a time. It loads nothing and sends nothing anywhere:
// the only traffic is postMessage with the page that started it.
'use strict';

const decoder = new TextDecoder();
let compiled = null; // WebAssembly.Module, from the page
let wasmExports = null; // a live instance's exports

async function instantiate() {
  // The module imports nothing: std on wasm32-unknown-unknown needs no host functions.
  const instance = await WebAssembly.instantiate(compiled, {});
  wasmExports = instance.exports;
}

// Calls one cx_explain_* function with each of `inputs` (byte arrays) as a (pointer,
// length) pair, then the numbers in `args`; returns the answer's JSON text.
async function call(name, inputs, args) {
  if (!wasmExports) await instantiate();
  const ex = wasmExports;
  if (typeof ex[name] !== 'function') throw new Error(`the module has no function ${name}`);
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
  return text;
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === 'module') {
    compiled = msg.module;
    try {
      await instantiate();
      self.postMessage({ type: 'ready' });
    } catch (err) {
      self.postMessage({ type: 'failed', error: `the worker could not start the analysis: ${err.message || err}` });
    }
    return;
  }
  if (msg.type === 'call') {
    try {
      const started = performance.now();
      const answer = await call(msg.name, msg.inputs, msg.args);
      self.postMessage({ type: 'answer', id: msg.id, answer, ms: performance.now() - started });
    } catch (err) {
      self.postMessage({ type: 'error', id: msg.id, error: String(err.message || err) });
    }
  }
};
