"""File bytes into text, with what the reader should know about how we read them.

Exports reach us in four encodings: UTF-8 (with or without BOM), GBK/GB18030
from older back-offices, and UTF-16 when Excel saves "Unicode text" (tab-separated,
with a BOM, or without one from some tools). A UTF-8 file with one stray byte
(an edited cell saved from another program) is still read, and the note names
the line, so one bad byte never turns a whole file into nonsense or a refusal.
Excel workbooks are not text: `excel.py` reads those before we are asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from calculator.core.errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"
MAX_STRAY_BYTES = 3  # more bad sequences than this and the file is not UTF-8
_SAMPLE = 4096
_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


@dataclass(slots=True)
class Decoded:
    """The text, the encoding's name as shown to the reader, and notes in Chinese."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


# Signatures of files people pick by mistake instead of an export.
_NOT_TABLES = (
    (b"PK\x03\x04", "这是压缩文件，不是交易明细：请选择 Excel（.xlsx、.xls）或 CSV 文件。"),
    (
        b"\xd0\xcf\x11\xe0",
        "这个 Office 文件不是 Excel 表格：请选择 Excel（.xlsx、.xls）或 CSV 文件。",
    ),
    (b"%PDF", "这是 PDF 文件，无法核对：请从系统里导出 Excel 或 CSV 格式的交易明细。"),
)
_NOT_TEXT = (
    "这个文件不是文字表格（可能是图片或其他格式）：请导出 Excel 或 CSV 格式的交易明细后再选择。"
)
_BAD_ENCODING = (
    "文件编码认不出：请从系统里重新导出为 Excel 或 CSV（UTF-8 或 GBK），或把表格内容直接粘贴进来。"
)


def _utf16_order(data: bytes) -> str | None:
    """'le' or 'be' when the bytes look like UTF-16 without a BOM, else None.

    Digits, commas, tabs and line ends are most of an export, and in UTF-16
    each has a zero byte on the same side; Chinese text has none. Text in
    any 8-bit encoding has no zero bytes at all.
    """
    sample = data[: _SAMPLE - _SAMPLE % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    enough = max(2, pairs // 5)
    if odd >= enough and even <= pairs // 50:
        return "le"
    if even >= enough and odd <= pairs // 50:
        return "be"
    return None


def _refuse_binary(data: bytes) -> None:
    """Refuse files that are not text before any decoder guesses at them.

    GB18030 decodes almost any byte sequence, so without this check a picture
    would come back as a table of nonsense to map by hand.
    """
    for signature, message in _NOT_TABLES:
        if data.startswith(signature):
            raise InputError("not_a_table", message, "file")
    sample = data[:_SAMPLE]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise InputError("not_a_table", _NOT_TEXT, "file")


def _utf16(data: bytes, codec: str) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputError("bad_encoding", _BAD_ENCODING, "file") from None
    return Decoded(text.removeprefix("\ufeff"), "utf-16")


def _line_of(data: bytes, position: int) -> int:
    """1-based line of a byte offset; CR-only files (old Mac exports) count CRs."""
    newline = b"\n" if b"\n" in data else b"\r"
    return data.count(newline, 0, position) + 1


def _stray_bytes(data: bytes) -> list[int] | None:
    """Offsets of the bad sequences of an almost-UTF-8 file; None if it is not UTF-8.

    Stops looking once there are more than MAX_STRAY_BYTES: then it is
    another encoding, not a stray byte.
    """
    offsets: list[int] = []
    start = 0
    while True:
        try:
            data[start:].decode("utf-8")
            return offsets
        except UnicodeDecodeError as error:
            if error.reason == "unexpected end of data" and start + error.end >= len(data):
                offsets.append(start + error.start)  # cut in the middle of a character
                return offsets
            offsets.append(start + error.start)
            if len(offsets) > MAX_STRAY_BYTES:
                return None
            start += error.end


def _has_utf8_text(text: str) -> bool:
    """Whether the good parts hold multi-byte UTF-8 (Chinese headers, say)."""
    return _NON_ASCII.search(text) is not None


def decode(data: bytes) -> Decoded:
    """Text and encoding: UTF-16 (BOM or not), UTF-8 (BOM or not, stray bytes named), GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16")
    order = _utf16_order(data)
    if order is not None:
        return _utf16(data, f"utf-16-{order}")
    _refuse_binary(data)
    body, encoding = (data[3:], "utf-8-sig") if data.startswith(UTF8_BOM) else (data, "utf-8")
    bad = _stray_bytes(body)
    if bad == []:
        return Decoded(body.decode("utf-8"), encoding)
    if bad is not None:
        replaced = body.decode("utf-8", "replace")
        if encoding == "utf-8-sig" or _has_utf8_text(replaced):
            return _with_stray_bytes(body, replaced, encoding, bad)
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        if bad is not None:
            return _with_stray_bytes(body, body.decode("utf-8", "replace"), encoding, bad)
        raise InputError("bad_encoding", _BAD_ENCODING, "file") from None


def _with_stray_bytes(body: bytes, text: str, encoding: str, bad: list[int]) -> Decoded:
    """UTF-8 with each bad sequence shown as �, and a note naming its line."""
    lines = sorted({_line_of(body, offset) for offset in bad})
    where = "、".join(f"第 {line} 行" for line in lines)
    note = (
        f"文件是 UTF-8 编码，但{where}有无法识别的字节，已显示为“�”。"
        "如果这一行的金额或手续费因此读不懂，它会列在“没读懂的行”里；请对照原文件核对。"
    )
    return Decoded(text, encoding, [note])
