"""Access barriers in Chromium: report a barrier without the map, "this affects me too" by
another person, axe on the barrier form, report page, summary page and offers admin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.barriers import services
from app.barriers.models import AffectedPerson, BarrierReport
from app.extensions import db

from .conftest import assert_no_serious_axe_violations, log_in


@pytest.fixture
def catalogue(districts):
    services.load_offer_types()
    types = {t.slug: t for t in services.offer_types()}
    offers = [
        services.save_offer(
            None,
            None,
            name=name,
            type_id=types[slug].id,
            address="Teststraße 1",
            provider="Testträger",
            lat=lat,
            lon=lon,
        )
        for name, slug, lat, lon in (
            ("Bibliothek Testplatz", "library", 50.9785, 11.0265),
            ("Jugendhaus Testweg", "youth-house", 50.9455, 11.0660),
        )
    ]
    db.session.commit()
    return offers


def test_report_a_barrier_without_the_map(page, live_server, catalogue, create_user):
    person = create_user()
    log_in(page, person.email)
    page.goto("/barrieren/melden")
    # The searchable list: a GET search filters the offers.
    page.locator("#offer-search").fill("Jugend")
    page.locator("#offer-search").press("Enter")
    page.wait_for_url("**/barrieren/melden?q=Jugend")
    options = page.locator("#offer option")
    expect(options.filter(has_text=re.compile(r"^Jugendhaus Testweg$")).first).to_be_attached()
    expect(options.filter(has_text=re.compile(r"^Bibliothek Testplatz$"))).to_have_count(0)
    # Submitting without barriers is refused; what was typed stays.
    page.locator("#offer").select_option(label="Jugendhaus Testweg")
    page.locator("#text").fill("Abends fährt kein Bus zurück.")
    page.locator("#affected-0").check()
    page.locator("#age_group").select_option("65_79")
    page.locator("#district_from").select_option("23")
    page.locator("form.barrier-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()  # the 400 page has replaced the form
    expect(page.locator("#text")).to_have_value("Abends fährt kein Bus zurück.")
    expect(page.locator("#age_group")).to_have_value("65_79")
    assert_no_serious_axe_violations(page)
    page.locator("#barrier_types-0").check()
    page.locator("#barrier_types-2").check()
    page.locator("form.barrier-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/barrieren/\d+$"))  # not /barrieren/melden
    body = page.locator("main")
    expect(body).to_contain_text("Jugendhaus Testweg", use_inner_text=True)
    expect(body).to_contain_text("Abends fährt kein Bus zurück.", use_inner_text=True)
    report = db.session.scalar(select(BarrierReport))
    assert report.barrier_types == ["transport", "escort"]
    assert_no_serious_axe_violations(page)


def test_affects_me_too_by_another_person(page, live_server, catalogue, create_user, districts):
    reporter, neighbour = create_user(), create_user()
    report = services.create_report(
        reporter,
        offer=catalogue[0],
        offer_text="",
        district_from=districts["23"],
        text="Der Eingang hat Stufen.",
        visibility="public",
        details={
            "barrier_types": ["physical"],
            "affected": "self",
            "age_group": "80_plus",
            "participation_benefits": "no",
        },
    )
    db.session.commit()
    log_in(page, neighbour.email)
    page.goto(f"/barrieren/{report.id}")
    assert_no_serious_axe_violations(page)
    page.locator(f"a[href='/barrieren/{report.id}/betrifft-mich']").click()
    page.wait_for_url(f"**/barrieren/{report.id}/betrifft-mich")
    page.locator("#barrier_types-3").check()
    page.locator("#affected-1").check()
    page.locator("#age_group").select_option("under_18")
    assert_no_serious_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/barrieren/{report.id}")
    expect(page.locator("form.inline-form button.danger")).to_be_visible()  # withdraw
    db.session.expire_all()
    mine = db.session.scalar(select(AffectedPerson).where(AffectedPerson.user_id == neighbour.id))
    assert mine.affected == "child" and mine.barrier_types == ["physical"]
    # The reporter's own age group is not shown to the neighbour.
    expect(page.locator("main")).not_to_contain_text("80", use_inner_text=True)


def test_axe_on_summary_and_offers_admin(page, live_server, catalogue, create_user, districts):
    for _ in range(5):
        services.create_report(
            create_user(),
            offer=catalogue[1],
            offer_text="",
            district_from=districts["23"],
            text="",
            visibility="public",
            details={
                "barrier_types": ["transport"],
                "affected": "self",
                "age_group": "30_49",
                "participation_benefits": "not_stated",
            },
        )
    db.session.commit()
    page.goto("/barrieren")
    expect(page.locator("table.summary-table")).to_have_count(2)
    # In public the map shows the reports only counted (at least BARRIER_MIN_CELL, 5, per
    # cell; no single report): a focusable, named cluster that zooms in on Enter.
    page.wait_for_selector("#barrier-map[data-loaded=true]")
    expect(page.locator("#barrier-map .barrier-report-marker")).to_have_count(0)
    cluster = page.locator("#barrier-map .leaflet-marker-icon:has(.barrier-cluster)")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_attribute("tabindex", "0")
    expect(cluster).to_have_attribute("role", "button")
    expect(cluster).to_have_attribute(
        "aria-label", "5 Barrieremeldungen hier – Enter zum Hineinzoomen"
    )
    zoom = page.evaluate("document.getElementById('barrier-map').quartierMap.getZoom()")
    cluster.focus()
    page.keyboard.press("Enter")
    # a function, not an expression: Playwright evaluates a bare expression with eval(),
    # which the page's CSP (no 'unsafe-eval') refuses once the first poll comes back false
    page.wait_for_function(
        "(zoom) => document.getElementById('barrier-map').quartierMap.getZoom() > zoom", arg=zoom
    )
    page.wait_for_selector("#barrier-map[data-barriers-total='5']")
    # a sixth report in a far cell: shown only as "fewer than 5", without a number
    services.create_report(
        create_user(),
        offer=None,
        offer_text="Kurs",
        district_from=districts["01"],
        text="",
        visibility="public",
        details={
            "barrier_types": ["transport"],
            "affected": "self",
            "age_group": "30_49",
            "participation_benefits": "not_stated",
        },
    )
    db.session.commit()
    page.goto("/barrieren")
    page.wait_for_selector("#barrier-map[data-loaded=true]")
    page.evaluate("document.getElementById('barrier-map').quartierMap.setZoom(11)")
    page.wait_for_function(
        "() => document.querySelectorAll('#barrier-map .barrier-cluster').length === 2"
    )
    assert page.locator("#barrier-map").get_attribute("data-barriers-total") == "5"
    fewer = page.locator("#barrier-map .leaflet-marker-icon:has(.barrier-cluster[data-count=''])")
    expect(fewer).to_have_attribute("aria-label", re.compile("^Weniger als 5 Barrieremeldungen"))
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, create_user("planner").email)
    for path in (
        "/angebote/verwaltung",
        "/angebote/verwaltung/neu",
        "/angebote/verwaltung/import",
        "/barrieren/verwaltung",
    ):
        page.goto(path)
        assert_no_serious_axe_violations(page)


def test_choose_the_offer_on_the_map(page, live_server, catalogue, create_user):
    log_in(page, create_user().email)
    page.goto("/barrieren/melden")
    page.locator(".map-pick summary").click()
    page.wait_for_selector("#barrier-map[data-loaded=true]")
    marker = page.locator(".leaflet-marker-icon[title^='Jugendhaus Testweg']")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#offer")).to_have_value(str(catalogue[1].id))
    expect(page.locator("#map-choice")).to_contain_text("Jugendhaus Testweg", use_inner_text=True)
    assert_no_serious_axe_violations(page)
    page.goto("/barrieren")
    page.wait_for_selector("#barrier-map[data-loaded=true]")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
