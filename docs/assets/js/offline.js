// The page's side of the service worker (sw.js at the site root): register
// it once the page is idle, keep the tools for offline use once a tool page
// ran them or the reader chose 离线也能用, and switch to a new deploy on the
// next navigation, never in the middle of a page. Markup and words live in
// overrides/partials/offline.html; this module only shows and hides them.

const ROOT = new URL("../../", import.meta.url);
const supported = "serviceWorker" in navigator && window.isSecureContext;
let registration = null;
let switching = false;
let lastCheck = 0;

/** Ask the active service worker something; resolves with its reply or null. */
function askWorker(type) {
  const target = registration && registration.active;
  if (!target) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    target.postMessage({ type }, [channel.port2]);
  });
}

function show(name, state) {
  for (const el of document.querySelectorAll(`[data-${name}]`)) el.hidden = false;
  for (const el of document.querySelectorAll(`[data-${name}-state]`)) {
    el.hidden = el.dataset[`${name}State`] !== state;
  }
}

function updateWaiting() {
  return Boolean(registration && registration.waiting && navigator.serviceWorker.controller);
}

async function refreshOffline() {
  const status = await askWorker("status");
  if (!status) return;
  show("offline", status.runtime ? "ready" : "offer");
}

async function keepRuntime() {
  show("offline", "busy");
  const reply = await askWorker("cache-runtime");
  show("offline", reply && reply.runtime ? "ready" : "failed");
  if (reply && reply.prime && reply.prime.length) prime(reply.prime);
}

// The browser keeps a script's compiled code beside its copy in the service
// worker's store only once the script has been compiled from that copy. So
// right after the runtime is stored, a throwaway worker imports Pyodide's
// JavaScript from there (nothing runs: importing only defines functions), and
// the next visit's worker skips ~100 ms of compiling (make bench: the step
// "pyodide-js"). Only from a controlled page: otherwise the import would
// compile the HTTP cache's copy.
function prime(urls) {
  if (!navigator.serviceWorker.controller) return;
  try {
    const worker = new Worker(new URL("assets/js/runtime/prime.js", ROOT), {
      type: "module",
      name: JSON.stringify(urls),
    });
    worker.onmessage = worker.onerror = () => worker.terminate();
  } catch {
    // Only a missed speed-up.
  }
}

/** An internal link followed while a new version waits: activate it, then load. */
function onClick(event) {
  if (!updateWaiting() || switching || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest && event.target.closest("a[href]");
  if (!link || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href, location.href);
  if (!url.href.startsWith(ROOT.href)) return;
  // Before Material's instant navigation sees the click: a full load, so the
  // next page comes whole from the new version.
  event.preventDefault();
  event.stopImmediatePropagation();
  switching = true;
  navigator.serviceWorker.addEventListener("controllerchange", () => location.assign(url.href));
  registration.waiting.postMessage({ type: "activate" });
}

function watchUpdates() {
  const notify = () => updateWaiting() && show("update", "ready");
  notify();
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    if (incoming) incoming.addEventListener("statechange", notify);
  });
  // Another tab activated a new version: this page's files may now be gone
  // from the cache, so its next navigation loads a whole page too. (The very
  // first install taking over an uncontrolled page is no such change.)
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (controlled && !switching) document.addEventListener("click", fullLoad, true);
    controlled = true;
  });
}

function fullLoad(event) {
  const link = event.target.closest && event.target.closest("a[href]");
  if (!link || link.target || !link.href.startsWith(ROOT.href)) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  location.assign(link.href);
}

async function register() {
  try {
    registration = await navigator.serviceWorker.register(new URL("sw.js", ROOT), {
      scope: ROOT.href,
      updateViaCache: "none",
    });
  } catch {
    return; // Storage disabled or a browser without it: the site works online.
  }
  await navigator.serviceWorker.ready;
  watchUpdates();
  document.addEventListener("click", onClick, true);
  await refreshOffline();
  if (toolOnPage()) await keepRuntime();
}

function toolOnPage() {
  return Boolean(document.querySelector("#fees-tool, #walker-tool, #statement-tool"));
}

function whenIdle(callback) {
  const later = () =>
    window.requestIdleCallback ? requestIdleCallback(callback, { timeout: 3000 }) : callback();
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later, { once: true });
}

/** Called by main.js on every page shown (first load and instant navigation). */
export function onPage(runtimeReady) {
  if (!supported) return;
  for (const button of document.querySelectorAll("[data-offline-get]")) {
    button.addEventListener("click", keepRuntime);
  }
  if (!registration) {
    // Not before the tools have answered: the runtime download comes first.
    if (toolOnPage()) runtimeReady.then(() => whenIdle(register));
    else whenIdle(register);
    return;
  }
  refreshOffline();
  if (toolOnPage()) runtimeReady.then(keepRuntime);
  if (updateWaiting()) show("update", "ready");
  // Instant navigation makes no real navigation, so look for a deploy here.
  if (Date.now() - lastCheck > 5000) {
    lastCheck = Date.now();
    registration.update().catch(() => {});
  }
}
