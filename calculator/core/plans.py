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

from calculator.core.channels import CHANNELS
from calculator.core.errors import DataError
from calculator.core.money import FEN, parse_figure

DEFAULT_PLANS_FILE = Path(__file__).parent.parent / "data" / "plans.toml"

MAX_RATE_PERCENT = Decimal(10)  # no real POS rate is near this; above it is a typo
MAX_FIXED_YUAN = Decimal(10000)
MAX_DECIMALS = 6  # 0.0325 (%) is the finest figure a contract uses
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAN_KEYS = {
    "id",
    "name",
    "source",
    "as_of",
    "note",
    "example",
    "channels",
    "periodic",
    "deposit",
    "promotion",
}
_PERIODIC_KEYS = {"annual_fee", "annual_fee_name", "monthly_rent"}
_DEPOSIT_KEYS = {"amount", "refund_condition"}
_PROMOTION_KEYS = {"label", "months", "rent_waived", "channels"}
MAX_PERIODIC_YUAN = Decimal(100000)
MONTHS_PER_YEAR = 12
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
class Periodic:
    """Fees that do not depend on transactions: they hit even a quiet month."""

    annual_fee: Decimal = Decimal(0)
    annual_fee_name: str = "年服务费"  # providers call it 流量费, 服务费, SIM 卡费 ...
    monthly_rent: Decimal = Decimal(0)


@dataclass(frozen=True)
class Deposit:
    """Money paid up front that may come back: shown apart from the costs."""

    amount: Decimal
    refund_condition: str


@dataclass(frozen=True)
class Promotion:
    """An introductory window: other rules for the first `months` months."""

    label: str
    months: int
    channels: dict[str, ChannelRule]  # replaces the plan's rule during the window
    rent_waived: bool = False


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    source: str
    as_of: dt.date | None  # None: the source gives no date
    channels: dict[str, ChannelRule]
    note: str = ""
    example: bool = False
    periodic: Periodic = Periodic()
    deposit: Deposit | None = None
    promotion: Promotion | None = None

    @property
    def as_of_text(self) -> str:
        return self.as_of.isoformat() if self.as_of else "未注明日期"


