import { readFile, writeFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";
const [pkg, std, out] = process.argv.slice(2);
const pyodide = await loadPyodide({ stdLibURL: std, _makeSnapshot: true });
pyodide.unpackArchive(new Uint8Array(await readFile(pkg)), "zip", { extractDir: "/home/pyodide/app" });
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
pyodide.runPython("import calculator.api; calculator.api.import_all()");
await writeFile(out, pyodide.makeMemorySnapshot());
