"""Benchmark: check a generated 100,000-row statement in CPython and in Pyodide.

Prints both timings and their ratio and writes bench/results/statement.json.
Goals: CPython under 1.5 s; Pyodide under 3x CPython on this machine; a file of
irregular rows (every row flagged, written untidily) at most 3x the clean file.
Then the same statement as a 100,000-row .xlsx (the `excel` extra in CPython;
in Pyodide the very wheels and extra stdlib the site serves): CPython and
Pyodide figures side by side (the Chromium choose-file figure is tools/bench.py's).
Timings are the best of a few runs of the statement_check api on base64 bytes (decode,
split, check, summary, chart and CSV), plus the full call_json round trip.

    .venv/bin/python tools/bench_statement.py [--rows 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import runtime_files  # noqa: E402
from tools.time_statement import time_statement  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "statement.json"
KINDS = (("信用卡", "0.006"), ("借记卡", "0.005"), ("微信", "0.0038"), ("支付宝", "0.0038"))


def statement(rows: int, seed: int = 6) -> bytes:
    """A GBK export like a provider's: a title line, header, a hike in the last month."""
    rng = random.Random(seed)
    lines = ["商户交易明细（测试数据）", "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称"]
    for i in range(rows):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i * 90 // rows)
        kind, rate = rng.choice(KINDS)
        fen = rng.choice([rng.randint(1000, 50_000), rng.randint(1000, 5_000_000)])
        amount = Decimal(fen) / 100
        fee = (amount * Decimal(rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if kind == "借记卡":
            fee = min(fee, Decimal(25))
        if kind == "信用卡" and day.month == 3:  # the reported hike: 2.99% + 3 yuan
            fee = (amount * Decimal("0.0299") + 3).quantize(Decimal("0.01"), ROUND_HALF_UP)
        cells = [
            f"{day.isoformat()} {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:00",
            "T0001",
            kind,
            f"{amount:.2f}",
            f"{fee:.2f}",
            f"{amount - fee:.2f}",
            "测试小店",
        ]
        if i % 5000 == 17:
            cells[3] = "12,34.5"  # a malformed amount now and then
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def workbook(rows: int, seed: int = 6) -> bytes:
    """The same statement as an .xlsx: amounts and fees stored as numbers, a title row."""
    import io

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("交易明细")
    for number, line in enumerate(statement(rows, seed).decode("gb18030").splitlines()):
        cells: list[object] = line.split(",")
        if number >= 2:
            cells[3:5] = [_number(cells[3]), _number(cells[4])]
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _number(text: object) -> object:
    try:
        return float(str(text))  # Excel stores numbers as doubles; the reader must cope
    except ValueError:
        return text


def irregular(rows: int, seed: int = 7, untidy: bool = False) -> bytes:
    """Every row flagged: a random wrong fee on each (no two alike, so no cache
    of explanations helps), the row loop's slow path 100,000 times.

    `untidy` also writes the cells the ways real exports do: quoted grouped
    amounts, trailing dots, fees written as deductions, dates in three forms.
    """
    rng = random.Random(seed)
    lines = [
        "商户交易明细（测试数据）",
        "交易日期,交易时间,卡类型,交易金额,手续费,结算金额,商户名称",
    ]
    for i in range(rows):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i * 90 // rows)
        kind, rate = rng.choice(KINDS)
        amount = Decimal(rng.randint(1000, 5_000_000)) / 100
        fee = (amount * Decimal(rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if kind == "借记卡":
            fee = min(fee, Decimal(25))
        fee += Decimal(rng.randint(2, 900)) / 100  # always more than a fen off
        written, dates, fees = f"{amount:.2f}", [day.isoformat()], [f"{fee:.2f}"]
        if untidy:
            whole = f"{amount:.0f}." if amount == int(amount) else written
            written = rng.choice([f'"{amount:,.2f}"', written, whole])
            dates += [f"{day.year}/{day.month}/{day.day}", day.strftime("%Y%m%d")]
            fees.append(f"-{fee:.2f}")
        cells = [
            rng.choice(dates),
            f"{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}",
            kind,
            written,
            rng.choice(fees),
            f"{amount - fee:.2f}",
            "测试小店",
        ]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def cpython(data: bytes, repeats: int) -> dict:
    return time_statement(base64.b64encode(data).decode("ascii"), repeats)


def pyodide(data: bytes, repeats: int, excel: bool = False) -> dict:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Node.js is needed for the Pyodide timing")
    with tempfile.TemporaryDirectory() as work:
        package = Path(work) / "calculator.zip"
        package.write_bytes(runtime_files.site_package())
        path = Path(work) / "statement.csv"
        path.write_bytes(data)
        readers: list[str] = []
        if excel:  # what the worker unpacks for a workbook
            wheels = runtime_files.excel_wheels()
            extra = Path(work) / "excel_stdlib.zip"
            extra.write_bytes(runtime_files.excel_stdlib(wheels))
            readers = [str(extra), *(str(w) for w in wheels)]
        done = subprocess.run(
            [
                node,
                str(ROOT / "tools" / "bench_statement.mjs"),
                str(ROOT / "tools" / "time_statement.py"),
                str(package),
                str(path),
                str(repeats),
                *readers,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the .xlsx figures")
    parser.add_argument("--no-pyodide", action="store_true", help="CPython figures only")
    args = parser.parse_args()
    data = statement(args.rows)
    native = cpython(data, args.repeats)
    flagged = cpython(irregular(args.rows), args.repeats)
    best_i = min(flagged["check"])
    untidy = cpython(irregular(args.rows, untidy=True), args.repeats)
    best_u = min(untidy["check"])
    if args.no_pyodide:
        print(f"{args.rows:,} rows: {native['counts']}")
        print(f"CPython {native['python']}: clean {min(native['check']):.3f} s")
        clean = min(native["check"])
        print(
            f"CPython every row flagged: {best_i:.3f} s = {best_i / clean:.2f}x clean (goal <= 3)"
        )
        print(f"CPython flagged and untidy: {best_u:.3f} s = {best_u / clean:.2f}x clean")
        return
    browser = pyodide(data, args.repeats)
    if native["counts"] != browser["counts"]:
        raise SystemExit(f"CPython and Pyodide disagree: {native['counts']} {browser['counts']}")
    best_c, best_p = min(native["check"]), min(browser["check"])
    report = {
        "rows": args.rows,
        "bytes": len(data),
        "counts": native["counts"],
        "cpython": {
            "python": native["python"],
            "best_s": round(best_c, 3),
            "runs_s": native["check"],
            "call_json_best_s": round(min(native["call_json"]), 3),
        },
        "pyodide": {
            "python": browser["python"],
            "best_s": round(best_p, 3),
            "runs_s": browser["check"],
            "call_json_best_s": round(min(browser["call_json"]), 3),
        },
        "ratio": round(best_p / best_c, 2),
        "irregular": {
            "counts": flagged["counts"],
            "cpython_best_s": round(best_i, 3),
            "ratio_to_clean": round(best_i / best_c, 2),
            "untidy_cpython_best_s": round(best_u, 3),
            "untidy_ratio_to_clean": round(best_u / best_c, 2),
        },
        "goals": {"cpython_s": 1.5, "ratio": 3.0, "irregular_ratio": 3.0},
        "met": best_c < 1.5 and best_p / best_c < 3.0 and best_i / best_c <= 3.0,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{args.rows:,} rows ({len(data) / 1e6:.1f} MB GBK): {native['counts']}")
    print(
        f"CPython {native['python']}: {best_c:.3f} s (call_json {min(native['call_json']):.3f} s)"
    )
    print(
        f"Pyodide {browser['python']}: {best_p:.3f} s (call_json {min(browser['call_json']):.3f} s)"
    )
    print(f"ratio Pyodide/CPython: {best_p / best_c:.2f} (goals: CPython < 1.5 s, ratio < 3)")
    print(
        f"CPython every row flagged: {best_i:.3f} s = {best_i / best_c:.2f}x clean (goal <= 3); "
        f"flagged and untidy: {best_u:.3f} s = {best_u / best_c:.2f}x"
    )
    if not args.no_xlsx:
        report["xlsx"] = xlsx(args.rows, args.repeats)
        RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


def xlsx(rows: int, repeats: int) -> dict:
    """The same statement as .xlsx, in CPython and in Pyodide (readers as the site serves them)."""
    data = workbook(rows)
    native = cpython(data, repeats)
    browser = pyodide(data, max(1, repeats - 1), excel=True)
    if native["counts"] != browser["counts"]:
        raise SystemExit(
            f"xlsx: CPython and Pyodide disagree: {native['counts']} {browser['counts']}"
        )
    best_c, best_p = min(native["check"]), min(browser["check"])
    print(f"{rows:,} rows as .xlsx ({len(data) / 1e6:.1f} MB): {native['counts']}")
    print(f"  CPython {best_c:.2f} s, Pyodide under Node {best_p:.2f} s (read + check + summary)")
    return {
        "bytes": len(data),
        "counts": native["counts"],
        "cpython_best_s": round(best_c, 3),
        "pyodide_best_s": round(best_p, 3),
        "ratio": round(best_p / best_c, 2),
    }


if __name__ == "__main__":
    main()
