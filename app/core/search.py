"""Full-text search over the titles and texts of registered types: one service, two engines.

Each domain registers its searchable types from its ``init_app`` (in its ``integration``
module)::

    search.register("proposal", Proposal, ("title", "description"))

and callers ask for the matching ids as a SELECT to put inside their own statement, so that
their filters, visibility rules and cursor pages stay ONE SQL statement::

    select(Proposal.id, ...).where(Proposal.id.in_(search.matching_ids("proposal", q)), ...)

The service finds ids only: who may see which item (a barrier report's private text, a hidden
comment) stays the caller's business.

**Queries.** The query is cut to :data:`MAX_QUERY_CHARS`, split into words (runs of Unicode
letters and digits; everything else separates words, so no raw syntax ever reaches an engine),
at most :data:`MAX_WORDS` words of at most :data:`MAX_WORD_CHARS` characters. An item matches
when it contains ALL words (after stemming); the last word also matches as a prefix
("Spielpl" finds "Spielplatz"). German stop words ("und", "die", ...) are dropped. A blank or
punctuation-only query is no filter: :func:`has_words` is false and :func:`matching_ids` gives
all ids. A query of stop words only matches nothing.

**PostgreSQL.** A stored generated column :data:`VECTOR_COLUMN` per table,
``tsvector GENERATED ALWAYS AS (to_tsvector('german', coalesce(col1, '') || ' ' ||
coalesce(col2, ''))) STORED``, with a GIN index on it (``ix_<table>_fulltext``; both created
with the schema by DDL here and by ``migrations/versions/0022_stored_search_vectors.py``; until
0022 the index was on the expression itself, 0005). The query is ``search_vector @@
to_tsquery('german', 'word1 & word2:*')`` built from the sanitised words. The database keeps
the column on every INSERT and UPDATE; nothing is kept in sync by the application. The column
is not part of the models (no ORM load reads it; :func:`include_name` leaves it and its index
out of Alembic's comparison).

Why stored: a GIN match of a ``tsquery`` is always rechecked on the row, and with an
expression index the recheck computes ``to_tsvector`` again for every matching row. At
200,000 proposals (bench/inbox_bench.py, EXPLAIN ANALYZE on the loaded bench machine) a common
word ("Spielplätze", 39,667 matches) spent 90–160 ms per pass in that recheck, the inbox's
default order made two passes (one per half), and the statement took 520 ms; with the stored
column the recheck reads the vector, and :func:`row_matches` lets a caller check only its
candidates (the same statement: 64 ms).

**SQLite.** One FTS5 table ``search_<type>`` per type (rowid = the item's id, one column
``body``) holding the item's words stemmed by the Snowball German stemmer in Python (the same
algorithm and stop words as PostgreSQL's ``german`` configuration). SQL triggers cannot stem,
so the rows are written from the ORM's ``after_flush`` event (insert, change of a text column,
delete); bulk statements bypass it, so whoever writes in bulk calls :func:`reindex` (``flask
search reindex``). The FTS tables are created with the schema (``db.create_all()`` and the
migration) and are not part of the models' metadata (:func:`include_name` leaves them out of
Alembic's comparison).

**Where the engines differ.** PostgreSQL's parser knows e-mail addresses, URLs, host names
and decimal numbers as one token ("example.org", "3.5") and indexes hyphenated words also as a
whole ("kinder-spielplatz"); here those are split into their words on both sides, so a search
finds them on both engines, but PostgreSQL also matches the whole token. Text is normalised to
NFC before indexing only on SQLite. Ranking: ``ts_rank`` on PostgreSQL, BM25 on SQLite (same
direction, different numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from sqlalchemy import (
    DDL,
    Float,
    Integer,
    Text,
    bindparam,
    column,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from ..extensions import db
from .search_stopwords import GERMAN_STOP_WORDS

MAX_QUERY_CHARS = 200
MAX_WORDS = 10
MAX_WORD_CHARS = 60
FTS_PREFIX = "search_"
VECTOR_COLUMN = "search_vector"  # PostgreSQL: the stored tsvector of each searchable table
REINDEX_BATCH = 1000

_WORD = re.compile(r"[^\W_]+")
_CONFIG = literal_column("'german'::regconfig")


@dataclass(frozen=True)
class Searchable:
    """A registered type: its key, model, id column name and text column names."""

    key: str
    model: type
    columns: tuple[str, ...]
    id_column: str = "id"

    @property
    def fts_name(self) -> str:
        return f"{FTS_PREFIX}{self.key}"

    @property
    def fts(self):
        return table(
            self.fts_name, column("rowid", Integer), column("body", Text), column("rank", Float)
        )

    @property
    def id(self):
        return getattr(self.model, self.id_column)

    @property
    def table_name(self) -> str:
        return self.model.__table__.name

    @property
    def vector(self):
        """PostgreSQL: the stored ``tsvector`` column (not mapped: written as SQL text,
        qualified by the model's table, which the id column brings into the FROM)."""
        return literal_column(f"{self.table_name}.{VECTOR_COLUMN}")

    def document(self, obj) -> str:
        """SQLite: the stemmed words of ``obj``'s text columns."""
        return " ".join(lexemes(" ".join(getattr(obj, name) or "" for name in self.columns)))


_registry: dict[str, Searchable] = {}


def vector_expression_sql(columns: Iterable[str]) -> str:
    """PostgreSQL: the generated column's expression (the migration writes the same)."""
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('german'::regconfig, {text})"


def create_vector_sql(table_name: str, columns: Iterable[str]) -> list[str]:
    """PostgreSQL: the stored vector column and its GIN index (the migration runs the same
    statements)."""
    return [
        f"ALTER TABLE {table_name} ADD COLUMN {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({vector_expression_sql(columns)}) STORED",
        f"CREATE INDEX {index_name(table_name)} ON {table_name} USING gin ({VECTOR_COLUMN})",
    ]


def register(key: str, model: type, columns: Iterable[str], *, id_column: str = "id") -> None:
    """Make ``model``'s text ``columns`` searchable as ``key`` (idempotent, so that several
    apps in one process can register): declares the creation with the schema of the
    PostgreSQL vector column with its GIN index and of the SQLite FTS table."""
    entry = Searchable(key, model, tuple(columns), id_column)
    if key in _registry:
        if _registry[key] != entry:
            raise ValueError(f"search type {key!r} is already registered differently")
        return
    _registry[key] = entry
    tbl = model.__table__
    for statement in create_vector_sql(tbl.name, entry.columns):
        event.listen(tbl, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    event.listen(
        tbl, "after_create", DDL(create_fts_sql(entry.fts_name)).execute_if(dialect="sqlite")
    )
    event.listen(tbl, "after_drop", DDL(drop_fts_sql(entry.fts_name)).execute_if(dialect="sqlite"))


def index_name(table_name: str) -> str:
    return f"ix_{table_name}_fulltext"


def create_fts_sql(name: str) -> str:
    """The SQLite FTS5 table (the migration writes the same statement)."""
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} "
        "USING fts5(body, tokenize = 'unicode61 remove_diacritics 0')"
    )


