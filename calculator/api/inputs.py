"""A request's choices as engine objects: the plan (or the reader's own rates), the channel.

Every tool takes a plan the same way, so a custom rate typed as "0.6%", "25元" or
"０.６" is read identically by the calculator and the statement check.
"""

from __future__ import annotations

from calculator.api.labels import CHANNEL_PROMPT, custom_plan_message, field_label_zh
from calculator.core.channels import CHANNELS
from calculator.core.errors import DataError, InputError
from calculator.core.plans import CUSTOM_PLAN_ID, Plan, load_plans, plan_from_dict

DEFAULT_PLAN = "lakala-personal"
# Plans to compare as one text: "lakala-personal,custom" (CLI, shared link).
LIST_JOIN = ","


def plan(plan_id: object, plans_file: str | None, custom: object = None) -> Plan:
    """A published plan by id, or the reader's own rates when `custom` is given."""
    if custom is not None and (plan_id in (CUSTOM_PLAN_ID, DEFAULT_PLAN, None)):
        return custom_plan(custom)
    plans = load_plans(plans_file)
    if not isinstance(plan_id, str) or plan_id not in plans:
        raise InputError("unknown_plan", "没有这个费率方案，请从列表中选择。", "plan")
    return plans[plan_id]


def custom_plan(custom: object) -> Plan:
    """The reader's own contract; every mistake comes back in Chinese, field named."""
    try:
        return plan_from_dict(custom)
    except DataError as error:
        # Nothing typed yet is not a mistake: the page says what to fill, calmly.
        code = "custom_empty" if error.kind == "empty" and error.field == "channels" else None
        raise InputError(
            code or "bad_custom_plan", custom_plan_message(error), error.field
        ) from None
    except InputError as error:
        label = field_label_zh(error.field)
        raise InputError(
            "bad_custom_plan", f"自定义费率：{label}{error.message_zh}", error.field
        ) from None


def plan_ids(plan_ids: object) -> list[str]:
    """Plans to compare, as a list or "a,b,c"."""
    if isinstance(plan_ids, str):
        plan_ids = [p for p in plan_ids.split(LIST_JOIN) if p.strip()]
    if not isinstance(plan_ids, list) or not all(isinstance(p, str) for p in plan_ids):
        raise InputError("unknown_plan", "请选择要比较的方案。", "plans")
    return [p.strip() for p in plan_ids]


def plan_list(plan_ids: object, plans_file: str | None, custom: object) -> list[Plan]:
    """Plans to compare, as a list or "a,b,c"; "custom" stands for the reader's own rates."""
    if isinstance(plan_ids, str):
        plan_ids = [p for p in plan_ids.split(LIST_JOIN) if p.strip()]
    if not isinstance(plan_ids, list) or not all(isinstance(p, str) for p in plan_ids):
        raise InputError("unknown_plan", "请选择要比较的方案。", "plans")
    chosen = []
    for plan_id in plan_ids:
        plan_id = plan_id.strip()
        if plan_id == CUSTOM_PLAN_ID:
            if custom is None:
                raise InputError("custom_missing", "请先填写自定义费率，再拿它来比较。", "custom")
            chosen.append(custom_plan(custom))
        else:
            chosen.append(plan(plan_id, plans_file))
    return chosen


def channel(value: object) -> str:
    if not isinstance(value, str) or value not in CHANNELS:
        raise InputError("unknown_channel", CHANNEL_PROMPT, "channel")
    return value
