// Small accessibility fixes applied to every page after it renders (main.js).

/** Tables wider than the screen scroll sideways; make them keyboard-reachable. */
export function labelScrollableTables(root = document) {
  for (const wrap of root.querySelectorAll(".md-typeset__scrollwrap")) {
    if (wrap.scrollWidth > wrap.clientWidth + 1 && !wrap.hasAttribute("tabindex")) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "表格，可左右滑动查看");
    }
  }
}
