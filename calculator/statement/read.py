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
HEADER_SEARCH_LINES = 30  # exports often start with a title, the account name and a summary block
# Bounds on one record, so a hostile or broken file costs time in proportion to
# what a real export could hold: a line of 10,000 columns of 100 characters, a
# free-text cell whose quotes span a few lines.
MAX_LINE_CHARS = 1_000_000
MAX_QUOTED_LINES = 5
MAX_CELL_CHARS = 200  # cells we echo back (merchant name, a bad amount) are cut to this
MAX_PREVIEW_COLUMNS = 60  # the mapping form offers at most this many columns
DELIMITERS = (",", "\t", ";")

# Fields we look for, each with the header names providers use, best first:
# when two columns match one field, the one with the earlier name wins. A
# second channel column (支付方式 beside 卡类型) is kept as "channel_alt": it
# names the wallet when the card type is blank or "--".
FIELDS: dict[str, tuple[str, ...]] = {
    "time": (
        "交易时间",
        "交易日期时间",
        "交易完成时间",
        "付款时间",
        "支付时间",
        "时间",
    ),
    "date": ("交易日期", "日期", "清算日期", "结算日期"),
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
        "支付类型",
    ),
    "kind": ("交易类型", "业务类型", "交易种类", "交易名称"),
    "fee": ("手续费", "交易手续费", "手续费金额", "实收手续费", "商户手续费"),
    "settled": ("结算金额", "到账金额", "入账金额", "清算金额", "实际到账金额", "实际到账"),
    "merchant": ("商户名称", "商户名", "门店名称"),
    "terminal": ("终端号", "终端编号", "终端ID", "终端"),
}
FIELD_NAMES_ZH = {
    "time": "交易时间",
    "date": "交易日期",
    "amount": "交易金额",
    "channel": "支付方式（卡类型）",
    "kind": "交易类型（消费、撤销、退货…）",
    "fee": "手续费",
    "settled": "结算金额（到账金额）",
    "merchant": "商户名称",
    "terminal": "终端号",
    "channel_alt": "支付方式",
}
# The fee column, or a settled column to derive it from (fee = amount - settled).
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
    ("wechat", "wechat"),
    ("weixin", "wechat"),
    ("支付宝", "alipay"),
    ("alipay", "alipay"),
    ("准贷记", "credit"),
    ("贷记", "credit"),
    ("信用", "credit"),
    ("credit", "credit"),
    ("借记", "debit"),
    ("储蓄", "debit"),
    ("debit", "debit"),
)
# Words that name a way to pay our plans do not price on their own: the
# reader is told why instead of "not recognised".
UNPRICED_WORDS: tuple[tuple[str, str], ...] = (
    ("外卡", "外卡（境外银行卡）不在方案的费率里，不能核对"),
    ("境外", "境外卡不在方案的费率里，不能核对"),
    ("闪付", "闪付（挥卡）没写明是信用卡还是借记卡，不能核对"),
    ("银联卡", "银联卡没写明是信用卡还是借记卡，不能核对"),
    ("扫码", "扫码没写明是微信、支付宝还是云闪付，不能核对"),
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
# Cells that say "nothing here": the channel is then read from channel_alt.
EMPTY_CELLS = frozenset({"", "-", "--", "---", "/", "无", "null", "none", "n/a"})

# Transaction types (交易类型). Longer words first: 预授权完成撤销 is a void,
# 预授权完成 a sale, 预授权 alone only holds money and costs no fee.
SALE, VOID, REVERSAL, REFUND, PREAUTH = "sale", "void", "reversal", "refund", "preauth"
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("预授权完成撤销", VOID),
    ("预授权完成冲正", REVERSAL),
    ("预授权完成", SALE),
    ("预授权撤销", VOID),
    ("预授权冲正", REVERSAL),
    ("预授权", PREAUTH),
    ("撤销", VOID),
    ("冲正", REVERSAL),
    ("退货", REFUND),
    ("退款", REFUND),
    ("消费", SALE),
    ("销售", SALE),
    ("收款", SALE),
    ("支付", SALE),
    ("付款", SALE),
    ("交易成功", SALE),
    ("void", VOID),
    ("reversal", REVERSAL),
    ("refund", REFUND),
    ("sale", SALE),
    ("purchase", SALE),
)
# Subtotal and total rows, in any column: 合计, 借记卡小计, 小计(信用卡), 总计：
_TOTAL = re.compile(r"^[^0-9]{0,12}?(小计|合计|总计|汇总)")


