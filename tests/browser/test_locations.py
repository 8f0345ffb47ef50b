"""Location scenarios in Chromium: a planner builds a scenario with three criteria, shares it
with the board, the link opens logged out (barrier figures below the privacy minimum shown as
"fewer than N"), the planner records the decision; axe (de, en) on the new pages and a 360 px
screen without sideways scrolling."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.locations.models import LocationScenario, LocationShareOpening
from tests.conftest import barrier_details
from tests.locations.conftest import figures, library  # noqa: F401 - the fixtures

from .conftest import assert_no_serious_axe_violations, log_in

SCREEN = 360


@pytest.fixture
def planner(create_user):
    return create_user("planner", office="social-planning", email="standorte@example.org")


def _switch_language(page, language: str) -> None:
    page.locator(".language-switch button").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _both_languages(page) -> None:
    assert_no_serious_axe_violations(page)
    _switch_language(page, "en")
    assert_no_serious_axe_violations(page)
    _switch_language(page, "de")


def _fit(browser, base_url: str, paths: list[str], email: str | None = None) -> None:
    """Each of ``paths`` on a 360 px phone, in one browser context (logged in as ``email``)."""
    context = browser.new_context(
        base_url=base_url,
        locale="de-DE",
        viewport={"width": SCREEN, "height": 740},
        screen={"width": SCREEN, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        if email:
            log_in(page, email)
        for path in paths:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= SCREEN, f"{path}: {width} px wide"
    finally:
        context.close()


@pytest.mark.usefixtures("figures", "library")
def test_build_share_open_and_decide(page, browser, live_server, planner, barrier_report_factory):
    for _ in range(3):
        barrier_report_factory(number="23", details=barrier_details(("transport",)))
    log_in(page, planner.email)
    page.goto("/verwaltung/standorte/")
    page.get_by_role("link", name="Neues Szenario").click()
    _both_languages(page)
    page.get_by_label("Titel").fill("Zweiter ThINKA-Standort")
    page.get_by_label("Fragestellung").fill("Wo soll der zweite Standort hin?")
    page.locator("#criteria-0-choice").select_option("indicator:sgb2_rate")
    page.locator("#criteria-0-weight").fill("50")
    page.locator("#criteria-1-choice").select_option("distance:library")
    page.locator("#criteria-1-weight").fill("30")
    page.locator("#criteria-2-choice").select_option("barriers:type:transport")
    page.locator("#criteria-2-weight").fill("20")
    page.get_by_role("button", name="Speichern und Ergebnis zeigen").click()
    expect(page.locator(".flash-success")).to_contain_text("gespeichert")
    expect(page.locator("#ranking-table")).to_be_visible()
    expect(page.locator("#criteria-table")).to_contain_text("50 %")
    expect(page.locator("#stability-list li")).to_have_count(5)
    # the map is decorative: nothing in it takes the focus
    expect(page.locator("svg.location-map")).to_have_attribute("aria-hidden", "true")
    assert page.locator("svg.location-map a, svg.location-map [tabindex]").count() == 0
    _both_languages(page)
    scenario = db.session.scalar(db.select(LocationScenario))
    assert [c.kind for c in scenario.criteria] == ["indicator", "distance", "barriers"]

    page.get_by_role("link", name="Mit dem Beirat teilen").click()
    page.get_by_label("Bezeichnung (zum Beispiel: Beiratssitzung im März)").fill("Beirat März")
    page.get_by_label("Gültigkeit in Tagen").fill("14")
    page.get_by_role("button", name="Link erstellen").click()
    # the link is the public address (PUBLIC_URL); the test server has its own port
    link = urlsplit(page.locator("#new-share-link").get_attribute("href")).path
    assert link.startswith("/standorte/")
    assert_no_serious_axe_violations(page)

    board = browser.new_context(base_url=live_server.url, locale="de-DE")
    shared = board.new_page()
    try:
        response = shared.goto(link)
        assert response.status == 200
        expect(shared.locator("h1")).to_have_text("Zweiter ThINKA-Standort")
        expect(shared.locator("#ranking-table")).to_contain_text("weniger als 5 Meldungen")
        expect(shared.locator("#nav-locations-admin")).to_have_count(0)
        _both_languages(shared)
    finally:
        board.close()
    assert db.session.scalar(db.select(db.func.count(LocationShareOpening.id))) >= 1
    page.goto(f"/verwaltung/standorte/{scenario.id}/freigaben")
    expect(page.locator("#shares-table")).to_contain_text("Beirat März")
    expect(page.locator("#new-share-link")).to_have_count(0)

    page.goto(f"/verwaltung/standorte/{scenario.id}/entscheidung")
    page.get_by_label("Entscheidung", exact=True).fill("Der zweite Standort kommt nach 23.")
    page.get_by_role("button", name="Entscheidung festhalten").click()
    expect(page.locator(".error-summary")).to_contain_text("Gründe")
    expect(page.get_by_label("Entscheidung", exact=True)).to_have_value(
        "Der zweite Standort kommt nach 23."
    )
    page.get_by_label("Gründe des Beirats").fill("Hoher Bedarf, weit zur nächsten Bibliothek.")
    page.get_by_label("Gewählter Ortsteil").select_option(label="23 Moskauer Platz")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Entscheidung festhalten").click()
    expect(page.locator(".location-decision")).to_contain_text("Hoher Bedarf")
    db.session.refresh(scenario)
    assert scenario.decided_at is not None

    # the list, the comparison, the share links and the decision page in both languages (all
    # in German, then all in English: one switch each way instead of two per page)
    paths = (
        "/verwaltung/standorte/",
        f"/verwaltung/standorte/vergleich?s={scenario.id}",
        f"/verwaltung/standorte/{scenario.id}/freigaben",
        f"/verwaltung/standorte/{scenario.id}/entscheidung",
        f"/verwaltung/standorte/{scenario.id}/druck",
    )
    for language in ("de", "en"):
        if language == "en":
            _switch_language(page, "en")
        for path in paths:
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            assert_no_serious_axe_violations(page)
    _switch_language(page, "de")

    # keyboard: the skip link and the first action are reachable with Tab
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"

    # revoking: the link then answers 410 with a clear page
    page.goto(f"/verwaltung/standorte/{scenario.id}/freigaben")
    page.get_by_role("button", name="Link widerrufen").click()
    expect(page.locator(".flash-success")).to_contain_text("widerrufen")
    board = browser.new_context(base_url=live_server.url, locale="de-DE")
    gone = board.new_page()
    try:
        assert gone.goto(link).status == 410
        expect(gone.locator("h1")).to_have_text("Dieser Link funktioniert nicht mehr")
        assert_no_serious_axe_violations(gone)
    finally:
        board.close()

    _fit(
        browser,
        live_server.url,
        [
            "/verwaltung/standorte/",
            f"/verwaltung/standorte/{scenario.id}",
            f"/verwaltung/standorte/{scenario.id}/bearbeiten",
            f"/verwaltung/standorte/{scenario.id}/freigaben",
        ],
        planner.email,
    )
    _fit(browser, live_server.url, [link])
