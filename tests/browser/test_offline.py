"""Repeat visits, offline use, updates and installing, in Chromium.

The memory snapshot (runtime/snapshot.js): a second visit restores it; a
damaged, foreign or outdated one is never used and the page boots normally.
The service worker (sw.js): after a first visit every page and tool works with
the network cut; a guide page fetches no runtime until the reader asks; a new
deploy reaches an open tab on its next navigation. The manifest passes
Chromium's installability check. Each test has a fresh browser context, so no
service worker or cache leaks between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from calculator.api import fees as api_fees
from tests.browser.conftest import CHROMIUM_ARGS, all_pages
from tools import offline
from tools.find_chromium import find_chromium

BOOT = 60_000
RUNTIME = re.compile(r"/assets/(pyodide-[^/]+/|py/)")
SNAPSHOT_CACHE = "pos-python-snapshot"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(BOOT)
    yield context
    context.close()


def computed_fee(page: Page, amount: str = "12345.67") -> None:
    """Type an amount no static table shows and wait for Python's answer."""
    page.fill("#fees-amount", amount)
    expect(page.locator("[data-out=fee]")).to_have_text(
        f"{api_fees.fee(amount, 'credit')['fee']} 元", timeout=BOOT
    )


def runtime_via(page: Page) -> str:
    html = page.locator("html")
    expect(html).to_have_attribute("data-pos-runtime", re.compile("."), timeout=BOOT)
    return html.get_attribute("data-pos-runtime") or ""


