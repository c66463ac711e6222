"""Database engine and sessions, SQLite or PostgreSQL, created at start-up.

What it is for: ``make_engine(url)`` with the pragmas and pool settings each
backend needs, ``upgrade(engine)`` (Alembic migrations to head; only the commands
that run the service or ``handoff db upgrade`` call it), ``open_existing`` /
``reading`` (the one way the other commands open the database: never created, never
migrated; a missing database or an older schema is a clear error that names
``handoff db upgrade``), and ``session_scope`` which maps driver errors to
``StorageUnavailable``. Not for: queries (db/repo/).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from agent.errors import SchemaOutdated, StorageUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x68616E64  # "hand": an arbitrary constant shared by every handoff process


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 10})


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _migration_engine(engine: Engine) -> Engine:
    """For SQLite, an engine whose transactions really contain DDL.

    pysqlite commits before every DDL statement on its own, so a process killed halfway
    through the first migration would leave tables without ``alembic_version`` and no start
    could recover. Taking transaction control (SQLAlchemy's pysqlite recipe) makes the
    migration all or nothing.
    """
    if engine.dialect.name != "sqlite":
        return engine
    migrator = create_engine(engine.url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(migrator, "connect", _sqlite_pragmas)

    @event.listens_for(migrator, "connect")
    def _no_implicit_transactions(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(migrator, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return migrator


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (``handoff db upgrade``)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    migrator = _migration_engine(engine)
    try:
        with migrator.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several serve/worker processes may start at once: one migrates, the others wait.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StorageUnavailable(f"database {engine.url!r} did not answer: {exc.orig}") from exc
    finally:
        if migrator is not engine:
            migrator.dispose()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def check_schema(engine: Engine) -> None:
    """Raise unless the database answers and its schema is the newest migration (nothing is changed)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except OperationalError as exc:
        raise StorageUnavailable(f"database {where} did not answer: {exc.orig}") from exc
    if not current:
        raise SchemaOutdated(f"database {where} has no handoff schema yet: run `handoff db upgrade`")
    if current != heads:
        raise SchemaOutdated(
            f"database {where} is at schema {', '.join(sorted(current))}, this version needs "
            f"{', '.join(sorted(heads))}: run `handoff db upgrade`"
        )


def open_existing(url: str) -> Engine:
    """An engine on a database that exists and has the current schema; never creates or migrates one."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise StorageUnavailable(
            f"no database at {path.resolve()}: check HANDOFF_DATABASE_URL, or create it with `handoff db upgrade`"
        )
    engine = make_engine(url)
    try:
        check_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextmanager
def reading(url: str) -> Iterator[Engine]:
    """The database for a command that reads it (``accounts``, ``export``, ``report``...), closed after."""
    engine = open_existing(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success, rolls back on error, and names a dead database."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise StorageUnavailable(f"database did not answer: {exc.orig}") from exc
    except DBAPIError as exc:
        session.rollback()
        if exc.connection_invalidated:
            raise StorageUnavailable(f"database connection lost: {exc.orig}") from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
