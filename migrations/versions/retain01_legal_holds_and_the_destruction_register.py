"""legal holds (bevriezing) on a meeting's or a topic's records and the destruction register

Revision ID: retain01
Revises: totp01
Create Date: 2026-12-02 04:20:11.044052

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'retain01'
down_revision = 'totp01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('destruction_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('meeting_ref', sa.String(length=60), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('retention_years', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(), nullable=False),
    sa.Column('destroyed_by_id', sa.Integer(), nullable=True),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('minutes_versions', sa.Integer(), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['destroyed_by_id'], ['person.id'], name=op.f('fk_destruction_record_destroyed_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_destruction_record_meeting_id_meeting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_record')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_destruction_record_meeting_id'))
    )
    with op.batch_alter_table('destruction_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_record_destroyed_at'), ['destroyed_at'], unique=False)

    op.create_table('legal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('held_since', sa.Date(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(meeting_id IS NULL) <> (topic_id IS NULL)', name=op.f('ck_legal_hold_meeting_or_topic')),
    sa.CheckConstraint('lifted_at IS NOT NULL OR lift_reason IS NULL', name=op.f('ck_legal_hold_lift_reason')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['person.id'], name=op.f('fk_legal_hold_lifted_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_legal_hold_meeting_id_meeting'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['placed_by_id'], ['person.id'], name=op.f('fk_legal_hold_placed_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_legal_hold_topic_id_topic'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_hold_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_hold_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index('uq_legal_hold_active_meeting', ['meeting_id'], unique=True, sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))
        batch_op.create_index('uq_legal_hold_active_topic', ['topic_id'], unique=True, sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))



def downgrade():
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index('uq_legal_hold_active_topic', sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))
        batch_op.drop_index('uq_legal_hold_active_meeting', sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_legal_hold_topic_id'))
        batch_op.drop_index(batch_op.f('ix_legal_hold_meeting_id'))

    op.drop_table('legal_hold')
    with op.batch_alter_table('destruction_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_record_destroyed_at'))

    op.drop_table('destruction_record')
