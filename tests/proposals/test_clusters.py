"""GET /api/v1/proposals/clusters (and /api/v1/needs/clusters): counts per grid cell that add up
to what the list finds for the same filters and bbox, on SQLite and PostgreSQL alike (both are
compared with the grid computed here in Python), bad parameters as JSON 400, constant
queries."""

from __future__ import annotations

import json
import math
import random

import pytest

from app.core import clusters
from app.districts.services import OutsideCity, locate
from app.extensions import db
from app.proposals.models import Proposal

from .listing_helpers import ALTSTADT, ensure_categories, make_proposals

CITY = "10.85,50.86,11.18,51.08"
ALTSTADT_BBOX = "11.01,50.97,11.04,50.99"
SMALL_BBOX = "11.0260,50.9780,11.0275,50.9795"  # around the Altstadt's test proposals


@pytest.fixture
def data(app, districts, create_user):
    return make_proposals(create_user)


def scatter(create_user, n: int, seed: int = 3) -> list[dict]:
    """``n`` proposals at random points of the city (bulk insert), their rows returned."""
    categories = list(ensure_categories().values())
    author = create_user()
    rng = random.Random(seed)
    rows = []
    while len(rows) < n:
        lat, lon = rng.uniform(50.90, 51.04), rng.uniform(10.94, 11.12)
        try:
            district = locate(lat, lon)
        except OutsideCity:
            continue  # outside the city: draw again
        rows.append(
            {
                "title": f"Punkt {len(rows)}",
                "description": "x",
                "category_id": categories[len(rows) % len(categories)].id,
                "author_id": author.id,
                "lat": lat,
                "lon": lon,
                "district_id": district.id,
            }
        )
    db.session.execute(Proposal.__table__.insert(), rows)
    clusters.rebuild("proposal")  # a bulk insert passes the map's counters by
    db.session.commit()
    return rows


def _get(client, path):
    response = client.get(path)
    return response, json.loads(response.get_data(as_text=True))


def _clusters(client, query):
    response, body = _get(client, f"/api/v1/proposals/clusters?{query}")
    assert response.status_code == 200, body
    assert response.mimetype == "application/geo+json"
    return body


def _sum(body) -> int:
    return sum(
        f["properties"]["count"] if f["properties"].get("cluster") else 1 for f in body["features"]
    )


def _list_total(client, query, answer=None) -> int:
    """The list's total for ``query``; with the clusters' ``answer``, in the bbox it counted
    (the request's, widened to whole cells)."""
    if answer is not None:
        query += "&bbox=" + ",".join(repr(v) for v in answer["bbox"])
    _r, body = _get(client, f"/api/v1/proposals?{query.lstrip('&')}&limit=1")
    return body["total"]


def _python_cells(rows, zoom, bbox) -> dict[tuple[int, int], int]:
    """The grid of :mod:`app.core.clusters`, computed here without the database."""
    from flask import current_app

    grid = clusters.Grid.at(zoom, math.cos(math.radians(current_app.config["MAP_CENTER"][0])))
    west, south, east, north = bbox
    cells: dict[tuple[int, int], int] = {}
    for r in rows:
        if south <= r["lat"] <= north and west <= r["lon"] <= east:
            key = (
                math.floor((r["lon"] + 180.0) / grid.step_lon),
                math.floor((r["lat"] + 90.0) / grid.step_lat),
            )
            cells[key] = cells.get(key, 0) + 1
    return cells


@pytest.mark.parametrize("zoom", [10, 11, 12, 13, 14])
def test_counts_add_up_to_the_list_at_every_zoom(client, districts, create_user, zoom):
    scatter(create_user, 400)
    body = _clusters(client, f"bbox={CITY}&zoom={zoom}")
    assert body["zoom"] == zoom
    assert body["total"] == _sum(body) == _list_total(client, "", body) == 400
    for feature in body["features"]:
        p = feature["properties"]
        if p.get("cluster"):
            assert p["count"] >= 2 and sum(p["categories"].values()) == p["count"]
            west, south, east, north = p["bounds"]
            lon, lat = feature["geometry"]["coordinates"]
            assert west <= lon <= east and south <= lat <= north


def test_cells_are_the_same_as_computed_in_python(client, app, districts, create_user):
    """The same cells on every database: SQLite and PostgreSQL both give Python's floor."""
    rows = scatter(create_user, 300, seed=5)
    bbox = (10.95, 50.92, 11.10, 51.02)
    for zoom in (11, 13, 15):
        body = _clusters(client, f"bbox={','.join(map(str, bbox))}&zoom={zoom}")
        expected = _python_cells(rows, zoom, body["bbox"])
        counts = sorted(
            f["properties"]["count"] if f["properties"].get("cluster") else 1
            for f in body["features"]
        )
        # single proposals: one feature per cell of one
        assert counts == sorted(expected.values())
        assert body["total"] == sum(expected.values())


