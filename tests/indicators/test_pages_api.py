"""Public pages and the API: map, social index, methods, district profile, CSV, GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.extensions import db
from app.indicators import catalogue, choropleth, district_index
from app.indicators.models import SYNTHETIC_SOURCE


def test_api_indicators_lists_the_catalogue_as_synthetic(client, demo):
    body = client.get("/api/v1/indicators").get_json()
    codes = [i["code"] for i in body["indicators"]]
    assert codes[0] == "inhabitants" and "sgb2_rate" in codes
    assert body["synthetic"] is True
    assert all(i["synthetic"] and i["source"] == SYNTHETIC_SOURCE for i in body["indicators"])


def test_api_indicator_values_per_district(client, demo):
    body = client.get("/api/v1/indicators/sgb2_rate?year=2020").get_json()
    assert body["year"] == 2020 and body["synthetic"] is True
    assert body["source"] == SYNTHETIC_SOURCE
    assert len(body["values"]) == 53
    by_number = {v["district"]: v for v in body["values"]}
    # The large prefab estates have the highest rates, the villages the lowest.
    assert by_number["23"]["value"] > 3 * by_number["34"]["value"]
    assert by_number["23"]["rank"] <= 8
    assert len(body["breaks"]) == 5 and body["years"][0] == 2012
    assert 5 < body["city_average"] < 25


def test_api_indicator_geojson_joined_to_shapes(client, demo):
    response = client.get("/api/v1/indicators/sgb2_rate?year=2024&format=geojson")
    assert response.mimetype == "application/geo+json"
    body = json.loads(response.data)
    assert body["type"] == "FeatureCollection" and body["synthetic"] is True
    assert len(body["features"]) == 53
    feature = body["features"][0]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert {"number", "name", "value", "rank", "class", "colour"} <= set(feature["properties"])


def test_api_indicator_csv(client, demo):
    response = client.get("/api/v1/indicators/unemployment?year=2024&format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["district", "name", "year", "unemployment", "rank", "source"]
    assert len(rows) == 54 and rows[1][5] == SYNTHETIC_SOURCE


@pytest.mark.parametrize(
    "url,status",
    [
        ("/api/v1/indicators/nope", 404),
        ("/api/v1/indicators/sgb2_rate?year=abc", 400),
        ("/api/v1/indicators/sgb2_rate?year=1990", 404),
        ("/api/v1/indicators/sgb2_rate?format=xml", 400),
        ("/api/v1/social-index?year=2000", 404),
        ("/api/v1/social-index?year=-1", 400),
    ],
)
def test_api_errors_are_json(client, demo, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status


def test_api_social_index(client, demo):
    body = client.get("/api/v1/social-index?year=2024").get_json()
    assert body["year"] == 2024 and body["synthetic"] is True
    assert body["definition"]["min_population"] == 300
    areas = {a["district"]: a for a in body["areas"]}
    assert areas["51"]["indexed"] is False and areas["51"]["left_out"] == "population"
    assert areas["23"]["status_class"] in (3, 4) and areas["34"]["status_class"] in (1, 2)
    assert areas["23"]["dynamic_class"] in (1, 2, 3)
    assert set(areas["23"]["components"]) == {
        "unemployment",
        "sgb2_rate",
        "children_sgb2",
        "grammar_school",
        "d_unemployment",
        "d_sgb2_rate",
        "d_children_sgb2",
    }
    indexed = [a for a in body["areas"] if a["indexed"]]
    assert sorted(a["rank"] for a in indexed)[0] == 1


def test_api_social_index_first_year_has_no_dynamics(client, demo):
    body = client.get("/api/v1/social-index?year=2012").get_json()
    assert all(a.get("dynamic_class") is None for a in body["areas"])


def test_api_social_index_geojson_and_csv(client, demo):
    body = json.loads(client.get("/api/v1/social-index?format=geojson").data)
    assert len(body["features"]) == 53
    colours = {f["properties"]["colour"] for f in body["features"]}
    assert choropleth.STATUS_COLOURS[None] in colours  # small villages have no index
    assert {f["properties"]["colour_dynamic"] for f in body["features"]} <= set(
        choropleth.DYNAMIC_COLOURS.values()
    )
    text = client.get("/api/v1/social-index?format=csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("district,name,year,status_sum")


def test_index_definition_is_data(client, demo):
    definition = district_index.active_definition()
    definition.min_population = 0
    definition.excluded = ["23"]
    definition.dynamic_codes = []
    db.session.commit()
    body = client.get("/api/v1/social-index").get_json()
    areas = {a["district"]: a for a in body["areas"]}
    assert areas["51"]["indexed"] is True
    assert areas["23"]["left_out"] == "excluded"
    assert areas["05"]["dynamic_class"] is None


def test_map_page_has_table_legend_and_year_control(client, demo):
    page = client.get("/indikatoren/karte?indicator=children_sgb2&year=2016").get_data(as_text=True)
    assert 'id="indicator-map"' in page and "year=2016" in page and "format=geojson" in page
    assert page.count("<tr>") >= 54  # every district in the table (+ header)
    assert 'name="year"' in page and '<option value="2016" selected>' in page
    assert "Synthetische Demodaten" in page
    assert 'class="legend"' in page and "bis" in page  # class boundaries as text


def test_map_page_unknown_indicator_or_year_falls_back(client, demo):
    assert client.get("/indikatoren/karte?indicator=zzz&year=1").status_code == 200


def test_map_csv(client, demo):
    text = client.get("/indikatoren/karte.csv?indicator=sgb2_rate&year=2020").get_data(as_text=True)
    assert len(text.strip().splitlines()) == 54


def test_social_index_page(client, demo):
    page = client.get("/indikatoren/sozialindex?year=2022").get_data(as_text=True)
    assert "sehr niedrig" in page and "Synthetische Demodaten" in page
    assert "format=geojson" in page and "year=2022" in page
    dynamic = client.get("/indikatoren/sozialindex?year=2022&view=dynamic").get_data(as_text=True)
    assert 'data-mode="dynamic"' in dynamic and "Dynamik-Klassen" in dynamic
    csv_text = client.get("/indikatoren/sozialindex.csv?year=2022").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 54


def test_methods_page_states_definition_and_parameters(client, demo):
    page = client.get("/indikatoren/methode").get_data(as_text=True)
    assert "300" in page and "Monitoring Soziale Stadtentwicklung" in page
    assert "SGB-II-Quote" in page and "Übergänge aufs Gymnasium" in page


def test_profile_shows_figures_charts_index_and_participation(client, demo):
    page = client.get("/ortsteile/23/zahlen").get_data(as_text=True)
    assert "Moskauer Platz" in page and "Synthetische Demodaten" in page
    assert page.count('<svg class="chart"') == 8
    assert 'aria-labelledby="chart-sgb2_rate-title chart-sgb2_rate-desc"' in page
    assert "<details>" in page  # data table for every chart
    assert "z-Wert" in page or "z-value" in page
    assert "Rang" in page
    assert "Bedarfe" in page  # every expected input type (proposal, need, barrier) registered
    assert "noch nicht verfügbar" not in page


def test_profile_of_a_district_without_index(client, demo):
    page = client.get("/ortsteile/51/zahlen").get_data(as_text=True)
    assert "weniger als 300" in page


def test_profile_csv(client, demo):
    text = client.get("/ortsteile/05/zahlen.csv").get_data(as_text=True)
    lines = text.strip().splitlines()
    assert lines[0].lstrip("\ufeff") == "district,indicator,year,value,city_average,source"
    assert len(lines) == 1 + 8 * 13


def test_profile_index_csv(client, demo):
    text = client.get("/ortsteile/23/zahlen-index.csv").get_data(as_text=True)
    lines = text.strip().splitlines()
    assert lines[0].lstrip("\ufeff") == "section,item,value,z_value_or_per_1000"
    components = [line for line in lines if line.startswith("index_component,")]
    assert len(components) >= 2
    assert any(line.startswith("status_index,class,") for line in lines)
    assert any(line.startswith("participation,") for line in lines)
    assert client.get("/ortsteile/99/zahlen-index.csv").status_code == 404


def test_unknown_district_is_404(client, demo):
    assert client.get("/ortsteile/99/zahlen").status_code == 404
    assert client.get("/ortsteile/99/zahlen.csv").status_code == 404


def test_pages_without_any_data(client, districts):
    for url in (
        "/indikatoren/",
        "/indikatoren/karte",
        "/indikatoren/sozialindex",
        "/indikatoren/methode",
        "/ortsteile/05/zahlen",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/social-index").status_code == 404
    assert client.get("/api/v1/indicators").get_json()["indicators"] == []


def test_district_page_links_to_the_profile(client, demo):
    assert "/ortsteile/05/zahlen" in client.get("/ortsteile/05").get_data(as_text=True)


@pytest.mark.parametrize(
    "url,limit",
    [
        ("/api/v1/indicators", 3),
        ("/api/v1/indicators/sgb2_rate?year=2024", 6),
        ("/api/v1/indicators/sgb2_rate?year=2024&format=geojson", 6),
        ("/api/v1/social-index?year=2024", 6),
        ("/indikatoren/karte?indicator=sgb2_rate", 8),
        ("/indikatoren/sozialindex", 8),
        # + one counting query per registered input type, + one for the district's measures
        ("/ortsteile/23/zahlen", 15),
    ],
)
def test_no_n_plus_one(client, demo, count_queries, url, limit):
    client.get(url)  # warm the per-process caches
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count <= limit, counter.statements


def test_dynamics_from_given_changes_equal_computed_changes(client, demo):
    """An indicator in the unit "change" is taken as given; the result equals computing the
    change from the stored levels."""
    from sqlalchemy import select

    from app.indicators.models import Indicator, IndicatorValue

    definition = district_index.active_definition()
    definition.dynamic_codes = ["sgb2_rate"]
    db.session.commit()
    computed = client.get("/api/v1/social-index?year=2024").get_json()["areas"]

    level = catalogue.get_indicator("sgb2_rate")
    change = Indicator(
        code="sgb2_change",
        name_de="Veränderung SGB II",
        name_en="Change SGB II",
        unit="change",
        topic="income",
        direction=1,
    )
    db.session.add(change)
    db.session.flush()
    stored = {
        (v.district_id, v.year): v.value
        for v in db.session.scalars(
            select(IndicatorValue).where(IndicatorValue.indicator_id == level.id)
        )
    }
    for (district_id, year), value in stored.items():
        if year == 2024:
            db.session.add(
                IndicatorValue(
                    indicator_id=change.id,
                    district_id=district_id,
                    year=2024,
                    value=value - stored[district_id, 2022],
                )
            )
    definition.dynamic_codes = ["sgb2_change"]
    db.session.commit()
    given = client.get("/api/v1/social-index?year=2024").get_json()["areas"]
    assert [a.get("dynamic_class") for a in given] == [a.get("dynamic_class") for a in computed]
    assert any(a.get("dynamic_class") for a in given)


def test_csv_exports_defuse_formulas(client, demo):
    indicator = catalogue.get_indicator("sgb2_rate")
    indicator.synthetic = False
    indicator.source = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    text = client.get("/indikatoren/katalog.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    text = client.get("/indikatoren/karte.csv?indicator=sgb2_rate").get_data(as_text=True)
    assert ",\"'=HYPERLINK" in text


def test_english_pages(client, demo):
    client.post("/sprache", data={"lang": "en", "next": "/"})
    page = client.get("/indikatoren/sozialindex").get_data(as_text=True)
    assert "very low" in page and "Status classes" in page
    page = client.get("/ortsteile/23/zahlen").get_data(as_text=True)
    assert "Figures for Moskauer Platz" in page and "SGB II rate" in page


def test_csv_downloads_come_from_the_one_writer(client, demo):
    """UTF-8 with BOM and CRLF everywhere; the catalogue (text for people) in the Excel dialect,
    the figures (decimal points, for programs and the import) comma-separated."""
    raw = client.get("/indikatoren/katalog.csv").data
    header = "code;name_de;name_en;unit;topic;direction;source;licence;synthetic\r\n"
    assert raw.startswith(("\ufeff" + header).encode())
    assert raw.count(b"\n") == raw.count(b"\r\n")
    for url in (
        "/indikatoren/karte.csv?indicator=sgb2_rate",
        "/indikatoren/sozialindex.csv",
        "/ortsteile/05/zahlen.csv",
        "/ortsteile/23/zahlen-index.csv",
        "/api/v1/indicators/sgb2_rate?format=csv",
        "/api/v1/social-index?format=csv",
    ):
        response = client.get(url)
        raw = response.data
        assert raw.startswith(b"\xef\xbb\xbf"), url
        assert raw.count(b"\n") == raw.count(b"\r\n"), url
        assert b"," in raw.split(b"\r\n")[0] and b";" not in raw.split(b"\r\n")[0], url
        assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    lines = client.get("/indikatoren/karte.csv?indicator=sgb2_rate").data.split(b"\r\n")
    assert lines[1].startswith(b"01,Altstadt,")  # the district number keeps its zero
