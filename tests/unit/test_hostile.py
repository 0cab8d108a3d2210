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


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
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
