"""Content negotiation in tools/static_server.py (the test and preview server)
and in the bench's GzipHandler: a precompressed sibling when the request
accepts its encoding, with the original's Content-Type, the encoded body's
Content-Length and Vary; identity otherwise."""

from __future__ import annotations

import gzip
import http.client
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.static_server import SiteHandler, accepted_encodings, serve

WASM = b"\0asm" + bytes(range(256)) * 40
BR = b"pretend brotli"  # the server never decodes: what is on disk is sent


@pytest.fixture
def site(tmp_path: Path) -> Path:
    core = tmp_path / "assets" / "pyodide-1.0"
    core.mkdir(parents=True)
    (core / "pyodide.asm.wasm").write_bytes(WASM)
    (core / "pyodide.asm.wasm.br").write_bytes(BR)
    (core / "pyodide.asm.wasm.gz").write_bytes(gzip.compress(WASM, mtime=0))
    (core / "only-gz.mjs").write_text("export const a = 1;\n", encoding="utf-8")
    (core / "only-gz.mjs.gz").write_bytes(gzip.compress(b"export const a = 1;\n", mtime=0))
    (core / "lock.json").write_text('{"info": {}}' * 50, encoding="utf-8")
    (tmp_path / "index.html").write_text("<html>" + "x" * 2000 + "</html>", encoding="utf-8")
    return tmp_path


def fetch(port: int, path: str, method: str = "GET", **headers: str) -> tuple:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # http.client would add "Accept-Encoding: identity" itself; send exactly ours.
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name.replace("_", "-"), value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body


@pytest.fixture
def port(site: Path) -> Iterator[int]:
    server = serve(site)
    yield server.server_address[1]
    server.shutdown()


WASM_PATH = "/assets/pyodide-1.0/pyodide.asm.wasm"


def test_brotli_when_accepted_and_present(port: int) -> None:
    status, headers, body = fetch(port, WASM_PATH, Accept_Encoding="gzip, deflate, br, zstd")
    assert status == 200 and body == BR
    assert headers["Content-Encoding"] == "br"
    assert headers["Content-Type"] == "application/wasm"
    assert headers["Content-Length"] == str(len(BR))
    assert headers["Vary"] == "Accept-Encoding"
    assert "immutable" in headers["Cache-Control"] and headers["Content-Security-Policy"]
    assert headers["Last-Modified"]


def test_gzip_when_brotli_is_not_accepted(port: int) -> None:
    for accept in ("gzip", "gzip, deflate", "br;q=0, gzip;q=0.8"):
        status, headers, body = fetch(port, WASM_PATH, Accept_Encoding=accept)
        assert status == 200 and headers["Content-Encoding"] == "gzip", accept
        assert gzip.decompress(body) == WASM
        assert headers["Content-Length"] == str(len(body))
        assert headers["Content-Type"] == "application/wasm"
        assert headers["Vary"] == "Accept-Encoding"
    # Only a .gz sibling: a brotli client gets gzip.
    status, headers, body = fetch(
        port, "/assets/pyodide-1.0/only-gz.mjs", Accept_Encoding="br, gzip"
    )
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"export")
    assert headers["Content-Type"].startswith("text/javascript")


def test_identity_when_neither_is_accepted(port: int) -> None:
    for headers_sent in (
        {},
        {"Accept_Encoding": "identity"},
        {"Accept_Encoding": "br;q=0, gzip;q=0"},
    ):
        status, headers, body = fetch(port, WASM_PATH, **headers_sent)
        assert status == 200 and body == WASM, headers_sent
        assert "Content-Encoding" not in headers
        assert headers["Content-Length"] == str(len(WASM))
        assert headers["Content-Type"] == "application/wasm"
        # The answer would differ for another Accept-Encoding: caches must know.
        assert headers["Vary"] == "Accept-Encoding"


def test_files_without_siblings_are_sent_as_they_are(port: int) -> None:
    for path in ("/", "/assets/pyodide-1.0/lock.json"):
        status, headers, body = fetch(port, path, Accept_Encoding="gzip, br")
        assert status == 200 and body.startswith((b"<html>", b"{"))
        assert "Content-Encoding" not in headers and "Vary" not in headers


def test_revalidation_and_head(port: int) -> None:
    _, first, _ = fetch(port, WASM_PATH, Accept_Encoding="br")
    status, headers, body = fetch(
        port, WASM_PATH, Accept_Encoding="br", If_Modified_Since=first["Last-Modified"]
    )
    assert status == 304 and body == b"" and headers["Vary"] == "Accept-Encoding"
    status, headers, body = fetch(port, WASM_PATH, "HEAD", Accept_Encoding="br")
    assert status == 200 and body == b""
    assert headers["Content-Encoding"] == "br" and headers["Content-Length"] == str(len(BR))


def test_accept_encoding_parsing() -> None:
    assert accepted_encodings("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted_encodings("BR;q=1.0, gzip; q=0") == {"br"}
    assert accepted_encodings("*") >= {"br", "gzip"}
    assert accepted_encodings(None) == set() == accepted_encodings("")
    assert accepted_encodings("gzip;q=oops") == set()


def test_bench_gzips_on_the_fly_what_has_no_sibling(site: Path) -> None:
    bench = pytest.importorskip("tools.bench")
    handler = type("Handler", (bench.GzipHandler,), {"cache": {}})
    assert issubclass(handler, SiteHandler)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: handler(*a, directory=str(site), **k)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        # A sibling wins, as on the plain server.
        _, headers, body = fetch(port, WASM_PATH, Accept_Encoding="gzip, br")
        assert headers["Content-Encoding"] == "br" and body == BR
        # No sibling, compressible: gzip on the fly, with the original's type.
        status, headers, body = fetch(
            port, "/assets/pyodide-1.0/lock.json", Accept_Encoding="gzip, br"
        )
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body).startswith(b'{"info"')
        assert headers["Content-Type"] == "application/json"
        assert headers["Content-Length"] == str(len(body)) and headers["Vary"] == "Accept-Encoding"
        _, headers, body = fetch(port, "/", Accept_Encoding="gzip")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"<html>")
        # Not accepted: identity, still varying.
        _, headers, body = fetch(port, "/assets/pyodide-1.0/lock.json")
        assert "Content-Encoding" not in headers and body.startswith(b'{"info"')
        assert headers["Vary"] == "Accept-Encoding"
    finally:
        server.shutdown()


def test_a_closed_connection_is_not_an_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Browsers close pages mid-download in every test and bench run: no
    traceback for that, but one for anything else."""
    server = serve(site)
    try:
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise error
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real bug")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
        assert "a real bug" in capsys.readouterr().err
    finally:
        server.shutdown()
        server.server_close()
