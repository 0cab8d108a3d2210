"""Charts as inline SVG text, drawn by our Python so no chart library loads.

Sized for a 360px phone (viewBox 360 wide, scaled to the container), with a
<title> and <desc> for screen readers and a data table returned beside the
picture. Every piece of text is escaped here, so the browser can parse the
result as SVG without ever treating data as markup. Coordinates are Decimal
rounded to 0.1, so CPython and Pyodide produce the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html import escape

from calculator.core.channels import SHORT_NAMES
from calculator.core.money import FEN, MAX_AMOUNT, format_yuan, quantize_fen
from calculator.core.plans import Plan
from calculator.fees.estimate import Comparison, Estimate
from calculator.fees.transaction import channel_rule, fee_for

WIDTH = 320  # about the content width on a 360px phone, so text keeps its size
PAD = 6
FONT = 15
SMALL = 13
# Blue and green read on white and on the dark scheme; cheapest is also said in words.
BAR = "#1e88e5"
BEST = "#2e7d32"
SERIES = (("#1e88e5", ""), ("#e65100", "6 4"), ("#2e7d32", "2 3"), ("#8e24aa", "10 3 2 3"))
SERIES_MORE = ("#546e7a", "1 2")
TENTH = Decimal("0.1")
LINE = Decimal("1.3")  # line height, in font sizes


@dataclass(frozen=True)
class Chart:
    svg: str
    title: str
    desc: str
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "svg": self.svg,
            "title": self.title,
            "desc": self.desc,
            "table": {
                "caption": self.caption,
                "head": list(self.head),
                "rows": [list(r) for r in self.rows],
            },
        }


def _n(value: Decimal | int) -> str:
    """A coordinate: one decimal, no exponent, same text on every Python."""
    return f"{Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP):f}"


def _t(text: str) -> str:
    return escape(text, quote=True)


def text_width(text: str, size: int) -> Decimal:
    """A generous estimate of drawn width: a CJK or full-width character is one
    em, anything else about 0.62 em (digits and Latin letters in sans-serif)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return Decimal(size) * (wide + Decimal("0.62") * (len(text) - wide))


def wrap(text: str, size: int, room: Decimal | int) -> list[str]:
    """Lines of `text` that each fit `room` pixels: a label is wrapped, never cut."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and text_width(line + ch, size) > room:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return [*lines, line] if line else lines


def _lines(
    x: Decimal | int, y: Decimal | int, lines: list[str], size: int, **attrs: str
) -> list[str]:
    """One <text> per wrapped line, the first baseline at `y`."""
    step = LINE * size
    return [_text(x, y + step * i, line, size, **attrs) for i, line in enumerate(lines)]


def _text(x: Decimal | int, y: Decimal | int, text: str, size: int = FONT, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{_t(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="currentColor"{extra}>'
        f"{_t(text)}</text>"
    )


def _svg(uid: str, height: int, title: str, desc: str, body: list[str]) -> str:
    ident = "".join(ch for ch in uid if ch.isalnum() or ch == "-") or "chart"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'class="pos-chart" font-family="sans-serif">'
        f'<title id="{ident}-t">{_t(title)}</title><desc id="{ident}-d">{_t(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _standing(comparison: Comparison, item: Estimate) -> str:
    """ ", 最省" / ", 比最省的多 … 元" / ", 示例，只作对照" for the chart's text."""
    if item.plan.example:
        return "（示例，只作对照）"
    if comparison.is_cheapest(item):
        return "，最省"
    extra = comparison.difference(item)
    return "" if extra is None else f"，比最省的多 {format_yuan(extra)} 元"


def _above_cheapest(comparison: Comparison, item: Estimate) -> str:
    extra = comparison.difference(item)
    if extra is None:
        return "示例，不比较" if item.plan.example else "—"
    return format_yuan(extra)


