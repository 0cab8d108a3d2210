"""Amounts as merchants type them: accepted spellings and refusals."""

from decimal import Decimal

import pytest

from calculator.core.errors import InputError
from calculator.core.money import format_yuan, format_yuan_grouped, parse_amount, quantize_fen
from tests.money_values import ACCEPTED, REFUSED


@pytest.mark.parametrize(("text", "expected"), [c for c in ACCEPTED if c[1]])
def test_accepts_what_merchants_type(text: str, expected: str) -> None:
    assert format_yuan(parse_amount(text)) == expected


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
