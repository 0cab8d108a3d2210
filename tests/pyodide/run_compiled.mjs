// Imports the package the site serves in the pinned Pyodide under Node, as the
// worker does (served stdlib, package unpacked onto sys.path), answers the
// page's first request, imports everything (api.import_all), and reports how
// Python loaded each of our modules and whether it wrote any bytecode.
// Usage: node run_compiled.mjs PACKAGE.zip STDLIB.zip > OUT.json
import { readFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [packagePath, stdlibPath] = process.argv.slice(2);
const pyodide = await loadPyodide({ stdLibURL: stdlibPath });
pyodide.unpackArchive(new Uint8Array(await readFile(packagePath)), "zip", {
  extractDir: "/home/pyodide/app",
});
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
const api = pyodide.pyimport("calculator.api");
const request = {
  fn: "fee",
  args: { amount: "10000", channel: "credit", plan: "lakala-personal" },
};
const fee = JSON.parse(api.call_json(JSON.stringify(request)));
const imported = (code) => pyodide.runPython(code).toJs();
const firstFee = imported(
  "import sys; sorted(m for m in sys.modules if m.startswith('calculator'))",
);
api.import_all();
const report = pyodide.runPython(`
import json, os, sys
modules = {
    name: [type(module.__spec__.loader).__name__, module.__file__, module.__cached__]
    for name, module in sorted(sys.modules.items())
    if name == "calculator" or name.startswith("calculator.")
}
written = sorted(
    os.path.join(top, name)
    for top, dirs, files in os.walk("/home/pyodide/app")
    for name in dirs + files
    if "__pycache__" in name or name.endswith(".py")
)
json.dumps({"modules": modules, "written": written})
`);
process.stdout.write(JSON.stringify({ fee, first_fee: firstFee, ...JSON.parse(report) }));
