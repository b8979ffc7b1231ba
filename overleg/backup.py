"""Backups: a consistent snapshot of the database and the stored files, and its restore.

``create_backup(directory)`` writes, into a new directory:

- ``database.sqlite3`` (SQLite's online backup API, one read transaction, then switched to
  rollback-journal mode so that the copy is one self-contained file) or ``database.pgdump``
  (``pg_dump --format=custom`` on PostgreSQL);
- ``files/<key>``: every stored file the snapshot refers to (documents, approved minutes
  PDFs), read through the storage interface (overleg/storage.py);
- ``manifest.json``: format, time (UTC), app version, Alembic revision, database kind, the
  row count of every table, and the size and SHA-256 of every file above.

Consistency: the files are immutable (a key is written once, before the transaction that
refers to it commits, and deleted only after the reference is gone), so the set of files is
read from the snapshot itself: the SQLite copy, or on PostgreSQL the same REPEATABLE READ
transaction whose exported snapshot ``pg_dump --snapshot`` dumps. The backup is written in a
hidden sibling directory and renamed into place at the end: a directory with a manifest is
complete.

``restore_backup(directory, force=...)`` first verifies every size and SHA-256 of the
manifest (a changed or missing file is named and nothing is touched), refuses a backup of
another schema revision than this code's (restore it with the release that made it, then
``flask db upgrade``) or of the other database kind, and refuses a database or storage that
already holds data unless ``force``. Then it writes the files (under their own keys) and
replaces the database: SQLite through the backup API into the configured file, PostgreSQL
with ``pg_restore --clean --if-exists --single-transaction`` (all or nothing). Finally it
checks the row counts against the manifest. Stop the web service during a restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import inspect, literal, select, text
from sqlalchemy.engine import make_url

from config import BASE_DIR

from .extensions import db
from .storage import DiskStorage, get_storage
from .timeutil import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"

# Every column that holds a storage key, with the column holding the file's SHA-256.
# tests/test_backup.py checks that every *_key column of the models is listed here.
STORED_FILE_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("document", "storage_key", "sha256"),
    ("minutes_version", "pdf_key", "pdf_sha256"),
    ("minutes_version", "redacted_pdf_key", "redacted_pdf_sha256"),
)

_SAFE_KEY = re.compile(r"^[0-9A-Za-z_-][0-9A-Za-z_.-]*(/[0-9A-Za-z_-][0-9A-Za-z_.-]*)*$")
_CHUNK = 1 << 20


_KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Dutch and meant for the user."""


# --- helpers ---------------------------------------------------------------------------


def app_version() -> str:
    with open(BASE_DIR / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def code_revision() -> str:
    """The Alembic head(s) of this code, comma-separated."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(current_app.extensions["migrate"].directory))
    return ",".join(sorted(ScriptDirectory.from_config(cfg).get_heads()))


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _entry(root: Path, relative: str) -> dict[str, Any]:
    sha, size = _sha256_file(root / relative)
    return {"path": relative, "size": size, "sha256": sha}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _model_tables() -> list[str]:
    return [t.name for t in db.metadata.sorted_tables]


def _read_snapshot(query: Callable[[str], list[tuple]], has_table: Callable[[str], bool]):
    """Revision, row counts and stored keys (with their expected SHA-256) of a snapshot."""
    revision = None
    if has_table("alembic_version"):
        rows = query("SELECT version_num FROM alembic_version")
        revision = ",".join(sorted(str(r[0]) for r in rows)) or None
    counts = {}
    for name in _model_tables():
        if has_table(name):
            counts[name] = int(query(f"SELECT count(*) FROM {_quote(name)}")[0][0])
    keys: dict[str, str | None] = {}
    for table, key_column, sha_column in STORED_FILE_COLUMNS:
        if not has_table(table):
            continue
        sha_sql = _quote(sha_column) if sha_column else "NULL"
        for key, sha in query(
            f"SELECT {_quote(key_column)}, {sha_sql} FROM {_quote(table)} "
            f"WHERE {_quote(key_column)} IS NOT NULL"
        ):
            keys[str(key)] = sha
    return revision, counts, keys


def _pg_tool(name: str, at_least: int) -> str:
    """The newest pg_dump/pg_restore on this machine (PG_BINDIR first), of major version
    ``at_least`` or newer (pg_dump must not be older than the server)."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    candidates += sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    seen = []
    for tool in candidates:
        if not tool.is_file():
            continue
        major = _tool_major(tool)
        seen.append(f"{tool} ({major})")
        if major >= at_least:
            return str(tool)
    raise BackupError(
        f"Geen {name} van PostgreSQL {at_least} of nieuwer gevonden"
        + (f" (wel: {', '.join(seen)})" if seen else "")
        + f". Installeer postgresql-client-{at_least} of zet PG_BINDIR op de map met {name}."
    )


def _tool_major(tool: Path) -> int:
    out = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def _libpq(url) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it (so
    that it is not on a command line anyone on the machine can read)."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} is mislukt (code {result.returncode}): " + " | ".join(detail))


