"""Barrier reports are inputs too: the public page publishes nothing below the barriers'
privacy threshold (``BARRIER_MIN_CELL``) when that is higher than 10."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.barriers import services as barriers
from app.extensions import db
from app.responsiveness import services
from app.workflow import services as workflow

from .conftest import BASE

PUBLIC = "/wie-schnell-antwortet-die-stadt"


@pytest.fixture
def app_overrides():
    return {"BARRIER_MIN_CELL": 12}


@pytest.fixture
def eleven_reports(districts, create_user):
    author = create_user()
    for i in range(11):
        report = barriers.create_report(
            author,
            offer=None,
            offer_text=f"Kurs {i}",
            district_from=districts["23"],
            text="Der Bus fährt abends nicht.",
            visibility="public",
            details={
                "barrier_types": ["transport"],
                "affected": "self",
                "age_group": "30_49",
                "participation_benefits": "not_stated",
            },
        )
        item = workflow.item_for("barrier_report", report.id)
        item.created_at = BASE
        item.first_response_at = BASE + timedelta(days=i + 1)
    db.session.commit()


def test_the_public_threshold_is_the_higher_of_ten_and_the_barrier_threshold(app):
    assert services.public_min_count() == 12
    app.config["BARRIER_MIN_CELL"] = 5
    assert services.public_min_count() == 10


def test_public_page_hides_a_group_of_eleven_below_the_barrier_threshold(
    client, districts, eleven_reports
):
    district = next(
        g for g in services.public_responsiveness().by_district if g.key == districts["23"].id
    )
    assert district.inputs == 11 and not district.shown
    assert district.first_response.median is None
    html = client.get(PUBLIC).get_data(as_text=True)
    row = html.split(districts["23"].name, 1)[1].split("</tr>", 1)[0]
    assert "weniger als 12 Eingaben" in row and ">11<" not in row and "6,0" not in row
    # and no barrier aggregate at all on the public page
    assert "Betroffene Personen" not in html
    rows = client.get(PUBLIC + ".csv").get_data(as_text=True)
    line = next(r for r in rows.splitlines() if f";{districts['23'].name};" in r)
    assert ";11;" not in line and "weniger als 12 Eingaben" in line


def test_the_back_office_sees_the_group_of_eleven(
    client, people, login_as, districts, eleven_reports
):
    district = next(g for g in services.responsiveness().by_district if g.key == districts["23"].id)
    assert district.shown and district.first_response.median == pytest.approx(6, abs=1e-3)
    login_as(people["planner"])
    html = client.get("/verwaltung/zahlen/").get_data(as_text=True)
    assert "6,0" in html
