// The fee calculator page: collects inputs, asks the worker, renders replies as
// text. It never computes and never builds HTML from input: results use
// textContent, charts are SVG from our own Python (every text escaped there)
// parsed with DOMParser and imported node by node after a safety check.
// The state lives in the query string; on open the Python side validates it.

import {
  ask,
  debounced,
  latestOnly,
  mountRuntimeStatus,
  onStatus,
  startRuntime,
} from "./py-client.js";

const CHANNELS = ["credit", "debit", "wechat", "alipay", "unionpay_qr"];
const VIEWS = ["single", "gross", "month", "compare"];

function setText(element, text) {
  if (element) element.textContent = text;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// "12345.60" -> "12,345.60": display only; the figure itself comes from Python.
function grouped(yuan) {
  const [whole, fen] = String(yuan).split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fen === undefined ? withCommas : `${withCommas}.${fen}`;
}

function yuan(text) {
  return `${grouped(text)} 元`;
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

function dataTable(table) {
  const details = el("details", null, "pos-calc__data");
  details.append(el("summary", "图表数据（表格）"));
  const wrap = el("div", null, "pos-calc__scroll");
  // A scrolling region must be reachable by keyboard (WCAG 2.1.1).
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", table.caption);
  const node = el("table", null, "pos-calc__table");
  node.append(el("caption", table.caption));
  const head = node.createTHead().insertRow();
  for (const text of table.head) {
    const th = el("th", text);
    th.scope = "col";
    head.append(th);
  }
  const body = node.createTBody();
  for (const row of table.rows) {
    const tr = body.insertRow();
    row.forEach((text, index) => {
      const cell = el(index === 0 ? "th" : "td", text);
      if (index === 0) cell.scope = "row";
      tr.append(cell);
    });
  }
  wrap.append(node);
  details.append(wrap);
  return details;
}

export function mount(root) {
  root.hidden = false;
  const form = root.querySelector("form");
  const fields = form.elements;
  const status = root.querySelector("#calc-status");
  const error = root.querySelector("#calc-error");
  const notice = root.querySelector("#calc-notice");
  const detail = root.querySelector("#calc-detail");
  const customBox = root.querySelector("#calc-custom");
  const share = root.querySelector("#calc-share");
  const outputs = Object.fromEntries(
    [...root.querySelectorAll("[data-out]")].map((node) => [node.dataset.out, node]),
  );
  const grossOut = Object.fromEntries(
    [...root.querySelectorAll("[data-gross]")].map((node) => [node.dataset.gross, node]),
  );
  const askLatest = latestOnly();
  const askBars = latestOnly();
  const askCurve = latestOnly();
  let ready = false;

  const view = () => {
    const checked = form.querySelector("input[name=view]:checked");
    return checked && VIEWS.includes(checked.value) ? checked.value : "single";
  };
  const compared = () =>
    [...form.querySelectorAll("input[name=cmp]:checked")].map((box) => box.value);
  const usesCustom = () =>
    view() === "compare" ? compared().includes("custom") : fields.plan.value === "custom";

  function showView() {
    const current = view();
    for (const node of root.querySelectorAll("[data-view]")) {
      node.hidden = !node.dataset.view.split(" ").includes(current);
    }
    for (const node of root.querySelectorAll("[data-result]")) {
      node.hidden = node.dataset.result !== current;
    }
    customBox.hidden = !usesCustom();
  }

  function mix() {
    return CHANNELS.map((channel) => ({
      channel,
      total: fields[`m_${channel}_total`].value,
      count: fields[`m_${channel}_count`].value,
    }));
  }

  function custom() {
    const channels = {};
    for (const channel of CHANNELS) {
      channels[channel] = {
        rate_percent: fields[`c_${channel}`].value,
        cap: fields[`c_${channel}_cap`].value,
        fixed: fields[`c_${channel}_fixed`].value,
      };
    }
    return {
      channels,
      periodic: { annual_fee: fields.c_annual.value, monthly_rent: fields.c_rent.value },
    };
  }

  // ---- the shared link ----------------------------------------------------
  function linkParams() {
    const params = new URLSearchParams();
    const current = view();
    params.set("v", current);
    if (current === "single") params.set("amount", fields.amount.value);
    if (current === "gross") params.set("net", fields.net.value);
    if (current === "single" || current === "gross") params.set("channel", fields.channel.value);
    if (current !== "compare") params.set("plan", fields.plan.value);
    if (current === "month" || current === "compare") {
      for (const row of mix()) {
        if (row.total.trim() || row.count.trim()) {
          params.set(`m_${row.channel}`, `${row.total.trim()}x${row.count.trim()}`);
        }
      }
    }
    if (current === "compare") params.set("cmp", compared().join(","));
    if (usesCustom()) {
      for (const channel of CHANNELS) {
        for (const suffix of ["", "_cap", "_fixed"]) {
          const value = fields[`c_${channel}${suffix}`].value.trim();
          if (value) params.set(`c_${channel}${suffix}`, value);
        }
      }
      if (fields.c_annual.value.trim()) params.set("c_annual", fields.c_annual.value.trim());
      if (fields.c_rent.value.trim()) params.set("c_rent", fields.c_rent.value.trim());
    }
    return params;
  }

  function updateLink() {
    const query = `?${linkParams()}`;
    const url = new URL(window.location.href);
    url.search = query;
    window.history.replaceState(window.history.state, "", url.href);
    share.value = url.href;
  }

  async function restore() {
    const params = new URLSearchParams(window.location.search);
    if (![...params.keys()].length) return;
    const query = {};
    for (const [key, value] of params) query[key] = value;
    const reply = await ask("fees_link", { query });
    if (!reply || reply.error) return;
    const state = reply.state;
    const setValue = (name, value) => {
      if (typeof value === "string" && fields[name]) fields[name].value = value;
    };
    if (state.v) {
      for (const radio of form.querySelectorAll("input[name=view]")) {
        radio.checked = radio.value === state.v;
      }
    }
    setValue("amount", state.amount);
    setValue("net", state.net);
    setValue("channel", state.channel);
    setValue("plan", state.plan);
    const anyMix = CHANNELS.some((channel) => state[`m_${channel}`]);
    if (anyMix) {
      for (const channel of CHANNELS) {
        const row = state[`m_${channel}`];
        fields[`m_${channel}_total`].value = row ? row.total : "";
        fields[`m_${channel}_count`].value = row ? row.count : "";
      }
    }
    if (Array.isArray(state.cmp)) {
      for (const box of form.querySelectorAll("input[name=cmp]")) {
        box.checked = state.cmp.includes(box.value);
      }
    }
    if (state.custom) {
      for (const [channel, values] of Object.entries(state.custom.channels || {})) {
        if (!CHANNELS.includes(channel)) continue;
        setValue(`c_${channel}`, values.rate_percent);
        setValue(`c_${channel}_cap`, values.cap);
        setValue(`c_${channel}_fixed`, values.fixed);
      }
      setValue("c_annual", state.custom.periodic && state.custom.periodic.annual_fee);
      setValue("c_rent", state.custom.periodic && state.custom.periodic.monthly_rent);
    }
    notice.replaceChildren(...reply.problems.map((p) => el("li", p.message_zh)));
    notice.hidden = reply.problems.length === 0;
  }

  // ---- rendering ------------------------------------------------------------
  function showError(reply) {
    error.hidden = false;
    setText(error, reply.error.message_zh);
  }

  function clearError() {
    error.hidden = true;
    setText(error, "");
  }

  function renderSingle(reply) {
    if (reply.error) {
      showError(reply);
      for (const node of Object.values(outputs)) setText(node, "—");
      detail.replaceChildren();
      return;
    }
    clearError();
    setText(outputs.fee, `${reply.fee} 元`);
    setText(outputs.net, `${reply.net} 元`);
    setText(outputs.effective_rate, reply.effective_rate);
    detail.replaceChildren(...breakdownItems(reply));
  }

  function breakdownItems(reply) {
    const b = reply.breakdown;
    const items = [];
    if (b.band_up_to !== null || b.band_index > 0) {
      items.push(`这笔金额落在第 ${b.band_index + 1} 段费率（${b.rate_percent}）`);
    }
    items.push(`按比例：${grouped(reply.amount)} × ${b.rate_percent} = ${b.percent_raw} 元`);
    if (b.cap_applied) items.push(`超过封顶，按封顶 ${b.cap} 元收取`);
    else if (b.cap !== null) items.push(`未到封顶（封顶 ${b.cap} 元）`);
    if (b.min_applied) items.push(`低于最低收费，按 ${b.min} 元收取`);
    if (b.fixed !== "0.00") items.push(`另加每笔 ${b.fixed} 元`);
    items.push(`合计 ${b.unrounded} 元，四舍五入到分：${reply.fee} 元`);
    if (b.limited_to_amount) items.push("手续费不会超过交易金额本身");
    return items.map((text) => el("li", text));
  }

  function renderGross(reply) {
    if (reply.error) {
      showError(reply);
      for (const node of Object.values(grossOut)) setText(node, "—");
      setText(grossOut.detail, "");
      return;
    }
    clearError();
    setText(grossOut.amount, yuan(reply.amount));
    setText(grossOut.fee, yuan(reply.fee));
    setText(grossOut.net, yuan(reply.net));
    setText(
      grossOut.detail,
      `向顾客收 ${yuan(reply.amount)}，${reply.channel_name}扣手续费 ${yuan(reply.fee)}，` +
        `到账 ${yuan(reply.net)}，不少于您要的 ${yuan(reply.target_net)}。少收 1 分钱就不够了。`,
    );
  }

  function summaryRows(reply) {
    const rows = [
      ["每月手续费", yuan(reply.monthly_fees)],
      ["月租", yuan(reply.monthly_rent)],
      ["每月合计", yuan(reply.monthly_total)],
      [reply.annual_fee_name, `${yuan(reply.annual_fee)} / 年`],
      ["第一年合计", yuan(reply.first_year_total)],
      ["实际费率（含年费月租）", reply.effective_rate],
    ];
    return rows.map(([term, value]) => {
      const wrap = el("div");
      wrap.append(el("dt", term), el("dd", value));
      return wrap;
    });
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
    return notes;
  }

  // Built here rather than in the include, so the page's first <table> stays the
  // static fee table that readers without JavaScript see.
  function monthTable(lines) {
    const table = el("table", null, "pos-calc__table");
    table.append(el("caption", "每月手续费（按平均每笔估算）"));
    const head = table.createTHead().insertRow();
    for (const text of ["支付方式", "月交易额", "笔数", "手续费"]) {
      const th = el("th", text);
      th.scope = "col";
      head.append(th);
    }
    const body = table.createTBody();
    for (const line of lines) {
      const tr = body.insertRow();
      const th = el("th", line.channel_name);
      th.scope = "row";
      tr.append(th, el("td", grouped(line.total)), el("td", String(line.count)));
      tr.append(el("td", `${grouped(line.fee)}（${line.effective_rate}）`));
    }
    return table;
  }

  function renderMonth(reply) {
    const wrap = root.querySelector("#calc-month-table");
    const summary = root.querySelector("#calc-month-summary");
    const notes = root.querySelector("#calc-month-notes");
    if (reply.error) {
      showError(reply);
      wrap.replaceChildren();
      summary.replaceChildren();
      notes.replaceChildren();
      return;
    }
    clearError();
    wrap.replaceChildren(monthTable(reply.lines));
    summary.replaceChildren(...summaryRows(reply));
    notes.replaceChildren(...planNotes(reply).map((text) => el("li", text)));
  }

  function card(row) {
    const item = el("li", null, row.cheapest ? "pos-calc__card is-best" : "pos-calc__card");
    const title = el("p", row.plan_name, "pos-calc__cardname");
    if (row.cheapest) title.append(" ", el("strong", "最便宜", "pos-calc__tag"));
    if (row.example) title.append(" ", el("span", "示例", "pos-calc__tag is-example"));
    const figures = el("dl");
    const pairs = [
      ["第一年合计", yuan(row.first_year_total)],
      ["比最便宜多", row.cheapest ? "—" : yuan(row.difference)],
      ["每月合计", yuan(row.monthly_total)],
      ["实际费率", row.effective_rate],
    ];
    for (const [term, value] of pairs) {
      const wrap = el("div");
      wrap.append(el("dt", term), el("dd", value));
      figures.append(wrap);
    }
    item.append(title, figures);
    const notes = planNotes(row);
    if (notes.length) {
      const list = el("ul", null, "pos-calc__detail");
      list.append(...notes.map((text) => el("li", text)));
      item.append(list);
    }
    return item;
  }

  function placeChart(figure, reply) {
    if (!reply) return;
    if (reply.error) {
      figure.replaceChildren(el("figcaption", reply.error.message_zh));
      return;
    }
    const svg = svgNode(reply.svg);
    const parts = [el("figcaption", reply.title)];
    if (svg) parts.push(svg);
    parts.push(dataTable(reply.table));
    figure.replaceChildren(...parts);
  }

  async function renderCompare(reply, args) {
    const cards = root.querySelector("#calc-cards");
    const verdict = root.querySelector("#calc-verdict");
    const barsFigure = root.querySelector("#calc-chart-compare");
    const curveFigure = root.querySelector("#calc-chart-curve");
    if (reply.error) {
      showError(reply);
      cards.replaceChildren();
      setText(verdict, "");
      barsFigure.replaceChildren();
      curveFigure.replaceChildren();
      return;
    }
    clearError();
    const best = reply.plans.filter((row) => row.cheapest).map((row) => row.plan_name);
    setText(
      verdict,
      `按这样的收款，第一年最省的是：${best.join("、")}。` +
        `最贵和最省的方案一年相差 ${yuan(reply.yearly_difference)}。`,
    );
    cards.replaceChildren(...reply.plans.map(card));
    const [bars, curve] = await Promise.all([
      askBars("chart", { kind: "compare", ...args }),
      askCurve("chart", {
        kind: "fee_curve",
        plans: args.plans,
        custom: args.custom,
        channel: "debit",
      }),
    ]);
    if (!document.body.contains(root)) return;
    placeChart(barsFigure, bars);
    placeChart(curveFigure, curve);
  }

  async function recompute() {
    if (!ready) return;
    const current = view();
    const extra = usesCustom() ? { custom: custom() } : {};
    let reply;
    if (current === "single") {
      reply = await askLatest("fee", {
        amount: fields.amount.value,
        channel: fields.channel.value,
        plan: fields.plan.value,
        ...extra,
      });
      if (reply && document.body.contains(root)) renderSingle(reply);
    } else if (current === "gross") {
      reply = await askLatest("gross", {
        net: fields.net.value,
        channel: fields.channel.value,
        plan: fields.plan.value,
        ...extra,
      });
      if (reply && document.body.contains(root)) renderGross(reply);
    } else if (current === "month") {
      reply = await askLatest("estimate", { mix: mix(), plan: fields.plan.value, ...extra });
      if (reply && document.body.contains(root)) renderMonth(reply);
    } else {
      const args = { mix: mix(), plans: compared(), ...extra };
      reply = await askLatest("compare", args);
      if (reply && document.body.contains(root)) await renderCompare(reply, args);
    }
  }

  // Typing is debounced (the first key answers at once); picks answer at once.
  const recomputeSoon = debounced(recompute);
  function changed(event) {
    showView();
    updateLink();
    if (event && event.type === "input") recomputeSoon();
    else recompute();
  }

  let unsubscribe = null;
  unsubscribe = onStatus(async (s) => {
    if (!document.body.contains(root)) {
      if (unsubscribe) unsubscribe();
      return;
    }
    if (s.state === "ready" && !ready) {
      await restore();
      ready = true;
      showView();
      share.value = window.location.href;
      setText(status, "计算引擎已就绪，修改数字即可重新计算。");
      recompute();
    } else if (s.state === "failed") {
      // mountRuntimeStatus shows the Chinese message and the retry button.
      root.dataset.failure = s.message || "";
    }
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recompute();
  });
  root.querySelector("#calc-copy").addEventListener("click", async () => {
    updateLink();
    share.select();
    try {
      await navigator.clipboard.writeText(share.value);
      setText(status, "链接已复制，发给别人打开就是同样的计算。");
    } catch {
      setText(status, "无法自动复制，请长按上面的链接手动复制。");
    }
  });
  showView();
  mountRuntimeStatus(status, { retryRoot: root, note: "下方的费率表仍然可以查看。" });
  startRuntime(root);
}
