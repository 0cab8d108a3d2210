// Compiles the scripts named (JSON, as this worker's name) once, from the
// service worker's store, so the browser keeps their compiled code there
// (see prime() in offline.js), then says so. Importing Pyodide's modules
// only defines functions; nothing is started.
const urls = JSON.parse(self.name);
Promise.allSettled(urls.map((url) => import(url))).then((results) =>
  self.postMessage(results.map((result) => result.status)),
);
