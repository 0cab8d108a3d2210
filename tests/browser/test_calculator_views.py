"""The calculator's views in Chromium: breakdown, gross-up, month, custom rates,
comparison with its SVG charts, and a shared link that restores the state."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import PageWatch


def ready(watched: PageWatch, url: str) -> None:
    watched.page.goto(url)
    expect(watched.page.locator("#fees-status")).to_contain_text("就绪", timeout=60_000)


def test_single_breakdown_and_gross_up(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    ready(watched, base_url + "calculator/")
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元")
    # A step that is whole fen reads like every other figure, never "60.00000 元".
    expect(page.locator("#fees-detail")).to_contain_text("10,000.00 × 0.6% = 60.00 元")
    expect(page.locator("#fees-detail")).not_to_contain_text("60.00000")
    expect(page.locator("#fees-detail")).to_contain_text("四舍五入到分：60.00 元")
    page.select_option("#fees-plan", "example-d0-addon")
    expect(page.locator("#fees-detail")).to_contain_text("另加每笔 3.00 元")
    expect(page.locator("[data-out=fee]")).to_have_text("63.00 元")

    page.check("input[name=view][value=gross]")
    expect(page.locator("#fees-amount")).to_be_hidden()
    page.select_option("#fees-plan", "lakala-personal")
    page.select_option("#fees-channel", "debit")
    page.fill("#fees-net", "9975")
    expect(page.locator("[data-gross=amount]")).to_have_text("10,000.00 元")
    expect(page.locator("[data-gross=fee]")).to_have_text("25.00 元")
    page.fill("#fees-net", "一万")
    expect(page.locator("#fees-error")).to_contain_text("金额格式不对")
    assert not watched.errors, watched.errors


def test_month_with_custom_rates(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    ready(watched, base_url + "calculator/")
    page.check("input[name=view][value=month]")
    summary = page.locator("#fees-month-summary")
    expect(summary).to_contain_text("680.00 元")  # 180 credit + 500 debit (capped)
    expect(page.locator("#fees-month-table tbody tr")).to_have_count(2)
    expect(page.locator("#fees-custom")).to_be_hidden()

    page.select_option("#fees-plan", "custom")
    expect(page.locator("#fees-custom")).to_be_visible()
    # Nothing typed yet is not a mistake: a calm note, no red alert.
    expect(page.locator("#fees-custom-note")).to_contain_text("请至少填写一种支付方式的费率")
    expect(page.locator("#fees-error")).to_be_hidden()
    page.fill("input[name=c_credit]", "０.５％")
    page.fill("input[name=c_debit]", "0.5")
    page.fill("input[name=c_debit_cap]", "20元")
    page.fill("input[name=c_annual]", "99")
    # credit 30,000 x 0.5% = 150; debit 20 x 20 = 400; year 12 x 550 + 99
    expect(summary).to_contain_text("550.00 元")
    expect(summary).to_contain_text("6,699.00 元")
    page.fill("input[name=c_credit]", "abc")
    expect(page.locator("#fees-error")).to_contain_text("信用卡费率格式不对")
    assert not watched.errors, watched.errors


def test_compare_chart_and_shared_link(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    ready(watched, base_url + "calculator/")
    page.check("input[name=view][value=compare]")
    cards = page.locator("#fees-cards > li")
    expect(cards).to_have_count(3)
    # One real plan and two examples: nothing is named cheapest.
    expect(page.locator("#fees-cards > li.is-best")).to_have_count(0)
    expect(page.locator("#fees-verdict")).to_contain_text("不说哪个最省")
    bars = page.locator("#fees-chart-compare svg[role=img]")
    expect(bars).to_have_count(1)
    expect(bars.locator("title")).to_have_text("各方案第一年总费用对比")
    expect(page.locator("#fees-chart-curve svg text", has_text="封顶 25 元")).to_have_count(1)
    expect(page.locator("#fees-chart-compare table tbody tr")).to_have_count(3)

    page.fill("input[name=m_credit_total]", "50000")
    page.uncheck("input[name=compare][value=example-qr-bands]")
    expect(cards).to_have_count(2)
    link = page.locator("#fees-share").input_value()
    assert "v=compare" in link and "m_credit=50000x40" in link

    other = watched.page.context.new_page()
    other.goto(link)
    expect(other.locator("#fees-status")).to_contain_text("就绪", timeout=60_000)
    expect(other.locator("input[name=view][value=compare]")).to_be_checked()
    expect(other.locator("input[name=m_credit_total]")).to_have_value("50,000.00")
    expect(other.locator("input[name=compare][value=example-qr-bands]")).not_to_be_checked()
    expect(other.locator("#fees-cards > li")).to_have_count(2)
    other.close()
    assert not watched.errors and not watched.off_origin, (watched.errors, watched.off_origin)


def test_hostile_link_is_validated_not_inserted(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    bad = quote("<img src=x onerror=alert(1)>")
    ready(
        watched, base_url + f"calculator/?v=single&amount={bad}&channel=visa&plan=debit&c_credit=1"
    )
    notice = page.locator("#fees-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("链接中的金额有误")
    expect(notice).to_contain_text("链接中的支付方式有误")
    expect(page.locator("#fees-amount")).to_have_value("10000")
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元")
    assert page.locator("#fees-tool img").count() == 0
    assert not watched.errors, watched.errors
