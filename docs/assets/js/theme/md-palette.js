// Applies the colour scheme the reader chose earlier, before the page paints.
(() => {
  let saved = null;
  try {
    saved = window.__md_get("__palette");
  } catch {
    return;
  }
  if (!saved || !saved.color) return;
  const color = saved.color;
  if (color.media === "(prefers-color-scheme)") {
    const light = matchMedia("(prefers-color-scheme: light)").matches;
    const media = light ? "(prefers-color-scheme: light)" : "(prefers-color-scheme: dark)";
    const input = document.querySelector(`[data-md-color-media='${media}']`);
    if (input) {
      for (const part of ["media", "scheme", "primary", "accent"]) {
        color[part] = input.getAttribute(`data-md-color-${part}`);
      }
    }
  }
  for (const [part, value] of Object.entries(color)) {
    document.body.setAttribute(`data-md-color-${part}`, value);
  }
})();
