"""The seam every front door uses: plain data in, plain data out.

The CLI prints these dicts, the browser worker posts them, the site macros
format them. Money crosses the boundary as two-decimal strings, errors as
{"error": {"code", "message_zh", "field"}} -- never as an exception. Each tool
builds its replies in its own module here; this one only dispatches.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from calculator.api import fees, fees_link, statement, walker
from calculator.api.inputs import DEFAULT_PLAN
from calculator.core.errors import DataError, InputError

Result = dict[str, Any]
FUNCTIONS: dict[str, Callable[..., Result]] = {
    **fees.FUNCTIONS,
    **fees_link.FUNCTIONS,
    **walker.FUNCTIONS,
    **statement.FUNCTIONS,
}
__all__ = ["DEFAULT_PLAN", "FUNCTIONS", "call_json", "safe_call"]


def safe_call(name: str, **kwargs: Any) -> Result:
    """Run one API function; readers' mistakes come back as data."""
    try:
        return FUNCTIONS[name](**kwargs)
    except InputError as error:
        return {"error": error.as_dict()}


def call_json(request: str) -> str:
    """The browser worker's single entry point: JSON text in, JSON text out.

    Only names in FUNCTIONS and plain string arguments get through, so a
    hostile page parameter can neither pick another function nor pass objects.
    """
    try:
        # Numbers in JSON become Decimal, never float.
        message = json.loads(request, parse_float=Decimal)
        name = message["fn"]
        args = message.get("args", {})
        if name not in FUNCTIONS or not isinstance(args, dict):
            raise ValueError(name)
        clean = {str(k): v for k, v in args.items() if k != "plans_file"}
        reply = safe_call(name, **clean)
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
