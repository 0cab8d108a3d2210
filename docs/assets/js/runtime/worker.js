// Module worker hosting Pyodide and our `calculator` package, once per visit.
// Protocol: the page (early.js or client.js) names the worker with
// {data, assets} as JSON (data: <meta name="pos-runtime">'s dataset; see the
// end of this file), then posts {id, fn, args}; we answer
// {type: "progress", loaded, total},
// {type: "ready", via, marks},
// {type: "failed", reason, message} and {id, reply} (calculator.api's dict).
// A chosen file comes as {type: "file", id, buffer} (see receiveFile below).
//
// Why it is fast: everything is requested at once, not in the order
// loadPyodide() would discover it (wasm, a trimmed stdlib, our package and
// pyodide.asm.mjs in parallel), and the wasm is compiled while it downloads;
// pyodide-lock.json is not fetched (we load no Pyodide packages, so its
// `info` block, passed in, is all Pyodide checks).
// Why the bar is honest: we count the bytes of every big file ourselves and
// hand the same responses to Pyodide through a narrow fetch() wrapper.
// Why a repeat visit is faster still: once idle, we keep a memory snapshot
// on the device (snapshot.js) and restore it next time instead of booting;
// "ready" says which way we started ({type: "ready", via: "snapshot"|"boot"}),
// and {type: "snapshot", state: "saved"|"failed"} reports the saving.

// snapshot.js is imported dynamically, not statically: a static import
// would hold back this module, and so every download, by one more round trip
// on a first visit. If it cannot be loaded, the worker boots the normal way
// and keeps nothing.
const snapshotModule = import("./snapshot.js").catch(() => null);

let callJson = null;
let failed = false;
let via = "boot";
// Set after a normal boot: takes the snapshot once the worker is idle.
let snapshotWhenIdle = null;
let idleTimer = null;
const IDLE_MS = 1500;
let pyodide = null;
let excelURLs = [];
// Where start-up time goes, for `make bench`: [name, epoch ms] pairs sent
// with "ready"; the page turns them into performance marks "runtime-NAME".
const marks = [];
const mark = (name) => marks.push([name, performance.timeOrigin + performance.now()]);
mark("worker");

function fail(reason, error) {
  if (failed) return;
  failed = true;
  self.postMessage({ type: "failed", reason, message: String(error && (error.stack || error)) });
}

function classify(error) {
  const text = String(error);
  if (error instanceof RangeError || /memory|Aborted\(OOM\)|allocat/i.test(text)) return "memory";
  if (/HTTP \d|fetch|network|Failed to load/i.test(text)) return "network";
  return "other";
}

// Read a response's body to its end only to count its bytes (for the bar).
async function drain(response, progress, name) {
  const onBytes = progress(name, response);
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onBytes(value.byteLength);
    }
    mark(`${name}-fetched`);
  } catch (error) {
    fail("network", error);
  }
}

// Fetch `url` and read its body eagerly through a clone (so the network
// never waits for Pyodide to ask), counting bytes. Resolves to the fetch's
// own Response: its body waits, buffered, for whoever reads it, and it keeps
// its URL (the browser's cache of compiled WebAssembly needs it).
function prefetch(url, progress, name) {
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    drain(response.clone(), progress, name);
    return response;
  });
}

// The bar counts what travels: a file the host sends compressed (as the
// README asks) is counted in its Content-Length's bytes, in proportion as
// its decoded bytes arrive, so the figures match the page's "约 N MB"
// whatever the host does. `sizes` are the decoded sizes; the bar starts once
// every file's headers are in. Returns file(name, response) -> onBytes.
function downloadProgress(sizes) {
  const wire = new Map();
  let loaded = 0;
  let lastPost = 0;
  let lastByteAt = Date.now();
  const total = () => [...wire.values()].reduce((sum, bytes) => sum + bytes, 0);
  // A download that stalls (a firewall that drops packets) must not spin forever.
  const watchdog = setInterval(() => {
    if (wire.size === Object.keys(sizes).length && loaded >= total()) clearInterval(watchdog);
    else if (Date.now() - lastByteAt > 30_000) {
      clearInterval(watchdog);
      fail("network", new Error("download stalled for 30 s"));
    }
  }, 1000);
  return (name, response) => {
    const decoded = sizes[name];
    const length = Number(response.headers.get("content-length"));
    const coding = response.headers.get("content-encoding");
    const compressed = coding && coding !== "identity" && length > 0 && decoded > 0;
    const scale = compressed ? length / decoded : 1;
    wire.set(name, decoded * scale);
    return (bytes) => {
      loaded += bytes * scale;
      lastByteAt = Date.now();
      if (wire.size < Object.keys(sizes).length) return;
      const now = performance.now();
      const all = total();
      if (loaded >= all || now - lastPost > 100) {
        lastPost = now;
        self.postMessage({ type: "progress", loaded: Math.min(loaded, all), total: all });
      }
    };
  };
}

