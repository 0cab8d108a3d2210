// Module worker hosting Pyodide and our `calculator` package, once per visit.
// Protocol: the page posts {type: "init", runtimeURL, packageURL} once, then
// {id, fn, args}; we answer {type: "ready"}, {type: "failed", message} and
// {id, reply} where reply is the plain dict from calculator.api.

let pyodide = null;
let callJson = null;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

async function start({ runtimeURL, packageURL }) {
  // Fetch our package while the runtime boots: the two do not depend on each other.
  const packageBytes = fetchBytes(packageURL);
  const { loadPyodide } = await import(`${runtimeURL}pyodide.mjs`);
  pyodide = await loadPyodide({ indexURL: runtimeURL, packages: [] });
  pyodide.unpackArchive(await packageBytes, "zip", { extractDir: "/home/pyodide/app" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
  callJson = pyodide.pyimport("calculator.api").call_json;
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      await start(message);
      self.postMessage({ type: "ready" });
    } catch (error) {
      self.postMessage({ type: "failed", message: String(error) });
    }
    return;
  }
  if (!callJson) return;
  const request = JSON.stringify({ fn: message.fn, args: message.args });
  self.postMessage({ id: message.id, reply: JSON.parse(callJson(request)) });
};
