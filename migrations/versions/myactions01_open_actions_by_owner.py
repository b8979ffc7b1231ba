"""indexes for Mijn actiepunten at ten years: open actions by owner person and organisation

Revision ID: myactions01
Revises: actions01
Create Date: 2026-12-04 21:20:00

"Mijn actiepunten" lists the open actions of a person and of their organisation; partial
indexes on the open ones find them without reading every action the owner was ever given
(actions.my_actions).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'myactions01'
down_revision = 'actions01'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_index(
        'ix_action_item_open_owner_person',
        'action_item',
        ['owner_person_id'],
        unique=False,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        'ix_action_item_open_owner_organisation',
        'action_item',
        ['owner_organisation_id'],
        unique=False,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade():
    op.drop_index('ix_action_item_open_owner_organisation', table_name='action_item')
    op.drop_index('ix_action_item_open_owner_person', table_name='action_item')
