"""What a checked statement adds up to: totals, trends, patterns and the findings file.

Built once from the checker's per-day sums and findings, never from the
rows again. Values stay Decimal here; calculator.api.statement formats them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.describe import describe_rule_of
from calculator.core.money import format_yuan, format_yuan_plain
from calculator.core.plans import Plan
from calculator.statement.check import ZERO, Checker, DayTotals, Finding
from calculator.statement.explain import PATTERN_LABELS, Pattern

CSV_HEADER = (
    "行号",
    "结果",
    "原因",
    "交易时间",
    "支付方式",
    "交易金额",
    "实收手续费",
    "按合同应收",
    "差额",
    "商户名称",
    "终端号",
)
_NEEDS_QUOTES = re.compile(r'[,"\n\r]').search
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHANNEL_ORDER = {channel: index for index, channel in enumerate(CHANNELS)}
_LISTED_LINES = 10  # line numbers a chat message names before "等"
MIN_LEAD = 2  # overcharged rows minus other rows from the change on; see rate_changes


@dataclass(slots=True)
class ChannelTotal:
    """One channel over every checked row, dated or not."""

    channel: str
    rows: int = 0
    flagged: int = 0
    amount: Decimal = ZERO
    fee: Decimal = ZERO
    expected: Decimal = ZERO
    over: Decimal = ZERO
    under: Decimal = ZERO


@dataclass(slots=True)
class DayPoint:
    """One channel on one day: a point of the rate chart."""

    date: str
    channel: str
    amount: Decimal
    fee: Decimal
    expected: Decimal
    flagged: int

    @property
    def effective_rate(self) -> Decimal:
        return self.fee / self.amount

    @property
    def expected_rate(self) -> Decimal:
        return self.expected / self.amount


@dataclass(slots=True)
class RateChange:
    """A channel's first day with an overcharge, and the rate before and from then on."""

    channel: str
    date: str
    rate_before: Decimal | None  # None: no checked amount before that day
    rate_after: Decimal | None
    charged_as: str  # the most common price charged instead, in words; may be empty


@dataclass(slots=True)
class PatternTotal:
    """The flagged rows of one pattern: how many, and what they differ by in all."""

    code: str
    label: str
    rows: int
    difference: Decimal


@dataclass(slots=True)
class Summary:
    """Everything a result says, in Decimal and dataclasses, before it is worded."""

    rows: int
    fine: int
    flagged: list[Finding]
    rejected: list[Finding]
    channels: list[ChannelTotal]
    skipped: list[Finding]
    patterns: list[PatternTotal]
    rate_changes: list[RateChange]
    series: list[DayPoint]

    @property
    def overcharge(self) -> Decimal:
        return sum((t.over for t in self.channels), ZERO)

    @property
    def undercharge(self) -> Decimal:
        return sum((t.under for t in self.channels), ZERO)

    @property
    def adds_up(self) -> bool:
        counted = self.fine + len(self.flagged) + len(self.rejected) + len(self.skipped)
        return counted == self.rows

    def shown_flagged(self, limit: int | None) -> list[Finding]:
        """At most `limit` flagged rows, the biggest overcharges: what a merchant acts on."""
        if limit is None or len(self.flagged) <= limit:
            return self.flagged
        shown = sorted(self.flagged, key=lambda f: (-f.difference, f.line))[:limit]
        shown.sort(key=lambda f: f.line)
        return shown

    def shown_rejected(self, limit: int | None) -> list[Finding]:
        return self.rejected if limit is None else self.rejected[:limit]


def summarise(checker: Checker) -> Summary:
    """The summary of every row checked so far (the whole file once the job is done)."""
    days = checker.days
    return Summary(
        rows=checker.total,
        fine=sum(t.rows - t.flagged for t in days.values()),
        flagged=[f for f in checker.findings if f.status == "flagged"],
        rejected=[f for f in checker.findings if f.status == "rejected"],
        channels=channel_totals(days),
        skipped=[f for f in checker.findings if f.status == "skipped"],
        patterns=pattern_totals(checker.findings),
        rate_changes=rate_changes(days, checker.patterns),
        series=series(days),
    )


