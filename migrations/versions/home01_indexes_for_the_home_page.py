"""indexes for the home page at ten years: meetings by status and end time, open minutes

Revision ID: home01
Revises: topics01
Create Date: 2026-12-03 14:20:00

The next meetings on the home page (not cancelled, not yet ended) and the held meetings
without minutes in the werkvoorraad are found from (status, ends_at) instead of walking every
meeting from the first by its start; the minutes not yet approved, a few among ten years of
approved ones, from a partial index.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'home01'
down_revision = 'topics01'
branch_labels = None
depends_on = None

OPEN = "status IN ('concept', 'ter_vaststelling')"


def upgrade():
    op.create_index('ix_meeting_status_ends', 'meeting', ['status', 'ends_at'], unique=False)
    op.create_index(
        'ix_minutes_open',
        'minutes',
        ['meeting_id'],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('ix_minutes_open', table_name='minutes')
    op.drop_index('ix_meeting_status_ends', table_name='meeting')
