"""Shared fixtures: one strict site build per test session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge correctness, not speed: on a shared two-core machine an
# example can exceed Hypothesis's 200 ms deadline without anything being wrong.
settings.register_profile("project", deadline=None, print_blob=True)
settings.load_profile("project")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def site_port() -> int:
    """The port the test server will use, known before the build.

    Material's instant navigation only follows links whose host and port match
    the sitemap, so the test build's site_url must name the test server.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site_build(
    tmp_path_factory: pytest.TempPathFactory, site_port: int
) -> subprocess.CompletedProcess[str]:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "SITE_URL": f"http://127.0.0.1:{site_port}/",
        },
    )
    done.site_dir = out  # type: ignore[attr-defined]
    return done


@pytest.fixture(scope="session")
def site_dir(site_build: subprocess.CompletedProcess[str]) -> Path:
    assert site_build.returncode == 0, site_build.stderr[-3000:]
    return site_build.site_dir  # type: ignore[attr-defined]
