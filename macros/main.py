"""mkdocs-macros entry point: registers functions; all logic is in `calculator`.

Pages opt in with `render_macros: true` in their front matter.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root, so `calculator` imports without being installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculator import render  # noqa: E402


def define_env(env) -> None:  # noqa: ANN001 - mkdocs-macros passes its own type
    for function in (
        render.plan_rate_table,
        render.plan_source,
        render.fee,
        render.fee_examples,
        render.fee_table,
        render.debit_cap_point,
        render.reform_table,
        render.plan_choices,
        render.channel_choices,
        render.all_fee_tables,
    ):
        env.macro(function)
