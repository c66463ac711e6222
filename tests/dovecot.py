"""A throwaway Dovecot IMAP server on loopback for the IMAP intake tests.

What it is for: ``Dovecot`` writes a private config (plaintext IMAP on a free
127.0.0.1 port, one passwd-file user, a maildir) into its own temporary folder,
starts ``dovecot -F -c CONFIG`` and stops it; ``kick`` drops every client
connection and ``restart`` brings the server back on the same port. It runs as
root (mail owned by the ``dovecot`` user) or as an ordinary user alike. Not for:
anything outside tests; no TLS, no system-wide configuration is touched.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

INSTALL_HINT = "Dovecot is not installed; install it with: bash scripts/dovecot.sh (or: make test)"

USER = "handoff@northwind.example"
PASSWORD = "s3cret-imap"


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None)
    if found is None:
        pytest.fail(INSTALL_HINT)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Dovecot:
    """One Dovecot instance; ``start`` / ``stop`` / ``kick`` / ``restart``."""

    def __init__(self, *, capabilities: str | None = None, idle_notify_s: int = 120) -> None:
        self.binary = dovecot_binary()
        self.root = Path(tempfile.mkdtemp(prefix="handoff-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.user = USER
        self.password = PASSWORD
        self.capabilities = capabilities
        self.idle_notify_s = idle_notify_s
        self.process: subprocess.Popen[bytes] | None = None
        if os.geteuid() == 0:
            # Dovecot refuses mail access as uid 0, so the mail belongs to its own system user.
            mail_user = pwd.getpwnam("dovecot")
            self.internal_user, self.login_user = "dovecot", "dovenull"
        else:
            mail_user = pwd.getpwuid(os.geteuid())
            self.internal_user = self.login_user = mail_user.pw_name
        self.uid, self.gid = mail_user.pw_uid, mail_user.pw_gid
        self.config = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self._write_config()

    @property
    def url(self) -> str:
        return f"imap://{self.user}@127.0.0.1:{self.port}/INBOX"

    def _write_config(self) -> None:
        home = self.root / "home"
        home.mkdir()
        os.chown(home, self.uid, self.gid)
        self._write_passwd()
        capability = f"imap_capability = {self.capabilities}\n" if self.capabilities is not None else ""
        self.config.write_text(
            f"""\
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
# XOAUTH2 checks the bearer token against the passdb like a password, which is all these tests need.
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
default_internal_user = {self.internal_user}
default_login_user = {self.login_user}
first_valid_uid = {self.uid}
last_valid_uid = {self.uid}
first_valid_gid = {self.gid}
mail_location = maildir:~/Maildir
mail_fsync = never
imap_idle_notify_interval = {self.idle_notify_s} secs
{capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={home}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0600
  }}
}}
"""
        )

    def set_password(self, password: str) -> None:
        """Change the user's password (or XOAUTH2 token): Dovecot re-reads the passwd-file on its next login."""
        self.password = password
        self._write_passwd()
        time.sleep(1.1)  # Dovecot looks at the file's mtime at most once a second

    def _write_passwd(self) -> None:
        passwd = self.root / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        stamp = time.time() + 1  # a new mtime even within the same second, so the change is noticed
        os.utime(passwd, (stamp, stamp))

    def start(self, timeout_s: float = 15.0) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so stop() also ends the imap processes
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                pytest.fail(f"dovecot exited at start-up ({self.process.returncode}): {err}\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"dovecot did not answer on 127.0.0.1:{self.port} within {timeout_s}s\n{self.log_text()}")

    def stop(self) -> None:
        """Stop the server and drop every connection (the master alone leaves its imap processes running)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def kick(self) -> None:
        """Disconnect every client, as a server restart or an admin would (the clients see EOF).

        doveadm exits 68 (its "not found") when nobody is connected: the client was already
        between connections (e.g. dropped by the server after its folder was deleted), which
        is the state a kick is meant to cause.
        """
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        done = subprocess.run([doveadm, "-c", str(self.config), "kick", self.user], capture_output=True)
        if done.returncode not in (0, 68):
            raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