def _file_path(key: str) -> str:
    if not _SAFE_KEY.match(key) or ".." in key.split("/"):
        raise BackupError(f"Opslagsleutel {key!r} kan niet in een reservekopie worden bewaard.")
    return f"files/{key}"


# --- backup ----------------------------------------------------------------------------


def create_backup(directory: str | os.PathLike) -> dict[str, Any]:
    """Write a backup into ``directory`` (new or empty); returns the manifest."""
    target = Path(directory).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(
            f"{target} bestaat al en is geen lege map; kies een nieuwe map voor de reservekopie."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.bezig-"))
    try:
        manifest = _write_backup(work)
        os.chmod(work, 0o700)
        if target.exists():
            target.rmdir()
        os.rename(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _write_backup(work: Path) -> dict[str, Any]:
    engine = db.engine
    kind = engine.dialect.name
    db.session.remove()
    extra: dict[str, Any] = {}
    if kind == "sqlite":
        database = SQLITE_FILE
        revision, counts, keys = _sqlite_snapshot(work / database)
    elif kind == "postgresql":
        database = PGDUMP_FILE
        revision, counts, keys, extra = _postgres_snapshot(work / database)
    else:  # pragma: no cover - the app supports these two
        raise BackupError(f"Reservekopieën van een {kind}-database worden niet ondersteund.")

    storage = get_storage()
    files, warnings = [], []
    for key in sorted(keys):
        relative = _file_path(key)
        try:
            data = storage.open(key)
        except FileNotFoundError:
            raise BackupError(
                f"Bestand {key} staat in de database maar ontbreekt in de opslag; "
                "de reservekopie is niet gemaakt. Probeer het opnieuw (het kan net "
                "verwijderd zijn) of controleer STORAGE_DIR."
            ) from None
        digest = hashlib.sha256(data).hexdigest()
        if keys[key] and keys[key] != digest:
            warnings.append(f"Bestand {key} in de opslag wijkt af van de SHA-256 in de database.")
        path = work / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append({"key": key, "path": relative, "size": len(data), "sha256": digest})

    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(timespec="seconds") + "Z",
        "app_version": app_version(),
        "alembic_revision": revision,
        "database": {"kind": kind, **_entry(work, database), **extra},
        "tables": counts,
        "files": files,
        "warnings": warnings,
    }
    tmp = work / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, work / MANIFEST)
    return manifest


def _sqlite_snapshot(dest: Path):
    path = db.engine.url.database
    if not path or path == ":memory:" or not Path(path).exists():
        raise BackupError(f"SQLite-database {path!r} niet gevonden; er is niets om te bewaren.")
    source = sqlite3.connect(path, timeout=30)
    copy = sqlite3.connect(dest)
    try:
        source.backup(copy)  # all pages in one step: one read transaction, a consistent copy
    finally:
        source.close()
    try:
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return _read_snapshot(lambda sql: copy.execute(sql).fetchall(), tables.__contains__)
    finally:
        copy.close()


def _postgres_snapshot(dest: Path):
    engine = db.engine
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with connection as conn, conn.begin():
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
        server = int(conn.scalar(text("SHOW server_version_num")) or 0) // 10000
        pg_dump = _pg_tool("pg_dump", server)
        uri, env = _libpq(engine.url)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dest}", uri],
            env,
            "pg_dump",
        )
        revision, counts, keys = _read_snapshot(
            lambda sql: [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()],
            lambda name: bool(conn.scalar(text("SELECT to_regclass(:n)"), {"n": name})),
        )
    return (
        revision,
        counts,
        keys,
        {"server_version": server, "pg_dump_version": _tool_major(Path(pg_dump))},
    )


# --- verify and restore ----------------------------------------------------------------


def read_manifest(source: str | os.PathLike) -> dict[str, Any]:
    root = Path(source)
    path = root / MANIFEST
    if not path.is_file():
        raise BackupError(f"Geen {MANIFEST} in {root}: dit is geen (volledige) reservekopie.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is beschadigd (geen geldige JSON): {exc}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} heeft een onbekend formaat; deze versie van Overleg leest formaat {FORMAT}."
        )
    return manifest


