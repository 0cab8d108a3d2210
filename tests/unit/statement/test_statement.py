"""Statement check (对账): reading exports, checking rows, findings, CSV and CLI."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import api
from calculator.api import statement as api_statement
from calculator.core.plans import load_plans, plan_from_dict
from calculator.fees.transaction import channel_rule, fee_breakdown
from calculator.statement.check import Checker
from calculator.statement.read import Table, channel_of
from calculator.statement.report import neutralise
from tests.statement_values import FINE, HEADER, HIKE, b64, counts, statement

# ------------------------------------------------------------------ reading


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
        ("交易日期,终端编号,支付方式,金额,手续费,到账金额,商户名称", ALL_FIELDS),
        ("交易时间,终端号,交易类型,交易金额（元）,手续费(元),入账金额,商户名", ALL_FIELDS),
        ("日期, 卡种 ,金额,手续费金额", {"time", "channel", "amount", "fee"}),
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


# ---------------------------------------------------------- manual mapping


def test_unknown_headers_ask_for_a_mapping_with_a_preview() -> None:
    text = "A,B,C,D\n2025-03-01,信用卡,10000,60\n"
    result = api_statement.statement_check(text=text)
    assert result["need_mapping"] is True
    assert [c["samples"][:2] for c in result["columns"]][2] == ["C", "10000"]
    assert "交易金额" in result["message_zh"]


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


# ------------------------------------------------------------ the checking


def test_reported_hike_is_flagged_with_the_right_overcharge_and_pattern() -> None:
    result = api_statement.statement_check(text=statement(*FINE, HIKE))
    assert counts(result) == (4, 3, 1, 0)
    row = result["flagged_rows"][0]
    assert (row["line"], row["amount"], row["fee"], row["expected"]) == (
        5,
        "30580.00",
        "917.34",
        "183.48",
    )
    assert row["difference"] == "733.86" and result["overcharge"] == "733.86"
    assert row["pattern"] == "rate_and_fixed"
    assert "2.99%" in row["reason"] and "3.00 元" in row["reason"]
    change = result["rate_changes"][0]
    assert (change["channel"], change["date"]) == ("credit", "2025-03-14")
    assert change["rate_before"] == "0.60%" and change["charged_as"] == "按 2.99% + 每笔 3.00 元"


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


def test_one_fen_is_rounding_not_a_finding() -> None:
    result = api_statement.statement_check(text=statement("2025-03-05,T1,信用卡,10000,60.01,,小店"))
    assert counts(result) == (1, 1, 0, 0)


def test_malformed_rows_are_rejected_with_line_and_reason_and_never_stop_the_rest() -> None:
    rows = [
        FINE[0],
        "2025-03-02,T1,信用卡,,60,,小店",  # line 3: no amount
        "2025-03-02,T1,信用卡,10000",  # line 4: row cut short
        "2025-03-02,T1,信用卡,12.345,1,,小店",  # line 5: bad amount
        "2025-03-02,T1,visa,10000,60,,小店",  # line 6: unknown channel
        "2025-02-30,T1,信用卡,10000,60,,小店",  # line 7: impossible date
        "2025-03-02,T1,信用卡,-100,1,,小店",  # line 8: refund
        "2025-03-02,T1,信用卡,100,abc,,小店",  # line 9: bad fee
        FINE[1],
        HIKE,
        "合计,,,,,,",  # line 12: total line
    ]
    result = api_statement.statement_check(text=statement(*rows))
    assert counts(result) == (11, 2, 1, 8)
    reasons = {r["line"]: r["reason"] for r in result["rejected_rows"]}
    assert "缺少交易金额" in reasons[3]
    assert "缺少手续费" in reasons[4]
    assert "交易金额“12.345”" in reasons[5] and "两位小数" in reasons[5]
    assert "visa" in reasons[6] and "认不出" in reasons[6]
    assert "2025-02-30" in reasons[7]
    assert "负数" in reasons[8]
    assert "手续费“abc”" in reasons[9]
    assert "合计" in reasons[12]
    assert result["flagged_rows"][0]["line"] == 11


def test_channel_missing_from_plan_is_rejected() -> None:
    custom = {"channels": {"credit": {"rate_percent": D("0.6")}}}
    result = api_statement.statement_check(text=statement(*FINE), custom=custom)
    assert counts(result) == (3, 1, 0, 2)
    assert "没有借记卡的费率" in result["rejected_rows"][0]["reason"]


def test_own_contract_rates() -> None:
    custom = {"channels": {"credit": {"rate_percent": D("2.99"), "fixed": 3}}}
    result = api_statement.statement_check(text=statement(HIKE), custom=custom)
    assert counts(result) == (1, 1, 0, 0)
    bad = api.safe_call("statement_check", text=statement(HIKE), custom={"channels": {}})
    assert bad["error"]["code"] == "bad_custom_plan"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["信用卡", "借记卡", "微信", "支付宝", "云闪付", "visa", ""]),
            st.one_of(
                st.integers(1, 10**9).map(lambda f: f"{f // 100}.{f % 100:02d}"),
                st.sampled_from(["", "abc", "1.2.3", "-5", "0", "1万"]),
            ),
            st.one_of(
                st.integers(0, 10**6).map(lambda f: f"{f // 100}.{f % 100:02d}"),
                st.sampled_from(["", "x", "-1"]),
            ),
            st.sampled_from(["2025-03-01", "2025/3/2 10:00", "20250303", "bad", ""]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_counts_always_add_up(rows: list[tuple[str, str, str, str]]) -> None:
    text = statement(*(f'{t},T1,{c},"{a}",{f},,小店' for c, a, f, t in rows))
    result = api_statement.statement_check(text=text)
    assert result["rows"] == len(rows)
    assert result["checked"] + result["flagged"] + result["rejected"] == len(rows)
    assert result["adds_up"] is True
    lines = [r["line"] for r in result["flagged_rows"] + result["rejected_rows"]]
    assert len(set(lines)) == len(lines) == result["flagged"] + result["rejected"]


def test_quick_fee_matches_fee_breakdown() -> None:
    """The hot loop's own fee formula must equal fees.fee_breakdown everywhere."""
    rng = random.Random(6)
    plans = list(load_plans().values()) + [
        plan_from_dict(
            {
                "channels": {
                    "credit": {"rate_percent": D("0.63"), "fixed": 3, "min": D("0.5")},
                    "debit": {"rate_percent": D("0.5"), "cap": 25, "min": D("0.1")},
                    "unionpay_qr": {
                        "bands": [
                            {"up_to": 1000, "rate_percent": D("0.38")},
                            {"up_to": 5000, "rate_percent": D("0.6"), "cap": 20, "fixed": 1},
                            {"rate_percent": D("0.6")},
                        ]
                    },
                }
            }
        )
    ]
    table = Table("text", ",", [])
    amounts = [Decimal(rng.randint(1, 10**10)) / 100 for _ in range(2000)]
    amounts += [Decimal(x) for x in ("0.01", "1", "1000", "1000.01", "5000", "5000.01", "4166.67")]
    # Every fen up to 30 yuan: hits the exact half-fen cases where rounding modes differ.
    amounts += [Decimal(fen) / 100 for fen in range(1, 3001)]
    for plan in plans:
        checker = Checker(plan, table)
        for channel in plan.channels:
            quick = checker._quick_fee(channel)
            rule = channel_rule(plan, channel)
            for amount in amounts:
                assert quick(amount) == fee_breakdown(rule, amount).fee, (plan.id, channel, amount)


