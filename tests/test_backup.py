"""`flask backup DIR` and `flask restore DIR` round-trip the demo on this pass's database.

The SQLite pass tests SQLite's online backup, the PostgreSQL pass pg_dump/pg_restore. Each
test makes databases of its own (a file, or a new database on the pass's server, dropped
afterwards) with their own storage folder: the demo with an approved minutes PDF stored, a
backup, changes, a refused and a forced restore, and a restore on an empty "fresh machine"
that then serves the same PDF bytes. A changed file in the backup is refused by name, before
anything is touched.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, delete, make_url, select, text, update

from overleg import create_app
from overleg.backup import STORED_FILE_COLUMNS, code_revision
from overleg.extensions import db
from overleg.models import Document, Minutes, MinutesVersion, Person
from overleg.storage import get_storage
from tests.conftest import demo_client

_PASS_URL = os.environ.get("DATABASE_URL", "")
KIND = "postgresql" if _PASS_URL.startswith("postgres") else "sqlite"


@contextmanager
def fresh_app(tmp: Path, name: str) -> Iterator:
    """An app on a new, empty database of this pass's kind and an empty storage folder."""
    admin = None
    if KIND == "sqlite":
        url = f"sqlite:///{tmp / (name + '.db')}"
    else:
        server = make_url("postgresql+psycopg://" + _PASS_URL.split("://", 1)[1])
        database = f"overleg_backup_{name}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        url = server.set(database=database).render_as_string(hide_password=False)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "backup-test",
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "memory",
            "BASE_URL": "http://overleg.test",
            "STORAGE_DIR": str(tmp / (name + "-files")),
            "SERVER_NAME": None,
            "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


def migrated_demo(app) -> None:
    """The schema at this code's head (what `flask db upgrade` leaves; tests/test_migrations.py
    checks that it equals the models) and the demo, as `make run` loads it."""
    from overleg.demo import seed_all

    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
            conn.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": code_revision()})
        seed_all()
        db.session.commit()


def all_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with app.app_context(), db.engine.connect() as conn:
        out = {}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
        out["alembic_version"] = [
            tuple(r) for r in conn.execute(text("SELECT * FROM alembic_version"))
        ]
        return out


def approved_version(app) -> tuple[int, int]:
    """(meeting id, version number) of an approved minutes version of the demo."""
    with app.app_context():
        version = db.session.scalars(
            select(MinutesVersion)
            .join(Minutes)
            .where(Minutes.status == "vastgesteld")
            .order_by(MinutesVersion.id)
        ).first()
        assert version is not None, "the demo has approved minutes"
        return version.minutes.meeting_id, version.number


def download_pdf(app, meeting_id: int, number: int) -> bytes:
    client = demo_client(app, "oov@example.org")
    resp = client.get(f"/overleggen/{meeting_id}/verslag/versies/{number}.pdf")
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/pdf"
    return resp.get_data()


def stored_bytes(app) -> dict[str, bytes]:
    """Every stored file the database refers to, by key."""
    with app.app_context():
        storage = get_storage()
        keys = list(db.session.scalars(select(Document.storage_key)))
        for column in (MinutesVersion.pdf_key, MinutesVersion.redacted_pdf_key):
            keys += [k for k in db.session.scalars(select(column)) if k]
        return {k: storage.open(k) for k in keys}


def cli(app, *args: str):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_backup_and_restore_round_trip(tmp_path):
    backup_dir = tmp_path / "reservekopie"
    with fresh_app(tmp_path, "origin") as origin:
        migrated_demo(origin)
        meeting_id, number = approved_version(origin)
        pdf = download_pdf(origin, meeting_id, number)  # stores the approved PDF (PDF/A)
        with origin.app_context():
            stored = db.session.scalar(
                select(MinutesVersion.pdf_key).where(MinutesVersion.pdf_key.is_not(None))
            )
        assert stored, "the approved minutes PDF is stored"
        files_before = stored_bytes(origin)
        assert len(files_before) >= 2  # documents and the minutes PDF
        rows_before = all_rows(origin)

        result = cli(origin, "backup", str(backup_dir))
        assert result.exit_code == 0, result.output
        assert "Reservekopie gemaakt" in result.output
        manifest = json.loads((backup_dir / "manifest.json").read_text())
        assert manifest["alembic_revision"] == rows_before["alembic_version"][0][0]
        assert manifest["database"]["kind"] == KIND
        assert manifest["app_version"]
        assert manifest["created_at"].endswith("Z")
        assert {f["key"] for f in manifest["files"]} == set(files_before)
        assert manifest["tables"]["person"] == len(rows_before["person"])

        # A backup never lands in a directory that holds something.
        again = cli(origin, "backup", str(backup_dir))
        assert again.exit_code == 1
        assert "geen lege map" in again.output

        # Changes after the backup: a person renamed, one added, a document deleted.
        with origin.app_context():
            doc = db.session.scalars(select(Document).order_by(Document.id)).first()
            get_storage().delete(doc.storage_key)
            db.session.execute(delete(Document).where(Document.id == doc.id))
            db.session.execute(update(Person).values(name="Gewijzigd"))
            db.session.add(Person(name="Nieuw", email="nieuw@example.org", app_role="deelnemer"))
            db.session.commit()
        assert all_rows(origin) != rows_before

        refused = cli(origin, "restore", str(backup_dir))
        assert refused.exit_code == 1
        assert "Er is niets hersteld: de database bevat al gegevens" in refused.output
        assert "--force" in refused.output
        with origin.app_context():
            assert db.session.scalar(select(Person).where(Person.name == "Nieuw")) is not None

        forced = cli(origin, "restore", "--force", str(backup_dir))
        assert forced.exit_code == 0, forced.output
        assert "hersteld" in forced.output
        assert all_rows(origin) == rows_before
        assert stored_bytes(origin) == files_before

    # A fresh machine: an empty database (no schema) and an empty storage folder.
    with fresh_app(tmp_path, "fresh") as fresh:
        result = cli(fresh, "restore", str(backup_dir))
        assert result.exit_code == 0, result.output
        assert all_rows(fresh) == rows_before
        assert stored_bytes(fresh) == files_before
        assert download_pdf(fresh, meeting_id, number) == pdf  # byte-identical
        with fresh.app_context():  # the sequences came along: new rows get new ids
            db.session.add(Person(name="Na herstel", email="na@example.org", app_role="deelnemer"))
            db.session.commit()


