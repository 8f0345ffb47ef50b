"""The inbox's district filter in its default order: an index on work_items (district_id,
first_response_at, created_at, id), so that "district X, without an answer, oldest first"
is one index range in order (SQLite otherwise walks the unanswered-oldest-first index over
every district)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 17:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.create_index('ix_work_items_district_answer_created', ['district_id', 'first_response_at', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_index('ix_work_items_district_answer_created')
