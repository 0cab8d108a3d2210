"""Band edges are whole fen (issue 13, item 7): a sub-fen up_to is refused in the
plans file (file, plan, field) and in the reader's own rates (Chinese), and the
gross-up agrees with the fee across every edge."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calculator import api
from calculator.core.errors import DataError
from calculator.core.money import FEN
from calculator.core.plans import parse_plans, plan_from_dict
from calculator.fees.transaction import fee_breakdown, gross_up

PLAN = """[[plan]]
id = "edge"
name = "n"
source = "s"
as_of = "undated"
[plan.channels.credit]
bands = [{{up_to = {edge}, rate_percent = 0}}, {{rate_percent = 10}}]
"""


def test_7_a_sub_fen_edge_in_the_plans_file_names_file_plan_and_field() -> None:
    with pytest.raises(DataError) as caught:
        parse_plans(PLAN.format(edge="1000.005"), "plans.toml")
    assert str(caught.value) == (
        "plans.toml: plan 'edge' channels.credit.bands[0].up_to: "
        "must be whole fen (at most two decimals), got 1000.005"
    )


def test_7_a_sub_fen_edge_in_custom_rates_is_answered_in_chinese() -> None:
    custom = {
        "channels": {
            "credit": {"bands": [{"up_to": "1000.005", "rate_percent": 0}, {"rate_percent": 10}]}
        }
    }
    reply = api.safe_call("gross", net="950", channel="credit", custom=custom)
    assert reply["error"] == {
        "code": "bad_custom_plan",
        "message_zh": "自定义费率：信用卡第 1 段分段金额最多保留两位小数（到分），"
        "例如 1000 或 1000.50。",
        "field": "channels.credit.bands[0].up_to",
    }


def test_7_a_rate_with_a_huge_exponent_is_refused_not_printed() -> None:
    custom = {"channels": {"credit": {"rate_percent": Decimal("1e-999999")}}}
    reply = api.safe_call("fee", amount="100", channel="credit", custom=custom)
    assert reply["error"]["field"] == "channels.credit.rate_percent"
    assert "小数位太多" in reply["error"]["message_zh"]
    with pytest.raises(DataError, match="more than 6 decimals"):
        parse_plans(PLAN.format(edge="1000").replace("rate_percent = 10", "rate_percent = 1e-30"))


@pytest.mark.parametrize("edge", ["1000", "1000.01", "999.99", "0.01", "1000.5"])
def test_7_gross_up_agrees_with_the_fee_across_the_edge(edge: str) -> None:
    plans = parse_plans(PLAN.format(edge=edge))
    rule = plans["edge"].channels["credit"]
    top = Decimal(edge)
    nets = [fee_breakdown(rule, top + k * FEN).net for k in range(-5, 6) if top + k * FEN >= FEN]
    for net in {*nets, top - FEN, top, top + FEN} - {Decimal(0)}:
        if net < FEN:
            continue
        found = gross_up(rule, net)
        assert found.net >= net
        # Minimal: no whole-fen amount below the answer nets enough (brute force near the edge).
        low = max(FEN, min(found.amount, top) - 200 * FEN)
        amount = low
        while amount < found.amount:
            assert fee_breakdown(rule, amount).net < net, (net, amount)
            amount += FEN


def test_7_the_reported_case_now_answers_exactly() -> None:
    custom = {
        "channels": {
            "credit": {"bands": [{"up_to": "1000", "rate_percent": 0}, {"rate_percent": 10}]}
        }
    }
    assert api.safe_call("gross", net="950", channel="credit", custom=custom)["amount"] == "950.00"
    assert plan_from_dict(custom).channels["credit"].bands[0].up_to == Decimal(1000)
