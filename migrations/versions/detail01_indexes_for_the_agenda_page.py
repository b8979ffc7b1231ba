"""indexes for the agenda page at ten years: escalations by the item they came from or report back to

Revision ID: detail01
Revises: lists01
Create Date: 2026-12-02 17:25:00

The agenda page finds the escalations in and out of its items (by target, origin or feedback
item: with all three indexed SQLite answers the OR from the indexes, not by a scan of every
escalation). Its verslag item's previous meeting of the body (the latest before it) walks
lists01's ``ix_meeting_type_starts``.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'detail01'
down_revision = 'lists01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_origin_item_id'), ['origin_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_feedback_item_id'), ['feedback_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_feedback_item_id'))
        batch_op.drop_index(batch_op.f('ix_escalation_origin_item_id'))
