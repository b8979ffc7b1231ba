"""index for the actielijst at ten years: actions by status and when they were closed

Revision ID: actions01
Revises: home01
Create Date: 2026-12-04 19:05:00

A meeting's actielijst shows the actions closed between meetings since the body's previous
meeting; they are found from (status, closed_at) instead of reading every action the body
ever closed (actions.carried_actions).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'actions01'
down_revision = 'home01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_action_item_status_closed', 'action_item', ['status', 'closed_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_action_item_status_closed', table_name='action_item')
