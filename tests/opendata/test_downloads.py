"""The downloads of /daten/ open in their real clients: the CSV round-trips through Python's
csv module with the BOM and keeps "01", the XLSX opens in openpyxl with typed cells, the
GeoJSON opens in GDAL's ogrinfo with the right feature count and geometry type (skipped
without ogrinfo – a failure in CI). Nothing personal and nothing unpublished is in them."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook
from shapely.geometry import shape

from app.barriers import services as barrier_services
from app.extensions import db
from app.indicators.demo import load_demo_data
from app.opendata import datasets, registry

from .conftest import AUTHOR_EMAIL, AUTHOR_NAME, HIDDEN_TITLE

OGRINFO = shutil.which("ogrinfo")


def _csv(client, key: str) -> list[list[str]]:
    response = client.get(f"/daten/{key}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    assert not raw[3:].startswith(b"sep="), "never a sep= line"
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _by_header(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def test_page_lists_every_dataset_with_licence_and_dates(client, scene, keys):
    page = client.get("/daten/").get_data(as_text=True)
    assert page.count('class="dataset"') == len(keys) == 8
    for key in keys:
        dataset = registry.get(key)
        assert f'id="{key}"' in page
        for fmt in dataset.formats:
            assert f'href="/daten/{key}.{fmt}"' in page
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page
    assert 'href="https://www.govdata.de/dl-de/by-2-0"' in page
    assert "bitte nennen Sie als Quelle: Landeshauptstadt Erfurt" in page
    assert 'href="/daten/catalog.jsonld"' in page and 'href="/daten/catalog.ttl"' in page
    assert "<time datetime=" in page  # the latest change of the data
    assert 'href="/daten/"' in client.get("/").get_data(as_text=True)  # the footer link


def test_page_in_english(client, scene, english):
    page = client.get("/daten/").get_data(as_text=True)
    assert "<h1>Open data</h1>" in page and "District boundaries" in page
    assert "please name the source as: Landeshauptstadt Erfurt" in page


def test_empty_dataset_says_so(client, districts):
    page = client.get("/daten/").get_data(as_text=True)
    assert "Noch keine Daten" in page


@pytest.mark.parametrize("key", ["vorschlaege", "bedarfe", "angebote", "barrieren", "ortsteile"])
def test_csv_round_trips_with_bom_and_leading_zeros(client, scene, key):
    rows = _csv(client, key)
    dataset = registry.get(key)
    assert len(rows[0]) == len(dataset.columns)
    assert all(len(row) == len(rows[0]) for row in rows)
    numbers = [row["Ortsteilnummer"] for row in _by_header(rows)]
    assert numbers and all(re.fullmatch(r"\d\d", n) for n in numbers)
    if key in ("vorschlaege", "angebote", "ortsteile"):
        assert "01" in numbers  # the leading zero is kept


def test_proposals_are_the_published_ones_without_names(client, scene):
    rows = _by_header(_csv(client, "vorschlaege"))
    assert sorted(r["Titel"] for r in rows) == ["Bänke am Anger", "Spielplatz", "Treffpunkt"]
    by_title = {r["Titel"]: r for r in rows}
    assert by_title["Bänke am Anger"]["Unterstützungen"] == "2"
    assert by_title["Bänke am Anger"]["Ortsteilnummer"] == "01"
    assert by_title["Treffpunkt"]["Breitengrad"] == ""  # only "in the district": no point
    assert by_title["Bänke am Anger"]["Webseite"].startswith("http://localhost/vorschlaege/")


def test_xlsx_has_typed_cells(client, scene):
    response = client.get("/daten/vorschlaege.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    row = dict(zip(header, next(r for r in rows if r[1] == "Bänke am Anger"), strict=True))
    assert row["Unterstützungen"] == 2 and isinstance(row["Unterstützungen"], int)
    assert isinstance(row["Breitengrad"], float) and 50 < row["Breitengrad"] < 51
    assert isinstance(row["Erstellt"], datetime)
    assert row["Ortsteilnummer"] == "01" and row["ID"] == str(scene["proposals"][0].id)


def test_xlsx_of_districts_has_numbers(client, districts):
    sheet = load_workbook(io.BytesIO(client.get("/daten/ortsteile.xlsx").get_data())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 53
    area = header.index("Fläche (km²)")
    assert all(isinstance(row[area], float) and row[area] > 0 for row in rows)
    assert rows[0][0] == "01"


def _ogrinfo(path) -> tuple[int, str]:
    out = subprocess.run(
        [OGRINFO, "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True
    ).stdout
    count = int(re.search(r"Feature Count: (\d+)", out).group(1))
    geometry = re.search(r"Geometry: (.+)", out).group(1).strip()
    return count, geometry


@pytest.mark.parametrize(
    "key,count,geometry",
    [
        ("vorschlaege", 3, "Point"),
        ("bedarfe", 1, "Point"),
        ("angebote", 2, "Point"),
        ("ortsteile", 53, "Multi Polygon"),  # one geometry type for the layer
    ],
)
def test_geojson_opens_in_ogrinfo(client, scene, tmp_path, key, count, geometry):
    response = client.get(f"/daten/{key}.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_data()
    collection = json.loads(body)
    assert "crs" not in collection  # RFC 7946: WGS 84 only
    points = [f["geometry"] for f in collection["features"] if f["geometry"]]
    for geometry_found in points:
        first = geometry_found["coordinates"]
        while isinstance(first[0], list):
            first = first[0]
        lon, lat = first
        assert 10.8 < lon < 11.2 and 50.8 < lat < 51.1  # [lon, lat]
    if OGRINFO is None:
        pytest.skip("GDAL's ogrinfo is not installed (Debian: gdal-bin)")
    path = tmp_path / f"{key}.geojson"
    path.write_bytes(body)
    found_count, found_geometry = _ogrinfo(path)
    assert (found_count, found_geometry) == (count, geometry)


def test_polygons_follow_the_right_hand_rule(client, districts):
    collection = client.get("/daten/ortsteile.geojson").get_json(force=True)
    for feature in collection["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in shape(feature["geometry"]).geoms:
            assert polygon.exterior.is_ccw  # RFC 7946 section 3.1.6


def test_barrier_aggregates_are_thresholded_like_the_public_pages(client, scene):
    rows = _by_header(_csv(client, "barrieren"))
    summary = barrier_services.summary()
    expected = sorted(
        (table, entry["district"], code, str(n))
        for table, key in (("offer", "by_offer"), ("district_from", "by_district"))
        for entry in summary[key]
        for code, n in entry["cells"].items()
    )
    found = sorted(
        (r["Tabelle"], r["Ortsteilnummer"], r["Barriereart-Code"], r["Betroffene Personen"])
        for r in rows
    )
    assert found == expected
    assert ("offer", "01", "transport", "5") in found
    assert all(int(r["Betroffene Personen"]) >= 5 for r in rows)
    assert not any(r["Barriereart-Code"] == "offer_cost" for r in rows)  # 2 people: left out


def test_no_download_holds_a_personal_detail_or_a_hidden_item(client, scene, keys):
    markers = [AUTHOR_NAME, AUTHOR_EMAIL, "Erika Bürgermeisterin", "Namensprobe", HIDDEN_TITLE]
    markers += ["80_plus", "client", "age_group", "participation_benefits", "@example.org"]
    checked = 0
    for key in keys:
        for fmt in registry.get(key).formats:
            response = client.get(f"/daten/{key}.{fmt}")
            assert response.status_code == 200
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(response.get_data())).active
                text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
            else:
                text = response.get_data(as_text=True)
            for marker in markers:
                assert marker not in text, f"{marker!r} in /daten/{key}.{fmt}"
            checked += 1
    assert checked == 5 * 3 + 3 * 2


def test_unknown_dataset_or_format_is_404(client, districts):
    assert client.get("/daten/unbekannt.csv").status_code == 404
    assert client.get("/daten/indikatoren.geojson").status_code == 404
    assert client.get("/daten/vorschlaege.pdf").status_code == 404


def test_validators_answer_304_until_the_data_changes(client, scene, proposal_factory):
    first = client.get("/daten/vorschlaege.csv")
    first.get_data()
    tag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = client.get("/daten/vorschlaege.csv", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.get_data()
    since = client.get(
        "/daten/vorschlaege.csv", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    proposal = scene["proposals"][1]
    proposal.title = "Spielplatz, größer"
    db.session.commit()
    changed = client.get("/daten/vorschlaege.csv", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Spielplatz, größer" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != tag
    # the language of the headers is part of the tag
    client.post("/sprache", data={"lang": "en"})
    english = client.get(
        "/daten/vorschlaege.csv", headers={"If-None-Match": changed.headers["ETag"]}
    )
    assert english.status_code == 200 and "Title" in english.get_data(as_text=True)


def test_indicators_and_social_index_per_district_and_year(client, districts):
    load_demo_data()
    db.session.commit()
    values = _by_header(_csv(client, "indikatoren"))
    assert values and {r["Ortsteilnummer"] for r in values} >= {"01", "53"}
    assert all(re.fullmatch(r"20\d\d", r["Jahr"]) for r in values)
    assert all(r["Synthetische Demodaten"] == "1" for r in values)
    index = _by_header(_csv(client, "sozialindex"))
    years = {r["Jahr"] for r in index}
    assert len(years) > 1
    for year in years:
        assert len([r for r in index if r["Jahr"] == year]) == 53
    indexed = [r for r in index if r["Im Index"] == "1"]
    assert indexed and all(r["Status-Klasse"] in {"1", "2", "3", "4"} for r in indexed)
    sheet = load_workbook(io.BytesIO(client.get("/daten/sozialindex.xlsx").get_data())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    column = header.index("Status-Index")
    assert any(isinstance(row[column], float) for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx"])
def test_proposal_downloads_take_the_same_queries_for_more_rows(
    client, scene, proposal_factory, count_queries, fmt
):
    with count_queries() as few:
        client.get(f"/daten/vorschlaege.{fmt}").get_data()
    for i in range(6):
        proposal_factory(None, title=f"Noch einer {i}", supports=1)
    with count_queries() as more:
        body = client.get(f"/daten/vorschlaege.{fmt}").get_data()
    assert more.count == few.count, more.statements
    assert b"Noch einer 5" in body or fmt == "xlsx"


def test_page_takes_the_same_queries_for_more_data(client, scene, proposal_factory, count_queries):
    with count_queries() as few:
        client.get("/daten/")
    for i in range(6):
        proposal_factory(None, title=f"Noch einer {i}")
    with count_queries() as more:
        client.get("/daten/")
    assert more.count == few.count


def test_keyset_pages_read_every_row(client, scene, proposal_factory, monkeypatch):
    monkeypatch.setattr(datasets, "PAGE_SIZE", 2)
    monkeypatch.setattr(datasets._pages, "__defaults__", (2,))
    rows = _by_header(_csv(client, "vorschlaege"))
    assert len(rows) == 3 and len({r["ID"] for r in rows}) == 3


def test_an_edited_offer_changes_the_offers_date(client, scene):
    before = client.get("/daten/angebote.csv")
    before.get_data()
    offer = scene["offers"][0]
    barrier_services.set_offer_active(None, offer, False)
    db.session.commit()
    after = client.get("/daten/angebote.csv", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    rows = _by_header(_csv(client, "angebote"))
    assert [r["Name"] for r in rows] == ["Jugendhaus Testweg"]
