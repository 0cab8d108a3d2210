"""The seam every front door uses: plain data in, plain data out.

The CLI prints these dicts, the browser worker posts them, the site macros
format them. Money crosses the boundary as two-decimal strings, errors as
{"error": {"code", "message_zh", "field"}} -- never as an exception.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import charts as charts_module
from . import checklist
from . import estimate as estimate_module
from .channels import CHANNELS, SHORT_NAMES
from .errors import DataError, InputError
from .fees import FeeBreakdown, channel_rule, fee_breakdown, gross_up
from .money import format_yuan, parse_amount
from .plans import CUSTOM_PLAN_ID, Plan, load_plans, plan_from_dict

DEFAULT_PLAN = "lakala-personal"
Result = dict[str, Any]


def format_rate(rate: Decimal) -> str:
    """A fraction as a percent with two to three decimals: 0.60%, 0.025%."""
    percent = (rate * 100).quantize(Decimal("0.001"))
    text = f"{percent:f}"
    if text.endswith("0"):
        text = text[:-1]
    return f"{text}%"


def format_percent_figure(rate: Decimal) -> str:
    """A plan's contract rate exactly as written: 0.6 -> "0.6%"."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


def _plan(plan_id: object, plans_file: str | None, custom: object = None) -> Plan:
    """A published plan by id, or the reader's own rates when `custom` is given."""
    if custom is not None and (plan_id in (CUSTOM_PLAN_ID, DEFAULT_PLAN, None)):
        return _custom(custom)
    plans = load_plans(plans_file)
    if not isinstance(plan_id, str) or plan_id not in plans:
        raise InputError("unknown_plan", "没有这个费率方案，请从列表中选择。", "plan")
    return plans[plan_id]


def _custom(custom: object) -> Plan:
    """The reader's own contract; every mistake comes back in Chinese, field named."""
    try:
        return plan_from_dict(custom)
    except DataError as error:
        raise InputError("bad_custom_plan", custom_plan_message(error), error.field) from None
    except InputError as error:
        label = field_label_zh(error.field)
        raise InputError(
            "bad_custom_plan", f"自定义费率：{label}{error.message_zh}", error.field
        ) from None


_FIELD_WORDS = {
    "rate_percent": "费率",
    "cap": "封顶",
    "min": "最低收费",
    "fixed": "每笔加收",
    "up_to": "分段金额",
    "annual_fee": "年费（流量费/服务费）",
    "annual_fee_name": "年费名称",
    "monthly_rent": "月租",
    "amount": "押金",
    "refund_condition": "押金退还条件",
    "months": "优惠月数",
    "label": "优惠名称",
    "rent_waived": "优惠期免月租",
    "name": "方案名称",
}


def field_label_zh(field: str) -> str:
    """'channels.debit.cap' -> '借记卡封顶': the words on the form, not the data path."""
    parts = [p for p in field.replace("[", ".").replace("]", "").split(".") if p]
    words = []
    if parts and parts[0] == "promotion":
        words.append("优惠期")
        parts = parts[1:]
    if len(parts) >= 2 and parts[0] == "channels" and parts[1] in SHORT_NAMES:
        words.append(SHORT_NAMES[parts[1]])
        parts = parts[2:]
        if len(parts) >= 2 and parts[0] == "bands" and parts[1].isdigit():
            words.append(f"第 {int(parts[1]) + 1} 段")
            parts = parts[2:]
        if not parts:
            words.append("费率")
    elif parts and parts[0] in ("channels", "periodic", "deposit"):
        parts = parts[1:]
    words += [_FIELD_WORDS.get(p, p) for p in parts if p not in ("channels", "bands")]
    return "".join(words) or "费率"


_KIND_MESSAGES = {
    "number": "请只填数字，例如 0.6。",
    "order": "不能高于封顶。",
    "unknown": "这一项不认识，请检查。",
    "empty": "请至少填写一种支付方式的费率。",
}


