"""axe-core (pinned npm package) run inside the page, WCAG 2.1 A/AA rules only."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[str]:
    """One line per violated rule and node, empty when the page passes.

    The script is evaluated over the DevTools protocol, which the page's CSP
    does not restrict, so the site keeps its strict policy during the check.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
        # Judge colours as they settle, not halfway through a fade-in.
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important; "
            "animation: none !important; }"
        )
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary}`)).flat();
        }""",
        WCAG_TAGS,
    )
    return list(result)
