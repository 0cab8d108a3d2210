"""The guide's data files: what maintainers see when an entry is broken."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from typing import Any

import pytest

from calculator.guide import data as guide

SOURCES = tomllib.loads(guide.SOURCES_FILE.read_text(encoding="utf-8"))
MESSAGES = tomllib.loads(guide.MESSAGES_FILE.read_text(encoding="utf-8"))
BRANDS = tomllib.loads(guide.BRANDS_FILE.read_text(encoding="utf-8"))


def problems(parse, data: dict[str, Any]) -> list[str]:  # noqa: ANN001
    with pytest.raises(guide.GuideError) as caught:
        if parse is guide.parse_sources:
            parse(data, "sources.toml")
        else:
            parse(data, "x.toml", guide.parse_sources(SOURCES, "sources.toml"))
    return caught.value.problems


def test_bundled_files_are_valid() -> None:
    assert guide.validate_all() == []
    assert len(guide.load_messages().items) >= guide.MIN_MESSAGES


def test_every_asked_brand_is_listed() -> None:
    names = {b.name for b in guide.load_brands().items}
    asked = {
        "拉卡拉",
        "乐刷",
        "收钱吧",
        "联动优势",
        "随行付",
        "银盛",
        "合利宝",
        "微信支付商户",
        "支付宝商家",
    }
    assert asked <= names


def test_source_without_its_own_date() -> None:
    data = copy.deepcopy(SOURCES)
    del data["source"]["hike-report"]["date"]
    data["source"]["kayou-disclosure"]["date"] = "2025-13"
    data["source"]["pipl"]["date"] = "checked today"
    found = problems(guide.parse_sources, data)
    assert any("source 'hike-report': date: must be the source's own date" in p for p in found)
    assert any("source 'kayou-disclosure': date:" in p for p in found)
    assert any("source 'pipl': date:" in p for p in found)


def test_source_kind_strength_and_checked() -> None:
    data = copy.deepcopy(SOURCES)
    data["source"]["pipl"]["kind"] = "官方帮助文档"
    data["source"]["pipl"]["strength"] = "strong"
    data["source"]["pipl"]["checked"] = "2026-11-29"
    data["source"]["pipl"]["url"] = "x"
    found = problems(guide.parse_sources, data)
    assert "sources.toml: source 'pipl': kind: '官方帮助文档' is not in [kinds]" in found[1] or any(
        "kind: '官方帮助文档' is not in [kinds]" in p for p in found
    )
    assert any("source 'pipl': strength: must be one of" in p for p in found)
    assert any("source 'pipl': checked: must be a date" in p for p in found)
    assert any("source 'pipl': url: unknown field" in p for p in found)


def test_message_needs_a_known_source_and_a_date() -> None:
    data = copy.deepcopy(MESSAGES)
    first = data["message"][0]
    first["sources"] = ["no-such-source"]
    del data["message"][1]["checked"]
    data["message"][2]["sources"] = []
    data["message"][3]["guide"] = "answers.md"
    data["message"][4]["call"] = ["police"]
    found = problems(guide.parse_messages, data)
    assert (
        "x.toml: message 'account-control': sources[0]: "
        "'no-such-source' is not a source in sources.toml" in found
    )
    assert any("message 'status-abnormal': checked: must be a date" in p for p in found)
    assert any("message 'card-closed': sources: needs a list" in p for p in found)
    assert any("message 'name-or-number': guide: must look like" in p for p in found)
    assert any("message 'branch-wrong': call[0]: 'police' is not in [call]" in p for p in found)


def test_messages_need_twenty_and_unique_texts() -> None:
    data = copy.deepcopy(MESSAGES)
    data["message"] = data["message"][:5]
    data["message"][1]["text"] = data["message"][0]["text"]
    found = problems(guide.parse_messages, data)
    assert "x.toml: top level: message: needs at least 20, has 5" in found
    assert any("is already another message" in p for p in found)


def test_brand_lines_need_sources_and_unsourced_brands_say_so() -> None:
    data = copy.deepcopy(BRANDS)
    lakala = data["brand"][0]
    lakala["line"][0]["source"] = "a-blog"
    lakala["line"][1]["topic"] = "price"
    del lakala["checked"]
    unsourced = next(b for b in data["brand"] if b["sourced"] is False)
    unsourced["line"] = [{"topic": "where", "text": "x", "source": "pipl"}]
    del unsourced["note"]
    empty = data["brand"][1]
    empty["line"] = []
    found = problems(guide.parse_brands, data)
    assert (
        "x.toml: brand 'lakala' line[0]: source: 'a-blog' is not a source in sources.toml" in found
    )
    assert any("brand 'lakala' line[1]: topic: 'price' is not in [topics]" in p for p in found)
    assert any("brand 'lakala': checked: must be a date" in p for p in found)
    assert any(f"brand '{unsourced['id']}': line: a brand with sourced = false" in p for p in found)
    assert any(f"brand '{unsourced['id']}': note: is required text" in p for p in found)
    assert any("brand 'leshua': line: a sourced brand needs at least one" in p for p in found)


def test_future_checked_date_is_refused() -> None:
    data = copy.deepcopy(SOURCES)
    data["source"]["pipl"]["checked"] = dt.date.today() + dt.timedelta(days=30)
    assert any(
        "checked:" in p and "is in the future" in p for p in problems(guide.parse_sources, data)
    )


def test_unreadable_file_names_the_file(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "brands.toml"
    bad.write_text("[[brand]\n", encoding="utf-8")
    with pytest.raises(guide.GuideError, match=r"brands.toml: not valid TOML"):
        guide.load_brands(bad)


def test_source_dates_read_as_written() -> None:
    sources = guide.load_sources().items
    assert sources["wechat-modify-settlement"].date_zh() == "2025 年 1 月 22 日"
    assert sources["hike-report"].date_zh() == "2025 年 12 月"
    assert sources["leshua-payout-failures"].date_zh() == "原文未注明日期"


@pytest.mark.parametrize(
    ("parse", "base", "name"),
    [(guide.parse_messages, MESSAGES, "message"), (guide.parse_brands, BRANDS, "brand")],
)
def test_repeated_ids_stray_values_and_unknown_fields_are_named(
    parse,  # noqa: ANN001
    base: dict[str, Any],
    name: str,
) -> None:
    data = copy.deepcopy(base)
    first = data[name][0]
    data[name] += [copy.deepcopy(first) | {"colour": "red"}, "not a table"]
    found = problems(parse, data)
    last = len(data[name]) - 1
    assert f"x.toml: {name} '{first['id']}': id: is used by another {name}" in found
    assert any(
        p.startswith(f"x.toml: {name} '{first['id']}': colour: unknown field") for p in found
    )
    assert f"x.toml: {name}[{last}]: : must be a [[{name}]] table" in found
