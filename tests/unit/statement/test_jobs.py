"""Statement jobs: open, check in steps, read the result once; errors before any row."""

from __future__ import annotations

import pytest

from calculator import api
from calculator.api import statement as api_statement
from tests.statement_values import FINE, HEADER, HIKE, statement

BIG = statement(*(FINE * 50), HIKE, "x,T1,信用卡,1,1,,")


def test_chunked_steps_give_the_same_result_as_one_call() -> None:
    text = BIG
    whole = api_statement.statement_check(text=text)
    opened = api_statement.statement_open(text=text)
    assert opened["total"] == 152 and opened["done"] == 0
    step = api_statement.statement_step(job=opened["job"], count=40)
    assert step["done"] == 40
    assert api_statement.statement_result(job=opened["job"]) == whole
    gone = api.safe_call("statement_result", job=opened["job"])
    assert gone["error"]["code"] == "unknown_job"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_statement"),
        ("  \n\n", "empty_statement"),
        (HEADER + "\n", "no_rows"),
    ],
)
def test_nothing_to_check_is_an_error(text: str, code: str) -> None:
    assert api.safe_call("statement_check", text=text)["error"]["code"] == code
