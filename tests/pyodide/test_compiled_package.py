"""The package the site serves is bytecode that the browser's Python runs as is:
no module is compiled on a visit, the data files are still there, and the
first fee imports only what a fee needs."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.pyodide.runner import node_json
from tools import runtime_files

pytestmark = pytest.mark.pyodide
# Imported by the build only (the macros' contract): shipped, never imported.
NOT_IMPORTED = {"calculator.api.contract"}


@pytest.fixture(scope="module")
def served() -> bytes:
    return runtime_files.site_package()  # exactly what the site serves


@pytest.fixture(scope="module")
def probe(served: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("compiled")
    (work / "package.zip").write_bytes(served)
    (work / "stdlib.zip").write_bytes(runtime_files.site_stdlib())
    return node_json("run_compiled.mjs", work / "package.zip", work / "stdlib.zip")


def _module(member: str) -> str:
    return (
        member.removesuffix(".pyc").removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    )


def test_served_package_is_bytecode_with_its_data(served: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(runtime_files.package_zip())).namelist()
    members = zipfile.ZipFile(io.BytesIO(served)).namelist()
    assert not [m for m in members if m.endswith(".py")], "source left in the served package"
    assert sorted(n + "c" if n.endswith(".py") else n for n in source) == sorted(members)
    assert {"calculator/data/plans.toml", "calculator/data/walker.toml"} <= set(members)


def test_pyodide_runs_the_bytecode_and_compiles_nothing(probe: dict) -> None:
    assert probe["fee"]["fee"] == "60.00"
    for name, (loader, file, cached) in probe["modules"].items():
        assert loader == "SourcelessFileLoader", (name, loader)
        assert file.startswith("/home/pyodide/app/calculator/") and file.endswith(".pyc"), file
        assert cached == file, (name, cached)
    # No source to compile, no bytecode written beside it.
    assert probe["written"] == []


def test_import_all_imports_every_module_shipped(probe: dict) -> None:
    shipped = {
        _module(p.relative_to(runtime_files.ROOT).as_posix())
        for p in runtime_files.package_files()
        if p.suffix == ".py"
    }
    assert set(probe["modules"]) == shipped - NOT_IMPORTED


def test_first_fee_imports_only_the_fee_path(probe: dict) -> None:
    first = set(probe["first_fee"])
    assert "calculator.api.fees" in first and "calculator.fees.transaction" in first
    later = {
        "calculator.api.walker",
        "calculator.api.statement",
        "calculator.api.fees_link",
        "calculator.fees.charts",
        "calculator.fees.estimate",
        "calculator.statement.explain",
        "calculator.walker.tree",
    }
    assert not first & later, first & later
