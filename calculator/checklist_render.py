"""The walker's whole tree as Markdown, for the page without JavaScript.

Nested lists follow the questions; every branch ends in a link to an outcome
section below. MkDocs turns it into HTML and checks every link, so the text is
readable, searchable and printable before (or without) Pyodide. Every value
from the data file is escaped.
"""

from __future__ import annotations

import html
import re

from .checklist import Outcome, Question, Tree, load_tree, outcome_dict

CONTAINER_ID = "checklist-static"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|])")
_INDENT = "    "  # Python-Markdown nests lists by four spaces


def md_text(text: str) -> str:
    """Data text made inert in Markdown and HTML."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def outcome_anchor(outcome_id: str) -> str:
    return f"outcome-{outcome_id}"


def _question_lines(tree: Tree, question: Question, depth: int) -> list[str]:
    pad = _INDENT * depth
    lines = [
        f"{pad}- **{md_text(question.text)}** "
        f'<span class="pos-walk-static__help">{md_text(question.help)}</span>'
    ]
    for answer in question.answers:
        inner = _INDENT * (depth + 1)
        if answer.next in tree.outcomes:
            outcome = tree.outcomes[answer.next]
            lines.append(
                f"{inner}- {md_text(answer.label)} → "
                f"[结果：{md_text(outcome.title)}](#{outcome_anchor(outcome.id)})"
            )
        else:
            lines.append(f"{inner}- {md_text(answer.label)} →")
            lines += _question_lines(tree, tree.questions[answer.next], depth + 2)
    return lines


def _outcome_lines(tree: Tree, outcome: Outcome) -> list[str]:
    data = outcome_dict(tree, outcome)
    cause = data["cause"]
    lines = [
        f"### {md_text(outcome.title)} {{#{outcome_anchor(outcome.id)}}}",
        "",
        f"**可能的原因：**[{md_text(cause['title'])}]({cause['href']})",
        "",
        md_text(outcome.summary),
        "",
        "**接下来这样做：**",
        "",
        *[f"{n}. {md_text(step)}" for n, step in enumerate(outcome.steps, 1)],
        "",
        "**要准备的材料：**",
        "",
        *[f"- {md_text(item)}" for item in data["documents"]],
        "",
        "**找谁：**",
        "",
        *[f"- {md_text(item)}" for item in data["contacts"]],
        "",
        f"**一般要多久：**{md_text(outcome.time)}",
        "",
        "**注意：**",
        "",
        *[f"- {md_text(item)}" for item in data["warnings"]],
        "",
        "**相关页面：**"
        + "；".join(f"[{md_text(link['text'])}]({link['href']})" for link in data["links"]),
        "",
    ]
    return lines


def checklist_static(path: str | None = None) -> str:
    """The whole tree on the page: questions as nested lists, then every outcome."""
    tree = load_tree(path)
    lines = [
        f'<div class="pos-walk-static" id="{CONTAINER_ID}" markdown="1">',
        "",
        "## 全部问题和结果（文字版） {#all-questions}",
        "",
        "从第一个问题开始，找到和您情况相符的回答，顺着箭头往下看；"
        "每条路最后都指向下面的一个结果。",
        "",
        *_question_lines(tree, tree.questions[tree.start], 0),
        "",
        "## 每种结果怎么办 {#all-outcomes}",
        "",
    ]
    for outcome in tree.outcomes.values():
        lines += _outcome_lines(tree, outcome)
    lines += ["</div>", ""]
    return "\n".join(lines)
