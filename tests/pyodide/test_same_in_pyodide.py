"""The same api calls in real Pyodide (pinned npm package, under Node) and in
CPython must give byte-identical JSON replies."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from calculator import api
from calculator.api import fees as api_fees
from calculator.core.channels import CHANNELS
from calculator.walker import tree as walker_tree
from tests.money_values import ACCEPTED, REFUSED
from tests.pyodide.runner import run_in_pyodide

pytestmark = pytest.mark.pyodide
HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def _requests() -> list[str]:
    rng = random.Random(20261126)
    plans = [p["id"] for p in api_fees.plans()["plans"]]
    cases: list[dict] = []
    typed = [t for t, _ in ACCEPTED] + [t for t, _ in REFUSED if isinstance(t, str)]
    for text in typed:
        cases.append({"fn": "fee", "args": {"amount": text, "channel": "credit"}})
    fixed = [
        "10000",
        "5000",
        "4999.99",
        "1",
        "0.75",
        "1.25",
        "1.32",
        "100000000",
        "1000.00",
        "1000.01",
        "30580",
    ]
    for amount in fixed:
        for channel in CHANNELS:
            for plan in plans:
                cases.append(
                    {"fn": "fee", "args": {"amount": amount, "channel": channel, "plan": plan}}
                )
    for _ in range(1200):
        fen = rng.choice([rng.randint(1, 10**4), rng.randint(1, 10**7), rng.randint(1, 10**10)])
        fn = rng.choice(["fee", "fee", "gross"])
        key = "amount" if fn == "fee" else "net"
        cases.append(
            {
                "fn": fn,
                "args": {
                    key: f"{fen // 100}.{fen % 100:02d}",
                    "channel": rng.choice(list(CHANNELS)),
                    "plan": rng.choice(plans),
                },
            }
        )
    cases += _monthly_cases(rng, plans)
    # The troubleshooting walker: every prefix of every path, and hostile links.
    from tests.walker_values import HOSTILE, all_paths

    tree = walker_tree.load_tree()
    for path in all_paths(tree):
        for n in range(len(path) + 1):
            answers = ",".join(f"{q}={a}" for q, a in path[:n])
            cases.append({"fn": "walker_step", "args": {"answers": answers}})
    cases += [{"fn": "walker_step", "args": {"answers": a}} for a in HOSTILE]
    cases += [{"fn": "walker_tree", "args": {}}, {"fn": "walker_step", "args": {}}]
    cases += [
        {"fn": "plans", "args": {}},
        {"fn": "nope", "args": {}},
        {"fn": "fee"},
        {"fn": "fee", "args": {"amount": {"x": 1}, "channel": "credit"}},
    ]
    return [json.dumps(c, ensure_ascii=False) for c in cases] + ["not json", "[]"]


def _money(rng: random.Random) -> str:
    fen = rng.choice([rng.randint(1, 10**5), rng.randint(1, 10**8)])
    return f"{fen // 100}.{fen % 100:02d}"


def _custom(rng: random.Random) -> dict:
    channels = {}
    for channel in rng.sample(list(CHANNELS), rng.randint(1, len(CHANNELS))):
        row = {"rate_percent": rng.choice(["0.6", "0.38%", "０.５５", "0.375", "1", "abc", ""])}
        if rng.random() < 0.4:
            row["cap"] = rng.choice(["25", "20元", "¥18", "-1", ""])
        if rng.random() < 0.3:
            row["fixed"] = rng.choice(["3", "0.5", "1e3"])
        channels[channel] = row
    return {"channels": channels, "periodic": {"annual_fee": rng.choice(["", "99", "68元"])}}


def _monthly_cases(rng: random.Random, plans: list[str]) -> list[dict]:
    """Estimate, compare, charts, custom contracts and shared links, random but seeded."""
    cases: list[dict] = []
    for _ in range(500):
        mix = [
            {"channel": c, "total": _money(rng), "count": str(rng.randint(1, 300))}
            for c in rng.sample(["credit", "debit", "wechat", "alipay", "unionpay_qr"], 2)
        ]
        kind = rng.choice(["estimate", "compare", "custom_fee", "custom_gross", "custom_est"])
        if kind == "estimate":
            cases.append({"fn": "estimate", "args": {"mix": mix, "plan": rng.choice(plans)}})
        elif kind == "compare":
            chosen = rng.sample(plans, rng.randint(2, len(plans)))
            cases.append({"fn": "compare", "args": {"mix": mix, "plans": chosen}})
        elif kind == "custom_est":
            cases.append(
                {"fn": "estimate", "args": {"mix": mix, "plan": "custom", "custom": _custom(rng)}}
            )
        else:
            fn = "fee" if kind == "custom_fee" else "gross"
            key = "amount" if fn == "fee" else "net"
            cases.append(
                {
                    "fn": fn,
                    "args": {
                        key: _money(rng),
                        "channel": rng.choice(list(CHANNELS)),
                        "plan": "custom",
                        "custom": _custom(rng),
                    },
                }
            )
    for _ in range(30):
        chosen = rng.sample(plans, rng.randint(1, len(plans)))
        channel = rng.choice(list(CHANNELS))
        cases.append(
            {"fn": "chart", "args": {"kind": "fee_curve", "plans": chosen, "channel": channel}}
        )
        mix = [{"channel": "credit", "total": _money(rng), "count": str(rng.randint(1, 99))}]
        cases.append({"fn": "chart", "args": {"kind": "compare", "plans": plans, "mix": mix}})
    for _ in range(30):
        query = {
            "v": rng.choice(["single", "month", "compare", "<b>"]),
            "amount": rng.choice(["1万", "abc", "12.345", "10000"]),
            "m_credit": rng.choice(["30000x40", "x", "1x0"]),
            "cmp": ",".join(rng.sample(plans + ["custom", "nope"], 2)),
            "c_credit": rng.choice(["0.6", "0.6%", "bad"]),
        }
        cases.append({"fn": "fees_link", "args": {"query": query}})
    return cases


@pytest.fixture(scope="module")
def pyodide_replies(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict]:
    requests = _requests()
    return requests, run_in_pyodide(requests, tmp_path_factory.mktemp("pyodide"))


def test_runs_on_python_3_14(pyodide_replies: tuple[list[str], dict]) -> None:
    assert pyodide_replies[1]["python"].startswith("3.14")


def test_every_reply_identical_to_cpython(pyodide_replies: tuple[list[str], dict]) -> None:
    requests, result = pyodide_replies
    replies = result["replies"]
    assert len(replies) == len(requests) > 1000
    monthly = [r for r in requests if '"fn": "estimate"' in r or '"fn": "compare"' in r]
    assert len(monthly) > 200
    mismatches = [
        (req, got) for req, got in zip(requests, replies, strict=True) if got != api.call_json(req)
    ]
    assert not mismatches, mismatches[:5]
    # The seed figure, through the browser's own entry point.
    seed = json.loads(
        replies[
            requests.index(
                json.dumps({"fn": "fee", "args": {"amount": "10000", "channel": "credit"}})
            )
        ]
    )
    assert seed["fee"] == "60.00"
    walked = json.loads(
        replies[
            requests.index(
                json.dumps(
                    {"fn": "walker_step", "args": {"answers": "stage=none,other-check=nothing"}}
                )
            )
        ]
    )
    assert walked["outcome"]["id"] == "escalate"
