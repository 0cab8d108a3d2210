"""The guide's data pages as built: messages, brands, answers, sources; the
corrections of issue 15; the build gate over the guide data."""

from __future__ import annotations

import json
import logging
import re
from html import unescape
from pathlib import Path

import pytest

from calculator.guide import data as guide_data
from calculator.guide import freshness
from calculator.site import guide as site_guide
from calculator.walker.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HEDGE = guide_data.HEDGE
ANSWERS = (
    "where-to-change",
    "when-effective",
    "bounced-payouts",
    "refused-cards",
    "family-card",
    "agent-gone",
    "face-verify",
    "change-fee",
    "owner-changed",
)


def page_html(site_dir: Path, name: str) -> str:
    return (site_dir / name / "index.html").read_text(encoding="utf-8")


def sections(html: str, tag: str) -> dict[str, str]:
    """Heading id -> its section's text, up to the next heading of the same tag."""
    parts = re.split(rf'(<{tag} id="[^"]+")', html)
    out = {}
    for head, body in zip(parts[1::2], parts[2::2], strict=True):
        anchor = re.search(r'id="([^"]+)"', head).group(1)
        out[anchor] = unescape(re.sub(r"<[^>]+>", "", head + body))
    return out


def test_every_message_has_its_own_heading_sources_and_hedge(site_dir: Path) -> None:
    found = sections(page_html(site_dir, "messages"), "h3")
    messages = guide_data.load_messages().items
    assert len(messages) >= 20
    for message in messages:
        text = found.get(message.anchor)
        assert text is not None, f"messages page has no heading #{message.anchor}"
        assert text.startswith(message.text), f"#{message.anchor} heading is not {message.text!r}"
        assert "来源：" in text and "本站核对于" in text and HEDGE in text, message.id


def test_search_finds_a_message_by_its_wording(site_dir: Path) -> None:
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {doc["location"]: doc for doc in index["docs"]}
    doc = by_location["messages/#msg-name-or-number"]
    assert doc["title"].replace("\u200b", "") == "银行卡户名或卡号有误"
    assert "户名不一致" in doc["text"].replace("\u200b", "")


def test_every_brand_has_its_anchor_hedge_and_labelled_sources(site_dir: Path) -> None:
    found = sections(page_html(site_dir, "brands"), "h2")
    sources = guide_data.load_sources().items
    for brand in guide_data.load_brands().items:
        text = found.get(brand.id)
        assert text is not None, f"brands page has no heading #{brand.id}"
        assert HEDGE in text, f"brand {brand.id} lacks {HEDGE!r}"
        assert f"本站核对于 {brand.checked}" in text
        if not brand.sourced:
            assert "没有找到" in text
        for line in brand.lines:
            source = sources[line.source]
            assert source.date_zh() in text
            if source.weak:
                assert "来源较弱" in text, f"brand {brand.id}: weak source {source.id} not labelled"


def test_every_missing_answer_has_a_stable_section(site_dir: Path) -> None:
    found = sections(page_html(site_dir, "answers"), "h2")
    for anchor in ANSWERS:
        assert anchor in found, f"answers page has no section #{anchor}"
        assert "怎么办" in found[anchor] and "找谁" in found[anchor], anchor


def test_walker_routes_to_every_answer_and_every_sourced_pos_brand() -> None:
    tree = load_tree()
    hrefs = {link.href for o in tree.outcomes.values() for link in o.links}
    for anchor in ANSWERS[1:]:  # where-to-change is the brand question itself
        assert f"answers.md#{anchor}" in hrefs, f"no walker outcome links answers.md#{anchor}"
    assert {"brand", "message", "special"} <= set(tree.questions)
    brand_ids = {b.id for b in guide_data.load_brands().items}
    linked = {h.split("#")[1] for h in hrefs if h.startswith("brands.md#")} - {"which-brand"}
    assert linked and linked <= brand_ids


def test_every_source_is_listed_with_kind_date_and_strength(site_dir: Path) -> None:
    found = sections(page_html(site_dir, "sources"), "h3")
    for source in guide_data.load_sources().items.values():
        text = found.get(site_guide.source_anchor(source.id))
        assert text is not None, source.id
        assert source.date_zh() in text and str(source.checked) in text
        assert ("来源较弱" in text) is source.weak


@pytest.mark.parametrize(
    ("page", "wrong", "right"),
    [
        ("reconcile.md", "合同费率 0.6%，", "724.69"),
        ("fees.md", "有媒体报道（网络转载）", "192.65"),
        ("precautions.md", "官方不会这样收", "押金不一定是骗局"),
        ("causes.md", "每月可改一次", "30 天只能改一次"),
        (
            "causes.md",
            "易生要求提供开户许可证照片、银行卡照片和结算授权书照片",
            "《基本存款账户信息》",
        ),
        ("solutions.md", "据微信支付官方对特约商户修改结算账户的说明", "以您的服务商为准"),
        ("solutions.md", "本站整理于 2026-11-26", "12378"),
        ("fees.md", "本站整理于 2026-11-26", "169号"),
        ("causes.md", "官方帮助文档", "开发者接口文档"),
    ],
)
def test_corrections_are_on_the_site(page: str, wrong: str, right: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    assert wrong not in text, f"{page} still says {wrong!r}"
    assert right in text, f"{page} does not say {right!r}"


def test_walker_times_do_not_present_wechat_as_the_pos_default() -> None:
    for outcome in load_tree().outcomes.values():
        if "微信支付" in outcome.time and outcome.id != "brand-wechat-pay":
            assert "以您的服务商为准" in outcome.time or "举例" in outcome.time, outcome.id
    text = (ROOT / "calculator" / "data" / "walker.toml").read_text(encoding="utf-8")
    assert "每月可改一次" not in text and "12378" in text


def test_build_stops_on_broken_guide_data(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = ["calculator/data/brands.toml: brand 'lakala' line[0]: source: 'x' is not a source"]
    monkeypatch.setattr(site_guide, "validate_all", lambda: broken)
    with pytest.raises(guide_data.GuideError, match="brand 'lakala' line\\[0\\]: source"):
        site_guide.check_guide_data(DOCS)


def test_build_warns_before_the_freshness_limit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(freshness, "WARN_DAYS", -1)
    with caplog.at_level(logging.WARNING, logger="calculator.guide"):
        site_guide.check_guide_data(DOCS)
    assert any("brands.toml: brand 'lakala': checked" in r.getMessage() for r in caplog.records)
