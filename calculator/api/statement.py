"""Replies of the statement check (对账).

A statement is pasted `text` or base64 file `data` (decoded in Python: UTF-8,
BOM, GBK). `mapping` names columns by hand when the headers are unknown. Big
files go open -> step ... -> result so the page can show progress.
`calculator.statement` is imported on first use: the fee calculator page, which
shares this dispatcher, should not pay for csv/base64/hashlib imports in Pyodide.
"""

from __future__ import annotations

from typing import Any

from calculator.api import inputs

Result = dict[str, Any]
DEFAULT_PLAN = inputs.DEFAULT_PLAN


def statement_check(
    text: object = None,
    data: object = None,
    plan: object = DEFAULT_PLAN,
    custom: object = None,
    mapping: object = None,
    plans_file: str | None = None,
    limit: object = None,
) -> Result:
    """Check every row of a statement against a plan or the reader's own rates."""
    from calculator.statement import report

    chosen = inputs.plan(plan, plans_file, custom)
    return report.check_statement(chosen, text, data, mapping, limit)


def statement_open(
    text: object = None,
    data: object = None,
    plan: object = DEFAULT_PLAN,
    custom: object = None,
    mapping: object = None,
    plans_file: str | None = None,
) -> Result:
    """Read a statement and keep it for statement_step; or say which columns are unknown."""
    from calculator.statement import report

    return report.start_job(inputs.plan(plan, plans_file, custom), text, data, mapping)


def statement_step(job: object = None, count: object = None) -> Result:
    from calculator.statement import report

    return report.step_job(job, count)


def statement_result(job: object = None, limit: object = None) -> Result:
    from calculator.statement import report

    return report.finish_job(job, limit)


FUNCTIONS = {
    "statement_check": statement_check,
    "statement_open": statement_open,
    "statement_step": statement_step,
    "statement_result": statement_result,
}
