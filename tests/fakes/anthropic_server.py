"""A fake Anthropic Messages API on loopback, for testing the Claude extractor with the real SDK.

What it is for: ``FakeAnthropic`` is a real HTTP server (stdlib ``http.server`` in a
thread, on 127.0.0.1 and a free port) that answers ``POST /v1/messages`` from a queue of
canned answers — structured-output answers, plain text, raw error statuses, slow answers
— after refusing what the real API refuses for the requested model generation
(tests/fakes/anthropic_rules.py). An answer starts with a thinking block where the
model thinks by default (the 5.x generation), and stops at ``max_tokens`` when its text
does not fit. ``POST /v1/messages/count_tokens`` counts, and ``/v1/messages/batches``
takes a batch, ends it after ``batch_polls`` polls and serves its results as JSONL.
Every request is recorded so tests can check what the SDK really sent. Usage figures are
computed from the request: the prefix up to the last ``cache_control`` marker counts as
cache creation the first time it is seen and as a cache read afterwards, like the real
API. ``serving(monkeypatch)`` runs one and points ``ANTHROPIC_BASE_URL`` at it.
Not for: modelling Claude's judgement; every answer is what the test queued.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.fakes.anthropic_rules import MODELS, refusal, thinking_on

CHARS_PER_TOKEN = 4
THINKING_TOKENS = 40  # what a thinking block costs in output tokens
_CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@dataclass(slots=True)
class CannedAnswer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    data: Any = None  # a structured answer (or tool input); usage is computed once the request is known
    text: str | None = None
    stop_reason: str | None = None  # force one, e.g. "max_tokens" or "refusal"


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

    The API's cache order is tools (and the structured-output schema), then system, then messages;
    a marker caches everything before it.
    """
    output_format = (request.get("output_config") or {}).get("format")
    parts: list[Any] = [output_format] if output_format else []
    parts.extend(request.get("tools", []))
    system = request.get("system", [])
    parts.extend([system] if isinstance(system, str) else system)
    for message in request.get("messages", []):
        content = message.get("content", [])
        parts.extend([content] if isinstance(content, str) else content)
    last = max((i for i, part in enumerate(parts) if isinstance(part, dict) and "cache_control" in part), default=-1)
    return parts[: last + 1]


def input_tokens(request: dict[str, Any]) -> int:
    return _tokens({k: request.get(k) for k in ("tools", "system", "messages", "output_config")})


