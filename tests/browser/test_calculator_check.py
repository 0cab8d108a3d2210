"""到账核对 on a 390 px phone: "I received 29,100 from 30,000 by credit card",
the summary for the provider copied, a shared link that opens at the answer;
and a comparison that never names an example plan cheapest."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import PageWatch

BOOT = 60_000
# Every text of an SVG as the browser drew it: cut at the edge, or touching another.
READABLE = """(selector) => {
  const svg = document.querySelector(selector);
  const edge = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll("text")].map((node) => {
    const b = node.getBoundingClientRect();
    return { text: node.textContent, l: b.left, t: b.top, r: b.right, b: b.bottom };
  });
  const cut = boxes.filter((b) => b.l < edge.left - 0.5 || b.r > edge.right + 0.5);
  const clashes = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5) {
      clashes.push([a.text, b.text]);
    }
  }));
  return { texts: boxes.length, cut: cut.map((b) => b.text), clashes };
}"""


def test_received_29100_of_30000_is_720_overcharged(
    browser: Browser, watched: PageWatch, base_url: str
) -> None:
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-status")).to_contain_text("就绪", timeout=BOOT)
    page.check("input[name=view][value=check]")
    page.fill("#fees-amount", "30000")
    page.fill("#fees-received", "29100")
    page.select_option("#fees-channel", "credit")
    page.select_option("#fees-plan", "lakala-personal")
    headline = page.locator("[data-check=headline]")
    # The computed answer: no static table on the page carries this sentence.
    expect(headline).to_have_text("多收 720.00 元")
    expect(page.locator("[data-check=taken]")).to_have_text("900.00 元（3.00%）")
    expect(page.locator("[data-check=contract]")).to_contain_text("0.6%")
    expect(page.locator("[data-check=reason]")).to_have_text(
        "费率高于合同：按 3.00% 收取（合同 0.60%），多收 720.00 元"
    )
    statement = page.locator("[data-result=check] a[href$='reconcile/']")
    expect(statement).to_be_visible()
    assert axe_violations(page) == []  # WCAG 2.1 AA on the answer as shown

    summary = page.locator("#fees-summary")
    expect(summary).to_have_value(
        "您好，我这笔信用卡刷卡 30,000.00 元，到账 29,100.00 元，一共被扣了 900.00 元（3.00%）。"
        "合同信用卡费率是 0.6%，这笔应扣 180.00 元，多扣了 720.00 元。"
        "看起来是费率高于合同（按 3.00%）。请帮我核实，并退还多扣的费用。"
    )
    page.click("#fees-copy-summary")
    expect(page.locator("#fees-copy-summary")).to_have_text("已复制，粘贴给客服即可")
    assert page.evaluate("() => navigator.clipboard.readText()") == summary.input_value()

    link = page.locator("#fees-share").input_value()
    assert "v=check" in link and "received=29100" in link
    other = page.context.new_page()
    other.goto(link)
    answer = other.locator("[data-check=headline]")
    expect(answer).to_have_text("多收 720.00 元", timeout=BOOT)
    # Opened at the answer: the figure is on the first screen, not under the form.
    box = answer.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, box

    # The fee from the bill instead of what arrived; a capped debit card (same page,
    # so Python starts once).
    other.fill("#fees-received", "")
    other.fill("#fees-amount", "10000")
    other.fill("#fees-taken", "45")
    other.select_option("#fees-channel", "debit")
    expect(answer).to_have_text("多收 20.00 元")
    expect(other.locator("[data-check=reason]")).to_contain_text("封顶没有生效")
    expect(other.locator("[data-check=contract]")).to_have_text("0.5%，封顶 25.00 元")
    other.fill("#fees-taken", "")
    expect(other.locator("#fees-error")).to_have_text("请填写实际到账金额，或者被扣的手续费。")
    expect(other.locator("#fees-received")).to_have_attribute("aria-invalid", "true")
    expect(answer).to_have_text("—")
    other.close()
    assert not watched.errors and not watched.off_origin, (watched.errors, watched.off_origin)


def test_comparison_never_names_an_example_and_keeps_cards_while_own_rates_are_typed(
    watched: PageWatch, base_url: str
) -> None:
    page = watched.page
    page.goto(base_url + "calculator/")
    expect(page.locator("#fees-status")).to_contain_text("就绪", timeout=BOOT)
    page.check("input[name=view][value=compare]")
    cards = page.locator("#fees-cards > li")
    verdict = page.locator("#fees-verdict")
    # Lakala is the only real plan among the defaults: no verdict, no "最省" tag.
    expect(verdict).to_contain_text("真实方案只有一个，没有可比的")
    expect(cards).to_have_count(3)
    expect(page.locator("#fees-cards .pos-fees__tag:not(.is-example)")).to_have_count(0)
    expect(page.locator("#fees-cards > li", has_text="示例：云闪付")).to_contain_text(
        "示例，只作对照"
    )
    bars = page.locator("#fees-chart-compare svg")
    expect(bars).to_have_count(1)

    # Ticking 自定义费率: nothing is wiped, no red error, a calm note says what to fill.
    page.check("input[name=compare][value=custom]")
    expect(page.locator("#fees-custom-note")).to_contain_text("请至少填写一种支付方式的费率")
    expect(page.locator("#fees-error")).to_be_hidden()
    expect(cards).to_have_count(3)
    expect(bars).to_have_count(1)

    # Only a credit rate while the month has debit takings: named with the form's words.
    page.fill("input[name=c_credit]", "0.55")
    expect(page.locator("#fees-error")).to_contain_text("自定义费率里没有填借记卡的费率")
    expect(page.locator("input[name=c_debit]")).to_have_attribute("aria-invalid", "true")
    expect(cards).to_have_count(3)
    # Debit 0.4% capped at 25: two "封顶 25 元" labels on the fee curve.
    page.fill("input[name=c_debit]", "0.4")
    page.fill("input[name=c_debit_cap]", "25")
    expect(cards).to_have_count(4)
    expect(page.locator("#fees-error")).to_be_hidden()
    expect(verdict).to_contain_text("第一年最省的是：自定义费率")
    best = page.locator("#fees-cards > li.is-best")
    expect(best).to_have_count(1)
    expect(best).to_contain_text("自定义费率")
    expect(best).not_to_contain_text("示例")
    assert page.locator("#fees-chart-compare svg text", has_text="示例").count() > 0
    expect(page.locator("#fees-chart-compare svg text", has_text="（最省）")).to_have_text(
        ["自定义费率（最省）"]
    )
    curve = page.locator("#fees-chart-curve svg text", has_text="封顶 25 元")
    expect(curve).to_have_count(2)
    for chart in ("#fees-chart-compare svg", "#fees-chart-curve svg"):
        drawn = page.evaluate(READABLE, chart)
        assert drawn["texts"] > 3 and not drawn["cut"] and not drawn["clashes"], (chart, drawn)
    assert not watched.errors, watched.errors
