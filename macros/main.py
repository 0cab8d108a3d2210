"""mkdocs-macros entry point: registers functions; all logic is in `calculator`.

Pages opt in with `render_macros: true` in their front matter.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root, so `calculator` imports without being installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculator.api import contract  # noqa: E402
from calculator.site import fees, guide, walker  # noqa: E402


def define_env(env) -> None:  # noqa: ANN001 - mkdocs-macros passes its own type
    for function in (
        fees.plan_rate_table,
        fees.plan_source,
        fees.fee,
        fees.fee_examples,
        fees.fee_table,
        fees.debit_cap_point,
        fees.reform_table,
        fees.plan_choices,
        fees.view_choices,
        fees.all_fee_tables,
        fees.download_size,
        walker.walker_static,
        guide.messages_page,
        guide.brands_page,
        guide.brand_names,
        guide.sources_page,
        guide.source_cite,
        contract.contract,
        contract.contract_json,
    ):
        env.macro(function)
    # A walker tree that misses a cause on the guide, or is broken in any other
    # way, stops the build with every problem listed.
    walker.check_against_guide(Path(env.conf["docs_dir"]) / "causes.md")
    # Broken sources, messages or brands stop the build too; old checked dates
    # only warn here (the freshness test fails at the limit).
    guide.check_guide_data(Path(env.conf["docs_dir"]))