def drop_fts_sql(name: str) -> str:
    return f"DROP TABLE IF EXISTS {name}"


def registered() -> dict[str, Searchable]:
    return dict(_registry)


def include_name(name, type_, parent_names) -> bool:
    """Alembic's ``include_name``: the FTS tables (and FTS5's shadow tables), the PostgreSQL
    vector columns and their GIN indexes are the search service's, not the models'."""
    if type_ == "table":
        return not (name and name.startswith(FTS_PREFIX))
    tables = {entry.table_name for entry in _registry.values()}
    if parent_names.get("table_name") not in tables:
        return True
    if type_ == "column":
        return name != VECTOR_COLUMN
    if type_ == "index":
        return name != index_name(parent_names["table_name"])
    return True


# --- words ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("german")


def words(query: str) -> list[str]:
    """The query's words, lower case, stop words left out, within the limits."""
    query = unicodedata.normalize("NFC", (query or "")[:MAX_QUERY_CHARS]).lower()
    found = [w[:MAX_WORD_CHARS] for w in _WORD.findall(query)]
    return [w for w in found if w not in GERMAN_STOP_WORDS][:MAX_WORDS]


def has_words(query: str | None) -> bool:
    """Whether ``query`` filters at all (it has a letter or digit)."""
    return bool(query and _WORD.search(query[:MAX_QUERY_CHARS]))


