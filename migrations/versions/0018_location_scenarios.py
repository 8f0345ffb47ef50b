"""Location scenarios for the advisory board (app/locations): scenarios with weighted criteria,
the board's decision linked to a measure, read-only share links (token digests, expiry,
revocation) and the log of their openings

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 18:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('location_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('programme', sa.Text(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision_text', sa.Text(), nullable=False),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_district_id', sa.Integer(), nullable=True),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_location_scenarios_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_location_scenarios_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_district_id'], ['districts.id'], name=op.f('fk_location_scenarios_decided_district_id_districts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_location_scenarios_measure_id_measures'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_location_scenarios_office_id_offices'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_scenarios'))
    )
    with op.batch_alter_table('location_scenarios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_scenarios_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_scenarios_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_scenarios_office_id'), ['office_id'], unique=False)

    op.create_table('location_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('direction', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['location_scenarios.id'], name=op.f('fk_location_criteria_scenario_id_location_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_criteria'))
    )
    with op.batch_alter_table('location_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_criteria_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('location_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_location_shares_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_location_shares_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scenario_id'], ['location_scenarios.id'], name=op.f('fk_location_shares_scenario_id_location_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_shares')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_location_shares_token_digest'))
    )
    with op.batch_alter_table('location_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_shares_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('location_share_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['location_shares.id'], name=op.f('fk_location_share_openings_share_id_location_shares'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_share_openings'))
    )
    with op.batch_alter_table('location_share_openings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_share_openings_share_id'), ['share_id'], unique=False)



def downgrade():
    with op.batch_alter_table('location_share_openings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_share_openings_share_id'))

    op.drop_table('location_share_openings')
    with op.batch_alter_table('location_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_shares_scenario_id'))

    op.drop_table('location_shares')
    with op.batch_alter_table('location_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_criteria_scenario_id'))

    op.drop_table('location_criteria')
    with op.batch_alter_table('location_scenarios', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_scenarios_office_id'))
        batch_op.drop_index(batch_op.f('ix_location_scenarios_measure_id'))
        batch_op.drop_index(batch_op.f('ix_location_scenarios_created_by_id'))

    op.drop_table('location_scenarios')
