"""What the browser runtime needs in the built site, and how to produce it.

Kept apart from the MkDocs hook so tests and the benchmark use the same list.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
PACKAGE_DIR = ROOT / "calculator"
# Only what loadPyodide() fetches for a stdlib-only package.
PYODIDE_CORE = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class RuntimeMissing(RuntimeError):
    pass


def pyodide_version() -> str:
    manifest = PYODIDE_DIR / "package.json"
    if not manifest.is_file():
        raise RuntimeMissing(
            f"{manifest} is missing: run `npm ci` (or `make build`, which does) first."
        )
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def package_files() -> list[Path]:
    files = [p for p in PACKAGE_DIR.rglob("*") if p.suffix in {".py", ".toml"}]
    return sorted(p for p in files if "__pycache__" not in p.parts)


def package_zip() -> bytes:
    """The `calculator` package as a reproducible zip for pyodide.unpackArchive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in package_files():
            info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def package_name(data: bytes) -> str:
    return f"calculator-{hashlib.sha256(data).hexdigest()[:12]}.zip"