def _stem(word: str) -> str:
    # PostgreSQL's german configuration leaves words with digits unstemmed (``numword``).
    if any(c.isdigit() for c in word):
        return word
    return _stemmer().stemWord(word)


def lexemes(text: str) -> list[str]:
    """SQLite: the stemmed words of a text (as PostgreSQL's ``to_tsvector('german', …)``
    would make them for the words of our cases)."""
    text = unicodedata.normalize("NFC", text or "").lower()
    return [_stem(w) for w in _WORD.findall(text) if w not in GERMAN_STOP_WORDS]


def _fts_query(query_words: list[str]) -> str:
    """FTS5 MATCH text: every stem quoted (no FTS5 syntax survives), the last one a prefix."""
    stems = [_stem(w) for w in query_words]
    return (
        " ".join(f'"{s}"' for s in stems[:-1])
        + (" " if len(stems) > 1 else "")
        + (f'"{stems[-1]}"*')
    )


def _ts_query(query_words: list[str]) -> str:
    """PostgreSQL ``to_tsquery`` text: letters and digits only, joined by ``&``, the last
    word a prefix."""
    return " & ".join(query_words[:-1] + [f"{query_words[-1]}:*"])


# --- the API ----------------------------------------------------------------------------------


def _entry(type_key: str) -> Searchable:
    try:
        return _registry[type_key]
    except KeyError:
        raise ValueError(f"unknown search type {type_key!r}") from None


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def matching_ids(type_key: str, query: str | None) -> Select:
    """A SELECT of the ids of ``type_key`` whose text matches ``query`` (for ``WHERE id IN
    (…)``). A blank query selects all ids; stop words only select none."""
    return _select(_entry(type_key), query, scored=False)


def ranked(type_key: str, query: str | None) -> Select:
    """A SELECT of ``id`` and ``score`` (higher is better) of the matches, e.g. to join and
    order by; a blank query: every id with score 0."""
    return _select(_entry(type_key), query, scored=True)


def _select(entry: Searchable, query: str | None, *, scored: bool) -> Select:
    zero = literal_column("0", Float).label("score")
    if not has_words(query):
        return select(entry.id.label("id"), *([zero] if scored else []))
    found = words(query or "")
    if not found:
        return select(entry.id.label("id"), *([zero] if scored else [])).where(false())
    if _dialect() == "postgresql":
        tsquery = func.to_tsquery(_CONFIG, bindparam("q", _ts_query(found), unique=True))
        vector = entry.vector
        score = func.ts_rank(vector, tsquery).label("score")
        return select(entry.id.label("id"), *([score] if scored else [])).where(
            vector.op("@@")(tsquery)
        )
    fts = entry.fts
    score = (literal_column("0", Float) - fts.c.rank).label("score")
    return select(fts.c.rowid.label("id"), *([score] if scored else [])).where(
        fts.c.body.op("MATCH")(bindparam("q", _fts_query(found), unique=True))
    )


