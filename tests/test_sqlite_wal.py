"""SQLite fit for several server processes: every connection is in WAL mode with a busy
timeout (overleg/extensions.py), so a reader never waits for a writer and a second writer
waits for the lock instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, text

from overleg.extensions import SQLITE_BUSY_TIMEOUT_MS


@pytest.fixture
def engine(tmp_path):
    eng = create_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    yield eng
    eng.dispose()


def test_every_connection_has_wal_busy_timeout_and_foreign_keys(engine):
    for _ in range(2):
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL: no fsync
        engine.dispose()  # a new connection next time


def test_the_app_database_is_in_wal_mode(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no journal mode: this is about SQLite")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS


def test_a_reader_does_not_wait_for_a_writer_and_a_second_writer_waits(tmp_path):
    # two engines: two server processes on one file
    url = f"sqlite:///{tmp_path / 'two.db'}"
    first, second = create_engine(url), create_engine(url)
    with first.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        conn.execute(text("INSERT INTO t (v) VALUES ('voor')"))
    writer = first.connect()
    writer.exec_driver_sql("BEGIN IMMEDIATE")  # holds the write lock
    writer.execute(text("UPDATE t SET v = 'na'"))
    # the reader sees the last committed row at once, beside the open write
    with second.connect() as reader:
        assert reader.execute(text("SELECT v FROM t")).scalar() == "voor"
    released = threading.Event()

    def commit_soon():
        time.sleep(0.3)
        writer.commit()
        released.set()

    threading.Thread(target=commit_soon).start()
    started = time.monotonic()
    with second.begin() as conn:  # waits for the lock (busy timeout), then writes
        conn.execute(text("INSERT INTO t (v) VALUES ('tweede')"))
    waited = time.monotonic() - started
    assert released.is_set() and waited >= 0.2
    with second.connect() as conn:
        assert conn.execute(text("SELECT v FROM t ORDER BY id")).scalars().all() == ["na", "tweede"]
    writer.close()
    first.dispose()
    second.dispose()
