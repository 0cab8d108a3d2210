"""mkdocs-macros entry point: registers functions; all logic is in `calculator`.

Pages opt in with `render_macros: true` in their front matter.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root, so `calculator` imports without being installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculator import checklist, checklist_render, render  # noqa: E402


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

    # Troubleshooting walker (issue 5): the no-JS tree, and a build that stops
    # when the tree misses a cause on the guide or is broken in any other way.
    env.macro(checklist_render.checklist_static)
    causes_page = Path(env.conf["docs_dir"]) / "causes.md"
    guide = checklist.guide_cause_ids(causes_page.read_text(encoding="utf-8"))
    problems = checklist.validate_file(None, guide)
    if problems:
        raise checklist.TreeError(str(checklist.DEFAULT_FILE), problems)
