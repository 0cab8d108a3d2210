// Tool pages (front matter `runtime: true`) load this small classic script
// first in <head>, before the theme's styles and scripts: it starts the
// Python worker at once, so the big downloads begin while the page is still
// being parsed and laid out. client.js, a module that may only run once the
// main thread is free, adopts the worker and replays what it said meanwhile.
// The worker's name is its start message, as client.js's readConfig makes
// it (the data as it is: the worker alone turns it into URLs).
(() => {
  const meta = document.querySelector('meta[name="pos-runtime"][data-start="early"]');
  const script = document.currentScript;
  if (!meta || !script || typeof Worker !== "function") return;
  const here = script.src;
  let worker;
  try {
    const name = JSON.stringify({
      data: { ...meta.dataset },
      assets: new URL("../../", here).href,
    });
    worker = new Worker(new URL("worker.js", here), { type: "module", name });
  } catch {
    return; // client.js tries again and reports the failure.
  }
  // A first visit (no service worker answers yet): ask for the big file now,
  // while the worker itself is still on its way; its own request for it then
  // joins this download in the HTTP cache instead of starting one more round
  // trip later (measured: about 0.4 s sooner at 10 Mbit/s, the file sent once).
  // Only where that joining was measured: Chromium-based browsers (the only
  // ones with navigator.userAgentData); elsewhere a second request might send
  // the file twice. Not on a repeat visit: the copy in the store is read at
  // once, and a second read would only take time from the worker's. The
  // browser notes in the console that the page itself never used it.
  const firstVisit = !(navigator.serviceWorker && navigator.serviceWorker.controller);
  if (firstVisit && navigator.userAgentData) {
    const wasm = document.createElement("link");
    wasm.rel = "preload";
    wasm.as = "fetch";
    wasm.crossOrigin = "anonymous";
    wasm.href = new URL(`../../${meta.dataset.runtime}/pyodide.asm.wasm`, here).href;
    document.head.append(wasm);
  }
  const events = [];
  worker.onmessage = (event) => events.push(event);
  worker.onerror = (event) => events.push(event);
  self.posEarlyRuntime = { worker, events };
})();
