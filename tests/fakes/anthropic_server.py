"""A fake Anthropic Messages API on loopback, for testing the Claude extractor with the real SDK.

What it is for: ``FakeAnthropic`` is a real HTTP server (stdlib ``http.server`` in a
thread, on 127.0.0.1 and a free port) that answers ``POST /v1/messages`` from a queue
of canned answers — tool calls, plain text, raw error statuses, slow answers — and
records every request so tests can check what the SDK really sent (cache_control,
which sources, the headers). Usage figures are computed from the request: the prefix
up to the last ``cache_control`` marker counts as cache creation the first time it is
seen and as a cache read afterwards, like the real API. ``serving(monkeypatch)`` runs
one and points ``ANTHROPIC_BASE_URL`` at it; ``fake_anthropic`` is the same as a fixture.
Not for: modelling Claude's judgement; every answer is what the test queued.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

CHARS_PER_TOKEN = 4


@dataclass(slots=True)
class CannedAnswer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    tool_input: Any = None  # for tool answers: the usage is computed once the request is known
    text: str | None = None


@dataclass(slots=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    json: dict[str, Any]


def _tokens(value: object) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return max(1, len(text) // CHARS_PER_TOKEN)


def cached_prefix(request: dict[str, Any]) -> list[Any]:
    """The request's parts up to and including the last block marked with cache_control.

    The API's cache order is tools, then system, then messages; a marker caches everything before it.
    """
    parts: list[Any] = [*request.get("tools", [])]
    system = request.get("system", [])
    parts.extend([system] if isinstance(system, str) else system)
    for message in request.get("messages", []):
        content = message.get("content", [])
        parts.extend([content] if isinstance(content, str) else content)
    last = max((i for i, part in enumerate(parts) if isinstance(part, dict) and "cache_control" in part), default=-1)
    return parts[: last + 1]


class FakeAnthropic:
    """The server, its queue of canned answers and the requests it saw."""

    def __init__(self, expected_api_key: str | None = None) -> None:
        self.expected_api_key = expected_api_key
        self.requests: list[RecordedRequest] = []
        self._queue: deque[CannedAnswer] = deque()
        self._seen_prefixes: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-anthropic",
            daemon=True,
        )

    # -- lifecycle --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- queueing answers ---------------------------------------------------------------

    def enqueue(self, tool_input: Any, *, tool_name: str = "record_handoff", delay_s: float = 0.0) -> None:
        """Answer the next request with a tool call carrying ``tool_input`` (any JSON, even a broken one)."""
        self._queue.append(CannedAnswer(200, b"", delay_s=delay_s, tool_input={"name": tool_name, "input": tool_input}))

    def enqueue_text(self, text: str, *, delay_s: float = 0.0) -> None:
        """Answer the next request with plain text and no tool call."""
        self._queue.append(CannedAnswer(200, b"", delay_s=delay_s, text=text))

    def enqueue_raw(
        self, status: int, body: Any, *, headers: dict[str, str] | None = None, delay_s: float = 0.0
    ) -> None:
        """Answer the next request with exactly this status and body (a dict is sent as JSON)."""
        raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self._queue.append(CannedAnswer(status, raw, headers=dict(headers or {}), delay_s=delay_s))

    def enqueue_error(self, status: int, error_type: str, message: str = "fake error", **kwargs: Any) -> None:
        """An error in the API's own shape: ``{"type": "error", "error": {...}}``."""
        self.enqueue_raw(status, {"type": "error", "error": {"type": error_type, "message": message}}, **kwargs)

    @property
    def pending(self) -> int:
        return len(self._queue)

    # -- answering ------------------------------------------------------------------

    def _usage(self, request: dict[str, Any], output: object) -> dict[str, int]:
        prefix = cached_prefix(request)
        total = _tokens({k: request.get(k) for k in ("tools", "system", "messages")})
        prefix_tokens = _tokens(prefix) if prefix else 0
        key = hashlib.sha256(json.dumps(prefix, sort_keys=True).encode()).hexdigest()
        with self._lock:
            first = key not in self._seen_prefixes
            self._seen_prefixes.add(key)
        return {
            "input_tokens": max(1, total - prefix_tokens),
            "output_tokens": _tokens(output),
            "cache_creation_input_tokens": prefix_tokens if prefix and first else 0,
            "cache_read_input_tokens": prefix_tokens if prefix and not first else 0,
        }

    def _message(self, request: dict[str, Any], answer: CannedAnswer) -> bytes:
        if answer.text is not None:
            content: list[dict[str, Any]] = [{"type": "text", "text": answer.text}]
            stop_reason, output = "end_turn", answer.text
        else:
            call = answer.tool_input
            content = [{"type": "tool_use", "id": f"toolu_fake{len(self.requests)}", **call}]
            stop_reason, output = "tool_use", call["input"]
        message = {
            "id": f"msg_fake{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": request.get("model", "fake"),
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": self._usage(request, output),
        }
        return json.dumps(message).encode()

    def _answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes, dict[str, str], float]:
        def error(status: int, kind: str, message: str) -> tuple[int, bytes, dict[str, str], float]:
            body = {"type": "error", "error": {"type": kind, "message": message}}
            return status, json.dumps(body).encode(), {}, 0.0

        if path.split("?")[0] != "/v1/messages":
            return error(404, "not_found_error", f"fake server: no route {path}")
        try:
            request = json.loads(raw)
        except ValueError:
            return error(400, "invalid_request_error", "fake server: body is not JSON")
        self.requests.append(RecordedRequest(path=path, headers=headers, json=request))
        bearer = headers.get("authorization", "")
        key = headers.get("x-api-key") or (bearer[7:] if bearer.lower().startswith("bearer ") else None)
        if not key or (self.expected_api_key is not None and key != self.expected_api_key):
            return error(401, "authentication_error", "invalid API key")
        missing = [k for k in ("model", "max_tokens", "messages") if k not in request]
        if missing:
            return error(400, "invalid_request_error", f"fake server: missing {missing}")
        if not self._queue:
            return error(400, "invalid_request_error", "fake server: no canned answer queued")
        answer = self._queue.popleft()
        canned = answer.tool_input is not None or answer.text is not None
        body = self._message(request, answer) if canned else answer.body
        return answer.status, body, answer.headers, answer.delay_s

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body, extra, delay_s = fake._answer(self.path, headers, raw)
                if delay_s:
                    time.sleep(delay_s)
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.send_header("request-id", f"req_fake{len(fake.requests)}")
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
                return

        return Handler


@contextmanager
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    """A running fake Messages API that the SDK finds through ANTHROPIC_BASE_URL; stopped on exit."""
    server = FakeAnthropic().start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_anthropic(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    """The fixture form of ``serving``, for a conftest to import."""
    with serving(monkeypatch) as server:
        yield server
