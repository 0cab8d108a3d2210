// The statement check (对账) page: reads the file as bytes, transfers them to
// the shared Python worker (no base64, no copy), checks in steps (so a
// progress bar can move between steps),
// and renders the plain reply as text. It never computes fees and never
// builds HTML from the statement: createElement and textContent only. The
// reader's own rates go to Python exactly as typed, as on the calculator;
// Python checks them and names the box of any mistake.
// Nothing is sent anywhere: the worker runs on this device.

import { isCustomField, markField, readContract, readCustom } from "./contract.js";
import { alive, byData, el, setText, showMessage } from "./dom.js";
import { ask, sendFile } from "./runtime/client.js";
import { runTool } from "./runtime/status.js";

const STEP_ROWS = 20000;
const SHOWN_ROWS = 500;

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

/** While a workbook is read: a moving bar (no total yet) and the rows read so far. */
function showReading(tool, rows) {
  tool.progress.hidden = false;
  tool.progress.removeAttribute("value");
  setText(
    tool.status,
    rows
      ? `正在读取 Excel 表格：已读 ${rows.toLocaleString("zh-CN")} 行……`
      : "正在读取 Excel 表格（几万行的表格要十几秒）……",
  );
}

// ---- the request -----------------------------------------------------------------

async function statementArgs(tool) {
  const { form } = tool;
  const file = form.elements.file.files[0];
  const args = {};
  if (file) {
    setText(tool.status, `正在读取文件 ${file.name}……`);
    let buffer;
    try {
      buffer = await file.arrayBuffer();
    } catch (failure) {
      throw new Error(`文件读不出来：${failure.message || failure}`);
    }
    const sent = await sendFile(buffer, (rows) => showReading(tool, rows));
    if (sent.error) throw new Error(sent.error.message_zh);
    args.file = sent.file;
    tool.workbook = sent.reader === "excel";
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
    if (tool.workbook) showReading(tool, 0);
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
  $("#statement-mapping-notes").replaceChildren(...(reply.notes || []).map((n) => el("li", n)));
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

/**
 * A table row whose cells carry their column's name (data-label), so on a
 * phone CSS can lay each row out as a card with the names beside the figures.
 */
function labelledRow(table, cells) {
  const labels = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  const tr = document.createElement("tr");
  cells.forEach((text, index) => {
    tr.append(el("td", text, { "data-label": labels[index] || "" }));
  });
  return tr;
}

function renderSummary({ outputs, $ }, reply) {
  setText(outputs.rows, count(reply.rows));
  setText(outputs.checked, count(reply.checked));
  setText(outputs.flagged, count(reply.flagged));
  setText(outputs.rejected, count(reply.rejected));
  setText(outputs.skipped, count(reply.skipped));
  setText(outputs.overcharge, `${reply.overcharge} 元`);
  const parts = [reply.checked, reply.flagged, reply.rejected, reply.skipped];
  const sum = parts.reduce((a, b) => a + b, 0);
  setText(
    $("#statement-adds-up"),
    `${parts.map(count).join(" + ")} = ${count(sum)} 行，` +
      (sum === reply.rows
        ? "与读到的交易行数一致，没有遗漏。"
        : `与读到的 ${count(reply.rows)} 行不一致！`),
  );
  // What the rows say as a whole (the 合计 cross-check, refunds, unreadable times), in Python's words.
  $("#statement-notices").replaceChildren(
    ...reply.notices.map((n) =>
      el("li", n.finding ? [el("strong", "请注意："), n.message_zh] : n.message_zh),
    ),
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
  $("#statement-changes-box").hidden = changes.length === 0;
  return changes;
}

function renderChannels({ $ }, reply) {
  const table = $("#statement-channels");
  table.tBodies[0].replaceChildren(
    ...reply.channels.map((c) =>
      labelledRow(table, [
        c.channel_short,
        count(c.rows),
        `${c.amount} 元`,
        `${c.fee} 元`,
        c.effective_rate,
        c.contract,
        `${c.overcharge} 元`,
      ]),
    ),
  );
}

const darkScheme = () => document.body.getAttribute("data-md-color-scheme") === "slate";

/** The drawing for the scheme on screen; an <img> cannot follow the page's colours. */
function showChart({ $, reply }) {
  if (!reply || !reply.chart_svg) return;
  const svg = darkScheme() ? reply.chart_svg_dark : reply.chart_svg;
  // An <img> never runs anything inside the SVG.
  $("#statement-chart").src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function renderChart(tool, reply, changes) {
  const { $ } = tool;
  $("#statement-chart-box").hidden = !reply.chart_svg;
  if (!reply.chart_svg) return;
  showChart(tool);
  $("#statement-chart").alt = changes.length
    ? `实际费率随日期变化的折线图。${changes.map((li) => li.textContent).join("")}`
    : "实际费率随日期变化的折线图：没有哪种支付方式的费率从某天起一直偏高。";
}

function renderRejected({ $ }, reply) {
  const table = $("#statement-rejected");
  const rows = reply.rejected_rows.map((r) => labelledRow(table, [String(r.line), r.reason]));
  if (reply.rejected === 0)
    rows.push(el("tr", [el("td", "没有。每一行都读懂了。", { colspan: "2" })]));
  table.tBodies[0].replaceChildren(...rows);
  const skippedTable = $("#statement-skipped");
  const skipped = reply.skipped_rows.map((r) =>
    labelledRow(skippedTable, [String(r.line), r.reason]),
  );
  if (reply.skipped === 0)
    skipped.push(el("tr", [el("td", "没有。每一行都是消费。", { colspan: "2" })]));
  skippedTable.tBodies[0].replaceChildren(...skipped);
}

function render(tool, reply) {
  tool.reply = reply;
  tool.result.hidden = false;
  renderSummary(tool, reply);
  // How the file was read: which Excel sheet, a stray byte and its line.
  tool.$("#statement-notes").replaceChildren(...reply.notes.map((note) => el("li", note)));
  const changes = renderChanges(tool, reply);
  setText(tool.$("#statement-service-text"), reply.service_text);
  setText(tool.$("#statement-copy-status"), "");
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
        : `共 ${count(reply.flagged)} 笔。点列名可以排序。`,
  );
  renderRejected(tool, reply);
  tool.csvText = reply.csv;
  // Answer first: the summary's top at the top of the screen (CSS keeps it
  // clear of the sticky header with scroll-margin).
  tool.result.scrollIntoView({ block: "start" });
}

// ---- flagged rows, sortable -------------------------------------------------------

function sortValue(line, key) {
  if (key === "line") return line.line;
  // Python sends machine figures ("30580.00") beside the grouped ones it shows.
  if (key in line.sort) return Number(line.sort[key]);
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
  const table = $("#statement-flagged");
  table.tBodies[0].replaceChildren(
    ...rows.map((r) =>
      labelledRow(table, [
        String(r.line),
        r.time,
        r.channel_short,
        `${r.amount} 元`,
        `${r.fee} 元`,
        `${r.expected} 元`,
        `${r.difference} 元`,
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

// ---- copy for the provider's service chat -----------------------------------------

/** Older browsers and plain-http pages have no navigator.clipboard: copy a selection. */
function copyBySelection(text) {
  const area = el("textarea", null, { readonly: "", class: "pos-statement__copy-area" });
  area.value = text;
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

async function copyService({ $ }) {
  const text = $("#statement-service-text").textContent;
  const status = $("#statement-copy-status");
  let done = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      done = true;
    }
  } catch {
    done = false;
  }
  if (!done) done = copyBySelection(text);
  if (!done) {
    // Last resort: select the text on the page for a long press.
    const range = document.createRange();
    range.selectNodeContents($("#statement-service-text"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  setText(
    status,
    done ? "已复制，可以粘贴到客服对话里。" : "没能自动复制，已选中这段话，请长按复制。",
  );
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
    tool.workbook = false;
    tool.submit.disabled = true; // until run() takes over: one file at a time
    tool.source = await statementArgs(tool);
  } catch (failure) {
    showMessage(tool.error, failure.message || String(failure));
    setText(tool.status, "没有核对。请按提示修改后再试。");
    tool.submit.disabled = false;
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
    reply: null,
    running: false,
  };
  const { $, form } = tool;
  $("#statement-copy").addEventListener("click", () => copyService(tool));
  // The palette toggle changes the body's scheme: swap the chart's drawing.
  const schemeWatch = new MutationObserver(() => {
    if (alive(root)) showChart(tool);
    else schemeWatch.disconnect(); // instant navigation left this page
  });
  schemeWatch.observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });
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
