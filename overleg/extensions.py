"""Flask extensions, created once and bound in create_app()."""

import os
import sqlite3
import time
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, overload

import psycopg
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from psycopg._preparing import PrepareManager
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model` (Flask-SQLAlchemy's db.Model, built from Base). Flask-SQLAlchemy
# types db.Model as a variable, which mypy cannot use as a base class; to the type checker
# it is the declarative Base, with the same metadata and registry.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# How long a SQLite connection waits for another one's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Per SQLite connection: foreign keys on (SQLite ignores them unless asked; PostgreSQL
    always checks), write-ahead logging so that readers never wait for a writer and several
    server processes share the file, and a busy timeout so that a writer waits for the
    other's lock instead of failing at once.

    synchronous=NORMAL, SQLite's advice for WAL: a commit appends to the log without waiting
    for the disk (fsync at each checkpoint instead), so a response's one audit INSERT costs
    microseconds, not the milliseconds of an fsync (on this machine about 7 ms: more than a
    whole download of a stored PDF). The database stays consistent; only a power loss or an
    operating-system crash, not a crash of Overleg, can undo the last commits."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # WAL is kept in the database file once set; an in-memory database keeps "memory"
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 10.0
_LAST_USED = "overleg_last_used"


def ping_idle_connections(engine: Engine) -> None:
    """Before the engine's pool hands out a connection that has been idle for a while (or was
    never used), ask the database whether it is still there (the dialect's own ping); if
    not, the pool replaces it (`DisconnectionError`: it takes a fresh one and tries again).

    Instead of SQLAlchemy's ``pool_pre_ping``, which asks at every checkout: one round trip
    per request on PostgreSQL (0.09 ms of an empty page's 0.8). A connection used within the
    last `PING_AFTER_IDLE_SECONDS` is asked nothing; should the server go away within those
    seconds (a restart), the one request that meets the dead connection fails, and
    SQLAlchemy then replaces every connection of the pool."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, connection_record, connection_proxy) -> None:
        last = connection_record.info.get(_LAST_USED)
        if last is not None and time.monotonic() - last < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever the ping met, this connection is not to be used
            raise DisconnectionError("connection lost while idle") from exc
        if not alive:
            raise DisconnectionError("connection lost while idle")

    @event.listens_for(engine, "checkin")
    def _note_use(dbapi_connection, connection_record) -> None:
        connection_record.info[_LAST_USED] = time.monotonic()


class _KeptPreparedConnection(psycopg.Connection):
    """A psycopg connection whose prepared statements outlive a rollback.

    psycopg forgets every prepared statement at each rollback (and sends DEALLOCATE ALL),
    in case the transaction created an object a statement refers to. Every request that
    only read ends in a rollback (Flask-SQLAlchemy closes the session at teardown), so its
    statements would be prepared again, and planned again, by the next request. Overleg
    creates no tables or types in a transaction it rolls back (the schema changes only in
    migrations, which commit), and PostgreSQL keeps prepared statements over a rollback (a
    statement that meets a table dropped since is analysed again, or fails as it should);
    DROP, ALTER, DISCARD ALL and DEALLOCATE ALL still make psycopg forget them all."""

    def rollback(self) -> None:
        kept = self._prepared
        self._prepared = PrepareManager()  # what psycopg's rollback clears
        try:
            super().rollback()
        finally:
            self._prepared = kept


class _Description(Sequence[psycopg.Column]):
    """A result's ``cursor.description``, its `psycopg.Column` objects made when first read.

    psycopg makes a Column per result column each time ``description`` is read, and
    SQLAlchemy reads it after every statement; but of a statement it has run before it keeps
    the result's layout (the compiled statement's cached metadata) and only asks whether
    there is a description at all. SQL text run as it is (``exec_driver_sql``) and echo do
    read the columns: they are made then. Overleg's ORM statements return 20-60 columns;
    making them cost some 1.3 µs a column, up to 2 ms of a page (the home page: about 540
    columns in 11 statements). The length is the result's field count; the columns are made
    from the result this description was taken of (what psycopg's Column reads of a cursor:
    its result, encoding and adapters), also when read after the cursor moved on."""

    __slots__ = ("_source", "_columns")

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._source: Any = SimpleNamespace(
            pgresult=cursor.pgresult, _encoding=cursor._encoding, adapters=cursor.adapters
        )
        self._columns: list[psycopg.Column] | None = None

    def _made(self) -> list[psycopg.Column]:
        if self._columns is None:
            source = self._source
            self._columns = [psycopg.Column(source, i) for i in range(len(self))]
        return self._columns

    def __len__(self) -> int:
        return self._source.pgresult.nfields

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index):
        return self._made()[index]


class _DescribedOnDemandCursor(psycopg.Cursor):
    """psycopg's cursor whose ``description`` makes its columns when they are read
    (`_Description`); results without columns are described as psycopg does."""

    @property
    def description(self):
        res = self.pgresult
        if res is not None and res.nfields:
            return _Description(self)
        return super().description


@event.listens_for(Engine, "do_connect")
def _postgresql_options(dialect, conn_rec, cargs, cparams):
    """Per PostgreSQL connection: no JIT compilation. The read policy's clauses are nested
    correlated subqueries whose estimated cost passes ``jit_above_cost`` on pages that read a
    few dozen rows; compiling them then took some 250 ms at ten years of data, for a query
    that runs in a few milliseconds (the topic list's search; EXPLAIN ANALYZE, "JIT: … Total").
    Overleg's queries are short: JIT never pays for itself here. libpq reads ``PGOPTIONS``
    only when no ``options`` are given, so an operator's ``PGOPTIONS`` are kept here. With
    psycopg, cursors describe their results on demand (`_DescribedOnDemandCursor`).

    With prepared statements (config.engine_options; not with ``OVERLEG_PG_PREPARE=0``): a
    connection whose prepared statements survive a rollback (_KeptPreparedConnection) with
    room for ``prepared_max`` of them (psycopg takes that as an attribute, not as a
    parameter), and each runs on its generic plan (``plan_cache_mode = force_generic_plan``):
    one plan for every set of parameters, made once per connection. Left to choose (auto),
    PostgreSQL kept planning the participant's statements anew for their parameters at ten
    years, 8-14 ms of planning for under a millisecond of work (the read policy's nested
    correlated clauses; the decision search 13.8 -> 1.1 ms, the action register's years
    4.4 -> 0.9 ms, a secretary's actions of a meeting 6.8 -> 2.8 ms). A statement whose
    generic plan would not know how rare its values are says them as literals (the open
    escalations, the werkvoorraad's statuses), and the topic list asks its policy clause of
    each topic in turn (`policy.topic_visibility_clause(per_row=True)`; as a semi-join its
    generic plan took 330 ms). An operator's ``PGOPTIONS`` with its own ``plan_cache_mode``
    is kept.
    """
    if dialect.name != "postgresql":
        return None
    if dialect.driver == "psycopg":
        cparams.setdefault("cursor_factory", _DescribedOnDemandCursor)
    given = cparams.get("options") or os.environ.get("PGOPTIONS", "")
    options = f"{given} -c jit=off"
    prepared_max = cparams.pop("prepared_max", None)
    if dialect.driver != "psycopg" or cparams.get("prepare_threshold", 5) is None:
        cparams["options"] = options.strip()
        return None
    if "plan_cache_mode" not in given:
        options += " -c plan_cache_mode=force_generic_plan"
    cparams["options"] = options.strip()
    conn = _KeptPreparedConnection.connect(*cargs, **cparams)
    if prepared_max is not None:
        conn.prepared_max = prepared_max
    return conn
