"""Monthly estimate and comparison: even split in fen, periodic fees, promotions."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import api
from calculator.api import fees as api_fees
from calculator.core.errors import InputError
from calculator.core.money import FEN
from calculator.core.plans import Band, ChannelRule, load_plans, plan_from_dict
from calculator.fees.estimate import MixEntry, compare, estimate, month_fee, parse_count, parse_mix
from calculator.fees.transaction import fee_for

PLANS = load_plans()
SEED = PLANS["lakala-personal"]
MIX = [
    {"channel": "credit", "total": "30000", "count": "40"},
    {"channel": "debit", "total": "200000", "count": "20"},
]


def test_seed_plan_month_by_hand() -> None:
    result = api_fees.estimate(MIX, "lakala-personal")
    # credit 30,000 x 0.6% = 180; debit 20 x 10,000 each, capped at 25 -> 500
    assert [line["fee"] for line in result["lines"]] == ["180.00", "500.00"]
    assert result["monthly_total"] == "680.00"
    assert result["first_year_total"] == "8,160.00"  # 12 x 680, no periodic fees
    assert result["effective_rate"] == "0.296%"  # 8160 / (12 x 230,000)


def test_periodic_fees_deposit_and_promotion_from_examples() -> None:
    d0 = api_fees.estimate(MIX, "example-d0-addon")
    # credit: 40 x (750 x 0.6% + 3) = 40 x 7.5 = 300; debit 500; + 99 流量费 a year
    assert d0["monthly_fees"] == "800.00"
    assert d0["first_year_total"] == "9,699.00"
    assert d0["deposit"]["amount"] == "99.00" and d0["deposit"]["refund_condition"]
    bands = api_fees.estimate(MIX, "example-qr-bands")
    # regular month: credit 40 x 4.13 (750 x 0.55% = 4.125, rounded per transaction)
    # = 165.20, debit 20 x 20 (cap) = 400, rent 10 -> 575.20
    assert bands["monthly_total"] == "575.20"
    # first month: credit at 0.38% = 114, rent waived -> 514
    assert bands["promotion"]["monthly_total"] == "514.00"
    assert bands["first_year_total"] == "6,909.20"  # 514 + 11 x 575.20 + 68
    assert bands["regular_year_total"] == "6,970.40"  # 12 x 575.20 + 68


def test_even_split_sums_to_total_and_uses_whole_fen() -> None:
    rule = SEED.channels["debit"]
    entry = MixEntry("debit", Decimal("100.03"), 3)  # 33.35 + 33.34 + 33.34
    expected = fee_for(rule, Decimal("33.35")) + 2 * fee_for(rule, Decimal("33.34"))
    assert month_fee(rule, entry) == expected


def test_average_ticket_form_and_blank_rows() -> None:
    rows = parse_mix(
        [
            {"channel": "credit", "average": "750", "count": "40"},
            {"channel": "wechat", "total": "", "count": ""},
        ]
    )
    assert rows == [MixEntry("credit", Decimal("30000.00"), 40)]


@pytest.mark.parametrize(
    ("mix", "code"),
    [
        ([], "mix_empty"),
        ([{"channel": "credit", "total": "", "count": ""}], "mix_empty"),
        ([{"channel": "credit", "total": "100", "count": ""}], "count_empty"),
        ([{"channel": "credit", "total": "", "count": "3"}], "mix_amount_empty"),
        ([{"channel": "credit", "total": "100", "count": "1.5"}], "count_not_number"),
        ([{"channel": "credit", "total": "100", "count": "0"}], "count_zero"),
        ([{"channel": "credit", "total": "0.01", "count": "2"}], "mix_below_fen"),
        ([{"channel": "credit", "total": "abc", "count": "2"}], "not_number"),
        ([{"channel": "visa", "total": "1", "count": "2"}], "unknown_channel"),
        ("credit=1x1", "mix_missing"),
        (
            [
                {"channel": "credit", "total": "1", "count": "1"},
                {"channel": "credit", "total": "2", "count": "1"},
            ],
            "mix_duplicate",
        ),
        ([{"channel": "credit", "average": "10000000", "count": "11"}], "too_large"),
    ],
)
def test_bad_mix_is_refused_in_chinese(mix: object, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_mix(mix)
    assert caught.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message_zh)


def test_count_accepts_typed_forms() -> None:
    assert parse_count("４０笔", "c") == 40 and parse_count(7, "c") == 7
    with pytest.raises(InputError):
        parse_count("9" * 30, "c")


CHEAP_OWN = {
    "channels": {"credit": {"rate_percent": "0.55"}, "debit": {"rate_percent": "0.5", "cap": "20"}}
}


def test_cheapest_is_chosen_among_real_plans_never_an_example() -> None:
    # The flat-rate example (6,909.20) is below Lakala (8,160.00) but above our own rates.
    result = api_fees.compare(
        MIX, ["lakala-personal", "example-qr-bands", "custom"], custom=CHEAP_OWN
    )
    rows = {row["plan"]: row for row in result["plans"]}
    assert result["cheapest"] == ["custom"]
    assert rows["custom"]["difference"] == "0.00"
    assert rows["lakala-personal"]["difference"] == "1,377.60"
    assert rows["example-qr-bands"]["cheapest"] is False
    assert rows["example-qr-bands"]["difference"] is None
    assert result["yearly_difference"] == "1,377.60"
    assert result["verdict"].startswith("按这样的收款，第一年最省的是：自定义费率，")
    assert "示例方案只作对照" in result["verdict"]


def test_an_example_cheaper_than_every_real_plan_is_still_not_named() -> None:
    dear = {"channels": {"credit": {"rate_percent": "1"}, "debit": {"rate_percent": "1"}}}
    result = api_fees.compare(MIX, ["lakala-personal", "example-qr-bands", "custom"], custom=dear)
    assert result["cheapest"] == ["lakala-personal"]
    assert "示例" not in result["verdict"].split("。")[0]


@pytest.mark.parametrize(
    ("plans", "says"),
    [
        (["example-d0-addon", "example-qr-bands"], "这次比较的都是示例方案，没有真实报价可比"),
        (["lakala-personal", "example-d0-addon"], "真实方案只有一个，没有可比的"),
    ],
)
def test_no_verdict_without_two_real_offers(plans: list[str], says: str) -> None:
    result = api_fees.compare(MIX, plans)
    assert result["cheapest"] == [] and result["yearly_difference"] is None
    assert not any(row["cheapest"] for row in result["plans"])
    assert result["verdict"].startswith(says) and "最省的是" not in result["verdict"]


def test_compare_with_custom_plan_and_errors() -> None:
    custom = {"channels": {"credit": {"rate_percent": "0.5%"}, "debit": {"rate_percent": "0.4"}}}
    result = api_fees.compare(MIX, ["lakala-personal", "custom"], custom=custom)
    assert result["plans"][1]["plan_name"] == "自定义费率"
    assert api.safe_call("compare", mix=MIX, plans=["lakala-personal"])["error"]["code"] == (
        "compare_few"
    )
    # Ticking 自定义费率 before typing: the other plans stay, a calm note says what to fill.
    pending = api.safe_call("compare", mix=MIX, plans=["custom", "lakala-personal"])
    assert [row["plan"] for row in pending["plans"]] == ["lakala-personal"]
    assert pending["custom_note"]["code"] == "custom_empty"
    # Only a credit rate, but the month has debit takings: named by the form's words.
    credit_only = {"channels": {"credit": {"rate_percent": "0.5"}}}
    half = api.safe_call(
        "compare",
        mix=MIX,
        plans=["custom", "lakala-personal", "example-qr-bands"],
        custom=credit_only,
    )
    assert len(half["plans"]) == 2
    assert half["custom_note"] == {
        "code": "custom_channel_missing",
        "message_zh": "自定义费率里没有填借记卡的费率："
        "请填上借记卡费率，或清空每月收款里借记卡这一行。",
        "field": "channels.debit.rate_percent",
    }
    missing = api.safe_call(
        "estimate", mix=MIX, plan="custom", custom={"channels": {"credit": {"rate_percent": 1}}}
    )
    assert (
        missing["error"]["code"] == "custom_channel_missing"
        and "借记卡" in (missing["error"]["message_zh"])
    )


# ---- properties ---------------------------------------------------------------

rates = st.integers(min_value=0, max_value=1000).map(lambda bp: Decimal(bp) / 100_000)
money = st.integers(min_value=0, max_value=5000).map(lambda fen: fen * FEN)


@st.composite
def plans(draw: st.DrawFn):  # noqa: ANN201 - returns a Plan
    cap = draw(st.none() | money.filter(lambda v: v > 0))
    fixed = draw(st.sampled_from([0, 3]))
    channel = {"rate_percent": draw(rates) * 100, "fixed": fixed}
    if cap is not None:
        channel["cap"] = cap
    raw = {
        "channels": {"credit": channel, "debit": {"rate_percent": draw(rates) * 100}},
        "periodic": {
            "annual_fee": draw(money),
            "monthly_rent": draw(money),
        },
    }
    if draw(st.booleans()):
        raw["promotion"] = {
            "label": "首月",
            "months": draw(st.integers(1, 12)),
            "rent_waived": draw(st.booleans()),
            "channels": {"credit": {"rate_percent": draw(rates) * 100}},
        }
    return plan_from_dict(raw)


entries = st.builds(
    lambda channel, fen, count: MixEntry(channel, max(fen, count) * FEN, count),
    st.sampled_from(["credit", "debit"]),
    st.integers(1, 10_000_000_00),
    st.integers(1, 2000),
)


@settings(max_examples=150)
@given(plans(), st.lists(entries, min_size=1, max_size=2, unique_by=lambda e: e.channel))
def test_year_adds_up_from_months_and_periodic_fees(plan, mix: list[MixEntry]) -> None:  # noqa: ANN001
    e = estimate(plan, mix)
    promo = plan.promotion
    months = promo.months if promo else 0
    rent = plan.periodic.monthly_rent
    promo_rent = Decimal(0) if promo and promo.rent_waived else rent
    expected = (
        months * (e.promo_monthly_fees + promo_rent)
        + (12 - months) * (e.monthly_fees + rent)
        + plan.periodic.annual_fee
    )
    assert e.first_year_total == expected
    assert e.regular_year_total == 12 * (e.monthly_fees + rent) + plan.periodic.annual_fee
    # Transaction fees never exceed the takings.
    assert Decimal(0) <= e.monthly_fees <= e.volume
    assert Decimal(0) <= e.promo_monthly_fees <= e.volume
    if not promo:
        assert e.first_year_total == e.regular_year_total


@settings(max_examples=150)
@given(
    st.integers(0, 1000).map(lambda bp: Decimal(bp) / 100_000),
    st.none() | money.filter(lambda v: v > 0),
    st.integers(1, 10**9),
    st.integers(1, 500),
)
def test_month_fee_is_sum_of_single_fees(rate, cap, fen: int, count: int) -> None:  # noqa: ANN001
    rule = ChannelRule("credit", (Band(None, rate, cap, None, Decimal(0)),))
    fen = max(fen, count)
    entry = MixEntry("credit", fen * FEN, count)
    small, bigger = divmod(fen, count)
    amounts = [(small + 1) * FEN] * bigger + [small * FEN] * (count - bigger)
    assert sum(amounts) == entry.total
    if count <= 50:
        assert month_fee(rule, entry) == sum(fee_for(rule, a) for a in amounts)
    # A capped rule never charges more than count x cap a month.
    if cap is not None:
        assert month_fee(rule, entry) <= count * cap.quantize(FEN) + count * FEN


@settings(max_examples=100)
@given(plans(), plans(), st.lists(entries, min_size=1, max_size=2, unique_by=lambda e: e.channel))
def test_compare_cheapest_is_the_minimum(a, b, mix: list[MixEntry]) -> None:  # noqa: ANN001
    b = type(b)(**{**b.__dict__, "id": "other"})
    result = compare([a, b], mix)
    assert result.cheapest == min(e.first_year_total for e in result.estimates)
    assert all(result.difference(e) >= 0 for e in result.estimates)
