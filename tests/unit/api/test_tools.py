"""The dispatcher's table of tools: every name reaches its function, a tool's
module is imported on its first call only, and import_all() loads them all."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from calculator import api
from tools import runtime_files

BAD_REQUEST = {
    "error": {
        "code": "bad_request",
        "message_zh": "请求格式不对，请刷新页面后重试。",
        "field": "",
    }
}
FIRST_FEE = {
    "fn": "fee",
    "args": {"amount": "10000", "channel": "credit", "plan": "lakala-personal"},
}


@pytest.mark.parametrize("name", list(api.TOOLS))
def test_every_name_resolves_to_its_modules_function(name: str) -> None:
    module = importlib.import_module(api.TOOLS[name])
    function = api.FUNCTIONS[name]
    assert callable(function) and function is getattr(module, name)
    assert function.__module__ == api.TOOLS[name]


def test_functions_behaves_like_the_table() -> None:
    assert list(api.FUNCTIONS) == list(api.TOOLS) and len(api.FUNCTIONS) == len(api.TOOLS)
    assert dict(api.FUNCTIONS.items()) == {n: api.FUNCTIONS[n] for n in api.TOOLS}
    assert "fee" in api.FUNCTIONS and "nope" not in api.FUNCTIONS
    assert api.FUNCTIONS.get("nope") is None


@pytest.mark.parametrize(
    "name",
    ["nope", "receive_file", "load_plans", "breakdown_dict", "import_all", "FUNCTIONS", ""],
)
def test_unknown_function_is_a_bad_request(name: str) -> None:
    """Also names that exist in a tool module or here but are not tools."""
    reply = json.loads(api.call_json(json.dumps({"fn": name, "args": {}})))
    assert reply == BAD_REQUEST
    with pytest.raises(KeyError):
        api.safe_call(name)


def test_unhashable_function_name_is_a_bad_request() -> None:
    assert json.loads(api.call_json('{"fn": ["fee"], "args": {}}')) == BAD_REQUEST


def _fresh_python(code: str) -> dict:
    """Run `code` in a new interpreter (nothing imported yet); it prints JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=runtime_files.ROOT,
    )
    return json.loads(done.stdout)


OURS = "sorted(m for m in sys.modules if m.split('.')[0] == 'calculator')"


def test_first_fee_imports_no_other_tool() -> None:
    got = _fresh_python(
        "import json, sys\n"
        "from calculator import api\n"
        f"at_import = {OURS}\n"
        f"reply = json.loads(api.call_json({json.dumps(FIRST_FEE)!r}))\n"
        f"print(json.dumps({{'at_import': at_import, 'after_fee': {OURS}, 'reply': reply}}))\n"
    )
    assert got["reply"]["fee"] == "60.00"
    assert got["at_import"] == [
        "calculator",
        "calculator.api",
        "calculator.core",
        "calculator.core.errors",
    ]
    after = set(got["after_fee"])
    assert {"calculator.api.fees", "calculator.core.plans", "calculator.fees.transaction"} <= after
    for later in ("api.walker", "api.statement", "api.fees_link", "fees.charts", "fees.estimate"):
        assert f"calculator.{later}" not in after
    assert not any(m.startswith(("calculator.walker", "calculator.statement")) for m in after)


def test_import_all_imports_every_module_the_browser_gets() -> None:
    got = _fresh_python(
        "import json, sys\n"
        "from calculator import api\n"
        "api.import_all()\n"
        f"print(json.dumps({OURS}))\n"
    )
    shipped = {
        ".".join(p.relative_to(runtime_files.ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in runtime_files.package_files()
        if p.suffix == ".py"
    }
    # The page contract is rendered by the build; the browser never imports it.
    assert set(got) == shipped - {"calculator.api.contract"}
