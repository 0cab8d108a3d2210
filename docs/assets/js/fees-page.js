// The fee calculator page: collects inputs, asks the worker, renders replies as
// text. It never computes and never builds HTML from input: results use
// textContent, charts are SVG from our own Python (every text escaped there)
// parsed with DOMParser and imported node by node after a safety check.
// The state lives in the query string (fees-link.js); on open the Python side
// validates it. Channel ids, views and link names come from the contract; the
// form's controls are named by the contract's link keys (view, amount, …).

import { customBoxes, markField, readContract, readCustom, valueAt } from "./contract.js";
import { alive, byData, el, row, setText, showMessage, term } from "./dom.js";
import { linkParams, readLink, showLink } from "./fees-link.js";
import { debounced, latestOnly } from "./runtime/client.js";
import { runTool } from "./runtime/status.js";

// ---- figures as text ---------------------------------------------------------

// Every figure arrives formatted by Python (10,000.00); the page only adds the unit.
function yuan(text) {
  return `${text} 元`;
}

// ---- the form ----------------------------------------------------------------

function parts(root) {
  const $ = (selector) => root.querySelector(selector);
  return {
    root,
    form: $("form"),
    status: $("#fees-status"),
    error: $("#fees-error"),
    customNote: $("#fees-custom-note"),
    notice: $("#fees-notice"),
    customBox: $("#fees-custom"),
    share: $("#fees-share"),
    single: { out: byData(root, "out"), detail: $("#fees-detail") },
    gross: byData(root, "gross"),
    check: { ...byData(root, "check"), copy: $("#fees-copy-summary") },
    month: {
      table: $("#fees-month-table"),
      summary: $("#fees-month-summary"),
      notes: $("#fees-month-notes"),
    },
    compare: {
      cards: $("#fees-cards"),
      verdict: $("#fees-verdict"),
      bars: $("#fees-chart-compare"),
      curve: $("#fees-chart-curve"),
    },
  };
}

function currentView(form, contract) {
  const value = form.elements.view.value;
  return contract.views.includes(value) ? value : contract.views[0];
}

/** Does the control belong to `view`? Its box says so in data-view="single gross". */
function inView(control, view) {
  const box = control.closest("[data-view]");
  return !box || box.dataset.view.split(" ").includes(view);
}

// Text, the checked radio, or the values of the checked boxes.
function controlValue(form, name) {
  const boxes = form.querySelectorAll(`input[type=checkbox][name="${name}"]`);
  if (boxes.length) return [...boxes].filter((box) => box.checked).map((box) => box.value);
  return form.elements[name].value;
}

function mixRows(form) {
  return [...form.querySelectorAll("[data-mix]")].map((line) => ({
    channel: line.dataset.mix,
    total: line.querySelector("[data-part=total]").value,
    count: line.querySelector("[data-part=count]").value,
  }));
}

/**
 * What the form asks in the view shown, by the contract's link keys:
 * {view, amount, channel, plan} or {view, mix, compare}, plus `custom` when
 * the reader's own rates take part.
 */
function readForm(form, contract) {
  const view = currentView(form, contract);
  const values = {};
  for (const key of Object.keys(contract.link.params)) {
    const control = form.querySelector(`[name="${key}"]`);
    if (control && inView(control, view)) values[key] = controlValue(form, key);
  }
  values.view = view;
  const firstMix = form.querySelector("[data-mix]");
  if (firstMix && inView(firstMix, view)) values.mix = mixRows(form);
  const own = contract.custom_plan;
  if (values.plan === own || (values.compare || []).includes(own)) {
    values.custom = readCustom(form, contract);
  }
  return values;
}

/** Put values read from a shared link back into the form. */
function fillForm(form, values, contract) {
  const put = (name, value) => {
    if (typeof value === "string" && form.elements[name]) form.elements[name].value = value;
  };
  for (const key of Object.keys(contract.link.params)) {
    const value = values[key];
    if (!Array.isArray(value)) put(key, value);
    else {
      for (const box of form.querySelectorAll(`input[type=checkbox][name="${key}"]`)) {
        box.checked = value.includes(box.value);
      }
    }
  }
  for (const month of values.mix || []) {
    const line = form.querySelector(`[data-mix="${month.channel}"]`);
    line.querySelector("[data-part=total]").value = month.total;
    line.querySelector("[data-part=count]").value = month.count;
  }
  if (values.custom) {
    for (const [name, path] of customBoxes(contract)) put(name, valueAt(values.custom, path));
  }
}

function showView(tool, values) {
  for (const node of tool.root.querySelectorAll("[data-view]")) {
    node.hidden = !inView(node, values.view);
  }
  for (const node of tool.root.querySelectorAll("[data-result]")) {
    node.hidden = node.dataset.result !== values.view;
  }
  tool.customBox.hidden = !values.custom;
}

