"""Replies of the statement check (对账).

A statement is pasted `text`, base64 file `data`, or `file`: the token of bytes
the browser worker handed over with `receive_file` (a transferred buffer, not
JSON). Python decodes them (UTF-8, GBK, UTF-16, Excel workbooks). `mapping`
names columns by hand when the headers are unknown. Big files go
open -> step ... -> result so the page can show progress.
`calculator.statement` is imported on first use: the fee calculator page, which
shares this dispatcher, should not pay for csv/base64/hashlib imports in Pyodide.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from calculator.api import inputs
from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.describe import describe_rule_of
from calculator.core.errors import InputError
from calculator.core.money import format_rate, format_yuan, format_yuan_plain

if TYPE_CHECKING:
    from decimal import Decimal

    from calculator.statement.check import Checker, Finding
    from calculator.statement.jobs import NeedsMapping
    from calculator.statement.read import Table

Result = dict[str, Any]
DEFAULT_PLAN = inputs.DEFAULT_PLAN
_FILES: dict[str, bytes] = {}  # the file the page chose last, by token


def receive_file(data: bytes) -> Result:
    """Keep file bytes the page transferred to the worker; the token goes in `file`.

    Not in FUNCTIONS: bytes never travel as JSON. The reply says whether the
    file is a workbook, so the worker loads the Excel readers only then.
    """
    from calculator.statement.excel import kind_of
    from calculator.statement.read import MAX_BYTES, too_large

    # In Pyodide `data` is a JsProxy of the page's Uint8Array: to_bytes() copies it
    # in one go (4 MB in 50 ms), bytes() would walk it byte by byte (3.7 s).
    raw = data.to_bytes() if hasattr(data, "to_bytes") else bytes(data)
    if len(raw) > MAX_BYTES:
        return {"error": too_large().as_dict()}
    token = hashlib.sha256(raw).hexdigest()[:16]
    _FILES.clear()  # one statement at a time: the previous file's memory is freed
    _FILES[token] = raw
    kind = kind_of(raw)
    return {"file": token, "bytes": len(raw), "reader": "excel" if kind else None}


def _source(data: object, file: object) -> object:
    """base64 `data`, or the bytes kept under the token `file`."""
    if file is None:
        return data
    if not isinstance(file, str) or file not in _FILES:
        raise InputError("bad_file", "文件没有读进来，请重新选择文件。", "file")
    return _FILES[file]


def statement_check(
    text: object = None,
    data: object = None,
    plan: object = DEFAULT_PLAN,
    custom: object = None,
    mapping: object = None,
    plans_file: str | None = None,
    limit: object = None,
    file: object = None,
) -> Result:
    """Check every row of a statement against a plan or the reader's own rates."""
    from calculator.statement import jobs

    chosen = inputs.plan(plan, plans_file, custom)
    checked = jobs.check_statement(chosen, text, _source(data, file), mapping)
    if isinstance(checked, jobs.NeedsMapping):
        return _mapping_form(checked)
    return _summary(checked, limit)


def statement_open(
    text: object = None,
    data: object = None,
    plan: object = DEFAULT_PLAN,
    custom: object = None,
    mapping: object = None,
    plans_file: str | None = None,
    file: object = None,
) -> Result:
    """Read a statement and keep it for statement_step; or say which columns are unknown."""
    from calculator.statement import jobs

    chosen = inputs.plan(plan, plans_file, custom)
    job = jobs.start_job(chosen, text, _source(data, file), mapping)
    if isinstance(job, jobs.NeedsMapping):
        return _mapping_form(job)
    return _progress(job.id, job.checker)


def statement_step(job: object = None, count: object = None) -> Result:
    """Check the next `count` rows (a default step unless a positive whole number)."""
    from calculator.statement import jobs

    found = jobs.step_job(job, _whole_number(count) or jobs.DEFAULT_STEP)
    return _progress(found.id, found.checker)


def statement_result(job: object = None, limit: object = None) -> Result:
    from calculator.statement import jobs

    return _summary(jobs.finish_job(job), limit)


def _whole_number(value: object) -> int | None:
    """A count from the page: an int that is not a bool, zero or more; else None."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _progress(job: str, checker: Checker) -> Result:
    return {"job": job, "done": checker.position, "total": checker.total}


_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "": "none"}


def _delimiter_name(table: Table) -> str:
    return _DELIMITER_NAMES.get(table.delimiter, "none")


def _header_name(table: Table, index: int) -> str:
    header = table.header
    return header[index].strip() if index < len(header) else f"第 {index + 1} 列"


def _rate(rate: Decimal | None) -> str | None:
    return None if rate is None else format_rate(rate)


def _mapping_form(needs: NeedsMapping, rows: int = 5) -> Result:
    """What the column-mapping form shows: why, each column's first cells, our guess."""
    from calculator.statement.read import (
        FIELD_NAMES_ZH,
        FIELDS,
        MAX_PREVIEW_COLUMNS,
        clean_cell,
        cut,
        recognise,
    )

    table = needs.table
    top = [cells for _line, cells in table.records[: rows + 1]]
    width = max((len(cells) for cells in top), default=0)
    # A line of a million "1," must not become a million <option>s: the form
    # offers the first columns only, each sample cut short.
    shown = min(width, MAX_PREVIEW_COLUMNS)
    columns = []
    for index in range(shown):
        samples = [cut(clean_cell(c[index]))[:40] if index < len(c) else "" for c in top]
        columns.append({"index": index, "samples": samples})
    guess = {f: i for f, i in recognise(top[0]).items() if i < shown} if top else {}
    missing = "、".join(FIELD_NAMES_ZH[f] for f in needs.missing)
    return {
        "need_mapping": True,
        "message_zh": f"认不出这些列：{missing}。请指定每一列是什么。"
        + (f"（这一行有 {width:,} 列，只列出前 {shown} 列。）" if width > shown else ""),
        "encoding": table.encoding,
        "columns": columns,
        "guess": guess,
        "columns_total": width,
        "fields": [{"field": f, "name": FIELD_NAMES_ZH[f]} for f in FIELDS],
        "delimiter": _delimiter_name(table),
        "notes": list(table.notes),
    }


