// Service worker: the site and its tools without a network. Our own ~150
// lines rather than Workbox: we need one precache list (written above this
// code by tools/offline.py at build time), two caches and an update that
// switches whole versions; no new npm dependency, nothing that evaluates code.
//
// Caches (Cache Storage, this origin):
//   pos-site-<version>      every page, search, styles, scripts, icons (~1 MB)
//   pos-runtime-<version>   Pyodide, our stdlib and package (~13 MB); filled
//                           only when asked ("cache-runtime": a tool page was
//                           opened or the reader chose 离线也能用)
// Files listed here are answered from the cache of this version only, so a
// page never mixes files of two deploys. A new deploy installs beside the old
// one and waits; the page says so and activates it before its next navigation.
/* global PRECACHE */

const SCOPE = new URL("./", self.location).href;
const SITE_CACHE = `pos-site-${PRECACHE.version}`;
const RUNTIME_CACHE = `pos-runtime-${PRECACHE.runtime_version}`;
const SHELL = new Set(PRECACHE.shell.map((path) => new URL(path, SCOPE).href));
const RUNTIME = new Set(PRECACHE.runtime.map((path) => new URL(path, SCOPE).href));

async function hasRuntime() {
  const cache = await caches.open(RUNTIME_CACHE);
  const stored = await cache.keys();
  return stored.length === RUNTIME.size;
}

async function cacheRuntime() {
  if (await hasRuntime()) return;
  // The immutable runtime is usually in the HTTP cache already (a tool page
  // loaded it): addAll then costs no download.
  await (await caches.open(RUNTIME_CACHE)).addAll([...RUNTIME]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SITE_CACHE);
      // Revalidate: the HTTP cache may hold a file of the previous deploy.
      await cache.addAll([...SHELL].map((url) => new Request(url, { cache: "no-cache" })));
      // A reader who kept the tools offline keeps them across deploys.
      const keys = await caches.keys();
      if (keys.some((key) => key.startsWith("pos-runtime-"))) await cacheRuntime();
      // The very first install takes over at once; updates wait for the page.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        const ours = key.startsWith("pos-site-") || key.startsWith("pos-runtime-");
        if (ours && key !== SITE_CACHE && key !== RUNTIME_CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const { type } = event.data || {};
  const reply = (message) => event.ports[0] && event.ports[0].postMessage(message);
  if (type === "activate") {
    self.skipWaiting();
  } else if (type === "status") {
    event.waitUntil(hasRuntime().then((runtime) => reply({ runtime, version: PRECACHE.version })));
  } else if (type === "cache-runtime") {
    event.waitUntil(
      cacheRuntime().then(
        () => reply({ runtime: true }),
        (error) => reply({ runtime: false, error: String(error) }),
      ),
    );
  }
});

// Pages by directory: /calculator/index.html and /calculator/?amount=… are /calculator/.
function cacheKey(request) {
  const url = new URL(request.url);
  url.hash = "";
  if (request.mode === "navigate") {
    url.search = "";
    url.pathname = url.pathname.replace(/index\.html$/, "");
  }
  return url.href;
}

async function answer(request) {
  const key = cacheKey(request);
  if (SHELL.has(key)) {
    const hit = await (await caches.open(SITE_CACHE)).match(key);
    if (hit) return hit;
  } else if (RUNTIME.has(key)) {
    const hit = await (await caches.open(RUNTIME_CACHE)).match(key);
    if (hit) return hit;
  }
  try {
    return await fetch(request);
  } catch (error) {
    if (request.mode !== "navigate") throw error;
    const notFound = await (await caches.open(SITE_CACHE)).match(new URL("404.html", SCOPE).href);
    if (notFound) return notFound;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  event.respondWith(answer(request));
});
