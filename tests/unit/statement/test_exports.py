"""Real exports, hostile and realistic: each numbered defect of issue 13 that the
reading and the row loop own, and the layouts merchants' back-offices produce.

Every test here failed before the fix (run against the previous main)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from calculator.api import statement as api_statement
from calculator.core.plans import plan_from_dict
from calculator.statement import jobs
from calculator.statement.check import date_of
from calculator.statement.read import MAX_PREVIEW_COLUMNS, read_table
from tests.statement_values import counts


def check(text: str, **args: object) -> dict:
    return api_statement.statement_check(text=text, limit=1000, **args)


def by_line(result: dict) -> dict[int, tuple[str, str]]:
    """Line -> (status, reason) of every row that was not simply fine."""
    rows = result["flagged_rows"] + result["rejected_rows"] + result["skipped_rows"]
    return {r["line"]: (r["status"], r["reason"]) for r in rows}


# --- 1. an unmatched quote swallows every later row --------------------------


def test_1_an_open_quote_is_an_error_naming_its_line_and_later_rows_are_read() -> None:
    text = (
        "交易时间,卡类型,交易金额,手续费,备注\n"
        '2025-03-01,信用卡,1000.00,6.00,"老王烧烤\n'
        "2025-03-02,信用卡,1000.00,9.00,ok\n"
        "2025-03-03,借记卡,20000.00,100.00,ok\n"
    )
    result = check(text)
    assert counts(result) == (3, 0, 2, 1) and result["adds_up"]
    status, reason = by_line(result)[2]
    assert status == "rejected" and "引号没有配对" in reason and "另一笔交易" in reason


def test_1_a_quote_open_at_the_end_of_the_file_names_its_line() -> None:
    text = "交易时间,卡类型,交易金额,手续费,备注\n2025-03-01,信用卡,1000.00,6.00,ok\n"
    result = check(text + '2025-03-02,信用卡,1000.00,6.00,"老王烧烤\n')
    assert counts(result) == (2, 1, 0, 1)
    assert by_line(result) == {
        3: (
            "rejected",
            "这一行的引号没有配对（到文件末尾也没有闭合），这一行没有核对：请检查这一行",
        )
    }


def test_1_a_quoted_cell_may_span_lines_but_a_stray_quote_never_merges_rows() -> None:
    text = (
        "交易时间,卡类型,交易金额,手续费,备注\n"
        '2025-03-01,信用卡,1000.00,6.00,"两行\n的备注"\n'
        '2025-03-02,信用卡,1000.00,6.00,"王\n'
        '2025-03-03,信用卡,1000.00,6.00,李"四\n'
        "2025-03-04,信用卡,1000.00,9.00,ok\n"
    )
    result = check(text)
    assert result["rows"] == 4 and result["adds_up"]
    found = by_line(result)
    assert found[4][0] == "rejected" and "引号" in found[4][1]
    assert found[6][0] == "flagged"  # the line after the stray quote is still checked
    assert 5 not in found  # 李"四: a quote inside a cell is a character


# --- 2. one line rule for the header search and the rows ----------------------


@pytest.mark.parametrize(
    "text",
    [
        "商户交易明细\r导出时间 2025-03-31\n交易时间,卡类型,交易金额,手续费\n"
        "2025-03-01,信用卡,10000,60\n2025-03-02,信用卡,10000,60\n",
        "商户交易明细\v第一页\n交易时间,卡类型,交易金额,手续费\n"
        "2025-03-01,信用卡,10000,60\n2025-03-02,信用卡,10000,60\n",
        "交易时间,卡类型,交易金额,手续费\r2025-03-01,信用卡,10000,60\r2025-03-02,信用卡,10000,60\r",
    ],
    ids=["lone-cr-in-title", "vertical-tab-in-title", "cr-only-file"],
)
def test_2_header_and_rows_split_lines_the_same_way(text: str) -> None:
    result = check(text)
    assert counts(result) == (2, 2, 0, 0)
    assert result["columns"]["amount"]["header"] == "交易金额"


# --- 3. voids, reversals and pre-authorisations are not sales -------------------

KIND_HEADER = "交易时间,交易类型,卡类型,交易金额,手续费,结算金额\n"


def test_3_a_sale_and_its_void_report_no_overcharge() -> None:
    text = KIND_HEADER + (
        "2025-03-01 10:00,消费,信用卡,1000.00,6.00,994.00\n"
        "2025-03-01 10:05,消费撤销,信用卡,1000.00,1.00,-999.00\n"
    )
    result = check(text)
    assert counts(result) == (2, 1, 0, 0) and result["skipped"] == 1
    assert result["overcharge"] == "0.00"
    assert by_line(result)[3] == ("skipped", "撤销：对应第 2 行的消费，不按消费核对")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("冲正", "冲正（没找到对应的消费），不按消费核对"),
        ("预授权", "预授权只冻结额度、不扣手续费，预授权完成时才核对"),
        ("退货", "退货（退款）5,000.00 元，不按消费核对"),
        ("撤销", "撤销（没找到对应的消费），不按消费核对"),
        ("预授权撤销", "撤销（没找到对应的消费），不按消费核对"),
    ],
)
def test_3_each_kind_is_skipped_with_its_reason(kind: str, reason: str) -> None:
    text = KIND_HEADER + f"2025-03-01,{kind},信用卡,5000.00,30.00,4970.00\n"
    result = check(text)
    assert by_line(result) == {2: ("skipped", reason)}
    assert result["checked"] == result["flagged"] == result["rejected"] == 0


def test_3_pre_auth_completion_is_checked_and_refunds_are_reported_as_refunds() -> None:
    text = KIND_HEADER + (
        "2025-03-01,预授权完成,信用卡,5000.00,45.00,4955.00\n"
        "2025-03-02,退货,信用卡,-200.00,0,-200.00\n"
        "2025-03-03,退款,微信,100.00,0.38,99.62\n"
    )
    result = check(text)
    assert by_line(result)[2][0] == "flagged"
    assert result["refunds"] == {"rows": 2, "amount": "300.00"}
    assert any(n["code"] == "refunds" and "2 笔退货" in n["message_zh"] for n in result["notices"])


def test_3_an_unknown_transaction_type_is_rejected_not_checked() -> None:
    result = check(KIND_HEADER + "2025-03-01,调账,信用卡,5000.00,30.00,4970.00\n")
    assert by_line(result) == {2: ("rejected", "交易类型“调账”认不出，不知道是不是消费")}


# --- 4. separate date and time columns; the date cache; unreadable times ------


def test_4_separate_date_and_time_columns() -> None:
    text = "交易日期,交易时间,卡类型,交易金额,手续费\n2025-03-01,10:00:00,信用卡,10000,60\n"
    text += "2025-03-02,10:00:00,信用卡,10000,66\n"
    result = check(text)
    assert counts(result) == (2, 1, 1, 0)
    assert result["flagged_rows"][0]["time"] == "2025-03-02 10:00:00"
    assert [p["date"] for p in result["series"]] == ["2025-03-01", "2025-03-02"]


@pytest.mark.parametrize("order", [1, -1])
def test_4_a_date_never_depends_on_the_rows_before_it(order: int) -> None:
    rows = ["20250301,信用卡,10000,60", "20250301 10:00:00,信用卡,10000,60"][::order]
    result = check("交易时间,卡类型,交易金额,手续费\n" + "\n".join(rows) + "\n")
    assert counts(result) == (2, 2, 0, 0)
    assert [p["date"] for p in result["series"]] == ["2025-03-01"]
    assert not result["notices"]


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2025/3/1", "2025-03-01"),
        ("2025/3/1 9:05", "2025-03-01"),
        ("20250301", "2025-03-01"),
        ("20250301100000", "2025-03-01"),
        ("2025年3月1日 10:00", "2025-03-01"),
        ("3/1/2025", "2025-03-01"),  # month first: Excel in a US locale
        ("3/1/2025 10:00", "2025-03-01"),
        ("25/3/2025", "2025-03-25"),  # a first number above 12 can only be the day
        ("2025-02-30", None),
        ("10:00:00", None),
        ("202503011", None),
    ],
)
def test_4_date_forms(cell: str, date: str | None) -> None:
    assert date_of(cell) == date


# --- 5. a summary block above the detail table ---------------------------------


def test_5_a_summary_block_above_the_detail_is_not_the_header() -> None:
    text = (
        "商户对账单\n汇总信息\n交易笔数,交易金额,手续费\n2,20000.00,120.00\n\n交易明细\n"
        "交易时间,终端号,卡类型,交易金额,手续费,结算金额\n"
        "2025-03-01,T1,信用卡,10000.00,60.00,9940.00\n"
        "2025-03-02,T1,信用卡,10000.00,60.00,9940.00\n"
    )
    result = check(text)
    assert counts(result) == (2, 2, 0, 0)
    assert result["columns"]["channel"]["header"] == "卡类型"


# --- 6. subtotal and total rows, and the cross-check ---------------------------

TOTALS = (
    "交易时间,卡类型,交易金额,手续费\n"
    "2025-03-01,借记卡,20000.00,25.00\n"
    "2025-03-02,借记卡,10000.00,25.00\n"
    ",借记卡小计,30000.00,50.00\n"
    "2025-03-03,信用卡,10000.00,60.00\n"
)


def test_6_a_subtotal_with_a_channel_word_is_not_a_transaction() -> None:
    result = check(TOTALS)
    assert counts(result) == (4, 3, 0, 0) and result["skipped"] == 1
    assert by_line(result)[4] == (
        "skipped",
        "这是小计行（“借记卡小计”），不是一笔交易，不参与核对",
    )


def test_6_a_total_row_that_agrees_is_said_so() -> None:
    result = check(TOTALS + "合计,,40000.00,110.00\n")
    assert counts(result) == (5, 3, 0, 0)
    notice = result["notices"][0]
    assert notice["code"] == "total_agrees" and not notice["finding"]
    assert "与明细一致" in notice["message_zh"] and "110.00" in notice["message_zh"]


def test_6_a_total_row_found_in_any_column() -> None:
    result = check(TOTALS + "2025-03-31,总计：,40000.00,110.00\n")
    assert result["notices"][0]["code"] == "total_agrees"


def test_6_a_total_row_that_disagrees_is_a_finding() -> None:
    result = check(TOTALS + "合计,,50000.00,170.00\n")
    notice = result["notices"][0]
    assert notice["code"] == "total_disagrees" and notice["finding"] and notice["lines"] == [6]
    assert (
        "交易金额写的是 50,000.00 元，逐行相加是 40,000.00 元（相差 10,000.00 元）"
        in (notice["message_zh"])
    )


def test_6_totals_net_of_voids_agree_too() -> None:
    text = KIND_HEADER + (
        "2025-03-01,消费,信用卡,1000.00,6.00,994.00\n"
        "2025-03-01,消费,信用卡,500.00,3.00,497.00\n"
        "2025-03-01,撤销,信用卡,-500.00,-3.00,-497.00\n"
        "合计,,,1000.00,6.00,994.00\n"
    )
    result = check(text)
    assert result["notices"][0]["code"] == "total_agrees"


# --- 8. one very wide line ------------------------------------------------------


def test_8_the_mapping_preview_offers_a_bounded_number_of_columns() -> None:
    text = "1," * 200_000 + "\n" + "2," * 10 + "\n"
    result = api_statement.statement_open(text=text)
    assert result["need_mapping"] is True
    assert len(result["columns"]) == MAX_PREVIEW_COLUMNS
    assert result["columns_total"] == 200_001
    assert len(json.dumps(result, ensure_ascii=False)) < 20_000
    assert "只列出前" in result["message_zh"]


def test_8_a_line_past_the_limit_is_rejected_not_split() -> None:
    text = "交易时间,卡类型,交易金额,手续费\n" + "1," * 600_000 + "\n2025-03-01,信用卡,100,0.6\n"
    result = check(text)
    assert counts(result) == (2, 1, 0, 1)
    assert "这一行太长" in by_line(result)[2][1]


# --- layouts: separators, repeated headers, channels, signs --------------------


@pytest.mark.parametrize("separator", [";", "\t", ","])
def test_separators(separator: str) -> None:
    rows = ["交易时间,卡类型,交易金额,手续费", "2025-03-01,信用卡,10000.00,60.00"]
    result = check("\n".join(r.replace(",", separator) for r in rows) + "\n")
    assert counts(result) == (1, 1, 0, 0)
    assert result["delimiter"] == {";": "semicolon", "\t": "tab", ",": "comma"}[separator]


def test_a_header_repeated_after_a_page_break_is_skipped() -> None:
    header = "交易时间,卡类型,交易金额,手续费"
    text = "\n".join([header, "2025-03-01,信用卡,100,0.6", "", header, "2025-03-02,信用卡,100,0.6"])
    result = check(text + "\n")
    assert counts(result) == (3, 2, 0, 0)
    assert by_line(result) == {4: ("skipped", "表头重复（分页处），不是交易")}


@pytest.mark.parametrize(
    ("cell", "status", "word"),
    [
        ("WeChat Pay", "fine", ""),
        ("Alipay", "fine", ""),
        ("银联扫码", "fine", ""),
        ("扫码", "rejected", "扫码没写明"),
        ("银联闪付", "rejected", "闪付"),
        ("外卡", "rejected", "外卡"),
        ("银联卡", "rejected", "银联卡"),
    ],
)
def test_channel_words(cell: str, status: str, word: str) -> None:
    fee = "6.00" if "银联" in cell else "3.80"
    result = check(f"交易时间,卡类型,交易金额,手续费\n2025-03-01,{cell},1000.00,{fee}\n")
    found = by_line(result)
    if status == "fine":
        assert not found, found
    else:
        assert found[2][0] == status and word in found[2][1]


@pytest.mark.parametrize("card", ["", "--", "-"])
def test_a_blank_card_type_takes_the_wallet_from_the_payment_column(card: str) -> None:
    text = f"交易时间,卡类型,支付方式,交易金额,手续费\n2025-03-01,{card},微信支付,1000.00,3.80\n"
    text += f"2025-03-01,{card},支付宝,1000.00,3.80\n"
    result = check(text)
    assert counts(result) == (2, 2, 0, 0)
    assert [c["channel"] for c in result["channels"]] == ["wechat", "alipay"]


@pytest.mark.parametrize(
    ("fee", "status"),
    [
        ("-60.00", "fine"),
        ("60.00-", "fine"),
        ("(60.00)", "fine"),
        ("-0.00", "flagged"),
        ("60.", "fine"),
        ("-66", "flagged"),
    ],
)
def test_fee_signs(fee: str, status: str) -> None:
    result = check(f"交易时间,卡类型,交易金额,手续费\n2025-03-01,信用卡,10000.00,{fee}\n")
    assert (by_line(result).get(2, ("fine", ""))[0]) == status


@pytest.mark.parametrize("amount", ['"1,000.00"', "1000.", "1000", "¥1,000.00"])
def test_amount_forms(amount: str) -> None:
    result = check(f"交易时间,卡类型,交易金额,手续费\n2025-03-01,信用卡,{amount},6.00\n")
    assert counts(result) == (1, 1, 0, 0)


def test_a_trailing_minus_amount_is_a_refund() -> None:
    result = check('交易时间,卡类型,交易金额,手续费\n2025-03-01,信用卡,"1,000.00-",6.00\n')
    assert by_line(result) == {2: ("skipped", "退货（退款）1,000.00 元，不按消费核对")}


# --- a settled column instead of (or beside) a fee column -----------------------


def test_the_fee_is_derived_from_the_settled_column_when_there_is_no_fee_column() -> None:
    text = "交易时间,卡类型,交易金额,到账金额\n2025-03-01,信用卡,10000.00,9940.00\n"
    text += "2025-03-02,信用卡,10000.00,9900.00\n"
    result = check(text)
    assert counts(result) == (2, 1, 1, 0)
    assert result["flagged_rows"][0]["fee"] == "100.00"


def test_settled_above_amount_minus_fee_is_said() -> None:
    text = "交易时间,卡类型,交易金额,手续费,结算金额\n2025-03-01,信用卡,10000.00,60.00,9990.00\n"
    result = check(text)
    assert counts(result) == (1, 1, 0, 0)
    note = result["notices"][0]
    assert note["code"] == "settled_above" and note["lines"] == [2]


# --- the seam: an Excel grid feeds the same header search and row loop ----------


def test_rows_from_any_source_feed_the_same_loop() -> None:
    from calculator.statement.check import Checker
    from calculator.statement.read import table_from_records

    grid = [(1, ["对账单"]), (3, ["交易时间", "卡类型", "交易金额", "手续费"])]
    grid += [(4, ["2025-03-01", "信用卡", "10000", "66"]), (5, ["合计", "", "10000", "66"])]
    table = table_from_records(grid, "xlsx")
    checker = Checker(plan_from_dict({"channels": {"credit": {"rate_percent": "0.6"}}}), table)
    checker.step(checker.total)
    assert [(f.line, f.status) for f in checker.findings] == [(4, "flagged"), (5, "skipped")]


def test_two_custom_contracts_on_one_file_are_two_jobs() -> None:
    text = "交易时间,卡类型,交易金额,手续费\n2025-03-01,信用卡,10000,60\n"
    one = plan_from_dict({"channels": {"credit": {"rate_percent": "0.6"}}})
    two = plan_from_dict({"channels": {"credit": {"rate_percent": "0.5"}}})
    first, second = jobs.start_job(one, text), jobs.start_job(two, text)
    assert isinstance(first, jobs.Job) and isinstance(second, jobs.Job)
    assert first.id != second.id
    assert jobs.finish_job(first.id).plan is one


def test_read_table_keeps_line_numbers_with_cr_only_and_blank_lines() -> None:
    table = read_table("标题\r\r交易金额,手续费\r1,2\r\r3,4\r")
    assert [line for line, _cells in table.data] == [4, 6]
    assert Decimal(table.data[1][1][0]) == 3
