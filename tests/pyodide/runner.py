"""Run api requests in the pinned Pyodide under Node: one boot per batch."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import runtime_files

HERE = Path(__file__).parent


def node_json(script: str, *args: str | Path, tail: int = 2000) -> object:
    """What `node tests/pyodide/SCRIPT ARGS...` prints, as JSON; the test fails
    with the end of its stderr if it does not finish cleanly."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the Pyodide tests (apt-get install nodejs)")
    done = subprocess.run(
        [node, str(HERE / script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=runtime_files.ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-tail:]
    return json.loads(done.stdout)


def run_in_pyodide(requests: list[str], work: Path, stdlib: bytes | None = None) -> dict:
    """Replies (and what the script reports) for `requests`, in order.

    With `stdlib`, Pyodide starts from that standard-library zip instead of
    its own, as the site does with the trimmed one.
    """
    package = work / "calculator.zip"
    package.write_bytes(runtime_files.site_package())
    (work / "requests.json").write_text(json.dumps(requests), encoding="utf-8")
    if stdlib is None:
        return node_json("run_api.mjs", package, work / "requests.json")
    (work / "stdlib.zip").write_bytes(stdlib)
    return node_json("run_trimmed.mjs", package, work / "stdlib.zip", work / "requests.json")


def differences(requests: list[str], replies: list[str]) -> list[tuple[str, str, str]]:
    """(request, Pyodide's reply, CPython's reply) wherever the two differ."""
    from calculator import api

    assert len(replies) == len(requests)
    return [
        (request[:200], got[:300], expected[:300])
        for request, got in zip(requests, replies, strict=True)
        if got != (expected := api.call_json(request))
    ]
