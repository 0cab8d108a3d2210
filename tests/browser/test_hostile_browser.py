"""Hostile values typed into the live calculator: a Chinese message each time,
no script runs, no markup appears, the page never freezes."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PageWatch
from tests.hostile_values import HOSTILE


def test_amount_field_refuses_hostile_values(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "calculator/")
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元")
    error = page.locator("#fees-error")
    for value in HOSTILE:
        page.fill("#fees-amount", value[:40])  # the field's maxlength
        expect(error).to_be_visible(timeout=5_000)
        expect(page.locator("[data-out=fee]")).to_have_text("—")
        # Between hostile values, a good one must answer again: nothing froze.
        page.fill("#fees-amount", "10000")
        expect(page.locator("[data-out=fee]")).to_have_text("60.00 元", timeout=5_000)
    assert not dialogs
    assert page.locator("#fees-tool script, #fees-tool img, #fees-tool svg[onload]").count() == 0
    assert not watched.errors, watched.errors
