"""Checking statement rows against a contract, row by row, in chunks.

Every data row ends in exactly one of three piles: fine, flagged (the fee
differs from the contract by more than one fen) or rejected (we could not
read it; the line number and the reason say why). A bad row never stops the
others. The loop is the hot path for 100,000-row files, so parsed cells and
expected fees are cached, no Decimal context is created per row, and a cell
we cannot read comes back as its reason (a str) instead of an exception.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from calculator.core.channels import SHORT_NAMES
from calculator.core.errors import InputError
from calculator.core.money import FEN, format_yuan, parse_amount
from calculator.core.plans import ChannelRule, Plan
from calculator.fees.transaction import channel_rule, fee_breakdown
from calculator.statement.explain import TOLERANCE, Explainer, Pattern
from calculator.statement.read import FIELD_NAMES_ZH, Table, channel_of, clean_cell

MINUS_TOLERANCE = -TOLERANCE
ZERO = Decimal(0)
_PLAIN = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?")
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{4,6})?")

ContractFee = Callable[[Decimal], Decimal]


@dataclass(slots=True)
class Finding:
    """A flagged row in our own figures, or a rejected one with its cells as written."""

    line: int
    status: str  # "flagged" | "rejected"
    reason: str
    time: str = ""
    channel: str = ""  # id when known, else the cell as written
    amount: str = ""
    fee: str = ""
    expected: str = ""
    difference: Decimal = ZERO
    pattern: str = ""
    merchant: str = ""
    terminal: str = ""


@dataclass(slots=True)
class DayTotals:
    """Running sums of the checked rows of one day and channel.

    The only bookkeeping done for every row, so the summaries never walk
    the rows again. `fee` is what was taken, hidden deductions included.
    """

    amount: Decimal = ZERO
    fee: Decimal = ZERO
    expected: Decimal = ZERO
    rows: int = 0
    flagged: int = 0
    overcharged: bool = False  # a flagged row was charged more than the contract
    over: Decimal = ZERO  # sum of the overcharges
    under: Decimal = ZERO  # sum of the undercharges, positive


def _date_of(text: str) -> str | None:
    m = _DATE.match(text) or _COMPACT_DATE.fullmatch(text)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    import datetime as dt

    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _number(
    raw: str, cache: dict[str, Decimal | str], what: str, allow_zero: bool
) -> Decimal | str:
    """Decimal, or the reason the cell is refused (cached per distinct text)."""
    hit = cache.get(raw)
    if hit is not None:
        return hit
    if _PLAIN.fullmatch(raw):
        value: Decimal | str = Decimal(raw)
        if value == 0 and not allow_zero:
            value = f"{what}是 0"
    else:
        text = clean_cell(raw)
        try:
            value = parse_amount(text)  # the reason below names the field
        except InputError as error:
            if allow_zero and error.code == "zero":
                value = ZERO
            else:
                value = f"{what}“{text}”看不懂：{error.message_zh}"
    cache[raw] = value
    return value


def contract_fee(rule: ChannelRule) -> ContractFee:
    """The contract fee for one channel as a small closure.

    Same rule as fees.fee_breakdown (percentage part raised to the minimum,
    lowered to the cap, plus the add-on, half up to the fen, never above the
    amount) without building a breakdown per row; a test holds the two equal.
    """
    bands = rule.bands
    if len(bands) == 1 and bands[0].cap is None and bands[0].minimum is None:
        rate, fixed = bands[0].rate, bands[0].fixed

        def simple(amount: Decimal) -> Decimal:
            fee = (amount * rate + fixed).quantize(FEN, ROUND_HALF_UP)
            return amount if fee > amount else fee

        return simple

    def banded(amount: Decimal) -> Decimal:
        for band in bands:  # the last band has no up_to: the loop always stops on a band
            if band.up_to is None or amount <= band.up_to:
                break
        part = amount * band.rate
        minimum, cap = band.minimum, band.cap
        if minimum is not None and part < minimum:
            part = minimum
        if cap is not None and part > cap:
            part = cap
        fee = (part + band.fixed).quantize(FEN, ROUND_HALF_UP)
        return amount if fee > amount else fee

    return banded


class Checker:
    """Holds the running totals so a large statement can be checked in chunks."""

    def __init__(self, plan: Plan, table: Table) -> None:
        self.plan = plan
        self.table = table
        self.rows = table.data
        self.position = 0
        self.findings: list[Finding] = []
        self.days: dict[tuple[str, str], DayTotals] = {}  # (date or "", channel)
        self.patterns: dict[str, Counter[Pattern]] = {}  # channel -> flagged rows by pattern
        self.explainer = Explainer()
        self._amounts: dict[str, Decimal | str] = {}
        self._fees: dict[str, Decimal | str] = {}
        self._settled: dict[str, Decimal | str] = {}
        self._dates: dict[str, str | None] = {}
        self._kinds: dict[str, str | None] = {}
        self._contract_fees: dict[str, ContractFee | str] = {}
        self._rules: dict[str, ChannelRule | str] = {}

    @property
    def total(self) -> int:
        return len(self.rows)

    def step(self, count: int) -> None:
        """Check the next `count` rows."""
        cols = self.table.columns
        i_amount = cols["amount"]
        i_fee = cols["fee"]
        i_channel = cols.get("channel", -1)
        i_time = cols.get("time", -1)
        i_settled = cols.get("settled", -1)
        # Columns past the shortest row: compare once per row instead of per cell.
        needed = max(i_amount, i_fee, i_channel, i_time) + 1
        default_channel = self.table.channel_default
        need_channel = i_channel >= 0 and not default_channel
        amounts, fees, dates, kinds = self._amounts, self._fees, self._dates, self._kinds
        settled_cache, days, contract_fees = self._settled, self.days, self._contract_fees
        number, reject, plain = _number, self._reject, _PLAIN.fullmatch
        stop = min(len(self.rows), self.position + count)
        for line, cells in self.rows[self.position : stop]:
            width = len(cells)
            if width >= needed:
                raw_amount = cells[i_amount].strip()
                raw_fee = cells[i_fee].strip()
                raw_channel = cells[i_channel].strip() if i_channel >= 0 else ""
                raw_time = cells[i_time].strip() if i_time >= 0 else ""
            else:
                raw_amount = cells[i_amount].strip() if i_amount < width else ""
                raw_fee = cells[i_fee].strip() if i_fee < width else ""
                raw_channel = cells[i_channel].strip() if 0 <= i_channel < width else ""
                raw_time = cells[i_time].strip() if 0 <= i_time < width else ""
            if not (
                raw_amount
                and raw_fee
                and (raw_channel or not need_channel)
                and (raw_time or i_time < 0)
            ):
                self._reject_missing(line, cells, raw_amount, raw_fee, raw_channel, raw_time)
                continue
            if plain(raw_amount) and raw_amount[0] != "0":
                amount = Decimal(raw_amount)
            else:
                amount = number(raw_amount, amounts, "交易金额", False)
                if amount.__class__ is str:
                    if raw_amount.lstrip("'`=\"").startswith(("-", "−", "－")):
                        amount = "交易金额是负数（退款或撤销），不按消费核对"
                    reject(line, cells, amount)
                    continue
            if plain(raw_fee):
                charged = Decimal(raw_fee)
            else:
                charged = number(raw_fee, fees, "手续费", True)
                if charged.__class__ is str:
                    reject(line, cells, charged)
                    continue
            if raw_channel:
                channel = kinds.get(raw_channel, "")
                if channel == "":
                    channel = kinds[raw_channel] = channel_of(clean_cell(raw_channel))
                if channel is None:
                    reject(
                        line,
                        cells,
                        f"支付方式“{clean_cell(raw_channel)}”认不出"
                        "（应为信用卡、借记卡、微信、支付宝或云闪付）",
                    )
                    continue
            else:
                channel = default_channel
            day = ""
            if raw_time:
                key = raw_time.partition(" ")[0]
                day = dates.get(key, "")
                if day == "":
                    day = dates[key] = _date_of(clean_cell(raw_time))
                if day is None:
                    reject(line, cells, f"交易时间“{clean_cell(raw_time)}”看不懂")
                    continue
            if charged > amount:
                reject(line, cells, "手续费比交易金额还大，请检查这一行的列是否错位")
                continue
            fee_of = contract_fees.get(channel)
            if fee_of is None:
                fee_of = contract_fees[channel] = self._contract_fee(channel)
            if fee_of.__class__ is str:
                reject(line, cells, fee_of)
                continue
            expected = fee_of(amount)
            deducted = charged
            hidden = ZERO
            if 0 <= i_settled < width:
                raw_settled = cells[i_settled].strip()
                if raw_settled:
                    if plain(raw_settled):
                        settled = Decimal(raw_settled)
                    else:
                        settled = number(raw_settled, settled_cache, "结算金额", True)
                        if settled.__class__ is str:
                            reject(line, cells, settled)
                            continue
                    hidden = amount - charged - settled
                    if hidden > TOLERANCE:
                        deducted = charged + hidden
            difference = deducted - expected
            flagged = difference > TOLERANCE or difference < MINUS_TOLERANCE
            totals = days.get((day, channel))
            if totals is None:
                totals = days[(day, channel)] = DayTotals()
            totals.amount += amount
            totals.fee += deducted
            totals.expected += expected
            totals.rows += 1
            if not flagged:
                continue
            self._flag(line, cells, channel, amount, deducted, hidden, difference, raw_time, totals)
        self.position = stop

    def _flag(
        self,
        line: int,
        cells: list[str],
        channel: str,
        amount: Decimal,
        deducted: Decimal,
        hidden: Decimal,
        difference: Decimal,
        raw_time: str,
        totals: DayTotals,
    ) -> None:
        """Record a flagged row: why, and how much (the slow path, rows that differ)."""
        breakdown = fee_breakdown(self._rule(channel), amount)  # type: ignore[arg-type]
        totals.flagged += 1
        if difference > 0:
            totals.overcharged = True
            totals.over += difference
        else:
            totals.under -= difference
        why = self.explainer.explain(
            channel, breakdown, deducted, hidden if hidden > TOLERANCE else ZERO
        )
        self.patterns.setdefault(channel, Counter())[why.pattern] += 1
        self.findings.append(
            Finding(
                line=line,
                status="flagged",
                reason=why.text,
                time=clean_cell(raw_time),
                channel=channel,
                amount=format_yuan(amount),
                fee=format_yuan(deducted),
                expected=format_yuan(breakdown.fee),
                difference=difference,
                pattern=why.pattern.code,
                merchant=self._cell(cells, "merchant"),
                terminal=self._cell(cells, "terminal"),
            )
        )

    def _rule(self, channel: str) -> ChannelRule | str:
        """The plan's rule for a channel, or why the plan has none."""
        rule = self._rules.get(channel)
        if rule is None:
            try:
                rule = channel_rule(self.plan, channel)
            except InputError:
                rule = f"所选方案“{self.plan.name}”没有{SHORT_NAMES[channel]}的费率"
            self._rules[channel] = rule
        return rule

    def _contract_fee(self, channel: str) -> ContractFee | str:
        rule = self._rule(channel)
        return rule if isinstance(rule, str) else contract_fee(rule)

    def _cell(self, cells: list[str], name: str) -> str:
        index = self.table.columns.get(name, -1)
        return clean_cell(cells[index]) if 0 <= index < len(cells) else ""

    def _reject_missing(
        self, line: int, cells: list[str], amount: str, fee: str, channel: str, time: str
    ) -> None:
        cols = self.table.columns
        wanted = (
            ("amount", amount, True),
            ("fee", fee, True),
            ("channel", channel, "channel" in cols and not self.table.channel_default),
            ("time", time, "time" in cols),
        )
        missing = [name for name, raw, needed in wanted if needed and not raw]
        first = cells[0].strip()  # never empty: blank lines are not records
        if any(word in first for word in ("合计", "总计", "小计")):
            self._reject(line, cells, "这是合计行，不是一笔交易，不参与核对")
        else:
            self._reject(line, cells, "缺少" + "、".join(FIELD_NAMES_ZH[n] for n in missing))

    def _reject(self, line: int, cells: list[str], reason: str) -> None:
        self.findings.append(
            Finding(
                line=line,
                status="rejected",
                reason=reason,
                time=self._cell(cells, "time"),
                channel=self._cell(cells, "channel"),
                amount=self._cell(cells, "amount"),
                fee=self._cell(cells, "fee"),
                merchant=self._cell(cells, "merchant"),
                terminal=self._cell(cells, "terminal"),
            )
        )
