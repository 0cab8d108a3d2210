"""The walker's tree: a decision tree maintainers edit as TOML.

The tree goes from what a merchant sees to the likely cause on the guide and a
plan. This module loads it and checks it (every problem at once, each naming
the file, the node id and the field); `walk` follows a reader's answers.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calculator.core.errors import DataProblems

DEFAULT_FILE = Path(__file__).parent.parent / "data" / "walker.toml"

ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 40
# A link from an outcome into the guide: a page in docs/ and maybe an anchor.
HREF = re.compile(r"([a-z0-9-]+)\.md(?:#([a-z0-9-]+))?")

_TOP_KEYS = {
    "start",
    "causes",
    "contacts",
    "documents",
    "warnings",
    "common_links",
    "question",
    "outcome",
}
_QUESTION_KEYS = {"id", "text", "help", "answers"}
_ANSWER_KEYS = {"id", "label", "next"}
_OUTCOME_KEYS = {
    "id",
    "cause",
    "title",
    "summary",
    "steps",
    "documents",
    "contacts",
    "time",
    "warnings",
    "links",
}
_LINK_KEYS = {"text", "href"}
_SHARED = ("contacts", "documents", "warnings")


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # relative to docs/, e.g. "solutions.md#refused"


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    next: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    answers: tuple[Answer, ...]

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclass(frozen=True)
class Outcome:
    id: str
    cause: str
    title: str
    summary: str
    steps: tuple[str, ...]
    documents: tuple[str, ...]  # ids into Tree.documents
    contacts: tuple[str, ...]
    time: str
    warnings: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Tree:
    file: str
    start: str
    causes: dict[str, str]  # cause id -> heading on the guide
    contacts: dict[str, str]
    documents: dict[str, str]
    warnings: dict[str, str]
    common_links: tuple[Link, ...]
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    remaining: dict[str, int]  # node id -> most questions still to answer from there


class TreeError(DataProblems):
    """Every problem found in a tree file, one precise line each."""


# ------------------------------------------------------------------ loading


class _Reader:
    """Reads raw TOML tables into dataclasses, noting every problem it meets."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []

    def problem(self, where: str, field: str, text: str) -> None:
        self.problems.append(f"{self.file}: {where}: {field}: {text}")

    def text(self, table: Mapping[str, Any], where: str, key: str, label: str = "") -> str:
        """Required text at table[key]; `label` names the field in messages."""
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, label or key, "is required text")
            return ""
        return value.strip()

    def ident(self, table: Mapping[str, Any], where: str, key: str = "id", label: str = "") -> str:
        value = table.get(key)
        if not isinstance(value, str) or not ID.fullmatch(value) or len(value) > MAX_ID:
            self.problem(
                where,
                label or key,
                f"must be lower-case letters, digits and dashes, got {value!r}",
            )
            return ""
        return value

    def text_list(self, table: Mapping[str, Any], where: str, key: str) -> tuple[str, ...]:
        value = table.get(key)
        if not isinstance(value, list) or not value:
            self.problem(where, key, "needs a list with at least one entry")
            return ()
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(where, f"{key}[{index}]", "is required text")
            else:
                items.append(item.strip())
        return tuple(items)

    def unknown_keys(self, table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(where, key, f"unknown field (known: {', '.join(sorted(allowed))})")

    def text_table(self, data: Mapping[str, Any], key: str) -> dict[str, str]:
        table = data.get(key)
        if not isinstance(table, dict) or not table:
            self.problem(key, "", f"needs a [{key}] table with at least one entry")
            return {}
        out = {}
        for item_id, value in table.items():
            if not ID.fullmatch(item_id):
                self.problem(key, item_id, "id must be lower-case letters, digits and dashes")
            elif not isinstance(value, str) or not value.strip():
                self.problem(key, item_id, "is required text")
            else:
                out[item_id] = value.strip()
        return out

    def links(self, raw: object, where: str, key: str) -> tuple[Link, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(where, key, "must be a list of { text, href }")
            return ()
        out = []
        for index, item in enumerate(raw):
            field = f"{key}[{index}]"
            if not isinstance(item, dict):
                self.problem(where, field, "must be { text = ..., href = ... }")
                continue
            self.unknown_keys(item, where, _LINK_KEYS)
            text = self.text(item, where, "text", f"{field}.text")
            href = item.get("href")
            if not isinstance(href, str) or not HREF.fullmatch(href):
                self.problem(
                    where, f"{field}.href", f"must look like 'solutions.md#refused', got {href!r}"
                )
                continue
            if text:
                out.append(Link(text, href))
        return tuple(out)


def _entry(r: _Reader, raw: object, kind: str, index: int, keys: set[str]) -> tuple[str, str]:
    """The id of a [[question]] or [[outcome]] table and how problems name it."""
    where = f"{kind}[{index}]"
    if not isinstance(raw, dict):
        article = "an" if kind[0] in "aeiou" else "a"
        r.problem(where, "", f"must be {article} [[{kind}]] table")
        return "", ""
    item_id = r.ident(raw, where)
    if item_id:
        where = f"{kind} '{item_id}'"
    r.unknown_keys(raw, where, keys)
    return item_id, where


def _read_question(r: _Reader, raw: object, index: int) -> Question | None:
    qid, where = _entry(r, raw, "question", index, _QUESTION_KEYS)
    if not isinstance(raw, dict):
        return None
    text = r.text(raw, where, "text")
    help_text = r.text(raw, where, "help")
    answers_raw = raw.get("answers")
    if not isinstance(answers_raw, list):
        r.problem(where, "answers", "needs a list of { id, label, next }")
        answers_raw = []
    answers: list[Answer] = []
    seen: set[str] = set()
    for a_index, a_raw in enumerate(answers_raw):
        field = f"answers[{a_index}]"
        if not isinstance(a_raw, dict):
            r.problem(where, field, "must be { id = ..., label = ..., next = ... }")
            continue
        r.unknown_keys(a_raw, f"{where} {field}", _ANSWER_KEYS)
        aid = r.ident(a_raw, where, "id", f"{field}.id")
        label = r.text(a_raw, where, "label", f"{field}.label")
        target = r.ident(a_raw, where, "next", f"{field}.next")
        if aid and aid in seen:
            r.problem(where, f"{field}.id", f"answer id '{aid}' is used twice")
        seen.add(aid)
        if aid and label and target:
            answers.append(Answer(aid, label, target))
    if len(answers_raw) < 2:
        r.problem(where, "answers", f"needs at least two answers, has {len(answers_raw)}")
    if not qid:
        return None
    return Question(qid, text, help_text, tuple(answers))


def _read_outcome(r: _Reader, raw: object, index: int) -> Outcome | None:
    oid, where = _entry(r, raw, "outcome", index, _OUTCOME_KEYS)
    if not isinstance(raw, dict):
        return None
    outcome = Outcome(
        id=oid,
        cause=r.ident(raw, where, "cause"),
        title=r.text(raw, where, "title"),
        summary=r.text(raw, where, "summary"),
        steps=r.text_list(raw, where, "steps"),
        documents=r.text_list(raw, where, "documents"),
        contacts=r.text_list(raw, where, "contacts"),
        time=r.text(raw, where, "time"),
        warnings=r.text_list(raw, where, "warnings"),
        links=r.links(raw.get("links"), where, "links"),
    )
    return outcome if oid else None


def parse_tree(data: Mapping[str, Any], file: str) -> Tree:
    """Check a decoded tree and build it; raises TreeError listing every problem."""
    r = _Reader(file)
    r.unknown_keys(data, "top level", _TOP_KEYS)
    causes = r.text_table(data, "causes")
    shared = {key: r.text_table(data, key) for key in _SHARED}
    common_links = r.links(data.get("common_links"), "top level", "common_links")

    questions: dict[str, Question] = {}
    outcomes: dict[str, Outcome] = {}
    raw_questions = data.get("question", [])
    raw_outcomes = data.get("outcome", [])
    if not isinstance(raw_questions, list) or not raw_questions:
        r.problem("top level", "question", "needs at least one [[question]]")
        raw_questions = []
    if not isinstance(raw_outcomes, list) or not raw_outcomes:
        r.problem("top level", "outcome", "needs at least one [[outcome]]")
        raw_outcomes = []
    for index, raw in enumerate(raw_questions):
        question = _read_question(r, raw, index)
        if question and question.id in questions:
            r.problem(f"question '{question.id}'", "id", "is used by another question")
        elif question:
            questions[question.id] = question
    for index, raw in enumerate(raw_outcomes):
        outcome = _read_outcome(r, raw, index)
        if outcome is None:
            continue
        if outcome.id in outcomes or outcome.id in questions:
            r.problem(f"outcome '{outcome.id}'", "id", "is used by another question or outcome")
        else:
            outcomes[outcome.id] = outcome

    start = data.get("start")
    if not isinstance(start, str) or start not in questions:
        r.problem("top level", "start", f"must name a question, got {start!r}")
        start = ""

    # Field mistakes first: graph checks on a half-read tree would only add noise.
    if r.problems:
        raise TreeError(file, r.problems)

    # Dangling references.
    for question in questions.values():
        for index, answer in enumerate(question.answers):
            if answer.next not in questions and answer.next not in outcomes:
                r.problem(
                    f"question '{question.id}'",
                    f"answers[{index}].next",
                    f"points to '{answer.next}', which is neither a question nor an outcome",
                )
    used: dict[str, set[str]] = {key: set() for key in _SHARED}
    for outcome in outcomes.values():
        where = f"outcome '{outcome.id}'"
        if outcome.cause and outcome.cause not in causes:
            r.problem(where, "cause", f"'{outcome.cause}' is not in [causes]")
        for key in _SHARED:
            for index, ref in enumerate(getattr(outcome, key)):
                used[key].add(ref)
                if ref not in shared[key]:
                    r.problem(where, f"{key}[{index}]", f"'{ref}' is not in [{key}]")
    for key in _SHARED:
        for unused in sorted(set(shared[key]) - used[key]):
            r.problem(key, unused, "is not used by any outcome (remove it or use it)")

    # Cycles, reachability and coverage: only meaningful once references resolve.
    for cycle in _cycles(questions):
        r.problem(
            f"question '{cycle[0]}'",
            "answers",
            "cycle: " + " -> ".join(cycle) + " (a walk must always end at an outcome)",
        )
    reachable = _reachable(start, questions) if start else set()
    if start:
        for qid in questions:
            if qid not in reachable:
                r.problem(f"question '{qid}'", "id", "unreachable: no answer leads here")
        for oid in outcomes:
            if oid not in reachable:
                r.problem(f"outcome '{oid}'", "id", "unreachable: no answer leads here")
    covered = {o.cause for o in outcomes.values() if o.id in reachable}
    for cause in causes:
        if cause not in covered:
            r.problem("causes", cause, "no reachable outcome names this cause")

    if r.problems:
        raise TreeError(file, r.problems)
    return Tree(
        file=file,
        start=start,
        causes=causes,
        contacts=shared["contacts"],
        documents=shared["documents"],
        warnings=shared["warnings"],
        common_links=common_links,
        questions=questions,
        outcomes=outcomes,
        remaining=_remaining(questions, outcomes),
    )


def _cycles(questions: Mapping[str, Question]) -> list[list[str]]:
    """Each distinct cycle among questions once, as the path that closes it."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()

    def visit(qid: str, path: list[str]) -> None:
        state[qid] = 1
        path.append(qid)
        for answer in questions[qid].answers:
            target = answer.next
            if target not in questions:
                continue
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                key = frozenset(cycle)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    found.append(cycle)
            elif target not in state:
                visit(target, path)
        path.pop()
        state[qid] = 2

    for qid in questions:
        if qid not in state:
            visit(qid, [])
    return found


def _reachable(start: str, questions: Mapping[str, Question]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        question = questions.get(todo.pop())
        if question is None:
            continue
        for answer in question.answers:
            if answer.next not in seen:
                seen.add(answer.next)
                todo.append(answer.next)
    return seen


def _remaining(
    questions: Mapping[str, Question], outcomes: Mapping[str, Outcome]
) -> dict[str, int]:
    """Longest number of questions from each node to an outcome (the tree has no cycles)."""
    memo: dict[str, int] = {oid: 0 for oid in outcomes}

    def depth(node: str) -> int:
        if node not in memo:
            memo[node] = 1 + max(depth(a.next) for a in questions[node].answers)
        return memo[node]

    for qid in questions:
        depth(qid)
    return memo


_CACHE: dict[tuple[str, int], Tree] = {}


def load_tree(path: str | Path | None = None) -> Tree:
    """Read and check a tree file, once per file version."""
    file = Path(path) if path is not None else DEFAULT_FILE
    name = str(file)
    try:
        key = (name, file.stat().st_mtime_ns)
    except OSError as error:
        raise TreeError(name, [f"{name}: cannot read: {error.strerror or error}"]) from None
    if key not in _CACHE:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise TreeError(name, [f"{name}: cannot read: {error}"]) from None
        except tomllib.TOMLDecodeError as error:
            raise TreeError(name, [f"{name}: not valid TOML: {error}"]) from None
        _CACHE[key] = parse_tree(data, name)
    return _CACHE[key]


def validate_file(path: str | Path | None = None, guide_causes: Iterable[str] = ()) -> list[str]:
    """Every problem in a tree file (empty when it is good), including causes on
    the guide that the tree does not list."""
    try:
        tree = load_tree(path)
    except TreeError as error:
        return error.problems
    return check_guide_causes(tree, guide_causes)


# ------------------------------------------------------------ the guide link


@functools.cache
def _heading_anchor() -> re.Pattern[str]:
    """Anchors of the guide's cause headings: "### 标题 {#same-name}".

    Compiled on first use: only the build reads the guide, and in the browser
    every pattern compiled at import delays the walker's first answer.
    """
    return re.compile(r"^#{2,6}[ \t]+.+?\{[^{}]*?#([a-z0-9-]+)[^{}]*\}[ \t]*$", re.M)


def guide_cause_ids(causes_markdown: str) -> list[str]:
    """Cause anchors on the guide's causes page: headings whose section links
    to the solution with the same anchor (so "sources" and the like are not causes)."""
    ids = []
    heading_anchor = _heading_anchor()
    for match in heading_anchor.finditer(causes_markdown):
        anchor = match.group(1)
        rest = causes_markdown[match.end() :]
        following = heading_anchor.search(rest)
        section = rest[: following.start()] if following else rest
        if f"solutions.md#{anchor})" in section:
            ids.append(anchor)
    return ids


def check_guide_causes(tree: Tree, guide_causes: Iterable[str]) -> list[str]:
    """Problems for causes on the guide that the tree does not list (and so no
    outcome covers), and for tree causes the guide no longer has."""
    guide = list(guide_causes)
    if not guide:
        return []
    problems = [
        f"{tree.file}: causes: {cause}: is on the guide (docs/causes.md#{cause}) "
        "but no outcome covers it"
        for cause in guide
        if cause not in tree.causes
    ]
    problems += [
        f"{tree.file}: causes: {cause}: is not a cause on the guide (docs/causes.md)"
        for cause in tree.causes
        if cause not in guide
    ]
    return problems
