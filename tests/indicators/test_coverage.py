"""A year with values for only some districts: never the default year, its city average
marked (map, API, profile), dropped from the measures chart, warned about on import."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from app.districts.models import District
from app.extensions import db
from app.indicators import choropleth, imports
from app.indicators.models import ImportBatch, Indicator, IndicatorValue
from app.indicators.values import complete_years, coverage_of, default_year, year_coverage

from .conftest import upload

# 2025 is not in the demo series (2012-2024): three districts only, with extreme values.
PARTIAL = (
    "district;indicator;year;value\n"
    "05;sgb2_rate;2025;90\n23;sgb2_rate;2025;80\n34;sgb2_rate;2025;70\n"
)


@pytest.fixture
def partial_year(demo):
    """sgb2_rate 2025 stored for districts 05, 23 and 34 only."""
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "sgb2_rate"))
    for number, value in (("05", 90.0), ("23", 80.0), ("34", 70.0)):
        db.session.add(
            IndicatorValue(
                indicator_id=indicator.id, district_id=demo[number].id, year=2025, value=value
            )
        )
    db.session.commit()
    return indicator


def test_coverage_rules():
    coverage = {2022: 53, 2023: 53, 2024: 52, 2025: 3}
    assert complete_years(coverage) == [2022, 2023]
    assert default_year(coverage) == 2023
    assert default_year({}) is None
    assert coverage_of({2024: {1: 1.0, 2: 2.0}, 2023: {1: 1.0}}) == {2023: 1, 2024: 2}


def test_year_coverage_counts_districts_per_year(partial_year):
    coverage = year_coverage(partial_year.id)
    assert coverage[2025] == 3 and coverage[2024] == 53 and list(coverage) == sorted(coverage)


def test_map_defaults_to_the_latest_complete_year(partial_year):
    data = choropleth.indicator_map(partial_year, None)
    assert data.year == 2024 and data.complete and data.covered == 53
    assert data.years[-1] == 2025 and data.incomplete_years == [2025]
    asked = choropleth.indicator_map(partial_year, 2025)
    assert asked.year == 2025 and not asked.complete
    assert (asked.covered, asked.expected) == (3, 53)


def test_map_page_marks_the_incomplete_year(client, partial_year):
    page = client.get("/indikatoren/karte?indicator=sgb2_rate").get_data(as_text=True)
    assert '<option value="2024" selected>' in page
    assert "2025 – nur 3 von 53 Ortsteilen" in page
    assert "Unvollständige Jahre: 2025" in page
    page = client.get("/indikatoren/karte?indicator=sgb2_rate&year=2025").get_data(as_text=True)
    assert "Unvollständiges Jahr: Nur 3 von 53 Ortsteilen" in page
    assert "(nur 3 von 53 Ortsteilen)" in page  # beside the city average
    client.post("/sprache", data={"lang": "en", "next": "/"})
    english = client.get("/indikatoren/karte?indicator=sgb2_rate&year=2025").get_data(as_text=True)
    assert "Incomplete year: only 3 of 53 districts have a value in 2025" in english


def test_complete_year_has_no_incomplete_notice(client, demo):
    page = client.get("/indikatoren/karte?indicator=sgb2_rate").get_data(as_text=True)
    assert "coverage-notice" not in page and "coverage-mark" not in page


def test_api_default_year_and_coverage(client, partial_year):
    body = client.get("/api/v1/indicators/sgb2_rate").get_json()
    assert body["year"] == 2024
    assert body["coverage"] == {
        "districts_with_values": 53,
        "districts_expected": 53,
        "complete": True,
        "incomplete_years": [2025],
    }
    assert body["city_average"] < 50  # not the mean of the three planted 70-90 values
    body = client.get("/api/v1/indicators/sgb2_rate?year=2025").get_json()
    assert body["year"] == 2025 and body["coverage"]["complete"] is False
    assert body["coverage"]["districts_with_values"] == 3
    assert sum(v["value"] is not None for v in body["values"]) == 3
    geo = client.get("/api/v1/indicators/sgb2_rate?format=geojson").get_json()
    assert geo["year"] == 2024 and geo["coverage"]["incomplete_years"] == [2025]


def test_profile_gives_no_city_average_for_the_incomplete_year(client, partial_year):
    page = client.get("/ortsteile/05/zahlen").get_data(as_text=True)
    assert "kein Durchschnitt der Stadt: nur 3 von 53 Ortsteilen" in page
    assert "nur 3 von 53 Ortsteilen haben einen Wert für 2025" in page  # beside the rank
    from app.indicators.profile import district_profile

    district = db.session.scalar(select(District).where(District.number == "05"))
    row = next(r for r in district_profile(district) if r.indicator.code == "sgb2_rate")
    averages = dict(row.average)
    assert 2025 not in averages and 2024 in averages
    assert row.latest_year == 2025 and row.incomplete_years == {2025}


def test_profile_of_a_complete_indicator_is_unmarked(client, demo):
    page = client.get("/ortsteile/05/zahlen").get_data(as_text=True)
    assert "coverage-mark" not in page


def test_upload_report_warns_of_the_incomplete_year(client, demo, planner, login):
    login(planner)
    upload(client, PARTIAL)
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert imports.incomplete_years(batch) == [
        {"code": "sgb2_rate", "year": 2025, "districts": 3, "expected": 53}
    ]
    page = client.get(f"/indikatoren/import/{batch.id}").get_data(as_text=True)
    assert 'id="incomplete-years"' in page and "2025: nur 3 von 53 Ortsteilen" in page


def test_upload_report_of_a_complete_year_has_no_warning(client, demo, planner, login):
    login(planner)
    # Values for 2024 already cover all districts; changing one leaves the year complete.
    upload(client, "district;indicator;year;value\n05;sgb2_rate;2024;12\n")
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert imports.incomplete_years(batch) == []
    page = client.get(f"/indikatoren/import/{batch.id}").get_data(as_text=True)
    assert 'id="incomplete-years"' not in page


def test_cli_import_warns_of_the_incomplete_year(runner, demo, tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text(PARTIAL, encoding="utf-8")
    result = runner.invoke(args=["indicators", "import", str(path), "--confirm"])
    assert result.exit_code == 0, result.output
    assert "warning: sgb2_rate 2025 is incomplete: only 3 of 53 districts" in result.output
    db.session.expire_all()
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "sgb2_rate"))
    assert choropleth.indicator_map(indicator, None).year == 2024


def test_cli_import_of_a_full_year_does_not_warn(runner, demo, tmp_path):
    path = tmp_path / "full.csv"
    rows = "".join(f"{number};sgb2_rate;2025;5\n" for number in sorted(demo))
    path.write_text("district;indicator;year;value\n" + rows, encoding="utf-8")
    result = runner.invoke(args=["indicators", "import", str(path), "--confirm"])
    assert result.exit_code == 0, result.output
    assert "incomplete" not in result.output
    db.session.expire_all()
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "sgb2_rate"))
    data = choropleth.indicator_map(indicator, None)
    assert data.year == 2025 and data.complete
    assert math.isclose(data.average, 5.0)


@pytest.mark.parametrize(
    "url,limit",
    [
        ("/api/v1/indicators/sgb2_rate", 6),
        ("/indikatoren/karte?indicator=sgb2_rate&year=2025", 8),
        ("/ortsteile/05/zahlen", 15),
    ],
)
def test_no_n_plus_one_with_an_incomplete_year(client, partial_year, count_queries, url, limit):
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count <= limit, counter.statements


def test_import_report_query_count(client, demo, planner, login, count_queries):
    login(planner)
    upload(client, PARTIAL)
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    with count_queries() as counter:
        imports.incomplete_years(batch)
    assert counter.count <= 2, counter.statements


@pytest.fixture
def partial_index_year(demo):
    """Every status indicator of the active index definition stored for 2025 in three
    districts only."""
    from app.indicators.district_index import active_definition

    definition = active_definition()
    codes = list(definition.status_codes)
    indicators = db.session.scalars(select(Indicator).where(Indicator.code.in_(codes)))
    for indicator in indicators:
        for number, value in (("05", 9.0), ("23", 8.0), ("34", 7.0)):
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator.id, district_id=demo[number].id, year=2025, value=value
                )
            )
    db.session.commit()
    return definition


def test_social_index_defaults_to_the_latest_complete_year(client, partial_index_year):
    from app.indicators.district_index import social_index

    index = social_index(partial_index_year)
    assert index.year == 2024 and index.years[-1] == 2025
    assert index.incomplete_years == [2025]
    body = client.get("/api/v1/social-index").get_json()
    assert body["year"] == 2024 and body["incomplete_years"] == [2025]
    page = client.get("/indikatoren/sozialindex").get_data(as_text=True)
    assert "2025 – unvollständig" in page and 'id="coverage-notice"' not in page
    page = client.get("/indikatoren/sozialindex?year=2025").get_data(as_text=True)
    assert 'id="coverage-notice"' in page and "Unvollständiges Jahr: 2025" in page
    body = client.get("/api/v1/social-index?year=2025").get_json()
    assert body["year"] == 2025


def test_social_index_of_complete_years_is_unmarked(client, demo):
    body = client.get("/api/v1/social-index").get_json()
    assert body["year"] == 2024 and body["incomplete_years"] == []
    page = client.get("/indikatoren/sozialindex").get_data(as_text=True)
    assert "unvollständig" not in page
