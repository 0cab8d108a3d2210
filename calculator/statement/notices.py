"""What the rows say as a whole: the 合计 cross-check and notes about how rows were read.

A 合计 (total) row is the provider's own sum. When it disagrees with the rows
we read, a row is missing, doubled or misread somewhere: that is a finding in
its own right. When it agrees, the reader is told so, since it is the best
evidence that nothing was lost. Notes also name rows read with a caveat (an
unreadable time, a settled amount above amount minus fee).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from calculator.core.money import format_yuan
from calculator.statement.check import TOLERANCE, Checker, TotalRow, signed_number

MAX_LINES_NAMED = 20  # a note names the first lines; the findings file has them all


@dataclass(slots=True)
class Notice:
    """One sentence for the reader; `finding` when it means something is wrong."""

    code: str
    message_zh: str
    lines: list[int]
    finding: bool = False


def _lines(lines: list[int]) -> str:
    shown = "、".join(str(n) for n in lines[:MAX_LINES_NAMED])
    more = f" 等 {len(lines)} 行" if len(lines) > MAX_LINES_NAMED else ""
    return f"第 {shown} 行{more}"


def _near(value: Decimal, sums: tuple[Decimal, ...]) -> bool:
    return any(abs(value - s) <= TOLERANCE for s in sums)


def total_notice(checker: Checker, row: TotalRow) -> Notice:
    """Whether one 合计 row agrees with the rows read (sales alone, or net of voids and refunds)."""
    sums = checker.sums
    amount = signed_number(row.amount, "交易金额", True) if row.amount else None
    fee = signed_number(row.fee, "手续费", True) if row.fee else None
    if not isinstance(amount, Decimal) and not isinstance(fee, Decimal):
        return Notice(
            "total_unread",
            f"第 {row.line} 行是{row.label}行，但读不出它的金额，没有拿来核对。",
            [row.line],
        )
    parts, wrong = [], False
    for what, written, sale, back in (
        ("交易金额", amount, sums.sale_amount, sums.back_amount),
        ("手续费", fee, sums.sale_fee, sums.back_fee),
    ):
        if not isinstance(written, Decimal):
            continue
        written = abs(written)
        if _near(written, (sale, sale - back, sale + back)):
            parts.append(f"{what} {format_yuan(written)} 元与逐行相加一致")
        else:
            wrong = True
            parts.append(
                f"{what}写的是 {format_yuan(written)} 元，逐行相加是 {format_yuan(sale)} 元"
                f"（相差 {format_yuan(abs(written - sale))} 元）"
            )
    rejected = sum(1 for f in checker.findings if f.status == "rejected")
    if wrong:
        hint = (
            f"有 {rejected} 行无法核对，差额可能来自这些行；" if rejected else ""
        ) + "请对照原始账单检查是否漏行、重复或有行被读错。"
        return Notice(
            "total_disagrees",
            f"第 {row.line} 行的{row.label}与明细对不上：{'；'.join(parts)}。{hint}",
            [row.line],
            finding=True,
        )
    return Notice(
        "total_agrees",
        f"第 {row.line} 行的{row.label}与明细一致：{'；'.join(parts)}，没有漏行。",
        [row.line],
    )


def notices(checker: Checker) -> list[Notice]:
    """Every note about the statement as a whole, the 合计 cross-checks first."""
    found = [total_notice(checker, row) for row in checker.totals]
    noted = checker.sums.notices
    if noted.get("unreadable_time"):
        lines = noted["unreadable_time"]
        found.append(
            Notice(
                "unreadable_time",
                f"{_lines(lines)}的交易时间看不懂；手续费照常核对，只是这些行不计入按日的图表。",
                lines,
            )
        )
    if noted.get("settled_above"):
        lines = noted["settled_above"]
        found.append(
            Notice(
                "settled_above",
                f"{_lines(lines)}的结算金额比“交易金额 − 手续费”还多，"
                "账单自己的数字对不上；手续费按账单写的核对。",
                lines,
            )
        )
    if checker.sums.refunds:
        found.append(
            Notice(
                "refunds",
                f"有 {checker.sums.refunds} 笔退货（退款），共 "
                f"{format_yuan(checker.sums.refund_amount)} 元，不按消费核对。",
                [],
            )
        )
    return found