def channel_totals(days: dict[tuple[str, str], DayTotals]) -> list[ChannelTotal]:
    totals: dict[str, ChannelTotal] = {}
    for (_day, channel), day in days.items():
        t = totals.get(channel)
        if t is None:
            t = totals[channel] = ChannelTotal(channel)
        t.amount += day.amount
        t.fee += day.fee
        t.expected += day.expected
        t.rows += day.rows
        t.flagged += day.flagged
        t.over += day.over
        t.under += day.under
    return [totals[c] for c in CHANNELS if c in totals]


def pattern_totals(findings: list[Finding]) -> list[PatternTotal]:
    """Flagged rows per pattern, the most frequent first."""
    totals: dict[str, PatternTotal] = {}
    for f in findings:
        if f.status != "flagged":
            continue
        t = totals.get(f.pattern)
        if t is None:
            t = totals[f.pattern] = PatternTotal(f.pattern, PATTERN_LABELS[f.pattern], 0, ZERO)
        t.rows += 1
        t.difference += f.difference
    return sorted(totals.values(), key=lambda t: -t.rows)


def series(days: dict[tuple[str, str], DayTotals]) -> list[DayPoint]:
    """Dated sums by day, then channel in the usual order; undated rows have no place."""
    points = [
        DayPoint(day, channel, t.amount, t.fee, t.expected, t.flagged)
        for (day, channel), t in days.items()
        if day
    ]
    points.sort(key=lambda p: (p.date, _CHANNEL_ORDER[p.channel]))
    return points


def rate_changes(
    days: dict[tuple[str, str], DayTotals], patterns: dict[str, Counter[Pattern]]
) -> list[RateChange]:
    """Per channel, the day a lasting overcharge began and the rate before and after.

    The rule: for every day of a channel, count its overcharged rows minus its
    other checked rows from that day to the end of the statement (the "lead").
    The change began on the earliest day with the largest lead, and is
    reported only when that lead is at least MIN_LEAD: from then on most rows
    of the channel are overcharged, at least two of them. One stray row, early
    or late, is a finding of its own, not a change of rate.
    """
    changes = []
    for channel in CHANNELS:
        dated = sorted((day, t) for (day, c), t in days.items() if c == channel and day)
        first = _change_start(dated)
        if first is None:
            continue
        common = [
            p
            for p, _n in patterns.get(channel, Counter()).most_common()
            if p.code != "charged_less"
        ]
        changes.append(
            RateChange(
                channel=channel,
                date=dated[first][0],
                rate_before=_rate_of(dated[:first]),
                rate_after=_rate_of(dated[first:]),
                charged_as=common[0].charged_as() if common else "",
            )
        )
    return changes


def _change_start(dated: list[tuple[str, DayTotals]]) -> int | None:
    """Index of the day a lasting overcharge began (see rate_changes), or None."""
    best, best_lead, lead = None, MIN_LEAD, 0
    for index in range(len(dated) - 1, -1, -1):
        t = dated[index][1]
        lead += 2 * t.over_rows - t.rows  # overcharged minus the other rows
        if lead >= best_lead:  # on a tie the earlier day wins
            best, best_lead = index, lead
    return best


def _rate_of(days: list[tuple[str, DayTotals]]) -> Decimal | None:
    amount = sum((t.amount for _day, t in days), ZERO)
    fee = sum((t.fee for _day, t in days), ZERO)
    return fee / amount if amount else None


