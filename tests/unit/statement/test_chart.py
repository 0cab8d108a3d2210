"""The rate chart: a self-contained SVG of charged and contract rates per day."""

from __future__ import annotations

from calculator.api import statement as api_statement
from tests.statement_values import FINE, HIKE, checked, statement


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


def test_one_day_of_a_channel_is_a_dot_and_every_channel_has_a_legend() -> None:
    svg = checked(*FINE)["chart_svg"]
    assert svg.count("<circle") == 6 and "<polyline" not in svg
    assert [name in svg for name in (">信用卡<", ">借记卡<", ">微信<", ">支付宝<")] == [
        True,
        True,
        True,
        False,
    ]


def test_charged_line_is_solid_and_contract_line_dashed() -> None:
    svg = checked(FINE[0], HIKE)["chart_svg"]
    # The axis tops at 3%: the contract's 0.60% sits 4/5 down the plot, 3.00% charged at the top.
    assert (
        '<polyline points="52.0,159.2 388.0,159.2" fill="none" stroke="#c62828" '
        'stroke-width="1" stroke-dasharray="4 3"/>'
    ) in svg
    assert (
        '<polyline points="52.0,159.2 388.0,12.0" fill="none" stroke="#c62828" stroke-width="2"/>'
    ) in svg


def test_points_sit_at_the_rates_the_table_shows() -> None:
    result = checked("2025-03-05,T1,微信,300,1.00,,小店")
    assert result["series"][0]["effective_rate"] == "0.333%"
    # 0.333% on an axis topped at 0.5%, not the unrounded 1/3 % (which would be y 73.3).
    assert '<circle cx="52.0" cy="73.5" r="3" fill="#2e7d32"/>' in result["chart_svg"]


def test_text_stays_readable_on_a_phone() -> None:
    # Drawn 400 wide with 16 px text: in a 324 px phone column the text is about 13 px.
    svg = checked(*FINE)["chart_svg"]
    assert 'viewBox="0 0 400 260"' in svg and 'font-size="16"' in svg


def test_the_dark_drawing_follows_the_dark_scheme() -> None:
    result = checked(FINE[0], HIKE)
    light, dark = result["chart_svg"], result["chart_svg_dark"]
    assert 'fill="#ffffff"' in light and 'fill="#333333"' in light
    assert "#ffffff" not in dark and "#333333" not in dark and "#c62828" not in dark
    assert 'fill="#1e2129"' in dark and 'fill="#e2e4e9"' in dark and "#ef9a9a" in dark
