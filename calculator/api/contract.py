"""What the browser pages need to know of Python's rules, written once here.

The build renders `contract()` into each tool page as JSON; page modules read
channel ids and names, views, shared-link parameter names (the calculator's and
the walker's), the custom-rate box names and the mix format from it instead of
keeping copies. Values the reader types are never checked
in the page: they go to the worker, which answers with a Chinese message.
"""

from __future__ import annotations

import json
from typing import Any

from calculator.api import fees_link, walker
from calculator.api.inputs import DEFAULT_PLAN, LIST_JOIN
from calculator.api.labels import RATE_FIELDS
from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.plans import CUSTOM_PLAN_ID
from calculator.fees.estimate import MAX_PLANS, MIX_EXAMPLE, MIX_JOIN


def contract() -> dict[str, Any]:
    return {
        "channels": [
            {"id": channel, "name": name, "short": SHORT_NAMES[channel]}
            for channel, name in CHANNELS.items()
        ],
        "views": list(fees_link.VIEWS),
        "default_plan": DEFAULT_PLAN,
        "custom_plan": CUSTOM_PLAN_ID,
        "max_compare": MAX_PLANS,
        # The custom-rate boxes' labels, in the one order of every tool.
        "rate_fields": [{"field": f, "label": label} for f, label in RATE_FIELDS],
        "mix": {"join": MIX_JOIN, "example": MIX_EXAMPLE},
        "link": {
            "params": dict(fees_link.PARAMS),
            "mix_prefix": fees_link.MIX_PREFIX,
            "list_join": LIST_JOIN,
            "custom": fees_link.custom_names(),
            "max_chars": fees_link.MAX_PARAM_CHARS,
        },
        "walker": {"param": walker.LINK_PARAM},
    }


def contract_json() -> str:
    """The contract as JSON safe inside a <script type="application/json"> element."""
    # Key order is kept: the page writes link parameters in this order.
    text = json.dumps(contract(), ensure_ascii=False, separators=(",", ":"))
    # "</script>" or "<!--" in a name must not end or change the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
