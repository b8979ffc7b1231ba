"""full-text search indexes: SQLite FTS5 tables with triggers, PostgreSQL GIN indexes; the Logboek's (event, at, id) index

Revision ID: search01
Revises: retain01
Create Date: 2026-12-02 04:10:00

The statements are written out here (a migration does not change when the app's code does);
tests/test_search.py checks that they make the same objects as ``db.create_all`` does through
``overleg/models/search.py``.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'search01'
down_revision = 'retain01'
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"
INDEXES = {
    "search_topic": ("topic", ("title", "description")),
    "search_decision": ("decision", ("text",)),
    "search_notes": ("agenda_item", ("notes",)),
}


def _sqlite(name, table, cols):
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
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ]


def _postgresql(name, table, cols):
    if len(cols) == 1:
        vector = f"to_tsvector('dutch'::regconfig, coalesce({cols[0]}, ''))"
    else:
        vector = " || ".join(
            f"setweight(to_tsvector('dutch'::regconfig, coalesce({c}, '')), '{w}')"
            for c, w in zip(cols, "ABCD")
        )
    return [f"CREATE INDEX IF NOT EXISTS ix_{name} ON {table} USING gin (({vector}))"]


def upgrade():
    # the Logboek's keyset pages per event (overleg/models/audit.py)
    op.create_index('ix_audit_event_event_at_id', 'audit_event', ['event', 'at', 'id'], unique=False)
    dialect = op.get_bind().dialect.name
    for name, (table, cols) in INDEXES.items():
        if dialect == "sqlite":
            statements = _sqlite(name, table, cols)
        elif dialect == "postgresql":
            statements = _postgresql(name, table, cols)
        else:
            statements = []
        for statement in statements:
            op.execute(statement)


def downgrade():
    op.drop_index('ix_audit_event_event_at_id', table_name='audit_event')
    dialect = op.get_bind().dialect.name
    for name in INDEXES:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {name}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{name}")
