"""Where needs appear: /bedarfe/, /api/v1/needs, the map page and the district page; only
visible ones; and with a constant number of queries."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.needs import services
from app.needs.models import Need

from .conftest import HERRENBERG, MOSKAUER_PLATZ


@pytest.fixture
def needs(member, other_member, make_need, districts):
    district = districts[MOSKAUER_PLATZ]
    return {
        "point": make_need(
            member, title="Bänke am Weg", point=(district.label_lat, district.label_lon)
        ),
        "district": make_need(member, title="Jugendraum", priority="low", category="education"),
        "herrenberg": make_need(other_member, title="Herrenberg-Bedarf", number=HERRENBERG),
    }


def _hide(need: Need) -> None:
    need.moderation_state = "hidden"
    db.session.commit()


def _many(author, count: int, categories) -> None:
    council = author.roles[0].council
    district = council.districts[0]
    for n in range(count):
        services.create_need(
            author,
            council,
            title=f"Bedarf {n}",
            description="Text",
            category=categories["other"],
            priority=("high", "medium", "low")[n % 3],
            place=services.place_from_district(council, district),
        )
    db.session.commit()


def _ids(page: str, marker: str) -> list[int]:
    section = page.split(marker, 1)[1]
    return [int(i) for i in re.findall(r'href="/bedarfe/(\d+)"', section)]


# --- /bedarfe/ -------------------------------------------------------------------------------


def test_list_page_and_filters(client, needs):
    page = client.get("/bedarfe/").get_data(as_text=True)
    ids = _ids(page, 'id="need-list"')
    assert set(ids) == {n.id for n in needs.values()}
    # high priority first
    assert ids.index(needs["point"].id) < ids.index(needs["district"].id)
    page = client.get("/bedarfe/?district=23&priority=low").get_data(as_text=True)
    assert _ids(page, 'id="need-list"') == [needs["district"].id]
    page = client.get("/bedarfe/?category=education&status=new").get_data(as_text=True)
    assert _ids(page, 'id="need-list"') == [needs["district"].id]
    assert '<option value="education" selected>' in page
    assert client.get("/bedarfe/?status=done").status_code == 200
    assert _ids(client.get("/bedarfe/?status=done").get_data(as_text=True), 'id="need-list"') == []


@pytest.mark.parametrize("query", ["?priority=urgent", "?district=x", "?status=met"])
def test_bad_filter_is_400(client, needs, query):
    assert client.get(f"/bedarfe/{query}").status_code == 400


def test_list_is_paged(client, member, categories):
    _many(member, 25, categories)
    page = client.get("/bedarfe/").get_data(as_text=True)
    first = _ids(page, 'id="need-list"')
    assert len(first) == 20
    next_url = html.unescape(re.search(r'href="([^"]*page=2[^"]*)"', page).group(1))
    second = _ids(client.get(next_url).get_data(as_text=True), 'id="need-list"')
    assert len(second) == 5 and not set(first) & set(second)


# --- the API -----------------------------------------------------------------------------------


def test_api_geojson(client, needs):
    response = client.get("/api/v1/needs")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json(force=True)
    assert body["total"] == 3
    by_id = {f["properties"]["id"]: f for f in body["features"]}
    feature = by_id[needs["point"].id]
    props = feature["properties"]
    assert feature["geometry"]["coordinates"] == [
        round(needs["point"].lon, 5),
        round(needs["point"].lat, 5),
    ]
    assert props["council"] == "Moskauer Platz" and props["author_role"] == "council_member"
    assert props["url"] == f"/bedarfe/{needs['point'].id}"
    assert props["priority"] == "high" and props["status"] == "new" and props["supports"] == 0
    # no personal data: neither the poster's name nor id
    text = response.get_data(as_text=True)
    assert "Max Rat" not in text and "author_id" not in text and "email" not in text


def test_api_filters_and_errors(client, needs, districts):
    district = districts[MOSKAUER_PLATZ]
    ids = lambda q: {f["properties"]["id"] for f in client.get(q).get_json(force=True)["features"]}  # noqa: E731
    assert ids("/api/v1/needs?district=15") == {needs["herrenberg"].id}
    assert ids("/api/v1/needs?priority=low") == {needs["district"].id}
    lon, lat = district.label_lon, district.label_lat
    bbox = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    assert ids(f"/api/v1/needs?bbox={bbox}") == {needs["point"].id, needs["district"].id}
    for bad in ("?foo=1", "?bbox=1,2", "?limit=0", "?status=x", "?priority=x"):
        response = client.get(f"/api/v1/needs{bad}")
        assert response.status_code == 400, bad
        assert "error" in response.get_json()


def test_api_pages_with_cursor(client, member, categories):
    _many(member, 5, categories)
    body = client.get("/api/v1/needs?limit=2").get_json(force=True)
    assert len(body["features"]) == 2 and body["total"] == 5 and body["next"]
    second = client.get(body["next"]).get_json(force=True)
    assert len(second["features"]) == 2
    assert not {f["properties"]["id"] for f in body["features"]} & {
        f["properties"]["id"] for f in second["features"]
    }


# --- visible only, everywhere -----------------------------------------------------------------


def test_need_appears_everywhere_and_disappears_when_hidden(client, needs, categories):
    need = needs["point"]

    def places() -> dict[str, bool]:
        api = client.get("/api/v1/needs").get_json(force=True)
        karte = client.get("/karte").get_data(as_text=True)
        district = client.get("/ortsteile/23").get_data(as_text=True)
        listing = client.get("/bedarfe/").get_data(as_text=True)
        return {
            "api": need.id in {f["properties"]["id"] for f in api["features"]},
            "karte": need.id in _ids(karte, 'id="need-map-list"'),
            "district": need.id in _ids(district, 'id="district-needs-title"'),
            "list": need.id in _ids(listing, 'id="need-list"'),
            "page": client.get(f"/bedarfe/{need.id}").status_code == 200,
        }

    assert all(places().values()), places()
    _hide(need)
    assert not any(places().values()), places()


def test_map_page_has_the_needs_layer(client, needs, categories):
    page = client.get("/karte?district=23").get_data(as_text=True)
    url = html.unescape(re.search(r'data-needs-url="([^"]+)"', page).group(1))
    assert url == "/api/v1/needs?district=23"
    api_ids = [f["properties"]["id"] for f in client.get(url).get_json(force=True)["features"]]
    assert _ids(page, 'id="need-map-list"') == api_ids
    assert set(api_ids) == {needs["point"].id, needs["district"].id}
    assert "legend-need" in page and "css/needs.css" in page
    assert "<script>" not in page


def test_district_page_lists_needs_with_priority_and_status(client, needs):
    client.post("/sprache", data={"lang": "en"})
    page = client.get("/ortsteile/23").get_data(as_text=True)
    assert set(_ids(page, 'id="district-needs-title"')) == {needs["point"].id, needs["district"].id}
    section = page.split('id="district-needs-title"', 1)[1]
    text = " ".join(re.sub(r"<[^>]+>", "", section).split())  # the cards' words
    assert "Priority: High" in text and "Status: New" in text
    page = client.get("/ortsteile/15").get_data(as_text=True)
    assert _ids(page, 'id="district-needs-title"') == [needs["herrenberg"].id]


# --- query counts ------------------------------------------------------------------------------


def test_list_page_query_count_is_constant(client, member, citizen, categories, count_queries):
    _many(member, 2, categories)
    client.get("/bedarfe/")
    with count_queries() as few:
        client.get("/bedarfe/")
    _many(member, 18, categories)
    for need in db.session.scalars(db.select(Need)).unique():
        services.support(citizen, need)
    db.session.commit()
    with count_queries() as many:
        client.get("/bedarfe/")
    assert many.count == few.count


def test_api_query_count_is_constant(client, member, categories, count_queries):
    _many(member, 2, categories)
    with count_queries() as few:
        client.get("/api/v1/needs")
    _many(member, 30, categories)
    with count_queries() as many:
        client.get("/api/v1/needs")
    assert many.count == few.count


def test_district_page_query_count_is_constant(client, member, citizen, categories, count_queries):
    _many(member, 2, categories)
    client.get("/ortsteile/23")
    with count_queries() as few:
        client.get("/ortsteile/23")
    _many(member, 30, categories)
    for need in db.session.scalars(db.select(Need)).unique():
        services.support(citizen, need)
    db.session.commit()
    with count_queries() as many:
        client.get("/ortsteile/23")
    assert many.count <= few.count + 1  # + the total count once there are more than shown


def test_map_page_query_count_is_constant(client, member, categories, count_queries):
    _many(member, 2, categories)
    client.get("/karte")
    with count_queries() as few:
        client.get("/karte")
    _many(member, 30, categories)
    with count_queries() as many:
        client.get("/karte")
    assert many.count == few.count
