"""Amounts as merchants type them: accepted spellings and refusals."""

from decimal import Decimal

import pytest

from calculator.errors import InputError
from calculator.money import format_yuan, format_yuan_grouped, parse_amount, quantize_fen

ACCEPTED = [
    ("10000", "10000.00"),
    ("10,000.50", "10000.50"),
    ("¥10000", "10000.00"),
    ("￥10000", "10000.00"),
    ("10000元", "10000.00"),
    ("１００００", "10000.00"),
    ("１，０００", "1000.00"),
    ("１０．５", "10.50"),
    ("1万", "10000.00"),
    ("1.5万", "15000.00"),
    ("  2,500  ", "2500.00"),
    ("0.01", "0.01"),
    ("100000000", "100000000.00"),
    ("1亿", None),  # refused, see below
    ("12.3", "12.30"),
    ("1,234,567.89", "1234567.89"),
    ("RMB 88", "88.00"),
    (".5", "0.50"),
    ("1.500", "1.50"),
]


@pytest.mark.parametrize(("text", "expected"), [c for c in ACCEPTED if c[1]])
def test_accepts_what_merchants_type(text: str, expected: str) -> None:
    assert format_yuan(parse_amount(text)) == expected


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("abc", "not_number"),
    ("-5", "negative"),
    ("－5", "negative"),
    ("0", "zero"),
    ("0.00", "zero"),
    ("0.001", "too_precise"),
    ("1.005", "too_precise"),
    ("NaN", "not_number"),
    ("nan", "not_number"),
    ("inf", "not_number"),
    ("Infinity", "not_number"),
    ("1e5", "not_number"),
    ("1E999999999", "not_number"),
    ("1.2.3", "many_dots"),
    ("1..2", "many_dots"),
    ("100000000.01", "too_large"),
    ("99999999999999999999999999999999999", "too_large"),
    ("1,00", "bad_grouping"),
    ("10,0000", "bad_grouping"),
    ("1亿", "not_number"),
    ("一万", "not_number"),
    ("1万万", "not_number"),
    ("<script>", "not_number"),
    ("1" * 41, "too_long"),
    ("0x10", "not_number"),
    (1.5, "not_text"),
    (True, "not_text"),
]


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_refuses_with_a_chinese_message(text: object, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text)
    assert caught.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message_zh)


def test_half_fen_rounds_up() -> None:
    assert quantize_fen(Decimal("0.005")) == Decimal("0.01")
    assert quantize_fen(Decimal("0.0049")) == Decimal("0.00")
    assert quantize_fen(Decimal("2.675")) == Decimal("2.68")


def test_grouped_format() -> None:
    assert format_yuan_grouped(Decimal("1234567.8")) == "1,234,567.80"
