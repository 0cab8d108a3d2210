// `make bench` helper: how big a memory snapshot of our runtime is, raw, gzip
// and brotli, and how long brotli takes to decode it. Made in Node from the
// built site's files, as the browser makes it (package imported, sys.path set).
// Usage: node tools/snapshot_size.mjs SITE_DIR  -> JSON on stdout.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const site = process.argv[2];
const assets = path.join(site, "assets");
const runtimeDir = fs.readdirSync(assets).find((name) => name.startsWith("pyodide-"));
const py = path.join(assets, "py");
const pick = (prefix) =>
  path.join(
    py,
    // The zip itself, not its precompressed siblings (.zip.br, .zip.gz).
    fs.readdirSync(py).find((n) => n.startsWith(prefix) && n.endsWith(".zip")),
  );
const { loadPyodide } = await import(path.join(assets, runtimeDir, "pyodide.mjs"));

const pyodide = await loadPyodide({
  indexURL: path.join(assets, runtimeDir) + "/",
  stdLibURL: pick("python_stdlib-"),
  packages: [],
  _makeSnapshot: true,
  stdout: () => {},
});
pyodide.unpackArchive(new Uint8Array(fs.readFileSync(pick("calculator-"))), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
pyodide.runPython("import calculator.api; calculator.api.import_all()");
const snapshot = pyodide.makeMemorySnapshot();
const brotli = zlib.brotliCompressSync(snapshot, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 },
});
const started = performance.now();
zlib.brotliDecompressSync(brotli);
const decode = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({
    raw: snapshot.length,
    gzip: zlib.gzipSync(snapshot, { level: 6 }).length,
    brotli: brotli.length,
    brotli_decode_s: Math.round(decode * 1000) / 1000,
  }) + "\n",
);