// ---- rendering: one transaction, gross-up, a month -------------------------

function breakdownItems(reply) {
  const b = reply.breakdown;
  const items = [];
  if (b.band_up_to !== null || b.band_index > 0) {
    items.push(`这笔金额落在第 ${b.band_index + 1} 段费率（${b.rate_percent}）`);
  }
  items.push(`按比例：${reply.amount} × ${b.rate_percent} = ${b.percent_raw} 元`);
  if (b.cap_applied) items.push(`超过封顶，按封顶 ${b.cap} 元收取`);
  else if (b.cap !== null) items.push(`未到封顶（封顶 ${b.cap} 元）`);
  if (b.min_applied) items.push(`低于最低收费，按 ${b.min} 元收取`);
  if (b.fixed !== "0.00") items.push(`另加每笔 ${b.fixed} 元`);
  items.push(`合计 ${b.unrounded} 元，四舍五入到分：${reply.fee} 元`);
  if (b.limited_to_amount) items.push("手续费不会超过交易金额本身");
  return items.map((text) => el("li", text));
}

function showSingle({ single }, reply) {
  setText(single.out.fee, `${reply.fee} 元`);
  setText(single.out.net, `${reply.net} 元`);
  setText(single.out.effective_rate, reply.effective_rate);
  single.detail.replaceChildren(...breakdownItems(reply));
}

function clearSingle({ single }) {
  for (const node of Object.values(single.out)) setText(node, "—");
  single.detail.replaceChildren();
}

function showCheck({ check }, reply) {
  setText(check.headline, reply.headline);
  check.headline.dataset.status = reply.status;
  setText(check.taken, `${yuan(reply.taken)}（${reply.taken_rate}）`);
  setText(check.expected, yuan(reply.expected_fee));
  setText(check.contract, reply.contract);
  setText(check.reason, reply.reason || "扣的手续费和合同对得上（相差不到 1 分钱）。");
  check.summary.value = reply.summary;
}

function clearCheck({ check }) {
  for (const key of ["headline", "taken", "expected", "contract"]) setText(check[key], "—");
  delete check.headline.dataset.status;
  setText(check.reason, "");
  check.summary.value = "";
}

function showGross({ gross }, reply) {
  setText(gross.amount, yuan(reply.amount));
  setText(gross.fee, yuan(reply.fee));
  setText(gross.net, yuan(reply.net));
  setText(
    gross.detail,
    `向顾客收 ${yuan(reply.amount)}，${reply.channel_name}扣手续费 ${yuan(reply.fee)}，` +
      `到账 ${yuan(reply.net)}，不少于您要的 ${yuan(reply.target_net)}。少收 1 分钱就不够了。`,
  );
}

function clearGross({ gross }) {
  for (const node of Object.values(gross)) setText(node, "—");
  setText(gross.detail, "");
}

function planNotes(reply) {
  const notes = [];
  if (reply.promotion) {
    const p = reply.promotion;
    notes.push(
      `${p.label}：前 ${p.months} 个月每月合计 ${yuan(p.monthly_total)}` +
        `${p.rent_waived ? "（免月租）" : ""}，已算进第一年合计；之后每年约 ${yuan(reply.regular_year_total)}。`,
    );
  }
  if (reply.deposit) {
    notes.push(
      `另有押金 ${yuan(reply.deposit.amount)}（${reply.deposit.refund_condition}），没有算进费用。`,
    );
  }
  if (reply.example) notes.push("这是示例方案，不是任何服务商的真实报价。");
  return notes.map((text) => el("li", text));
}

// Built here rather than in the include, so the page's first <table> stays the
// static fee table that readers without JavaScript see.
function monthTable(lines) {
  const head = ["支付方式", "月交易额", "笔数", "手续费"].map((text) =>
    el("th", text, { scope: "col" }),
  );
  const body = lines.map((line) =>
    row(
      [line.channel_name, line.total, String(line.count), `${line.fee}（${line.effective_rate}）`],
      { header: true },
    ),
  );
  return el(
    "table",
    [
      el("caption", "每月手续费（按平均每笔估算）"),
      el("thead", [el("tr", head)]),
      el("tbody", body),
    ],
    { class: "pos-fees__table" },
  );
}

