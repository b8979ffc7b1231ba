"""index for the topic list at ten years: topics by creation, newest first (keyset pages)

Revision ID: topics01
Revises: detail01
Create Date: 2026-12-02 20:10:00

The topic list pages by keyset on (created_at, id), newest first: the database walks this
index from the key and stops after a page of topics the reader may see, instead of sorting
every topic for each page.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'topics01'
down_revision = 'detail01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_topic_created_at', 'topic', ['created_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_topic_created_at', table_name='topic')