Record = tuple[int, list[str]]  # (1-based line where the record starts, cells)


@dataclass
class Table:
    """The export split into cells, with where each record started.

    `problems` names records that could not be split (a quote never closed,
    a line past the size limit): the row loop reports them with their line
    instead of guessing at their cells.
    """

    encoding: str
    delimiter: str
    records: list[Record]  # blank lines left out
    header_index: int | None = None  # index into records of the header row
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    channel_default: str | None = None
    problems: dict[int, str] = field(default_factory=dict)  # line -> why it was not split
    notes: list[str] = field(default_factory=list)  # for the reader: how the file was read

    @property
    def header(self) -> list[str]:
        return [] if self.header_index is None else self.records[self.header_index][1]

    @property
    def data(self) -> list[Record]:
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


def channel_of(cell: str) -> str | None:
    """Channel id for a cell such as 信用卡、贷记卡、微信支付、WeChat Pay; None if unknown."""
    text = unicodedata.normalize("NFKC", cell).strip().lower()
    for word, channel in CHANNEL_WORDS:
        if word in text:
            return channel
    return _CHANNEL_CODES.get(text)


def unpriced_reason(cell: str) -> str | None:
    """Why a known way to pay (外卡, 闪付, 扫码 …) cannot be priced, or None."""
    text = unicodedata.normalize("NFKC", cell)
    for word, reason in UNPRICED_WORDS:
        if word in text:
            return reason
    return None


def kind_of(cell: str) -> str | None:
    """SALE, VOID, REVERSAL, REFUND or PREAUTH for a 交易类型 cell; None if unknown.

    A blank cell, or a card type written in the type column, is a sale.
    """
    text = unicodedata.normalize("NFKC", cell).strip().lower()
    if text in EMPTY_CELLS:
        return SALE
    for word, kind in KIND_WORDS:
        if word in text:
            return kind
    return SALE if channel_of(text) else None


def total_label(cell: str) -> str | None:
    """The total word (小计, 合计, 总计, 汇总) a label cell starts with, else None."""
    if "计" not in cell and "汇总" not in cell:
        return None
    found = _TOTAL.match(unicodedata.normalize("NFKC", cell).strip())
    return found.group(1) if found else None


def cut(text: str) -> str:
    """A cell as we echo it back: at most MAX_CELL_CHARS characters."""
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + "…"


# --- splitting: one line rule for the header search and the rows ------------