def test_dense_cells_are_clusters_and_lone_points_single_features(client, data, create_user):
    body = _clusters(client, f"bbox={CITY}&zoom=11")
    assert [f["properties"].get("cluster") for f in body["features"]] == [True, True]
    # Zoomed in far, every proposal of the Altstadt has a cell of its own.
    body = _clusters(client, f"bbox={SMALL_BBOX}&zoom=20")
    singles = [f["properties"] for f in body["features"]]
    assert {p["id"] for p in singles} == {p.id for p in data["altstadt"]}
    first = next(p for p in singles if p["id"] == data["supported"].id)
    assert first["title"] == data["supported"].title and first["supports"] == 2
    assert first["url"] == f"/vorschlaege/{data['supported'].id}"
    assert "cluster" not in first


@pytest.mark.parametrize(
    "query",
    [
        "category=health",
        "status=new",
        "status=withdrawn",
        "district=1",
        "district=15&category=housing",
        "q=Vorschlag",
        "category=culture",
    ],
)
def test_filters_are_the_lists_filters(client, data, query):
    body = _clusters(client, f"bbox={CITY}&zoom=12&{query}")
    assert body["total"] == _sum(body) == _list_total(client, query, body)


def test_filters_change_the_counts(client, data):
    health = _clusters(client, f"bbox={CITY}&zoom=12&category=health")
    assert health["total"] == 3
    categories = {}
    for f in health["features"]:
        for slug, n in (
            f["properties"].get("categories", {f["properties"].get("category"): 1}).items()
        ):
            categories[slug] = categories.get(slug, 0) + n
    assert categories == {"health": 3}


def _insert(create_user, points, title="Rand"):
    categories = ensure_categories()
    author = create_user()
    db.session.execute(
        Proposal.__table__.insert(),
        [
            {
                "title": f"{title} {i}",
                "description": "x",
                "category_id": categories["other"].id,
                "author_id": author.id,
                "lat": lat,
                "lon": lon,
                "district_id": locate(lat, lon).id,
            }
            for i, (lat, lon) in enumerate(points)
        ],
    )
    clusters.rebuild("proposal")
    db.session.commit()


def test_bbox_is_widened_to_whole_cells_and_the_list_follows(client, app, districts, create_user):
    lat, lon = ALTSTADT
    _insert(
        create_user,
        [(lat + dy, lon + dx) for dx, dy in [(0, 0), (0.01, 0), (0, 0.01), (0.01, 0.01)]],
    )
    # The bbox's edges run through the points: all four are counted, as in the list.
    asked = (lon, lat, lon + 0.01, lat + 0.01)
    for zoom in (12, 14, 16, 18):
        body = _clusters(client, f"bbox={','.join(map(repr, asked))}&zoom={zoom}")
        west, south, east, north = body["bbox"]
        assert west <= asked[0] and south <= asked[1] and east >= asked[2] and north >= asked[3]
        assert body["total"] == _sum(body) == _list_total(client, "", body) == 4
    # A point just outside the widened bbox is not counted, by the map nor by the list.
    grid = clusters.Grid.at(16)
    west, south, east, north = grid.widen(asked)
    _insert(create_user, [(lat + 0.005, west - 1e-5)], title="Draußen")
    body = _clusters(client, f"bbox={','.join(map(repr, asked))}&zoom=16")
    assert body["total"] == _sum(body) == _list_total(client, "", body) == 4
    wider = (west - 2e-5, south, east, north)
    body = _clusters(client, f"bbox={','.join(map(repr, wider))}&zoom=16")
    assert body["total"] == _sum(body) == _list_total(client, "", body) == 5


