"""The same api requests in real Pyodide (the pinned npm package, under Node) and
in CPython give byte-identical JSON replies: fees, months, links, the walker, and
the statement check through every route its page uses (decoding UTF-8, BOM and
GBK files, mapping, findings, chart, CSV, open/step/result with progress).
One Pyodide boot for the whole batch."""

from __future__ import annotations

import json

import pytest

from tests.parity_values import fees_and_walker_requests, statement_requests
from tests.pyodide.runner import differences, run_in_pyodide

pytestmark = pytest.mark.pyodide
# Requests that are malformed on purpose; every other one must reach its function.
MALFORMED = ['{"fn": "nope", "args": {}}', '{"fn": "fee"}', "not json", "[]"]


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str], dict]:
    fees, statement = fees_and_walker_requests(), statement_requests()
    return fees, statement, run_in_pyodide(fees + statement, tmp_path_factory.mktemp("pyodide"))


def _reply(requests: list[str], replies: list[str], request: dict) -> dict:
    return json.loads(replies[requests.index(json.dumps(request))])


def test_runs_on_python_3_14(parity: tuple[list[str], list[str], dict]) -> None:
    assert parity[2]["python"].startswith("3.14")


def test_every_reply_identical_to_cpython(parity: tuple[list[str], list[str], dict]) -> None:
    fees, statement, result = parity
    requests, replies = fees + statement, result["replies"]
    assert len(replies) == len(requests) > 1000
    monthly = [r for r in requests if '"fn": "estimate"' in r or '"fn": "compare"' in r]
    assert len(monthly) > 200
    mismatches = differences(requests, replies)
    assert not mismatches, mismatches[:5]
    missed = [r for r, g in zip(requests, replies, strict=True) if '"bad_request"' in g]
    assert missed == MALFORMED


def test_fee_and_walker_answers(parity: tuple[list[str], list[str], dict]) -> None:
    fees, _, result = parity
    replies = result["replies"][: len(fees)]
    # The seed figure, through the browser's own entry point.
    seed = _reply(fees, replies, {"fn": "fee", "args": {"amount": "10000", "channel": "credit"}})
    assert seed["fee"] == "60.00"
    answers = "stage=none,other-check=nothing"
    walked = _reply(fees, replies, {"fn": "walker_step", "args": {"answers": answers}})
    assert walked["outcome"]["id"] == "escalate"


def test_statement_answers(parity: tuple[list[str], list[str], dict]) -> None:
    fees, statement, result = parity
    got = result["replies"][len(fees) :]
    assert len(got) == len(statement)
    first = json.loads(got[0])
    assert first["rows"] == 403 and first["adds_up"] and first["flagged"] > 0
    assert json.loads(got[4])["overcharge"] == "733.86"
    assert json.loads(got[5])["need_mapping"] is True
    assert json.loads(got[6])["rows"] == 1  # hand-mapped columns
    chunked = json.loads(got[-2])
    assert chunked["rows"] == 403 and chunked["flagged"] == first["flagged"]
    assert json.loads(got[-1])["error"]["code"] == "unknown_job"
