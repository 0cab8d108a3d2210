// What the reader sees of the runtime inside a tool: download progress, and on
// failure a Chinese reason with a retry button. The worker and its messages
// are client.js's business; this module only shows its status.

import { alive, el } from "../dom.js";
import { onStatus, retryRuntime, startRuntime } from "./client.js";

const FAILURE_ZH = {
  "no-wasm":
    "您的浏览器不支持 WebAssembly，计算器无法运行。请换用新版的微信、Chrome、Edge 或 Safari 打开本页。",
  "no-worker": "您的浏览器无法启动计算器（不支持后台计算）。请换用新版浏览器打开本页。",
  memory: "手机内存不足，计算器没能启动。请关掉一些其他应用或网页后点“重试”。",
  network: "计算器没能下载完成，可能是网络中断或被拦截。请检查网络后点“重试”。",
  other: "计算器启动失败。请点“重试”，或稍后刷新页面。",
};

/** The Chinese sentence for a failed status. */
export function failureText(s) {
  return FAILURE_ZH[s.reason] || FAILURE_ZH.other;
}

// Decimal megabytes, as the page's build-time "约 5 MB" (bytes on the wire) counts them.
function megabytes(bytes) {
  return (bytes / 1000000).toFixed(1);
}

function showLoading(label, bar, s) {
  if (s.state === "starting") {
    bar.removeAttribute("value");
    label.textContent = "下载完成，正在启动……";
  } else if (s.total) {
    bar.value = s.loaded / s.total;
    const percent = Math.floor((100 * s.loaded) / s.total);
    label.textContent = `正在准备：已下载 ${megabytes(s.loaded)} / ${megabytes(s.total)} MB（${percent}%）`;
  } else {
    bar.removeAttribute("value");
    label.textContent = "正在准备……";
  }
}

/**
 * Show the runtime's download progress, and on failure a Chinese message and
 * a retry button, inside `element` (a tool's status area). Hands the element
 * back to the tool when the runtime is ready. Returns an unsubscribe.
 */
export function mountRuntimeStatus(element, { retryRoot, note } = {}) {
  let box = null;
  let stop = null;
  let stopped = false;
  const unsubscribe = () => {
    stopped = true;
    if (stop) stop();
  };
  stop = onStatus((s) => {
    if (stopped) return;
    // Back on a tool page after instant navigation: the tool already says ready.
    if (!box && s.state === "ready") {
      unsubscribe();
      return;
    }
    if (!element.isConnected) {
      unsubscribe();
      return;
    }
    if (!box) {
      box = el("span", [], { class: "pos-runtime" });
      const retry = el("button", "重试", { type: "button", class: "pos-runtime__retry md-button" });
      retry.addEventListener("click", () => retryRuntime(retryRoot));
      const bar = el("progress", null, { class: "pos-runtime__bar", max: "1" });
      box.append(el("span", null, { class: "pos-runtime__label" }), bar, retry);
      element.replaceChildren(box);
    }
    const [label, bar, retry] = box.children;
    element.dataset.runtime = s.state;
    retry.hidden = s.state !== "failed";
    bar.hidden = s.state === "failed";
    if (s.state === "failed") {
      label.textContent = `${failureText(s)}${note ? ` ${note}` : ""}`;
    } else if (s.state === "ready") {
      if (box.isConnected) box.remove();
      unsubscribe();
    } else showLoading(label, bar, s);
  });
  if (stopped) stop();
  return unsubscribe;
}

/**
 * Start a tool: its status area shows the runtime loading (or why it failed,
 * with `note` on what the reader can do meanwhile), and `onReady` runs each
 * time the runtime is ready while the tool is still on the page.
 */
export function runTool(root, statusArea, { note, onReady }) {
  let unsubscribe = null;
  unsubscribe = onStatus((s) => {
    if (!alive(root)) {
      if (unsubscribe) unsubscribe();
      return;
    }
    if (s.state === "ready") onReady();
    // mountRuntimeStatus shows why in Chinese, with a retry button.
    else if (s.state === "failed") root.dataset.failure = s.message || "";
  });
  mountRuntimeStatus(statusArea, { retryRoot: root, note });
  startRuntime(root);
}
