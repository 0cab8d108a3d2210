"""File bytes into text: UTF-16 with and without BOM, UTF-8 with a stray byte, GBK."""

from __future__ import annotations

import pytest

from calculator.api import statement as api_statement
from calculator.core.errors import InputError
from calculator.statement.decode import MAX_STRAY_BYTES, decode
from tests.excel_values import COUNTS, utf16_text
from tests.statement_values import FINE, b64, counts, statement


@pytest.mark.parametrize(
    ("bom", "order"),
    [(True, "le"), (True, "be"), (False, "le"), (False, "be")],
    ids=["le-bom", "be-bom", "le", "be"],
)
def test_excel_unicode_text_is_read_as_utf16(bom: bool, order: str) -> None:
    data = utf16_text(bom, order)
    decoded = decode(data)
    assert decoded.encoding == "utf-16" and decoded.notes == []
    assert decoded.text.startswith("交易时间\t卡类型")
    result = api_statement.statement_check(data=b64(data))
    assert result["encoding"] == "utf-16" and result["delimiter"] == "tab"
    assert {k: result[k] for k in COUNTS} == COUNTS


def test_utf16_that_does_not_decode_is_refused_in_chinese() -> None:
    with pytest.raises(InputError) as caught:
        decode(b"\xff\xfe" + "交易".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    assert caught.value.code == "bad_encoding" and "编码认不出" in caught.value.message_zh


def test_a_stray_byte_in_utf8_is_read_and_its_line_named() -> None:
    text = statement(*FINE).encode("utf-8")
    broken = text.replace(b"60.00", b"6\xff0.00", 1)  # line 2: the first row's fee
    decoded = decode(broken)
    assert decoded.encoding == "utf-8"
    assert decoded.notes == [
        "文件是 UTF-8 编码，但第 2 行有无法识别的字节，已显示为“�”。"
        "如果这一行的金额或手续费因此读不懂，它会列在“没读懂的行”里；请对照原文件核对。"
    ]
    result = api_statement.statement_check(data=b64(broken))
    assert counts(result) == (3, 2, 0, 1)  # the damaged fee is rejected, never guessed
    assert result["rejected_rows"][0]["line"] == 2
    assert result["notes"] == decoded.notes


def test_stray_bytes_on_several_lines_and_in_a_bom_file() -> None:
    lines = statement(*FINE).encode("utf-8").split(b"\n")
    lines[1] += b"\x80"
    lines[3] += b"\xc3"  # a lead byte with nothing after it
    decoded = decode(b"\xef\xbb\xbf" + b"\n".join(lines))
    assert decoded.encoding == "utf-8-sig"
    assert "第 2 行、第 4 行" in decoded.notes[0]


def test_cr_only_files_name_the_line_too() -> None:
    data = statement(*FINE).replace("\n", "\r").encode("utf-8").replace(b"T1", b"T\xfe1", 1)
    assert "第 2 行" in decode(data).notes[0]


def test_gbk_is_not_mistaken_for_utf8_with_stray_bytes() -> None:
    decoded = decode(statement(*FINE).encode("gbk"))
    assert decoded.encoding == "gb18030" and decoded.notes == []
    assert decoded.text.startswith("交易时间")


def test_more_bad_bytes_than_a_stray_few_mean_another_encoding() -> None:
    # Ten bad sequences and no UTF-8 text at all: read as GB18030, no stray-byte note.
    data = b"amount,fee,name\n" + b"1,1,caf\xe9s\n" * 10
    assert MAX_STRAY_BYTES < 10
    decoded = decode(data)
    assert decoded.encoding == "gb18030" and decoded.notes == []


def test_pure_ascii_and_clean_utf8_have_no_notes() -> None:
    assert decode(b"a,b\n1,2\n").notes == []
    assert decode(statement(*FINE).encode("utf-8")).encoding == "utf-8"


def test_utf8_with_a_stray_byte_is_not_read_as_gbk_mojibake() -> None:
    # Even-length Chinese words in UTF-8 also decode as GB18030 (into nonsense):
    # the stray byte must not tip the whole file into the wrong encoding.
    text = "交易时间,卡种,交易金额,手续费（人民币）\n2025-03-01 10:00,贷记,10000.00,60.00\n"
    data = text.encode("utf-8").replace(b"60.00", b"\xa1A60.00")
    data.decode("gb18030")  # the trap: this does not fail
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.text.startswith("交易时间")
    assert "第 2 行" in decoded.notes[0]
