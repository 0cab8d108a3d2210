"""Load and check sources.toml, messages.toml and brands.toml.

Every fact on these pages must name its source and carry dates, so the loaders
refuse an entry without them. Problems are collected (not raised one by one) so
a maintainer sees every broken field at once, each naming file, entry and field.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calculator.core.errors import DataProblems

DATA_DIR = Path(__file__).parent.parent / "data"
SOURCES_FILE = DATA_DIR / "sources.toml"
MESSAGES_FILE = DATA_DIR / "messages.toml"
BRANDS_FILE = DATA_DIR / "brands.toml"

ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A guide link: a page in docs/ and an anchor on it.
GUIDE_LINK = re.compile(r"[a-z0-9-]+\.md#[a-z0-9-]+")
# A source's own date when only the year or the month is known.
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2]))?")
UNDATED = "undated"
STRENGTHS = {"confirmed": "可靠", "weak": "来源较弱"}
HEDGE = "以服务商官方 App/客服为准"
MIN_MESSAGES = 20


class GuideError(DataProblems):
    """Every problem found in one guide data file, one line each."""


@dataclass(frozen=True)
class Source:
    id: str
    kind: str  # id into Sources.kinds
    title: str
    publisher: str
    date: str  # "2025-01-22", "2025-12", "2025" or "undated"
    strength: str  # "confirmed" | "weak"
    checked: dt.date
    says: str

    @property
    def weak(self) -> bool:
        return self.strength == "weak"

    def date_zh(self) -> str:
        """The source's own date as a reader reads it."""
        if self.date == UNDATED:
            return "原文未注明日期"
        parts = self.date.split("-")
        text = f"{int(parts[0])} 年"
        if len(parts) > 1:
            text += f" {int(parts[1])} 月"
        if len(parts) > 2:
            text += f" {int(parts[2])} 日"
        return text


@dataclass(frozen=True)
class Sources:
    file: str
    kinds: dict[str, str]  # kind id -> Chinese name
    items: dict[str, Source]

    def kind_zh(self, source: Source) -> str:
        return self.kinds[source.kind]


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    also: tuple[str, ...]
    seen: str
    cause: str
    fix: tuple[str, ...]
    call: tuple[str, ...]  # ids into Messages.call
    guide: str
    sources: tuple[str, ...]
    checked: dt.date

    @property
    def anchor(self) -> str:
        return f"msg-{self.id}"


@dataclass(frozen=True)
class Messages:
    file: str
    call: dict[str, str]
    items: tuple[Message, ...]


@dataclass(frozen=True)
class BrandLine:
    topic: str
    text: str
    source: str


@dataclass(frozen=True)
class Brand:
    id: str
    name: str
    kind: str
    checked: dt.date
    sourced: bool
    summary: str
    note: str
    lines: tuple[BrandLine, ...]


@dataclass(frozen=True)
class Brands:
    file: str
    topics: dict[str, str]
    items: tuple[Brand, ...]


