"""Answer first on phones: in every calculator view, the first figure of the
answer sits at most one screen below the last field a reader touches, and the
tool itself starts on the first screen. Screenshots of every view, light and
dark, land in test-results/calculator/ for a human to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "calculator"
PHONES = {"360x780": (360, 780), "390x844": (390, 844)}
BOOT = 60_000
# view: (what the reader does, the last field touched, the first answer figure,
# the computed text it must show, so a static figure never satisfies the wait)
VIEWS = {
    "single": (
        [("fill", "#fees-amount", "20000")],
        "#fees-plan",
        "[data-out=fee]",
        "120.00 元",
    ),
    "check": (
        [("fill", "#fees-amount", "30000"), ("fill", "#fees-received", "29100")],
        "#fees-plan",
        "[data-check=headline]",
        "多收 720.00 元",
    ),
    "gross": ([("fill", "#fees-net", "9975")], "#fees-plan", "[data-gross=amount]", "10,035.21 元"),
    "month": (
        [
            ("fill", "input[name=m_unionpay_qr_total]", "5000"),
            ("fill", "input[name=m_unionpay_qr_count]", "10"),
        ],  # fmt: skip
        "input[name=m_unionpay_qr_count]",
        "#fees-month-summary dd >> nth=0",
        "710.00 元",
    ),
    "compare": (
        [("fill", "input[name=m_credit_total]", "40000")],
        "input[name=compare][value=custom] >> xpath=ancestor::label[1]",
        "#fees-cards > li >> nth=0 >> dd >> nth=0",
        "9,240.00 元",
    ),
}


def _do(page: Page, steps: list[tuple[str, str, str]]) -> None:
    for action, selector, value in steps:
        if action == "fill":
            page.fill(selector, value)


def _gap(page: Page, touched: str, figure: str) -> float:
    """From the bottom of the field to the top of the figure, in page pixels."""
    field = page.locator(touched).bounding_box()
    answer = page.locator(figure).bounding_box()
    assert field is not None and answer is not None
    return answer["y"] - (field["y"] + field["height"])


@pytest.mark.parametrize("phone", PHONES)
def test_every_view_answers_within_one_screen(browser: Browser, base_url: str, phone: str) -> None:
    width, height = PHONES[phone]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=True,
        has_touch=True,
        color_scheme="light",
        locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(BOOT)
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-status")).to_contain_text("就绪", timeout=BOOT)
    page.evaluate("() => window.scrollTo(0, 0)")
    tool = page.locator("#fees-tool").bounding_box()
    assert tool is not None and tool["y"] < height / 2, f"the tool starts at {tool}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Light and dark from one start of Python: the scheme is switched, not reloaded.
    schemes = ("light", "dark") if phone == "390x844" else ("light",)

    def shoot(name: str) -> None:
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            # As Material applies a scheme: the body's attribute drives the CSS.
            material = "slate" if scheme == "dark" else "default"
            page.evaluate(f"() => document.body.dataset.mdColorScheme = '{material}'")
            page.screenshot(path=str(SHOTS / f"{name}-{scheme}-{phone}.png"), full_page=False)
        page.emulate_media(color_scheme="light")
        page.evaluate("() => document.body.dataset.mdColorScheme = 'default'")

    shoot("first-screen")
    gaps = {}
    for view, (steps, touched, figure, computed) in VIEWS.items():
        page.check(f"input[name=view][value={view}]")
        _do(page, steps)
        expect(page.locator(figure)).to_have_text(computed, timeout=BOOT)
        gaps[view] = round(_gap(page, touched, figure))
        # What the reader sees once the answer is in: the figure mid-screen.
        page.locator(figure).evaluate("node => node.scrollIntoView({block: 'center'})")
        shoot(view)
    print(f"answer distance at {phone}, px:", gaps)
    context.close()
    too_far = {view: gap for view, gap in gaps.items() if not 0 <= gap <= height}
    assert not too_far, f"answers more than one screen ({height}px) below the last field: {too_far}"
