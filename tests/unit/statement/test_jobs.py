"""Statement jobs: open, check in steps, read the result once; errors before any row."""

from __future__ import annotations

import pytest

from calculator import api
from calculator.api import statement as api_statement
from tests.statement_values import FINE, HEADER, HIKE, statement

BIG = statement(*(FINE * 50), HIKE, "x,T1,信用卡,1,1,,")
UNKNOWN_JOB = {
    "code": "unknown_job",
    "message_zh": "这份账单已经不在内存里了，请重新开始核对。",
    "field": "job",
}


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


def test_steps_add_up_and_stop_at_the_last_row() -> None:
    job = api_statement.statement_open(text=BIG)["job"]
    assert api_statement.statement_step(job=job, count=100) == {
        "job": job,
        "done": 100,
        "total": 152,
    }
    assert api_statement.statement_step(job=job, count=100)["done"] == 152
    assert api_statement.statement_step(job=job, count=100)["done"] == 152


@pytest.mark.parametrize("count", [None, 0, -3, True, "40", 1.5])
def test_a_count_that_is_not_a_positive_whole_number_takes_the_default_step(
    count: object,
) -> None:
    job = api_statement.statement_open(text=BIG)["job"]
    assert api_statement.statement_step(job=job, count=count)["done"] == 152


def test_the_same_request_is_the_same_job_and_starts_over() -> None:
    first = api_statement.statement_open(text=BIG)
    api_statement.statement_step(job=first["job"], count=40)
    again = api_statement.statement_open(text=BIG)
    assert again == {"job": first["job"], "done": 0, "total": 152}
    other = api_statement.statement_open(text=BIG, plan="example-d0-addon")
    assert other["job"] != first["job"]


def test_a_third_open_statement_forgets_the_oldest() -> None:
    jobs = [
        api_statement.statement_open(text=BIG, plan=plan)["job"]
        for plan in ("lakala-personal", "example-d0-addon", "example-qr-bands")
    ]
    assert api.safe_call("statement_step", job=jobs[0])["error"] == UNKNOWN_JOB
    assert [api.safe_call("statement_step", job=j, count=1)["done"] for j in jobs[1:]] == [1, 1]


@pytest.mark.parametrize("job", [None, 123, "0123456789abcdef"])
def test_an_unknown_job_is_a_chinese_error(job: object) -> None:
    assert api.safe_call("statement_step", job=job)["error"] == UNKNOWN_JOB
    assert api.safe_call("statement_result", job=job)["error"] == UNKNOWN_JOB


def test_unknown_headers_open_no_job() -> None:
    opened = api_statement.statement_open(text="A,B,C,D\n2025-03-01,信用卡,10000,60\n")
    assert opened["need_mapping"] is True and "job" not in opened


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


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ({}, "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。"),
        ({"text": " \n"}, "empty_statement", "没有内容：请选择导出的账单文件，或把表格粘贴进来。"),
        ({"text": HEADER + "\n"}, "no_rows", "表头下面没有交易行：请确认导出的是交易明细。"),
    ],
)
def test_nothing_to_check_word_for_word(args: dict, code: str, message: str) -> None:
    for fn in ("statement_check", "statement_open"):
        error = api.safe_call(fn, **args)["error"]
        assert error == {"code": code, "message_zh": message, "field": "file"}