function showMonth({ month }, reply) {
  month.table.replaceChildren(monthTable(reply.lines));
  month.summary.replaceChildren(
    term("每月手续费", yuan(reply.monthly_fees)),
    term("月租", yuan(reply.monthly_rent)),
    term("每月合计", yuan(reply.monthly_total)),
    term(reply.annual_fee_name, `${yuan(reply.annual_fee)} / 年`),
    term("第一年合计", yuan(reply.first_year_total)),
    term("实际费率（含年费月租）", reply.effective_rate),
  );
  month.notes.replaceChildren(...planNotes(reply));
}

function clearMonth({ month }) {
  for (const node of Object.values(month)) node.replaceChildren();
}

// ---- rendering: the comparison and its charts ------------------------------

function card(plan) {
  const title = el("p", plan.plan_name, { class: "pos-fees__cardname" });
  if (plan.cheapest) title.append(" ", el("strong", "最省", { class: "pos-fees__tag" }));
  if (plan.example) title.append(" ", el("span", "示例", { class: "pos-fees__tag is-example" }));
  let above = "—";
  if (plan.example) above = "示例，只作对照";
  else if (plan.difference !== null) above = plan.cheapest ? "—" : yuan(plan.difference);
  const figures = el("dl", [
    term("第一年合计", yuan(plan.first_year_total)),
    term("比最省的多", above),
    term("每月合计", yuan(plan.monthly_total)),
    term("实际费率", plan.effective_rate),
  ]);
  const rates = el(
    "p",
    `费率：${plan.lines.map((line) => `${line.channel_name} ${line.contract}`).join("；")}`,
    { class: "pos-fees__rates" },
  );
  const item = el("li", [title, rates, figures], {
    class: plan.cheapest ? "pos-fees__card is-best" : "pos-fees__card",
  });
  const notes = planNotes(plan);
  if (notes.length) item.append(el("ul", notes, { class: "pos-fees__detail" }));
  return item;
}

/** Parse our SVG text; refuse anything that could run or load. */
export function svgNode(text) {
  const doc = new DOMParser().parseFromString(String(text), "image/svg+xml");
  const svg = doc.documentElement;
  if (!svg || svg.localName !== "svg" || doc.getElementsByTagName("parsererror").length) {
    return null;
  }
  for (const node of doc.getElementsByTagName("*")) {
    if (["script", "foreignObject", "image", "use", "a", "style"].includes(node.localName)) {
      return null;
    }
    for (const attribute of node.attributes) {
      if (/^on/i.test(attribute.name) || /href/i.test(attribute.name)) return null;
    }
  }
  return document.importNode(svg, true);
}

// The chart's figures as a table, folded away under the chart.
function dataTable(table) {
  const head = table.head.map((text) => el("th", text, { scope: "col" }));
  const body = table.rows.map((cells) => row(cells, { header: true }));
  const node = el(
    "table",
    [el("caption", table.caption), el("thead", [el("tr", head)]), el("tbody", body)],
    { class: "pos-fees__table" },
  );
  // A scrolling region must be reachable by keyboard (WCAG 2.1.1).
  const wrap = el("div", [node], {
    class: "pos-fees__scroll",
    tabindex: "0",
    role: "region",
    "aria-label": table.caption,
  });
  return el("details", [el("summary", "图表数据（表格）"), wrap], { class: "pos-fees__data" });
}

function placeChart(figure, reply) {
  if (!reply) return;
  if (reply.error) {
    figure.replaceChildren(el("figcaption", reply.error.message_zh));
    return;
  }
  const svg = svgNode(reply.svg);
  const children = [el("figcaption", reply.title)];
  if (svg) children.push(svg);
  children.push(dataTable(reply.table));
  figure.replaceChildren(...children);
}

async function showCompare(tool, reply, args) {
  const { compare } = tool;
  setText(compare.verdict, reply.verdict);
  showNote(tool, reply.custom_note);
  compare.cards.replaceChildren(...reply.plans.map(card));
  // Charts show the plans the comparison used (the reader's own rates only
  // once they are usable). The fee curve is Python's default channel (debit).
  const plans = reply.plans.map((plan) => plan.plan);
  const own = plans.includes(tool.contract.custom_plan) ? { custom: args.custom } : {};
  const [bars, curve] = await Promise.all([
    tool.askBars("chart", { kind: "compare", mix: args.mix, plans, ...own }),
    tool.askCurve("chart", { kind: "fee_curve", plans, ...own }),
  ]);
  if (!alive(tool.root)) return;
  placeChart(compare.bars, bars);
  placeChart(compare.curve, curve);
}

function clearCompare({ compare }) {
  compare.cards.replaceChildren();
  setText(compare.verdict, "");
  compare.bars.replaceChildren();
  compare.curve.replaceChildren();
}

