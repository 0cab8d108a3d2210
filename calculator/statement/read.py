"""Reading a transaction export: bytes or pasted text into numbered rows.

Chinese acquirers export CSV (often GBK) or the reader pastes tab-separated
cells from a spreadsheet. Headers differ from one provider to the next, so we
recognise the usual names and their synonyms and let the reader map columns
by hand when we cannot. Nothing here judges fees; it only finds the cells.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from calculator.core.errors import InputError

MAX_BYTES = 40 * 1024 * 1024  # a year of a busy shop is a few MB; above this is not an export
MAX_ROWS = 500_000
HEADER_SEARCH_LINES = 30  # exports often start with a title and the account name

# Fields we look for, each with the header names providers use, best first:
# when two columns match one field, the one with the earlier name wins (so
# 卡类型 beats 交易类型, which some providers fill with 消费/撤销).
FIELDS: dict[str, tuple[str, ...]] = {
    "time": (
        "交易时间",
        "交易日期",
        "交易日期时间",
        "交易完成时间",
        "付款时间",
        "支付时间",
        "日期",
        "时间",
    ),
    "amount": ("交易金额", "金额", "订单金额", "消费金额", "收款金额", "交易本金"),
    "channel": (
        "卡类型",
        "卡种",
        "卡类别",
        "卡属性",
        "借贷标识",
        "支付方式",
        "支付渠道",
        "交易方式",
        "交易类型",
    ),
    "fee": ("手续费", "交易手续费", "手续费金额", "实收手续费", "商户手续费"),
    "settled": ("结算金额", "到账金额", "入账金额", "清算金额", "实际到账金额", "实际到账"),
    "merchant": ("商户名称", "商户名", "门店名称"),
    "terminal": ("终端号", "终端编号", "终端ID", "终端"),
}
FIELD_NAMES_ZH = {
    "time": "交易时间",
    "amount": "交易金额",
    "channel": "支付方式（卡类型）",
    "fee": "手续费",
    "settled": "结算金额",
    "merchant": "商户名称",
    "terminal": "终端号",
}
REQUIRED = ("amount", "fee")
_RANK = {name: (fld, rank) for fld, names in FIELDS.items() for rank, name in enumerate(names)}
_UNIT = re.compile(r"[(（\[【]\s*(?:元|人民币|RMB|CNY|￥|¥)\s*[)）\]】]$", re.I)

# Channel words as they appear in cells; the first keyword found wins, so the
# more specific words come first (准贷记卡 before 借记, 银联二维码 before 银联).
CHANNEL_WORDS: tuple[tuple[str, str], ...] = (
    ("云闪付", "unionpay_qr"),
    ("银联二维码", "unionpay_qr"),
    ("银联扫码", "unionpay_qr"),
    ("银联码", "unionpay_qr"),
    ("微信", "wechat"),
    ("支付宝", "alipay"),
    ("准贷记", "credit"),
    ("贷记", "credit"),
    ("信用", "credit"),
    ("借记", "debit"),
    ("储蓄", "debit"),
)
_CHANNEL_CODES = {
    "credit": "credit",
    "debit": "debit",
    "wechat": "wechat",
    "weixin": "wechat",
    "alipay": "alipay",
    "unionpay_qr": "unionpay_qr",
    "unionpay": "unionpay_qr",
    "贷": "credit",
    "借": "debit",
    "c": "credit",
    "d": "debit",
}


@dataclass
class Table:
    """The export split into cells, with where each record started."""

    encoding: str
    delimiter: str
    records: list[tuple[int, list[str]]]  # (1-based line, cells), blank lines left out
    header_index: int | None = None  # index into records of the header row
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    channel_default: str | None = None
    notes: list[str] = field(default_factory=list)  # how the file was read, for the reader

    @property
    def header(self) -> list[str]:
        return [] if self.header_index is None else self.records[self.header_index][1]

    @property
    def data(self) -> list[tuple[int, list[str]]]:
        start = 0 if self.header_index is None else self.header_index + 1
        return self.records[start:]


def bytes_from_base64(text: object) -> bytes:
    if not isinstance(text, str):
        raise InputError("bad_file", "文件没有读进来，请重新选择文件。", "file")
    if len(text) > MAX_BYTES * 4 // 3 + 8:
        raise too_large()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("bad_file", "文件没有读进来，请重新选择文件。", "file") from None


def too_large() -> InputError:
    return InputError(
        "file_too_large",
        f"文件太大（超过 {MAX_BYTES // 1024 // 1024} MB）：请按月分开导出后逐个核对。",
        "file",
    )


def clean_cell(cell: str) -> str:
    """A cell as a person reads it: spreadsheet wrappers and padding removed.

    Exports guard numbers against Excel with ="123", a leading tab or a
    backtick; the value is what is inside.
    """
    text = cell.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    if text.startswith(("`", "'")):
        text = text[1:].strip()
    return text


def header_key(cell: str) -> str:
    text = unicodedata.normalize("NFKC", clean_cell(cell)).strip("\"'*")
    text = "".join(text.split())
    return _UNIT.sub("", text)


def recognise(header: list[str]) -> dict[str, int]:
    """Map fields to column indexes from header names; best synonym wins."""
    best: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(header):
        hit = _RANK.get(header_key(cell))
        if hit is None:
            continue
        fld, rank = hit
        if fld not in best or rank < best[fld][0]:
            best[fld] = (rank, index)
    return {fld: index for fld, (_rank, index) in best.items()}


def channel_of(cell: str) -> str | None:
    """Channel id for a cell such as 信用卡、贷记卡、微信支付; None if unknown."""
    text = unicodedata.normalize("NFKC", cell).strip()
    for word, channel in CHANNEL_WORDS:
        if word in text:
            return channel
    return _CHANNEL_CODES.get(text.lower())


def _split(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Records with their first line number; blank lines (or only delimiters) left out."""
    blank = delimiter + " \t\r"
    if '"' not in text:
        # No quoting anywhere: one record per line, and str.split is several times faster.
        lines = text.split("\n")
        if len(lines) > MAX_ROWS + HEADER_SEARCH_LINES:
            raise too_many_rows()
        return [
            (number, line.rstrip("\r").split(delimiter))
            for number, line in enumerate(lines, 1)
            if line.strip(blank)
        ]
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if delimiter.join(cells).strip(blank):
                records.append((line, cells))
                if len(records) > MAX_ROWS + HEADER_SEARCH_LINES:
                    raise too_many_rows()
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError(
            "bad_csv",
            f"第 {line} 行附近的格式无法读取（{error}）：请检查引号是否成对，或重新导出。",
            "file",
        ) from None
    return records


