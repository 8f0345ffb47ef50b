"""The page cache (app/core/page_cache.py): the busiest public answers come from memory with
no query, fresh per-request secrets, and any write — in this process or another — is seen
by the next request."""

from __future__ import annotations

import re

import pytest

from app.core import page_cache
from app.extensions import db
from app.proposals.models import Proposal

CITY = "10.85,50.86,11.18,51.08"
MOSKAU = "10.98978,51.00581,11.00814,51.01658"
PATHS = [
    "/",
    "/karte",
    "/karte?district=23",
    "/karte/liste?bbox=" + MOSKAU,
    "/ortsteile/23",
    "/api/v1/proposals?bbox=" + MOSKAU,
    f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12",
    f"/api/v1/needs/clusters?bbox={CITY}&zoom=12",
]


@pytest.fixture
def app_overrides(tmp_path):
    return {
        "PAGE_CACHE_SECONDS": 60,
        "PAGE_CACHE_VERSION_FILE": str(tmp_path / "page-cache-version"),
    }


@pytest.fixture(autouse=True)
def fresh_cache(app):
    """The app (and its cache) outlives the test; its rolled-back data must not."""
    page_cache.cache_of(app).clear()
    yield
    page_cache.cache_of(app).clear()


@pytest.fixture
def some(proposal_factory, districts):
    return [proposal_factory(title=f"Bank Nummer {i}", number="23") for i in range(3)]


def _text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def _without_secrets(page: str) -> str:
    page = re.sub(r'nonce="[^"]+"', 'nonce=""', page)
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page)


@pytest.mark.parametrize("path", PATHS)
def test_a_second_request_asks_no_query_and_gets_the_same_answer(app, some, count_queries, path):
    first = _text(app.test_client().get(path))
    with count_queries() as counter:
        again = app.test_client().get(path)
    assert counter.statements == []
    assert _without_secrets(_text(again)) == _without_secrets(first)
    assert again.mimetype == app.test_client().get(path).mimetype


def test_every_answer_has_its_own_nonce_and_csrf_token(app, some):
    hits = page_cache.cache_of(app).hits
    pages = [app.test_client().get("/karte") for _ in range(3)]
    nonces = [_nonce(r) for r in pages]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', _text(r)).group(1) for r in pages]
    assert len(set(nonces)) == len(set(tokens)) == 3
    for response, nonce in zip(pages, nonces, strict=True):
        page = _text(response)
        assert page_cache.NONCE_MARK not in page and page_cache.CSRF_MARK not in page
        assert f'nonce="{nonce}"' in page  # the inline script runs under this answer's CSP
    assert page_cache.cache_of(app).hits == hits + 2


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self, tmp_path):
        return {
            "PAGE_CACHE_SECONDS": 60,
            "PAGE_CACHE_VERSION_FILE": str(tmp_path / "page-cache-version"),
            "WTF_CSRF_ENABLED": True,
        }

    def test_the_language_switch_works_from_a_cached_page(self, app, some):
        app.test_client().get("/karte")  # cached with the first visitor's token
        hits = page_cache.cache_of(app).hits
        visitor = app.test_client()
        page = _text(visitor.get("/karte"))
        assert page_cache.cache_of(app).hits == hits + 1
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = visitor.post(
            "/sprache", data={"lang": "en", "next": "/karte", "csrf_token": token}
        )
        assert response.status_code == 302
        assert "Map of proposals" in _text(visitor.get("/karte"))  # English: its own entry