// Each view: which api answers it, with what, and how its answer is shown.
const ANSWERS = {
  single: {
    ask: (v) => ["fee", { amount: v.amount, channel: v.channel, plan: v.plan }],
    show: showSingle,
    clear: clearSingle,
  },
  check: {
    ask: (v) => [
      "check",
      { amount: v.amount, received: v.received, fee: v.taken, channel: v.channel, plan: v.plan },
    ],
    show: showCheck,
    clear: clearCheck,
  },
  gross: {
    ask: (v) => ["gross", { net: v.net, channel: v.channel, plan: v.plan }],
    show: showGross,
    clear: clearGross,
  },
  month: {
    ask: (v) => ["estimate", { mix: v.mix, plan: v.plan }],
    show: showMonth,
    clear: clearMonth,
  },
  compare: {
    ask: (v) => ["compare", { mix: v.mix, plans: v.compare }],
    show: showCompare,
    clear: clearCompare,
  },
};

// ---- lifecycle ---------------------------------------------------------------

/**
 * A note on the reader's own rates: "fill these in" (custom_empty) is a calm
 * hint, a mistake names its box in the error line; neither clears other answers.
 */
function showNote(tool, note) {
  const calm = Boolean(note) && note.code === "custom_empty";
  showMessage(tool.customNote, calm ? note.message_zh : "");
  markField(tool.form, tool.contract, note && !calm ? note.field : null);
  showMessage(tool.error, note && !calm ? note.message_zh : "");
}

async function recompute(tool) {
  if (!tool.ready) return;
  const values = readForm(tool.form, tool.contract);
  const answer = ANSWERS[values.view];
  const [fn, base] = answer.ask(values);
  const args = values.custom ? { ...base, custom: values.custom } : base;
  const reply = await tool.askLatest(fn, args);
  if (!reply || !alive(tool.root)) return;
  showNote(tool, reply.error || null);
  if (reply.error) answer.clear(tool);
  else await answer.show(tool, reply, args);
}

function updateLink(tool) {
  const values = readForm(tool.form, tool.contract);
  showView(tool, values);
  showLink(linkParams(values, tool.contract), tool.share);
}

async function openLink(tool) {
  const link = await readLink(tool.contract);
  if (!link) return false;
  fillForm(tool.form, link.values, tool.contract);
  tool.notice.replaceChildren(...link.problems.map((p) => el("li", p.message_zh)));
  tool.notice.hidden = link.problems.length === 0;
  return true;
}

/** A shared link opens at its answer: the view's result, under the sticky header. */
function scrollToAnswer(tool, view) {
  const section = tool.root.querySelector(`[data-result="${view}"]`);
  if (section) section.scrollIntoView({ block: "start" });
}

async function onReady(tool) {
  if (tool.ready) return;
  const linked = await openLink(tool);
  tool.ready = true;
  const values = readForm(tool.form, tool.contract);
  showView(tool, values);
  tool.share.value = window.location.href;
  setText(tool.status, "计算器已就绪，修改数字即可重新计算。");
  await recompute(tool);
  if (linked && alive(tool.root)) scrollToAnswer(tool, values.view);
}

/** Copy `text`: the clipboard API, else the selected box and execCommand. */
async function copyText(text, box) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    box.focus();
    box.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

async function copyLink(tool) {
  updateLink(tool);
  const done = await copyText(tool.share.value, tool.share);
  setText(
    tool.status,
    done ? "链接已复制，发给别人打开就是同样的计算。" : "无法自动复制，请长按上面的链接手动复制。",
  );
}

async function copySummary(tool) {
  const box = tool.check.summary;
  if (!box.value) return;
  const done = await copyText(box.value, box);
  setText(tool.check.copy, done ? "已复制，粘贴给客服即可" : "请长按上面的文字手动复制");
}

export function mount(root) {
  root.hidden = false;
  const tool = {
    ...parts(root),
    contract: readContract(root),
    askLatest: latestOnly(),
    askBars: latestOnly(),
    askCurve: latestOnly(),
    ready: false,
  };
  // Typing is debounced (the first key answers at once); picks answer at once.
  const recomputeSoon = debounced(() => recompute(tool));
  const changed = (event) => {
    updateLink(tool);
    if (event.type === "input") recomputeSoon();
    else recompute(tool);
  };
  tool.form.addEventListener("input", changed);
  tool.form.addEventListener("change", changed);
  tool.form.addEventListener("submit", (event) => {
    event.preventDefault();
    recompute(tool);
  });
  root.querySelector("#fees-copy").addEventListener("click", () => copyLink(tool));
  tool.check.copy.addEventListener("click", () => copySummary(tool));
  showView(tool, readForm(tool.form, tool.contract));
  runTool(root, tool.status, {
    note: "下方的费率表仍然可以查看。",
    onReady: () => onReady(tool),
  });
}
