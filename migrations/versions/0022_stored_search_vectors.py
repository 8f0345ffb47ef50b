"""PostgreSQL full-text search on stored vectors: per searchable table a generated column
``search_vector tsvector GENERATED ALWAYS AS (to_tsvector('german', …)) STORED`` with the GIN
index ``ix_<table>_fulltext`` on it, instead of 0005's GIN index on the expression (whose
matches PostgreSQL rechecks by computing ``to_tsvector`` again for every matching row; see
app/core/search.py). SQLite: nothing (its FTS5 tables stay as they are).

Adding a stored generated column rewrites the table once (PostgreSQL computes the vectors
of the existing rows here).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 22:30:00

"""
from alembic import op


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
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in SEARCHABLE:
        op.execute(f'DROP INDEX IF EXISTS ix_{table}_fulltext')
        op.execute(
            f'ALTER TABLE {table} ADD COLUMN search_vector tsvector '
            f'GENERATED ALWAYS AS ({_tsvector(columns)}) STORED'
        )
        op.execute(f'CREATE INDEX ix_{table}_fulltext ON {table} USING gin (search_vector)')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in SEARCHABLE:
        op.execute(f'DROP INDEX IF EXISTS ix_{table}_fulltext')
        op.execute(f'ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector')
        op.execute(f'CREATE INDEX ix_{table}_fulltext ON {table} USING gin ({_tsvector(columns)})')
