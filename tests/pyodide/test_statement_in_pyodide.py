"""Statement check (issue 6) in real Pyodide under Node gives byte-identical
replies to CPython: file decoding (UTF-8, BOM, GBK), mapping, findings, chart,
CSV, and the open/step/result sequence the page uses for progress."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import pytest

from calculator import api
from tests.pyodide.runner import run_in_pyodide

pytestmark = pytest.mark.pyodide
HERE = Path(__file__).parent
ROOT = HERE.parent.parent
HEADER = "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称"


def _statement(rows: int, seed: int) -> str:
    rng = random.Random(seed)
    kinds = [("信用卡", "0.006"), ("借记卡", "0.005"), ("微信", "0.0038"), ("云闪付", "0.006")]
    lines = [HEADER]
    for i in range(rows):
        kind, rate = rng.choice(kinds)
        fen = rng.randint(100, 10**7)
        amount = fen / 100
        fee = round(amount * float(rate) + (3 if i % 7 == 0 else 0), 2)
        lines.append(f"2025-03-{1 + i % 28:02d} 10:00,T1,{kind},{amount:.2f},{fee:.2f},,=x{i}")
    lines += ["2025-03-30,T1,visa,1,1,,", "2025-03-30,T1,信用卡,abc,1,,", "合计,,,,,,"]
    return "\n".join(lines) + "\n"


def _requests() -> list[str]:
    text = _statement(400, 6)
    hike = f'{HEADER}\n2025-03-14 09:30,T1,贷记卡,"30,580.00",917.34,29662.66,小店\n'
    b64 = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    cases = [
        {"fn": "statement_check", "args": {"text": text}},
        {"fn": "statement_check", "args": {"text": text.replace(",", "\t"), "limit": 10}},
        {"fn": "statement_check", "args": {"data": b64(text.encode("utf-8"))}},
        {"fn": "statement_check", "args": {"data": b64(b"\xef\xbb\xbf" + text.encode("utf-8"))}},
        {"fn": "statement_check", "args": {"data": b64(hike.encode("gbk"))}},
        {"fn": "statement_check", "args": {"text": "A,B,C\n1,2,3\n"}},
        {
            "fn": "reconcile",
            "args": {
                "text": "A,B\n10000,63\n",
                "mapping": {"amount": 0, "fee": 1, "channel_default": "credit"},
            },
        },
        {
            "fn": "reconcile",
            "args": {
                "text": hike,
                "custom": {"channels": {"credit": {"rate_percent": 2.99, "fixed": 3}}},
            },
        },
        {"fn": "statement_check", "args": {"text": ""}},
        {"fn": "statement_check", "args": {"data": "not base64!"}},
        {"fn": "statement_open", "args": {"data": b64(text.encode("gb18030"))}},
    ]
    requests = [json.dumps(c, ensure_ascii=False) for c in cases]
    job = json.loads(api.call_json(requests[-1]))["job"]
    for count in (150, 150, 150):
        requests.append(json.dumps({"fn": "statement_step", "args": {"job": job, "count": count}}))
    requests.append(json.dumps({"fn": "statement_result", "args": {"job": job, "limit": 50}}))
    requests.append(json.dumps({"fn": "statement_result", "args": {"job": job}}))
    return requests


@pytest.fixture(scope="module")
def replies(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict]:
    requests = _requests()
    return requests, run_in_pyodide(requests, tmp_path_factory.mktemp("pyodide-reconcile"))


def test_reconcile_identical_to_cpython(replies: tuple[list[str], dict]) -> None:
    requests, result = replies
    assert result["python"].startswith("3.14")
    got = result["replies"]
    expected = [api.call_json(r) for r in requests]
    assert len(got) == len(expected) == len(requests)
    mismatches = [
        (r[:120], g[:300]) for r, g, e in zip(requests, got, expected, strict=True) if g != e
    ]
    assert not mismatches, mismatches[:3]
    first = json.loads(got[0])
    assert first["rows"] == 403 and first["adds_up"] and first["flagged"] > 0
    assert json.loads(got[4])["overcharge"] == "733.86"
    assert json.loads(got[5])["need_mapping"] is True
    chunked = json.loads(got[-2])
    assert chunked["rows"] == 403 and chunked["flagged"] == first["flagged"]
    assert json.loads(got[-1])["error"]["code"] == "unknown_job"