def compare_bars(comparison: Comparison, uid: str = "cmp") -> Chart:
    """Horizontal bars of first-year totals: names above bars read on a phone."""
    items = comparison.estimates
    top = Decimal(max(e.first_year_total for e in items)) or Decimal(1)
    bar_room = Decimal(WIDTH - 2 * PAD - 96)
    body = [_text(PAD, 18, "第一年总费用（元），越短越省", SMALL)]
    lines = []
    y = Decimal(34)
    for item in items:
        best = comparison.is_cheapest(item)
        label = item.plan.name + ("（最省）" if best else "")
        label_lines = wrap(label, FONT, WIDTH - 2 * PAD)
        weight = "bold" if best else "normal"
        body += _lines(PAD, y + FONT, label_lines, FONT, font_weight=weight)
        bar_y = y + LINE * FONT * (len(label_lines) - 1) + 20
        length = max(Decimal(2), bar_room * item.first_year_total / top)
        body.append(
            f'<rect x="{PAD}" y="{_n(bar_y)}" width="{_n(length)}" height="22" rx="3" '
            f'fill="{BEST if best else BAR}"/>'
        )
        body.append(_text(PAD + length + 6, bar_y + 17, format_yuan(item.first_year_total), SMALL))
        lines.append(
            f"{item.plan.name}{_standing(comparison, item)}，"
            f"第一年共 {format_yuan(item.first_year_total)} 元"
        )
        y = bar_y + 22 + 18
    height = int(y.to_integral_value(rounding=ROUND_CEILING))
    title = "各方案第一年总费用对比"
    desc = "；".join(lines) + "。"
    rows = tuple(
        (e.plan.name, format_yuan(e.first_year_total), _above_cheapest(comparison, e))
        for e in items
    )
    return Chart(
        svg=_svg(uid, height, title, desc, body),
        title=title,
        desc=desc,
        caption=title + "（元）",
        head=("方案", "第一年总费用（元）", "比最省的多（元）"),
        rows=rows,
    )


def _nice_step(span: Decimal, ticks: int = 4) -> Decimal:
    raw = span / ticks
    power = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10  # pragma: no cover - the loop always returns


def _cap_point(plan: Plan, channel: str) -> tuple[Decimal, Decimal] | None:
    """(amount where the cap starts, cap) for the last band, if it is capped."""
    band = plan.channels[channel].bands[-1]
    if band.cap is None or band.rate == 0:
        return None
    point = (band.cap / band.rate).quantize(FEN, rounding=ROUND_CEILING)
    return point, band.cap


def _x_max(plans: list[Plan], channel: str) -> Decimal:
    points = [p[0] for p in (_cap_point(plan, channel) for plan in plans) if p]
    for plan in plans:
        points += [b.up_to for b in plan.channels[channel].bands if b.up_to is not None]
    span = max([Decimal(5000)] + [2 * p for p in points])
    span = min(span, MAX_AMOUNT)
    step = _nice_step(span)
    return (span / step).to_integral_value(rounding=ROUND_CEILING) * step


Box = tuple[Decimal, Decimal, Decimal, Decimal]  # left, top, right, bottom


