"""Accessibility of every tool's result state, light and dark, on a 360 px phone:
the calculator's four views, the walker's outcome and the statement's result.

A page as it loads shows no results, so a gate run only there misses what the
reader sees after the answer arrives (a 1:1 download button, say). Each state
is checked once its computed answer is on the page, not a static figure, in
both schemes, switched with the site's own palette toggle, so each tool
starts Python once.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from calculator.api import fees as api_fees
from calculator.api import walker as api_walker
from tests.browser.a11y import axe_violations
from tests.browser.test_statement_journeys import HIKE_STATEMENT, upload

WALKER_ANSWERS = "stage=rejected,reject-reason=verify"
SCHEMES = {"light": "default", "dark": "slate"}


def test_every_result_state_passes_axe_light_and_dark(browser: Browser, base_url: str) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(60_000)
    found: dict[str, list[str]] = {}

    def check(state: str, tool: str) -> None:
        for scheme, body in SCHEMES.items():
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", body)
            violations = axe_violations(page, tool)
            if violations:
                found[f"{state} ({scheme})"] = violations
            # One tap on the palette toggle reaches the other scheme.
            page.locator("form[data-md-component=palette] label:visible").click()

    try:
        _calculator(page, base_url, check)
        page.goto(base_url + f"checklist/?a={WALKER_ANSWERS}")
        title = api_walker.walker_step(WALKER_ANSWERS)["outcome"]["title"]
        expect(page.locator("#walker-heading")).to_have_text(title)
        check("walker: outcome", "#walker-tool")

        page.goto(base_url + "reconcile/")
        upload(page, HIKE_STATEMENT)
        expect(page.locator("#statement-changes")).to_contain_text("2025-03-14")
        page.click("#statement-copy")
        expect(page.locator("#statement-copy-status")).not_to_be_empty()
        check("statement: summary, findings, copy", "#statement-tool")
    finally:
        context.close()
    assert not found, found


def _calculator(page: Page, base_url: str, check: Callable[[str, str], None]) -> None:
    page.goto(base_url + "calculator/")
    fee = api_fees.fee("10000", "credit")["fee"]
    expect(page.locator("[data-out=fee]")).to_have_text(f"{fee} 元")
    check("calculator: one payment", "#fees-tool")
    page.check("input[name=view][value=gross]")
    page.fill("#fees-net", "9940")
    expect(page.locator("[data-gross=amount]")).to_have_text("10,000.00 元")
    check("calculator: gross-up", "#fees-tool")
    page.check("input[name=view][value=month]")
    expect(page.locator("#fees-month-summary")).to_contain_text("680.00 元")
    check("calculator: month", "#fees-tool")
    page.check("input[name=view][value=compare]")
    # One real plan beside an example: the computed verdict names none cheapest.
    expect(page.locator("#fees-verdict")).to_contain_text("不说哪个最省")
    check("calculator: compare", "#fees-tool")
    page.check("input[name=view][value=check]")
    page.fill("#fees-amount", "30000")
    page.fill("#fees-received", "29100")
    page.select_option("#fees-channel", "credit")
    expect(page.locator("[data-check=headline]")).to_have_text("多收 720.00 元")
    check("calculator: check one payment", "#fees-tool")
