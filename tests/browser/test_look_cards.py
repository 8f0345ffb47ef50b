"""Cards, timelines and the start page in Chromium: "find your district" by keyboard (the
combobox), axe in German and English on the start page, the list pages and an item page with
its timeline, the cards' visible focus, and every one of these pages fits a 360 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.core.content_types import respondable
from app.extensions import db
from app.needs import services as needs
from app.responses import services as responses
from app.workflow import services as workflow

from .conftest import assert_no_serious_axe_violations, track_fetches, wait_for_fetches

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def activity(app, districts, categories, proposal_factory, create_user):
    """Proposals (one answered, with a status change), a need, public answers."""
    author = create_user()
    planner = create_user("planner", office="social-planning")
    mayor = create_user("mayor", council="23")
    proposals = [
        proposal_factory(author, title=f"Mehr Bänke am Weg Nummer {n}", supports=n % 3)
        for n in range(4)
    ]
    proposal = proposals[-1]
    council = mayor.roles[0].council
    need = needs.create_need(
        mayor,
        council,
        title="Ein Jugendraum für die Abende",
        description="Ein Raum fehlt.",
        category=categories["children-youth"],
        priority="high",
        place=needs.place_from_district(council, council.districts[0]),
    )
    with app.test_request_context():
        answer = responses.respond(
            planner, respondable("proposal"), proposal, "Wir stellen im Mai drei Bänke auf."
        )
        workflow.change_status(
            planner, workflow.item_for("proposal", proposal.id), "planned", response_id=answer.id
        )
        responses.respond(mayor, respondable("need"), need, "Der Ortsteilrat sucht einen Raum.")
    db.session.commit()
    return {"proposal": proposal, "need": need}


def _pages(activity) -> list[str]:
    return [
        "/",
        "/karte",
        "/bedarfe/",
        "/ortsteile/23",
        f"/vorschlaege/{activity['proposal'].id}",
        f"/bedarfe/{activity['need'].id}",
        "/ortsteile/suche?q=platz",
        "/ortsteile/suche?q=Atlantis",
    ]


def test_find_a_district_by_keyboard(page, districts):
    page.goto("/")
    field = page.get_by_role("combobox", name="Name oder Nummer des Ortsteils")
    field.focus()
    page.keyboard.type("moskau")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    option = listbox.get_by_role("option", name="23 Moskauer Platz")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    assert_no_serious_axe_violations(page)
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).to_be_focused()
    page.keyboard.press("ArrowDown")  # opens it again
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ortsteile/23")
    expect(page.locator("h1")).to_contain_text("Moskauer Platz", use_inner_text=True)


def test_several_suggestions_and_the_search_page(page, districts):
    page.goto("/")
    field = page.get_by_role("combobox", name="Name oder Nummer des Ortsteils")
    field.focus()
    page.keyboard.type("platz")
    options = page.get_by_role("listbox").get_by_role("option")
    assert options.count() > 1
    page.keyboard.press("Enter")  # nothing chosen: the form asks the search page
    page.wait_for_url("**/ortsteile/suche?q=platz")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("platz")
    expect(page.get_by_role("link", name="23 Moskauer Platz")).to_be_visible()


def test_a_card_shows_its_focus(page, activity):
    page.goto("/")
    link = page.locator("#newest-proposals .card-title a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard, so :focus-visible applies
    expect(link).to_be_focused()
    outline = link.evaluate(
        "a => [getComputedStyle(a).outlineStyle, getComputedStyle(a.closest('.card')).outlineStyle]"
    )
    assert outline == ["solid", "solid"], outline


@pytest.mark.parametrize("language", ["de", "en"])
def test_axe_on_the_new_and_changed_pages(browser, live_server, activity, language):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=DESKTOP)
    track_fetches(context)
    page = context.new_page()
    page.goto("/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path in _pages(activity):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if path.startswith("/karte") or path == "/":
                wait_for_fetches(page)  # the maps and the list drawn
            assert_no_serious_axe_violations(page)
            if viewport is PHONE:
                width, screen = page.evaluate(
                    "[document.documentElement.scrollWidth, screen.width]"
                )
                assert screen == PHONE["width"]
                assert width <= screen, f"{path} is {width}px wide on a {screen}px screen"
    context.close()


def test_the_timeline_on_the_item_page(page, activity):
    page.goto(f"/vorschlaege/{activity['proposal'].id}")
    steps = page.locator("#status-timeline > li")
    expect(steps).to_have_count(2)
    expect(steps.last).to_contain_text("Geplant")
    expect(steps.last).to_contain_text("Wir stellen im Mai drei Bänke auf.")
    expect(steps.last).to_contain_text("Fachamt Sozialplanung")
    steps.last.get_by_role("link", name="Die ganze Antwort lesen").click()
    expect(page).to_have_url(re.compile(r"#response-\d+$"))
