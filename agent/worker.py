"""``handoff worker``: an arq worker process running the jobs of agent/jobs.py from Redis.

What it is for: ``make_worker`` builds the arq ``Worker`` (every job, the periodic
tick, the timeouts and tries from settings); each job's failure is retried by arq
after ``retry.job_retry_delay_s`` (the inline queue's policy), and the last failure
goes to ``jobs.on_job_failed``. The worker opens its ``App`` at start-up with the
``open_app`` it is handed (agent/app.py), so this module never builds one. Not for:
what jobs do, or the inline mode (agent/queues.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from arq.cron import cron
from arq.worker import Retry, Worker

from agent import jobs
from agent.context import App
from agent.queues import QUEUE_NAME, concurrency_for, redis_settings
from agent.retry import job_retry_delay_s
from agent.settings import Settings, load_settings

log = logging.getLogger(__name__)

OpenApp = Callable[[Settings], Awaitable[App]]


def _arq_job(name: str, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def run(ctx: dict[str, Any], *args: Any) -> Any:
        app = ctx["app"]
        try:
            return await fn(ctx, *args)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if ctx.get("job_try", 1) >= app.settings.job_max_attempts:
                log.exception("job %s%s failed for good", name, args)
                await jobs.on_job_failed(ctx, name, args, exc)
                return None
            raise Retry(defer=timedelta(seconds=job_retry_delay_s(ctx.get("job_try", 1), exc))) from exc

    run.__name__ = name
    run.__qualname__ = name
    return run


async def _startup(ctx: dict[str, Any]) -> None:
    settings = ctx.get("settings") or load_settings()
    open_app: OpenApp = ctx["open_app"]
    ctx["app"] = await open_app(settings)
    await jobs.resume_pending(ctx)


async def _shutdown(ctx: dict[str, Any]) -> None:
    app = ctx.get("app")
    if app is not None:
        await app.close()


def job_timeout_s(settings: Settings) -> float:
    """How long one job may run: HANDOFF_JOB_TIMEOUT_S, else 300 s, or twice the slowest Claude call with Claude.

    A Claude call may take ``llm_call_timeout_s`` (its output at the SDK's 128,000 tokens an
    hour); a job cut short is run again and re-reads only what it had not stored.
    """
    if settings.job_timeout_s:
        return settings.job_timeout_s
    if settings.extractor_name == "claude":
        return max(300, int(2 * settings.llm_call_timeout_s))
    return 300


def make_worker(settings: Settings, *, open_app: OpenApp, burst: bool = False, **overrides: Any) -> Worker:
    """An arq worker running every job of agent/jobs.py and the periodic tick; ``open_app`` makes its App."""
    return Worker(
        functions=[_arq_job(name, fn) for name, fn in jobs.JOBS.items()],  # type: ignore[misc]
        queue_name=QUEUE_NAME,
        cron_jobs=[cron(_arq_job("tick", jobs.tick), second=set(range(0, 60, int(jobs.TICK_S))), run_at_startup=True)],  # type: ignore[arg-type]
        redis_settings=redis_settings(settings),
        on_startup=_startup,
        on_shutdown=_shutdown,
        burst=burst,
        max_tries=settings.job_max_attempts,
        # A job whose worker died is run again only when its in-progress key expires: job_timeout + 10 s.
        job_timeout=job_timeout_s(settings),
        keep_result=60,
        poll_delay=0.05,  # arq polls Redis this often for due jobs: it bounds every hop's wait
        max_jobs=concurrency_for(settings.extractor_name),
        # SIGTERM: take no new job, let running ones finish for up to 30 s (as `handoff serve` drains),
        # then cancel the rest, which arq hands back to the queue for another worker.
        job_completion_wait=30,
        ctx={"settings": settings, "open_app": open_app},
        **overrides,
    )
