"""A broken plans file fails loudly, naming the file, the plan and the field."""

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from calculator.core.errors import DataError, InputError
from calculator.core.plans import (
    DEFAULT_PLANS_FILE,
    Band,
    ChannelRule,
    Deposit,
    Periodic,
    Plan,
    Promotion,
    load_plans,
    parse_plans,
    plan_from_dict,
)

GOOD = """
[[plan]]
id = "p1"
name = "方案"
source = "来源"
as_of = 2025-12-01
[plan.channels.credit]
rate_percent = 0.6
"""

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


def credit(*bands: Band) -> dict[str, ChannelRule]:
    return {"credit": ChannelRule("credit", bands)}


def test_bundled_file_loads_with_seed_plan() -> None:
    plans = load_plans(DEFAULT_PLANS_FILE)
    plan = plans["lakala-personal"]
    assert plan.channels["debit"].bands[0].cap == 25
    assert str(plan.channels["credit"].bands[0].rate) == "0.006"
    assert plan.as_of is None and plan.as_of_text == "未注明日期"


def test_good_minimal_plan() -> None:
    assert parse_plans(GOOD) == {
        "p1": Plan(
            id="p1",
            name="方案",
            source="来源",
            as_of=dt.date(2025, 12, 1),
            channels=credit(Band(None, Decimal("0.006"))),
        )
    }
    undated = parse_plans(GOOD.replace("as_of = 2025-12-01", 'as_of = "undated"'))["p1"]
    assert undated.as_of is None and undated.as_of_text == "未注明日期"


def test_full_plan_reads_every_section() -> None:
    text = EXTRA.replace('source = "来源"', 'source = "来源"\nnote = "备注"\nexample = true')
    assert parse_plans(text)["p1"] == Plan(
        id="p1",
        name="方案",
        source="来源",
        as_of=dt.date(2025, 12, 1),
        channels=credit(Band(None, Decimal("0.006"))),
        note="备注",
        example=True,
        periodic=Periodic(annual_fee=Decimal(99), annual_fee_name="流量费", monthly_rent=10),
        deposit=Deposit(amount=Decimal(99), refund_condition="激活后退还"),
        promotion=Promotion(
            label="首月优惠",
            months=1,
            channels=credit(Band(None, Decimal("0.0038"))),
            rent_waived=True,
        ),
    )


@pytest.mark.parametrize(
    ("rates", "bands"),
    [
        # every limit accepted at both ends of its range; min may equal cap
        ("rate_percent = 0", (Band(None, Decimal(0)),)),
        ("rate_percent = 10", (Band(None, Decimal("0.1")),)),
        ("rate_percent = 0.6\ncap = 0\nmin = 0\nfixed = 0", (Band(None, Decimal("0.006"), 0, 0),)),
        (
            "rate_percent = 0.6\ncap = 10000\nmin = 10000\nfixed = 10000",
            (Band(None, Decimal("0.006"), 10000, 10000, Decimal(10000)),),
        ),
        ("rate_percent = 0.6\nmin = 2", (Band(None, Decimal("0.006"), None, Decimal(2)),)),
        (
            "rate_percent = 0.6\ncap = 25\nmin = 0.1\nfixed = 3",
            (Band(None, Decimal("0.006"), Decimal(25), Decimal("0.1"), Decimal(3)),),
        ),
        (
            "bands = [{up_to = 0.01, rate_percent = 0.38}, {up_to = 100000000, rate_percent = 0.5},"
            " {rate_percent = 0.6, fixed = 1}]",
            (
                Band(Decimal("0.01"), Decimal("0.0038")),
                Band(Decimal(100000000), Decimal("0.005")),
                Band(None, Decimal("0.006"), fixed=Decimal(1)),
            ),
        ),
    ],
)
def test_channel_rates_as_written(rates: str, bands: tuple[Band, ...]) -> None:
    assert parse_plans(GOOD.replace("rate_percent = 0.6", rates))["p1"].channels == credit(*bands)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("[plan.periodic]\nmonthly_rent = 10", {"periodic": Periodic(monthly_rent=Decimal(10))}),
        (
            "[plan.periodic]\nannual_fee = 0\nmonthly_rent = 100000",
            {"periodic": Periodic(annual_fee=Decimal(0), monthly_rent=Decimal(100000))},
        ),
        (
            '[plan.deposit]\namount = 0.01\nrefund_condition = "退"',
            {"deposit": Deposit(Decimal("0.01"), "退")},
        ),
        (
            '[plan.deposit]\namount = 100000\nrefund_condition = "退"',
            {"deposit": Deposit(Decimal(100000), "退")},
        ),
        (
            '[plan.promotion]\nlabel = "全年免月租"\nmonths = 12\nrent_waived = true',
            {"promotion": Promotion("全年免月租", 12, {}, rent_waived=True)},
        ),
        (
            '[plan.promotion]\nlabel = "首月"\nmonths = 1\n'
            "[plan.promotion.channels.credit]\nrate_percent = 0.38",
            {"promotion": Promotion("首月", 1, credit(Band(None, Decimal("0.0038"))))},
        ),
    ],
)
def test_optional_sections_as_written(section: str, expected: dict[str, object]) -> None:
    plan = parse_plans(GOOD + section)["p1"]
    assert plan == dataclasses.replace(parse_plans(GOOD)["p1"], **expected)


