"""The effective rate over time as a small self-contained SVG.

The page shows it through an <img> (a data: URL), so nothing in it can run;
every text is escaped anyway. Solid line: what was charged; dashed line of
the same colour: what the contract gives for the same transactions.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.money import format_rate

if TYPE_CHECKING:
    from calculator.statement.report import DayPoint

# Drawn at about a phone column's width, so its 16 px text stays near 13 px
# on a 360 px screen instead of shrinking to 8 px as a 640 px drawing did.
WIDTH, HEIGHT = 400, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 64
FONT_SIZE = 16
LEGEND_STEP = 76
COLOURS = {
    "credit": "#c62828",
    "debit": "#1565c0",
    "wechat": "#2e7d32",
    "alipay": "#6a1b9a",
    "unionpay_qr": "#ef6c00",
}
# The same hues lightened for the dark scheme's background (contrast >= 4.5:1 on #1e2129).
DARK_COLOURS = {
    "credit": "#ef9a9a",
    "debit": "#90caf9",
    "wechat": "#a5d6a7",
    "alipay": "#ce93d8",
    "unionpay_qr": "#ffcc80",
}
SCHEMES = {  # background, grid, text
    False: ("#ffffff", "#dddddd", "#333333"),
    True: ("#1e2129", "#444a58", "#e2e4e9"),
}


def _percent(rate: Decimal) -> Decimal:
    """The percent as the table beside the chart rounds it, so line and table agree."""
    return Decimal(format_rate(rate).rstrip("%"))


def _nice_top(value: Decimal) -> Decimal:
    for top in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3), Decimal(5), Decimal(10)):
        if value <= top:
            return top
    return (value / 10).to_integral_value(rounding="ROUND_CEILING") * 10


def rate_chart(series: list[DayPoint], dark: bool = False) -> str:
    """SVG text; an empty string when the statement has no dates to plot.

    `dark` draws it for the site's dark scheme: an <img> cannot follow the
    page's colours, so the page swaps between the two drawings.
    """
    if not series:
        return ""
    dates = sorted({p.date for p in series})
    top = _nice_top(max(max(_percent(p.effective_rate), _percent(p.expected_rate)) for p in series))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(len(dates) - 1, 1)
    x_of = {d: LEFT + plot_w * i / span for i, d in enumerate(dates)}

    def y(value: Decimal) -> float:
        return TOP + plot_h * float(1 - value / top)

    background, grid, ink = SCHEMES[dark]
    colours = DARK_COLOURS if dark else COLOURS
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="{FONT_SIZE}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{background}"/>',
    ]
    for i in range(5):
        value = top * i / 4
        yy = y(value)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="{grid}"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="{ink}">'
            f"{escape(f'{value.normalize():f}')}%</text>"
        )
    for d, anchor in ((dates[0], "start"), (dates[-1], "end")):
        out.append(
            f'<text x="{x_of[d]:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="{anchor}" '
            f'fill="{ink}">{escape(d)}</text>'
        )
    legend_x = 8
    for channel in CHANNELS:
        points = [p for p in series if p.channel == channel]
        if not points:
            continue
        colour = colours[channel]
        for rate_of, dash in (
            (lambda p: p.expected_rate, ' stroke-dasharray="4 3"'),
            (lambda p: p.effective_rate, ""),
        ):
            coords = " ".join(f"{x_of[p.date]:.1f},{y(_percent(rate_of(p))):.1f}" for p in points)
            if len(points) == 1:
                x0, y0 = coords.split(",")
                out.append(f'<circle cx="{x0}" cy="{y0}" r="3" fill="{colour}"/>')
            else:
                out.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    f'stroke-width="{1 if dash else 2}"{dash}/>'
                )
        out.append(
            f'<rect x="{legend_x}" y="{HEIGHT - 26}" width="14" height="14" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{legend_x + 18}" y="{HEIGHT - 14}" fill="{ink}">'
            f"{escape(SHORT_NAMES[channel])}</text>"
        )
        legend_x += LEGEND_STEP
    out.append("</svg>")
    return "".join(out)
