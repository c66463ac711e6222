"""A throwaway headless Chromium, driven over the DevTools protocol, for looking at rendered mail.

What it is for: ``Chromium`` starts Debian's ``chromium`` headless with a fresh profile in
its own temporary folder (no network fetches of its own: no sync, no component updates,
no background networking), connects to its page over the DevTools WebSocket and offers
``render(html, width)``, which loads the HTML at a given viewport width, and
``evaluate(js)``. Not for: anything outside tests; nothing is downloaded (Debian's
chromium, the ``websockets`` package).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

INSTALL_HINT = "Chromium is not installed; install it with: bash scripts/chromium.sh (or: make test)"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


class Chromium:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, timeout_s: float = 30) -> None:
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary is None:
            pytest.fail(INSTALL_HINT)
        self.timeout_s = timeout_s
        self.profile = Path(tempfile.mkdtemp(prefix="handoff-chromium-"))
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ws: ClientConnection | None = None
        self.stack = contextlib.ExitStack()
        self.counter = 0

    def __enter__(self) -> Chromium:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout_s
        while not port_file.exists() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                pytest.fail("Chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout_s) as response:
            pages = [t for t in json.load(response) if t.get("type") == "page"]
        url = pages[0]["webSocketDebuggerUrl"]
        self.ws = self.stack.enter_context(connect(url, proxy=None, max_size=None, open_timeout=self.timeout_s))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stack.close()
        self.ws = None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        if self.ws is None:
            raise RuntimeError("Chromium is not connected; use it as a context manager")
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout_s
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def render(self, html: str, width: int, height: int = 900) -> None:
        """Show ``html`` in a viewport ``width`` CSS pixels wide, as a phone or a desktop mail client would."""
        self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600
        )
        frame = self.call("Page.getFrameTree")["frameTree"]["frame"]["id"]
        self.call("Page.setDocumentContent", frameId=frame, html=html)
        deadline = time.monotonic() + self.timeout_s
        while self.evaluate("document.readyState") != "complete" and time.monotonic() < deadline:
            time.sleep(0.05)
