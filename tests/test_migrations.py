"""The migrations build exactly the schema the models describe.

`flask db upgrade` (what `make run` does on every start) runs on a fresh SQLite file in a
separate process; alembic's compare_metadata must then find no difference with the models.
When this fails after a model change, the migration has to be regenerated (`make schema`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from overleg.extensions import db

ROOT = Path(__file__).resolve().parent.parent


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
        timeout=120,
    )


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("migrations")
    url = f"sqlite:///{tmp / 'fresh.db'}"
    result = flask_db(["upgrade"], url, tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    engine = create_engine(url)
    yield url, engine, tmp
    engine.dispose()


def _describe(diff) -> str:
    lines = []
    for entry in diff:
        if isinstance(entry, list):  # column modifications come grouped
            lines.extend(f"  {e[0]} {e[2]}.{e[3]}: {e[-2]!r} -> {e[-1]!r}" for e in entry)
        else:
            names = [getattr(x, "name", None) or repr(x) for x in entry[1:] if x is not None]
            lines.append(f"  {entry[0]} " + " ".join(str(n) for n in names))
    return "\n".join(lines)


def test_upgrade_builds_the_schema_of_the_models(upgraded):
    url, engine, _ = upgraded
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    if diff:
        pytest.fail(
            "the migrations differ from the models; regenerate them (make schema):\n"
            + _describe(diff),
            pytrace=False,
        )


def test_every_model_table_exists_after_upgrade(upgraded):
    url, engine, _ = upgraded
    tables = set(inspect(engine).get_table_names())
    missing = sorted(set(db.metadata.tables) - tables)
    if missing:
        pytest.fail(f"tables missing after flask db upgrade: {missing}", pytrace=False)
    assert "alembic_version" in tables


def test_upgrade_again_is_a_no_op(upgraded):
    url, engine, tmp = upgraded
    result = flask_db(["upgrade"], url, tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    result = flask_db(["current"], url, tmp)
    assert "(head)" in result.stdout, result.stdout + result.stderr


def test_one_head():
    cfg = AlembicConfig(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"
