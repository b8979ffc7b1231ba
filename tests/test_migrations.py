"""The migrations build exactly the schema the models describe, and upgrade a live database.

Since release 0.1 the schema is versioned: the baseline revision (`baseline 0.1`) is what
every database starts from, and every later model change is a new revision on top. These
tests run `flask db upgrade` (what `make run` does on every start) in a separate process on
a fresh database of each kind the pass has: SQLite always, and PostgreSQL in the PostgreSQL
pass (a database of its own next to the session's test database, dropped afterwards).

- alembic's compare_metadata finds no difference between the upgraded schema and the
  models: after a model change, add a revision (`flask --app wsgi db migrate -m "..."`)
  and review it;
- a database at the baseline, filled with the demo exactly as `make run` loads it, upgrades
  to head with every row kept and the app still working on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, make_url, select, text

from overleg.extensions import db
from overleg.models.search import include_object

ROOT = Path(__file__).resolve().parent.parent
BASELINE_MESSAGE = "baseline 0.1"

_PASS_URL = os.environ.get("DATABASE_URL", "")
DATABASES = ["sqlite"] + (["postgresql"] if _PASS_URL.startswith("postgres") else [])


def scripts() -> ScriptDirectory:
    cfg = AlembicConfig(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(cfg)


def baseline_revision() -> str:
    (base,) = scripts().get_bases()
    return base


def head_revision() -> str:
    (head,) = scripts().get_heads()
    return head


def flask_db(args: list[str], url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="migration-test",
        OVERLEG_INSTANCE=str(tmp_path / "instance"),
        OVERLEG_ENV="development",
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _sqlalchemy_url(url: str) -> str:
    """The URL with the driver the app uses (config.py does the same for DATABASE_URL)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@contextmanager
