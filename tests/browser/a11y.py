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


def axe_violations(page: Page, within: str | None = None) -> list[str]:
    """One line per violated rule and node, empty when the page passes.

    Text at a 1:1 contrast ratio (its colour equals its background) counts as
    a violation too: axe files it under "incomplete", since the text might be
    meant to be hidden, and so missed a download button whose label had the
    button's own colour. The script is evaluated over the DevTools protocol,
    which the page's CSP does not restrict, so the site keeps its strict policy
    during the check. `within` (a selector) checks one part of the page only.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
        # Judge colours as they settle, not halfway through a fade-in.
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important; "
            "animation: none !important; }"
        )
    result = page.evaluate(
        """async ([tags, within]) => {
            const root = within ? document.querySelector(within) : document;
            const r = await axe.run(root, {runOnly: {type: "tag", values: tags}});
            const lines = r.violations.map(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary}`)).flat();
            const invisible = (check) => {
                const d = check.data || {};
                return d.messageKey === "equalRatio" || Number(d.contrastRatio) === 1
                    || (d.fgColor !== undefined && d.fgColor === d.bgColor);
            };
            for (const v of r.incomplete.filter(v => v.id === "color-contrast")) {
                for (const n of v.nodes.filter(n => n.any.some(invisible))) {
                    const d = n.any.find(invisible).data;
                    lines.push(`color-contrast 1:1 (axe: incomplete): ${n.target.join(" ")} — `
                        + `text ${d.fgColor} on ${d.bgColor}`);
                }
            }
            return lines;
        }""",
        [WCAG_TAGS, within],
    )
    return list(result)
