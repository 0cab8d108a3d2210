"""The walker's page: links into the guide, the build gate, the no-JS rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calculator.api import walker as api_walker
from calculator.site import guide as site_guide
from calculator.site import walker as site_walker
from calculator.walker import tree as walker_tree

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def test_every_outcome_link_has_its_page_and_anchor() -> None:
    for outcome in api_walker.walker_tree()["outcomes"]:
        for link in outcome["links"]:
            page, _, anchor = link["href"].partition("#")
            text = (DOCS / page).read_text(encoding="utf-8")
            if page in site_guide.GENERATED:  # headings rendered from data by a macro
                text += site_guide.GENERATED[page]()
            assert re.search(r"\{[^{}]*#" + re.escape(anchor) + r"[^{}]*\}", text), (
                f"outcome '{outcome['id']}' links to {link['href']}, which has no such anchor"
            )


class _Env:
    def __init__(self, docs_dir: Path) -> None:
        self.conf = {"docs_dir": str(docs_dir)}
        self.macros: list[str] = []

    def macro(self, function) -> None:  # noqa: ANN001
        self.macros.append(function.__name__)


def test_build_stops_when_the_guide_has_a_cause_the_tree_lacks(tmp_path: Path) -> None:
    from macros.main import define_env

    env = _Env(DOCS)
    define_env(env)  # the real guide: no complaint
    assert "walker_static" in env.macros
    causes = (DOCS / "causes.md").read_text(encoding="utf-8")
    (tmp_path / "causes.md").write_text(
        causes + "\n### 新的原因 {#brand-new}\n\n[→ 怎么解决](solutions.md#brand-new)\n",
        encoding="utf-8",
    )
    with pytest.raises(walker_tree.TreeError, match=r"causes: brand-new: is on the guide"):
        define_env(_Env(tmp_path))


def test_page_in_nav_after_home_and_linked_from_start(site_dir: Path) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - 首页: index.md\n  - 排查向导: checklist.md\n" in config
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    start = index[index.index("{#start}") : index.index("{#sections}")]
    assert "(checklist.md)" in start


def test_no_js_rendering_is_the_whole_tree(site_dir: Path) -> None:
    html = (site_dir / "checklist" / "index.html").read_text(encoding="utf-8")
    # Passed through whole (the unit tests check what the rendering holds).
    assert site_walker.walker_static() in html
    # The interactive part starts hidden and has its own id for main.js.
    assert re.search(r'<div class="pos-walker" id="walker-tool"[^>]*hidden>', html)
