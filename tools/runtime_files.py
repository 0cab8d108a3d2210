"""What the browser runtime needs in the built site, and how to produce it.

Kept apart from the MkDocs hook so tests and the benchmark use the same list.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from tools import static_server

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
# What a first visit to a tool page downloads: the lock file travels inside the
# page and our trimmed stdlib replaces python_stdlib.zip.
FIRST_VISIT_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class RuntimeMissing(RuntimeError):
    pass


def first_visit_bytes(stdlib: bytes, package: bytes) -> int:
    """What a first visit downloads when the host gzips as the README asks
    (brotli sends about a quarter less): the size the page promises, and what
    its progress bar counts."""
    core = [(PYODIDE_DIR / name).read_bytes() for name in FIRST_VISIT_CORE]
    return sum(gzip_size(data) for data in [*core, stdlib, package])


_gzip_sizes: dict[str, int] = {}


def gzip_size(data: bytes) -> int:
    """The size of `data`'s .gz sibling (gzip -9), from the compression cache
    when a build made it already."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _gzip_sizes:
        cached = _cached(digest, ".gz")
        if cached.is_file():
            _gzip_sizes[digest] = cached.stat().st_size
        else:
            import gzip

            _gzip_sizes[digest] = len(gzip.compress(data, compresslevel=9, mtime=0))
    return _gzip_sizes[digest]


def pyodide_version() -> str:
    manifest = PYODIDE_DIR / "package.json"
    if not manifest.is_file():
        raise RuntimeMissing(
            f"{manifest} is missing: run `npm ci` (or `make build`, which does) first."
        )
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


# Build-time and command-line rooms of the package: never imported in the browser.
NOT_IN_BROWSER = (
    "cli.py",
    "__main__.py",
    "site/",
    "guide/",
    "data/regulation.toml",
    "data/sources.toml",
    "data/messages.toml",
    "data/brands.toml",
    "data/search_synonyms.toml",
)


def package_files() -> list[Path]:
    """The files of `calculator` that the browser runs (the build-time rooms left out)."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.suffix in {".py", ".toml"}]
    return sorted(
        p
        for p in files
        if "__pycache__" not in p.parts
        and not p.relative_to(PACKAGE_DIR).as_posix().startswith(NOT_IN_BROWSER)
    )


def package_zip() -> bytes:
    """The `calculator` package as a reproducible zip for pyodide.unpackArchive.

    Members are STORED: the server sends the zip compressed as a whole
    (precompressed siblings, see precompress), which beats per-member DEFLATE.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in package_files():
            info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), _FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def package_name(data: bytes) -> str:
    return f"calculator-{hashlib.sha256(data).hexdigest()[:12]}.zip"


# --- Trimmed standard library -------------------------------------------------
# Pyodide's python_stdlib.zip is 2.5 MB; a page that only runs our package needs
# the modules Pyodide imports while starting plus what the package imports.
# Those are kept (see trimmed_stdlib) and served instead, under a hashed name.

STDLIB_ZIP = PYODIDE_DIR / "python_stdlib.zip"
STARTUP_LIST = ROOT / "tools" / "pyodide_startup_modules.txt"
STARTUP_SCRIPT = ROOT / "tools" / "pyodide_startup.mjs"
# Imported without an import statement in any .py file: codecs are looked up
# by name (utf-8 for text, cp437 for member names when unpackArchive reads our
# zip), and the C `_decimal` module imports `numbers` itself.
DYNAMIC_ROOTS = (
    "encodings.aliases",
    "encodings.utf_8",
    "encodings.cp437",
    "encodings.ascii",
    # Statement exports: UTF-8 with BOM, and GB18030 (which reads GBK files).
    "encodings.utf_8_sig",
    "encodings.gb18030",
    # Excel "Unicode text" (UTF-16) exports; xlrd's 8-bit and UTF-16 strings.
    "encodings.utf_16",
    "encodings.utf_16_le",
    "encodings.utf_16_be",
    "encodings.latin_1",
    "encodings.cp1252",
    "numbers",
)


