// Times calculator.api statement_check on one statement in real Pyodide (the pinned
// npm package) under Node, the same way tests/pyodide/run_api.mjs loads it.
// Usage: node bench_statement.mjs PACKAGE.zip STATEMENT.csv REPEATS > TIMES.json
import { readFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [packagePath, statementPath, repeats] = process.argv.slice(2);
const pyodide = await loadPyodide();
pyodide.unpackArchive(new Uint8Array(await readFile(packagePath)), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
pyodide.FS.writeFile("/home/pyodide/statement.csv", new Uint8Array(await readFile(statementPath)));
const timings = pyodide.runPython(`
import base64, json, time
from calculator import api
data = base64.b64encode(open('/home/pyodide/statement.csv', 'rb').read()).decode('ascii')
check, full, counts = [], [], None
for _ in range(${Number(repeats)}):
    start = time.perf_counter()
    result = api.safe_call("statement_check", data=data, limit=1000)
    check.append(time.perf_counter() - start)
    request = json.dumps({"fn": "statement_check", "args": {"data": data, "limit": 1000}})
    start = time.perf_counter()
    api.call_json(request)
    full.append(time.perf_counter() - start)
    counts = {k: result[k] for k in ("rows", "checked", "flagged", "rejected", "overcharge")}
json.dumps({"python": sys.version.split()[0], "check": check, "call_json": full, "counts": counts})
`);
process.stdout.write(timings);
