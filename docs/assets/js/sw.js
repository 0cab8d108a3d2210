// Service worker: the site and its tools without a network. Our own ~150
// lines rather than Workbox: we need one precache list (written above this
// code by tools/offline.py at build time), two caches and an update that
// switches whole versions; no new npm dependency, nothing that evaluates code.
//
// Caches (Cache Storage, this origin):
//   pos-site-<version>      every page, styles, scripts, icons (~270 KB gzip)
//   pos-search-<version>    Pagefind's index (~290 KB gzip); filled from the
//                           reader's second page on, when search is opened, or
//                           with the runtime, so a first visit stays small
//   pos-runtime-<version>   Pyodide, our stdlib and package (~15 MB); filled
//                           only when asked ("cache-runtime": a tool page was
//                           opened or the reader chose 离线也能用)
// Files listed here are answered from the cache of this version only, so a
// page never mixes files of two deploys. A new deploy installs beside the old
// one and waits; the page says so and activates it before its next navigation.
/* global PRECACHE */

const SCOPE = new URL("./", self.location).href;
const SITE_CACHE = `pos-site-${PRECACHE.version}`;
const SEARCH_CACHE = `pos-search-${PRECACHE.search_version}`;
const RUNTIME_CACHE = `pos-runtime-${PRECACHE.runtime_version}`;
const SHELL = new Set(PRECACHE.shell.map((path) => new URL(path, SCOPE).href));
const SEARCH = new Set(PRECACHE.search.map((path) => new URL(path, SCOPE).href));
const RUNTIME = new Set(PRECACHE.runtime.map((path) => new URL(path, SCOPE).href));

let searchStored = null;

// Once per worker: later calls share the first one's promise.
function cacheSearch() {
  searchStored ||= (async () => {
    const cache = await caches.open(SEARCH_CACHE);
    if ((await cache.keys()).length === SEARCH.size) return;
    await cache.addAll([...SEARCH]);
  })().catch((error) => {
    searchStored = null;
    throw error;
  });
  return searchStored;
}

async function hasRuntime() {
  const cache = await caches.open(RUNTIME_CACHE);
  const stored = await cache.keys();
  return stored.length === RUNTIME.size;
}

/** Store the runtime unless it is stored; true if it was stored just now. */
async function cacheRuntime() {
  if (await hasRuntime()) return false;
  // The immutable runtime is usually in the HTTP cache already (a tool page
  // loaded it): addAll then costs no download.
  await (await caches.open(RUNTIME_CACHE)).addAll([...RUNTIME]);
  return true;
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
      if (keys.some((key) => key.startsWith("pos-search-"))) await cacheSearch();
      // The very first install takes over at once; updates wait for the page.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        const ours = /^pos-(site|search|runtime)-/.test(key);
        const current = [SITE_CACHE, SEARCH_CACHE, RUNTIME_CACHE].includes(key);
        if (ours && !current) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

const isModule = (url) => url.endsWith(".mjs");

self.addEventListener("message", (event) => {
  const { type } = event.data || {};
  const reply = (message) => event.ports[0] && event.ports[0].postMessage(message);
  if (type === "activate") {
    self.skipWaiting();
  } else if (type === "status") {
    event.waitUntil(hasRuntime().then((runtime) => reply({ runtime, version: PRECACHE.version })));
  } else if (type === "cache-runtime") {
    event.waitUntil(
      Promise.all([cacheRuntime(), cacheSearch()]).then(
        // Just stored: the page has the runtime's scripts compiled once from
        // here (runtime/prime.js), so the next visit reuses compiled code.
        ([fresh]) => reply({ runtime: true, prime: fresh ? [...RUNTIME].filter(isModule) : [] }),
        (error) => reply({ runtime: false, error: String(error) }),
      ),
    );
  }
});

// Pages by directory: /calculator/index.html and /calculator/?amount=… are /calculator/.
function cacheKey(request) {
  const url = new URL(request.url);
  url.hash = "";
  // Pagefind asks for its entry file with a ?ts= cache-buster; this version's
  // copy is the right one.
  if (SEARCH.has(url.origin + url.pathname)) url.search = "";
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
  } else if (SEARCH.has(key)) {
    const hit = await (await caches.open(SEARCH_CACHE)).match(key);
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
  // A second page (or search opened): now keep the search index too.
  const key = cacheKey(request);
  if (SEARCH.has(key) || (SHELL.has(key) && key.endsWith("/"))) {
    event.waitUntil(cacheSearch().catch(() => {}));
  }
});
