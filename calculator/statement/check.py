"""Checking statement rows against a contract, row by row, in chunks.

Every data row ends in exactly one of four piles, each with its file line:
fine, flagged (the fee differs from the contract by more than one fen),
rejected (we could not read it; the reason says why) or skipped (not a sale:
a void, reversal, refund, pre-authorisation, subtotal or repeated header, the
reason says which). A bad row never stops the others, and the four counts
add up to the rows read. The loop is the hot path for 100,000-row files, so
parsed cells and expected fees are cached, no Decimal context is created per
row, and a cell we cannot read comes back as its reason (a str) instead of an
exception.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from calculator.core.channels import SHORT_NAMES
from calculator.core.errors import InputError
from calculator.core.money import FEN, format_yuan, parse_amount
from calculator.core.plans import ChannelRule, Plan
from calculator.fees.transaction import channel_rule, fee_breakdown
from calculator.statement.explain import TOLERANCE, Explainer, Pattern
from calculator.statement.read import (
    EMPTY_CELLS,
    FIELD_NAMES_ZH,
    PREAUTH,
    REFUND,
    REVERSAL,
    SALE,
    VOID,
    Table,
    channel_of,
    clean_cell,
    cut,
    kind_of,
    recognise,
    total_label,
    unpriced_reason,
)

MINUS_TOLERANCE = -TOLERANCE
ZERO = Decimal(0)
_PLAIN = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?")
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})(?![0-9])")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{4}|[0-9]{6})?(?![0-9])")
# Month first: a day-month-year date with a four-digit year at the end comes
# from Excel in an English (US) locale, which writes 3/1/2025 for 1 March;
# Chinese systems write the year first. A first number above 12 can only be
# a day, so 25/3/2025 is read as 25 March.
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?![0-9])")
_MINUS = ("-", "−", "－")
# Why a row that is not a sale is skipped (the skipped row's pattern is its kind).
KIND_REASONS = {
    VOID: "撤销，不按消费核对",
    REVERSAL: "冲正（系统撤回的交易），不按消费核对",
    REFUND: "退货（退款），不按消费核对",
    PREAUTH: "预授权只冻结额度、不扣手续费，预授权完成时才核对",
}
KIND_NAMES = {VOID: "撤销", REVERSAL: "冲正", REFUND: "退货", PREAUTH: "预授权"}

ContractFee = Callable[[Decimal], Decimal]


@dataclass(slots=True)
class Finding:
    """A flagged row in our own figures, or a rejected one with its cells as written."""

    line: int
    status: str  # "flagged" | "rejected" | "skipped"
    reason: str
    time: str = ""
    channel: str = ""  # id when known, else the cell as written
    amount: str = ""
    fee: str = ""
    expected: str = ""
    difference: Decimal = ZERO
    pattern: str = ""  # flagged: the explanation's code; skipped: void, refund, total …
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
    over_rows: int = 0  # flagged rows charged more than the contract
    over: Decimal = ZERO  # sum of the overcharges
    under: Decimal = ZERO  # sum of the undercharges, positive


def date_of(text: str) -> str | None:
    """ISO date at the start of a cell: 2025-03-01, 2025/3/1, 2025年3月1日, 20250301, 3/1/2025.

    Only the cell's start is read, so a time after the date never matters; the
    same cell always gives the same answer, whatever the rows before it.
    """
    m = _DATE.match(text) or _COMPACT_DATE.match(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = _US_DATE.match(text)
        if not m:
            return None
        month, day, year = (int(g) for g in m.groups())
        if month > 12:
            month, day = day, month
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def signed_number(raw: str, what: str, allow_zero: bool) -> Decimal | str:
    """A money cell with its sign, or the reason it is refused.

    Exports write a minus in front (-6.00), behind (1,000.00-) or as
    parentheses ((6.00)); a trailing dot (1000.) is a whole number. The sign
    is read here and the digits by the one amount parser.
    """
    text = clean_cell(raw)
    negative = False
    if text.startswith("(") and text.endswith(")") or text.startswith("（") and text.endswith("）"):
        text, negative = text[1:-1].strip(), True
    if text.endswith(_MINUS):
        text, negative = text[:-1].strip(), not negative
    if text.startswith(_MINUS):
        text, negative = text[1:].strip(), not negative
    if text.endswith(".") and text[:-1].replace(",", "").isdigit():
        text = text[:-1]
    try:
        value = parse_amount(text)  # the reason below names the field
    except InputError as error:
        if error.code == "zero":
            return ZERO if allow_zero else f"{what}是 0"
        return f"{what}“{cut(clean_cell(raw))}”看不懂：{error.message_zh}"
    return -value if negative else value


def _number(
    raw: str, cache: dict[str, Decimal | str], what: str, allow_zero: bool
) -> Decimal | str:
    """signed_number, cached per distinct text."""
    hit = cache.get(raw)
    if hit is None:
        hit = cache[raw] = signed_number(raw, what, allow_zero)
    return hit


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


@dataclass(slots=True)
class TotalRow:
    """A 合计/总计/汇总 row as written, kept to cross-check the sums of the rows read."""

    line: int
    label: str
    amount: str
    fee: str


@dataclass(slots=True)
class Sums:
    """What the rows add up to, for the cross-check against a 合计 row."""

    sale_amount: Decimal = ZERO  # rows checked as sales (fine or flagged)
    sale_fee: Decimal = ZERO  # their fees as charged
    back_amount: Decimal = ZERO  # voids, reversals and refunds, positive
    back_fee: Decimal = ZERO
    refunds: int = 0
    refund_amount: Decimal = ZERO
    notices: dict[str, list[int]] = field(default_factory=dict)  # code -> lines


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
        self.sums = Sums()
        self.totals: list[TotalRow] = []
        self._amounts: dict[str, Decimal | str] = {}
        self._fees: dict[str, Decimal | str] = {}
        self._settled: dict[str, Decimal | str] = {}
        self._dates: dict[str, str | None] = {}  # a cell's first word -> ISO date
        self._cells: dict[str, str | None] = {}  # a whole cell -> ISO date
        self._channels: dict[str, str | None] = {}
        self._kinds: dict[str, str | None] = {}
        self._contract_fees: dict[str, ContractFee | str] = {}
        self._shown: dict[str, str] = {}  # a raw cell -> as findings show it
        self._rules: dict[str, ChannelRule | str] = {}
        # (channel, amount) -> lines of the sales a void or reversal may cancel
        self._sales: dict[tuple[str, Decimal], list[int]] = {}
        header = [header_key_plain(c) for c in table.header]
        self._header = header

    @property
    def total(self) -> int:
        return len(self.rows)

    def step(self, count: int) -> None:
        """Check the next `count` rows."""
        cols = self.table.columns
        i_amount = cols["amount"]
        i_fee = cols.get("fee", -1)
        i_channel = cols.get("channel", -1)
        i_alt = cols.get("channel_alt", -1)
        i_time = cols.get("time", -1)
        i_date = cols.get("date", i_time)  # the day comes from the date column when there is one
        i_kind = cols.get("kind", -1)
        i_settled = cols.get("settled", -1)
        problems = self.table.problems
        # Columns past the shortest row: compare once per row instead of per cell.
        needed = max(i_amount, i_fee, i_channel, i_date, i_settled, i_kind) + 1
        default_channel = self.table.channel_default
        amounts, fees, dates, channels = self._amounts, self._fees, self._dates, self._channels
        settled_cache, days, contract_fees = self._settled, self.days, self._contract_fees
        kinds, sales, sums = self._kinds, self._sales, self.sums
        number, reject, plain = _number, self._reject, _PLAIN.fullmatch
        sale_amount, sale_fee = sums.sale_amount, sums.sale_fee
        stop = min(len(self.rows), self.position + count)
        for line, cells in self.rows[self.position : stop]:
            if problems and line in problems:
                reject(line, cells, problems[line])
                continue
            width = len(cells)
            if width >= needed:
                raw_amount = cells[i_amount].strip()
                raw_fee = cells[i_fee].strip() if i_fee >= 0 else ""
                raw_channel = cells[i_channel].strip() if i_channel >= 0 else ""
                raw_date = cells[i_date].strip() if i_date >= 0 else ""
                raw_kind = cells[i_kind].strip() if i_kind >= 0 else ""
            else:
                raw_amount = cells[i_amount].strip() if i_amount < width else ""
                raw_fee = cells[i_fee].strip() if 0 <= i_fee < width else ""
                raw_channel = cells[i_channel].strip() if 0 <= i_channel < width else ""
                raw_date = cells[i_date].strip() if 0 <= i_date < width else ""
                raw_kind = cells[i_kind].strip() if 0 <= i_kind < width else ""
            if raw_kind:
                kind = kinds.get(raw_kind, "")
                if kind == "":
                    kind = kinds[raw_kind] = kind_of(clean_cell(raw_kind))
                if kind is not SALE:
                    self._not_a_sale(line, cells, kind, raw_kind, raw_amount, raw_fee)
                    continue
            day = ""
            if raw_date:
                # Timestamps are mostly distinct, their days few: look the
                # first word up; date_of reads only a cell's start, so when
                # that word is a date the whole cell is that date.
                word = raw_date.partition(" ")[0]
                day = dates.get(word, "")
                if day == "":
                    day = dates[word] = date_of(word)
                if day is None and word != raw_date:
                    day = self._date(raw_date)
                if day is None:
                    if self._skip_total(line, cells):
                        continue
                    sums.notices.setdefault("unreadable_time", []).append(line)
                    day = ""  # an unreadable time never costs a checkable fee
            elif self._skip_total(line, cells):
                continue
            if plain(raw_amount) and raw_amount[0] != "0":
                amount = Decimal(raw_amount)
            else:
                amount = number(raw_amount, amounts, "交易金额", False) if raw_amount else ""
                if amount.__class__ is str or amount < 0:
                    self._not_a_sale(line, cells, None, raw_kind, raw_amount, raw_fee, amount)
                    continue
            if i_fee >= 0:
                if plain(raw_fee):
                    charged = Decimal(raw_fee)
                elif raw_fee:
                    charged = number(raw_fee, fees, "手续费", True)
                    if charged.__class__ is str:
                        reject(line, cells, charged)
                        continue
                    if charged < 0:  # the fee written as a deduction: -6.00
                        charged = -charged
                else:
                    reject(line, cells, "缺少手续费")
                    continue
            else:
                charged = None
            if raw_channel and raw_channel not in EMPTY_CELLS:
                channel = channels.get(raw_channel, "")
                if channel == "":
                    text = clean_cell(raw_channel)
                    channel = "total" if total_label(text) else channel_of(text)
                    channels[raw_channel] = channel
                if channel == "total" and self._skip_total(line, cells):
                    continue
            else:
                channel = None
            if channel is None:
                channel = self._channel_fallback(cells, i_alt, raw_channel, default_channel)
                if channel.__class__ is not str or channel not in SHORT_NAMES:
                    reject(line, cells, channel or "缺少" + FIELD_NAMES_ZH["channel"])
                    continue
            deducted = charged
            hidden = ZERO
            raw_settled = cells[i_settled].strip() if 0 <= i_settled < width else ""
            if raw_settled:
                if plain(raw_settled):
                    settled = Decimal(raw_settled)
                else:
                    settled = number(raw_settled, settled_cache, "结算金额", True)
                    if settled.__class__ is str:
                        reject(line, cells, settled)
                        continue
                    if settled < 0:
                        settled = -settled
                if charged is None:
                    deducted = charged = amount - settled
                    if charged < 0:
                        reject(line, cells, "结算金额比交易金额还大，请检查这一行的列是否错位")
                        continue
                else:
                    hidden = amount - charged - settled
                    if hidden > TOLERANCE:
                        deducted = charged + hidden
                    elif hidden < MINUS_TOLERANCE:
                        sums.notices.setdefault("settled_above", []).append(line)
            elif charged is None:
                reject(line, cells, "缺少手续费和结算金额，算不出手续费")
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
            sale_amount += amount
            sale_fee += charged
            if i_kind >= 0:
                sales.setdefault((channel, amount), []).append(line)
            difference = deducted - expected
            totals = days.get((day, channel))
            if totals is None:
                totals = days[(day, channel)] = DayTotals()
            totals.amount += amount
            totals.fee += deducted
            totals.expected += expected
            totals.rows += 1
            if difference > TOLERANCE or difference < MINUS_TOLERANCE:
                self._flag(
                    line,
                    cells,
                    channel,
                    amount,
                    deducted,
                    hidden,
                    difference,
                    self._when(cells),
                    totals,
                )
        sums.sale_amount, sums.sale_fee = sale_amount, sale_fee
        self.position = stop

    def _date(self, raw: str) -> str | None:
        """date_of a whole cell as written (="2025-03-01 10:00", 2025 - 3 - 1), cached."""
        day = self._cells.get(raw, "")
        if day == "":
            day = self._cells[raw] = date_of(clean_cell(raw))
        return day

    # --- the slow paths: rows that are not a plain sale ---------------------

    def _channel_fallback(
        self, cells: list[str], i_alt: int, raw_channel: str, default: str | None
    ) -> str:
        """The channel from the second channel column or the default, else why not.

        A 卡类型 of "--" beside a 支付方式 of 微信 is a WeChat payment; a word
        such as 外卡 or 闪付 is named in the reason rather than "not recognised".
        """
        alt = cells[i_alt].strip() if 0 <= i_alt < len(cells) else ""
        if alt and alt not in EMPTY_CELLS:
            found = channel_of(clean_cell(alt))
            if found is not None:
                return found
        written = clean_cell(raw_channel) if raw_channel not in EMPTY_CELLS else ""
        if not written and default:
            return default
        for text in (written, clean_cell(alt)):
            reason = unpriced_reason(text) if text else None
            if reason:
                return reason
        if written or alt:
            shown = cut(written or clean_cell(alt))
            return f"支付方式“{shown}”认不出（应为信用卡、借记卡、微信、支付宝或云闪付）"
        return "缺少" + FIELD_NAMES_ZH["channel"]

    def _skip_total(self, line: int, cells: list[str]) -> bool:
        """Skip a subtotal or total row: 小计, 合计, 总计 or 汇总 in any column but the merchant."""
        merchant = self.table.columns.get("merchant", -1)
        for index, cell in enumerate(cells):
            if index == merchant:
                continue
            word = total_label(cell)
            if word is None:
                continue
            label = cut(clean_cell(cell))
            self._skip(line, cells, "total", f"这是{word}行（“{label}”），不是一笔交易，不参与核对")
            if word != "小计" and channel_of(label) is None:
                self.totals.append(
                    TotalRow(line, label, self._raw(cells, "amount"), self._raw(cells, "fee"))
                )
            return True
        return False

    def _not_a_sale(
        self,
        line: int,
        cells: list[str],
        kind: str | None,
        raw_kind: str,
        raw_amount: str,
        raw_fee: str,
        amount: Decimal | str | None = None,
    ) -> None:
        """A void, reversal, refund or pre-authorisation; a total or repeated header; a bad row."""
        if self._skip_total(line, cells):
            return
        if kind is None and self._header and self._repeats_header(cells):
            self._skip(line, cells, "header", "表头重复（分页处），不是交易")
            return
        if kind is None and raw_kind and amount is None:
            self._reject(
                line, cells, f"交易类型“{cut(clean_cell(raw_kind))}”认不出，不知道是不是消费"
            )
            return
        if amount is None:
            amount = signed_number(raw_amount, "交易金额", False) if raw_amount else ""
        if amount.__class__ is str:
            if self._header and self._repeats_header(cells):
                self._skip(line, cells, "header", "表头重复（分页处），不是交易")
            elif not amount:
                cols = self.table.columns
                missing = ["amount"] if not raw_amount else []
                if not raw_fee and "fee" in cols:
                    missing.append("fee")
                self._reject(line, cells, "缺少" + "、".join(FIELD_NAMES_ZH[n] for n in missing))
            else:
                self._reject(line, cells, amount)
            return
        fee = signed_number(raw_fee, "手续费", True) if raw_fee else ZERO
        fee = abs(fee) if fee.__class__ is not str else ZERO
        if kind is None or kind is SALE:
            kind = REFUND  # a sale with a negative amount is money going back
        sums = self.sums
        if kind in (VOID, REVERSAL, REFUND):
            sums.back_amount += abs(amount)
            sums.back_fee += fee
        reason = KIND_REASONS[kind]
        if kind in (VOID, REVERSAL):
            raw_channel = self._raw(cells, "channel")
            channel = channel_of(clean_cell(raw_channel)) if raw_channel else None
            if channel is None:
                channel = self._channel_fallback(
                    cells,
                    self.table.columns.get("channel_alt", -1),
                    raw_channel,
                    self.table.channel_default,
                )
            matched = self._sales.get((channel, abs(amount)))
            if matched:
                reason = f"{KIND_NAMES[kind]}：对应第 {matched.pop()} 行的消费，不按消费核对"
            else:
                reason = f"{KIND_NAMES[kind]}（没找到对应的消费），不按消费核对"
        elif kind == REFUND:
            sums.refunds += 1
            sums.refund_amount += abs(amount)
            reason = f"退货（退款）{format_yuan(abs(amount))} 元，不按消费核对"
        self._skip(line, cells, kind, reason)

    def _repeats_header(self, cells: list[str]) -> bool:
        return [header_key_plain(c) for c in cells[: len(self._header)]] == self._header or (
            "amount" in recognise(cells[:200])
        )

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
            totals.over_rows += 1
            totals.over += difference
        else:
            totals.under -= difference
        why = self.explainer.explain(
            channel, breakdown, deducted, hidden if hidden > TOLERANCE else ZERO
        )
        counter = self.patterns.get(channel)
        if counter is None:
            counter = self.patterns[channel] = Counter()
        counter[why.pattern] += 1
        self.findings.append(
            Finding(
                line=line,
                status="flagged",
                reason=why.text,
                time=raw_time,
                channel=channel,
                # Whole fen already: format_yuan's rounding would change nothing.
                amount=f"{amount:.2f}",
                fee=f"{deducted:.2f}",
                expected=f"{breakdown.fee:.2f}",
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

    def _raw(self, cells: list[str], name: str) -> str:
        index = self.table.columns.get(name, -1)
        return cells[index].strip() if 0 <= index < len(cells) else ""

    def _cell(self, cells: list[str], name: str) -> str:
        """A cell as shown in findings; cached, since names and terminals repeat."""
        raw = self._raw(cells, name)
        shown = self._shown.get(raw)
        if shown is None:
            shown = cut(clean_cell(raw))
            if len(self._shown) < 100_000:
                self._shown[raw] = shown
        return shown

    def _when(self, cells: list[str]) -> str:
        """The date and time as written; both cells when the export splits them."""
        cols = self.table.columns
        if "date" in cols and "time" in cols:
            return " ".join(t for t in (self._cell(cells, "date"), self._cell(cells, "time")) if t)
        return self._cell(cells, "time") or self._cell(cells, "date")

    def _skip(self, line: int, cells: list[str], kind: str, reason: str) -> None:
        self._finding(line, cells, "skipped", reason, kind)

    def _reject(self, line: int, cells: list[str], reason: str) -> None:
        self._finding(line, cells, "rejected", reason, "")

    def _finding(self, line: int, cells: list[str], status: str, reason: str, kind: str) -> None:
        self.findings.append(
            Finding(
                line=line,
                status=status,
                reason=reason,
                time=self._when(cells),
                channel=self._cell(cells, "channel"),
                amount=self._cell(cells, "amount"),
                fee=self._cell(cells, "fee"),
                pattern=kind,
                merchant=self._cell(cells, "merchant"),
                terminal=self._cell(cells, "terminal"),
            )
        )


def header_key_plain(cell: str) -> str:
    return "".join(cell.split())
