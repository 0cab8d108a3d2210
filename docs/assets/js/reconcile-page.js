// The statement check (对账) page: reads the file as bytes, hands them to the
// shared Python worker in steps (so a progress bar can move between steps),
// and renders the plain reply as text. It never computes fees and never
// builds HTML from the statement: createElement and textContent only.
// Nothing is sent anywhere: the worker runs on this device.

import { ask, mountRuntimeStatus, onStatus, startRuntime } from "./py-client.js";

const STEP_ROWS = 20000;
const SHOWN_ROWS = 500;
const CHANNELS = ["credit", "debit", "wechat", "alipay", "unionpay_qr"];

function setText(element, text) {
  if (element) element.textContent = text;
}

function cell(tag, text) {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function customPlan(form) {
  const channels = {};
  for (const id of CHANNELS) {
    const rate = form.elements[`rate-${id}`].value.trim();
    if (!rate) continue;
    const entry = { rate_percent: rate };
    const fixed = form.elements[`fixed-${id}`].value.trim();
    const cap = form.elements[`cap-${id}`].value.trim();
    if (fixed) entry.fixed = fixed;
    if (cap) entry.cap = cap;
    // Numbers travel as JSON numbers, which Python reads as exact Decimals.
    for (const key of Object.keys(entry)) {
      const value = entry[key];
      if (!/^\d{1,5}(\.\d{1,4})?$/.test(value)) {
        throw new Error(
          `自定义费率里的“${value}”不是数字：费率写 0.6 这样的百分数，金额写 3 或 25 这样的元数。`,
        );
      }
      entry[key] = Number(value);
    }
    channels[id] = entry;
  }
  if (Object.keys(channels).length === 0) {
    throw new Error("请至少填写一种支付方式的费率，或者选择一个公开的费率方案。");
  }
  return { channels };
}

export function mount(root) {
  root.hidden = false;
  const $ = (selector) => root.querySelector(selector);
  const form = $("#recon-form");
  const submit = $("#recon-submit");
  const status = $("#recon-status");
  const progress = $("#recon-progress");
  const error = $("#recon-error");
  const result = $("#recon-result");
  const mapping = $("#recon-mapping");
  const outputs = Object.fromEntries(
    [...root.querySelectorAll("[data-out]")].map((el) => [el.dataset.out, el]),
  );
  let source = null; // the statement args of the current check
  let flaggedRows = [];
  let sort = { key: "line", descending: false };
  let csvText = "";
  let running = false;

  const alive = () => document.body.contains(root);

  function showError(message) {
    error.hidden = !message;
    setText(error, message || "");
  }

  function setProgress(done, total) {
    progress.hidden = false;
    progress.value = total ? Math.round((100 * done) / total) : 0;
    setText(
      status,
      `正在核对：${done.toLocaleString("zh-CN")} / ${total.toLocaleString("zh-CN")} 行`,
    );
  }

  async function statementArgs() {
    const file = form.elements.file.files[0];
    const args = {};
    if (file) {
      setText(status, `正在读取文件 ${file.name}……`);
      try {
        args.data = toBase64(await file.arrayBuffer());
      } catch (failure) {
        throw new Error(`文件读不出来：${failure.message || failure}`);
      }
    } else {
      args.text = form.elements.text.value;
    }
    if (form.elements.plan.value === "custom") args.custom = customPlan(form);
    else args.plan = form.elements.plan.value;
    return args;
  }

  async function run(extra) {
    if (running) return;
    running = true;
    submit.disabled = true;
    showError("");
    result.hidden = true;
    try {
      // Marks cost nothing and let `make bench` see where the time goes.
      performance.mark("recon-open");
      const opened = await ask("statement_open", { ...source, ...extra });
      performance.mark("recon-opened");
      if (!alive()) return;
      if (opened.error) {
        showError(opened.error.message_zh);
        setText(status, "没有核对。请按提示修改后再试。");
        return;
      }
      if (opened.need_mapping) {
        showMapping(opened);
        setText(status, "需要您指定每一列是什么。");
        return;
      }
      mapping.hidden = true;
      let step = opened;
      setProgress(step.done, step.total);
      while (step.done < step.total) {
        step = await ask("statement_step", { job: opened.job, count: STEP_ROWS });
        if (!alive()) return;
        if (step.error) throw new Error(step.error.message_zh);
        setProgress(step.done, step.total);
      }
      performance.mark("recon-checked");
      const reply = await ask("statement_result", { job: opened.job, limit: SHOWN_ROWS });
      if (!alive()) return;
      if (reply.error) throw new Error(reply.error.message_zh);
      performance.mark("recon-result");
      render(reply);
      performance.mark("recon-rendered");
      setText(status, "核对完成。");
    } catch (failure) {
      showError(failure.message || String(failure));
      setText(status, "核对没有完成，请刷新页面后重试。");
    } finally {
      running = false;
      submit.disabled = false;
    }
  }

  function showMapping(reply) {
    mapping.hidden = false;
    setText($("#recon-mapping-message"), reply.message_zh);
    const box = $("#recon-mapping-fields");
    box.replaceChildren();
    for (const { field, name } of reply.fields) {
      const wrap = document.createElement("div");
      wrap.className = "pos-calc__field";
      const label = cell("label", name);
      label.htmlFor = `recon-map-${field}`;
      const select = document.createElement("select");
      select.id = `recon-map-${field}`;
      select.dataset.field = field;
      select.append(new Option("（没有这一列）", ""));
      for (const column of reply.columns) {
        const samples = column.samples
          .filter((s) => s)
          .slice(0, 2)
          .join("，");
        select.append(new Option(`第 ${column.index + 1} 列：${samples}`, String(column.index)));
      }
      if (field in reply.guess) select.value = String(reply.guess[field]);
      wrap.append(label, select);
      box.append(wrap);
    }
    mapping.scrollIntoView({ block: "start" });
  }

  function chosenMapping() {
    const chosen = {};
    for (const select of root.querySelectorAll("#recon-mapping-fields select")) {
      if (select.value !== "") chosen[select.dataset.field] = Number(select.value);
    }
    const fallback = $("#recon-channel-default").value;
    if (fallback) chosen.channel_default = fallback;
    chosen.header = $("#recon-has-header").checked;
    return chosen;
  }

  function render(reply) {
    result.hidden = false;
    const n = (value) => value.toLocaleString("zh-CN");
    setText(outputs.rows, n(reply.rows));
    setText(outputs.checked, n(reply.checked));
    setText(outputs.flagged, n(reply.flagged));
    setText(outputs.rejected, n(reply.rejected));
    setText(outputs.overcharge, `${reply.overcharge} 元`);
    const sum = reply.checked + reply.flagged + reply.rejected;
    setText(
      $("#recon-adds-up"),
      `${n(reply.checked)} + ${n(reply.flagged)} + ${n(reply.rejected)} = ${n(sum)} 行，` +
        (sum === reply.rows
          ? "与读到的交易行数一致，没有遗漏。"
          : `与读到的 ${n(reply.rows)} 行不一致！`),
    );
    const changes = $("#recon-changes");
    changes.replaceChildren();
    for (const change of reply.rate_changes) {
      const before = change.rate_before ? `，之前实际费率 ${change.rate_before}` : "";
      const as = change.charged_as ? `，看起来是${change.charged_as}收取` : "";
      changes.append(
        cell(
          "li",
          `${change.channel_name}：从 ${change.date} 起多收${before}，之后 ${change.rate_after}${as}。`,
        ),
      );
    }
    $("#recon-changes-title").hidden = reply.rate_changes.length === 0;
    const channelBody = $("#recon-channels tbody");
    channelBody.replaceChildren();
    for (const c of reply.channels) {
      const row = document.createElement("tr");
      for (const text of [
        c.channel_short,
        n(c.rows),
        c.amount,
        c.fee,
        c.effective_rate,
        c.expected_rate,
        `${c.overcharge} 元`,
      ]) {
        row.append(cell("td", text));
      }
      channelBody.append(row);
    }
    const chartBox = $("#recon-chart-box");
    const chart = $("#recon-chart");
    chartBox.hidden = !reply.chart_svg;
    if (reply.chart_svg) {
      // An <img> never runs anything inside the SVG.
      chart.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(reply.chart_svg)}`;
      chart.alt = reply.rate_changes.length
        ? `实际费率随日期变化的折线图。${[...changes.children].map((li) => li.textContent).join("")}`
        : "实际费率随日期变化的折线图：各支付方式都和合同一致。";
    }
    flaggedRows = reply.flagged_rows;
    sort = { key: "line", descending: false };
    renderFlagged();
    setText(
      $("#recon-flagged-note"),
      reply.flagged === 0
        ? "没有发现多收或少收。"
        : reply.flagged > flaggedRows.length
          ? `共 ${n(reply.flagged)} 笔，这里列出差额最大的 ${n(flaggedRows.length)} 笔；全部请下载 CSV。`
          : `共 ${n(reply.flagged)} 笔。点表头可以排序。`,
    );
    const rejectedBody = $("#recon-rejected tbody");
    rejectedBody.replaceChildren();
    for (const r of reply.rejected_rows) {
      const row = document.createElement("tr");
      row.append(cell("td", String(r.line)), cell("td", r.reason));
      rejectedBody.append(row);
    }
    if (reply.rejected === 0) {
      const row = document.createElement("tr");
      const td = cell("td", "没有。每一行都读懂了。");
      td.colSpan = 2;
      row.append(td);
      rejectedBody.append(row);
    }
    csvText = reply.csv;
    result.scrollIntoView({ block: "start" });
  }

  function sortValue(row, key) {
    if (key === "line") return row.line;
    if (["amount", "fee", "expected", "difference"].includes(key)) return Number(row[key]);
    return row[key];
  }

  function renderFlagged() {
    const rows = [...flaggedRows].sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      const order = x < y ? -1 : x > y ? 1 : a.line - b.line;
      return sort.descending ? -order : order;
    });
    for (const th of root.querySelectorAll("#recon-flagged th[aria-sort]")) {
      const key = th.querySelector("button").dataset.sort;
      th.setAttribute(
        "aria-sort",
        key === sort.key ? (sort.descending ? "descending" : "ascending") : "none",
      );
    }
    const body = $("#recon-flagged tbody");
    body.replaceChildren();
    for (const r of rows) {
      const row = document.createElement("tr");
      for (const text of [
        String(r.line),
        r.time,
        r.channel_short,
        r.amount,
        r.fee,
        r.expected,
        r.difference,
        r.reason,
      ]) {
        row.append(cell("td", text));
      }
      body.append(row);
    }
  }

  root.querySelector("#recon-flagged thead").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-sort]");
    if (!button) return;
    const key = button.dataset.sort;
    sort = { key, descending: sort.key === key ? !sort.descending : key === "difference" };
    renderFlagged();
  });

  $("#recon-download").addEventListener("click", () => {
    // The text starts with a BOM (U+FEFF), so Excel reads the UTF-8 correctly.
    const blob = new Blob([csvText], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "对账结果.csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  });

  form.elements.plan.addEventListener("change", () => {
    $("#recon-custom").hidden = form.elements.plan.value !== "custom";
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (running) return;
    mapping.hidden = true;
    try {
      source = await statementArgs();
    } catch (failure) {
      showError(failure.message || String(failure));
      return;
    }
    run({});
  });

  $("#recon-mapping-submit").addEventListener("click", () => {
    if (source) run({ mapping: chosenMapping() });
  });

  let unsubscribe = null;
  unsubscribe = onStatus((s) => {
    if (!alive()) {
      if (unsubscribe) unsubscribe();
      return;
    }
    if (s.state === "ready") {
      submit.disabled = running;
      setText(status, "核对程序已就绪。选择文件或粘贴表格后，点“开始核对”。");
    } else if (s.state === "failed") {
      // mountRuntimeStatus shows why in Chinese, with a retry button.
      root.dataset.failure = s.message || "";
    }
  });
  mountRuntimeStatus(status, {
    retryRoot: root,
    note: "也可以按下面“自己动手核对”的方法逐笔核对。",
  });
  startRuntime(root);
}
