"""The system Chromium that browser tests and the page-weight benchmark drive with Playwright.

Playwright's own browser download does not work on our machines; Debian's
`chromium` package does. One setting chooses another browser: BROWSER_PATH (GitHub's
ubuntu-24.04 runners set it to their preinstalled /usr/bin/google-chrome, because
`apt-get install chromium` there installs a snap stub that does not run).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PATH = "/usr/bin/chromium"
# Without the background-networking flags Chromium calls Google's servers: traffic that
# tests must never make and benchmarks must not count (and that is refused here anyway).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> Path:
    """Where the browser is: $BROWSER_PATH, else Debian's /usr/bin/chromium (it may not
    exist)."""
    return Path(os.environ.get("BROWSER_PATH") or DEFAULT_PATH)
