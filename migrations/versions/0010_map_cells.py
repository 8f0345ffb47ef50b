"""The map's counts per grid cell (map_cells), filled from the existing proposals and needs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('map_cells',
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('zoom', sa.SmallInteger(), nullable=False),
    sa.Column('cx', sa.Integer(), nullable=False),
    sa.Column('cy', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('lat_sum', sa.Float(), nullable=False),
    sa.Column('lon_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'zoom', 'cx', 'cy', 'category_id', 'district_id', name=op.f('pk_map_cells'))
    )
    # Count what is there already (the statements of `flask map-cells`, on the tables as
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
        # (id_sum came with 0020, which counts again)
        for statement in clusters.rebuild_statements(
            kind, table.c, table.c.moderation_state == 'visible', id_sum=False
        ):
            bind.execute(statement)


def downgrade():
    op.drop_table('map_cells')
