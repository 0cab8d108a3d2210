"""The runtime's loading and failure paths in Chromium: progress while it
downloads, a Chinese message and a working retry when it cannot load, the
static table readable all along, and the newest input always winning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, Route, expect

from calculator.api import fees as api_fees
from tests.browser.conftest import PageWatch

RUNTIME = re.compile(r"/assets/(pyodide-[^/]+/|py/)")
LOAD = 60_000  # ms: the runtime on a busy 2-core machine


def _static_table_readable(page: Page) -> None:
    table = page.locator(".md-content table").first
    expect(table).to_be_visible()
    expect(table).to_contain_text(api_fees.fee("10000", "credit")["fee"])


def test_progress_bar_then_live_calculator(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    # Slow enough (about 40 Mbit/s) that the download is seen in progress.
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": 5e6, "uploadThroughput": 5e6},
    )
    page.goto(base_url + "calculator/")
    status = page.locator("#fees-status")
    html = page.request.get(base_url + "calculator/").text()
    promised = re.search(r"第一次打开要下载约 (\d+) MB", html)
    expect(status).to_contain_text(re.compile(r"正在准备：已下载 \d+\.\d / \d+\.\d MB"))
    # The bar counts bytes on the wire, as the page's promise does: never
    # more than promised (it is less when the server sends brotli).
    shown = re.search(r"/ (\d+\.\d) MB", status.inner_text())
    assert promised and shown and float(shown.group(1)) <= int(promised.group(1)) + 0.5, (
        promised,
        shown,
    )
    expect(status.locator("progress")).to_have_attribute("value", re.compile(r"^0\.\d+|^0$"))
    expect(page.locator("[data-out=fee]")).to_have_text(
        f"{api_fees.fee('10000', 'credit')['fee']} 元", timeout=LOAD
    )
    expect(status).to_contain_text("就绪", timeout=LOAD)
    assert status.locator("progress").count() == 0
    assert not watched.errors, watched.errors


def test_the_worker_starts_before_the_page_modules(watched: PageWatch, base_url: str) -> None:
    """early.js starts the worker from <head>: the runtime's downloads begin
    even while client.js (the module the page code imports) is held back, and
    what the worker said meanwhile (progress, ready) is not lost."""
    page = watched.page
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/assets/js/runtime/client.js", hold)
    with page.expect_request(lambda r: r.url.endswith(".wasm"), timeout=LOAD):
        page.goto(base_url + "calculator/", wait_until="commit")
    assert held, "client.js was asked for, and is still held back"
    page.wait_for_timeout(500)
    page.unroute("**/assets/js/runtime/client.js", hold)
    for route in held:
        route.fallback()
    expect(page.locator("[data-out=fee]")).to_have_text(
        f"{api_fees.fee('10000', 'credit')['fee']} 元", timeout=LOAD
    )
    expect(page.locator("#fees-status")).to_contain_text("就绪", timeout=LOAD)
    assert not watched.errors, watched.errors


def test_a_first_visit_asks_for_the_wasm_before_the_worker_runs(
    watched: PageWatch, base_url: str
) -> None:
    """On a first visit early.js asks for the 9.6 MB WebAssembly itself, so
    its download does not wait for worker.js to arrive and start (two round
    trips on a slow link); the worker's own request joins it: the file
    crosses the wire once."""
    page = watched.page
    held: list[Route] = []
    wasm_bodies: list[int] = []

    def hold(route: Route) -> None:
        held.append(route)

    def finished(request: Request) -> None:
        if request.url.endswith(".wasm"):
            wasm_bodies.append(request.sizes()["responseBodySize"])

    page.context.route("**/assets/js/runtime/worker.js", hold)
    page.on("requestfinished", finished)
    with page.expect_request(lambda r: r.url.endswith(".wasm"), timeout=15_000):
        page.goto(base_url + "calculator/", wait_until="commit")
    # Asked for while worker.js is held back (or not yet asked for): the page's.
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "worker.js is asked for too"
    page.context.unroute("**/assets/js/runtime/worker.js", hold)
    for route in held:
        route.fallback()
    expect(page.locator("[data-out=fee]")).to_have_text(
        f"{api_fees.fee('10000', 'credit')['fee']} 元", timeout=LOAD
    )
    # Once over the wire (any other request for it was answered from the cache).
    assert sum(size > 1_000_000 for size in wasm_bodies) == 1, wasm_bodies
    assert not watched.errors, watched.errors


@pytest.mark.parametrize(
    ("how", "message"),
    [("blocked", "没能下载完成"), ("404", "没能下载完成"), ("broken wasm", "启动失败")],
)
def test_failure_says_so_and_retry_works(
    watched: PageWatch, base_url: str, how: str, message: str
) -> None:
    page = watched.page

    def refuse(route: Route) -> None:
        url = route.request.url
        if how == "blocked":
            route.abort("blockedbyclient")
        elif how == "404":
            route.fulfill(status=404, body="not found") if url.endswith(
                ".wasm"
            ) else route.fallback()
        elif url.endswith(".wasm"):
            route.fulfill(status=200, body=b"\0asm-not-really", content_type="application/wasm")
        else:
            route.fallback()

    page.context.route(RUNTIME, refuse)
    page.goto(base_url + "calculator/")
    status = page.locator("#fees-status")
    expect(status).to_contain_text(message, timeout=LOAD)
    expect(status).to_contain_text("费率表仍然可以查看")
    retry = status.get_by_role("button", name="重试")
    expect(retry).to_be_visible()
    _static_table_readable(page)

    page.context.unroute(RUNTIME, refuse)
    retry.click()
    expect(page.locator("[data-out=fee]")).to_have_text(
        f"{api_fees.fee('10000', 'credit')['fee']} 元", timeout=LOAD
    )
    expect(retry).to_have_count(0)
    assert not watched.off_origin, watched.off_origin


# What an old browser or a phone short of memory would show the worker,
# put in front of the real worker script (Chromium's own flags for this
# do not reach a module worker).
NO_WASM = "globalThis.WebAssembly = undefined;\n"
NO_MEMORY = """
for (const name of ["instantiate", "instantiateStreaming"]) {
  WebAssembly[name] = async () => {
    throw new RangeError("WebAssembly.Memory(): could not allocate memory");
  };
}
"""


@pytest.mark.parametrize(
    ("shim", "message"), [(NO_WASM, "不支持 WebAssembly"), (NO_MEMORY, "内存不足")]
)
def test_old_browser_or_little_memory(
    watched: PageWatch, base_url: str, site_dir: Path, shim: str, message: str
) -> None:
    page = watched.page
    worker_js = (site_dir / "assets" / "js" / "runtime" / "worker.js").read_text(encoding="utf-8")
    page.context.route(
        "**/assets/js/runtime/worker.js",
        lambda route: route.fulfill(body=shim + worker_js, content_type="text/javascript"),
    )
    page.goto(base_url + "calculator/")
    status = page.locator("#fees-status")
    expect(status).to_contain_text(message, timeout=LOAD)
    expect(status.get_by_role("button", name="重试")).to_be_visible()
    _static_table_readable(page)


def test_newest_input_wins(watched: PageWatch, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-status")).to_contain_text("就绪", timeout=LOAD)
    amount = page.locator("#fees-amount")
    amount.fill("")
    amount.press_sequentially("123456.78", delay=5)
    expected = api_fees.fee("123456.78", "credit")["fee"]
    expect(page.locator("[data-out=fee]")).to_have_text(f"{expected} 元")
    page.wait_for_timeout(300)
    expect(page.locator("[data-out=fee]")).to_have_text(f"{expected} 元")
    assert not watched.errors, watched.errors


@pytest.mark.parametrize(
    ("path", "status_id", "fallback", "ready"),
    [
        ("checklist/", "#walker-status", "文字版", "#walker-progress"),
        ("reconcile/", "#statement-status", "自己动手核对", "#statement-submit:enabled"),
    ],
)
def test_every_tool_page_fails_kindly_and_retries(
    watched: PageWatch, base_url: str, path: str, status_id: str, fallback: str, ready: str
) -> None:
    page = watched.page

    def block(route: Route) -> None:
        route.abort("blockedbyclient")

    page.context.route(RUNTIME, block)
    page.goto(base_url + path)
    status = page.locator(status_id)
    expect(status).to_contain_text("重试", timeout=LOAD)
    expect(status).to_contain_text(fallback)
    page.context.unroute(RUNTIME, block)
    status.get_by_role("button", name="重试").click()
    expect(page.locator(ready)).to_be_visible(timeout=LOAD)
    assert not watched.off_origin, watched.off_origin
