"""Replies of the statement check: the keys and wording the page and the CLI read."""

from __future__ import annotations

import json

from calculator import api
from calculator.api import statement as api_statement
from tests.statement_values import HIKE, b64, checked, statement

FIELDS = [
    {"field": "time", "name": "交易时间"},
    {"field": "amount", "name": "交易金额"},
    {"field": "channel", "name": "支付方式（卡类型）"},
    {"field": "fee", "name": "手续费"},
    {"field": "settled", "name": "结算金额"},
    {"field": "merchant", "name": "商户名称"},
    {"field": "terminal", "name": "终端号"},
]


def test_unknown_headers_ask_for_a_mapping_with_a_preview() -> None:
    text = "A,B,C,D\n2025-03-01,信用卡,10000,60\n"
    result = api_statement.statement_check(text=text)
    assert result["need_mapping"] is True
    assert [c["samples"][:2] for c in result["columns"]][2] == ["C", "10000"]
    assert "交易金额" in result["message_zh"]


def test_mapping_form_word_for_word() -> None:
    result = api_statement.statement_check(text="交易金额,手续费,X\n1,2,3\n")
    assert result == {
        "need_mapping": True,
        "message_zh": "认不出这些列：支付方式（卡类型）。请指定每一列是什么。",
        "encoding": "text",
        "columns": [
            {"index": 0, "samples": ["交易金额", "1"]},
            {"index": 1, "samples": ["手续费", "2"]},
            {"index": 2, "samples": ["X", "3"]},
        ],
        "guess": {"amount": 0, "fee": 1},
        "fields": FIELDS,
        "delimiter": "comma",
    }


def test_mapping_form_shows_the_first_six_lines() -> None:
    text = "\t".join("ABCD") + "\n" + "".join(f"{n}\t信用卡\t100\t0.6\n" for n in range(9))
    result = api_statement.statement_open(text=text)
    assert result["delimiter"] == "tab"
    assert result["columns"][0] == {"index": 0, "samples": ["A", "0", "1", "2", "3", "4"]}


def test_result_keys_in_order() -> None:
    assert list(checked(HIKE)) == [
        "plan",
        "plan_name",
        "encoding",
        "delimiter",
        "columns",
        "channel_default",
        "rows",
        "checked",
        "flagged",
        "rejected",
        "adds_up",
        "overcharge",
        "undercharge",
        "channels",
        "patterns",
        "rate_changes",
        "series",
        "chart_svg",
        "flagged_rows",
        "rejected_rows",
        "rows_limited",
        "csv",
    ]


def test_a_flagged_row_word_for_word() -> None:
    assert checked(HIKE)["flagged_rows"] == [
        {
            "line": 2,
            "status": "flagged",
            "reason": "费率高于合同 + 每笔固定费用：按 2.99% + 每笔 3.00 元收取（合同 0.60%），"
            "多收 733.86 元",
            "pattern": "rate_and_fixed",
            "time": "2025-03-14 09:30:00",
            "channel": "credit",
            "channel_name": "信用卡（贷记卡）",
            "channel_short": "信用卡",
            "amount": "30,580.00",
            "fee": "917.34",
            "expected": "183.48",
            "difference": "733.86",
            "merchant": "小店",
            "terminal": "T1",
        }
    ]


def test_an_undercharge_shows_a_negative_difference() -> None:
    row = checked("2025-03-05,T1,信用卡,10000,50.00,,小店")["flagged_rows"][0]
    assert (row["pattern"], row["difference"]) == ("charged_less", "-10.00")


def test_headerless_columns_are_named_by_position() -> None:
    result = api_statement.statement_check(
        text="10000\t38\n", mapping={"amount": 0, "fee": 1, "channel_default": "wechat"}
    )
    assert {k: result[k] for k in ("plan", "plan_name", "delimiter", "channel_default")} == {
        "plan": "lakala-personal",
        "plan_name": "拉卡拉个人 POS",
        "delimiter": "tab",
        "channel_default": "wechat",
    }
    assert result["columns"] == {
        "amount": {"index": 0, "header": "第 1 列"},
        "fee": {"index": 1, "header": "第 2 列"},
    }


def test_call_json_round_trip() -> None:
    request = json.dumps(
        {"fn": "statement_check", "args": {"data": b64(statement(HIKE).encode("gbk"))}}
    )
    reply = json.loads(api.call_json(request))
    assert reply["overcharge"] == "733.86"
