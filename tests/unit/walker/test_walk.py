"""The troubleshooting walker: validation of broken trees, the walk, the CLI."""

from __future__ import annotations

import json

import pytest

from calculator import api
from calculator.api import walker as api_walker
from calculator.walker import tree as walker_tree
from calculator.walker import walk as walker_walk
from tests.walker_values import CAUSES_MD, HOSTILE, all_paths


def test_every_outcome_reachable_and_every_guide_cause_covered() -> None:
    tree = walker_tree.load_tree()
    reached: set[str] = set()
    for path in all_paths(tree):
        reply = api_walker.walker_step(",".join(f"{q}={a}" for q, a in path))
        assert reply["kind"] == "outcome", reply
        assert reply["step"] == len(path)
        reached.add(reply["outcome"]["id"])
    assert reached == set(tree.outcomes)
    covered = {tree.outcomes[o].cause for o in reached}
    guide = walker_tree.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8"))
    assert len(guide) == 17 and covered == set(guide)


def test_none_of_these_leads_to_escalation() -> None:
    reply = api_walker.walker_step("stage=none,other-check=nothing")
    steps = " ".join(reply["outcome"]["steps"])
    assert reply["outcome"]["id"] == "escalate"
    assert steps.index("投诉") < steps.index("中国人民银行") and "12363" in steps


def test_progress_counts_steps_and_never_grows() -> None:
    tree = walker_tree.load_tree()
    longest = walker_walk.longest_path(tree)
    first = api_walker.walker_step("")
    assert first["progress"] == f"第 1 步，共约 {len(longest) - 1} 步"
    for path in all_paths(tree):
        totals = []
        for n in range(len(path)):
            reply = api_walker.walker_step(",".join(f"{q}={a}" for q, a in path[:n]))
            assert reply["kind"] == "question" and reply["step"] == n + 1
            assert reply["progress"] == f"第 {n + 1} 步，共约 {reply['total']} 步"
            totals.append(reply["total"])
        assert totals == sorted(totals, reverse=True), (path, totals)


def test_answers_in_any_form_and_order() -> None:
    text = api_walker.walker_step("old-card=approved, stage=money ,money=old-card")
    as_list = api_walker.walker_step(
        [["stage", "money"], ["money", "old-card"], ["old-card", "approved"]]
    )
    as_dict = api_walker.walker_step(
        {"stage": "money", "money": "old-card", "old-card": "approved"}
    )
    assert text == as_list == as_dict
    assert text["outcome"]["id"] == "data-sync"
    assert text["answers"] == "stage=money,money=old-card,old-card=approved"


@pytest.mark.parametrize("answers", HOSTILE, ids=repr)
def test_bad_answers_give_chinese_message_and_restart(answers: object) -> None:
    reply = api_walker.walker_step(answers)
    assert set(reply) == {"error", "restart"}
    assert "从头开始" in reply["error"]["message_zh"]
    assert reply["restart"]["kind"] == "question" and reply["restart"]["step"] == 1
    # Through the browser's entry point too: no exception, same reply.
    wire = api.call_json(json.dumps({"fn": "walker_step", "args": {"answers": answers}}))
    assert json.loads(wire) == json.loads(json.dumps(reply, ensure_ascii=False))
