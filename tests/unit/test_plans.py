"""A broken plans file fails loudly, naming the file, the plan and the field."""

import pytest

from calculator.errors import DataError
from calculator.plans import DEFAULT_PLANS_FILE, load_plans, parse_plans

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
