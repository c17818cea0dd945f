"""Debian's Chromium driven by Playwright (no browser download), shared by the browser tests.

``chromium()`` launches it headless and skips the test when Playwright or
``/usr/bin/chromium`` is missing (``make test`` installs both); ``watch(page)`` records a
page's console errors and every URL it requests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

__all__ = ["CHROMIUM", "chromium", "watch"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium ``Browser`` (use inside a fixture; skips when unavailable)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def watch(page) -> tuple[list[str], list[str]]:
    """Start recording ``page``'s console errors and request URLs; return both lists."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    return errors, requests
