// The browser's upload path in the pinned Pyodide under Node, as the site runs
// it: the trimmed stdlib, file bytes handed to receive_file (no base64), and the
// Excel readers (extra stdlib zip + the pinned wheels, unpacked) loaded only
// when Python says the file is a workbook.
// Usage: node run_excel.mjs PACKAGE.zip STDLIB.zip EXCEL_STDLIB.zip WHEELS.json FILES.json > OUT.json
import { readFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [packagePath, stdlibPath, excelStdlibPath, wheelsPath, filesPath] = process.argv.slice(2);
const pyodide = await loadPyodide({ stdLibURL: stdlibPath });
pyodide.unpackArchive(new Uint8Array(await readFile(packagePath)), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
const callJson = pyodide.pyimport("calculator.api").call_json;
const receive = pyodide.pyimport("calculator.api.statement").receive_file;
const wheels = JSON.parse(await readFile(wheelsPath, "utf8"));
const files = JSON.parse(await readFile(filesPath, "utf8"));
let excelLoaded = false;
const out = [];
for (const path of files) {
  const bytes = new Uint8Array(await readFile(path));
  const received = receive(bytes).toJs({ dict_converter: Object.fromEntries });
  if (received.reader === "excel" && !excelLoaded) {
    pyodide.unpackArchive(new Uint8Array(await readFile(excelStdlibPath)), "zip", {
      extractDir: "/home/pyodide/excel_stdlib",
    });
    pyodide.runPython("import sys; sys.path.append('/home/pyodide/excel_stdlib')");
    for (const wheel of wheels) {
      pyodide.unpackArchive(new Uint8Array(await readFile(wheel)), "zip", {
        extractDir: "/home/pyodide/excel",
      });
    }
    pyodide.runPython("import sys; sys.path.append('/home/pyodide/excel')");
    excelLoaded = true;
  }
  const request = JSON.stringify({ fn: "statement_check", args: { file: received.file } });
  const reply = JSON.parse(callJson(request));
  const readers = pyodide
    .runPython("import sys; sorted(m for m in ('openpyxl', 'xlrd') if m in sys.modules)")
    .toJs();
  out.push({ received: { ...received, reader: received.reader ?? null }, reply, readers });
}
process.stdout.write(JSON.stringify(out));
