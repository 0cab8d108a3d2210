"""到账核对: one payment against the contract, through the api and the command line."""

from __future__ import annotations

import json

import pytest

from calculator import api
from calculator.cli import main


def check(**kwargs: object) -> dict:
    return api.safe_call("check", **{"channel": "credit", **kwargs})


def test_received_29100_of_30000_is_720_overcharged_at_3_percent() -> None:
    reply = check(amount="30,000", received="29100")
    assert reply["status"] == "over" and reply["headline"] == "多收 720.00 元"
    assert reply["taken"] == "900.00" and reply["taken_rate"] == "3.00%"
    assert reply["expected_fee"] == "180.00" and reply["contract"] == "0.6%"
    assert reply["pattern"] == "rate_above_contract"
    assert reply["reason"] == "费率高于合同：按 3.00% 收取（合同 0.60%），多收 720.00 元"
    assert reply["summary"] == (
        "您好，我这笔信用卡刷卡 30,000.00 元，到账 29,100.00 元，一共被扣了 900.00 元（3.00%）。"
        "合同信用卡费率是 0.6%，这笔应扣 180.00 元，多扣了 720.00 元。"
        "看起来是费率高于合同（按 3.00%）。请帮我核实，并退还多扣的费用。"
    )


def test_the_fee_instead_of_what_arrived_and_a_match() -> None:
    reply = check(amount="30000", fee="180")
    assert reply["status"] == "match" and reply["headline"] == "和合同一致"
    assert reply["received"] == "29,820.00" and reply["pattern"] is None
    assert reply["summary"].endswith("这笔应扣 180.00 元，和合同一致。")
    # One fen off is rounding, as on a statement row.
    assert check(amount="30000", fee="180.01")["status"] == "match"
    assert check(amount="30000", fee="180.02")["status"] == "over"


def test_the_statement_row_engine_names_the_same_pattern() -> None:
    """The same payment through the statement check: same pattern, same words."""
    csv = "卡类型,交易金额,手续费\n信用卡,30000,900.00\n".encode()
    import base64

    statement = api.safe_call(
        "statement_check", data=base64.b64encode(csv).decode("ascii"), plan="lakala-personal"
    )
    row = statement["flagged_rows"][0]
    reply = check(amount="30000", fee="900")
    assert (row["pattern"], row["reason"]) == (reply["pattern"], reply["reason"])


def test_a_capped_debit_fee_and_custom_rates() -> None:
    reply = check(amount="10000", fee="45", channel="debit")
    assert reply["contract"] == "0.5%，封顶 25.00 元"
    assert reply["pattern"] == "cap_not_applied" and reply["headline"] == "多收 20.00 元"
    own = {"channels": {"credit": {"rate_percent": "0.55", "fixed": "1"}}}
    mine = check(amount="1000", received="993.50", plan="custom", custom=own)
    assert mine["contract"] == "0.55% + 每笔加收 1.00 元"
    assert mine["expected_fee"] == "6.50" and mine["status"] == "match"


def test_both_figures_reveal_a_hidden_deduction() -> None:
    reply = check(amount="30000", received="29100", fee="800")
    assert reply["pattern"] == "hidden_deduction" and reply["headline"] == "多收 720.00 元"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"amount": "30000"}, "check_missing", "received"),
        ({"amount": "30000", "received": " "}, "check_missing", "received"),
        ({"amount": "30000", "received": "31000"}, "received_above", "received"),
        ({"amount": "30000", "fee": "30001"}, "taken_above", "taken"),
        ({"amount": "30000", "received": "abc"}, "not_number", "received"),
        ({"amount": "", "received": "1"}, "empty", "amount"),
        ({"amount": "1", "received": "1", "channel": "visa"}, "unknown_channel", "channel"),
    ],
)
def test_bad_input_names_the_field_in_chinese(kwargs: dict, code: str, field: str) -> None:
    error = check(**kwargs)["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message_zh"])


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "30000", "--received", "29100", "--channel", "credit"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["headline"] == "多收 720.00 元" and out["pattern"] == "rate_above_contract"
    assert main(["check", "30000", "--fee", "180", "--channel", "credit"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "match"
    custom = '{"channels": {"debit": {"rate_percent": 0.5, "cap": 20}}}'
    assert main(["check", "10000", "--fee", "20", "--channel", "debit", "--custom", custom]) == 0
    assert json.loads(capsys.readouterr().out)["contract"] == "0.5%，封顶 20.00 元"
    for bad in (
        ["check", "30000", "--channel", "credit"],
        ["check", "30000", "--fee", "1", "--channel", "credit", "--custom", "{oops"],
        ["check", "abc", "--fee", "1", "--channel", "credit"],
    ):
        assert main(bad) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and any("\u4e00" <= c <= "\u9fff" for c in captured.err)
