"""Why a fee differs from the contract, in words a merchant can quote to the provider.

A provider who raises a price raises it for every row, so the last rate and
add-on that fitted a channel are tried first: the same hike is named the same
way on every row, and found without a search. After a hike most rows of a
channel come through here, so what it returns stays cheap to build and count.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from calculator.core.money import format_rate, format_yuan, quantize_fen
from calculator.fees.transaction import FeeBreakdown

ZERO = Decimal(0)
TOLERANCE = Decimal("0.01")  # a one-fen difference is rounding, not a finding
_BASIS_POINT = Decimal("0.0001")
_TENTH_POINT = Decimal("0.00001")
_HALF_TENTH = Decimal("0.00005")  # 0.785% is a price; 0.786% is a rounding
_STEPS = (_BASIS_POINT, _HALF_TENTH, _TENTH_POINT)
_HALF_YUAN = Decimal("0.5")
_ONE = Decimal(1)
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


class Pattern(NamedTuple):
    """A wrong fee's shape without the row's amounts, so rows can be counted by it.

    `rate` and `fixed` say what the provider seems to charge instead (the add-on
    on top of the contract's own); both are None when no round price fits. A
    named tuple, not a dataclass: it is a dict key once per flagged row, and a
    tuple hashes and compares in C.
    """

    code: str
    rate: Decimal | None = None
    fixed: Decimal | None = None

    def charged_as(self) -> str:
        """The price charged instead, as a rate-change line shows it; empty when none fits."""
        if self.rate is None:
            return ""
        extra = f" + 每笔 {format_yuan(self.fixed)} 元" if self.fixed else ""
        return f"按 {format_rate(self.rate)}{extra}"


@dataclass(slots=True)
class Explanation:
    pattern: Pattern
    text: str


@dataclass(slots=True)
class PaymentCheck:
    """One payment against the contract: what was taken, what should have been, why."""

    breakdown: FeeBreakdown  # the contract's fee for this amount
    charged: Decimal  # taken in all, hidden deductions included
    received: Decimal  # what arrived
    explanation: Explanation | None  # None when within one fen of the contract

    @property
    def difference(self) -> Decimal:
        """Taken minus the contract fee: above zero is an overcharge."""
        return self.charged - self.breakdown.fee


def check_payment(
    channel: str, breakdown: FeeBreakdown, fee: Decimal, received: Decimal
) -> PaymentCheck:
    """Check one payment the way the statement check checks a row.

    `fee` is the fee shown, `received` what arrived; money missing from
    both (amount − fee − received) counts as taken, as on a statement row.
    """
    hidden = breakdown.amount - fee - received
    charged = fee + hidden if hidden > TOLERANCE else fee
    difference = charged - breakdown.fee
    explanation = None
    if not -TOLERANCE <= difference <= TOLERANCE:
        explanation = Explainer().explain(
            channel, breakdown, charged, hidden if hidden > TOLERANCE else ZERO
        )
    return PaymentCheck(breakdown, charged, received, explanation)


class _Fit(NamedTuple):
    """A round rate and add-on (the contract's own included) that reproduce a fee."""

    rate: Decimal
    fixed: Decimal

    def reproduces(self, amount: Decimal, charged: Decimal) -> bool:
        return quantize_fen(amount * self.rate + self.fixed) == charged


class Explainer:
    """Names the likely pattern behind each wrong fee of one statement."""

    __slots__ = ("_last_fit",)

    def __init__(self) -> None:
        self._last_fit: dict[str, _Fit] = {}

    def explain(
        self, channel: str, b: FeeBreakdown, charged: Decimal, hidden: Decimal
    ) -> Explanation:
        """Why `charged` is not the contract fee `b.fee`.

        `hidden` is the part of `charged` missing from the settled amount
        rather than shown as fee (zero when the settlement adds up).
        """
        band, amount = b.band, b.amount
        difference = format_yuan(abs(charged - b.fee))
        if hidden > 0:
            return Explanation(
                Pattern("hidden_deduction"),
                f"到账金额比“金额 − 手续费”少 {format_yuan(hidden)} 元，"
                f"合计扣了 {format_yuan(charged)} 元，"
                f"合同应扣 {format_yuan(b.fee)} 元",
            )
        if charged < b.fee:
            return Explanation(
                Pattern("charged_less"),
                f"比合同少收 {difference} 元（合同应收 {format_yuan(b.fee)} 元）",
            )
        if b.cap_applied and charged == quantize_fen(b.percent_raw + band.fixed):
            return Explanation(
                Pattern("cap_not_applied"),
                f"封顶没有生效：合同每笔封顶 {format_yuan(band.cap or ZERO)} 元，"
                f"实际按 {format_rate(band.rate)} 全额收了 {format_yuan(charged)} 元",
            )
        extra = charged - b.fee
        last = self._last_fit.get(channel)
        repeats = last is not None and last.reproduces(amount, charged)
        if not repeats and extra <= _SMALL_ADD_ON and extra % _HALF_YUAN == 0:
            # The contract fee plus a small round sum: one change, not two.
            self._last_fit[channel] = _Fit(band.rate, band.fixed + extra)
            # The add-on is the whole difference: saying it twice reads as two charges.
            return Explanation(
                Pattern("fixed_add_on", band.rate, extra),
                f"多收了每笔 {format_yuan(extra)} 元的固定费用（合同没有）",
            )
        if b.cap_applied:
            uncapped = _rate_only(amount, charged, band.fixed)
            if uncapped is not None and uncapped < band.rate:
                # The cap ignored, at a lower rate: still the cap that failed.
                return Explanation(
                    Pattern("cap_not_applied", uncapped, ZERO),
                    f"封顶没有生效：合同每笔封顶 {format_yuan(band.cap or ZERO)} 元，"
                    f"实际按 {format_rate(uncapped)} 全额收了 {format_yuan(charged)} 元，"
                    f"多收 {difference} 元",
                )
        fit = self._fit(channel, amount, charged, band.fixed, band.rate)
        if fit is not None:
            rate, extra = fit.rate, fit.fixed - band.fixed
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
                text = f"多收了每笔 {format_yuan(extra)} 元的固定费用（合同没有）"
                if charged - b.fee != extra:
                    text += f"，共多收 {difference} 元"
            else:
                fit = None
            if fit is not None:
                self._last_fit[channel] = fit
                if b.cap_applied:
                    text += f"；合同每笔封顶 {format_yuan(band.cap or ZERO)} 元也没有生效"
                return Explanation(Pattern(code, rate, extra), text)
        return Explanation(
            Pattern("unexplained"),
            f"多收 {difference} 元：实收 {format_yuan(charged)} 元，"
            f"合同应收 {format_yuan(b.fee)} 元",
        )

    def _fit(
        self,
        channel: str,
        amount: Decimal,
        charged: Decimal,
        base_fixed: Decimal,
        floor: Decimal,
    ) -> _Fit | None:
        """The simplest round rate (not below the contract's `floor`) and add-on
        that reproduce the charged fee to the fen.

        A fit below the contract rate, such as "0% + 4 元" for a 0.785% hike on
        508.92, explains nothing: it is skipped so the search goes on.
        """
        last = self._last_fit.get(channel)
        if last is not None and last.reproduces(amount, charged):
            return last
        fen = _whole_fen(amount, charged, base_fixed)
        if fen is not None:
            return _fit_in_fen(*fen, floor)
        for step in _STEPS:
            for add_on in _ADD_ONS if step is _BASIS_POINT else (ZERO,):
                fixed = base_fixed + add_on
                rest = charged - fixed
                if rest <= 0:
                    break
                rate = _nearest(rest / amount, step)
                if rate >= floor and quantize_fen(amount * rate + fixed) == charged:
                    return _Fit(rate, fixed)
        return None


_ADD_ON_FEN = tuple(int(a * 100) for a in _ADD_ONS)
_FEN_STEPS = (
    (10_000, _BASIS_POINT, _ADD_ON_FEN),
    (20_000, _HALF_TENTH, (0,)),
    (100_000, _TENTH_POINT, (0,)),
)


def _whole_fen(amount: Decimal, charged: Decimal, fixed: Decimal) -> tuple[int, int, int] | None:
    """Amount, charged fee and add-on in fen when all three are whole fen, else None."""
    a, c, f = amount * 100, charged * 100, fixed * 100
    if a % 1 or c % 1 or f % 1:
        return None
    return int(a), int(c), int(f)


def _fit_in_fen(amount: int, charged: int, base_fixed: int, floor: Decimal) -> _Fit | None:
    """_fit's search in whole numbers: the same answers, some 10x faster.

    With every row flagged (a noisy or hostile export) this search runs for
    each row; in Decimal it made such a file 20x slower than a clean one.
    A rate of k steps gives the fee fixed + (amount x k / scale) rounded half
    up to the fen, exactly what quantize_fen(amount * rate + fixed) computes.
    """
    for scale, step, add_ons in _FEN_STEPS:
        twice_scale = 2 * scale
        twice_amount = 2 * amount
        for add_on in add_ons:
            fixed = base_fixed + add_on
            rest = charged - fixed
            if rest <= 0:
                break
            # k = rest x scale / amount, rounded half to even (the Decimal quantize).
            k, remainder = divmod(rest * scale, amount)
            twice = 2 * remainder
            if twice > amount or (twice == amount and k & 1):
                k += 1
            rate = Decimal(k) * step
            if rate >= floor and fixed + (twice_amount * k + scale) // twice_scale == charged:
                return _Fit(rate, Decimal(fixed) / 100)
    return None


def _nearest(rate: Decimal, step: Decimal) -> Decimal:
    """A candidate contract rate, not money: the nearest multiple of `step`."""
    return (rate / step).quantize(_ONE, rounding=ROUND_HALF_EVEN) * step


def _rate_only(amount: Decimal, charged: Decimal, fixed: Decimal) -> Decimal | None:
    """A round rate that, with the contract's own add-on and no cap, gives `charged`."""
    rest = charged - fixed
    if rest <= 0:
        return None
    for step in _STEPS:
        rate = _nearest(rest / amount, step)
        if quantize_fen(amount * rate + fixed) == charged:
            return rate
    return None
