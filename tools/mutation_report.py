"""Per-module mutation figures after `mutmut run`, and the gate for `make mutation`.

mutmut prints one total for everything it mutated; the gate is per module, so
a well-tested module cannot hide a weak one. Reads the modules from
`[tool.mutmut] only_mutate` in pyproject.toml and each module's results from
mutmut's `mutants/<module>.meta`. Exit 1 when a module kills less than
MIN_SHARE of its mutants or has no (or unfinished) results.

A timeout counts as killed: the tests noticed the mutant (it looped).
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
MIN_SHARE = 0.90
DETECTED = {"killed", "timeout"}


def modules(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    with pyproject.open("rb") as file:
        return list(tomllib.load(file)["tool"]["mutmut"]["only_mutate"])


def statuses(module: str, mutants: Path = ROOT / "mutants") -> dict[str, str] | None:
    """Status of each mutant of `module`, or None when mutmut has not run on it."""
    meta = mutants / f"{module}.meta"
    if not meta.is_file():
        return None
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in codes.items()}


def _in_order(name: str) -> tuple[str, int]:
    """module.x_function__mutmut_12 sorts after ..._mutmut_9."""
    function, _, number = name.rpartition("__mutmut_")
    return function, int(number)


def main() -> int:
    failed = []
    survivors: list[str] = []
    print(f"{'module':<34} {'killed':>6} / {'total':<5}  share   (gate {MIN_SHARE:.0%})")
    for module in modules():
        result = statuses(module)
        if not result:
            print(f"{module:<34} no results: run `mutmut run` first")
            failed.append(module)
            continue
        counts = Counter(result.values())
        killed = sum(counts[status] for status in DETECTED)
        share = killed / len(result)
        below = share < MIN_SHARE or counts["not checked"] > 0
        print(f"{module:<34} {killed:>6} / {len(result):<5} {share:6.1%}" + ("  <- below" * below))
        if below:
            failed.append(module)
        alive = sorted((n for n, s in result.items() if s not in DETECTED), key=_in_order)
        survivors += [f"  {name}: {result[name]}" for name in alive]
    if survivors:
        print(f"\nnot killed ({len(survivors)}; `mutmut show NAME` prints the change):")
        print("\n".join(survivors))
    if failed:
        print(f"\nmutation gate failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