ALLOWED_IN_PLAN = "as_of, channels, deposit, example, id, name, note, periodic, promotion, source"
BANDS = "bands = [{rate_percent = 0.38, up_to = 1000}, {rate_percent = 0.6}]"
CREDIT = "[plan.channels.credit]\nrate_percent = 0.6"
NO_PROMOTION_RATES = (
    "rent_waived = true\n[plan.promotion.channels.credit]\nrate_percent = 0.38",
    "",
)


@pytest.mark.parametrize(
    ("change", "location", "problem", "kind"),
    [
        (("rate_percent = 0.6", 'rate_percent = "0.6%"'), "channels.credit.rate_percent",
         "must be a number, got '0.6%'", "number"),
        (("rate_percent = 0.6", "rate_percent = 10.01"), "channels.credit.rate_percent",
         "must be between 0 and 10, got 10.01", "range"),
        (("rate_percent = 0.6", "rate_percent = -1"), "channels.credit.rate_percent",
         "must be between 0 and 10, got -1", "range"),
        (("rate_percent = 0.6", "rate_percent = nan"), "channels.credit.rate_percent",
         "must be between 0 and 10, got NaN", "range"),
        (("rate_percent = 0.6", "cap = 25"), "channels.credit.rate_percent",
         "is required (a percent, e.g. 0.6 for 0.6%)", "required"),
        (("rate_percent = 0.6", "rate = 0.6"), "channels.credit.rate",
         "unknown field (allowed: bands, cap, fixed, min, rate_percent)", "unknown"),
        (("rate_percent = 0.6", "rate_percent = 0.6\ncap = -1"), "channels.credit.cap",
         "must be between 0 and 10000, got -1", "range"),
        (("rate_percent = 0.6", "rate_percent = 0.6\nmin = 10000.01"), "channels.credit.min",
         "must be between 0 and 10000, got 10000.01", "range"),
        (("rate_percent = 0.6", "rate_percent = 0.6\nfixed = -0.01"), "channels.credit.fixed",
         "must be between 0 and 10000, got -0.01", "range"),
        (("rate_percent = 0.6", "rate_percent = 0.6\ncap = 1\nmin = 1.01"), "channels.credit.min",
         "min 1.01 is above cap 1", "order"),
        ((CREDIT, "[plan.channels.visa]\nrate_percent = 0.6"), "channels.visa",
         "unknown channel (known: credit, debit, wechat, alipay, unionpay_qr)", "unknown"),
        ((CREDIT, "channels = {}"), "channels",
         "needs at least one channel, e.g. [plan.channels.credit]", "empty"),
        ((CREDIT, "[plan.channels]\ncredit = 0.6"), "channels.credit",
         "must be a table of rates", "table"),
        (("rate_percent = 0.6", "rate_percent = 0.6\n" + BANDS), "channels.credit.bands",
         "put rate_percent/cap/min/fixed inside each band, not beside bands", "invalid"),
        (("rate_percent = 0.6", "bands = []"), "channels.credit.bands",
         "must be a non-empty list of bands", "invalid"),
        (("rate_percent = 0.6", "bands = 0.6"), "channels.credit.bands",
         "must be a non-empty list of bands", "invalid"),
        (("rate_percent = 0.6", "bands = [0.6]"), "channels.credit.bands[0]",
         "must be a table", "invalid"),
        (("rate_percent = 0.6", BANDS.replace("1000}", "1000, cpa = 1}")),
         "channels.credit.bands[0].cpa",
         "unknown field (allowed: cap, fixed, min, rate_percent, up_to)", "unknown"),
        (("rate_percent = 0.6", BANDS.replace("1000", "0")), "channels.credit.bands[0].up_to",
         "must be between 0.01 and 100000000, got 0", "range"),
        (("rate_percent = 0.6", BANDS.replace("0.6}", "0.6, up_to = 5}")),
         "channels.credit.bands[1].up_to",
         "the last band must have no up_to (it covers the rest)", "invalid"),
        (("rate_percent = 0.6", BANDS.replace(", up_to = 1000", "")),
         "channels.credit.bands[0].up_to", "is required on every band but the last", "required"),
        (("rate_percent = 0.6", BANDS.replace("}, {", "}, {up_to = 1000, rate_percent = 0.5}, {")),
         "channels.credit.bands[1].up_to", "must be above the previous band's 1000", "order"),
        (('id = "p1"', 'id = "P 1"'), "plan[0] id",
         "must be lower-case letters, digits and dashes, got 'P 1'", "id"),
        (("as_of = 2025-12-01", 'as_of = "last year"'), "as_of",
         "must be a date like 2025-12-01 or \"undated\", got 'last year'", "date"),
        (('source = "来源"', 'source = " "'), "source", "is required and must not be empty",
         "required"),
        (('name = "方案"', "name = 3"), "name", "must be text in quotes, got 3", "text"),
        (('name = "方案"', 'name = "方案"\nnote = 3'), "note", "must be text in quotes, got 3",
         "text"),
        (('name = "方案"', 'name = "方案"\nexample = "yes"'), "example",
         "must be true or false, got 'yes'", "flag"),
        (("[plan.deposit]", "[plan.deposits]"), "deposits",
         f"unknown field (allowed: {ALLOWED_IN_PLAN})", "unknown"),
        (("annual_fee = 99", "annual_fee = -1"), "periodic.annual_fee",
         "must be between 0 and 100000, got -1", "range"),
        (("annual_fee = 99", 'annual_fee = "99元"'), "periodic.annual_fee",
         "must be a number, got '99元'", "number"),
        (("monthly_rent = 10", "monthly_rent = 100000.01"), "periodic.monthly_rent",
         "must be between 0 and 100000, got 100000.01", "range"),
        (("monthly_rent = 10", "monthly_rnet = 10"), "periodic.monthly_rnet",
         "unknown field (allowed: annual_fee, annual_fee_name, monthly_rent)", "unknown"),
        (('annual_fee_name = "流量费"', "annual_fee_name = 3"), "periodic.annual_fee_name",
         "must be text in quotes, got 3", "text"),
        (("amount = 99", "amount = 0"), "deposit.amount",
         "must be between 0.01 and 100000, got 0", "range"),
        (("amount = 99\n", ""), "deposit.amount", "is required (yuan paid up front)", "required"),
        (("amount = 99", "amount = 99\nrefund = 1"), "deposit.refund",
         "unknown field (allowed: amount, refund_condition)", "unknown"),
        (('refund_condition = "激活后退还"', ""), "deposit.refund_condition",
         "is required and must not be empty", "required"),
        (('label = "首月优惠"', ""), "promotion.label", "is required and must not be empty",
         "required"),
        (('label = "首月优惠"', 'lable = "首月优惠"'), "promotion.lable",
         "unknown field (allowed: channels, label, months, rent_waived)", "unknown"),
        (("months = 1", "months = 13"), "promotion.months", "must be between 1 and 12, got 13",
         "range"),
        (("months = 1", "months = 0"), "promotion.months", "must be between 1 and 12, got 0",
         "range"),
        (("months = 1", 'months = "1"'), "promotion.months", "must be a whole number, got '1'",
         "number"),
        (("months = 1", "months = true"), "promotion.months", "must be a whole number, got True",
         "number"),
        (("rent_waived = true", 'rent_waived = "yes"'), "promotion.rent_waived",
         "must be true or false, got 'yes'", "flag"),
        (NO_PROMOTION_RATES, "promotion",
         "needs promotion.channels rates or rent_waived = true", "empty"),
        (("[plan.promotion.channels.credit]", "[plan.promotion.channels.debit]"),
         "promotion.channels.debit", "the plan itself has no rate for this channel", "unknown"),
        (("rate_percent = 0.38", "rate_percent = 38"), "promotion.channels.credit.rate_percent",
         "must be between 0 and 10, got 38", "range"),
    ],
)  # fmt: skip
def test_broken_field_is_named(
    change: tuple[str, str], location: str, problem: str, kind: str
) -> None:
    text = EXTRA.replace(*change)
    assert text != EXTRA
    with pytest.raises(DataError) as caught:
        parse_plans(text)
    where = "" if location.startswith("plan[") else "plan 'p1' "
    assert str(caught.value) == f"plans.toml: {where}{location}: {problem}"
    assert location.endswith(caught.value.field) and caught.value.kind == kind


