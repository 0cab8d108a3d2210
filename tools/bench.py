"""`make bench`: the built site in headless Chromium, against a bare loadPyodide().

Copies site/ into a throw-away directory, adds bench/ (a bare page loading
Pyodide the plain way from the same files, and a probe script that records
timings as attributes, since the CSP forbids evaluating script), serves it
with the deploy headers, the build's precompressed .br/.gz siblings and gzip
on the fly for the rest (as the README tells deployers), and prints
and writes bench/results/runtime.json. Numbers are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Page,
    expect,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from tools import bench_statement, static_server  # noqa: E402
from tools.find_chromium import HOW_TO_GET, find_chromium  # noqa: E402
from tools.static_server import SiteHandler  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH_SRC = ROOT / "bench"
RESULTS = ROOT / "bench" / "results" / "runtime.json"
THROTTLE = {  # about a decent mobile connection: 10 Mbit/s, 100 ms latency
    "offline": False,
    "latency": 100,
    "downloadThroughput": 10_000_000 / 8,
    "uploadThroughput": 5_000_000 / 8,
}
# Compressed on the fly when no precompressed sibling exists (our zips have
# STORED members, so they compress; Pyodide's own python_stdlib.zip barely).
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".xml", ".zip"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


class GzipHandler(SiteHandler):
    """SiteHandler (precompressed .br/.gz siblings) plus gzip on the fly for
    compressible files without a sibling, compressed once per file. The same
    rules for every file, so the bare page gets what ours gets."""

    cache: dict[str, bytes] = {}
    lock = threading.Lock()

    def has_encodings(self, path: Path) -> bool:
        return path.suffix in COMPRESSIBLE or super().has_encodings(path)

    def encoded(self, path: Path, accepted: set[str]) -> tuple[str, bytes] | None:
        found = super().encoded(path, accepted)
        if found or "gzip" not in accepted or path.suffix not in COMPRESSIBLE:
            return found
        key = str(path)
        with self.lock:
            if key not in self.cache:
                self.cache[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            return "gzip", self.cache[key]


def serve(directory: Path) -> static_server.QuietServer:
    """`directory` as the bench serves it: the test server plus gzip on the fly."""
    return static_server.serve(directory, handler_class=GzipHandler)


def prepare(site: Path, work: Path) -> tuple[Path, list[str], list[str]]:
    """A copy of `site` with bench/ added; returns it, runtime pages, guide pages."""
    copy = work / "site"
    shutil.copytree(site, copy)
    bench = copy / "bench"
    bench.mkdir()
    runtime_dir = next(p.name for p in (copy / "assets").glob("pyodide-*"))
    shutil.copyfile(BENCH_SRC / "probe.js", bench / "probe.js")
    shutil.copyfile(BENCH_SRC / "bare.html", bench / "bare.html")
    bare_js = (BENCH_SRC / "bare.js").read_text(encoding="utf-8")
    (bench / "bare.js").write_text(bare_js.replace("RUNTIME_DIR", runtime_dir), encoding="utf-8")
    runtime_pages, guide_pages = [], []
    for page in sorted(copy.rglob("index.html")):
        rel = page.relative_to(copy).as_posix().removesuffix("index.html")
        html = page.read_text(encoding="utf-8")
        if 'data-start="early"' in html:
            runtime_pages.append(rel)
            depth = rel.count("/")
            probe = "../" * depth + "bench/probe.js"
            html = html.replace("<head>", f'<head>\n<script src="{probe}"></script>', 1)
            page.write_text(html, encoding="utf-8")
        elif rel != "404.html":
            guide_pages.append(rel)
    return copy, runtime_pages, guide_pages


def new_page(browser: Browser, throttled: bool) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(120_000)
    if throttled:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
    return context, page


def attribute(page: Page, name: str) -> str:
    """Wait for the page to record `name` (a time). Checked by a small
    in-page loop: Playwright's expect() polls with its injected script, which
    cost the page's main thread ~100 ms while the figure was being measured."""
    page.wait_for_function(
        "(name) => /\\d/.test(document.documentElement.getAttribute(name) || '')",
        arg=name,
        polling=50,
        timeout=180_000,
    )
    return page.locator("html").get_attribute(name) or ""


PHASES = (
    "worker",
    "pyodide-js",
    "wasm-compiled",
    "snapshot-read",
    "wasm-instantiated",
    "python",
    "package",
)


