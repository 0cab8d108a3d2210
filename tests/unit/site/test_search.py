"""The search synonyms file: its own rules, and its targets checked on built pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calculator.core.errors import DataError
from calculator.site import search

PAGE = """<html><body><article class="md-content__inner md-typeset">
<h1 id="top">注意事项与防骗</h1><p>开头</p>
<h2 id="scams">防骗：骗局</h2><p>常见骗局。</p>
<h3 id="never-share">这些东西谁要都不给</h3><p>短信验证码。</p>
<h2 id="next">别的</h2><p>押金</p>
</article></body></html>"""


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "synonyms.toml"
    file.write_text(text, encoding="utf-8")
    return file


def site(tmp_path: Path) -> Path:
    (tmp_path / "site" / "precautions").mkdir(parents=True, exist_ok=True)
    (tmp_path / "site" / "precautions" / "index.html").write_text(PAGE, encoding="utf-8")
    return tmp_path / "site"


def test_the_shipped_file_loads_and_compiles(tmp_path: Path) -> None:
    groups = search.load_groups()
    data = json.loads(search.compile_groups(groups, site(tmp_path)))
    scams = next(g for g in data["groups"] if "诈骗" in g["words"])
    assert scams == {"words": ["骗局", "诈骗", "骗子", "防骗"], "targets": ["precautions/#scams"]}
    # A whole page is addressed by its title's anchor, where its first section is.
    tools = search.load_groups(
        write(tmp_path, '[[group]]\nwords = ["诈骗", "骗局"]\ntargets = ["precautions.md"]'), "s"
    )
    assert json.loads(search.compile_groups(tools, site(tmp_path)))["groups"][0]["targets"] == [
        "precautions/#top"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[group]]\nwords = ["诈骗"]\ntargets = ["a.md"]', "group 1 words: needs a list"),
        ('[[group]]\nwords = ["诈骗", ""]\ntargets = ["a.md"]', "group 1 words: each word"),
        ('[[group]]\nwords = ["诈骗", "骗局"]\ntargets = []', "group 1 targets: needs at least"),
        ('[[group]]\nwords = ["诈骗", "骗局"]\ntargets = ["a#b"]', "write 'page.md'"),
        ('[[group]]\nwords = ["诈骗", "骗局"]\ntargets = ["a.md"]\nnote = 1', "unknown key"),
        (
            '[[group]]\nwords = ["诈骗", "骗局"]\ntargets = ["a.md"]\n'
            '[[group]]\nwords = ["骗局", "骗子"]\ntargets = ["a.md"]',
            "group 2 words: '骗局' is already in group 1",
        ),
        ("[[group", "not valid TOML"),
    ],
)
def test_mistakes_name_file_group_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match="synonyms.toml") as caught:
        search.load_groups(write(tmp_path, text), "synonyms.toml")
    assert message in str(caught.value)


def test_targets_must_exist_and_hold_a_word(tmp_path: Path) -> None:
    built = site(tmp_path)
    good = search.load_groups(
        write(tmp_path, '[[group]]\nwords = ["诈骗", "骗局"]\ntargets = ["precautions.md#scams"]'),
        "s.toml",
    )
    search.check_targets(good, built, "s.toml")
    for target, problem in [
        ("precautions.md#nope", "no section #nope on precautions.md"),
        ("fees.md", "no page fees.md"),
        ("precautions.md#next", "contains none of 诈骗, 骗局"),
    ]:
        groups = search.load_groups(
            write(tmp_path, f'[[group]]\nwords = ["诈骗", "骗局"]\ntargets = ["{target}"]'),
            "s.toml",
        )
        with pytest.raises(DataError, match="s.toml: group 1 targets") as caught:
            search.check_targets(groups, built, "s.toml")
        assert problem in str(caught.value)


def test_a_section_ends_at_the_next_heading_of_its_level() -> None:
    text = search.section_text(PAGE, "scams")
    assert "验证码" in text  # its h3 belongs to it
    assert "押金" not in text  # the next h2 does not
    assert "押金" in search.section_text(PAGE, None)


def test_only_reader_pages_are_marked_for_the_index() -> None:
    html = '<article class="md-content__inner md-typeset"><h1>x</h1></article>'
    assert "data-pagefind-body" in search.mark_searchable(html, True)
    assert search.mark_searchable(html, False) == html
