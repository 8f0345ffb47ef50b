"""Print views laid out for a council meeting: the council's print view and a district's
open needs and proposals – A4, a header with council, district and date, numbered items,
addresses printed as text; the district view's permission and its constant query count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.extensions import db

from .conftest import URL

DISTRICT_PRINT = "/ortsteile/23/druckansicht"


def _items(page: str, list_id: str) -> list[str]:
    match = re.search(
        rf'<ol class="print-list" id="{list_id}" start="(\d+)">(.*?)</ol>', page, re.S
    )
    assert match, list_id
    return re.findall(
        r'<li class="print-item">(.*?)</li>\s*(?=<li class="print-item">|$)', match.group(2), re.S
    )


def _start(page: str, list_id: str) -> int:
    return int(re.search(rf'id="{list_id}" start="(\d+)"', page).group(1))


def test_the_stylesheet_lays_out_a4(app):
    css = (Path(app.static_folder) / "css" / "print.css").read_text()
    printing = css[css.index("/* look-district */") :]
    assert "size: A4" in printing and "margin:" in printing
    assert "break-inside: avoid" in printing and "break-before: page" in printing
    assert "overflow: visible" in printing
    assert "overflow: hidden" not in css  # nothing clipped


def test_council_print_view_has_header_numbers_and_addresses(
    client, login, people, make_proposal, make_need
):
    make_proposal(title="Grünfläche am Moskauer Platz", supports=2)
    make_need("Straßenbeleuchtung Übergang")
    login(people["member"])
    page = client.get(URL + "druckansicht").get_data(as_text=True)
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.css', page)
    header = page[
        page.index('<header class="print-header">') : page.index(
            "</header>", page.index('<header class="print-header">')
        )
    ]
    assert "Ortsteilrat Moskauer Platz" in header and "Stand:" in header
    assert "23 Moskauer Platz" in header
    items = _items(page, "print-list")
    assert len(items) == 2 and _start(page, "print-list") == 1
    for item in items:
        assert re.search(
            r'<span class="print-url-text">http://localhost/(vorschlaege|bedarfe)/\d+</span>', item
        )
    assert DISTRICT_PRINT in page  # the way to one district's view


def test_district_print_view_lists_the_open_needs_then_proposals(
    client, login, people, make_proposal, make_need
):
    from tests.workflow.helpers import put_status

    make_need("Offener Bedarf", priority="high")
    make_need("Erledigter Bedarf", status="done")
    make_need("Bedarf anderswo", number="25")
    make_proposal(title="Offener Vorschlag", supports=3)
    make_proposal(title="Zweiter Vorschlag", supports=1)
    declined = make_proposal(title="Abgelehnter Vorschlag")
    put_status("proposal", declined, "declined")
    make_proposal(title="Versteckter Vorschlag", state="hidden")
    db.session.commit()
    login(people["mayor"])
    response = client.get(DISTRICT_PRINT)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "css/print.css" in page
    header = page[page.index('<header class="print-header">') :]
    assert (
        "Ortsteilrat Moskauer Platz" in header[:500]
        and "Ortsteil 23 Moskauer Platz" in header[:500]
    )
    needs = _items(page, "print-needs")
    proposals = _items(page, "print-proposals")
    assert [("Offener Bedarf" in n) for n in needs] == [True]
    assert "Offener Vorschlag" in proposals[0] and "Zweiter Vorschlag" in proposals[1]
    assert len(proposals) == 2
    assert _start(page, "print-proposals") == len(needs) + 1  # numbered through
    for absent in ("Erledigter Bedarf", "Bedarf anderswo", "Abgelehnter Vorschlag", "Versteckter"):
        assert absent not in page
    assert page.index('id="print-needs-title"') < page.index('id="print-proposals-title"')


def test_district_print_view_in_english_and_empty(client, login, people, english):
    login(people["member"])
    page = client.get(DISTRICT_PRINT).get_data(as_text=True)
    assert "Open needs (0)" in page and "No open proposals." in page


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("other member", 403),
        ("other mayor", 403),
        ("member", 200),
        ("mayor", 200),
        ("planner", 200),
        ("admin", 200),
    ],
)
def test_who_may_print_a_district(client, login, people, who, code):
    if people[who] is not None:
        login(people[who])
    assert client.get(DISTRICT_PRINT).status_code == code


def test_a_district_without_council_for_planners_only(client, login, people):
    login(people["planner"])
    assert client.get("/ortsteile/01/druckansicht").status_code == 200
    assert client.get("/ortsteile/99/druckansicht").status_code == 404


def test_the_district_page_links_the_print_view_for_who_may(client, login, people):
    assert DISTRICT_PRINT not in client.get("/ortsteile/23").get_data(as_text=True)
    login(people["member"])
    assert DISTRICT_PRINT in client.get("/ortsteile/23").get_data(as_text=True)


def test_district_print_query_count_does_not_grow(
    client, login, people, make_proposal, make_need, count_queries, app
):
    from app.comments import services as comments
    from app.responses import services as responses
    from app.responses.targets import get_respondable

    def add(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            proposal = make_proposal(title=f"Vorschlag {i}", supports=2)
            make_need(f"Bedarf {i}")
            comments.add_comment(people["citizen"], "proposal", proposal.id, f"Kommentar {i}")
            db.session.commit()
            with app.test_request_context():
                responses.respond(
                    people["mayor"], get_respondable("proposal"), proposal, f"Antwort {i}"
                )
                db.session.commit()

    login(people["member"])
    add(1, 0)
    client.get(DISTRICT_PRINT)
    with count_queries() as few:
        assert client.get(DISTRICT_PRINT).status_code == 200
    add(8, 1)
    with count_queries() as many:
        page = client.get(DISTRICT_PRINT).get_data(as_text=True)
    assert "Vorschlag 8" in page and "Bedarf 8" in page
    assert many.count == few.count, (few.statements, many.statements)
