"""Proposals in Chromium: submit by clicking the map, submit without the map, the duplicate
hint, support; axe on the form and the proposal page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal
from tests.conftest import PASSWORD

from .conftest import assert_no_serious_axe_violations, login_in_browser


@pytest.fixture
def categories(districts):
    services.load_categories()
    db.session.commit()


def _fill_basics(page, title="Bänke am Anger"):
    page.locator("#title").fill(title)
    page.locator("#description").fill("Zum Ausruhen beim Einkaufen.")
    page.locator("#category").select_option("seniors")


def test_submit_by_clicking_the_map(page, live_server, categories, create_user):
    login_in_browser(page, create_user().email, PASSWORD)
    page.goto("/vorschlaege/neu")
    assert_no_serious_axe_violations(page)
    _fill_basics(page)
    page.locator("#proposal-map").click()  # the map's centre is in Erfurt
    assert page.locator("#lat").input_value() != ""
    assert page.locator("#lon").input_value() != ""
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_url("**/vorschlaege/*")
    assert "Bänke am Anger" in page.locator("h1").inner_text()
    proposal = db.session.scalar(select(Proposal))
    assert proposal.place_from_map is True
    assert_no_serious_axe_violations(page)


def test_submit_without_the_map(page, live_server, categories, create_user, districts):
    login_in_browser(page, create_user().email, PASSWORD)
    page.goto("/vorschlaege/neu")
    _fill_basics(page, "Spielplatz erneuern")
    page.locator("form.proposal-form button[type=submit]").click()
    page.locator(".error-summary").wait_for()  # the 400 page has replaced the form
    assert page.locator("#title").input_value() == "Spielplatz erneuern"
    page.locator("#district").select_option("23")
    page.locator("#address").fill("Am Spielplatz")
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_url("**/vorschlaege/*")
    proposal = db.session.scalar(select(Proposal))
    assert proposal.place_from_map is False
    assert proposal.district_id == districts["23"].id


def test_duplicate_hint_and_support(page, live_server, categories, create_user, districts):
    author = create_user()
    existing = services.create_proposal(
        author,
        title="Neue Bänke am Anger",
        description="Bitte.",
        category=services.categories()[0],
        place=services.place_from_point(50.9785, 11.0265),
    )
    db.session.commit()
    login_in_browser(page, create_user().email, PASSWORD)
    page.goto("/vorschlaege/neu")
    _fill_basics(page, "Mehr Bänke am Anger")
    page.locator("#lat").fill("50.9786")
    page.locator("#lon").fill("11.0266")
    page.locator("form.proposal-form button[type=submit]").click()
    page.get_by_role("heading", name="Ähnliche Vorschläge in der Nähe").wait_for()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Diesen Vorschlag unterstützen").first.click()
    page.wait_for_url(f"**/vorschlaege/{existing.id}")
    assert "1 Person unterstützt diesen Vorschlag." in page.locator("main").inner_text()
    assert services.support_count(existing.id) == 1
    assert db.session.scalar(select(db.func.count(Proposal.id))) == 1
    assert_no_serious_axe_violations(page)
