"""The district shapes are deferred columns: loaded only where they are used."""

from __future__ import annotations

from app.districts import services
from app.extensions import db


def test_reloading_the_districts_reads_the_shapes_in_one_query(districts, count_queries):
    """Comparing the stored shapes on a reload selects them with the districts (no query per
    district for a deferred column)."""
    db.session.expunge_all()
    with count_queries() as counter:
        report = services.load_districts()
    assert report.districts_created == report.districts_updated == 0
    assert counter.count <= 10, counter.statements


def test_locate_and_the_districts_geojson_still_read_the_shapes(client, districts):
    services.reset_caches()
    db.session.expunge_all()
    assert services.locate(50.9785, 11.0265).number == "01"
    body = client.get("/api/v1/districts").get_json(force=True)
    assert len(body["features"]) == 53
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in body["features"])
