"""Fixtures for the web tests: the world database (built once per run) and a site over a copy of it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from agent.app import App, open_app
from agent.web import create_app
from tests.web.world import build_world, copy_world, signin_link, world_settings

BASE = "http://testserver"
ADMIN = "ops.lead@northwind.example"
NOBODY = "new.hire@northwind.example"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_world(tmp_path_factory.mktemp("web-world"))


@dataclass
class Site:
    app: App
    client: TestClient
    outbox: Path

    def new_client(self, base_url: str = BASE, **kwargs: Any) -> TestClient:
        """Another browser: its own cookies."""
        return TestClient(self.client.app, base_url=base_url, follow_redirects=False, **kwargs)

    def ask_for_link(self, email: str, client: TestClient | None = None, headers: dict[str, str] | None = None) -> Any:
        c = client or self.client
        form = c.get("/login")
        token = TOKEN.search(form.text)
        assert token, "the sign-in form carries a CSRF token"
        return c.post("/login", data={"email": email, "csrf_token": token.group(1), "next": "/"}, headers=headers)

    def sign_in(self, email: str, client: TestClient | None = None) -> TestClient:
        c = client or self.new_client()
        assert self.ask_for_link(email, c).status_code == 200
        link = signin_link(self.outbox, email)
        assert link is not None, f"no sign-in mail to {email}"
        landed = c.get(link)
        assert landed.status_code == 303, landed.text
        return c

    def advance(self, delta: timedelta) -> None:
        now = self.app.now()
        self.app.clock = lambda: now + delta


def make_site(
    world_db: Path,
    tmp_path: Path,
    base_url: str = BASE,
    client: tuple[str, int] = ("testclient", 50000),
    **overrides: Any,
) -> Iterator[Site]:
    """A site over a private copy of the world; the generator form lets a test make several."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    copy_world(world_db, tmp_path)
    settings = world_settings(tmp_path, web_admins=ADMIN, **overrides)
    app = asyncio.run(open_app(settings, inline=True))
    asgi = create_app(app, base_url=base_url)
    site = Site(
        app=app,
        client=TestClient(asgi, base_url=BASE, follow_redirects=False, client=client),
        outbox=settings.outbox_dir,
    )
    try:
        yield site
    finally:
        site.client.close()
        asyncio.run(app.close())


@pytest.fixture
def site(world_db: Path, tmp_path: Path) -> Iterator[Site]:
    yield from make_site(world_db, tmp_path)
