"""The browser contract: what the pages read instead of keeping copies. Every
name in it is one Python reads, and every path in it is one Python names."""

from __future__ import annotations

import json

import pytest

from calculator import api
from calculator.api import contract as api_contract
from calculator.api import link, walker
from calculator.core.channels import CHANNELS


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
    assert c["views"] == list(link.VIEWS)
    # Link parameters are written in the order Python lists them: the view first.
    assert list(c["link"]["params"]) == list(link.PARAMS)


def test_every_box_is_a_distinct_link_name() -> None:
    names = [name for name, _ in BOXES]
    assert len(names) == len(set(names)) == len(CHANNELS) * 3 + 2
    assert not set(names) & set(link.PARAMS.values())


@pytest.mark.parametrize(("name", "path"), BOXES)
def test_a_box_in_a_link_lands_at_its_path(name: str, path: str) -> None:
    # Every channel has a rate, so a cap or a fixed fee alone is complete.
    query = {box: "0.6" for box, where in BOXES if where.endswith(".rate_percent")}
    query[name] = "0.5"
    reply = link.fees_link(query)
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
