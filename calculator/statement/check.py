"""Checking statement rows against a contract, row by row, in chunks.

Every data row ends in exactly one of three piles: fine, flagged (the fee
differs from the contract by more than one fen) or rejected (we could not
read it; the line number and the reason say why). A bad row never stops the
others. The loop is the hot path for 100,000-row files, so parsed cells and
expected fees are cached and no Decimal context is created per row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.errors import InputError
from calculator.core.money import FEN, format_rate, format_yuan, parse_amount, quantize_fen
from calculator.core.plans import Plan
from calculator.fees.transaction import FeeBreakdown, channel_rule, fee_breakdown
from calculator.statement.read import FIELD_NAMES_ZH, Table, channel_of, clean_cell

TOLERANCE = Decimal("0.01")  # a one-fen difference is rounding, not a finding
MINUS_TOLERANCE = -TOLERANCE
ZERO = Decimal(0)
_PLAIN = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?")
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{4,6})?")
_BASIS_POINT = Decimal("0.0001")
_TENTH_POINT = Decimal("0.00001")
_HALF_YUAN = Decimal("0.5")
_SMALL_ADD_ON = Decimal(5)  # D0 / 秒到 add-ons are 1-3 yuan; above 5 a rate change is likelier
# Per-transaction add-ons providers actually use, smallest first (simplest wins).
_ADD_ONS = tuple(Decimal(n) / 2 for n in range(0, 41))

PATTERN_LABELS = {
    "rate_above_contract": "费率高于合同",
    "fixed_add_on": "多收了合同里没有的每笔固定费用",
    "rate_and_fixed": "费率高于合同 + 每笔固定费用",
    "cap_not_applied": "封顶没有生效",
    "hidden_deduction": "到账金额比“金额 − 手续费”还少",
    "charged_less": "收费低于合同（少收）",
    "unexplained": "多收，原因看不出规律",
}


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


@dataclass
class Explanation:
    code: str
    text: str
    rate: Decimal | None = None
    fixed: Decimal | None = None


@dataclass
class Finding:
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


@dataclass
class _Channel:
    rows: int = 0
    flagged: int = 0
    amount: Decimal = ZERO
    fee: Decimal = ZERO
    expected: Decimal = ZERO
    over: Decimal = ZERO
    under: Decimal = ZERO


class Checker:
    """Holds the running totals so a large statement can be checked in chunks."""

    def __init__(self, plan: Plan, table: Table) -> None:
        self.plan = plan
        self.table = table
        self.rows = table.data
        self.position = 0
        self.findings: list[Finding] = []
        self.explanations: dict[str, Counter] = {}
        self.days: dict[
            tuple[str, str], list
        ] = {}  # (date, channel) -> [amount, fee, expected, flagged]
        self._amounts: dict[str, Decimal | str] = {}
        self._fees: dict[str, Decimal | str] = {}
        self._settled: dict[str, Decimal | str] = {}
        self._dates: dict[str, str | None] = {}
        self._kinds: dict[str, str | None] = {}
        self._quick: dict[str, Callable[[Decimal], Decimal] | str] = {}
        self._rules: dict[str, object] = {}
        self._last_hit: dict[str, tuple[Decimal, Decimal]] = {}

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> bool:
        return self.position >= len(self.rows)

    # -- cells ------------------------------------------------------------

    @staticmethod
    def _number(raw: str, cache: dict, what: str, allow_zero: bool) -> Decimal | str:
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
                value = parse_amount(text, what)
            except InputError as error:
                if allow_zero and error.code == "zero":
                    value = ZERO
                else:
                    value = f"{what}“{text}”看不懂：{error.message_zh}"
        cache[raw] = value
        return value

    def _rule(self, channel: str) -> object:
        rule = self._rules.get(channel)
        if rule is None:
            try:
                rule = channel_rule(self.plan, channel)
            except InputError:
                rule = f"所选方案“{self.plan.name}”没有{SHORT_NAMES[channel]}的费率"
            self._rules[channel] = rule
        return rule

    # -- the loop ---------------------------------------------------------

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
        settled_cache, days, quick = self._settled, self.days, self._quick
        number, reject, plain = self._number, self._reject, _PLAIN.fullmatch
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
            fast = quick.get(channel)
            if fast is None:
                fast = quick[channel] = self._quick_fee(channel)
            if fast.__class__ is str:
                reject(line, cells, fast)
                continue
            expected = fast(amount)
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
            bucket = days.get((day, channel))
            if bucket is None:
                bucket = days[(day, channel)] = [ZERO, ZERO, ZERO, 0, 0, 0, ZERO, ZERO]
            bucket[0] += amount
            bucket[1] += deducted
            bucket[2] += expected
            bucket[4] += 1
            if not flagged:
                continue
            self._flag(line, cells, channel, amount, deducted, hidden, difference, raw_time, bucket)
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
        bucket: list,
    ) -> None:
        """Record a flagged row: why, and how much (the slow path, rows that differ)."""
        breakdown = fee_breakdown(self._rule(channel), amount)  # type: ignore[arg-type]
        bucket[5] += 1
        if difference > 0:
            bucket[3] += 1
            bucket[6] += difference
        else:
            bucket[7] -= difference
        why = self.explain(channel, breakdown, deducted, hidden)
        self.explanations.setdefault(channel, Counter())[(why.code, why.rate, why.fixed)] += 1
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
                pattern=why.code,
                merchant=self._cell(cells, "merchant"),
                terminal=self._cell(cells, "terminal"),
            )
        )

    def _quick_fee(self, channel: str) -> Callable[[Decimal], Decimal] | str:
        """The contract fee for one channel as a small closure, or why there is none.

        Same rule as fees.fee_breakdown (percentage part raised to the minimum,
        lowered to the cap, plus the add-on, half up to the fen, never above the
        amount) without building a breakdown per row; a test holds the two equal.
        """
        rule = self._rule(channel)
        if rule.__class__ is str:
            return rule  # type: ignore[return-value]
        bands = [(b.up_to, b.rate, b.cap, b.minimum, b.fixed) for b in rule.bands]  # type: ignore[attr-defined]
        if len(bands) == 1 and bands[0][2] is None and bands[0][3] is None:
            _up, rate, _cap, _min, fixed = bands[0]

            def simple(amount: Decimal) -> Decimal:
                fee = (amount * rate + fixed).quantize(FEN, ROUND_HALF_UP)
                return amount if fee > amount else fee

            return simple

        def banded(amount: Decimal) -> Decimal:
            band = bands[-1]
            for candidate in bands:
                if candidate[0] is None or amount <= candidate[0]:
                    band = candidate
                    break
            _up, rate, cap, minimum, fixed = band
            part = amount * rate
            if minimum is not None and part < minimum:
                part = minimum
            if cap is not None and part > cap:
                part = cap
            fee = (part + fixed).quantize(FEN, ROUND_HALF_UP)
            return amount if fee > amount else fee

        return banded

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
        first = cells[0].strip() if cells else ""
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

    # -- why a fee differs ------------------------------------------------

    def explain(
        self, channel: str, b: FeeBreakdown, charged: Decimal, hidden: Decimal
    ) -> Explanation:
        """Name the likely pattern behind a wrong fee, in words a merchant can quote."""
        band, amount = b.band, b.amount
        difference = format_yuan(abs(charged - b.fee))
        if hidden > TOLERANCE:
            return Explanation(
                "hidden_deduction",
                f"到账金额比“金额 − 手续费”少 {format_yuan(hidden)} 元，"
                f"合计扣了 {format_yuan(charged)} 元，合同应扣 {format_yuan(b.fee)} 元",
            )
        if charged < b.fee:
            return Explanation(
                "charged_less", f"比合同少收 {difference} 元（合同应收 {format_yuan(b.fee)} 元）"
            )
        if b.cap_applied and charged == quantize_fen(b.percent_raw + band.fixed):
            return Explanation(
                "cap_not_applied",
                f"封顶没有生效：合同每笔封顶 {format_yuan(band.cap or ZERO)} 元，"
                f"实际按 {format_rate(band.rate)} 全额收了 {format_yuan(charged)} 元",
            )
        extra = charged - b.fee
        last = self._last_hit.get(channel)
        repeats = last is not None and quantize_fen(amount * last[0] + last[1]) == charged
        if not repeats and extra <= _SMALL_ADD_ON and extra % _HALF_YUAN == 0:
            # The contract fee plus a small round sum: one change, not two.
            self._last_hit[channel] = (band.rate, band.fixed + extra)
            return Explanation(
                "fixed_add_on",
                f"多收了每笔 {format_yuan(extra)} 元的固定费用（合同没有），多收 {difference} 元",
                band.rate,
                extra,
            )
        hit = self._fit(channel, amount, charged, band.fixed)
        if hit is not None:
            rate, fixed = hit
            extra = fixed - band.fixed
            if rate > band.rate and extra > 0:
                code = "rate_and_fixed"
                text = (
                    f"费率高于合同 + 每笔固定费用：按 {format_rate(rate)} + "
                    f"每笔 {format_yuan(extra)} 元收取（合同 {format_rate(band.rate)}），"
                    f"多收 {difference} 元"
                )
            elif rate > band.rate and extra == 0:
                code = "rate_above_contract"
                text = (
                    f"费率高于合同：按 {format_rate(rate)} 收取（合同 {format_rate(band.rate)}），"
                    f"多收 {difference} 元"
                )
            elif rate == band.rate and extra > 0:
                code = "fixed_add_on"
                text = (
                    f"多收了每笔 {format_yuan(extra)} 元的固定费用（合同没有），"
                    f"多收 {difference} 元"
                )
            else:
                hit = None
            if hit is not None:
                self._last_hit[channel] = hit
                if b.cap_applied:
                    text += f"；合同每笔封顶 {format_yuan(band.cap or ZERO)} 元也没有生效"
                return Explanation(code, text, rate, extra)
        return Explanation(
            "unexplained",
            f"多收 {difference} 元：实收 {format_yuan(charged)} 元，"
            f"合同应收 {format_yuan(b.fee)} 元",
        )

    def _fit(
        self, channel: str, amount: Decimal, charged: Decimal, base_fixed: Decimal
    ) -> tuple[Decimal, Decimal] | None:
        """A round rate and add-on that reproduce the charged fee to the fen."""
        last = self._last_hit.get(channel)
        if last is not None and quantize_fen(amount * last[0] + last[1]) == charged:
            return last
        for step in (_BASIS_POINT, _TENTH_POINT):
            for add_on in _ADD_ONS if step is _BASIS_POINT else (ZERO,):
                fixed = base_fixed + add_on
                rest = charged - fixed
                if rest < 0:
                    break
                rate = (rest / amount).quantize(step)
                if quantize_fen(amount * rate + fixed) == charged:
                    return rate, fixed
        return None

    # -- summaries --------------------------------------------------------

    def rate_changes(self) -> list[dict[str, object]]:
        """Per channel, the first day with an overcharge and the rate before and after."""
        changes = []
        for channel in CHANNELS:
            days = sorted((d, v) for (d, c), v in self.days.items() if c == channel and d)
            first = next((i for i, (_d, v) in enumerate(days) if v[3]), None)
            if first is None:
                continue
            before = days[:first]
            after = days[first:]
            common = [
                k
                for k, _n in self.explanations.get(channel, Counter()).most_common()
                if k[0] != "charged_less"
            ]
            described = ""
            if common and common[0][1] is not None:
                code, rate, extra = common[0]
                described = f"按 {format_rate(rate)}" + (
                    f" + 每笔 {format_yuan(extra)} 元" if extra else ""
                )
            changes.append(
                {
                    "channel": channel,
                    "channel_name": CHANNELS[channel],
                    "date": days[first][0],
                    "rate_before": _rate_of(before),
                    "rate_after": _rate_of(after),
                    "charged_as": described,
                }
            )
        return changes

    def series(self) -> list[dict[str, object]]:
        return [
            {
                "date": day,
                "channel": channel,
                "amount": format_yuan(v[0]),
                "fee": format_yuan(v[1]),
                "expected": format_yuan(v[2]),
                "effective_rate": format_rate(v[1] / v[0]),
                "expected_rate": format_rate(v[2] / v[0]),
                "flagged": v[5],
            }
            for (day, channel), v in sorted(
                self.days.items(), key=lambda kv: (kv[0][0], list(CHANNELS).index(kv[0][1]))
            )
            if day
        ]

    def channel_totals(self) -> dict[str, _Channel]:
        """Per channel sums over every checked row (dated or not)."""
        totals: dict[str, _Channel] = {}
        for (_day, channel), v in self.days.items():
            t = totals.setdefault(channel, _Channel())
            t.amount += v[0]
            t.fee += v[1]
            t.expected += v[2]
            t.rows += v[4]
            t.flagged += v[5]
            t.over += v[6]
            t.under += v[7]
        return {c: totals[c] for c in CHANNELS if c in totals}

    @property
    def fine(self) -> int:
        return sum(v[4] - v[5] for v in self.days.values())


def _rate_of(days: list[tuple[str, list]]) -> str | None:
    amount = sum((v[0] for _d, v in days), ZERO)
    fee = sum((v[1] for _d, v in days), ZERO)
    return format_rate(fee / amount) if amount else None
