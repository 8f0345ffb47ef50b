"""A proposal started from a district page has that district chosen and the map opened at it."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def signed_in(client, login, citizen, districts, categories):
    login(citizen)
    return citizen


def _selected_district(page: str) -> str | None:
    select = re.search(r'<select[^>]*name="district".*?</select>', page, re.S).group(0)
    found = re.search(r'<option selected value="(\d*)"|<option value="(\d*)" selected', select)
    return (found.group(1) or found.group(2)) if found else None


def _map(page: str) -> tuple[str, str]:
    div = re.search(r'<div id="proposal-map"[^>]*>', page, re.S).group(0)
    return re.search(r'data-center="([^"]*)"', div).group(1), re.search(
        r'data-zoom="([^"]*)"', div
    ).group(1)


def test_district_page_links_to_the_form_with_its_number(client, signed_in, districts):
    page = client.get(f"/ortsteile/{districts['23'].number}").get_data(as_text=True)
    assert 'href="/vorschlaege/neu?ortsteil=23"' in page


def test_the_district_is_preselected_and_the_map_centred(app, client, signed_in, districts):
    district = districts["23"]
    page = client.get("/vorschlaege/neu?ortsteil=23").get_data(as_text=True)
    assert _selected_district(page) == "23"
    centre, zoom = _map(page)
    assert centre == f"{district.label_lat},{district.label_lon}"
    assert zoom == str(app.config["DISTRICT_MAP_ZOOM"])


def test_without_or_with_an_unknown_district_nothing_is_chosen(app, client, signed_in):
    for path in ("/vorschlaege/neu", "/vorschlaege/neu?ortsteil=99", "/vorschlaege/neu?ortsteil=x"):
        page = client.get(path).get_data(as_text=True)
        assert _selected_district(page) in (None, "")
        centre, zoom = _map(page)
        assert centre == ",".join(str(c) for c in app.config["MAP_CENTER"])
        assert zoom == str(app.config["MAP_ZOOM"])


def test_a_refused_form_keeps_the_district_and_its_map(client, signed_in, districts):
    response = client.post("/vorschlaege/neu", data={"title": "", "district": "23"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _selected_district(page) == "23"
    assert _map(page)[0] == f"{districts['23'].label_lat},{districts['23'].label_lon}"
