"""Retry policies in tenacity's terms, and the delay they give after a number of failed tries.

What it is for: ``job_retry_wait`` (a failed job: the error's ``retry_after_s``, else 2,
4, 8 ... 300 s), used as tenacity's ``wait`` by the inline queue, and ``delay_after``,
the one way to ask a tenacity wait for its delay when the tries are spread over time
instead of run in a loop — arq re-running a job (``job_retry_delay_s``) or a webhook
retried by a later tick. Not for: the Claude calls' own policy (extract/claude/calls.py)
or running anything.
"""

from __future__ import annotations

from collections.abc import Callable

from tenacity import AsyncRetrying, RetryCallState, wait_exponential

from agent.errors import TemporaryError

_EXPONENTIAL = wait_exponential(multiplier=2, max=300)  # 2, 4, 8 ... 300 s


def delay_after(wait: Callable[[RetryCallState], float], attempts: int, exc: BaseException | None = None) -> float:
    """What ``wait`` says after ``attempts`` failed tries (the last failing with ``exc``, when known)."""
    state = RetryCallState(AsyncRetrying(), None, (), {})
    state.attempt_number = max(1, attempts)
    if exc is not None:
        state.set_exception((type(exc), exc, exc.__traceback__))
    return float(wait(state))


def job_retry_wait(state: RetryCallState) -> float:
    """How long before a failed job's next try: the error's ``retry_after_s``, else 2, 4, 8 ... 300 s."""
    exc = state.outcome.exception() if state.outcome is not None else None
    if isinstance(exc, TemporaryError) and exc.retry_after_s is not None:
        return exc.retry_after_s
    return float(_EXPONENTIAL(state))


def job_retry_delay_s(attempt: int, exc: BaseException) -> float:
    """``job_retry_wait`` after try number ``attempt`` failed with ``exc`` (for arq, which retries itself)."""
    return delay_after(job_retry_wait, attempt, exc)


__all__ = ["delay_after", "job_retry_delay_s", "job_retry_wait"]