def phases(page: Page) -> dict[str, int]:
    """When each start-up step ended (ms from navigation): the worker's
    performance marks (runtime-*) and the first fee."""
    marks = page.evaluate(
        "() => Object.fromEntries(performance.getEntriesByType('mark')"
        ".filter(m => m.name.startsWith('runtime-'))"
        ".map(m => [m.name.slice(8), Math.round(m.startTime)]))"
    )
    return {name: marks[name] for name in PHASES if name in marks}


def median_phases(runs: list[dict[str, int]]) -> dict[str, float]:
    names = [name for name in PHASES if all(name in run for run in runs)]
    return {name: median([run[name] for run in runs]) for name in names}


def longtasks(page: Page, until: float) -> list[int]:
    raw = page.locator("html").get_attribute("data-bench-longtasks") or ""
    tasks = [tuple(int(x) for x in item.split(":")) for item in raw.split(",") if item]
    return [duration for start, duration in tasks if start <= until]


class Transfer:
    """Bytes on the wire for everything a page and its workers fetched
    (encoded body plus headers, as Playwright reports them)."""

    def __init__(self, context: BrowserContext) -> None:
        self.total = 0
        self.precache = 0
        self.urls: list[str] = []
        self.precache_urls: list[str] = []
        context.on("request", self._started)
        context.on("requestfinished", self._finished)

    def _started(self, request) -> None:  # noqa: ANN001
        (self.precache_urls if request.service_worker else self.urls).append(request.url)

    def _finished(self, request) -> None:  # noqa: ANN001
        try:
            sizes = request.sizes()
        except PlaywrightError:  # the context closed while the service worker fetched
            return
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        # The service worker's own fetches (its precache after the page is idle)
        # are counted apart from what the page itself needed.
        if request.service_worker:
            self.precache += size
        else:
            self.total += size


def cold(
    browser: Browser, url: str, attr: str, throttled: bool
) -> tuple[float, list[int], int, dict[str, int]]:
    context, page = new_page(browser, throttled)
    transfer = Transfer(context)
    page.goto(url)
    ms = float(attribute(page, attr))
    page.wait_for_timeout(300)
    tasks = longtasks(page, ms)
    steps = phases(page)
    context.close()
    return ms, tasks, transfer.total, steps


def warm(browser: Browser, url: str, attr: str, ours: bool) -> dict:
    """First and second visit in one context. The second reuses the HTTP cache
    (both pages) and, for ours, the memory snapshot the first visit kept."""
    context, page = new_page(browser, False)
    page.goto(url)
    first = float(attribute(page, attr))
    result: dict = {"first_ms": first}
    if ours:
        expect(page.locator("html")).to_have_attribute(
            "data-pos-snapshot", "saved", timeout=120_000
        )
        # Wait for the service worker to keep the runtime: what the device stores.
        expect(page.locator("[data-offline-state=ready]")).to_be_visible(timeout=120_000)
    page.close()
    page = context.new_page()
    page.goto(url)
    second = float(attribute(page, attr))
    page.wait_for_timeout(300)
    result.update(second_ms=second, second_tasks=longtasks(page, second), phases=phases(page))
    if ours:
        result["via"] = page.locator("html").get_attribute("data-pos-runtime")
        result["storage"] = page.evaluate(
            "async () => { const e = await navigator.storage.estimate();"
            " return {usage: e.usage, details: e.usageDetails || {}}; }"
        )
    context.close()
    return result


def input_latency(browser: Browser, url: str, count: int = 50) -> list[float]:
    context, page = new_page(browser, False)
    page.goto(url)
    attribute(page, "data-bench-first-fee")
    expect(page.locator("#fees-status")).to_contain_text("就绪")
    for i in range(count):
        page.fill("#fees-amount", str(10_000 + 37 * (i + 1)))
        expect(page.locator("html")).to_have_attribute("data-bench-n", str(i + 1))
        page.wait_for_timeout(100)  # a person types slower than this
    raw = page.locator("html").get_attribute("data-bench-latencies") or ""
    context.close()
    return [float(x) for x in raw.split(",") if x]