// The runtime's file URLs from <meta name="pos-runtime">'s data (as
// tools/site_hooks.py writes it) and the site's assets/ URL.
function runtimeFiles(data, assets) {
  const sizes = (data.bytes || "0 0 0").split(" ").map(Number);
  return {
    runtimeURL: new URL(`${data.runtime}/`, assets).href,
    packageURL: new URL(`py/${data.package}`, assets).href,
    stdlibURL: data.stdlib
      ? new URL(`py/${data.stdlib}`, assets).href
      : new URL(`${data.runtime}/python_stdlib.zip`, assets).href,
    sizes: { wasm: sizes[0], stdlib: sizes[1], package: sizes[2] },
    lockInfo: data.lock ? JSON.parse(data.lock) : undefined,
    // Excel readers, fetched only when a workbook is chosen.
    excel: (data.excel || "")
      .split(" ")
      .filter(Boolean)
      .map((name) => new URL(`py/excel/${name}`, assets).href),
  };
}

async function start({ data, assets }) {
  const { runtimeURL, packageURL, stdlibURL, sizes, lockInfo, excel } = runtimeFiles(data, assets);
  excelURLs = excel || [];
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    fail("no-wasm", new Error("WebAssembly is not available"));
    return;
  }
  const wasmURL = new URL("pyodide.asm.wasm", runtimeURL).href;
  const progress = downloadProgress(sizes);
  // The WebAssembly is compiled while it downloads, from the fetch's own
  // Response: the browser may then keep the compiled code with the cached
  // file and skip compiling on the next visit (a Response we rebuilt would
  // not qualify).
  const wasmResponse = prefetch(wasmURL, progress, "wasm");
  const wasmModule = wasmResponse.then((response) =>
    WebAssembly.compileStreaming(response)
      .catch(async (error) => {
        // Served without `application/wasm` (a misconfigured host): compile
        // the bytes instead, from the HTTP cache by now.
        if (!(error instanceof TypeError)) throw error;
        return WebAssembly.compile(await (await fetch(wasmURL)).arrayBuffer());
      })
      .then((module) => (mark("wasm-compiled"), module)),
  );
  const handed = new Map([
    [wasmURL, wasmResponse],
    [stdlibURL, prefetch(stdlibURL, progress, "stdlib")],
  ]);
  const packageBytes = prefetch(packageURL, progress, "package").then((r) => r.arrayBuffer());
  // Start both JavaScript halves now; loadPyodide imports the second itself
  // and gets this same module instance.
  const pyodideModule = import(`${runtimeURL}pyodide.mjs`);
  const asmModule = import(`${runtimeURL}pyodide.asm.mjs`);
  Promise.all([pyodideModule, asmModule]).then(
    () => mark("pyodide-js"),
    () => {},
  );
  // A failed download fails the page now, whatever Pyodide is waiting for.
  for (const pending of [...handed.values(), wasmModule, packageBytes, pyodideModule, asmModule]) {
    pending.catch((error) => fail(classify(error), error));
  }
  // The stored snapshot, read and checked once the downloads are asked for
  // (its module may cost a round trip on a first visit, when there is none).
  const snapshots = await snapshotModule;
  const key = snapshots && snapshots.snapshotKey(runtimeURL, stdlibURL, packageURL);
  const stored = snapshots ? snapshots.loadSnapshot(key) : Promise.resolve(null);
  // A mark for the bench, taken when the bytes are in (not when awaited).
  stored.then((bytes) => bytes && mark("snapshot-read"));

  const realFetch = self.fetch.bind(self);
  self.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const ours = handed.get(url);
    if (!ours) return realFetch(input, init);
    // The wasm's response is never read by Pyodide (instantiateStreaming
    // below uses our compiled module), so a second start after a failed
    // restore does not fetch it again.
    if (url !== wasmURL) handed.delete(url);
    return ours;
  };
  // Pyodide logs a failed instantiation (out of memory, a broken file) and
  // then waits forever; we notice it here instead. It instantiates small
  // modules of its own, and the big one: that one we already compiled (its
  // own call would start compiling only now).
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = (...args) =>
    instantiate.apply(WebAssembly, args).catch((error) => {
      fail(classify(error) === "memory" ? "memory" : "other", error);
      throw error;
    });
  WebAssembly.instantiateStreaming = async (_response, imports) => {
    const module = await wasmModule;
    const instance = await WebAssembly.instantiate(module, imports);
    mark("wasm-instantiated");
    return { module, instance };
  };

  const { loadPyodide } = await pyodideModule;
  const options = {
    indexURL: runtimeURL,
    stdLibURL: stdlibURL,
    lockFileContents: { info: lockInfo, packages: {} },
    packageBaseUrl: runtimeURL,
    createPyodideModule: (await asmModule).default,
    packages: [],
  };
  const snapshot = await stored;
  if (snapshot) {
    try {
      // The snapshot holds Python's memory (our package imported, sys.path
      // set) but not the file system: unpack the package again for its data.
      pyodide = await loadPyodide({ ...options, _loadSnapshot: snapshot });
      mark("python");
      pyodide.unpackArchive(await packageBytes, "zip", { extractDir: "/home/pyodide/app" });
      callJson = pyodide.pyimport("calculator.api").call_json;
      if (pyodide.runPython("6 * 7") !== 42) throw new Error("restored Python is broken");
      via = "snapshot";
      mark("package");
      return;
    } catch {
      // Damaged, foreign or incompatible: forget it and boot the normal way.
      callJson = null;
      pyodide = null;
      await snapshots.dropSnapshot(key);
    }
  }
  pyodide = await loadPyodide({ ...options, _makeSnapshot: true });
  mark("python");
  pyodide.unpackArchive(await packageBytes, "zip", { extractDir: "/home/pyodide/app" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
  callJson = pyodide.pyimport("calculator.api").call_json;
  mark("package");
  snapshotWhenIdle = async () => {
    let state = "failed";
    try {
      // Every tool imported first: the first fee only loaded the fee engine,
      // but a visit restored from this snapshot may start on any tool.
      pyodide.runPython("import calculator.api; calculator.api.import_all()");
      if (snapshots && (await snapshots.saveSnapshot(key, pyodide.makeMemorySnapshot()))) {
        state = "saved";
      }
    } catch {
      // Not snapshottable in this browser: the next visit boots normally.
    }
    self.postMessage({ type: "snapshot", state });
  };
}

// The snapshot is taken when no request came for IDLE_MS, never in the way
// of a reader's answer; once per boot.
function scheduleSnapshot() {
  if (!snapshotWhenIdle) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    const take = snapshotWhenIdle;
    snapshotWhenIdle = null;
    take();
  }, IDLE_MS);
}

