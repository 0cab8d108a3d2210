// Page glue for the fee calculator: collects inputs, asks the worker, renders
// the reply as text. It never computes and never builds HTML from input.
// Loaded on every page (Material's instant navigation keeps it alive); only a
// page with #fee-calculator starts the worker, so guide pages fetch no runtime.

const state = { worker: null, ready: false, failed: false, latest: 0, listeners: new Set() };

function startWorker(root) {
  if (state.worker) return;
  const assets = new URL("../", import.meta.url);
  const runtimeURL = new URL(`${root.dataset.runtime}/`, assets).href;
  const packageURL = new URL(`py/${root.dataset.package}`, assets).href;
  state.worker = new Worker(new URL("./py-worker.js", import.meta.url), { type: "module" });
  state.worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === "ready") state.ready = true;
    if (message.type === "failed") state.failed = true;
    for (const listener of state.listeners) listener(message);
  };
  state.worker.postMessage({ type: "init", runtimeURL, packageURL });
}

function setText(element, text) {
  if (element) element.textContent = text;
}

function wireCalculator(root) {
  root.hidden = false;
  const form = root.querySelector("form");
  const status = root.querySelector("#calc-status");
  const error = root.querySelector("#calc-error");
  const detail = root.querySelector("#calc-detail");
  const outputs = Object.fromEntries(
    [...root.querySelectorAll("[data-out]")].map((el) => [el.dataset.out, el]),
  );

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

  function ask() {
    if (!state.ready) return;
    const id = ++state.latest;
    const args = {
      amount: form.elements.amount.value,
      channel: form.elements.channel.value,
      plan: form.elements.plan.value,
    };
    state.pending = id;
    state.worker.postMessage({ id, fn: "fee", args });
  }

  const listener = (message) => {
    if (!document.body.contains(root)) {
      state.listeners.delete(listener);
      return;
    }
    if (message.type === "ready") {
      setText(status, "计算引擎已就绪，修改金额即可重新计算。");
      ask();
    } else if (message.type === "failed") {
      root.dataset.failure = message.message || "";
      setText(status, "计算引擎加载失败。下方的费率表仍然可用，也可以刷新页面重试。");
    } else if (message.id === state.latest) {
      render(message.reply);
    }
  };
  state.listeners.add(listener);
  form.addEventListener("input", ask);
  form.addEventListener("change", ask);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask();
  });

  startWorker(root);
  if (state.ready) listener({ type: "ready" });
  if (state.failed) listener({ type: "failed" });
}

function onPage() {
  const root = document.getElementById("fee-calculator");
  if (root) wireCalculator(root);
}

if (window.document$) {
  window.document$.subscribe(onPage);
} else {
  onPage();
}
