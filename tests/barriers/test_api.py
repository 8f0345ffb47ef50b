"""GeoJSON of offers and public barrier reports; the summary endpoint."""

from __future__ import annotations

import pytest

from app.extensions import db


def test_offers_geojson(client, offers):
    data = client.get("/api/v1/offers").get_json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    props = data["features"][0]["properties"]
    assert set(props) == {"id", "name", "type", "type_label", "district", "url"}
    assert props["district"] == "01" and props["type"] == "library"
    assert data["features"][0]["geometry"]["coordinates"] == [11.0265, 50.9785]
    only = client.get("/api/v1/offers?district=13").get_json()["features"]
    assert [f["properties"]["name"] for f in only] == ["Jugendhaus Testweg"]
    box = client.get("/api/v1/offers?bbox=11.02,50.97,11.03,50.98").get_json()["features"]
    assert [f["properties"]["name"] for f in box] == ["Bibliothek Testplatz"]
    assert len(client.get("/api/v1/offers?limit=1").get_json()["features"]) == 1


def test_barriers_geojson_only_public(client, create_user, offers, make_report):
    author = create_user()
    public = make_report(author, offers[0], codes=("transport", "escort"), text="öffentlich")
    make_report(author, offers[1], visibility="administration", text="geheim")
    removed = make_report(author, offers[1])
    removed.moderation_state = "hidden"
    db.session.commit()
    data = client.get("/api/v1/barriers").get_json()
    assert [f["properties"]["id"] for f in data["features"]] == [public.id]
    props = data["features"][0]["properties"]
    assert set(props) == {
        "id",
        "offer_name",
        "barrier_types",
        "barrier_labels",
        "district_from",
        "affected",
        "url",
    }
    assert props["barrier_types"] == ["transport", "escort"] and props["affected"] is None
    assert props["district_from"] == "23" and props["url"] == f"/barrieren/{public.id}"
    # At the offer's place; filters by the district where the marker stands.
    assert data["features"][0]["geometry"]["coordinates"] == [11.0265, 50.9785]
    assert len(client.get("/api/v1/barriers?district=1").get_json()["features"]) == 1
    assert client.get("/api/v1/barriers?district=23").get_json()["features"] == []
    assert client.get("/api/v1/barriers?bbox=11.05,50.90,11.10,50.95").get_json()["features"] == []


@pytest.mark.parametrize("path", ["/api/v1/offers", "/api/v1/barriers"])
@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=11.1,50.9,11.0,51.0",
        "bbox=nan,50,11,51",
        "bbox=11,50,11,inf",
        "district=abc",
        "district=123",
        "limit=0",
        "limit=-5",
        "limit=99999",
        "limit=x",
        "colour=red",
    ],
)
def test_invalid_parameters_are_json_400(client, districts, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]["message"]


def test_summary_rejects_parameters(client, districts):
    response = client.get("/api/v1/barriers/summary?offer=1")
    assert response.status_code == 400 and response.is_json


def test_summary_thresholds_and_counts_people(client, create_user, offers, make_report, app):
    from app.barriers import services

    from .conftest import details

    report = make_report(create_user(), offers[0], codes=("transport", "escort"))
    for _ in range(3):
        services.set_affected(create_user(), report, details(("transport",)))
    # A private report counts too (documented rule).
    make_report(create_user(), offers[0], codes=("transport",), visibility="administration")
    db.session.commit()
    data = client.get("/api/v1/barriers/summary").get_json()
    assert data["threshold"] == 5
    assert data["by_offer"] == [
        {
            "offer_id": offers[0].id,
            "offer": "Bibliothek Testplatz",
            "district": "01",
            "district_name": "Altstadt",
            "cells": {"transport": 5},
            "sum_of_shown_cells": 5,
        }
    ]
    assert data["by_district"][0]["cells"] == {"transport": 5}
    assert data["by_district"][0]["district"] == "23"
    app.config["BARRIER_MIN_CELL"] = 6
    data = client.get("/api/v1/barriers/summary").get_json()
    assert data["by_offer"] == [] and data["by_district"] == []


def test_api_query_counts_do_not_grow(client, create_user, offers, make_report, count_queries):
    author = create_user()
    make_report(author, offers[0])
    for path in ("/api/v1/offers", "/api/v1/barriers", "/api/v1/barriers/summary"):
        client.get(path)
    counts = {}
    with count_queries() as counter:
        for path in ("/api/v1/offers", "/api/v1/barriers"):
            client.get(path)
    counts["few"] = counter.count
    for i in range(10):
        make_report(author, offers[i % 2], district=f"{i + 1:02d}")
    with count_queries() as counter:
        for path in ("/api/v1/offers", "/api/v1/barriers"):
            client.get(path)
    assert counter.count == counts["few"]


def test_registered_for_the_district_profile(app, create_user, offers, make_report, districts):
    from app.indicators.registry import get_input_type

    kind = get_input_type("barrier")
    assert kind is not None
    author = create_user()
    public = make_report(author, offers[0], district="23")
    make_report(author, offers[0], district="23", visibility="administration")
    d23 = districts["23"].id
    with app.test_request_context():
        assert kind.counter(None) == {d23: 1}
        assert kind.counter(public.created_at.year) == {d23: 1}
        assert kind.counter(1999) == {}
        assert kind.lister(d23) == [(public.id, "Bibliothek Testplatz")]
        assert kind.loader(public.id) == ("Bibliothek Testplatz", f"/barrieren/{public.id}", d23)
        assert kind.loader(999999) is None
        assert kind.load_many([public.id, 12345]) == {public.id: kind.loader(public.id)}