def _free_spot(
    x: Decimal, y: Decimal, note: str, placed: list[Box], top: int, bottom: int
) -> tuple[Decimal, Decimal, str]:
    """Where a cap label fits whole inside the chart without touching another.

    Tries above the point, then below, then further away; right of the point
    when the text fits there, else left of it. The chosen box is recorded.
    """
    width = text_width(note, SMALL)
    if x + 6 + width <= WIDTH - 2:
        x0, anchor_x, anchor = x + 6, x + 6, "start"
    else:
        x0, anchor_x, anchor = x - 6 - width, x - 6, "end"
    box: Box = (x0, y - 8 - SMALL, x0 + width, y - 8 + 3)
    for shift in (-8, 18, -26, 36, -44, 54, -62, 72):
        baseline = y + shift
        box = (x0, baseline - SMALL, x0 + width, baseline + 3)
        inside = top - 8 <= box[1] and box[3] <= bottom
        if inside and not any(_overlap(box, other) for other in placed):
            break
    placed.append(box)
    return anchor_x, box[3] - 3, anchor


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def fee_curve(plans: list[Plan], channel: str, uid: str = "curve") -> Chart:
    """Fee against amount for one channel; a cap shows as the line going flat."""
    for plan in plans:
        channel_rule(plan, channel)
    x_max = _x_max(plans, channel)
    samples = {x_max * i / 60 for i in range(1, 61)} | {FEN}
    for plan in plans:
        for band in plan.channels[channel].bands:
            if band.up_to is not None:
                samples |= {band.up_to, band.up_to + FEN}
            if band.rate:
                for figure in (band.cap, band.minimum):
                    if figure is not None:
                        samples.add((figure / band.rate).quantize(FEN, rounding=ROUND_CEILING))
    amounts = sorted(quantize_fen(a) for a in samples if FEN <= a <= x_max)
    series = [[fee_for(plan.channels[channel], a) for a in amounts] for plan in plans]
    y_top = max([Decimal(1)] + [max(s) for s in series])
    y_step = _nice_step(y_top)
    y_max = (y_top / y_step).to_integral_value(rounding=ROUND_CEILING) * y_step
    legend_room = WIDTH - PAD - (PAD + 34)
    legends = [wrap(plan.name, SMALL, legend_room) for plan in plans]
    legend_height = sum(LINE * SMALL * len(lines) + 4 for lines in legends)
    left, right = 44, WIDTH - 16
    top = int((30 + legend_height + 14).to_integral_value(rounding=ROUND_CEILING))
    bottom = top + 170
    height = bottom + 42

    def sx(amount: Decimal) -> Decimal:
        return left + (right - left) * amount / x_max

    def sy(fee: Decimal) -> Decimal:
        return bottom - (bottom - top) * fee / y_max

    name = SHORT_NAMES[channel]
    body = [_text(PAD, 18, f"{name}每笔手续费（元）", SMALL)]
    y = Decimal(30)
    for index, lines in enumerate(legends):
        color, dash = SERIES[index] if index < len(SERIES) else SERIES_MORE
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{PAD}" y1="{_n(y + 6)}" x2="{PAD + 28}" y2="{_n(y + 6)}" '
            f'stroke="{color}" stroke-width="3"{dash_attr}/>'
        )
        body += _lines(PAD + 34, y + 11, lines, SMALL)
        y += LINE * SMALL * len(lines) + 4
    # Axes and ticks.
    body.append(
        f'<path d="M{left} {top}V{bottom}H{right}" fill="none" stroke="currentColor" '
        f'stroke-width="1"/>'
    )
    tick = Decimal(0)
    while tick <= y_max:
        y = sy(tick)
        body.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}" stroke="currentColor" '
            f'stroke-opacity="0.15"/>'
        )
        body.append(_text(left - 4, y + 4, _plain(tick), SMALL, text_anchor="end"))
        tick += y_step
    x_step = _nice_step(x_max)
    ticks = []
    tick = Decimal(0)
    while tick <= x_max:
        ticks.append(tick)
        tick += x_step
    # The ends always; a tick between them only where its label has room.
    drawn: list[Box] = []
    for tick in sorted(ticks, key=lambda t: (t not in (0, x_max), t)):
        label = _plain(tick)
        width = text_width(label, SMALL)
        anchor = "end" if tick == x_max else "middle" if tick else "start"
        x0 = sx(tick) - {"start": 0, "middle": width / 2, "end": width}[anchor]
        box: Box = (x0 - 4, Decimal(bottom), x0 + width + 4, Decimal(bottom + 20))
        if any(_overlap(box, other) for other in drawn):
            continue
        drawn.append(box)
        body.append(_text(sx(tick), bottom + 16, label, SMALL, text_anchor=anchor))
    body.append(_text(right, bottom + 34, "交易金额（元）", SMALL, text_anchor="end"))
    descs = []
    labelled: list[tuple[Decimal, Decimal]] = []
    placed: list[Box] = []
    for index, (plan, fees) in enumerate(zip(plans, series, strict=True)):
        color, dash = SERIES[index] if index < len(SERIES) else SERIES_MORE
        points = " ".join(f"{_n(sx(a))},{_n(sy(f))}" for a, f in zip(amounts, fees, strict=True))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2.5" '
            f'stroke-linejoin="round"{dash_attr}/>'
        )
        cap = _cap_point(plan, channel)
        if cap and cap[0] <= x_max:
            x, y = sx(cap[0]), sy(cap[1])
            body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{color}"/>')
            if cap not in labelled:
                # Same cap at the same amount: one label. Others never overlap it.
                note = f"封顶 {_plain(cap[1])} 元"
                spot = _free_spot(x, y, note, placed, top, bottom)
                body.append(_text(spot[0], spot[1], note, SMALL, text_anchor=spot[2]))
                labelled.append(cap)
            descs.append(
                f"{plan.name}：金额到 {format_yuan(cap[0])} 元时手续费达到封顶 "
                f"{format_yuan(cap[1])} 元，金额再大也不再增加"
            )
        else:
            descs.append(
                f"{plan.name}：没有封顶，{format_yuan(x_max)} 元一笔手续费 "
                f"{format_yuan(fees[-1])} 元"
            )
    title = f"{name}每笔手续费随金额的变化"
    desc = "；".join(descs) + "。"
    table_amounts = sorted(
        {Decimal(100), Decimal(1000), x_max / 2, x_max}
        | {c[0] for c in (_cap_point(p, channel) for p in plans) if c and c[0] <= x_max}
    )
    rows = tuple(
        (format_yuan(a),)
        + tuple(format_yuan(fee_for(p.channels[channel], quantize_fen(a))) for p in plans)
        for a in table_amounts
    )
    return Chart(
        svg=_svg(uid, height, title, desc, body),
        title=title,
        desc=desc,
        caption=f"{name}：不同金额的每笔手续费（元）",
        head=("交易金额（元）",) + tuple(p.name for p in plans),
        rows=rows,
    )


def _plain(value: Decimal) -> str:
    """Axis label: grouped, no needless decimals (5,000 / 12.5)."""
    value = quantize_fen(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"
