"""The map's cells name their single item: map_cells.id_sum (the sum of the items' ids),
counted again from the proposals and needs

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-01 19:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('map_cells') as batch:
        batch.add_column(sa.Column('id_sum', sa.BigInteger(), nullable=False, server_default='0'))
    # Count again, now with the ids (the statements of `flask map-cells`, on the tables as
    # they are at this revision).
    from app.core import clusters

    bind = op.get_bind()
    meta = sa.MetaData()
    for name, kind in (('proposals', 'proposal'), ('needs', 'need')):
        table = sa.Table(
            name, meta,
            sa.Column('id', sa.Integer, primary_key=True),
            sa.Column('lat', sa.Float), sa.Column('lon', sa.Float),
            sa.Column('category_id', sa.Integer), sa.Column('district_id', sa.Integer),
            sa.Column('moderation_state', sa.String(20)),
        )
        bind.execute(sa.text('DELETE FROM map_cells WHERE kind = :kind'), {'kind': kind})
        for statement in clusters.rebuild_statements(
            kind, table.c, table.c.moderation_state == 'visible'
        ):
            bind.execute(statement)


def downgrade():
    with op.batch_alter_table('map_cells') as batch:
        batch.drop_column('id_sum')
