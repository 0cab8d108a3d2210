"""MkDocs hooks: put the self-hosted Python runtime and our package into the site.

Nothing is fetched from another host at run time: the Pyodide core files come
from the exactly pinned npm package, the calculator from this repository.
File names carry a version or content hash so deployers can cache them forever.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools import runtime_files  # noqa: E402

_state: dict[str, object] = {}


def on_config(config, **_):  # noqa: ANN001, ANN201 - MkDocs hook signature
    data = runtime_files.package_zip()
    version = runtime_files.pyodide_version()
    stdlib = runtime_files.site_stdlib()
    _state.update(zip=data, version=version, stdlib=stdlib)
    wasm_bytes = (runtime_files.PYODIDE_DIR / "pyodide.asm.wasm").stat().st_size
    config["extra"]["runtime"] = {
        "package": runtime_files.package_name(data),
        "pyodide": f"pyodide-{version}",
        # Served instead of Pyodide's 2.5 MB python_stdlib.zip (see runtime_files).
        "stdlib": runtime_files.stdlib_name(stdlib),
        # Uncompressed sizes of what the worker downloads, for an honest progress bar.
        "bytes": f"{wasm_bytes} {len(stdlib)} {len(data)}",
        "lock": json.dumps(runtime_files.lock_info(), separators=(",", ":")),
        # What the page promises a first visit downloads ("约 13 MB").
        "first_visit_bytes": runtime_files.first_visit_bytes(stdlib, data),
    }
    return config


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
