"""Statement check (对账): a transaction export against the contract.

Entry points for the api: open a statement (decode, split, find columns),
check it in steps (so the browser can show progress between steps), then
collect the result. `check_statement` does all three at once. Everything is
plain data out; the statement never leaves the process that reads it.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.errors import InputError
from calculator.core.money import format_rate, format_yuan
from calculator.core.plans import Plan
from calculator.statement.chart import rate_chart
from calculator.statement.check import PATTERN_LABELS, ZERO, Checker, Finding
from calculator.statement.read import (
    FIELD_NAMES_ZH,
    Table,
    apply_mapping,
    bytes_from_base64,
    decode,
    preview,
    read_table,
)

DEFAULT_STEP = 20_000
_JOBS: dict[str, Checker] = {}
_MAX_JOBS = 2  # one statement at a time in practice; the previous one may still be open
CSV_HEADER = (
    "行号",
    "结果",
    "原因",
    "交易时间",
    "支付方式",
    "交易金额",
    "实收手续费",
    "按合同应收",
    "差额",
    "商户名称",
    "终端号",
)
_NEEDS_QUOTES = re.compile(r'[,"\n\r]').search
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def load(text: object = None, data: object = None) -> Table:
    """Pasted text or base64 file bytes into a table (columns not yet checked)."""
    if data is not None:
        raw = bytes_from_base64(data)
        decoded, encoding = decode(raw)
        return read_table(decoded, encoding)
    if not isinstance(text, str):
        raise InputError(
            "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。", "file"
        )
    return read_table(text, "text")


def open_statement(
    plan: Plan, text: object = None, data: object = None, mapping: object = None
) -> tuple[Checker | None, dict[str, Any]]:
    """A checker ready to step, or (None, what the column-mapping form needs)."""
    table = load(text, data)
    if mapping is not None:
        apply_mapping(table, mapping)
    elif table.header_index is None or "channel" not in table.columns:
        found = table.columns
        missing = [FIELD_NAMES_ZH[f] for f in ("amount", "fee", "channel") if f not in found]
        return None, {
            "need_mapping": True,
            "message_zh": "认不出这些列：" + "、".join(missing) + "。请指定每一列是什么。",
            "encoding": table.encoding,
            **preview(table),
        }
    checker = Checker(plan, table)
    if checker.total == 0:
        raise InputError("no_rows", "表头下面没有交易行：请确认导出的是交易明细。", "file")
    return checker, {}


def start_job(
    plan: Plan, text: object = None, data: object = None, mapping: object = None
) -> dict[str, Any]:
    checker, need = open_statement(plan, text, data, mapping)
    if checker is None:
        return need
    # The id depends only on the request, so CPython and Pyodide agree.
    digest = hashlib.sha256(repr((plan.id, text, data, mapping)).encode()).hexdigest()[:16]
    while len(_JOBS) >= _MAX_JOBS:
        _JOBS.pop(next(iter(_JOBS)))
    _JOBS[digest] = checker
    return {"job": digest, **_progress(checker)}


def _job(job: object) -> Checker:
    if not isinstance(job, str) or job not in _JOBS:
        raise InputError("unknown_job", "这份账单已经不在内存里了，请重新开始核对。", "job")
    return _JOBS[job]


def step_job(job: object, count: object = DEFAULT_STEP) -> dict[str, Any]:
    checker = _job(job)
    size = count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 0
    checker.step(size or DEFAULT_STEP)
    return {"job": job, **_progress(checker)}


def finish_job(job: object, limit: object = None) -> dict[str, Any]:
    checker = _job(job)
    checker.step(checker.total)
    del _JOBS[job]  # type: ignore[arg-type]
    return summarise(checker, limit)


def check_statement(
    plan: Plan,
    text: object = None,
    data: object = None,
    mapping: object = None,
    limit: object = None,
) -> dict[str, Any]:
    checker, need = open_statement(plan, text, data, mapping)
    if checker is None:
        return need
    checker.step(checker.total)
    return summarise(checker, limit)


def _progress(checker: Checker) -> dict[str, Any]:
    return {"done": checker.position, "total": checker.total}


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "line": f.line,
        "status": f.status,
        "reason": f.reason,
        "pattern": f.pattern,
        "time": f.time,
        "channel": f.channel,
        "channel_name": CHANNELS.get(f.channel, f.channel),
        "channel_short": SHORT_NAMES.get(f.channel, f.channel),
        "amount": f.amount,
        "fee": f.fee,
        "expected": f.expected,
        "difference": format_yuan(f.difference) if f.status == "flagged" else "",
        "merchant": f.merchant,
        "terminal": f.terminal,
    }


def summarise(checker: Checker, limit: object = None) -> dict[str, Any]:
    """The whole result as plain data: counts, totals, findings, chart and CSV."""
    flagged = [f for f in checker.findings if f.status == "flagged"]
    rejected = [f for f in checker.findings if f.status == "rejected"]
    cap = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0 else None
    shown_flagged = flagged
    if cap is not None and len(flagged) > cap:
        # The biggest overcharges first: those are what a merchant acts on.
        shown_flagged = sorted(flagged, key=lambda f: (-f.difference, f.line))[:cap]
        shown_flagged.sort(key=lambda f: f.line)
    shown_rejected = rejected if cap is None else rejected[:cap]
    totals = checker.channel_totals()
    over = sum((t.over for t in totals.values()), ZERO)
    under = sum((t.under for t in totals.values()), ZERO)
    fine = checker.fine
    patterns: dict[str, list] = {}
    for f in flagged:
        entry = patterns.setdefault(f.pattern, [0, ZERO])
        entry[0] += 1
        entry[1] += f.difference
    series = checker.series()
    table = checker.table
    rows = checker.total
    return {
        "plan": checker.plan.id,
        "plan_name": checker.plan.name,
        "encoding": table.encoding,
        "delimiter": "tab" if table.delimiter == "\t" else "comma",
        "columns": {
            fld: {"index": index, "header": _header_name(table, index)}
            for fld, index in table.columns.items()
        },
        "channel_default": table.channel_default,
        "rows": rows,
        "checked": fine,
        "flagged": len(flagged),
        "rejected": len(rejected),
        "adds_up": fine + len(flagged) + len(rejected) == rows,
        "overcharge": format_yuan(over),
        "undercharge": format_yuan(under),
        "channels": [
            {
                "channel": channel,
                "channel_name": CHANNELS[channel],
                "channel_short": SHORT_NAMES[channel],
                "rows": t.rows,
                "flagged": t.flagged,
                "amount": format_yuan(t.amount),
                "fee": format_yuan(t.fee),
                "expected": format_yuan(t.expected),
                "overcharge": format_yuan(t.over),
                "effective_rate": format_rate(t.fee / t.amount),
                "expected_rate": format_rate(t.expected / t.amount),
            }
            for channel, t in totals.items()
        ],
        "patterns": [
            {
                "pattern": code,
                "label": PATTERN_LABELS[code],
                "rows": n,
                "difference": format_yuan(total),
            }
            for code, (n, total) in sorted(patterns.items(), key=lambda kv: -kv[1][0])
        ],
        "rate_changes": checker.rate_changes(),
        "series": series,
        "chart_svg": rate_chart(series),
        "flagged_rows": [_finding_dict(f) for f in shown_flagged],
        "rejected_rows": [_finding_dict(f) for f in shown_rejected],
        "rows_limited": len(shown_flagged) < len(flagged) or len(shown_rejected) < len(rejected),
        "csv": findings_csv(checker.findings),
    }


def _header_name(table: Table, index: int) -> str:
    header = table.header
    return header[index].strip() if index < len(header) else f"第 {index + 1} 列"


def neutralise(cell: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _csv_cell(cell: str) -> str:
    text = neutralise(cell)
    if _NEEDS_QUOTES(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def findings_csv(findings: list[Finding]) -> str:
    """Flagged and rejected rows as CSV text with a BOM, so Excel reads it as UTF-8."""
    lines = [",".join(CSV_HEADER)]
    for f in sorted(findings, key=lambda f: f.line):
        flagged = f.status == "flagged"
        difference = ""
        if flagged:
            # Our own figures; a negative one is a number, not a formula.
            sign = "少收 " if f.difference < 0 else ""
            difference = sign + format_yuan(abs(f.difference))
        cells = (
            str(f.line),
            "有问题" if flagged else "无法核对",
            f.reason,
            f.time,
            CHANNELS.get(f.channel, f.channel) if flagged else f.channel,
            f.amount,
            f.fee,
            f.expected,
            difference,
            f.merchant,
            f.terminal,
        )
        lines.append(",".join(_csv_cell(c) for c in cells))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"
