"""The measure page names the board's location decisions that led to the measure (through the
measures' section registry): planners get the scenario's result, the public a plain line
without internal or share links; a constant number of queries; editing the measure keeps the
link."""

from __future__ import annotations

import pytest
from flask_babel import format_date

from app.accounts.models import Office
from app.extensions import db
from app.locations import integration, services
from app.locations.models import LocationScenario
from app.measures import sections
from app.measures import services as measure_services
from app.measures.services import MeasureData

from .conftest import ADMIN


@pytest.fixture
def measure(planner, districts):
    made = measure_services.save_measure(
        planner,
        None,
        MeasureData(
            title="ThINKA Moskauer Platz",
            status_key="decided",
            office_ids=sorted(services.user_office_ids(planner)),
            district_ids=[districts["23"].id],
        ),
    )
    db.session.commit()
    return made


@pytest.fixture
def decided(planner, make_scenario, measure, districts, figures):
    def decide(title="Zweiter Standort", number="23", measure_id=None):
        scenario = make_scenario(title=title)
        services.decide(
            planner,
            scenario,
            text=f"Standort {number}",
            reasons="Gute Erreichbarkeit",
            district_id=districts[number].id if number else None,
            measure_id=measure.id if measure_id is None else measure_id,
        )
        db.session.commit()
        return scenario

    return decide


def test_the_registry_is_filled_by_the_locations_domain(app):
    assert integration.measure_section in sections._providers
    before = list(sections._providers)
    sections.register_page_section(integration.measure_section)  # a second init_app
    assert sections._providers == before


def test_the_public_sees_a_plain_line_without_links_or_tokens(
    client, login_as, planner, decided, measure
):
    scenario = decided()
    _share, token = services.create_share(planner, scenario, days=30, label="Beirat")
    db.session.commit()
    login_as(None)
    text = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert 'id="measure-location-decisions"' in text
    assert "Standortvergleich des Beirats" in text
    assert format_date(scenario.decided_at, "medium") in text
    assert ADMIN not in text and "/standorte/" not in text and token not in text
    assert scenario.title not in text  # the scenario's internal name stays internal


def test_a_planner_gets_the_result_link_date_and_district(
    client, login_as, planner, decided, measure, districts
):
    scenario = decided()
    login_as(planner)
    text = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert f'href="{ADMIN}{scenario.id}"' in text
    assert scenario.title in text
    assert format_date(scenario.decided_at, "medium") in text
    assert f"23 {districts['23'].name}" in text


def test_no_section_without_a_decision(client, login_as, planner, make_scenario, measure, figures):
    scenario = make_scenario()
    scenario.measure_id = measure.id  # linked but never decided: nothing to say yet
    db.session.commit()
    for who in (None, planner):
        login_as(who)
        text = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
        assert 'id="measure-location-decisions"' not in text


@pytest.mark.parametrize("who", ["anonymous", "planner"])
def test_the_query_count_does_not_grow_with_the_decisions(
    client, login_as, planner, decided, measure, count_queries, who
):
    login_as(planner if who == "planner" else None)
    url = f"/massnahmen/{measure.id}"

    def measured() -> tuple[int, str]:
        with count_queries() as counter:
            response = client.get(url)
            assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    client.get(url)  # caches warmed
    none, text = measured()
    assert 'id="measure-location-decisions"' not in text
    for n, number in enumerate(("23", "05", "01")):
        decided(title=f"Szenario {n}", number=number)
    login_as(planner if who == "planner" else None)
    client.get(url)
    three, text = measured()
    assert 'id="measure-location-decisions"' in text
    assert three == none


def test_editing_the_measure_keeps_the_link(client, login_as, planner, decided, measure, districts):
    scenario = decided()
    office = db.session.scalar(db.select(Office).where(Office.slug == "social-planning"))
    login_as(planner)
    response = client.post(
        f"/verwaltung/massnahmen/{measure.id}/bearbeiten",
        data={
            "title": "ThINKA Moskauer Platz, neu",
            "description_de": "",
            "offices": [str(office.id)],
            "districts": [str(districts["23"].id)],
            "status": "in_implementation",
            "progress": "10",
            "milestones": "",
            "indicators": "",
            "places": "",
            "parent": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LocationScenario, scenario.id).measure_id == measure.id
    text = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert f'href="{ADMIN}{scenario.id}"' in text
    result = client.get(f"{ADMIN}{scenario.id}").get_data(as_text=True)
    assert "ThINKA Moskauer Platz, neu" in result
