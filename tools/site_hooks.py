"""MkDocs hooks: put the self-hosted Python runtime and our package into the site.

Nothing is fetched from another host at run time: the Pyodide core files come
from the exactly pinned npm package, the calculator from this repository.
File names carry a version or content hash so deployers can cache them forever.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculator.site import search  # noqa: E402
from tools import offline, runtime_files  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGEFIND = ROOT / "node_modules" / ".bin" / "pagefind"
log = logging.getLogger("mkdocs.hooks.runtime")

_state: dict[str, object] = {}


def on_config(config, **_):  # noqa: ANN001, ANN201 - MkDocs hook signature
    data = runtime_files.site_package()
    version = runtime_files.pyodide_version()
    stdlib = runtime_files.site_stdlib()
    wheels = runtime_files.excel_wheels()
    excel_stdlib = runtime_files.excel_stdlib(wheels)
    excel_name = runtime_files.excel_stdlib_name(excel_stdlib)
    _state.update(zip=data, version=version, stdlib=stdlib, wheels=wheels)
    _state.update(excel_stdlib=excel_stdlib, excel_name=excel_name)
    wasm_bytes = (runtime_files.PYODIDE_DIR / "pyodide.asm.wasm").stat().st_size
    config["extra"]["runtime"] = {
        "package": runtime_files.package_name(data),
        "pyodide": f"pyodide-{version}",
        # Served instead of Pyodide's 2.5 MB python_stdlib.zip (see runtime_files).
        "stdlib": runtime_files.stdlib_name(stdlib),
        # Uncompressed sizes of what the worker downloads, for an honest progress bar.
        "bytes": f"{wasm_bytes} {len(stdlib)} {len(data)}",
        "lock": json.dumps(runtime_files.lock_info(), separators=(",", ":")),
        # What "离线也能用" stores: the files the worker fetches, in MB.
        "offline_mb": round(
            (
                wasm_bytes
                + len(stdlib)
                + len(data)
                + sum(
                    (runtime_files.PYODIDE_DIR / name).stat().st_size
                    for name in ("pyodide.mjs", "pyodide.asm.mjs")
                )
            )
            / 1e6
        ),
        # Loaded by the worker only when a workbook is chosen: the extra stdlib
        # modules first, then the pinned wheels (names as on PyPI, served unchanged).
        "excel": " ".join([excel_name, *(wheel.name for wheel in wheels)]),
        # What the page promises a first visit downloads ("约 5 MB"): the gzip
        # siblings' bytes, as the progress bar counts them (brotli: about 4 MB).
        "first_visit_bytes": runtime_files.first_visit_bytes(stdlib, data),
    }
    return config


def on_post_page(output, page, config, **_):  # noqa: ANN001, ANN201
    # Pages opt out of search with Material's own front matter: search: {exclude: true}.
    excluded = ((page.meta or {}).get("search") or {}).get("exclude", False)
    return search.mark_searchable(output, searchable=not excluded)


def on_post_build(config, **_):  # noqa: ANN001, ANN201
    site = Path(config["site_dir"])
    runtime = config["extra"]["runtime"]
    target = site / "assets" / runtime["pyodide"]
    target.mkdir(parents=True, exist_ok=True)
    for name in runtime_files.PYODIDE_CORE:
        shutil.copyfile(runtime_files.PYODIDE_DIR / name, target / name)
    py_dir = site / "assets" / "py"
    py_dir.mkdir(parents=True, exist_ok=True)
    (py_dir / runtime["package"]).write_bytes(_state["zip"])
    (py_dir / runtime["stdlib"]).write_bytes(_state["stdlib"])
    excel_dir = py_dir / "excel"
    excel_dir.mkdir(exist_ok=True)
    (excel_dir / _state["excel_name"]).write_bytes(_state["excel_stdlib"])
    for wheel in _state["wheels"]:
        shutil.copyfile(wheel, excel_dir / wheel.name)
    # X.br and X.gz next to the big runtime files, for hosts that serve them.
    runtime_files.precompress(runtime_files.precompressed_files(site), say=log.info)
    # The search index (Pagefind) and the merchant synonyms, checked against the pages.
    search.build_index(site, PAGEFIND)
    # Last: the service worker lists every file of this build with its hash.
    offline.write_service_worker(site)
