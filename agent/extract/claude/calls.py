"""Talking to the Messages API: one client per event loop, retries with tenacity, errors in our terms, usage.

What it is for: ``Caller.create`` sends one request and returns the answer, retrying
429/529/5xx/timeouts with exponential backoff and jitter (tenacity; ``retry-after`` is
honoured; the SDK's own retries are off so the two never stack) up to
HANDOFF_LLM_MAX_ATTEMPTS; each call's timeout follows the answer's expected length
(``Settings.llm_call_timeout_s``). ``Caller.count_tokens`` asks the token-counting
endpoint (None when it cannot answer: the caller estimates). ``map_anthropic_error``
translates the SDK's errors; every answered call is recorded in ``usage``.
Not for: what is sent (request.py, prompt.py) or what the answer means (answer.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import anthropic
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from agent.errors import ConfigError, ExtractorAnswerInvalid, ExtractorUnavailable, HandoffError
from agent.extract.claude.request import count_request
from agent.settings import Settings

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0
USAGE_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def _retry_after_s(exc: anthropic.APIStatusError) -> float | None:
    try:
        return float(exc.response.headers.get("retry-after", ""))
    except ValueError:
        return None


def map_anthropic_error(exc: BaseException, timeout_s: float) -> HandoffError:
    """The SDK's errors as ours: retryable ones become ``ExtractorUnavailable``."""
    if isinstance(exc, (anthropic.APITimeoutError, TimeoutError)):
        return ExtractorUnavailable(f"timed out after {timeout_s:g}s")
    if isinstance(exc, anthropic.APIConnectionError):
        return ExtractorUnavailable(f"could not connect ({exc})")
    if isinstance(exc, anthropic.APIStatusError):
        status, detail = exc.status_code, exc.api_message or exc.message
        if status in (401, 403):
            return ConfigError(
                f"ANTHROPIC_API_KEY was refused ({status}: {detail}); set a valid key or HANDOFF_EXTRACTOR=offline"
            )
        if status == 404:
            return ConfigError(f"the model was not found ({detail}); check HANDOFF_ANTHROPIC_MODEL")
        if status == 429:
            return ExtractorUnavailable("rate limited (429)", retry_after_s=_retry_after_s(exc))
        if status == 529:
            return ExtractorUnavailable("overloaded (529)", retry_after_s=_retry_after_s(exc))
        if status in (408, 409) or status >= 500:
            return ExtractorUnavailable(f"server error ({status})", retry_after_s=_retry_after_s(exc))
        return ExtractorAnswerInvalid(f"request refused ({status}: {detail})")
    if isinstance(exc, anthropic.APIError):
        return ExtractorAnswerInvalid(f"unreadable answer ({exc})")
    return ExtractorUnavailable(f"unexpected failure ({type(exc).__name__}: {exc})")


class Caller:
    """The client, the retry policy and the usage ledger of one extractor."""

    def __init__(self, settings: Settings, *, backoff_base_s: float = 1.0, call_timeout_s: float | None = None):
        self.settings = settings
        self.backoff_base_s = backoff_base_s
        self.timeout_s = call_timeout_s or settings.llm_call_timeout_s
        self.usage: list[dict[str, Any]] = []
        self._client: anthropic.AsyncAnthropic | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def client(self) -> anthropic.AsyncAnthropic:
        # A client's connection pool belongs to the event loop it was first used on.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            if not self.settings.anthropic_api_key:
                raise ConfigError("the Claude extractor needs ANTHROPIC_API_KEY; set it or HANDOFF_EXTRACTOR=offline")
            self._client = anthropic.AsyncAnthropic(
                api_key=self.settings.anthropic_api_key, timeout=self.timeout_s, max_retries=0
            )
            self._client_loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _wait_s(self, state: RetryCallState) -> float:
        delay = wait_random_exponential(multiplier=self.backoff_base_s, max=MAX_BACKOFF_S)(state)
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after_s", None) or 0.0
        return min(MAX_BACKOFF_S, max(delay, retry_after))

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "claude %s, attempt %d/%d; retrying in %.1fs",
            exc,
            state.attempt_number,
            self.settings.llm_max_attempts,
            wait,
        )

    async def retrying(self, call: Any) -> Any:
        """``await call()`` with the retry policy; the last error says how many attempts were made."""
        attempts = self.settings.llm_max_attempts
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(attempts),
                wait=self._wait_s,
                retry=retry_if_exception_type(ExtractorUnavailable),
                before_sleep=self._before_sleep,
                reraise=True,
            ):
                with attempt:
                    return await call()
        except ExtractorUnavailable as exc:
            raise ExtractorUnavailable(f"{exc} after {attempts} attempts") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _create_once(self, request: dict[str, Any]) -> Any:
        try:
            async with asyncio.timeout(self.timeout_s * 1.5):
                return await self.client().messages.create(**request)
        except (anthropic.APIError, TimeoutError) as exc:
            raise map_anthropic_error(exc, self.timeout_s) from exc

    async def create(self, request: dict[str, Any], account: str | None, purpose: str) -> Any:
        """messages.create with the retry policy; the answer's usage is recorded."""
        message = await self.retrying(lambda: self._create_once(request))
        self.record(message, account, purpose)
        return message

    async def count_tokens(self, request: dict[str, Any]) -> int | None:
        """The request's input tokens by the counting endpoint; None when it cannot say (then estimate)."""
        try:
            async with asyncio.timeout(self.settings.llm_timeout_s):
                counted = await self.client().messages.count_tokens(**count_request(request))
        except (anthropic.APIError, TimeoutError) as exc:
            log.warning("count_tokens failed (%s); estimating instead", map_anthropic_error(exc, self.timeout_s))
            return None
        return int(counted.input_tokens)

    def record(self, message: Any, account: str | None, purpose: str) -> None:
        usage = message.usage
        record = {
            "account": account,
            "purpose": purpose,
            "model": message.model,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cache_creation_input_tokens": usage.cache_creation_input_tokens or 0,
            "cache_read_input_tokens": usage.cache_read_input_tokens or 0,
        }
        self.usage.append(record)
        log.info("claude usage %s", record)