def custom_plan_message(error: DataError) -> str:
    """A reader-facing Chinese sentence for a mistake in their own rates."""
    label = field_label_zh(error.field)
    if not error.field:
        return "自定义费率的格式不对，请重新填写。"
    if error.kind == "empty" and error.field.endswith("channels"):
        return "自定义费率：请至少填写一种支付方式的费率，例如信用卡 0.6。"
    if error.kind == "range":
        last = error.field.rsplit(".", 1)[-1]
        if last == "rate_percent":
            hint = "应在 0 到 10 之间（单位是 %，例如 0.6 表示 0.6%）"
        elif last == "months":
            hint = "应在 1 到 12 之间"
        elif last == "up_to":
            hint = "应在 0.01 到 1 亿元之间"
        else:
            hint = "超出了合理范围，请检查单位是不是元"
        return f"自定义费率：{label}{hint}。"
    if error.kind == "required":
        return f"自定义费率：请填写{label}。"
    if error.kind == "order" and error.field.endswith("up_to"):
        return f"自定义费率：{label}要比上一段大。"
    return f"自定义费率：{label}{_KIND_MESSAGES.get(error.kind, '填写有误，请检查。')}"


def _channel(channel: object) -> str:
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise InputError(
            "unknown_channel", "请选择支付方式：信用卡、借记卡、微信、支付宝或云闪付。", "channel"
        )
    return channel


def _optional(value: Decimal | None) -> str | None:
    return None if value is None else format_yuan(value)


def breakdown_dict(b: FeeBreakdown) -> Result:
    band = b.band
    return {
        "band_index": b.band_index,
        "band_up_to": _optional(band.up_to),
        "rate_percent": format_percent_figure(band.rate),
        "percent_raw": f"{b.percent_raw:f}",
        "percent_part": f"{b.percent_part:f}",
        "cap": _optional(band.cap),
        "cap_applied": b.cap_applied,
        "min": _optional(band.minimum),
        "min_applied": b.min_applied,
        "fixed": format_yuan(b.fixed),
        "unrounded": f"{b.unrounded:f}",
        "rounding": "half_up",
        "limited_to_amount": b.limited_to_amount,
    }


def _fee_result(plan: Plan, channel: str, b: FeeBreakdown) -> Result:
    return {
        "amount": format_yuan(b.amount),
        "fee": format_yuan(b.fee),
        "net": format_yuan(b.net),
        "effective_rate": format_rate(b.effective_rate),
        "plan": plan.id,
        "plan_name": plan.name,
        "channel": channel,
        "channel_name": CHANNELS[channel],
        "breakdown": breakdown_dict(b),
    }


