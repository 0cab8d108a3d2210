// When the URL's anchor names a content tab, open that tab (CSP-safe version).
(() => {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id ? document.getElementById(id) : null;
  if (target && typeof target.name === "string" && target.name) {
    target.checked = target.name.startsWith("__tabbed_");
  }
})();
