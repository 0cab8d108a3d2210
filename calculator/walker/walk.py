"""Walking the tree: a reader's answers (link, page or CLI) to a question or an outcome.

Written once, so the browser, the CLI and the no-JS page agree on every path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calculator.core.errors import InputError
from calculator.walker.tree import ID, MAX_ID, Answer, Outcome, Question, Tree

# Reader input limits: a shared link never carries more than a short path.
MAX_ANSWERS_TEXT = 600
MAX_PAIRS = 30


def parse_answers(raw: object) -> list[tuple[str, str]]:
    """A reader's answers as (question id, answer id) pairs.

    Accepts "q=a,q=a" (the CLI and the page URL), a list of [q, a] pairs or a
    {q: a} mapping. Anything else is refused with a Chinese message.
    """
    bad = InputError("bad_answers", "链接里的回答格式不对，已从头开始。", "answers")
    pairs: list[tuple[str, str]] = []
    if raw is None:
        return pairs
    if isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_ANSWERS_TEXT:
            raise bad
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            qid, sep, aid = part.partition("=")
            if not sep:
                raise bad
            pairs.append((qid.strip(), aid.strip()))
    elif isinstance(raw, list):
        for item in raw:
            if not isinstance(item, list) or len(item) != 2:
                raise bad
            pairs.append((item[0], item[1]))
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise bad
    if len(pairs) > MAX_PAIRS:
        raise bad
    for qid, aid in pairs:
        for value in (qid, aid):
            if not isinstance(value, str) or not ID.fullmatch(value) or len(value) > MAX_ID:
                raise bad
    return pairs


@dataclass(frozen=True)
class Walk:
    """Where a reader's answers lead: the path taken, then a question or an outcome."""

    path: tuple[tuple[Question, Answer], ...]
    question: Question | None
    outcome: Outcome | None


def walk(tree: Tree, answers: object) -> Walk:
    """Follow the answers from the start; refuse any that do not fit the tree."""
    pairs = parse_answers(answers)
    given: dict[str, str] = {}
    for qid, aid in pairs:
        if qid in given:
            raise InputError("repeated_question", "链接里同一个问题回答了两次，已从头开始。", qid)
        given[qid] = aid
    path: list[tuple[Question, Answer]] = []
    node = tree.start
    while node in tree.questions:
        question = tree.questions[node]
        if question.id not in given:
            break
        answer = question.answer(given.pop(question.id))
        if answer is None:
            raise InputError(
                "unknown_answer", "链接里有一个回答不在选项里，已从头开始。", question.id
            )
        path.append((question, answer))
        node = answer.next
    if given:
        raise InputError(
            "unknown_question",
            "链接里有一个问题不在这条排查路线上，已从头开始。",
            next(iter(given)),
        )
    if node in tree.outcomes:
        return Walk(tuple(path), None, tree.outcomes[node])
    return Walk(tuple(path), tree.questions[node], None)


def answers_text(path: Iterable[tuple[Question, Answer]]) -> str:
    """The canonical "q=a,q=a" form of a path, for URLs and the CLI."""
    return ",".join(f"{q.id}={a.id}" for q, a in path)


def longest_path(tree: Tree) -> list[str]:
    """Node ids of one longest walk from the start to an outcome."""
    path = [tree.start]
    node = tree.start
    while node in tree.questions:
        node = max((a.next for a in tree.questions[node].answers), key=lambda n: tree.remaining[n])
        path.append(node)
    return path
