"""A planner imports figures (one bad row, then fixed) and finds them on the district profile
and the map; axe checks the public indicator pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_serious_axe_violations, log_in

BAD = "district;indicator;year;value\n05;sgb2_rate;2025;31,5\nAtlantis;sgb2_rate;2025;5\n"
FIXED = "district;indicator;year;value\n05;sgb2_rate;2025;31,5\n06;sgb2_rate;2025;28,25\n"


@pytest.fixture
def demo(districts, demo_indicators):
    """``load_demo_data()``'s content, restored from the session's snapshot."""
    return districts


def upload_file(page, content: str) -> None:
    page.goto("/indikatoren/import")
    page.set_input_files(
        "#file",
        files=[{"name": "zahlen.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    page.get_by_label("Quelle der Zahlen").fill("Statistikstelle Erfurt")
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_url("**/indikatoren/import/*")


def test_planner_imports_fixes_and_sees_the_figures(page, demo, create_user):
    planner = create_user("planner")
    log_in(page, planner.email)

    upload_file(page, BAD)
    problems = page.locator(".error-summary")
    expect(problems).to_contain_text("Atlantis", use_inner_text=True)
    expect(problems.locator("tbody th").first).to_have_text("3", use_inner_text=True)  # row number
    expect(page.locator("body")).to_contain_text("Neue Werte: 1")
    assert_no_serious_axe_violations(page)

    # Fix the file instead of skipping the bad row.
    page.get_by_role("link", name="Korrigierte Datei hochladen").click()
    upload_file(page, FIXED)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("Neue Werte: 2")
    page.get_by_role("button", name="Zahlen speichern").click()
    page.wait_for_url("**/indikatoren/importe")
    expect(page.locator(".flashes")).to_contain_text("Import Nr.", use_inner_text=True)

    page.goto("/ortsteile/05/zahlen")
    section = page.locator("section", has=page.locator("#ind-sgb2_rate"))
    latest = section.locator(".indicator-latest")
    expect(latest).to_contain_text("31,5 %", use_inner_text=True)
    expect(latest).to_contain_text("(2025)", use_inner_text=True)

    page.goto("/indikatoren/karte?indicator=sgb2_rate&year=2025")
    page.wait_for_selector("#indicator-map[data-loaded=true]")
    expect(page.locator("#indicator-map path.leaflet-interactive")).to_have_count(53)
    row = page.locator("#indicator-table tbody tr", has_text="06 Rieth")
    expect(row).to_contain_text(re.compile("28,3 %|28,2 %"), use_inner_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/ortsteile/23/zahlen",
        "/indikatoren/karte?indicator=sgb2_rate&year=2024",
        "/indikatoren/methode",
        "/indikatoren/sozialindex",
        "/indikatoren/sozialindex?view=dynamic&year=2020",
        "/indikatoren/",
    ],
)
def test_public_indicator_pages_have_no_serious_axe_violations(page, demo, path):
    page.goto(path)
    if page.locator("#indicator-map").count():
        page.wait_for_selector("#indicator-map[data-loaded=true]")
    assert_no_serious_axe_violations(page)


def test_map_table_sorts_by_keyboard(page, demo):
    page.goto("/indikatoren/karte?indicator=sgb2_rate&year=2024")
    button = page.get_by_role("button", name="Wert")
    button.focus()
    page.keyboard.press("Enter")
    first = page.locator("#indicator-table tbody tr").first.locator("td").first
    header = page.locator("#indicator-table thead th").nth(1)
    expect(header).to_have_attribute("aria-sort", "ascending")  # sorted: now read the values
    values = [
        float(v)
        for v in page.locator("#indicator-table tbody td:nth-child(2)").evaluate_all(
            "cells => cells.map(c => c.dataset.value).filter(v => v !== '')"
        )
    ]
    assert values == sorted(values)
    page.keyboard.press("Enter")
    expect(first).to_be_visible()
    expect(header).to_have_attribute("aria-sort", "descending")


def test_map_shape_opens_profile_by_keyboard(page, demo):
    page.goto("/indikatoren/sozialindex")
    page.wait_for_selector("#indicator-map[data-loaded=true]")
    shape = page.locator('#indicator-map path[data-number="23"]')
    shape.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ortsteile/23/zahlen")


def test_planner_pages_have_no_serious_axe_violations(page, demo, create_user):
    planner = create_user("planner")
    log_in(page, planner.email)
    for path in (
        "/indikatoren/import",
        "/indikatoren/importe",
        "/indikatoren/verwaltung/neu",
        "/indikatoren/sozialindex/definition",
        "/ortsteile/05/zahlen/verknuepfen",
    ):
        page.goto(path)
        assert_no_serious_axe_violations(page)


PARTIAL = (
    "district;indicator;year;value\n"
    "05;sgb2_rate;2025;31,5\n06;sgb2_rate;2025;28,25\n23;sgb2_rate;2025;40\n"
)


def test_a_year_for_three_districts_is_marked_and_not_the_default(page, demo, create_user):
    planner = create_user("planner")
    log_in(page, planner.email)

    upload_file(page, PARTIAL)
    warning = page.locator("#incomplete-years")
    expect(warning).to_contain_text("2025: nur 3 von 53 Ortsteilen", use_inner_text=True)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Zahlen speichern").click()
    page.wait_for_url("**/indikatoren/importe")

    # The map stays on the complete year and says which year is incomplete.
    page.goto("/indikatoren/karte?indicator=sgb2_rate")
    page.wait_for_selector("#indicator-map[data-loaded=true]")
    year = page.get_by_label("Jahr")
    expect(year).to_have_value("2024")
    expect(year.locator('option[value="2025"]')).to_have_text("2025 – nur 3 von 53 Ortsteilen")
    expect(page.locator(".coverage-notice")).to_contain_text("Unvollständige Jahre: 2025")
    assert_no_serious_axe_violations(page)

    # Choosing the incomplete year (by keyboard-operable form) marks it and its city average.
    year.select_option("2025")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url("**year=2025**")
    page.wait_for_selector("#indicator-map[data-loaded=true]")
    expect(page.locator("#coverage-notice")).to_contain_text(
        "Nur 3 von 53 Ortsteilen", use_inner_text=True
    )
    expect(page.locator("#indicator-table tfoot")).to_contain_text(
        "nur 3 von 53 Ortsteilen", use_inner_text=True
    )
    assert_no_serious_axe_violations(page)

    page.goto("/ortsteile/05/zahlen")
    assert_no_serious_axe_violations(page)
