// The statement check (对账) page: reads the file as bytes, hands them to the
// shared Python worker in steps (so a progress bar can move between steps),
// and renders the plain reply as text. It never computes fees and never
// builds HTML from the statement: createElement and textContent only. The
// reader's own rates go to Python exactly as typed, as on the calculator;
// Python checks them and names the box of any mistake.
// Nothing is sent anywhere: the worker runs on this device.

import { isCustomField, markField, readContract, readCustom } from "./contract.js";
import { alive, byData, el, row, setText, showMessage } from "./dom.js";
import { ask } from "./runtime/client.js";
import { runTool } from "./runtime/status.js";

const STEP_ROWS = 20000;
const SHOWN_ROWS = 500;

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function parts(root) {
  const $ = (selector) => root.querySelector(selector);
  return {
    root,
    $,
    form: $("#statement-form"),
    submit: $("#statement-submit"),
    status: $("#statement-status"),
    progress: $("#statement-progress"),
    error: $("#statement-error"),
    customBox: $("#statement-custom"),
    customError: $("#statement-custom-error"),
    result: $("#statement-result"),
    mapping: $("#statement-mapping"),
    outputs: byData(root, "out"),
  };
}

// ---- messages --------------------------------------------------------------------

/** A mistake from Python: next to the custom-rate boxes when it is about them. */
function showProblem(tool, error) {
  const custom = error ? isCustomField(tool.contract, error.field) : false;
  markField(tool.form, tool.contract, error ? error.field : null);
  showMessage(tool.customError, custom ? error.message_zh : "");
  showMessage(tool.error, error && !custom ? error.message_zh : "");
}

function setProgress(tool, done, total) {
  tool.progress.hidden = false;
  tool.progress.value = total ? Math.round((100 * done) / total) : 0;
  setText(
    tool.status,
    `正在核对：${done.toLocaleString("zh-CN")} / ${total.toLocaleString("zh-CN")} 行`,
  );
}

// ---- the request -----------------------------------------------------------------

async function statementArgs(tool) {
  const { form } = tool;
  const file = form.elements.file.files[0];
  const args = {};
  if (file) {
    setText(tool.status, `正在读取文件 ${file.name}……`);
    try {
      args.data = toBase64(await file.arrayBuffer());
    } catch (failure) {
      throw new Error(`文件读不出来：${failure.message || failure}`);
    }
  } else {
    args.text = form.elements.text.value;
  }
  args.plan = form.elements.plan.value;
  if (args.plan === tool.contract.custom_plan) args.custom = readCustom(form, tool.contract);
  return args;
}

async function run(tool, extra) {
  if (tool.running) return;
  tool.running = true;
  tool.submit.disabled = true;
  showProblem(tool, null);
  tool.result.hidden = true;
  try {
    // Marks cost nothing and let `make bench` see where the time goes.
    performance.mark("statement-open");
    const opened = await ask("statement_open", { ...tool.source, ...extra });
    performance.mark("statement-opened");
    if (!alive(tool.root)) return;
    if (opened.error) {
      showProblem(tool, opened.error);
      setText(tool.status, "没有核对。请按提示修改后再试。");
      return;
    }
    if (opened.need_mapping) {
      showMapping(tool, opened);
      setText(tool.status, "需要您指定每一列是什么。");
      return;
    }
    tool.mapping.hidden = true;
    let step = opened;
    setProgress(tool, step.done, step.total);
    while (step.done < step.total) {
      step = await ask("statement_step", { job: opened.job, count: STEP_ROWS });
      if (!alive(tool.root)) return;
      if (step.error) throw new Error(step.error.message_zh);
      setProgress(tool, step.done, step.total);
    }
    performance.mark("statement-checked");
    const reply = await ask("statement_result", { job: opened.job, limit: SHOWN_ROWS });
    if (!alive(tool.root)) return;
    if (reply.error) throw new Error(reply.error.message_zh);
    performance.mark("statement-result");
    render(tool, reply);
    performance.mark("statement-rendered");
    setText(tool.status, "核对完成。");
  } catch (failure) {
    showMessage(tool.error, failure.message || String(failure));
    setText(tool.status, "核对没有完成，请刷新页面后重试。");
  } finally {
    tool.running = false;
    tool.submit.disabled = false;
  }
}

