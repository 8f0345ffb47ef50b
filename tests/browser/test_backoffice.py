"""The back office in Chromium: a planner filters and searches the inbox, opens an input
with the keyboard (j, Enter), closes it with a public answer and assigns an office; the
author's public page shows the answer and the history. A mayor reads the inbox of their
council's districts only. axe checks the inbox, the item view, the workflow admin pages and
the account page in German and English."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Office
from app.core import content_types
from app.core.time import utcnow
from app.extensions import db
from app.measures import services as measures
from app.measures.models import MeasureInput
from app.responses.services import respond
from app.workflow import services as workflow
from tests.conftest import PASSWORD

from .conftest import assert_no_serious_axe_violations, log_in

INBOX = "/verwaltung/eingang/"


def _logout(page) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/")
    expect(page.locator("body")).to_contain_text("Sie sind abgemeldet.")


def _link_focused(page) -> bool:
    return page.evaluate("document.activeElement.classList.contains('inbox-link')")


def _tab_to(page, element_id: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} is not reachable by Tab")


def _rows(page):
    return page.locator("#inbox-table tbody tr.inbox-row")


def _rule_and_target(admin, proposal, districts) -> None:
    """A routing rule and a response target, so that their tables are shown."""
    office = db.session.scalar(select(Office).where(Office.slug == "urban-planning"))
    workflow.save_rule(
        admin,
        None,
        target_type="proposal",
        category_id=proposal.category_id,
        district_id=districts["23"].id,
        office_id=office.id,
    )
    workflow.save_target(admin, proposal.category_id, 14)
    db.session.commit()


@pytest.fixture
def inputs(create_user, proposal_factory, districts):
    """Two proposals in Moskauer Platz (23), one placed on the map; one in Johannesplatz
    (25, another council)."""
    author = create_user(name="Paula Vorschlag")
    moskauer_platz = districts["23"]
    play = proposal_factory(
        author,
        title="Neuer Spielplatz",
        description="Mit Schaukeln bitte.",
        point=(moskauer_platz.label_lat, moskauer_platz.label_lon),
    )
    benches = proposal_factory(author, title="Mehr Bänke", description="Zum Ausruhen.")
    elsewhere = proposal_factory(author, title="Radweg am Ring", number="25")
    return {"author": author, "play": play, "benches": benches, "elsewhere": elsewhere}


def test_planner_filters_searches_opens_by_keyboard_answers_and_assigns(
    page, live_server, create_user, inputs
):
    planner = create_user("planner", office="social-planning", name="Petra Planerin")
    play = inputs["play"]
    log_in(page, planner.email)
    page.goto(INBOX)
    expect(_rows(page)).to_have_count(3)

    # filter by district and status with the form
    page.locator("#filter-district").select_option("23")
    page.locator("#filter-status").select_option("new")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r"district=23"))
    expect(_rows(page)).to_have_count(2)
    expect(page.locator("#inbox-table")).not_to_contain_text("Radweg am Ring")
    expect(page.locator("#filter-district")).to_have_value("23")

    # j / k act only in the list: elsewhere on the page the letters do nothing
    links = page.locator("#inbox-table .inbox-link")
    page.locator("h1").click()
    page.keyboard.press("j")
    assert not _link_focused(page)
    # Tab reaches the list; there j / k move the focus between the rows' links
    _tab_to(page, "inbox-list")
    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(links.nth(0)).to_be_focused()

    # search a word: German stemming finds "Spielplatz" for "Spielplätze"
    page.locator("#filter-q").fill("Spielplätze")
    page.locator("#filter-q").press("Enter")
    page.wait_for_url(re.compile(r"q=Spielpl"))
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text("Neuer Spielplatz")

    # the CSV export holds the filtered list only
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("als CSV")).click()
    with open(download_info.value.path(), encoding="utf-8-sig") as exported:
        exported_csv = exported.read()
    assert "Neuer Spielplatz" in exported_csv and "Mehr Bänke" not in exported_csv

    # open the only row with the keyboard: Tab to the list, j, Enter
    page.locator("h1").click()
    _tab_to(page, "inbox-list")
    page.keyboard.press("j")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{INBOX}proposal/{play.id}")
    expect(page.locator("h1")).to_have_text("Neuer Spielplatz")

    # a closing status needs a public answer: the error is shown and checked by axe
    page.get_by_label("Neuer Status").select_option("done")
    page.get_by_role("button", name="Status speichern").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Neuer Status")).to_have_attribute("aria-invalid", "true")
    assert_no_serious_axe_violations(page)

    # close it with a public answer
    page.get_by_label("Neuer Status").select_option("done")
    page.get_by_role("textbox", name="Öffentliche Antwort").fill(
        "Der Spielplatz wird im Frühjahr gebaut."
    )
    page.get_by_role("button", name="Status speichern").click()
    expect(page.locator("body")).to_contain_text("Der Status wurde geändert.")
    expect(page.locator("#item-status")).to_have_text("Erledigt")

    # assign an office
    page.get_by_label("Zuständiges Amt").select_option(label="Stadtplanung")
    page.get_by_role("button", name="Zuständigkeit speichern").click()
    expect(page.locator("body")).to_contain_text("Die Zuständigkeit wurde gespeichert.")
    expect(page.locator("#item-office")).to_have_text("Stadtplanung")
    _logout(page)

    # the author's public page shows the answer and the history with the new status
    log_in(page, inputs["author"].email)
    page.goto(f"/vorschlaege/{play.id}")
    expect(page.locator("#official-responses")).to_contain_text(
        "Der Spielplatz wird im Frühjahr gebaut.", use_inner_text=True
    )
    history = page.locator("section[aria-labelledby=timeline-title]")
    expect(history.get_by_role("heading", name="Verlauf")).to_be_visible()
    expect(page.locator("#status-timeline li")).to_have_count(2)
    expect(page.locator("#status-timeline li").last).to_contain_text("Erledigt")

    db.session.expire_all()
    item = workflow.item_for("proposal", play.id)
    assert item.status.key == "done" and item.office.slug == "urban-planning"


def test_mayor_reads_the_inbox_of_their_districts_only(page, live_server, create_user, inputs):
    mayor = create_user("mayor", council="23", name="Erika Muster")
    log_in(page, mayor.email)
    page.goto("/ortsteilrat/")
    page.wait_for_url("**/ortsteilrat/*/")

    # the dashboard's GeoJSON export holds the council's public inputs with their points
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("GeoJSON")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".geojson")
    with open(download.path(), encoding="utf-8") as exported:
        features = json.load(exported)["features"]
    titles = {f["properties"]["title"] for f in features}
    assert {"Neuer Spielplatz", "Mehr Bänke"} <= titles and "Radweg am Ring" not in titles
    geometry = {f["properties"]["title"]: f["geometry"] for f in features}
    assert geometry["Neuer Spielplatz"]["type"] == "Point"  # placed on the map
    assert geometry["Mehr Bänke"] is None  # "somewhere in the district": no point

    # from the dashboard into the inbox, read-only
    page.get_by_role("link", name="Beiträge des Ortsteilrats im Eingang").click()
    page.wait_for_url(re.compile(r"/verwaltung/eingang/\?council="))
    expect(page.locator("main")).to_contain_text("nur lesen", ignore_case=True)
    expect(_rows(page)).to_have_count(2)
    expect(page.locator("#inbox-table")).not_to_contain_text("Radweg am Ring")
    expect(page.locator("a[href*='/verwaltung/eingang/export']")).to_have_count(0)

    page.get_by_role("link", name="Mehr Bänke").click()
    page.wait_for_url(f"**{INBOX}proposal/{inputs['benches'].id}")
    expect(page.locator("h1")).to_have_text("Mehr Bänke")
    # Read-only for the workflow: only the internal note form (the district's council writes
    # notes), no status, assignment or tag forms.
    expect(page.locator("main form")).to_have_count(1)
    expect(page.locator("main form textarea")).to_have_count(1)
    expect(page.locator("#status")).to_have_count(0)

    response = page.goto(f"{INBOX}proposal/{inputs['elsewhere'].id}")
    assert response is not None and response.status == 403


def test_axe_on_the_back_office_and_account_pages(
    page, live_server, create_user, districts, inputs
):
    """As an admin, who sees every form of these pages; with a routing rule and a response
    target (their tables) and an item with a status history and a public answer."""
    admin = create_user("admin", name="Ada Admin")
    play = inputs["play"]
    _rule_and_target(admin, play, districts)
    item = workflow.item_for("proposal", play.id)
    planner = create_user("planner", office="social-planning")
    answer = respond(planner, content_types.respondable("proposal"), play, "Wird gebaut.")
    workflow.change_status(planner, item, "planned", response_id=answer.id)
    # and one overdue input (its badge in the list)
    workflow.item_for("proposal", inputs["benches"].id).due_on = utcnow().date() - timedelta(days=3)
    db.session.commit()
    log_in(page, admin.email)
    paths = (
        INBOX,
        f"{INBOX}?district=23&q=Spielplatz",
        f"{INBOX}proposal/{play.id}",
        "/verwaltung/status/",
        "/verwaltung/zuweisung/",
        "/verwaltung/zahlen/",
        "/wie-schnell-antwortet-die-stadt",
        "/konto",
    )
    for language in ("de", "en"):
        if language == "en":
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(page.locator("html")).to_have_attribute("lang", language)
            if path == INBOX:
                expect(page.locator(".badge.overdue")).to_have_count(1)
            assert_no_serious_axe_violations(page)


# The first elements that reach beyond a 360 px viewport (for the failure message).
WIDE_ELEMENTS = """[...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > 360).slice(0, 5)
    .map(e => `${e.tagName}#${e.id}.${e.className} ${e.getBoundingClientRect().right}`)"""


def test_back_office_pages_fit_a_narrow_screen(
    browser, live_server, create_user, districts, inputs
):
    """Wide tables scroll in their own region; the page itself has no horizontal scroll, even
    with a long e-mail address on the account page."""
    admin = create_user(
        "admin", name="Ada Admin", email="ada.admin.of.the.city.administration@example.org"
    )
    _rule_and_target(admin, inputs["play"], districts)
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    log_in(page, admin.email)
    for path in (
        INBOX,
        f"{INBOX}proposal/{inputs['play'].id}",
        "/verwaltung/status/",
        "/verwaltung/zuweisung/",
        "/verwaltung/zahlen/",
        "/wie-schnell-antwortet-die-stadt",
        "/konto",
    ):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(WIDE_ELEMENTS)
        assert width <= 360, f"{path} is {width}px wide: {wide}"
    context.close()


def test_account_page_logs_out_other_devices_and_changes_the_password(
    page, browser, live_server, create_user, districts
):
    person = create_user(name="Clara Bürgerin")
    other_device = browser.new_context(base_url=live_server.url, locale="de-DE")
    phone = other_device.new_page()
    log_in(phone, person.email)
    log_in(page, person.email)

    page.goto("/konto")
    page.get_by_role("button", name="Auf allen anderen Geräten abmelden").click()
    expect(page.locator("body")).to_contain_text("auf allen anderen Geräten abgemeldet")
    phone.goto("/konto")
    expect(phone).to_have_url(re.compile(r"/anmelden"))
    other_device.close()

    # a wrong current password: the error is tied to its field, and axe finds nothing serious
    page.locator("#current_password").fill("falsch-falsch-falsch")
    page.locator("#new_password").fill("ein-ganz-neues-passwort")
    page.locator("#new_password_confirm").fill("ein-ganz-neues-passwort")
    page.get_by_role("button", name="Passwort ändern").click()
    expect(page.locator("#current_password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#current_password-error")).to_have_text("Das Passwort ist falsch.")
    assert_no_serious_axe_violations(page)

    page.locator("#current_password").fill(PASSWORD)
    page.locator("#new_password").fill("ein-ganz-neues-passwort")
    page.locator("#new_password_confirm").fill("ein-ganz-neues-passwort")
    page.get_by_role("button", name="Passwort ändern").click()
    expect(page.locator("body")).to_contain_text("Ihr Passwort wurde geändert.")
    page.goto("/konto")  # still logged in here
    expect(page.locator("h1")).to_have_text("Mein Konto")


def test_planner_links_an_input_to_a_measure_from_the_item_view(
    page, live_server, create_user, districts, inputs
):
    """The item view's "Measures" section: a missing reason is reported at its field (axe),
    the link is made with the keyboard, the measure is named; axe in English too, and the
    section fits 360 px."""
    planner = create_user("planner", office="social-planning", name="Petra Planerin")
    office = db.session.scalar(select(Office).where(Office.slug == "social-planning"))
    measure = measures.save_measure(
        planner,
        None,
        measures.MeasureData(
            title="Bänke am Moskauer Platz",
            status_key="decided",
            office_ids=[office.id],
            district_ids=[districts["23"].id],
        ),
    )
    db.session.commit()
    benches = inputs["benches"]
    log_in(page, planner.email)
    page.goto(f"{INBOX}proposal/{benches.id}")
    section = page.locator("#measures-section")
    expect(section).to_contain_text("Dieser Beitrag gehört noch zu keiner Maßnahme.")
    section.get_by_label("Maßnahme", exact=True).select_option(label="Bänke am Moskauer Platz")
    section.get_by_role("button", name="Mit der Maßnahme verknüpfen").click()
    expect(page.locator("#measure-reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#measure-measure")).to_have_value(str(measure.id))  # kept
    assert_no_serious_axe_violations(page)

    page.locator("#measure-reason").fill("Gleicher Ort")
    page.locator("#measure-status").select_option("in_implementation")
    page.locator("#measure-reason").press("Enter")  # the keyboard submits the form
    expect(page.locator("body")).to_contain_text("Der Beitrag ist jetzt Teil der Maßnahme")
    expect(page.locator("#item-measures")).to_contain_text("Bänke am Moskauer Platz")
    expect(page.locator("#item-status")).to_have_text("In Umsetzung")
    link = db.session.scalar(select(MeasureInput).where(MeasureInput.input_id == benches.id))
    assert link is not None and link.reason == "Gleicher Ort"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    page.goto(f"{INBOX}proposal/{inputs['play'].id}")
    expect(page.locator("#measures-section")).to_contain_text("Link to the measure")
    assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, page.evaluate(WIDE_ELEMENTS)


def test_the_measure_search_field_suggests_and_filters(
    page, live_server, create_user, districts, inputs
):
    """Typing in the inbox's measure field offers the matching measures (the datalist,
    filled from the suggestions endpoint); submitting a title filters the list."""
    planner = create_user("planner", office="social-planning", name="Petra Planerin")
    office = db.session.scalar(select(Office).where(Office.slug == "social-planning"))
    measure = measures.save_measure(
        planner,
        None,
        measures.MeasureData(
            title="Bänke am Moskauer Platz",
            status_key="decided",
            office_ids=[office.id],
            district_ids=[districts["23"].id],
        ),
    )
    measures.link_input(planner, measure, "proposal", inputs["benches"].id)
    db.session.commit()
    log_in(page, planner.email)
    page.goto(INBOX)
    field = page.get_by_label("Mit der Maßnahme verknüpft", exact=True)
    field.press_sequentially("Moskau")
    option = page.locator("#filter-linked_measure-options option")
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("value", str(measure.id))
    expect(option).to_have_attribute("label", "Bänke am Moskauer Platz")
    page.get_by_role("button", name="Anzeigen").click()
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page)).to_contain_text("Mehr Bänke")
    expect(field).to_have_value("Moskau")
