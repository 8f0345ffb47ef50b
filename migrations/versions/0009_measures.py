"""Measures (Maßnahmen): statuses as data (seeded), measures with offices, districts,
places, milestones, target indicators, linked inputs and their immutable history

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# The statuses as in app/measures/models.py SEEDED_STATUSES (copied: a migration never imports
# the app): key, German name, English name, default progress, position.
STATUSES = (
    ('idea', 'Idee', 'Idea', 0, 10),
    ('planned', 'Geplant', 'Planned', 10, 20),
    ('decided', 'Beschlossen', 'Decided', 25, 30),
    ('in_implementation', 'In Umsetzung', 'In implementation', 50, 40),
    ('done', 'Abgeschlossen', 'Done', 100, 50),
    ('stopped', 'Gestoppt', 'Stopped', None, 60),
)

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('measure_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name_de', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('default_progress', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_statuses')),
    sa.UniqueConstraint('key', name=op.f('uq_measure_statuses_key'))
    )
    statuses_t = sa.table(
        'measure_statuses',
        sa.column('key', sa.String),
        sa.column('name_de', sa.String),
        sa.column('name_en', sa.String),
        sa.column('default_progress', sa.Integer),
        sa.column('position', sa.Integer),
    )
    op.bulk_insert(
        statuses_t,
        [
            {'key': key, 'name_de': de, 'name_en': en, 'default_progress': progress, 'position': position}
            for key, de, en, progress, position in STATUSES
        ],
    )
    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description_de', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('city_wide', sa.Boolean(), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('actual_start', sa.Date(), nullable=True),
    sa.Column('actual_end', sa.Date(), nullable=True),
    sa.Column('budget_planned', sa.Float(), nullable=True),
    sa.Column('budget_spent', sa.Float(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('qualitative_assessment', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_measures_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['measures.id'], name=op.f('fk_measures_parent_id_measures'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['status_id'], ['measure_statuses.id'], name=op.f('fk_measures_status_id_measure_statuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    sa.UniqueConstraint('external_id', name=op.f('uq_measures_external_id'))
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_status_id'), ['status_id'], unique=False)
        batch_op.create_index('ix_measures_status_updated', ['status_id', 'updated_at'], unique=False)

    op.create_table('measure_districts',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_measure_districts_district_id_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_districts_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'district_id', name=op.f('pk_measure_districts'))
    )
    with op.batch_alter_table('measure_districts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_districts_district_id'), ['district_id'], unique=False)

    op.create_table('measure_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_measure_history_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_history_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_history'))
    )
    with op.batch_alter_table('measure_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_history_measure_id'), ['measure_id'], unique=False)

    op.create_table('measure_indicators',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_measure_indicators_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_indicators_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'indicator_id', name=op.f('pk_measure_indicators'))
    )
    with op.batch_alter_table('measure_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_indicators_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('measure_inputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('input_type', sa.String(length=40), nullable=False),
    sa.Column('input_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_measure_inputs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_inputs_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_inputs')),
    sa.UniqueConstraint('measure_id', 'input_type', 'input_id', name='uq_measure_input')
    )
    with op.batch_alter_table('measure_inputs', schema=None) as batch_op:
        batch_op.create_index('ix_measure_inputs_input', ['input_type', 'input_id'], unique=False)

    op.create_table('measure_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_milestones_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_milestones'))
    )
    with op.batch_alter_table('measure_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_milestones_measure_id'), ['measure_id'], unique=False)

    op.create_table('measure_offices',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_offices_measure_id_measures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_measure_offices_office_id_offices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'office_id', name=op.f('pk_measure_offices'))
    )
    with op.batch_alter_table('measure_offices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_offices_office_id'), ['office_id'], unique=False)

    op.create_table('measure_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_measure_places_district_id_districts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_places_measure_id_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_places'))
    )
    with op.batch_alter_table('measure_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_places_measure_id'), ['measure_id'], unique=False)



def downgrade():
    with op.batch_alter_table('measure_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_places_measure_id'))

    op.drop_table('measure_places')
    with op.batch_alter_table('measure_offices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_offices_office_id'))

    op.drop_table('measure_offices')
    with op.batch_alter_table('measure_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_milestones_measure_id'))

    op.drop_table('measure_milestones')
    with op.batch_alter_table('measure_inputs', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_inputs_input')

    op.drop_table('measure_inputs')
    with op.batch_alter_table('measure_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_indicators_indicator_id'))

    op.drop_table('measure_indicators')
    with op.batch_alter_table('measure_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_history_measure_id'))

    op.drop_table('measure_history')
    with op.batch_alter_table('measure_districts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_districts_district_id'))

    op.drop_table('measure_districts')
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index('ix_measures_status_updated')
        batch_op.drop_index(batch_op.f('ix_measures_status_id'))
        batch_op.drop_index(batch_op.f('ix_measures_parent_id'))

    op.drop_table('measures')
    op.drop_table('measure_statuses')
