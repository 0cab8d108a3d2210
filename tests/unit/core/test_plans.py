"""A broken plans file fails loudly, naming the file, the plan and the field."""

from decimal import Decimal

import pytest

from calculator.core.errors import DataError
from calculator.core.plans import DEFAULT_PLANS_FILE, load_plans, parse_plans

GOOD = """
[[plan]]
id = "p1"
name = "方案"
source = "来源"
as_of = 2025-12-01
[plan.channels.credit]
rate_percent = 0.6
"""


def test_bundled_file_loads_with_seed_plan() -> None:
    plans = load_plans(DEFAULT_PLANS_FILE)
    plan = plans["lakala-personal"]
    assert plan.channels["debit"].bands[0].cap == 25
    assert str(plan.channels["credit"].bands[0].rate) == "0.006"
    assert plan.as_of is None and plan.as_of_text == "未注明日期"


def test_good_minimal_plan() -> None:
    assert parse_plans(GOOD)["p1"].as_of.isoformat() == "2025-12-01"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("rate_percent = 0.6", 'rate_percent = "0.6%"'), "channels.credit.rate_percent", "number"),
        (("rate_percent = 0.6", "rate_percent = 60"), "channels.credit.rate_percent", "between"),
        (("rate_percent = 0.6", "rate_percent = -1"), "channels.credit.rate_percent", "between"),
        (("rate_percent = 0.6", "rate_percent = nan"), "channels.credit.rate_percent", "between"),
        (("rate_percent = 0.6", "rate = 0.6"), "channels.credit.rate", "unknown field"),
        (("rate_percent = 0.6", "rate_percent = 0.6\ncpa = 25"), "channels.credit.cpa", "unknown"),
        (
            ("rate_percent = 0.6", "rate_percent = 0.6\ncap = 1\nmin = 2"),
            "channels.credit.min",
            "above cap",
        ),
        (("[plan.channels.credit]", "[plan.channels.visa]"), "channels.visa", "unknown channel"),
        (('id = "p1"', 'id = "P 1"'), "id", "lower-case"),
        (("as_of = 2025-12-01", 'as_of = "last year"'), "as_of", "date"),
        (('source = "来源"', 'source = ""'), "source", "required"),
        (('name = "方案"', "name = 3"), "name", "text"),
        (
            (
                "rate_percent = 0.6",
                "bands = [{rate_percent = 0.38, up_to = 1000}, {rate_percent = 0.6, up_to = 5}]",
            ),
            "channels.credit.bands[1].up_to",
            "last band",
        ),
        (
            ("rate_percent = 0.6", "bands = [{rate_percent = 0.38}, {rate_percent = 0.6}]"),
            "channels.credit.bands[0].up_to",
            "required",
        ),
    ],
)
def test_broken_field_is_named(change: tuple[str, str], field: str, words: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(DataError) as caught:
        parse_plans(text, "plans.toml")
    message = str(caught.value)
    assert message.startswith("plans.toml: ")
    assert field in message and words in message


def test_duplicate_id_and_bad_toml_and_missing_file(tmp_path) -> None:
    with pytest.raises(DataError, match="duplicate plan id 'p1'"):
        parse_plans(GOOD + GOOD.replace("[[plan]]", "[[plan]]"))
    with pytest.raises(DataError, match="not valid TOML"):
        parse_plans("[[plan]\n")
    with pytest.raises(DataError, match="cannot read"):
        load_plans(tmp_path / "missing.toml")
    with pytest.raises(DataError, match="plan 'p1' channels"):
        parse_plans(GOOD.replace("[plan.channels.credit]\nrate_percent = 0.6", "channels = {}"))


# ---- periodic fees, deposit, promotion ----------------------------------------

EXTRA = (
    GOOD
    + """
[plan.periodic]
annual_fee = 99
annual_fee_name = "流量费"
monthly_rent = 10
[plan.deposit]
amount = 99
refund_condition = "激活后退还"
[plan.promotion]
label = "首月优惠"
months = 1
rent_waived = true
[plan.promotion.channels.credit]
rate_percent = 0.38
"""
)


def test_full_plan_reads_every_section() -> None:
    plan = parse_plans(EXTRA)["p1"]
    assert plan.periodic.annual_fee == 99 and plan.periodic.annual_fee_name == "流量费"
    assert plan.periodic.monthly_rent == 10
    assert plan.deposit.amount == 99 and plan.deposit.refund_condition == "激活后退还"
    assert plan.promotion.months == 1 and plan.promotion.rent_waived
    assert str(plan.promotion.channels["credit"].bands[0].rate) == "0.0038"


def test_bundled_examples_are_labelled_with_source_and_date() -> None:
    examples = [p for p in load_plans().values() if p.example]
    assert len(examples) >= 2
    for plan in examples:
        assert plan.name.startswith("示例") and "示例" in plan.source and plan.as_of is not None
    kinds = {
        "addon": any(b.fixed for p in examples for b in p.channels["credit"].bands),
        "bands": any(len(p.channels["unionpay_qr"].bands) > 1 for p in examples),
    }
    assert kinds == {"addon": True, "bands": True}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("annual_fee = 99", "annual_fee = -1"), "periodic.annual_fee", "between"),
        (("annual_fee = 99", 'annual_fee = "99元"'), "periodic.annual_fee", "number"),
        (("monthly_rent = 10", "monthly_rnet = 10"), "periodic.monthly_rnet", "unknown"),
        (("amount = 99", "amount = 0"), "deposit.amount", "between"),
        (('refund_condition = "激活后退还"', ""), "deposit.refund_condition", "required"),
        (("months = 1", "months = 13"), "promotion.months", "between"),
        (("months = 1", "months = 1.5"), "promotion.months", "whole number"),
        (("rent_waived = true", 'rent_waived = "yes"'), "promotion.rent_waived", "true or false"),
        (
            ("[plan.promotion.channels.credit]", "[plan.promotion.channels.debit]"),
            "promotion.channels.debit",
            "no rate for this channel",
        ),
        (
            ("rate_percent = 0.38", "rate_percent = 38"),
            "promotion.channels.credit.rate_percent",
            "between",
        ),
        (("[plan.deposit]", "[plan.deposits]"), "deposits", "unknown field"),
    ],
)
def test_broken_extra_field_is_named(change: tuple[str, str], field: str, words: str) -> None:
    text = EXTRA.replace(*change)
    assert text != EXTRA
    with pytest.raises(DataError) as caught:
        parse_plans(text, "plans.toml")
    message = str(caught.value)
    assert message.startswith("plans.toml: plan 'p1' ")
    assert field in message and words in message