def _people(machine: str) -> str:
    """One of our own machine figures ("30580.00") as people read it ("30,580.00")."""
    from decimal import Decimal

    return format_yuan(Decimal(machine))


def _finding_dict(f: Finding) -> Result:
    """A row for the page; a flagged row's figures grouped, with machine ones to sort by.

    A rejected or skipped row shows its cells as the file wrote them.
    """
    flagged = f.status == "flagged"
    shown = _people if flagged else str
    row: Result = {
        "line": f.line,
        "status": f.status,
        "reason": f.reason,
        "pattern": f.pattern,
        "time": f.time,
        "channel": f.channel,
        "channel_name": CHANNELS.get(f.channel, f.channel),
        "channel_short": SHORT_NAMES.get(f.channel, f.channel),
        "amount": shown(f.amount),
        "fee": shown(f.fee),
        "expected": shown(f.expected),
        "difference": format_yuan(f.difference) if flagged else "",
    }
    if flagged:
        row["sort"] = {
            "amount": f.amount,
            "fee": f.fee,
            "expected": f.expected,
            "difference": format_yuan_plain(f.difference),
        }
    row["merchant"] = f.merchant
    row["terminal"] = f.terminal
    return row


def _summary(checker: Checker, limit: object = None) -> Result:
    """The whole result: counts, totals, findings, chart and CSV."""
    from calculator.statement.chart import rate_chart
    from calculator.statement.notices import notices
    from calculator.statement.report import findings_csv, service_text, summarise

    summary = summarise(checker)
    cap = _whole_number(limit)
    shown_flagged = summary.shown_flagged(cap)
    shown_rejected = summary.shown_rejected(cap)
    shown_skipped = summary.skipped if cap is None else summary.skipped[:cap]
    table = checker.table
    said = notices(checker)
    return {
        "plan": checker.plan.id,
        "plan_name": checker.plan.name,
        "encoding": table.encoding,
        "delimiter": _delimiter_name(table),
        "columns": {
            fld: {"index": index, "header": _header_name(table, index)}
            for fld, index in table.columns.items()
        },
        "channel_default": table.channel_default,
        "notes": list(table.notes),
        "rows": summary.rows,
        "checked": summary.fine,
        "flagged": len(summary.flagged),
        "rejected": len(summary.rejected),
        "skipped": len(summary.skipped),
        "adds_up": summary.adds_up,
        "overcharge": format_yuan(summary.overcharge),
        "undercharge": format_yuan(summary.undercharge),
        "channels": [
            {
                "channel": t.channel,
                "channel_name": CHANNELS[t.channel],
                "channel_short": SHORT_NAMES[t.channel],
                "rows": t.rows,
                "flagged": t.flagged,
                "amount": format_yuan(t.amount),
                "fee": format_yuan(t.fee),
                "expected": format_yuan(t.expected),
                "overcharge": format_yuan(t.over),
                "effective_rate": format_rate(t.fee / t.amount),
                # As the plan writes it ("0.5%，封顶 25.00 元"), never fee / amount.
                "contract": describe_rule_of(checker.plan.channels[t.channel])
                if t.channel in checker.plan.channels
                else "",
            }
            for t in summary.channels
        ],
        "patterns": [
            {
                "pattern": p.code,
                "label": p.label,
                "rows": p.rows,
                "difference": format_yuan(p.difference),
            }
            for p in summary.patterns
        ],
        "rate_changes": [
            {
                "channel": c.channel,
                "channel_name": CHANNELS[c.channel],
                "date": c.date,
                "rate_before": _rate(c.rate_before),
                "rate_after": _rate(c.rate_after),
                "charged_as": c.charged_as,
            }
            for c in summary.rate_changes
        ],
        "series": [
            {
                "date": p.date,
                "channel": p.channel,
                "amount": format_yuan(p.amount),
                "fee": format_yuan(p.fee),
                "expected": format_yuan(p.expected),
                "effective_rate": format_rate(p.effective_rate),
                "expected_rate": format_rate(p.expected_rate),
                "flagged": p.flagged,
            }
            for p in summary.series
        ],
        "chart_svg": rate_chart(summary.series),
        "chart_svg_dark": rate_chart(summary.series, dark=True),
        "flagged_rows": [_finding_dict(f) for f in shown_flagged],
        "rejected_rows": [_finding_dict(f) for f in shown_rejected],
        "skipped_rows": [_finding_dict(f) for f in shown_skipped],
        "rows_limited": len(shown_flagged) < len(summary.flagged)
        or len(shown_rejected) < len(summary.rejected)
        or len(shown_skipped) < len(summary.skipped),
        "notices": [
            {"code": n.code, "message_zh": n.message_zh, "lines": n.lines, "finding": n.finding}
            for n in said
        ],
        "refunds": {
            "rows": checker.sums.refunds,
            "amount": format_yuan(checker.sums.refund_amount),
        },
        "csv": findings_csv(summary, checker.plan),
        "service_text": service_text(summary, checker.plan),
    }
