"""Accessibility gate: zero WCAG 2.1 A/AA violations on every page and on the
tools in their filled-in states; the calculator works by keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import PageWatch, all_pages


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_no_wcag_violations(
    watched: PageWatch, base_url: str, site_dir: Path, scheme: str
) -> None:
    page = watched.page
    page.emulate_media(color_scheme=scheme)
    found = {}
    for path in all_pages(site_dir):
        page.goto(base_url + path, wait_until="networkidle")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, found


def test_calculator_filled_in_states(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "calculator/")
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元")
    assert axe_violations(page) == []
    page.fill("#fees-amount", "abc")
    expect(page.locator("#fees-error")).to_be_visible()
    assert axe_violations(page) == []


def test_calculator_by_keyboard_alone(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-status")).to_contain_text("就绪")
    focused = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement.id"))
        if focused[-1] == "fees-amount":
            break
    assert focused[-1] == "fees-amount", focused
    page.keyboard.press("Control+A")
    page.keyboard.type("5000")
    expect(page.locator("[data-out=fee]")).to_have_text("30.00 元")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "fees-channel"
    page.keyboard.press("ArrowDown")  # credit -> debit
    expect(page.locator("[data-out=fee]")).to_have_text("25.00 元")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "fees-plan"
    # Results are announced to screen readers.
    assert page.locator("[aria-live=polite]:has([data-out=fee])").count() == 1
    assert page.locator("#fees-error").get_attribute("role") == "alert"
