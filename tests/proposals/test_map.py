"""The map page /karte: filters as a GET form, a list of exactly what the map shows."""

from __future__ import annotations

import html
import re

import pytest

from .listing_helpers import bulk_proposals, ensure_categories, make_proposals


@pytest.fixture
def data(app, districts, create_user):
    return make_proposals(create_user)


def _list_ids(page: str) -> list[int]:
    section = page.split('id="proposal-list"', 1)[1]
    return [int(i) for i in re.findall(r'href="/vorschlaege/(\d+)"', section)]


def test_empty_map_page(client, districts):
    ensure_categories()
    response = client.get("/karte")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="proposal-map"' in page and "js/map-page.js" in page
    # The server counts the clusters: no client-side clustering library on the page.
    assert "leaflet.markercluster.js" not in page
    assert "<script>" not in page  # no inline scripts


def test_list_shows_what_the_map_shows(client, data):
    page = client.get("/karte?district=01").get_data(as_text=True)
    api_url = html.unescape(re.search(r'data-proposals-url="([^"]+)"', page).group(1))
    assert "district=01" in api_url
    api_ids = [f["properties"]["id"] for f in client.get(api_url).get_json(force=True)["features"]]
    assert _list_ids(page) == api_ids == [p.id for p in reversed(data["altstadt"])]


def test_filters_keep_their_values(client, data):
    page = client.get("/karte?category=health&district=01&status=new").get_data(as_text=True)
    assert '<option value="health" selected>' in page
    assert re.search(r'<option value="01"\s+selected>', page)
    assert '<option value="new" selected>' in page
    assert _list_ids(page) == [data["all"][0].id]


@pytest.mark.parametrize(
    ("query", "word"), [("?district=x", "district"), ("?status=open", "status")]
)
def test_bad_filter_is_400_with_message(client, data, query, word):
    response = client.get(f"/karte{query}")
    assert response.status_code == 400
    assert word in response.get_data(as_text=True)


def test_paging_of_the_list(client, app, districts, create_user):
    bulk_proposals(create_user, 130)
    page = client.get("/karte").get_data(as_text=True)
    assert len(_list_ids(page)) == 100
    next_url = html.unescape(re.search(r'href="([^"]*cursor=\d+[^"]*)"', page).group(1))
    second = client.get(next_url).get_data(as_text=True)
    assert len(_list_ids(second)) == 30
    assert not set(_list_ids(page)) & set(_list_ids(second))


def test_map_page_query_count_is_constant(client, data, create_user, count_queries):
    with count_queries() as few:
        client.get("/karte")
    make_proposals(create_user, prefix="Mehr")
    with count_queries() as many:
        client.get("/karte")
    assert many.count == few.count


def test_offers_and_barrier_reports_are_listed_too(client, data):
    from app.barriers import services as barrier_services

    barrier_services.load_offer_types()
    types = {t.slug: t for t in barrier_services.offer_types()}
    barrier_services.save_offer(
        None,
        None,
        name="Bibliothek Kartentest",
        type_id=types["library"].id,
        address="Teststraße 1",
        provider="Testträger",
        lat=50.9785,
        lon=11.0265,
    )
    from app.extensions import db

    db.session.commit()
    page = client.get("/karte?district=01").get_data(as_text=True)
    assert "Bibliothek Kartentest" in page
    # The map's layers are counted per cell of the view (the script adds view and district).
    assert 'data-offers-clusters-url="/api/v1/offers/clusters"' in page
    assert 'data-barriers-clusters-url="/api/v1/barriers/clusters"' in page
