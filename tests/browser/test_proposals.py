"""Proposals in Chromium: submit by clicking the map, submit without the map, the duplicate
hint, support; axe on the form and the proposal page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal

from .conftest import assert_no_serious_axe_violations, log_in


@pytest.fixture
def categories(districts):
    services.load_categories()
    db.session.commit()


def _fill_basics(page, title="Bänke am Anger"):
    page.locator("#title").fill(title)
    page.locator("#description").fill("Zum Ausruhen beim Einkaufen.")
    page.locator("#category").select_option("seniors")


def test_submit_by_clicking_the_map(page, live_server, categories, create_user):
    log_in(page, create_user().email)
    page.goto("/vorschlaege/neu")
    assert_no_serious_axe_violations(page)
    _fill_basics(page)
    page.locator("#proposal-map").click()  # the map's centre is in Erfurt
    expect(page.locator("#lat")).not_to_have_value("")
    expect(page.locator("#lon")).not_to_have_value("")
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/vorschlaege/\d+$"))  # not /vorschlaege/neu
    expect(page.locator("h1")).to_contain_text("Bänke am Anger", use_inner_text=True)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.place_from_map is True
    assert_no_serious_axe_violations(page)


def test_submit_without_the_map(page, live_server, categories, create_user, districts):
    log_in(page, create_user().email)
    page.goto("/vorschlaege/neu")
    _fill_basics(page, "Spielplatz erneuern")
    page.locator("form.proposal-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()  # the 400 page has replaced the form
    expect(page.locator("#title")).to_have_value("Spielplatz erneuern")
    page.locator("#district").select_option("23")
    page.locator("#address").fill("Am Spielplatz")
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/vorschlaege/\d+$"))  # not /vorschlaege/neu
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
    log_in(page, create_user().email)
    page.goto("/vorschlaege/neu")
    _fill_basics(page, "Mehr Bänke am Anger")
    page.locator("#lat").fill("50.9786")
    page.locator("#lon").fill("11.0266")
    page.locator("form.proposal-form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Ähnliche Vorschläge in der Nähe")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Diesen Vorschlag unterstützen").first.click()
    page.wait_for_url(f"**/vorschlaege/{existing.id}")
    expect(page.locator("main")).to_contain_text(
        "1 Person unterstützt diesen Vorschlag.", use_inner_text=True
    )
    assert services.support_count(existing.id) == 1
    assert db.session.scalar(select(db.func.count(Proposal.id))) == 1
    assert_no_serious_axe_violations(page)