def test_restore_refuses_a_changed_file_and_another_schema_revision(tmp_path):
    backup_dir = tmp_path / "reservekopie"
    with fresh_app(tmp_path, "origin") as origin:
        migrated_demo(origin)
        assert cli(origin, "backup", str(backup_dir)).exit_code == 0

    manifest = json.loads((backup_dir / "manifest.json").read_text())
    damaged = manifest["files"][0]["path"]
    path = backup_dir / damaged
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    with fresh_app(tmp_path, "fresh") as fresh:
        result = cli(fresh, "restore", str(backup_dir))
        assert result.exit_code == 1
        assert "Fout: De reservekopie" in result.output
        assert f"{damaged} is beschadigd of gewijzigd (SHA-256 klopt niet)" in result.output
        assert "er is niets hersteld" in result.output
        # nothing touched: no file stored, no table made
        assert not Path(fresh.config["STORAGE_DIR"]).exists() or not any(
            Path(fresh.config["STORAGE_DIR"]).rglob("*")
        )
        with fresh.app_context():
            assert not db.inspect(db.engine).get_table_names()

        # Repaired, but from another schema revision: refused, with what to do instead.
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
        manifest["alembic_revision"] = "ouder01"
        (backup_dir / "manifest.json").write_text(json.dumps(manifest))
        result = cli(fresh, "restore", str(backup_dir))
        assert result.exit_code == 1
        assert "schemaversie ouder01" in result.output
        assert "db upgrade" in result.output

        # Not a backup at all.
        result = cli(fresh, "restore", str(tmp_path))
        assert result.exit_code == 1
        assert "Geen manifest.json" in result.output


def test_every_storage_key_column_is_backed_up():
    """A new column holding a storage key must be listed in overleg/backup.py, or its files
    would be missing from every backup."""
    listed = {(t, c) for t, c, _sha in STORED_FILE_COLUMNS}
    found = {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("_key")
    }
    assert found == listed


def _hostile_backup(tmp_path: Path, database, files) -> Path:
    import hashlib

    root = tmp_path / f"vijandig-{uuid.uuid4().hex[:8]}"
    (root / "files" / "ab").mkdir(parents=True)
    data = b"%PDF-1.7 stuk"
    (root / "files" / "ab" / "stuk").write_bytes(data)
    (root / "database.sqlite3").write_bytes(b"x")
    good = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    files = [dict(good, **f) if isinstance(f, dict) else f for f in files]
    manifest = {"format": 1, "database": database, "files": files}
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


def test_a_hostile_manifest_is_refused_before_anything_is_restored(tmp_path):
    """A manifest names where each file goes (its storage key) and where it lies in the backup
    (its path): a key that leaves the storage folder, a path that leaves the backup, or an
    entry that is no entry at all is refused by name with a BackupError, before anything is
    written (not a traceback halfway through the files)."""
    import hashlib

    import pytest

    from overleg.backup import BackupError, verify_backup

    db_entry = {"path": "database.sqlite3", "size": 1, "sha256": hashlib.sha256(b"x").hexdigest()}
    cases = [
        (db_entry, [{"key": "../../../tmp/x", "path": "files/ab/stuk"}], "ongeldige opslagsleutel"),
        (db_entry, [{"key": "ab/" + "0" * 32, "path": "../../etc/passwd"}], "ongeldig pad"),
        (db_entry, [{"key": "ab/" + "0" * 32, "path": "/etc/passwd"}], "ongeldig pad"),
        (db_entry, ["files/ab/stuk"], "ongeldige regel"),
        (db_entry, {"key": "x"}, "ongeldige regel"),
        ("database.sqlite3", [], "ongeldige regel"),
        (None, [], "ongeldige regel"),
    ]
    for database, files, message in cases:
        root = _hostile_backup(tmp_path, database, files)
        with pytest.raises(BackupError) as refused:
            verify_backup(root)
        assert message in str(refused.value), (database, files, str(refused.value))
        assert "er is niets hersteld" in str(refused.value)
    # positive control: the same backup with a proper key passes the check
    ok = _hostile_backup(tmp_path, db_entry, [{"key": "ab/" + "0" * 32, "path": "files/ab/stuk"}])
    assert verify_backup(ok)["files"][0]["key"] == "ab/" + "0" * 32
