"""Places on item pages: the district, the address, and a small static sketch of the district
with the point and its words ("im Nordosten des Ortsteils …") — no raw coordinates; the
coordinates stay in the API."""

from __future__ import annotations

import re

import pytest

from app.districts import sketch
from app.extensions import db
from app.proposals import services as proposals


@pytest.fixture
def moskauer_platz(districts):
    return districts["23"]


def test_position_in_the_district(app, moskauer_platz):
    min_lon, min_lat, max_lon, max_lat = sketch.outline(moskauer_platz).bounds
    mid_lon, mid_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    assert sketch.position(moskauer_platz, mid_lat, mid_lon) == "centre"
    assert sketch.position(moskauer_platz, max_lat, mid_lon) == "n"
    assert sketch.position(moskauer_platz, min_lat, mid_lon) == "s"
    assert sketch.position(moskauer_platz, mid_lat, max_lon) == "e"
    assert sketch.position(moskauer_platz, mid_lat, min_lon) == "w"
    assert sketch.position(moskauer_platz, max_lat, max_lon) == "ne"
    assert sketch.position(moskauer_platz, min_lat, min_lon) == "sw"


def test_the_sketch_draws_the_outline_and_the_point_inside_its_box(app, moskauer_platz):
    lat, lon = moskauer_platz.label_lat, moskauer_platz.label_lon
    with app.test_request_context():
        drawn = str(sketch.svg(moskauer_platz, lat, lon))
    assert drawn.startswith("<svg") and 'aria-hidden="true"' in drawn
    assert re.search(r'<path d="M[\d.]+,[\d.]+ L', drawn)
    cx, cy = (float(v) for v in re.search(r'cx="([\d.]+)" cy="([\d.]+)"', drawn).groups())
    assert 0 < cx < sketch.WIDTH and 0 < cy < sketch.HEIGHT
    assert "style=" not in drawn  # CSP: presentation attributes only


def test_item_page_shows_district_address_and_sketch_not_coordinates(
    client, people, moskauer_platz, categories
):
    place = proposals.place_from_point(
        moskauer_platz.label_lat, moskauer_platz.label_lon, "Moskauer Straße 5"
    )
    proposal = proposals.create_proposal(
        people["author"],
        title="Bänke",
        description="Zum Ausruhen.",
        category=categories["other"],
        place=place,
    )
    db.session.commit()
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    facts = re.search(r'<dl class="facts">.*?</dl>', page, re.S).group(0)
    assert "23 Moskauer Platz" in facts and "Moskauer Straße 5" in facts
    assert '<figure class="place-sketch">' in facts and "<svg" in facts
    assert re.search(
        r"<figcaption>Der Ort liegt (im|in der) \w+ des Ortsteils 23 Moskauer Platz\.", facts
    )
    for coordinate in (proposal.lat, proposal.lon):
        assert f"{coordinate:.4f}" not in facts
    assert "Koordinaten" not in page
    features = client.get("/api/v1/proposals?district=23").get_json()["features"]
    [feature] = [f for f in features if f["properties"]["id"] == proposal.id]
    assert feature["geometry"]["coordinates"] == pytest.approx([proposal.lon, proposal.lat])


def test_without_a_point_no_sketch(client, people, proposal_factory):
    proposal = proposal_factory(people["author"], address="Am Spielplatz")
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    facts = re.search(r'<dl class="facts">.*?</dl>', page, re.S).group(0)
    assert "Am Spielplatz" in facts and "irgendwo im Ortsteil" in facts
    assert "<svg" not in facts


def test_need_page_in_english(client, people, districts, categories):
    from app.needs import services as needs

    district = districts["23"]
    need = needs.create_need(
        people["mayor"],
        district.council,
        title="Jugendraum",
        description="Ein Raum fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_point(district.council, district.label_lat, district.label_lon),
    )
    db.session.commit()
    client.post("/sprache", data={"lang": "en"})
    page = client.get(f"/bedarfe/{need.id}").get_data(as_text=True)
    assert re.search(r"<figcaption>The place lies in the \S+ of the district 23 Moskauer", page)
    assert "coordinates" not in page
