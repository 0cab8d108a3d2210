// Times calculator.api statement_check on one statement in real Pyodide (the pinned
// npm package) under Node, the same way tests/pyodide/run_api.mjs loads it.
// Usage: node bench_statement.mjs TIME_STATEMENT.py PACKAGE.zip STATEMENT REPEATS [EXCEL_STDLIB.zip WHEEL...] > TIMES.json
// With the Excel readers given, they are unpacked onto sys.path as the site's worker does.
import { readFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [timingPath, packagePath, statementPath, repeats, ...readers] = process.argv.slice(2);
const pyodide = await loadPyodide();
pyodide.unpackArchive(new Uint8Array(await readFile(packagePath)), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
for (const reader of readers) {
  pyodide.unpackArchive(new Uint8Array(await readFile(reader)), "zip", {
    extractDir: "/home/pyodide/excel",
  });
}
pyodide.runPython("import sys; sys.path.append('/home/pyodide/excel')");
pyodide.FS.writeFile("/home/pyodide/statement.csv", new Uint8Array(await readFile(statementPath)));
// The same timing loop as CPython's (tools/time_statement.py), run from its source.
pyodide.runPython(await readFile(timingPath, "utf8"));
const timings = pyodide.runPython(`
import base64, json
data = base64.b64encode(open('/home/pyodide/statement.csv', 'rb').read()).decode('ascii')
json.dumps(time_statement(data, ${Number(repeats)}))
`);
process.stdout.write(timings);
