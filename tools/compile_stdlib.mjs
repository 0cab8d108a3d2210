// Compile a standard-library zip to bytecode with the pinned Pyodide's own
// Python, so the browser skips compiling ~150 modules on every start.
// Usage: node tools/compile_stdlib.mjs IN.zip OUT.zip [OPTIMIZE]
// OPTIMIZE is compile()'s optimize level (default 0).
// Output is reproducible: unchecked-hash .pyc files, fixed timestamps, sorted.
// Members are STORED, not deflated: the server compresses the whole zip
// (precompressed .br/.gz siblings), which works across members and beats
// per-member DEFLATE, and zipimport then reads members without inflating.
import { readFile, writeFile } from "node:fs/promises";
import { loadPyodide } from "pyodide";

const [source, target, optimize = "0"] = process.argv.slice(2);
const pyodide = await loadPyodide();
pyodide.FS.writeFile("/tmp/in.zip", new Uint8Array(await readFile(source)));
pyodide.globals.set("OPTIMIZE", Number(optimize));
pyodide.runPython(`
import importlib.util
import io
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

FIXED = (1980, 1, 1, 0, 0, 0)
out = io.BytesIO()
with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile(out, "w") as dst:
    for info in sorted(src.infolist(), key=lambda i: i.filename):
        data = src.read(info)
        name = info.filename
        if name.endswith(".py"):
            code = compile(data, name, "exec", dont_inherit=True, optimize=OPTIMIZE)
            data = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), False))
            name += "c"
        member = zipfile.ZipInfo(name, FIXED)
        member.compress_type = zipfile.ZIP_STORED
        member.external_attr = 0o644 << 16
        dst.writestr(member, data)
with open("/tmp/out.zip", "wb") as handle:
    handle.write(out.getvalue())
`);
await writeFile(target, pyodide.FS.readFile("/tmp/out.zip"));