def fee(
    amount: object,
    channel: object,
    plan: object = DEFAULT_PLAN,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """Fee and net for one transaction."""
    chosen = _plan(plan, plans_file, custom)
    channel_id = _channel(channel)
    value = parse_amount(amount, "amount")
    return _fee_result(chosen, channel_id, fee_breakdown(channel_rule(chosen, channel_id), value))


def gross(
    net: object,
    channel: object,
    plan: object = DEFAULT_PLAN,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """The smallest amount to charge so that at least `net` arrives."""
    chosen = _plan(plan, plans_file, custom)
    channel_id = _channel(channel)
    target = parse_amount(net, "net")
    result = _fee_result(chosen, channel_id, gross_up(channel_rule(chosen, channel_id), target))
    result["target_net"] = format_yuan(target)
    return result


def band_dict(band: Any) -> Result:
    return {
        "up_to": _optional(band.up_to),
        "rate_percent": format_percent_figure(band.rate),
        "cap": _optional(band.cap),
        "min": _optional(band.minimum),
        "fixed": format_yuan(band.fixed),
    }


def plan_dict(plan: Plan) -> Result:
    return {
        "id": plan.id,
        "name": plan.name,
        "source": plan.source,
        "as_of": plan.as_of_text,
        "note": plan.note,
        "example": plan.example,
        "channels": {
            channel: {"name": CHANNELS[channel], "bands": [band_dict(b) for b in rule.bands]}
            for channel, rule in plan.channels.items()
        },
        "periodic": {
            "annual_fee": format_yuan(plan.periodic.annual_fee),
            "annual_fee_name": plan.periodic.annual_fee_name,
            "monthly_rent": format_yuan(plan.periodic.monthly_rent),
        },
        "deposit": None
        if plan.deposit is None
        else {
            "amount": format_yuan(plan.deposit.amount),
            "refund_condition": plan.deposit.refund_condition,
        },
        "promotion": None
        if plan.promotion is None
        else {
            "label": plan.promotion.label,
            "months": plan.promotion.months,
            "rent_waived": plan.promotion.rent_waived,
            "channels": {
                channel: [band_dict(b) for b in rule.bands]
                for channel, rule in plan.promotion.channels.items()
            },
        },
    }


def plans(plans_file: str | None = None) -> Result:
    """Every plan with its rates, for forms and tables."""
    return {
        "plans": [plan_dict(p) for p in load_plans(plans_file).values()],
        "channels": dict(CHANNELS),
    }


FUNCTIONS: dict[str, Callable[..., Result]] = {"fee": fee, "gross": gross, "plans": plans}

# ---- monthly estimate, comparison, charts, shared links (issue 4) ----------


def _plan_list(plan_ids: object, plans_file: str | None, custom: object) -> list[Plan]:
    if isinstance(plan_ids, str):
        plan_ids = [p for p in plan_ids.split(",") if p.strip()]
    if not isinstance(plan_ids, list) or not all(isinstance(p, str) for p in plan_ids):
        raise InputError("unknown_plan", "请选择要比较的方案。", "plans")
    chosen = []
    for plan_id in plan_ids:
        plan_id = plan_id.strip()
        if plan_id == CUSTOM_PLAN_ID:
            if custom is None:
                raise InputError("custom_missing", "请先填写自定义费率，再拿它来比较。", "custom")
            chosen.append(_custom(custom))
        else:
            chosen.append(_plan(plan_id, plans_file))
    return chosen


def _estimate_dict(e: estimate_module.Estimate) -> Result:
    plan = e.plan
    promotion = plan.promotion
    return {
        "plan": plan.id,
        "plan_name": plan.name,
        "example": plan.example,
        "lines": [
            {
                "channel": line.entry.channel,
                "channel_name": CHANNELS[line.entry.channel],
                "total": format_yuan(line.entry.total),
                "count": line.entry.count,
                "average": format_yuan(line.entry.average),
                "fee": format_yuan(line.fee),
                "promo_fee": format_yuan(line.promo_fee),
                "effective_rate": format_rate(line.fee / line.entry.total),
            }
            for line in e.lines
        ],
        "volume": format_yuan(e.volume),
        "monthly_fees": format_yuan(e.monthly_fees),
        "monthly_rent": format_yuan(e.monthly_rent),
        "monthly_total": format_yuan(e.regular_month_total),
        "promotion": None
        if promotion is None
        else {
            "label": promotion.label,
            "months": promotion.months,
            "rent_waived": promotion.rent_waived,
            "monthly_fees": format_yuan(e.promo_monthly_fees),
            "monthly_total": format_yuan(e.promo_month_total),
        },
        "annual_fee": format_yuan(e.annual_fee),
        "annual_fee_name": plan.periodic.annual_fee_name,
        "first_year_total": format_yuan(e.first_year_total),
        "regular_year_total": format_yuan(e.regular_year_total),
        "effective_rate": format_rate(e.effective_rate),
        "deposit": None
        if plan.deposit is None
        else {
            "amount": format_yuan(plan.deposit.amount),
            "refund_condition": plan.deposit.refund_condition,
        },
    }


def estimate(
    mix: object,
    plan: object = DEFAULT_PLAN,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """A month and a year of fees for a mix of takings under one plan."""
    chosen = _plan(plan, plans_file, custom)
    entries = estimate_module.parse_mix(mix)
    return _estimate_dict(estimate_module.estimate(chosen, entries))


def compare(
    mix: object,
    plans: object,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """Several plans on the same mix; the cheapest first year is flagged."""
    chosen = _plan_list(plans, plans_file, custom)
    entries = estimate_module.parse_mix(mix)
    result = estimate_module.compare(chosen, entries)
    rows = []
    for item in result.estimates:
        row = _estimate_dict(item)
        row["cheapest"] = item.first_year_total == result.cheapest
        row["difference"] = format_yuan(result.difference(item))
        rows.append(row)
    highest = max(e.first_year_total for e in result.estimates)
    return {
        "plans": rows,
        "cheapest": [r["plan"] for r in rows if r["cheapest"]],
        "yearly_difference": format_yuan(highest - result.cheapest),
    }


def chart(
    kind: object,
    plans: object,
    mix: object = None,
    channel: object = "debit",
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """SVG text plus its text equivalent: kind "compare" (bars) or "fee_curve"."""
    chosen = _plan_list(plans, plans_file, custom)
    if kind == "compare":
        entries = estimate_module.parse_mix(mix)
        return charts_module.compare_bars(estimate_module.compare(chosen, entries)).as_dict()
    if kind == "fee_curve":
        if not 1 <= len(chosen) <= estimate_module.MAX_PLANS:
            raise InputError("compare_many", "请选择 1 到 6 个方案。", "plans")
        return charts_module.fee_curve(chosen, _channel(channel)).as_dict()
    raise InputError("unknown_chart", "没有这种图表。", "kind")


VIEWS = ("single", "gross", "month", "compare")
_CUSTOM_PARAMS = {"": "rate_percent", "_cap": "cap", "_fixed": "fixed"}
MAX_PARAM_CHARS = 100
_PARAM_LABELS = {
    "v": "页面类型",
    "amount": "金额",
    "net": "到账金额",
    "channel": "支付方式",
    "plan": "费率方案",
    "cmp": "对比方案",
}


def _mix_param(text: str, channel: str) -> dict[str, str]:
    total, sep, count = text.replace("×", "x").replace("X", "x").partition("x")
    if not sep:
        raise InputError("mix_bad", "月交易额和笔数要写成 30000x40 的样子。", f"mix.{channel}")
    entry = {"channel": channel, "total": total, "count": count}
    parsed = estimate_module.parse_mix([entry])[0]
    return {"total": format_yuan(parsed.total), "count": str(parsed.count)}


def state(query: object) -> Result:
    """Check a shared link's parameters like typed input; keep what is valid.

    The page restores only the cleaned values (as text, never as markup) and
    shows the problems, so a crafted link can neither inject nor mislead.
    """
    if not isinstance(query, dict):
        raise InputError("bad_link", "链接参数格式不对。", "")
    clean: Result = {}
    problems: list[dict[str, str]] = []

    def keep(key: str, check: Callable[[str], Any]) -> None:
        raw = query.get(key)
        if raw is None:
            return
        try:
            if not isinstance(raw, str) or len(raw) > MAX_PARAM_CHARS:
                raise InputError("bad_link", "链接里的这个值不对。", key)
            clean[key] = check(raw)
        except InputError as error:
            label = _PARAM_LABELS.get(key.split("_")[0], "参数")
            if key.startswith("m_"):
                label = f"{SHORT_NAMES[key[2:]]}月交易"
            message = f"链接中的{label}有误，已忽略：{error.message_zh}"
            problems.append({"field": key, "message_zh": message})

    def view(raw: str) -> str:
        if raw not in VIEWS:
            raise InputError("bad_view", "链接里的页面类型不对，已打开单笔计算。", "v")
        return raw

    def known_plan(raw: str) -> str:
        if raw != CUSTOM_PLAN_ID:
            _plan(raw, None)
        return raw

    def plan_ids(raw: str) -> list[str]:
        ids = [p for p in raw.split(",") if p]
        for plan_id in ids:
            known_plan(plan_id)
        if len(ids) > estimate_module.MAX_PLANS or len(set(ids)) != len(ids):
            raise InputError("compare_many", "链接里要比较的方案不对。", "cmp")
        return ids

    keep("v", view)
    keep("amount", lambda raw: format_yuan(parse_amount(raw, "amount")))
    keep("net", lambda raw: format_yuan(parse_amount(raw, "net")))
    keep("channel", _channel)
    keep("plan", known_plan)
    keep("cmp", plan_ids)
    for channel in CHANNELS:
        keep(f"m_{channel}", lambda raw, c=channel: _mix_param(raw, c))
    custom: dict[str, dict[str, str]] = {}
    for channel in CHANNELS:
        for suffix, field in _CUSTOM_PARAMS.items():
            key = f"c_{channel}{suffix}"
            raw = query.get(key)
            if isinstance(raw, str) and raw.strip() and len(raw) <= MAX_PARAM_CHARS:
                custom.setdefault(channel, {})[field] = raw
            elif raw is not None:
                problems.append({"field": key, "message_zh": "链接里的自定义费率不对。"})
    periodic = {}
    for key, field in (("c_annual", "annual_fee"), ("c_rent", "monthly_rent")):
        raw = query.get(key)
        if isinstance(raw, str) and raw.strip() and len(raw) <= MAX_PARAM_CHARS:
            periodic[field] = raw
        elif raw is not None:
            problems.append({"field": key, "message_zh": "链接里的自定义费率不对。"})
    if custom or periodic:
        raw_custom = {"channels": custom, "periodic": periodic}
        try:
            _custom(raw_custom)
            clean["custom"] = raw_custom
        except InputError as error:
            problems.append({"field": "custom", "message_zh": error.message_zh})
    return {"state": clean, "problems": problems}


FUNCTIONS.update({"estimate": estimate, "compare": compare, "chart": chart, "state": state})


# --- troubleshooting walker (issue 5) ---------------------------------------


def checklist_step(answers: object = "") -> Result:
    """The next question (with progress) or the outcome for a reader's answers.

    Answers that do not fit the tree (a stale or hostile link) come back as an
    error plus the first question under "restart", so every front door can say
    what happened and start over.
    """
    tree = checklist.load_tree()
    try:
        return checklist.step_dict(tree, checklist.walk(tree, answers))
    except InputError as error:
        restart = checklist.step_dict(tree, checklist.walk(tree, ""))
        return {"error": error.as_dict(), "restart": restart}


def checklist_tree() -> Result:
    """The whole walker tree, every shared entry resolved."""
    return checklist.tree_dict(checklist.load_tree())


FUNCTIONS.update({"checklist_step": checklist_step, "checklist_tree": checklist_tree})


# --- statement check (对账, issue 6) -------------------------------------------
# A statement is pasted `text` or base64 file `data` (decoded in Python: UTF-8,
# BOM, GBK). `mapping` names columns by hand when the headers are unknown.
# Big files go open -> step ... -> result so the page can show progress.
# `statement` is imported on first use: the fee calculator page, which shares
# this module, should not pay for csv/base64/hashlib imports in Pyodide.


def reconcile(
    text: object = None,
    data: object = None,
    plan: object = DEFAULT_PLAN,
    custom: object = None,
    mapping: object = None,
    plans_file: str | None = None,
    limit: object = None,
) -> Result:
    """Check every row of a statement against a plan or the reader's own rates."""
    from . import statement

    return statement.check_statement(_plan(plan, plans_file, custom), text, data, mapping, limit)


def reconcile_open(
    text: object = None,
    data: object = None,
    plan: object = DEFAULT_PLAN,
    custom: object = None,
    mapping: object = None,
    plans_file: str | None = None,
) -> Result:
    """Read a statement and keep it for reconcile_step; or say which columns are unknown."""
    from . import statement

    return statement.start_job(_plan(plan, plans_file, custom), text, data, mapping)


def reconcile_step(job: object = None, count: object = None) -> Result:
    from . import statement

    return statement.step_job(job, count)


def reconcile_result(job: object = None, limit: object = None) -> Result:
    from . import statement

    return statement.finish_job(job, limit)


FUNCTIONS.update(
    {
        "reconcile": reconcile,
        "reconcile_open": reconcile_open,
        "reconcile_step": reconcile_step,
        "reconcile_result": reconcile_result,
    }
)


def safe_call(name: str, **kwargs: Any) -> Result:
    """Run one API function; readers' mistakes come back as data."""
    try:
        return FUNCTIONS[name](**kwargs)
    except InputError as error:
        return {"error": error.as_dict()}


def call_json(request: str) -> str:
    """The browser worker's single entry point: JSON text in, JSON text out.

    Only names in FUNCTIONS and plain string arguments get through, so a
    hostile page parameter can neither pick another function nor pass objects.
    """
    try:
        # Numbers in JSON become Decimal, never float.
        message = json.loads(request, parse_float=Decimal)
        name = message["fn"]
        args = message.get("args", {})
        if name not in FUNCTIONS or not isinstance(args, dict):
            raise ValueError(name)
        clean = {str(k): v for k, v in args.items() if k != "plans_file"}
        reply = safe_call(name, **clean)
    except DataError as error:  # before ValueError, which it subclasses
        reply = {
            "error": {
                "code": "data_error",
                "message_zh": "费率数据有误，请稍后再试。",
                "field": "",
                "detail": str(error),
            }
        }
    except (ValueError, KeyError, TypeError, RecursionError):
        reply = {
            "error": {
                "code": "bad_request",
                "message_zh": "请求格式不对，请刷新页面后重试。",
                "field": "",
            }
        }
    except Exception as error:  # noqa: BLE001 - the page must get an answer, never a crash
        reply = {
            "error": {
                "code": "internal",
                "message_zh": "计算出了意外的错误，请刷新页面重试；"
                "如果一直出错，请换一台设备或稍后再试。",
                "field": "",
                "detail": f"{type(error).__name__}: {error}",
            }
        }
    return json.dumps(reply, ensure_ascii=False)
