"""The walker's whole tree as HTML, for the page without JavaScript.

Nested lists follow the questions; every branch ends in a link to an outcome
section below. It is raw HTML on purpose: Markdown headings would enter the
page's table of contents, whose scroll tracking writes the (hidden) anchors
into the address bar and so into the reader's share link. Readable, searchable
and printable before (or without) Pyodide. Every value from the data file is
escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from calculator.api.walker import outcome_dict
from calculator.walker.tree import (
    DEFAULT_FILE,
    Outcome,
    Question,
    Tree,
    TreeError,
    guide_cause_ids,
    load_tree,
    validate_file,
)

CONTAINER_ID = "walker-static"


def outcome_anchor(outcome_id: str) -> str:
    return f"outcome-{outcome_id}"


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def _question(tree: Tree, question: Question) -> str:
    items = []
    for answer in question.answers:
        if answer.next in tree.outcomes:
            outcome = tree.outcomes[answer.next]
            target = _link(f"#{outcome_anchor(outcome.id)}", f"结果：{outcome.title}")
            items.append(f"<li>{escape(answer.label)} → {target}</li>")
        else:
            nested = _question(tree, tree.questions[answer.next])
            items.append(f"<li>{escape(answer.label)} →\n<ul>\n{nested}\n</ul>\n</li>")
    return (
        f"<li><strong>{escape(question.text)}</strong>"
        f'<span class="pos-walker-static__help">{escape(question.help)}</span>\n'
        f"<ul>\n" + "\n".join(items) + "\n</ul>\n</li>"
    )


def _items(tag: str, texts: list[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{escape(t)}</li>" for t in texts) + f"</{tag}>"


def _outcome(tree: Tree, outcome: Outcome) -> str:
    data = outcome_dict(tree, outcome)
    cause = data["cause"]
    anchor = outcome_anchor(outcome.id)
    links = "；".join(_link(link["url"], link["text"]) for link in data["links"])
    return "\n".join(
        [
            f'<section class="pos-walker-static__outcome" aria-labelledby="{anchor}">',
            f'<h3 id="{anchor}">{escape(outcome.title)}</h3>',
            f"<p><strong>可能的原因：</strong>{_link(cause['url'], cause['title'])}</p>",
            f"<p>{escape(outcome.summary)}</p>",
            "<p><strong>接下来这样做：</strong></p>",
            _items("ol", list(outcome.steps)),
            "<p><strong>要准备的材料：</strong></p>",
            _items("ul", data["documents"]),
            "<p><strong>找谁：</strong></p>",
            _items("ul", data["contacts"]),
            f"<p><strong>一般要多久：</strong>{escape(outcome.time)}</p>",
            "<p><strong>注意：</strong></p>",
            _items("ul", data["warnings"]),
            f"<p><strong>相关页面：</strong>{links}</p>",
            "</section>",
        ]
    )


def walker_static(path: str | None = None) -> str:
    """The whole tree on the page: questions as nested lists, then every outcome."""
    tree = load_tree(path)
    parts = [
        f'<div class="pos-walker-static" id="{CONTAINER_ID}">',
        # The site search finds the outcomes below, not the question tree that
        # repeats their words on every branch.
        "<div data-pagefind-ignore>",
        '<h2 id="all-questions">全部问题和结果（文字版）</h2>',
        "<p>从第一个问题开始，找到和您情况相符的回答，顺着箭头往下看；"
        "每条路最后都指向下面的一个结果。</p>",
        "<ul>",
        _question(tree, tree.questions[tree.start]),
        "</ul>",
        "</div>",
        '<h2 id="all-outcomes">每种结果怎么办</h2>',
        *[_outcome(tree, outcome) for outcome in tree.outcomes.values()],
        "</div>",
    ]
    # No blank lines: Markdown must pass the block through untouched.
    return "\n".join(parts) + "\n"


def check_against_guide(causes_page: Path) -> None:
    """Stop the build when the tree is broken or misses a cause on the guide's causes page."""
    guide = guide_cause_ids(causes_page.read_text(encoding="utf-8"))
    problems = validate_file(None, guide)
    if problems:
        raise TreeError(str(DEFAULT_FILE), problems)
