"""call_json's bounds (issue 13, item 10): deep nesting, long numbers and huge
exponents get a clear Chinese error in linear time, never a crash or a 4 MB reply."""

from __future__ import annotations

import json
import time

import pytest

from calculator import api

TOO_COMPLEX = {
    "code": "request_too_complex",
    "message_zh": "请求太复杂（嵌套太深或数字太长），请刷新页面后重试。",
    "field": "",
}


def fee_request(extra: str) -> str:
    return '{"fn": "fee", "args": {"amount": "100", "channel": "credit", "x": ' + extra + "}}"


@pytest.mark.parametrize(
    "extra",
    [
        "[" * 5000 + "]" * 5000,
        "{" + '"a": {' * 5000 + "}" * 5001,
        "[" * 21 + "]" * 21,
        "1" * 41,
        "1e-999999",
        "1e999999",
        "0." + "0" * 60 + "1",
    ],
    ids=["list-5000", "dict-5000", "list-21", "long-int", "tiny-exp", "huge-exp", "long-float"],
)
def test_10_hostile_shapes_get_a_chinese_error(extra: str) -> None:
    reply = json.loads(api.call_json(fee_request(extra)))
    assert reply == {"error": TOO_COMPLEX}


def test_10_the_reported_rate_exponent_is_refused() -> None:
    request = json.dumps(
        {"fn": "fee", "args": {"amount": "100", "channel": "credit", "custom": {}}}
    ).replace('"custom": {}', '"custom": {"channels": {"credit": {"rate_percent": 1e-999999}}}')
    reply = api.call_json(request)
    assert len(reply) < 500 and json.loads(reply)["error"]["code"] == "request_too_complex"


def test_10_brackets_inside_strings_do_not_count() -> None:
    amount = json.dumps("[" * 5000 + '\\"{')
    request = '{"fn": "fee", "args": {"channel": "credit", "amount": ' + amount + "}}"
    reply = json.loads(api.call_json(request))
    assert reply["error"]["field"] == "amount"  # the amount's own message, not the shape's


def test_10_ordinary_numbers_still_pass_as_decimal() -> None:
    request = json.dumps(
        {
            "fn": "fee",
            "args": {
                "amount": "100",
                "channel": "credit",
                "custom": {"channels": {"credit": {"rate_percent": 0.6}}},
            },
        }
    )
    assert json.loads(api.call_json(request))["fee"] == "0.60"


def test_10_the_shape_check_is_linear() -> None:
    start = time.perf_counter()
    reply = json.loads(api.call_json(fee_request("[" * 2_000_000 + "]" * 2_000_000)))
    assert reply["error"]["code"] == "request_too_complex"
    assert time.perf_counter() - start < 2
