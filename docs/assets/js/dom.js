// The one set of DOM helpers every page module uses. Text goes in as text:
// nothing here parses markup, so a value from Python or from a statement can
// never become an element.

/**
 * A new element. `content` is its text, or a list of children (elements or
 * strings); `attributes` are set as given, `class` included.
 *   el("li", "文字")   el("p", [label, link], { class: "pos-walker__kicker" })
 */
export function el(tag, content, attributes = {}) {
  const node = document.createElement(tag);
  if (Array.isArray(content)) node.append(...content);
  else if (content !== undefined && content !== null) node.textContent = content;
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  return node;
}

/** A table row of text cells; the first one a row header when `header` is true. */
export function row(cells, { header = false } = {}) {
  const tr = document.createElement("tr");
  cells.forEach((text, index) => {
    tr.append(header && index === 0 ? el("th", text, { scope: "row" }) : el("td", text));
  });
  return tr;
}

/** A <dt>/<dd> pair in a <div>, as the result lists lay them out. */
export function term(name, value) {
  return el("div", [el("dt", name), el("dd", value)]);
}

export function setText(node, text) {
  if (node) node.textContent = text;
}

/** Show `message` in `node`, or hide the node when there is none. */
export function showMessage(node, message) {
  node.hidden = !message;
  node.textContent = message || "";
}

/** Elements carrying data-`name`, keyed by its value: {fee: <dd data-out="fee">, …}. */
export function byData(root, name) {
  return Object.fromEntries(
    [...root.querySelectorAll(`[data-${name}]`)].map((node) => [node.dataset[name], node]),
  );
}

/** Still on the page? After instant navigation an old tool's root is gone. */
export function alive(root) {
  return document.body.contains(root);
}
