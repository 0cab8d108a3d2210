"""Hostile-input gate, table-driven, through every Python input path the
browser uses: each value is refused with a Chinese message, never an
exception, never a number."""

from __future__ import annotations

import json

import pytest

from calculator import api
from tests.hostile_values import HOSTILE


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_enough_hostile_values() -> None:
    assert len(HOSTILE) >= 50
    assert len(set(HOSTILE)) == len(HOSTILE)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(
    "path",
    [
        ("fee", "amount", {"channel": "credit"}),
        ("gross", "net", {"channel": "credit"}),
        ("fee", "channel", {"amount": "100"}),
        ("fee", "plan", {"amount": "100", "channel": "credit"}),
    ],
    ids=["fee-amount", "gross-net", "fee-channel", "fee-plan"],
)
def test_refused_in_chinese_through_the_worker_entry(value: str, path: tuple) -> None:
    fn, field, others = path
    reply = json.loads(api.call_json(json.dumps({"fn": fn, "args": {field: value, **others}})))
    assert "error" in reply, reply
    assert _is_chinese(reply["error"]["message_zh"])
    assert "Traceback" not in json.dumps(reply, ensure_ascii=False)


# Legitimate in a contract box: blank means "not in my contract", 0 and
# 0.001 are real figures. Everything else in the table must be refused.
CONTRACT_FIGURES_OK = {"\t", "\r\n", " ", "0", "0.001"}


@pytest.mark.parametrize(
    "value", [v for v in HOSTILE if v not in CONTRACT_FIGURES_OK], ids=lambda v: repr(v)[:20]
)
@pytest.mark.parametrize("field", ["rate_percent", "cap", "fixed"])
def test_custom_rates_refuse_hostile_values(value: str, field: str) -> None:
    channel = {"rate_percent": "0.6", field: value}
    reply = api.safe_call(
        "fee", amount="100", channel="credit", custom={"channels": {"credit": channel}}
    )
    assert "error" in reply, reply
    assert _is_chinese(reply["error"]["message_zh"])


@pytest.mark.parametrize(
    "request_text",
    [
        "",
        "null",
        "[]",
        "{}",
        '{"fn": "__import__"}',
        '{"fn": "fee", "args": []}',
        '{"fn": "fee", "args": {"amount": 1e999999}}',
        "{" * 10_000,
        '{"fn": "safe_call"}',
        '{"fn": "fee", "args": {"amount": "1", "channel": "credit", "plans_file": "/etc/passwd"}}',
    ],
)
def test_malformed_worker_requests(request_text: str) -> None:
    reply = json.loads(api.call_json(request_text))
    if "error" not in reply:  # plans_file is dropped: the bundled plans answer
        assert reply["plan"] == "lakala-personal"
        return
    assert _is_chinese(reply["error"]["message_zh"])


# ---- shared links: the calculator's URL state -------------------------------

STATE_KEYS = ["v", "amount", "net", "channel", "plan", "cmp", "m_credit", "c_credit_rate"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_url_state_refuses_hostile_values(value: str) -> None:
    reply = api.safe_call("fees_link", query={key: value for key in STATE_KEYS})
    assert "error" not in reply
    clean, problems = reply["state"], reply["problems"]
    # Nothing hostile survives into the state the page restores.
    for key in STATE_KEYS:
        assert value not in json.dumps(clean.get(key, ""), ensure_ascii=False) or value == ""
    assert problems and all(_is_chinese(p["message_zh"]) for p in problems)


# ---- shared links: the walker's answers ------------------------------------


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_checklist_answers_refuse_hostile_values(value: str) -> None:
    # A blank answer list is a fresh start, not an error.
    for answers in (value, f"stage={value}", f"{value}=x")[1 if not value.strip() else 0 :]:
        reply = api.safe_call("walker_step", answers=answers)
        assert "error" in reply, (answers, reply)
        assert _is_chinese(reply["error"]["message_zh"])
        assert reply["restart"]["kind"] == "question"


# ---- statements: hostile cells, files and encodings --------------------------

HEADER = "交易时间,交易金额,卡类型,手续费,商户名称\n"


def test_statement_cells_hostile_rows_rejected_not_lost() -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["交易时间", "交易金额", "卡类型", "手续费", "商户名称"])
    for value in HOSTILE:
        writer.writerow(["2025-01-01", value, "信用卡", "0.60", value])  # bad amount
        writer.writerow(["2025-01-01", "100", value, "0.60", value])  # bad channel
        writer.writerow(["2025-01-01", "100", "信用卡", "0.60", value])  # fine, hostile name
    reply = api.safe_call("statement_check", text=buffer.getvalue(), limit=10_000)
    assert reply["rows"] == 3 * len(HOSTILE)
    named = reply["flagged"] + reply["rejected"] + reply["skipped"]
    assert reply["checked"] + named == reply["rows"] and reply["adds_up"]
    assert reply["checked"] == len(HOSTILE)
    # Accounting negatives such as (100) are refunds, said so; the rest are refused.
    assert {r["line"] for r in reply["skipped_rows"]} <= {
        3 * HOSTILE.index(v) + 2 for v in ("(100)", "- 1")
    }
    assert all(_is_chinese(r["reason"]) for r in reply["rejected_rows"] + reply["skipped_rows"])
    # The findings CSV never starts a cell with a formula character.
    import csv as csv_module

    for row in csv_module.reader(io.StringIO(reply["csv"].lstrip("\ufeff"))):
        for cell in row:
            assert (
                not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                or cell[:1] == "-"
                and (cell[1:2].isdigit())
            ), cell


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\x00" * 1000,
        bytes(range(256)) * 40,
        b"\xff\xfe" + "交易金额".encode("utf-16-le"),  # UTF-16: not offered by Chinese exports
        b"PK\x03\x04" + b"\x00" * 200,  # a zip / xlsx
        b"%PDF-1.7\n" + b"\x9c" * 500,
        (b"<html><script>alert(1)</script></html>"),
        b"\x8f" * 64,  # nonsense that GB18030 still decodes: must go to mapping
    ],
    ids=["empty", "nuls", "binary", "utf16", "xlsx", "pdf", "html", "broken-gbk"],
)
def test_statement_unreadable_files(payload: bytes) -> None:
    import base64

    reply = api.safe_call("statement_check", data=base64.b64encode(payload).decode())
    if "error" in reply:
        assert _is_chinese(reply["error"]["message_zh"])
    else:  # decodable as text: nothing is checked until a person maps the columns
        assert reply["need_mapping"] is True and _is_chinese(reply["message_zh"])


def test_statement_ten_megabytes_of_garbage() -> None:
    import base64
    import random

    garbage = random.Random(8).randbytes(10 * 1024 * 1024)
    reply = api.safe_call("statement_check", data=base64.b64encode(garbage).decode())
    assert "error" in reply and _is_chinese(reply["error"]["message_zh"])


def test_unexpected_failure_becomes_a_chinese_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: object) -> dict:
        raise LookupError("unknown encoding: gb18030")

    monkeypatch.setitem(api.FUNCTIONS, "fee", broken)
    reply = json.loads(api.call_json('{"fn": "fee", "args": {}}'))
    assert reply["error"]["code"] == "internal" and _is_chinese(reply["error"]["message_zh"])
    assert "gb18030" in reply["error"]["detail"]
