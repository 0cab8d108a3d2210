"""Python owns the browser contract: each tool page carries it once, exactly as
calculator.api.contract builds it, and no JavaScript file keeps a copy."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from calculator.api.contract import contract

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "docs" / "assets" / "js"
TOOL_PAGES = ["calculator/index.html", "checklist/index.html", "reconcile/index.html"]
BLOCK = re.compile(r'<script type="application/json" id="pos-contract">(.*?)</script>', re.S)
STRING = re.compile(r"\"([^\"\\\n]*)\"|'([^'\\\n]*)'|`([^`\\]*)`")
ARRAY = re.compile(r"\[([^\[\]]*)\]")


def _names(node: object) -> list[str]:
    """Every string leaf of a contract section: the link's parameter names."""
    if isinstance(node, dict):
        return [name for value in node.values() for name in _names(value)]
    return [node] if isinstance(node, str) else []


def _literals(text: str) -> list[str]:
    """String literals outside comments; a template literal gives its fixed parts."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?m)(^|\s)//[^\n]*", r"\1", text)
    found = []
    for match in STRING.finditer(text):
        literal = next(group for group in match.groups() if group is not None)
        found += [part for part in re.split(r"\$\{[^}]*\}", literal) if part]
    return found


def _copies(text: str) -> list[str]:
    """Channel ids, link names, the mix format or a list of views in JavaScript."""
    c = contract()
    link = c["link"]
    custom = _names(link["custom"])
    prefix = os.path.commonprefix(custom)  # "c_"
    suffixes = {
        name.removeprefix(prefix + channel)
        for channel, boxes in link["custom"]["channels"].items()
        for name in boxes.values()
    } - {""}
    renamed = {name for key, name in link["params"].items() if name != key}  # "v", "cmp"
    single = {ch["id"] for ch in c["channels"]} | set(custom) | renamed | suffixes
    single |= {prefix, link["mix_prefix"]}
    found = [s for s in _literals(text) if s in single or c["mix"]["example"] in s]
    join = re.escape(c["mix"]["join"])
    found += [f"${{…}}{c['mix']['join']}${{…}}" for _ in re.findall(rf"\}}{join}\$\{{", text)]
    # A list naming two or more views or link parameters.
    listed = set(c["views"]) | set(link["params"].values())
    for array in ARRAY.findall(text):
        names = [s for s in _literals(array) if s in listed]
        if len(names) >= 2:
            found.append(f"[{', '.join(names)}]")
    return found


@pytest.mark.parametrize("page", TOOL_PAGES)
def test_each_tool_page_carries_the_contract_once(site_dir: Path, page: str) -> None:
    text = (site_dir / page).read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) == 1, f"{page}: {len(blocks)} #pos-contract blocks"
    assert text.count('id="pos-contract"') == 1
    assert json.loads(blocks[0]) == contract()
    # Inert inside a <template>: instant navigation re-runs every other <script>.
    assert "<template data-contract>" + BLOCK.search(text).group(0) + "</template>" in text


def test_guide_pages_carry_no_contract(site_dir: Path) -> None:
    tools = {site_dir / page for page in TOOL_PAGES}
    others = [p for p in site_dir.rglob("*.html") if p not in tools]
    assert others
    assert not [p for p in others if "pos-contract" in p.read_text(encoding="utf-8")]


def test_tool_pages_name_their_boxes_from_the_contract(site_dir: Path) -> None:
    c = contract()
    calculator = (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")
    statement = (site_dir / "reconcile" / "index.html").read_text(encoding="utf-8")
    for name in _names(c["link"]["custom"]):
        assert f'name="{html.escape(name)}"' in calculator, name
    for name in _names(c["link"]["custom"]["channels"]):
        assert f'name="{html.escape(name)}"' in statement, name
    for channel in c["channels"]:
        assert f'data-mix="{channel["id"]}"' in calculator


def test_no_javascript_copies_the_contract() -> None:
    files = sorted(JS.rglob("*.js"))
    assert len(files) >= 10
    copies = {p.relative_to(JS).as_posix(): _copies(p.read_text("utf-8")) for p in files}
    assert not {name: found for name, found in copies.items() if found}


def test_the_copy_check_finds_copies() -> None:
    copies = {
        'const CHANNELS = ["credit", "debit"];': ["credit", "debit"],
        "const VIEWS = ['single', 'gross', 'month', 'compare'];": [
            "[single, gross, month, compare]"
        ],
        "for (const name of [`amount`, 'net']) read(name);": ["[amount, net]"],
        "params.set(`m_${channel}`, value); params.set('cmp', ids);": ["m_", "cmp"],
        'fields[`c_${channel}_cap`]; params.set("c_annual", annual);': ["c_", "_cap", "c_annual"],
        "total.value = `${total}x${count}` || '30000x40';": ["30000x40", "${…}x${…}"],
        'ask("compare", { mix, plans }); el("li", "30000"); // "debit" in a comment': [],
        '["amount", "fee", "expected"].includes(key) /* "credit" */': [],
    }
    assert {text: _copies(text) for text in copies} == copies