def too_many_rows() -> InputError:
    return InputError(
        "too_many_rows", f"行数太多（超过 {MAX_ROWS:,} 行）：请按月分开导出后逐个核对。", "file"
    )


def _guess_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return "\t" if line.count("\t") >= max(1, line.count(",")) else ","
    return ","


def read_table(text: str, encoding: str = "text") -> Table:
    """Split into records and find the header row among the first lines."""
    if len(text) > MAX_BYTES:
        raise too_large()
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(
            "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。", "file"
        )
    delimiters = ["\t", ","] if _guess_delimiter(text) == "\t" else [",", "\t"]
    for delimiter in delimiters:
        # Parse only the top to find the header; the rest once the delimiter is known.
        top = "\n".join(text.splitlines()[: HEADER_SEARCH_LINES + 20])
        try:
            head_records = _split(top, delimiter)[:HEADER_SEARCH_LINES]
        except InputError:
            continue
        for index, (_line, cells) in enumerate(head_records):
            columns = recognise(cells)
            if all(f in columns for f in REQUIRED):
                table = Table(encoding, delimiter, _split(text, delimiter), index, columns)
                return table
    return Table(encoding, delimiters[0], _split(text, delimiters[0]))


def table_from_records(records: list[tuple[int, list[str]]], encoding: str) -> Table:
    """Rows another reader split (an Excel sheet): the same header search and limits as text."""
    if len(records) > MAX_ROWS + HEADER_SEARCH_LINES:
        raise too_many_rows()
    if not records:
        raise InputError(
            "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。", "file"
        )
    for index, (_line, cells) in enumerate(records[:HEADER_SEARCH_LINES]):
        columns = recognise(cells)
        if all(f in columns for f in REQUIRED):
            return Table(encoding, "", records, index, columns)
    return Table(encoding, "", records)


def apply_mapping(table: Table, mapping: object) -> None:
    """The reader's own column choice: {"amount": 2, "fee": 4, ...} (0-based).

    Optional "header": whether the first row holds names (default: yes unless
    its amount cell is a number) and "channel_default" for one-channel exports.
    """
    from calculator.core.channels import CHANNELS

    if not isinstance(mapping, dict):
        raise InputError("bad_mapping", "列的对应关系格式不对，请重新选择。", "mapping")
    width = max((len(cells) for _line, cells in table.records[:50]), default=0)
    columns: dict[str, int] = {}
    for fld in FIELDS:
        value = mapping.get(fld)
        if value is None or value == "":
            continue
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < width:
            raise InputError(
                "bad_mapping", f"“{FIELD_NAMES_ZH[fld]}”对应的列不存在，请重新选择。", fld
            )
        columns[fld] = value
    default = mapping.get("channel_default") or None
    if default is not None and default not in CHANNELS:
        raise InputError("bad_mapping", "默认支付方式不对，请从列表中选择。", "channel_default")
    for fld in REQUIRED:
        if fld not in columns:
            raise InputError("bad_mapping", f"请指定哪一列是“{FIELD_NAMES_ZH[fld]}”。", fld)
    if "channel" not in columns and default is None:
        raise InputError(
            "bad_mapping", "请指定哪一列是支付方式，或选择整份账单的支付方式。", "channel"
        )
    header = mapping.get("header")
    if header is None and table.records:
        header = not _looks_like_amount(table.records[0][1], columns["amount"])
    table.header_index = 0 if header and table.records else None
    table.columns = columns
    table.channel_default = default


def _looks_like_amount(cells: list[str], index: int) -> bool:
    from calculator.core.money import parse_amount

    if index >= len(cells):
        return False
    try:
        parse_amount(clean_cell(cells[index]))
    except InputError:
        return False
    return True
