"""The commands around the pages: the demo's web address and link, ``handoff web``'s start-up errors, the settings."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from agent.app import open_app
from agent.cli import app as cli
from agent.demo import run_demo
from agent.errors import ConfigError
from agent.settings import load_settings
from agent.web import create_app


async def test_the_demo_prints_the_web_address_and_a_sign_in_link_that_works_once(tmp_path: Path) -> None:
    lines: list[str] = []
    await run_demo(tmp_path / "demo", print_=lines.append)
    said = "\n".join(lines)
    assert "on the web: http://127.0.0.1:8080/" in said
    found = re.search(r"sign in as Sam Okafor, the demo rep: (http://127\.0\.0\.1:8080(/login/\S+))", said)
    assert found, said[-800:]
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'demo' / 'handoff.db'}",
        inbox_address="handoff@northwind.example",
        company_domains="northwind.example",
        outbox_dir=tmp_path / "demo" / "outbox",
    )
    app = await open_app(settings, inline=True)
    try:
        client = TestClient(create_app(app, base_url="http://127.0.0.1:8080"), base_url="http://127.0.0.1:8080")
        signed_in = await asyncio.to_thread(client.get, found.group(2))
        assert signed_in.url.path == "/" and "Alder &amp; Finch Outfitters" in signed_in.text
        again = await asyncio.to_thread(TestClient(client.app).get, found.group(2))
        assert again.status_code == 400
    finally:
        await app.close()


def test_handoff_web_names_a_port_that_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {
            "HANDOFF_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
            "HANDOFF_WEB_HOST": "127.0.0.1",
            "HANDOFF_WEB_PORT": str(port),
        }
        result = CliRunner().invoke(cli, ["web"], env=env)
    assert result.exit_code == 2
    assert f"HANDOFF_WEB_PORT={port}" in result.output and "pick another port" in result.output


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("web_base_url", "handoff.northwind.example", "is not a base address"),
        ("web_base_url", "https://handoff.example/?x=1", "is not a base address"),
        ("web_trusted_proxies", "10.0.0.0/8,proxy box", "is not an IP address or network"),
        ("web_port", "70000", "HANDOFF_WEB_PORT"),
        ("web_secret", "short", "HANDOFF_WEB_SECRET"),
    ],
)
def test_bad_web_settings_are_named_with_the_fix(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_settings(**{name: value})


def test_web_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_WEB_ADMINS", "Ops.Lead@northwind.example, vp@northwind.example")
    monkeypatch.setenv("HANDOFF_WEB_BASE_URL", "https://handoff.northwind.example/")
    settings = load_settings()
    assert settings.web_admins == ["ops.lead@northwind.example", "vp@northwind.example"]
    assert settings.web_base_url == "https://handoff.northwind.example"
    assert settings.web_port is None and settings.web_host == "127.0.0.1"
