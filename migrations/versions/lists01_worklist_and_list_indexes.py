"""indexes for the werkvoorraad and the lists: proposals to answer (partial), escalations by status, open actions by due date, meetings by end time and per body by start, cancelled meetings (partial)

Revision ID: lists01
Revises: search01
Create Date: 2026-12-02 17:20:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lists01'
down_revision = 'search01'
branch_labels = None
depends_on = None


def upgrade():
    proposed = sa.text("proposal_status = 'voorgesteld'")
    op.create_index(
        'ix_agenda_item_proposed', 'agenda_item', ['created_at', 'id'], unique=False,
        sqlite_where=proposed, postgresql_where=proposed,
    )
    op.create_index(
        'ix_escalation_status_feedback', 'escalation', ['status', 'feedback_item_id'], unique=False
    )
    op.create_index('ix_action_item_status_due', 'action_item', ['status', 'due_date'], unique=False)
    op.create_index('ix_meeting_ends_at', 'meeting', ['ends_at'], unique=False)
    op.create_index(
        'ix_meeting_type_starts', 'meeting', ['meeting_type_id', 'starts_at'], unique=False
    )
    cancelled = sa.text("status = 'geannuleerd'")
    op.create_index(
        'ix_meeting_cancelled', 'meeting', ['starts_at'], unique=False,
        sqlite_where=cancelled, postgresql_where=cancelled,
    )


def downgrade():
    op.drop_index('ix_meeting_cancelled', table_name='meeting')
    op.drop_index('ix_meeting_type_starts', table_name='meeting')
    op.drop_index('ix_meeting_ends_at', table_name='meeting')
    op.drop_index('ix_action_item_status_due', table_name='action_item')
    op.drop_index('ix_escalation_status_feedback', table_name='escalation')
    op.drop_index('ix_agenda_item_proposed', table_name='agenda_item')
