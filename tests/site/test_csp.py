"""CSP gate: the policy the README tells deployers to send is the one the test
server sends, and it allows nothing broader than the site's own origin."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tools.static_server import CONTENT_SECURITY_POLICY, serve

ROOT = Path(__file__).resolve().parents[2]


def test_readme_documents_the_tested_policy() -> None:
    assert CONTENT_SECURITY_POLICY in (ROOT / "README.md").read_text(encoding="utf-8")


def test_policy_is_strict() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["default-src"] == "'self'"
    for value in directives.values():
        assert "unsafe-eval'" not in value.replace("wasm-unsafe-eval", "")
        assert "*" not in value and "http" not in value
    assert "'unsafe-inline'" not in directives["script-src"]


def test_server_sends_policy_and_types(site_dir: Path) -> None:
    server = serve(site_dir)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base) as page:
            assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        wasm = next(site_dir.glob("assets/pyodide-*/pyodide.asm.wasm")).relative_to(site_dir)
        with urllib.request.urlopen(base + wasm.as_posix()) as response:
            assert response.headers["Content-Type"] == "application/wasm"
            assert "immutable" in response.headers["Cache-Control"]
    finally:
        server.shutdown()
