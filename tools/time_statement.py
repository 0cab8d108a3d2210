"""The statement timing loop, run as-is in CPython and inside Pyodide.

Kept standard-library-only and free of repository imports (other than the
package) so tools/bench_statement.mjs can run this very file in Pyodide.
"""

from __future__ import annotations

import json
import sys
import time

from calculator import api

COUNTED = ("rows", "checked", "flagged", "rejected", "overcharge")


def time_statement(encoded: str, repeats: int) -> dict:
    """Best-of timings of the api call and of the full JSON round trip the worker makes."""
    check, full = [], []
    result: dict = {}
    request = json.dumps({"fn": "statement_check", "args": {"data": encoded, "limit": 1000}})
    for _ in range(repeats):
        start = time.perf_counter()
        result = api.safe_call("statement_check", data=encoded, limit=1000)
        check.append(time.perf_counter() - start)
        start = time.perf_counter()
        api.call_json(request)
        full.append(time.perf_counter() - start)
    counts = {k: result[k] for k in COUNTED}
    return {"python": sys.version.split()[0], "check": check, "call_json": full, "counts": counts}
