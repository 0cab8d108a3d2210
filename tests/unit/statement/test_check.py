"""The row loop: every row fine, flagged or rejected with its line and reason."""

from __future__ import annotations

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
from calculator.statement.check import contract_fee
from tests.statement_values import FINE, HIKE, checked, counts, statement, under


def findings(result: dict) -> dict[int, str]:
    """Line and reason of every flagged or rejected row; the rows not named were fine."""
    return {r["line"]: r["reason"] for r in result["flagged_rows"] + result["rejected_rows"]}


def test_reported_hike_is_flagged_with_the_right_overcharge_and_pattern() -> None:
    result = api_statement.statement_check(text=statement(*FINE, HIKE))
    assert counts(result) == (4, 3, 1, 0)
    row = result["flagged_rows"][0]
    assert (row["line"], row["amount"], row["fee"], row["expected"]) == (
        5,
        "30,580.00",
        "917.34",
        "183.48",
    )
    assert row["difference"] == "733.86" and result["overcharge"] == "733.86"
    assert row["pattern"] == "rate_and_fixed"
    assert "2.99%" in row["reason"] and "3.00 元" in row["reason"]
    # One hiked row is a finding of its own; a rate change needs rows that follow it.
    assert result["rate_changes"] == []


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
    assert counts(result) == (11, 3, 1, 5)
    assert result["skipped"] == 2 and result["adds_up"]
    reasons = {r["line"]: r["reason"] for r in result["rejected_rows"]}
    assert "缺少交易金额" in reasons[3]
    assert "缺少手续费" in reasons[4]
    assert "交易金额“12.345”" in reasons[5] and "两位小数" in reasons[5]
    assert "visa" in reasons[6] and "认不出" in reasons[6]
    assert "手续费“abc”" in reasons[9]
    skipped = {r["line"]: r["reason"] for r in result["skipped_rows"]}
    assert "退货" in skipped[8] and "合计" in skipped[12]
    # An impossible date does not cost the fee check: line 7 is checked, and named in a note.
    assert 7 not in reasons and 7 not in skipped
    note = next(n for n in result["notices"] if n["code"] == "unreadable_time")
    assert note["lines"] == [7]
    assert result["flagged_rows"][0]["line"] == 11


_UNREADABLE = "金额格式不对，请只输入数字，例如 10000、1.5万 或 ¥10,000.50。"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2025-03-02,T1,信用卡,,60,,小店", "缺少交易金额"),
        ("2025-03-02,T1,信用卡,10000", "缺少手续费"),
        ("2025-03-02,T1,信用卡", "缺少交易金额、手续费"),
        ("2025-03-02,T1,,100,0.6,,小店", "缺少支付方式（卡类型）"),
        (
            "2025-03-02,T1,信用卡,12.345,1,,小店",
            "交易金额“12.345”看不懂：金额最多保留两位小数（到分）。",
        ),
        ("2025-03-02,T1,信用卡,0,0,,小店", "交易金额是 0"),
        ("2025-03-02,T1,信用卡,100,abc,,小店", f"手续费“abc”看不懂：{_UNREADABLE}"),
        ("2025-03-02,T1,信用卡,100,0.6,x,小店", f"结算金额“x”看不懂：{_UNREADABLE}"),
        (
            "2025-03-02,T1,visa,10000,60,,小店",
            "支付方式“visa”认不出（应为信用卡、借记卡、微信、支付宝或云闪付）",
        ),
        ("2025-03-02,T1,信用卡,100,200,,小店", "手续费比交易金额还大，请检查这一行的列是否错位"),
    ],
)
def test_rejection_reasons_word_for_word(row: str, reason: str) -> None:
    # The fine row after the rejected one is still checked.
    result = checked(row, FINE[0])
    assert counts(result) == (2, 1, 0, 1)
    assert findings(result) == {2: reason}


