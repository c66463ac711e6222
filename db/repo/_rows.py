"""Inserting a row once per unique column: the idempotency every recorder here relies on."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel, select

_Row = TypeVar("_Row", bound=SQLModel)


def insert_once(session: Session, row: _Row, unique: str) -> tuple[_Row, bool]:
    """Insert ``row`` unless one with the same ``unique`` column exists; returns (row, created)."""
    model = type(row)
    existing = session.exec(select(model).where(getattr(model, unique) == getattr(row, unique))).first()
    if existing is not None:
        return existing, False
    session.add(row)
    session.flush()
    return row, True
