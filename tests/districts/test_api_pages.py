"""The districts GeoJSON, the start page and the district page."""

from __future__ import annotations

import json

import shapely
from shapely.geometry import shape


def test_districts_geojson(client, districts):
    response = client.get("/api/v1/districts")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.json if response.is_json else json.loads(response.data)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 53
    props = {f["properties"]["number"]: f["properties"] for f in features}
    assert props["23"] == {"number": "23", "name": "Moskauer Platz", "council": "Moskauer Platz"}
    assert props["01"]["council"] is None
    assert props["05"]["number"] == "05"


def test_browser_shapes_are_small_and_topology_preserving(client, districts):
    data = client.get("/api/v1/districts").data
    assert len(data) <= 150 * 1024, f"{len(data)} bytes"
    shapes = [shape(f["geometry"]) for f in json.loads(data)["features"]]
    assert all(s.is_valid for s in shapes)
    # Shared edges stay shared: no overlaps between neighbours (beyond rounding).
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            if a.intersects(b):
                assert a.intersection(b).area < 1e-9
    full = shapely.union_all([shape(json.loads(d.geometry)) for d in districts.values()])
    simplified = shapely.union_all(shapes)
    assert abs(full.area - simplified.area) / full.area < 0.005


def test_districts_api_uses_a_constant_number_of_queries(client, districts, count_queries):
    client.get("/api/v1/districts")
    with count_queries() as counter:
        client.get("/api/v1/districts")
    assert counter.count <= 1


def test_start_page_lists_all_districts(client, districts):
    html = client.get("/").get_data(as_text=True)
    for number, district in districts.items():
        assert f'href="/ortsteile/{number}"' in html
        assert district.name in html
    assert 'id="district-map"' in html
    assert "Ortsteilgrenzen: &copy; Landeshauptstadt Erfurt" in html
    assert 'href="/anmelden"' in html and 'href="/registrieren"' in html


def test_start_page_query_count_is_constant(client, districts, count_queries):
    with count_queries() as counter:
        assert client.get("/").status_code == 200
    # the district index and the map's districts (once per process), and one query each
    # for the newest proposals, needs and answers (tests/site/test_start_page.py)
    assert counter.count <= 5, "\n".join(s[:80] for s in counter.statements)


def test_district_page_shows_council_and_people(client, districts, create_user):
    create_user("mayor", council="23", name="Erika Muster")
    create_user("council_member", council="23", name="Max Beispiel")
    create_user("mayor", council="25", name="Andere Person")
    html = client.get("/ortsteile/23").get_data(as_text=True)
    assert "Moskauer Platz" in html and ">23</span>" in html
    assert "Ortsteilrat Moskauer Platz" in html
    assert "Erika Muster – Ortsteilbürgermeister/in" in html
    assert "Max Beispiel – Ortsteilratsmitglied" in html
    assert "Andere Person" not in html
    assert html.index("Erika Muster") < html.index("Max Beispiel")


def test_district_page_people_query_count(client, districts, create_user, count_queries):
    for _ in range(6):
        create_user("council_member", council="23")
    with count_queries() as counter:
        client.get("/ortsteile/23")
    few = counter.count
    for _ in range(6):
        create_user("council_member", council="23")
    with count_queries() as counter:
        client.get("/ortsteile/23")
    assert counter.count == few


def test_district_without_council(client, districts):
    html = client.get("/ortsteile/01").get_data(as_text=True)
    assert "keinen eigenen Ortsteilrat" in html


def test_unknown_district_is_404(client, districts):
    assert client.get("/ortsteile/99").status_code == 404
    assert client.get("/ortsteile/abc").status_code == 404


def test_deleted_user_is_not_listed(client, districts, create_user):
    from app.accounts.services import delete_account
    from app.extensions import db

    mayor = create_user("mayor", council="23", name="Weg Person")
    delete_account(mayor)
    db.session.commit()
    assert "Weg Person" not in client.get("/ortsteile/23").get_data(as_text=True)


def test_health_endpoint(client):
    assert client.get("/api/v1/health").json == {"status": "ok"}


def test_district_can_be_followed_from_its_page(client, districts, create_user, login):
    from app.notifications import services as notifications

    user = create_user()
    login(user)
    html = client.get("/ortsteile/23").get_data(as_text=True)
    assert f'action="/folgen/district/{districts["23"].id}"' in html
    client.post(f"/folgen/district/{districts['23'].id}", data={"next": "/ortsteile/23"})
    assert notifications.is_following(user, "district", districts["23"].id)
    assert f'action="/nicht-mehr-folgen/district/{districts["23"].id}"' in client.get(
        "/ortsteile/23"
    ).get_data(as_text=True)