_REFUND = "退货（退款）100.00 元，不按消费核对"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2025-03-02,T1,信用卡,-100,1,,小店", _REFUND),
        ("2025-03-02,T1,信用卡,'-100,1,,小店", _REFUND),
        ('2025-03-02,T1,信用卡,="-100",1,,小店', _REFUND),
        ("2025-03-02,T1,信用卡,−100,1,,小店", _REFUND),
        ("2025-03-02,T1,信用卡,－100,1,,小店", _REFUND),
        ("2025-03-02,T1,信用卡,100.00-,1,,小店", _REFUND),
        ("合计,,,,,,", "这是合计行（“合计”），不是一笔交易，不参与核对"),
        ("总计,,,,,,", "这是总计行（“总计”），不是一笔交易，不参与核对"),
        ("本页小计,,,,,,", "这是小计行（“本页小计”），不是一笔交易，不参与核对"),
        (
            "2025-03-02,T1,借记卡小计,30000.00,75.00,,",
            "这是小计行（“借记卡小计”），不是一笔交易，不参与核对",
        ),
        (
            "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称",
            "表头重复（分页处），不是交易",
        ),
    ],
)
def test_rows_that_are_not_sales_are_skipped_word_for_word(row: str, reason: str) -> None:
    result = checked(row, FINE[0])
    assert counts(result) == (2, 1, 0, 0) and result["skipped"] == 1 and result["adds_up"]
    assert {r["line"]: r["reason"] for r in result["skipped_rows"]} == {2: reason}


@pytest.mark.parametrize("time", ["", "bad", "2025-02-30", "25:61"])
def test_a_blank_or_unreadable_time_never_costs_the_fee_check(time: str) -> None:
    result = checked(f"{time},T1,信用卡,10000,66,,小店", FINE[0])
    assert counts(result) == (2, 1, 1, 0)
    assert result["flagged_rows"][0]["line"] == 2
    noted = [n["lines"] for n in result["notices"] if n["code"] == "unreadable_time"]
    assert noted == ([[2]] if time else [])


def test_a_rejected_row_keeps_its_cells_as_written() -> None:
    row = checked('2025-03-02,T9,visa,="10000",`60,,小店')["rejected_rows"][0]
    assert {k: row[k] for k in ("time", "channel", "amount", "fee", "merchant", "terminal")} == {
        "time": "2025-03-02",
        "channel": "visa",
        "amount": "10000",
        "fee": "60",
        "merchant": "小店",
        "terminal": "T9",
    }
    assert (row["pattern"], row["expected"], row["difference"]) == ("", "", "")


def test_a_flagged_row_names_its_time_channel_shop_and_terminal() -> None:
    row = checked(HIKE)["flagged_rows"][0]
    assert {k: row[k] for k in ("time", "channel", "merchant", "terminal")} == {
        "time": "2025-03-14 09:30:00",
        "channel": "credit",
        "merchant": "小店",
        "terminal": "T1",
    }


_MINIMUM = {"channels": {"credit": {"rate_percent": D("0.63"), "fixed": 3, "min": D("0.5")}}}


@pytest.mark.parametrize(
    ("contract", "cells", "fee"),
    [
        ("lakala-personal", "信用卡,10000.00", "60.00"),
        ("lakala-personal", "借记卡,4997.00", "24.99"),  # 24.985, half up to the fen
        ("lakala-personal", "借记卡,5000.00", "25.00"),  # the percentage is the cap
        ("lakala-personal", "借记卡,50000.00", "25.00"),  # capped
        ("example-qr-bands", "云闪付,1000.00", "3.80"),  # the last fen of the first band
        ("example-qr-bands", "云闪付,1000.01", "5.50"),  # the first fen of the next band
        ("example-d0-addon", "信用卡,10000.00", "63.00"),  # 0.6% and then 3 yuan
        ("example-d0-addon", "借记卡,50000.00", "25.00"),  # the add-on is on credit only
        (_MINIMUM, "信用卡,50.00", "3.50"),  # 0.315 raised to the 0.50 minimum, then 3 yuan
        (_MINIMUM, "信用卡,1000.00", "9.30"),
    ],
)
def test_contract_fee_to_the_fen_and_one_fen_either_way(
    contract: str | dict, cells: str, fee: str
) -> None:
    charged = [D(fee) + D(fen) / 100 for fen in (-2, -1, 0, 1, 2)]
    rows = [f"2025-03-05,T1,{cells},{c},,小店" for c in charged]
    result = checked(*rows, **under(contract))
    assert counts(result) == (5, 3, 2, 0)
    flagged = [(r["line"], r["expected"], r["difference"]) for r in result["flagged_rows"]]
    assert flagged == [(2, fee, "-0.02"), (6, fee, "0.02")]
    assert (result["overcharge"], result["undercharge"]) == ("0.02", "0.02")


def test_a_fee_is_never_above_the_amount() -> None:
    # 0.6% + 3 yuan of a 3-yuan sale is 3.02: the contract takes the 3 yuan, no more.
    rows = [f"2025-03-05,T1,信用卡,3.00,{fee},,小店" for fee in ("3.00", "2.00", "3.01")]
    assert findings(checked(*rows, plan="example-d0-addon")) == {
        3: "比合同少收 1.00 元（合同应收 3.00 元）",
        4: "手续费比交易金额还大，请检查这一行的列是否错位",
    }


