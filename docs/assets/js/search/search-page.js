// The search box: types go to engine.js, sections come back as links. Loaded
// by main.js the first time a reader opens or focuses the box. Text only: the
// excerpt's <mark> tags become <mark> elements, everything else stays text.

import { el, setText } from "../dom.js";
import { load, normalize, search } from "./engine.js";

const WAIT_MS = 120;
const SHOWN = 10;

const TEXT = {
  hint: "输入您遇到的问题或提示，例如“户名不一致”“手续费”“防骗”",
  loading: "正在准备搜索…",
  searching: "正在查找…",
  none: "没有找到相关内容。换个说法试试，例如“改卡”“审核”“手续费”“骗局”。",
  failed: "搜索没有加载成功，请检查网络后再试一次。",
  found: (count) => `找到 ${count} 处相关内容`,
};

const ENTITIES = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&#x27;": "'",
};

/** Pagefind's excerpt as nodes: its <mark> as <mark>, the rest as text. */
export function excerptNodes(excerpt) {
  const decode = (text) => text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (m) => ENTITIES[m]);
  return excerpt.split(/(<mark>[^<]*<\/mark>)/).map((part) => {
    const marked = /^<mark>([^<]*)<\/mark>$/.exec(part);
    return marked ? el("mark", decode(marked[1])) : document.createTextNode(decode(part));
  });
}

function resultItem(result) {
  const lines = [el("div", result.title, { class: "pos-search__title" })];
  if (result.page) lines.push(el("div", result.page, { class: "pos-search__page" }));
  if (result.excerpt)
    lines.push(el("p", excerptNodes(result.excerpt), { class: "pos-search__excerpt" }));
  const link = el("a", [el("article", lines, { class: "md-search-result__article md-typeset" })], {
    class: "md-search-result__link",
    href: result.url,
  });
  return el("li", [link], { class: "md-search-result__item" });
}

export function mount(input) {
  if (input.dataset.mounted) return;
  input.dataset.mounted = "true";
  const list = document.getElementById("pos-search-results");
  const status = document.getElementById("pos-search-status");
  const toggle = document.getElementById("__search");
  let timer = 0;
  let latest = "";

  async function run() {
    const query = normalize(input.value);
    latest = query;
    if (!query) {
      list.replaceChildren();
      delete list.dataset.query;
      setText(status, TEXT.hint);
      return;
    }
    setText(status, TEXT.searching);
    let results;
    try {
      results = await search(query, SHOWN);
    } catch {
      if (latest === query) setText(status, TEXT.failed);
      return;
    }
    if (latest !== query) return; // the reader typed on; a newer search will answer
    list.replaceChildren(...results.map(resultItem));
    list.dataset.query = query;
    setText(status, results.length ? TEXT.found(results.length) : TEXT.none);
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(run, WAIT_MS);
  }

  // "input" also fires on paste and when a phone keyboard commits text without
  // a key-up; wait for a Chinese input method to finish its word.
  input.addEventListener("input", (event) => {
    if (event.inputType === "insertFromPaste") run();
    else if (!event.isComposing) soon();
  });
  input.addEventListener("compositionend", soon);
  input.form.addEventListener("reset", () => {
    input.value = "";
    run();
    input.focus();
  });
  input.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) first.click();
  });
  // Arrow keys walk the results (Escape is main.js's: it works before this loads).
  input.closest(".md-search").addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!links.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = at + step;
      if (next < 0) input.focus();
      else links[Math.min(next, links.length - 1)].focus();
    }
  });
  // Following a result closes the search (instant navigation keeps the page).
  list.addEventListener("click", (event) => {
    if (event.target.closest("a")) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  });
  setText(status, TEXT.loading);
  load().then(
    () => (input.value ? run() : setText(status, TEXT.hint)),
    () => setText(status, TEXT.failed),
  );
}
