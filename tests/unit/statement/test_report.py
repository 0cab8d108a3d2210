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
        "contract": "0.6%",
    }


def test_contract_rates_as_the_plan_writes_them_never_an_effective_rate() -> None:
    # Debit at 0.5% capped at 25 yuan: 10,000 yuan pays 25.00, i.e. 0.25%; the table says the plan.
    channels = checked(FINE[1], "2025-03-02,T1,借记卡,3000.00,15.00,,小店")["channels"]
    assert channels[0]["contract"] == "0.5%，封顶 25.00 元"
    assert "expected_rate" not in channels[0]
    custom = {"channels": {"credit": {"rate_percent": "0.55", "fixed": "3"}}}
    channels = checked(FINE[0], custom=custom)["channels"]
    assert channels[0]["contract"] == "0.55% + 每笔加收 3.00 元"


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


# A credit card hike on 2025-03-14: 2.99% + 3 yuan a transaction from then on.
HIKED = [
    "2025-03-14 09:30:00,T1,信用卡,30580.00,917.34,,小店",
    "2025-03-15 09:30:00,T1,信用卡,1000.00,32.90,,小店",
    "2025-03-16 09:30:00,T1,信用卡,2000.00,62.80,,小店",
]
NORMAL_CREDIT = [
    f"2025-03-{day:02d} 10:00:00,T1,信用卡,10000.00,60.00,,小店" for day in range(1, 8)
]


def test_rate_change_names_the_day_and_the_rates_around_it() -> None:
    assert checked(*FINE, *HIKED)["rate_changes"] == [
        {
            "channel": "credit",
            "channel_name": "信用卡（贷记卡）",
            "date": "2025-03-14",
            "rate_before": "0.60%",
            "rate_after": "3.017%",
            "charged_as": "按 2.99% + 每笔 3.00 元",
        }
    ]


def test_one_outlier_among_seven_is_no_rate_change() -> None:
    # The case: one later row out of seven overcharged, the rest as the contract says.
    for where in range(7):
        rows = list(NORMAL_CREDIT)
        rows[where] = rows[where].replace(",60.00,", ",63.00,")
        result = checked(*rows)
        assert result["flagged"] == 1 and result["rate_changes"] == [], where


def test_a_hike_after_an_early_outlier_is_dated_by_the_hike() -> None:
    rows = list(NORMAL_CREDIT)
    rows[1] = rows[1].replace(",60.00,", ",63.00,")  # 2025-03-02, a one-off
    change = checked(*rows, *HIKED)["rate_changes"]
    assert [(c["channel"], c["date"]) for c in change] == [("credit", "2025-03-14")]


def test_two_rows_in_a_row_are_the_least_that_count_as_a_change() -> None:
    assert checked(*NORMAL_CREDIT, *HIKED[:1])["rate_changes"] == []
    change = checked(*NORMAL_CREDIT, *HIKED[:2])["rate_changes"]
    assert [c["date"] for c in change] == ["2025-03-14"]
    # A hike followed by as many rows back at the contract rate does not persist.
    back = [f"2025-03-{day},T1,信用卡,10000.00,60.00,,小店" for day in (20, 21)]
    assert checked(*NORMAL_CREDIT, *HIKED[:2], *back)["rate_changes"] == []


def test_rate_change_from_the_first_day_with_no_fitting_price() -> None:
    rows = ("2025-03-05,T1,信用卡,10000,61.37,,小店", "2025-03-06,T1,信用卡,10000,61.37,,小店")
    assert checked(*rows)["rate_changes"] == [
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
    assert result["csv"].split("\r\n\r\n")[0].count("\r\n") == 20


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
        "2025-03-05,信用卡（贷记卡）,10000.00,50.00,60.00,少收 10.00,小店,T1",
        "4,有问题,多收 1.37 元：实收 61.37 元，合同应收 60.00 元,"
        '2025-03-01 10:00,信用卡（贷记卡）,10000.00,61.37,60.00,1.37,"小店,二号",T1',
        "",
        "合计",
        "读到的交易行,3",
        "核对无误,0",
        "有问题,2",
        "无法核对,1",
        "核对的交易金额（元）,20000.00",
        "实收手续费（元）,111.37",
        "按合同应收（元）,120.00",
        "多收合计（元）,1.37",
        "少收合计（元）,10.00",
        "",
        "核对用的合同费率,拉卡拉个人 POS",
        "信用卡（贷记卡）,0.6%",
        "",
    ]


def test_csv_leaves_out_columns_no_row_fills() -> None:
    result = api_statement.statement_check(text="卡类型,交易金额,手续费\n信用卡,100,0.9\n")
    lines = result["csv"].lstrip("\ufeff").split("\r\n")
    assert lines[:2] == [
        "行号,结果,原因,支付方式,交易金额,实收手续费,按合同应收,差额",
        "2,有问题,费率高于合同：按 0.90% 收取（合同 0.60%），多收 0.30 元,"
        "信用卡（贷记卡）,100.00,0.90,0.60,0.30",
    ]
    assert "多收合计（元）,0.30" in lines
    # A statement with nothing to report still carries its totals and the rates used.
    fine = api_statement.statement_check(text=statement(*FINE))["csv"].lstrip("\ufeff")
    assert fine.startswith("行号,结果,原因\r\n\r\n合计\r\n读到的交易行,3\r\n")
    assert "借记卡（储蓄卡）,0.5%，封顶 25.00 元" in fine


def test_service_text_for_a_hike_names_rows_amounts_contract_and_date() -> None:
    text = checked(*FINE, *HIKED)["service_text"]
    assert text == (
        "您好，我核对了 POS 交易明细（2025-03-01 至 2025-03-16）：6 笔交易共 54,580.00 元，"
        "实际扣了手续费 1,101.84 元。按合同费率（信用卡 0.6%；借记卡 0.5%，封顶 25.00 元；"
        "微信 0.38%）应收 290.28 元。其中 3 笔多收，共多收 811.56 元（明细第 5、6、7 行）。"
        "信用卡从 2025-03-14 起多收，看起来是按 2.99% + 每笔 3.00 元收取。"
        "请帮我核实，并退还多收的手续费。"
    )


def test_service_text_when_all_is_well_or_only_undercharged() -> None:
    assert checked(*FINE)["service_text"].endswith("应收 88.80 元。每一笔都和合同一致。")
    assert checked(UNDER)["service_text"].endswith("没有多收；有 1 笔比合同少收。")
    many = ["2025-03-01,T1,信用卡,10000,63.00,,小店" for _ in range(12)]
    assert "（明细第 2、3、4、5、6、7、8、9、10、11 行等）" in checked(*many)["service_text"]
