"""Excel workbooks (.xlsx with openpyxl, .xls with xlrd) read into the same row loop as CSV."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import re

import openpyxl
import pytest

from calculator.api import statement as api_statement
from calculator.statement import excel
from calculator.statement.read import HEADER_SEARCH_LINES, MAX_ROWS
from tests.excel_values import COUNTS, HEADER, TEXT_ROWS, XLS_FIXTURE, workbook
from tests.statement_values import b64

SHEET_NOTE = (
    "这个 Excel 文件有 2 个工作表，核对的是“交易明细”（第 2 个，它有交易明细的表头）；"
    "没有核对 “汇总”。"
)


def _book(*rows: list[object], title: str = "Sheet") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check(data: bytes) -> dict:
    return api_statement.statement_check(data=b64(data))


def test_xlsx_realistic_export_is_checked_like_its_csv() -> None:
    result = _check(workbook())
    assert {k: result[k] for k in COUNTS} == COUNTS
    assert result["encoding"] == "xlsx" and result["delimiter"] == "none"
    assert result["notes"] == [SHEET_NOTE]
    # Rows carry their sheet row numbers: title 1, blank 2, two header rows 3-4.
    flagged = {(r["line"], r["time"], r["amount"], r["fee"]) for r in result["flagged_rows"]}
    assert flagged == {
        (6, "2025-03-02 11:30:00", "20,000.00", "100.00"),  # a serial date, numbers as text
        (7, "2025-03-03 09:15:00", "1,000.00", "9.00"),
    }
    same_as_csv = api_statement.statement_check(
        text="\n".join(",".join(r) for r in [HEADER, *TEXT_ROWS])
    )
    for key in ("rows", "checked", "flagged", "rejected", "overcharge", "channels"):
        assert result[key] == same_as_csv[key], key


def test_xls_fixture_is_read_with_xlrd() -> None:
    result = _check(XLS_FIXTURE.read_bytes())
    assert {k: result[k] for k in COUNTS} == COUNTS
    assert result["encoding"] == "xls"
    assert result["notes"] == [SHEET_NOTE]
    assert [r["line"] for r in result["flagged_rows"]] == [6, 7]  # title, blank, 2 header rows
    assert result["flagged_rows"][0]["time"] == "2025-03-02 11:30:00"


def test_merged_header_cells_are_filled_but_numbers_never_repeated() -> None:
    records = [(1, ["金额", "", "x"]), (2, ["交易金额", "手续费", ""]), (3, ["100", "", ""])]
    excel._fill_merged(records, [(1, 1, 0, 1), (3, 4, 0, 1)])
    assert records[0][1] == ["金额", "金额", "x"]
    assert records[2][1] == ["100", "", ""]  # a merged amount is not counted twice


def test_float_noise_is_not_a_finding_and_real_sub_fen_digits_are_kept() -> None:
    assert excel.number_text(6.000000000000001) == "6.00"
    assert excel.number_text(0.1 + 0.2) == "0.30"
    assert excel.number_text(1000.0) == "1000"
    assert excel.number_text(30580.5) == "30580.50"
    assert excel.number_text(6.005) == "6.005"
    assert excel.number_text(12) == "12"
    assert excel._cell_text(dt.datetime(2025, 3, 1, 10, 0)) == "2025-03-01 10:00:00"
    assert excel._cell_text(dt.date(2025, 3, 1)) == "2025-03-01"
    assert excel._cell_text(True) == "TRUE" and excel._cell_text(None) == ""


def test_a_sub_fen_fee_in_a_workbook_is_rejected_not_rounded() -> None:
    result = _check(_book(HEADER, ["2025-03-01 10:00", "信用卡", 1000, 6.004]))
    assert result["rejected"] == 1 and result["checked"] == 0


def test_serial_dates_in_the_time_column_become_dates() -> None:
    records = [(2, ["45717.5", "x"]), (3, ["20250301", "x"]), (4, ["1030", "x"])]
    changed = excel.serial_dates(records, 0, dt.datetime(1899, 12, 30))
    assert changed == 1
    assert [r[1][0] for r in records] == ["2025-03-01 12:00:00", "20250301", "1030"]
    assert excel.serial_dates([(2, ["0.5"])], 0, dt.datetime(1904, 1, 1)) == 0


def test_no_sheet_with_a_header_asks_for_the_columns_and_says_which_sheet() -> None:
    data = _book(["A", "B", "C"], ["2025-03-01", "1000", "6"])
    reply = _check(data)
    assert reply["need_mapping"] is True and reply["encoding"] == "xlsx"
    assert reply["notes"] == []
    mapped = api_statement.statement_check(
        data=b64(data), mapping={"amount": 1, "fee": 2, "channel_default": "credit"}
    )
    assert mapped["rows"] == 1 and mapped["checked"] == 1


def test_every_row_is_counted_and_blank_rows_left_out() -> None:
    rows: list[list[object]] = [HEADER]
    for day in range(1, 21):
        rows.append([f"2025-03-{day:02d} 10:00", "信用卡", 1000, 6 if day % 4 else 9])
        if day % 5 == 0:
            rows.append([])
    result = _check(_book(*rows))
    assert result["rows"] == 20
    assert result["checked"] + result["flagged"] + result["rejected"] == 20
    assert result["flagged"] == 5


def test_a_wrong_dimension_does_not_cut_rows_off() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_book(HEADER, *[TEXT_ROWS[0]] * 5)))
    data = io.BytesIO()
    book.save(data)
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb"<dimension [^>]*>", b"", body)
                body = body.replace(b"<sheetData>", b'<dimension ref="A1:A1"/><sheetData>')
                assert b'ref="A1:A1"' in body
            dst.writestr(info, body)
    assert _check(out.getvalue())["rows"] == 5


def test_too_many_rows_is_the_same_limit_as_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("calculator.statement.jobs.MAX_ROWS", 3)
    from calculator import api

    error = api.safe_call(
        "statement_check", data=b64(_book(HEADER, *[TEXT_ROWS[0]] * (HEADER_SEARCH_LINES + 4)))
    )["error"]
    assert error["code"] == "too_many_rows"
    assert MAX_ROWS == 500_000


def test_progress_is_reported_while_a_big_sheet_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(excel, "on_progress", seen.append)
    monkeypatch.setattr(excel, "_PROGRESS_EVERY", 2)
    _check(_book(HEADER, *[TEXT_ROWS[0]] * 5))
    assert seen == [2, 4, 6]


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 200,  # broken zip: not a workbook, refused as a zip
        excel.XLS_SIGNATURE + b"\x00" * 600,  # an OLE header and nothing behind it
    ],
    ids=["broken-zip", "broken-ole"],
)
def test_damaged_workbooks_are_refused_in_chinese(data: bytes) -> None:
    from calculator import api

    error = api.safe_call("statement_check", data=b64(data))["error"]
    assert error["code"] == "not_a_table" and error["field"] == "file"
    assert "Excel" in error["message_zh"]


def test_zip_that_claims_to_be_a_workbook_but_is_broken() -> None:
    import zipfile

    from calculator import api

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really>")
    error = api.safe_call("statement_check", data=b64(out.getvalue()))["error"]
    assert error == {"code": "not_a_table", "message_zh": excel.UNREADABLE, "field": "file"}


def test_missing_readers_are_named_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    from calculator import api

    files = (workbook(), XLS_FIXTURE.read_bytes())
    real_import = builtins.__import__

    def no_excel(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] in ("openpyxl", "xlrd"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_excel)
    for data in files:
        error = api.safe_call("statement_check", data=b64(data))["error"]
        assert error == {
            "code": "excel_reader_missing",
            "message_zh": excel.MISSING_READER,
            "field": "file",
        }


def test_csv_never_imports_the_excel_readers() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from calculator import api; from tests.statement_values import *\n"
        "api.safe_call('statement_check', data=b64(statement(*FINE).encode()))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'xlrd')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_received_file_bytes_are_kept_under_a_token() -> None:
    reply = api_statement.receive_file(workbook())
    assert reply["reader"] == "excel" and len(reply["file"]) == 16
    result = api_statement.statement_check(file=reply["file"])
    assert {k: result[k] for k in COUNTS} == COUNTS
    text = api_statement.receive_file(b"a,b\n")
    assert text["reader"] is None
    from calculator import api

    gone = api.safe_call("statement_check", file=reply["file"])  # only the last file is kept
    assert gone["error"]["code"] == "bad_file"


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_the_fast_cell_reader_agrees_with_the_careful_one() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([dt.datetime(2025, 3, 1, 10, 0), "信用卡 & <小店>", 1000, 6.000000000000001])
    sheet.append([None, None, "1,000.00", 1e-7, True])
    sheet["F3"] = "=C2*2"
    sheet.append([])
    sheet.append(["2025-03-04", "借记卡", -0.0, 12345678901234.56])
    book.save(buffer := io.BytesIO())
    xml = _sheet_xml(buffer.getvalue())
    dates = {1} if b's="1"' in xml else set()
    epoch = dt.datetime(1899, 12, 30)
    fast = excel._fast_rows(xml, [], dates, epoch)
    assert fast is not None, "the common shape must take the fast path"
    assert fast == list(excel._sheet_rows(xml, [], dates, epoch))
    assert fast[1][1][1] == "信用卡 & <小店>"


def test_cells_of_another_shape_take_the_careful_reader() -> None:
    rich = (
        b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r>'
        b'<r><t>b</t></r></is></c><c r="B1"><v>1</v></c></row></sheetData></worksheet>'
    )
    assert excel._fast_rows(rich, [], set(), dt.datetime(1899, 12, 30)) is None
    assert list(excel._sheet_rows(rich, [], set(), dt.datetime(1899, 12, 30))) == [(1, ["ab", "1"])]
    prefixed = rich.replace(b"<", b"<x:").replace(b"<x:/", b"</x:")
    assert excel._fast_rows(prefixed, [], set(), dt.datetime(1899, 12, 30)) is None
    assert list(excel._sheet_rows(prefixed, [], set(), dt.datetime(1899, 12, 30))) == [
        (1, ["ab", "1"])
    ]


def test_a_workbook_that_unpacks_too_big_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from calculator import api

    data = workbook()
    monkeypatch.setattr(excel, "MAX_UNPACKED", 2000)  # a zip bomb, scaled down
    error = api.safe_call("statement_check", data=b64(data))["error"]
    assert error["code"] == "file_too_large" and "按月分开导出" in error["message_zh"]
