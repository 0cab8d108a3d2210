// Entry point on every page. Guide pages load nothing more; a page with one of
// our tools loads that tool's module, which starts the shared Python runtime.
// A tool's root element is named after the tool: <div id="fees-tool">.

import { labelScrollableTables } from "./theme/page-fixes.js";

const TOOLS = {
  "fees-tool": () => import("./fees-page.js"),
  "walker-tool": () => import("./walker-page.js"),
  "statement-tool": () => import("./statement-page.js"),
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