def test_a_new_proposal_is_listed_at_once(app, some, proposal_factory):
    client = app.test_client()
    assert "Ganz neue Bank" not in _text(client.get("/karte"))
    clusters = client.get(f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12").get_json(force=True)
    proposal_factory(title="Ganz neue Bank", number="23")
    assert "Ganz neue Bank" in _text(client.get("/karte"))
    again = client.get(f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12").get_json(force=True)
    assert again["total"] == clusters["total"] + 1


def test_a_flushed_change_is_seen_before_the_commit(app, some):
    """The test's requests share its transaction: a flush alone already invalidates."""
    client = app.test_client()
    assert "Umbenannte Bank" not in _text(client.get("/karte"))
    proposal = db.session.get(Proposal, some[0].id)
    proposal.title = "Umbenannte Bank"
    db.session.flush()
    assert "Umbenannte Bank" in _text(client.get("/karte"))


def test_a_rolled_back_change_is_not_kept(app, some):
    client = app.test_client()
    proposal = db.session.get(Proposal, some[0].id)
    proposal.title = "Gleich wieder weg"
    db.session.flush()
    assert "Gleich wieder weg" in _text(client.get("/karte"))
    db.session.rollback()
    assert "Gleich wieder weg" not in _text(client.get("/karte"))


def test_a_write_in_another_process_is_seen(app, some, count_queries):
    client = app.test_client()
    client.get("/karte")
    with count_queries() as counter:
        client.get("/karte")
    assert counter.count == 0
    # another worker's commit appends to the shared version file
    with open(app.config["PAGE_CACHE_VERSION_FILE"], "ab") as handle:
        handle.write(b".")
    with count_queries() as counter:
        client.get("/karte")
    assert counter.count > 0


def test_writes_of_other_processes_change_the_file(app, some):
    path = app.config["PAGE_CACHE_VERSION_FILE"]
    before = page_cache.cache_of(app).version()
    page_cache.invalidate(app)
    after = page_cache.cache_of(app).version()
    assert before != after and after[2] >= 1
    with open(path, "rb") as handle:
        assert handle.read()


def test_signed_in_people_and_pending_flashes_are_not_served_from_the_cache(
    app, client, some, create_user, login, count_queries
):
    app.test_client().get("/karte")
    login(create_user())
    with count_queries() as counter:
        page = _text(client.get("/karte"))
    assert counter.count > 0
    assert "Log out" in page or "Abmelden" in page
    client.post("/abmelden")  # flashes "logged out" for the next page
    with count_queries() as counter:
        client.get("/karte")
    assert counter.count > 0


def test_api_answers_are_shared_by_signed_in_people(
    app, client, some, create_user, login, count_queries
):
    path = "/api/v1/proposals?bbox=" + MOSKAU
    login(create_user())
    app.test_client().get(path)
    with count_queries() as counter:
        assert client.get(path).get_json(force=True)["total"] == 3
    # the signed-in person is loaded (session check), the answer is not computed again
    assert not [s for s in counter.statements if "proposals" in s], counter.statements


def test_answers_expire(app, some, monkeypatch, count_queries):
    client = app.test_client()
    client.get("/karte")
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 61)
    with count_queries() as counter:
        client.get("/karte")
    assert counter.count > 0


def test_errors_are_not_kept_and_the_number_of_answers_is_bounded(app, some):
    app.config["PAGE_CACHE_ENTRIES"] = 2
    client = app.test_client()
    assert client.get("/karte?district=abc").status_code == 400
    for path in ("/karte", "/karte?district=23", "/karte?district=01"):
        client.get(path)
    keys = [key[2] for key in page_cache.cache_of(app).entries]
    assert keys == ["/karte?district=23", "/karte?district=01"]


def test_off_when_the_seconds_are_zero(app, some, count_queries):
    app.config["PAGE_CACHE_SECONDS"] = 0
    client = app.test_client()
    client.get("/karte")
    with count_queries() as counter:
        client.get("/karte")
    assert counter.count > 0
    assert not page_cache.cache_of(app).entries


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_api_answers_are_compressed_once_per_coding(app, some, coding):
    import gzip

    import brotli

    path = "/api/v1/proposals?bbox=" + MOSKAU
    plain = app.test_client().get(path).get_data()
    assert len(plain) >= app.config["COMPRESS_MIN_SIZE"]
    answers = [app.test_client().get(path, headers={"Accept-Encoding": coding}) for _ in range(2)]
    for response in answers:
        assert response.headers["Content-Encoding"] == coding
        assert "Accept-Encoding" in response.headers["Vary"]
        data = response.get_data()
        assert (brotli.decompress(data) if coding == "br" else gzip.decompress(data)) == plain
    (entry,) = page_cache.cache_of(app).entries.values()
    assert set(entry.compressed) == {coding}
    # a page with a nonce and a CSRF token is compressed per request, never stored compressed
    app.test_client().get("/karte", headers={"Accept-Encoding": coding})
    page = app.test_client().get("/karte", headers={"Accept-Encoding": coding})
    assert page.headers["Content-Encoding"] == coding
    assert all(
        not e.compressed for k, e in page_cache.cache_of(app).entries.items() if k[2] == "/karte"
    )


def test_a_bulk_or_text_statement_invalidates_too(app, some):
    from sqlalchemy import text, update

    client = app.test_client()
    assert "Per SQL umbenannt" not in _text(client.get("/karte"))
    db.session.execute(
        text("UPDATE proposals SET title = 'Per SQL umbenannt' WHERE id = :id"), {"id": some[0].id}
    )
    assert "Per SQL umbenannt" in _text(client.get("/karte"))
    db.session.execute(
        update(Proposal).where(Proposal.id == some[1].id).values(title="Per ORM-Update umbenannt")
    )
    assert "Per ORM-Update umbenannt" in _text(client.get("/karte"))


def test_reads_do_not_invalidate(app, some, count_queries):
    from sqlalchemy import text

    client = app.test_client()
    client.get("/karte")
    version = page_cache.cache_of(app).version()
    db.session.execute(text("SELECT count(*) FROM proposals"))
    db.session.scalars(db.select(Proposal)).all()
    db.session.commit()
    assert page_cache.cache_of(app).version() == version
    with count_queries() as counter:
        client.get("/karte")
    assert counter.count == 0


@pytest.fixture
def shared_redis(app, monkeypatch):
    """The page cache's version in Redis under a key of this test's own (parallel runs)."""
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    key = f"quartier-test:page-cache:{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "PAGE_CACHE_REDIS_URL", url)
    monkeypatch.setitem(app.config, "PAGE_CACHE_REDIS_KEY", key)
    cache = page_cache.cache_of(app)
    monkeypatch.setattr(cache, "_redis", None)
    yield client, key
    client.delete(key)


def test_with_redis_another_hosts_write_is_seen(app, some, count_queries, shared_redis):
    """Several app servers behind a proxy share Redis, not a file: a write counted there by
    any of them makes every cached answer stale at once."""
    client, key = shared_redis
    web = app.test_client()
    web.get("/karte")
    with count_queries() as counter:
        web.get("/karte")
    assert counter.count == 0
    client.incr(key)  # another host's commit
    with count_queries() as counter:
        web.get("/karte")
    assert counter.count > 0
    before = int(client.get(key))
    proposal = db.session.get(Proposal, some[0].id)
    proposal.title = "Bank am Teich"
    db.session.commit()  # this process's write is counted in Redis (flush and commit)
    assert int(client.get(key)) > before
    assert "Bank am Teich" in _text(web.get("/karte/liste?bbox=" + MOSKAU))


def test_with_redis_unreachable_nothing_is_served_from_the_cache(
    app, some, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(page_cache.cache_of(app), "_redis", None)
    web = app.test_client()
    assert web.get("/karte").status_code == 200
    with count_queries() as counter:
        assert web.get("/karte").status_code == 200
    assert counter.count > 0  # rendered afresh: a version nobody can read is never trusted
