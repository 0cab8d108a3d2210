"""The strict build and what the macros put into pages."""

from __future__ import annotations

import re
from pathlib import Path

from calculator.api import fees as api_fees


def test_strict_build_is_clean(site_build) -> None:  # noqa: ANN001
    assert site_build.returncode == 0, site_build.stderr[-3000:]
    assert "WARNING" not in site_build.stderr, site_build.stderr[-3000:]


def test_runtime_copied_from_pinned_package(site_dir: Path) -> None:
    import json

    version = json.loads(Path("package.json").read_text())["dependencies"]["pyodide"]
    runtime = site_dir / "assets" / f"pyodide-{version}"
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (runtime / name).stat().st_size > 0, name
    assert list((site_dir / "assets" / "py").glob("calculator-*.zip"))


def test_calculator_page_has_form_and_static_table(site_dir: Path) -> None:
    html = (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")
    for label in ("交易金额", "支付方式", "费率方案", "手续费", "到账金额", "实际费率"):
        assert label in html
    data_package = re.search(r'data-package="(calculator-[0-9a-f]{12}\.zip)"', html)
    assert data_package and (site_dir / "assets" / "py" / data_package.group(1)).is_file()
    # The static fallback table carries figures computed by the package.
    expected = api_fees.fee("10000", "credit")["fee"]
    assert f'<td style="text-align: right;">{expected}</td>' in html or f">{expected}<" in html


def test_no_page_references_another_host(site_dir: Path) -> None:
    # rel=canonical names the page's public address; it is never fetched.
    pattern = re.compile(
        r'<(?:script|link(?![^>]*rel="canonical")|img|iframe|source)[^>]+(?:src|href)="(https?:)?//',
        re.I,
    )
    offenders = [p for p in site_dir.rglob("*.html") if pattern.search(p.read_text("utf-8"))]
    assert not offenders, offenders


def test_no_inline_script_in_any_page(site_dir: Path) -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    offenders = {
        p.relative_to(site_dir).as_posix(): inline.findall(p.read_text("utf-8"))
        for p in site_dir.rglob("*.html")
    }
    assert not {k: v for k, v in offenders.items() if v}
