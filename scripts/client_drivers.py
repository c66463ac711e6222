"""Driving Debian's terminal mail clients through tmux, for scripts/client_fixtures.py.

What it is for: ``Session`` runs one client in a tmux window and waits for what it shows;
``CLIENTS`` maps each client (mutt, neomutt, s-nail, alpine, aerc) to its configuration
(``*_setup``: a private HOME, the rep's address, its sendmail pointed at a capture script,
its editor at ``EDITOR``, the rep at the keyboard) and its keystrokes (``*_run``: forward
or reply to one message of the mailbox). Not for: choosing what to forward or type
(client_fixtures.py) or anything the test suite runs.
"""

from __future__ import annotations

import mailbox
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

INBOX = "handoff@tidewater.example"
COMPANY = "tidewater.example"
REP_NAME, REP_EMAIL = "Noor Haddad", "noor.haddad@tidewater.example"
SIGNATURE = f"{REP_NAME}\nAccount Executive, Tidewater Analytics\n"
TMUX = ["tmux", "-L", "handoff-fixtures"]


@dataclass
class Scenario:
    name: str
    kind: str  # forward | reply
    message: int  # 1-based position in the mailbox
    text: str  # what the rep types
    where: str = "above"  # above | below (the note relative to the forwarded or quoted text)
    attached: bool = False  # forward as message/rfc822


EDITOR = r'''#!/usr/bin/env python3
"""The rep at the keyboard: put FIXTURE_TEXT into the file the mail client opened, where FIXTURE_WHERE says."""
import os, sys

path = sys.argv[-1]
text = open(os.environ["FIXTURE_TEXT"], encoding="utf-8").read().strip("\n")
where = os.environ["FIXTURE_WHERE"]
raw = open(path, encoding="utf-8").read()
head, body = "", raw
if os.environ.get("FIXTURE_HEADERS") == "1" and "\n\n" in raw:
    head, body = raw.split("\n\n", 1)
    head += "\n\n"
lines = body.split("\n")
if where == "above":
    while lines and not lines[0].strip():
        lines.pop(0)
    lines = text.split("\n") + [""] + lines
else:  # below: after everything, but above the rep's own signature when the client added one
    sig = next((i for i in range(len(lines) - 1) if lines[i] == "-- " and lines[i + 1] == os.environ["FIXTURE_REP"]), None)
    end = sig if sig is not None else len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    lines = lines[:end] + ["", *text.split("\n"), ""] + (lines[sig:] if sig is not None else [])
open(path, "w", encoding="utf-8").write(head + "\n".join(lines).rstrip("\n") + "\n")
'''

CAPTURE = """#!/bin/sh
# sendmail stand-in: keep exactly what the client hands over
mkdir -p "{out}"
cat > "{out}/$(date +%s%N)-$$.eml"
"""