def lines_of(text: str) -> list[str]:
    """Physical lines: CRLF, CR (old Mac Excel) and LF all end a line; nothing else does.

    `str.splitlines` would also split on \\v, \\f and U+2028, which can sit
    inside a cell; the header search and the rows use this one rule so a line
    number means the same everywhere.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


_RECORD_PATTERNS: dict[str, re.Pattern[str]] = {}


def _record_pattern(delimiter: str) -> re.Pattern[str]:
    """A whole record with well-formed quoting: a quote opens a cell only at its start."""
    pattern = _RECORD_PATTERNS.get(delimiter)
    if pattern is None:
        d = re.escape(delimiter)
        cell = f'(?:"(?:[^"]|"")*"[ \\t]*|[^"{d}][^{d}]*|)'
        pattern = _RECORD_PATTERNS[delimiter] = re.compile(f"{cell}(?:{d}{cell})*")
    return pattern


def _quoted(lines: list[str], start: int, delimiter: str) -> tuple[list[str], int] | str:
    """Cells of a quoted record starting at lines[start] and the lines it spans; or why not.

    A quoted cell may hold line breaks, but only for a few lines that do not
    look like records themselves: a stray opening quote must not swallow the
    rows after it, so the record is refused and the next line is read on its
    own.
    """
    fullmatch = _record_pattern(delimiter).fullmatch
    text = lines[start]
    # A line as wide as this one is a record of its own, not the rest of a cell.
    width = max(2, text.count(delimiter))
    for used in range(1, MAX_QUOTED_LINES + 1):
        if fullmatch(text):
            return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), used
        if start + used >= len(lines) or len(text) > MAX_LINE_CHARS:
            break
        following = lines[start + used]
        # The part of the next line that would sit inside the open cell: a
        # remark's second line holds a few words; a whole row there means the
        # quote was stray.
        if following.partition('"')[0].count(delimiter) >= width:
            return "这一行的引号没有配对（下一行已是另一笔交易），这一行没有核对：请检查这一行"
        text += "\n" + following
    if start + used >= len(lines):
        return "这一行的引号没有配对（到文件末尾也没有闭合），这一行没有核对：请检查这一行"
    return "这一行的引号没有配对或位置不对，这一行没有核对：请检查这一行"


def split_lines(
    lines: list[str], delimiter: str, first_line: int = 1, limit: int | None = None
) -> tuple[list[Record], dict[int, str]]:
    """Records with their first line number, and the lines that could not be split.

    Blank lines (or only delimiters) are left out. A record that cannot be
    split is kept with its cells split plainly (so a header search or a
    mapping preview still sees it) and named in the problems.
    """
    records: list[Record] = []
    problems: dict[int, str] = {}
    blank = delimiter + " \t"
    cap = MAX_ROWS + HEADER_SEARCH_LINES if limit is None else limit
    skip_to = 0
    for index, line in enumerate(lines):
        if index < skip_to or not line.strip(blank):
            continue
        number = index + first_line
        if len(records) >= cap:
            if limit is not None:
                break
            raise too_many_rows()
        if len(line) > MAX_LINE_CHARS:
            records.append((number, []))
            problems[number] = (
                f"这一行太长（{len(line):,} 个字符，上限 {MAX_LINE_CHARS:,}），没有读取"
            )
        elif '"' not in line:
            records.append((number, line.split(delimiter)))
        else:
            quoted = _quoted(lines, index, delimiter)
            if isinstance(quoted, str):
                records.append((number, line.split(delimiter)))
                problems[number] = quoted
            else:
                records.append((number, quoted[0]))
                skip_to = index + quoted[1]
    return records, problems


def too_many_rows() -> InputError:
    return InputError(
        "too_many_rows", f"行数太多（超过 {MAX_ROWS:,} 行）：请按月分开导出后逐个核对。", "file"
    )


def _delimiter_order(lines: list[str]) -> list[str]:
    """Delimiters, the most frequent in the top lines first (tab wins ties: pasted cells)."""
    top = "\n".join(lines[: HEADER_SEARCH_LINES + 20])
    return sorted(DELIMITERS, key=lambda d: (-top.count(d), d != "\t"))


def find_header(records: list[Record]) -> tuple[int, dict[str, int]] | None:
    """The header among the first records: amount and fee (or settled) named, most fields.

    A summary block above the detail table also names 交易金额 and 手续费, but
    fewer fields than the detail header, so the richer row wins; on a tie the
    first one does (a header repeated after a page break comes later).
    """
    best: tuple[int, int, dict[str, int]] | None = None
    for index, (_line, cells) in enumerate(records[:HEADER_SEARCH_LINES]):
        if len(cells) > MAX_PREVIEW_COLUMNS * 50:
            continue
        columns = recognise(cells)
        usable = "amount" in columns and ("fee" in columns or "settled" in columns)
        if usable and (best is None or len(columns) > best[0]):
            best = (len(columns), index, columns)
    return None if best is None else (best[1], best[2])


def read_table(text: str, encoding: str = "text") -> Table:
    """Split text into records and find the header row among the first lines."""
    if len(text) > MAX_BYTES:
        raise too_large()
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(
            "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。", "file"
        )
    lines = lines_of(text)
    delimiters = _delimiter_order(lines)
    for delimiter in delimiters:
        head, _ = split_lines(lines, delimiter, limit=HEADER_SEARCH_LINES)
        if find_header(head) is not None:
            records, problems = split_lines(lines, delimiter)
            return table_from_records(records, encoding, delimiter, problems)
    records, problems = split_lines(lines, delimiters[0])
    return table_from_records(records, encoding, delimiters[0], problems)


def table_from_records(
    records: list[Record],
    encoding: str,
    delimiter: str = "",
    problems: dict[int, str] | None = None,
) -> Table:
    """The seam for every source of rows: CSV text above, an Excel sheet's grid.

    `records` are (1-based line or sheet row, cells as text), blank rows left
    out. The header is searched for here and the row loop (check.Checker)
    reads `Table.data`, so an Excel sheet gets the same header search, limits
    and nothing-lost accounting as a CSV file.
    """
    if len(records) > MAX_ROWS + HEADER_SEARCH_LINES:
        raise too_many_rows()
    if not records:
        raise InputError(
            "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。", "file"
        )
    table = Table(encoding, delimiter, records, problems=dict(problems or {}))
    found = find_header(records)
    if found is not None:
        table.header_index, table.columns = found
    return table


def recognise(header: list[str]) -> dict[str, int]:
    """Map fields to column indexes from header names; best synonym wins.

    交易类型 is the transaction type; when no other column names the card
    type, its cells are read for the channel too (some providers write
    贷记卡 there). A second channel column becomes "channel_alt".
    """
    best: dict[str, tuple[int, int]] = {}
    channels: list[tuple[int, int]] = []
    for index, cell in enumerate(header):
        if len(cell) > 40:
            continue
        hit = _RANK.get(header_key(cell))
        if hit is None:
            continue
        fld, rank = hit
        if fld == "channel":
            channels.append((rank, index))
        if fld not in best or rank < best[fld][0]:
            best[fld] = (rank, index)
    columns = {fld: index for fld, (_rank, index) in best.items()}
    channels.sort()
    if len(channels) > 1:
        columns["channel_alt"] = channels[1][1]
    if "channel" not in columns and "kind" in columns:
        columns["channel"] = columns["kind"]
    return columns


def apply_mapping(table: Table, mapping: object) -> None:
    """The reader's own column choice: {"amount": 2, "fee": 4, ...} (0-based).

    Fields the mapping leaves out keep the columns recognised from the header
    (so `--channel credit` alone does not ask for the amount column again).
    Optional "header": whether the first row holds names (default: the
    recognised header, else yes unless its amount cell is a number) and
    "channel_default" for one-channel exports.
    """
    from calculator.core.channels import CHANNELS

    if not isinstance(mapping, dict):
        raise InputError("bad_mapping", "列的对应关系格式不对，请重新选择。", "mapping")
    width = max((len(cells) for _line, cells in table.records[:50]), default=0)
    given: dict[str, int] = {}
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
        given[fld] = value
    default = mapping.get("channel_default") or None
    if default is not None and default not in CHANNELS:
        raise InputError("bad_mapping", "默认支付方式不对，请从列表中选择。", "channel_default")
    columns = {**table.columns, **given}
    if "amount" not in columns:
        raise InputError("bad_mapping", f"请指定哪一列是“{FIELD_NAMES_ZH['amount']}”。", "amount")
    if "fee" not in columns and "settled" not in columns:
        raise InputError(
            "bad_mapping",
            "请指定哪一列是“手续费”（或“结算金额”：用交易金额减去它得到手续费）。",
            "fee",
        )
    if "channel" not in columns and default is None:
        raise InputError(
            "bad_mapping", "请指定哪一列是支付方式，或选择整份账单的支付方式。", "channel"
        )
    header = mapping.get("header")
    if table.header_index is None or header is False:
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
