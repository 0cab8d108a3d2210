// The troubleshooting walker: shows one question at a time and the result
// card. The walk itself (and every word) comes from calculator.api in the
// worker; this file only renders replies as text and keeps the answers in the
// URL (?a=question=answer,…, both the name and the answers written by Python)
// so a result can be shared. Each step is an entry in the browser's history,
// so the phone's Back button goes to the previous question and Forward returns.

import { readContract } from "./contract.js";
import { alive, el, setText, showMessage } from "./dom.js";
import { ask } from "./runtime/client.js";
import { runTool } from "./runtime/status.js";

function parts(root) {
  const $ = (selector) => root.querySelector(selector);
  return {
    root,
    staticTree: document.getElementById("walker-static"),
    status: $("#walker-status"),
    error: $("#walker-error"),
    main: $("#walker-main"),
    progress: $("#walker-progress"),
    view: $("#walker-view"),
    back: $("#walker-back"),
    restart: $("#walker-restart"),
    print: $("#walker-print"),
    all: $("#walker-all"),
  };
}

// ---- the shared link ---------------------------------------------------------

function answersFromURL(param) {
  return new URLSearchParams(window.location.search).get(param) || "";
}

function urlFor(param, answers) {
  const url = new URL(window.location.href);
  url.hash = "";
  // Ids are lower-case letters, digits and dashes; "=" and "," are fine in a query.
  url.search = answers ? `?${param}=${answers}` : "";
  return url.href;
}

// ---- rendering -----------------------------------------------------------------

function section(title, body) {
  return el("section", [el("h3", title), body], { class: "pos-walker__part" });
}

function list(tag, items, attributes) {
  return el(
    tag,
    items.map((item) => el("li", item)),
    attributes,
  );
}

function questionView(reply) {
  const q = reply.question;
  const buttons = q.answers.map((answer) =>
    el("li", [
      el("button", answer.label, {
        type: "button",
        class: "pos-walker__answer",
        "data-answer": answer.id,
      }),
    ]),
  );
  return [
    el("h2", q.text, { id: "walker-heading", tabindex: "-1" }),
    el("p", q.help, { class: "pos-walker__help", id: "walker-help" }),
    el("ul", buttons, { class: "pos-walker__answers" }),
  ];
}

function outcomeView(reply, share) {
  const o = reply.outcome;
  const card = el(
    "article",
    [
      el("p", ["可能的原因：", el("a", o.cause.title, { href: o.cause.url })], {
        class: "pos-walker__kicker",
      }),
      el("h2", o.title, { id: "walker-heading", tabindex: "-1" }),
      el("p", o.summary),
      section("接下来这样做", list("ol", o.steps)),
      section("要准备的材料", list("ul", o.documents)),
      section("找谁", list("ul", o.contacts)),
      section("一般要多久", el("p", o.time)),
      section("注意", list("ul", o.warnings, { class: "pos-walker__warnings" })),
      section(
        "您的回答",
        list(
          "ol",
          reply.path.map((step) => `${step.question_text} ${step.answer_label}`),
        ),
      ),
      section(
        "相关页面",
        el(
          "ul",
          o.links.map((link) => el("li", [el("a", link.text, { href: link.url })])),
        ),
      ),
      el(
        "p",
        ["把这个结果发给客服或自己留着：", el("a", share, { href: share, id: "walker-share" })],
        {
          class: "pos-walker__share",
        },
      ),
    ],
    { class: "pos-walker__card", "aria-labelledby": "walker-heading" },
  );
  return [card];
}

/**
 * Keep the address in step with the walk: "push" adds a history entry (an
 * answer, a step back, a restart), "replace" only corrects the current one
 * (the first reply, or the browser's own Back and Forward). The state stays
 * null: the theme's instant navigation treats entries with a state as its own.
 */
function record(share, history) {
  if (window.location.search === new URL(share).search) return;
  if (history === "push") window.history.pushState(null, "", share);
  else window.history.replaceState(window.history.state, "", share);
}

