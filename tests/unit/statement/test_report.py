"""The summaries of a checked statement: totals, patterns, rate changes, series, limit, CSV."""

from __future__ import annotations

import pytest

from calculator.api import statement as api_statement
from calculator.statement.report import neutralise
from tests.statement_values import FINE, HIKE, checked, statement

UNDER = "2025-03-05,T1,信用卡,10000,50.00,,小店"


def test_channel_totals_in_the_usual_channel_order() -> None:
    channels = checked(FINE[2], FINE[1], HIKE, FINE[0])["channels"]
    assert [c["channel"] for c in channels] == ["credit", "debit", "wechat"]
    assert channels[0] == {
        "channel": "credit",
        "channel_name": "信用卡（贷记卡）",
        "channel_short": "信用卡",
        "rows": 2,
        "flagged": 1,
        "amount": "40,580.00",
        "fee": "977.34",
        "expected": "243.48",
        "overcharge": "733.86",
        "effective_rate": "2.408%",
        "expected_rate": "0.60%",
    }


def test_undated_rows_count_in_the_totals_but_not_in_the_series() -> None:
    result = api_statement.statement_check(
        text="卡类型,交易金额,手续费\n信用卡,100,0.6\n信用卡,100,0.9\n"
    )
    credit = result["channels"][0]
    assert (credit["rows"], credit["flagged"], credit["overcharge"]) == (2, 1, "0.30")
    assert result["series"] == [] and result["rate_changes"] == []


def test_patterns_most_frequent_first_with_label_and_sum() -> None:
    result = checked(
        "2025-03-06,T1,借记卡,10000,60.00,,小店", UNDER, "2025-03-06,T1,信用卡,10000,50.00,,小店"
    )
    assert result["patterns"] == [
        {
            "pattern": "charged_less",
            "label": "收费低于合同（少收）",
            "rows": 2,
            "difference": "-20.00",
        },
        {
            "pattern": "rate_above_contract",
            "label": "费率高于合同",
            "rows": 1,
            "difference": "35.00",
        },
    ]
    assert (result["overcharge"], result["undercharge"]) == ("35.00", "20.00")


def test_an_undercharge_is_no_rate_change() -> None:
    result = checked(*FINE, UNDER)
    assert (result["overcharge"], result["undercharge"]) == ("0.00", "10.00")
    assert result["rate_changes"] == []


def test_rate_change_names_the_day_and_the_rates_around_it() -> None:
    assert checked(*FINE, HIKE)["rate_changes"] == [
        {
            "channel": "credit",
            "channel_name": "信用卡（贷记卡）",
            "date": "2025-03-14",
            "rate_before": "0.60%",
            "rate_after": "3.00%",
            "charged_as": "按 2.99% + 每笔 3.00 元",
        }
    ]


def test_rate_change_from_the_first_day_with_no_fitting_price() -> None:
    assert checked("2025-03-05,T1,信用卡,10000,61.37,,小店")["rate_changes"] == [
        {
            "channel": "credit",
            "channel_name": "信用卡（贷记卡）",
            "date": "2025-03-05",
            "rate_before": None,
            "rate_after": "0.614%",
            "charged_as": "",
        }
    ]


def test_series_by_day_then_channel() -> None:
    same_day = (
        "2025-03-03 11:00,T1,支付宝,1000,3.80,,小店",
        "2025-03-03 12:00,T1,云闪付,100,0.60,,小店",
    )
    series = checked(HIKE, *same_day, *FINE)["series"]
    assert [(p["date"], p["channel"]) for p in series] == [
        ("2025-03-01", "credit"),
        ("2025-03-02", "debit"),
        ("2025-03-03", "wechat"),
        ("2025-03-03", "alipay"),
        ("2025-03-03", "unionpay_qr"),
        ("2025-03-14", "credit"),
    ]
    assert series[-1] == {
        "date": "2025-03-14",
        "channel": "credit",
        "amount": "30,580.00",
        "fee": "917.34",
        "expected": "183.48",
        "effective_rate": "3.00%",
        "expected_rate": "0.60%",
        "flagged": 1,
    }


def test_limit_keeps_the_biggest_overcharges_and_csv_keeps_everything() -> None:
    rows = [f"2025-03-01,T1,信用卡,{1000 + i},{(1000 + i) * 0.03:.2f},,小店" for i in range(20)]
    result = api_statement.statement_check(text=statement(*rows), limit=5)
    assert result["flagged"] == 20 and len(result["flagged_rows"]) == 5
    assert result["rows_limited"] is True
    assert [r["amount"] for r in result["flagged_rows"]][-1] == "1,019.00"
    assert result["csv"].count("\r\n") == 21


@pytest.mark.parametrize(
    ("limit", "lines", "limited"),
    [(None, [2, 3, 4, 5], False), (2, [2, 3], True), (0, [], True), (True, [2, 3, 4, 5], False)],
)
def test_limit_keeps_the_first_rejected_rows(
    limit: object, lines: list[int], limited: bool
) -> None:
    rows = [f"2025-03-0{day},T1,visa,1,1,,小店" for day in range(1, 5)]
    result = checked(*rows, limit=limit)
    assert [r["line"] for r in result["rejected_rows"]] == lines
    assert result["rows_limited"] is limited and result["rejected"] == 4


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


def test_csv_lines_word_for_word() -> None:
    rows = [
        "2025-03-05,T9,visa,1,1,,小店",
        UNDER,
        '2025-03-01 10:00,T1,信用卡,10000,61.37,,"小店,二号"',
    ]
    assert checked(*rows)["csv"].split("\r\n") == [
        "\ufeff行号,结果,原因,交易时间,支付方式,交易金额,实收手续费,按合同应收,差额,商户名称,终端号",
        "2,无法核对,支付方式“visa”认不出（应为信用卡、借记卡、微信、支付宝或云闪付）,"
        "2025-03-05,visa,1,1,,,小店,T9",
        "3,有问题,比合同少收 10.00 元（合同应收 60.00 元）,"
        '2025-03-05,信用卡（贷记卡）,"10,000.00",50.00,60.00,少收 10.00,小店,T1',
        "4,有问题,多收 1.37 元：实收 61.37 元，合同应收 60.00 元,"
        '2025-03-01 10:00,信用卡（贷记卡）,"10,000.00",61.37,60.00,1.37,"小店,二号",T1',
        "",
    ]
