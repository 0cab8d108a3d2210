// The calculator's shared link. Writing: the form's values become a query
// string whose names all come from the contract. Reading: the query goes to
// Python's fees_link, which checks it like typed input; only the values it
// cleaned come back, and the page puts them in the form as text.

import { ask } from "./runtime/client.js";
import { customBoxes, valueAt } from "./contract.js";

/**
 * The query for `values`: {view, amount, …} by the contract's parameter keys
 * (only those the current view shows), `mix` rows and the `custom` plan.
 */
export function linkParams(values, contract) {
  const { link, mix } = contract;
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(link.params)) {
    const value = values[key];
    if (Array.isArray(value)) params.set(name, value.join(link.list_join));
    else if (typeof value === "string") params.set(name, value);
  }
  for (const { channel, total, count } of values.mix || []) {
    if (total.trim() || count.trim()) {
      params.set(`${link.mix_prefix}${channel}`, `${total.trim()}${mix.join}${count.trim()}`);
    }
  }
  if (values.custom) {
    for (const [name, path] of customBoxes(contract)) {
      const value = (valueAt(values.custom, path) || "").trim();
      if (value) params.set(name, value);
    }
  }
  return params;
}

/** Put the link in the address bar (no new history entry) and the share box. */
export function showLink(params, shareBox) {
  const url = new URL(window.location.href);
  url.search = `?${params}`;
  window.history.replaceState(window.history.state, "", url.href);
  shareBox.value = url.href;
}

/**
 * The opened link's values, checked by Python, in linkParams' shape; with the
 * Chinese problems of what was dropped. Null when there is no link to read.
 */
export async function readLink(contract) {
  const search = new URLSearchParams(window.location.search);
  if (![...search.keys()].length) return null;
  const reply = await ask("fees_link", { query: Object.fromEntries(search) });
  if (!reply || reply.error) return null;
  const { state, problems } = reply;
  const { link, channels } = contract;
  const values = { custom: state.custom };
  for (const [key, name] of Object.entries(link.params)) values[key] = state[name];
  const rows = channels.map(({ id }) => [id, state[`${link.mix_prefix}${id}`]]);
  // A link with any month fills every row, so unlisted channels come back empty.
  if (rows.some(([, month]) => month)) {
    values.mix = rows.map(([channel, month]) => ({
      channel,
      total: month ? month.total : "",
      count: month ? month.count : "",
    }));
  }
  return { values, problems };
}
