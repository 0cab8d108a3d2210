"""Score search engines on the merchant query set (tests/search/queries.toml).

    python tools/search_eval.py [SITE_DIR]

Builds the site when no directory is given, then, in headless Chromium under
the deploy headers, runs every query through:

- pagefind:  the site's search (Pagefind index, ICU4X-segmented at build time,
             Intl.Segmenter on the query, with the merchant synonyms);
- material:  Material's built-in lunr search on its jieba-segmented index, the
             query as the reader typed it (what the site had before);
- material+seg: the same index, the query cut into the index's own words
             (longest match against the jieba vocabulary) plus the synonyms.

A query scores when a right section is among the first three results. Prints
one line per engine and the misses; writes bench/results/search_eval.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.find_chromium import find_chromium  # noqa: E402
from tools.static_server import serve  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "search" / "queries.toml"

MATERIAL_JS = r"""
async ([queries, segment, worker, groups]) => {
  const index = await (await fetch("search/search_index.json")).json();
  const vocab = new Set();
  for (const doc of index.docs)
    for (const part of (doc.title + " " + doc.text).replace(/<[^>]+>/g, " ")
      .split(/[\s\u200b\-_,:!=\[\]()"`/，。、：；（）“”《》？！]+/))
      if (part) vocab.add(part.toLowerCase());
  const longest = Math.max(...[...vocab].map((w) => w.length));
  const cut = (q) => {
    const out = [];
    for (const chunk of q.toLowerCase().split(/\s+/)) {
      let i = 0;
      while (i < chunk.length) {
        let n = Math.min(longest, chunk.length - i);
        while (n > 1 && !vocab.has(chunk.slice(i, i + n))) n--;
        out.push(chunk.slice(i, i + n));
        i += n;
      }
    }
    return out;
  };
  const w = new Worker(worker);
  const ask = (msg) => new Promise((done) => {
    w.onmessage = (e) => done(e.data);
    w.postMessage(msg);
  });
  const setup = { config: index.config, docs: index.docs, options: { suggest: false } };
  await ask({ type: 0, data: setup });
  const out = [];
  for (const q of queries) {
    let query = q;
    if (segment) {
      const words = cut(q);
      for (const group of groups)
        if (group.some((g) => q.toLowerCase().includes(g.toLowerCase())))
          for (const g of group) words.push(...cut(g));
      query = [...new Set(words)].join(" ");
    }
    const reply = await ask({ type: 2, data: query });
    out.push((reply.data.items || []).map((group) => group[0].location).slice(0, 3));
  }
  return out;
}
"""

PAGEFIND_JS = """
async (queries) => {
  const engine = await import("./assets/js/search/engine.js");
  const out = [];
  for (const q of queries) out.push((await engine.search(q, 3)).map((r) => r.url));
  return out;
}
"""


def load_queries(path: Path = QUERIES) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["query"]


def normalize(url: str) -> str:
    """'/causes/#x' -> 'causes/#x'; a page's own title anchor -> the page."""
    url = unquote(url).lstrip("/").replace("index.html", "")
    return url or "index/"


def hit(found: list[str], answers: list[str], titles: dict[str, str]) -> bool:
    for url in found:
        url = normalize(url)
        page, _, anchor = url.partition("#")
        page = page or "index/"
        if url in answers or (page + "#" + anchor) in answers:
            return True
        if (not anchor or anchor == titles.get(page)) and page in answers:
            return True
    return False


def page_titles(site: Path) -> dict[str, str]:
    """Each page's h1 id, so that a hit on the title counts as the page."""
    import re

    titles = {}
    for file in site.rglob("index.html"):
        rel = file.relative_to(site).parent.as_posix()
        page = "index/" if rel == "." else rel + "/"
        found = re.search(r'<h1 id="([^"]+)"', file.read_text(encoding="utf-8"))
        if found:
            titles[page] = found.group(1)
    return titles


def main() -> int:
    from playwright.sync_api import sync_playwright

    if len(sys.argv) > 1:
        site = Path(sys.argv[1])
    else:
        site = Path(tempfile.mkdtemp()) / "site"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(site)],
            cwd=ROOT,
            check=True,
        )
    queries = load_queries()
    texts = [q["q"] for q in queries]
    titles = page_titles(site)
    synonyms = json.loads((site / "pagefind" / "synonyms.json").read_text(encoding="utf-8"))
    groups = [group["words"] for group in synonyms["groups"]]
    worker = next((site / "assets/javascripts/workers").glob("search.*.min.js"))
    worker_url = worker.relative_to(site).as_posix()
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(base)
        runs = {
            "pagefind": lambda: page.evaluate(PAGEFIND_JS, texts),
            "material": lambda: page.evaluate(MATERIAL_JS, [texts, False, worker_url, groups]),
            "material+seg": lambda: page.evaluate(MATERIAL_JS, [texts, True, worker_url, groups]),
        }
        for name, run in runs.items():
            found = run()
            misses = [
                {"q": q["q"], "top3": [normalize(u) for u in f]}
                for q, f in zip(queries, found, strict=True)
                if not hit(f, q["answers"], titles)
            ]
            score = len(queries) - len(misses)
            results[name] = {"score": score, "of": len(queries), "misses": misses}
            print(f"{name:14} {score}/{len(queries)} in the top 3")
            for miss in misses:
                print(f"    miss {miss['q']}: {', '.join(miss['top3']) or '(nothing)'}")
        browser.close()
    server.shutdown()
    out = ROOT / "bench" / "results" / "search_eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
