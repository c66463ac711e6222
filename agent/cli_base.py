"""What every ``handoff`` command shares: help pages in words, and errors in one line.

What it is for: ``command_group`` makes the ``typer.Typer`` the CLI hangs its commands
on; its ``Commands`` group shows what a parameter takes as a reader says it (FILE...,
ID..., the choices, nothing for a flag — this typer prints ``<bool>``, ``<list[Path]>``
and ``{files}...`` of its own accord) and turns any ``HandoffError`` raised by a
command (a bad setting, a database that is down or missing, a schema to upgrade) into
one line on stderr and exit status 2, or 1 for an unknown account or message id.
Not for: the commands themselves (agent/cli.py).
"""

from __future__ import annotations

from enum import Enum
from functools import partial
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument, TyperGroup

from agent.errors import AccountNotFound, HandoffError, InboundNotFound

err = Console(stderr=True)


def _type_in_words(param: Any, ctx: typer.Context) -> str | None:
    """What a parameter takes, as a reader says it: the choices, NUMBER, TEXT, FILE; nothing for a flag.

    (This typer prints ``<bool>``, ``<list[Path]>`` and ``{files}...`` of its own accord.)
    """
    if getattr(param, "is_flag", False) or isinstance(param, TyperArgument):
        return None  # a flag says it by its name, an argument by its metavar (FILE..., ID..., ACCOUNT)
    described = getattr(param, "type_descriptor", None)
    choices = getattr(described, "choices", None)
    if choices:
        return "|".join(str(c.value if isinstance(c, Enum) else c) for c in choices)
    annotation = getattr(described, "annotation", None)
    if annotation is int or annotation == int | None:
        return "NUMBER"
    if getattr(described, "is_path", False):
        return "FILE"
    return "TEXT"


def _usage_name(param: Any) -> str:
    name = str(param.metavar or param.name or "").upper()
    return name if param.required else f"[{name}]"


def _in_words(params: list[Any]) -> list[Any]:
    for param in params:
        setattr(param, "display_type_rich", partial(_type_in_words, param))  # noqa: B010 - an instance's own method
        if isinstance(param, TyperArgument):
            setattr(param, "_usage_display_name", partial(_usage_name, param))  # noqa: B010
    return params


def _english(command: Any) -> Any:
    get_params = command.get_params
    command.get_params = lambda ctx: _in_words(get_params(ctx))
    return command


class Commands(TyperGroup):
    """Every command's help in words, and every ``HandoffError`` as one clean line."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        return _english(command) if command is not None else None

    def get_params(self, ctx: Any) -> Any:
        return _in_words(super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (AccountNotFound, InboundNotFound) as exc:
            _fail(exc)
            raise typer.Exit(1) from exc
        except HandoffError as exc:
            _fail(exc)
            raise typer.Exit(2) from exc


def _fail(exc: Exception) -> None:
    """One line on stderr, however long and whatever the driver put in its message."""
    err.print(f"[red]handoff:[/red] {escape(' '.join(str(exc).split()))}", highlight=False, soft_wrap=True)


def command_group(help: str) -> typer.Typer:
    """A ``typer.Typer`` whose commands speak in words and fail in one line."""
    return typer.Typer(help=help, cls=Commands, no_args_is_help=True, add_completion=False)
