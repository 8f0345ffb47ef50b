"""GET /api/v1/proposals: filters in SQL, paging, counts without N+1, JSON errors."""

from __future__ import annotations

import json

import pytest

from app.comments.models import Comment
from app.extensions import db

from .listing_helpers import make_proposals

ALTSTADT_BBOX = "11.01,50.97,11.04,50.99"


@pytest.fixture
def data(app, districts, create_user):
    return make_proposals(create_user)


def _get(client, query=""):
    response = client.get(f"/api/v1/proposals{query}")
    return response, json.loads(response.get_data(as_text=True))


def test_collection_shape_and_counts(client, data):
    response, body = _get(client)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert body["type"] == "FeatureCollection"
    assert body["total"] == len(data["all"])
    props = {f["properties"]["id"]: f["properties"] for f in body["features"]}
    first = props[data["supported"].id]
    assert set(first) >= {
        "id",
        "title",
        "category",
        "district",
        "status",
        "supports",
        "comments",
        "url",
    }
    assert first["supports"] == 2 and first["comments"] == 1  # the deleted comment is not counted
    assert first["url"] == f"/vorschlaege/{data['supported'].id}"
    assert first["district"] == "01"
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    assert 10.9 < lon < 11.2 and 50.8 < lat < 51.1


def test_filters(client, data):
    _r, body = _get(client, f"?bbox={ALTSTADT_BBOX}")
    assert {f["properties"]["district"] for f in body["features"]} == {"01"}
    _r, body = _get(client, "?district=1")
    assert body["total"] == len(data["altstadt"])
    _r, body = _get(client, "?category=health")
    assert {f["properties"]["category"] for f in body["features"]} == {"health"}
    _r, body = _get(client, "?status=withdrawn")
    assert [f["properties"]["id"] for f in body["features"]] == [data["withdrawn"].id]
    _r, body = _get(client, "?district=01&category=health&status=new")
    assert all(
        (p["district"], p["category"], p["status"]) == ("01", "health", "new")
        for p in (f["properties"] for f in body["features"])
    )


def test_paging_with_cursor(client, data):
    seen = []
    url = "/api/v1/proposals?limit=3"
    pages = 0
    while url:
        response = client.get(url)
        body = response.get_json(force=True)
        seen += [f["properties"]["id"] for f in body["features"]]
        url = body["next"]
        pages += 1
    assert sorted(seen, reverse=True) == seen
    assert len(seen) == len(set(seen)) == len(data["all"])
    assert pages == -(-len(data["all"]) // 3)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("?bbox=1,2,3", "bbox"),
        ("?bbox=a,b,c,d", "bbox"),
        ("?bbox=12,50,11,51", "bbox"),
        ("?bbox=nan,50,11,51", "bbox"),
        ("?district=abc", "district"),
        ("?district=123", "district"),
        ("?category=%3Cscript%3E", "category"),
        ("?status=open", "status"),
        ("?limit=0", "limit"),
        ("?limit=601", "limit"),
        ("?limit=-5", "limit"),
        ("?cursor=x", "cursor"),
        ("?colour=red", "colour"),
    ],
)
def test_bad_parameters_give_json_400(client, data, query, word):
    response, body = _get(client, query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert word in body["error"]["message"]


def test_unknown_category_or_district_is_empty_not_error(client, data):
    _r, body = _get(client, "?category=nothing")
    assert body["features"] == [] and body["total"] == 0
    _r, body = _get(client, "?district=99")
    assert body["features"] == []


def test_constant_number_of_queries(client, data, create_user, count_queries):
    with count_queries() as few:
        client.get("/api/v1/proposals")
    more = make_proposals(create_user, prefix="Mehr")
    db.session.add_all(
        Comment(target_type="proposal", target_id=p.id, author_id=more["users"][1].id, body="x")
        for p in more["all"][:5]
    )
    db.session.commit()
    with count_queries() as many:
        response, body = _get(client)
    assert len(body["features"]) > 2 * len(data["all"]) - 1
    assert many.count == few.count <= 4


def test_response_size_of_a_full_page_stays_small(client, app, districts, create_user):
    """600 proposals with the longest titles stay under ~300 KB."""
    from .listing_helpers import bulk_proposals

    bulk_proposals(create_user, 620, title="Ä" * 120)
    response = client.get("/api/v1/proposals?limit=600")
    body = response.get_json(force=True)
    assert len(body["features"]) == 600 and body["next"]
    assert len(response.get_data()) < 300_000
