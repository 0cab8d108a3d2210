"""The 2016 fee-reform ceilings, read from data like the plans.

Kept as data so the fees page never carries a hand-typed regulatory figure.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from calculator.core.errors import DataError

DEFAULT_FILE = Path(__file__).parent.parent / "data" / "regulation.toml"


@dataclass(frozen=True)
class Ceiling:
    name: str
    rate_percent: Decimal | None
    cap: Decimal | None
    note: str


@dataclass(frozen=True)
class Reform:
    title: str
    number: str
    issuer: str
    announced: dt.date
    in_force: dt.date
    items: tuple[Ceiling, ...]


def load_reform(path: Path = DEFAULT_FILE) -> Reform:
    file = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DataError(file, "", "", f"cannot read: {error}") from None
    reform = data.get("reform")
    if not isinstance(reform, dict):
        raise DataError(file, "", "reform", "missing [reform] table")
    for key in ("title", "number", "issuer"):
        if not isinstance(reform.get(key), str) or not reform[key]:
            raise DataError(file, "reform", key, "is required text")
    for key in ("announced", "in_force"):
        if not isinstance(reform.get(key), dt.date):
            raise DataError(file, "reform", key, "must be a date like 2016-09-06")
    items = []
    for index, raw in enumerate(reform.get("item", [])):
        where = f"reform.item[{index}]"
        if not isinstance(raw.get("name"), str) or not raw["name"]:
            raise DataError(file, where, "name", "is required text")
        numbers: dict[str, Decimal | None] = {}
        for key in ("rate_percent", "cap"):
            value = raw.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value < 0
            ):
                raise DataError(file, where, key, f"must be a non-negative number, got {value!r}")
            numbers[key] = None if value is None else Decimal(value)
        items.append(
            Ceiling(raw["name"], numbers["rate_percent"], numbers["cap"], str(raw.get("note", "")))
        )
    if not items:
        raise DataError(file, "reform", "item", "needs at least one [[reform.item]]")
    return Reform(
        reform["title"],
        reform["number"],
        reform["issuer"],
        reform["announced"],
        reform["in_force"],
        tuple(items),
    )
