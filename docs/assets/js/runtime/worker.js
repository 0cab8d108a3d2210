// Module worker hosting Pyodide and our `calculator` package, once per visit.
// Protocol: the page posts {type: "init", runtimeURL, packageURL, stdlibURL,
// sizes, lockInfo} once, then {id, fn, args}; we answer
// {type: "progress", loaded, total}, {type: "ready"},
// {type: "failed", reason, message} and {id, reply} (calculator.api's dict).
// A chosen file comes as {type: "file", id, buffer} (see receiveFile below).
//
// Why it is fast: everything is requested at once, not in the order
// loadPyodide() would discover it (wasm, a trimmed stdlib, our package and
// pyodide.asm.mjs in parallel); pyodide-lock.json is not fetched (we load no
// Pyodide packages, so its `info` block, passed in, is all Pyodide checks).
// Why the bar is honest: we count the bytes of every big file ourselves and
// hand the same responses to Pyodide through a narrow fetch() wrapper.
// Why a repeat visit is faster still: once idle, we keep a memory snapshot
// on the device (snapshot.js) and restore it next time instead of booting;
// "ready" says which way we started ({type: "ready", via: "snapshot"|"boot"}),
// and {type: "snapshot", state: "saved"|"failed"} reports the saving.

import { dropSnapshot, loadSnapshot, saveSnapshot, snapshotKey } from "./snapshot.js";

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

// Fetch `url` and read its body eagerly (so the network never waits for
// Pyodide to ask), counting bytes. Resolves to a Response over the same bytes.
function prefetch(url, onBytes, name) {
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const body = new ReadableStream(
      {
        async start(controller) {
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) {
                mark(`${name}-fetched`);
                break;
              }
              onBytes(value.byteLength);
              controller.enqueue(value);
            }
            controller.close();
          } catch (error) {
            controller.error(error);
            fail("network", error);
          }
        },
      },
      { highWaterMark: Infinity },
    );
    return new Response(body, { status: response.status, headers: response.headers });
  });
}

function progressReporter(total) {
  let loaded = 0;
  let lastPost = 0;
  let lastByteAt = Date.now();
  // A download that stalls (a firewall that drops packets) must not spin forever.
  const watchdog = setInterval(() => {
    if (loaded >= total) clearInterval(watchdog);
    else if (Date.now() - lastByteAt > 30_000) {
      clearInterval(watchdog);
      fail("network", new Error("download stalled for 30 s"));
    }
  }, 1000);
  return (bytes) => {
    loaded += bytes;
    lastByteAt = Date.now();
    const now = performance.now();
    if (loaded >= total || now - lastPost > 100) {
      lastPost = now;
      self.postMessage({ type: "progress", loaded: Math.min(loaded, total), total });
    }
  };
}

async function start({ runtimeURL, packageURL, stdlibURL, sizes, lockInfo, excel }) {
  excelURLs = excel || [];
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    fail("no-wasm", new Error("WebAssembly is not available"));
    return;
  }
  const wasmURL = new URL("pyodide.asm.wasm", runtimeURL).href;
  const total = sizes.wasm + sizes.stdlib + sizes.package;
  const onBytes = progressReporter(total);
  const handed = new Map([
    [wasmURL, prefetch(wasmURL, onBytes, "wasm")],
    [stdlibURL, prefetch(stdlibURL, onBytes, "stdlib")],
  ]);
  const packageBytes = prefetch(packageURL, onBytes, "package").then((r) => r.arrayBuffer());
  const key = snapshotKey(runtimeURL, stdlibURL, packageURL);
  const stored = loadSnapshot(key).then((bytes) => (mark("snapshot-read"), bytes));
  // Start both JavaScript halves now; loadPyodide imports the second itself
  // and gets this same module instance.
  const pyodideModule = import(`${runtimeURL}pyodide.mjs`);
  const asmModule = import(`${runtimeURL}pyodide.asm.mjs`);
  // A failed download fails the page now, whatever Pyodide is waiting for.
  for (const pending of [...handed.values(), packageBytes, pyodideModule, asmModule]) {
    pending.catch((error) => fail(classify(error), error));
  }

  const realFetch = self.fetch.bind(self);
  self.fetch = (input, init) => {
    const key = String(input instanceof Request ? input.url : input);
    const ours = handed.get(key);
    if (!ours) return realFetch(input, init);
    handed.delete(key);
    return ours;
  };
  // Pyodide logs a failed wasm instantiation (out of memory, a broken file)
  // and then waits forever; we notice it here instead.
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    if (typeof original !== "function") continue;
    WebAssembly[name] = (...args) =>
      original.apply(WebAssembly, args).then(
        (result) => (mark("wasm-instantiated"), result),
        (error) => {
          fail(classify(error) === "memory" ? "memory" : "other", error);
          throw error;
        },
      );
  }

  const { loadPyodide } = await pyodideModule;
  const options = {
    indexURL: runtimeURL,
    stdLibURL: stdlibURL,
    lockFileContents: { info: lockInfo, packages: {} },
    packageBaseUrl: runtimeURL,
    createPyodideModule: (await asmModule).default,
    packages: [],
  };
  const app = await packageBytes;
  const saved = await stored;
  if (saved) {
    try {
      // The snapshot holds Python's memory (our package imported, sys.path
      // set) but not the file system: unpack the package again for its data.
      pyodide = await loadPyodide({ ...options, _loadSnapshot: saved });
      mark("python");
      pyodide.unpackArchive(app, "zip", { extractDir: "/home/pyodide/app" });
      callJson = pyodide.pyimport("calculator.api").call_json;
      if (pyodide.runPython("6 * 7") !== 42) throw new Error("restored Python is broken");
      via = "snapshot";
      mark("package");
      return;
    } catch {
      // Damaged, foreign or incompatible: forget it and boot the normal way.
      callJson = null;
      pyodide = null;
      await dropSnapshot(key);
    }
  }
  pyodide = await loadPyodide({ ...options, _makeSnapshot: true });
  mark("python");
  pyodide.unpackArchive(app, "zip", { extractDir: "/home/pyodide/app" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
  callJson = pyodide.pyimport("calculator.api").call_json;
  mark("package");
  snapshotWhenIdle = async () => {
    let state = "failed";
    try {
      if (await saveSnapshot(key, pyodide.makeMemorySnapshot())) state = "saved";
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
  if (message.type === "init") {
    try {
      await start(message);
      if (!failed) self.postMessage({ type: "ready", via, marks });
      scheduleSnapshot();
    } catch (error) {
      fail(classify(error), error);
    }
    return;
  }
  if (!callJson) return;
  scheduleSnapshot();
  const request = JSON.stringify({ fn: message.fn, args: message.args });
  self.postMessage({ id: message.id, reply: JSON.parse(callJson(request)) });
};
