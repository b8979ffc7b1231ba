"""Test fixtures: an app on SQLite (default) or on PostgreSQL when DATABASE_URL is set.

The schema is created once per session; after each test every table is emptied, so
tests are independent and fast on both databases.

Every test runs on a frozen clock (`clock` below): the moment comes from
OVERLEG_TEST_NOW (ISO 8601; without an offset it is Amsterdam wall-clock time), and the
Makefile gives each database pass a different, deliberately awkward moment. A test that
needs time to pass moves the clock (`clock.shift(timedelta(hours=2))`,
`clock.move_to(...)`); none reads the real one.
"""

from __future__ import annotations

import os
import re
from datetime import datetime

import pytest
import time_machine
from flask import g, request_started
from sqlalchemy import event, text

from overleg import create_app
from overleg.extensions import db as _db
from overleg.extensions import limiter
from overleg.models import sql as _sql

# Shared fixtures of several test modules, registered here rather than imported into each
# module (an imported fixture is shadowed by the test's argument of the same name).
pytest_plugins = [
    "tests.admin_support",
    "tests.browser_support",
    "tests.demo_support",
    "tests.nplusone_guard",
]

# Every `columns()` call in the suite checks that its statement selects columns, not objects.
_sql.CHECK_COLUMNS = True

TEST_PASSWORD = "correct-horse-battery"

# Saturday evening before the spring DST change (the next day has 23 hours), in Amsterdam.
DEFAULT_TEST_NOW = "2027-03-27T23:45"


def test_moment() -> datetime:
    """The frozen moment of this run, as an aware datetime."""
    from overleg.timeutil import TZ

    raw = os.environ.get("OVERLEG_TEST_NOW") or DEFAULT_TEST_NOW
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TZ)
    return moment


test_moment.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test

TEST_NOW = test_moment()


