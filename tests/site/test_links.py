"""Links gate: internal links and anchors resolve; external links are listed
in one report and none points to a denied host."""

from __future__ import annotations

import shutil
from pathlib import Path

from tools.check_links import check_site, read_deny, write_report

ROOT = Path(__file__).resolve().parents[2]
DENY = read_deny(ROOT / "tests" / "site" / "deny_hosts.txt")


def test_internal_links_and_anchors_resolve(site_dir: Path) -> None:
    report = check_site(site_dir, DENY)
    write_report(report, ROOT / "test-results" / "external-links.txt")
    assert report.pages >= 9 and report.internal > 100
    assert not report.broken, report.broken[:20]
    assert not report.denied, report.denied


def test_checker_catches_planted_defects(site_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    page = copy / "causes" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace(
            "</article>",
            '<a href="../solutions/#no-such-anchor">x</a><a href="../missing/">y</a>'
            '<a href="https://www.lftpos.com/apply">z</a></article>',
            1,
        ),
        encoding="utf-8",
    )
    report = check_site(copy, DENY)
    assert any("no-such-anchor" in b for b in report.broken)
    assert any("missing/" in b for b in report.broken)
    assert report.denied == ["causes/index.html: https://www.lftpos.com/apply"]
