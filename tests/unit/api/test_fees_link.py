"""The seed's figures, the rounding rule, and properties of every fee rule."""

from calculator.api import fees_link


def test_shared_link_state_is_validated() -> None:
    state = fees_link.fees_link(
        {
            "v": "compare",
            "amount": "<img src=x>",
            "channel": "visa",
            "plan": "custom",
            "cmp": "lakala-personal,custom",
            "m_credit": "30000x40",
            "m_debit": "200000",
            "c_credit": "0.6%",
            "c_debit_cap": "25",
        }
    )
    clean, problems = state["state"], state["problems"]
    assert clean["v"] == "compare" and clean["cmp"] == ["lakala-personal", "custom"]
    assert clean["m_credit"] == {"total": "30,000.00", "count": "40"}
    assert "amount" not in clean and "channel" not in clean and "m_debit" not in clean
    fields = {p["field"] for p in problems}
    # Debit has a cap but no rate: the whole custom contract is refused, in Chinese.
    assert {"amount", "channel", "m_debit", "custom"} <= fields
    assert all("链接" in p["message_zh"] or "自定义" in p["message_zh"] for p in problems)
    good = fees_link.fees_link(
        {"c_credit": "0.6", "c_annual": "99", "v": "single", "amount": "1万"}
    )
    assert good["problems"] == [] and good["state"]["amount"] == "10,000.00"
    assert good["state"]["custom"]["periodic"] == {"annual_fee": "99"}
