"""The guide's data pages as Markdown: messages merchants see, brands, sources.

Markdown (not HTML) on purpose: each message and brand becomes a real heading
with a stable anchor, so it enters the page's table of contents and the search
index under its own title. Every value from the data files is escaped.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from calculator.guide import freshness
from calculator.guide.data import (
    HEDGE,
    GuideError,
    Source,
    load_brands,
    load_messages,
    load_sources,
    validate_all,
)

# Not under "mkdocs": a strict build must not stop on a reminder, only show it.
log = logging.getLogger("calculator.guide")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|])")


def md(text: str) -> str:
    """Plain text safe inside Markdown: every Markdown and HTML special backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def source_anchor(source_id: str) -> str:
    return f"src-{source_id}"


def cite(source: Source, kinds: dict[str, str], page: str = "sources.md") -> str:
    """'[微信支付《…》](sources.md#src-…)（开发者接口文档，2025 年 1 月 22 日）'."""
    weak = "，来源较弱" if source.weak else ""
    link = f"{page}#{source_anchor(source.id)}" if page else f"#{source_anchor(source.id)}"
    return (
        f"[{md(source.publisher)}《{md(source.title)}》]({link})"
        f"（{md(kinds[source.kind])}，{source.date_zh()}{weak}）"
    )


def cite_short(source: Source, kinds: dict[str, str]) -> str:
    """'[开发者接口文档](sources.md#src-…)，2025 年 1 月 22 日' for lists where space is short."""
    weak = "，来源较弱" if source.weak else ""
    link = f"sources.md#{source_anchor(source.id)}"
    return f"[{md(kinds[source.kind])}]({link})，{source.date_zh()}{weak}"


def source_cite(source_id: str) -> str:
    """A citation for one source, for pages outside the data pages (macro)."""
    sources = load_sources()
    if source_id not in sources.items:
        raise GuideError(
            sources.file, [f"{sources.file}: no source '{source_id}' (cited by a page)"]
        )
    return cite(sources.items[source_id], sources.kinds)


def messages_page() -> str:
    """Every message: an index, then one section per message (macro)."""
    messages, sources = load_messages(), load_sources()
    out = ["## 按提示查 { #msg-index }", ""]
    out += [f"- [{md(m.text)}](#{m.anchor})" for m in messages.items]
    out += ["", "## 每条提示的意思和办法 { #msg-all }", ""]
    for m in messages.items:
        out += [f"### {md(m.text)} {{ #{m.anchor} }}", ""]
        if m.also:
            out += [f"**类似的说法：**{md('、'.join(m.also))}", ""]
        out += [f"**在哪里看到：**{md(m.seen)}", "", f"**原因：**{md(m.cause)}", ""]
        out += ["**怎么办：**", ""]
        out += [f"{i}. {md(step)}" for i, step in enumerate(m.fix, 1)]
        out += ["", "**找谁：**" + "；".join(md(messages.call[c]) for c in m.call), ""]
        out += [f"**详细说明：**[看这一节]({m.guide})", ""]
        cites = "；".join(cite(sources.items[s], sources.kinds) for s in m.sources)
        out += [
            f"**来源：**{cites}。本站核对于 {m.checked}。各家提示的措辞不完全一样，{HEDGE}。",
            "",
        ]
    return "\n".join(out)


def brands_page() -> str:
    """Every brand: sourced lines grouped by topic, or what could not be found (macro)."""
    brands, sources = load_brands(), load_sources()
    out = []
    for brand in brands.items:
        out += [f"## {md(brand.name)} {{ #{brand.id} }}", ""]
        if brand.sourced:
            out += [md(brand.summary), ""]
            for topic, label in brands.topics.items():
                lines = [line for line in brand.lines if line.topic == topic]
                if not lines:
                    continue
                out += [f"**{md(label)}：**", ""]
                for line in lines:
                    source = sources.items[line.source]
                    out.append(f"- {md(line.text)}（来源：{cite_short(source, sources.kinds)}）")
                out.append("")
        else:
            out += [
                f"{md(brand.note)}请直接打官方客服问清四件事：在哪里改、要交什么、"
                "多久生效、多久能改一次，并记下客服说的话。",
                "",
            ]
        out += [f"**{HEDGE}。**本站核对于 {brand.checked}。", ""]
    return "\n".join(out)


def brand_names(sourced: bool) -> str:
    """The brands with (or without) public material, as one Chinese list (macro)."""
    return "、".join(b.name for b in load_brands().items if b.sourced is sourced)


def sources_page() -> str:
    """Every source, grouped by what it is, with its own date and strength (macro)."""
    sources = load_sources()
    out = []
    for kind, label in sources.kinds.items():
        group = [s for s in sources.items.values() if s.kind == kind]
        if not group:
            continue
        out += [f"## {md(label)} {{ #kind-{kind} }}", ""]
        for s in group:
            strength = "来源较弱" if s.weak else "可靠"
            out += [
                f"### {md(s.publisher)}《{md(s.title)}》 {{ #{source_anchor(s.id)} }}",
                "",
                f"- 原文日期：{s.date_zh()}",
                f"- 可信程度：{strength}",
                f"- 本站核对：{s.checked}",
                f"- 用到的内容：{md(s.says)}",
                "",
            ]
    return "\n".join(out)


def check_guide_data(docs_dir: Path) -> None:
    """Stop the build on broken guide data; warn when a checked date nears the limit."""
    problems = validate_all()
    if problems:
        raise GuideError("calculator/data", problems)
    entries = freshness.dated_entries() + freshness.dated_pages(docs_dir)
    for line in freshness.older_than(entries, freshness.WARN_DAYS):
        log.warning("freshness: %s", line)


# Pages whose headings (and so anchors) come from these macros, for link checks
# that read Markdown sources.
GENERATED = {
    "messages.md": messages_page,
    "brands.md": brands_page,
    "sources.md": sources_page,
}
