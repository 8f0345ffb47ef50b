"""The indicator API's answers carry an ETag: browsers ask again each time (no-cache) and get
304 while nothing changed; a change gives a new ETag."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.indicators import catalogue


@pytest.mark.parametrize("fmt", ["json", "geojson", "csv"])
def test_indicator_answers_revalidate(client, demo, fmt):
    code = catalogue.list_indicators()[0].code
    for path, query in (
        ("/api/v1/indicators", {}),
        (f"/api/v1/indicators/{code}", {"format": fmt}),
        ("/api/v1/social-index", {"format": fmt}),
    ):
        first = client.get(path, query_string=query)
        assert first.status_code == 200, path
        assert first.headers["Cache-Control"] == "public, no-cache"
        etag = first.headers["ETag"]
        again = client.get(path, query_string=query, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.get_data() == b""


def test_a_change_gives_a_new_etag(client, demo):
    item = catalogue.list_indicators()[0]
    first = client.get("/api/v1/indicators")
    item.name_de = item.name_de + " (neu)"
    db.session.commit()
    changed = client.get("/api/v1/indicators", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert any(i["name"]["de"].endswith("(neu)") for i in changed.json["indicators"])


def test_errors_are_not_cached(client, demo):
    response = client.get("/api/v1/indicators/no-such-code")
    assert response.status_code == 404
    assert "ETag" not in response.headers
