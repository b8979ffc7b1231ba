"""Full-text search indexes, per database: SQLite FTS5 tables, PostgreSQL GIN indexes.

Three texts are searched: a topic's title and description, a decision's text and the notes of
an agenda item (the minutes). The models do not describe these objects (they differ per
database); they are created beside the tables:

- **SQLite**: an external-content FTS5 table per text (``search_topic``, ``search_decision``,
  ``search_notes``; the rows stay in the model's table, the FTS table holds only the index),
  tokenizer ``unicode61 remove_diacritics 2`` (FTS5's ``porter`` stemmer is English; this one
  folds case and accents and does not stem: the search adds prefix matching instead), kept in
  step by triggers on insert, update and delete;
- **PostgreSQL**: per text a stored generated column ``search_vector`` of the row's
  ``to_tsvector('dutch', …)`` (Dutch stemming and stop words; a topic's title weighted A,
  its description B, for ``ts_rank``) and a GIN index on it. The search matches and ranks
  on the column (``pg_vector``): ranking a match reads its vector instead of making it anew
  from the text (for the 250 topics of ten years that hold "overlast", 0.25 instead of
  1.75 ms). PostgreSQL keeps the column in step with the text itself.

Both the test schema (``db.create_all``, through the ``after_create`` listeners at the bottom)
and the migrations ``search01`` and ``search02`` (the column) create them; ``tests/test_search.py`` checks that both paths
give the same objects, and Alembic's comparison of models and database skips them
(``include_object``). A later batch migration that copies one of these tables on SQLite drops
its triggers with it: it must call ``create_statements("sqlite")`` again (the test above fails
otherwise).
"""

from __future__ import annotations

from sqlalchemy import DDL, event, literal_column

DUTCH = "dutch"  # PostgreSQL's text search configuration (snowball stemmer, stop words)
TOKENIZER = "unicode61 remove_diacritics 2"

# name: (table, indexed columns)
INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "search_topic": ("topic", ("title", "description")),
    "search_decision": ("decision", ("text",)),
    "search_notes": ("agenda_item", ("notes",)),
}


def _sqlite(name: str, table: str, cols: tuple[str, ...]) -> list[str]:
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    insert = f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({names}, "
        f"content='{table}', content_rowid='id', tokenize='{TOKENIZER}')",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END",
        # index what the table holds already (a migration over a filled database)
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ]


def pg_document(cols: tuple[str, ...], prefix: str = "") -> str:
    """The indexed text of a row as SQL: its columns joined (NULL as empty)."""
    return " || ' ' || ".join(f"coalesce({prefix}{c}, '')" for c in cols)


WEIGHTS = "ABCD"  # the columns' weights in PostgreSQL's ranking: the first counts most


def pg_vector_sql(cols: tuple[str, ...], prefix: str = "") -> str:
    """The indexed tsvector of a row as SQL: each column's words, weighted by its place
    (a topic's title A, its description B), NULL as empty."""
    if len(cols) == 1:
        return f"to_tsvector('{DUTCH}'::regconfig, coalesce({prefix}{cols[0]}, ''))"
    return " || ".join(
        f"setweight(to_tsvector('{DUTCH}'::regconfig, coalesce({prefix}{c}, '')), '{w}')"
        for c, w in zip(cols, WEIGHTS, strict=False)
    )


# PostgreSQL: the stored tsvector of a searched table's row (one searched text per table)
VECTOR_COLUMN = "search_vector"


def _postgresql(name: str, table: str, cols: tuple[str, ...]) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({pg_vector_sql(cols)}) STORED",
        f"CREATE INDEX IF NOT EXISTS ix_{name} ON {table} USING gin ({VECTOR_COLUMN})",
    ]


def create_statements(dialect: str, name: str | None = None) -> list[str]:
    """The DDL that makes the search indexes (all, or one) on this database."""
    out: list[str] = []
    for index, (table, cols) in INDEXES.items():
        if name is not None and index != name:
            continue
        if dialect == "sqlite":
            out += _sqlite(index, table, cols)
        elif dialect == "postgresql":
            out += _postgresql(index, table, cols)
    return out


def drop_statements(dialect: str, name: str | None = None) -> list[str]:
    out: list[str] = []
    for index in INDEXES:
        if name is not None and index != name:
            continue
        if dialect == "sqlite":
            out += [f"DROP TRIGGER IF EXISTS {index}_{t}" for t in ("ai", "ad", "au")]
            out.append(f"DROP TABLE IF EXISTS {index}")
        elif dialect == "postgresql":
            out.append(f"DROP INDEX IF EXISTS ix_{index}")
            out.append(f"ALTER TABLE {INDEXES[index][0]} DROP COLUMN IF EXISTS {VECTOR_COLUMN}")
    return out


def is_search_object(name: str | None, type_: str) -> bool:
    """Is this database object one of the search indexes (or an FTS5 shadow table)?"""
    if not name:
        return False
    if type_ == "table":
        return any(name == n or name.startswith(f"{n}_") for n in INDEXES)
    if type_ == "index":
        return name in {f"ix_{n}" for n in INDEXES}
    if type_ == "column":
        return name == VECTOR_COLUMN
    return False


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the search indexes are not described by the models (nor the stored
    vector, on the searched tables only)."""
    if type_ == "column" and getattr(getattr(obj, "table", None), "name", None) not in {
        table for table, _ in INDEXES.values()
    }:
        return True
    return not (reflected and compare_to is None and is_search_object(name, type_))


def pg_vector(name: str, alias: str | None = None):
    """The tsvector of an index's rows: the stored column of its table (or of ``alias``, an
    alias of that table), which the GIN index holds."""
    table, _ = INDEXES[name]
    return literal_column(f"{alias or table}.{VECTOR_COLUMN}")


def _listen() -> None:
    from sqlalchemy import Table

    from ..extensions import db

    def attach(table: Table, name: str) -> None:
        for dialect in ("sqlite", "postgresql"):
            for stmt in create_statements(dialect, name):
                event.listen(table, "after_create", DDL(stmt).execute_if(dialect=dialect))
            for stmt in drop_statements(dialect, name):
                event.listen(table, "before_drop", DDL(stmt).execute_if(dialect=dialect))

    for name, (table, _cols) in INDEXES.items():
        attach(db.metadata.tables[table], name)


_listen()
