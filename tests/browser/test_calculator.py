"""The fee calculator running our Python in Pyodide, in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Route, expect

from tests.browser.conftest import PageWatch


def test_first_answer_is_the_seed_figure(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    # The runtime is held back until the page has said it is getting ready:
    # from the cache it can start before this check gets to look.
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.context.route("**/*.wasm", hold)
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-status")).to_contain_text("准备")
    page.context.unroute("**/*.wasm", hold)
    for route in held:
        route.fallback()
    # The first answer waits for Pyodide to start: slow on a busy machine.
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元", timeout=60_000)
    expect(page.locator("[data-out=net]")).to_have_text("9,940.00 元")
    expect(page.locator("[data-out=effective_rate]")).to_have_text("0.60%")

    page.fill("#fees-amount", "1万")
    page.select_option("#fees-channel", "debit")
    expect(page.locator("[data-out=fee]")).to_have_text("25.00 元")
    expect(page.locator("#fees-detail")).to_contain_text("封顶")

    page.fill("#fees-amount", "１２.345")
    expect(page.locator("#fees-error")).to_contain_text("两位小数")
    expect(page.locator("[data-out=fee]")).to_have_text("—")

    page.fill("#fees-amount", "<img src=x onerror=alert(1)>")
    expect(page.locator("#fees-error")).to_contain_text("金额格式不对")
    assert page.locator("#fees-tool img").count() == 0
    assert not watched.off_origin and not watched.errors, (watched.off_origin, watched.errors)


def test_survives_instant_navigation(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url)
    page.locator(".md-content a[href$='calculator/']").first.click()
    # The first answer waits for Pyodide to start: slow on a busy machine.
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元", timeout=60_000)
    page.locator(".md-content a[href$='fees/']").first.click()
    expect(page).to_have_url(re.compile(re.escape(base_url + "fees/") + "(#.*)?$"))
    page.locator(".md-content a[href$='calculator/']").first.click()
    expect(page.locator("#fees-status")).to_contain_text("就绪")
    page.fill("#fees-amount", "10000")
    page.select_option("#fees-channel", "wechat")
    expect(page.locator("[data-out=fee]")).to_have_text("38.00 元")
    workers = [u for u in watched.requests if u.endswith("/runtime/worker.js")]
    assert len(workers) == 1, workers
    assert not watched.errors, watched.errors
