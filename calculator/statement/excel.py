"""Excel workbooks (.xlsx, old .xls) into numbered rows of text, like a CSV.

Most back-offices export Excel. We turn the sheet with the transactions into
rows of strings numbered as Excel numbers them, and hand those to the same
header search and row loop as a CSV (same limits, same nothing-lost count),
so an Excel file is checked exactly like the same table saved as CSV.

The readers (openpyxl, xlrd) are an optional extra: they are imported here,
inside the functions, so the package itself stays standard-library-only and a
CSV never loads them. In the browser their wheels are fetched from our own
site only when a workbook is chosen.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from calculator.core.errors import InputError

XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FEN = Decimal("0.01")
_NOISE = Decimal("0.000001")  # binary floating point noise, far below a fen
_SERIAL = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")  # 1970 to 2100: 25569 to 73050
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
_PROGRESS_EVERY = 5000

MISSING_READER = (
    "读取 Excel 文件的组件没有装上：请运行 pip install 'pos-calculator[excel]'，"
    "或在 Excel 里“另存为”CSV 后再选择。"
)
UNREADABLE = "这个 Excel 文件打不开（可能已损坏或设了打开密码）：请在 Excel 里“另存为”CSV 后再选择。"

# Called with the number of rows read so far while a big workbook is read;
# the browser worker sets it to move the page's progress bar.
on_progress: Callable[[int], None] | None = None


@dataclass(slots=True)
class Workbook:
    """The chosen sheet's non-blank rows, numbered as in Excel, and notes for the reader."""

    kind: str  # "xlsx" | "xls"
    sheet: str
    records: list[tuple[int, list[str]]]
    epoch: dt.datetime
    notes: list[str] = field(default_factory=list)


def kind_of(data: bytes) -> str | None:
    """'xlsx' or 'xls' when the bytes are a workbook, else None (then it is text or refused)."""
    if data.startswith(XLS_SIGNATURE):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def number_text(value: float | int) -> str:
    """A number cell as the merchant sees it: no float noise, never a float in our sums.

    Excel stores 6.00 computed by a formula as 6.000000000000001; that is the
    fen figure 6.00. A value that is not within a millionth of a fen figure
    keeps all its digits, so the check rejects it rather than guessing.
    """
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    try:
        exact = Decimal(repr(value))
    except InvalidOperation:
        return repr(value)
    fen = exact.quantize(_FEN)
    if abs(exact - fen) <= _NOISE:
        return f"{fen:f}"
    return f"{exact:f}" if abs(exact) >= 1e-4 else repr(value)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


Merge = tuple[int, int, int, int]  # first row, last row (1-based), first column, last column (0-based)


def _fill_merged(records: list[tuple[int, list[str]]], merges: list[Merge]) -> None:
    """Copy a merged cell's text into the cells it covers (headers spanning columns).

    Only text and dates are copied: a number is never repeated, so a merged
    amount is not counted twice.
    """
    if not merges:
        return
    by_row = {line: cells for line, cells in records}
    for first_row, last_row, first_col, last_col in merges:
        top = by_row.get(first_row)
        if top is None or first_col >= len(top):
            continue
        text = top[first_col]
        if not text or _looks_numeric(text):
            continue
        for line in range(first_row, last_row + 1):
            cells = by_row.get(line)
            if cells is None:
                continue
            if len(cells) <= last_col:
                cells.extend([""] * (last_col + 1 - len(cells)))
            for col in range(first_col, last_col + 1):
                if not cells[col]:
                    cells[col] = text


def _looks_numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()


