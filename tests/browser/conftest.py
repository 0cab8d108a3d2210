"""Playwright on a real Chromium against the built site, served with the
deploy headers (strict CSP included) by tools/static_server.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tools.find_chromium import HOW_TO_GET, find_chromium
from tools.static_server import serve

# Loading Pyodide takes seconds, more on a busy machine; expect()'s 5 s default
# made runtime waits flaky. A time limit is not what these tests check.
expect.set_options(timeout=30_000)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def base_url(site_dir: Path, site_port: int) -> Iterator[str]:
    server = serve(site_dir, site_port)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.fail(HOW_TO_GET)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Collects what a page did that a test may want to forbid."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.off_origin: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("request", self._request)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.base_url = base_url

    def _request(self, request) -> None:  # noqa: ANN001
        url = request.url
        self.requests.append(url)
        if not url.startswith((self.base_url, "data:", "blob:")):
            self.off_origin.append(url)


@pytest.fixture
def watched(browser: Browser, base_url: str) -> Iterator[PageWatch]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(60_000)
    watch = PageWatch(page, base_url)
    yield watch
    context.close()


def all_pages(site_dir: Path) -> list[str]:
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html"))
    return [p.removesuffix("index.html") for p in pages]
