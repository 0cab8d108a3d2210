"""Rate plans: the TOML file maintainers edit, read and checked field by field.

The file is the single source of truth for every figure on the site, so a
mistake in it must stop the build with a message that points at the line's
plan and field instead of producing a wrong number on a page.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .channels import CHANNELS
from .errors import DataError

DEFAULT_PLANS_FILE = Path(__file__).parent / "data" / "plans.toml"

MAX_RATE_PERCENT = Decimal(10)  # no real POS rate is near this; above it is a typo
MAX_FIXED_YUAN = Decimal(10000)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAN_KEYS = {"id", "name", "source", "as_of", "note", "example", "channels"}
_BAND_KEYS = {"rate_percent", "cap", "min", "fixed"}
_CHANNEL_KEYS = _BAND_KEYS | {"bands"}
_UNDATED = "undated"


@dataclass(frozen=True)
class Band:
    """One price that applies to amounts up to `up_to` (inclusive)."""

    up_to: Decimal | None
    rate: Decimal  # a fraction: 0.006 for 0.6%
    cap: Decimal | None = None
    minimum: Decimal | None = None
    fixed: Decimal = Decimal(0)


@dataclass(frozen=True)
class ChannelRule:
    channel: str
    bands: tuple[Band, ...]

    def band_for(self, amount: Decimal) -> tuple[int, Band]:
        for index, band in enumerate(self.bands):
            if band.up_to is None or amount <= band.up_to:
                return index, band
        raise AssertionError("validated rules always end with an open band")


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    source: str
    as_of: dt.date | None  # None: the source gives no date
    channels: dict[str, ChannelRule]
    note: str = ""
    example: bool = False

    @property
    def as_of_text(self) -> str:
        return self.as_of.isoformat() if self.as_of else "未注明日期"


class _Checker:
    """Carries the file name and the plan being read into every message."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.where = ""

    def fail(self, field: str, problem: str) -> DataError:
        return DataError(self.file, self.where, field, problem)

    def text(self, table: dict[str, Any], key: str, *, required: bool = True) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise self.fail(key, f"must be text in quotes, got {value!r}")
        if required and not value.strip():
            raise self.fail(key, "is required and must not be empty")
        return value.strip()

    def number(
        self, table: dict[str, Any], key: str, field: str, *, low: Decimal, high: Decimal
    ) -> Decimal | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise self.fail(field, f"must be a number, got {value!r}")
        number = Decimal(value)
        if not number.is_finite() or not low <= number <= high:
            raise self.fail(field, f"must be between {low} and {high}, got {value}")
        return number

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.fail(
                f"{prefix}{extra[0]}",
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )


def _read_band(check: _Checker, table: dict[str, Any], prefix: str, up_to: Decimal | None) -> Band:
    check.unknown_keys(table, _BAND_KEYS | {"up_to"}, prefix)
    rate = check.number(
        table, "rate_percent", prefix + "rate_percent", low=Decimal(0), high=MAX_RATE_PERCENT
    )
    if rate is None:
        raise check.fail(prefix + "rate_percent", "is required (a percent, e.g. 0.6 for 0.6%)")
    cap = check.number(table, "cap", prefix + "cap", low=Decimal(0), high=MAX_FIXED_YUAN)
    minimum = check.number(table, "min", prefix + "min", low=Decimal(0), high=MAX_FIXED_YUAN)
    fixed = check.number(table, "fixed", prefix + "fixed", low=Decimal(0), high=MAX_FIXED_YUAN)
    if cap is not None and minimum is not None and minimum > cap:
        raise check.fail(prefix + "min", f"min {minimum} is above cap {cap}")
    return Band(up_to=up_to, rate=rate / 100, cap=cap, minimum=minimum, fixed=fixed or Decimal(0))


def _read_channel(check: _Checker, channel: str, table: Any) -> ChannelRule:
    prefix = f"channels.{channel}."
    if not isinstance(table, dict):
        raise check.fail(prefix.rstrip("."), "must be a table of rates")
    check.unknown_keys(table, _CHANNEL_KEYS, prefix)
    if "bands" not in table:
        return ChannelRule(channel, (_read_band(check, table, prefix, None),))
    if set(table) - {"bands"}:
        raise check.fail(
            prefix + "bands", "put rate_percent/cap/min/fixed inside each band, not beside bands"
        )
    raw_bands = table["bands"]
    if not isinstance(raw_bands, list) or not raw_bands:
        raise check.fail(prefix + "bands", "must be a non-empty list of bands")
    bands: list[Band] = []
    previous: Decimal | None = None
    for index, raw in enumerate(raw_bands):
        band_prefix = f"{prefix}bands[{index}]."
        if not isinstance(raw, dict):
            raise check.fail(band_prefix.rstrip("."), "must be a table")
        last = index == len(raw_bands) - 1
        up_to = check.number(
            raw, "up_to", band_prefix + "up_to", low=Decimal("0.01"), high=Decimal("100000000")
        )
        if last and up_to is not None:
            raise check.fail(
                band_prefix + "up_to", "the last band must have no up_to (it covers the rest)"
            )
        if not last and up_to is None:
            raise check.fail(band_prefix + "up_to", "is required on every band but the last")
        if up_to is not None and previous is not None and up_to <= previous:
            raise check.fail(band_prefix + "up_to", f"must be above the previous band's {previous}")
        previous = up_to if up_to is not None else previous
        bands.append(_read_band(check, raw, band_prefix, up_to))
    return ChannelRule(channel, tuple(bands))


