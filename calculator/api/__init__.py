"""The seam every front door uses: plain data in, plain data out.

The CLI prints these dicts, the browser worker posts them, the site macros
format them. Money crosses the boundary as two-decimal strings, errors as
{"error": {"code", "message_zh", "field"}} -- never as an exception. Each tool
builds its replies in its own module here; this one only dispatches.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator, MutableMapping
from decimal import Decimal
from typing import Any

from calculator.core.errors import DataError, InputError

Result = dict[str, Any]

# Every function the front doors may call, by name, and the module defining it
# under that name. A module is imported on the first call of one of its
# functions, so the calculator's first fee never waits for the walker or the
# statement check to load (in the browser, every import is paid on a cold visit).
TOOLS: dict[str, str] = {
    "fee": "calculator.api.fees",
    "check": "calculator.api.fees",
    "gross": "calculator.api.fees",
    "plans": "calculator.api.fees",
    "estimate": "calculator.api.fees",
    "compare": "calculator.api.fees",
    "chart": "calculator.api.fees",
    "fees_link": "calculator.api.fees_link",
    "walker_step": "calculator.api.walker",
    "walker_tree": "calculator.api.walker",
    "statement_check": "calculator.api.statement",
    "statement_open": "calculator.api.statement",
    "statement_step": "calculator.api.statement",
    "statement_result": "calculator.api.statement",
}
# What a tool imports only inside its functions (the statement engine), so a
# caller that wants everything in memory at once gets it too.
_IMPORTED_ON_USE = (
    "calculator.fees.charts",
    "calculator.fees.estimate",
    "calculator.statement.explain",
    "calculator.statement.jobs",
    "calculator.statement.report",
    "calculator.statement.notices",
    "calculator.statement.chart",
    "calculator.statement.decode",
    "calculator.statement.excel",
)


class _Functions(MutableMapping[str, Callable[..., Result]]):
    """Name -> function, like a dict; a function's module is imported on its first lookup.

    Only names in TOOLS (or set later, as tests do) exist, so a request can
    never make it import anything else. Membership asks the table, not the module.
    """

    def __init__(self, table: dict[str, str]) -> None:
        self._entries: dict[str, str | Callable[..., Result]] = dict(table)

    def __getitem__(self, name: str) -> Callable[..., Result]:
        entry = self._entries[name]
        if isinstance(entry, str):  # the module's path: import it now
            entry = getattr(importlib.import_module(entry), name)
            self._entries[name] = entry
        return entry

    def __setitem__(self, name: str, function: Callable[..., Result]) -> None:
        self._entries[name] = function

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


FUNCTIONS: MutableMapping[str, Callable[..., Result]] = _Functions(TOOLS)
__all__ = ["FUNCTIONS", "TOOLS", "call_json", "import_all", "safe_call"]


def import_all() -> None:
    """Import every tool module and what they import on first use.

    For the browser worker before it takes its memory snapshot: a visit that
    starts from the snapshot then finds every tool already imported.
    """
    for module in dict.fromkeys([*TOOLS.values(), *_IMPORTED_ON_USE]):
        importlib.import_module(module)


def safe_call(name: str, **kwargs: Any) -> Result:
    """Run one API function; readers' mistakes come back as data."""
    try:
        return FUNCTIONS[name](**kwargs)
    except InputError as error:
        return {"error": error.as_dict()}


# What a request may hold. Pyodide's stack is far smaller than CPython's: a
# 5,000-deep list kills the worker before RecursionError could be raised, so
# depth is counted before json.loads ever recurses. A number may not carry an
# exponent that would make a rate print as a million digits.
MAX_DEPTH = 20
MAX_NUMBER_CHARS = 40
MAX_STRUCTURE_CHARS = 200_000  # the request without its strings (a file is one string)
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _too_complex() -> InputError:
    return InputError(
        "request_too_complex", "请求太复杂（嵌套太深或数字太长），请刷新页面后重试。", ""
    )


def _check_shape(request: str) -> None:
    """Refuse deep nesting in linear time, without recursion."""
    skeleton = _STRINGS.sub("", request) if '"' in request else request
    if len(skeleton) > MAX_STRUCTURE_CHARS:
        raise _too_complex()
    depth = 0
    for bracket in _BRACKETS.findall(skeleton):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            raise _too_complex()


def _number(text: str) -> Decimal:
    """A JSON number as Decimal (never float), short and with a small exponent."""
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_complex()
    value = Decimal(text)
    if value and not -30 <= value.adjusted() <= 30:
        raise _too_complex()
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_complex()
    return int(text)


def call_json(request: str) -> str:
    """The browser worker's single entry point: JSON text in, JSON text out.

    Only names in FUNCTIONS and plain string arguments get through, so a
    hostile page parameter can neither pick another function nor pass objects.
    """
    try:
        if not isinstance(request, str):
            raise TypeError(type(request).__name__)
        _check_shape(request)
        # Numbers in JSON become Decimal, never float.
        message = json.loads(request, parse_float=_number, parse_int=_integer)
        name = message["fn"]
        args = message.get("args", {})
        if name not in FUNCTIONS or not isinstance(args, dict):
            raise ValueError(name)
        clean = {str(k): v for k, v in args.items() if k != "plans_file"}
        reply = safe_call(name, **clean)
    except InputError as error:  # the request's own shape: before ValueError too
        reply = {"error": error.as_dict()}
    except DataError as error:  # before ValueError, which it subclasses
        reply = {
            "error": {
                "code": "data_error",
                "message_zh": "费率数据有误，请稍后再试。",
                "field": "",
                "detail": str(error),
            }
        }
    except (ValueError, KeyError, TypeError, RecursionError):
        reply = {
            "error": {
                "code": "bad_request",
                "message_zh": "请求格式不对，请刷新页面后重试。",
                "field": "",
            }
        }
    except Exception as error:  # noqa: BLE001 - the page must get an answer, never a crash
        reply = {
            "error": {
                "code": "internal",
                "message_zh": "计算出了意外的错误，请刷新页面重试；"
                "如果一直出错，请换一台设备或稍后再试。",
                "field": "",
                "detail": f"{type(error).__name__}: {error}",
            }
        }
    return json.dumps(reply, ensure_ascii=False)
