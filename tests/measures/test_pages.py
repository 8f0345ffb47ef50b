"""Public pages and the back office's measure pages: contents, filters, the form's bad
input (400, what was typed kept, nothing written), linking from the measure page,
permissions, constant query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.core.time import utcnow
from app.extensions import db
from app.measures import services
from app.measures.listing import with_parts
from app.measures.models import Measure, MeasureHistory, MeasureInput
from app.notifications.models import Notification

from .conftest import ADMIN_LIST


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def full_measure(make_measure, indicators, proposal_factory, people, planner, offices):
    measure = make_measure(
        status_key="in_implementation",
        milestones=[
            ("Beschluss", date(2020, 1, 15), True),
            ("Eröffnung", utcnow().date() + timedelta(days=300), False),
        ],
        indicators=[(indicators["sgb2_rate"].id, "down")],
        places=[(50.9870, 11.0006, "Spielplatz")],
        office_ids=[offices["social-planning"].id],
    )
    proposal = proposal_factory(people["author"], title="Spielplatz bitte")
    services.link_input(planner, measure, "proposal", proposal.id, reason="Gleicher Ort")
    db.session.commit()
    return measure, proposal


def test_the_measure_page_shows_progress_timeline_inputs_chart_and_history(client, full_measure):
    measure, proposal = full_measure
    page = client.get(f"/massnahmen/{measure.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "In Umsetzung" in html
    assert "50 % erledigt" in html
    assert 'value="50"' in html
    assert "milestone-planned" in html and "milestone-done" in html
    assert "Spielplatz bitte" in html and "Gleicher Ort" in html
    assert 'id="chart-sgb2_rate"' in html and "<table" in html
    assert "Stadtdurchschnitt" in html
    assert 'id="measure-history"' in html
    assert "measure-stale" not in html


def test_a_measure_not_updated_for_180_days_says_so(client, make_measure):
    measure = make_measure()
    measure.updated_at = utcnow() - timedelta(days=181)
    db.session.commit()
    html = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert 'id="measure-stale"' in html


def test_list_with_filters_and_without_the_map(client, make_measure, districts, indicators):
    make_measure(title="Kita am Moskauer Platz", indicators=[(indicators["sgb2_rate"].id, "down")])
    make_measure(title="Bibliothek Herrenberg", district_ids=[districts["05"].id])
    html = client.get("/massnahmen/").get_data(as_text=True)
    assert "Kita am Moskauer Platz" in html and "Bibliothek Herrenberg" in html
    assert 'id="measure-map"' in html
    html = client.get("/massnahmen/?district=05&ansicht=liste").get_data(as_text=True)
    assert "Bibliothek Herrenberg" in html and "Kita am Moskauer Platz" not in html
    assert 'id="measure-map"' not in html
    html = client.get("/massnahmen/?indicator=sgb2_rate").get_data(as_text=True)
    assert "Kita am Moskauer Platz" in html and "Bibliothek Herrenberg" not in html
    html = client.get("/massnahmen/?office=urban-planning").get_data(as_text=True)
    assert "Kita am Moskauer Platz" not in html
    html = client.get("/massnahmen/?status=planned").get_data(as_text=True)
    assert "Kita am Moskauer Platz" in html


@pytest.mark.parametrize(
    "query", ["district=99", "office=nowhere", "status=nonsense", "indicator=nothing"]
)
def test_an_unknown_filter_is_a_clear_400(client, query):
    response = client.get(f"/massnahmen/?{query}")
    assert response.status_code == 400
    assert "Unbekannt" in response.get_data(as_text=True)


def test_the_map_data_has_points_and_districts(client, make_measure, districts):
    with_place = make_measure(title="Spielplatz", places=[(50.9870, 11.0006, "Ort")])
    without = make_measure(title="Beratung", district_ids=[districts["05"].id])
    body = client.get("/massnahmen/karte.geojson").get_json()
    by_id = {f["properties"]["id"]: f for f in body["features"]}
    assert by_id[with_place.id]["geometry"]["type"] == "Point"
    assert by_id[without.id]["geometry"] is None
    assert by_id[without.id]["properties"]["districts"] == ["05"]


def test_district_pages_profiles_and_proposal_pages_list_the_measures(client, full_measure):
    measure, proposal = full_measure
    for url in ("/ortsteile/23", "/ortsteile/23/zahlen", f"/vorschlaege/{proposal.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"/massnahmen/{measure.id}" in response.get_data(as_text=True), url


@pytest.mark.parametrize("who", ["anonymous", "citizen", "mayor"])
def test_the_back_office_pages_are_for_planners_and_admins(client, people, login_as, who):
    login_as(people[who] if who != "anonymous" else None)
    for url in (ADMIN_LIST, ADMIN_LIST + "neu", ADMIN_LIST + "import"):
        assert client.get(url).status_code in (302, 401, 403), url


def test_a_planner_edits_only_measures_of_their_office(client, login, make_measure, other_planner):
    measure = make_measure()
    login(other_planner)
    assert client.get(f"{ADMIN_LIST}{measure.id}/bearbeiten").status_code == 403
    assert client.post(f"{ADMIN_LIST}{measure.id}/bearbeiten", data={}).status_code == 403


def form_data(office_rows, district_rows, **changes):
    offices, districts = office_rows, district_rows
    data = {
        "title": "Neue Kita Moskauer Platz",
        "description_de": "Eine Kita.",
        "offices": [str(offices["social-planning"].id)],
        "districts": [str(districts["23"].id)],
        "status": "decided",
        "progress": "",
        "milestones": "2027-03-01; Spatenstich\n2020-01-01; Beschluss; done",
        "indicators": "",
        "places": "",
        "parent": "",
    }
    data.update(changes)
    return data


def test_a_planner_creates_a_measure_through_the_form(
    client, login, planner, offices, districts, indicators
):
    login(planner)
    assert client.get(ADMIN_LIST + "neu").status_code == 200
    response = client.post(
        ADMIN_LIST + "neu",
        data=form_data(offices, districts, indicators="sgb2_rate:down, child_poverty:up"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    measure = db.session.scalar(select(Measure).where(Measure.title == "Neue Kita Moskauer Platz"))
    assert measure.progress == 25
    row = services.snapshot(measure)
    assert row["indicators"] == "child_poverty:up, sgb2_rate:down"
    assert "Spatenstich" in row["milestones"]
    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Neue Kita Moskauer Platz" in edit
    # a new status with the progress left as it was: the status's default
    response = client.post(
        f"{ADMIN_LIST}{measure.id}/bearbeiten",
        data=form_data(offices, districts, status="in_implementation", progress="25"),
    )
    assert response.status_code == 302
    db.session.refresh(measure)
    assert measure.progress == 50


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"offices": ["999999"]}, "Unbekanntes Amt"),
        ({"districts": ["999999"]}, "Unbekannter Ortsteil"),
        ({"indicators": "nothing:up"}, "Unbekannter Indikator-Code"),
        ({"indicators": "sgb2_rate"}, "erwartete Richtung"),
        ({"progress": "150"}, "zwischen 0 und 100"),
        ({"progress": "viel"}, "ganze Zahl"),
        ({"planned_start": "2027-05-01", "planned_end": "2027-04-01"}, "vor dem Beginn"),
        ({"milestones": "morgen; Spatenstich"}, "kein Datum"),
        ({"places": "52.52, 13.40, Berlin"}, "außerhalb der Stadt"),
    ],
)
def test_bad_form_input_keeps_what_was_typed_and_writes_nothing(
    client, login, planner, offices, districts, indicators, changes, message
):
    login(planner)
    before = (count(Measure), count(MeasureHistory))
    response = client.post(ADMIN_LIST + "neu", data=form_data(offices, districts, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'value="Neue Kita Moskauer Platz"' in html
    assert (count(Measure), count(MeasureHistory)) == before


def test_linking_from_the_measure_page(
    client, login, planner, make_measure, proposal_factory, people, barrier_report_factory
):
    measure = make_measure()
    proposal = proposal_factory(people["author"])
    private = barrier_report_factory(people["author"], visibility="private")
    login(planner)
    url = f"{ADMIN_LIST}{measure.id}/verknuepfen"
    data = {
        "link-ref": f"proposal:{proposal.id}",
        "link-reason": "passt",
        "link-status": "merged_into_measure",
    }
    assert client.post(url, data=data).status_code == 302
    assert count(MeasureInput) == 1
    notified = count(Notification)
    again = client.post(url, data=data)
    assert again.status_code == 400
    assert "bereits" in again.get_data(as_text=True)
    for ref in (f"barrier_report:{private.id}", "proposal:999999"):
        invisible = client.post(url, data={**data, "link-ref": ref})
        assert invisible.status_code == 400
        assert "nicht sehen" in invisible.get_data(as_text=True)
    bad = client.post(url, data={**data, "link-ref": "irgendwas"})
    assert bad.status_code == 400
    assert (count(MeasureInput), count(Notification)) == (1, notified)


def test_query_counts_are_constant(
    client, count_queries, make_measure, full_measure, proposal_factory, people, planner, indicators
):
    measure, _ = full_measure

    def measured(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    list_before = measured("/massnahmen/")
    api_before = measured("/api/v1/measures")
    page_before = measured(f"/massnahmen/{measure.id}")
    one_before = measured(f"/api/v1/measures/{measure.id}")
    for n in range(4):
        other = make_measure(
            title=f"Maßnahme {n}",
            indicators=[(indicators["child_poverty"].id, "down")],
            places=[(50.9870, 11.0006, "Ort")],
        )
        services.link_input(planner, other, "proposal", proposal_factory(people["author"]).id)
        services.link_input(planner, measure, "proposal", proposal_factory(people["author"]).id)
    services.save_measure(
        planner,
        measure,
        services.MeasureData(
            title=measure.title,
            status_key="in_implementation",
            office_ids=services.office_ids_of(measure.id),
            district_ids=[d.id for d in measure_districts(measure)],
            indicators=[
                (indicators["sgb2_rate"].id, "down"),
                (indicators["child_poverty"].id, "up"),
            ],
            milestones=[("A", date(2021, 1, 1), True), ("B", date(2022, 1, 1), True)],
        ),
    )
    db.session.commit()
    assert measured("/massnahmen/") == list_before
    assert measured("/api/v1/measures") == api_before
    assert measured(f"/massnahmen/{measure.id}") == page_before
    assert measured(f"/api/v1/measures/{measure.id}") == one_before


def measure_districts(measure):
    return with_parts([measure], parts=("districts",))[0].districts
