"""Why a fee differs: the pattern named for each wrong fee, and the sentence a merchant quotes."""

from __future__ import annotations

import pytest

from calculator.api import statement as api_statement
from tests.statement_values import checked, statement


@pytest.mark.parametrize(
    ("row", "pattern"),
    [
        ("2025-03-05,T1,信用卡,10000,78.00,,小店", "rate_above_contract"),
        ("2025-03-05,T1,信用卡,10000,63.00,,小店", "fixed_add_on"),
        ("2025-03-05,T1,借记卡,50000,250.00,,小店", "cap_not_applied"),
        ("2025-03-05,T1,借记卡,50000,300.00,,小店", "rate_above_contract"),
        ("2025-03-05,T1,信用卡,10000,50.00,,小店", "charged_less"),
        ("2025-03-05,T1,信用卡,10000,60.00,9930.00,小店", "hidden_deduction"),
        ("2025-03-05,T1,信用卡,10000,61.37,,小店", "unexplained"),
    ],
)
def test_patterns(row: str, pattern: str) -> None:
    result = api_statement.statement_check(text=statement(row))
    assert result["flagged"] == 1, result["rejected_rows"]
    assert result["flagged_rows"][0]["pattern"] == pattern


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("信用卡,10000,78.00,", "费率高于合同：按 0.78% 收取（合同 0.60%），多收 18.00 元"),
        ("信用卡,10000,63.00,", "多收了每笔 3.00 元的固定费用（合同没有），多收 3.00 元"),
        (
            "信用卡,30580.00,917.34,",
            "费率高于合同 + 每笔固定费用：按 2.99% + 每笔 3.00 元收取（合同 0.60%），"
            "多收 733.86 元",
        ),
        (
            "借记卡,50000,250.00,",
            "封顶没有生效：合同每笔封顶 25.00 元，实际按 0.50% 全额收了 250.00 元",
        ),
        (
            "借记卡,50000,300.00,",
            "费率高于合同：按 0.60% 收取（合同 0.50%），多收 275.00 元；"
            "合同每笔封顶 25.00 元也没有生效",
        ),
        ("信用卡,10000,50.00,", "比合同少收 10.00 元（合同应收 60.00 元）"),
        (
            "信用卡,10000,60.00,9930.00",
            "到账金额比“金额 − 手续费”少 10.00 元，合计扣了 70.00 元，合同应扣 60.00 元",
        ),
        ("信用卡,10000,61.37,", "多收 1.37 元：实收 61.37 元，合同应收 60.00 元"),
    ],
    ids=["rate", "add-on", "rate+add-on", "cap", "rate+cap", "less", "hidden", "unexplained"],
)
def test_explanations_word_for_word(row: str, reason: str) -> None:
    result = checked(f"2025-03-05,T1,{row},小店")
    assert result["flagged_rows"][0]["reason"] == reason


def test_a_hike_found_once_names_the_next_rows_the_same_way() -> None:
    # Alone, 2500 yuan at 0.78% looks like the contract fee plus a round 4.50 yuan.
    alone = checked("2025-03-05,T1,信用卡,2500,19.50,,小店")["flagged_rows"][0]
    assert alone["pattern"] == "fixed_add_on"
    after = checked(
        "2025-03-05,T1,信用卡,10000,78.00,,小店", "2025-03-05,T1,信用卡,2500,19.50,,小店"
    )
    assert [r["pattern"] for r in after["flagged_rows"]] == ["rate_above_contract"] * 2
    assert after["flagged_rows"][1]["reason"] == (
        "费率高于合同：按 0.78% 收取（合同 0.60%），多收 4.50 元"
    )


def test_the_memory_is_per_channel() -> None:
    # 0.78% on credit also reproduces 7.80 on WeChat, but WeChat's own story is 4 yuan extra.
    rows = ("2025-03-05,T1,信用卡,10000,78.00,,小店", "2025-03-05,T1,微信,1000,7.80,,小店")
    assert [r["pattern"] for r in checked(*rows)["flagged_rows"]] == [
        "rate_above_contract",
        "fixed_add_on",
    ]