def pytest_report_header(config):
    from overleg.timeutil import TZ

    local = TEST_NOW.astimezone(TZ)
    return f"frozen clock: {local.isoformat()} Europe/Amsterdam (OVERLEG_TEST_NOW)"


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """Session fixtures (the app, the demo behind the browser tests) see the frozen
    moment too: autouse, so it starts before every other session fixture."""
    with time_machine.travel(TEST_NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def clock():
    """The application's clock, frozen at TEST_NOW for the whole test (threads included).

    Yields time-machine's traveller: `clock.shift(delta)` and `clock.move_to(moment)`.
    Move it forward only once logged in: a signed session cookie from the future is refused.
    """
    with time_machine.travel(TEST_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        url = _database_of_this_worker(url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "memory",
            "BASE_URL": "http://overleg.test",
            "STORAGE_DIR": str(tmp_path_factory.mktemp("files")),
            "RATELIMIT_ENABLED": True,
            "SERVER_NAME": None,
            # Still argon2id, at a cost that keeps hundreds of logins fast (production keeps
            # the library's recommended parameters; tests/test_auth.py checks those).
            "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    # Each test keeps one app context pushed (see _clean_db), and Flask reuses it for the
    # test client's requests, so `g` would carry Flask-Login's cached user (and Flask-WTF's
    # CSRF token) from one request (and one client) to the next. In production every request
    # has its own app context; forget both at the start of each request to behave the same.
    request_started.connect(_forget_cached_user, app)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _database_of_this_worker(url: str) -> str:
    """With pytest-xdist (`-n 2`) each worker gets a PostgreSQL database of its own, since
    every test empties all tables afterwards. Without workers: the given database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(url)
    name = f"{server.database}_{worker}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _forget_cached_user(sender, **extra):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)  # Flask-WTF caches the token of the session it was made for


@pytest.fixture(autouse=True)
def _clean_db(app, clock):
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    yield
    _db.session.rollback()
    _db.session.remove()
    _empty_tables()
    ctx.pop()


def _empty_tables():
    """Empties the tables a test wrote to and restarts their id sequences, as TRUNCATE …
    RESTART IDENTITY on every table would. One query finds the tables that hold rows, and
    only those get a DELETE, children first: on PostgreSQL a TRUNCATE of all 43 tables took
    a quarter of a second per test, most tests write to a few."""
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        filled = {row[0] for row in conn.execute(_filled_tables_query(tables))}
        for table in tables:
            if table.name in filled:
                conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(_restart_sequences(conn, tables))


def _filled_tables_query(tables):
    return text(
        " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
        )
    )


_SEQUENCES: list[str] = []


def _restart_sequences(conn, tables):
    """One statement that sets every table's id sequence back to 1 (the sequences' names
    asked once per worker)."""
    if not _SEQUENCES:
        for table in tables:
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement in (True, "auto"):
                name = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": f'"{table.name}"', "c": pk[0].name},
                ).scalar()
                if name:
                    _SEQUENCES.append(name)
    listed = ", ".join(f"'{name}'" for name in _SEQUENCES)
    return text(f"SELECT setval(s::regclass, 1, false) FROM unnest(ARRAY[{listed}]) AS s")


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


# --- people ----------------------------------------------------------------------------


def make_person(
    email: str,
    app_role: str = "deelnemer",
    name: str | None = None,
    password: str | None = TEST_PASSWORD,
    organisation=None,
):
    from overleg.models import Person

    person = Person(
        name=name or email.split("@")[0].title(),
        email=email,
        app_role=app_role,
        organisation=organisation,
        password_hash=_cached_hash(password) if password else None,
    )
    _db.session.add(person)
    _db.session.commit()
    return person


_HASHES: dict[str, str] = {}


def _cached_hash(password: str) -> str:
    from overleg.auth.services import hash_password

    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


@pytest.fixture
def people(app):
    """One account of each application role."""
    return {
        "beheerder": make_person("beheerder@test.example.org", "beheerder", "Bea Beheer"),
        "secretaris": make_person("secretaris@test.example.org", "secretaris", "Sam Secretaris"),
        "deelnemer": make_person("deelnemer@test.example.org", "deelnemer", "Dirk Deelnemer"),
    }


def login(client, email: str, password: str = TEST_PASSWORD):
    return client.post("/inloggen", data={"email": email, "password": password})


DEMO_PASSWORD = "Veilig-Overleg-2019"  # of the seeded accounts (README)


def demo_client(app, email: str):
    """A test client logged in as one of the seeded (demo) accounts."""
    client = app.test_client()
    resp = login(client, email, DEMO_PASSWORD)
    assert resp.status_code == 302, (email, resp.status_code)
    return client


def get_page(client, url: str) -> str:
    """The HTML of a page as this client sees it; the page must answer 200."""
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


@pytest.fixture
def as_role(app, people):
    """as_role('secretaris') -> a test client logged in with that application role."""

    def make(role: str):
        c = app.test_client()
        resp = login(c, people[role].email)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return c

    return make


@pytest.fixture
def seeded(app):
    from overleg.seed import seed_structure

    seed_structure()
    return True


# --- query counting -------------------------------------------------------------------


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.I):
            self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    return lambda: QueryCounter(db.engine)


def assert_audit(event_name: str, **filters):
    """Assert that an audit event with this name (and attributes) was written. `before` and
    `after` (the values of a change) are compared in Python, as equal dicts (None: none)."""
    from sqlalchemy import select

    from overleg.models import AuditEvent

    values = {key: filters.pop(key) for key in ("before", "after") if key in filters}
    stmt = select(AuditEvent).where(AuditEvent.event == event_name)
    for key, value in filters.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    found = _db.session.scalars(stmt).all()
    rows = [r for r in found if all(getattr(r, k) == v for k, v in values.items())]
    assert rows, (
        f"no audit event {event_name!r} with {filters} {values}; "
        f"found: {[(r.before, r.after) for r in found]}"
    )
    return rows
