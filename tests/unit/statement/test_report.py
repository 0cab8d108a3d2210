"""The summaries of a checked statement: totals, patterns, rate changes, series, limit, CSV."""

from __future__ import annotations

import pytest

from calculator.api import statement as api_statement
from calculator.statement.report import neutralise
from tests.statement_values import statement


def test_limit_keeps_the_biggest_overcharges_and_csv_keeps_everything() -> None:
    rows = [f"2025-03-01,T1,信用卡,{1000 + i},{(1000 + i) * 0.03:.2f},,小店" for i in range(20)]
    result = api_statement.statement_check(text=statement(*rows), limit=5)
    assert result["flagged"] == 20 and len(result["flagged_rows"]) == 5
    assert result["rows_limited"] is True
    assert [r["amount"] for r in result["flagged_rows"]][-1] == "1019.00"
    assert result["csv"].count("\r\n") == 21


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("小店", "小店"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_csv_has_bom_and_no_live_formula() -> None:
    rows = [
        '2025-03-05,T1,信用卡,10000,78.00,,"=HYPERLINK(""http://x"",""点我"")"',
        "2025-03-05,@T1,visa,10000,60,,+cmd",
    ]
    csv_text = api_statement.statement_check(text=statement(*rows))["csv"]
    assert csv_text.startswith("\ufeff行号,结果,原因")
    assert '"\'=HYPERLINK(""http://x"",""点我"")"' in csv_text
    assert ",'+cmd,'@T1\r\n" in csv_text
    for line in csv_text.lstrip("\ufeff").split("\r\n"):
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@", "\t")), line