def test_hidden_proposals_are_not_counted(client, data):
    before = _clusters(client, f"bbox={CITY}&zoom=12")["total"]
    hidden = data["all"][0]
    hidden.moderation_state = "hidden"
    db.session.commit()
    after = _clusters(client, f"bbox={CITY}&zoom=12")
    assert after["total"] == _sum(after) == before - 1 == _list_total(client, "", after)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("zoom=12", "bbox"),
        (f"bbox={CITY}", "zoom"),
        (f"bbox={CITY}&zoom=x", "zoom"),
        (f"bbox={CITY}&zoom=23", "zoom"),
        (f"bbox={CITY}&zoom=-1", "zoom"),
        ("bbox=1,2,3&zoom=12", "bbox"),
        ("bbox=11.1,50.9,11.0,51.0&zoom=12", "bbox"),
        (f"bbox={CITY}&zoom=18", "bbox"),
        (f"bbox={CITY}&zoom=12&limit=5", "limit"),
        (f"bbox={CITY}&zoom=12&status=open", "status"),
        (f"bbox={CITY}&zoom=12&district=x", "district"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, data, query, word):
    response, body = _get(client, f"/api/v1/proposals/clusters?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert word in body["error"]["message"]


def test_messages_are_in_the_language_of_the_person(client, data):
    _r, body = _get(client, f"/api/v1/proposals/clusters?bbox={CITY}&zoom=18")
    assert "zu groß" in body["error"]["message"]


def test_query_count_is_constant(client, data, create_user, count_queries):
    query = f"/api/v1/proposals/clusters?bbox={CITY}&zoom=14"
    scatter(create_user, 5, seed=9)  # a few single proposals from the start
    client.get(query)
    with count_queries() as few:
        client.get(query)
    scatter(create_user, 300)
    with count_queries() as many:
        body = client.get(query).get_json(force=True)
    assert body["total"] == 312
    assert any(not f["properties"].get("cluster") for f in body["features"])
    assert many.count == few.count <= 3


def test_needs_use_the_same_mechanism(client, districts, create_user):
    from app.needs.models import Need

    categories = ensure_categories()
    member = create_user()
    district = districts["23"]  # has a council (the inner-city districts have none)
    lat, lon = district.label_lat, district.label_lon
    # Made through the ORM: the map's counters follow on their own.
    db.session.add_all(
        Need(**values)
        for values in [
            {
                "title": f"Bedarf {i}",
                "description": "x",
                "category_id": categories["education" if i % 2 else "health"].id,
                "council_id": district.council_id,
                "author_id": member.id,
                "author_role": "mayor",
                "lat": lat + i * 0.0005,
                "lon": lon,
                "district_id": district.id,
            }
            for i in range(6)
        ]
    )
    db.session.commit()
    for bbox, zoom, query in (
        (CITY, 11, ""),
        (CITY, 12, "&category=health"),
        (f"{lon - 0.004},{lat - 0.001},{lon + 0.004},{lat + 0.004}", 18, ""),
    ):
        response, body = _get(client, f"/api/v1/needs/clusters?bbox={bbox}&zoom={zoom}{query}")
        assert response.status_code == 200, body
        widened = ",".join(repr(v) for v in body["bbox"])
        _r, listed = _get(client, f"/api/v1/needs?bbox={widened}{query}")
        assert body["total"] == _sum(body) == listed["total"] > 0
    response, body = _get(client, "/api/v1/needs/clusters?zoom=12")
    assert response.status_code == 400 and "bbox" in body["error"]["message"]


def test_map_list_fragment_follows_the_widened_bbox_with_constant_queries(
    client, data, create_user, count_queries
):
    query = f"bbox={CITY}&zoom=12"
    body = _clusters(client, query)
    client.get(f"/karte/liste?{query}")
    with count_queries() as few:
        page = client.get(f"/karte/liste?{query}").get_data(as_text=True)
    bbox = ",".join(str(v) for v in body["bbox"])
    assert f'data-bbox="{bbox}"' in page
    assert "7 Vorschläge in diesem Kartenausschnitt." in page
    scatter(create_user, 300)
    with count_queries() as many:
        page = client.get(f"/karte/liste?{query}").get_data(as_text=True)
    assert "307 Vorschläge in diesem Kartenausschnitt." in page
    assert "Nächste Seite" in page and "data-fragment=" in page
    assert many.count <= few.count + 1  # + the total's count once there are more pages


def test_bad_map_list_filter_is_400_with_message(client, data):
    response = client.get("/karte/liste?bbox=1,2,3&zoom=12")
    assert response.status_code == 400
    assert "bbox" in response.get_data(as_text=True)


def test_needs_clusters_query_count_is_constant(client, districts, create_user, count_queries):
    from app.needs.models import Need

    categories = ensure_categories()
    member = create_user()
    district = districts["23"]

    def add(n, offset):
        db.session.add_all(
            Need(
                title=f"Bedarf {offset + i}",
                description="x",
                category_id=categories["health"].id,
                council_id=district.council_id,
                author_id=member.id,
                author_role="mayor",
                lat=district.label_lat + (offset + i) * 0.0011,
                lon=district.label_lon + (i % 2) * 0.01,
                district_id=district.id,
            )
            for i in range(n)
        )
        db.session.commit()

    add(3, 0)  # apart: single needs, next to each other: a cluster
    query = f"/api/v1/needs/clusters?bbox={CITY}&zoom=14"
    client.get(query)
    with count_queries() as few:
        client.get(query)
    add(20, 2)
    with count_queries() as many:
        body = client.get(query).get_json(force=True)
    assert body["total"] == _sum(body) == 23
    assert many.count == few.count
