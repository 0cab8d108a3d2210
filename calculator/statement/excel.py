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
MAX_UNPACKED = 256 * 1024 * 1024  # the XML of a workbook's sheets and strings, unpacked

MISSING_READER = (
    "读取 Excel 文件的组件没有装上：请运行 pip install 'pos-calculator[excel]'，"
    "或在 Excel 里“另存为”CSV 后再选择。"
)
UNREADABLE = (
    "这个 Excel 文件打不开（可能已损坏或设了打开密码）：请在 Excel 里“另存为”CSV 后再选择。"
)

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
    """A number cell (as xlrd gives it) as the merchant sees it; see decimal_text."""
    if isinstance(value, int):
        return str(value)
    try:
        return decimal_text(Decimal(repr(value)))
    except InvalidOperation:
        return repr(value)


def decimal_text(value: Decimal) -> str:
    """A number as the merchant sees it: no float noise, never a float in our sums.

    Excel stores 6.00 computed by a formula as 6.000000000000001; that is the
    fen figure 6.00. A value that is not within a millionth of a fen figure
    keeps all its digits, so the check rejects it rather than guessing.
    """
    if not value.is_finite():
        return str(value)
    if abs(value) >= 10**15:
        return f"{value:f}"
    if value == value.to_integral_value():
        return str(int(value))
    fen = value.quantize(_FEN)
    if abs(value - fen) <= _NOISE:
        return f"{fen:f}"
    return f"{value:f}" if abs(value) >= Decimal("1e-4") else str(value)


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


Merge = tuple[
    int, int, int, int
]  # first row, last row (1-based), first column, last column (0-based)


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


def _collect(
    rows: Iterable[Iterable[object]], limit: int, report: Callable[[int], None] | None = None
) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their Excel row number, trailing empty cells dropped."""
    from calculator.statement.read import too_many_rows

    records: list[tuple[int, list[str]]] = []
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


def _xlsx_merges(xml: bytes) -> list[Merge]:
    """Merged ranges from the sheet's XML."""
    if b"<mergeCell" not in xml:
        return []
    found = {
        (int(m[2]), int(m[4]), _column_index(m[1]), _column_index(m[3]))
        for m in _MERGE.finditer(xml)
    }
    return sorted(found)


# The cells of a sheet, read straight from its XML. openpyxl opens the workbook
# (which sheets, their names and parts, which styles are dates, the 1900 or
# 1904 epoch); its cell objects cost about 100 us a row in CPython and seven
# times that in Pyodide, so a 100,000-row export took over a minute in the
# browser. These patterns read the same XML in a few seconds.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SHARED = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_LETTERS = re.compile(rb"[A-Z]+")


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" in text:
        import html

        text = html.unescape(text)
    return text


def _joined_text(body: bytes) -> str:
    """A string item's text: its runs joined, phonetic hints left out."""
    if b"<rPh" in body:
        body = _PHONETIC.sub(b"", body)
    return "".join(_text(m[1] or b"") for m in _TEXT.finditer(body))


def _shared_strings(xml: bytes) -> list[str]:
    return [_joined_text(m[1] or b"") for m in _SHARED.finditer(xml)]


