"""The fee calculator's shared link: parameter names, and checking a link like typed input.

The page writes links with these names (it reads them from the contract) and,
on open, restores only the values this module cleaned, as text, never as
markup; so a crafted link can neither inject nor mislead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calculator.api import inputs
from calculator.api.labels import param_label
from calculator.core.channels import CHANNELS
from calculator.core.errors import InputError
from calculator.core.money import format_yuan, parse_amount
from calculator.core.plans import CUSTOM_PLAN_ID
from calculator.fees import estimate as estimate_module

Result = dict[str, Any]

VIEWS = ("single", "check", "gross", "month", "compare")
MAX_PARAM_CHARS = 100
# Parameter names in the query string, by what they carry.
PARAMS = {
    "view": "v",
    "amount": "amount",
    "net": "net",
    "received": "received",
    "taken": "taken",
    "channel": "channel",
    "plan": "plan",
    "compare": "cmp",
}
MIX_PREFIX = "m_"  # m_credit=30000x40
CUSTOM_PREFIX = "c_"  # c_credit=0.6, c_debit_cap=25, c_wechat_fixed=1
CUSTOM_SUFFIXES = {"rate_percent": "", "cap": "_cap", "fixed": "_fixed"}
CUSTOM_PERIODIC = {"annual_fee": "c_annual", "monthly_rent": "c_rent"}


def custom_names() -> dict[str, dict[str, Any]]:
    """The name of every custom-rate box, in the form and in the link, shaped
    like the custom plan it fills: {"channels": {"debit": {"cap": "c_debit_cap"}}}.
    A leaf's path is also the `field` of a mistake in it ("channels.debit.cap")."""
    return {
        "channels": {
            channel: {
                field: f"{CUSTOM_PREFIX}{channel}{suffix}"
                for field, suffix in CUSTOM_SUFFIXES.items()
            }
            for channel in CHANNELS
        },
        "periodic": dict(CUSTOM_PERIODIC),
    }


def mix_param(text: str, channel: str) -> dict[str, str]:
    """One channel's month from a link ("30000x40"), checked like the form."""
    parts = estimate_module.split_mix_text(text)
    if parts is None:
        raise InputError(
            "mix_bad",
            f"月交易额和笔数要写成 {estimate_module.MIX_EXAMPLE} 的样子。",
            f"mix.{channel}",
        )
    entry = {"channel": channel, "total": parts[0], "count": parts[1]}
    parsed = estimate_module.parse_mix([entry])[0]
    return {"total": format_yuan(parsed.total), "count": str(parsed.count)}


def _view(raw: str) -> str:
    if raw not in VIEWS:
        raise InputError("bad_view", "链接里的页面类型不对，已打开单笔计算。", "v")
    return raw


def _known_plan(raw: str) -> str:
    if raw != CUSTOM_PLAN_ID:
        inputs.plan(raw, None)
    return raw


def _plan_ids(raw: str) -> list[str]:
    ids = [p for p in raw.split(inputs.LIST_JOIN) if p]
    for plan_id in ids:
        _known_plan(plan_id)
    if len(ids) > estimate_module.MAX_PLANS or len(set(ids)) != len(ids):
        raise InputError("compare_many", "链接里要比较的方案不对。", "cmp")
    return ids


def _custom_text(query: dict[Any, Any], key: str, problems: list[dict[str, str]]) -> str | None:
    raw = query.get(key)
    if isinstance(raw, str) and raw.strip() and len(raw) <= MAX_PARAM_CHARS:
        return raw
    if raw is not None:
        problems.append({"field": key, "message_zh": "链接里的自定义费率不对。"})
    return None


def fees_link(query: object) -> Result:
    """Check a shared link's parameters like typed input; keep what is valid, list the rest."""
    if not isinstance(query, dict):
        raise InputError("bad_link", "链接参数格式不对。", "")
    clean: Result = {}
    problems: list[dict[str, str]] = []

    def keep(key: str, check: Callable[[str], Any]) -> None:
        raw = query.get(key)
        if raw is None:
            return
        try:
            if not isinstance(raw, str) or len(raw) > MAX_PARAM_CHARS:
                raise InputError("bad_link", "链接里的这个值不对。", key)
            clean[key] = check(raw)
        except InputError as error:
            message = f"链接中的{param_label(key)}有误，已忽略：{error.message_zh}"
            problems.append({"field": key, "message_zh": message})

    keep(PARAMS["view"], _view)
    keep(PARAMS["amount"], lambda raw: format_yuan(parse_amount(raw, "amount")))
    keep(PARAMS["net"], lambda raw: format_yuan(parse_amount(raw, "net")))
    keep(PARAMS["received"], lambda raw: format_yuan(parse_amount(raw, "received")))
    keep(PARAMS["taken"], lambda raw: format_yuan(parse_amount(raw, "taken")))
    keep(PARAMS["channel"], inputs.channel)
    keep(PARAMS["plan"], _known_plan)
    keep(PARAMS["compare"], _plan_ids)
    for channel in CHANNELS:
        keep(f"{MIX_PREFIX}{channel}", lambda raw, c=channel: mix_param(raw, c))
    names = custom_names()
    custom: dict[str, dict[str, str]] = {}
    for channel, boxes in names["channels"].items():
        for field, key in boxes.items():
            text = _custom_text(query, key, problems)
            if text is not None:
                custom.setdefault(channel, {})[field] = text
    periodic = {}
    for field, key in names["periodic"].items():
        text = _custom_text(query, key, problems)
        if text is not None:
            periodic[field] = text
    if custom or periodic:
        raw_custom = {"channels": custom, "periodic": periodic}
        try:
            inputs.custom_plan(raw_custom)
            clean["custom"] = raw_custom
        except InputError as error:
            problems.append({"field": "custom", "message_zh": error.message_zh})
    return {"state": clean, "problems": problems}
