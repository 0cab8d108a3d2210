"""Gates on the tools in their filled-in states: hostile links and files handled
in Chinese with nothing injected, and WCAG 2.1 AA with axe on the statement's
result after hostile rows (every other result state: test_result_states.py)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import PageWatch

BOOT = 60_000  # the first answer waits for Pyodide on a busy machine
INJECTED = "script:not([src]), img[src='x'], svg[onload], iframe"


def _no_dialogs(watched: PageWatch) -> list[str]:
    dialogs: list[str] = []
    watched.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_calculator_views_and_hostile_link(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    dialogs = _no_dialogs(watched)
    page.goto(
        base_url + "calculator/?v=compare&cmp=lakala-personal,example-d0-addon"
        "&m_credit=30000x40&m_debit=200000x20"
    )
    # One real plan beside an example: the computed verdict names none cheapest.
    expect(page.locator("#fees-verdict")).to_contain_text("不说哪个最省", timeout=BOOT)
    # Every result state, light and dark at 360 px: test_result_states.py.

    page.goto(
        base_url + "calculator/?v=<script>alert(1)</script>&amount=<img src=x "
        "onerror=alert(1)>&plan=javascript:alert(1)&cmp=%22%3E%3Csvg%20onload=alert(1)%3E"
    )
    expect(page.locator("#fees-tool")).to_contain_text("链接", timeout=BOOT)
    expect(page.locator("[data-out=fee]")).to_have_text("60.00 元")  # defaults restored
    assert page.locator(f"#fees-tool :is({INJECTED})").count() == 0
    assert not dialogs and not watched.errors, (dialogs, watched.errors)


def test_statement_hostile_files_and_summary_pass_axe(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    dialogs = _no_dialogs(watched)
    page.goto(base_url + "reconcile/")
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=BOOT)

    def upload(name: str, data: bytes) -> None:
        page.set_input_files(
            "#statement-file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
        )
        page.click("#statement-submit")

    upload("表.xlsx", b"PK\x03\x04" + b"\x00" * 500)
    expect(page.locator("#statement-error")).to_contain_text("压缩文件", timeout=BOOT)
    upload("图.csv", bytes(range(256)) * 64)
    expect(page.locator("#statement-error")).to_contain_text("不是文字表格")

    hostile = (
        "交易时间,交易金额,卡类型,手续费,商户名称\n"
        '2025-03-01,10000,信用卡,60.00,"<img src=x onerror=alert(1)>"\n'
        '2025-03-02,"=HYPERLINK(""http://x"",""y"")",信用卡,1.00,小店\n'
        "2025-03-03,100,<script>alert(1)</script>,0.60,小店\n"
        "2025-03-04,1000,信用卡,9.00,=1+1\n"
    ).encode()
    upload("明细.csv", hostile)
    expect(page.locator("[data-out=rows]")).to_have_text("4", timeout=BOOT)
    expect(page.locator("[data-out=rejected]")).to_have_text("2")
    expect(page.locator("#statement-rejected tbody")).to_contain_text("<script>alert(1)</script>")
    assert page.locator(f"#statement-tool :is({INJECTED})").count() == 0
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.click("#statement-download")
    text = open(info.value.path(), "rb").read().decode("utf-8-sig")  # noqa: SIM115
    assert "'=HYPERLINK" in text and ",=" not in text
    assert not dialogs and not watched.errors, (dialogs, watched.errors)
