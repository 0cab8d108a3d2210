"""The browser contract: what pages read instead of keeping their own copies."""

from __future__ import annotations

import json

import pytest

from calculator.api import contract, link
from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.fees.estimate import split_mix_text


def test_json_is_the_contract_and_cannot_end_its_script_element(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert json.loads(contract.contract_json()) == contract.contract()
    monkeypatch.setitem(CHANNELS, "credit", "</script><!-- & -->")
    text = contract.contract_json()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["channels"][0]["name"] == "</script><!-- & -->"


def test_channels_in_form_order_with_both_names() -> None:
    channels = contract.contract()["channels"]
    assert [c["id"] for c in channels] == list(CHANNELS)
    assert {c["id"]: c["short"] for c in channels} == SHORT_NAMES
    assert channels[1] == {"id": "debit", "name": "借记卡（储蓄卡）", "short": "借记卡"}


def test_mix_example_is_read_back_by_python() -> None:
    mix = contract.contract()["mix"]
    total, count = split_mix_text(mix["example"])
    assert mix["example"] == f"{total}{mix['join']}{count}" == "30000x40"


def test_a_link_written_from_the_contract_is_read_back_whole() -> None:
    """The page writes links with these names only; Python must keep every value."""
    names = contract.contract()["link"]
    params = names["params"]
    query = {
        params["view"]: "compare",
        params["amount"]: "1万",
        params["net"]: "9,940",
        params["channel"]: "debit",
        params["plan"]: "custom",
        params["compare"]: "lakala-personal,custom",
        f"{names['mix_prefix']}credit": "30000" + contract.contract()["mix"]["join"] + "40",
        f"{names['custom_prefix']}credit{names['custom_suffixes']['rate_percent']}": "0.6%",
        f"{names['custom_prefix']}debit{names['custom_suffixes']['cap']}": "25元",
        f"{names['custom_prefix']}debit{names['custom_suffixes']['rate_percent']}": "０.５",
        f"{names['custom_prefix']}wechat{names['custom_suffixes']['rate_percent']}": "0.38",
        f"{names['custom_prefix']}wechat{names['custom_suffixes']['fixed']}": "1",
        names["custom_periodic"]["annual_fee"]: "99",
    }
    reply = link.fees_link(query)
    assert reply["problems"] == []
    state = reply["state"]
    assert state["v"] == "compare" and state["cmp"] == ["lakala-personal", "custom"]
    assert state["amount"] == "10000.00" and state["net"] == "9940.00"
    assert state["m_credit"] == {"total": "30000.00", "count": "40"}
    assert state["custom"]["channels"]["debit"] == {"rate_percent": "０.５", "cap": "25元"}
    assert state["custom"]["channels"]["wechat"] == {"rate_percent": "0.38", "fixed": "1"}
    assert state["custom"]["periodic"] == {"annual_fee": "99"}
    assert sorted(state) == sorted(["custom", *(k for k in query if not k.startswith("c_"))])


def test_every_parameter_longer_than_the_limit_is_refused() -> None:
    limit = contract.contract()["link"]["max_chars"]
    reply = link.fees_link({"amount": "1" * (limit + 1), "c_credit": "1" * (limit + 1)})
    assert "amount" not in reply["state"] and "custom" not in reply["state"]
    assert [p["field"] for p in reply["problems"]] == ["amount", "c_credit"]


def test_public_link_names_never_change() -> None:
    """Links merchants already shared carry these names; renaming one breaks them."""
    shape = contract.contract()
    assert shape["views"] == ["single", "gross", "month", "compare"]
    names = ("v", "amount", "net", "channel", "plan", "cmp")
    assert tuple(shape["link"]["params"].values()) == names
    assert (shape["link"]["mix_prefix"], shape["link"]["custom_prefix"]) == ("m_", "c_")
    assert shape["link"]["custom_periodic"] == {"annual_fee": "c_annual", "monthly_rent": "c_rent"}
