// Entry point on every page. Guide pages load nothing more; a page with one of
// our tools loads that tool's module, which starts the shared Python runtime.

import { labelScrollableTables } from "./page-fixes.js";

const TOOLS = {
  "fee-calculator": () => import("./calculator-page.js"),
  "checklist-walker": () => import("./checklist-page.js"),
  "statement-check": () => import("./reconcile-page.js"),
};

function onPage() {
  labelScrollableTables();
  for (const [id, load] of Object.entries(TOOLS)) {
    const root = document.getElementById(id);
    if (root) load().then((tool) => tool.mount(root));
  }
}

if (window.document$) {
  window.document$.subscribe(onPage);
} else {
  onPage();
}