class Session:
    """One client in one tmux window, with a helper to wait for what it shows."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], work: Path) -> None:
        self.name, self.work = name, work
        flags = [x for key, value in env.items() for x in ("-e", f"{key}={value}")]
        subprocess.run(
            [*TMUX, "new-session", "-d", "-s", name, "-x", "160", "-y", "50", *flags, *argv], check=True, cwd=work
        )

    def screen(self) -> str:
        out = subprocess.run([*TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def wait(self, pattern: str, timeout_s: float = 15) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen, re.MULTILINE):
                return screen
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: {pattern!r} did not appear; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        subprocess.run([*TMUX, "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)
        time.sleep(0.3)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def sent(self, timeout_s: float = 15) -> bytes:
        deadline = time.monotonic() + timeout_s
        out = self.work / "out"
        while time.monotonic() < deadline:
            files = sorted(out.glob("*.eml")) if out.is_dir() else []
            if files:
                time.sleep(0.5)  # let the client finish writing
                return files[0].read_bytes()
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: nothing was sent; the screen shows:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run([*TMUX, "kill-session", "-t", self.name], capture_output=True)


# -- per-client configuration and keystrokes ---------------------------------------------------------


def _common_env(work: Path, scenario: Scenario, headers: bool = False) -> dict[str, str]:
    text_file = work / "typed.txt"
    text_file.write_text(scenario.text, encoding="utf-8")
    return {
        "HOME": str(work / "home"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "Europe/Oslo",
        "FIXTURE_TEXT": str(text_file),
        "FIXTURE_WHERE": scenario.where,
        "FIXTURE_REP": REP_NAME,
        "FIXTURE_HEADERS": "1" if headers else "0",
        "EDITOR": f"python3 {work / 'editor.py'}",
    }


def mutt_setup(work: Path, scenario: Scenario, binary: str) -> tuple[list[str], dict[str, str]]:
    (work / "signature").write_text(SIGNATURE, encoding="utf-8")
    rc = work / "muttrc"
    rc.write_text(
        "\n".join(
            [
                f'set from="{REP_NAME} <{REP_EMAIL}>"',
                f'set sendmail="{work / "capture.sh"}"',
                f'set editor="python3 {work / "editor.py"}"',
                f'set folder="{work}"',
                'set record=""',
                "set postpone=no",
                f'set signature="{work / "signature"}"',
                f"set mime_forward={'yes' if scenario.attached else 'no'}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return [binary, "-F", str(rc), "-f", str(work / "inbox.mbox")], _common_env(work, scenario)


def mutt_run(s: Session, scenario: Scenario) -> None:
    s.wait(r"Msgs:\d+")
    s.type(str(scenario.message))
    s.keys("Enter")
    s.keys("f" if scenario.kind == "forward" else "r")
    for _ in range(8):  # the prompts Debian's defaults ask, in whatever order the client asks them
        screen = s.wait(r"^To:|^Subject:|\[yes\]/no|y:Send", 15)
        last = [ln for ln in screen.splitlines() if ln.strip()][-1]
        if "y:Send" in screen:
            break
        if last.startswith("To:") and scenario.kind == "forward" and INBOX not in last:
            s.type(INBOX)
        s.keys("Enter")
        time.sleep(0.5)
    s.keys("y")


def s_nail_setup(work: Path, scenario: Scenario, binary: str) -> tuple[list[str], dict[str, str]]:
    rc = work / "mailrc"
    lines = [
        f'set from="{REP_NAME} <{REP_EMAIL}>"',
        f"set mta={work / 'capture.sh'}",
        f"set editor='python3 {work / 'editor.py'}'",
    ]
    if scenario.attached:
        lines.append("set forward-as-attachment")
    rc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = _common_env(work, scenario, headers=True)
    env["MAILRC"] = str(rc)
    return [binary, "-f", str(work / "inbox.mbox")], env


def s_nail_run(s: Session, scenario: Scenario) -> None:
    s.wait(r"^\? ?$")
    if scenario.kind == "forward":
        s.type(f"forward {scenario.message} {INBOX}")
    else:
        s.type(f"reply {scenario.message}")
    s.keys("Enter")
    for _ in range(6):  # Debian's s-nail.rc asks whether to honour Reply-To
        time.sleep(1.0)
        lines = [ln for ln in s.screen().splitlines() if ln.strip()]
        if lines and re.search(r"\[yes\]/no\?\s*$", lines[-1]):
            s.type("yes")
            s.keys("Enter")
        else:
            break
    if scenario.where == "above":
        s.type("~e")
        s.keys("Enter")
        s.wait(r"\(continue\)")
    else:
        for line in scenario.text.split("\n"):
            if line:
                s.type(line)
            s.keys("Enter")
    s.type("~.")
    s.keys("Enter")
    s.wait(r"Send this message")
    s.type("yes")
    s.keys("Enter")


def alpine_setup(work: Path, scenario: Scenario, binary: str) -> tuple[list[str], dict[str, str]]:
    rc = work / "pinerc"
    features = ["quell-user-lookup-in-passwd-file"]
    if scenario.attached:
        features.append("forward-as-attachment")
    rc.write_text(
        "\n".join(
            [
                f"personal-name={REP_NAME}",
                f"user-domain={COMPANY}",
                f"customized-hdrs=From: {REP_NAME} <{REP_EMAIL}>",
                f"sendmail-path={work / 'capture.sh'} -t",
                f"inbox-path={work / 'inbox.mbox'}",
                'default-fcc=""',
                f"feature-list={','.join(features)}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return [binary, "-p", str(rc), "-i"], _common_env(work, scenario)


def alpine_run(s: Session, scenario: Scenario) -> None:
    screen = s.wait(r"GREETING TEXT|MESSAGE INDEX", 20)
    if "GREETING TEXT" in screen:
        s.keys("E")
    s.wait(r"MESSAGE INDEX")
    s.type("J")
    s.wait(r"Message number to jump to")
    s.type(str(scenario.message))
    s.keys("Enter")
    if scenario.kind == "forward":
        s.keys("F")
        s.wait(r"FORWARD MESSAGE")
        s.type(INBOX)
        for _ in range(4):  # To -> Cc -> Attchmnt -> Subject -> the first line of the text
            s.keys("Enter")
    else:
        s.keys("R")
        for _ in range(8):  # the questions come one by one, under the composer's title
            screen = s.wait(r"Include original message|Use \"Reply-To:\"|Reply to all|\^X Send", 15)
            tail = "\n".join([ln for ln in screen.splitlines() if ln.strip()][-4:])
            if "^X Send" in tail:
                break
            s.keys("n" if "Reply to all" in tail else "y")
            time.sleep(0.5)
        if scenario.where == "below":
            s.keys("C-w")  # "Where is" then ^V: to the end of the text
            s.keys("C-v")
            s.keys("Enter")
    for line in scenario.text.split("\n"):
        if line:
            s.type(line)
        s.keys("Enter")
    s.keys("C-x")
    s.wait(r"Send message\?")
    s.keys("y")


def aerc_setup(work: Path, scenario: Scenario, binary: str) -> tuple[list[str], dict[str, str]]:
    conf = work / "home" / ".config" / "aerc"
    conf.mkdir(parents=True, exist_ok=True)
    accounts = conf / "accounts.conf"
    accounts.write_text(
        "[Tidewater]\n"
        f"source = mbox://{work / 'inbox.mbox'}\n"
        f"outgoing = {work / 'capture.sh'}\n"
        "default = INBOX\n"
        f"from = {REP_NAME} <{REP_EMAIL}>\n"
        "copy-to =\n",
        encoding="utf-8",
    )
    accounts.chmod(0o600)
    return [binary], _common_env(work, scenario)


def aerc_run(s: Session, scenario: Scenario) -> None:
    s.wait(r"Connected", 20)
    time.sleep(0.5)
    for _ in range(scenario.message - 1):
        s.keys("j")
    if scenario.kind == "forward":
        s.type(f":forward {'-F ' if scenario.attached else ''}{INBOX}")
    else:
        s.type(":reply -q")
    s.keys("Enter")
    s.wait(r"Send this email\?", 20)
    s.keys("y")


def prepare(work: Path, messages: list[bytes]) -> None:
    (work / "home").mkdir(parents=True)
    (work / "editor.py").write_text(EDITOR, encoding="utf-8")
    capture = work / "capture.sh"
    capture.write_text(CAPTURE.format(out=work / "out"), encoding="utf-8")
    capture.chmod(0o755)
    box = mailbox.mbox(str(work / "inbox.mbox"))
    for raw in messages:
        box.add(mailbox.mboxMessage(raw))
    box.flush()
    box.close()


def client_version(name: str) -> str:
    binary = shutil.which(name) or name
    flag = {"s-nail": "-V", "alpine": "-v", "aerc": "-v"}.get(name, "-v")
    out = subprocess.run([binary, flag], capture_output=True, text=True, env={**os.environ, "HOME": "/nonexistent"})
    first = (out.stdout or out.stderr).strip().splitlines()[0]
    match = re.search(r"v?(\d+(?:\.\d+)+|\d{8})", first)
    if match is None:
        raise RuntimeError(f"cannot read the version of {name} from {first!r}")
    return match.group(1)


Setup = Callable[[Path, Scenario, str], tuple[list[str], dict[str, str]]]
CLIENTS: dict[str, tuple[Setup, Callable[[Session, Scenario], None]]] = {
    "mutt": (mutt_setup, mutt_run),
    "neomutt": (mutt_setup, mutt_run),
    "s-nail": (s_nail_setup, s_nail_run),
    "alpine": (alpine_setup, alpine_run),
    "aerc": (aerc_setup, aerc_run),
}
