"""Measures in Chromium: a planner creates a measure, takes up three proposals on its page,
sets target indicators and a milestone and moves it to "in implementation"; the proposals'
authors are told; the public page shows the progress, the timeline and the indicator chart.
axe checks the list, the measure page, the form and the import page in German and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.measures.models import Measure
from app.notifications.models import Notification
from tests.measures.conftest import indicators  # noqa: F401 - the fixture

from .conftest import assert_no_serious_axe_violations, log_in

ADMIN = "/verwaltung/massnahmen/"


@pytest.fixture
def scene(create_user, proposal_factory, indicators):  # noqa: F811
    planner = create_user("planner", office="social-planning", email="planer@example.org")
    authors = [create_user(name=f"Autorin {n}") for n in range(3)]
    proposals = [
        proposal_factory(author, title=f"Spielplatz-Wunsch {n}") for n, author in enumerate(authors)
    ]
    return planner, authors, proposals


def _switch_language(page, label: str) -> None:
    page.locator(".language-switch button").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", label)


def test_a_planner_makes_a_measure_from_three_proposals(page, scene):
    planner, authors, proposals = scene
    log_in(page, planner.email)
    page.goto(ADMIN + "neu")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Titel", exact=True).fill("Spielplatz am Moskauer Platz")
    page.get_by_label("Beschreibung (Deutsch)").fill("Ein neuer Spielplatz für alle.")
    expect(page.get_by_label("Sozialplanung")).to_be_checked()  # the planner's office
    page.locator("details summary", has_text="Ortsteile").click()
    page.get_by_label("23 Moskauer Platz").check()
    page.locator("#status").select_option("planned")
    page.get_by_label("Meilensteine").fill("2020-02-01; Beschluss; erledigt\n2099-05-01; Eröffnung")
    page.get_by_label("Zielindikatoren").fill("sgb2_rate:down")
    page.get_by_role("button", name="Maßnahme speichern").click()
    expect(page.locator(".flash-success")).to_contain_text("gespeichert")
    for proposal in proposals:
        page.get_by_label("Beitrag", exact=True).fill(f"proposal:{proposal.id}")
        page.get_by_label("Kurze Begründung").fill("Gleicher Ort")
        page.get_by_role("button", name="Beitrag verknüpfen").click()
        expect(page.locator(".flash-success")).to_contain_text("Teil der Maßnahme")
    # linking one again: a clear message, nothing written
    page.get_by_label("Beitrag", exact=True).fill(f"proposal:{proposals[0].id}")
    page.get_by_role("button", name="Beitrag verknüpfen").click()
    expect(page.locator(".error-summary")).to_contain_text("bereits")
    page.locator("#status").select_option("in_implementation")
    page.get_by_role("button", name="Maßnahme speichern").click()
    expect(page.locator(".flash-success")).to_contain_text("gespeichert")
    assert_no_serious_axe_violations(page)

    measure = db.session.scalar(
        select(Measure).where(Measure.title == "Spielplatz am Moskauer Platz")
    )
    assert measure.progress == 50
    told = {
        (n.user_id, n.kind)
        for n in db.session.scalars(
            select(Notification).where(Notification.target_id == measure.id)
        )
    }
    for author in authors:
        assert (author.id, "measure_linked_proposal") in told
        assert (author.id, "measure_updated") in told

    page.goto(f"/massnahmen/{measure.id}")
    expect(page.locator("#measure-status")).to_have_text("In Umsetzung")
    expect(page.locator("#measure-progress")).to_contain_text("50 % erledigt")
    expect(page.locator("#measure-timeline .milestone-planned")).to_contain_text("Eröffnung")
    expect(page.locator("#measure-timeline .milestone-done")).to_contain_text("Beschluss")
    expect(page.locator("svg#chart-sgb2_rate")).to_be_visible()
    expect(page.locator("#measure-inputs")).to_contain_text("Spielplatz-Wunsch 2")
    assert_no_serious_axe_violations(page)
    page.goto("/massnahmen/")
    expect(page.locator("#measure-map")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#measure-list")).to_contain_text("Spielplatz am Moskauer Platz")
    assert_no_serious_axe_violations(page)
    page.goto(ADMIN + "import")
    assert_no_serious_axe_violations(page)

    _switch_language(page, "en")
    for url in ("/massnahmen/", f"/massnahmen/{measure.id}", ADMIN + "neu", ADMIN + "import"):
        page.goto(url)
        assert_no_serious_axe_violations(page)
    page.goto(f"/massnahmen/{measure.id}")
    expect(page.locator("#measure-progress")).to_contain_text("50 % done")

    # an author sees the news
    _switch_language(page, "de")
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/")
    log_in(page, authors[0].email)
    page.goto("/benachrichtigungen")
    expect(page.locator("main")).to_contain_text("Spielplatz am Moskauer Platz")
