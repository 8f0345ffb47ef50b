"""Frozen comparison groups of the effect monitoring of measures (app/measures/effects)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('measure_effect_comparisons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('district_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_measure_effect_comparisons_edited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_measure_effect_comparisons_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_effect_comparisons_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_effect_comparisons')),
    sa.UniqueConstraint('measure_id', 'indicator_id', name='uq_measure_effect_comparison')
    )
    with op.batch_alter_table('measure_effect_comparisons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_effect_comparisons_measure_id'), ['measure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('measure_effect_comparisons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_effect_comparisons_measure_id'))
    op.drop_table('measure_effect_comparisons')
