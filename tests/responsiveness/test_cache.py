"""The figures are kept for ``RESPONSIVENESS_CACHE_SECONDS`` per process and language."""

from __future__ import annotations

import pytest

from app.responsiveness import services

PUBLIC = "/wie-schnell-antwortet-die-stadt"


@pytest.fixture
def app_overrides():
    return {"RESPONSIVENESS_CACHE_SECONDS": 600}


@pytest.fixture(autouse=True)
def empty_cache():
    services.clear_cache()
    yield
    services.clear_cache()


def test_the_public_page_reads_cached_figures(client, make_items, count_queries):
    make_items(10, response_days=range(1, 11))
    assert "5,5" in client.get(PUBLIC).get_data(as_text=True)
    make_items(10, response_days=[30] * 10)
    with count_queries() as counter:
        html = client.get(PUBLIC).get_data(as_text=True)
    assert "5,5" in html  # still the figures computed before
    assert not any("work_items" in q for q in counter.statements)
    services.clear_cache()
    assert "5,5" not in client.get(PUBLIC).get_data(as_text=True)


def test_each_language_has_its_own_cached_figures(client, make_items):
    make_items(10, response_days=range(1, 11))
    assert "5,5" in client.get(PUBLIC).get_data(as_text=True)
    client.post("/sprache", data={"lang": "en"})
    assert "5.5" in client.get(PUBLIC).get_data(as_text=True)


def test_without_a_cache_time_the_figures_are_computed_every_time(app, client, make_items):
    app.config["RESPONSIVENESS_CACHE_SECONDS"] = 0
    make_items(10, response_days=range(1, 11))
    assert "5,5" in client.get(PUBLIC).get_data(as_text=True)
    make_items(10, response_days=[30] * 10)
    assert "5,5" not in client.get(PUBLIC).get_data(as_text=True)
