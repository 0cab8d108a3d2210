// One Pyodide worker per visit, shared by every tool on every page.
// Material's instant navigation keeps this module alive between pages, so the
// runtime loads once. Pages ask through `ask(fn, args)`; the newest request
// per channel wins, so a late reply never overwrites a newer answer.

let worker = null;
let status = { state: "idle" }; // idle | loading | ready | failed
const statusListeners = new Set();
const pending = new Map();
let nextId = 0;

function setStatus(next) {
  status = next;
  for (const listener of statusListeners) listener(status);
}

function assetsURL() {
  return new URL("../", import.meta.url);
}

/** Start the runtime (once). `root` carries data-runtime and data-package. */
export function startRuntime(root) {
  if (worker) return;
  const assets = assetsURL();
  const runtimeURL = new URL(`${root.dataset.runtime}/`, assets).href;
  const packageURL = new URL(`py/${root.dataset.package}`, assets).href;
  worker = new Worker(new URL("./py-worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === "ready") setStatus({ state: "ready" });
    else if (message.type === "failed") setStatus({ state: "failed", message: message.message });
    else if (pending.has(message.id)) {
      pending.get(message.id)(message.reply);
      pending.delete(message.id);
    }
  };
  worker.onerror = (event) => setStatus({ state: "failed", message: String(event.message) });
  setStatus({ state: "loading" });
  worker.postMessage({ type: "init", runtimeURL, packageURL });
}

/** Call status listeners now and on every change; returns an unsubscribe. */
export function onStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

/** Ask the worker; resolves with the api's plain reply (or {error}). */
export function ask(fn, args) {
  if (status.state !== "ready") return Promise.reject(new Error("runtime not ready"));
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, fn, args });
  });
}

/** A caller whose older replies are dropped once a newer request was sent. */
export function latestOnly() {
  let latest = 0;
  return async (fn, args) => {
    const ticket = ++latest;
    const reply = await ask(fn, args);
    return ticket === latest ? reply : null;
  };
}
