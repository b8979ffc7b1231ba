"""indexes for the registers at ten years: a body's meetings in time order

Revision ID: regs01
Revises: search01
Create Date: 2026-12-02 17:10:00

The action register pages by (meeting date, id) within one body and reads its years from the
first and the last meeting: both walk ``ix_meeting_meeting_type_id_starts_at`` from an end
instead of reading and sorting every action of the body.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "regs01"
down_revision = "search01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_meeting_meeting_type_id_starts_at",
        "meeting",
        ["meeting_type_id", "starts_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_meeting_meeting_type_id_starts_at", table_name="meeting")
