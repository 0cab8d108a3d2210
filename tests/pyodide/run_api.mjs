// Runs calculator.api.call_json in real Pyodide (the pinned npm package) for
// a batch of requests, so tests can compare every reply with CPython's.
// Usage: node run_api.mjs PACKAGE.zip REQUESTS.json > REPLIES.json
import { readFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [packagePath, requestsPath] = process.argv.slice(2);
const pyodide = await loadPyodide();
pyodide.unpackArchive(new Uint8Array(await readFile(packagePath)), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
const callJson = pyodide.pyimport("calculator.api").call_json;
const requests = JSON.parse(await readFile(requestsPath, "utf8"));
const version = pyodide.runPython("import sys; sys.version.split()[0]");
const replies = requests.map((request) => callJson(request));
process.stdout.write(JSON.stringify({ python: version, replies }));