// ---- columns the reader names by hand ------------------------------------------

function showMapping(tool, reply) {
  const { $, mapping } = tool;
  mapping.hidden = false;
  setText($("#statement-mapping-message"), reply.message_zh);
  const fields = reply.fields.map(({ field, name }) => {
    const select = el("select", null, { id: `statement-map-${field}`, "data-field": field });
    select.append(new Option("（没有这一列）", ""));
    for (const column of reply.columns) {
      const samples = column.samples
        .filter((s) => s)
        .slice(0, 2)
        .join("，");
      select.append(new Option(`第 ${column.index + 1} 列：${samples}`, String(column.index)));
    }
    if (field in reply.guess) select.value = String(reply.guess[field]);
    const label = el("label", name, { for: `statement-map-${field}` });
    return el("div", [label, select], { class: "pos-tool__field" });
  });
  $("#statement-mapping-fields").replaceChildren(...fields);
  mapping.scrollIntoView({ block: "start" });
}

function chosenMapping({ root, $ }) {
  const chosen = {};
  for (const select of root.querySelectorAll("#statement-mapping-fields select")) {
    if (select.value !== "") chosen[select.dataset.field] = Number(select.value);
  }
  const fallback = $("#statement-channel-default").value;
  if (fallback) chosen.channel_default = fallback;
  chosen.header = $("#statement-has-header").checked;
  return chosen;
}

// ---- the result --------------------------------------------------------------------

const count = (value) => value.toLocaleString("zh-CN");

function renderSummary({ outputs, $ }, reply) {
  setText(outputs.rows, count(reply.rows));
  setText(outputs.checked, count(reply.checked));
  setText(outputs.flagged, count(reply.flagged));
  setText(outputs.rejected, count(reply.rejected));
  setText(outputs.overcharge, `${reply.overcharge} 元`);
  const sum = reply.checked + reply.flagged + reply.rejected;
  setText(
    $("#statement-adds-up"),
    `${count(reply.checked)} + ${count(reply.flagged)} + ${count(reply.rejected)} = ${count(sum)} 行，` +
      (sum === reply.rows
        ? "与读到的交易行数一致，没有遗漏。"
        : `与读到的 ${count(reply.rows)} 行不一致！`),
  );
}

function renderChanges({ $ }, reply) {
  const changes = reply.rate_changes.map((change) => {
    const before = change.rate_before ? `，之前实际费率 ${change.rate_before}` : "";
    const as = change.charged_as ? `，看起来是${change.charged_as}收取` : "";
    return el(
      "li",
      `${change.channel_name}：从 ${change.date} 起多收${before}，之后 ${change.rate_after}${as}。`,
    );
  });
  $("#statement-changes").replaceChildren(...changes);
  $("#statement-changes-title").hidden = changes.length === 0;
  return changes;
}

function renderChannels({ $ }, reply) {
  $("#statement-channels tbody").replaceChildren(
    ...reply.channels.map((c) =>
      row([
        c.channel_short,
        count(c.rows),
        c.amount,
        c.fee,
        c.effective_rate,
        c.expected_rate,
        `${c.overcharge} 元`,
      ]),
    ),
  );
}