def _sheet_rows(
    xml: bytes, strings: list[str], dates: set[int], epoch: dt.datetime
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) for each row element, in order."""
    number = 0
    for row in _ROW_TAG.finditer(xml):
        attrs = dict(_ATTR.findall(row[1]))
        number = int(attrs[b"r"]) if b"r" in attrs else number + 1
        cells: list[str] = []
        body = row[2]
        if body:
            for cell in _CELL_TAG.finditer(body):
                attrs = dict(_ATTR.findall(cell[1]))
                ref = attrs.get(b"r")
                letters = _LETTERS.match(ref) if ref else None
                column = _column_index(letters[0]) if letters else len(cells)
                if column > len(cells):
                    cells.extend([""] * (column - len(cells)))
                cells.append(_cell_value(cell[2] or b"", attrs, strings, dates, epoch))
        yield number, cells


# The common shape of a cell, as Excel, WPS, POI and openpyxl write it, read with
# one pattern over the whole sheet. A sheet with any cell of another shape
# (rich inline text, a namespace prefix, another attribute order) is read by
# _sheet_rows instead: the count of "<c" tags must equal the count of matches.
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?(?: s="([0-9]+)")?\s*'
    rb"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?"
    rb"(?:<v>([^<]*)</v>|<v\s*/>|<is><t(?:\s[^>]*)?>([^<]*)</t></is>)?</c>)"
)


def _fast_rows(
    xml: bytes, strings: list[str], dates: set[int], epoch: dt.datetime
) -> list[tuple[int, list[str]]] | None:
    """All rows of a sheet whose cells all have the common shape; else None."""
    if b"<sheetData" not in xml:
        return None
    matches = _FAST_CELL.findall(xml)
    if len(matches) != xml.count(b"<c ") + xml.count(b"<c>"):
        return None
    rows: list[tuple[int, list[str]]] = []
    columns: dict[bytes, int] = {}
    is_date: dict[bytes, bool] = {}
    current = b""
    cells: list[str] = []
    report = on_progress
    for letters, number, style, kind, style_after, value, inline in matches:
        if number != current:
            cells = []
            rows.append((int(number), cells))
            current = number
            if report is not None and len(rows) % _PROGRESS_EVERY == 0:
                report(len(rows))
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column_index(letters)
        if column > len(cells):
            cells.extend([""] * (column - len(cells)))
        elif column < len(cells):
            return None  # cells out of order: let the careful reader decide
        style = style or style_after
        if kind == b"s":
            try:
                text = strings[int(value)]
            except (ValueError, IndexError):
                text = ""
        elif kind == b"inlineStr":
            text = _text(inline)
        elif kind in (b"", b"n"):
            if not value:
                text = ""
            elif style and (
                is_date.get(style)
                if style in is_date
                else is_date.setdefault(style, int(style) in dates)
            ):
                text = _cell_value(b"<v>" + value + b"</v>", {b"s": style}, strings, dates, epoch)
            elif len(value) < 15 and b"E" not in value and b"e" not in value:
                text = value.decode("ascii")  # too short to carry float noise
            else:
                text = _cell_value(b"<v>" + value + b"</v>", {}, strings, dates, epoch)
        else:
            text = _cell_value(b"<v>" + value + b"</v>", {b"t": kind}, strings, dates, epoch)
        cells.append(text)
    return rows


def _cell_value(
    body: bytes, attrs: dict[bytes, bytes], strings: list[str], dates: set[int], epoch: dt.datetime
) -> str:
    kind = attrs.get(b"t", b"n")
    if kind == b"inlineStr":
        return _joined_text(body)
    found = _VALUE.search(body)
    if found is None:
        return ""  # empty, or a formula never calculated
    raw = found[1]
    if kind == b"s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            return ""
    if kind == b"b":
        return "TRUE" if raw.strip() == b"1" else "FALSE"
    if kind != b"n":  # str (a formula's text), e (an error such as #N/A), d (an ISO date)
        return _text(raw)
    text = raw.decode("ascii", "replace").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    style = attrs.get(b"s")
    short = len(text) < 15 and "E" not in text and "e" not in text
    if style is not None and style.isdigit() and int(style) in dates and value.is_finite():
        try:
            moment = epoch + dt.timedelta(seconds=int((value * 86400).to_integral_value()))
        except (OverflowError, ValueError):
            return text
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return text if short else decimal_text(value)  # as stored, unless it may carry noise


def _read_xlsx(data: bytes, limit: int) -> Workbook:
    try:
        from openpyxl.reader.excel import ExcelReader  # optional extra, only for a workbook
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.xml.constants import SHARED_STRINGS
    except ImportError:
        raise InputError("excel_reader_missing", MISSING_READER, "file") from None
    from calculator.statement.read import HEADER_SEARCH_LINES

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_workbook()
        book = reader.wb
        apply_stylesheet(reader.archive, book)  # which cell styles are dates
        dates = set(book._date_formats)
        epoch = dt.datetime(1904, 1, 1) if book.epoch.year == 1904 else dt.datetime(1899, 12, 30)
        part = reader.package.find(SHARED_STRINGS)
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
        parts = [path for _name, path in sheets] + ([part.PartName[1:]] if part else [])
        unpacked = sum(reader.archive.getinfo(path).file_size for path in parts)
    except Exception:  # noqa: BLE001 - any failure of a damaged file means the same to the reader
        raise InputError("not_a_table", UNREADABLE, "file") from None
    if unpacked > MAX_UNPACKED:
        # A 500,000-row sheet is about 200 MB of XML; more is not an export
        # (or is a zip bomb), and would exhaust the browser's memory.
        from calculator.statement.read import too_large

        raise too_large()
    try:
        strings = _shared_strings(reader.archive.read(part.PartName[1:])) if part else []
        xml = {path: reader.archive.read(path) for _name, path in sheets}
    except Exception:  # noqa: BLE001 - any failure of a damaged file means the same to the reader
        raise InputError("not_a_table", UNREADABLE, "file") from None
    if not sheets:
        raise InputError("not_a_table", UNREADABLE, "file")

    parsed: dict[str, list[tuple[int, list[str]]] | None] = {}

    def rows(path: str) -> Iterator[list[str]]:
        """Rows in order, gaps (rows with no element) as empty rows."""
        expected = 1
        if path not in parsed:
            parsed[path] = _fast_rows(xml[path], strings, dates, epoch)
        found = parsed[path]
        for number, cells in (
            found if found is not None else _sheet_rows(xml[path], strings, dates, epoch)
        ):
            while expected < number:
                expected += 1
                yield []
            expected = number + 1
            yield cells

    try:
        candidates = [(name, _top_rows(rows(path), HEADER_SEARCH_LINES)) for name, path in sheets]
        chosen = _choose(candidates)
        path = sheets[chosen][1]
        records = _collect(rows(path), limit)
        _fill_merged(records, _xlsx_merges(xml[path]))
    except InputError:
        raise
    except Exception:  # noqa: BLE001
        raise InputError("not_a_table", UNREADABLE, "file") from None
    names = [name for name, _path in sheets]
    found = _has_header(candidates[chosen][1])
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
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
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
        records = _collect(values(sheet), limit, on_progress)
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
