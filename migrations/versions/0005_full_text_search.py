"""Full-text search: GIN indexes (PostgreSQL) or FTS5 tables (SQLite) per searchable type

PostgreSQL: one expression GIN index per table on exactly the expression the search service
queries (app.core.search.Searchable.tsvector):
``to_tsvector('german', coalesce(a, '') || ' ' || coalesce(b, ''))``.

SQLite: one FTS5 table ``search_<type>`` per type (rowid = the item's id) holding the stemmed
words, filled here from the existing rows; the application keeps it in sync from then on
(ORM events; ``flask search reindex`` rebuilds it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (type key, table, text columns), as the domains register them
SEARCHABLE = (
    ('proposal', 'proposals', ('title', 'description')),
    ('need', 'needs', ('title', 'description')),
    ('barrier', 'barrier_reports', ('offer_text', 'text')),
    ('comment', 'comments', ('body',)),
)


def _tsvector(columns):
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('german'::regconfig, {text})"


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        for _key, table, columns in SEARCHABLE:
            op.execute(
                f'CREATE INDEX ix_{table}_fulltext ON {table} USING gin ({_tsvector(columns)})'
            )
        return
    if connection.dialect.name != 'sqlite':
        return
    from app.core.search import lexemes  # the same stemming as the application's

    for key, table, columns in SEARCHABLE:
        op.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_{key} "
            "USING fts5(body, tokenize = 'unicode61 remove_diacritics 0')"
        )
        source = sa.table(table, sa.column('id'), *(sa.column(c) for c in columns))
        fts = sa.table(f'search_{key}', sa.column('rowid'), sa.column('body'))
        rows = [
            {'rowid': row[0], 'body': ' '.join(lexemes(' '.join(v or '' for v in row[1:])))}
            for row in connection.execute(sa.select(*source.c))
        ]
        if rows:
            connection.execute(fts.insert(), rows)


def downgrade():
    connection = op.get_bind()
    for key, table, _columns in SEARCHABLE:
        if connection.dialect.name == 'postgresql':
            op.execute(f'DROP INDEX IF EXISTS ix_{table}_fulltext')
        elif connection.dialect.name == 'sqlite':
            op.execute(f'DROP TABLE IF EXISTS search_{key}')
