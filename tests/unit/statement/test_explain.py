"""Why a fee differs: the pattern named for each wrong fee, and the sentence a merchant quotes."""

from __future__ import annotations

import pytest

from calculator.api import statement as api_statement
from tests.statement_values import statement


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
