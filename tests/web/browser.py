"""Debian's Chromium, headless, driven by Playwright: for the web tests and the README screenshots.

What it is for: ``chromium()`` starts /usr/bin/chromium (installed by
scripts/chromium.sh from Debian's packages; Playwright's own browser builds are never
downloaded) with a fresh user-data-dir and no background networking, and yields a
Playwright ``BrowserContext``; ``WebProcess`` runs the real ``handoff web`` command on a
free loopback port and reads the address it prints. A missing Chromium fails the test
with the command that installs it (CI must not skip browser tests). Not for: the web
code itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "Chromium is not installed; install it with: bash scripts/chromium.sh (or: make test)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HANDOFF = Path(sys.executable).with_name("handoff")


@contextmanager
def chromium(*, width: int = 1280, height: int = 900, mobile: bool = False) -> Iterator[Any]:
    """A fresh headless Chromium; yields a Playwright BrowserContext."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(INSTALL_HINT)
    profile = tempfile.mkdtemp(prefix="handoff-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": width, "height": height},
                device_scale_factor=2 if mobile else 1,
                is_mobile=mobile,
                has_touch=mobile,
                java_script_enabled=False,  # nothing essential may need it
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class WebProcess:
    """``handoff web`` as a person starts it, on a free loopback port; ``url`` is the address it printed."""

    def __init__(self, env: dict[str, str]) -> None:
        full = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "ANTHROPIC_"))}
        full.update(env)
        full.setdefault("HANDOFF_WEB_HOST", "127.0.0.1")
        full.setdefault("HANDOFF_WEB_PORT", "0")
        self.process = subprocess.Popen(
            [str(HANDOFF), "web"], env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.url = self._wait_for_address()

    def _wait_for_address(self, timeout_s: float = 60.0) -> str:
        deadline = time.monotonic() + timeout_s
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            found = re.search(r"web pages on (http://\S+)", line)
            if found:
                return found.group(1)
        self.stop()
        raise RuntimeError(f"handoff web did not start: {self.process.stderr.read() if self.process.stderr else ''}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