def fresh_database(kind: str, tmp: Path) -> Iterator[str]:
    """The URL of a new, empty database of this kind; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'fresh.db'}"
        return
    server = make_url(_sqlalchemy_url(_PASS_URL))
    name = f"overleg_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _describe(diff) -> str:
    lines = []
    for entry in diff:
        if isinstance(entry, list):  # column modifications come grouped
            lines.extend(f"  {e[0]} {e[2]}.{e[3]}: {e[-2]!r} -> {e[-1]!r}" for e in entry)
        else:
            names = [getattr(x, "name", None) or repr(x) for x in entry[1:] if x is not None]
            lines.append(f"  {entry[0]} " + " ".join(str(n) for n in names))
    return "\n".join(lines)


def assert_schema_matches_models(engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                # the full-text search indexes differ per database and are not in the models
                # (overleg/models/search.py); test_search_indexes_... compares them
                "include_object": include_object,
            },
        )
        diff = compare_metadata(context, db.metadata)
    if diff:
        pytest.fail(
            f"the migrations differ from the models on {engine.dialect.name}; add a revision "
            '(flask --app wsgi db migrate -m "...") and review it:\n' + _describe(diff),
            pytrace=False,
        )


def alembic_version(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT version_num FROM alembic_version")))


def row_counts(engine, tables) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0
            for t in db.metadata.sorted_tables
            if t.name in tables
        }


@pytest.fixture(scope="module", params=DATABASES)
def upgraded(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"migrations-{request.param}")
    with fresh_database(request.param, tmp) as url:
        result = flask_db(["upgrade"], url, tmp)
        assert result.returncode == 0, result.stdout + result.stderr
        engine = create_engine(_sqlalchemy_url(url))
        yield url, engine, tmp
        engine.dispose()


def test_upgrade_builds_the_schema_of_the_models(upgraded):
    _, engine, _ = upgraded
    assert_schema_matches_models(engine)


def test_every_model_table_exists_after_upgrade(upgraded):
    _, engine, _ = upgraded
    tables = set(inspect(engine).get_table_names())
    missing = sorted(set(db.metadata.tables) - tables)
    if missing:
        pytest.fail(f"tables missing after flask db upgrade: {missing}", pytrace=False)
    assert alembic_version(engine) == [head_revision()]


def test_search_indexes_after_upgrade_are_those_of_the_test_schema(upgraded, app):
    """The migration makes the same full-text search objects (SQLite: FTS5 tables and their
    triggers; PostgreSQL: GIN indexes) as ``db.create_all`` does for the tests, so a later
    migration that drops them (a batch copy of the table drops its triggers) fails here."""
    from tests.test_search import search_objects

    _, engine, _ = upgraded
    if engine.dialect.name != db.engine.dialect.name:
        pytest.skip("the test schema is on the other database")
    with engine.connect() as conn:
        migrated = search_objects(conn)
    with db.engine.connect() as conn:
        created = search_objects(conn)
    assert migrated and migrated == created


def test_upgrade_again_is_a_no_op(upgraded):
    url, engine, tmp = upgraded
    result = flask_db(["upgrade"], url, tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    result = flask_db(["current"], url, tmp)
    assert "(head)" in result.stdout, result.stdout + result.stderr
    assert alembic_version(engine) == [head_revision()]


def test_one_head():
    heads = scripts().get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


def test_history_starts_at_the_baseline_of_release_0_1():
    """One root, the release baseline; every other revision descends from it."""
    script = scripts()
    bases = script.get_bases()
    assert len(bases) == 1, f"several root revisions: {bases}"
    baseline = script.get_revision(bases[0])
    assert baseline.doc == BASELINE_MESSAGE, (
        f"the root revision is {baseline.doc!r}; the schema of release 0.1 is the baseline"
    )
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[0] == head_revision() and chain[-1] == baseline.revision
    assert len(chain) == len(list(script.walk_revisions("base", "heads")))


@pytest.mark.parametrize("kind", DATABASES)
def test_demo_database_at_the_baseline_upgrades_to_head(kind, tmp_path):
    """A database of release 0.1 holding the demo (as `make run` leaves it) upgrades to
    head: the version is head, every row of the baseline's tables is still there, the
    schema is the models', and the OOV ambtenaar logs in and sees her home page."""
    from overleg import create_app
    from overleg.demo import seed_all
    from overleg.models import Person
    from overleg.seed import DEMO_PASSWORD

    baseline = baseline_revision()
    with fresh_database(kind, tmp_path) as url:
        # The demo is written by today's models, so it is loaded at head and the database is
        # then taken down to the baseline (every revision's downgrade keeps the rows).
        result = flask_db(["upgrade"], url, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        engine = create_engine(_sqlalchemy_url(url))
        # The demo, loaded as `flask seed-demo` does, on the frozen clock of this run.
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url),
                "SECRET_KEY": "migration-test",
                "WTF_CSRF_ENABLED": False,
                "MAIL_BACKEND": "memory",
                "STORAGE_DIR": str(tmp_path / "files"),
                "RATELIMIT_ENABLED": True,  # the limiter is shared: keep the session app's setting
                "SERVER_NAME": None,
                "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
            }
        )
        try:
            with app.app_context():
                seed_all()
                db.session.commit()
                oov = db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
                assert oov is not None and oov.name == "Sanne de Vries"
                db.session.remove()
                db.engine.dispose()
            result = flask_db(["downgrade", baseline], url, tmp_path)
            assert result.returncode == 0, result.stdout + result.stderr
            assert alembic_version(engine) == [baseline]
            baseline_tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
            before = row_counts(engine, baseline_tables)
            assert before["person"] > 10 and before["meeting"] > 10 and before["topic"] > 0

            result = flask_db(["upgrade"], url, tmp_path)
            assert result.returncode == 0, result.stdout + result.stderr

            assert alembic_version(engine) == [head_revision()]
            after = row_counts(engine, baseline_tables)
            lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t) != n}
            assert not lost, f"rows changed by the upgrade (before, after): {lost}"
            assert_schema_matches_models(engine)

            client = app.test_client()
            resp = client.post(
                "/inloggen", data={"email": "oov@example.org", "password": DEMO_PASSWORD}
            )
            assert resp.status_code == 302, resp.get_data(as_text=True)
            home = client.get("/")
            assert home.status_code == 200
            assert "Sanne de Vries" in home.get_data(as_text=True)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            engine.dispose()
