"""Reading exports: encodings, delimiters, header names, channel words, mapping by hand."""

from __future__ import annotations

import pytest

from calculator import api
from calculator.api import statement as api_statement
from calculator.statement.read import HEADER_SEARCH_LINES, MAX_BYTES, MAX_ROWS, channel_of
from tests.statement_values import FINE, b64, counts, statement


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (statement(*FINE).encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + statement(*FINE).encode("utf-8"), "utf-8-sig"),
        (statement(*FINE).encode("gbk"), "gb18030"),
        (statement(*FINE).replace("\n", "\r\n").encode("gb18030"), "gb18030"),
    ],
    ids=["utf-8", "bom", "gbk", "gb18030-crlf"],
)
def test_file_encodings(encoded: bytes, encoding: str) -> None:
    result = api_statement.statement_check(data=b64(encoded))
    assert result["encoding"] == encoding
    assert counts(result) == (3, 3, 0, 0)
    assert result["columns"]["amount"]["header"] == "交易金额"


def test_pasted_tab_separated_text_from_a_spreadsheet() -> None:
    text = statement(*FINE).replace(",", "\t")
    result = api_statement.statement_check(text=text)
    assert result["delimiter"] == "tab"
    assert counts(result) == (3, 3, 0, 0)


def test_title_lines_above_the_header_are_skipped_and_lines_keep_their_numbers() -> None:
    text = "商户交易明细\n商户号：123\n\n" + statement(*FINE, "2025-03-04,T1,信用卡,abc,1,,小店")
    result = api_statement.statement_check(text=text)
    assert counts(result) == (4, 3, 0, 1)
    assert result["rejected_rows"][0]["line"] == 8


ALL_FIELDS = {"time", "terminal", "channel", "amount", "fee", "settled", "merchant"}


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        (
            "交易日期,终端编号,支付方式,金额,手续费,到账金额,商户名称",
            ALL_FIELDS - {"time"} | {"date"},
        ),
        # 交易类型 is the type; with no card-type column its cells are read for the channel too.
        (
            "交易时间,终端号,交易类型,交易金额（元）,手续费(元),入账金额,商户名",
            ALL_FIELDS | {"kind"},
        ),
        ("日期, 卡种 ,金额,手续费金额", {"date", "channel", "amount", "fee"}),
        ('"交易时间","卡类型","交易金额","手续费"', {"time", "channel", "amount", "fee"}),
    ],
)
def test_header_synonyms(header: str, fields: set[str]) -> None:
    cells = header.replace('"', "").split(",")
    row = {
        "日": "2025-03-01",
        "终": "T1",
        "支": "信用卡",
        "交易类": "贷记卡",
        "卡": "信用卡",
        "金": "10000",
        "交易金": "10000",
        "手": "60",
        "到": "9940",
        "入": "9940",
        "商": "小店",
        "交易时": "2025-03-01",
        "交易日": "2025-03-01",
    }

    def value(name: str) -> str:
        name = name.strip()
        for key in sorted(row, key=len, reverse=True):
            if name.startswith(key):
                return row[key]
        raise AssertionError(name)

    text = header + "\n" + ",".join(value(c) for c in cells) + "\n"
    result = api_statement.statement_check(text=text)
    assert "need_mapping" not in result, result
    assert counts(result) == (1, 1, 0, 0)
    assert set(result["columns"]) == fields


def test_card_type_beats_transaction_type() -> None:
    text = "交易类型,卡类型,金额,手续费\n消费,借记卡,10000,25\n"
    result = api_statement.statement_check(text=text)
    assert result["columns"]["channel"]["header"] == "卡类型"
    assert counts(result) == (1, 1, 0, 0)


@pytest.mark.parametrize(
    ("cell", "channel"),
    [
        ("信用卡", "credit"),
        ("贷记卡", "credit"),
        ("准贷记卡", "credit"),
        ("借记卡", "debit"),
        ("储蓄卡", "debit"),
        ("微信", "wechat"),
        ("微信支付", "wechat"),
        ("支付宝", "alipay"),
        ("云闪付", "unionpay_qr"),
        ("银联二维码", "unionpay_qr"),
        ("ＶＩＳＡ", None),
        ("", None),
    ],
)
def test_channel_words(cell: str, channel: str | None) -> None:
    assert channel_of(cell) == channel


def test_spreadsheet_wrapped_cells_are_read() -> None:
    text = statement('="2025-03-01 10:00",T1,信用卡,="10000.00",`60.00,,小店')
    assert counts(api_statement.statement_check(text=text)) == (1, 1, 0, 0)


def test_bad_base64_and_bad_bytes() -> None:
    assert api.safe_call("statement_check", data="***")["error"]["code"] == "bad_file"
    assert api.safe_call("statement_check", data=123)["error"]["code"] == "bad_file"


# ---------------------------------------------------------------- refused files

