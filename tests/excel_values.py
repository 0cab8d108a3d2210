"""Excel and UTF-16 statements shared by the unit, Pyodide and browser tests.

Workbooks are built here with openpyxl (the `excel` extra), so each test says
what is in its file; the old .xls format has no writer among our dependencies,
so tests/fixtures/statement.xls is committed (tests/fixtures/make_xls.py made it).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

XLS_FIXTURE = Path(__file__).parent / "fixtures" / "statement.xls"
# What every reader finds in each of these files: a debit fee over its cap, a credit hike.
COUNTS = {"rows": 3, "checked": 1, "flagged": 2, "rejected": 0}

HEADER = ["交易时间", "卡类型", "交易金额", "手续费"]
TEXT_ROWS = [
    ["2025-03-01 10:00:00", "信用卡", "1000.00", "6.00"],
    ["2025-03-02 11:30:00", "借记卡", "20000.00", "100.00"],
    ["2025-03-03 09:15:00", "信用卡", "1000.00", "9.00"],
]


def utf16_text(bom: bool = True, order: str = "le") -> bytes:
    """Excel's "Unicode text": tab-separated UTF-16, with or without a BOM."""
    text = "\r\n".join("\t".join(row) for row in [HEADER, *TEXT_ROWS]) + "\r\n"
    data = text.encode(f"utf-16-{order}")
    if bom:
        data = (b"\xff\xfe" if order == "le" else b"\xfe\xff") + data
    return data


def workbook() -> bytes:
    """A realistic export: a summary sheet first, then the detail sheet with a
    merged title row, a two-row header (time and card type merged down, 金额
    across 交易金额 and 手续费), dates
    as dates and as a serial number, numbers stored as numbers (with float
    noise) and as text."""
    import openpyxl

    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["统计期间", "2025年3月"])
    summary.append(["交易笔数", 3])
    sheet = book.create_sheet("交易明细")
    sheet.append(["商户交易明细（测试数据）"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["交易时间", "卡类型", "金额", None])
    sheet.append([None, None, "交易金额", "手续费"])
    for merged in ("A3:A4", "B3:B4", "C3:D3"):  # the time and card columns only in row 3
        sheet.merge_cells(merged)
    sheet.append([dt.datetime(2025, 3, 1, 10, 0), "信用卡", 1000, 6.000000000000001])  # float noise
    sheet.append([45718.4791666667, "借记卡", "20000.00", "100.00"])  # a serial, text numbers
    sheet.append([dt.datetime(2025, 3, 3, 9, 15), "信用卡", 1000.0, 9])
    return _save(book)


def big_workbook(rows: int) -> bytes:
    """A plain one-sheet export of `rows` transactions (for the bench)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("交易明细")
    sheet.append(HEADER)
    start = dt.datetime(2025, 1, 1, 8, 0)
    for i in range(rows):
        amount = 100 + (i * 37) % 50_000
        kind = "信用卡" if i % 3 else "借记卡"
        fee = round(amount * (0.006 if i % 3 else 0.005), 2)
        sheet.append([start + dt.timedelta(minutes=i), kind, amount, fee])
    return _save(book)


def _save(book: object) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()
