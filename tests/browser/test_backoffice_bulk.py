"""Bulk work in Chromium: a planner assigns 10 inputs of the filter to an office, then
closes them with a response template filled in per input (one request each, all or
nothing, a summary per input); the authors see the public answers, signed by the office,
and their notifications. axe checks the response templates page (with an error) in German
and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.accounts.models import Office
from app.extensions import db
from app.workflow import response_templates
from app.workflow import services as workflow

from .conftest import assert_no_serious_axe_violations, log_in

INBOX = "/verwaltung/eingang/"
TEMPLATES = "/verwaltung/vorlagen/"


@pytest.fixture
def offices(app) -> dict[str, Office]:
    return {o.slug: o for o in db.session.scalars(db.select(Office))}


def test_planner_bulk_assigns_and_answers_ten_inputs_with_a_template(
    page, live_server, create_user, proposal_factory, offices
):
    authors = [create_user(name="Anna Autorin"), create_user(name="Bert Autor")]
    made = [
        proposal_factory(authors[n % 2], title=f"Bank Nummer {n}", number="23") for n in range(10)
    ]
    other = proposal_factory(authors[0], title="Radweg am Ring", number="25")
    planner = create_user("planner", office="social-planning", name="Petra Planerin")
    template = response_templates.save_template(
        planner,
        None,
        office_id=offices["social-planning"].id,
        title="Wird umgesetzt",
        body="„{title}“ in {district} wird umgesetzt. {office}",
        status_key="planned",
    )
    db.session.commit()

    log_in(page, planner.email)
    page.goto(INBOX + "?district=23")
    rows = page.locator("#inbox-table tbody tr.inbox-row")
    expect(rows).to_have_count(10)

    # 1. tick the ten rows and assign them to an office
    for proposal in made:
        page.locator(f"#select-proposal-{proposal.id}").check()
    page.locator("#action").select_option("assign")
    page.locator("#office").select_option(label="Stadtplanung")
    page.get_by_role("button", name="Auf die Auswahl anwenden").click()
    expect(page.locator("#bulk-done")).to_be_visible()
    expect(page.locator("#bulk-outcomes tr.bulk-ok")).to_have_count(10)

    # 2. all matching the filter: the status from the template, filled in per input
    page.goto(INBOX + "?district=23")
    page.locator("#all_matching").check()
    page.locator("#action").select_option("status")
    page.locator("#template").select_option(str(template.id))
    page.get_by_role("button", name="Auf die Auswahl anwenden").click()
    expect(page.locator("#bulk-done")).to_be_visible()
    expect(page.locator("#bulk-outcomes tr.bulk-ok")).to_have_count(10)
    assert_no_serious_axe_violations(page)

    db.session.expire_all()
    for proposal in made:
        item = workflow.item_for("proposal", proposal.id)
        assert (item.status.key, item.office.slug) == ("planned", "urban-planning")
    assert workflow.item_for("proposal", other.id).status.key == "new"
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/")

    # the authors see their answers (signed by the office) and their notifications
    for n, author in enumerate(authors):
        log_in(page, author.email)
        page.goto("/benachrichtigungen")
        expect(page.locator("main")).to_contain_text("Bank Nummer")
        own = made[n]
        page.goto(f"/vorschlaege/{own.id}")
        answers = page.locator("#official-responses")
        expect(answers).to_contain_text(
            f"„Bank Nummer {n}“ in Moskauer Platz wird umgesetzt. Sozialplanung",
            use_inner_text=True,
        )
        expect(answers).to_contain_text("Amtliche Antwort · Fachamt Sozialplanung")
        expect(page.locator("#status-timeline li").last).to_contain_text("Geplant")
        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url("**/")


def test_axe_on_the_templates_page(page, live_server, create_user, offices):
    planner = create_user("planner", office="social-planning", name="Petra Planerin")
    response_templates.save_template(
        planner,
        None,
        office_id=offices["social-planning"].id,
        title="Abgelehnt",
        body="Zu „{title}“: leider nicht möglich.",
        status_key="declined",
    )
    db.session.commit()
    log_in(page, planner.email)
    for language in ("de", "en"):
        if language == "en":
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
        page.goto(TEMPLATES)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#template-table")).to_contain_text("Abgelehnt")
        assert_no_serious_axe_violations(page)
        # an unknown placeholder: the error summary, the field marked, the text kept
        page.locator("#title").fill("Mit Fehler")
        page.locator("#body").fill("Hallo {name}")
        page.locator("#template-form button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#body")).to_have_value("Hallo {name}")
        expect(page.locator("#body-error")).to_contain_text(re.compile("{name}"))
        assert_no_serious_axe_violations(page)
