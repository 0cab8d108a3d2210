"""The reader's own rates typed as merchants type them ("0.6%", "25元", full-width
"０.６") are accepted alike on the calculator and the statement check: both
pages hand them to Python as typed, and a mistake is named at its box."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from calculator.api import fees as api_fees
from calculator.api import statement as api_statement
from tests.browser.conftest import PageWatch

BOOT = 60_000  # the first answer waits for Pyodide on a busy machine
# Box names as the contract gives them; the same on both pages.
TYPED = {
    "c_wechat": "0.6%",
    "c_alipay": "０.６",
    "c_unionpay_qr": "0.5",
    "c_unionpay_qr_cap": "25元",
}
CUSTOM = {
    "channels": {
        "wechat": {"rate_percent": "0.6%"},
        "alipay": {"rate_percent": "０.６"},
        "unionpay_qr": {"rate_percent": "0.5", "cap": "25元"},
    }
}
STATEMENT = (
    "交易时间,卡类型,交易金额,手续费\n"
    "2025-03-01 10:00,微信,10000.00,60.00\n"
    "2025-03-02 10:00,支付宝,10000.00,60.00\n"
    "2025-03-03 10:00,云闪付,10000.00,25.00\n"
    "2025-03-04 10:00,云闪付,10000.00,30.00\n"
)


def _type_rates(page: Page) -> None:
    for name, value in TYPED.items():
        page.fill(f"input[name={name}]", value)


def test_calculator_accepts_rates_as_merchants_type_them(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "calculator/")
    fee = page.locator("[data-out=fee]")
    page.select_option("#fees-channel", "wechat")
    # The published plan first (0.38%), so the custom answer below is new.
    expect(fee).to_have_text("38.00 元", timeout=BOOT)
    page.select_option("#fees-plan", "custom")
    _type_rates(page)
    for channel in ("wechat", "alipay", "unionpay_qr"):
        expected = api_fees.fee("10000", channel, "custom", custom=CUSTOM)["fee"]
        page.select_option("#fees-channel", channel)
        expect(fee).to_have_text(f"{expected} 元")
        expect(page.locator("#fees-error")).to_be_hidden()
    assert expected == "25.00"
    expect(page.locator("#fees-detail")).to_contain_text("按封顶 25.00 元收取")

    page.fill("input[name=c_alipay]", "abc")
    page.select_option("#fees-channel", "alipay")
    expect(page.locator("#fees-error")).to_contain_text("自定义费率：支付宝费率格式不对")
    expect(page.locator("input[name=c_alipay]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[aria-invalid]")).to_have_count(1)
    assert not watched.errors and not watched.off_origin, (watched.errors, watched.off_origin)


def test_statement_accepts_rates_as_merchants_type_them(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "reconcile/")
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=BOOT)
    page.fill("#statement-text", STATEMENT)
    page.select_option("#statement-plan", "custom")
    _type_rates(page)
    page.click("#statement-submit")
    expected = api_statement.statement_check(text=STATEMENT, plan="custom", custom=CUSTOM)
    assert (expected["checked"], expected["flagged"], expected["overcharge"]) == (3, 1, "5.00")
    expect(page.locator("[data-out=rows]")).to_have_text("4", timeout=BOOT)
    expect(page.locator("[data-out=checked]")).to_have_text("3")
    expect(page.locator("[data-out=flagged]")).to_have_text("1")
    expect(page.locator("[data-out=overcharge]")).to_have_text("5.00 元")
    expect(page.locator("#statement-flagged tbody tr")).to_have_count(1)
    expect(page.locator("#statement-flagged tbody")).to_contain_text("25.00")

    # A mistake is Python's, in Chinese, shown under the rate boxes, box marked.
    page.fill("input[name=c_wechat]", "abc")
    page.click("#statement-submit")
    message = page.locator("#statement-custom-error")
    expect(message).to_contain_text("自定义费率：微信费率格式不对")
    expect(page.locator("input[name=c_wechat]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#statement-error")).to_be_hidden()
    expect(page.locator("#statement-result")).to_be_hidden()
    page.select_option("#statement-plan", "lakala-personal")
    expect(message).to_be_hidden()
    expect(page.locator("[aria-invalid]")).to_have_count(0)
    assert not watched.errors and not watched.off_origin, (watched.errors, watched.off_origin)
