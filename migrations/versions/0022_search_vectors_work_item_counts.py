"""Stored search vectors (PostgreSQL) and the figures' counts kept on write (both).

PostgreSQL full-text search on stored vectors: per searchable table a generated column
``search_vector tsvector GENERATED ALWAYS AS (to_tsvector('german', …)) STORED`` with the GIN
index ``ix_<table>_fulltext`` on it, instead of 0005's GIN index on the expression (whose
matches PostgreSQL rechecks by computing ``to_tsvector`` again for every matching row; see
app/core/search.py). SQLite: nothing (its FTS5 tables stay as they are).

Adding a stored generated column rewrites the table once (PostgreSQL computes the vectors
of the existing rows here).

work_item_counts: per dimension (district, office, category), value and status the counts
the back-office figures read (items, answered, on time, answered with a due date, closed
with a closure time, unanswered with a due date), kept by triggers on work_items (upserts of
±1 in the writer's transaction; app.workflow.models.WorkItemCount), filled here from the
existing rows; work_item_days: per district and office the durations (days to the first
response, to closure) counted in day buckets, kept by the same triggers (the percentiles'
probes start in the bucket of their rank).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa

# the trigger and fill statements as the model module writes them (like 0005, which takes the
# stemming from the application)
from app.workflow.models import count_triggers_sql, rebuild_counts_sql


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# (table, text columns), as the domains register them (fixed here, like 0005's list)
SEARCHABLE = (
    ('proposals', ('title', 'description')),
    ('needs', ('title', 'description')),
    ('barrier_reports', ('offer_text', 'text')),
    ('comments', ('body',)),
)


def _tsvector(columns):
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('german'::regconfig, {text})"


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        'work_item_counts',
        sa.Column('dimension', sa.String(length=10), nullable=False),
        sa.Column('key_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status_id', sa.Integer(), autoincrement=False, nullable=False),
        *(
            sa.Column(name, sa.Integer(), server_default='0', nullable=False)
            for name in ('items', 'answered', 'on_time', 'timed', 'closed_timed', 'unanswered_due')
        ),
        sa.PrimaryKeyConstraint('dimension', 'key_id', 'status_id', name=op.f('pk_work_item_counts')),
    )
    op.create_table(
        'work_item_days',
        sa.Column('dimension', sa.String(length=10), nullable=False),
        sa.Column('key_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint(
            'dimension', 'key_id', 'measure', 'day', name=op.f('pk_work_item_days')
        ),
    )
    for statement in rebuild_counts_sql(dialect):
        op.execute(statement)
    for statement in count_triggers_sql(dialect):
        op.execute(statement)
    if dialect != 'postgresql':
        return
    for table, columns in SEARCHABLE:
        op.execute(f'DROP INDEX IF EXISTS ix_{table}_fulltext')
        op.execute(
            f'ALTER TABLE {table} ADD COLUMN search_vector tsvector '
            f'GENERATED ALWAYS AS ({_tsvector(columns)}) STORED'
        )
        op.execute(f'CREATE INDEX ix_{table}_fulltext ON {table} USING gin (search_vector)')


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS work_item_counts_keep ON work_items')
        op.execute('DROP FUNCTION IF EXISTS work_item_counts_keep()')
    else:
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS work_item_counts_{name}')
    op.drop_table('work_item_days')
    op.drop_table('work_item_counts')
    if dialect != 'postgresql':
        return
    for table, columns in SEARCHABLE:
        op.execute(f'DROP INDEX IF EXISTS ix_{table}_fulltext')
        op.execute(f'ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector')
        op.execute(f'CREATE INDEX ix_{table}_fulltext ON {table} USING gin ({_tsvector(columns)})')