def _collect(rows: Iterable[Iterable[object]], limit: int) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their Excel row number, trailing empty cells dropped."""
    from calculator.statement.read import too_many_rows

    records: list[tuple[int, list[str]]] = []
    report = on_progress
    for number, row in enumerate(rows, 1):
        cells = [_cell_text(value) for value in row]
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            records.append((number, cells))
            if len(records) > limit:
                raise too_many_rows()
        if report is not None and number % _PROGRESS_EVERY == 0:
            report(number)
    return records


def _choose(candidates: list[tuple[str, list[tuple[int, list[str]]]]]) -> int:
    """The sheet whose top rows hold the amount and fee headers; else the first with rows."""
    from calculator.statement.read import HEADER_SEARCH_LINES, REQUIRED, recognise

    for index, (_name, top) in enumerate(candidates):
        for _line, cells in top[:HEADER_SEARCH_LINES]:
            if all(f in recognise(cells) for f in REQUIRED):
                return index
    for index, (_name, top) in enumerate(candidates):
        if top:
            return index
    return 0


def _sheet_note(names: list[str], chosen: int, found: bool) -> list[str]:
    if len(names) < 2:
        return []
    why = "它有交易明细的表头" if found else "其他工作表也没有认出交易明细的表头"
    others = "、".join(f"“{n}”" for i, n in enumerate(names) if i != chosen)
    return [
        f"这个 Excel 文件有 {len(names)} 个工作表，核对的是“{names[chosen]}”"
        f"（第 {chosen + 1} 个，{why}）；没有核对 {others}。"
    ]


def _top_rows(rows: Iterator[Iterable[object]], count: int) -> list[tuple[int, list[str]]]:
    top: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, 1):
        if number > count:
            break
        cells = [_cell_text(value) for value in row]
        if any(cell.strip() for cell in cells):
            top.append((number, cells))
    return top


def _xlsx_merges(archive: zipfile.ZipFile, path: str) -> list[Merge]:
    """Merged ranges from the sheet's XML (openpyxl's fast reader does not keep them)."""
    merges: list[Merge] = []
    tail = b""
    with archive.open(path) as source:
        while chunk := source.read(1 << 20):
            block = tail + chunk
            if b"<mergeCell" in block:
                for m in _MERGE.finditer(block):
                    merges.append(
                        (int(m[2]), int(m[4]), _column_index(m[1]), _column_index(m[3]))
                    )
            tail = block[-200:]  # a tag cut between two chunks is found in the next
    return sorted(set(merges))


def _read_xlsx(data: bytes, limit: int) -> Workbook:
    try:
        import openpyxl  # noqa: PLC0415 - optional extra, imported only for a workbook
    except ImportError:
        raise InputError("excel_reader_missing", MISSING_READER, "file") from None
    from calculator.statement.read import HEADER_SEARCH_LINES

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of a damaged file means the same to the reader
        raise InputError("not_a_table", UNREADABLE, "file") from None
    try:
        sheets = [ws for ws in book.worksheets if hasattr(ws, "_cells_by_row")]
        candidates = []
        for ws in sheets:
            ws.reset_dimensions()  # a wrong <dimension> must not cut rows off
            top = _top_rows(iter(ws.iter_rows(min_row=1, values_only=True)), HEADER_SEARCH_LINES)
            candidates.append((ws.title, top))
        if not sheets:
            raise InputError("not_a_table", UNREADABLE, "file")
        chosen = _choose(candidates)
        found = _has_header(candidates[chosen][1])
        ws = sheets[chosen]
        records = _collect(ws.iter_rows(min_row=1, values_only=True), limit)
        _fill_merged(records, _xlsx_merges(book._archive, ws._worksheet_path))
        epoch = dt.datetime(1904, 1, 1) if book.epoch.year == 1904 else dt.datetime(1899, 12, 30)
        names = [ws.title for ws in sheets]
    except InputError:
        raise
    except Exception:  # noqa: BLE001
        raise InputError("not_a_table", UNREADABLE, "file") from None
    finally:
        book.close()
    return Workbook("xlsx", names[chosen], records, epoch, _sheet_note(names, chosen, found))


def _has_header(top: list[tuple[int, list[str]]]) -> bool:
    from calculator.statement.read import REQUIRED, recognise

    return any(all(f in recognise(cells) for f in REQUIRED) for _line, cells in top)


def _read_xls(data: bytes, limit: int) -> Workbook:
    try:
        import xlrd  # noqa: PLC0415 - optional extra, imported only for a workbook
    except ImportError:
        raise InputError("excel_reader_missing", MISSING_READER, "file") from None
    from calculator.statement.read import HEADER_SEARCH_LINES

    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, logfile=io.StringIO()
        )
    except Exception:  # noqa: BLE001
        raise InputError("not_a_table", UNREADABLE, "file") from None

    def values(sheet) -> Iterator[list[object]]:  # noqa: ANN001 - xlrd's Sheet
        for r in range(sheet.nrows):
            row = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        row.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
                else:
                    row.append(cell.value)
            yield row

    try:
        sheets = book.sheets()
        candidates = [(s.name, _top_rows(values(s), HEADER_SEARCH_LINES)) for s in sheets]
        if not sheets:
            raise InputError("not_a_table", UNREADABLE, "file")
        chosen = _choose(candidates)
        sheet = sheets[chosen]
        records = _collect(values(sheet), limit)
        merges = [(rlo + 1, rhi, clo, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
        _fill_merged(records, merges)
    except InputError:
        raise
    except Exception:  # noqa: BLE001
        raise InputError("not_a_table", UNREADABLE, "file") from None
    names = [s.name for s in sheets]
    found = _has_header(candidates[chosen][1])
    epoch = dt.datetime(1904, 1, 1) if book.datemode == 1 else dt.datetime(1899, 12, 30)
    return Workbook("xls", names[chosen], records, epoch, _sheet_note(names, chosen, found))


def read_workbook(data: bytes, kind: str, limit: int) -> Workbook:
    """The transactions sheet of a workbook as numbered rows; at most `limit` of them."""
    return _read_xlsx(data, limit) if kind == "xlsx" else _read_xls(data, limit)


def serial_dates(records: list[tuple[int, list[str]]], column: int, epoch: dt.datetime) -> int:
    """Turn Excel date serial numbers (45717.5) in the time column into dates; how many.

    openpyxl and xlrd already turn cells formatted as dates into dates; a
    serial left in a general-format cell is what Excel shows as a number.
    """
    changed = 0
    for _line, cells in records:
        if column < len(cells) and _SERIAL.fullmatch(cells[column]):
            serial = Decimal(cells[column])
            if not 25569 <= serial < 73051:
                continue
            seconds = int((serial * 86400).to_integral_value())
            cells[column] = (epoch + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")
            changed += 1
    return changed
