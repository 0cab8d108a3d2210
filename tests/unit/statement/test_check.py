"""The row loop: every row fine, flagged or rejected with its line and reason."""

from __future__ import annotations

import random
from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import api
from calculator.api import statement as api_statement
from calculator.core.plans import load_plans, plan_from_dict
from calculator.fees.transaction import channel_rule, fee_breakdown
from calculator.statement.check import contract_fee
from tests.statement_values import FINE, HIKE, checked, counts, statement


def test_reported_hike_is_flagged_with_the_right_overcharge_and_pattern() -> None:
    result = api_statement.statement_check(text=statement(*FINE, HIKE))
    assert counts(result) == (4, 3, 1, 0)
    row = result["flagged_rows"][0]
    assert (row["line"], row["amount"], row["fee"], row["expected"]) == (
        5,
        "30580.00",
        "917.34",
        "183.48",
    )
    assert row["difference"] == "733.86" and result["overcharge"] == "733.86"
    assert row["pattern"] == "rate_and_fixed"
    assert "2.99%" in row["reason"] and "3.00 元" in row["reason"]
    change = result["rate_changes"][0]
    assert (change["channel"], change["date"]) == ("credit", "2025-03-14")
    assert change["rate_before"] == "0.60%" and change["charged_as"] == "按 2.99% + 每笔 3.00 元"


def test_one_fen_is_rounding_not_a_finding() -> None:
    result = api_statement.statement_check(text=statement("2025-03-05,T1,信用卡,10000,60.01,,小店"))
    assert counts(result) == (1, 1, 0, 0)


def test_malformed_rows_are_rejected_with_line_and_reason_and_never_stop_the_rest() -> None:
    rows = [
        FINE[0],
        "2025-03-02,T1,信用卡,,60,,小店",  # line 3: no amount
        "2025-03-02,T1,信用卡,10000",  # line 4: row cut short
        "2025-03-02,T1,信用卡,12.345,1,,小店",  # line 5: bad amount
        "2025-03-02,T1,visa,10000,60,,小店",  # line 6: unknown channel
        "2025-02-30,T1,信用卡,10000,60,,小店",  # line 7: impossible date
        "2025-03-02,T1,信用卡,-100,1,,小店",  # line 8: refund
        "2025-03-02,T1,信用卡,100,abc,,小店",  # line 9: bad fee
        FINE[1],
        HIKE,
        "合计,,,,,,",  # line 12: total line
    ]
    result = api_statement.statement_check(text=statement(*rows))
    assert counts(result) == (11, 2, 1, 8)
    reasons = {r["line"]: r["reason"] for r in result["rejected_rows"]}
    assert "缺少交易金额" in reasons[3]
    assert "缺少手续费" in reasons[4]
    assert "交易金额“12.345”" in reasons[5] and "两位小数" in reasons[5]
    assert "visa" in reasons[6] and "认不出" in reasons[6]
    assert "2025-02-30" in reasons[7]
    assert "负数" in reasons[8]
    assert "手续费“abc”" in reasons[9]
    assert "合计" in reasons[12]
    assert result["flagged_rows"][0]["line"] == 11


_UNREADABLE = "金额格式不对，请只输入数字，例如 10000、1.5万 或 ¥10,000.50。"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2025-03-02,T1,信用卡,,60,,小店", "缺少交易金额"),
        ("2025-03-02,T1,信用卡,10000", "缺少手续费"),
        ("2025-03-02,T1,信用卡", "缺少交易金额、手续费"),
        (",T1,信用卡,100,0.6,,小店", "缺少交易时间"),
        ("2025-03-02,T1,,100,0.6,,小店", "缺少支付方式（卡类型）"),
        (
            "2025-03-02,T1,信用卡,12.345,1,,小店",
            "交易金额“12.345”看不懂：金额最多保留两位小数（到分）。",
        ),
        ("2025-03-02,T1,信用卡,0,0,,小店", "交易金额是 0"),
        ("2025-03-02,T1,信用卡,-100,1,,小店", "交易金额是负数（退款或撤销），不按消费核对"),
        ("2025-03-02,T1,信用卡,100,abc,,小店", f"手续费“abc”看不懂：{_UNREADABLE}"),
        ("2025-03-02,T1,信用卡,100,0.6,x,小店", f"结算金额“x”看不懂：{_UNREADABLE}"),
        (
            "2025-03-02,T1,visa,10000,60,,小店",
            "支付方式“visa”认不出（应为信用卡、借记卡、微信、支付宝或云闪付）",
        ),
        ("2025-02-30,T1,信用卡,10000,60,,小店", "交易时间“2025-02-30”看不懂"),
        ("2025-03-02,T1,信用卡,100,200,,小店", "手续费比交易金额还大，请检查这一行的列是否错位"),
        ("合计,,,,,,", "这是合计行，不是一笔交易，不参与核对"),
    ],
)
def test_rejection_reasons_word_for_word(row: str, reason: str) -> None:
    result = checked(row)
    assert counts(result) == (1, 0, 0, 1)
    assert result["rejected_rows"][0]["reason"] == reason