@pytest.mark.parametrize(
    ("read", "raw", "message", "kind"),
    [
        (parse_plans, "", "plans.toml: plan: no [[plan]] entries found", "invalid"),
        (parse_plans, "plan = 3", "plans.toml: plan: no [[plan]] entries found", "invalid"),
        (
            parse_plans,
            "plan = [3]",
            "plans.toml: plan[0]: each [[plan]] must be a table",
            "invalid",
        ),
        (
            parse_plans,
            "[plans]\nid = 1\n" + GOOD,
            "plans.toml: plans: unknown field (allowed: plan)",
            "unknown",
        ),
        (parse_plans, GOOD + GOOD, "plans.toml: plan[1] id: duplicate plan id 'p1'", "invalid"),
        (
            parse_plans,
            GOOD.replace('name = "方案"', 'name = "方案"\nperiodic = 99'),
            "plans.toml: plan 'p1' periodic: must be a table, e.g. [plan.periodic]",
            "table",
        ),
        # the reader's own contract is checked by the same rules, named as theirs
        (plan_from_dict, "0.6", "自定义费率: must be a table of fields", "table"),
        (
            plan_from_dict,
            {"channels": {"unionpay_qr": {"bands": ["0.6"]}}},
            "自定义费率: plan 'custom' channels.unionpay_qr.bands[0]: must be a table",
            "invalid",
        ),
        (
            plan_from_dict,
            {"channels": {"credit": {"rate_percent": "60"}}},
            "自定义费率: plan 'custom' channels.credit.rate_percent: "
            "must be between 0 and 10, got 60",
            "range",
        ),
        (
            plan_from_dict,
            {"channels": {"credit": {"rate_percent": "1"}}, "id": "lakala-personal"},
            "自定义费率: plan 'custom' id: unknown field "
            "(allowed: channels, deposit, name, periodic, promotion)",
            "unknown",
        ),
        (
            plan_from_dict,
            {
                "channels": {"credit": {"rate_percent": "1"}},
                "promotion": {"label": "优惠", "months": "1.5", "rent_waived": True},
            },
            "自定义费率: plan 'custom' promotion.months: "
            "must be a whole number, got Decimal('1.5')",
            "number",
        ),
    ],
)
def test_broken_plan_data_is_named(
    read: Callable[[Any], object], raw: object, message: str, kind: str
) -> None:
    with pytest.raises(DataError) as caught:
        read(raw)
    assert (str(caught.value), caught.value.kind) == (message, kind)


