"""Replies of the statement check: the keys and wording the page and the CLI read."""

from __future__ import annotations

import json

from calculator import api
from calculator.api import statement as api_statement
from tests.statement_values import HIKE, b64, statement


def test_unknown_headers_ask_for_a_mapping_with_a_preview() -> None:
    text = "A,B,C,D\n2025-03-01,信用卡,10000,60\n"
    result = api_statement.statement_check(text=text)
    assert result["need_mapping"] is True
    assert [c["samples"][:2] for c in result["columns"]][2] == ["C", "10000"]
    assert "交易金额" in result["message_zh"]


def test_call_json_round_trip() -> None:
    request = json.dumps(
        {"fn": "statement_check", "args": {"data": b64(statement(HIKE).encode("gbk"))}}
    )
    reply = json.loads(api.call_json(request))
    assert reply["overcharge"] == "733.86"
