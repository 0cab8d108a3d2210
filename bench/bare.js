// Bench-only reference: the plain way to start Pyodide, from the same files
// the site serves. tools/bench.py replaces RUNTIME_DIR with the versioned dir.
import { loadPyodide } from "../assets/RUNTIME_DIR/pyodide.mjs";

await loadPyodide();
document.documentElement.dataset.benchReady = String(Math.round(performance.now()));
