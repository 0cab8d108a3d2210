"""Search on a phone: open the search box on a guide page over a throttled link
(10 Mbit/s, 100 ms) and time typing to results, cold (the index still to load)
and warm (later queries).

    python tools/bench_search.py [--site site] [--runs 3]

Goal: results within 1 s of typing, with nothing fetched for search before the
box opens. Writes bench/results/search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.bench import CHROMIUM_ARGS, Transfer, new_page, serve  # noqa: E402
from tools.find_chromium import HOW_TO_GET, find_chromium  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search.json"
GUIDE = "solutions/"
FIRST = "户名不一致"
LATER = ["审核要多久", "押金退不了", "诈骗", "手续费怎么算", "二类卡"]
# A reader taps the search button, then starts typing: a second is quick for
# a phone keyboard; the engine loads meanwhile.
READER_PAUSE_MS = 1000

# Time from the text arriving in the box to this query's results on screen.
TIMED_INPUT = """(query) => new Promise((done) => {
  const list = document.getElementById("pos-search-results");
  const box = document.getElementById("pos-search-input");
  const start = performance.now();
  const seen = () => list.dataset.query === query && list.children.length;
  const watch = new MutationObserver(() => {
    if (seen()) { watch.disconnect(); done(performance.now() - start); }
  });
  watch.observe(list, { attributes: true, childList: true });
  setTimeout(() => { watch.disconnect(); done(-1); }, 20000);  // never: shows as -1
  box.value = query;
  box.dispatchEvent(new InputEvent("input", { inputType: "insertFromPaste" }));
})"""


def one_run(browser, base: str, pause_ms: int) -> dict:  # noqa: ANN001
    """One cold visit: the guide page, then search opened and, `pause_ms` later
    (0: pasted at the very moment of opening), the first query."""
    context, page = new_page(browser, throttled=True)
    transfer = Transfer(context)
    page.goto(base + GUIDE, wait_until="networkidle")
    before = [u for u in transfer.urls if "pagefind" in u or "/search/" in u]
    guide_bytes = transfer.total
    page.locator('label.md-header__button[for="__search"]').click()
    page.wait_for_timeout(pause_ms)
    first = page.evaluate(TIMED_INPUT, FIRST)
    later = [page.evaluate(TIMED_INPUT, query) for query in LATER]
    page.wait_for_timeout(200)
    search_bytes = transfer.total - guide_bytes
    context.close()
    return {
        "fetched_before_open": before,
        "guide_page_bytes": guide_bytes,
        "search_bytes": search_bytes,
        "first_query_ms": round(first),
        "later_queries_ms": [round(ms) for ms in later],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (args.site / "pagefind" / "pagefind.js").is_file():
        sys.exit(f"{args.site} has no built search: run `make build` first.")
    executable = find_chromium()
    if executable is None:
        sys.exit(HOW_TO_GET)
    from playwright.sync_api import sync_playwright

    server = serve(args.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        runs = [one_run(browser, base, READER_PAUSE_MS) for _ in range(args.runs)]
        pasted = [one_run(browser, base, 0) for _ in range(args.runs)]
        browser.close()
    server.shutdown()
    firsts = [r["first_query_ms"] for r in runs]
    laters = [ms for r in runs + pasted for ms in r["later_queries_ms"]]
    worst = [r["first_query_ms"] for r in pasted]
    out = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "link": "10 Mbit/s, 100 ms, gzip, 390 px",
        "page": GUIDE,
        "reader_pause_ms": READER_PAUSE_MS,
        "first_query_ms_median": statistics.median(firsts),
        "first_query_ms_max": max(firsts),
        "pasted_at_open_ms_median": statistics.median(worst),
        "pasted_at_open_ms_max": max(worst),
        "later_query_ms_median": statistics.median(laters),
        "later_query_ms_max": max(laters),
        "search_bytes": max(r["search_bytes"] for r in runs),
        "fetched_before_open": sorted({u for r in runs for u in r["fetched_before_open"]}),
        "runs": runs,
        "pasted_runs": pasted,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    verdict = "within" if out["first_query_ms_max"] <= 1000 else "OVER"
    print(
        f"     search: {GUIDE} over 10 Mbit/s, 100 ms; query {READER_PAUSE_MS} ms after opening: "
        f"results {out['first_query_ms_median']:.0f} ms median, {out['first_query_ms_max']} ms "
        f"max after typing ({verdict} 1 s)"
    )
    print(
        f"             pasted at the instant of opening: {out['pasted_at_open_ms_median']:.0f} ms "
        f"median, {out['pasted_at_open_ms_max']} ms max; later queries "
        f"{out['later_query_ms_median']:.0f} ms median, {out['later_query_ms_max']} ms max"
    )
    print(
        f"             {out['search_bytes'] / 1024:.0f} KB fetched for search; "
        f"{len(out['fetched_before_open'])} search files before opening"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    sys.exit(main())