class _Checker:
    """Carries the file name and the plan being read into every message."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.where = ""

    def fail(self, field: str, problem: str, kind: str = "invalid") -> DataError:
        return DataError(self.file, self.where, field, problem, kind)

    def text(
        self, table: dict[str, Any], key: str, *, required: bool = True, field: str = ""
    ) -> str:
        field = field or key
        value = table.get(key, "")
        if not isinstance(value, str):
            raise self.fail(field, f"must be text in quotes, got {value!r}", "text")
        if required and not value.strip():
            raise self.fail(field, "is required and must not be empty", "required")
        return value.strip()

    def flag(self, table: dict[str, Any], key: str, field: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false, got {value!r}", "flag")
        return value

    def number(
        self, table: dict[str, Any], key: str, field: str, *, low: Decimal, high: Decimal
    ) -> Decimal | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise self.fail(field, f"must be a number, got {value!r}", "number")
        number = Decimal(value)
        if not number.is_finite() or not low <= number <= high:
            raise self.fail(field, f"must be between {low} and {high}, got {value}", "range")
        if number and number.normalize().as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            # 1e-999999 is inside the range but would print as a million digits.
            raise self.fail(
                field, f"has more than {MAX_DECIMALS} decimals, got {value}", "precision"
            )
        return number

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.fail(
                f"{prefix}{extra[0]}",
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
                "unknown",
            )

    def table(self, raw: dict[str, Any], key: str) -> dict[str, Any] | None:
        if key not in raw:
            return None
        value = raw[key]
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, e.g. [plan.{key}]", "table")
        return value


def _read_band(check: _Checker, table: dict[str, Any], prefix: str, up_to: Decimal | None) -> Band:
    check.unknown_keys(table, _BAND_KEYS | {"up_to"}, prefix)
    rate = check.number(
        table, "rate_percent", prefix + "rate_percent", low=Decimal(0), high=MAX_RATE_PERCENT
    )
    if rate is None:
        raise check.fail(
            prefix + "rate_percent", "is required (a percent, e.g. 0.6 for 0.6%)", "required"
        )
    cap = check.number(table, "cap", prefix + "cap", low=Decimal(0), high=MAX_FIXED_YUAN)
    minimum = check.number(table, "min", prefix + "min", low=Decimal(0), high=MAX_FIXED_YUAN)
    fixed = check.number(table, "fixed", prefix + "fixed", low=Decimal(0), high=MAX_FIXED_YUAN)
    if cap is not None and minimum is not None and minimum > cap:
        raise check.fail(prefix + "min", f"min {minimum} is above cap {cap}", "order")
    return Band(up_to=up_to, rate=rate / 100, cap=cap, minimum=minimum, fixed=fixed or Decimal(0))


def _read_channel(check: _Checker, channel: str, table: Any, base: str) -> ChannelRule:
    name = f"{base}channels.{channel}"
    if not isinstance(table, dict):
        raise check.fail(name, "must be a table of rates", "table")
    prefix = name + "."
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
        band_name = f"{prefix}bands[{index}]"
        if not isinstance(raw, dict):
            raise check.fail(band_name, "must be a table")
        band_prefix = band_name + "."
        last = index == len(raw_bands) - 1
        up_to = check.number(
            raw, "up_to", band_prefix + "up_to", low=Decimal("0.01"), high=Decimal("100000000")
        )
        if up_to is not None and up_to != up_to.quantize(FEN):
            # A band edge between two fen would make the fee of an amount and
            # the gross-up search (which walks whole fen) disagree at the edge.
            raise check.fail(
                band_prefix + "up_to",
                f"must be whole fen (at most two decimals), got {up_to}",
                "precision",
            )
        if last and up_to is not None:
            raise check.fail(
                band_prefix + "up_to", "the last band must have no up_to (it covers the rest)"
            )
        if not last and up_to is None:
            raise check.fail(
                band_prefix + "up_to", "is required on every band but the last", "required"
            )
        if up_to is not None and previous is not None and up_to <= previous:
            raise check.fail(
                band_prefix + "up_to", f"must be above the previous band's {previous}", "order"
            )
        previous = up_to  # None only after the last band, where nothing follows
        bands.append(_read_band(check, raw, band_prefix, up_to))
    return ChannelRule(channel, tuple(bands))


def _read_plan(check: _Checker, raw: Any) -> Plan:
    """One plan; until its id is known, messages name it by `check.where`."""
    if not isinstance(raw, dict):
        raise check.fail("", "each [[plan]] must be a table")
    plan_id = raw.get("id")
    if not isinstance(plan_id, str) or not _ID.fullmatch(plan_id):
        raise check.fail(
            "id", f"must be lower-case letters, digits and dashes, got {plan_id!r}", "id"
        )
    check.where = f"plan '{plan_id}'"
    check.unknown_keys(raw, _PLAN_KEYS, "")
    as_of_raw = raw.get("as_of")
    if isinstance(as_of_raw, dt.datetime) or not (
        isinstance(as_of_raw, dt.date) or as_of_raw == _UNDATED
    ):
        raise check.fail(
            "as_of", f'must be a date like 2025-12-01 or "{_UNDATED}", got {as_of_raw!r}', "date"
        )
    example = check.flag(raw, "example", "example")
    channels = _read_channels(check, raw.get("channels"), "")
    return Plan(
        id=plan_id,
        name=check.text(raw, "name"),
        source=check.text(raw, "source"),
        as_of=None if as_of_raw == _UNDATED else as_of_raw,
        channels=channels,
        note=check.text(raw, "note", required=False),
        example=example,
        periodic=_read_periodic(check, raw),
        deposit=_read_deposit(check, raw),
        promotion=_read_promotion(check, raw, channels),
    )


def _read_channels(check: _Checker, raw: Any, base: str) -> dict[str, ChannelRule]:
    if not isinstance(raw, dict) or not raw:
        raise check.fail(
            base + "channels", "needs at least one channel, e.g. [plan.channels.credit]", "empty"
        )
    unknown = sorted(set(raw) - set(CHANNELS))
    if unknown:
        raise check.fail(
            f"{base}channels.{unknown[0]}",
            f"unknown channel (known: {', '.join(CHANNELS)})",
            "unknown",
        )
    return {
        channel: _read_channel(check, channel, raw[channel], base)
        for channel in CHANNELS
        if channel in raw
    }


def _read_periodic(check: _Checker, raw: dict[str, Any]) -> Periodic:
    table = check.table(raw, "periodic")
    if table is None:
        return Periodic()
    check.unknown_keys(table, _PERIODIC_KEYS, "periodic.")
    limit = {"low": Decimal(0), "high": MAX_PERIODIC_YUAN}
    annual = check.number(table, "annual_fee", "periodic.annual_fee", **limit)
    rent = check.number(table, "monthly_rent", "periodic.monthly_rent", **limit)
    name = check.text(table, "annual_fee_name", required=False, field="periodic.annual_fee_name")
    return Periodic(
        annual_fee=annual or Decimal(0),
        annual_fee_name=name or Periodic.annual_fee_name,
        monthly_rent=rent or Decimal(0),
    )


def _read_deposit(check: _Checker, raw: dict[str, Any]) -> Deposit | None:
    table = check.table(raw, "deposit")
    if table is None:
        return None
    check.unknown_keys(table, _DEPOSIT_KEYS, "deposit.")
    amount = check.number(
        table, "amount", "deposit.amount", low=Decimal("0.01"), high=MAX_PERIODIC_YUAN
    )
    if amount is None:
        raise check.fail("deposit.amount", "is required (yuan paid up front)", "required")
    condition = check.text(table, "refund_condition", field="deposit.refund_condition")
    return Deposit(amount=amount, refund_condition=condition)


def _read_promotion(
    check: _Checker, raw: dict[str, Any], channels: dict[str, ChannelRule]
) -> Promotion | None:
    table = check.table(raw, "promotion")
    if table is None:
        return None
    check.unknown_keys(table, _PROMOTION_KEYS, "promotion.")
    months = table.get("months")
    if isinstance(months, bool) or not isinstance(months, int):
        raise check.fail("promotion.months", f"must be a whole number, got {months!r}", "number")
    if not 1 <= months <= MONTHS_PER_YEAR:
        raise check.fail(
            "promotion.months", f"must be between 1 and {MONTHS_PER_YEAR}, got {months}", "range"
        )
    rent_waived = check.flag(table, "rent_waived", "promotion.rent_waived")
    promo_channels: dict[str, ChannelRule] = {}
    if "channels" in table:
        promo_channels = _read_channels(check, table["channels"], "promotion.")
        missing = sorted(set(promo_channels) - set(channels))
        if missing:
            raise check.fail(
                f"promotion.channels.{missing[0]}",
                "the plan itself has no rate for this channel",
                "unknown",
            )
    if not promo_channels and not rent_waived:
        raise check.fail(
            "promotion", "needs promotion.channels rates or rent_waived = true", "empty"
        )
    return Promotion(
        label=check.text(table, "label", field="promotion.label"),
        months=months,
        channels=promo_channels,
        rent_waived=rent_waived,
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
        check.where = f"plan[{index}]"
        plan = _read_plan(check, raw)
        if plan.id in plans:
            raise DataError(file, f"plan[{index}]", "id", f"duplicate plan id '{plan.id}'")
        plans[plan.id] = plan
    return plans


CUSTOM_PLAN_ID = "custom"
CUSTOM_PLAN_NAME = "自定义费率"  # as the calculator's form names the reader's own rates
_CUSTOM_KEYS = {"name", "channels", "periodic", "deposit", "promotion"}
_PERCENT_FIELDS = {"rate_percent"}
_YUAN_FIELDS = {"cap", "min", "fixed", "up_to", "annual_fee", "monthly_rent", "amount"}
_INTEGER_FIELDS = {"months"}


def _coerce_table(table: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Numbers as a reader types them ("0.6%", "25元", "０.６") become Decimal.

    Empty strings mean "not given" and are dropped, so a blank cap box is no
    cap rather than an error. Anything else is left for the plan checks,
    which give the same messages as for the plans file. `prefix` names the
    table in messages: "" at the top, "channels.credit." below.
    """
    return {
        k: _coerce(v, k, prefix + k)
        for k, v in table.items()
        if not (isinstance(v, str) and not v.strip())
    }


