"""Markdown and HTML fragments built from plan data, for the site macros.

Lives in the package (not in macros/) so it is unit-tested like the rest and
the macros module stays a list of registrations. Every value that came from a
data file is escaped before it goes into HTML.
"""

from __future__ import annotations

from decimal import Decimal

from calculator.api.fees_link import VIEWS
from calculator.api.inputs import DEFAULT_PLAN
from calculator.api.labels import VIEW_LABELS
from calculator.core.channels import CHANNELS
from calculator.core.describe import describe_rule, describe_rule_of
from calculator.core.money import (
    format_yuan,
    parse_amount,
    quantize_fen,
)
from calculator.core.plans import Band, Plan, load_plans
from calculator.fees.transaction import channel_rule, fee_breakdown
from calculator.site.regulation import load_reform

COMMON_AMOUNTS = ("100", "1000", "5000", "10000", "50000")


def _plan(plan_id: str) -> Plan:
    plans = load_plans()
    if plan_id not in plans:
        raise KeyError(f"unknown plan id {plan_id!r} (known: {', '.join(plans)})")
    return plans[plan_id]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan_source(plan_id: str) -> str:
    plan = _plan(plan_id)
    return f"来源：{plan.source}；日期：{plan.as_of_text}"


def plan_rate_table(plan_id: str) -> str:
    plan = _plan(plan_id)
    rows = ["| 支付方式 | 费率 |", "| --- | --- |"]
    rows += [f"| {CHANNELS[c]} | {_cell(describe_rule(plan, c))} |" for c in plan.channels]
    caption = f"*{_cell(plan.name)}。{_cell(plan_source(plan_id))}。{_cell(plan.note)}*"
    return "\n".join(rows) + "\n\n" + caption + "\n"


def fee(plan_id: str, channel: str, amount: str) -> str:
    plan = _plan(plan_id)
    value = parse_amount(amount)
    return format_yuan(fee_breakdown(channel_rule(plan, channel), value).fee)


def fee_examples(plan_id: str, amount: str = "10000") -> str:
    plan = _plan(plan_id)
    value = parse_amount(amount)
    rows = [
        f"| 支付方式（{format_yuan(value)} 元） | 手续费 | 到账 |",
        "| --- | ---: | ---: |",
    ]
    for channel, rule in plan.channels.items():
        b = fee_breakdown(rule, value)
        note = "（已封顶）" if b.cap_applied else ""
        rows.append(f"| {CHANNELS[channel]} | {format_yuan(b.fee)}{note} | {format_yuan(b.net)} |")
    return "\n".join(rows) + f"\n\n*{_cell(plan_source(plan_id))}*\n"


def plan_terms(plan: Plan) -> list[str]:
    """Periodic fees, deposit and promotion in words; empty when the plan has none."""
    terms = []
    periodic = plan.periodic
    if periodic.annual_fee:
        terms.append(f"{periodic.annual_fee_name}每年 {format_yuan(periodic.annual_fee)} 元")
    if periodic.monthly_rent:
        terms.append(f"月租每月 {format_yuan(periodic.monthly_rent)} 元")
    if plan.deposit:
        terms.append(
            f"押金 {format_yuan(plan.deposit.amount)} 元（{plan.deposit.refund_condition}）"
        )
    promotion = plan.promotion
    if promotion:
        pieces = [f"{CHANNELS[c]}{describe_rule_of(r)}" for c, r in promotion.channels.items()]
        if promotion.rent_waived:
            pieces.append("免月租")
        terms.append(f"{promotion.label}：前 {promotion.months} 个月" + "，".join(pieces))
    return terms


def fee_table(plan_id: str, amounts: tuple[str, ...] = COMMON_AMOUNTS) -> str:
    """Fees for common amounts per channel: the calculator without JavaScript.

    Below the figures: the rule of every channel (bands, caps, add-ons), the
    periodic fees and the source, so the table can be checked by hand.
    """
    plan = _plan(plan_id)
    values = [parse_amount(a) for a in amounts]
    header = "| 支付方式 | " + " | ".join(f"{format_yuan(v)} 元" for v in values) + " |"
    rows = [header, "| --- |" + " ---: |" * len(values)]
    for channel, rule in plan.channels.items():
        fees = []
        for value in values:
            b = fee_breakdown(rule, value)
            fees.append(format_yuan(b.fee) + ("（封顶）" if b.cap_applied else ""))
        rows.append(f"| {CHANNELS[channel]} | " + " | ".join(fees) + " |")
    label = "（示例方案，非真实报价）" if plan.example else ""
    title = f"**{_cell(plan.name)}**{label}：每笔手续费（元）"
    notes = [f"- {CHANNELS[c]}：{describe_rule(plan, c)}" for c in plan.channels]
    notes += [f"- {term}" for term in plan_terms(plan)]
    if plan.note:
        notes.append(f"- {plan.note}")
    return (
        f"{title}\n\n"
        + "\n".join(rows)
        + "\n\n费率规则：\n\n"
        + "\n".join(_cell(n) for n in notes)
        + f"\n\n*{_cell(plan_source(plan_id))}*\n"
    )


def all_fee_tables() -> str:
    return "\n".join(fee_table(plan_id) for plan_id in load_plans())


def cap_reached_at(band: Band) -> Decimal | None:
    """Smallest whole-fen amount whose percentage part reaches the cap."""
    if band.cap is None or band.rate == 0:
        return None
    exact = band.cap / band.rate
    point = quantize_fen(exact)
    return point if point * band.rate >= band.cap else point + Decimal("0.01")


def debit_cap_point(plan_id: str) -> str:
    plan = _plan(plan_id)
    band = plan.channels["debit"].bands[-1]
    point = cap_reached_at(band)
    if point is None:
        raise KeyError(f"plan {plan_id!r} has no debit cap")
    return format_yuan(point)


def reform_table() -> str:
    reform = load_reform()
    rows = ["| 项目 | 费率上限 | 每笔封顶 | 说明 |", "| --- | --- | --- | --- |"]
    for item in reform.items:
        rate = "—" if item.rate_percent is None else f"{item.rate_percent.normalize():f}%"
        cap = "—" if item.cap is None else f"{format_yuan(item.cap)} 元"
        rows.append(f"| {_cell(item.name)} | {rate} | {cap} | {_cell(item.note)} |")
    source = (
        f"*来源：{reform.issuer}{reform.title}（{reform.number}），"
        f"{reform.announced.isoformat()} 发布，{reform.in_force.isoformat()} 起施行。*"
    )
    return "\n".join(rows) + "\n\n" + source + "\n"


def plan_choices() -> list[tuple[str, str]]:
    """(id, name) of every plan, the default plan first, for the form."""
    plans = list(load_plans().values())
    plans.sort(key=lambda p: p.id != DEFAULT_PLAN)
    # Examples are labelled visibly, unless the name already says so.
    return [
        (p.id, p.name + ("（示例）" if p.example and not p.name.startswith("示例") else ""))
        for p in plans
    ]


def view_choices() -> list[tuple[str, str]]:
    """(id, label) of the calculator's views, in the contract's order."""
    return [(view, VIEW_LABELS[view]) for view in VIEWS]


_MB = 1_000_000


def download_size(size: int) -> str:
    """A first visit's download as the page promises it: "约 5 MB" (whole MB, half up)."""
    return f"约 {max(1, (int(size) + _MB // 2) // _MB)} MB"
