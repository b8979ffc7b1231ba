"""vacant seats of a meeting and its acting chair (waarnemend voorzitter)

Revision ID: lifecycle01
Revises: werkvoorraad01
Create Date: 2026-12-02 01:26:02.512381

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lifecycle01'
down_revision = 'jaarplan03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vacant_seat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("part IN ('chair', 'member', 'advisor', 'secretary')", name=op.f('ck_vacant_seat_vacant_part_valid')),
    sa.ForeignKeyConstraint(['holder_id'], ['person.id'], name=op.f('fk_vacant_seat_holder_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_vacant_seat_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['role.id'], name=op.f('fk_vacant_seat_role_id_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacant_seat')),
    sa.UniqueConstraint('meeting_id', 'role_id', name=op.f('uq_vacant_seat_meeting_id_role_id'))
    )
    with op.batch_alter_table('vacant_seat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacant_seat_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acting_chair_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_acting_chair_id_person'), 'person', ['acting_chair_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_acting_chair_id_person'), type_='foreignkey')
        batch_op.drop_column('acting_chair_id')

    with op.batch_alter_table('vacant_seat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacant_seat_meeting_id'))

    op.drop_table('vacant_seat')