def test_chunked_steps_give_the_same_result_as_one_call() -> None:
    text = statement(*(FINE * 50), HIKE, "x,T1,信用卡,1,1,,")
    whole = api_statement.statement_check(text=text)
    opened = api_statement.statement_open(text=text)
    assert opened["total"] == 152 and opened["done"] == 0
    step = api_statement.statement_step(job=opened["job"], count=40)
    assert step["done"] == 40
    assert api_statement.statement_result(job=opened["job"]) == whole
    gone = api.safe_call("statement_result", job=opened["job"])
    assert gone["error"]["code"] == "unknown_job"


def test_limit_keeps_the_biggest_overcharges_and_csv_keeps_everything() -> None:
    rows = [f"2025-03-01,T1,信用卡,{1000 + i},{(1000 + i) * 0.03:.2f},,小店" for i in range(20)]
    result = api_statement.statement_check(text=statement(*rows), limit=5)
    assert result["flagged"] == 20 and len(result["flagged_rows"]) == 5
    assert result["rows_limited"] is True
    assert [r["amount"] for r in result["flagged_rows"]][-1] == "1019.00"
    assert result["csv"].count("\r\n") == 21


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_statement"),
        ("  \n\n", "empty_statement"),
        (HEADER + "\n", "no_rows"),
    ],
)
def test_nothing_to_check_is_an_error(text: str, code: str) -> None:
    assert api.safe_call("statement_check", text=text)["error"]["code"] == code


def test_bad_base64_and_bad_bytes() -> None:
    assert api.safe_call("statement_check", data="***")["error"]["code"] == "bad_file"
    assert api.safe_call("statement_check", data=123)["error"]["code"] == "bad_file"


# ------------------------------------------------------------------- output


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


def test_call_json_round_trip() -> None:
    request = json.dumps(
        {"fn": "statement_check", "args": {"data": b64(statement(HIKE).encode("gbk"))}}
    )
    reply = json.loads(api.call_json(request))
    assert reply["overcharge"] == "733.86"


# ---------------------------------------------------------------------- CLI
