"""Where and how the IMAP intake logs in: ``HANDOFF_IMAP_URL`` and the password or token source.

What it is for: ``imap_target`` (host, port, TLS, user, folder from the URL and the
``imap_*`` settings), ``checked_target`` (that, and a password source named: what
``handoff serve`` and ``handoff health`` check before anything starts) and
``read_secret`` (the password or XOAUTH2 token, read anew at every connect from the
command, the file or the URL, so tokens can refresh). Not for: the connection itself
(imap_intake.py).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from agent.errors import ConfigError, TemporaryError
from agent.settings import Settings


@dataclass(frozen=True)
class ImapTarget:
    """Where to log in, parsed from ``HANDOFF_IMAP_URL`` and the ``imap_*`` settings."""

    host: str
    port: int
    tls: Literal["tls", "starttls", "none"]
    username: str
    url_password: str | None
    folder: str

    def __str__(self) -> str:  # for logs: never the password
        scheme = "imaps" if self.tls == "tls" else "imap"
        return f"{scheme}://{self.username}@{self.host}:{self.port}/{self.folder}"


def imap_target(settings: Settings) -> ImapTarget:
    """Parse ``imaps://user:pass@host:993/INBOX`` (or ``imap://``, STARTTLS unless turned off)."""
    if not settings.imap_url:
        raise ConfigError("HANDOFF_IMAP_URL is not set; write it as imaps://user@imap.example.com:993/INBOX")
    url = urlsplit(settings.imap_url)
    if url.scheme not in ("imap", "imaps") or not url.hostname:
        raise ConfigError(
            f"HANDOFF_IMAP_URL={settings.imap_url!r} is not an IMAP URL; write it as imaps://user@host:993/INBOX"
        )
    try:
        port = url.port or (993 if url.scheme == "imaps" else 143)
    except ValueError as exc:
        raise ConfigError(f"HANDOFF_IMAP_URL has a bad port: {exc}") from exc
    username = settings.imap_username or unquote(url.username or "")
    if not username:
        raise ConfigError("no IMAP user: put it in HANDOFF_IMAP_URL (imaps://USER@host/) or HANDOFF_IMAP_USERNAME")
    tls: Literal["tls", "starttls", "none"] = (
        "tls" if url.scheme == "imaps" else "starttls" if settings.imap_starttls else "none"
    )
    return ImapTarget(
        host=url.hostname,
        port=port,
        tls=tls,
        username=username,
        url_password=unquote(url.password) if url.password is not None else None,
        folder=unquote(url.path.lstrip("/")) or settings.imap_folder,
    )


def checked_target(settings: Settings) -> ImapTarget:
    """``imap_target``, and a password source named: what ``handoff serve`` checks before it starts."""
    target = imap_target(settings)
    if not (settings.imap_password_command or settings.imap_password_file or target.url_password):
        raise ConfigError(
            "no IMAP password: put it in HANDOFF_IMAP_URL (imaps://user:PASSWORD@host/), "
            "HANDOFF_IMAP_PASSWORD_FILE or HANDOFF_IMAP_PASSWORD_COMMAND"
        )
    return target


def read_secret(settings: Settings, target: ImapTarget) -> str:
    """The password or token: from the command (run anew each time), the file, or the URL. Blocking."""
    if settings.imap_password_command:
        try:
            done = subprocess.run(
                settings.imap_password_command,
                shell=True,  # an admin's command line, like a mail client's passwordeval
                capture_output=True,
                timeout=settings.imap_timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise TemporaryError(
                f"HANDOFF_IMAP_PASSWORD_COMMAND did not finish within {settings.imap_timeout_s:.0f}s"
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip()[:200]
            raise TemporaryError(f"HANDOFF_IMAP_PASSWORD_COMMAND exited with {done.returncode}: {detail}")
        secret = done.stdout.decode().strip()
        if not secret:
            raise TemporaryError("HANDOFF_IMAP_PASSWORD_COMMAND printed nothing; it must print the password or token")
        return secret
    if settings.imap_password_file is not None:
        try:
            secret = settings.imap_password_file.read_text().strip()
        except OSError as exc:
            raise TemporaryError(f"HANDOFF_IMAP_PASSWORD_FILE={settings.imap_password_file}: {exc}") from exc
        if not secret:
            raise TemporaryError(f"HANDOFF_IMAP_PASSWORD_FILE={settings.imap_password_file} is empty")
        return secret
    if target.url_password is not None:
        return target.url_password
    raise ConfigError(
        "no IMAP password: put it in HANDOFF_IMAP_URL (imaps://user:PASSWORD@host/), "
        "HANDOFF_IMAP_PASSWORD_FILE or HANDOFF_IMAP_PASSWORD_COMMAND"
    )
