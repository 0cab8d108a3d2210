"""A small static server for the built site, used by tests, bench and previews.

Sends the headers we tell deployers to send (CSP, caching, MIME types), so the
browser tests run under the same policy a real host would apply.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

# The policy documented in the README. 'wasm-unsafe-eval' lets WebAssembly
# compile; nothing else is loosened, and nothing may come from another host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    csp: str | None = CONTENT_SECURITY_POLICY
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self) -> None:
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        path = self.path.split("?", 1)[0]
        if "/assets/pyodide-" in path or "/assets/py/" in path:
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(directory: Path, port: int = 0, csp: str | None = CONTENT_SECURITY_POLICY):
    """Start serving `directory` on 127.0.0.1 in a thread; returns the server."""
    handler = functools.partial(
        type("Handler", (SiteHandler,), {"csp": csp}), directory=str(directory)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve site/ with the deploy headers.")
    parser.add_argument("directory", nargs="?", default="site")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    httpd = serve(Path(args.directory), args.port)
    print(f"http://127.0.0.1:{args.port}/")
    threading.Event().wait()
