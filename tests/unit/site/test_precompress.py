"""Precompressed siblings of the runtime files (tools/runtime_files.precompress):
they decode to the original bytes, are skipped where they do not pay, come
from the content-hash cache on later builds, and stay out of sw.js's lists."""

from __future__ import annotations

import gzip
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import offline, runtime_files

# Compresses well (like the wasm and our stored zips) and not at all (like a wheel).
TEXT = b"".join(b"def f%d(x):\n    return x * %d  # fee\n" % (i, i % 7) for i in range(6000))
NOISE = random.Random(16).randbytes(50_000)


def unbrotli(path: Path) -> bytes:
    script = (
        "const zlib = require('zlib');"
        "process.stdout.write(zlib.brotliDecompressSync(require('fs').readFileSync(process.argv[1])))"
    )
    node = shutil.which("node")
    assert node, "Node.js is needed (the build needs it too)"
    return subprocess.run([node, "-e", script, str(path)], capture_output=True, check=True).stdout


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(runtime_files, "COMPRESSED_CACHE", folder)
    return folder


def fake_site(root: Path) -> Path:
    core = root / "assets" / "pyodide-1.0"
    excel = root / "assets" / "py" / "excel"
    excel.mkdir(parents=True)
    core.mkdir(parents=True)
    (core / "pyodide.asm.wasm").write_bytes(TEXT)
    (root / "assets" / "py" / "calculator-abc.zip").write_bytes(TEXT[::-1])
    (excel / "reader.whl").write_bytes(NOISE)
    (root / "index.html").write_text("<html></html>", encoding="utf-8")
    return root


def test_siblings_decode_to_the_original_and_only_where_they_pay(
    cache: Path, tmp_path: Path
) -> None:
    site = fake_site(tmp_path / "site")
    wheel = site / "assets" / "py" / "excel" / "reader.whl"
    # A sibling left by an earlier build that no longer pays goes away.
    wheel.with_name("reader.whl.br").write_bytes(b"stale")
    files = runtime_files.precompressed_files(site)
    assert [p.relative_to(site).as_posix() for p in files] == [
        "assets/py/calculator-abc.zip",
        "assets/py/excel/reader.whl",
        "assets/pyodide-1.0/pyodide.asm.wasm",
    ]
    sizes = runtime_files.precompress(files, say=lambda _: None)
    for path in (site / "assets" / "pyodide-1.0" / "pyodide.asm.wasm", files[0]):
        br, gz = path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")
        assert unbrotli(br) == path.read_bytes()
        assert gzip.decompress(gz.read_bytes()) == path.read_bytes()
        assert sizes[path] == {
            "raw": len(path.read_bytes()),
            "br": br.stat().st_size,
            "gz": gz.stat().st_size,
        }
        assert br.stat().st_size < gz.stat().st_size < len(TEXT) / 5
    assert sizes[wheel] == {"raw": len(NOISE)}
    assert not list(wheel.parent.glob("reader.whl.*"))
    # Siblings are never inputs themselves.
    assert runtime_files.precompressed_files(site) == files
    assert not (site / "index.html.br").exists()


def test_a_later_build_copies_from_the_cache(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_site(tmp_path / "first")
    runtime_files.precompress(runtime_files.precompressed_files(first), say=lambda _: None)
    entries = sorted(cache.iterdir())
    assert len(entries) == 6  # three files, two encodings each, whatever pays

    def no_compressing(jobs: dict) -> None:
        raise AssertionError(f"compressed again: {jobs}")

    monkeypatch.setattr(runtime_files, "_compress_into_cache", no_compressing)
    second = fake_site(tmp_path / "second")
    runtime_files.precompress(runtime_files.precompressed_files(second), say=lambda _: None)
    wasm = "assets/pyodide-1.0/pyodide.asm.wasm.br"
    assert (second / wasm).read_bytes() == (first / wasm).read_bytes()
    assert sorted(cache.iterdir()) == entries


def test_changed_content_is_compressed_anew_and_old_entries_expire(
    cache: Path, tmp_path: Path
) -> None:
    site = fake_site(tmp_path / "site")
    runtime_files.precompress(runtime_files.precompressed_files(site), say=lambda _: None)
    old = sorted(cache.iterdir())
    long_ago = 1_000_000_000  # 2001
    for entry in old:
        os.utime(entry, (long_ago, long_ago))
    package = site / "assets" / "py" / "calculator-abc.zip"
    package.write_bytes(TEXT[::-1] + b"# changed\n")
    said: list[str] = []
    runtime_files.precompress(runtime_files.precompressed_files(site), say=said.append)
    assert said and "1 runtime files" in said[0]
    assert gzip.decompress(package.with_name(package.name + ".gz").read_bytes()).endswith(
        b"changed\n"
    )
    # Entries still in use were touched; the package's old pair was pruned.
    now = sorted(cache.iterdir())
    assert len(now) == 6 and len(set(now) & set(old)) == 4


def test_service_worker_lists_leave_siblings_out(cache: Path, tmp_path: Path) -> None:
    site = fake_site(tmp_path / "site")
    runtime_files.precompress(runtime_files.precompressed_files(site), say=lambda _: None)
    assert (site / "assets" / "pyodide-1.0" / "pyodide.asm.wasm.br").is_file()
    listing = offline.precache(site)
    assert sorted(listing["runtime"]) == [
        "assets/py/calculator-abc.zip",
        "assets/py/excel/reader.whl",
        "assets/pyodide-1.0/pyodide.asm.wasm",
    ]
    assert listing["bytes"]["runtime"] == len(TEXT) * 2 + len(NOISE)
