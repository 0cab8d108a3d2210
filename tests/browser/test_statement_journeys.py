"""The statement check on a phone, as a merchant uses it: a one-outlier
statement reports no rate change, a real hike reports its date; the answer is
in view after the run, the findings fit the screen, and the summary for the
provider's service chat is the engine's, copied as it is."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from calculator.api.statement import statement_check
from tests.browser.conftest import PageWatch

HEADER = "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称"
NORMAL = [f"2025-03-{d:02d} 10:00:00,T1,信用卡,10000.00,60.00,9940.00,小店" for d in range(1, 8)]
DEBIT = "2025-03-02 11:00:00,T1,借记卡,10000.00,25.00,9975.00,小店"
# The case: one later row out of seven charged a 3-yuan add-on, then back to normal.
OUTLIER_STATEMENT = "\n".join(
    [HEADER, *NORMAL[:5], NORMAL[5].replace(",60.00,9940.00,", ",63.00,9937.00,"), NORMAL[6]]
)
# A real hike: 2.99% + 3 yuan a transaction on every credit card row from 2025-03-14.
HIKE_STATEMENT = "\n".join(
    [
        HEADER,
        *NORMAL,
        DEBIT,
        '2025-03-14 09:30:00,T1,信用卡,"30,580.00",917.34,29662.66,小店',
        "2025-03-15 09:30:00,T1,信用卡,1000.00,32.90,967.10,小店",
        "2025-03-16 09:30:00,T1,visa,100.00,1.00,99.00,小店",
    ]
)


def upload(page: Page, text: str) -> None:
    """Choose `text` as a GBK file and start the check (the runtime must be ready)."""
    expect(page.locator("#statement-submit")).to_be_enabled()
    data = text.encode("gbk")
    page.set_input_files(
        "#statement-file", files=[{"name": "明细.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.click("#statement-submit")


def test_one_outlier_is_no_rate_change_a_real_hike_reports_its_date(
    watched: PageWatch, base_url: str
) -> None:
    page = watched.page  # 390 px
    page.goto(base_url + "reconcile/")
    upload(page, OUTLIER_STATEMENT)
    expect(page.locator("[data-out=flagged]")).to_have_text("1")
    expect(page.locator("[data-out=overcharge]")).to_have_text("3.00 元")
    expect(page.locator("#statement-changes-box")).to_be_hidden()
    expect(page.locator("#statement-changes li")).to_have_count(0)
    service = page.locator("#statement-service-text")
    expect(service).to_contain_text("其中 1 笔多收，共多收 3.00 元（明细第 7 行）")
    expect(service).not_to_contain_text("起多收")
    # The reason says the add-on once, not "多收了每笔 3.00 元…，多收 3.00 元".
    reason = page.locator("#statement-flagged tbody td").last
    expect(reason).to_have_text("多收了每笔 3.00 元的固定费用（合同没有）")

    upload(page, HIKE_STATEMENT)
    expect(page.locator("[data-out=overcharge]")).to_have_text("760.76 元")
    expect(page.locator("#statement-changes")).to_have_text(
        "信用卡（贷记卡）：从 2025-03-14 起多收，之前实际费率 0.60%，之后 3.009%，"
        "看起来是按 2.99% + 每笔 3.00 元收取。"
    )
    expect(page.locator("#statement-service-text")).to_contain_text(
        "信用卡从 2025-03-14 起多收，看起来是按 2.99% + 每笔 3.00 元收取。"
    )
    # Contract rates as the plan writes them, figures with thousands separators.
    channels = page.locator("#statement-channels tbody tr")
    expect(channels.nth(1).locator("td[data-label=合同费率]")).to_have_text("0.5%，封顶 25.00 元")
    expect(channels.nth(0).locator("td[data-label=交易金额]")).to_have_text("101,580.00 元")
    with page.expect_download() as info:
        page.click("#statement-download")
    text = open(info.value.path(), "rb").read().decode("utf-8-sig")  # noqa: SIM115
    assert "多收合计（元）,760.76" in text and "借记卡（储蓄卡）,0.5%，封顶 25.00 元" in text
    assert not watched.errors, watched.errors


def test_answer_first_fits_the_phone_and_copies_for_the_service_chat(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base_url + "reconcile/")
    measured = {}
    for width, height in ((390, 844), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("scrollTo(0, 0)")
        upload(page, HIKE_STATEMENT)
        expect(page.locator("#statement-status")).to_have_text("核对完成。")
        expect(page.locator("[data-out=overcharge]")).to_have_text("760.76 元")
        measured[width] = _geometry(page)
    # From the last control touched to the first figure: at most one screen.
    for width, g in measured.items():
        assert 0 < g["distance"] <= g["viewport"], (width, g)
        # After the automatic scroll the heading is below the top bar, the figure in view.
        assert g["titleTop"] >= g["headerBottom"] and g["figureBottom"] <= g["viewport"], (width, g)
        # No sideways scrolling; every button of the result is a 44 px target.
        assert g["pageWide"] <= 0 and g["wide"] == 0 and g["small"] == 0, (width, g)

    expected = statement_check(text=HIKE_STATEMENT + "\n")["service_text"]
    expect(page.locator("#statement-service-text")).to_have_text(expected)
    page.click("#statement-copy")
    expect(page.locator("#statement-copy-status")).to_have_text("已复制，可以粘贴到客服对话里。")
    assert page.evaluate("() => navigator.clipboard.readText()") == expected
    context.close()


def _geometry(page: Page) -> dict[str, float]:
    """Where the answer sits after the run, and what does not fit a phone."""
    return page.evaluate(
        """() => {
            const box = (s) => document.querySelector(s).getBoundingClientRect();
            const header = document.querySelector(".md-header").getBoundingClientRect();
            const button = box("#statement-submit"), figure = box("[data-out=overcharge]");
            const cells = document.querySelectorAll("#statement-result :is(td, th)");
            const wide = [...cells].filter(
                (c) => c.offsetParent && c.getBoundingClientRect().right > innerWidth + 0.5);
            const small = [...document.querySelectorAll(
                "#statement-result button, #statement-flagged th button")]
                .filter((b) => b.offsetParent)
                .map((b) => b.getBoundingClientRect())
                .filter((r) => r.width < 44 || r.height < 44);
            return {
                distance: figure.top - button.bottom,
                viewport: innerHeight,
                headerBottom: header.bottom,
                titleTop: box("#statement-result-title").top,
                figureBottom: figure.bottom,
                pageWide: document.documentElement.scrollWidth - innerWidth,
                wide: wide.length,
                small: small.length,
            };
        }"""
    )
