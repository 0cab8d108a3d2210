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

from .channels import CHANNELS
from .errors import DataError, InputError
from .fees import FeeBreakdown, channel_rule, fee_breakdown, gross_up
from .money import format_yuan, parse_amount
from .plans import Plan, load_plans, plan_from_dict

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
    if custom is not None:
        try:
            return plan_from_dict(custom)
        except DataError as error:
            raise InputError("bad_custom_plan", custom_plan_message(error), error.field) from None
    plans = load_plans(plans_file)
    if not isinstance(plan_id, str) or plan_id not in plans:
        raise InputError("unknown_plan", "没有这个费率方案，请从列表中选择。", "plan")
    return plans[plan_id]


def custom_plan_message(error: DataError) -> str:
    """A reader-facing Chinese sentence for a mistake in their own rates."""
    return f"自定义费率有误（{error.field or '整体'}）：{error.problem}"


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
    }


def plans(plans_file: str | None = None) -> Result:
    """Every plan with its rates, for forms and tables."""
    return {
        "plans": [plan_dict(p) for p in load_plans(plans_file).values()],
        "channels": dict(CHANNELS),
    }


FUNCTIONS: dict[str, Callable[..., Result]] = {"fee": fee, "gross": gross, "plans": plans}


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
    except (ValueError, KeyError, TypeError):
        reply = {
            "error": {
                "code": "bad_request",
                "message_zh": "请求格式不对，请刷新页面后重试。",
                "field": "",
            }
        }
    except DataError as error:
        reply = {
            "error": {
                "code": "data_error",
                "message_zh": "费率数据有误，请稍后再试。",
                "field": "",
                "detail": str(error),
            }
        }
    return json.dumps(reply, ensure_ascii=False)
