"""The troubleshooting walker: validation of broken trees, the walk, the CLI."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from calculator import api, checklist, checklist_render
from calculator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAUSES_MD = ROOT / "docs" / "causes.md"


def bundled() -> dict[str, Any]:
    return tomllib.loads(checklist.DEFAULT_FILE.read_text(encoding="utf-8"))


def dump_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for the shapes the tree uses (tests only)."""

    def value(v: Any) -> str:
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        raise TypeError(v)

    lines = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    arrays = {
        k: v
        for k, v in data.items()
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and k != "common_links"
    }
    for key, v in data.items():
        if key not in tables and key not in arrays:
            lines.append(f"{json.dumps(key)} = {value(v)}")
    for key, table in tables.items():
        lines.append(f"[{key}]")
        lines += [f"{json.dumps(k)} = {value(x)}" for k, x in table.items()]
    for key, items in arrays.items():
        for item in items:
            lines.append(f"[[{key}]]")
            lines += [f"{json.dumps(k)} = {value(x)}" for k, x in item.items()]
    return "\n".join(lines) + "\n"


def problems_of(tmp_path: Path, data: dict[str, Any], guide: list[str] | None = None) -> list[str]:
    path = tmp_path / "tree.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    return checklist.validate_file(path, guide or [])


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["question"] if q["id"] == qid)


def outcome(data: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in data["outcome"] if o["id"] == oid)


# ------------------------------------------------------------- validation


def test_bundled_tree_and_round_trip_are_valid(tmp_path: Path) -> None:
    guide = checklist.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8"))
    assert checklist.validate_file(None, guide) == []
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
    guide = checklist.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8")) + ["brand-new"]
    problems = problems_of(tmp_path, bundled(), guide)
    assert problems == [
        f"{tmp_path / 'tree.toml'}: causes: brand-new: is on the guide "
        "(docs/causes.md#brand-new) but no outcome covers it"
    ]


def test_unreadable_and_invalid_toml(tmp_path: Path) -> None:
    assert "cannot read" in checklist.validate_file(tmp_path / "missing.toml")[0]
    bad = tmp_path / "bad.toml"
    bad.write_text('start = "stage\n', encoding="utf-8")
    assert "not valid TOML" in checklist.validate_file(bad)[0]


def test_guide_cause_parser_matches_content_taxonomy() -> None:
    from tests.site.test_content import CAUSE_IDS

    found = checklist.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8"))
    assert found == list(CAUSE_IDS)
    assert "sources" not in found


# ------------------------------------------------------------------ walking


def all_paths(tree: checklist.Tree) -> list[list[tuple[str, str]]]:
    """Every walk from the start to an outcome, as (question, answer) pairs."""
    paths: list[list[tuple[str, str]]] = []

    def down(node: str, path: list[tuple[str, str]]) -> None:
        if node in tree.outcomes:
            paths.append(path)
            return
        for answer in tree.questions[node].answers:
            down(answer.next, [*path, (node, answer.id)])

    down(tree.start, [])
    return paths


def test_every_outcome_reachable_and_every_guide_cause_covered() -> None:
    tree = checklist.load_tree()
    reached: set[str] = set()
    for path in all_paths(tree):
        reply = api.checklist_step(",".join(f"{q}={a}" for q, a in path))
        assert reply["kind"] == "outcome", reply
        assert reply["step"] == len(path)
        reached.add(reply["outcome"]["id"])
    assert reached == set(tree.outcomes)
    covered = {tree.outcomes[o].cause for o in reached}
    guide = checklist.guide_cause_ids(CAUSES_MD.read_text(encoding="utf-8"))
    assert len(guide) == 17 and covered == set(guide)


def test_none_of_these_leads_to_escalation() -> None:
    reply = api.checklist_step("stage=none,other-check=nothing")
    steps = " ".join(reply["outcome"]["steps"])
    assert reply["outcome"]["id"] == "escalate"
    assert steps.index("投诉") < steps.index("中国人民银行") and "12363" in steps


def test_progress_counts_steps_and_never_grows() -> None:
    tree = checklist.load_tree()
    longest = checklist.longest_path(tree)
    first = api.checklist_step("")
    assert first["progress"] == f"第 1 步，共约 {len(longest) - 1} 步"
    for path in all_paths(tree):
        totals = []
        for n in range(len(path)):
            reply = api.checklist_step(",".join(f"{q}={a}" for q, a in path[:n]))
            assert reply["kind"] == "question" and reply["step"] == n + 1
            assert reply["progress"] == f"第 {n + 1} 步，共约 {reply['total']} 步"
            totals.append(reply["total"])
        assert totals == sorted(totals, reverse=True), (path, totals)


def test_answers_in_any_form_and_order() -> None:
    text = api.checklist_step("old-card=approved, stage=money ,money=old-card")
    as_list = api.checklist_step(
        [["stage", "money"], ["money", "old-card"], ["old-card", "approved"]]
    )
    as_dict = api.checklist_step({"stage": "money", "money": "old-card", "old-card": "approved"})
    assert text == as_list == as_dict
    assert text["outcome"]["id"] == "data-sync"
    assert text["answers"] == "stage=money,money=old-card,old-card=approved"


