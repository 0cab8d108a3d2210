"""The site search in Chromium: merchant queries find the answering section,
the box costs guide pages nothing until opened, and it stays plain and accessible.

The queries are data (tests/search/queries.toml): one page, every query typed
into the real search box, a right section required among the first three.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import PageWatch

QUERIES = tomllib.loads(
    (Path(__file__).resolve().parents[1] / "search" / "queries.toml").read_text(encoding="utf-8")
)["query"]
RESULTS = "#pos-search-results"


def page_titles(site_dir: Path) -> dict[str, str]:
    """Each page's title anchor (its h1 id): a hit there counts as the page."""
    titles = {}
    for file in site_dir.rglob("index.html"):
        rel = file.relative_to(site_dir).parent.as_posix()
        found = re.search(r'<h1 id="([^"]+)"', file.read_text(encoding="utf-8"))
        if found:
            titles["index/" if rel == "." else rel + "/"] = found.group(1)
    return titles


def section(href: str, base_url: str) -> str:
    """'http://host/causes/#same-name' -> 'causes/#same-name'."""
    parts = urlsplit(href)
    path = parts.path.removeprefix(urlsplit(base_url).path) or "index/"
    return f"{path}#{unquote(parts.fragment)}" if parts.fragment else path


def answered(found: list[str], answers: list[str], titles: dict[str, str]) -> bool:
    for url in found:
        page, _, anchor = url.partition("#")
        if url in answers:
            return True
        if page in answers and (not anchor or anchor == titles.get(page)):
            return True
    return False


def open_search(page: Page) -> None:
    page.locator('label.md-header__button[for="__search"]').click()
    expect(page.locator("#pos-search-input")).to_be_focused()


def search_for(page: Page, query: str) -> list[str]:
    """Type like a paste (no key events) and wait for this query's own answer."""
    box = page.locator("#pos-search-input")
    box.fill("")
    page.keyboard.insert_text(query)
    page.wait_for_selector(f'{RESULTS}[data-query="{query}"]', state="attached")
    return page.eval_on_selector_all(f"{RESULTS} a", "links => links.map(a => a.href)")


def test_query_set_is_large_and_well_formed() -> None:
    assert len(QUERIES) >= 50
    texts = [q["q"] for q in QUERIES]
    assert len(set(texts)) == len(texts), "a query is listed twice"
    for query in QUERIES:
        assert query["answers"], query["q"]
        for answer in query["answers"]:
            assert re.fullmatch(r"[a-z0-9-]+/(#\S+)?", answer), (query["q"], answer)


def test_every_answer_exists(site_dir: Path) -> None:
    """A query's expected section must exist, or the test could never pass for it."""
    for query in QUERIES:
        for answer in query["answers"]:
            page, _, anchor = answer.partition("#")
            file = site_dir / ("index.html" if page == "index/" else page + "index.html")
            assert file.is_file(), (query["q"], answer)
            if anchor:
                assert f'id="{anchor}"' in file.read_text(encoding="utf-8"), (query["q"], answer)


def test_merchant_queries_find_the_section_in_the_top_three(
    watched: PageWatch, base_url: str, site_dir: Path
) -> None:
    page = watched.page
    page.goto(base_url + "causes/")
    open_search(page)
    titles = page_titles(site_dir)
    misses = []
    for query in QUERIES:
        top = [section(href, base_url) for href in search_for(page, query["q"])[:3]]
        if not answered(top, query["answers"], titles):
            misses.append(f"{query['q']}: {', '.join(top) or '(nothing)'}")
    assert not misses, f"{len(misses)}/{len(QUERIES)} queries missed the top 3:\n" + "\n".join(
        misses
    )
    assert not watched.off_origin
    assert not watched.errors


def test_guide_pages_fetch_nothing_for_search_until_it_opens(
    watched: PageWatch, base_url: str
) -> None:
    page = watched.page
    page.goto(base_url + "solutions/")
    page.wait_for_load_state("networkidle")
    search_files = [u for u in watched.requests if "pagefind" in u or "/search" in u]
    assert not search_files, search_files
    open_search(page)
    search_for(page, "审核要多久")
    assert any("pagefind" in u for u in watched.requests)
    assert not watched.off_origin
    assert not watched.errors


def test_results_speak_plainly_and_lead_to_the_section(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url)
    page.evaluate("() => { window.__samePage = true; }")
    open_search(page)
    search_for(page, "审核要多久")
    results = page.locator(RESULTS)
    text = results.inner_text()
    assert "缺少" not in text
    assert results.locator("s, del, strike").count() == 0
    first = results.locator("li").first
    expect(first.locator(".pos-search__title")).not_to_be_empty()
    expect(first.locator(".pos-search__excerpt")).not_to_be_empty()
    page.keyboard.press("ArrowDown")
    expect(results.locator("a").first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#"))
    assert urlsplit(page.url).fragment, page.url
    # Instant navigation: the same document, and the search closed behind it.
    assert page.evaluate("() => window.__samePage === true")
    assert not page.locator("#__search").is_checked()
    assert not watched.errors


def test_slash_key_opens_search_and_escape_closes_it(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "fees/")
    page.keyboard.press("/")
    expect(page.locator("#pos-search-input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#__search")).not_to_be_checked()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_search_with_results_has_no_wcag_violations(
    watched: PageWatch, base_url: str, scheme: str
) -> None:
    page = watched.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + "precautions/")
    open_search(page)
    search_for(page, "诈骗")
    assert page.locator(f"{RESULTS} li").count() >= 3
    assert axe_violations(page) == []
