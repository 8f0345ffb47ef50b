"""Exports of the inbox's current filter: CSV for German Excel, XLSX, GeoJSON; planners only;
only the filtered rows; barrier reports without personal details."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from app.backoffice import services
from app.extensions import db
from app.workflow import services as workflow

from .conftest import INBOX

EXPORT = INBOX + "export"


@pytest.fixture
def scene(make_proposal, make_need, make_report):
    wanted, _ = make_proposal(title="Spielplatz am Teich", number="25", category="green-play")
    make_proposal(title="Mehr Bänke", number="23")
    need, _ = make_need(number="23")
    report, _ = make_report(number="25")
    return wanted, need, report


def _csv(response) -> list[list[str]]:
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_contains_only_the_filtered_rows(client, login_as, people, scene):
    wanted, _need, _report = scene
    login_as(people["planner"])
    response = client.get(EXPORT + ".csv", query_string={"district": "25", "type": "proposal"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *body = _csv(response)
    assert header[0] == "ID" and len(header) == 19
    assert header[13:15] == ["Unterstützungen", "Kommentare"]
    assert len(body) == 1
    row = body[0]
    assert row[0] == str(wanted.id) and row[1] == "proposal"
    assert row[2] == "Spielplatz am Teich"
    assert row[3] == "25"  # district number as text (leading zeros survive)
    assert row[6] == "Neu" and row[7] == "open"
    assert row[13] == "0" and row[14] == "0"  # supports, comments
    assert row[15] == ""  # no tags
    assert row[16].startswith("http") and row[16].endswith(str(wanted.id))
    assert row[17] and row[18]  # lat, lon


def test_csv_keeps_leading_zero_of_district_numbers(client, login_as, people, make_proposal):
    make_proposal(number="01")
    login_as(people["planner"])
    _header, row = _csv(client.get(EXPORT + ".csv"))
    assert row[3] == "01"


def test_xlsx_opens_and_holds_the_filter(client, login_as, people, scene):
    login_as(people["planner"])
    response = client.get(EXPORT + ".xlsx", query_string={"type": "need"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "need"


def test_geojson_points_are_lon_lat(client, login_as, people, scene, districts):
    wanted, _need, _report = scene
    login_as(people["planner"])
    response = client.get(EXPORT + ".geojson", query_string={"q": "Spielplätze"})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == 1
    feature = data["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert (round(lat, 4), round(lon, 4)) == (round(wanted.lat, 4), round(wanted.lon, 4))
    assert 50 < lat < 51.5 and 10.5 < lon < 11.5  # Erfurt, in the order lon, lat
    assert feature["properties"]["id"] == str(wanted.id)


def test_barrier_reports_without_personal_details(client, login_as, people, scene):
    login_as(people["planner"])
    response = client.get(EXPORT + ".csv", query_string={"type": "barrier_report"})
    text = response.data.decode("utf-8-sig")
    header, *body = _csv(response)
    assert len(body) == 1
    for private in ("30_49", "self", "not_stated", people["citizen"].display_name):
        assert private not in text


@pytest.mark.parametrize("role", ["mayor", "council_member", "citizen"])
def test_export_is_for_planners_only(client, login_as, people, role):
    login_as(people[role])
    for fmt in ("csv", "xlsx", "geojson"):
        assert client.get(f"{EXPORT}.{fmt}").status_code == 403


def test_export_with_a_bad_filter_shows_the_message(client, login_as, people):
    login_as(people["planner"])
    response = client.get(EXPORT + ".csv", query_string={"district": "99"})
    assert response.status_code == 400
    assert 'id="filter-message"' in response.get_data(as_text=True)


def test_export_pages_through_batches(app, people, make_proposal, monkeypatch):
    """More rows than one batch: all of them come, in keyset batches."""
    monkeypatch.setattr(services, "EXPORT_BATCH", 3)
    made = {make_proposal(title=f"Bank {n}", commit=False)[0].id for n in range(8)}
    db.session.commit()
    filters = services.parse_filters({}, people["planner"])
    with app.test_request_context():
        found = [row.target_id for row in services.export_rows(filters, None)]
    assert sorted(found) == sorted(made)
    assert workflow.item_for("proposal", found[0]) is not None


def test_the_export_is_logged(client, login_as, people, scene):
    from sqlalchemy import select

    from app.core.audit import AuditEntry

    login_as(people["planner"])
    client.get(EXPORT + ".csv", query_string={"district": "25"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "backoffice.exported"))
    assert entry is not None and entry.actor_id == people["planner"].id
    assert entry.after == {"format": "csv", "filters": {"district": "25"}}


def test_barrier_reports_carry_their_place_only_in_the_internal_export(
    client, login_as, people, barrier_report_factory
):
    """The barrier's place (its offer's) is in the planners' export, logged; the report's
    public page shows no coordinates."""
    from app.barriers import services as barriers

    barriers.load_offer_types()
    offer_type = barriers.offer_types()[0]
    offer = barriers.save_offer(
        None,
        None,
        name="Bibliothek Test",
        type_id=offer_type.id,
        address="Teststraße 1",
        provider="Träger",
        lat=50.97531,
        lon=11.02468,
    )
    report = barrier_report_factory(people["citizen"], number="23", offer=offer)
    login_as(people["planner"])
    _header, row = _csv(client.get(EXPORT + ".csv", query_string={"type": "barrier_report"}))
    assert (float(row[17]), float(row[18])) == (50.97531, 11.02468)
    geo = json.loads(client.get(EXPORT + ".geojson", query_string={"type": "barrier_report"}).data)
    assert geo["features"][0]["geometry"]["coordinates"] == [11.02468, 50.97531]
    client.get("/abmelden")
    page = client.get(f"/barrieren/{report.id}")
    assert page.status_code == 200 and "50.97531" not in page.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_streamed_exports_stay_streamed_and_uncompressed(client, login_as, people, scene, fmt):
    """Compression buffers its output; the exports must send their first rows at once."""
    login_as(people["planner"])
    response = client.get(
        f"{EXPORT}.{fmt}", headers={"Accept-Encoding": "br, gzip"}, buffered=False
    )
    assert response.status_code == 200
    assert response.is_streamed
    assert "Content-Encoding" not in response.headers
    assert "Content-Length" not in response.headers
    body = b"".join(response.response)
    response.close()
    if fmt == "geojson":
        assert json.loads(body)["type"] == "FeatureCollection"
    elif fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")
    else:
        assert body.startswith(b"PK")


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_the_lighter_export_writes_the_same_bytes(
    client, login_as, people, scene, barrier_report_factory, make_proposal, fmt, monkeypatch
):
    """Same rows, same bytes: the export's lighter loading (no joined authors, related rows
    once per batch, links from a template) against the page's way (every input as its
    model loads it, ``url_for`` per row), with several batches and every type (a barrier
    report with its offer's name and place)."""
    from app.barriers import services as barriers

    barriers.load_offer_types()
    offer = barriers.save_offer(
        None,
        None,
        name="Stadtteilbibliothek",
        type_id=barriers.offer_types()[0].id,
        address="Weg 2",
        provider="Träger",
        lat=50.98765,
        lon=11.01234,
    )
    barrier_report_factory(people["citizen"], number="23", offer=offer)
    for n in range(5):
        make_proposal(title=f'=Formel {n}; "zitiert"', number="01")
    monkeypatch.setattr(services, "EXPORT_BATCH", 3)
    login_as(people["planner"])
    lighter = client.get(f"{EXPORT}.{fmt}").data

    def page_loading(content_type, ids, keep):
        return content_type.get_many_any(ids)

    monkeypatch.setattr(services, "_load_for_export", page_loading)
    monkeypatch.setattr(services, "_url_template", lambda content_type, sample: None)
    reference = client.get(f"{EXPORT}.{fmt}").data
    assert lighter.count(b"Stadtteilbibliothek") == 1
    assert lighter.count(b"Formel") == 5
    assert lighter == reference


def test_export_queries_do_not_grow_with_the_rows(
    client, login_as, people, make_proposal, make_need, make_report, count_queries
):
    """Per batch a fixed number of statements, whatever the types' related rows."""
    login_as(people["planner"])
    make_proposal()
    make_need()
    make_report()
    client.get(EXPORT + ".csv")  # warm caches
    with count_queries() as few:
        assert client.get(EXPORT + ".csv").status_code == 200
    for _ in range(6):
        make_proposal()
        make_need()
        make_report()
    with count_queries() as many:
        assert client.get(EXPORT + ".csv").status_code == 200
    assert many.count == few.count
