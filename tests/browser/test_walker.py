"""The troubleshooting walker in Chromium: walks, back, restart, shared links,
print, and the page without JavaScript."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Page, Route, expect

from calculator.api import walker as api_walker
from calculator.walker import tree as walker_tree
from tests.browser.conftest import PageWatch
from tests.walker_values import all_paths

# The first reply waits for Pyodide, which can take a while on a busy machine.
BOOT = 60_000


def answer(page: Page, label: str) -> None:
    page.locator("#walker-view button", has_text=label).click()


def test_three_paths_back_restart_and_keyboard(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "checklist/")
    expect(page.locator("#walker-progress")).to_have_text("第 1 步，共约 3 步", timeout=BOOT)
    expect(page.locator("#walker-static")).to_be_hidden()
    expect(page.locator("#walker-back")).to_be_disabled()

    # 1. None of these -> the escalation path.
    answer(page, "以上都不像")
    expect(page.locator("#walker-progress")).to_have_text("第 2 步，共约 2 步")
    expect(page.locator("#walker-heading")).to_be_focused()
    answer(page, "都不是，还是找不到原因")
    expect(page.locator("#walker-heading")).to_contain_text("往上反映")
    expect(page.locator(".pos-walker__card")).to_contain_text("12363")
    expect(page).to_have_url(re.compile(r"\?a=stage=none,other-check=nothing$"))
    expect(page.locator("#walker-share")).to_have_text(page.url)

    # Back returns to the second question; restart to the first.
    page.locator("#walker-back").click()
    expect(page.locator("#walker-heading")).to_have_text("下面哪一条和您的情况有关？")
    expect(page).to_have_url(re.compile(r"\?a=stage=none$"))
    page.locator("#walker-restart").click()
    expect(page.locator("#walker-progress")).to_have_text("第 1 步，共约 3 步")
    expect(page).to_have_url(base_url + "checklist/")

    # 2. Rejected, name mismatch -> same-name, answered from the keyboard.
    page.locator("#walker-view button", has_text="被拒绝").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#walker-heading")).to_be_focused()
    page.locator("#walker-view button", has_text="户名不一致").focus()
    page.keyboard.press("Space")
    expect(page.locator(".pos-walker__kicker a")).to_have_attribute("href", "../causes/#same-name")
    expect(page.locator("#walker-progress")).to_have_text("已得出结果：回答了 2 个问题")

    # 3. The longest path: money -> still the old card -> approved -> data-sync.
    page.locator("#walker-restart").click()
    answer(page, "钱却没到新卡")
    answer(page, "还在打到旧卡")
    expect(page.locator("#walker-progress")).to_have_text("第 3 步，共约 3 步")
    answer(page, "审核通过")
    expect(page.locator("#walker-heading")).to_have_text("各处的信息还没同步")
    expect(page.locator(".pos-walker__card li")).not_to_have_count(0)

    # A link in the card goes into the guide.
    page.locator(".pos-walker__card a", has_text="解决步骤").click()
    expect(page).to_have_url(re.compile(r"/solutions/#data-sync$"))
    assert not watched.off_origin and not watched.errors, (watched.off_origin, watched.errors)


def test_shared_link_and_hostile_link(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "checklist/?a=stage=rejected,reject-reason=verify")
    expect(page.locator("#walker-heading")).to_have_text(
        api_walker.walker_step("stage=rejected,reject-reason=verify")["outcome"]["title"],
        timeout=BOOT,
    )
    expect(page.locator("#walker-error")).to_be_hidden()
    expect(page.locator("#walker-print")).to_be_visible()

    page.goto(base_url + "checklist/?a=<img src=x onerror=alert(1)>")
    expect(page.locator("#walker-error")).to_contain_text("格式不对", timeout=BOOT)
    expect(page.locator("#walker-progress")).to_have_text("第 1 步，共约 3 步")
    expect(page).to_have_url(base_url + "checklist/")
    assert page.locator("#walker-tool img").count() == 0

    page.goto(base_url + "checklist/?a=stage=money,money=nope")
    expect(page.locator("#walker-error")).to_contain_text("不在选项里", timeout=BOOT)
    answer(page, "次数用完")
    expect(page.locator("#walker-error")).to_be_hidden()
    assert not watched.off_origin and not watched.errors, (watched.off_origin, watched.errors)


def test_fullest_result_prints_on_one_a4_page(watched: PageWatch, base_url: str) -> None:
    tree = walker_tree.load_tree()
    walks = [",".join(f"{q}={a}" for q, a in path) for path in all_paths(tree)]
    # The result with the most text, reached by its longest path.
    fullest = max(
        walks, key=lambda a: len(json.dumps(api_walker.walker_step(a), ensure_ascii=False))
    )
    page = watched.page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + f"checklist/?a={fullest}")
    expect(page.locator(".pos-walker__card")).to_be_visible(timeout=BOOT)
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    print(f"\nprinted {fullest!r}: {pages} A4 page(s), {len(pdf)} bytes")
    assert pages == 1, f"{fullest} prints on {pages} pages"


def test_a_reader_of_the_text_version_keeps_it_when_the_walker_starts(
    watched: PageWatch, base_url: str
) -> None:
    """While Python loads, the page invites reading the text version below.
    Whoever scrolled down to it keeps it in place when the walker starts (the
    button then folds it), instead of having the page pulled out from under
    them: at 390 px the text version is about 47,000 px tall."""
    page = watched.page
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.context.route("**/*.wasm", hold)
    page.goto(base_url + "checklist/")
    question = page.locator("#walker-static").get_by_text("换结算卡时，您遇到的是哪种情况？")
    question.evaluate("(element) => element.scrollIntoView({ block: 'center' })")
    page.wait_for_timeout(300)
    assert held, "the runtime is still loading"
    page.context.unroute("**/*.wasm", hold)
    for route in held:
        route.fallback()
    expect(page.locator("#walker-progress")).to_have_text("第 1 步，共约 3 步", timeout=BOOT)
    expect(page.locator("#walker-static")).to_be_visible()
    expect(question).to_be_in_viewport()
    expect(page.locator("#walker-all")).to_have_text("收起全部问题和结果")
    expect(page.locator("#walker-all")).to_have_attribute("aria-expanded", "true")
    page.locator("#walker-all").click()
    expect(page.locator("#walker-static")).to_be_hidden()
    expect(page.locator("#walker-all")).to_have_attribute("aria-expanded", "false")
    assert not watched.errors, watched.errors


def test_without_javascript_the_whole_tree_shows(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + "checklist/")
    expect(page.locator("#walker-tool")).to_be_hidden()
    expect(page.locator("#walker-static")).to_be_visible()
    expect(
        page.locator("#walker-static").get_by_text("换结算卡时，您遇到的是哪种情况？")
    ).to_be_visible()
    page.locator("#walker-static a[href='#outcome-escalate']").first.click()
    expect(page.locator("#outcome-escalate")).to_be_in_viewport()
    page.locator("#walker-static a[href='../causes/#same-name']").first.click()
    expect(page).to_have_url(re.compile(r"/causes/#same-name$"))
    context.close()


def test_phone_back_and_forward_walk_the_questions_and_headings_are_headings(
    watched: PageWatch, base_url: str
) -> None:
    page = watched.page  # 390 px
    page.goto(base_url + "checklist/")
    progress = page.locator("#walker-progress")
    expect(progress).to_have_text("第 1 步，共约 3 步", timeout=BOOT)
    answer(page, "以上都不像")
    expect(progress).to_have_text("第 2 步，共约 2 步")
    for width, height in ((390, 844), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        if width == 360:
            page.go_back()
            expect(progress).to_have_text("第 2 步，共约 2 步")
        last = page.locator("#walker-view button", has_text="都不是，还是找不到原因")
        touched = last.evaluate("(b) => b.getBoundingClientRect().bottom + scrollY")
        last.click()
        expect(page.locator("#walker-heading")).to_contain_text("往上反映")
        # Answer first: the outcome's title is in view, clear of the top bar, and at
        # most one screen from the last answer touched.
        title, top, bar = page.evaluate(
            """() => {
                const box = document.querySelector("#walker-heading").getBoundingClientRect();
                const bar = document.querySelector(".md-header").getBoundingClientRect();
                return [box.top + scrollY, box.top, bar.bottom];
            }"""
        )
        assert abs(title - touched) <= height and bar <= top < height, (width, touched, top)

    # The phone's Back goes to the previous question, not off the walker.
    page.go_back()
    expect(progress).to_have_text("第 2 步，共约 2 步")
    expect(page).to_have_url(re.compile(r"checklist/\?a=stage=none$"))
    page.go_back()
    expect(progress).to_have_text("第 1 步，共约 3 步")
    expect(page).to_have_url(re.compile(r"checklist/$"))
    page.go_forward()
    expect(progress).to_have_text("第 2 步，共约 2 步")
    page.go_forward()
    expect(page.locator("#walker-heading")).to_contain_text("往上反映")
    expect(page).to_have_url(re.compile(r"\?a=stage=none,other-check=nothing$"))

    # The result's parts are headings, and look like headings on screen and on paper.
    names = ["接下来这样做", "要准备的材料", "找谁"]
    for name in names:
        expect(page.get_by_role("heading", name=name, level=3)).to_have_count(1)
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        looks = page.evaluate(
            """(names) => {
                const body = getComputedStyle(document.querySelector(".pos-walker__card p"));
                return [...document.querySelectorAll(".pos-walker__part h3")]
                    .filter((h) => names.includes(h.textContent))
                    .map((h) => {
                        const s = getComputedStyle(h);
                        return [h.textContent, Number(s.fontWeight),
                                parseFloat(s.fontSize) / parseFloat(body.fontSize)];
                    });
            }""",
            names,
        )
        assert len(looks) == 3, looks
        for name, weight, size in looks:
            assert weight >= 700 and size >= 1.1, (media, name, weight, size)
    # A shared link to a result opens at the result: its first steps are on the first screen.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + "checklist/?a=stage=none,other-check=nothing")
    steps = page.get_by_role("heading", name="接下来这样做", level=3)
    expect(steps).to_be_visible()
    top = steps.evaluate("(h) => h.getBoundingClientRect().bottom")
    assert top < 740, top
    assert not watched.errors, watched.errors
