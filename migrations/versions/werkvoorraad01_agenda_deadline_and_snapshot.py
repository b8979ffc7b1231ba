"""agenda deadline per meeting type; snapshot of the agenda as last told to participants

Revision ID: werkvoorraad01
Revises: c41e8d2a7f90
Create Date: 2026-12-02 01:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "werkvoorraad01"
down_revision = "cancel01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting_type", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agenda_deadline_days", sa.Integer(), server_default="5", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_meeting_type_agenda_deadline"),
            "agenda_deadline_days >= 0 AND agenda_deadline_days <= 60",
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_snapshot", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("agenda_snapshot")
    with op.batch_alter_table("meeting_type", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_meeting_type_agenda_deadline"), type_="check")
        batch_op.drop_column("agenda_deadline_days")