_NOT_TEXT = (
    "这个文件不是文字表格（可能是图片或其他格式）：请导出 Excel 或 CSV 格式的交易明细后再选择。"
)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (
            b"PK\x03\x04rest",
            "not_a_table",
            "这是压缩文件，不是交易明细：请选择 Excel（.xlsx、.xls）或 CSV 文件。",
        ),
        (
            b"\xd0\xcf\x11\xe0rest",
            "not_a_table",
            "这个 Office 文件不是 Excel 表格：请选择 Excel（.xlsx、.xls）或 CSV 文件。",
        ),
        (
            b"%PDF-1.4",
            "not_a_table",
            "这是 PDF 文件，无法核对：请从系统里导出 Excel 或 CSV 格式的交易明细。",
        ),
        (b"abc\x00def", "not_a_table", _NOT_TEXT),
        (bytes(range(1, 9)) * 100, "not_a_table", _NOT_TEXT),
        (
            bytes([0x81, 0x30, 0x81]) * 10,
            "bad_encoding",
            "文件编码认不出：请从系统里重新导出为 Excel 或 CSV（UTF-8 或 GBK），"
            "或把表格内容直接粘贴进来。",
        ),
        ("***", "bad_file", "文件没有读进来，请重新选择文件。"),
    ],
    ids=["zip", "office", "pdf", "nul", "controls", "gb18030", "base64"],
)
def test_files_that_are_not_statements_are_refused_in_chinese(
    data: bytes | str, code: str, message: str
) -> None:
    sent = data if isinstance(data, str) else b64(data)
    error = api.safe_call("statement_check", data=sent)["error"]
    assert error == {"code": code, "message_zh": message, "field": "file"}


def test_too_large_and_too_long_statements_ask_for_a_month_at_a_time() -> None:
    big = api.safe_call("statement_check", text="1" * (MAX_BYTES + 1))["error"]
    assert big == {
        "code": "file_too_large",
        "message_zh": "文件太大（超过 40 MB）：请按月分开导出后逐个核对。",
        "field": "file",
    }
    long = api.safe_call("statement_check", text="1\n" * (MAX_ROWS + HEADER_SEARCH_LINES + 1))
    assert long["error"] == {
        "code": "too_many_rows",
        "message_zh": "行数太多（超过 500,000 行）：请按月分开导出后逐个核对。",
        "field": "file",
    }


# ---------------------------------------------------------------- manual mapping


def test_manual_mapping_checks_the_rows() -> None:
    text = "A,B,C,D\n2025-03-01,信用卡,10000,60\n2025-03-02,信用卡,30580,917.34\n"
    mapping = {"time": 0, "channel": 1, "amount": 2, "fee": 3}
    result = api_statement.statement_check(text=text, mapping=mapping)
    assert counts(result) == (2, 1, 1, 0)
    assert result["flagged_rows"][0]["line"] == 3


def test_manual_mapping_without_header_and_with_one_channel() -> None:
    text = "10000\t38\n5000\t19\n"
    result = api_statement.statement_check(
        text=text, mapping={"amount": 0, "fee": 1, "channel_default": "wechat"}
    )
    assert counts(result) == (2, 2, 0, 0)
    assert result["channels"][0]["channel"] == "wechat"


def test_manual_mapping_takes_column_numbers_as_text_and_an_explicit_header() -> None:
    mapping = {"amount": "0", "fee": "1", "channel_default": "wechat", "header": True}
    result = api_statement.statement_check(text="10000\t38\n5000\t19\n", mapping=mapping)
    assert counts(result) == (1, 1, 0, 0)
    assert result["columns"]["amount"] == {"index": 0, "header": "10000"}
    assert result["channel_default"] == "wechat"


@pytest.mark.parametrize(
    "mapping",
    [
        {"amount": 0},
        {"amount": 0, "fee": 9, "channel": 1},
        {"amount": 0, "fee": 1},
        {"amount": 0, "fee": 1, "channel_default": "visa"},
        "amount=0",
    ],
)
def test_bad_mapping_is_a_chinese_error(mapping: object) -> None:
    result = api.safe_call("statement_check", text="1,2\n3,4\n", mapping=mapping)
    assert result["error"]["code"] == "bad_mapping"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result["error"]["message_zh"])


@pytest.mark.parametrize(
    ("mapping", "message", "field"),
    [
        (
            {"amount": 0},
            "请指定哪一列是“手续费”（或“结算金额”：用交易金额减去它得到手续费）。",
            "fee",
        ),
        ({"amount": 0, "fee": 9, "channel": 1}, "“手续费”对应的列不存在，请重新选择。", "fee"),
        ({"amount": True, "fee": 1}, "“交易金额”对应的列不存在，请重新选择。", "amount"),
        ({"amount": "-1", "fee": 1}, "“交易金额”对应的列不存在，请重新选择。", "amount"),
        (
            {"amount": 0, "fee": 1},
            "请指定哪一列是支付方式，或选择整份账单的支付方式。",
            "channel",
        ),
        (
            {"amount": 0, "fee": 1, "channel_default": "visa"},
            "默认支付方式不对，请从列表中选择。",
            "channel_default",
        ),
        ("amount=0", "列的对应关系格式不对，请重新选择。", "mapping"),
    ],
)
def test_bad_mapping_names_the_field(mapping: object, message: str, field: str) -> None:
    error = api.safe_call("statement_check", text="1,2\n3,4\n", mapping=mapping)["error"]
    assert error == {"code": "bad_mapping", "message_zh": message, "field": field}
