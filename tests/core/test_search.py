"""The full-text search service (app.core.search): the same results on SQLite (FTS5 with the
Snowball German stemmer) and PostgreSQL (german configuration, GIN expression indexes).

Run on both: ``pytest tests/core/test_search.py`` and with ``TEST_DATABASE_URL=…``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects import postgresql

from app.core import search
from app.demo.loader import load_demo
from app.extensions import db
from app.proposals import listing
from app.proposals.models import Proposal


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def found(query, ids=None) -> set[int]:
    """The ids matching ``query`` (among ``ids`` when given: the items the test made)."""
    matches = set(db.session.scalars(search.matching_ids("proposal", query)))
    return matches & set(ids) if ids is not None else matches


@pytest.fixture
def make(proposal_factory):
    def factory(title: str, description: str = "", **kw) -> int:
        return proposal_factory(title=title, description=description, **kw).id

    return factory


# --- stemming, words, case, umlauts --------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Neue Spielplätze im Norden", "Spielplatz"),
        ("Ein Spielplatz am Teich", "Spielplätze"),
        ("Mehr Bänke am Anger", "Bank"),
        ("Eine Bank zum Ausruhen", "Bänke"),
        ("Sichere Schulwege", "Schulweg"),
        ("Der Schulweg ist gefährlich", "Schulwege"),
        ("Zwei neue Bushaltestellen", "Bushaltestelle"),
        ("Die Bushaltestelle braucht ein Dach", "Bushaltestellen"),
        ("Eine Kita für den Ortsteil", "Kita"),
        ("Das ThINKA braucht Räume", "thinka"),
        ("Die Straße ist laut", "Strasse"),
        ("Die Strasse ist laut", "Straße"),
    ],
)
def test_german_stemming_finds_the_other_forms(make, title, query):
    wanted = make(title)
    other = make("Etwas ganz anderes", "Mit anderen Worten")
    assert found(query, {wanted, other}) == {wanted}


def test_kitas_is_its_own_stem_on_both_engines_but_kita_finds_it_as_a_prefix(make):
    # Snowball and PostgreSQL's german configuration both keep "kitas": the plural does not
    # find the singular, the singular finds the plural through the prefix of the last word.
    kita, kitas = make("Eine Kita"), make("Mehr Kitas")
    assert found("Kitas", {kita, kitas}) == {kitas}
    assert found("Kita", {kita, kitas}) == {kita, kitas}


def test_all_words_must_match_in_title_or_description(make):
    both = make("Neuer Spielplatz", "Mit Bänken für Eltern")
    only_play = make("Spielplatz sanieren")
    only_bench = make("Bänke aufstellen")
    ids = {both, only_play, only_bench}
    assert found("Spielplatz Bank", ids) == {both}
    assert found("bank spielplatz", ids) == {both}
    assert found("Spielplatz", ids) == {both, only_play}
    assert found("Spielplatz Bank Rutsche", ids) == set()


def test_case_does_not_matter(make):
    wanted = make("Neuer Spielplatz")
    for query in ("SPIELPLATZ", "spielplatz", "SpIeLpLaTz", "SPIELPLÄTZE"):
        assert found(query, {wanted}) == {wanted}, query


def test_umlauts_composed_or_decomposed(make):
    wanted = make("Grünflächen pflegen")
    assert found("Grünfläche", {wanted}) == {wanted}
    assert found("Gru\u0308nfla\u0308che", {wanted}) == {wanted}  # NFD as some keyboards send
    # The German stemmer folds umlauts (on both engines); "ae" for "ä" is another word.
    assert found("Grunflache", {wanted}) == {wanted}
    assert found("Gruenflaeche", {wanted}) == set()


def test_last_word_is_a_prefix_the_others_are_not(make):
    wanted = make("Neuer Spielplatz", "Mit Bänken")
    assert found("Spielpl", {wanted}) == {wanted}
    assert found("Bänken Spiel", {wanted}) == {wanted}
    assert found("Spiel Bänken", {wanted}) == set()


def test_stop_words_are_dropped_and_alone_match_nothing(make):
    wanted = make("Spielplatz und Bänke")
    assert found("Spielplatz und die Bänke", {wanted}) == {wanted}
    assert found("und", {wanted}) == set()
    assert found("und die der", {wanted}) == set()


@pytest.mark.parametrize("query", ["", "   ", None, "!!! ... ---", "\x00", "„“‚‘ – …"])
def test_blank_or_punctuation_only_is_no_filter(make, query):
    ids = {make("Neuer Spielplatz"), make("Mehr Bänke")}
    assert not search.has_words(query)
    assert found(query, ids) == ids  # all ids
    assert search.condition("proposal", Proposal.id, query) is None


# --- hostile input -------------------------------------------------------------------------


HOSTILE = [
    '"',
    '""',
    "*",
    "NEAR(",
    "NEAR(Spielplatz Bank)",
    "title:x",
    "body:spielplatz",
    "') OR 1=1 --",
    "'; DROP TABLE proposals; --",
    "Spielplatz OR Bank",
    "NOT Spielplatz",
    "Spielplatz AND",
    "-Spielplatz",
    "^Spielplatz",
    "!Spielplatz",
    "Spielplatz & | ! <-> :*",
    "\\",
    "'",
    "(",
    "a\x00b",
    "a" * 5000,
    "Spielplatz " * 500,
    "\U0001f600 \u202e \ufeff",
    "%_%",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(make, query):
    ids = {make("Neuer Spielplatz", "Mit Bänken"), make("Mehr Licht")}
    result = found(query, ids)
    assert result <= ids
    # and the same query works inside the listing's one statement
    rows, _next, _total = listing.find(listing.Filters(q=query))
    assert {r.id for r in rows} >= result


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ('"Spielplatz"', True),
        ("Spielplatz*", True),
        ("spielplatz:*", True),
        ("(Spielplatz)", True),
        ("title:Spielplatz", False),  # "title" is a word like any other
        ("Spielplatz OR Licht", False),  # "or" too: all words must match
        ("NEAR(Spielplatz", False),
        ("') OR 1=1 --", False),
        ("a" * 5000, False),
        ("Spielplatz " * 500, True),  # cut to the first words
    ],
)
def test_hostile_queries_give_sane_results(make, query, matches):
    wanted = make("Neuer Spielplatz", "Mit Bänken")
    other = make("Mehr Licht")
    assert found(query, {wanted, other}) == ({wanted} if matches else set())


# --- keeping the index in sync ---------------------------------------------------------------


def test_update_and_delete_keep_the_index_in_sync(make):
    pid = make("Neuer Spielplatz", "Mit Rutsche")
    proposal = db.session.get(Proposal, pid)
    proposal.title = "Mehr Bänke"
    db.session.commit()
    assert found("Spielplatz", {pid}) == set()
    assert found("Bank Rutsche", {pid}) == {pid}
    proposal.description = "Mit Schaukel"
    db.session.commit()
    assert found("Rutsche", {pid}) == set()
    assert found("Schaukel", {pid}) == {pid}
    proposal.is_demo = True  # no text changed: nothing to do, still found
    db.session.commit()
    assert found("Schaukel", {pid}) == {pid}
    db.session.delete(proposal)
    db.session.commit()
    assert found("Schaukel") & {pid} == set()
    if _dialect() == "sqlite":  # the FTS row is gone too (SQLite may reuse the id)
        rows = db.session.execute(
            text("SELECT rowid FROM search_proposal WHERE rowid = :i"), {"i": pid}
        )
        assert rows.all() == []


def _bulk_insert(make, title: str) -> int:
    template = db.session.get(Proposal, make("Vorlage"))
    db.session.execute(
        insert(Proposal),
        [
            {
                "title": title,
                "description": "",
                "category_id": template.category_id,
                "lat": template.lat,
                "lon": template.lon,
                "district_id": template.district_id,
            }
        ],
    )
    db.session.commit()
    return db.session.scalar(select(func.max(Proposal.id)))


def test_flask_search_reindex_picks_up_bulk_writes(make, runner):
    pid = _bulk_insert(make, "Neue Spielplätze")
    if _dialect() == "sqlite":
        assert found("Spielplatz", {pid}) == set()  # bulk statements bypass the ORM's events
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert found("Spielplatz", {pid}) == {pid}
    if _dialect() == "sqlite":
        assert "proposal: " in result.output and "comment: " in result.output
    else:
        assert "nothing to do" in result.output


def test_reindex_drops_rows_of_deleted_items(make):
    pid = make("Neuer Spielplatz")
    db.session.execute(Proposal.__table__.delete().where(Proposal.id == pid))  # bulk, no events
    search.reindex(["proposal"])
    db.session.commit()
    assert found("Spielplatz") & {pid} == set()
    if _dialect() == "sqlite":
        rows = db.session.execute(
            text("SELECT count(*) FROM search_proposal WHERE rowid = :i"), {"i": pid}
        )
        assert rows.scalar() == 0


def test_demo_content_is_searchable(app, districts):
    load_demo()
    db.session.commit()
    like = set(
        db.session.scalars(
            select(Proposal.id).where(
                Proposal.is_demo.is_(True), func.lower(Proposal.title).like("%spielplatz%")
            )
        )
    )
    assert like
    assert like <= found("Spielplatz")


# --- every registered type -------------------------------------------------------------------


def test_every_domain_registers_its_texts(app):
    registered = {key: (e.model.__tablename__, e.columns) for key, e in search.registered().items()}
    assert registered == {
        "proposal": ("proposals", ("title", "description")),
        "need": ("needs", ("title", "description")),
        "barrier": ("barrier_reports", ("offer_text", "text")),
        "comment": ("comments", ("body",)),
    }
    for key in registered:
        assert db.session.scalars(search.matching_ids(key, "Spielplatz")).all() == []
        assert db.session.execute(search.ranked(key, "Spielplatz")).all() == []


def test_ranked_scores_more_occurrences_higher(make):
    once = make("Spielplatz", "Mit Bänken und Licht und Wegen")
    often = make("Spielplatz", "Spielplatz, Spielplätze, Spielplatz")
    scores = dict(db.session.execute(search.ranked("proposal", "Spielplatz")).all())
    assert scores[often] > scores[once]


# --- the proposals list: one statement, filters, paging --------------------------------------


def test_listing_combines_words_filters_and_paging_in_one_statement(make, count_queries):
    wanted = [make(f"Spielplatz Nummer {n}", number="23") for n in range(5)]
    make("Spielplatz anderswo", number="25")
    make("Mehr Bänke", number="23")
    filters = listing.Filters(q="Spielplätze", district="23", limit=2)
    with count_queries() as counter:
        rows, next_cursor, total = listing.find(filters)
    assert [r.id for r in rows] == sorted(wanted, reverse=True)[:2]
    assert total == 5
    assert counter.count == 2  # the page and its count, each one statement with the search
    marker = "@@" if _dialect() == "postgresql" else "MATCH"
    assert all(marker in s and "district" in s for s in counter.statements)
    seen = [r.id for r in rows]
    while next_cursor:
        filters.cursor = next_cursor
        rows, next_cursor, _total = listing.find(filters)
        seen += [r.id for r in rows]
    assert seen == sorted(wanted, reverse=True)


def test_filters_read_q_and_keep_it_in_links():
    filters = listing.parse_filters({"q": "  Spielplatz   Bänke ", "status": "new"})
    assert filters.q == "Spielplatz Bänke"
    assert filters.query_args()["q"] == "Spielplatz Bänke"
    assert listing.parse_filters({"q": "x" * 5000}).q == "x" * search.MAX_QUERY_CHARS
    assert listing.parse_filters({"q": "   "}).q is None
    assert "q" in listing.Filters.parameters()


def test_api_and_map_page_filter_by_words(client, make):
    wanted = make("Neuer Spielplatz am Anger")
    other = make("Mehr Bänke am Anger")
    body = client.get("/api/v1/proposals?q=Spielplätze").get_json()
    ids = {f["properties"]["id"] for f in body["features"]}
    assert wanted in ids and other not in ids
    body = client.get("/api/v1/proposals?q=%22%29+OR+NEAR%28").get_json()
    assert body["features"] == []
    assert client.get("/api/v1/proposals?q=" + "a" * 5000).status_code == 200
    page = client.get("/karte?q=Spielplätze").get_data(as_text=True)
    assert "Neuer Spielplatz am Anger" in page and "Mehr Bänke am Anger" not in page
    assert 'value="Spielplätze"' in page  # the form keeps the words
    assert "q=Spielpl" in page  # the map layer's API URL has the same filter
    page = client.get("/karte?q=%21%21%21").get_data(as_text=True)  # punctuation: no filter
    assert "Neuer Spielplatz am Anger" in page and "Mehr Bänke am Anger" in page


# --- PostgreSQL: the indexes are used, and Snowball agrees with it -----------------------------


@pytest.mark.postgres_only
@pytest.mark.parametrize("key", ["proposal", "need", "barrier", "comment"])
def test_postgres_uses_the_gin_index(app, key):
    if _dialect() != "postgresql":
        pytest.skip("PostgreSQL only")
    entry = search.registered()[key]
    statement = select(entry.id).where(entry.id.in_(search.matching_ids(key, "Spielplätze Bank")))
    sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {sql}")))
    assert search.index_name(entry.model.__tablename__) in plan, plan


WORDS = (
    "Spielplätze Spielplatz Spielplatzes Bänke Bank Bänken Schulwege Schulweg Bushaltestellen "
    "Bushaltestelle Kitas Kita ThINKA Straße Strasse Grünflächen Gruenflaeche Bäume Radwege "
    "Gehwegen Barrierefreiheit Rollstuhl Treppen Aufzug Jugendlichen Seniorinnen "
    "B7 2024 und die über"
)


@pytest.mark.postgres_only
def test_snowball_and_postgres_make_the_same_lexemes(app):
    if _dialect() != "postgresql":
        pytest.skip("PostgreSQL only")
    for word in WORDS.split():
        vector = db.session.scalar(text("SELECT to_tsvector('german', :w)::text"), {"w": word})
        theirs = sorted(part.split(":")[0].strip("'") for part in vector.split()) if vector else []
        assert search.lexemes(word) == theirs, word
