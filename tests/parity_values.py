"""Requests the Pyodide parity tests send, in CPython and in Pyodide alike."""

from __future__ import annotations

import base64
import json
import random
from decimal import Decimal

from calculator import api
from calculator.api import fees as api_fees
from calculator.core.channels import CHANNELS
from calculator.walker import tree as walker_tree
from tests.money_values import ACCEPTED, REFUSED


def fees_and_walker_requests() -> list[str]:
    """Fee, month, link and walker requests: every path, hostile values, seeded random amounts."""
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
    for _ in range(60):
        # 到账核对: the explainer's search runs in Pyodide exactly as in CPython.
        amount = _money(rng)
        args = {"amount": amount, "channel": rng.choice(list(CHANNELS)), "plan": rng.choice(plans)}
        rate = Decimal(rng.choice(["0.006", "0.03", "0.0078", "0.0045"]))
        figure = f"{Decimal(amount) * rate + rng.choice([0, 1, 3]):.2f}"
        args["fee" if rng.random() < 0.5 else "received"] = figure
        cases.append({"fn": "check", "args": args})
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


STATEMENT_HEADER = "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称"


def _statement(rows: int, seed: int) -> str:
    rng = random.Random(seed)
    kinds = [("信用卡", "0.006"), ("借记卡", "0.005"), ("微信", "0.0038"), ("云闪付", "0.006")]
    lines = [STATEMENT_HEADER]
    for i in range(rows):
        kind, rate = rng.choice(kinds)
        fen = rng.randint(100, 10**7)
        amount = fen / 100
        fee = round(amount * float(rate) + (3 if i % 7 == 0 else 0), 2)
        lines.append(f"2025-03-{1 + i % 28:02d} 10:00,T1,{kind},{amount:.2f},{fee:.2f},,=x{i}")
    lines += ["2025-03-30,T1,visa,1,1,,", "2025-03-30,T1,信用卡,abc,1,,", "合计,,,,,,"]
    return "\n".join(lines) + "\n"


def statement_requests() -> list[str]:
    """A seeded statement through every route the page uses, in the order the page sends them."""
    text = _statement(400, 6)
    hike = f'{STATEMENT_HEADER}\n2025-03-14 09:30,T1,贷记卡,"30,580.00",917.34,29662.66,小店\n'
    b64 = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    cases = [
        {"fn": "statement_check", "args": {"text": text}},
        {"fn": "statement_check", "args": {"text": text.replace(",", "\t"), "limit": 10}},
        {"fn": "statement_check", "args": {"data": b64(text.encode("utf-8"))}},
        {"fn": "statement_check", "args": {"data": b64(b"\xef\xbb\xbf" + text.encode("utf-8"))}},
        {"fn": "statement_check", "args": {"data": b64(hike.encode("gbk"))}},
        {"fn": "statement_check", "args": {"text": "A,B,C\n1,2,3\n"}},
        {
            "fn": "statement_check",
            "args": {
                "text": "A,B\n10000,63\n",
                "mapping": {"amount": 0, "fee": 1, "channel_default": "credit"},
            },
        },
        {
            "fn": "statement_check",
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


def bounds_requests() -> list[str]:
    """Hostile and realistic requests of issue 13: deep nesting, huge exponents, one very
    wide line, and exports with voids, totals, separate date columns and semicolons."""
    realistic = (
        "商户对账单\n汇总,交易金额,手续费\n合计,2000.00,12.00\n\n"
        "交易日期;交易时间;交易类型;卡类型;支付方式;交易金额;手续费;结算金额;备注\n"
        '2025/3/1;10:00;消费;--;微信支付;1000.00;3.80;996.20;"两行\n备注"\n'
        "2025/3/1;10:05;消费撤销;信用卡;;1000.00;-6.00;-994.00;\n"
        "2025/3/2;bad;消费;信用卡;;1000.00;6.00;994.00;\n"
        "20250303;10:00;退货;借记卡;;-50.00;0;-50.00;\n"
        '3/4/2025;10:00;消费;借记卡小计;;"1,000.00";5.00;995.00;李"四\n'
        "合计;;;;;2000.00;9.80;;\n"
    )
    cases = [
        {"fn": "statement_check", "args": {"text": realistic}},
        {"fn": "statement_check", "args": {"text": realistic.replace(";", ",")}},
        {"fn": "statement_open", "args": {"text": "1," * 400_000 + "\n2,3\n"}},
        {
            "fn": "statement_check",
            "args": {"text": '交易时间,卡类型,交易金额,手续费,备注\n2025-03-01,信用卡,1,0.01,"x\n'},
        },
    ]
    requests = [json.dumps(c, ensure_ascii=False) for c in cases]
    deep = '{"fn": "fee", "args": {"amount": "1", "channel": "credit", "x": '
    requests.append(deep + "[" * 5000 + "]" * 5000 + "}}")
    requests.append(deep + '{"a": ' * 5000 + "1" + "}" * 5000 + "}}")
    rate = '{"fn": "fee", "args": {"amount": "100", "channel": "credit", "custom": '
    requests.append(rate + '{"channels": {"credit": {"rate_percent": 1e-999999}}}}}')
    return requests
