"""The browser contract: what the pages read instead of keeping copies. Every
name in it is one Python reads, and every path in it is one Python names."""

from __future__ import annotations

import json

import pytest

from calculator import api
from calculator.api import contract as api_contract
from calculator.api import fees_link, walker
from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.fees.estimate import split_mix_text


def _boxes(node: object, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, "channels.debit.cap") for every custom-rate box."""
    if isinstance(node, dict):
        return [box for key, value in node.items() for box in _boxes(value, (*path, key))]
    return [(str(node), ".".join(path))]


BOXES = _boxes(api_contract.contract()["link"]["custom"])


def test_json_is_the_contract_and_safe_in_a_script_element() -> None:
    text = api_contract.contract_json()
    assert json.loads(text) == api_contract.contract()
    assert not {"<", ">", "&"} & set(text)
    c = api_contract.contract()
    assert [ch["id"] for ch in c["channels"]] == list(CHANNELS)
    assert c["views"] == list(fees_link.VIEWS)
    # Link parameters are written in the order Python lists them: the view first.
    assert list(c["link"]["params"]) == list(fees_link.PARAMS)


def test_every_box_is_a_distinct_link_name() -> None:
    names = [name for name, _ in BOXES]
    assert len(names) == len(set(names)) == len(CHANNELS) * 3 + 2
    assert not set(names) & set(fees_link.PARAMS.values())


@pytest.mark.parametrize(("name", "path"), BOXES)
def test_a_box_in_a_link_lands_at_its_path(name: str, path: str) -> None:
    # Every channel has a rate, so a cap or a fixed fee alone is complete.
    query = {box: "0.6" for box, where in BOXES if where.endswith(".rate_percent")}
    query[name] = "0.5"
    reply = fees_link.fees_link(query)
    assert reply["problems"] == [], reply
    node = reply["state"]["custom"]
    for key in path.split("."):
        node = node[key]
    assert node == "0.5"


@pytest.mark.parametrize(("name", "path"), BOXES)
def test_a_mistake_in_a_box_names_its_path(name: str, path: str) -> None:
    custom: dict = {"channels": {"credit": {"rate_percent": "0.6"}}}
    node = custom
    *parents, last = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = "abc"
    reply = api.safe_call("fee", amount="100", channel="credit", plan="custom", custom=custom)
    assert reply["error"]["field"] == path, reply
    assert reply["error"]["message_zh"].startswith("自定义费率：")


def test_walker_replies_carry_the_answers_for_each_choice_and_back() -> None:
    first = walker.walker_step("")
    assert first["back"] == "" and first["answers"] == ""
    for answer in first["question"]["answers"]:
        then = walker.walker_step(first["next"][answer["id"]])
        assert "error" not in then
        assert [(s["question"], s["answer"]) for s in then["path"]] == [
            (first["question"]["id"], answer["id"])
        ]
        assert walker.walker_step(then["back"])["answers"] == ""
    assert set(first["next"]) == {a["id"] for a in first["question"]["answers"]}


def test_json_cannot_end_its_script_element(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CHANNELS, "credit", "</script><!-- & -->")
    text = api_contract.contract_json()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["channels"][0]["name"] == "</script><!-- & -->"


def test_channels_in_form_order_with_both_names() -> None:
    channels = api_contract.contract()["channels"]
    assert {c["id"]: c["short"] for c in channels} == SHORT_NAMES
    assert channels[1] == {"id": "debit", "name": "借记卡（储蓄卡）", "short": "借记卡"}


def test_mix_example_is_read_back_by_python() -> None:
    mix = api_contract.contract()["mix"]
    total, count = split_mix_text(mix["example"])
    assert mix["example"] == f"{total}{mix['join']}{count}" == "30000x40"


def test_a_link_written_from_the_contract_is_read_back_whole() -> None:
    """The page writes links with these names only; Python must keep every value."""
    names = api_contract.contract()["link"]
    params, boxes = names["params"], names["custom"]["channels"]
    query = {
        params["view"]: "compare",
        params["amount"]: "1万",
        params["net"]: "9,940",
        params["channel"]: "debit",
        params["plan"]: "custom",
        params["compare"]: "lakala-personal,custom",
        f"{names['mix_prefix']}credit": "30000" + api_contract.contract()["mix"]["join"] + "40",
        boxes["credit"]["rate_percent"]: "0.6%",
        boxes["debit"]["cap"]: "25元",
        boxes["debit"]["rate_percent"]: "０.５",
        boxes["wechat"]["rate_percent"]: "0.38",
        boxes["wechat"]["fixed"]: "1",
        names["custom"]["periodic"]["annual_fee"]: "99",
    }
    reply = fees_link.fees_link(query)
    assert reply["problems"] == []
    state = reply["state"]
    assert state["v"] == "compare" and state["cmp"] == ["lakala-personal", "custom"]
    assert state["amount"] == "10,000.00" and state["net"] == "9,940.00"
    assert state["m_credit"] == {"total": "30,000.00", "count": "40"}
    assert state["custom"]["channels"]["debit"] == {"rate_percent": "０.５", "cap": "25元"}
    assert state["custom"]["channels"]["wechat"] == {"rate_percent": "0.38", "fixed": "1"}
    assert state["custom"]["periodic"] == {"annual_fee": "99"}
    assert sorted(state) == sorted(["custom", *(k for k in query if not k.startswith("c_"))])


def test_every_parameter_longer_than_the_limit_is_refused() -> None:
    limit = api_contract.contract()["link"]["max_chars"]
    reply = fees_link.fees_link({"amount": "1" * (limit + 1), "c_credit": "1" * (limit + 1)})
    assert "amount" not in reply["state"] and "custom" not in reply["state"]
    assert [p["field"] for p in reply["problems"]] == ["amount", "c_credit"]


def test_public_link_names_never_change() -> None:
    """Links merchants already shared carry these names; renaming one breaks them."""
    shape = api_contract.contract()
    assert shape["views"] == ["single", "check", "gross", "month", "compare"]
    names = ("v", "amount", "net", "received", "taken", "channel", "plan", "cmp")
    assert tuple(shape["link"]["params"].values()) == names
    assert shape["link"]["mix_prefix"] == "m_" and shape["walker"]["param"] == "a"
    assert shape["link"]["list_join"] == ","
    custom = shape["link"]["custom"]
    assert custom["channels"]["unionpay_qr"] == {
        "rate_percent": "c_unionpay_qr",
        "cap": "c_unionpay_qr_cap",
        "fixed": "c_unionpay_qr_fixed",
    }
    assert custom["periodic"] == {"annual_fee": "c_annual", "monthly_rent": "c_rent"}
