"""Phone gate: no page scrolls sideways at 360 and 390 px; tool controls are
at least 44 px tall; screenshots land in test-results/ for a human to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import all_pages

PHONES = {"360x780": (360, 780), "390x844": (390, 844)}
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "phones"
CONTROLS = ":is(input, select, button, textarea, summary)"
# Each tool page, the element that shows it is ready, and its root.
TOOLS = {
    "calculator/": ("[data-out=fee]", "#fees-tool"),
    "checklist/": ("#walker-progress", "#walker-tool"),
    "reconcile/": ("#statement-submit:enabled", "#statement-tool"),
}


@pytest.mark.parametrize("phone", PHONES)
def test_no_horizontal_scrolling(
    browser: Browser, base_url: str, site_dir: Path, phone: str
) -> None:
    width, height = PHONES[phone]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}
    for path in all_pages(site_dir):
        page.goto(base_url + path, wait_until="networkidle")
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll > width:
            wide[path] = scroll
        name = (path.strip("/").replace("/", "-") or "home") + f"-{phone}.png"
        page.screenshot(path=str(SHOTS / name), full_page=False)
    context.close()
    assert not wide, f"pages wider than {width}px: {wide}"


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("phone", PHONES)
def test_tools_fit_and_tap_targets(browser: Browser, base_url: str, phone: str, tool: str) -> None:
    width, height = PHONES[phone]
    ready, root = TOOLS[tool]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base_url + tool)
    expect(page.locator(ready)).not_to_have_text("", timeout=60_000)
    controls = page.locator(f"{root} {CONTROLS}")
    assert controls.count() >= 3
    small = []
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        if control.get_attribute("type") in ("radio", "checkbox"):
            # A small box inside a large label: the label is what the thumb hits.
            control = control.locator("xpath=ancestor::label[1]")
        box = control.bounding_box()
        assert box is not None
        too_small = box["height"] < 44 or box["width"] < 44
        outside = box["x"] < 0 or box["x"] + box["width"] > width
        if too_small or outside:
            small.append((control.get_attribute("id") or control.inner_text()[:20], box))
    assert not small, small
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    name = tool.strip("/")
    page.screenshot(path=str(SHOTS / f"{name}-ready-{phone}.png"), full_page=True)
    context.close()
