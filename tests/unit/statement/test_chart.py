"""The rate chart: a self-contained SVG of charged and contract rates per day."""

from __future__ import annotations

from calculator.api import statement as api_statement
from tests.statement_values import FINE, HIKE, statement


def test_chart_is_an_svg_with_escaped_text() -> None:
    result = api_statement.statement_check(text=statement(*FINE, HIKE))
    svg = result["chart_svg"]
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    assert "2025-03-01" in svg and "2025-03-14" in svg and "polyline" in svg
    assert [p["date"] for p in result["series"] if p["channel"] == "credit"] == [
        "2025-03-01",
        "2025-03-14",
    ]
    assert (
        api_statement.statement_check(text="金额,手续费,卡类型\n100,0.6,信用卡\n")["chart_svg"]
        == ""
    )
