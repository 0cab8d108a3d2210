"""SVG charts: well-formed, labelled for screen readers, every text escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from calculator import api
from calculator.api import fees as api_fees
from calculator.core.plans import load_plans, plan_from_dict
from calculator.fees import charts
from calculator.fees.estimate import MixEntry, compare

SVG = "{http://www.w3.org/2000/svg}"
PLANS = load_plans()
MIX = [MixEntry("credit", Decimal(30000), 40), MixEntry("debit", Decimal(200000), 20)]
HOSTILE = '<script>alert(1)</script>&"x'


def hostile_plan():  # noqa: ANN201
    return plan_from_dict(
        {"name": HOSTILE, "channels": {"credit": {"rate_percent": 1}, "debit": {"rate_percent": 1}}}
    )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")]


def test_compare_bars_marks_cheapest_and_escapes_names() -> None:
    result = compare([PLANS["lakala-personal"], hostile_plan()], MIX)
    chart = charts.compare_bars(result)
    assert "<script" not in chart.svg and "&lt;script&gt;" in chart.svg
    root = parse(chart.svg)
    title = root.find(SVG + "title")
    desc = root.find(SVG + "desc")
    assert title is not None and desc is not None and "最省" in desc.text
    labelled = root.get("aria-labelledby").split()
    assert labelled == [title.get("id"), desc.get("id")]
    # Lakala is cheaper than a flat 1%: its bar is green and its label says so.
    assert any(t.startswith("拉卡拉个人 POS（最省）") for t in texts(root))
    fills = [r.get("fill") for r in root.iter(SVG + "rect")]
    assert fills == [charts.BEST, charts.BAR]
    assert chart.rows[0][2] == "0.00" and chart.head[0] == "方案"


def test_fee_curve_shows_the_debit_cap() -> None:
    chart = charts.fee_curve([PLANS["lakala-personal"]], "debit")
    root = parse(chart.svg)
    assert "封顶 25 元" in texts(root)
    assert "5,000.00 元" in chart.desc and "封顶" in chart.desc
    # The line goes flat: the last points all sit at the cap's height.
    points = root.find(SVG + "polyline").get("points").split()
    ys = {p.split(",")[1] for p in points[-10:]}
    assert len(ys) == 1
    assert ("5,000.00", "25.00") in chart.rows


def test_fee_curve_without_cap_and_escaping() -> None:
    chart = charts.fee_curve([hostile_plan()], "credit")
    assert "没有封顶" in chart.desc
    assert "<script" not in chart.svg
    parse(chart.svg)


def test_same_bytes_every_time_and_through_api() -> None:
    first = api_fees.chart("fee_curve", ["lakala-personal", "example-qr-bands"], channel="debit")
    second = api_fees.chart("fee_curve", ["lakala-personal", "example-qr-bands"], channel="debit")
    assert first == second
    bars = api.safe_call(
        "chart",
        kind="compare",
        plans=["lakala-personal", "example-d0-addon"],
        mix=[{"channel": "credit", "total": "30000", "count": "40"}],
    )
    assert bars["svg"].startswith("<svg") and bars["table"]["rows"]
    assert api.safe_call("chart", kind="pie", plans=["lakala-personal"])["error"]["code"] == (
        "unknown_chart"
    )


# --- labels that never overlap or get cut --------------------------------------

LONGEST = max((p.name for p in PLANS.values()), key=len)


def _own(name: str, rate: str, cap: str) -> object:
    return plan_from_dict(
        {
            "name": name,
            "channels": {
                "credit": {"rate_percent": rate},
                "debit": {"rate_percent": rate, "cap": cap},
            },
        }
    )


def _boxes(svg: str) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    """Every text's box, from its anchor, size and our width estimate."""
    boxes = []
    for node in parse(svg).iter(SVG + "text"):
        text, size = node.text or "", int(node.get("font-size"))
        x, y = Decimal(node.get("x")), Decimal(node.get("y"))
        width = charts.text_width(text, size)
        anchor = node.get("text-anchor", "start")
        left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
        boxes.append((text, left, y - size, left + width, y + 3))
    return boxes


def _assert_readable(svg: str) -> None:
    boxes = _boxes(svg)
    width = Decimal(charts.WIDTH)
    cut = [b[0] for b in boxes if b[1] < 0 or b[3] > width]
    assert not cut, f"text cut at the chart's edge: {cut}"
    clashes = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert not clashes, f"overlapping labels: {clashes}"


def test_longest_names_are_wrapped_whole_in_the_bars() -> None:
    plans = [PLANS["lakala-personal"], _own(LONGEST + "（加长）", "0.55", "20"), *(
        PLANS[p] for p in ("example-d0-addon", "example-qr-bands"))]  # fmt: skip
    chart = charts.compare_bars(compare(plans, MIX))
    _assert_readable(chart.svg)
    drawn = "".join(texts(parse(chart.svg)))
    assert "…" not in drawn
    for plan in plans:
        assert plan.name in drawn


def test_two_caps_of_the_same_value_get_two_clear_labels() -> None:
    plans = [_own(LONGEST, "0.5", "20"), _own("同样封顶 20 元的另一个方案", "0.45", "20"),
             PLANS["lakala-personal"]]  # fmt: skip
    chart = charts.fee_curve(plans, "debit")
    _assert_readable(chart.svg)
    drawn = texts(parse(chart.svg))
    assert drawn.count("封顶 20 元") == 2 and drawn.count("封顶 25 元") == 1
    assert LONGEST in "".join(drawn)
