"""The troubleshooting walker: validation of broken trees, the walk, the CLI."""

from __future__ import annotations

from pathlib import Path

from calculator.site import walker as site_walker
from calculator.walker import tree as walker_tree
from calculator.walker import walk as walker_walk
from tests.walker_values import bundled, dump_toml, outcome, question


def test_static_rendering_escapes_data(tmp_path: Path) -> None:
    data = bundled()
    question(data, "stage")["text"] = '<img src=x onerror=alert(1)> "引号" & *粗*'
    outcome(data, "other")["summary"] = "</section><script>x</script>"
    path = tmp_path / "tree.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    out = site_walker.walker_static(str(path))
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt; &quot;引号&quot; &amp;" in out
    assert "<script>" not in out and "&lt;/section&gt;&lt;script&gt;" in out
    assert "\n\n" not in out  # one raw HTML block for Markdown


def test_static_rendering_lists_every_question_and_outcome() -> None:
    tree = walker_tree.load_tree()
    out = site_walker.walker_static()
    assert out.count("<ul>") == out.count("</ul>") and out.count("<li>") == out.count("</li>")
    for q in tree.questions.values():
        assert q.text in out
    for o in tree.outcomes.values():
        assert f'<h3 id="outcome-{o.id}">' in out
        assert f'<a href="#outcome-{o.id}">' in out
        assert f'<a href="../causes/#{o.cause}">' in out
        assert f'href="../solutions/#{o.cause}"' in out
    # Nested lists: the deepest question sits three lists down.
    longest = walker_walk.longest_path(tree)
    deepest = tree.questions[longest[-2]].text
    before = out[: out.index(deepest)]
    assert before.count("<ul>") - before.count("</ul>") >= 2 * (len(longest) - 2) + 1
