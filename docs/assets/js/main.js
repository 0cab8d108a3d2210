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

if (window.document$) {
  window.document$.subscribe(onPage);
} else {
  onPage();
}