def startup_modules() -> set[str]:
    """Modules Pyodide imports from the zip while starting (recorded, pinned)."""
    lines = STARTUP_LIST.read_text(encoding="utf-8").splitlines()
    header = f"# pyodide {pyodide_version()}"
    if not lines or lines[0] != header:
        raise RuntimeMissing(
            f"{STARTUP_LIST} was recorded for another Pyodide ({lines[:1]}, need {header!r}): "
            "run `.venv/bin/python -m tools.runtime_files --record-startup`."
        )
    return {line.strip() for line in lines[1:] if line.strip() and not line.startswith("#")}


def record_startup_modules() -> None:
    """Rewrite STARTUP_LIST by starting the pinned Pyodide under Node."""
    import subprocess

    done = subprocess.run(
        ["node", str(STARTUP_SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    STARTUP_LIST.write_text(f"# pyodide {pyodide_version()}\n{done.stdout}", encoding="utf-8")


def _imports_in(source: str, module: str, is_package: bool) -> set[str]:
    """Every module an import statement in `source` may load (any depth, any branch)."""
    import ast

    found: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # Newer syntax than this CPython parses: fall back to a line scan.
        return _imports_by_regex(source, module, is_package)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, module, is_package)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names if a.name != "*")
    return found


def _absolute(name: str, level: int, module: str, is_package: bool) -> str:
    if not level:
        return name
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{name}" if name else package


def _imports_by_regex(source: str, module: str, is_package: bool) -> set[str]:
    import re

    found: set[str] = set()
    pattern = r"^\s*(?:from\s+([.\w]+)\s+import\s+\(?([\w\s,]+)|import\s+([\w., ]+))"
    for match in re.finditer(pattern, source, re.M):
        if match.group(3):
            found.update(p.strip().split(" as ")[0] for p in match.group(3).split(","))
            continue
        dotted = match.group(1)
        level = len(dotted) - len(dotted.lstrip("."))
        base = _absolute(dotted.lstrip("."), level, module, is_package)
        found.add(base)
        names = [n.split(" as ")[0].strip() for n in match.group(2).split(",")]
        found.update(f"{base}.{n}" for n in names if n)
    return found


def package_stdlib_imports() -> set[str]:
    """Standard-library modules our package imports on the browser path."""
    found: set[str] = set()
    for path in package_files():
        if path.suffix != ".py":
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        is_package = path.name == "__init__.py"
        module = module.removesuffix(".__init__")
        imports = _imports_in(path.read_text(encoding="utf-8"), module, is_package)
        found.update(m for m in imports if m.split(".")[0] not in {"calculator", "__future__"})
    return found


def _member(names: set[str], module: str) -> str | None:
    path = module.replace(".", "/")
    for candidate in (f"{path}/__init__.py", f"{path}.py"):
        if candidate in names:
            return candidate
    return None


def kept_stdlib_modules(archive: zipfile.ZipFile) -> set[str]:
    """Startup modules, plus the import closure of what our package imports.

    The closure follows every import statement (also inside functions and
    try blocks), so a module the package may reach is never missing; it does
    not descend into startup modules, which Pyodide has already loaded.
    """
    names = set(archive.namelist())
    startup = startup_modules()
    kept = {m for m in startup if _member(names, m)}
    todo = [*package_stdlib_imports(), *DYNAMIC_ROOTS, "__future__"]
    while todo:
        module = todo.pop()
        member = _member(names, module)
        if member is None or module in kept:
            continue
        kept.add(module)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        if module in startup:
            continue
        source = archive.read(member).decode("utf-8")
        todo.extend(_imports_in(source, module, member.endswith("__init__.py")))
    return kept


def trimmed_stdlib(source: Path = STDLIB_ZIP) -> bytes:
    """A reproducible python_stdlib.zip holding only kept_stdlib_modules()."""
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        keep = {_member(names, m) for m in kept_stdlib_modules(archive)}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            for info in archive.infolist():
                if info.is_dir() or info.filename in keep:
                    out.writestr(info, archive.read(info), compress_type=info.compress_type)
    return buffer.getvalue()


COMPILE_SCRIPT = ROOT / "tools" / "compile_stdlib.mjs"
# compile()'s optimize level for the served stdlib: 2 drops docstrings and
# asserts (3.49 MB instead of 4.13 MB stored; 1.02 MB instead of 1.20 MB
# brotli). Only the standard library: our package keeps its asserts.
STDLIB_OPTIMIZE = 2
_compiled: dict[str, bytes] = {}


def compiled_stdlib(trimmed: bytes, optimize: int = STDLIB_OPTIMIZE) -> bytes:
    """The trimmed zip as Python 3.14 bytecode, compiled by Pyodide itself.

    Pyodide ships its standard library as source, so every visit compiles
    the modules it imports; that is most of its start-up time. Bytecode
    starts about six times faster. Members are STORED: 3.5 MB raw, 1.0 MB
    brotli, 1.4 MB gzip (with DEFLATE members it is 1.5 MB, which HTTP
    compression cannot shrink). Cached per process, so `mkdocs serve` pays
    once.
    """
    key = f"{hashlib.sha256(trimmed).hexdigest()}-O{optimize}"
    if key not in _compiled:
        node = shutil.which("node")
        if node is None:
            raise RuntimeMissing("Node.js is needed to build the site (apt-get install nodejs).")
        with tempfile.TemporaryDirectory() as work:
            source, target = Path(work, "in.zip"), Path(work, "out.zip")
            source.write_bytes(trimmed)
            done = subprocess.run(
                [node, str(COMPILE_SCRIPT), str(source), str(target), str(optimize)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            if done.returncode != 0:
                raise RuntimeMissing(f"compiling the standard library failed: {done.stderr[-500:]}")
            _compiled[key] = target.read_bytes()
    return _compiled[key]


def site_stdlib() -> bytes:
    """What the site serves as the standard library: trimmed, then compiled."""
    return compiled_stdlib(trimmed_stdlib())


def site_package() -> bytes:
    """What the site serves as our package: package_zip() compiled like the stdlib.

    Each module becomes a sourceless, unchecked-hash .pyc in place of its .py
    (so `__file__` still finds data/ beside it); the TOML data files stay. The
    browser then compiles none of our modules on a cold visit. Against keeping
    the sources with __pycache__ files beside them, sourceless is smaller
    (about 220 KB against 315 KB) and unpacks and imports faster; only
    tracebacks lose their source lines, and readers never see those. Cached
    per process by content, like the stdlib, so `mkdocs serve` pays once.
    """
    return compiled_stdlib(package_zip())


def stdlib_name(data: bytes) -> str:
    return f"python_stdlib-{hashlib.sha256(data).hexdigest()[:12]}.zip"


def lock_info() -> dict[str, str]:
    """The `info` block of pyodide-lock.json: all Pyodide checks when no
    packages are loaded, so the page passes it instead of fetching 120 KB."""
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text(encoding="utf-8"))
    return lock["info"]


# --- Excel readers (optional, loaded by the page only for a workbook) ----------
# openpyxl, et_xmlfile and xlrd as pure-Python wheels from PyPI, pinned with
# their sha256 in tools/excel_wheels.txt, downloaded once into .cache/wheels by
# pip (which checks the hashes) and copied into the site unchanged; the worker
# unpacks them onto sys.path when a workbook is chosen. The
# standard-library modules they need beyond the trimmed stdlib (xml.etree…)
# go into a second small zip, so pages that never read Excel never pay for them.

EXCEL_PINS = ROOT / "tools" / "excel_wheels.txt"
WHEEL_CACHE = ROOT / ".cache" / "wheels"


def excel_pins() -> list[tuple[str, str]]:
    """(requirement, sha256) for each pinned wheel, in file order."""
    pins = []
    for line in EXCEL_PINS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement, _, digest = line.partition(" --hash=sha256:")
            pins.append((requirement.strip(), digest.strip()))
    return pins


def _cached_by_hash() -> dict[str, Path]:
    if not WHEEL_CACHE.is_dir():
        return {}
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in WHEEL_CACHE.glob("*.whl")}


def excel_wheels() -> list[Path]:
    """The pinned wheels, fetched with pip (hashes required) when the cache lacks one."""
    import sys

    found = _cached_by_hash()
    pins = excel_pins()
    if any(digest not in found for _req, digest in pins):
        WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--require-hashes", "--only-binary=:all:", "-r", str(EXCEL_PINS)]
        done = subprocess.run(
            [*command, "-d", str(WHEEL_CACHE)], capture_output=True, text=True, check=False
        )
        found = _cached_by_hash()
        missing = [req for req, digest in pins if digest not in found]
        if missing:
            raise RuntimeMissing(
                f"could not fetch the Excel reader wheels {missing} from PyPI with pip "
                f"(pinned in {EXCEL_PINS.relative_to(ROOT)}): {done.stderr[-500:]}"
            )
    return [found[digest] for _req, digest in pins]


def excel_stdlib_modules(wheels: list[Path], source: Path = STDLIB_ZIP) -> set[str]:
    """Standard-library modules the wheels import that the trimmed stdlib lacks.

    The worker unpacks the wheels itself (pyodide.unpackArchive, as for our
    own package) rather than through pyodide.loadPackage: Pyodide's installer
    imports tarfile and importlib.metadata (and through it email), which the
    trimmed stdlib leaves out and which, being part of the kept `importlib`
    package, could not live in this second zip anyway.
    """
    todo: list[str] = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.endswith(".py"):
                    module = name[:-3].replace("/", ".").removesuffix(".__init__")
                    source_text = archive.read(name).decode("utf-8")
                    todo.extend(_imports_in(source_text, module, name.endswith("__init__.py")))
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        kept = kept_stdlib_modules(archive)
        extra: set[str] = set()
        while todo:
            module = todo.pop()
            member = _member(names, module)
            if member is None or module in kept or module in extra:
                continue
            parent = module.rpartition(".")[0]
            if parent in kept:
                # A package split over two zips would hide the second half.
                raise RuntimeMissing(f"{module} belongs in DYNAMIC_ROOTS (its package is kept)")
            extra.add(module)
            parts = module.split(".")
            todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
            text = archive.read(member).decode("utf-8")
            todo.extend(_imports_in(text, module, member.endswith("__init__.py")))
    return extra


def excel_stdlib(wheels: list[Path], source: Path = STDLIB_ZIP) -> bytes:
    """The extra modules as a compiled, reproducible zip (unpacked next to the stdlib)."""
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        keep = {_member(names, m) for m in excel_stdlib_modules(wheels, source)}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            for info in archive.infolist():
                if info.filename in keep:
                    out.writestr(info, archive.read(info), compress_type=info.compress_type)
    return compiled_stdlib(buffer.getvalue())


def excel_stdlib_name(data: bytes) -> str:
    return f"excel_stdlib-{hashlib.sha256(data).hexdigest()[:12]}.zip"


# --- Precompressed siblings -----------------------------------------------------
# Next to each big runtime file the site serves, X.br (brotli quality 11) and
# X.gz (gzip -9), for hosts that serve precompressed files (nginx gzip_static
# and brotli_static, Caddy's `precompressed`) and for tools/static_server.py.
# Brotli 11 takes about 30 s for the wasm, so outputs are cached by content
# hash in .cache/compressed: a machine pays once, later builds copy.

COMPRESS_SCRIPT = ROOT / "tools" / "compress.mjs"
COMPRESSED_CACHE = ROOT / ".cache" / "compressed"
# In every cache entry's name: change it whenever compress.mjs's settings change.
COMPRESSION = "br11-gzip9"
# Content-Encoding and file suffix of each sibling, as the test server
# negotiates them (its module is standard library only, so it runs alone).
SIBLINGS = static_server.SIBLINGS
SIBLING_SUFFIXES = tuple(suffix for _coding, suffix in SIBLINGS)
# A sibling is kept only if it saves at least this much: the wheels and
# Pyodide's own python_stdlib.zip are deflated already (they save 1 to 8%).
MIN_SAVING = 0.10
# Cache entries no build used for this long are removed.
CACHE_DAYS = 30


def precompressed_files(site: Path) -> list[Path]:
    """The runtime files that may get siblings: all of Pyodide's and ours."""
    found = [*site.glob("assets/pyodide-*/*"), *site.glob("assets/py/**/*")]
    return sorted(p for p in found if p.is_file() and not p.name.endswith(SIBLING_SUFFIXES))


def _compress_into_cache(jobs: dict[str, Path]) -> None:
    """Compress each source (by digest) into the cache: brotli with
    compress.mjs (Node's zlib) while Python gzips (its zlib 1.2 makes gzip -9
    1.8% smaller than Node's Chromium zlib on the wasm)."""
    import gzip

    node = shutil.which("node")
    if node is None:
        raise RuntimeMissing("Node.js is needed to build the site (apt-get install nodejs).")
    COMPRESSED_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=COMPRESSED_CACHE) as work:
        ordered = sorted(jobs.items(), key=lambda job: -job[1].stat().st_size)
        listing = [{"source": str(src), "br": str(Path(work, f"{d}.br"))} for d, src in ordered]
        Path(work, "jobs.json").write_text(json.dumps(listing), encoding="utf-8")
        brotli = subprocess.Popen(
            [node, str(COMPRESS_SCRIPT), str(Path(work, "jobs.json"))],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for digest, source in ordered:
                gzipped = gzip.compress(source.read_bytes(), compresslevel=9, mtime=0)
                Path(work, f"{digest}.gz").write_bytes(gzipped)
            _out, errors = brotli.communicate(timeout=900)
        except BaseException:
            brotli.kill()
            brotli.wait()
            raise
        if brotli.returncode != 0:
            raise RuntimeMissing(f"compressing the runtime files failed: {errors[-500:]}")
        # Moved in whole and only on success, so a cut-short build leaves no half file.
        for digest in jobs:
            for suffix in SIBLING_SUFFIXES:
                Path(work, digest + suffix).replace(_cached(digest, suffix))


def _cached(digest: str, suffix: str) -> Path:
    return COMPRESSED_CACHE / f"{digest}.{COMPRESSION}{suffix}"


def _prune_cache() -> None:
    import time

    stale = time.time() - CACHE_DAYS * 86400
    for entry in COMPRESSED_CACHE.iterdir():
        if entry.is_file() and entry.stat().st_mtime < stale:
            entry.unlink(missing_ok=True)


def precompress(
    files: list[Path], say: Callable[[str], object] = print
) -> dict[Path, dict[str, int]]:
    """Write X.br and X.gz next to each file where they pay; returns the sizes
    ({"raw", "br", "gz"}, a sibling's size only if it was written)."""
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    missing = {
        digest: path
        for path, digest in digests.items()
        if not all(_cached(digest, suffix).is_file() for suffix in SIBLING_SUFFIXES)
    }
    if missing:
        mb = sum(path.stat().st_size for path in missing.values()) / 1e6
        say(f"Compressing {len(missing)} runtime files ({mb:.1f} MB) with brotli 11 and gzip -9")
        say(f"(about 40 s; kept in {os.path.relpath(COMPRESSED_CACHE, ROOT)} for later builds)")
        _compress_into_cache(missing)
    sizes: dict[Path, dict[str, int]] = {}
    for path, digest in digests.items():
        raw = path.stat().st_size
        sizes[path] = {"raw": raw}
        for suffix in SIBLING_SUFFIXES:
            entry = _cached(digest, suffix)
            entry.touch()  # used: not pruned
            sibling = path.with_name(path.name + suffix)
            if entry.stat().st_size <= raw * (1 - MIN_SAVING):
                shutil.copyfile(entry, sibling)
                sizes[path][suffix[1:]] = entry.stat().st_size
            else:
                sibling.unlink(missing_ok=True)
    _prune_cache()
    return sizes


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--record-startup"]:
        record_startup_modules()
        print(f"wrote {STARTUP_LIST}")
    else:
        sys.exit("usage: python -m tools.runtime_files --record-startup")
