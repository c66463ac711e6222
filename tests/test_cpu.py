"""The CPU pool: parsing and offline extraction in other processes, and what happens when one dies."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.cpu import CpuPool, default_processes
from agent.demo_deal import demo_files
from agent.document import AccountInfo, HandoffDocument, Party
from agent.errors import TemporaryError
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor, extract_sources
from agent.jobs import limits_of
from agent.settings import Settings
from mailflows.inbound.parse import parse_message

ROOT = Path(__file__).resolve().parents[1]


def test_the_default_uses_the_spare_cores_only_when_jobs_run_in_the_serving_process() -> None:
    assert default_processes(inline_jobs=False) == 0
    assert 1 <= default_processes(inline_jobs=True) <= 4


async def test_without_processes_it_runs_in_this_process() -> None:
    pool = CpuPool(0)
    pool.start()
    assert await pool.run(os.getpid) == os.getpid()
    pool.close()


async def test_a_pool_process_parses_and_extracts_like_this_process(settings: Settings) -> None:
    raw = demo_files()[0].read_bytes()
    pool = CpuPool(1)
    pool.start()
    try:
        assert await pool.run(os.getpid) != os.getpid()
        parsed = await pool.run(parse_message, raw, limits_of(settings))
        assert parsed == parse_message(raw, limits_of(settings))
        ctx = ExtractionContext(
            account=AccountInfo(name="Alder & Finch Outfitters"),
            rep=Party(name="Sam Okafor", email="sam.okafor@northwind.example"),
            company_domains=set(settings.own_domains),
        )
        doc = HandoffDocument(account=AccountInfo(name="Alder & Finch Outfitters"))
        offline = OfflineExtractor(cpu=pool)
        extraction = await offline.extract(parsed.messages, ctx, doc)
        assert extraction == extract_sources(parsed.messages, ctx, doc, [])
        assert extraction.sections.stakeholders  # a real reading, not an empty one
    finally:
        pool.close()


async def test_a_dead_pool_process_is_a_temporary_error_and_the_next_job_gets_a_new_pool() -> None:
    pool = CpuPool(1)
    pool.start()
    try:
        with pytest.raises(TemporaryError, match="process died"):
            await pool.run(os._exit, 3)
        worker = await pool.run(os.getpid)
        assert worker != os.getpid()
    finally:
        pool.close()


def test_pool_processes_exit_when_the_service_is_killed() -> None:
    """A SIGKILLed service (the crash test does this 50 times) must not leave pool processes behind."""
    script = (
        "import os, sys\n"
        "from agent.cpu import CpuPool\n"
        "pool = CpuPool(2)\n"
        "pool.start()\n"
        "pids = {pool._pool.submit(os.getpid).result() for _ in range(8)}\n"
        "print(' '.join(map(str, pids)), flush=True)\n"
        "sys.stdin.read()\n"
    )
    service = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, text=True
    )
    assert service.stdout is not None
    workers = [int(p) for p in service.stdout.readline().split()]
    assert workers and all(_running(p) for p in workers)
    service.kill()
    service.wait()
    until = time.monotonic() + 10
    while any(_running(p) for p in workers) and time.monotonic() < until:
        time.sleep(0.05)
    assert not any(_running(p) for p in workers)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
