"""A month of takings under a plan: fees per channel, the year, the comparison.

A mix gives, per channel, the month's total and the number of transactions.
Per-transaction rules (caps, bands, add-ons) need single amounts, so the total
is split as evenly as whole fen allow: r transactions of q+1 fen and the rest
of q fen. That is exact, reproducible, and sums to the total to the fen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.errors import InputError
from calculator.core.money import FEN, MAX_AMOUNT, parse_amount, quantize_fen
from calculator.core.plans import CUSTOM_PLAN_ID, MONTHS_PER_YEAR, ChannelRule, Plan
from calculator.fees.transaction import channel_rule, fee_for

MAX_COUNT = 1_000_000  # transactions per channel per month
MAX_PLANS = 6
_COUNT = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class MixEntry:
    channel: str
    total: Decimal  # yuan per month
    count: int  # transactions per month

    @property
    def average(self) -> Decimal:
        return quantize_fen(self.total / self.count)


def parse_count(raw: object, field: str) -> int:
    """A number of transactions as typed: 40, "40", "４０笔"."""
    if isinstance(raw, bool) or raw is None:
        raise InputError("count_empty", "请填写每月笔数，例如 40。", field)
    if isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, (str, Decimal)):
        text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
        text = text.removesuffix("笔").removesuffix("次").replace(",", "")
    else:
        raise InputError("count_not_number", "笔数请填整数，例如 40。", field)
    if not text:
        raise InputError("count_empty", "请填写每月笔数，例如 40。", field)
    if not _COUNT.fullmatch(text):
        raise InputError("count_not_number", "笔数请填整数，例如 40。", field)
    count = int(text) if len(text) <= 9 else MAX_COUNT + 1
    if count == 0:
        raise InputError("count_zero", "笔数必须大于 0。", field)
    if count > MAX_COUNT:
        raise InputError("count_too_large", f"每种支付方式每月最多 {MAX_COUNT:,} 笔。", field)
    return count


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_mix(raw: object) -> list[MixEntry]:
    """[{channel, total, count}] or [{channel, average, count}]; blank rows skipped."""
    if isinstance(raw, dict):
        raw = [{"channel": k, **v} if isinstance(v, dict) else v for k, v in raw.items()]
    if not isinstance(raw, list):
        raise InputError("mix_missing", "请填写每种支付方式的月交易额和笔数。", "mix")
    entries: list[MixEntry] = []
    seen: set[str] = set()
    for row in raw:
        if not isinstance(row, dict):
            raise InputError("mix_bad", "交易组合的格式不对，请重新填写。", "mix")
        channel = row.get("channel")
        if not isinstance(channel, str) or channel not in CHANNELS:
            raise InputError("unknown_channel", "交易组合里有不认识的支付方式。", "mix")
        name = SHORT_NAMES[channel]
        amount_key = "average" if "average" in row and "total" not in row else "total"
        given = [k for k in (amount_key, "count") if not _blank(row.get(k))]
        if not given:
            continue
        if channel in seen:
            raise InputError("mix_duplicate", f"{name}填了两次，请合并成一行。", f"mix.{channel}")
        seen.add(channel)
        field = f"mix.{channel}.{amount_key}"
        if amount_key not in given:
            what = "平均每笔金额" if amount_key == "average" else "月交易额"
            raise InputError("mix_amount_empty", f"请填写{name}的{what}。", field)
        count = parse_count(row.get("count"), f"mix.{channel}.count")
        try:
            value = parse_amount(row[amount_key], field)
        except InputError as error:
            raise InputError(error.code, f"{name}：{error.message_zh}", field) from None
        total = value * count if amount_key == "average" else value
        if total > MAX_AMOUNT:
            raise InputError("too_large", f"{name}的月交易额最大是 1 亿元。", field)
        if total < count * FEN:
            raise InputError(
                "mix_below_fen", f"{name}：平均每笔不到 1 分钱，请检查金额和笔数。", field
            )
        entries.append(MixEntry(channel, total, count))
    if not entries:
        raise InputError("mix_empty", "请至少填写一种支付方式的月交易额和笔数。", "mix")
    return sorted(entries, key=lambda e: list(CHANNELS).index(e.channel))


# One channel's month as short text, "30000x40" (total x count): the CLI's --mix
# and the shared link's m_<channel> use it; the page reads MIX_JOIN from the contract.
MIX_JOIN = "x"
MIX_EXAMPLE = "30000x40"
_MIX_SEPARATORS = ("×", "X")


def split_mix_text(text: str) -> tuple[str, str] | None:
    """ "30000x40" -> ("30000", "40"); None when there is no separator."""
    for separator in _MIX_SEPARATORS:
        text = text.replace(separator, MIX_JOIN)
    total, sep, count = text.partition(MIX_JOIN)
    return (total, count) if sep else None


def month_fee(rule: ChannelRule, entry: MixEntry) -> Decimal:
    """Fees for `count` transactions sharing `total` as evenly as whole fen allow."""
    fen = int(entry.total / FEN)
    small, bigger = divmod(fen, entry.count)
    fee = (entry.count - bigger) * fee_for(rule, small * FEN)
    if bigger:
        fee += bigger * fee_for(rule, (small + 1) * FEN)
    return fee


@dataclass(frozen=True)
class ChannelEstimate:
    entry: MixEntry
    fee: Decimal  # a regular month
    promo_fee: Decimal  # a month inside the promotion window


@dataclass(frozen=True)
class Estimate:
    plan: Plan
    lines: tuple[ChannelEstimate, ...]
    volume: Decimal  # takings per month
    monthly_fees: Decimal  # transaction fees, regular month
    promo_monthly_fees: Decimal
    monthly_rent: Decimal
    promo_months: int
    annual_fee: Decimal

    @property
    def regular_month_total(self) -> Decimal:
        return self.monthly_fees + self.monthly_rent

    @property
    def promo_month_total(self) -> Decimal:
        promotion = self.plan.promotion
        rent = Decimal(0) if promotion and promotion.rent_waived else self.monthly_rent
        return self.promo_monthly_fees + rent

    @property
    def first_year_total(self) -> Decimal:
        """Twelve months from signing, promotion included, plus the annual fee."""
        regular = MONTHS_PER_YEAR - self.promo_months
        return (
            self.promo_months * self.promo_month_total
            + regular * self.regular_month_total
            + self.annual_fee
        )

    @property
    def regular_year_total(self) -> Decimal:
        """A later year, without the promotion."""
        return MONTHS_PER_YEAR * self.regular_month_total + self.annual_fee

    @property
    def effective_rate(self) -> Decimal:
        """All first-year costs over the year's takings."""
        return self.first_year_total / (MONTHS_PER_YEAR * self.volume)