def _read_plan(check: _Checker, raw: Any, index: int) -> Plan:
    check.where = f"plan[{index}]"
    if not isinstance(raw, dict):
        raise check.fail("", "each [[plan]] must be a table")
    plan_id = raw.get("id")
    if not isinstance(plan_id, str) or not _ID.fullmatch(plan_id):
        raise check.fail("id", f"must be lower-case letters, digits and dashes, got {plan_id!r}")
    check.where = f"plan '{plan_id}'"
    check.unknown_keys(raw, _PLAN_KEYS, "")
    as_of_raw = raw.get("as_of")
    if isinstance(as_of_raw, dt.datetime) or not (
        isinstance(as_of_raw, dt.date) or as_of_raw == _UNDATED
    ):
        raise check.fail(
            "as_of", f'must be a date like 2025-12-01 or "{_UNDATED}", got {as_of_raw!r}'
        )
    example = raw.get("example", False)
    if not isinstance(example, bool):
        raise check.fail("example", "must be true or false")
    channels_raw = raw.get("channels")
    if not isinstance(channels_raw, dict) or not channels_raw:
        raise check.fail("channels", "needs at least one channel, e.g. [plan.channels.credit]")
    unknown = sorted(set(channels_raw) - set(CHANNELS))
    if unknown:
        raise check.fail(
            f"channels.{unknown[0]}", f"unknown channel (known: {', '.join(CHANNELS)})"
        )
    channels = {
        channel: _read_channel(check, channel, channels_raw[channel])
        for channel in CHANNELS
        if channel in channels_raw
    }
    return Plan(
        id=plan_id,
        name=check.text(raw, "name"),
        source=check.text(raw, "source"),
        as_of=None if as_of_raw == _UNDATED else as_of_raw,
        channels=channels,
        note=check.text(raw, "note", required=False),
        example=example,
    )


def parse_plans(text: str, file: str = "plans.toml") -> dict[str, Plan]:
    """Parse and validate plan data; raise DataError naming file, plan and field."""
    check = _Checker(file)
    try:
        # parse_float=Decimal: 0.6 in the file stays exactly 0.6, never a float.
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise DataError(file, "", "", f"not valid TOML: {error}") from None
    check.unknown_keys(data, {"plan"}, "")
    raw_plans = data.get("plan")
    if not isinstance(raw_plans, list) or not raw_plans:
        raise DataError(file, "", "plan", "no [[plan]] entries found")
    plans: dict[str, Plan] = {}
    for index, raw in enumerate(raw_plans):
        plan = _read_plan(check, raw, index)
        if plan.id in plans:
            raise DataError(file, f"plan[{index}]", "id", f"duplicate plan id '{plan.id}'")
        plans[plan.id] = plan
    return plans


CUSTOM_PLAN_ID = "custom"


def plan_from_dict(raw: object, file: str = "自定义费率") -> Plan:
    """Validate a plan given as data (the reader's own contract, a URL, a form).

    Same rules and messages as the plans file, so a custom contract is usable
    everywhere a published plan is. Source and date default to "your contract".
    """
    if not isinstance(raw, dict):
        raise DataError(file, "", "", "must be a table of fields")
    filled = {
        "id": CUSTOM_PLAN_ID,
        "name": "我的合同费率",
        "source": "您输入的合同费率",
        "as_of": _UNDATED,
        **raw,
    }
    return _read_plan(_Checker(file), filled, 0)


_CACHE: dict[str, dict[str, Plan]] = {}


def load_plans(path: str | Path | None = None) -> dict[str, Plan]:
    """Load a plans file once per process; the bundled file by default."""
    file = Path(path) if path is not None else DEFAULT_PLANS_FILE
    key = str(file)
    if key not in _CACHE:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DataError(str(file), "", "", f"cannot read: {error}") from None
        _CACHE[key] = parse_plans(text, str(file))
    return _CACHE[key]