function renderChart({ $ }, reply, changes) {
  const chart = $("#statement-chart");
  $("#statement-chart-box").hidden = !reply.chart_svg;
  if (!reply.chart_svg) return;
  // An <img> never runs anything inside the SVG.
  chart.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(reply.chart_svg)}`;
  chart.alt = changes.length
    ? `实际费率随日期变化的折线图。${changes.map((li) => li.textContent).join("")}`
    : "实际费率随日期变化的折线图：各支付方式都和合同一致。";
}

function renderRejected({ $ }, reply) {
  const rows = reply.rejected_rows.map((r) => row([String(r.line), r.reason]));
  if (reply.rejected === 0)
    rows.push(el("tr", [el("td", "没有。每一行都读懂了。", { colspan: "2" })]));
  $("#statement-rejected tbody").replaceChildren(...rows);
}

function render(tool, reply) {
  tool.result.hidden = false;
  renderSummary(tool, reply);
  const changes = renderChanges(tool, reply);
  renderChannels(tool, reply);
  renderChart(tool, reply, changes);
  tool.flaggedRows = reply.flagged_rows;
  tool.sort = { key: "line", descending: false };
  renderFlagged(tool);
  const shown = tool.flaggedRows.length;
  setText(
    tool.$("#statement-flagged-note"),
    reply.flagged === 0
      ? "没有发现多收或少收。"
      : reply.flagged > shown
        ? `共 ${count(reply.flagged)} 笔，这里列出差额最大的 ${count(shown)} 笔；全部请下载 CSV。`
        : `共 ${count(reply.flagged)} 笔。点表头可以排序。`,
  );
  renderRejected(tool, reply);
  tool.csvText = reply.csv;
  tool.result.scrollIntoView({ block: "start" });
}

// ---- flagged rows, sortable -------------------------------------------------------

function sortValue(line, key) {
  if (key === "line") return line.line;
  if (["amount", "fee", "expected", "difference"].includes(key)) {
    return Number(String(line[key]).replace(/,/g, ""));
  }
  return line[key];
}

function renderFlagged({ root, $, flaggedRows, sort }) {
  const rows = [...flaggedRows].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    const order = x < y ? -1 : x > y ? 1 : a.line - b.line;
    return sort.descending ? -order : order;
  });
  for (const th of root.querySelectorAll("#statement-flagged th[aria-sort]")) {
    const key = th.querySelector("button").dataset.sort;
    th.setAttribute(
      "aria-sort",
      key === sort.key ? (sort.descending ? "descending" : "ascending") : "none",
    );
  }
  $("#statement-flagged tbody").replaceChildren(
    ...rows.map((r) =>
      row([
        String(r.line),
        r.time,
        r.channel_short,
        r.amount,
        r.fee,
        r.expected,
        r.difference,
        r.reason,
      ]),
    ),
  );
}

function sortBy(tool, event) {
  const button = event.target.closest("button[data-sort]");
  if (!button) return;
  const key = button.dataset.sort;
  const { sort } = tool;
  tool.sort = { key, descending: sort.key === key ? !sort.descending : key === "difference" };
  renderFlagged(tool);
}

function download({ csvText }) {
  // The text starts with a BOM (U+FEFF), so Excel reads the UTF-8 correctly.
  const blob = new Blob([csvText], { type: "text/csv;charset=utf-8" });
  const link = el("a", null, { href: URL.createObjectURL(blob), download: "对账结果.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---- lifecycle -----------------------------------------------------------------------

async function submitted(tool, event) {
  event.preventDefault();
  if (tool.running) return;
  tool.mapping.hidden = true;
  try {
    tool.source = await statementArgs(tool);
  } catch (failure) {
    showMessage(tool.error, failure.message || String(failure));
    return;
  }
  run(tool, {});
}

export function mount(root) {
  root.hidden = false;
  const tool = {
    ...parts(root),
    contract: readContract(root),
    source: null, // the statement args of the current check
    flaggedRows: [],
    sort: { key: "line", descending: false },
    csvText: "",
    running: false,
  };
  const { $, form } = tool;
  $("#statement-flagged thead").addEventListener("click", (event) => sortBy(tool, event));
  $("#statement-download").addEventListener("click", () => download(tool));
  form.elements.plan.addEventListener("change", () => {
    tool.customBox.hidden = form.elements.plan.value !== tool.contract.custom_plan;
    if (tool.customBox.hidden) showProblem(tool, null);
  });
  form.addEventListener("submit", (event) => submitted(tool, event));
  $("#statement-mapping-submit").addEventListener("click", () => {
    if (tool.source) run(tool, { mapping: chosenMapping(tool) });
  });
  runTool(root, tool.status, {
    note: "也可以按下面“自己动手核对”的方法逐笔核对。",
    onReady: () => {
      tool.submit.disabled = tool.running;
      setText(tool.status, "核对程序已就绪。选择文件或粘贴表格后，点“开始核对”。");
    },
  });
}