def test_sums_per_channel_and_day() -> None:
    rows = [
        "2025-03-01,T1,信用卡,10000,60.00,,小店",
        "2025-03-01,T1,信用卡,10000,60.50,,小店",  # 0.50 over
        "2025-03-01,T1,信用卡,10000,60.30,,小店",  # 0.30 over
        "2025-03-02,T1,信用卡,20000,119.00,,小店",  # 1.00 under
        "2025-03-02,T1,信用卡,1000,5.00,,小店",  # 1.00 under
        "2025-03-02,T1,借记卡,50000,25.00,,小店",
    ]
    result = checked(*rows)
    assert (result["overcharge"], result["undercharge"]) == ("0.80", "2.00")
    keys = ("rows", "flagged", "amount", "fee", "expected", "overcharge")
    assert [tuple(c[k] for k in keys) for c in result["channels"]] == [
        (5, 4, "51,000.00", "304.80", "306.00", "0.80"),
        (1, 0, "50,000.00", "25.00", "25.00", "0.00"),
    ]
    keys = ("date", "channel", "amount", "fee", "expected", "flagged")
    assert [tuple(p[k] for k in keys) for p in result["series"]] == [
        ("2025-03-01", "credit", "30,000.00", "180.80", "180.00", 2),
        ("2025-03-02", "credit", "21,000.00", "124.00", "126.00", 2),
        ("2025-03-02", "debit", "50,000.00", "25.00", "25.00", 0),
    ]


@pytest.mark.parametrize(
    ("header", "rows", "found"),
    [
        (
            "卡类型,交易金额,手续费,交易时间,结算金额",
            [
                "信用卡,10000,60,2025-03-01,9940",
                ",10000,60,2025-03-01,9940",
                "信用卡,10000,60,2025-03-01",
                "信用卡,10000,60",
                "信用卡,10000",
            ],
            # Rows without a time are still checked (lines 5 and 6 lack only the time).
            {3: "缺少支付方式（卡类型）", 6: "缺少手续费"},
        ),
        (
            "交易时间,交易金额,手续费,卡类型",
            ["2025-03-01,10000,60,信用卡", "2025-03-01,10000,60"],
            {3: "缺少支付方式（卡类型）"},
        ),
        (
            "交易时间,卡类型,手续费,交易金额",
            ["2025-03-01,信用卡,60,10000", "2025-03-01,信用卡,60"],
            {3: "缺少交易金额"},
        ),
        (
            "结算金额,交易时间,卡类型,交易金额,手续费",
            ["9940,2025-03-01,信用卡,10000,60", "9930,2025-03-01,信用卡,10000,60"],
            {3: "到账金额比“金额 − 手续费”少 10.00 元，合计扣了 70.00 元，合同应扣 60.00 元"},
        ),
        (
            "交易金额,卡类型,手续费",
            ["10000,信用卡,60", "10000,信用卡,78"],
            {3: "费率高于合同：按 0.78% 收取（合同 0.60%），多收 18.00 元"},
        ),
    ],
    ids=["channel-first", "channel-last", "amount-last", "settled-first", "no-time"],
)
def test_columns_in_any_order_and_rows_cut_short(
    header: str, rows: list[str], found: dict[int, str]
) -> None:
    result = api_statement.statement_check(text=statement(*rows, header=header))
    assert result["rows"] == len(rows)
    assert findings(result) == found
    # No shop or terminal column: no shop or terminal named.
    shown = result["flagged_rows"] + result["rejected_rows"]
    assert {(r["merchant"], r["terminal"]) for r in shown} == {("", "")}


def test_a_one_channel_export_with_only_amount_and_fee() -> None:
    mapping = {"amount": 0, "fee": 1, "channel_default": "credit"}
    result = api_statement.statement_check(
        text="金额,手续费\n10000,60\n10000,78\n", mapping=mapping
    )
    assert counts(result) == (2, 1, 1, 0)
    row = result["flagged_rows"][0]
    assert {k: row[k] for k in ("line", "channel", "time", "merchant", "terminal")} == {
        "line": 3,
        "channel": "credit",
        "time": "",
        "merchant": "",
        "terminal": "",
    }
    assert result["channels"][0]["amount"] == "20,000.00"
    # Undated rows count in the sums but have no day on the chart or in a rate change.
    assert result["series"] == [] and result["rate_changes"] == []


