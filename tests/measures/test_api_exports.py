"""``/api/v1/measures`` and the exports (CSV with BOM and ``;``, XLSX, GeoJSON)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from app.extensions import db
from app.measures import services


def test_the_list_api(client, make_measure, indicators, proposal_factory, people, planner):
    measure = make_measure(indicators=[(indicators["sgb2_rate"].id, "down")])
    proposal = proposal_factory(people["author"])
    services.link_input(planner, measure, "proposal", proposal.id)
    db.session.commit()
    body = client.get("/api/v1/measures").get_json()
    assert body["count"] == 1
    item = body["measures"][0]
    assert item["districts"] == ["23"]
    assert item["status"] == "planned" and item["progress"] == 10
    assert item["target_indicators"] == [{"code": "sgb2_rate", "direction": "down"}]
    assert item["linked_inputs"] == [{"type": "proposal", "id": proposal.id}]
    assert client.get("/api/v1/measures?district=05").get_json()["count"] == 0


def test_one_measure(client, make_measure):
    measure = make_measure(milestones=[("Spatenstich", date(2027, 3, 1), False)])
    body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    assert body["milestones"] == [{"title": "Spatenstich", "date": "2027-03-01", "done": False}]
    assert body["description"]["de"] == "Ein neuer Spielplatz."


def test_api_bad_input_is_a_json_error(client):
    for url in ("/api/v1/measures?district=99", "/api/v1/measures?indicator=nothing"):
        response = client.get(url)
        assert response.status_code == 400
        assert response.get_json()["error"]["message"]
    missing = client.get("/api/v1/measures/999999")
    assert missing.status_code == 404
    assert "Maßnahme" in missing.get_json()["error"]["message"]


def test_exports(client, make_measure):
    make_measure(title="Kita =1+1", places=[(50.9870, 11.0006, "Ort")])
    csv = client.get("/massnahmen/export.csv").data
    assert csv.startswith(b"\xef\xbb\xbf")
    header = csv.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("ID;") and ";" in header
    assert "Kita =1+1" in csv.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(client.get("/massnahmen/export.xlsx").data))
    assert workbook.active.max_row == 2
    geo = client.get("/massnahmen/export.geojson").get_json()
    assert geo["features"][0]["geometry"]["type"] == "Point"
    assert geo["features"][0]["properties"]["districts"] == "03, 23"  # the place lies in 03