HOSTILE = [
    "stage=<script>alert(1)</script>",
    "stage=money,stage=limit",
    "foo=bar",
    "stage",
    "=",
    "stage=limit,money=old-card",
    "stage=" + "a" * 2000,
    ",".join(["stage=money"] * 40),
    "STAGE=MONEY",
    "stage=money;drop",
    {"stage": 1},
    ["stage"],
    [["stage", "money", "x"]],
    5,
    "stage=％",
]


@pytest.mark.parametrize("answers", HOSTILE, ids=repr)
def test_bad_answers_give_chinese_message_and_restart(answers: object) -> None:
    reply = api.checklist_step(answers)
    assert set(reply) == {"error", "restart"}
    assert "从头开始" in reply["error"]["message_zh"]
    assert reply["restart"]["kind"] == "question" and reply["restart"]["step"] == 1
    # Through the browser's entry point too: no exception, same reply.
    wire = api.call_json(json.dumps({"fn": "checklist_step", "args": {"answers": answers}}))
    assert json.loads(wire) == json.loads(json.dumps(reply, ensure_ascii=False))


def test_links_point_into_the_guide() -> None:
    for item in api.checklist_tree()["outcomes"]:
        hrefs = [link["href"] for link in item["links"]]
        assert hrefs[:2] == [
            f"causes.md#{item['cause']['id']}",
            f"solutions.md#{item['cause']['id']}",
        ]
        assert "precautions.md#scams" in hrefs
        for link in item["links"]:
            page, _, anchor = link["href"].partition("#")
            assert link["url"] == f"../{page.removesuffix('.md')}/#{anchor}"


def test_site_url() -> None:
    assert checklist.site_url("index.md") == "../"
    assert checklist.site_url("solutions.md#refused") == "../solutions/#refused"
    with pytest.raises(ValueError):
        checklist.site_url("javascript:alert(1)")


# ------------------------------------------------------------- rendering


def test_static_rendering_escapes_data(tmp_path: Path) -> None:
    data = bundled()
    question(data, "stage")["text"] = '<img src=x onerror=alert(1)> "引号" & *粗*'
    outcome(data, "other")["summary"] = "</section><script>x</script>"
    path = tmp_path / "tree.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    out = checklist_render.checklist_static(str(path))
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt; &quot;引号&quot; &amp;" in out
    assert "<script>" not in out and "&lt;/section&gt;&lt;script&gt;" in out
    assert "\n\n" not in out  # one raw HTML block for Markdown


def test_static_rendering_lists_every_question_and_outcome() -> None:
    tree = checklist.load_tree()
    out = checklist_render.checklist_static()
    assert out.count("<ul>") == out.count("</ul>") and out.count("<li>") == out.count("</li>")
    for q in tree.questions.values():
        assert q.text in out
    for o in tree.outcomes.values():
        assert f'<h3 id="outcome-{o.id}">' in out
        assert f'<a href="#outcome-{o.id}">' in out
        assert f'<a href="../causes/#{o.cause}">' in out


# ---------------------------------------------------------------------- CLI


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calculator", "checklist", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_cli_answers_outcome_and_next_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklist", "--answers", "stage=rejected,reject-reason=name"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"]["cause"]["id"] == "same-name"
    assert main(["checklist", "--answers", "stage=money"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["kind"] == "question" and reply["question"]["id"] == "money"
    assert main(["checklist"]) == 0
    assert json.loads(capsys.readouterr().out)["progress"].startswith("第 1 步")


def test_cli_bad_answers_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklist", "--answers", "stage=<b>"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "格式不对" in captured.err


def test_cli_validate_good_and_broken(tmp_path: Path) -> None:
    done = run("--validate")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["outcomes"] == len(checklist.load_tree().outcomes)
    assert report["guide"].endswith("causes.md")

    data = bundled()
    question(data, "money")["answers"][3]["next"] = "nowhere"
    _cycle(data)
    broken = tmp_path / "broken.toml"
    broken.write_text(dump_toml(data), encoding="utf-8")
    done = run("--validate", str(broken))
    assert done.returncode == 2 and done.stdout == ""
    assert f"{broken}: question 'money': answers[3].next: points to 'nowhere'" in done.stderr
    assert "cycle: money -> old-card -> money" in done.stderr

    guide = tmp_path / "causes.md"
    guide.write_text("### 新原因 {#brand-new}\n\n[→](solutions.md#brand-new)\n", encoding="utf-8")
    done = run("--validate", "--guide", str(guide))
    assert done.returncode == 2
    assert "causes: brand-new: is on the guide" in done.stderr
    assert "causes: same-name: is not a cause on the guide" in done.stderr


def test_cli_export_is_the_whole_tree() -> None:
    done = run("--export")
    assert done.returncode == 0, done.stderr
    tree = json.loads(done.stdout)
    loaded = checklist.load_tree()
    assert [q["id"] for q in tree["questions"]] == list(loaded.questions)
    assert [o["id"] for o in tree["outcomes"]] == list(loaded.outcomes)
    assert tree["stats"]["longest_path"] == checklist.longest_path(loaded)