// ---- a chosen file: bytes, not JSON; Excel readers only for a workbook ----------
// The page transfers the file's ArrayBuffer (no copy, no base64). Python keeps
// the bytes under a token and says whether they are a workbook; only then do
// we fetch the Excel readers from our own site: the extra standard-library
// modules (a zip) and the pinned wheels, both unpacked onto sys.path. While a big workbook is read, Python reports rows read.
let excelLoaded = null;

function loadExcelReaders() {
  const [stdlibURL, ...wheels] = excelURLs;
  excelLoaded ||= (async () => {
    const response = await fetch(stdlibURL);
    if (!response.ok) throw new Error(`${stdlibURL}: HTTP ${response.status}`);
    pyodide.unpackArchive(await response.arrayBuffer(), "zip", {
      extractDir: "/home/pyodide/excel_stdlib",
    });
    pyodide.runPython("import sys; sys.path.append('/home/pyodide/excel_stdlib')");
    // Unpacked like our own package: pyodide.loadPackage would need tarfile and
    // importlib.metadata, which the trimmed stdlib leaves out.
    const bodies = await Promise.all(
      wheels.map(async (url) => {
        const wheel = await fetch(url);
        if (!wheel.ok) throw new Error(`${url}: HTTP ${wheel.status}`);
        return wheel.arrayBuffer();
      }),
    );
    for (const body of bodies) {
      pyodide.unpackArchive(body, "zip", { extractDir: "/home/pyodide/excel" });
    }
    pyodide.runPython("import sys; sys.path.append('/home/pyodide/excel')");
    const excel = pyodide.pyimport("calculator.statement.excel");
    excel.on_progress = (rows) => self.postMessage({ type: "reading", rows });
    excel.destroy();
  })();
  excelLoaded.catch(() => (excelLoaded = null)); // a retry may succeed
  return excelLoaded;
}

async function receiveFile({ id, buffer }) {
  const result = pyodide.pyimport("calculator.api.statement").receive_file(new Uint8Array(buffer));
  const reply = result.toJs({ dict_converter: Object.fromEntries });
  result.destroy();
  if (reply.reader === "excel") {
    try {
      await loadExcelReaders();
    } catch (error) {
      reply.error = {
        code: "excel_reader_missing",
        message_zh:
          "读取 Excel 的组件没有下载成功：请检查网络后重试，或在 Excel 里“另存为”CSV 后再选择。",
        field: "file",
        detail: String(error),
      };
    }
  }
  self.postMessage({ id, reply });
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "file") {
    if (pyodide) await receiveFile(message);
    return;
  }
  if (!callJson) return;
  scheduleSnapshot();
  const request = JSON.stringify({ fn: message.fn, args: message.args });
  self.postMessage({ id: message.id, reply: JSON.parse(callJson(request)) });
};

// The page names this worker with its start message, {data, assets} as JSON,
// so the downloads begin the moment this module runs: a posted message would
// reach us only when the page's main thread, busy with the page's first
// layout, gets round to passing it on (measured: 100-250 ms later).
(async () => {
  try {
    await start(JSON.parse(self.name));
    if (!failed) self.postMessage({ type: "ready", via, marks });
    scheduleSnapshot();
  } catch (error) {
    fail(classify(error), error);
  }
})();
