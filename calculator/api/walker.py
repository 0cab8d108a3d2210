"""Replies of the walker: the next question with progress, or the outcome with its links."""

from __future__ import annotations

from typing import Any

from calculator.core.errors import InputError
from calculator.walker.tree import HREF, Link, Outcome, Question, Tree, load_tree
from calculator.walker.walk import Walk, answers_text, longest_path, walk

Result = dict[str, Any]
# The walker's shared link carries the answers so far: ?a=stage=rejected,reject-reason=verify
LINK_PARAM = "a"


def site_url(href: str) -> str:
    """A docs-relative link ("solutions.md#refused") as seen from the walker's
    page with directory URLs ("../solutions/#refused")."""
    match = HREF.fullmatch(href)
    if match is None:
        raise ValueError(href)
    page, anchor = match.groups()
    url = "../" if page == "index" else f"../{page}/"
    return url + (f"#{anchor}" if anchor else "")


def _link_dict(link: Link) -> dict[str, str]:
    return {"text": link.text, "href": link.href, "url": site_url(link.href)}


def question_dict(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "text": question.text,
        "help": question.help,
        "answers": [{"id": a.id, "label": a.label, "next": a.next} for a in question.answers],
    }


def outcome_dict(tree: Tree, outcome: Outcome) -> dict[str, Any]:
    """An outcome with every shared entry resolved to its text, and links into the guide."""
    cause_title = tree.causes[outcome.cause]
    links = [
        Link(f"原因：{cause_title}", f"causes.md#{outcome.cause}"),
        Link(f"解决步骤：{cause_title}", f"solutions.md#{outcome.cause}"),
        *outcome.links,
        *tree.common_links,
    ]
    return {
        "id": outcome.id,
        "cause": {
            "id": outcome.cause,
            "title": cause_title,
            "href": f"causes.md#{outcome.cause}",
            "url": site_url(f"causes.md#{outcome.cause}"),
        },
        "title": outcome.title,
        "summary": outcome.summary,
        "steps": list(outcome.steps),
        "documents": [tree.documents[d] for d in outcome.documents],
        "contacts": [tree.contacts[c] for c in outcome.contacts],
        "time": outcome.time,
        "warnings": [tree.warnings[w] for w in outcome.warnings],
        "links": [_link_dict(link) for link in links],
    }


def step_dict(tree: Tree, result: Walk) -> dict[str, Any]:
    """What a front door shows next: a question with progress, or the outcome."""
    done = len(result.path)
    path = [
        {
            "question": q.id,
            "question_text": q.text,
            "answer": a.id,
            "answer_label": a.label,
        }
        for q, a in result.path
    ]
    # The answers for "back", and below for each answer of a question, so a page
    # never writes the "q=a,q=a" form itself.
    base = {
        "path": path,
        "answers": answers_text(result.path),
        "back": answers_text(result.path[:-1]),
    }
    if result.outcome is not None:
        return {
            "kind": "outcome",
            "step": done,
            "total": done,
            "progress": f"已得出结果：回答了 {done} 个问题",
            "outcome": outcome_dict(tree, result.outcome),
            **base,
        }
    assert result.question is not None
    step = done + 1
    total = done + tree.remaining[result.question.id]
    return {
        "kind": "question",
        "step": step,
        "total": total,
        "progress": f"第 {step} 步，共约 {total} 步",
        "question": question_dict(result.question),
        "next": {
            a.id: answers_text([*result.path, (result.question, a)])
            for a in result.question.answers
        },
        **base,
    }


def tree_dict(tree: Tree) -> dict[str, Any]:
    """The whole tree as plain data, in file order (for --export and the page)."""
    longest = longest_path(tree)
    return {
        "start": tree.start,
        "causes": dict(tree.causes),
        "questions": [question_dict(q) for q in tree.questions.values()],
        "outcomes": [outcome_dict(tree, o) for o in tree.outcomes.values()],
        "stats": {
            "questions": len(tree.questions),
            "outcomes": len(tree.outcomes),
            "longest_path": longest,
            "longest_questions": len(longest) - 1,
        },
    }


def walker_step(answers: object = "") -> Result:
    """The next question (with progress) or the outcome for a reader's answers.

    Answers that do not fit the tree (a stale or hostile link) come back as an
    error plus the first question under "restart", so every front door can say
    what happened and start over.
    """
    tree = load_tree()
    try:
        return step_dict(tree, walk(tree, answers))
    except InputError as error:
        restart = step_dict(tree, walk(tree, ""))
        return {"error": error.as_dict(), "restart": restart}


def walker_tree() -> Result:
    """The whole walker tree, every shared entry resolved."""
    return tree_dict(load_tree())
