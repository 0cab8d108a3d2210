"""Amounts as merchants type them: accepted spellings and refusals."""

from decimal import Decimal

import pytest

from calculator.core.errors import InputError
from calculator.core.money import (
    format_rate,
    format_rate_figure,
    format_yuan,
    parse_amount,
    parse_figure,
    quantize_fen,
)
from tests.money_values import ACCEPTED, REFUSED

# What the reader is told for each refusal; the page and the CLI show it as is.
MESSAGES = {
    "empty": "请输入金额，例如 10000 或 1.5万。",
    "not_text": "金额格式不对，请输入数字，例如 10000。",
    "too_long": "金额太长了，请检查是否多输入了数字。",
    "negative": "金额不能是负数。",
    "bad_grouping": "千位分隔符的位置不对，例如应写成 10,000.50。",
    "many_dots": "金额里只能有一个小数点。",
    "not_number": "金额格式不对，请只输入数字，例如 10000、1.5万 或 ¥10,000.50。",
    "too_large": "金额最大是 1 亿元（100,000,000.00）。",
    "zero": "金额必须大于 0。",
    "too_precise": "金额最多保留两位小数（到分）。",
}


@pytest.mark.parametrize(("text", "expected"), [c for c in ACCEPTED if c[1]])
def test_accepts_what_merchants_type(text: str, expected: str) -> None:
    assert f"{parse_amount(text):f}" == expected


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_refuses_with_a_chinese_message(text: object, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text)
    assert caught.value.as_dict() == {"code": code, "message_zh": MESSAGES[code], "field": "amount"}


def test_refusal_names_the_field_it_was_given() -> None:
    with pytest.raises(InputError) as caught:
        parse_amount("0", "net")
    assert (caught.value.code, caught.value.field) == ("zero", "net")


def test_half_fen_rounds_up() -> None:
    assert quantize_fen(Decimal("0.005")) == Decimal("0.01")
    assert quantize_fen(Decimal("0.0049")) == Decimal("0.00")
    assert quantize_fen(Decimal("2.675")) == Decimal("2.68")


def test_grouped_format() -> None:
    assert format_yuan(Decimal("1234567.8")) == "1,234,567.80"


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        ("0.006", "0.60%"),  # at least two decimals
        ("0.00025", "0.025%"),  # a third when it is not 0
        ("0.000025", "0.002%"),  # 0.0025%: half-even keeps the even 2 (half-up would show 3)
        ("0.000035", "0.004%"),  # 0.0035%: half-even goes up to the even 4
    ],
)
def test_rate_shown_with_two_or_three_decimals(rate: str, shown: str) -> None:
    assert format_rate(Decimal(rate)) == shown


@pytest.mark.parametrize(
    ("rate", "shown"), [("0.006", "0.6%"), ("0.0038", "0.38%"), ("0.1", "10%")]
)
def test_contract_rate_shown_as_written(rate: str, shown: str) -> None:
    assert format_rate_figure(Decimal(rate)) == shown


# ---- contract figures a reader types for their own rates ------------------------


@pytest.mark.parametrize(
    ("text", "percent", "value"),
    [
        ("0.6", True, "0.6"),
        ("0.6%", True, "0.6"),
        (" ０.６％ ", True, "0.6"),
        ("0.600000000000000000", True, "0.6"),  # 20 characters: the longest read
        ("25", False, "25"),
        ("25元", False, "25"),
        ("¥25", False, "25"),
        ("1,000元", False, "1000"),
        ("99元/年", False, "99"),
        ("99元每年", False, "99"),
        ("10元/月", False, "10"),
        ("10元每月", False, "10"),
    ],
)
def test_figure_read_as_typed(text: str, percent: bool, value: str) -> None:
    assert parse_figure(text, "f", percent=percent) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "percent", "code", "message"),
    [
        (0.6, True, "not_number", "请填数字，例如 0.6。"),  # a float never becomes money
        (True, False, "not_number", "请填数字，例如 0.6。"),
        ("0.6000000000000000000", True, "too_long", "数字太长了，请检查是否多输入了数字。"),
        ("-1", True, "negative", "不能填负数。"),
        ("−1", False, "negative", "不能填负数。"),
        ("abc", True, "not_number", "格式不对，请只填数字，例如 0.6 或 0.6%。"),
        ("25元", True, "not_number", "格式不对，请只填数字，例如 0.6 或 0.6%。"),
        ("abc", False, "not_number", "格式不对，请只填数字，例如 25 或 25元。"),
        ("0.6%", False, "not_number", "格式不对，请只填数字，例如 25 或 25元。"),
    ],
)
def test_figure_refused_in_chinese_naming_the_field(
    raw: object, percent: bool, code: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_figure(raw, "channels.credit.cap", percent=percent)
    assert caught.value.as_dict() == {
        "code": code,
        "message_zh": message,
        "field": "channels.credit.cap",
    }
