"""The back office's figures page, the public page "Wie schnell antwortet die Stadt?" and
its CSV: roles, thresholds, languages, query counts."""

from __future__ import annotations

import csv
import io

import pytest

from app.responsiveness.routes import figure_count

PUBLIC = "/wie-schnell-antwortet-die-stadt"
FIGURES = "/verwaltung/zahlen/"


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 200),
        ("citizen", 200),
        ("council_member", 200),
        ("mayor", 200),
        ("planner", 200),
        ("admin", 200),
    ],
)
def test_everyone_sees_the_public_page_and_csv(client, people, login_as, role, status):
    login_as(people[role] if role != "anonymous" else None)
    assert client.get(PUBLIC).status_code == status
    assert client.get(PUBLIC + ".csv").status_code == status


@pytest.mark.parametrize(
    "role,status",
    [
        ("citizen", 403),
        ("unconfirmed", 403),
        ("council_member", 403),
        ("mayor", 403),
        ("planner", 200),
        ("admin", 200),
    ],
)
def test_only_planners_and_admins_see_the_figures_page(client, people, login_as, role, status):
    login_as(people[role])
    assert client.get(FIGURES).status_code == status


def test_anonymous_is_sent_to_login_from_the_figures_page(client):
    response = client.get(FIGURES)
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_the_footer_links_the_public_page(client):
    assert f'href="{PUBLIC}"' in client.get("/").get_data(as_text=True)


def test_public_page_in_german_shows_figures_from_ten_inputs(client, make_items, offices):
    make_items(10, office="social-planning", response_days=range(1, 11))
    make_items(9, office="transport-planning", number="25", response_days=range(1, 10))
    html = client.get(PUBLIC).get_data(as_text=True)
    assert "Wie schnell antwortet die Stadt?" in html
    assert "Die Hälfte der Eingaben wurde innerhalb" in html
    assert "5,5" in html and "9,1" in html  # median and 90th percentile of social planning
    assert "weniger als 10 Eingaben" in html  # transport planning and district 25: 9 inputs
    row = html.split("Verkehrsplanung", 1)[1].split("</tr>", 1)[0]
    assert "weniger als 10 Eingaben" in row
    assert ">9<" not in row and "5,0" not in row  # neither its count nor its median


def test_public_page_in_english(client, english, make_items):
    make_items(10, response_days=range(1, 11))
    html = client.get(PUBLIC).get_data(as_text=True)
    assert "How fast does the city answer?" in html
    assert "half of the inputs were answered within 12 days" in html
    assert "5.5" in html and "9.1" in html
    assert 'role="region"' in html and 'tabindex="0"' in html and 'scope="row"' in html


def test_figures_page_shows_all_tables(client, people, login_as, make_items):
    make_items(10, response_days=range(1, 11))
    login_as(people["planner"])
    html = client.get(FIGURES).get_data(as_text=True)
    for title in (
        "Eingaben nach Ortsteil und Status",
        "Eingaben nach Kategorie",
        "Eingaben nach Amt",
        "Rückstand nach Alter",
        "Antwortzeiten nach Amt",
        "Antwortzeiten nach Ortsteil",
        "Betroffene Personen nach Angebot und Barriere",
    ):
        assert title in html, title
    assert 'data-bucket="over-90">10<' in html  # the ten open items are 200 days old
    assert "<caption" in html and 'scope="col"' in html


def test_figures_page_in_english(client, english, people, login_as, make_items):
    make_items(3)
    login_as(people["admin"])
    html = client.get(FIGURES).get_data(as_text=True)
    assert "Figures of the back office" in html and "Backlog by age" in html
    assert "fewer than 10" in html  # three items: no percentile


def test_csv_opens_with_pythons_csv_module(client, make_items):
    make_items(10, response_days=range(1, 11))
    make_items(9, office="transport-planning", number="25")
    response = client.get(PUBLIC + ".csv")
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    social = next(r for r in rows if r["grouping"] == "office" and r["name"] == "Sozialplanung")
    assert social["inputs"] == "10"
    assert social["median_days_to_first_response"] == "5.5"
    assert social["p90_days_to_first_response"] == "9.1"
    transport = next(r for r in rows if r["name"] == "Verkehrsplanung")
    assert transport["inputs"] == "" and transport["note"] == "weniger als 10 Eingaben"
    district = next(r for r in rows if r["grouping"] == "district" and r["district_number"] == "25")
    assert district["inputs"] == ""


@pytest.mark.parametrize("path,role", [(PUBLIC, None), (FIGURES, "planner")])
def test_query_count_does_not_grow_with_the_items(
    client, people, login_as, make_items, count_queries, path, role
):
    login_as(people[role] if role else None)
    make_items(5, response_days=[1] * 5, closure_days=[2] * 5)
    client.get(path)  # warm up (statuses, translations)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    make_items(
        35, response_days=[1] * 35, closure_days=[2] * 20, number="25", office="transport-planning"
    )
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


def test_counts_use_the_languages_thousands_separator(app):
    with app.test_request_context():
        assert figure_count(27187) == "27.187"