def test_a_rejected_row_keeps_its_cells_as_written() -> None:
    row = checked('2025-03-02,T9,visa,="10000",`60,,小店')["rejected_rows"][0]
    assert {k: row[k] for k in ("time", "channel", "amount", "fee", "merchant", "terminal")} == {
        "time": "2025-03-02",
        "channel": "visa",
        "amount": "10000",
        "fee": "60",
        "merchant": "小店",
        "terminal": "T9",
    }
    assert (row["pattern"], row["expected"], row["difference"]) == ("", "", "")


def test_a_settlement_short_by_more_than_a_fen_counts_as_fee() -> None:
    row = checked("2025-03-05,T1,信用卡,10000,60.00,9930.00,小店")["flagged_rows"][0]
    assert (row["fee"], row["expected"], row["difference"]) == ("70.00", "60.00", "10.00")
    # A fen of rounding in the fee and another in the settlement is still no finding.
    assert counts(checked("2025-03-05,T1,信用卡,10000,60.01,9939.98,小店")) == (1, 1, 0, 0)


def test_channel_missing_from_plan_is_rejected() -> None:
    custom = {"channels": {"credit": {"rate_percent": D("0.6")}}}
    result = api_statement.statement_check(text=statement(*FINE), custom=custom)
    assert counts(result) == (3, 1, 0, 2)
    assert "没有借记卡的费率" in result["rejected_rows"][0]["reason"]


def test_channel_missing_from_plan_names_the_plan() -> None:
    custom = {"name": "我的合同", "channels": {"credit": {"rate_percent": D("0.6")}}}
    reasons = [r["reason"] for r in checked(*FINE, custom=custom)["rejected_rows"]]
    assert reasons == ["所选方案“我的合同”没有借记卡的费率", "所选方案“我的合同”没有微信的费率"]


def test_own_contract_rates() -> None:
    custom = {"channels": {"credit": {"rate_percent": D("2.99"), "fixed": 3}}}
    result = api_statement.statement_check(text=statement(HIKE), custom=custom)
    assert counts(result) == (1, 1, 0, 0)
    bad = api.safe_call("statement_check", text=statement(HIKE), custom={"channels": {}})
    assert bad["error"]["code"] == "bad_custom_plan"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["信用卡", "借记卡", "微信", "支付宝", "云闪付", "visa", ""]),
            st.one_of(
                st.integers(1, 10**9).map(lambda f: f"{f // 100}.{f % 100:02d}"),
                st.sampled_from(["", "abc", "1.2.3", "-5", "0", "1万"]),
            ),
            st.one_of(
                st.integers(0, 10**6).map(lambda f: f"{f // 100}.{f % 100:02d}"),
                st.sampled_from(["", "x", "-1"]),
            ),
            st.sampled_from(["2025-03-01", "2025/3/2 10:00", "20250303", "bad", ""]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_counts_always_add_up(rows: list[tuple[str, str, str, str]]) -> None:
    text = statement(*(f'{t},T1,{c},"{a}",{f},,小店' for c, a, f, t in rows))
    result = api_statement.statement_check(text=text)
    assert result["rows"] == len(rows)
    assert result["checked"] + result["flagged"] + result["rejected"] == len(rows)
    assert result["adds_up"] is True
    lines = [r["line"] for r in result["flagged_rows"] + result["rejected_rows"]]
    assert len(set(lines)) == len(lines) == result["flagged"] + result["rejected"]


def test_quick_fee_matches_fee_breakdown() -> None:
    """The hot loop's own fee formula must equal fees.fee_breakdown everywhere."""
    rng = random.Random(6)
    plans = list(load_plans().values()) + [
        plan_from_dict(
            {
                "channels": {
                    "credit": {"rate_percent": D("0.63"), "fixed": 3, "min": D("0.5")},
                    "debit": {"rate_percent": D("0.5"), "cap": 25, "min": D("0.1")},
                    "unionpay_qr": {
                        "bands": [
                            {"up_to": 1000, "rate_percent": D("0.38")},
                            {"up_to": 5000, "rate_percent": D("0.6"), "cap": 20, "fixed": 1},
                            {"rate_percent": D("0.6")},
                        ]
                    },
                }
            }
        )
    ]
    amounts = [Decimal(rng.randint(1, 10**10)) / 100 for _ in range(2000)]
    amounts += [Decimal(x) for x in ("0.01", "1", "1000", "1000.01", "5000", "5000.01", "4166.67")]
    # Every fen up to 30 yuan: hits the exact half-fen cases where rounding modes differ.
    amounts += [Decimal(fen) / 100 for fen in range(1, 3001)]
    for plan in plans:
        for channel in plan.channels:
            rule = channel_rule(plan, channel)
            quick = contract_fee(rule)
            for amount in amounts:
                assert quick(amount) == fee_breakdown(rule, amount).fee, (plan.id, channel, amount)
