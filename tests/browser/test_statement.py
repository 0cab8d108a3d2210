"""The statement check page: upload a GBK export, read the summary, sort,
download the findings; then paste text with unknown headers and map them."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PageWatch
from tests.parity_values import bounds_requests

HEADER = "交易时间,终端号,卡类型,交易金额,手续费,结算金额,商户名称"
ROWS = [
    "2025-03-01 10:00:00,T1,信用卡,10000.00,60.00,9940.00,小店",
    "2025-03-02 10:00:00,T1,借记卡,10000.00,25.00,9975.00,小店",
    '2025-03-14 09:30:00,T1,贷记卡,"30,580.00",917.34,29662.66,小店',
    "2025-03-15 09:30:00,T1,信用卡,1000.00,12.00,988.00,=1+1",
    "2025-03-16 09:30:00,T1,visa,100.00,1.00,99.00,小店",
]


def test_upload_a_file_and_read_the_summary(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "reconcile/")
    expect(page.locator("#statement-tool")).to_contain_text("不会上传到任何服务器")
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=60_000)
    data = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gbk")
    page.set_input_files(
        "#statement-file", files=[{"name": "明细.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.click("#statement-submit")
    expect(page.locator("[data-out=rows]")).to_have_text("5")
    expect(page.locator("[data-out=checked]")).to_have_text("2")
    expect(page.locator("[data-out=flagged]")).to_have_text("2")
    expect(page.locator("[data-out=rejected]")).to_have_text("1")
    expect(page.locator("[data-out=overcharge]")).to_have_text("739.86 元")
    adds_up = page.locator("#statement-adds-up")
    expect(adds_up).to_contain_text("2 + 2 + 1 + 0 = 5 行，与读到的交易行数一致")
    expect(page.locator("#statement-changes")).to_contain_text("2025-03-14")
    expect(page.locator("#statement-chart")).to_be_visible()
    flagged = page.locator("#statement-flagged tbody tr")
    expect(flagged).to_have_count(2)
    expect(flagged.first).to_contain_text("733.86")
    expect(flagged.first).to_contain_text("2.99%")
    expect(page.locator("#statement-rejected tbody")).to_contain_text("visa")

    header = page.locator("#statement-flagged th").filter(
        has=page.locator("[data-sort=difference]")
    )
    page.click("#statement-flagged [data-sort=difference]")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(flagged.first).to_contain_text("733.86")
    page.click("#statement-flagged [data-sort=difference]")
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(flagged.first).to_contain_text("6.00")

    with page.expect_download() as info:
        page.click("#statement-download")
    content = open(info.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"\xef\xbb\xbf\xe8\xa1\x8c\xe5\x8f\xb7")  # BOM + 行号
    text = content.decode("utf-8-sig")
    assert "733.86" in text and ",'=1+1," in text

    # Pasted text whose headers we cannot read: map the columns by hand.
    page.set_input_files("#statement-file", files=[])
    page.fill("#statement-text", "A\tB\tC\n信用卡\t10000\t63\n")
    page.click("#statement-submit")
    expect(page.locator("#statement-mapping")).to_be_visible()
    page.select_option("#statement-map-channel", "0")
    page.select_option("#statement-map-amount", "1")
    page.select_option("#statement-map-fee", "2")
    page.click("#statement-mapping-submit")
    expect(page.locator("[data-out=rows]")).to_have_text("1")
    expect(page.locator("[data-out=overcharge]")).to_have_text("3.00 元")
    expect(page.locator("#statement-flagged tbody")).to_contain_text("固定费用")
    assert not watched.off_origin and not watched.errors, (watched.off_origin, watched.errors)


def test_a_realistic_export_says_what_it_skipped_and_why(
    watched: PageWatch, base_url: str, tmp_path: Path
) -> None:
    """Issue 13: a semicolon export with a summary block, split date and time, a void,
    a refund, a subtotal and a 合计 row that agrees; at a phone's width."""
    text = json.loads(bounds_requests()[0])["args"]["text"]
    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + "reconcile/")
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=60_000)
    page.set_input_files(
        "#statement-file",
        files=[{"name": "对账单.csv", "mimeType": "text/csv", "buffer": text.encode("gbk")}],
    )
    page.click("#statement-submit")
    expect(page.locator("[data-out=skipped]")).to_have_text("4")  # computed, not static
    expect(page.locator("[data-out=rows]")).to_have_text("6")
    expect(page.locator("#statement-adds-up")).to_contain_text("2 + 0 + 0 + 4 = 6 行")
    notices = page.locator("#statement-notices li")
    expect(notices.first).to_contain_text("合计与明细一致")
    expect(notices.nth(1)).to_contain_text("1 笔退货")
    skipped = page.locator("#statement-skipped tbody tr")
    expect(skipped).to_have_count(4)
    expect(skipped.first).to_contain_text("撤销")
    page.locator("#statement-notices").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "statement-390.png"), full_page=True)
    assert not watched.off_origin and not watched.errors, (watched.off_origin, watched.errors)