def _coerce(value: Any, key: str, field: str) -> Any:
    if isinstance(value, dict):
        return _coerce_table(value, field + ".")
    if isinstance(value, list):  # bands: a list of tables
        return [
            _coerce_table(v, f"{field}[{i}].") if isinstance(v, dict) else v
            for i, v in enumerate(value)
        ]
    if not isinstance(value, str):
        return value
    if key in _PERCENT_FIELDS:
        return parse_figure(value, field, percent=True)
    if key in _YUAN_FIELDS:
        return parse_figure(value, field, percent=False)
    if key in _INTEGER_FIELDS:
        number = parse_figure(value, field, percent=False)
        return int(number) if number == number.to_integral_value() else number
    return value


def plan_from_dict(raw: object, file: str = "自定义费率") -> Plan:
    """Validate a plan given as data (the reader's own contract, a URL, a form).

    Same rules and messages as the plans file, so a custom contract is usable
    everywhere a published plan is. Source and date default to "your contract".
    Numbers may be typed text; a malformed one raises InputError (Chinese).
    """
    if not isinstance(raw, dict):
        raise DataError(file, "", "", "must be a table of fields", "table")
    check = _Checker(file)
    check.where = f"plan '{CUSTOM_PLAN_ID}'"
    check.unknown_keys(raw, _CUSTOM_KEYS, "")
    coerced = _coerce_table(raw, "")
    if isinstance(coerced.get("channels"), dict):
        # A channel whose boxes were all left blank is simply not offered.
        coerced["channels"] = {k: v for k, v in coerced["channels"].items() if v != {}}
    filled = {
        "name": CUSTOM_PLAN_NAME,
        **coerced,
        "id": CUSTOM_PLAN_ID,
        "source": "您输入的合同费率",
        "as_of": _UNDATED,
    }
    return _read_plan(check, filled)


_CACHE: dict[tuple[str, int], dict[str, Plan]] = {}


def load_plans(path: str | Path | None = None) -> dict[str, Plan]:
    """Load a plans file once per file version; the bundled file by default.

    Keyed by modification time like the walker's tree, so `make serve` shows a
    maintainer's edit on the next rebuild instead of the first version read.
    """
    file = Path(path) if path is not None else DEFAULT_PLANS_FILE
    try:
        key = (str(file), file.stat().st_mtime_ns)
        if key not in _CACHE:
            _CACHE[key] = parse_plans(file.read_text(encoding="utf-8"), str(file))
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(str(file), "", "", f"cannot read: {error}") from None
    return _CACHE[key]