function render(tool, reply, { focus, history, reveal }) {
  tool.current = reply;
  tool.root.dataset.view = reply.kind;
  setText(tool.progress, reply.progress);
  const share = urlFor(tool.param, reply.answers);
  const view = reply.kind === "outcome" ? outcomeView(reply, share) : questionView(reply);
  tool.view.replaceChildren(...view);
  tool.back.disabled = reply.path.length === 0;
  tool.restart.disabled = reply.path.length === 0;
  tool.print.hidden = reply.kind !== "outcome";
  record(share, history);
  // A shared link to a result opens at the result, not at the page's introduction.
  if (reveal && reply.kind === "outcome") tool.main.scrollIntoView({ block: "start" });
  if (focus) tool.view.querySelector("#walker-heading").focus();
}

// ---- lifecycle -----------------------------------------------------------------

async function go(tool, answers, { focus = true, history = "push", reveal = false } = {}) {
  if (tool.busy) {
    // Back pressed twice quickly: the last address wins once this step is shown.
    if (history === "replace") tool.pending = answers;
    return;
  }
  tool.busy = true;
  try {
    const reply = await ask("walker_step", { answers });
    if (!alive(tool.root)) return;
    showMessage(tool.error, reply.error ? reply.error.message_zh : "");
    render(tool, reply.error ? reply.restart : reply, { focus, history, reveal });
  } finally {
    tool.busy = false;
  }
  if (tool.pending !== null) {
    const next = tool.pending;
    tool.pending = null;
    go(tool, next, { history: "replace" });
  }
}

function showStaticTree({ staticTree, all }, show) {
  if (!staticTree) return;
  staticTree.hidden = !show;
  all.setAttribute("aria-expanded", String(show));
  all.textContent = show ? "收起全部问题和结果" : "显示全部问题和结果";
}

/** The reader scrolled down to the text version and it is on screen. */
function readingStaticTree(staticTree) {
  if (!staticTree || window.scrollY <= 0) return false;
  const box = staticTree.getBoundingClientRect();
  return box.top < window.innerHeight && box.bottom > 0;
}

/** Call the result after changing what is above `element`: it is scrolled back to where it was. */
function keepInPlace(element) {
  if (!element) return () => {};
  const top = element.getBoundingClientRect().top;
  return () => window.scrollBy(0, element.getBoundingClientRect().top - top);
}

async function onReady(tool) {
  if (!tool.main.hidden) return;
  // While Python loads, the status line invites reading the text version. A
  // reader who took that up keeps it, where it is on screen, with the walker
  // above it (the button folds it); the browser's own scroll anchoring does
  // not do that while the walker's box is on screen. Everyone else gets the
  // walker alone.
  const reading = readingStaticTree(tool.staticTree);
  const restore = keepInPlace(reading ? tool.staticTree : null);
  setText(tool.status, "");
  tool.status.hidden = true;
  tool.main.hidden = false;
  showStaticTree(tool, reading);
  restore();
  await go(tool, answersFromURL(tool.param), { focus: false, history: "replace", reveal: true });
  restore();
}

/** The browser's Back or Forward within this page: show the step its address names. */
function onHistory(tool) {
  const listener = () => {
    if (!alive(tool.root)) {
      window.removeEventListener("popstate", listener); // instant navigation left the page
      return;
    }
    if (!tool.main.hidden) go(tool, answersFromURL(tool.param), { history: "replace" });
  };
  window.addEventListener("popstate", listener);
}

export function mount(root) {
  const tool = {
    ...parts(root),
    param: readContract(root).walker.param,
    current: null,
    busy: false,
    pending: null, // answers of a Back or Forward that came while busy
  };
  root.hidden = false;
  tool.view.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-answer]");
    const current = tool.current;
    if (!button || !current || current.kind !== "question") return;
    go(tool, current.next[button.dataset.answer]);
  });
  tool.back.addEventListener("click", () => {
    if (tool.current && tool.current.path.length > 0) go(tool, tool.current.back);
  });
  tool.restart.addEventListener("click", () => go(tool, ""));
  tool.print.addEventListener("click", () => window.print());
  tool.all.addEventListener("click", () => showStaticTree(tool, Boolean(tool.staticTree?.hidden)));
  onHistory(tool);
  runTool(root, tool.status, {
    note: "下面的文字版内容一样，可以直接看。",
    onReady: () => onReady(tool),
  });
}
