"""Why a fee differs: the pattern named for each wrong fee, and the sentence a merchant quotes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from calculator.api.statement import DEFAULT_PLAN
from tests.statement_values import checked, under

# A debit card contract whose cap comes with a 1-yuan add-on of its own.
_CAP_AND_ADD_ON = {"channels": {"debit": {"rate_percent": D("0.5"), "cap": 25, "fixed": 1}}}


@pytest.mark.parametrize(
    ("contract", "row", "pattern", "reason"),
    [
        (
            DEFAULT_PLAN,
            "信用卡,10000,78.00,",
            "rate_above_contract",
            "费率高于合同：按 0.78% 收取（合同 0.60%），多收 18.00 元",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,100,0.78,",
            "rate_above_contract",
            "费率高于合同：按 0.78% 收取（合同 0.60%），多收 0.18 元",
        ),
        # No whole basis point fits 7.85 yuan, with or without an add-on; a tenth does.
        (
            DEFAULT_PLAN,
            "信用卡,1000,7.85,",
            "rate_above_contract",
            "费率高于合同：按 0.785% 收取（合同 0.60%），多收 1.85 元",
        ),
        (
            "example-d0-addon",
            "信用卡,10000,81.00,",
            "rate_above_contract",
            "费率高于合同：按 0.78% 收取（合同 0.60%），多收 18.00 元",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,10000,63.00,",
            "fixed_add_on",
            "多收了每笔 3.00 元的固定费用（合同没有）",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,10000,65.00,",
            "fixed_add_on",
            "多收了每笔 5.00 元的固定费用（合同没有）",
        ),
        (
            DEFAULT_PLAN,
            "借记卡,6000,31.00,",
            "fixed_add_on",
            "多收了每笔 1.00 元的固定费用（合同没有），共多收 6.00 元；"
            "合同每笔封顶 25.00 元也没有生效",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,30580.00,917.34,",
            "rate_and_fixed",
            "费率高于合同 + 每笔固定费用：按 2.99% + 每笔 3.00 元收取（合同 0.60%），"
            "多收 733.86 元",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,100000,781.00,",
            "rate_and_fixed",
            "费率高于合同 + 每笔固定费用：按 0.78% + 每笔 1.00 元收取（合同 0.60%），"
            "多收 181.00 元",
        ),
        (
            DEFAULT_PLAN,
            "借记卡,50000,250.00,",
            "cap_not_applied",
            "封顶没有生效：合同每笔封顶 25.00 元，实际按 0.50% 全额收了 250.00 元",
        ),
        (
            _CAP_AND_ADD_ON,
            "借记卡,50000,251.00,",
            "cap_not_applied",
            "封顶没有生效：合同每笔封顶 25.00 元，实际按 0.50% 全额收了 251.00 元",
        ),
        (
            DEFAULT_PLAN,
            "借记卡,50000,300.00,",
            "rate_above_contract",
            "费率高于合同：按 0.60% 收取（合同 0.50%），多收 275.00 元；"
            "合同每笔封顶 25.00 元也没有生效",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,10000,50.00,",
            "charged_less",
            "比合同少收 10.00 元（合同应收 60.00 元）",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,10000,60.00,9930.00",
            "hidden_deduction",
            "到账金额比“金额 − 手续费”少 10.00 元，合计扣了 70.00 元，合同应扣 60.00 元",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,10000,60.00,9939.50",
            "hidden_deduction",
            "到账金额比“金额 − 手续费”少 0.50 元，合计扣了 60.50 元，合同应扣 60.00 元",
        ),
        # A settlement one fen short is rounding: the fee alone tells the story.
        (
            DEFAULT_PLAN,
            "信用卡,10000,78.00,9921.99",
            "rate_above_contract",
            "费率高于合同：按 0.78% 收取（合同 0.60%），多收 18.00 元",
        ),
        (
            DEFAULT_PLAN,
            "信用卡,10000,61.37,",
            "unexplained",
            "多收 1.37 元：实收 61.37 元，合同应收 60.00 元",
        ),
        # Over the cap at a lower rate than the contract's: not a rate rise.
        # The cap ignored at a rate below the contract's: still the cap that failed.
        (
            DEFAULT_PLAN,
            "借记卡,10000,40.00,",
            "cap_not_applied",
            "封顶没有生效：合同每笔封顶 25.00 元，实际按 0.40% 全额收了 40.00 元，多收 15.00 元",
        ),
        (
            DEFAULT_PLAN,
            "借记卡,10000,40.37,",
            "unexplained",
            "多收 15.37 元：实收 40.37 元，合同应收 25.00 元",
        ),
        # "0% + 4 元" reproduces 4.00 too, but says nothing: the search goes on.
        (
            DEFAULT_PLAN,
            "信用卡,508.92,4.00,",
            "rate_above_contract",
            "费率高于合同：按 0.785% 收取（合同 0.60%），多收 0.95 元",
        ),
        (
            DEFAULT_PLAN,
            "借记卡,12345,50.38,",
            "unexplained",
            "多收 25.38 元：实收 50.38 元，合同应收 25.00 元",
        ),
        # A rate with a tenth of a basis point is offered alone, never with an
        # add-on: with both, almost any fee would fit something.
        (
            DEFAULT_PLAN,
            "信用卡,1071.11,9.41,",
            "unexplained",
            "多收 2.98 元：实收 9.41 元，合同应收 6.43 元",
        ),
    ],
)
def test_patterns_and_explanations_word_for_word(
    contract: str | dict, row: str, pattern: str, reason: str
) -> None:
    result = checked(f"2025-03-05,T1,{row},小店", **under(contract))
    assert result["flagged"] == 1, result["rejected_rows"]
    flagged = result["flagged_rows"][0]
    assert (flagged["pattern"], flagged["reason"]) == (pattern, reason)


@pytest.mark.parametrize(
    ("first", "then", "alone", "after"),
    [
        # Alone, 2500 yuan at 0.78% looks like the contract fee plus a round 4.50 yuan.
        (
            "信用卡,10000,78.00",
            "信用卡,2500,19.50",
            "多收了每笔 4.50 元的固定费用（合同没有）",
            "费率高于合同：按 0.78% 收取（合同 0.60%），多收 4.50 元",
        ),
        # Alone, 5.99 yuan on 100 reads as 5.99%; after the hike it is 2.99% + 3 yuan.
        (
            "信用卡,30580.00,917.34",
            "信用卡,100,5.99",
            "费率高于合同：按 5.99% 收取（合同 0.60%），多收 5.39 元",
            "费率高于合同 + 每笔固定费用：按 2.99% + 每笔 3.00 元收取（合同 0.60%），多收 5.39 元",
        ),
        # Once a 3-yuan add-on is seen, a fee over the cap is the same add-on, not 0.55%.
        (
            "借记卡,1000,8.00",
            "借记卡,6000,33.00",
            "费率高于合同：按 0.55% 收取（合同 0.50%），多收 8.00 元；"
            "合同每笔封顶 25.00 元也没有生效",
            "多收了每笔 3.00 元的固定费用（合同没有），共多收 8.00 元；"
            "合同每笔封顶 25.00 元也没有生效",
        ),
    ],
)
def test_a_price_found_once_names_the_next_rows_the_same_way(
    first: str, then: str, alone: str, after: str
) -> None:
    assert checked(f"2025-03-05,T1,{then},,小店")["flagged_rows"][0]["reason"] == alone
    rows = checked(f"2025-03-05,T1,{first},,小店", f"2025-03-05,T1,{then},,小店")["flagged_rows"]
    assert rows[1]["reason"] == after


def test_the_memory_is_per_channel() -> None:
    # 0.78% on credit also reproduces 7.80 on WeChat, but WeChat's own story is 4 yuan extra.
    rows = ("2025-03-05,T1,信用卡,10000,78.00,,小店", "2025-03-05,T1,微信,1000,7.80,,小店")
    assert [r["pattern"] for r in checked(*rows)["flagged_rows"]] == [
        "rate_above_contract",
        "fixed_add_on",
    ]


@pytest.mark.parametrize("fee", ["63.00", "65.00", "60.50"])
def test_an_add_on_that_is_the_whole_difference_is_said_once(fee: str) -> None:
    row = checked(f"2025-03-05,T1,信用卡,10000,{fee},,小店")["flagged_rows"][0]
    extra = f"{float(fee) - 60:.2f}"
    assert row["reason"].count(extra) == 1, row["reason"]


def test_amounts_in_reasons_have_thousands_separators() -> None:
    row = checked("2025-03-05,T1,信用卡,200000,1234.57,,小店")["flagged_rows"][0]
    assert row["reason"] == "多收 34.57 元：实收 1,234.57 元，合同应收 1,200.00 元"