def guide_bytes(browser: Browser, base: str, pages: list[str]) -> dict[str, dict]:
    result = {}
    for path in pages:
        context, page = new_page(browser, False)
        transfer = Transfer(context)
        page.goto(base + path, wait_until="networkidle")
        # Let the service worker register and precache the shell once idle.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(200)
        urls = transfer.urls + transfer.precache_urls
        wasm = [u for u in urls if ".wasm" in u or "/assets/pyodide-" in u]
        result[path or "/"] = {
            "bytes": transfer.total,
            "precache_bytes": transfer.precache,
            "fetched_wasm": bool(wasm),
        }
        context.close()
    return result


def restore_on_first_visit(browser: Browser, url: str) -> float:
    """First fee when the snapshot is on hand but nothing else is: the HTTP
    cache (and compiled WebAssembly) cleared, no service worker. What a first
    visit would cost if the snapshot came with the site, minus its download."""
    context = browser.new_context(locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    attribute(page, "data-bench-first-fee")
    expect(page.locator("html")).to_have_attribute("data-pos-snapshot", "saved", timeout=120_000)
    page.close()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    page.goto(url)
    ms = float(attribute(page, "data-bench-first-fee"))
    assert page.locator("html").get_attribute("data-pos-runtime") == "snapshot"
    context.close()
    return ms


def build_time_snapshot(out: dict, restored_ms: list[float]) -> dict:
    """Would a snapshot made at build time and served brotli beat booting on a
    first visit at 10 Mbit/s? Its extra download against the boot it saves."""
    sizes = json.loads(
        subprocess.run(
            ["node", str(ROOT / "tools" / "snapshot_size.mjs"), str(out["site"])],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    seconds_on_link = sizes["brotli"] * 8 / (THROTTLE["downloadThroughput"] * 8)
    saving = (out["unthrottled"]["calculator_first_fee_ms"] - statistics.median(restored_ms)) / 1000
    return {
        **sizes,
        "first_visit_restore_ms": median(restored_ms),
        "extra_download_s_at_10mbit": round(seconds_on_link, 2),
        "boot_saved_s": round(saving, 2),
        "ship": seconds_on_link + sizes["brotli_decode_s"] < saving,
    }


def statement_in_browser(
    browser: Browser, url: str, data: bytes, name: str = "statement.csv"
) -> dict:
    """Wall time from pressing 开始核对 to the summary, for a whole statement file,
    with the longest main-thread task while the worker checked it."""
    context, page = new_page(browser, False)
    page.goto(url)
    expect(page.locator("#statement-submit")).to_be_enabled(timeout=180_000)
    page.set_input_files(
        "#statement-file",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.wait_for_timeout(300)
    since = page.evaluate("() => performance.now()")
    start = time.perf_counter()
    page.click("#statement-submit")
    expect(page.locator("[data-out=rows]")).to_have_text(
        re.compile(r"\d{2,3},\d{3}"), timeout=300_000
    )
    seconds = time.perf_counter() - start
    page.wait_for_timeout(300)
    raw = page.locator("html").get_attribute("data-bench-longtasks") or ""
    tasks = [tuple(int(x) for x in item.split(":")) for item in raw.split(",") if item]
    during = [duration for began, duration in tasks if began >= since]
    rows = page.locator("[data-out=rows]").inner_text()
    marks = page.evaluate(
        "() => Object.fromEntries(performance.getEntriesByType('mark')"
        ".filter(m => m.name.startsWith('statement-')).map(m => [m.name, Math.round(m.startTime)]))"
    )
    context.close()
    names = [
        "statement-open",
        "statement-opened",
        "statement-checked",
        "statement-result",
        "statement-rendered",
    ]
    phases = {
        f"{a}->{b}": marks[b] - marks[a]
        for a, b in zip(names, names[1:], strict=False)
        if a in marks and b in marks
    }
    return {
        "seconds": round(seconds, 3),
        "rows_shown": rows,
        "longest_task_ms": max(during, default=0),
        "read_and_encode_ms": marks.get("statement-open", since) - round(since),
        "phases_ms": phases,
    }


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=3, help="cold runs per page, unthrottled")
    parser.add_argument("--throttled-runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=3)
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        sys.exit(f"{args.site} has no built site: run `make build` first.")
    executable = find_chromium()
    if executable is None:
        sys.exit(HOW_TO_GET)

    with tempfile.TemporaryDirectory(prefix="pos-bench-") as tmp:
        copy, runtime_pages, guides = prepare(args.site, Path(tmp))
        server = serve(copy)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        calc = base + runtime_pages[0]
        bare = base + "bench/bare.html"
        out: dict = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "page": runtime_pages[0]}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            # Warm-up so the first measured run does not pay for browser start.
            cold(browser, bare, "data-bench-ready", False)
            for label, throttled, runs in (
                ("unthrottled", False, args.runs),
                ("throttled", True, args.throttled_runs),
            ):
                ours, ref, ours_tasks, ref_tasks, ours_bytes, ref_bytes = [], [], [], [], [], []
                steps = []
                for _ in range(runs):
                    # Alternate so neither page always runs on a warmer machine.
                    ms, tasks, sent, step = cold(browser, calc, "data-bench-first-fee", throttled)
                    ours.append(ms)
                    ours_tasks += tasks
                    ours_bytes.append(sent)
                    steps.append(step)
                    ms, tasks, sent, _ = cold(browser, bare, "data-bench-ready", throttled)
                    ref.append(ms)
                    ref_tasks += tasks
                    ref_bytes.append(sent)
                out[label] = {
                    "calculator_first_fee_ms": median(ours),
                    "bare_loadpyodide_ms": median(ref),
                    "ratio": round(statistics.median(ours) / statistics.median(ref), 2),
                    "calculator_runs_ms": ours,
                    "bare_runs_ms": ref,
                    "calculator_phases_ms": median_phases(steps),
                    "calculator_bytes": max(ours_bytes),
                    "bare_bytes": max(ref_bytes),
                    "calculator_longest_task_ms": max(ours_tasks, default=0),
                    "calculator_tasks_over_200ms": sum(t > 200 for t in ours_tasks),
                    "bare_longest_task_ms": max(ref_tasks, default=0),
                }
            ours_warm, bare_warm = [], []
            for _ in range(args.warm_runs):
                ours_warm.append(warm(browser, calc, "data-bench-first-fee", True))
                bare_warm.append(warm(browser, bare, "data-bench-ready", False))
            ours_second = [r["second_ms"] for r in ours_warm]
            bare_second = [r["second_ms"] for r in bare_warm]
            out["warm"] = {
                "second_visit_first_fee_ms": median(ours_second),
                "bare_second_visit_ms": median(bare_second),
                "ratio": round(statistics.median(ours_second) / statistics.median(bare_second), 2),
                "calculator_runs_ms": ours_second,
                "bare_runs_ms": bare_second,
                "started_via": [r["via"] for r in ours_warm],
                "calculator_phases_ms": median_phases([r["phases"] for r in ours_warm]),
                "calculator_longest_task_ms": max(
                    (t for r in ours_warm for t in r["second_tasks"]), default=0
                ),
                "bare_longest_task_ms": max(
                    (t for r in bare_warm for t in r["second_tasks"]), default=0
                ),
                "device_storage": ours_warm[-1]["storage"],
            }
            latencies = input_latency(browser, calc)
            out["input_to_result_ms"] = {
                "count": len(latencies),
                "median": median(latencies),
                "p95": p95(latencies),
                "max": max(latencies),
            }
            out["guide_pages"] = guide_bytes(browser, base, guides)
            out["site"] = str(copy)
            restored = [restore_on_first_visit(browser, calc) for _ in range(args.warm_runs)]
            out["build_time_snapshot"] = build_time_snapshot(out, restored)
            del out["site"]
            statement_pages = [p for p in runtime_pages if p.startswith("reconcile")]
            if statement_pages:
                data = bench_statement.statement(100_000)
                native = min(bench_statement.cpython(data, 2)["call_json"])
                browser_run = statement_in_browser(browser, base + statement_pages[0], data)
                out["statement_100k"] = {
                    "cpython_call_json_s": round(native, 3),
                    "browser": browser_run,
                    "ratio": round(browser_run["seconds"] / native, 2),
                }
                # The same statement as .xlsx: the Excel readers are fetched on
                # this first workbook of the visit, so their download is counted.
                book = bench_statement.workbook(100_000)
                native_xlsx = min(bench_statement.cpython(book, 1)["call_json"])
                xlsx_run = statement_in_browser(
                    browser, base + statement_pages[0], book, "statement.xlsx"
                )
                out["statement_xlsx_100k"] = {
                    "cpython_call_json_s": round(native_xlsx, 3),
                    "browser": xlsx_run,
                    "goal_s": 15,
                    "met": xlsx_run["seconds"] <= 15 and xlsx_run["longest_task_ms"] <= 200,
                }
            browser.close()
        server.shutdown()

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    report(out)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


def print_phases(steps: dict[str, float], fee: float) -> None:
    """One line: when each start-up step ended, medians, ms from navigation."""
    parts = [f"{name} {ms:.0f}" for name, ms in steps.items()] + [f"fee {fee:.0f}"]
    print(f"{'':>11}  steps (ms from navigation): {' > '.join(parts)}")


def report(out: dict) -> None:
    print(
        f"page: {out['page']}   (precompressed br/gzip, else gzip; strict CSP; headless Chromium)"
    )
    for label in ("unthrottled", "throttled"):
        r = out[label]
        goal = 0.5 if label == "unthrottled" else 0.7
        print(
            f"{label:>11}: first fee {r['calculator_first_fee_ms']:7.0f} ms   "
            f"bare loadPyodide {r['bare_loadpyodide_ms']:7.0f} ms   "
            f"ratio {r['ratio']:.2f} (goal <= {goal})   "
            f"bytes {r['calculator_bytes'] / 1e6:.2f} MB vs {r['bare_bytes'] / 1e6:.2f} MB"
        )
        print_phases(r["calculator_phases_ms"], r["calculator_first_fee_ms"])
        print(
            f"{'':>11}  longest main-thread task {r['calculator_longest_task_ms']} ms "
            f"({r['calculator_tasks_over_200ms']} over 200 ms); "
            f"bare page {r['bare_longest_task_ms']} ms"
        )
    w = out["warm"]
    print(
        f"       warm: second visit first fee {w['second_visit_first_fee_ms']:.0f} ms "
        f"(from {'/'.join(sorted(set(w['started_via'])))})   bare loadPyodide second visit "
        f"{w['bare_second_visit_ms']:.0f} ms   ratio {w['ratio']:.2f} (goal <= 0.25)"
    )
    print_phases(w["calculator_phases_ms"], w["second_visit_first_fee_ms"])
    print(
        f"{'':>11}  longest main-thread task {w['calculator_longest_task_ms']} ms; "
        f"bare page {w['bare_longest_task_ms']} ms"
    )
    store = w["device_storage"]
    parts = ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(store["details"].items()))
    print(f"    storage: {store['usage'] / 1e6:.1f} MB on the device ({parts})")
    snap = out["build_time_snapshot"]
    print(
        f"   snapshot: {snap['raw'] / 1e6:.1f} MB, brotli {snap['brotli'] / 1e6:.2f} MB = "
        f"{snap['extra_download_s_at_10mbit']:.1f} s more at 10 Mbit/s "
        f"(+{snap['brotli_decode_s']:.2f} s to decode) against {snap['boot_saved_s']:.1f} s "
        f"of boot saved (a first visit restoring it: first fee "
        f"{snap['first_visit_restore_ms']:.0f} ms): "
        f"{'ship it' if snap['ship'] else 'not shipped'} on a first visit"
    )
    lat = out["input_to_result_ms"]
    print(
        f"      input: {lat['count']} inputs, median {lat['median']} ms, "
        f"p95 {lat['p95']} ms, max {lat['max']} ms"
    )
    for path, g in out["guide_pages"].items():
        flag = "  WASM!" if g["fetched_wasm"] else ""
        print(
            f"      guide: {path:<16} {g['bytes'] / 1024:7.1f} KB{flag}   "
            f"(then precached once idle: {g['precache_bytes'] / 1024:.0f} KB)"
        )
    st = out.get("statement_100k")
    if st:
        print(
            f"  statement: 100,000 rows in the browser {st['browser']['seconds']:.2f} s "
            f"(click to summary, {st['browser']['rows_shown']} rows shown; longest main-thread "
            f"task {st['browser']['longest_task_ms']} ms); CPython call_json "
            f"{st['cpython_call_json_s']:.2f} s; ratio {st['ratio']:.2f}"
        )
    sx = out.get("statement_xlsx_100k")
    if sx:
        print(
            f"       xlsx: 100,000 rows in the browser {sx['browser']['seconds']:.2f} s "
            f"(choose file, click to summary; goal <= {sx['goal_s']} s; longest main-thread "
            f"task {sx['browser']['longest_task_ms']} ms); CPython call_json "
            f"{sx['cpython_call_json_s']:.2f} s"
        )


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    sys.exit(main())