def estimate(plan: Plan, mix: list[MixEntry]) -> Estimate:
    promotion = plan.promotion
    lines = []
    for entry in mix:
        if entry.channel not in plan.channels and plan.id == CUSTOM_PLAN_ID:
            name = SHORT_NAMES[entry.channel]
            raise InputError(
                "custom_channel_missing",
                f"自定义费率里没有填{name}的费率：请填上{name}费率，或清空每月收款里{name}这一行。",
                f"channels.{entry.channel}.rate_percent",
            )
        if entry.channel not in plan.channels:
            raise InputError(
                "channel_not_in_plan",
                f"方案“{plan.name}”没有{SHORT_NAMES[entry.channel]}的费率，"
                "请清空这一行或换一个方案。",
                f"mix.{entry.channel}",
            )
        rule = channel_rule(plan, entry.channel)
        fee = month_fee(rule, entry)
        promo_rule = promotion.channels.get(entry.channel) if promotion else None
        promo_fee = fee if promo_rule is None else month_fee(promo_rule, entry)
        lines.append(ChannelEstimate(entry, fee, promo_fee))
    return Estimate(
        plan=plan,
        lines=tuple(lines),
        volume=sum((e.total for e in mix), Decimal(0)),
        monthly_fees=sum((line.fee for line in lines), Decimal(0)),
        promo_monthly_fees=sum((line.promo_fee for line in lines), Decimal(0)),
        monthly_rent=plan.periodic.monthly_rent,
        promo_months=promotion.months if promotion else 0,
        annual_fee=plan.periodic.annual_fee,
    )


@dataclass(frozen=True)
class Comparison:
    """Plans on one mix. Only real offers and the reader's own rates can be
    "cheapest": an example plan is shown for contrast, never as a verdict."""

    estimates: tuple[Estimate, ...]
    cheapest: Decimal | None  # lowest first-year total of the real plans; None: fewer than two

    @property
    def real(self) -> tuple[Estimate, ...]:
        return tuple(e for e in self.estimates if not e.plan.example)

    def is_cheapest(self, item: Estimate) -> bool:
        return not item.plan.example and item.first_year_total == self.cheapest

    def difference(self, item: Estimate) -> Decimal | None:
        """Above the cheapest real plan; None for an example or when none is named."""
        if item.plan.example or self.cheapest is None:
            return None
        return item.first_year_total - self.cheapest


def compare(plans: list[Plan], mix: list[MixEntry]) -> Comparison:
    if len(plans) < 2:
        raise InputError("compare_few", "请至少选两个方案来比较。", "plans")
    if len(plans) > MAX_PLANS:
        raise InputError("compare_many", f"一次最多比较 {MAX_PLANS} 个方案。", "plans")
    ids = [p.id for p in plans]
    if len(set(ids)) != len(ids):
        raise InputError("compare_duplicate", "同一个方案选了两次。", "plans")
    estimates = tuple(estimate(p, mix) for p in plans)
    real = [e.first_year_total for e in estimates if not e.plan.example]
    # "Cheapest" of one real plan among examples would be a verdict on nothing.
    return Comparison(estimates, min(real) if len(real) >= 2 else None)
