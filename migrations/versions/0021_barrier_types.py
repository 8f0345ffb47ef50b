"""Barrier types as data: a table barrier_types (code, German and English name, order,
offered), seeded from the codes the reports already store, with the labels they had

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0019'  # main's head when merged (0017 → 0018 → 0020 → 0019)
branch_labels = None
depends_on = None

# The labels as the German and English catalogues had them (fixed here: later changes of the
# model's seed list must not change what this revision wrote).
SEED = (
    ('transport', 'Keine oder schlechte Verbindung mit Bus und Bahn', 'No or poor public transport connection', 10),
    ('travel_cost', 'Fahrtkosten', 'Cost of travel', 20),
    ('escort', 'Braucht Begleitung', 'Needs an escort', 30),
    ('physical', 'Nicht barrierefrei erreichbar', 'Physical accessibility', 40),
    ('times_childcare', 'Öffnungszeiten oder Kinderbetreuung', 'Opening times or childcare', 50),
    ('language_information', 'Sprache oder Information', 'Language or information', 60),
    ('offer_cost', 'Kosten des Angebots', 'Cost of the offer itself', 70),
    ('other', 'Andere Barriere', 'Other barrier', 80),
)


def upgrade():
    table = op.create_table('barrier_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name_de', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barrier_types')),
    sa.UniqueConstraint('code', name=op.f('uq_barrier_types_code'))
    )
    rows = [
        {'code': code, 'name_de': de, 'name_en': en, 'position': position, 'active': True}
        for code, de, en, position in SEED
    ]
    op.bulk_insert(table, rows)


def downgrade():
    op.drop_table('barrier_types')
