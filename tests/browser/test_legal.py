"""Legal and Leichte-Sprache pages, the accessibility feedback form and the phone header, in
Chromium: reachable from every page's header and footer, axe in German and English at 1280 and
360 px, the menu button by keyboard, the feedback form with bad input."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.legal.models import AccessibilityFeedback
from app.legal.routes import EASY_PAGES

from .conftest import assert_no_serious_axe_violations, log_in

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
FEEDBACK = "/barrierefreiheit/barriere-melden"
NEW_PAGES = (
    "/datenschutz",
    "/impressum",
    "/barrierefreiheit",
    FEEDBACK,
    f"{FEEDBACK}/danke",
    "/leichte-sprache/",
    *(f"/leichte-sprache/{slug}" for slug in EASY_PAGES),
)


def _context(browser, live_server, viewport, locale="de-DE", **options):
    return browser.new_context(
        base_url=live_server.url, locale=locale, viewport=viewport, **options
    )


def _fits(page, path: str) -> None:
    """The page is no wider than the device (Chromium widens innerWidth, not screen.width)."""
    width, screen = page.evaluate("[document.documentElement.scrollWidth, screen.width]")
    assert width <= screen, f"{path} is {width}px wide on a {screen}px screen"


def test_legal_and_easy_pages_are_reachable_from_every_page(page, districts):
    """Crawl a few pages: each header links Leichte Sprache, each footer the legal pages; the
    links lead to the pages."""
    for path in ("/", "/karte", "/barrieren", "/ortsteile/23", "/indikatoren/", "/registrieren"):
        page.goto(path)
        header, footer = page.locator("header.site-header"), page.locator("footer.site-footer")
        expect(header.get_by_role("link", name="Leichte Sprache")).to_have_attribute(
            "href", "/leichte-sprache/"
        )
        for name in ("Impressum", "Datenschutzerklärung", "Erklärung zur Barrierefreiheit"):
            expect(footer.get_by_role("link", name=name)).to_have_count(1)
        expect(footer.get_by_role("link", name="Barriere auf dieser Website melden")).to_have_count(
            1
        )
    page.locator("footer").get_by_role("link", name="Datenschutzerklärung").click()
    expect(page.locator("h1")).to_have_text("Datenschutzerklärung")
    page.locator("footer").get_by_role("link", name="Impressum").click()
    expect(page.locator("h1")).to_have_text("Impressum")
    page.locator("footer").get_by_role("link", name="Erklärung zur Barrierefreiheit").click()
    expect(page.locator("h1")).to_have_text("Erklärung zur Barrierefreiheit")
    page.locator("header").get_by_role("link", name="Leichte Sprache").click()
    expect(page.locator("h1")).to_have_text("Quartier in Leichter Sprache")
    page.get_by_role("link", name="Eine Barriere melden").click()
    expect(page.locator("h1")).to_have_text("Eine Barriere melden")
    # the Leichte-Sprache page leads to the real form (which asks to log in first)
    page.get_by_role("link", name="Hier melden Sie eine Barriere.").click()
    expect(page).to_have_url(re.compile(r"/(anmelden|barrieren/melden)"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
@pytest.mark.parametrize("locale", ["de-DE", "en-GB"], ids=["de", "en"])
def test_new_pages_pass_axe_and_fit(browser, live_server, districts, create_user, viewport, locale):
    admin = create_user("admin")
    context = _context(browser, live_server, viewport, locale)
    page = context.new_page()
    if locale.startswith("en"):
        page.goto("/")
        if page.locator(".menu-button").is_visible():
            page.locator(".menu-button").click()
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for path in NEW_PAGES:
        page.goto(path)
        assert_no_serious_axe_violations(page)
        _fits(page, path)
    # the form with errors, and the admin list
    page.goto(FEEDBACK)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_serious_axe_violations(page)
    _fits(page, FEEDBACK)
    db.session.add(AccessibilityFeedback(description="Ein Test " * 40, page_url="/karte" * 20))
    db.session.commit()
    log_in(page, admin.email)  # the language stays
    page.goto("/admin/barrierefreiheit/rueckmeldungen")
    assert_no_serious_axe_violations(page)
    _fits(page, "/admin/barrierefreiheit/rueckmeldungen")
    context.close()


def test_feedback_form_with_bad_input_then_good(page, districts):
    page.goto("/karte")
    page.locator("footer").get_by_role("link", name="Barriere auf dieser Website melden").click()
    expect(page.get_by_label("Auf welcher Seite? (freiwillig)")).to_have_value("/karte")
    page.get_by_label("Ihr Name (freiwillig)").fill("Erika")
    page.get_by_label("Ihre E-Mail-Adresse (freiwillig)").fill("keine-adresse")
    page.get_by_label("Was ist die Barriere?").fill("kurz")
    page.get_by_role("button", name="An die Stadt senden").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("10 bis 4.000 Zeichen", use_inner_text=True)
    expect(summary).to_contain_text("gültige E-Mail-Adresse", use_inner_text=True)
    # what was typed stays; the error is tied to the field
    expect(page.get_by_label("Ihr Name (freiwillig)")).to_have_value("Erika")
    expect(page.get_by_label("Was ist die Barriere?")).to_have_value("kurz")
    expect(page.get_by_label("Was ist die Barriere?")).to_have_attribute("aria-invalid", "true")
    assert db.session.scalar(select(AccessibilityFeedback.id)) is None
    # the summary's link moves to the field
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Was ist die Barriere?")).to_be_focused()
    page.get_by_label("Was ist die Barriere?").fill(
        "Die Karte lässt sich nicht mit der Tastatur verschieben."
    )
    page.get_by_label("Ihre E-Mail-Adresse (freiwillig)").fill("erika@example.org")
    page.get_by_role("button", name="An die Stadt senden").click()
    expect(page.locator("h1")).to_have_text("Vielen Dank für Ihre Nachricht")
    row = db.session.scalars(select(AccessibilityFeedback)).one()
    assert (row.page_url, row.email, row.name) == ("/karte", "erika@example.org", "Erika")


def test_phone_header_collapses_and_opens_by_keyboard(browser, live_server, districts):
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    page.goto("/")
    header = page.locator("header.site-header")
    button = page.get_by_role("button", name="Menü")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#site-menu")).to_be_hidden()
    height = header.bounding_box()["height"]
    assert height <= 0.15 * PHONE["height"], f"the collapsed header is {height}px tall"
    expect(header.get_by_role("link", name="Leichte Sprache")).to_be_visible()
    # by keyboard: Tab to the button, Enter opens, the links are large enough to touch
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu-button')"):
            break
    else:
        pytest.fail("the menu button is not reachable by Tab")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Ortsteile")).to_be_focused()
    for link in nav.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 44, f"{link.inner_text()} is {box['height']}px tall"
    for target in (header.get_by_role("link", name="Leichte Sprache"), button):
        assert target.bounding_box()["height"] >= 44
    assert_no_serious_axe_violations(page)
    _fits(page, "/ (menu open)")
    # Escape closes and gives the focus back to the button; Space opens again
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(nav).to_be_hidden()
    page.keyboard.press("Space")
    expect(nav).to_be_visible()
    context.close()


def test_desktop_header_is_as_before(browser, live_server, districts):
    context = _context(browser, live_server, DESKTOP)
    page = context.new_page()
    page.goto("/")
    expect(page.locator(".menu-button")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav).to_be_visible()
    boxes = [link.bounding_box() for link in nav.get_by_role("link").all()]
    assert len({round(box["y"]) for box in boxes}) == 1, "the navigation wraps at 1280 px"
    context.close()


def test_phone_header_without_javascript_shows_the_menu(browser, live_server, districts):
    context = _context(browser, live_server, PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    expect(page.locator(".menu-button")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Anmelden")).to_be_visible()
    _fits(page, "/ without JavaScript")
    context.close()
