// Entry point on every page. Guide pages load nothing more; a page with one of
// our tools loads that tool's module, which starts the shared Python runtime.
// A tool's root element is named after the tool: <div id="fees-tool">.
// offline.js registers the service worker once the page (or the runtime) is idle.

import { onPage as offlinePage } from "./offline.js";
import { labelScrollableTables } from "./theme/page-fixes.js";

const TOOLS = {
  "fees-tool": () => import("./fees-page.js"),
  "walker-tool": () => import("./walker-page.js"),
  "statement-tool": () => import("./statement-page.js"),
};

/** Resolves when the runtime is ready or failed (tool pages only). */
function runtimeSettled() {
  return import("./runtime/client.js").then(
    (client) =>
      new Promise((resolve) => {
        client.onStatus((status) => {
          if (status.state === "ready" || status.state === "failed") resolve();
        });
      }),
  );
}

function onPage() {
  labelScrollableTables();
  let tool = false;
  for (const [id, load] of Object.entries(TOOLS)) {
    const root = document.getElementById(id);
    if (root) {
      tool = true;
      load().then((module) => module.mount(root));
    }
  }
  offlinePage(tool ? runtimeSettled() : Promise.resolve());
}

// The search box is in the header of every page; its module and index load the
// first time a reader opens it (the search button, a click in the box, or the
// "/" and "s" keys), never with the page.
function wireSearch() {
  const input = document.getElementById("pos-search-input");
  const toggle = document.getElementById("__search");
  if (!input || !toggle) return;
  let started = null;
  const start = () => {
    if (!started) {
      // Fetch the engine, Pagefind and the box's module side by side: on a
      // slow link every round trip saved shows the results a tenth of a
      // second sooner. (engine.js imports the same pagefind.js: one fetch.)
      import(new URL("../../pagefind/pagefind.js", import.meta.url).href).catch(() => {});
      import("./search/engine.js").then((engine) => engine.load());
      started = import("./search/search-page.js").then((page) => page.mount(input));
    }
    return started;
  };
  const open = () => {
    toggle.checked = true;
    start();
    input.focus();
  };
  input.addEventListener("focus", () => {
    if (!toggle.checked) toggle.checked = true;
    start();
  });
  toggle.addEventListener("change", () => {
    if (toggle.checked) open();
  });
  // Escape closes the box even while its module is still loading.
  input.closest(".md-search").addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    toggle.checked = false;
    toggle.dispatchEvent(new Event("change"));
    input.blur();
  });
  document.addEventListener("keydown", (event) => {
    const typing =
      event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/" || event.key === "s") {
      event.preventDefault();
      open();
    }
  });
}

wireSearch();

if (window.document$) {
  window.document$.subscribe(onPage);
} else {
  onPage();
}
