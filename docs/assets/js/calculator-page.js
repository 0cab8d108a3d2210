// The fee calculator form: collects inputs, asks the worker, renders the reply
// as text. It never computes and never builds HTML from input.

import { debounced, latestOnly, mountRuntimeStatus, onStatus, startRuntime } from "./py-client.js";

function setText(element, text) {
  if (element) element.textContent = text;
}

export function mount(root) {
  root.hidden = false;
  const form = root.querySelector("form");
  const status = root.querySelector("#calc-status");
  const error = root.querySelector("#calc-error");
  const detail = root.querySelector("#calc-detail");
  const outputs = Object.fromEntries(
    [...root.querySelectorAll("[data-out]")].map((el) => [el.dataset.out, el]),
  );
  const askLatest = latestOnly();
  let ready = false;

  function render(reply) {
    if (reply.error) {
      error.hidden = false;
      setText(error, reply.error.message_zh);
      for (const el of Object.values(outputs)) setText(el, "—");
      setText(detail, "");
      return;
    }
    error.hidden = true;
    setText(error, "");
    setText(outputs.fee, `${reply.fee} 元`);
    setText(outputs.net, `${reply.net} 元`);
    setText(outputs.effective_rate, reply.effective_rate);
    const b = reply.breakdown;
    const parts = [`按 ${b.rate_percent} 计算为 ${b.percent_raw} 元`];
    if (b.cap_applied) parts.push(`超过封顶，按 ${b.cap} 元收取`);
    if (b.min_applied) parts.push(`低于最低收费，按 ${b.min} 元收取`);
    if (b.fixed !== "0.00") parts.push(`另加每笔 ${b.fixed} 元`);
    parts.push("按四舍五入保留到分");
    setText(detail, `${parts.join("，")}。`);
  }

  async function recompute() {
    if (!ready) return;
    const reply = await askLatest("fee", {
      amount: form.elements.amount.value,
      channel: form.elements.channel.value,
      plan: form.elements.plan.value,
    });
    if (reply && document.body.contains(root)) render(reply);
  }

  let unsubscribe = null;
  unsubscribe = onStatus((s) => {
    if (!document.body.contains(root)) {
      if (unsubscribe) unsubscribe();
      return;
    }
    if (s.state === "ready") {
      ready = true;
      setText(status, "计算引擎已就绪，修改金额即可重新计算。");
      recompute();
    } else if (s.state === "failed") {
      root.dataset.failure = s.message || "";
    }
  });
  form.addEventListener("input", debounced(recompute));
  form.addEventListener("change", recompute);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recompute();
  });
  mountRuntimeStatus(status, { retryRoot: root, note: "下方的费率表仍然可以查看。" });
  startRuntime(root);
}
