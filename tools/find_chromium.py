"""Find a Chromium for the browser tests, or say how to get one.

Order: $CHROMIUM, then chromium, chromium-browser, google-chrome(-stable) on
PATH, then a browser Playwright downloaded itself.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_GET = """No Chromium found for the browser tests. Any one of these works:
  - Debian/Ubuntu:  sudo apt-get install chromium
  - macOS:          install Google Chrome, or `brew install --cask chromium`
  - anywhere with internet access:  .venv/bin/playwright install chromium
  - or point to one:  CHROMIUM=/path/to/chrome make test"""


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    for path in sorted(cache.glob("chromium-*/chrome-linux*/chrome"), reverse=True):
        return str(path)
    mac = Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    return str(mac) if mac.is_file() else None


if __name__ == "__main__":
    path = find_chromium()
    if path is None:
        sys.exit(HOW_TO_GET)
    print(path)
