"""Statement check in real Pyodide under Node gives byte-identical
replies to CPython: file decoding (UTF-8, BOM, GBK), mapping, findings, chart,
CSV, and the open/step/result sequence the page uses for progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.parity_values import statement_requests
from tests.pyodide.runner import differences, run_in_pyodide

pytestmark = pytest.mark.pyodide
HERE = Path(__file__).parent
ROOT = HERE.parent.parent


@pytest.fixture(scope="module")
def replies(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict]:
    requests = statement_requests()
    return requests, run_in_pyodide(requests, tmp_path_factory.mktemp("pyodide-statement"))


def test_statement_identical_to_cpython(replies: tuple[list[str], dict]) -> None:
    requests, result = replies
    assert result["python"].startswith("3.14")
    got = result["replies"]
    mismatches = differences(requests, got)
    assert not mismatches, mismatches[:3]
    first = json.loads(got[0])
    assert first["rows"] == 403 and first["adds_up"] and first["flagged"] > 0
    assert json.loads(got[4])["overcharge"] == "733.86"
    assert json.loads(got[5])["need_mapping"] is True
    chunked = json.loads(got[-2])
    assert chunked["rows"] == 403 and chunked["flagged"] == first["flagged"]
    assert json.loads(got[-1])["error"]["code"] == "unknown_job"
