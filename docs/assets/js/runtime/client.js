// One Pyodide worker per visit, shared by every tool on every page.
// Material's instant navigation keeps this module alive between pages, so the
// runtime loads once. Pages ask through `ask(fn, args)`; the newest request
// per channel wins, so a late reply never overwrites a newer answer. What the
// reader sees while it loads or when it fails is status.js's business.
//
// Pages whose front matter says `runtime: true` start the worker from
// early.js, first in <head>, and this module (loaded async) adopts it. The
// runtime's file names come from <meta name="pos-runtime">.

let worker = null;
let config = null;
// idle | loading {loaded, total} | starting | ready | failed {reason, message}
let status = { state: "idle" };
const statusListeners = new Set();
const pending = new Map();
let nextId = 0;
let readingListener = null;

function setStatus(next) {
  status = next;
  for (const listener of statusListeners) listener(status);
}

// What the worker needs to find the runtime: the <meta name="pos-runtime">
// (or `root`) data, as it is; worker.js turns it into URLs.
function readConfig(root) {
  const source = document.querySelector('meta[name="pos-runtime"]') || root;
  if (!source || !source.dataset.runtime) return null;
  return {
    data: { ...source.dataset },
    assets: new URL("../../", import.meta.url).href,
  };
}

function failWith(reason, message) {
  if (status.state === "failed") return;
  // A failed worker says nothing more: stop it, so a late progress message
  // cannot cover the failure, and free its memory for the retry.
  if (worker) worker.terminate();
  setStatus({ state: "failed", reason, message });
  for (const resolve of pending.values()) resolve({ error: { code: "runtime_failed" } });
  pending.clear();
}

/** Start the runtime (once). `root` may carry data-runtime/data-package. */
export function startRuntime(root) {
  if (worker) return;
  // Tool pages started the worker already, from early.js in <head>.
  const early = self.posEarlyRuntime;
  self.posEarlyRuntime = null;
  if (early) worker = early.worker;
  else {
    config = config || readConfig(root);
    if (!config) return;
    try {
      // Its start message is its name (see the end of worker.js).
      const name = JSON.stringify(config);
      worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name });
    } catch (error) {
      failWith("no-worker", String(error));
      return;
    }
  }
  const current = worker;
  worker.onmessage = (event) => {
    const message = event.data;
    if (current !== worker || status.state === "failed") return;
    if (message.type === "progress") {
      const done = message.loaded >= message.total;
      setStatus(done ? { state: "starting" } : { state: "loading", ...message });
    } else if (message.type === "ready") {
      // How the runtime started and whether a snapshot was kept (snapshot.js),
      // for tests and the bench; the reader sees no difference.
      document.documentElement.dataset.posRuntime = message.via;
      for (const [name, at] of message.marks || []) {
        performance.mark(`runtime-${name}`, { startTime: at - performance.timeOrigin });
      }
      setStatus({ state: "ready" });
    } else if (message.type === "snapshot") {
      document.documentElement.dataset.posSnapshot = message.state;
    } else if (message.type === "reading") readingListener?.(message.rows);
    else if (message.type === "failed") failWith(message.reason, message.message);
    else if (pending.has(message.id)) {
      pending.get(message.id)(message.reply);
      pending.delete(message.id);
    }
  };
  worker.onerror = (event) =>
    current === worker && failWith("no-worker", String(event.message || "worker error"));
  setStatus({ state: "loading", loaded: 0, total: 0 });
  if (early) {
    // What the worker said before this module was there, in order; the
    // handlers above replaced early.js's, so nothing is heard twice.
    for (const event of early.events) {
      if (event.type === "error") worker.onerror(event);
      else worker.onmessage(event);
    }
  }
}

/** Drop a failed worker and start again (the files already received are cached). */
export function retryRuntime(root) {
  if (worker) worker.terminate();
  worker = null;
  status = { state: "idle" };
  startRuntime(root);
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

/**
 * Hand a chosen file's bytes to the worker: the ArrayBuffer is transferred, not
 * copied or base64-encoded (it is empty here afterwards). Resolves with
 * {file, bytes, reader} or {error}; `file` then goes in the statement args.
 * `onReading(rows)` hears how far a big workbook's reading has got.
 */
export function sendFile(buffer, onReading = null) {
  if (status.state !== "ready") return Promise.reject(new Error("runtime not ready"));
  const id = ++nextId;
  readingListener = onReading;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ type: "file", id, buffer }, [buffer]);
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

/**
 * Typed input → at most one call per `wait` ms. The first keystroke after a
 * pause runs at once (no added delay); keystrokes inside the window collapse
 * into one trailing call with the newest input, so the last value always wins.
 */
export function debounced(fn, wait = 60) {
  let timer = null;
  let queued = false;
  const fire = () => {
    if (queued) {
      queued = false;
      fn();
      timer = setTimeout(fire, wait);
    } else timer = null;
  };
  return () => {
    if (timer) {
      queued = true;
      return;
    }
    fn();
    timer = setTimeout(fire, wait);
  };
}

// Early start on runtime pages (see overrides/main.html).
const earlyMeta = document.querySelector('meta[name="pos-runtime"][data-start="early"]');
if (earlyMeta) startRuntime(earlyMeta);