# ---- the reader's own contract ---------------------------------------------------


def test_custom_plan_accepts_typed_numbers() -> None:
    from calculator.plans import plan_from_dict

    plan = plan_from_dict(
        {
            "channels": {
                "credit": {"rate_percent": "０.６％", "fixed": "3元", "cap": ""},
                "debit": {"rate_percent": " 0.5 % ", "cap": "¥25"},
                "wechat": {"rate_percent": "", "cap": ""},
            },
            "periodic": {"annual_fee": "99元/年", "monthly_rent": ""},
        }
    )
    assert set(plan.channels) == {"credit", "debit"}
    credit = plan.channels["credit"].bands[0]
    assert (credit.rate, credit.fixed, credit.cap) == (Decimal("0.006"), 3, None)
    assert plan.channels["debit"].bands[0].cap == 25
    assert plan.periodic.annual_fee == 99 and plan.id == "custom"


@pytest.mark.parametrize(
    ("custom", "words"),
    [
        ({"channels": {"credit": {"rate_percent": "abc"}}}, "信用卡费率格式不对"),
        ({"channels": {"credit": {"rate_percent": "60"}}}, "信用卡费率应在 0 到 10 之间"),
        ({"channels": {"debit": {"rate_percent": "-1"}}}, "借记卡费率不能填负数"),
        ({"channels": {"debit": {"cap": "25"}}}, "请填写借记卡费率"),
        ({"channels": {"debit": {"rate_percent": "0.5", "cap": "1", "min": "2"}}}, "不能高于封顶"),
        ({"channels": {"wechat": {"rate_percent": "0.38", "fixed": "1e5"}}}, "微信每笔加收"),
        ({"channels": {}}, "请至少填写一种支付方式的费率"),
        (
            {"channels": {"credit": {"rate_percent": "1"}}, "periodic": {"monthly_rent": "x"}},
            "月租",
        ),
        ({"channels": {"credit": {"rate_percent": "1"}}, "id": "lakala-personal"}, "不认识"),
        ("0.6", "自定义费率的格式不对"),
    ],
)
def test_custom_plan_mistakes_read_as_chinese(custom: object, words: str) -> None:
    from calculator import api

    reply = api.safe_call("fee", amount="100", channel="credit", plan="custom", custom=custom)
    message = reply["error"]["message_zh"]
    assert words in message, message
    assert not any(w in message for w in ("must", "between", "required", "channels."))


def test_edited_file_is_read_again(tmp_path) -> None:
    import os

    file = tmp_path / "plans.toml"
    file.write_text(GOOD, encoding="utf-8")
    assert load_plans(file)["p1"].channels["credit"].bands[0].rate == Decimal("0.006")
    file.write_text(GOOD.replace("rate_percent = 0.6", "rate_percent = 0.5"), encoding="utf-8")
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_plans(file)["p1"].channels["credit"].bands[0].rate == Decimal("0.005")