def neutralise(cell: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _csv_cell(cell: str) -> str:
    text = neutralise(cell)
    if _NEEDS_QUOTES(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def contract_rates(summary: Summary, plan: Plan) -> list[tuple[str, str]]:
    """(channel id, the plan's rate as written) for the channels checked, else every channel."""
    used = [t.channel for t in summary.channels if t.channel in plan.channels]
    return [(c, describe_rule_of(plan.channels[c])) for c in used or list(plan.channels)]


def findings_csv(summary: Summary, plan: Plan) -> str:
    """Flagged and rejected rows, then the totals and the contract rates used, as CSV.

    A BOM first, so Excel reads it as UTF-8. A column no row fills (no
    merchant column in the statement, say) is left out. Figures stay in the
    machine form (30580.00), which every spreadsheet reads as a number.
    """
    rows = []
    for f in sorted(summary.flagged + summary.rejected + summary.skipped, key=lambda f: f.line):
        flagged = f.status == "flagged"
        difference = ""
        if flagged:
            # Our own figures; a negative one is a number, not a formula.
            sign = "少收 " if f.difference < 0 else ""
            difference = sign + format_yuan_plain(abs(f.difference))
        rows.append(
            (
                str(f.line),
                "有问题" if flagged else ("不是消费" if f.status == "skipped" else "无法核对"),
                f.reason,
                f.time,
                CHANNELS.get(f.channel, f.channel) if flagged else f.channel,
                f.amount,
                f.fee,
                f.expected,
                difference,
                f.merchant,
                f.terminal,
            )
        )
    keep = [i for i in range(len(CSV_HEADER)) if i < 3 or any(r[i] for r in rows)]
    table = [[CSV_HEADER[i] for i in keep]] + [[r[i] for i in keep] for r in rows]
    amount = sum((t.amount for t in summary.channels), ZERO)
    fee = sum((t.fee for t in summary.channels), ZERO)
    expected = sum((t.expected for t in summary.channels), ZERO)
    table += [
        [],
        ["合计"],
        ["读到的交易行", str(summary.rows)],
        ["核对无误", str(summary.fine)],
        ["有问题", str(len(summary.flagged))],
        ["无法核对", str(len(summary.rejected))],
        *([["不是消费（未核对）", str(len(summary.skipped))]] if summary.skipped else []),
        ["核对的交易金额（元）", format_yuan_plain(amount)],
        ["实收手续费（元）", format_yuan_plain(fee)],
        ["按合同应收（元）", format_yuan_plain(expected)],
        ["多收合计（元）", format_yuan_plain(summary.overcharge)],
        ["少收合计（元）", format_yuan_plain(summary.undercharge)],
        [],
        ["核对用的合同费率", plan.name],
        *([CHANNELS[c], rate] for c, rate in contract_rates(summary, plan)),
    ]
    lines = [",".join(_csv_cell(c) for c in line) for line in table]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def service_text(summary: Summary, plan: Plan) -> str:
    """A short message the merchant can paste into a chat with the provider.

    Facts only, in the order a service agent needs them: which statement,
    what was taken, what the contract says, the difference, where to look.
    """
    dates = [p.date for p in summary.series]
    span = f"（{dates[0]} 至 {dates[-1]}）" if dates else ""
    checked = sum(t.rows for t in summary.channels)
    amount = sum((t.amount for t in summary.channels), ZERO)
    fee = sum((t.fee for t in summary.channels), ZERO)
    expected = sum((t.expected for t in summary.channels), ZERO)
    rates = "；".join(f"{SHORT_NAMES[c]} {rate}" for c, rate in contract_rates(summary, plan))
    parts = [
        f"您好，我核对了 POS 交易明细{span}：{checked} 笔交易共 {format_yuan(amount)} 元，"
        f"实际扣了手续费 {format_yuan(fee)} 元。",
        f"按合同费率（{rates}）应收 {format_yuan(expected)} 元。",
    ]
    over = [f for f in summary.flagged if f.difference > 0]
    if over:
        lines = "、".join(str(f.line) for f in over[:_LISTED_LINES])
        more = "等" if len(over) > _LISTED_LINES else ""
        parts.append(
            f"其中 {len(over)} 笔多收，共多收 {format_yuan(summary.overcharge)} 元"
            f"（明细第 {lines} 行{more}）。"
        )
    for change in summary.rate_changes:
        as_ = f"，看起来是{change.charged_as}收取" if change.charged_as else ""
        parts.append(f"{SHORT_NAMES[change.channel]}从 {change.date} 起多收{as_}。")
    if over:
        parts.append("请帮我核实，并退还多收的手续费。")
    elif summary.flagged:
        parts.append(f"没有多收；有 {len(summary.flagged)} 笔比合同少收。")
    else:
        parts.append("每一笔都和合同一致。")
    return "".join(parts)
