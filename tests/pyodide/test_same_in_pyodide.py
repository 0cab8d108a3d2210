"""The same api calls in real Pyodide (pinned npm package, under Node) and in
CPython must give byte-identical JSON replies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.parity_values import fees_and_walker_requests
from tests.pyodide.runner import differences, run_in_pyodide

pytestmark = pytest.mark.pyodide
HERE = Path(__file__).parent
ROOT = HERE.parent.parent


@pytest.fixture(scope="module")
def pyodide_replies(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict]:
    requests = fees_and_walker_requests()
    return requests, run_in_pyodide(requests, tmp_path_factory.mktemp("pyodide"))


def test_runs_on_python_3_14(pyodide_replies: tuple[list[str], dict]) -> None:
    assert pyodide_replies[1]["python"].startswith("3.14")


def test_every_reply_identical_to_cpython(pyodide_replies: tuple[list[str], dict]) -> None:
    requests, result = pyodide_replies
    replies = result["replies"]
    assert len(replies) == len(requests) > 1000
    monthly = [r for r in requests if '"fn": "estimate"' in r or '"fn": "compare"' in r]
    assert len(monthly) > 200
    mismatches = differences(requests, replies)
    assert not mismatches, mismatches[:5]
    # The seed figure, through the browser's own entry point.
    seed = json.loads(
        replies[
            requests.index(
                json.dumps({"fn": "fee", "args": {"amount": "10000", "channel": "credit"}})
            )
        ]
    )
    assert seed["fee"] == "60.00"
    walked = json.loads(
        replies[
            requests.index(
                json.dumps(
                    {"fn": "walker_step", "args": {"answers": "stage=none,other-check=nothing"}}
                )
            )
        ]
    )
    assert walked["outcome"]["id"] == "escalate"
