"""a topic's history says when cancelling a meeting sent it back to the backlog: the topic
event 'teruggezet'

Revision ID: cancel01
Revises: c41e8d2a7f90
Create Date: 2026-12-02 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cancel01'
down_revision = 'c41e8d2a7f90'
branch_labels = None
depends_on = None

OLD_KINDS = (
    "'aangemaakt', 'status', 'geagendeerd', 'opgeschaald', 'opdracht', 'afgehandeld', "
    "'terugkoppeling', 'gewijzigd'"
)
NEW_KINDS = OLD_KINDS + ", 'teruggezet'"


def upgrade():
    with op.batch_alter_table('topic_event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_topic_event_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_topic_event_kind_valid'), sa.text(f"kind IN ({NEW_KINDS})")
        )


def downgrade():
    op.execute("DELETE FROM topic_event WHERE kind = 'teruggezet'")
    with op.batch_alter_table('topic_event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_topic_event_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_topic_event_kind_valid'), sa.text(f"kind IN ({OLD_KINDS})")
        )