# ------------------------------------------------------------------ reading


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []

    def problem(self, where: str, field: str, text: str) -> None:
        self.problems.append(f"{self.file}: {where}: {field}: {text}")

    def text(self, table: Mapping[str, Any], where: str, key: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, key, "is required text")
            return ""
        return value.strip()

    def texts(self, table: Mapping[str, Any], where: str, key: str, required: bool) -> list[str]:
        value = table.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.problem(where, key, "needs a list with at least one entry")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(where, f"{key}[{index}]", "is required text")
            else:
                out.append(item.strip())
        return out

    def date(self, table: Mapping[str, Any], where: str, key: str) -> dt.date:
        value = table.get(key)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.problem(where, key, f"must be a date like 2026-11-29, got {value!r}")
            return dt.date.min
        if value > dt.date.today() + dt.timedelta(days=1):
            self.problem(where, key, f"{value} is in the future")
        return value

    def ident(self, table: Mapping[str, Any], where: str) -> str:
        value = table.get("id")
        if not isinstance(value, str) or not ID.fullmatch(value):
            self.problem(
                where, "id", f"must be lower-case letters, digits and dashes, got {value!r}"
            )
            return ""
        return value

    def unknown(self, table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(where, key, f"unknown field (known: {', '.join(sorted(allowed))})")

    def entries(
        self, raw_items: list[Any], name: str, allowed: set[str]
    ) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """Each [[name]] table as (where, id, table): not a table, a bad or
        repeated id and unknown fields are noted here, once for every file."""
        seen: set[str] = set()
        for index, raw in enumerate(raw_items):
            where = f"{name}[{index}]"
            if not isinstance(raw, dict):
                self.problem(where, "", f"must be a [[{name}]] table")
                continue
            item_id = self.ident(raw, where)
            if item_id:
                where = f"{name} '{item_id}'"
                if item_id in seen:
                    self.problem(where, "id", f"is used by another {name}")
                seen.add(item_id)
            self.unknown(raw, where, allowed)
            yield where, item_id, raw

    def label_table(self, data: Mapping[str, Any], key: str) -> dict[str, str]:
        table = data.get(key)
        if not isinstance(table, dict) or not table:
            self.problem(f"[{key}]", "", "needs a table with at least one entry")
            return {}
        out = {}
        for item_id, value in table.items():
            if not ID.fullmatch(item_id):
                self.problem(f"[{key}]", item_id, "id must be lower-case letters, digits, dashes")
            elif not isinstance(value, str) or not value.strip():
                self.problem(f"[{key}]", item_id, "is required text")
            else:
                out[item_id] = value.strip()
        return out

    def finish(self) -> None:
        if self.problems:
            raise GuideError(self.file, self.problems)


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    name = str(path)
    try:
        return name, tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise GuideError(name, [f"{name}: cannot read: {error}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise GuideError(name, [f"{name}: not valid TOML: {error}"]) from None


def _source_date(r: _Reader, raw: Mapping[str, Any], where: str) -> str:
    value = raw.get("date")
    if isinstance(value, dt.datetime):
        value = None
    if isinstance(value, dt.date):
        return value.isoformat()
    if value == UNDATED:
        return UNDATED
    if isinstance(value, str) and PARTIAL_DATE.fullmatch(value):
        return value
    r.problem(
        where,
        "date",
        f'must be the source\'s own date (2025-01-22, "2025-12", "2025") or "{UNDATED}", '
        f"got {value!r}",
    )
    return UNDATED


_SOURCE_KEYS = {"kind", "title", "publisher", "date", "strength", "checked", "says"}


def parse_sources(data: Mapping[str, Any], file: str) -> Sources:
    """Check a decoded sources file; raises GuideError listing every problem."""
    r = _Reader(file)
    r.unknown(data, "top level", {"kinds", "source"})
    kinds = r.label_table(data, "kinds")
    raw_sources = data.get("source")
    if not isinstance(raw_sources, dict) or not raw_sources:
        r.problem("top level", "source", "needs [source.<id>] tables")
        raw_sources = {}
    items: dict[str, Source] = {}
    for sid, raw in raw_sources.items():
        where = f"source '{sid}'"
        if not ID.fullmatch(sid):
            r.problem(where, "id", "must be lower-case letters, digits and dashes")
        if not isinstance(raw, dict):
            r.problem(where, "", "must be a [source.<id>] table")
            continue
        r.unknown(raw, where, _SOURCE_KEYS)
        kind = r.text(raw, where, "kind")
        if kind and kinds and kind not in kinds:
            r.problem(where, "kind", f"'{kind}' is not in [kinds] ({', '.join(kinds)})")
        strength = raw.get("strength")
        if strength not in STRENGTHS:
            r.problem(where, "strength", f"must be one of {sorted(STRENGTHS)}, got {strength!r}")
        items[sid] = Source(
            id=sid,
            kind=kind,
            title=r.text(raw, where, "title"),
            publisher=r.text(raw, where, "publisher"),
            date=_source_date(r, raw, where),
            strength=str(strength),
            checked=r.date(raw, where, "checked"),
            says=r.text(raw, where, "says"),
        )
    r.finish()
    return Sources(file, kinds, items)


def _source_refs(
    r: _Reader, refs: list[str], where: str, key: str, sources: Sources
) -> tuple[str, ...]:
    for index, ref in enumerate(refs):
        if ref not in sources.items:
            r.problem(where, f"{key}[{index}]", f"'{ref}' is not a source in {sources.file}")
    return tuple(refs)


_MESSAGE_KEYS = {
    "id",
    "text",
    "also",
    "seen",
    "cause",
    "fix",
    "call",
    "guide",
    "sources",
    "checked",
}


def parse_messages(data: Mapping[str, Any], file: str, sources: Sources) -> Messages:
    """Check a decoded messages file against the sources; raises GuideError."""
    r = _Reader(file)
    r.unknown(data, "top level", {"call", "message"})
    call = r.label_table(data, "call")
    raw_items = data.get("message")
    if not isinstance(raw_items, list):
        raw_items = []
    if len(raw_items) < MIN_MESSAGES:
        r.problem("top level", "message", f"needs at least {MIN_MESSAGES}, has {len(raw_items)}")
    items: list[Message] = []
    seen_texts: set[str] = set()
    for where, mid, raw in r.entries(raw_items, "message", _MESSAGE_KEYS):
        text = r.text(raw, where, "text")
        if text in seen_texts:
            r.problem(where, "text", f"'{text}' is already another message")
        seen_texts.add(text)
        calls = r.texts(raw, where, "call", required=True)
        for c_index, ref in enumerate(calls):
            if call and ref not in call:
                r.problem(where, f"call[{c_index}]", f"'{ref}' is not in [call]")
        guide = raw.get("guide")
        if not isinstance(guide, str) or not GUIDE_LINK.fullmatch(guide):
            r.problem(where, "guide", f"must look like 'answers.md#family-card', got {guide!r}")
            guide = ""
        refs = r.texts(raw, where, "sources", required=True)
        items.append(
            Message(
                id=mid,
                text=text,
                also=tuple(r.texts(raw, where, "also", required=False)),
                seen=r.text(raw, where, "seen"),
                cause=r.text(raw, where, "cause"),
                fix=tuple(r.texts(raw, where, "fix", required=True)),
                call=tuple(calls),
                guide=guide,
                sources=_source_refs(r, refs, where, "sources", sources),
                checked=r.date(raw, where, "checked"),
            )
        )
    r.finish()
    return Messages(file, call, tuple(items))


_BRAND_KEYS = {"id", "name", "kind", "checked", "sourced", "summary", "note", "line"}
_LINE_KEYS = {"topic", "text", "source"}
BRAND_KINDS = {"pos", "app"}


def parse_brands(data: Mapping[str, Any], file: str, sources: Sources) -> Brands:
    """Check a decoded brands file against the sources; raises GuideError."""
    r = _Reader(file)
    r.unknown(data, "top level", {"topics", "brand"})
    topics = r.label_table(data, "topics")
    raw_items = data.get("brand")
    if not isinstance(raw_items, list) or not raw_items:
        r.problem("top level", "brand", "needs at least one [[brand]]")
        raw_items = []
    items: list[Brand] = []
    for where, bid, raw in r.entries(raw_items, "brand", _BRAND_KEYS):
        kind = raw.get("kind")
        if kind not in BRAND_KINDS:
            r.problem(where, "kind", f"must be one of {sorted(BRAND_KINDS)}, got {kind!r}")
        sourced = raw.get("sourced")
        if not isinstance(sourced, bool):
            r.problem(where, "sourced", f"must be true or false, got {sourced!r}")
            sourced = False
        raw_lines = raw.get("line", [])
        lines: list[BrandLine] = []
        summary = note = ""
        if sourced:
            summary = r.text(raw, where, "summary")
            if not isinstance(raw_lines, list) or not raw_lines:
                r.problem(where, "line", "a sourced brand needs at least one [[brand.line]]")
                raw_lines = []
            for l_index, line in enumerate(raw_lines):
                lwhere = f"{where} line[{l_index}]"
                if not isinstance(line, dict):
                    r.problem(lwhere, "", "must be a [[brand.line]] table")
                    continue
                r.unknown(line, lwhere, _LINE_KEYS)
                topic = r.text(line, lwhere, "topic")
                if topic and topics and topic not in topics:
                    r.problem(
                        lwhere, "topic", f"'{topic}' is not in [topics] ({', '.join(topics)})"
                    )
                source = r.text(line, lwhere, "source")
                if source and source not in sources.items:
                    r.problem(lwhere, "source", f"'{source}' is not a source in {sources.file}")
                lines.append(BrandLine(topic, r.text(line, lwhere, "text"), source))
        else:
            note = r.text(raw, where, "note")
            if raw_lines:
                r.problem(
                    where, "line", "a brand with sourced = false has no lines; say so in note"
                )
        items.append(
            Brand(
                id=bid,
                name=r.text(raw, where, "name"),
                kind=str(kind),
                checked=r.date(raw, where, "checked"),
                sourced=sourced,
                summary=summary,
                note=note,
                lines=tuple(lines),
            )
        )
    r.finish()
    return Brands(file, topics, tuple(items))


_CACHE: dict[tuple[str, ...], object] = {}


def _key(*paths: Path) -> tuple[str, ...]:
    out = []
    for path in paths:
        try:
            out += [str(path), str(path.stat().st_mtime_ns)]
        except OSError:
            out += [str(path), "missing"]
    return tuple(out)


def load_sources(path: Path = SOURCES_FILE) -> Sources:
    key = ("sources", *_key(path))
    if key not in _CACHE:
        name, data = _read_toml(path)
        _CACHE[key] = parse_sources(data, name)
    return _CACHE[key]  # type: ignore[return-value]


def _load_citing(
    kind: str,
    parse: Callable[[Mapping[str, Any], str, Sources], object],
    path: Path,
    sources_path: Path,
) -> object:
    """A guide file whose lines cite sources.toml, parsed once per file version."""
    key = (kind, *_key(path, sources_path))
    if key not in _CACHE:
        sources = load_sources(sources_path)
        name, data = _read_toml(path)
        _CACHE[key] = parse(data, name, sources)
    return _CACHE[key]


def load_messages(path: Path = MESSAGES_FILE, sources_path: Path = SOURCES_FILE) -> Messages:
    return _load_citing("messages", parse_messages, path, sources_path)  # type: ignore[return-value]


def load_brands(path: Path = BRANDS_FILE, sources_path: Path = SOURCES_FILE) -> Brands:
    return _load_citing("brands", parse_brands, path, sources_path)  # type: ignore[return-value]


def validate_all() -> list[str]:
    """Every problem in the three guide files (empty when all are good)."""
    problems: list[str] = []
    for load in (load_sources, load_messages, load_brands):
        try:
            load()
        except GuideError as error:
            problems += error.problems
    # A broken sources file is reported once, not again through each file citing it.
    return list(dict.fromkeys(problems))
