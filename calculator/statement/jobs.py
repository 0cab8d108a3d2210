"""Statement jobs: open a statement, check it in steps, then hand back the checker.

The page checks a big file in steps so it can show progress between them;
`check_statement` does it all at once. An open job stays in this process's
memory only, under an id derived from the request, until its result is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from calculator.core.errors import InputError
from calculator.core.plans import Plan
from calculator.statement.check import Checker
from calculator.statement.read import (
    HEADER_SEARCH_LINES,
    MAX_ROWS,
    Table,
    apply_mapping,
    bytes_from_base64,
    read_table,
    table_from_records,
)

DEFAULT_STEP = 20_000
_JOBS: dict[str, Checker] = {}
_MAX_JOBS = 2  # one statement at a time in practice; the previous one may still be open


@dataclass(slots=True)
class NeedsMapping:
    """The headers were not recognised: the reader has to say which column is which."""

    table: Table
    missing: list[str]  # required fields with no column found


@dataclass(slots=True)
class Job:
    id: str
    checker: Checker


def load_bytes(raw: bytes) -> Table:
    """A chosen file into a table: a workbook's sheet, or text in whatever encoding.

    The one place where file bytes meet the reader; the notes say how the
    file was read (encoding, stray bytes, which sheet).
    """
    from calculator.statement import excel

    kind = excel.kind_of(raw)
    if kind is None:
        from calculator.statement.decode import decode

        decoded = decode(raw)
        table = read_table(decoded.text, decoded.encoding)
        table.notes.extend(decoded.notes)
        return table
    book = excel.read_workbook(raw, kind, MAX_ROWS + HEADER_SEARCH_LINES)
    table = table_from_records(book.records, kind)
    table.notes.extend(book.notes)
    if "time" in table.columns:
        excel.serial_dates(table.data, table.columns["time"], book.epoch)
    return table


def load(text: object = None, data: object = None) -> Table:
    """Pasted text or base64 file bytes into a table (columns not yet checked)."""
    if data is not None:
        return load_bytes(data if isinstance(data, bytes) else bytes_from_base64(data))
    if not isinstance(text, str):
        raise InputError(
            "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。", "file"
        )
    return read_table(text, "text")


def open_statement(
    plan: Plan, text: object = None, data: object = None, mapping: object = None
) -> Checker | NeedsMapping:
    """A checker ready to step, or what the column-mapping form needs."""
    table = load(text, data)
    if mapping is not None:
        apply_mapping(table, mapping)
    elif table.header_index is None or "channel" not in table.columns:
        found = table.columns
        missing = [
            f
            for f in ("amount", "fee", "channel")
            if f not in found and not (f == "fee" and "settled" in found)
        ]
        return NeedsMapping(table, missing)
    checker = Checker(plan, table)
    if checker.total == 0:
        raise InputError("no_rows", "表头下面没有交易行：请确认导出的是交易明细。", "file")
    return checker


def check_statement(
    plan: Plan, text: object = None, data: object = None, mapping: object = None
) -> Checker | NeedsMapping:
    """Every row checked in one go."""
    opened = open_statement(plan, text, data, mapping)
    if isinstance(opened, Checker):
        opened.step(opened.total)
    return opened


def start_job(
    plan: Plan, text: object = None, data: object = None, mapping: object = None
) -> Job | NeedsMapping:
    opened = open_statement(plan, text, data, mapping)
    if not isinstance(opened, Checker):
        return opened
    # The id depends only on the request, so CPython and Pyodide agree; the
    # whole plan is in it, so two custom contracts on one file are two jobs.
    # Bytes are hashed as they are: repr() of a 40 MB file would cost seconds.
    body = hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else data
    digest = hashlib.sha256(repr((plan, text, body, mapping)).encode()).hexdigest()[:16]
    while len(_JOBS) >= _MAX_JOBS:
        _JOBS.pop(next(iter(_JOBS)))
    _JOBS[digest] = opened
    return Job(digest, opened)


def _job(job: object) -> Job:
    if not isinstance(job, str) or job not in _JOBS:
        raise InputError("unknown_job", "这份账单已经不在内存里了，请重新开始核对。", "job")
    return Job(job, _JOBS[job])


def step_job(job: object, count: int = DEFAULT_STEP) -> Job:
    found = _job(job)
    found.checker.step(count)
    return found


def finish_job(job: object) -> Checker:
    """The job checked to the end and forgotten: a result is read once."""
    found = _job(job)
    found.checker.step(found.checker.total)
    del _JOBS[found.id]
    return found.checker
