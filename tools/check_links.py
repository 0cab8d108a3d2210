"""Check every internal link and anchor in the built site; list external ones.

Offline: external links cannot be fetched here, so they are collected into one
report (with the page that carries them) and checked against the deny list.
Usage: python tools/check_links.py SITE_DIR [--report FILE] [--deny FILE]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# Attributes that make the browser fetch or navigate.
_LINK_ATTRS = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("form", "action"),
}
_SKIP_REL = {"canonical", "alternate"}  # names of the page elsewhere, never fetched
_BASE = "http://site.invalid/"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name"):
            if key in values:
                self.ids.add(values[key])
        if tag == "link" and _SKIP_REL & set(values.get("rel", "").split()):
            return
        for attr_tag, attr in _LINK_ATTRS:
            if tag == attr_tag and attr in values:
                self.links.append(values[attr])


@dataclass
class Report:
    pages: int = 0
    internal: int = 0
    broken: list[str] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=dict)
    denied: list[str] = field(default_factory=list)


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _target_file(site: Path, url: str) -> Path | None:
    path = unquote(urlsplit(url).path)[len("/") :]
    candidate = site / path
    if candidate.is_dir() or path.endswith("/") or path == "":
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_site(site: Path, deny: list[str]) -> Report:
    report = Report()
    parsed: dict[Path, _PageParser] = {}

    def page(path: Path) -> _PageParser:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for html in sorted(site.rglob("*.html")):
        report.pages += 1
        here = _BASE + html.relative_to(site).as_posix()
        for raw in page(html).links:
            url = urljoin(here, raw.strip())
            scheme = urlsplit(url).scheme
            if scheme in {"mailto", "tel", "data", "javascript"}:
                if scheme == "javascript":
                    report.broken.append(f"{html.relative_to(site)}: javascript: link {raw!r}")
                continue
            if not url.startswith(_BASE):
                host = urlsplit(url).hostname or ""
                report.external.setdefault(url, set()).add(html.relative_to(site).as_posix())
                if any(host == d or host.endswith("." + d) for d in deny):
                    report.denied.append(f"{html.relative_to(site)}: {url}")
                continue
            report.internal += 1
            target = _target_file(site, url)
            where = f"{html.relative_to(site)}: {raw}"
            if target is None:
                report.broken.append(f"{where} (no such file)")
                continue
            anchor = unquote(urlsplit(url).fragment)
            if anchor and target.suffix == ".html" and anchor not in page(target).ids:
                report.broken.append(f"{where} (no anchor #{anchor} in {target.relative_to(site)})")
    return report


def read_deny(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [x.strip().lower() for x in lines if x.strip() and not x.strip().startswith("#")]


def write_report(report: Report, path: Path) -> None:
    lines = [f"# External links in the built site ({len(report.external)}); not fetched offline."]
    for url in sorted(report.external):
        lines.append(f"{url}\t{', '.join(sorted(report.external[url]))}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--report", type=Path, default=Path("test-results/external-links.txt"))
    parser.add_argument("--deny", type=Path, default=Path("tests/site/deny_hosts.txt"))
    args = parser.parse_args(argv)
    report = check_site(args.site, read_deny(args.deny))
    write_report(report, args.report)
    print(
        f"{report.pages} pages, {report.internal} internal links, "
        f"{len(report.external)} external links (listed in {args.report})"
    )
    for problem in report.broken + [f"denied host: {d}" for d in report.denied]:
        print(problem, file=sys.stderr)
    return 1 if report.broken or report.denied else 0


if __name__ == "__main__":
    sys.exit(main())