def test_the_chosen_channel_fills_empty_channel_cells() -> None:
    rows = ("2025-03-01,,10000,60", "2025-03-01,借记卡,10000,25", "2025-03-01,,,60")
    text = statement(*rows, header="日期,卡类型,金额,手续费")
    mapping = {"time": 0, "channel": 1, "amount": 2, "fee": 3, "channel_default": "credit"}
    result = api_statement.statement_check(text=text, mapping=mapping)
    assert counts(result) == (3, 2, 0, 1)
    assert findings(result) == {4: "缺少交易金额"}


def test_cells_written_the_way_spreadsheets_write_them() -> None:
    # A 5-jiao sale costs nothing at 0.6%; the fee cell says so with a yuan sign.
    assert counts(checked("2025-03-01,T1,信用卡,0.50,￥0.00,,小店")) == (1, 1, 0, 0)
    # A settlement written ¥0.00 reads as the plain 0 does.
    written, plain = (
        checked(f"2025-03-01,T1,信用卡,100,0.60,{settled},小店")["flagged_rows"]
        for settled in ("¥0.00", "0")
    )
    assert written == plain and written[0]["difference"] == "99.40"


@pytest.mark.parametrize(
    ("fees", "charged_as"),
    [
        # One 3-yuan add-on and two rows at 0.78%: the rate is what changed.
        (("63.00", "78.00", "78.00"), "按 0.78%"),
        (("63.00", "63.00", "78.00"), "按 0.60% + 每笔 3.00 元"),
        # No round price reproduces 61.37.
        (("61.37", "61.37"), ""),
    ],
)
def test_a_rate_change_names_the_most_common_price(fees: tuple[str, ...], charged_as: str) -> None:
    rows = [FINE[0]] + [f"2025-03-02,T1,信用卡,10000,{fee},,小店" for fee in fees]
    change = checked(*rows)["rate_changes"]
    assert [(c["channel"], c["date"], c["charged_as"]) for c in change] == [
        ("credit", "2025-03-02", charged_as)
    ]


def test_a_settlement_short_by_more_than_a_fen_counts_as_fee() -> None:
    row = checked("2025-03-05,T1,信用卡,10000,60.00,9930.00,小店")["flagged_rows"][0]
    assert (row["fee"], row["expected"], row["difference"]) == ("70.00", "60.00", "10.00")
    # A fen of rounding in the fee and another in the settlement is still no finding.
    assert counts(checked("2025-03-05,T1,信用卡,10000,60.01,9939.98,小店")) == (1, 1, 0, 0)


def test_channel_missing_from_plan_is_rejected() -> None:
    custom = {"channels": {"credit": {"rate_percent": D("0.6")}}}
    result = api_statement.statement_check(text=statement(*FINE), custom=custom)
    assert counts(result) == (3, 1, 0, 2)
    assert "没有借记卡的费率" in result["rejected_rows"][0]["reason"]


def test_channel_missing_from_plan_names_the_plan() -> None:
    custom = {"name": "我的合同", "channels": {"credit": {"rate_percent": D("0.6")}}}
    reasons = [r["reason"] for r in checked(*FINE, custom=custom)["rejected_rows"]]
    assert reasons == ["所选方案“我的合同”没有借记卡的费率", "所选方案“我的合同”没有微信的费率"]


def test_own_contract_rates() -> None:
    custom = {"channels": {"credit": {"rate_percent": D("2.99"), "fixed": 3}}}
    result = api_statement.statement_check(text=statement(HIKE), custom=custom)
    assert counts(result) == (1, 1, 0, 0)
    bad = api.safe_call("statement_check", text=statement(HIKE), custom={"channels": {}})
    assert bad["error"]["code"] == "custom_empty"


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
    named = result["flagged"] + result["rejected"] + result["skipped"]
    assert result["checked"] + named == len(rows)
    assert result["adds_up"] is True
    lines = [r["line"] for k in ("flagged", "rejected", "skipped") for r in result[f"{k}_rows"]]
    assert len(set(lines)) == len(lines) == named


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
    amounts = [Decimal(rng.randint(1, 10**10)) / 100 for _ in range(2000)]
    amounts += [Decimal(x) for x in ("0.01", "1", "1000", "1000.01", "5000", "5000.01", "4166.67")]
    # Every fen up to 30 yuan: hits the exact half-fen cases where rounding modes differ.
    amounts += [Decimal(fen) / 100 for fen in range(1, 3001)]
    for plan in plans:
        for channel in plan.channels:
            rule = channel_rule(plan, channel)
            quick = contract_fee(rule)
            for amount in amounts:
                assert quick(amount) == fee_breakdown(rule, amount).fee, (plan.id, channel, amount)
