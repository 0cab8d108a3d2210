"""The site in Chromium: every page on its own origin, search, no-JS fallback."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import PageWatch, all_pages

# Pages that start the Python runtime; every other page must not fetch it.
TOOL_PAGES = {"calculator/", "checklist/", "reconcile/"}


def test_every_page_stays_on_origin_without_errors(
    watched: PageWatch, base_url: str, site_dir: Path
) -> None:
    pages = all_pages(site_dir)
    assert len(pages) >= 8
    for path in pages:
        first = len(watched.requests)
        watched.page.goto(base_url + path, wait_until="networkidle")
        fetched = watched.requests[first:]
        if path not in TOOL_PAGES:
            assert not [u for u in fetched if ".wasm" in u or "/assets/pyodide-" in u], path
    assert not watched.off_origin, watched.off_origin
    assert not watched.errors, watched.errors


def test_chinese_search_finds_settlement_card(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url)
    # On a phone the search field opens from the magnifier in the header.
    page.locator("label.md-header__button[for='__search']").click()
    search = page.locator("input.md-search__input")
    search.fill("结算卡")
    search.press("End")
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    assert results.count() >= 3
    assert not watched.errors, watched.errors


def test_calculator_page_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-tool")).to_be_hidden()
    table = page.locator("table").first
    expect(table).to_contain_text("60.00")
    expect(table).to_contain_text("25.00")
    context.close()


def test_statement_page_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "reconcile/")
    expect(page.locator("#statement-tool")).to_be_hidden()
    expect(page.locator(".md-content")).to_contain_text("自己动手核对")
    expect(page.locator(".md-content")).to_contain_text("不会离开您的设备")
    expect(page.locator(".md-content a[href$='calculator/']").first).to_be_attached()
    context.close()
