"""Data labels in both languages: councils get an English name where they have one

Categories, workflow statuses, offer types, offices and indicators carry name_de/name_en
already; a council's name is a place name, so its English name is optional.

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-01 16:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_column('name_en')
