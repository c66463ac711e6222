"""Serving the pages with uvicorn: on their own (``handoff web``) or inside ``handoff serve``.

What it is for: ``WebServer.start(app)`` binds the socket first (port 0 gives a free
port, a taken port fails the start with a message naming HANDOFF_WEB_PORT), works out
the base address people open (HANDOFF_WEB_BASE_URL, else http://HOST:PORT — never the
request's Host header, which a client chooses), and runs uvicorn on the running event
loop with uvicorn's own signal handling off: the caller owns SIGTERM/SIGINT.
``WebServer.stop`` lets open requests finish. ``run_web`` is ``handoff web``. Not for:
the application itself (app.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import uvicorn

from agent.app import open_app
from agent.context import App
from agent.errors import ConfigError
from agent.settings import Settings
from agent.web.app import create_app

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
SHUTDOWN_S = 10.0


def base_url_for(settings: Settings, host: str, port: int) -> str:
    if settings.web_base_url:
        return settings.web_base_url
    shown = host
    if host in ("", "0.0.0.0", "::"):
        log.warning(
            "HANDOFF_WEB_HOST=%s listens everywhere; set HANDOFF_WEB_BASE_URL to the address people open, "
            "or sign-in links point at this machine's loopback address",
            host or "''",
        )
        shown = "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # handoff serve / handoff web handle SIGTERM and SIGINT themselves


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"HANDOFF_WEB_HOST={host} HANDOFF_WEB_PORT={port}: cannot listen there ({exc.strerror}); "
            "pick another port, or stop what uses it"
        ) from exc
    sock.setblocking(False)
    return sock


@dataclass
class WebServer:
    server: uvicorn.Server
    task: asyncio.Task[None]
    sock: socket.socket
    base_url: str

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @classmethod
    async def start(cls, app: App, *, host: str | None = None, port: int | None = None) -> WebServer:
        settings = app.settings
        host = settings.web_host if host is None else host
        port = (settings.web_port if settings.web_port is not None else DEFAULT_PORT) if port is None else port
        sock = _bind(host, port)
        base_url = base_url_for(settings, host, int(sock.getsockname()[1]))
        config = uvicorn.Config(
            create_app(app, base_url=base_url),
            log_config=None,
            access_log=False,
            proxy_headers=False,  # app.py believes X-Forwarded-* only from HANDOFF_WEB_TRUSTED_PROXIES
            server_header=False,
            lifespan="off",
            timeout_graceful_shutdown=int(SHUTDOWN_S),
        )
        server = _Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                sock.close()
                task.result()
                raise ConfigError(f"the web server on {host}:{port} stopped while starting; run with -v to see why")
            await asyncio.sleep(0.01)
        log.info("web pages on %s (listening on %s:%s)", base_url, host, sock.getsockname()[1])
        return cls(server=server, task=task, sock=sock, base_url=base_url)

    async def stop(self) -> None:
        self.server.should_exit = True
        try:
            await asyncio.wait_for(self.task, timeout=SHUTDOWN_S + 5)
        except TimeoutError:
            self.task.cancel()
        finally:
            self.sock.close()


async def run_web(settings: Settings, *, ready: Callable[[str], None] | None = None) -> None:
    """``handoff web``: the pages alone, until SIGTERM or SIGINT. Mail (sign-in links) goes out through the sender."""
    app = await open_app(settings, inline=True)
    try:
        web = await WebServer.start(app)
    except BaseException:
        await app.close()
        raise
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    if ready:
        ready(web.base_url)
    try:
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({stopped, web.task}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
    finally:
        await web.stop()
        await app.close()
