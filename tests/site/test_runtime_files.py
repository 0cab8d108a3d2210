"""What the build puts in place for the browser runtime: the trimmed standard
library, honest sizes for the progress bar, and runtime hints only on the
pages that run Python."""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import zipfile
from pathlib import Path

from tools import runtime_files


def _meta(page: str) -> dict[str, str]:
    tag = re.search(r'<meta name="pos-runtime"([^>]*)>', page, re.S)
    assert tag, "no <meta name=pos-runtime>"
    return {k: html.unescape(v) for k, v in re.findall(r'data-([a-z]+)="([^"]*)"', tag.group(1))}


def _members(data: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_trimmed_stdlib_keeps_startup_and_package_imports() -> None:
    data = runtime_files.trimmed_stdlib()
    members = _members(data)
    with zipfile.ZipFile(runtime_files.STDLIB_ZIP) as full:
        names = set(full.namelist())
    wanted = runtime_files.startup_modules() | runtime_files.package_stdlib_imports()
    # Frozen or built-in modules (and names like collections.abc.Callable) have no file.
    files = {runtime_files._member(names, m) for m in wanted} - {None}
    missing = files - members
    assert not missing, missing
    assert {"decimal.py", "tomllib/__init__.py", "numbers.py"} <= members
    assert runtime_files.trimmed_stdlib() == data, "trimmed stdlib is not reproducible"


def test_built_site_serves_what_the_meta_names(site_dir: Path) -> None:
    page = (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")
    meta = _meta(page)
    assert meta["start"] == "early"
    py = site_dir / "assets" / "py"
    stdlib = (py / meta["stdlib"]).read_bytes()
    assert meta["stdlib"] == runtime_files.stdlib_name(stdlib)
    wasm = site_dir / "assets" / meta["runtime"] / "pyodide.asm.wasm"
    sizes = [wasm.stat().st_size, len(stdlib), (py / meta["package"]).stat().st_size]
    assert meta["bytes"] == " ".join(map(str, sizes))
    lock = json.loads((site_dir / "assets" / meta["runtime"] / "pyodide-lock.json").read_text())
    assert json.loads(meta["lock"]) == lock["info"]


def test_built_site_serves_the_package_as_bytecode(site_dir: Path) -> None:
    """Every module as a .pyc where its .py was (runtime_files.site_package), data kept."""
    page = (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")
    served = (site_dir / "assets" / "py" / _meta(page)["package"]).read_bytes()
    source = _members(runtime_files.package_zip())
    assert _members(served) == {n + "c" if n.endswith(".py") else n for n in source}
    assert "calculator/data/plans.toml" in source


def test_only_runtime_pages_start_the_runtime(site_dir: Path) -> None:
    starters = []
    for path in sorted(site_dir.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        if 'name="pos-runtime"' not in page:
            continue
        early = _meta(page).get("start") == "early"
        script = bool(re.search(r'<script type="module" async src="[^"]*runtime/client\.js"', page))
        assert early == script, path
        if early:
            starters.append(path.relative_to(site_dir).as_posix())
    assert "calculator/index.html" in starters
    assert "index.html" not in starters and "fees/index.html" not in starters


def test_served_stdlib_is_bytecode_and_reproducible() -> None:
    trimmed = runtime_files.trimmed_stdlib()
    first = runtime_files.compiled_stdlib(trimmed)
    runtime_files._compiled.clear()
    assert runtime_files.compiled_stdlib(trimmed) == first, "compiled stdlib is not reproducible"
    source = {n for n in zipfile.ZipFile(io.BytesIO(trimmed)).namelist() if n.endswith(".py")}
    compiled = {n for n in zipfile.ZipFile(io.BytesIO(first)).namelist() if n.endswith(".pyc")}
    assert compiled == {n + "c" for n in source}


def test_the_promised_download_is_what_a_first_visit_fetches(site_dir: Path) -> None:
    """Each tool page's "约 N MB" is what a first visit's runtime files take
    with gzip (their .gz siblings), rounded to the MB: what travels, not what
    the device keeps; the three tools promise the same figure."""
    page = (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")
    meta = _meta(page)
    core = site_dir / "assets" / meta["runtime"]
    fetched = [core / name for name in runtime_files.FIRST_VISIT_CORE]
    fetched += [
        site_dir / "assets" / "py" / meta["package"],
        site_dir / "assets" / "py" / meta["stdlib"],
    ]
    gzipped = [path.with_name(path.name + ".gz") for path in fetched]
    sent = [gz if gz.is_file() else path for gz, path in zip(gzipped, fetched, strict=True)]
    size = sum(path.stat().st_size for path in sent)
    megabytes = (size + 500_000) // 1_000_000
    # About 5 MB in 2026-11 (4 MB with brotli; the device keeps 15 MB).
    assert 3 <= megabytes <= 7, size
    assert "计算引擎" not in page
    for tool, status_id in (
        ("calculator", "fees-status"),
        ("checklist", "walker-status"),
        ("reconcile", "statement-status"),
    ):
        html = (site_dir / tool / "index.html").read_text(encoding="utf-8")
        status = re.search(rf'id="{status_id}"[^>]*>([^<]*)<', html)
        assert status is not None and f"约 {megabytes} MB" in status.group(1), (tool, status)
        assert "10 MB" not in status.group(1), tool


def test_big_runtime_files_have_precompressed_siblings(site_dir: Path) -> None:
    """X.br and X.gz next to what a first visit fetches (hosts serve them with
    brotli_static/gzip_static), none next to the wheels, which are deflated."""
    page = (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")
    meta = _meta(page)
    core = site_dir / "assets" / meta["runtime"]
    py = site_dir / "assets" / "py"
    wanted = [core / name for name in runtime_files.FIRST_VISIT_CORE]
    wanted += [py / meta["package"], py / meta["stdlib"], core / "pyodide-lock.json"]
    wanted += [py / "excel" / meta["excel"].split()[0]]
    for path in wanted:
        data = path.read_bytes()
        br, gz = (path.with_name(path.name + suffix) for suffix in (".br", ".gz"))
        assert gzip.decompress(gz.read_bytes()) == data, path
        assert br.stat().st_size < gz.stat().st_size < 0.9 * len(data), path
    assert not list((py / "excel").glob("*.whl.*"))
    # The served zips are stored, so the whole-file compression works across members.
    for name in (meta["stdlib"], meta["package"]):
        infos = zipfile.ZipFile(py / name).infolist()
        assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}, name
    # On the wire with brotli the first visit is well under half its raw bytes.
    fetched = wanted[:5]
    raw = sum(p.stat().st_size for p in fetched)
    brotli = sum(p.with_name(p.name + ".br").stat().st_size for p in fetched)
    assert brotli < 0.33 * raw, (brotli, raw)
