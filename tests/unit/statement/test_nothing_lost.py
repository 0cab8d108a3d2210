"""Nothing lost, nothing invented: a property over generated exports.

Each generated file mixes title lines, blank lines, fine and overcharged sales,
voids, refunds, subtotal and total rows, repeated headers, stray quotes and
rows cut short, with CR, LF or CRLF line ends. Whatever the mix, every data
line ends in exactly one pile (fine, flagged, rejected, skipped), with its own
line number, in the pile its content calls for; and the counts add up.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator.api import statement as api_statement

HEADER = "交易时间,交易类型,卡类型,交易金额,手续费,备注"
# (row text, the pile it must land in). The contract: credit 0.6%, debit 0.5% capped at 25.
ROWS = {
    "fine": ("2025-03-0{d},消费,信用卡,1000.00,6.00,ok", "fine"),
    "fine_debit": ("2025-03-0{d},消费,借记卡,10000.00,25.00,ok", "fine"),
    "over": ("2025-03-0{d},消费,信用卡,1000.00,9.00,ok", "flagged"),
    "void": ("2025-03-0{d},撤销,信用卡,1000.00,6.00,ok", "skipped"),
    "refund": ("2025-03-0{d},退货,信用卡,-50.00,0,ok", "skipped"),
    "preauth": ("2025-03-0{d},预授权,信用卡,500.00,0,ok", "skipped"),
    "subtotal": (",,借记卡小计,10000.00,25.00,", "skipped"),
    "total": ("合计,,,1.00,0.01,", "skipped"),
    "header": (HEADER, "skipped"),
    "stray_quote": ('2025-03-0{d},消费,信用卡,1000.00,6.00,"老王', "rejected"),
    "inner_quote": ('2025-03-0{d},消费,信用卡,1000.00,6.00,李"四', "fine"),
    # A quote ending a cell would close an earlier stray quote: rows must still not merge.
    "quote_end": ('2025-03-0{d},消费,信用卡,1000.00,6.00,好"', "fine"),
    "short": ("2025-03-0{d},消费,信用卡,1000.00", "rejected"),
    "bad_amount": ("2025-03-0{d},消费,信用卡,1.2.3,6.00,ok", "rejected"),
    "bad_time": ("昨天,消费,信用卡,1000.00,6.00,ok", "fine"),
    "foreign": ("2025-03-0{d},消费,外卡,1000.00,6.00,ok", "rejected"),
}
BLANKS = ("", ",,,,,", "  ")
TITLES = ("商户交易明细", "商户号：123456\v第 1 页", "导出时间：2025-04-01", "汇总,交易金额")


@st.composite
def exports(draw: st.DrawFn) -> tuple[str, dict[int, str]]:
    """A file's text, and the pile each data line must land in."""
    lines = draw(st.lists(st.sampled_from(TITLES), max_size=3))
    lines.append(HEADER)
    expected: dict[int, str] = {}
    kinds = draw(st.lists(st.sampled_from([*ROWS, "blank", "blank"]), min_size=1, max_size=40))
    for kind in kinds:
        if kind == "blank":
            lines.append(draw(st.sampled_from(BLANKS)))
            continue
        text, pile = ROWS[kind]
        lines.append(text.format(d=draw(st.integers(1, 9))))
        expected[len(lines)] = pile
    if not expected:  # a header with nothing under it is refused as a whole; not this test
        lines.append(ROWS["fine"][0].format(d=1))
        expected[len(lines)] = "fine"
    # The last stray quote has no line after it to close on: still one rejected row.
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(lines) + draw(st.sampled_from([end, ""])), expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_every_line_lands_in_exactly_one_pile(export: tuple[str, dict[int, str]]) -> None:
    text, expected = export
    result = api_statement.statement_check(text=text, limit=10_000)
    assert "error" not in result and "need_mapping" not in result, result
    named: dict[int, str] = {}
    for pile in ("flagged", "rejected", "skipped"):
        for row in result[f"{pile}_rows"]:
            assert row["line"] not in named, ("counted twice", row)
            assert row["reason"], row
            named[row["line"]] = pile
    got = {line: named.get(line, "fine") for line in expected}
    assert got == expected
    assert set(named) <= set(expected), "a finding on a line that is not a data row"
    assert result["rows"] == len(expected)
    piles = result["checked"] + result["flagged"] + result["rejected"] + result["skipped"]
    assert piles == result["rows"] and result["adds_up"]
