"""A contract's rates in words, exactly as the plan writes them ("0.5%，封顶 25.00 元").

Shared by the site's tables and the statement check, so a rate reads the same
on every page and in every download; never a derived effective percentage.
"""

from __future__ import annotations

from decimal import Decimal

from calculator.core.money import format_rate_figure, format_yuan
from calculator.core.plans import Band, ChannelRule, Plan


def describe_band(band: Band) -> str:
    """A band in the words of the rate fields (labels.RATE_FIELDS): "0.5%，封顶 25.00 元"."""
    parts = [format_rate_figure(band.rate)]
    if band.fixed:
        parts[0] += f" + 每笔加收 {format_yuan(band.fixed)} 元"
    if band.cap is not None:
        parts.append(f"封顶 {format_yuan(band.cap)} 元")
    if band.minimum is not None:
        parts.append(f"最低收费 {format_yuan(band.minimum)} 元")
    return "，".join(parts)


def describe_rule_of(rule: ChannelRule) -> str:
    """One channel's bands; amount bands each say which amounts they cover."""
    if len(rule.bands) == 1:
        return describe_band(rule.bands[0])
    pieces = []
    low = None
    for band in rule.bands:
        if band.up_to is not None:
            pieces.append(f"{format_yuan(band.up_to)} 元及以下：{describe_band(band)}")
        else:
            pieces.append(f"超过 {format_yuan(low or Decimal(0))} 元：{describe_band(band)}")
        low = band.up_to
    return "；".join(pieces)


def describe_rule(plan: Plan, channel: str) -> str:
    return describe_rule_of(plan.channels[channel])
