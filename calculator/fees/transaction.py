"""Fee, net and gross-up for one transaction under one plan.

Rule, per transaction: the percentage part (raised to the minimum, lowered to
the cap) plus the fixed add-on, rounded half up to the fen; never more than
the amount itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from calculator.core.errors import InputError
from calculator.core.money import FEN, MAX_AMOUNT, MIN_AMOUNT, quantize_fen
from calculator.core.plans import Band, ChannelRule, Plan


@dataclass(frozen=True)
class FeeBreakdown:
    """Everything a merchant needs to see how the fee came about."""

    amount: Decimal
    band_index: int
    band: Band
    percent_raw: Decimal  # amount x rate, unrounded
    percent_part: Decimal  # after cap and minimum
    cap_applied: bool
    min_applied: bool
    fixed: Decimal
    unrounded: Decimal  # percent_part + fixed
    fee: Decimal
    limited_to_amount: bool  # the add-on would have exceeded a tiny amount

    @property
    def net(self) -> Decimal:
        return self.amount - self.fee

    @property
    def effective_rate(self) -> Decimal:
        return self.fee / self.amount


def channel_rule(plan: Plan, channel: str) -> ChannelRule:
    try:
        return plan.channels[channel]
    except KeyError:
        raise InputError(
            "channel_not_in_plan", f"方案“{plan.name}”没有这种支付方式的费率。", "channel"
        ) from None


def fee_breakdown(rule: ChannelRule, amount: Decimal) -> FeeBreakdown:
    index, band = rule.band_for(amount)
    raw = amount * band.rate
    part = raw
    cap_applied = min_applied = False
    if band.minimum is not None and part < band.minimum:
        part, min_applied = band.minimum, True
    if band.cap is not None and part > band.cap:
        part, cap_applied = band.cap, True
    unrounded = part + band.fixed
    fee = quantize_fen(unrounded)
    limited = fee > amount
    if limited:
        fee = amount
    return FeeBreakdown(
        amount=amount,
        band_index=index,
        band=band,
        percent_raw=raw,
        percent_part=part,
        cap_applied=cap_applied,
        min_applied=min_applied,
        fixed=band.fixed,
        unrounded=unrounded,
        fee=fee,
        limited_to_amount=limited,
    )


def fee_for(rule: ChannelRule, amount: Decimal) -> Decimal:
    return fee_breakdown(rule, amount).fee


def _band_ranges(rule: ChannelRule) -> list[tuple[int, int]]:
    """Amount ranges in fen, one per band, within the amounts we accept."""
    ranges = []
    low = int(MIN_AMOUNT / FEN)
    top = int(MAX_AMOUNT / FEN)
    for band in rule.bands:
        high = top if band.up_to is None else min(top, int(quantize_fen(band.up_to) / FEN))
        if high >= low:
            ranges.append((low, high))
        low = high + 1
    return ranges


def gross_up(rule: ChannelRule, net: Decimal) -> FeeBreakdown:
    """Smallest amount whose net is at least `net`, exact to the fen.

    Within one band the net never falls as the amount grows (rates are below
    100%), so a binary search per band is exact; across band edges the net
    can drop, so bands are tried from the lowest and the first hit wins.
    """
    for low, high in _band_ranges(rule):
        if fee_breakdown(rule, high * FEN).net < net:
            continue
        while low < high:
            middle = (low + high) // 2
            if fee_breakdown(rule, middle * FEN).net >= net:
                high = middle
            else:
                low = middle + 1
        return fee_breakdown(rule, low * FEN)
    raise InputError("gross_too_large", "到账金额太大：收款上限 1 亿元也不够。", "net")
