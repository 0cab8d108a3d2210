"""The built calculator page: the tool before the prose, one wording and order
for the rate boxes (from labels.RATE_FIELDS), no engine jargon."""

from __future__ import annotations

import re
from pathlib import Path

from calculator.api.labels import RATE_FIELDS


def _page(site_dir: Path) -> str:
    return (site_dir / "calculator" / "index.html").read_text(encoding="utf-8")


def test_the_tool_comes_before_the_explanations(site_dir: Path) -> None:
    page = _page(site_dir)
    content = page[page.index('<article class="md-content__inner') :]
    tool = content.index('<div class="pos-tool pos-fees"')
    assert tool < content.index("这个计算器能算什么") < content.index("常见金额手续费速查")
    # Between the page title and the tool: nothing but the heading itself.
    before = re.sub(r"<[^>]+>", "", content[content.index("</h1>") + 5 : tool]).strip()
    assert before == "", before


def test_rate_boxes_use_one_wording_in_one_order(site_dir: Path) -> None:
    custom = _page(site_dir).split('id="fees-custom"', 1)[1].split("</fieldset>", 1)[0]
    row = custom.split('class="pos-fees__mixrow"', 2)[1]
    labels = re.findall(r"<label>([^<]+)<input", row)
    assert labels == [label for _, label in RATE_FIELDS]
    assert [label for _, label in RATE_FIELDS] == ["费率（%）", "每笔加收（元）", "封顶（元）"]


def test_no_engine_jargon_on_the_calculator(site_dir: Path) -> None:
    assert "计算引擎" not in _page(site_dir)
    js = (site_dir / "assets" / "js" / "fees-page.js").read_text(encoding="utf-8")
    status = (site_dir / "assets" / "js" / "runtime" / "status.js").read_text(encoding="utf-8")
    assert "计算引擎" not in js and "计算引擎" not in status
