// Like run_api.mjs, but Pyodide starts from the trimmed standard library the
// site serves (tools/runtime_files.trimmed_stdlib), and the reply lists the
// modules Python loaded from it, so a test can see what the trim kept.
// Usage: node run_trimmed.mjs PACKAGE.zip STDLIB.zip REQUESTS.json > OUT.json
import { readFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [packagePath, stdlibPath, requestsPath] = process.argv.slice(2);
const pyodide = await loadPyodide({ stdLibURL: stdlibPath });
pyodide.unpackArchive(new Uint8Array(await readFile(packagePath)), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
const callJson = pyodide.pyimport("calculator.api").call_json;
const requests = JSON.parse(await readFile(requestsPath, "utf8"));
const replies = requests.map((request) => callJson(request));
const loaded = pyodide
  .runPython(
    "import sys; sorted(m for m, v in sys.modules.items() if (getattr(v, '__file__', '') or '').startswith('/lib/python'))",
  )
  .toJs();
process.stdout.write(JSON.stringify({ replies, loaded }));
