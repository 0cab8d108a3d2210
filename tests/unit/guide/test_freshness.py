"""Freshness: every checked date against the limit maintainers work to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from calculator.guide import freshness

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_every_entry_and_page_is_dated() -> None:
    entries = freshness.dated_entries()
    kinds = {e.where.split(": ")[1].split(" ")[0] for e in entries}
    assert kinds == {"source", "message", "brand"}
    pages = freshness.dated_pages(DOCS)
    assert len(pages) == len(list(DOCS.rglob("*.md")))


def test_older_than_names_file_entry_and_age() -> None:
    entries = [
        freshness.Dated("calculator/data/brands.toml: brand 'lakala': checked", dt.date(2026, 1, 1))
    ]
    assert freshness.older_than(entries, 183, dt.date(2026, 7, 3)) == []  # 183 days: still fine
    (line,) = freshness.older_than(entries, 183, dt.date(2026, 7, 4))
    assert line.startswith(
        "calculator/data/brands.toml: brand 'lakala': checked: 2026-01-01 is 184"
    )
    assert "limit 183 days" in line


def test_warning_comes_before_the_limit() -> None:
    assert 0 < freshness.WARN_DAYS < freshness.LIMIT_DAYS


def test_nothing_is_older_than_the_limit() -> None:
    """The gate: re-check a source, message, brand or page and update its date."""
    stale = freshness.older_than(
        freshness.dated_entries() + freshness.dated_pages(DOCS), freshness.LIMIT_DAYS
    )
    assert not stale, "\n".join(stale)
