"""The troubleshooting walker: validation of broken trees, the walk, the CLI."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from calculator.walker import tree as walker_tree


def all_paths(tree: walker_tree.Tree) -> list[list[tuple[str, str]]]:
    """Every walk from the start to an outcome, as (question, answer) pairs."""
    paths: list[list[tuple[str, str]]] = []

    def down(node: str, path: list[tuple[str, str]]) -> None:
        if node in tree.outcomes:
            paths.append(path)
            return
        for answer in tree.questions[node].answers:
            down(answer.next, [*path, (node, answer.id)])

    down(tree.start, [])
    return paths


ROOT = Path(__file__).resolve().parents[1]


CAUSES_MD = ROOT / "docs" / "causes.md"


def bundled() -> dict[str, Any]:
    return tomllib.loads(walker_tree.DEFAULT_FILE.read_text(encoding="utf-8"))


def dump_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for the shapes the tree uses (tests only)."""

    def value(v: Any) -> str:
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        raise TypeError(v)

    lines = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    arrays = {
        k: v
        for k, v in data.items()
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and k != "common_links"
    }
    for key, v in data.items():
        if key not in tables and key not in arrays:
            lines.append(f"{json.dumps(key)} = {value(v)}")
    for key, table in tables.items():
        lines.append(f"[{key}]")
        lines += [f"{json.dumps(k)} = {value(x)}" for k, x in table.items()]
    for key, items in arrays.items():
        for item in items:
            lines.append(f"[[{key}]]")
            lines += [f"{json.dumps(k)} = {value(x)}" for k, x in item.items()]
    return "\n".join(lines) + "\n"


def problems_of(tmp_path: Path, data: dict[str, Any], guide: list[str] | None = None) -> list[str]:
    path = tmp_path / "tree.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    return walker_tree.validate_file(path, guide or [])


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["question"] if q["id"] == qid)


def outcome(data: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in data["outcome"] if o["id"] == oid)


HOSTILE = [
    "stage=<script>alert(1)</script>",
    "stage=money,stage=limit",
    "foo=bar",
    "stage",
    "=",
    "stage=limit,money=old-card",
    "stage=" + "a" * 2000,
    ",".join(["stage=money"] * 40),
    "STAGE=MONEY",
    "stage=money;drop",
    {"stage": 1},
    ["stage"],
    [["stage", "money", "x"]],
    5,
    "stage=％",
]
