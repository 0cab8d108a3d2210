"""How old each last-checked date is, against the limit maintainers work to.

Rules and figures change (a provider's menu, a fee cap), so every source, every
message and every brand entry carries `checked`, and every page `last_reviewed`.
The build warns WARN_DAYS before the limit; tests fail at LIMIT_DAYS. The
numbers are documented in docs/maintainers.md#freshness and the README.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from calculator.guide.data import load_brands, load_messages, load_sources

# Half a year: provider menus and review rules move about that fast; a
# maintainer re-checks each source twice a year.
LIMIT_DAYS = 183
# The build starts warning a month before the limit, so there is time to re-check.
WARN_DAYS = LIMIT_DAYS - 30

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_REVIEWED = re.compile(r"^last_reviewed:[ \t]*['\"]?(\d{4}-\d{2}-\d{2})['\"]?[ \t]*$", re.M)


@dataclass(frozen=True)
class Dated:
    """One thing with a last-checked date: where it is and when it was checked."""

    where: str  # "calculator/data/brands.toml: brand 'lakala': checked"
    checked: dt.date

    def age(self, today: dt.date) -> int:
        return (today - self.checked).days


def _short(file: str) -> str:
    path = Path(file)
    parts = path.parts
    return "/".join(parts[parts.index("calculator") :]) if "calculator" in parts else file


def dated_entries() -> list[Dated]:
    """Every source, message and brand entry with its checked date."""
    sources, messages, brands = load_sources(), load_messages(), load_brands()
    out = [
        Dated(f"{_short(sources.file)}: source '{s.id}': checked", s.checked)
        for s in sources.items.values()
    ]
    out += [
        Dated(f"{_short(messages.file)}: message '{m.id}': checked", m.checked)
        for m in messages.items
    ]
    out += [
        Dated(f"{_short(brands.file)}: brand '{b.id}': checked", b.checked) for b in brands.items
    ]
    return out


def dated_pages(docs_dir: Path) -> list[Dated]:
    """Every page's `last_reviewed` date (pages without one are the content test's job)."""
    out = []
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        front = _FRONT_MATTER.match(text)
        found = _REVIEWED.search(front.group(1)) if front else None
        if found:
            name = f"docs/{page.relative_to(docs_dir).as_posix()}: last_reviewed"
            out.append(Dated(name, dt.date.fromisoformat(found.group(1))))
    return out


def older_than(entries: list[Dated], days: int, today: dt.date | None = None) -> list[str]:
    """One line per entry checked more than `days` days before today."""
    today = today or dt.date.today()
    return [
        f"{entry.where}: {entry.checked} is {entry.age(today)} days old "
        f"(limit {LIMIT_DAYS} days; open the source again and update the date)"
        for entry in entries
        if entry.age(today) > days
    ]
