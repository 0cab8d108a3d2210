// Lists the standard-library modules Pyodide imports from its zip while starting.
import { loadPyodide } from "pyodide";
const pyodide = await loadPyodide();
const mods = pyodide
  .runPython(
    `
import sys
sorted(m for m, v in sys.modules.items()
       if (getattr(v, '__file__', '') or '').startswith('/lib/python'))`,
  )
  .toJs();
process.stdout.write(mods.join("\n") + "\n");
