"""Statement rows and helpers shared by the statement, api and CLI tests."""

from __future__ import annotations

import base64
from typing import Any

from calculator.api.statement import statement_check

HEADER = "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称"


FINE = [
    "2025-03-01 10:00:00,T1,信用卡,10000.00,60.00,9940.00,小店",
    "2025-03-02 10:00:00,T1,借记卡,10000.00,25.00,9975.00,小店",
    "2025-03-03 10:00:00,T1,微信,1000.00,3.80,996.20,小店",
]


HIKE = '2025-03-14 09:30:00,T1,信用卡,"30,580.00",917.34,29662.66,小店'


def statement(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def counts(result: dict) -> tuple[int, int, int, int]:
    return result["rows"], result["checked"], result["flagged"], result["rejected"]


def checked(*rows: str, **args: Any) -> dict[str, Any]:
    """The statement_check reply for these rows under HEADER (the default plan unless given)."""
    return statement_check(text=statement(*rows), **args)


def under(contract: str | dict[str, Any]) -> dict[str, Any]:
    """statement_check's arguments for a bundled plan's id or the reader's own rates."""
    return {"custom": contract} if isinstance(contract, dict) else {"plan": contract}
