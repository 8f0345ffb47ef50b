"""Effect monitoring in Chromium: the measure page's "Entwicklung im Vergleich" section (chart,
table, verdict, linked comparison districts), a planner changing the comparison group with a
reason; axe on those pages in German and English."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.measures import services
from app.measures.models import EffectComparison
from app.measures.services import MeasureData
from tests.measures.test_effects import START, planted  # noqa: F401 - the fixture

from .conftest import assert_no_serious_axe_violations, log_in


@pytest.fixture
def measure(create_user, planted, districts):  # noqa: F811
    planner = create_user("planner", office="social-planning", email="planer@example.org")
    from app.accounts.models import Office

    office = db.session.scalar(db.select(Office).where(Office.slug == "social-planning"))
    found = services.save_measure(
        planner,
        None,
        MeasureData(
            title="Stadtteilbüro",
            status_key="in_implementation",
            office_ids=[office.id],
            district_ids=[districts["23"].id],
            actual_start=date(START, 3, 1),
            indicators=[(planted.id, "down")],
            qualitative_assessment="Gut angenommen.",
        ),
    )
    db.session.commit()
    return planner, found


def test_the_comparison_section_and_changing_the_group(page, measure):
    planner, found = measure
    page.goto(f"/massnahmen/{found.id}")
    section = page.locator("#entwicklung-im-vergleich")
    expect(section.get_by_role("heading", name="Entwicklung im Vergleich")).to_be_visible()
    expect(section.locator("svg.chart")).to_be_visible()
    expect(section).to_contain_text("Gut angenommen.")
    expect(section.locator("table caption")).to_contain_text("Basisjahr")
    assert_no_serious_axe_violations(page)
    page.locator(".language-switch button").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#compare-title")).to_have_text("Development compared")
    assert_no_serious_axe_violations(page)
    page.locator(".language-switch button").click()
    page.wait_for_load_state()

    log_in(page, planner.email)
    page.goto(f"/verwaltung/massnahmen/{found.id}/vergleich")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Vergleichsortsteile").fill("01, 02, 03")
    page.get_by_role("button", name="Vergleichsgruppe ändern").click()
    expect(page.locator(".error-summary")).to_contain_text("Grund")
    expect(page.get_by_label("Vergleichsortsteile")).to_have_value("01, 02, 03")
    page.get_by_label("Grund für die Änderung").fill("Ortskenntnis des Amts")
    page.get_by_role("button", name="Vergleichsgruppe ändern").click()
    expect(page.locator(".flash-success")).to_contain_text("geändert")
    assert_no_serious_axe_violations(page)
    row = db.session.scalar(db.select(EffectComparison))
    db.session.refresh(row)
    assert row.reason == "Ortskenntnis des Amts"
    page.goto(f"/massnahmen/{found.id}")
    expect(page.locator("#entwicklung-im-vergleich")).to_contain_text("01 Altstadt")
