"""The palette toggle: a first visit follows the phone's setting, and one tap
reaches the other scheme (it used to take two from "automatic" on a light phone)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect


@pytest.mark.parametrize(
    ("phone", "shown", "after_tap"), [("light", "default", "slate"), ("dark", "slate", "default")]
)
def test_one_tap_reaches_the_opposite_scheme(
    browser: Browser, base_url: str, phone: str, shown: str, after_tap: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=phone)
    page = context.new_page()
    page.goto(base_url)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", shown)
    toggle = page.locator("form[data-md-component=palette] label:visible")
    expect(toggle).to_have_count(1)
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", after_tap)
    # The choice is kept on the next page, and the next tap goes back.
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", after_tap)
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", shown)
    context.close()