def snapshot_saved(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-pos-snapshot", "saved", timeout=BOOT)


def stored_snapshots(page: Page) -> list[str]:
    return page.evaluate(
        f"async () => (await (await caches.open('{SNAPSHOT_CACHE}')).keys()).map(r => r.url)"
    )


def test_second_visit_restores_the_snapshot_even_offline(
    context: BrowserContext, base_url: str
) -> None:
    from_store: list[str] = []
    context.on("response", lambda r: r.from_service_worker and from_store.append(r.url))
    page = context.new_page()
    page.goto(base_url + "calculator/")
    assert runtime_via(page) == "boot"
    computed_fee(page)
    snapshot_saved(page)
    (key,) = stored_snapshots(page)
    # Keyed by the exact runtime, stdlib and package files of this deploy.
    assert re.search(r"pyodide-[\d.]+\+python_stdlib-\w+\.zip\+calculator-\w+\.zip$", key), key
    # Opening a tool is enough to keep it for offline use: no choice to make.
    wait_for_service_worker(page)
    expect(page.locator("[data-offline-state=ready]")).to_be_visible(timeout=BOOT)
    # Once kept, Pyodide's JavaScript is compiled once from the store (by
    # runtime/prime.js), so the next visit reuses the compiled code.
    for _ in range(100):
        if any(url.endswith("/pyodide.asm.mjs") for url in from_store):
            break
        page.wait_for_timeout(100)
    assert any(url.endswith("/pyodide.asm.mjs") for url in from_store), from_store
    page.close()

    page = context.new_page()
    page.goto(base_url + "calculator/")
    assert runtime_via(page) == "snapshot"
    computed_fee(page, "888.88")
    context.set_offline(True)
    page.reload()
    assert runtime_via(page) == "snapshot"
    computed_fee(page, "777.77")


DAMAGE = """async ([name, key, damage, storeURL]) => {
  const store = await import(storeURL);
  const cache = await caches.open(name);
  const stored = await cache.match(key);
  const intact = stored.clone();
  const bytes = new Uint8Array(await stored.arrayBuffer());
  if (damage === "flipped bytes and an intact snapshot of an old deploy") {
    // A good snapshot under another package hash: what the last deploy left.
    await cache.put(key.replace(/calculator-\\w+/, "calculator-0000"), intact);
    for (let i = 1 << 20; i < bytes.length; i += 4096) bytes[i] ^= 0xff;
    await cache.put(key, new Response(bytes, { headers: stored.headers }));
  } else {
    bytes.fill(7, 0, 1 << 16);
    const headers = new Headers(stored.headers);
    headers.set(store.CHECKSUM_HEADER, store.checksum(bytes));
    await cache.put(key, new Response(bytes, { headers }));
  }
}"""


def test_a_bad_or_old_snapshot_is_never_restored(context: BrowserContext, base_url: str) -> None:
    page = context.new_page()
    page.goto(base_url + "calculator/")
    computed_fee(page)
    snapshot_saved(page)
    (key,) = stored_snapshots(page)
    for damage in (
        "flipped bytes and an intact snapshot of an old deploy",
        "not a snapshot, with a valid checksum",
    ):
        store = base_url + "assets/js/runtime/snapshot.js"
        page.evaluate(DAMAGE, [SNAPSHOT_CACHE, key, damage, store])
        page.close()
        page = context.new_page()
        page.goto(base_url + "calculator/")
        assert runtime_via(page) == "boot", damage
        computed_fee(page, "888.88")
        # A fresh snapshot replaces whatever was there.
        snapshot_saved(page)
        assert stored_snapshots(page) == [key], damage


def in_snapshot_store(context: BrowserContext, base_url: str, body: str) -> object:
    """Run `body` (JavaScript, may await) in a page with snapshot.js imported
    as `store` and a test `key`; returns what it returns."""
    page = context.new_page()
    page.goto(base_url + "fees/")
    return page.evaluate(
        f"""async (url) => {{
          const store = await import(url);
          const key = store.snapshotKey(
            location.origin + "/assets/pyodide-0/", "python_stdlib-a.zip", "calculator-b.zip");
          {body}
        }}""",
        base_url + "assets/js/runtime/snapshot.js",
    )


def test_the_store_refuses_damaged_bytes(context: BrowserContext, base_url: str) -> None:
    """One flipped byte anywhere: snapshot.js returns nothing and forgets it."""
    result = in_snapshot_store(
        context,
        base_url,
        """
          const bytes = new Uint8Array(1 << 20).map((_, i) => i % 251);
          const saved = await store.saveSnapshot(key, bytes);
          const intact = await store.loadSnapshot(key);
          const cache = await caches.open("pos-python-snapshot");
          const stored = await cache.match(key);
          const damaged = new Uint8Array(await stored.clone().arrayBuffer());
          damaged[123457] ^= 1;
          await cache.put(key, new Response(damaged, { headers: stored.headers }));
          const loaded = await store.loadSnapshot(key);
          return {
            saved, intact: intact && intact.length, loaded, left: (await cache.keys()).length };
        """,
    )
    assert result == {"saved": True, "intact": 1 << 20, "loaded": None, "left": 0}


def test_the_checksum_sees_moved_and_flipped_bytes(context: BrowserContext, base_url: str) -> None:
    """The stored checksum is what keeps a damaged snapshot from being
    restored: any flipped bit, two swapped words, a lost tail byte or a
    misaligned view must change it or be read the same."""
    result = in_snapshot_store(
        context,
        base_url,
        """
          const bytes = new Uint8Array((1 << 20) + 3).map((_, i) => (i * 7919) % 256);
          const base = store.checksum(bytes);
          const changed = [];
          for (const at of [0, 1, 4095, 4096, 524287, bytes.length - 1]) {
            const copy = bytes.slice();
            copy[at] ^= 0x10;
            changed.push(store.checksum(copy) !== base);
          }
          // The top bit of two words of one lane: a plain multiply chain
          // would carry the first flip up and out, and the second undo it.
          const twice = bytes.slice();
          twice[3] ^= 0x80;
          twice[19] ^= 0x80;
          changed.push(store.checksum(twice) !== base);
          const swapped = bytes.slice();
          swapped.set(bytes.subarray(0, 4), 8);
          swapped.set(bytes.subarray(8, 12), 0);
          changed.push(store.checksum(swapped) !== base);
          changed.push(store.checksum(bytes.subarray(0, bytes.length - 1)) !== base);
          const shifted = new Uint8Array(bytes.length + 1);
          shifted.set(bytes, 1);
          const same = store.checksum(shifted.subarray(1)) === base;
          return { changed, same, format: /^[0-9a-f]{32}$/.test(base) };
        """,
    )
    assert result == {"changed": [True] * 9, "same": True, "format": True}


def test_the_store_keeps_only_nonzero_pages(context: BrowserContext, base_url: str) -> None:
    """Most of Python's memory is zero pages: they are not stored, and the
    bytes come back exactly, whatever their length."""
    result = in_snapshot_store(
        context,
        base_url,
        """
          const results = [];
          for (const length of [0, 1, 4096, 4097, (1 << 20) + 123]) {
            // Every other 4 KB page zero, one byte set near the end.
            const bytes = new Uint8Array(length).map((_, i) => ((i >> 12) % 2 ? i % 251 : 0));
            if (length) bytes[length - 1] = 9;
            await store.saveSnapshot(key, bytes);
            const cache = await caches.open("pos-python-snapshot");
            const stored = (await (await cache.match(key)).arrayBuffer()).byteLength;
            const back = await store.loadSnapshot(key);
            const same = back.length === length && back.every((b, i) => b === bytes[i]);
            results.push({ length, stored, same });
          }
          let foreign = null;
          try {
            store.unpack(new Uint8Array(64).fill(7));
          } catch (error) {
            foreign = error.message;
          }
          return { results, foreign };
        """,
    )
    assert isinstance(result, dict)
    assert all(r["same"] for r in result["results"]), result
    big = result["results"][-1]
    assert big["stored"] < 0.55 * big["length"], big
    assert result["foreign"] == "not a packed snapshot"


def wait_for_service_worker(page: Page) -> None:
    expect(page.locator("[data-offline]")).to_be_visible(timeout=BOOT)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=BOOT)


