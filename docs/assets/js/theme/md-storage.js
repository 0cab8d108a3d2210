// Page-scoped storage helpers that Material's bundle expects as globals.
// Our own implementation, kept in a file so no inline script is needed.
(() => {
  const siteRoot = new URL("../../../", document.currentScript.src);
  const keyFor = (scope, name) => `${scope.pathname}.${name}`;

  window.__md_scope = siteRoot;
  window.__md_hash = (text) => {
    let hash = 0;
    for (const character of text) hash = (hash << 5) - hash + character.charCodeAt(0);
    return hash;
  };
  window.__md_get = (name, storage = localStorage, scope = window.__md_scope) =>
    JSON.parse(storage.getItem(keyFor(scope, name)));
  window.__md_set = (name, value, storage = localStorage, scope = window.__md_scope) => {
    try {
      storage.setItem(keyFor(scope, name), JSON.stringify(value));
    } catch {
      // Private mode or full storage: the choice is simply not remembered.
    }
  };
})();