def row_matches(type_key: str, id_column, query: str | None):
    """A criterion: the item ``id_column`` names matches ``query``, checked per row.

    PostgreSQL: ``EXISTS (SELECT 1 FROM <table> WHERE id = id_column AND search_vector @@
    …)``: one primary-key probe and a test of the stored vector per candidate row, for a
    caller that walks few candidates of many matches (the inbox's first page of a common
    word: its other filters' index in the page's order, stopping when the page is full),
    instead of collecting every match from the GIN index first. SQLite: the same as
    :func:`condition` (FTS5 answers MATCH for the whole table). ``None`` for a blank query."""
    if not has_words(query):
        return None
    entry = _entry(type_key)
    if _dialect() != "postgresql":
        return id_column.in_(matching_ids(type_key, query))
    found = words(query or "")
    if not found:
        return false()
    tsquery = func.to_tsquery(_CONFIG, bindparam("q", _ts_query(found), unique=True))
    return (
        select(literal_column("1"))
        .select_from(entry.model.__table__)
        .where(entry.id == id_column, entry.vector.op("@@")(tsquery))
        .exists()
    )


def condition(type_key: str, id_column, query: str | None):
    """``id_column IN (matching ids)``, or ``None`` for a blank query (no filter)."""
    if not has_words(query):
        return None
    return id_column.in_(matching_ids(type_key, query))


# --- SQLite: keeping the FTS tables in sync ---------------------------------------------------


def _entry_for(obj) -> Searchable | None:
    for cls in type(obj).__mro__:
        for entry in _registry.values():
            if entry.model is cls:
                return entry
    return None


def _text_changed(obj, entry: Searchable) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in entry.columns)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if not _registry or not (session.new or session.dirty or session.deleted):
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL: the expression indexes are all
    writes: dict[Searchable, dict[int, str | None]] = {}
    for obj in session.new:
        entry = _entry_for(obj)
        if entry is not None:
            writes.setdefault(entry, {})[getattr(obj, entry.id_column)] = entry.document(obj)
    for obj in session.dirty:
        entry = _entry_for(obj)
        if entry is not None and _text_changed(obj, entry):
            writes.setdefault(entry, {})[getattr(obj, entry.id_column)] = entry.document(obj)
    for obj in session.deleted:
        entry = _entry_for(obj)
        if entry is not None:
            writes.setdefault(entry, {})[getattr(obj, entry.id_column)] = None
    for entry, rows in writes.items():
        _write(connection, entry, rows)


def _write(connection, entry: Searchable, rows: dict[int, str | None]) -> None:
    fts = entry.fts
    ids = list(rows)
    for start in range(0, len(ids), REINDEX_BATCH):
        connection.execute(delete(fts).where(fts.c.rowid.in_(ids[start : start + REINDEX_BATCH])))
    values = [{"rowid": i, "body": body} for i, body in rows.items() if body is not None]
    if values:
        connection.execute(insert(fts), values)


def reindex(type_keys: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the SQLite FTS tables from the models' rows (after bulk writes); returns the
    rows indexed per type. PostgreSQL: nothing to do (the database keeps its indexes)."""
    keys = list(type_keys) if type_keys is not None else sorted(_registry)
    if _dialect() != "sqlite":
        return {}
    connection = db.session.connection()
    counts = {}
    for key in keys:
        entry = _entry(key)
        connection.exec_driver_sql(create_fts_sql(entry.fts_name))
        connection.execute(delete(entry.fts))
        counts[key] = 0
        columns = [getattr(entry.model, c) for c in entry.columns]
        last = None
        while True:  # keyset batches: no open cursor while writing
            query = select(entry.id, *columns).order_by(entry.id).limit(REINDEX_BATCH)
            if last is not None:
                query = query.where(entry.id > last)
            rows = db.session.execute(query).all()
            if not rows:
                break
            batch = {row[0]: " ".join(lexemes(" ".join(v or "" for v in row[1:]))) for row in rows}
            _write(connection, entry, batch)
            counts[key] += len(rows)
            last = rows[-1][0]
    return counts


def empty_index() -> None:
    """SQLite: empty every FTS table (with the rows of the models, e.g. in tests)."""
    if _dialect() != "sqlite":
        return
    connection = db.session.connection()
    for entry in _registry.values():
        connection.execute(delete(entry.fts))