def test_bad_toml_names_only_the_file() -> None:
    with pytest.raises(DataError) as caught:
        parse_plans("[[plan]\n", "rates.toml")
    error = caught.value
    assert (error.file, error.where, error.field) == ("rates.toml", "", "")
    assert str(error).startswith("rates.toml: not valid TOML: ")


# ---- files on disk -----------------------------------------------------------------


@pytest.mark.parametrize("content", [None, "费率".encode("gbk")])
def test_unreadable_file_is_named(tmp_path: Path, content: bytes | None) -> None:
    file = tmp_path / "plans.toml"
    if content is not None:
        file.write_bytes(content)
    with pytest.raises(DataError) as caught:
        load_plans(file)
    error = caught.value
    assert (error.file, error.where, error.field) == (str(file), "", "")
    assert str(error).startswith(f"{file}: cannot read: ")


def test_mistake_in_a_file_names_that_file(tmp_path: Path) -> None:
    file = tmp_path / "rates.toml"
    file.write_text(GOOD.replace("rate_percent = 0.6", "rate_percent = 99"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_plans(file)
    assert str(caught.value) == (
        f"{file}: plan 'p1' channels.credit.rate_percent: must be between 0 and 10, got 99"
    )


def test_edited_file_is_read_again(tmp_path: Path) -> None:
    file = tmp_path / "plans.toml"
    file.write_text(GOOD, encoding="utf-8")
    assert load_plans(file)["p1"].channels["credit"].bands[0].rate == Decimal("0.006")
    file.write_text(GOOD.replace("rate_percent = 0.6", "rate_percent = 0.5"), encoding="utf-8")
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_plans(file)["p1"].channels["credit"].bands[0].rate == Decimal("0.005")


def test_files_with_the_same_time_are_not_confused(tmp_path: Path) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(GOOD.replace("rate_percent = 0.6", "rate_percent = 0.5"), encoding="utf-8")
    stamp = first.stat().st_mtime_ns
    os.utime(second, ns=(stamp, stamp))
    rates = [load_plans(f)["p1"].channels["credit"].bands[0].rate for f in (first, second)]
    assert rates == [Decimal("0.006"), Decimal("0.005")]


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


# ---- the reader's own contract ---------------------------------------------------


def test_custom_plan_is_named_as_the_readers_own() -> None:
    assert plan_from_dict({"channels": {"credit": {"rate_percent": "0.6"}}}) == Plan(
        id="custom",
        name="自定义费率",
        source="您输入的合同费率",
        as_of=None,
        channels=credit(Band(None, Decimal("0.006"))),
    )


def test_custom_plan_accepts_typed_numbers() -> None:
    plan = plan_from_dict(
        {
            "name": "我的 POS",
            "channels": {
                "credit": {"rate_percent": "０.６％", "fixed": "3元", "cap": ""},
                "debit": {"rate_percent": " 0.5 % ", "cap": "¥25"},
                "wechat": {"rate_percent": "", "cap": ""},
                "unionpay_qr": {
                    "bands": [
                        {"up_to": "1,000元", "rate_percent": "0.38%"},
                        {"rate_percent": "0.6"},
                    ]
                },
            },
            "periodic": {"annual_fee": "99元/年", "monthly_rent": ""},
            "promotion": {"label": "首三月", "months": "3", "rent_waived": True},
        }
    )
    assert plan.name == "我的 POS" and set(plan.channels) == {"credit", "debit", "unionpay_qr"}
    assert plan.channels["credit"].bands == (Band(None, Decimal("0.006"), fixed=Decimal(3)),)
    assert plan.channels["debit"].bands == (Band(None, Decimal("0.005"), cap=Decimal(25)),)
    assert plan.channels["unionpay_qr"].bands == (
        Band(Decimal(1000), Decimal("0.0038")),
        Band(None, Decimal("0.006")),
    )
    assert plan.periodic == Periodic(annual_fee=Decimal(99))
    assert plan.promotion == Promotion("首三月", 3, {}, rent_waived=True)
    assert type(plan.promotion.months) is int


@pytest.mark.parametrize(
    ("custom", "field", "message"),
    [
        ({"credit": {"rate_percent": "abc"}}, "channels.credit.rate_percent", "例如 0.6 或 0.6%"),
        (
            {"credit": {"rate_percent": "0.6", "cap": "abc"}},
            "channels.credit.cap",
            "例如 25 或 25元",
        ),
        (
            {
                "unionpay_qr": {
                    "bands": [{"up_to": "abc", "rate_percent": "1"}, {"rate_percent": "1"}]
                }
            },
            "channels.unionpay_qr.bands[0].up_to",
            "例如 25 或 25元",
        ),
        (
            {
                "unionpay_qr": {
                    "bands": [{"up_to": "1000", "rate_percent": "1"}, {"rate_percent": "x"}]
                }
            },
            "channels.unionpay_qr.bands[1].rate_percent",
            "例如 0.6 或 0.6%",
        ),
    ],
)
def test_custom_typed_mistake_names_the_box(custom: dict, field: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        plan_from_dict({"channels": custom})
    assert caught.value.as_dict() == {
        "code": "not_number",
        "message_zh": f"格式不对，请只填数字，{message}。",
        "field": field,
    }


def test_custom_promotion_months_typed_wrongly_names_the_box() -> None:
    promotion = {"label": "优惠", "months": "三", "rent_waived": True}
    with pytest.raises(InputError) as caught:
        plan_from_dict({"channels": {"credit": {"rate_percent": "1"}}, "promotion": promotion})
    assert (caught.value.code, caught.value.field) == ("not_number", "promotion.months")


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
