"""Excel and UTF-16 files through the page: bytes transferred to the worker, the
Excel readers fetched from our own site only for a workbook, never on a guide
page or for a CSV."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PageWatch
from tests.excel_values import XLS_FIXTURE, utf16_text, workbook
from tests.statement_values import FINE, HIKE, statement

EXCEL = "/assets/py/excel/"
# Records how the page hands a file to the worker: one transferred buffer
# (detached here afterwards), and never base64 text in a request.
WATCH_POSTS = """
const post = Worker.prototype.postMessage;
window.__files = [];
Worker.prototype.postMessage = function (message, transfer) {
  const result = post.call(this, message, transfer);
  if (message && message.type === "file")
    window.__files.push((transfer || []).length === 1 && transfer[0].byteLength === 0);
  if (message && message.args && "data" in message.args) window.__files.push("base64");
  return result;
};
"""
SHEET = "核对的是“交易明细”"


def _excel_requests(watched: PageWatch) -> list[str]:
    return [url for url in watched.requests if EXCEL in url]


def test_guide_page_and_csv_fetch_no_excel_reader_then_workbooks_are_read(
    watched: PageWatch, base_url: str
) -> None:
    page = watched.page
    page.add_init_script(WATCH_POSTS)
    page.goto(base_url + "causes/")
    expect(page.locator("h1")).to_be_visible()
    page.goto(base_url + "reconcile/")
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=120_000)

    def upload(name: str, data: bytes) -> None:
        page.set_input_files(
            "#statement-file",
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
        )
        page.click("#statement-submit")

    rows = page.locator("[data-out=rows]")
    notes = page.locator("#statement-notes")
    first_flagged_line = page.locator("#statement-flagged tbody tr").first.locator("td").first

    upload("明细.csv", statement(*FINE, HIKE, *FINE).encode("gbk"))
    expect(rows).to_have_text("7", timeout=60_000)
    assert _excel_requests(watched) == [], "a CSV must not fetch the Excel readers"

    upload("明细.xlsx", workbook())
    expect(notes).to_contain_text(SHEET, timeout=120_000)
    expect(rows).to_have_text("3")
    expect(page.locator("[data-out=flagged]")).to_have_text("2")
    expect(first_flagged_line).to_have_text("6")  # the sheet's own row number
    fetched = sorted(url.rsplit("/", 1)[1].split("-")[0] for url in _excel_requests(watched))
    assert fetched == ["et_xmlfile", "excel_stdlib", "openpyxl", "xlrd"], fetched

    upload("Unicode文本.txt", utf16_text(bom=False))
    expect(notes).to_be_empty()
    expect(first_flagged_line).to_have_text("3")
    expect(rows).to_have_text("3")

    upload("旧版.xls", XLS_FIXTURE.read_bytes())
    expect(notes).to_contain_text(SHEET)
    expect(first_flagged_line).to_have_text("6")
    expect(page.locator("[data-out=overcharge]")).not_to_have_text("—")
    assert len(_excel_requests(watched)) == 4, "the readers are fetched once per visit"
    assert page.evaluate("window.__files") == [True] * 4
    assert not watched.off_origin and not watched.errors, (watched.off_origin, watched.errors)
