"""A small static server for the built site, used by tests, bench and previews.

Sends the headers we tell deployers to send (CSP, caching, MIME types), so the
browser tests run under the same policy a real host would apply, and serves
the build's precompressed siblings as nginx's `brotli_static on; gzip_static
on;` would: for X, X.br when the request accepts br, else X.gz when it accepts
gzip, with X's Content-Type and `Vary: Accept-Encoding`.
"""

from __future__ import annotations

import argparse
import datetime
import email.utils
import functools
import http.server
import io
import sys
import threading
import urllib.parse
from pathlib import Path

# (Content-Encoding, suffix of the precompressed sibling), preferred first.
SIBLINGS = (("br", ".br"), ("gzip", ".gz"))

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


def accepted_encodings(header: str | None) -> set[str]:
    """The content codings an Accept-Encoding header allows (q above 0)."""
    accepted = set()
    for item in (header or "").split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding and quality > 0:
            accepted.add(coding.lower())
    if "*" in accepted:
        accepted.update(coding for coding, _suffix in SIBLINGS)
    return accepted


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    csp: str | None = CONTENT_SECURITY_POLICY
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    _vary = False

    def target(self) -> Path | None:
        """The file a GET of self.path answers with (a directory's index.html),
        or None where the base class answers (redirects, listings, 404)."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urllib.parse.urlsplit(self.path).path.endswith("/"):
                return None
            path = path / "index.html"
        return path if path.is_file() else None

    def has_encodings(self, path: Path) -> bool:
        """Whether `path` may be sent encoded (so the answer varies)."""
        return any(path.with_name(path.name + suffix).is_file() for _c, suffix in SIBLINGS)

    def encoded(self, path: Path, accepted: set[str]) -> tuple[str, bytes] | None:
        """(Content-Encoding, body) for `path` under `accepted`, or None for identity."""
        for coding, suffix in SIBLINGS:
            sibling = path.with_name(path.name + suffix)
            if coding in accepted and sibling.is_file():
                return coding, sibling.read_bytes()
        return None

    def not_modified(self, mtime: float) -> bool:
        """If-Modified-Since as SimpleHTTPRequestHandler judges it."""
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        modified = datetime.datetime.fromtimestamp(int(mtime), datetime.UTC)
        return modified <= when

    def send_head(self):  # noqa: ANN201 - http.server's signature
        self._vary = False
        path = self.target()
        if path is None or not self.has_encodings(path):
            return super().send_head()
        self._vary = True
        encoded = self.encoded(path, accepted_encodings(self.headers.get("Accept-Encoding")))
        if encoded is None:
            return super().send_head()
        coding, body = encoded
        mtime = path.stat().st_mtime
        if self.not_modified(mtime):
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        self.send_response(http.HTTPStatus.OK)
        # The original file's type: streaming WebAssembly compiles need application/wasm.
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(mtime))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        if self._vary:
            self.send_header("Vary", "Accept-Encoding")
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


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes a page mid-download (every test and bench run
    does) is not an error worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def serve(
    directory: Path,
    port: int = 0,
    csp: str | None = CONTENT_SECURITY_POLICY,
    handler_class: type[SiteHandler] = SiteHandler,
) -> QuietServer:
    """Start serving `directory` on 127.0.0.1 in a thread; returns the server."""
    handler = functools.partial(
        type("Handler", (handler_class,), {"csp": csp}), directory=str(directory)
    )
    server = QuietServer(("127.0.0.1", port), handler)
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
