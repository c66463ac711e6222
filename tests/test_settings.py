"""Settings: sane defaults, and a bad value names the variable and the fix."""

from __future__ import annotations

import pytest

from agent.errors import ConfigError
from agent.settings import load_settings


def test_defaults_are_the_embedded_mode() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.redis_url is None
    assert settings.extractor_name == "offline"


def test_an_api_key_selects_the_claude_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    assert load_settings().extractor_name == "claude"
    monkeypatch.setenv("HANDOFF_EXTRACTOR", "offline")
    assert load_settings().extractor_name == "offline"


def test_company_domains_are_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_COMPANY_DOMAINS", "Northwind.example, nw-labs.example")
    assert load_settings().company_domains == ["northwind.example", "nw-labs.example"]


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("HANDOFF_TIMEZONE", "Mars/Olympus", "IANA"),
        ("HANDOFF_SMTP_PORT", "70000", "HANDOFF_SMTP_PORT"),
        ("HANDOFF_DATABASE_URL", "mysql://x", "postgresql+psycopg"),
        ("HANDOFF_INBOX_ADDRESS", "not an address", "bare address"),
        ("HANDOFF_BUSINESS_HOURS", "17:00-09:00", "start before"),
        ("HANDOFF_JOB_TIMEOUT_S", "0", "greater than 0"),
        ("HANDOFF_CLAIM_STALE_S", "30", "HANDOFF_RELAY_TIMEOUT_S"),
        ("HANDOFF_SENDER_AUTH", "dkim", "envelope"),
        ("HANDOFF_TRUSTED_RELAYS", "10.0.0.1/8", "did you mean 10.0.0.0/8"),
        ("HANDOFF_TRUSTED_RELAYS", "mx.lumendata.example", "CIDR"),
        ("HANDOFF_DNS_NAMESERVERS", "dns.google", "HANDOFF_DNS_PORT"),
        ("HANDOFF_TRUSTED_AUTHSERV_ID", "mx.example; dmarc=pass", "authserv-id"),
        ("HANDOFF_DNS_TIMEOUT_S", "0", "greater than 0"),
    ],
)
def test_a_bad_value_names_the_setting_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert name in str(err.value) and words in str(err.value)


def test_forcing_claude_without_a_key_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_EXTRACTOR", "claude")
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        load_settings()


def test_postgres_urls_get_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_DATABASE_URL", "postgresql://u@127.0.0.1/db")
    assert load_settings().database_url == "postgresql+psycopg://u@127.0.0.1/db"


async def test_the_job_timeout_defaults_to_five_minutes_or_twice_the_slowest_claude_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agent.app import arq_worker

    monkeypatch.setenv("HANDOFF_REDIS_URL", "redis://127.0.0.1:6379/15")
    # In a running loop and without signal handlers: a Worker made outside one would leave a loop
    # with handlers installed behind, closed by the garbage collector in whatever thread runs it.
    assert arq_worker(load_settings(), handle_signals=False).job_timeout_s == 300  # offline
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    # (60 s + 16,000 tokens at 128,000 an hour) x 2
    assert arq_worker(load_settings(), handle_signals=False).job_timeout_s == 1020
    monkeypatch.setenv("HANDOFF_JOB_TIMEOUT_S", "10")
    assert arq_worker(load_settings(), handle_signals=False).job_timeout_s == 10


def test_a_claim_may_go_stale_only_after_the_relay_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_RELAY_TIMEOUT_S", "2")
    monkeypatch.setenv("HANDOFF_CLAIM_STALE_S", "5")
    assert load_settings().claim_stale_s == 5
