"""Amounts as merchants type them, and yuan as we show them.

Everything is `Decimal`; a float never touches money. Amounts are whole fen,
so every value that leaves this module is quantized to 0.01.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from calculator.core.errors import InputError

FEN = Decimal("0.01")
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("100000000.00")
WAN = Decimal(10000)

# Characters that mean "yuan" or are decoration around the number.
_CURRENCY = ("¥", "￥", "RMB", "CNY")
_SUFFIX_YUAN = ("元整", "元", "块")
# ASCII digits only (full-width ones are folded to ASCII first); other
# scripts' digits are refused rather than silently read as numbers.
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def quantize_fen(value: Decimal) -> Decimal:
    """Round to whole fen, half up, as acquirers charge."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def format_yuan(value: Decimal) -> str:
    """Two decimals with thousands separators (10,000.00): the one yuan format."""
    return f"{quantize_fen(value):,.2f}"


def format_yuan_plain(value: Decimal) -> str:
    """Two decimals, no grouping: data, not display (CSV cells, sort keys).

    A spreadsheet reads "30580.00" as a number in every locale; people read
    format_yuan's "30,580.00".
    """
    return f"{quantize_fen(value):.2f}"


def format_yuan_exact(value: Decimal) -> str:
    """An unrounded step of a fee, as exact as it is: "180.00", "24.99995".

    Grouped like format_yuan with at least two decimals, so a step that is
    whole fen reads like every other figure ("180.00000" never shows), and
    one that is not still shows why rounding follows.
    """
    text = f"{value:,f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def format_rate(rate: Decimal) -> str:
    """A fraction as a percent with two or three decimals (0.006 -> "0.60%", 0.00025 -> "0.025%").

    Half-even at the third decimal, as this display has always rounded; it is
    never used to compute money.
    """
    percent = (rate * 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN)
    text = f"{percent:f}"
    return f"{text[:-1] if text.endswith('0') else text}%"


def format_rate_figure(rate: Decimal) -> str:
    """A contract rate exactly as written in the plan: 0.006 -> "0.6%"."""
    return f"{(rate * 100).normalize():f}%"


def _normalise(text: str) -> str:
    # NFKC folds full-width digits, comma (，), dot (．), minus (－) and the
    # full-width yen sign; the ideographic comma and full stop it leaves alone.
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("、", ",").replace("。", ".")
    return "".join(folded.split())


def _strip_yuan(text: str, suffixes: tuple[str, ...] = _SUFFIX_YUAN) -> str:
    """Drop a leading currency mark (¥, RMB, …) and one trailing yuan word."""
    for mark in _CURRENCY:
        if text.upper().startswith(mark):
            text = text[len(mark) :]
            break
    for suffix in suffixes:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def parse_amount(raw: object, field: str = "amount") -> Decimal:
    """Read an amount the way a shop owner writes it; refuse anything doubtful.

    Accepts 10000, 10,000.50, ¥10000, 10000元, full-width forms, 1万, 1.5万.
    Refuses rather than guesses: a wrong fee is worse than a question.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InputError("empty", "请输入金额，例如 10000 或 1.5万。", field)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise InputError("not_text", "金额格式不对，请输入数字，例如 10000。", field)
    text = _normalise(str(raw))
    if len(text) > 40:
        raise InputError("too_long", "金额太长了，请检查是否多输入了数字。", field)
    if text.startswith("+"):
        text = text[1:]
    text = _strip_yuan(text)
    multiplier = Decimal(1)
    if text.endswith("万"):
        text = text[:-1]
        multiplier = WAN
    # After the currency mark, so "-5", "¥-5" and "−5元" are all called negative.
    if text.startswith(("-", "−")):
        raise InputError("negative", "金额不能是负数。", field)
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if "," in text:
        raise InputError("bad_grouping", "千位分隔符的位置不对，例如应写成 10,000.50。", field)
    if text.count(".") > 1:
        raise InputError("many_dots", "金额里只能有一个小数点。", field)
    if not _PLAIN.fullmatch(text):
        raise InputError(
            "not_number", "金额格式不对，请只输入数字，例如 10000、1.5万 或 ¥10,000.50。", field
        )
    # Digits and at most one dot: Decimal reads every such text, and even
    # 40 digits times 10,000 stays far inside its exponent range.
    value = Decimal(text) * multiplier
    # Magnitude first: quantizing a 40-digit number would overflow the context.
    if value > MAX_AMOUNT:
        raise InputError("too_large", "金额最大是 1 亿元（100,000,000.00）。", field)
    if value == 0:
        raise InputError("zero", "金额必须大于 0。", field)
    fen = value.quantize(FEN, rounding=ROUND_HALF_UP)
    if value != fen:
        raise InputError("too_precise", "金额最多保留两位小数（到分）。", field)
    return fen


# A contract figure: 0.6, "0.6%", "25元", "¥3", full-width forms.
MAX_FIGURE_DIGITS = 20


def parse_figure(raw: object, field: str, *, percent: bool) -> Decimal:
    """A rate or a yuan figure typed by a reader, read by the amount rules.

    Ranges are not checked here: the plan checks do that, with the same
    limits as the plans file. Only the form of the number is judged.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise InputError("not_number", "请填数字，例如 0.6。", field)
    text = _normalise(str(raw))
    if len(text) > MAX_FIGURE_DIGITS:
        raise InputError("too_long", "数字太长了，请检查是否多输入了数字。", field)
    if text.startswith(("-", "−")):
        raise InputError("negative", "不能填负数。", field)
    if percent:
        text = text.removesuffix("%")
    else:
        text = _strip_yuan(text, (*_SUFFIX_YUAN, "元/年", "元/月", "元每年", "元每月"))
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        example = "0.6 或 0.6%" if percent else "25 或 25元"
        raise InputError("not_number", f"格式不对，请只填数字，例如 {example}。", field)
    return Decimal(text)
