"""The same api requests in real Pyodide (the pinned npm package, under Node) and
in CPython give byte-identical JSON replies: fees, months, links, the walker, and
the statement check through every route its page uses (decoding UTF-8, BOM and
GBK files, mapping, findings, chart, CSV, open/step/result with progress).
One Pyodide boot for the whole batch."""

from __future__ import annotations

import json

import pytest

from tests.parity_values import bounds_requests, fees_and_walker_requests, statement_requests
from tests.pyodide.runner import differences, run_in_pyodide

pytestmark = pytest.mark.pyodide
# Requests that are malformed on purpose; every other one must reach its function.
MALFORMED = ['{"fn": "nope", "args": {}}', '{"fn": "fee"}', "not json", "[]"]


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str], dict]:
    fees, statement = fees_and_walker_requests(), statement_requests()
    requests = fees + statement + bounds_requests()
    return fees, statement, run_in_pyodide(requests, tmp_path_factory.mktemp("pyodide"))


def _reply(requests: list[str], replies: list[str], request: dict) -> dict:
    return json.loads(replies[requests.index(json.dumps(request))])


def test_runs_on_python_3_14(parity: tuple[list[str], list[str], dict]) -> None:
    assert parity[2]["python"].startswith("3.14")


def test_every_reply_identical_to_cpython(parity: tuple[list[str], list[str], dict]) -> None:
    fees, statement, result = parity
    requests, replies = fees + statement + bounds_requests(), result["replies"]
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
    got = result["replies"][len(fees) : len(fees) + len(statement)]
    assert len(got) == len(statement)
    first = json.loads(got[0])
    assert first["rows"] == 403 and first["adds_up"] and first["flagged"] > 0
    assert json.loads(got[4])["overcharge"] == "733.86"
    assert json.loads(got[5])["need_mapping"] is True
    assert json.loads(got[6])["rows"] == 1  # hand-mapped columns
    chunked = json.loads(got[-2])
    assert chunked["rows"] == 403 and chunked["flagged"] == first["flagged"]
    assert json.loads(got[-1])["error"]["code"] == "unknown_job"


def test_hostile_and_realistic_requests_answered_alike(
    parity: tuple[list[str], list[str], dict],
) -> None:
    """Issue 13: 5,000-deep nesting and 1e-999999 get a Chinese error, never a dead
    worker; an 800 KB line gives a small mapping preview; realistic exports read alike."""
    fees, statement, result = parity
    got = [json.loads(r) for r in result["replies"][len(fees) + len(statement) :]]
    assert len(got) == len(bounds_requests())
    for realistic in got[0:2]:
        assert realistic["rows"] == 6 and realistic["adds_up"], realistic
        assert realistic["skipped"] == 4 and realistic["checked"] == 2
        assert [n["code"] for n in realistic["notices"]][:1] == ["total_agrees"]
    assert got[0]["delimiter"] == "semicolon"
    preview = got[2]
    assert preview["need_mapping"] and len(preview["columns"]) == 60
    assert len(result["replies"][len(fees) + len(statement) + 2]) < 20_000
    assert got[3]["rejected"] == 1
    assert [g["error"]["code"] for g in got[4:]] == ["request_too_complex"] * 3
