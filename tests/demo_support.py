"""The Midden-Groningen demo for the tests that read it, seeded once per test process.

``seed_all()`` takes seconds (it plans 45 meetings through the domain, renders the documents'
PDFs, writes the minutes); some thirty tests read the demo. The ``demo`` fixture seeds it
once per worker, on an empty database at the session's frozen moment, keeps every row and
every stored file, and puts them back for each test that asks (one INSERT per table, a few
tens of milliseconds). A test that checks the seeder itself (counts, idempotence, what a
second run adds) still calls ``seed_all()``; on top of the restored demo a second call adds
nothing, as on the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Integer, Table, func, select, text

from overleg.extensions import db


@dataclass
class DemoSnapshot:
    counts: dict[str, int]
    rows: list[tuple[Table, list[dict]]]  # in the order of the foreign keys
    files: dict[Path, bytes]  # stored under STORAGE_DIR by the seed

    def restore(self) -> dict[str, int]:
        """Puts the demo in place of what the database holds; returns what ``seed_all`` added."""
        from tests.conftest import _empty_tables

        db.session.rollback()
        db.session.remove()
        _empty_tables()
        with db.engine.begin() as conn:
            for table, rows in self.rows:
                if rows:
                    conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql":
                # explicit ids leave the sequences where TRUNCATE … RESTART IDENTITY put them
                for table, rows in self.rows:
                    column = _serial_id(table)
                    if rows and column is not None:
                        conn.execute(
                            text("SELECT setval(pg_get_serial_sequence(:t, :c), :v)"),
                            {
                                "t": f'"{table.name}"',
                                "c": column.name,
                                "v": max(r[column.name] for r in rows),
                            },
                        )
        for path, data in self.files.items():
            if not path.exists():  # a test that destroyed a record removed its file
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        return dict(self.counts)


def _serial_id(table: Table):
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
        return pk[0]
    return None


def _stored_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def take_snapshot(app) -> DemoSnapshot:
    """Seeds the demo into the (empty) database of ``app``, keeps it, and empties it again."""
    from overleg.demo import seed_all
    from tests.conftest import _empty_tables

    root = Path(app.config["STORAGE_DIR"])
    with app.app_context():
        assert not db.session.scalar(select(func.count()).select_from(db.metadata.tables["person"]))
        before = _stored_files(root)
        counts = seed_all()
        db.session.commit()
        db.session.remove()
        rows = []
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                order = list(table.primary_key.columns)
                found = conn.execute(select(table).order_by(*order)).mappings().all()
                rows.append((table, [dict(r) for r in found]))
        files = {p: p.read_bytes() for p in _stored_files(root) - before}
        _empty_tables()
    return DemoSnapshot(counts, rows, files)


@pytest.fixture(scope="session")
def demo_snapshot(app) -> DemoSnapshot:
    return take_snapshot(app)


@pytest.fixture
def demo(app, demo_snapshot) -> dict[str, int]:
    """The demo as ``make run`` loads it, in this test's database; what ``seed_all`` added.
    It replaces what fixtures set up before it (a module's ``seeded`` structure, say)."""
    return demo_snapshot.restore()
