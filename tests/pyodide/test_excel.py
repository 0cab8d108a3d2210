"""Excel, UTF-16 and stray-byte files on the browser's path, in real Pyodide under
Node: the served trimmed stdlib, bytes handed over without base64, and the Excel
readers (the very wheels the site serves) loaded only for a workbook. Every
reply equals CPython's for the same file sent as base64."""

from __future__ import annotations

import json

import pytest

from tests.excel_values import COUNTS, XLS_FIXTURE, utf16_text, workbook
from tests.pyodide.runner import node_json
from tests.statement_values import FINE, b64, statement
from tools import runtime_files

pytestmark = pytest.mark.pyodide


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return {
        "csv": statement(*FINE).encode("gbk"),
        "utf16": utf16_text(),
        "utf16-nobom": utf16_text(bom=False),
        "stray": statement(*FINE).encode("utf-8").replace(b"60.00", b"6\xff0.00", 1),
        "xlsx": workbook(),
        "xls": XLS_FIXTURE.read_bytes(),
    }


@pytest.fixture(scope="module")
def run(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    work = tmp_path_factory.mktemp("excel")
    wheels = runtime_files.excel_wheels()
    paths = {
        "package": (work / "calculator.zip", runtime_files.site_package()),
        "stdlib": (work / "stdlib.zip", runtime_files.site_stdlib()),
        "excel": (work / "excel.zip", runtime_files.excel_stdlib(wheels)),
    }
    for path, data in paths.values():
        path.write_bytes(data)
    names = []
    for name, data in files.items():
        (work / name).write_bytes(data)
        names.append(str(work / name))
    (work / "files.json").write_text(json.dumps(names), encoding="utf-8")
    (work / "wheels.json").write_text(json.dumps([str(w) for w in wheels]), encoding="utf-8")
    replies = node_json(
        "run_excel.mjs",
        *(path for path, _ in paths.values()),
        work / "wheels.json",
        work / "files.json",
        tail=3000,
    )
    return dict(zip(files, replies, strict=True))


def test_every_file_reads_as_in_cpython(files: dict[str, bytes], run: dict[str, dict]) -> None:
    from calculator import api

    for name, data in files.items():
        request = json.dumps({"fn": "statement_check", "args": {"data": b64(data)}})
        expected = json.loads(api.call_json(request))
        assert run[name]["reply"] == expected, name
    for name in ("xlsx", "xls", "utf16", "utf16-nobom"):
        assert {k: run[name]["reply"][k] for k in COUNTS} == COUNTS, name
    assert run["xls"]["reply"]["encoding"] == "xls"
    assert "第 2 行" in run["stray"]["reply"]["notes"][0]


def test_readers_load_only_for_a_workbook(run: dict[str, dict]) -> None:
    for name in ("csv", "utf16", "utf16-nobom", "stray"):
        assert run[name]["received"]["reader"] is None, name
        assert run[name]["readers"] == [], name  # nothing Excel was imported for text
    assert run["xlsx"]["received"]["reader"] == "excel"
    assert run["xlsx"]["readers"] == ["openpyxl"]
    assert run["xls"]["readers"] == ["openpyxl", "xlrd"]
