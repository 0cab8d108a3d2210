"""Replies of the fee tool: one transaction, the plans, a month and a year, comparisons, charts.

The month, comparison, chart and check engines are imported by the functions
that use them: the calculator's first answer is a single fee, and in the
browser every module imported before it is time the reader waits.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calculator.api import inputs
from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.describe import describe_rule_of
from calculator.core.errors import InputError
from calculator.core.money import (
    format_rate,
    format_rate_figure,
    format_yuan,
    format_yuan_exact,
    parse_amount,
)
from calculator.core.plans import CUSTOM_PLAN_ID, Band, ChannelRule, Plan, load_plans
from calculator.fees.transaction import FeeBreakdown, channel_rule, fee_breakdown, gross_up

if TYPE_CHECKING:
    from calculator.fees.estimate import Estimate

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
        "percent_raw": format_yuan_exact(b.percent_raw),
        "percent_part": format_yuan_exact(b.percent_part),
        "cap": _optional(band.cap),
        "cap_applied": b.cap_applied,
        "min": _optional(band.minimum),
        "min_applied": b.min_applied,
        "fixed": format_yuan(b.fixed),
        "unrounded": format_yuan_exact(b.unrounded),
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


def _estimate_dict(e: Estimate) -> Result:
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
                "contract": describe_rule_of(plan.channels[line.entry.channel]),
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
    from calculator.fees import estimate as estimate_module

    chosen = inputs.plan(plan, plans_file, custom)
    entries = estimate_module.parse_mix(mix)
    return _estimate_dict(estimate_module.estimate(chosen, entries))


def compare(
    mix: object,
    plans: object,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """Several plans on the same mix; the cheapest real plan is flagged.

    The reader's own rates are compared once they are usable. Until then, or
    while they hold a mistake, the other plans are still compared and
    `custom_note` says what to fill (code "custom_empty") or what is wrong.
    """
    from calculator.fees import estimate as estimate_module

    ids = inputs.plan_ids(plans)
    if len(ids) < 2:
        raise InputError("compare_few", "请至少选两个方案来比较。", "plans")
    entries = estimate_module.parse_mix(mix)
    chosen = inputs.plan_list([i for i in ids if i != CUSTOM_PLAN_ID], plans_file, None)
    note = None
    if CUSTOM_PLAN_ID in ids:
        try:
            own = inputs.custom_plan(custom if custom is not None else {})
            estimate_module.estimate(own, entries)
            chosen.insert(ids.index(CUSTOM_PLAN_ID), own)
        except InputError as error:
            note = error.as_dict()
    if len(chosen) == 1:
        result = estimate_module.Comparison((estimate_module.estimate(chosen[0], entries),), None)
    else:
        result = estimate_module.compare(chosen, entries)
    rows = []
    for item in result.estimates:
        row = _estimate_dict(item)
        row["cheapest"] = result.is_cheapest(item)
        row["difference"] = _optional(result.difference(item))
        rows.append(row)
    real = result.real
    cheapest = [r for r in rows if r["cheapest"]]
    spread = (
        max(e.first_year_total for e in real) - result.cheapest
        if result.cheapest is not None
        else None
    )
    return {
        "plans": rows,
        "cheapest": [r["plan"] for r in cheapest],
        "yearly_difference": _optional(spread),
        "verdict": _verdict(cheapest, len(real), len(rows) - len(real), spread),
        "custom_note": note,
    }


def _verdict(cheapest: list[Result], real: int, examples: int, spread: Decimal | None) -> str:
    """The comparison's conclusion in words; an example plan is never named cheapest."""
    aside = "示例方案只作对照，不参与“最省”的比较。" if examples else ""
    ask = "想比较，请勾选“自定义费率”，填上您合同或服务商报给您的费率。"
    if real == 0:
        return f"这次比较的都是示例方案，没有真实报价可比，所以不说哪个最省。{ask}"
    if not cheapest or spread is None:
        return f"真实方案只有一个，没有可比的，所以不说哪个最省。{aside}{ask}"
    names = "、".join(r["plan_name"] for r in cheapest)
    return (
        f"按这样的收款，第一年最省的是：{names}，"
        f"和最贵的真实方案一年相差 {format_yuan(spread)} 元。{aside}"
    )


