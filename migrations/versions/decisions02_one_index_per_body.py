"""the decision table's index on meeting_type_id alone dropped: the unique (meeting_type_id, year, number) serves a body's decisions

Revision ID: decisions02
Revises: search02
Create Date: 2026-12-04 21:45:00

With both, PostgreSQL read all of a body's decisions through the single-column index to find
one year's (the decision register's topics filter); with only the composite one it reads the
year's.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'decisions02'
down_revision = 'search02'
branch_labels = None
depends_on = None


# plain index statements, no batch: a batch copy of the table on SQLite would drop its
# full-text triggers (overleg/models/search.py)
def upgrade():
    op.drop_index('ix_decision_meeting_type_id', table_name='decision')


def downgrade():
    op.create_index('ix_decision_meeting_type_id', 'decision', ['meeting_type_id'], unique=False)