class FakeAnthropic:
    """The server, its queue of canned answers, the requests it saw and the batches it holds."""

    def __init__(self, expected_api_key: str | None = None) -> None:
        self.expected_api_key = expected_api_key
        self.requests: list[RecordedRequest] = []
        self.batch_polls = 1  # a batch ends on this retrieve
        self.batch_answer: Callable[[str, dict[str, Any]], Any] | None = None  # (custom_id, params) -> data
        self.batches: dict[str, dict[str, Any]] = {}
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

    def enqueue(self, data: Any, *, delay_s: float = 0.0, stop_reason: str | None = None) -> None:
        """Answer the next request with ``data`` (any JSON, even a broken one): as the structured-output
        text when the request asks for a JSON format, else as a call of the request's first tool."""
        self._queue.append(CannedAnswer(200, b"", delay_s=delay_s, data=data, stop_reason=stop_reason))

    def enqueue_text(self, text: str, *, delay_s: float = 0.0, stop_reason: str | None = None) -> None:
        """Answer the next request with exactly this text (e.g. not JSON at all)."""
        self._queue.append(CannedAnswer(200, b"", delay_s=delay_s, text=text, stop_reason=stop_reason))

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

    def messages_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.split("?")[0] == "/v1/messages"]

    # -- answering ------------------------------------------------------------------

    def _usage(self, request: dict[str, Any], output_tokens: int) -> dict[str, int]:
        prefix = cached_prefix(request)
        total = input_tokens(request)
        prefix_tokens = _tokens(prefix) if prefix else 0
        key = hashlib.sha256(json.dumps(prefix, sort_keys=True).encode()).hexdigest()
        with self._lock:
            first = key not in self._seen_prefixes
            self._seen_prefixes.add(key)
        return {
            "input_tokens": max(1, total - prefix_tokens),
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": prefix_tokens if prefix and first else 0,
            "cache_read_input_tokens": prefix_tokens if prefix and not first else 0,
        }

    def message(self, request: dict[str, Any], answer: CannedAnswer, n: int) -> dict[str, Any]:
        """The Messages API answer to ``request`` carrying the canned ``answer``."""
        rules = MODELS[request["model"]]
        content: list[dict[str, Any]] = []
        spent = 0
        if thinking_on(request, rules):
            shown = "Reading the sources and filling the schema." if rules.thinking_text_shown else ""
            content.append({"type": "thinking", "thinking": shown, "signature": f"sig-fake-{n}"})
            spent = THINKING_TOKENS
        wants_json = bool((request.get("output_config") or {}).get("format"))
        tools = request.get("tools") or []
        stop_reason = answer.stop_reason
        if answer.text is not None or wants_json or not tools:
            text = answer.text if answer.text is not None else json.dumps(answer.data, ensure_ascii=False)
            room = (request["max_tokens"] - spent) * CHARS_PER_TOKEN
            if stop_reason == "max_tokens" or len(text) > room:
                text, stop_reason = text[: max(0, min(room, len(text) // 2))], "max_tokens"
            content.append({"type": "text", "text": text})
            spent += _tokens(text)
        else:
            data = answer.data
            content.append({"type": "tool_use", "id": f"toolu_fake{n}", "name": tools[0]["name"], "input": data})
            spent += _tokens(data)
            stop_reason = stop_reason or "tool_use"
        return {
            "id": f"msg_fake{n}",
            "type": "message",
            "role": "assistant",
            "model": request["model"],
            "content": content,
            "stop_reason": stop_reason or "end_turn",
            "stop_sequence": None,
            "usage": self._usage(request, spent),
        }

    @staticmethod
    def _error(status: int, kind: str, message: str) -> tuple[int, bytes, dict[str, str], float]:
        return status, json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode(), {}, 0.0

    def _answer(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, bytes, dict[str, str], float]:
        route = path.split("?")[0]
        request: dict[str, Any] = {}
        if method == "POST":
            try:
                request = json.loads(raw)
            except ValueError:
                return self._error(400, "invalid_request_error", "fake server: body is not JSON")
        self.requests.append(RecordedRequest(path=path, headers=headers, json=request))
        bearer = headers.get("authorization", "")
        key = headers.get("x-api-key") or (bearer[7:] if bearer.lower().startswith("bearer ") else None)
        if not key or (self.expected_api_key is not None and key != self.expected_api_key):
            return self._error(401, "authentication_error", "invalid x-api-key")
        if method == "POST" and route == "/v1/messages":
            return self._messages(request)
        if method == "POST" and route == "/v1/messages/count_tokens":
            problem = refusal(request, counting=True)
            if problem:
                return self._error(*problem)
            return 200, json.dumps({"input_tokens": input_tokens(request)}).encode(), {}, 0.0
        if method == "POST" and route == "/v1/messages/batches":
            return self._create_batch(request)
        match = re.fullmatch(r"/v1/messages/batches/([\w-]+)(/results)?", route)
        if method == "GET" and match and match.group(1) in self.batches:
            if match.group(2):
                return 200, self._results(match.group(1)), {"content-type": "application/binary"}, 0.0
            return 200, json.dumps(self._poll(match.group(1))).encode(), {}, 0.0
        return self._error(404, "not_found_error", f"fake server: no route {method} {path}")

    def _messages(self, request: dict[str, Any]) -> tuple[int, bytes, dict[str, str], float]:
        problem = refusal(request)
        if problem:
            return self._error(*problem)
        if not self._queue:
            return self._error(400, "invalid_request_error", "fake server: no canned answer queued")
        answer = self._queue.popleft()
        if answer.data is None and answer.text is None:
            return answer.status, answer.body, answer.headers, answer.delay_s
        body = json.dumps(self.message(request, answer, len(self.requests))).encode()
        return answer.status, body, answer.headers, answer.delay_s

    # -- batches ----------------------------------------------------------------------

    def _batch_view(self, batch: dict[str, Any]) -> dict[str, Any]:
        ended = batch["ended"]
        counts = {"processing": 0 if ended else len(batch["requests"]), "succeeded": 0, "errored": 0}
        counts.update({"canceled": 0, "expired": 0})
        for result in batch["results"]:
            counts[result["result"]["type"]] += 1
        return {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": batch["created_at"],
            "expires_at": batch["expires_at"],
            "ended_at": batch["created_at"] if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch['id']}/results" if ended else None,
        }

    def _create_batch(self, body: dict[str, Any]) -> tuple[int, bytes, dict[str, str], float]:
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            return self._error(400, "invalid_request_error", "requests: at least one request is required")
        ids = [r.get("custom_id") for r in requests]
        if any(not isinstance(i, str) or not _CUSTOM_ID.match(i) for i in ids) or len(set(ids)) != len(ids):
            return self._error(
                400, "invalid_request_error", "requests: custom_id must be unique, ^[a-zA-Z0-9_-]{1,64}$"
            )
        now = datetime.now(UTC)
        batch_id = f"msgbatch_fake{len(self.batches) + 1}"
        self.batches[batch_id] = {
            "id": batch_id,
            "requests": requests,
            "polls": 0,
            "ended": False,
            "results": [],
            "created_at": now.isoformat(),
            "expires_at": (now + timedelta(hours=24)).isoformat(),
        }
        return 200, json.dumps(self._batch_view(self.batches[batch_id])).encode(), {}, 0.0

    def _poll(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        batch["polls"] += 1
        if not batch["ended"] and batch["polls"] >= self.batch_polls:
            for n, item in enumerate(batch["requests"]):
                batch["results"].append({"custom_id": item["custom_id"], "result": self._batch_result(item, n)})
            batch["ended"] = True
        return self._batch_view(batch)

    def _batch_result(self, item: dict[str, Any], n: int) -> dict[str, Any]:
        params = item.get("params", {})
        problem = refusal(params)
        if problem is None and self.batch_answer is None and not self._queue:
            problem = (400, "invalid_request_error", "fake server: no canned answer queued")
        if problem:
            return {"type": "errored", "error": {"type": "error", "error": {"type": problem[1], "message": problem[2]}}}
        if self.batch_answer is not None:
            answer = CannedAnswer(200, b"", data=self.batch_answer(item["custom_id"], params))
        else:
            answer = self._queue.popleft()
        return {"type": "succeeded", "message": self.message(params, answer, 1000 + n)}

    def _results(self, batch_id: str) -> bytes:
        return "".join(json.dumps(r) + "\n" for r in self.batches[batch_id]["results"]).encode()

    # -- HTTP ---------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body, extra, delay_s = fake._answer(method, self.path, headers, raw)
                if delay_s:
                    time.sleep(delay_s)
                try:
                    self.send_response(status)
                    if "content-type" not in extra:
                        self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.send_header("request-id", f"req_fake{len(fake.requests)}")
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                self._serve("POST")

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                self._serve("GET")

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
