// Entry point on every page. Guide pages load nothing more; a page with one of
// our tools loads that tool's module, which starts the shared Python runtime.

const TOOLS = {
  "fee-calculator": () => import("./calculator-page.js"),
  "statement-check": () => import("./reconcile-page.js"),
};

function onPage() {
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
