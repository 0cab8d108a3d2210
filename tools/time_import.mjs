// What a tool page waits for once Pyodide has booted, timed under Node as the
// worker does it: the served stdlib and package zips (from a build's
// assets/py/), pyimport("calculator.api"), then the page's first request (by
// default the calculator's first fee, as fees-page.js sends it). unpack_ms is
// unpackArchive's time, before the others.
//
//   node tools/time_import.mjs STDLIB.zip PACKAGE.zip [PACKAGE.zip ...] [--runs N]
//        [--request JSON] [--importtime]
//
// One package and no --runs: one run, one JSON line; --importtime adds
// Python's -X importtime table on stderr (a module imported through
// importlib.import_module, as api.FUNCTIONS does, has no line of its own).
// Otherwise every run is a fresh Node process, the packages take turns (a busy
// machine slows each alike) and the medians per package come last. *_cpu_ms is
// the process's CPU time, steadier than wall time when other work shares the cores.
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";

const FIRST_FEE = {
  fn: "fee",
  args: { amount: "10000", channel: "credit", plan: "lakala-personal" },
};
const KEYS = ["unpack_ms", "import_ms", "request_ms", "total_ms", "import_cpu_ms", "total_cpu_ms"];

function options(argv) {
  const valued = new Set(["--runs", "--request"]);
  const found = { files: [], runs: 0, request: JSON.stringify(FIRST_FEE), importtime: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--importtime") found.importtime = true;
    else if (valued.has(argv[i])) found[argv[i].slice(2)] = argv[++i];
    else found.files.push(argv[i]);
  }
  found.runs = Number(found.runs);
  return found;
}

async function once(stdlibPath, packagePath, request, importtime) {
  const lines = [];
  const pyodide = await loadPyodide({
    stdLibURL: stdlibPath,
    ...(importtime
      ? { env: { PYTHONPROFILEIMPORTTIME: "1" }, stderr: (line) => lines.push(line) }
      : {}),
  });
  const bytes = new Uint8Array(await readFile(packagePath));
  const t0 = performance.now();
  pyodide.unpackArchive(bytes, "zip", { extractDir: "/home/pyodide/app" });
  const unpacked = performance.now() - t0;
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
  const [t1, c1] = [performance.now(), process.cpuUsage()];
  const api = pyodide.pyimport("calculator.api");
  const [t2, c2] = [performance.now(), process.cpuUsage(c1)];
  const reply = JSON.parse(api.call_json(request));
  const [t3, c3] = [performance.now(), process.cpuUsage(c1)];
  if (reply.error) throw new Error(JSON.stringify(reply.error));
  const ours = pyodide.runPython(
    "import sys; sorted(m for m in sys.modules if m.split('.')[0] == 'calculator')",
  );
  const ms = (value) => Math.round(value * 10) / 10;
  const cpu = (usage) => ms((usage.user + usage.system) / 1000);
  const row = {
    unpack_ms: ms(unpacked),
    import_ms: ms(t2 - t1),
    request_ms: ms(t3 - t2),
    total_ms: ms(t3 - t1),
    import_cpu_ms: cpu(c2),
    total_cpu_ms: cpu(c3),
    modules: ours.toJs(),
  };
  process.stdout.write(JSON.stringify(row) + "\n");
  if (importtime) {
    pyodide.runPython("import sys; sys.stderr.flush()");
    process.stderr.write(lines.filter((l) => l.startsWith("import time")).join("\n") + "\n");
  }
}

const { files, runs, request, importtime } = options(process.argv.slice(2));
const [stdlibPath, ...packages] = files;
if (!stdlibPath || !packages.length) {
  console.error("usage: node tools/time_import.mjs STDLIB.zip PACKAGE.zip [...] [--runs N]");
  process.exit(2);
}
if (packages.length === 1 && !runs) {
  await once(stdlibPath, packages[0], request, importtime);
} else {
  const rows = new Map(packages.map((p) => [p, []]));
  const self = fileURLToPath(import.meta.url);
  for (let i = 0; i < (runs || 5); i++) {
    for (const pkg of packages) {
      const args = [self, stdlibPath, pkg, "--request", request];
      const done = spawnSync(process.execPath, args, { encoding: "utf8" });
      if (done.status !== 0) throw new Error(done.stderr);
      const { modules, ...times } = JSON.parse(done.stdout);
      rows.get(pkg).push(times);
      console.log(`${basename(pkg)} ${JSON.stringify(times)} (${modules.length} modules)`);
    }
  }
  for (const [pkg, got] of rows) {
    const median = (key) => got.map((r) => r[key]).sort((a, b) => a - b)[got.length >> 1];
    const medians = Object.fromEntries(KEYS.map((key) => [key, median(key)]));
    console.log(`median ${basename(pkg)} ${JSON.stringify(medians)}`);
  }
}