def chart(
    kind: object,
    plans: object,
    mix: object = None,
    channel: object = "debit",
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """SVG text plus its text equivalent: kind "compare" (bars) or "fee_curve"."""
    from calculator.fees import charts as charts_module
    from calculator.fees import estimate as estimate_module

    chosen = inputs.plan_list(plans, plans_file, custom)
    if kind == "compare":
        entries = estimate_module.parse_mix(mix)
        return charts_module.compare_bars(estimate_module.compare(chosen, entries)).as_dict()
    if kind == "fee_curve":
        if not 1 <= len(chosen) <= estimate_module.MAX_PLANS:
            raise InputError("compare_many", "请选择 1 到 6 个方案。", "plans")
        return charts_module.fee_curve(chosen, inputs.channel(channel)).as_dict()
    raise InputError("unknown_chart", "没有这种图表。", "kind")


def _optional_amount(raw: object, field: str) -> Decimal | None:
    """A typed amount, or None when the box was left empty; zero is a real fee."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return parse_amount(raw, field)
    except InputError as error:
        if error.code == "zero":
            return Decimal(0)
        raise


def check(
    amount: object,
    channel: object,
    plan: object = DEFAULT_PLAN,
    received: object = None,
    fee: object = None,
    plans_file: str | None = None,
    custom: object = None,
) -> Result:
    """One payment against the contract: what was taken, what should have been, why.

    The reader gives what arrived, the fee shown, or both; the same engine as
    the statement check's rows (explain.check_payment) answers.
    """
    from calculator.statement.explain import PATTERN_LABELS, check_payment

    chosen = inputs.plan(plan, plans_file, custom)
    channel_id = inputs.channel(channel)
    value = parse_amount(amount, "amount")
    got = _optional_amount(received, "received")
    taken = _optional_amount(fee, "taken")
    if got is None and taken is None:
        raise InputError("check_missing", "请填写实际到账金额，或者被扣的手续费。", "received")
    if got is not None and got > value:
        raise InputError("received_above", "到账金额比刷卡金额还多，请检查两个数字。", "received")
    if taken is not None and taken > value:
        raise InputError("taken_above", "手续费比刷卡金额还多，请检查两个数字。", "taken")
    if taken is None:
        taken = value - got  # type: ignore[operator]
    if got is None:
        got = value - taken
    rule = channel_rule(chosen, channel_id)
    b = fee_breakdown(rule, value)
    result = check_payment(channel_id, b, taken, got)
    difference = result.difference
    why = result.explanation
    status = "match" if why is None else ("over" if difference > 0 else "under")
    short = SHORT_NAMES[channel_id]
    contract = describe_rule_of(rule)
    headline = {
        "match": "和合同一致",
        "over": f"多收 {format_yuan(difference)} 元",
        "under": f"少收 {format_yuan(-difference)} 元",
    }[status]
    pattern = None if why is None else why.pattern.code
    summary = (
        f"您好，我这笔{short}刷卡 {format_yuan(value)} 元，到账 {format_yuan(got)} 元，"
        f"一共被扣了 {format_yuan(result.charged)} 元"
        f"（{format_rate(result.charged / value)}）。"
        f"合同{short}费率是 {contract}，这笔应扣 {format_yuan(b.fee)} 元，"
    )
    if why is None:
        summary += "和合同一致。"
    elif status == "under":
        summary += f"实际少扣了 {format_yuan(-difference)} 元。请帮我核实。"
    else:
        summary += f"多扣了 {format_yuan(difference)} 元。"
        if why.pattern.code != "unexplained":
            charged_as = why.pattern.charged_as()
            summary += f"看起来是{PATTERN_LABELS[why.pattern.code]}"
            summary += f"（{charged_as}）。" if charged_as else "。"
        summary += "请帮我核实，并退还多扣的费用。"
    return {
        **_fee_result(chosen, channel_id, b),
        "received": format_yuan(got),
        "taken": format_yuan(result.charged),
        "taken_rate": format_rate(result.charged / value),
        "expected_fee": format_yuan(b.fee),
        "expected_rate": format_rate(b.effective_rate),
        "contract": contract,
        "status": status,
        "difference": format_yuan(abs(difference)),
        "headline": headline,
        "pattern": pattern,
        "pattern_label": None if pattern is None else PATTERN_LABELS[pattern],
        "reason": None if why is None else why.text,
        "summary": summary,
    }
