"""The trimmed standard library the site serves runs every api call exactly
like CPython does, in the pinned Pyodide under Node."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from tests.parity_values import fees_and_walker_requests, statement_requests
from tests.pyodide.runner import differences, run_in_pyodide
from tools import runtime_files

pytestmark = pytest.mark.pyodide
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def trimmed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict, bytes]:
    stdlib = runtime_files.site_stdlib()  # exactly what the site serves
    # Statements too: their codecs (GBK, UTF-8 with BOM) are looked up by name.
    requests = fees_and_walker_requests() + statement_requests()
    result = run_in_pyodide(requests, tmp_path_factory.mktemp("trimmed"), stdlib)
    return requests, result, stdlib


def test_trimmed_stdlib_gives_cpython_replies(trimmed_run: tuple[list[str], dict, bytes]) -> None:
    requests, result, _ = trimmed_run
    assert len(result["replies"]) == len(requests) > 1000
    mismatches = differences(requests, result["replies"])
    assert not mismatches, mismatches[:5]


def test_trim_is_real(trimmed_run: tuple[list[str], dict, bytes]) -> None:
    """Fewer than half of Pyodide's modules, all as bytecode, and what ran came from it."""
    _, result, stdlib = trimmed_run
    full = zipfile.ZipFile(runtime_files.STDLIB_ZIP).namelist()
    members = set(zipfile.ZipFile(io.BytesIO(stdlib)).namelist())
    full_modules = [n for n in full if n.endswith(".py")]
    kept_modules = [n for n in members if n.endswith((".py", ".pyc"))]
    assert len(kept_modules) < len(full_modules) / 2, (len(kept_modules), len(full_modules))
    assert all(n.endswith(".pyc") for n in kept_modules), "source left in the served stdlib"
    # Members are stored, so the zip is bigger than Pyodide's deflated one;
    # what travels (the gzip the servers send) is much smaller.
    assert len(gzip.compress(stdlib)) < runtime_files.STDLIB_ZIP.stat().st_size * 0.6
    for module in ("decimal", "tomllib", "json", "encodings.utf_8", "encodings.gb18030"):
        assert module in result["loaded"], module
    assert "email/__init__.pyc" not in members
