"""CSV export (German Excel) and the print view of the council's public inputs."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.core.time import utcnow
from app.extensions import db

from .conftest import URL


def _scene(make_proposal, make_need, people, app):
    from app.comments import services as comments
    from app.responses import services as responses
    from app.responses.targets import get_respondable

    answered = make_proposal(
        title="Grünfläche am Moskauer Platz",
        address="Moskauer Straße 5",
        supports=2,
        category="green-play",
    )
    make_proposal(title='=HYPERLINK("http://evil.example")', supports=1)
    make_proposal(title="Versteckter Vorschlag", state="hidden")
    make_proposal(title="Wartender Vorschlag", state="pending_approval")
    make_proposal(title="Vorschlag Johannesplatz", number="25")
    make_need("Straßenbeleuchtung Übergang")
    make_need("Versteckter Bedarf", state="hidden")
    comments.add_comment(people["citizen"], "proposal", answered.id, "Gute Idee")
    db.session.commit()
    with app.test_request_context():
        responses.respond(
            people["mayor"],
            get_respondable("proposal"),
            answered,
            "Der Ortsteilrat unterstützt den Vorschlag. " + "Sehr ausführlich. " * 40,
        )
        db.session.commit()
    return answered


def test_csv_for_german_excel(client, login, people, make_proposal, make_need, app):
    answered = _scene(make_proposal, make_need, people, app)
    login(people["member"])
    response = client.get(URL + "export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = utcnow().date().isoformat()
    assert (
        f'filename="ortsteilrat-moskauer-platz-{today}.csv"'
        in response.headers["Content-Disposition"]
    )
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(header) == 12
    assert header[11] == "Link"  # the address of the page (it said "Verknüpfen", the verb)
    titles = [row[2] for row in body]
    assert "Grünfläche am Moskauer Platz" in titles  # umlauts round-trip
    assert "Straßenbeleuchtung Übergang" in titles
    assert '\'=HYPERLINK("http://evil.example")' in titles  # formula defused
    for hidden in ("Versteckter Vorschlag", "Wartender Vorschlag", "Versteckter Bedarf"):
        assert hidden not in text
    assert "Vorschlag Johannesplatz" not in text
    row = next(r for r in body if r[2] == "Grünfläche am Moskauer Platz")
    assert row[1] == str(answered.id)
    assert row[3] == "23 Moskauer Platz"
    assert row[6] == "Moskauer Straße 5"
    assert (row[7], row[8], row[9]) == ("2", "1", "1")  # supports, comments, responses
    assert row[10] == today
    assert row[11].endswith(f"/vorschlaege/{answered.id}") and row[11].startswith("http")
    assert body[0][2] == "Grünfläche am Moskauer Platz"  # most supported first


def test_print_view(client, login, people, make_proposal, make_need, app, english):
    _scene(make_proposal, make_need, people, app)
    login(people["mayor"])
    response = client.get(URL + "druckansicht")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "css/print.css" in page
    assert "print function (Ctrl+P)" in page
    for shown in (
        "Grünfläche am Moskauer Platz",
        "Moskauer Straße 5",
        "2 supports",
        "Straßenbeleuchtung Übergang",
        "Official response · District mayor · District council Moskauer Platz",
        "Der Ortsteilrat unterstützt den Vorschlag.",
    ):
        assert shown in page, shown
    for absent in ("Versteckter Vorschlag", "Wartender Vorschlag", "Versteckter Bedarf"):
        assert absent not in page
    assert "Sehr ausführlich. " * 30 not in page  # the response text is shortened
    assert " …" in page
    assert page.index("Grünfläche am Moskauer Platz") < page.index("Straßenbeleuchtung Übergang")


def test_print_stylesheet_rules(app):
    from pathlib import Path

    css = (Path(app.static_folder) / "css" / "print.css").read_text()
    assert "@media print" in css
    for rule in (".site-header", ".site-footer", "attr(href)", "break-inside: avoid", "11pt"):
        assert rule in css, rule


def _proposal_at_a_point(make_proposal, districts):
    district = districts["23"]
    return make_proposal(
        title="Bank am Moskauer Platz",
        point=(district.label_lat + 0.0005, district.label_lon + 0.0005),
        supports=5,
    )


def test_xlsx_has_the_rows_and_columns_of_the_csv(
    client, login, people, make_proposal, make_need, app, districts
):
    from openpyxl import load_workbook

    answered = _scene(make_proposal, make_need, people, app)
    _proposal_at_a_point(make_proposal, districts)
    login(people["member"])
    text = client.get(URL + "export.csv").get_data().decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    response = client.get(URL + "export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = utcnow().date().isoformat()
    assert (
        f'filename="ortsteilrat-moskauer-platz-{today}.xlsx"'
        in response.headers["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:L{len(csv_rows)}"
    assert all(cell.font.b for cell in sheet[1])
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == csv_rows[0]
    as_text = [
        ["" if v is None else v.date().isoformat() if hasattr(v, "date") else str(v) for v in r]
        for r in rows[1:]
    ]
    assert as_text == csv_rows[1:]  # the same rows, in the same order
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == answered.title)
    assert (row[1].value, row[1].data_type) == (str(answered.id), "s")  # the id as text
    assert (row[7].value, row[7].data_type) == (2, "n")  # supports as a number
    assert row[10].is_date and row[10].value.date().isoformat() == today


def test_geojson_for_qgis(client, login, people, make_proposal, make_need, app, districts):
    _scene(make_proposal, make_need, people, app)
    placed = _proposal_at_a_point(make_proposal, districts)
    login(people["planner"])
    response = client.get(URL + "export.geojson")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    features = {f["properties"]["title"]: f for f in data["features"]}
    assert len(features) == 4  # the public inputs, as in the CSV
    feature = features["Bank am Moskauer Platz"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) == (pytest.approx(placed.lat), pytest.approx(placed.lon))
    assert 10.9 <= lon <= 11.2 and 50.9 <= lat <= 51.1  # [lon, lat] in Erfurt
    assert feature["properties"]["id"] == str(placed.id)
    assert feature["properties"]["supports"] == 5
    assert feature["properties"]["district"] == "23 Moskauer Platz"
    # placed "somewhere in the district": the label point is no place, so no geometry
    assert features["Straßenbeleuchtung Übergang"]["geometry"] is None
    assert features["Grünfläche am Moskauer Platz"]["geometry"] is None


def test_export_links_on_the_dashboard(client, login, people, english):
    login(people["member"])
    page = client.get(URL).get_data(as_text=True)
    for href, text in [
        (URL + "export.csv", "Export public inputs as CSV (Excel)"),
        (URL + "export.xlsx", "Export public inputs as an Excel workbook (XLSX)"),
        (URL + "export.geojson", "Export public inputs with their map points as GeoJSON"),
    ]:
        assert f'href="{href}"' in page and text in page