def test_guide_page_first_visit_then_everything_offline(
    context: BrowserContext, base_url: str, site_dir: Path
) -> None:
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(base_url + "causes/")
    wait_for_service_worker(page)
    expect(page.locator("[data-offline-state=offer]")).to_be_visible()
    # The shell is precached, but no runtime file was fetched by anyone.
    assert not [u for u in requests if RUNTIME.search(u)], requests
    page.get_by_role("button", name="离线也能用").click()
    expect(page.locator("[data-offline-state=ready]")).to_be_visible(timeout=BOOT)

    context.set_offline(True)
    for path in all_pages(site_dir):
        page.goto(base_url + path)
        expect(page.locator("h1").first).to_be_visible()
        expect(page.locator(".md-footer")).to_be_visible()
    # Search answers offline (its index comes from the cache).
    page.goto(base_url)
    page.locator("label.md-header__button[for='__search']").click()
    page.locator("#pos-search-input").fill("诈骗")
    expect(page.locator("#pos-search-results[data-query='诈骗'] a").first).to_be_visible()

    # The three tools, by instant navigation: one runtime for all of them.
    nav = page.locator(".md-nav--primary .md-nav__link")
    nav.filter(has_text="手续费计算器").first.dispatch_event("click")
    computed_fee(page)
    nav.filter(has_text="排查向导").first.dispatch_event("click")
    expect(page.locator("#walker-progress")).to_have_text("第 1 步，共约 3 步", timeout=BOOT)
    page.locator("#walker-view button", has_text="以上都不像").click()
    expect(page.locator("#walker-progress")).to_have_text("第 2 步，共约 2 步")
    nav.filter(has_text="对账").first.dispatch_event("click")
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=BOOT)
    data = "交易时间,卡类型,交易金额,手续费\r\n2025-03-01 10:00:00,信用卡,10000.00,60.00\r\n"
    page.set_input_files(
        "#statement-file",
        files=[{"name": "a.csv", "mimeType": "text/csv", "buffer": data.encode("gbk")}],
    )
    page.click("#statement-submit")
    expect(page.locator("[data-out=rows]")).to_have_text("1")
    # A page the site does not have: the cached 404 page, not the browser's error.
    page.goto(base_url + "no-such-page/")
    expect(page.locator("h1").first).to_be_visible()


@pytest.fixture
def editable_site(site_dir: Path) -> Iterator[Path]:
    """The served site, restored after the test that edits it."""
    saved = {p: p.read_bytes() for p in (site_dir / "fees" / "index.html", site_dir / "sw.js")}
    yield site_dir
    for path, data in saved.items():
        path.write_bytes(data)


def test_a_deploy_reaches_an_open_tab_on_its_next_navigation(
    context: BrowserContext, base_url: str, editable_site: Path
) -> None:
    page = context.new_page()
    page.goto(base_url)
    wait_for_service_worker(page)
    banner = page.locator("[data-update-state=ready]")
    expect(banner).to_be_hidden()

    # Deploy: one page changes, sw.js lists the new version.
    fees = editable_site / "fees" / "index.html"
    fees.write_text(
        fees.read_text(encoding="utf-8").replace("</h1>", "（新版）</h1>", 1), encoding="utf-8"
    )
    offline.write_service_worker(editable_site)

    # An instant navigation looks for the new version; until the switch the
    # tab keeps showing the old one, whole.
    page.evaluate("() => { window.posSamePage = true; }")
    page.locator(".md-nav__link", has_text="怎么解决").first.dispatch_event("click")
    expect(page).to_have_url(re.compile(r"/solutions/$"))
    # Material's instant navigation still works under the service worker.
    assert page.evaluate("() => window.posSamePage === true")
    expect(banner).to_be_visible(timeout=BOOT)
    expect(banner).to_have_text("本站有新版本，打开下一页时自动换成新版本。")
    page.screenshot(path=str(Path("/tmp") / "pos-update-banner.png"))

    page.locator(".md-nav__link", has_text="费率与手续费").first.dispatch_event("click")
    expect(page).to_have_url(re.compile(r"/fees/$"))
    expect(page.locator("h1").first).to_contain_text("（新版）")
    expect(page.locator("[data-update-state=ready]")).to_be_hidden()


def test_installable(browser: Browser, base_url: str, tmp_path: Path) -> None:
    """Chromium's own check, in a normal profile (a Playwright context is an
    off-the-record one, which Chromium never offers to install from)."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=find_chromium(),
        args=CHROMIUM_ARGS,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto(base_url)
    wait_for_service_worker(page)
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = cdp.send("Page.getAppManifest")
    context.close()
    assert errors == [], errors
    assert not manifest.get("errors"), manifest.get("errors")
