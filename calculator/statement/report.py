"""What a checked statement adds up to: totals, trends, patterns and the findings file.

Built once from the checker's per-day sums and findings, never from the
rows again. Values stay Decimal here; calculator.api.statement formats them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from calculator.core.channels import CHANNELS
from calculator.core.money import format_yuan
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
    """Per channel, the first day with an overcharge and the rate before and after."""
    changes = []
    for channel in CHANNELS:
        dated = sorted((day, t) for (day, c), t in days.items() if c == channel and day)
        first = next((i for i, (_day, t) in enumerate(dated) if t.overcharged), None)
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


def findings_csv(findings: list[Finding]) -> str:
    """Flagged and rejected rows as CSV text with a BOM, so Excel reads it as UTF-8."""
    lines = [",".join(CSV_HEADER)]
    for f in sorted(findings, key=lambda f: f.line):
        flagged = f.status == "flagged"
        difference = ""
        if flagged:
            # Our own figures; a negative one is a number, not a formula.
            sign = "少收 " if f.difference < 0 else ""
            difference = sign + format_yuan(abs(f.difference))
        cells = (
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
        lines.append(",".join(_csv_cell(c) for c in cells))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"
