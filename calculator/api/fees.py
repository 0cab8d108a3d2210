"""Replies of the fee tool: one transaction, the plans, a month and a year, comparisons, charts."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from calculator.api import inputs
from calculator.core.channels import CHANNELS
from calculator.core.errors import InputError
from calculator.core.money import format_rate, format_rate_figure, format_yuan, parse_amount
from calculator.core.plans import Band, ChannelRule, Plan, load_plans
from calculator.fees import charts as charts_module
from calculator.fees import estimate as estimate_module
from calculator.fees.transaction import FeeBreakdown, channel_rule, fee_breakdown, gross_up

Result = dict[str, Any]
DEFAULT_PLAN = inputs.DEFAULT_PLAN


def _optional(value: Decimal | None) -> str | None:
    return None if value is None else format_yuan(value)


def breakdown_dict(b: FeeBreakdown) -> Result:
    band = b.band
    return {
        "band_index": b.band_index,
        "band_up_to": _optional(band.up_to),
        "rate_percent": format_rate_figure(band.rate),
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


def _transaction(
    raw: object,
    field: str,
    channel: object,
    plan: object,
    plans_file: str | None,
    custom: object,
    work_out: Callable[[ChannelRule, Decimal], FeeBreakdown],
) -> tuple[Result, Decimal]:
    """One transaction's reply; the plan, then the channel, then the amount is checked."""
    chosen = inputs.plan(plan, plans_file, custom)
    channel_id = inputs.channel(channel)
    value = parse_amount(raw, field)
    rule = channel_rule(chosen, channel_id)
    return _fee_result(chosen, channel_id, work_out(rule, value)), value


def fee(
    amount: object,
    channel: object,
    plan: object = DEFAULT_PLAN,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """Fee and net for one transaction."""
    return _transaction(amount, "amount", channel, plan, plans_file, custom, fee_breakdown)[0]


def gross(
    net: object,
    channel: object,
    plan: object = DEFAULT_PLAN,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """The smallest amount to charge so that at least `net` arrives."""
    result, target = _transaction(net, "net", channel, plan, plans_file, custom, gross_up)
    result["target_net"] = format_yuan(target)
    return result


def band_dict(band: Band) -> Result:
    return {
        "up_to": _optional(band.up_to),
        "rate_percent": format_rate_figure(band.rate),
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
    chosen = inputs.plan(plan, plans_file, custom)
    entries = estimate_module.parse_mix(mix)
    return _estimate_dict(estimate_module.estimate(chosen, entries))


def compare(
    mix: object,
    plans: object,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """Several plans on the same mix; the cheapest first year is flagged."""
    chosen = inputs.plan_list(plans, plans_file, custom)
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
    chosen = inputs.plan_list(plans, plans_file, custom)
    if kind == "compare":
        entries = estimate_module.parse_mix(mix)
        return charts_module.compare_bars(estimate_module.compare(chosen, entries)).as_dict()
    if kind == "fee_curve":
        if not 1 <= len(chosen) <= estimate_module.MAX_PLANS:
            raise InputError("compare_many", "请选择 1 到 6 个方案。", "plans")
        return charts_module.fee_curve(chosen, inputs.channel(channel)).as_dict()
    raise InputError("unknown_chart", "没有这种图表。", "kind")


FUNCTIONS = {
    "fee": fee,
    "gross": gross,
    "plans": plans,
    "estimate": estimate,
    "compare": compare,
    "chart": chart,
}
