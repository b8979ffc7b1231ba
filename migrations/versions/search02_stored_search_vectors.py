"""PostgreSQL full-text search on a stored tsvector column per searched table

Revision ID: search02
Revises: myactions01
Create Date: 2026-12-04 21:40:00

The GIN expression indexes of ``search01`` become a stored generated column
``search_vector`` (the same expression) with a GIN index on it: ranking a match reads its
vector instead of making it anew from the text. SQLite (FTS5) is left as it is. Written out
here (a migration does not change when the app's code does); tests/test_search.py checks
that it makes the same objects as ``db.create_all`` does through
``overleg/models/search.py``.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'search02'
down_revision = 'myactions01'
branch_labels = None
depends_on = None

INDEXES = {
    "search_topic": ("topic", ("title", "description")),
    "search_decision": ("decision", ("text",)),
    "search_notes": ("agenda_item", ("notes",)),
}


def _vector(cols):
    if len(cols) == 1:
        return f"to_tsvector('dutch'::regconfig, coalesce({cols[0]}, ''))"
    return " || ".join(
        f"setweight(to_tsvector('dutch'::regconfig, coalesce({c}, '')), '{w}')"
        for c, w in zip(cols, "ABCD")
    )


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, cols) in INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS ix_{name}")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS ({_vector(cols)}) STORED"
        )
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{name} ON {table} USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, cols) in INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS ix_{name}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{name} ON {table} USING gin (({_vector(cols)}))")
