// The browser contract, owned by Python (calculator/api/contract.py) and
// rendered by the build into each tool as
//   <template data-contract><script type="application/json" id="pos-contract">
// Channel ids and names, views, shared-link names and the mix format come from
// here; no page module keeps a copy. The <template> keeps the block inert:
// Material's instant navigation re-creates every <script> in the content as a
// plain script (dropping its type), which the CSP would refuse.

const parsed = new WeakMap();

/** The contract inside `root` (the current page's tool), parsed once. */
export function readContract(root) {
  const holder = root.querySelector("template[data-contract]");
  const block = holder && holder.content.getElementById("pos-contract");
  if (!block) throw new Error("this tool has no #pos-contract");
  if (!parsed.has(block)) parsed.set(block, JSON.parse(block.textContent));
  return parsed.get(block);
}

/** Every custom-rate box as [name, path]: ["c_debit_cap", ["channels", "debit", "cap"]]. */
export function customBoxes(contract) {
  const boxes = [];
  const walk = (node, path) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string") boxes.push([value, [...path, key]]);
      else walk(value, [...path, key]);
    }
  };
  walk(contract.link.custom, []);
  return boxes;
}

export function valueAt(object, path) {
  return path.reduce((node, key) => (node ? node[key] : undefined), object);
}

/** The reader's own rates exactly as typed, shaped as Python's custom plan. */
export function readCustom(form, contract) {
  const custom = {};
  for (const [name, path] of customBoxes(contract)) {
    const box = form.elements[name];
    if (!box) continue;
    let node = custom;
    for (const key of path.slice(0, -1)) node = node[key] = node[key] || {};
    node[path[path.length - 1]] = box.value;
  }
  return custom;
}

/** Is Python's error `field` ("channels.debit.cap") one of the custom-rate boxes? */
export function isCustomField(contract, field) {
  const top = String(field).split(".")[0];
  return Object.prototype.hasOwnProperty.call(contract.link.custom, top);
}

/**
 * Mark the control Python named in an error (aria-invalid), clear the rest.
 * `field` is a form name ("amount") or a custom-rate path ("channels.debit.cap").
 */
export function markField(form, contract, field) {
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const box = customBoxes(contract).find(([, path]) => path.join(".") === field);
  const control = form.elements[box ? box[0] : field];
  if (control instanceof HTMLElement) control.setAttribute("aria-invalid", "true");
}
