"""The troubleshooting walker: validation of broken trees, the walk, the CLI."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from calculator.walker import tree as walker_tree
from tests.walker_values import CAUSES_MD, bundled, outcome, problems_of, question

# ------------------------------------------------------------- validation


def test_bundled_tree_and_round_trip_are_valid(tmp_path: Path) -> None:
    guide = walker_tree.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8"))
    assert walker_tree.validate_file(None, guide) == []
    # The test writer reproduces the file faithfully, so each broken copy below
    # differs from a valid tree by exactly the one change it makes.
    assert problems_of(tmp_path, bundled(), guide) == []


def _dangling_next(d: dict) -> None:
    question(d, "money")["answers"][0]["next"] = "nowhere"


def _dangling_cause(d: dict) -> None:
    outcome(d, "same-name")["cause"] = "no-such-cause"


def _dangling_warning(d: dict) -> None:
    outcome(d, "tech-fault")["warnings"].append("no-such-warning")


def _cycle(d: dict) -> None:
    question(d, "old-card")["answers"][1]["next"] = "money"


def _unreachable(d: dict) -> None:
    question(d, "stage")["answers"][3]["next"] = "pending-review"  # "limit" no longer -> frequency


def _one_answer(d: dict) -> None:
    question(d, "old-card")["answers"] = question(d, "old-card")["answers"][:1]
    question(d, "money")["answers"][3]["next"] = "data-sync"


def _uncovered_cause(d: dict) -> None:
    d["causes"]["new-cause"] = "新原因"


def _unknown_field(d: dict) -> None:
    outcome(d, "frequency")["step"] = outcome(d, "frequency").pop("steps")


def _duplicate_id(d: dict) -> None:
    d["outcome"].append(copy.deepcopy(outcome(d, "other")))


def _bad_start(d: dict) -> None:
    d["start"] = "same-name"


def _empty_help(d: dict) -> None:
    question(d, "entry")["help"] = "  "


def _unused_shared(d: dict) -> None:
    d["documents"]["spare"] = "用不上的材料"


def _bad_link(d: dict) -> None:
    outcome(d, "operation")["links"][0]["href"] = "https://example.com/"


BROKEN = [
    (_dangling_next, "question 'money': answers[0].next: points to 'nowhere'"),
    (_dangling_cause, "outcome 'same-name': cause: 'no-such-cause' is not in [causes]"),
    (
        _dangling_warning,
        "outcome 'tech-fault': warnings[3]: 'no-such-warning' is not in [warnings]",
    ),
    (_cycle, "question 'money': answers: cycle: money -> old-card -> money"),
    (_unreachable, "outcome 'frequency': id: unreachable"),
    (_unreachable, "causes: frequency: no reachable outcome names this cause"),
    (_one_answer, "question 'old-card': answers: needs at least two answers, has 1"),
    (_uncovered_cause, "causes: new-cause: no reachable outcome names this cause"),
    (_unknown_field, "outcome 'frequency': step: unknown field"),
    (_unknown_field, "outcome 'frequency': steps: needs a list"),
    (_duplicate_id, "outcome 'other': id: is used by another question or outcome"),
    (_bad_start, "top level: start: must name a question, got 'same-name'"),
    (_empty_help, "question 'entry': help: is required text"),
    (_unused_shared, "documents: spare: is not used by any outcome"),
    (_bad_link, "outcome 'operation': links[0].href: must look like"),
]


@pytest.mark.parametrize(("breaker", "expected"), BROKEN, ids=lambda x: getattr(x, "__name__", ""))
def test_each_kind_of_broken_tree_is_named_precisely(
    tmp_path: Path, breaker: Any, expected: str
) -> None:
    data = bundled()
    breaker(data)
    problems = problems_of(tmp_path, data)
    file = str(tmp_path / "tree.toml")
    assert any(p.startswith(file + ": ") and expected in p for p in problems), problems


def test_guide_cause_missing_from_tree(tmp_path: Path) -> None:
    guide = walker_tree.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8")) + ["brand-new"]
    problems = problems_of(tmp_path, bundled(), guide)
    assert problems == [
        f"{tmp_path / 'tree.toml'}: causes: brand-new: is on the guide "
        "(docs/causes.md#brand-new) but no outcome covers it"
    ]


def test_unreadable_and_invalid_toml(tmp_path: Path) -> None:
    assert "cannot read" in walker_tree.validate_file(tmp_path / "missing.toml")[0]
    bad = tmp_path / "bad.toml"
    bad.write_text('start = "stage\n', encoding="utf-8")
    assert "not valid TOML" in walker_tree.validate_file(bad)[0]


def test_guide_cause_parser_finds_the_tree_causes_in_order() -> None:
    found = walker_tree.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8"))
    assert found == list(walker_tree.load_tree().causes)
    assert "sources" not in found


# ------------------------------------------------------------------ walking


# ------------------------------------------------------------- rendering


# ---------------------------------------------------------------------- CLI
