// The troubleshooting walker: shows one question at a time and the result
// card. The walk itself (and every word) comes from calculator.api in the
// worker; this file only renders replies as text and keeps the answers in the
// URL (?a=question=answer,…) so a result can be shared.

import { ask, mountRuntimeStatus, onStatus, startRuntime } from "./py-client.js";

const PARAM = "a";

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function section(title, body) {
  return el("section", { className: "pos-walk__part" }, [el("h3", { text: title }), body]);
}

function list(tag, items) {
  return el(
    tag,
    {},
    items.map((item) => el("li", { text: item })),
  );
}

function answersFromURL() {
  return new URLSearchParams(window.location.search).get(PARAM) || "";
}

function urlFor(answers) {
  const url = new URL(window.location.href);
  url.hash = "";
  // Ids are lower-case letters, digits and dashes; "=" and "," are fine in a query.
  url.search = answers ? `?${PARAM}=${answers}` : "";
  return url.href;
}

export function mount(root) {
  const staticTree = document.getElementById("checklist-static");
  const status = root.querySelector("#walk-status");
  const error = root.querySelector("#walk-error");
  const main = root.querySelector("#walk-main");
  const progress = root.querySelector("#walk-progress");
  const view = root.querySelector("#walk-view");
  const back = root.querySelector("#walk-back");
  const restart = root.querySelector("#walk-restart");
  const print = root.querySelector("#walk-print");
  const all = root.querySelector("#walk-all");
  let current = null;
  let busy = false;
  root.hidden = false;

  function showError(message) {
    error.hidden = !message;
    error.textContent = message || "";
  }

  function renderQuestion(reply) {
    const q = reply.question;
    const heading = el("h2", { id: "walk-heading", tabindex: "-1", text: q.text });
    const help = el("p", { className: "pos-walk__help", id: "walk-help", text: q.help });
    const buttons = q.answers.map((answer) =>
      el("li", {}, [
        el("button", {
          type: "button",
          className: "pos-walk__answer",
          "data-answer": answer.id,
          text: answer.label,
        }),
      ]),
    );
    view.replaceChildren(heading, help, el("ul", { className: "pos-walk__answers" }, buttons));
  }

  function renderOutcome(reply) {
    const o = reply.outcome;
    const causeLink = el("a", { href: o.cause.url, text: o.cause.title });
    const share = urlFor(reply.answers);
    const card = el("article", { className: "pos-walk__card", "aria-labelledby": "walk-heading" }, [
      el("p", { className: "pos-walk__kicker" }, ["可能的原因：", causeLink]),
      el("h2", { id: "walk-heading", tabindex: "-1", text: o.title }),
      el("p", { text: o.summary }),
      section("接下来这样做", list("ol", o.steps)),
      section("要准备的材料", list("ul", o.documents)),
      section("找谁", list("ul", o.contacts)),
      section("一般要多久", el("p", { text: o.time })),
      section(
        "注意",
        el(
          "ul",
          { className: "pos-walk__warnings" },
          o.warnings.map((w) => el("li", { text: w })),
        ),
      ),
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
          {},
          o.links.map((link) => el("li", {}, [el("a", { href: link.url, text: link.text })])),
        ),
      ),
      el("p", { className: "pos-walk__share" }, [
        "把这个结果发给客服或自己留着：",
        el("a", { href: share, id: "walk-share", text: share }),
      ]),
    ]);
    view.replaceChildren(card);
  }

  function render(reply, { focus }) {
    current = reply;
    root.dataset.view = reply.kind;
    progress.textContent = reply.progress;
    if (reply.kind === "outcome") renderOutcome(reply);
    else renderQuestion(reply);
    back.disabled = reply.path.length === 0;
    restart.disabled = reply.path.length === 0;
    print.hidden = reply.kind !== "outcome";
    const wanted = reply.answers ? `?${PARAM}=${reply.answers}` : "";
    if (window.location.search !== wanted) {
      window.history.replaceState(window.history.state, "", urlFor(reply.answers));
    }
    if (focus) view.querySelector("#walk-heading").focus();
  }

  async function go(answers, { focus = true } = {}) {
    if (busy) return;
    busy = true;
    try {
      const reply = await ask("walker_step", { answers });
      if (!document.body.contains(root)) return;
      if (reply.error) {
        showError(reply.error.message_zh);
        render(reply.restart, { focus });
      } else {
        showError("");
        render(reply, { focus });
      }
    } finally {
      busy = false;
    }
  }

  view.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-answer]");
    if (!button || !current || current.kind !== "question") return;
    const pair = `${current.question.id}=${button.dataset.answer}`;
    go(current.answers ? `${current.answers},${pair}` : pair);
  });
  back.addEventListener("click", () => {
    if (!current || current.path.length === 0) return;
    go(
      current.path
        .slice(0, -1)
        .map((s) => `${s.question}=${s.answer}`)
        .join(","),
    );
  });
  restart.addEventListener("click", () => go(""));
  print.addEventListener("click", () => window.print());
  all.addEventListener("click", () => {
    if (!staticTree) return;
    const show = staticTree.hidden;
    staticTree.hidden = !show;
    all.setAttribute("aria-expanded", String(show));
    all.textContent = show ? "收起全部问题和结果" : "显示全部问题和结果";
  });

  let unsubscribe = null;
  unsubscribe = onStatus((s) => {
    if (!document.body.contains(root)) {
      if (unsubscribe) unsubscribe();
      return;
    }
    if (s.state === "ready" && main.hidden) {
      status.textContent = "";
      status.hidden = true;
      main.hidden = false;
      if (staticTree) staticTree.hidden = true;
      go(answersFromURL(), { focus: false });
    } else if (s.state === "failed") {
      // mountRuntimeStatus shows why in Chinese, with a retry button.
      root.dataset.failure = s.message || "";
    }
  });
  mountRuntimeStatus(status, { retryRoot: root, note: "下面的文字版内容一样，可以直接看。" });
  startRuntime(root);
}
