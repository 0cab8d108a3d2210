"""The seed's figures, the rounding rule, and properties of every fee rule."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import api
from calculator.api import fees as api_fees
from calculator.core.errors import InputError
from calculator.core.money import FEN
from calculator.core.plans import Band, ChannelRule, load_plans, plan_from_dict
from calculator.fees.transaction import channel_rule, fee_breakdown, fee_for, gross_up

PLAN = load_plans()["lakala-personal"]


def fee_of(channel: str, amount: str) -> str:
    return api_fees.fee(amount, channel, "lakala-personal")["fee"]


@pytest.mark.parametrize(
    ("channel", "amount", "fee"),
    [
        ("credit", "10000", "60.00"),
        ("debit", "5000", "25.00"),
        ("debit", "4999.99", "25.00"),  # 24.99995 rounds half up
        ("debit", "4998.99", "24.99"),  # 24.99495 rounds down
        ("debit", "100000", "25.00"),
        ("wechat", "10000", "38.00"),
        ("alipay", "10000", "38.00"),
        ("unionpay_qr", "10000", "60.00"),
        ("debit", "1", "0.01"),  # 0.005 is half a fen: up
        ("credit", "0.75", "0.00"),  # 0.0045: down
        ("wechat", "1.25", "0.00"),  # 0.00475
        ("wechat", "1.32", "0.01"),  # 0.005016
    ],
)
def test_seed_figures_and_rounding(channel: str, amount: str, fee: str) -> None:
    assert fee_of(channel, amount) == fee


def test_debit_cap_reached_at_5000() -> None:
    below = api_fees.fee("4999.00", "debit")["breakdown"]
    at = api_fees.fee("5000", "debit")
    above = api_fees.fee("5000.01", "debit")["breakdown"]
    assert below["cap_applied"] is False and at["fee"] == "25.00"
    assert at["breakdown"]["cap_applied"] is False  # 25.000 exactly: nothing was cut
    assert above["cap_applied"] is True and above["cap"] == "25.00"


# 0.5% with a 0.50 minimum and a 25.00 cap: the minimum bites below 100, the cap above 5000.
CAPPED = ChannelRule("debit", (Band(None, Decimal("0.005"), Decimal(25), Decimal("0.5")),))


@pytest.mark.parametrize(
    ("amount", "min_applied", "cap_applied", "fee"),
    [
        ("99.99", True, False, "0.50"),  # 0.49995 raised to the minimum
        ("100", False, False, "0.50"),  # 0.500 is the minimum itself
        ("5000", False, False, "25.00"),  # 25.000 is the cap itself
        ("5000.01", False, True, "25.00"),  # 25.00005 lowered to the cap
    ],
)
def test_minimum_and_cap_flags_at_their_edges(
    amount: str, min_applied: bool, cap_applied: bool, fee: str
) -> None:
    b = fee_breakdown(CAPPED, Decimal(amount))
    assert (b.min_applied, b.cap_applied, b.fee) == (min_applied, cap_applied, Decimal(fee))


# Up to 1,000 at 0.38%, above it 0.55%: the edge belongs to the lower band.
BANDED = ChannelRule(
    "unionpay_qr", (Band(Decimal(1000), Decimal("0.0038")), Band(None, Decimal("0.0055")))
)


@pytest.mark.parametrize(
    ("amount", "band_index", "fee"),
    [("1000", 0, "3.80"), ("1000.01", 1, "5.50")],  # 5.500055 rounds down
)
def test_band_edge_is_inclusive(amount: str, band_index: int, fee: str) -> None:
    b = fee_breakdown(BANDED, Decimal(amount))
    assert (b.band_index, b.band, b.fee) == (band_index, BANDED.bands[band_index], Decimal(fee))


def test_channel_missing_from_plan_is_named() -> None:
    plan = plan_from_dict({"channels": {"credit": {"rate_percent": "0.6"}}})
    with pytest.raises(InputError) as caught:
        channel_rule(plan, "debit")
    assert caught.value.as_dict() == {
        "code": "channel_not_in_plan",
        "message_zh": "方案“自定义费率”没有这种支付方式的费率。",
        "field": "channel",
    }


def test_gross_up_stops_at_the_largest_amount() -> None:
    rule = PLAN.channels["credit"]  # 0.6%: 100,000,000.00 leaves 99,400,000.00
    assert gross_up(rule, Decimal("99400000")).amount == Decimal("100000000.00")
    with pytest.raises(InputError) as caught:
        gross_up(rule, Decimal("99400000.01"))
    assert caught.value.as_dict() == {
        "code": "gross_too_large",
        "message_zh": "到账金额太大：收款上限 1 亿元也不够。",
        "field": "net",
    }


def test_result_shape() -> None:
    result = api_fees.fee("10000", "credit")
    assert result["amount"] == "10,000.00"
    assert result["net"] == "9,940.00"
    assert result["effective_rate"] == "0.60%"
    assert result["plan"] == "lakala-personal" and result["channel"] == "credit"


def test_gross_for_seed() -> None:
    result = api_fees.gross("9940", "credit")
    assert result["amount"] == "10,000.00" and result["net"] == "9,940.00"
    # 9975 net by debit: 10000 - 25 cap
    assert api_fees.gross("9975", "debit")["amount"] == "10,000.00"


def test_errors_are_data() -> None:
    assert api.safe_call("fee", amount="abc", channel="credit")["error"]["field"] == "amount"
    assert api.safe_call("fee", amount="1", channel="x")["error"]["code"] == "unknown_channel"
    assert api.safe_call("fee", amount="1", channel="credit", plan="nope")["error"]["code"] == (
        "unknown_plan"
    )


# ---- properties over arbitrary rules ------------------------------------------

amounts = st.integers(min_value=1, max_value=10_000_000_000).map(lambda fen: fen * FEN)
rates = st.integers(min_value=0, max_value=1000).map(lambda bp: Decimal(bp) / 100_000)  # 0..1%
money = st.integers(min_value=0, max_value=5000).map(lambda fen: fen * FEN)


@st.composite
def bands(draw: st.DrawFn) -> Band:
    cap = draw(st.none() | money.filter(lambda v: v > 0))
    minimum = draw(st.none() | money)
    if cap is not None and minimum is not None and minimum > cap:
        minimum, cap = cap, minimum
    return Band(None, draw(rates), cap, minimum, draw(st.sampled_from([Decimal(0), Decimal(3)])))


@st.composite
def rules(draw: st.DrawFn) -> ChannelRule:
    count = draw(st.integers(min_value=1, max_value=3))
    edges = sorted(
        draw(st.sets(st.integers(1, 10_000_000), min_size=count - 1, max_size=count - 1))
    )
    result = []
    for index in range(count):
        band = draw(bands())
        up_to = edges[index] * FEN if index < len(edges) else None
        result.append(Band(up_to, band.rate, band.cap, band.minimum, band.fixed))
    return ChannelRule("credit", tuple(result))


@given(rules(), amounts)
def test_fee_between_zero_and_amount_and_net_adds_up(rule: ChannelRule, amount: Decimal) -> None:
    b = fee_breakdown(rule, amount)
    assert Decimal(0) <= b.fee <= amount
    assert b.fee == b.fee.quantize(FEN)
    assert b.net + b.fee == amount


@given(rules(), amounts)
def test_cap_and_minimum_respected(rule: ChannelRule, amount: Decimal) -> None:
    b = fee_breakdown(rule, amount)
    if b.band.cap is not None:
        assert b.percent_part <= b.band.cap
        assert b.fee <= min(amount, (b.band.cap + b.band.fixed).quantize(FEN))
    if b.band.minimum is not None and not b.cap_applied:
        assert b.percent_part >= b.band.minimum


@given(bands(), amounts, amounts)
def test_fee_never_decreases_with_amount_within_one_band(
    band: Band, a: Decimal, b: Decimal
) -> None:
    rule = ChannelRule("credit", (band,))
    low, high = sorted((a, b))
    assert fee_for(rule, low) <= fee_for(rule, high)


@settings(max_examples=300)
@given(rules(), st.integers(min_value=1, max_value=5_000_000).map(lambda fen: fen * FEN))
def test_gross_up_is_minimal(rule: ChannelRule, net: Decimal) -> None:
    b = gross_up(rule, net)
    assert b.net >= net
    # Exhaustive below the answer is too slow; check the neighbour and a spread of points.
    probes = {b.amount - FEN, b.amount / 2, b.amount * Decimal("0.9"), b.amount - Decimal("0.10")}
    for probe in probes:
        probe = probe.quantize(FEN)
        if FEN <= probe < b.amount:
            assert fee_breakdown(rule, probe).net < net, probe


def test_gross_up_minimal_by_brute_force_on_small_amounts() -> None:
    rule = ChannelRule(
        "credit",
        (
            Band(Decimal(10), Decimal("0.0038"), None, None, Decimal(0)),
            Band(None, Decimal("0.006"), None, None, Decimal(3)),
        ),
    )
    nets = [fee_breakdown(rule, fen * FEN).net for fen in range(1, 4001)]
    for target_fen in range(1, 1990, 7):
        target = target_fen * FEN
        expected = next(i + 1 for i, net in enumerate(nets) if net >= target) * FEN
        assert gross_up(rule, target).amount == expected


# ---- add-ons, minimums, monotone plans ---------------------------------------------


@given(rules(), amounts)
def test_add_on_is_added_after_cap_and_minimum(rule: ChannelRule, amount: Decimal) -> None:
    b = fee_breakdown(rule, amount)
    assert b.unrounded == b.percent_part + b.band.fixed
    assert b.fee == min(amount, b.unrounded.quantize(FEN, rounding="ROUND_HALF_UP"))
    assert b.limited_to_amount == (b.unrounded.quantize(FEN, rounding="ROUND_HALF_UP") > amount)


@given(bands(), amounts)
def test_minimum_is_charged_when_percentage_is_lower(band: Band, amount: Decimal) -> None:
    b = fee_breakdown(ChannelRule("credit", (band,)), amount)
    if band.minimum is not None and amount * band.rate < band.minimum and not b.cap_applied:
        assert b.min_applied and b.percent_part == band.minimum


@given(amounts, amounts)
def test_bundled_plans_monotone_where_bands_do_not_fall(a: Decimal, b: Decimal) -> None:
    """Every bundled rule whose later bands cost at least as much is monotone."""
    low, high = sorted((a, b))
    for plan in load_plans().values():
        for rule in plan.channels.values():
            rates = [band.rate for band in rule.bands]
            if rates == sorted(rates):
                assert fee_for(rule, low) <= fee_for(rule, high), (plan.id, rule.channel)
