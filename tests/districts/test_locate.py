"""Locating a point: every district, outside the city, on a shared boundary; the API."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import shape

from app.districts.services import OutsideCity, get_locator, locate


def test_every_districts_representative_point(districts):
    for number, district in districts.items():
        point = shape(json.loads(district.geometry)).representative_point()
        assert locate(point.y, point.x).number == number


def test_stored_label_point_is_inside(districts):
    for number, district in districts.items():
        assert locate(district.label_lat, district.label_lon).number == number


@pytest.mark.parametrize(
    "lat,lon",
    [(52.52, 13.405), (50.9, 11.03), (51.1, 11.03), (50.98, 10.8), (50.98, 11.25), (0, 0)],
)
def test_points_outside_erfurt_are_refused(districts, lat, lon):
    with pytest.raises(OutsideCity):
        locate(lat, lon)


def test_point_on_a_shared_boundary_gets_the_lower_number(districts):
    a = shape(json.loads(districts["23"].geometry))
    b = shape(json.loads(districts["05"].geometry))
    shared = a.boundary.intersection(b.boundary)
    assert shared.length > 0, "Moskauer Platz and Berliner Platz are neighbours"
    for lon, lat in shapely.get_coordinates(shared)[:20]:
        assert a.covers(shapely.Point(lon, lat)) and b.covers(shapely.Point(lon, lat))
        answers = {locate(lat, lon).number for _ in range(3)}
        assert answers == {"05"}, "the lower number wins on a shared boundary"


def test_locator_is_built_once(districts, monkeypatch):
    first = get_locator()
    assert get_locator() is first


def test_api_locate(client, districts):
    d = districts["23"]
    response = client.get(f"/api/v1/locate?lat={d.label_lat}&lon={d.label_lon}")
    assert response.status_code == 200
    assert response.json == {"number": "23", "name": "Moskauer Platz"}


def test_api_locate_outside_is_404(client, districts):
    response = client.get("/api/v1/locate?lat=52.52&lon=13.405")
    assert response.status_code == 404
    assert "außerhalb von Erfurt" in response.json["error"]["message"]


@pytest.mark.parametrize(
    "query,word",
    [
        ("", "lat"),
        ("lat=50.98", "lon"),
        ("lon=11.03", "lat"),
        ("lat=&lon=11.03", "lat"),
        ("lat=abc&lon=11.03", "lat"),
        ("lat=50.98&lon=elf", "lon"),
        ("lat=nan&lon=11.03", "lat"),
        ("lat=inf&lon=11.03", "lat"),
        ("lat=91&lon=11.03", "lat"),
        ("lat=50.98&lon=-181", "lon"),
    ],
)
def test_api_locate_bad_input_is_400(client, districts, query, word):
    response = client.get(f"/api/v1/locate?{query}")
    assert response.status_code == 400
    assert response.is_json
    assert (
        f"„{word}“" in response.json["error"]["message"]
        or word in response.json["error"]["message"]
    )


def test_api_locate_message_in_english(client, districts):
    client.post("/sprache", data={"lang": "en"})
    response = client.get("/api/v1/locate?lat=abc&lon=11")
    assert response.json["error"]["message"] == "The parameter “lat” must be a number."