def verify_backup(source: str | os.PathLike) -> dict[str, Any]:
    """The manifest, once every file in it has its size and SHA-256; else a BackupError
    naming every file that is missing or differs."""
    root = Path(source).absolute()
    manifest = read_manifest(root)
    database, files = manifest.get("database"), manifest.get("files", [])
    problems = []
    if not isinstance(database, dict):
        problems.append("ongeldige regel in het manifest: database")
        database = None
    if not isinstance(files, list):
        problems.append("ongeldige regel in het manifest: files")
        files = []
    entries = [database] if database is not None else []
    for entry in files:
        if not isinstance(entry, dict):
            problems.append(f"ongeldige regel in het manifest: {str(entry)[:80]!r}")
            continue
        key = entry.get("key")
        if not isinstance(key, str) or not _SAFE_KEY.match(key) or ".." in key.split("/"):
            # restored as storage.put(key, ...): a key must stay inside the storage folder
            problems.append(f"ongeldige opslagsleutel in het manifest: {str(key)[:80]!r}")
            continue
        entries.append(entry)
    for entry in entries:
        relative = str(entry.get("path", ""))
        path = (root / relative).resolve()
        if not relative or not path.is_relative_to(root.resolve()):
            problems.append(f"ongeldig pad in het manifest: {relative!r}")
        elif not path.is_file():
            problems.append(f"{relative} ontbreekt")
        else:
            sha, size = _sha256_file(path)
            if size != entry.get("size") or sha != entry.get("sha256"):
                problems.append(f"{relative} is beschadigd of gewijzigd (SHA-256 klopt niet)")
    if problems:
        raise BackupError(
            f"De reservekopie in {root} is niet in orde; er is niets hersteld:\n- "
            + "\n- ".join(problems)
        )
    return manifest


def _non_empty_tables() -> list[str]:
    engine = db.engine
    existing = set(inspect(engine).get_table_names())
    found = []
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if (
                table.name in existing
                and conn.execute(select(literal(1)).select_from(table).limit(1)).first()
            ):
                found.append(table.name)
    return found


def _stored_files(storage) -> Iterable[Path]:
    if isinstance(storage, DiskStorage) and storage.root.is_dir():
        for path in storage.root.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                yield path


def restore_backup(source: str | os.PathLike, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into the configured database and storage; returns its manifest."""
    root = Path(source).absolute()
    manifest = verify_backup(root)
    kind = db.engine.dialect.name
    theirs = manifest["database"].get("kind")
    if theirs != kind:
        raise BackupError(
            f"Deze reservekopie is van een {_KIND_NAMES.get(theirs, theirs)}-database; deze "
            f"installatie gebruikt {_KIND_NAMES[kind]}. Er is niets hersteld."
        )
    ours, backed_up = code_revision(), manifest.get("alembic_revision")
    if backed_up != ours:
        raise BackupError(
            f"De reservekopie heeft schemaversie {backed_up or '(onbekend)'}, deze versie van "
            f"Overleg verwacht {ours}. Er is niets hersteld. Herstel de kopie met de versie "
            f"van Overleg die haar maakte (app-versie {manifest.get('app_version')}) en voer "
            "daarna met deze versie 'flask --app wsgi db upgrade' uit."
        )
    storage = get_storage()
    if not hasattr(storage, "put"):
        raise BackupError(
            "De ingestelde opslag kan geen bestanden onder hun eigen sleutel terugzetten "
            "(put ontbreekt); er is niets hersteld."
        )
    if not force:
        tables = _non_empty_tables()
        files = next(iter(_stored_files(storage)), None)
        if tables or files is not None:
            what = []
            if tables:
                what.append(
                    f"de database bevat al gegevens ({', '.join(tables[:5])}"
                    + (", …" if len(tables) > 5 else "")
                    + ")"
                )
            if files is not None:
                what.append("de opslag (STORAGE_DIR) bevat al bestanden")
            raise BackupError(
                "Er is niets hersteld: " + " en ".join(what) + ". Herstellen vervangt alles; "
                "geef --force om dat toch te doen."
            )

    # Files first: extra files are harmless should the database step fail.
    for entry in manifest.get("files", []):
        storage.put(entry["key"], (root / entry["path"]).read_bytes())

    db.session.remove()
    db.engine.dispose()
    dump = root / manifest["database"]["path"]
    if kind == "sqlite":
        _sqlite_restore(dump)
    else:
        _postgres_restore(dump, int(manifest["database"].get("pg_dump_version") or 0))
    db.engine.dispose()

    with db.engine.connect() as conn:
        revision, counts, _keys = _read_snapshot(
            lambda sql: [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()],
            set(inspect(conn).get_table_names()).__contains__,
        )
    expected = manifest.get("tables", {})
    wrong = [n for n in expected if counts.get(n) != expected[n]]
    if wrong or revision != backed_up:
        raise BackupError(
            "Na het herstellen wijkt de database af van het manifest (tabellen: "
            + ", ".join(wrong or ["alembic_version"])
            + ")."
        )
    return manifest


def _sqlite_restore(dump: Path) -> None:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupError("Er is geen SQLite-bestand ingesteld om in te herstellen.")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(path, timeout=30)
    try:
        source.backup(target)  # replaces the whole database in one write transaction
    finally:
        source.close()
        target.close()


def _postgres_restore(dump: Path, dumped_by: int) -> None:
    url = make_url(db.engine.url)
    with db.engine.connect() as conn:
        server = int(conn.scalar(text("SHOW server_version_num")) or 0) // 10000
    db.engine.dispose()
    pg_restore = _pg_tool("pg_restore", max(server, dumped_by))
    uri, env = _libpq(url)
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
        "pg_restore",
    )
